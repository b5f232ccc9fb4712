"""Checks on what arrives in a request body (the page, the API), and the value checks a query string's
values share (web/query.py reads those): nothing unchecked reaches the network."""
from __future__ import annotations

import base64
import binascii
import json
import sys

import numpy as np

from mlp.digit import N_PIXELS
from mlp.training import recipe as recipes
from web import sharelink

# The compact form of 'pixels': base64 of 784 bytes, one per pixel (0..255, as MNIST
# stores them). A quarter of the size of 784 numbers, and read without parsing floats.
B64_CHARS = 4 * ((N_PIXELS + 2) // 3)


class InputError(ValueError):
    """A request that cannot be used; ``str()`` says what was wrong, for the person who sent it."""


class NotJson(Exception):
    """A drawing sent as something other than JSON: a 415 that says what to send."""


def check_json(mimetype):
    """A drawing's body must be sent as JSON (a form or plain text is a NotJson)."""
    if mimetype != "application/json":
        raise NotJson(f"send JSON with Content-Type: application/json (got '{mimetype or 'none'}')")


def _refuse_constant(name):
    # Python's json accepts NaN, Infinity and -Infinity by default; JSON itself does not.
    raise InputError(f"'{name}' is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)  # made once: json.loads(text, **options) makes one a call
# The first bytes of a compressed body (gzip, and zlib's deflate at its usual levels): a 415 that says so.
_COMPRESSED = (b"\x1f\x8b", b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


def shown(value) -> str:
    """A JSON value as an error message shows it, in JSON's words (null, true, 5, "text", [1, 2], never a
    Python type's name); a long list or object by its size, a long string cut short with "..." (a cut
    never looks whole)."""
    if isinstance(value, (list, dict)) and len(value) > 8:
        text = ""
    else:
        text = json.dumps(value)
    if text and len(text) <= 40:
        return text
    if isinstance(value, list):
        return f"a list of {len(value):,} items"
    if isinstance(value, dict):
        return f"an object of {len(value):,} members"
    return text[:37] + "..."


def parse_json(body: bytes):
    """The JSON value in a request body, refusing invalid UTF-8, NaN and Infinity; a compressed body is a
    NotJson (415): say what to send."""
    if body.startswith(_COMPRESSED):
        raise NotJson("the body is compressed (gzip or deflate): send the JSON itself, uncompressed")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not UTF-8 text (byte {exc.start + 1} is 0x{body[exc.start]:02x}): send JSON, "
                         "which is UTF-8") from None
    if not text.strip():
        raise InputError("the body is empty; send JSON like {\"pixels\": [784 numbers]}")
    try:
        return _DECODER.decode(text)
    except InputError:
        raise
    except RecursionError:
        raise InputError("the JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError:  # the one other: an integer with more digits than Python converts (sys.get_int_max_str_digits)
        raise InputError(f"the body holds a whole number too long to read (more than {sys.get_int_max_str_digits():,} "
                         "digits)") from None


def pixels_from_request(payload) -> np.ndarray:
    """784 floats in [0, 1] from ``{"pixels": ...}``, or an InputError saying what is wrong.

    'pixels' is either a list of 784 numbers from 0 to 1, or a string: base64 of 784
    bytes, one per pixel from 0 to 255 (see ``sent_as_bytes``).
    """
    if not isinstance(payload, dict):
        raise InputError(f"expected a JSON object like {{\"pixels\": [784 numbers]}}, got {shown(payload)}")
    if "pixels" not in payload:
        raise InputError("missing 'pixels': send {\"pixels\": [784 numbers from 0 to 1]}")
    pixels = payload["pixels"]
    if isinstance(pixels, str):
        return _pixels_from_base64(pixels)
    if not isinstance(pixels, list):
        raise InputError(f"'pixels' must be a list of {N_PIXELS} numbers (or base64 of {N_PIXELS} bytes), "
                         f"got {shown(pixels)}")
    if len(pixels) != N_PIXELS:
        raise InputError(f"'pixels' must hold exactly {N_PIXELS} numbers (28x28, row by row), got {len(pixels)}")
    # Fast path: every item a plain int or float (bool, a subclass of int, is
    # refused: its type is not int). Only a bad request walks the list in Python.
    if not set(map(type, pixels)) <= {int, float}:
        for i, v in enumerate(pixels):
            if type(v) not in (int, float):
                raise InputError(f"pixels[{i}] must be a number, got {shown(v)}")
    try:
        values = np.asarray(pixels, dtype=np.float64)
    except OverflowError:  # an int too big for a float
        values = np.full(N_PIXELS, np.inf)
        values[:] = [v if abs(v) < 1e308 else np.inf for v in pixels]
    bad = ~((values >= 0.0) & (values <= 1.0))  # also true for NaN and infinities
    if bad.any():
        i = int(np.argmax(bad))
        # The number as it was sent (1.0000000000000002, not a rounded "1" that looks fine).
        said = f"= {shown(pixels[i])} is" if np.isfinite(values[i]) else "is too large a number,"
        raise InputError(f"pixels[{i}] {said} outside 0..1 (0 = background, 1 = ink)")
    return values.astype(np.float32)


def preprocess_from_request(payload) -> bool:
    """``"preprocess"`` of a request already accepted by ``pixels_from_request``: true (the default)
    normalizes the drawing as MNIST's digits were; false gives the network the grid as sent."""
    value = payload.get("preprocess", True)
    if not isinstance(value, bool):
        raise InputError(f"'preprocess' must be true or false (default true), got {shown(value)}")
    return value


def sent_as_bytes(payload) -> bool:
    """Whether a request (already accepted by ``pixels_from_request``) sent its pixels as base64 bytes."""
    return isinstance(payload["pixels"], str)


def _pixels_from_base64(text: str) -> np.ndarray:
    what = f"'pixels' as a string must be base64 of {N_PIXELS} bytes, one per pixel from 0 to 255"
    if len(text) != B64_CHARS:  # checked first: nothing long is decoded
        raise InputError(f"{what} ({B64_CHARS} characters), got {len(text)} characters")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):  # a character outside base64's alphabet, or bad padding
        raise InputError(f"{what}: this is not valid base64") from None
    if len(raw) != N_PIXELS:  # 1,048 characters can still pad to fewer bytes
        raise InputError(f"{what}, got {len(raw)} bytes")
    return np.frombuffer(raw, dtype=np.uint8).astype(np.float32) / np.float32(255)


def network_from_request(payload, known_ids) -> str | None:
    """The optional ``"network": ID`` (None: the default): one of ``known_ids`` or a trained network's id
    (a recipe's, mlp.training.recipe); anything else is refused by name."""
    return checked_network_id(payload["network"], known_ids) if "network" in payload else None


def silenced_from_request(payload, network) -> list:
    """The optional ``"silenced": [[LAYER, INDEX], ...]``: hidden neurons held at 0 (layers from 1,
    neurons from 0). A neuron the network does not have is refused by name; so is a list longer than
    the network has hidden neurons, before anything in it is looked at (each request's work stays small)."""
    items = payload.get("silenced", [])
    if not isinstance(items, list):
        raise InputError(f"'silenced' must be a list of [layer, index] pairs, got {shown(items)}")
    if not items:
        return []
    check_silenced_count(len(items), network, "silenced")
    pairs = []
    for i, item in enumerate(items):
        if not (isinstance(item, list) and len(item) == 2 and all(type(v) is int for v in item)):
            raise InputError(f"silenced[{i}] must be a pair of whole numbers [layer, index] like [1, 3], "
                             f"got {shown(item)}")
        pairs.append((item[0], item[1]))
    return checked_silenced(pairs, network, "silenced")


def check_silenced_count(count, network, name):
    """At most as many silenced neurons as the network has hidden ones (each once): a longer list is an
    InputError, before any of it is read (4,096 pairs cost explain 12-15 ms of CPU, issue 23, 3)."""
    hidden = sum(network.sizes[1:-1])
    if count > hidden:
        raise InputError(f"'{name}' names {count:,} neurons, but this network has {hidden} hidden neurons: "
                         "name each at most once")


def snapshot_from_request(payload, count) -> int | None:
    """The optional ``"snapshot"``: a JSON whole number from 0 (the random start) to count - 1 (trained)."""
    value = payload.get("snapshot")
    return None if value is None else checked_snapshot(value, count)


# The checks a body's and a query string's values share (web/query.py reads the query's forms).

def checked_network_id(value, known_ids) -> str:
    """``value`` when it is one of ``known_ids`` or a trained network's id within the limits (a recipe's,
    mlp.training.recipe: POST /api/train); else an InputError naming the ids, or what is wrong with the recipe."""
    one_of = f"'network' must be one of {', '.join(known_ids)} (GET /api/networks lists them)"
    if recipes.is_recipe_id(value):
        try:
            recipes.parse(value)
        except recipes.RecipeError as exc:
            raise InputError(f"{one_of} or a trained network's id; {json.dumps(value)[:80]}: {exc}") from None
        return value
    if not isinstance(value, str) or value not in known_ids:
        raise InputError(f"{one_of}, got {json.dumps(value)[:40]}")
    return value


TRAIN_BODY_BYTES = 1024  # a recipe is ~100 bytes of JSON


def recipe_from_request(payload) -> recipes.Recipe:
    """The recipe of a POST /api/train body (mlp.training.recipe.from_json): an InputError names the limit it breaks."""
    try:
        return recipes.from_json(payload)
    except recipes.RecipeError as exc:
        raise InputError(str(exc)) from None


def checked_snapshot(value, count) -> int:
    """``value`` when it is a whole number from 0 to count - 1; else an InputError."""
    if type(value) is not int or not 0 <= value < count:
        raise InputError(f"'snapshot' must be a whole number from 0 to {count - 1}" if count
                         else "this network has no snapshots")
    return value


def checked_silenced(pairs, network, name) -> list:
    """[(layer, index), ...] in their one form (sharelink.canonical_silenced) when the network has
    every one of those hidden neurons (Network.check_silenced); else an InputError about ``name``."""
    try:
        network.check_silenced(pairs)
    except ValueError as exc:
        raise InputError(f"'{name}': {exc}") from None
    return sharelink.canonical_silenced(pairs)
