"""The /api/predict reply: one drawing through the network, everything the page needs to draw it.

The reply comes in one of two forms. Numbers (plain JSON lists, rounded to
DECIMALS) are for people and scripts. The compact form is for the page, which
asks for a reply on every frame that has new ink: each array is one base64
string (the input layer as its 784 grey bytes, the rest as little-endian
float32), so the server spends its time on the network, not on printing
floats as decimal text (benchmarks/load_test.py).
"""
from __future__ import annotations

import binascii
import json

import numpy as np

from mlp.explain import explain
from mlp.inference import read
from mlp.network import Network

DECIMALS = 4  # finer than an 8-bit pixel or a visible glow, and keeps the JSON small and quick


def _rounded(values):
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS).tolist()


GREY, FLOAT32 = np.dtype(np.uint8), np.dtype("<f4")  # the compact form's types (dtype objects: no parsing per array)


def _base64(array, dtype):
    # tobytes() writes C order whatever the layout: a conversion only when the type differs.
    # (binascii.b2a_base64 without its newline is what base64.b64encode calls.)
    raw = array.tobytes() if array.dtype == dtype else np.asarray(array, dtype=dtype).tobytes()
    return binascii.b2a_base64(raw, newline=False).decode("ascii")


def compact_json(reply: dict) -> str:
    """The JSON text of a compact reply (``infer(..., compact=True)`` and its ``"network"``), as
    ``jsonify`` writes it when not debugging (compact, keys in order, a newline), without the JSON
    encoder's walk over it: every array is already a base64 string, which needs no escaping.
    (tests/test_api_same_answers.py compares the two byte for byte.)"""
    arrays = '","'.join(reply["activations"]), '","'.join(reply["weighted_sums"])
    prediction = "null" if reply["prediction"] is None else str(int(reply["prediction"]))
    return (f'{{"prediction":{prediction},"empty":{"true" if reply["empty"] else "false"},'
            f'"activations":["{arrays[0]}"],"weighted_sums":["{arrays[1]}"],'
            f'"probabilities":"{reply["probabilities"]}","network":{json.dumps(reply["network"])}}}\n')


def infer(network: Network, pixels, compact: bool = False, preprocess: bool = True, silenced=None) -> dict:
    """Normalize the drawing as MNIST was, run it, and report every layer.

    ``activations`` are the 784 inputs the network saw (after normalization,
    in 8-bit grey levels like MNIST's: k/255) then each layer's outputs (sigmoid, 0 to 1; a trained
    network's ReLU hidden layers, 0 and up: the activation of each is /api/network's);
    ``weighted_sums`` the z = W a + b of each non-input layer; ``probabilities``
    the softmax of the output z. ``compact``: the arrays as base64 (see above).
    ``preprocess=False``: no normalization, the network is given the grid as sent.
    ``silenced``: hidden neurons held at 0 (their activations are reported as 0).
    """
    seen = read(network, pixels, preprocess=preprocess, silenced=silenced)
    reply = {"prediction": seen.prediction, "empty": seen.empty}
    if compact:
        reply["activations"] = [_base64(seen.grey, GREY)] + [_base64(a, FLOAT32) for a in seen.activations[1:]]
        reply["weighted_sums"] = [_base64(z, FLOAT32) for z in seen.weighted_sums]
        reply["probabilities"] = _base64(seen.probabilities, FLOAT32)
    else:
        reply["activations"] = [_rounded(a) for a in seen.activations]
        reply["weighted_sums"] = [_rounded(z) for z in seen.weighted_sums]
        reply["probabilities"] = _rounded(seen.probabilities)
    return reply


def _suggestion(s, key):
    """One piece of advice as JSON: where (pixel, region: null when there is nowhere to try), and what
    trying it on the network gave (result, reads, after)."""
    return {"pixel": s["pixel"], "region": None if s["region"] is None else list(s["region"]), key: s[key],
            "result": s["result"], "reads": s["reads"], "after": _rounded(s["after"])}


def explanation(network: Network, pixels, preprocess: bool = True, silenced=None) -> dict:
    """The /api/explain reply: why the network answered what it did (mlp.explain), on the input it saw
    (``input``: the 784 values given to the network, as /api/predict's first activations, for the maps' backdrop)."""
    seen = read(network, pixels, preprocess=preprocess, silenced=silenced)
    why = explain(network, seen.activations[0], silenced=silenced)
    return {
        "prediction": seen.prediction, "empty": seen.empty,
        "input": _rounded(seen.activations[0]),
        "digits": [why["winner"], why["runner_up"]],
        "outputs": _rounded(why["outputs"]),
        "maps": [_rounded(m) for m in why["maps"]],
        "add_ink": _suggestion(why["add_ink"], "towards"),
        "remove_ink": _suggestion(why["remove_ink"], "from"),
    }
