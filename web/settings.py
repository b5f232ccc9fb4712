"""The app's settings: from the environment (see README), then the caller's ``config``, then checked.

MLP_WEIGHTS serves that one weights file alone; without it, every network of MLP_NETWORKS (the
list, mlp/weights/networks.json by default). MNIST_DATA is the MNIST folder networks are trained on
(POST /api/train; as the training command's, ../shared/data/mnist by default); without it the
server trains nothing and says so. MLP_PUBLIC_URL is the site's public address and
MLP_TRUSTED_HOSTS the Host names it answers to (web/public_url.py checks both).
"""
from __future__ import annotations

import os

from mlp import registry
from mlp.training import mnist

from . import public_url

MAX_BODY_BYTES = 64 * 1024  # 784 numbers fit in ~16 KB even when written out long


def configure(app, config=None):
    """Fill ``app.config``; a bad public address or host list is a StartupError naming it."""
    app.config.update(
        WEIGHTS=os.environ.get("MLP_WEIGHTS"),
        NETWORKS=os.environ.get("MLP_NETWORKS", str(registry.MANIFEST)),
        MNIST_DATA=os.environ.get(mnist.ENV_VAR),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        # Static files are cached for 10 minutes, then revalidated by ETag (a cheap 304):
        # ES modules import each other by plain URL, so a long cache could mix versions.
        SEND_FILE_MAX_AGE_DEFAULT=600,
        PUBLIC_URL=os.environ.get("MLP_PUBLIC_URL"),
        TRUSTED_HOSTS=os.environ.get("MLP_TRUSTED_HOSTS"),
    )
    app.config.update(config or {})
    app.config["PUBLIC_URL"] = public_url.parse_public_url(app.config["PUBLIC_URL"])
    app.config["TRUSTED_HOSTS"] = public_url.parse_trusted_hosts(app.config["TRUSTED_HOSTS"])
    app.json.sort_keys = False  # replies keep their documented order, and skip a sort per request
    # No redirects from routing: Werkzeug's 308 for a doubled slash (/static//x -> /static/x) names
    # the request's Host, which is the client's to choose (a cacheable redirect to any site under bare
    # gunicorn or `python app.py`). A doubled slash is a 404. (Its other redirect, /a -> /a/, needs a
    # route ending in a slash: none has one but "/", tests/test_deploy_app.py checks.)
    app.url_map.merge_slashes = False
