"""Refusals as JSON: a request the API cannot use says why, whatever the route; pages keep Flask's HTML."""
from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException, TooManyRequests

from .inputs import InputError, NotJson
from .sharelink import LinkError
from .training import TrainingBusy, TrainingUnavailable


def not_json(exc):
    return jsonify(error=str(exc)), 415


def bad_input(exc):
    # A request we cannot use: say why, as JSON, whatever the route.
    return jsonify(error=str(exc)), 400


def bad_link(exc):
    # A link we cannot open: why, for people and as a code for programs (the page's words).
    return jsonify(error=str(exc), reason=exc.reason), 400


def training_busy(exc):
    # One training at a time per process, and no queue: try again when this one should be done.
    if request.endpoint == "pages.index":  # the page keeps Flask's HTML
        return TooManyRequests(str(exc), retry_after=exc.retry_after).get_response()
    response = jsonify(error=str(exc), retry_after=exc.retry_after)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response, 429


def training_unavailable(exc):
    # A recipe id on a server without MNIST: not the asker's fault, and not this server's to fix by retrying.
    return jsonify(error=str(exc)), 503


def http_error(exc):
    # The API speaks JSON even when it refuses; pages keep Flask's HTML.
    if request.path.startswith("/api/"):
        return jsonify(error=f"{exc.code} {exc.name}: {exc.description}"), exc.code
    return exc


def register(app):
    app.register_error_handler(NotJson, not_json)
    app.register_error_handler(InputError, bad_input)
    app.register_error_handler(LinkError, bad_link)
    app.register_error_handler(TrainingBusy, training_busy)
    app.register_error_handler(TrainingUnavailable, training_unavailable)
    app.register_error_handler(HTTPException, http_error)
