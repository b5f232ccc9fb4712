"""The web app: a page to draw on, and a small JSON API around the network in ``mlp/``.

    python app.py            # http://127.0.0.1:5000

The entry point (``python app.py``, ``flask --app app run``, gunicorn's
``app:create_app_or_exit()``): the app factory. The routes live in ``web/`` as two
blueprints, the page (web/pages.py) and the API (web/api.py); the rest of ``web/``
is what they use (request checks, replies, share links, previews, languages,
headers); the network itself is in ``mlp/``.

Configuration comes from the environment (see README and web/settings.py):
MLP_WEIGHTS, MLP_NETWORKS, MLP_PUBLIC_URL, MLP_TRUSTED_HOSTS, MNIST_DATA. Production runs
behind nginx: deploy/serve.
"""
from __future__ import annotations

import os
import sys

from flask import Flask

from mlp import registry, weights_io
from web import api, pages, refusals, security, settings, startup
from web.language import LANGUAGES, load_catalogs
from web.networks import Networks
from web.training import Trainer

MAX_BODY_BYTES = settings.MAX_BODY_BYTES  # deploy/serve reads it here: nginx refuses longer bodies first


def create_app(config=None):
    app = Flask(__name__)
    settings.configure(app, config)
    # Every network is loaded and checked once, at start-up: a bad file stops the server, not a request.
    # The first is the default: the page, links and previews without a network id.
    # Networks of the visitor's own design are trained from MNIST when asked for (none without it).
    networks = Networks(registry.load(app.config["NETWORKS"], only=app.config["WEIGHTS"]),
                        Trainer(app.config["MNIST_DATA"]))
    app.config["WEIGHTS"] = str(networks.default.path)  # which file that is, for whoever asks
    app.extensions["networks"] = networks
    app.extensions["catalogs"] = load_catalogs()  # every language's strings, checked now
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.after_request(security.add_headers)
    refusals.register(app)
    startup.check_page(app, "pages.index", "index.html", LANGUAGES)
    return app


def create_app_or_exit(config=None):
    """The app, or one clear line on stderr and exit status 1 when it cannot start.

    Used by ``python app.py`` and by gunicorn (``'app:create_app_or_exit()'``), so a
    bad weights file, i18n catalog, template or setting stops the server at start-up
    instead of serving 500s.
    """
    try:
        return create_app(config)
    except (weights_io.WeightsFileError, registry.RegistryError, startup.StartupError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    application = create_app_or_exit()
    application.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")),
                    debug=os.environ.get("FLASK_DEBUG") == "1")
