"""Checks on what arrives from outside (the page, the API): nothing unchecked reaches the network."""
from __future__ import annotations

import json

import numpy as np

N_PIXELS = 784


class InputError(ValueError):
    """A request that cannot be used; ``str()`` says what was wrong, for the person who sent it."""


def _refuse_constant(name):
    # Python's json accepts NaN, Infinity and -Infinity by default; JSON itself does not.
    raise InputError(f"'{name}' is not a number JSON allows")


def parse_json(body: bytes):
    """The JSON value in a request body, refusing invalid UTF-8, NaN and Infinity."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8 text") from None
    if not text.strip():
        raise InputError("the body is empty; send JSON like {\"pixels\": [784 numbers]}")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except InputError:
        raise
    except RecursionError:
        raise InputError("the JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python will convert
        raise InputError(f"the body holds a value that cannot be read ({str(exc)[:80]})") from None


def pixels_from_request(payload) -> np.ndarray:
    """784 floats in [0, 1] from ``{"pixels": [...]}``, or an InputError saying what is wrong."""
    if not isinstance(payload, dict):
        raise InputError(f"expected a JSON object like {{\"pixels\": [784 numbers]}}, got {type(payload).__name__}")
    if "pixels" not in payload:
        raise InputError("missing 'pixels': send {\"pixels\": [784 numbers from 0 to 1]}")
    pixels = payload["pixels"]
    if not isinstance(pixels, list):
        raise InputError(f"'pixels' must be a list of {N_PIXELS} numbers, got {type(pixels).__name__}")
    if len(pixels) != N_PIXELS:
        raise InputError(f"'pixels' must hold exactly {N_PIXELS} numbers (28x28, row by row), got {len(pixels)}")
    # Fast path: every item a plain int or float (bool, a subclass of int, is
    # refused: its type is not int). Only a bad request walks the list in Python.
    if not set(map(type, pixels)) <= {int, float}:
        for i, v in enumerate(pixels):
            if type(v) not in (int, float):
                raise InputError(f"pixels[{i}] must be a number, got {json.dumps(v)[:40]}")
    try:
        values = np.asarray(pixels, dtype=np.float64)
    except OverflowError:  # an int too big for a float
        values = np.full(N_PIXELS, np.inf)
        values[:] = [v if abs(v) < 1e308 else np.inf for v in pixels]
    bad = ~((values >= 0.0) & (values <= 1.0))  # also true for NaN and infinities
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"pixels[{i}] = {values[i]:g} is outside 0..1 (0 = background, 1 = ink)")
    return values.astype(np.float32)
