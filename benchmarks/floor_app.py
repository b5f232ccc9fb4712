"""The app with /api/predict doing nothing but read its body: the framework's floor for a POST.

Used by ``benchmarks/load_test.py --floor`` (never by the product): it shows how
fast a POST with the page's 1 KB body can be answered at all on this server,
before any normalization, network or JSON encoding, next to /healthz.
"""
from flask import jsonify, request

from app import create_app


def create():
    app = create_app()

    def body_only():
        request.get_data(cache=False)
        return jsonify(status="ok")

    app.view_functions["api.predict"] = body_only
    return app
