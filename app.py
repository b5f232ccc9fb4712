"""The web app: a page to draw on, and a small JSON API around the network in ``mlp/``.

    python app.py            # http://127.0.0.1:5000

Configuration comes from the environment (see README): MLP_WEIGHTS names the
weights file (default: the one shipped in mlp/weights/).
"""
from __future__ import annotations

import base64
import hashlib
import os
import sys

import numpy as np
from flask import Flask, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from mlp import preview, sharelink, weights_io
from mlp.inference import infer
from mlp.inputs import InputError, parse_json, pixels_from_request

MAX_BODY_BYTES = 64 * 1024  # 784 numbers fit in ~16 KB even when written out long

# Only our own files run or style the page: no inline code, so an injected
# string can never execute. Framing is allowed from anywhere on purpose:
# teachers embed the page in slides, and it has no accounts or actions that a
# clickjacker could abuse (see README).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def network_payload(network):
    """Layer sizes, weights and biases for the neuron inspector (weights as base64 float32)."""
    layers = []
    for w, b in zip(network.weights, network.biases):
        layers.append({
            "shape": list(w.shape),
            "weights": base64.b64encode(np.ascontiguousarray(w, dtype="<f4").tobytes()).decode("ascii"),
            "biases": np.round(b.astype(np.float64), 6).tolist(),
        })
    meta = {k: network.meta.get(k) for k in ("test_accuracy", "epochs", "loss", "augmentation", "date")}
    return {"sizes": list(network.sizes), "n_params": network.n_params, "layers": layers, "meta": meta}


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(
        WEIGHTS=os.environ.get("MLP_WEIGHTS", str(weights_io.DEFAULT_WEIGHTS)),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        # Static files are cached for 10 minutes, then revalidated by ETag (a cheap 304):
        # ES modules import each other by plain URL, so a long cache could mix versions.
        SEND_FILE_MAX_AGE_DEFAULT=600,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    network = weights_io.load(app.config["WEIGHTS"])  # fails loudly at start-up, not per request
    network_json = network_payload(network)
    network_etag = hashlib.sha256(repr(network_json).encode()).hexdigest()[:16]

    def shared_drawing():
        """(code, pixels) from the ?d= of a share link; a bad link is a LinkError."""
        code = request.args.get("d", "")
        return code, sharelink.decode(code)

    @app.get("/")
    def index():
        og = None
        if "d" in request.args:
            try:
                code, pixels = shared_drawing()
                answer = infer(network, pixels)["prediction"]
                og = {"image": url_for("preview_png", d=code, _external=True),
                      "title": "A digit drawn for a neural network" if answer is None
                      else f"The neural network reads this drawing as {answer}"}
            except sharelink.LinkError:
                pass  # the page itself tells the person, in their language
        return render_template("index.html", sizes=network.sizes, n_params=network.n_params,
                               test_accuracy=network.meta.get("test_accuracy"), og=og)

    @app.get("/api/share")
    def share_decode():
        try:
            code, pixels = shared_drawing()
        except sharelink.LinkError as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(code=code, pixels=np.round(pixels.astype(np.float64), 6).tolist())

    @app.get("/preview.png")
    def preview_png():
        try:
            _, pixels = shared_drawing()
        except sharelink.LinkError as exc:
            return jsonify(error=str(exc)), 400
        reply = infer(network, pixels)
        response = app.response_class(preview.render(reply["activations"][0], reply["prediction"],
                                                     reply["probabilities"]), mimetype="image/png")
        response.cache_control.public = True
        response.cache_control.max_age = 86400  # the picture of a link never changes
        return response

    @app.post("/api/predict")
    def predict():
        if request.mimetype != "application/json":
            return jsonify(error=f"send JSON with Content-Type: application/json (got '{request.mimetype or 'none'}')"), 415
        try:
            pixels = pixels_from_request(parse_json(request.get_data(cache=False)))
        except InputError as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(infer(network, pixels))

    @app.get("/api/network")
    def network_route():
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
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        # The API speaks JSON even when it refuses; pages keep Flask's HTML.
        if request.path.startswith("/api/"):
            return jsonify(error=f"{exc.code} {exc.name}: {exc.description}"), exc.code
        return exc

    return app


def create_app_or_exit(config=None):
    """The app, or one clear line on stderr and exit status 1 when the weights cannot be used.

    Used by ``python app.py`` and by gunicorn (``'app:create_app_or_exit()'``), so
    a bad weights file stops the server at start-up instead of serving 500s.
    """
    try:
        return create_app(config)
    except weights_io.WeightsFileError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    application = create_app_or_exit()
    application.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")),
                    debug=os.environ.get("FLASK_DEBUG") == "1")
