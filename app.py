"""The web app: a page to draw on, and a small JSON API around the network in ``mlp/``.

    python app.py            # http://127.0.0.1:5000

The entry point (``python app.py``, ``flask --app app run``, gunicorn's
``app:create_app()``): the app factory and its thin routes. What the routes use
lives in ``web/`` (request checks, replies, share links, previews, languages,
headers); the network itself in ``mlp/``.

Configuration comes from the environment (see README): MLP_WEIGHTS names the
weights file (default: the one shipped in mlp/weights/); MLP_PUBLIC_URL the
site's public address and MLP_TRUSTED_HOSTS the Host names it answers to (see
web/public_url.py). Production runs behind nginx: deploy/serve.
"""
from __future__ import annotations

import hashlib
import os
import sys

import numpy as np
from flask import Flask, jsonify, make_response, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from mlp import registry, weights_io
from mlp.digit import FACTS as DIGIT_FACTS
from web import preview, public_url, sharelink, startup
from web.body import read_body
from web.inputs import (InputError, network_from_request, parse_json, pixels_from_request, preprocess_from_request,
                        sent_as_bytes, silenced_from_link, silenced_from_request, snapshot_from_request)
from web.language import LANGUAGES, load_catalogs, page_language, translate
from web.network_json import network_payload
from web.reply import explanation, infer
from web.security import SECURITY_HEADERS

MAX_BODY_BYTES = 64 * 1024  # 784 numbers fit in ~16 KB even when written out long
MAX_SHOWN_ID = 40  # an unknown ?network= is named in the page's note, cut to this many characters
VIDEO_SIZES = (784, 16, 16, 10)  # the video's network: the pickers call it so


def percent(accuracy):
    """A test accuracy (a fraction, or already a percentage) as the page shows it: "96.1", or None."""
    return None if accuracy is None else f"{accuracy * 100 if accuracy <= 1 else accuracy:.1f}"


class NotJson(Exception):
    """A drawing sent as something other than JSON: a 415 that says what to send."""


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(
        # MLP_WEIGHTS serves that one network alone; without it, every network of NETWORKS (the list).
        WEIGHTS=os.environ.get("MLP_WEIGHTS"),
        NETWORKS=os.environ.get("MLP_NETWORKS", str(registry.MANIFEST)),
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
    # Every network is loaded and checked once, at start-up: a bad file stops the server, not a request.
    # The first is the default: the page, links and previews without a network id.
    entries = registry.load(app.config["NETWORKS"], only=app.config["WEIGHTS"])
    by_id = {e.id: e for e in entries}
    app.config["WEIGHTS"] = str(entries[0].path)  # which file that is, for whoever asks
    payloads = {}  # (id, snapshot or None) -> (JSON, ETag), made when first asked for

    def payload_of(entry, snapshot=None):
        key = (entry.id, snapshot)
        if key not in payloads:
            net = entry.network if snapshot is None else entry.snapshots[snapshot]["network"]
            body = network_payload(net)
            payloads[key] = (body, hashlib.sha256(repr(body).encode()).hexdigest()[:16])
        return payloads[key]

    payload_of(entries[0])

    def chosen(payload, query=False):
        """The network a request names (default: the first), and the one to run: it or its snapshot."""
        entry = by_id[network_from_request(payload, list(by_id)) or entries[0].id]
        k = snapshot_from_request(payload.get("snapshot"), len(entry.snapshots), query)
        return entry, (entry.network if k is None else entry.snapshots[k]["network"])
    catalogs = load_catalogs()
    previews = preview.PreviewCache({e.id: e.network for e in entries})

    @app.context_processor
    def language_context():
        lang = page_language(request)
        return {"lang": lang, "languages": LANGUAGES, "digit_facts": DIGIT_FACTS,
                "t": lambda key, **params: translate(catalogs[lang], key, **params)}

    def shared_drawing():
        """(code, pixels) from the ?d= of a share link; a bad link is a LinkError."""
        code = request.args.get("d", "")
        return code, sharelink.decode(code)

    def network_choices():
        """The networks for the page's pickers, the default first, with the figures they show."""
        return [{"id": e.id, "sizes": "-".join(map(str, e.network.sizes)), "params": f"{e.network.n_params:,}",
                 "pct": percent(e.network.meta.get("test_accuracy")), "video": e.network.sizes == VIDEO_SIZES,
                 "snapshots": len(e.snapshots)}
                for e in entries]

    @app.get("/")
    def index():
        og = None
        catalog = catalogs[page_language(request)]
        # ?network=ID shows that network; none (or an empty one) the default; an unknown one the
        # default with a note saying so (a page, never an error: the API refuses unknown ids).
        asked_id = request.args.get("network", "")
        entry = by_id.get(asked_id, entries[0])
        unknown = asked_id[:MAX_SHOWN_ID] if asked_id and asked_id not in by_id else None
        net = entry.network
        # &off= silences hidden neurons of the link's network (none when that network is unknown:
        # the default's neurons are other ones); what cannot be used is a note (never echoed), and
        # every neuron stays on.
        silenced, bad_off = [], False
        if unknown is None and sharelink.SILENCED_PARAM in request.args:
            try:
                silenced = silenced_from_link(request.args[sharelink.SILENCED_PARAM], net)
            except InputError:
                bad_off = True
        if "d" in request.args:
            try:
                code, pixels = shared_drawing()
                answer = infer(net, pixels, silenced=silenced)["prediction"]
                image = url_for("preview_png", d=code, **({} if entry is entries[0] else {"network": entry.id}),
                                **({sharelink.SILENCED_PARAM: sharelink.encode_silenced(silenced)} if silenced else {}))
                og = {"image": public_url.absolute(image, app.config["PUBLIC_URL"], request),
                      "title": translate(catalog, "og.title.blank") if answer is None
                      else translate(catalog, "og.title.answer", digit=answer)}
            except sharelink.LinkError:
                pass  # the page itself tells the person, in their language
        response = make_response(render_template(
            "index.html", network_id=entry.id, default_network=entries[0].id, sizes=net.sizes, n_params=net.n_params,
            test_accuracy=net.meta.get("test_accuracy"), og=og, networks=network_choices(), unknown_network=unknown,
            silenced=silenced, bad_silenced=bad_off))
        response.vary.update(("Accept-Language", "Cookie"))  # the language is chosen from these
        return response

    @app.get("/api/share")
    def share_decode():
        code, pixels = shared_drawing()
        return jsonify(code=code, pixels=np.round(pixels.astype(np.float64), 6).tolist())

    @app.get("/preview.png")
    def preview_png():
        _, pixels = shared_drawing()
        net_id = network_from_request({k: v for k, v in request.args.items() if k == "network"}, list(by_id))
        net_id = net_id or entries[0].id
        off = request.args.get(sharelink.SILENCED_PARAM)
        silenced = silenced_from_link(off, by_id[net_id].network) if off is not None else []
        response = app.response_class(previews.png(pixels, net_id, silenced), mimetype="image/png")
        response.cache_control.public = True
        response.cache_control.max_age = 86400  # the picture of a link never changes
        return response

    def drawing_request():
        """What /api/predict and /api/explain are asked: the body, the drawing, the network, the silenced neurons
        and whether to pre-process (false: the grid as sent, the page's "without" switch)."""
        if request.mimetype != "application/json":
            raise NotJson(f"send JSON with Content-Type: application/json (got '{request.mimetype or 'none'}')")
        payload = parse_json(read_body(request, MAX_BODY_BYTES))
        pixels = pixels_from_request(payload)
        entry, net = chosen(payload)
        return payload, pixels, entry, net, silenced_from_request(payload, net), preprocess_from_request(payload)

    @app.post("/api/predict")
    def predict():
        payload, pixels, entry, net, silenced, preprocess = drawing_request()
        # Answered in the form it was asked: numbers, or (pixels as base64 bytes) compact.
        reply = infer(net, pixels, compact=sent_as_bytes(payload), preprocess=preprocess, silenced=silenced)
        return jsonify({**reply, "network": entry.id})

    @app.post("/api/explain")
    def explain_route():
        _, pixels, entry, net, silenced, preprocess = drawing_request()
        return jsonify({**explanation(net, pixels, preprocess, silenced), "network": entry.id})

    @app.get("/api/networks")
    def networks_route():
        return jsonify([{
            "id": e.id, "name": e.name, "sizes": list(e.network.sizes), "n_params": e.network.n_params,
            "test_accuracy": e.network.meta.get("test_accuracy"),
            "pen_drawn_test_accuracy": e.network.meta.get("pen_drawn_test_accuracy"),
            "held_out_writers_accuracy": e.network.meta.get("held_out_writers_accuracy"),
            "default": e is entries[0], "snapshots": len(e.snapshots),
        } for e in entries])

    @app.get("/api/snapshots")
    def snapshots_route():
        entry, _ = chosen({k: v for k, v in request.args.items() if k == "network"})
        return jsonify(network=entry.id, snapshots=[
            {"index": k, "step": s["step"], "epoch": round(s["epoch"], 4), "test_accuracy": s["test_accuracy"]}
            for k, s in enumerate(entry.snapshots)])

    @app.get("/api/network")
    def network_route():
        entry, _ = chosen({k: v for k, v in request.args.items() if k in ("network", "snapshot")}, query=True)
        k = snapshot_from_request(request.args.get("snapshot"), len(entry.snapshots), query=True)
        network_json, network_etag = payload_of(entry, k)
        response = jsonify(network_json)
        response.set_etag(network_etag)
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response.make_conditional(request)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # API answers and refusals are for this request only: no cache or proxy may keep them.
        # (Routes that may be cached, /api/network and /preview.png, say so themselves.)
        if "Cache-Control" not in response.headers and (
                request.path.startswith("/api/") or request.path == "/healthz" or response.status_code >= 400):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(NotJson)
    def not_json(exc):
        return jsonify(error=str(exc)), 415

    @app.errorhandler(InputError)
    def bad_input(exc):
        # A request we cannot use: say why, as JSON, whatever the route.
        return jsonify(error=str(exc)), 400

    @app.errorhandler(sharelink.LinkError)
    def bad_link(exc):
        # A link we cannot open: why, for people and as a code for programs (the page's words).
        return jsonify(error=str(exc), reason=exc.reason), 400

    @app.errorhandler(HTTPException)
    def http_error(exc):
        # The API speaks JSON even when it refuses; pages keep Flask's HTML.
        if request.path.startswith("/api/"):
            return jsonify(error=f"{exc.code} {exc.name}: {exc.description}"), exc.code
        return exc

    startup.check_page(app, "index", "index.html", LANGUAGES)
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
