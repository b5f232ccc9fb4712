"""The JSON API: /api/* (a drawing read by a network, the networks and their snapshots, a share
link's drawing, a network of one's own design trained) and /healthz. Every input is checked by
web/inputs.py (bodies) or web/query.py (query strings); a refusal is JSON (web/refusals.py)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from flask import Blueprint, current_app, jsonify, request
from werkzeug.datastructures import Headers

from mlp.training import recipe as recipes

from .body import read_body
from .inputs import (TRAIN_BODY_BYTES, check_json, network_from_request, parse_json, pixels_from_request,
                     preprocess_from_request, recipe_from_request, sent_as_bytes, silenced_from_request,
                     snapshot_from_request)
from .query import drawing_from_query, network_from_query, snapshot_from_query
from .reply import compact_json, explanation, infer
from .security import API_HEADERS
from .settings import MAX_BODY_BYTES

blueprint = Blueprint("api", __name__)


def networks():
    return current_app.extensions["networks"]


class Drawing(NamedTuple):
    """What /api/predict and /api/explain are asked."""
    pixels: object
    entry: object  # the network asked for (mlp.registry.Entry)
    network: object  # the one to run: it or its snapshot
    silenced: list
    preprocess: bool  # false: the grid as sent (the page's "without" switch)
    as_bytes: bool  # the pixels came as base64 bytes: answer in the compact form


def mimetype(asked) -> str:
    """The request's mimetype; the page's exact Content-Type without werkzeug's parsing of its options."""
    sent = asked.environ.get("CONTENT_TYPE")
    return sent if sent == "application/json" else asked.mimetype


def drawing_request() -> Drawing:
    asked = request._get_current_object()  # (the proxy looks it up on every use)
    check_json(mimetype(asked))
    payload = parse_json(read_body(asked, MAX_BODY_BYTES))
    pixels = pixels_from_request(payload)
    known = networks()
    entry = known.entry(network_from_request(payload, known.ids()))
    network = known.network(entry, snapshot_from_request(payload, len(entry.snapshots)))
    return Drawing(pixels, entry, network, silenced_from_request(payload, network), preprocess_from_request(payload),
                   sent_as_bytes(payload))


@blueprint.post("/api/predict")
def predict():
    asked = drawing_request()
    reply = {**infer(asked.network, asked.pixels, compact=asked.as_bytes, preprocess=asked.preprocess,
                     silenced=asked.silenced), "network": asked.entry.id}
    if asked.as_bytes and not current_app.debug:  # the page's form, written directly (debug: jsonify indents)
        body = compact_json(reply).encode()
        # Every header made here at once, as jsonify and security.add_headers would write them: Werkzeug's
        # header setting checks and scans the list on each (add_headers then finds each and adds nothing).
        return current_app.response_class([body], headers=Headers(
            [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *API_HEADERS]))
    return jsonify(reply)


@blueprint.post("/api/explain")
def explain():
    asked = drawing_request()
    return jsonify({**explanation(asked.network, asked.pixels, asked.preprocess, asked.silenced),
                    "network": asked.entry.id})


@blueprint.get("/api/share")
def share():
    code, pixels = drawing_from_query(request.args)
    return jsonify(code=code, pixels=np.round(pixels.astype(np.float64), 6).tolist())


@blueprint.get("/api/networks")
def network_list():
    return jsonify([{
        "id": e.id, "name": e.name, "sizes": list(e.network.sizes), "n_params": e.network.n_params,
        "test_accuracy": e.network.meta.get("test_accuracy"),
        "pen_drawn_test_accuracy": e.network.meta.get("pen_drawn_test_accuracy"),
        "held_out_writers_accuracy": e.network.meta.get("held_out_writers_accuracy"),
        "default": e is networks().default, "snapshots": len(e.snapshots),
    } for e in networks()])


def snapshot_items(entry):
    """A network's snapshots as /api/snapshots and /api/train list them (the weights: /api/network?snapshot=K)."""
    return [{"index": k, "step": s["step"], "epoch": round(s["epoch"], 4), "test_accuracy": s["test_accuracy"]}
            for k, s in enumerate(entry.snapshots)]


@blueprint.get("/api/snapshots")
def snapshot_list():
    entry = networks().entry(network_from_query(request.args, networks().ids()))
    return jsonify(network=entry.id, snapshots=snapshot_items(entry))


@blueprint.get("/api/train")
def training_form():
    """What the page builds its Train-your-own form from: whether this server can train, the limits, the presets."""
    return jsonify(available=networks().can_train, limits=recipes.limits(), presets=[
        {"key": key, "recipe": recipe.as_dict(), "network": recipe.id} for key, recipe in recipes.PRESETS])


@blueprint.post("/api/train")
def train():
    check_json(request.mimetype)
    recipe = recipe_from_request(parse_json(read_body(request, TRAIN_BODY_BYTES)))
    entry = networks().trained(recipe)
    network = entry.network
    return jsonify(network=entry.id, test_accuracy=network.meta["test_accuracy"], snapshots=snapshot_items(entry),
                   recipe=recipe.as_dict(), sizes=list(network.sizes), activations=list(network.activations),
                   n_params=network.n_params, train_seconds=network.meta["train_seconds"])


@blueprint.get("/api/network")
def network_detail():
    entry = networks().entry(network_from_query(request.args, networks().ids()))
    body, etag = networks().network_json(entry, snapshot_from_query(request.args, len(entry.snapshots)))
    response = jsonify(body)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)


@blueprint.get("/healthz")
def healthz():
    return jsonify(status="ok")
