"""The drawing in a share link: a 28x28 grid at the page's precision (k/255), in a short string.

Format version 1, ``"1" + base64url(payload)`` with no padding, where payload is
- the grid, row by row, as bytes: a pixel 1..255 is one byte; a run of 1..255
  background (0) pixels is two bytes, 0x00 and the run length;
- then the CRC-32 of the 784 pixel bytes, big-endian (catches truncated or
  edited links).
A typical digit (~150 inked pixels) takes about 300 characters. The first
character is the version, so links made today still open when a later
format is added. static/js/core/sharelink.js is the same codec for the browser.

A link may also name hidden neurons to silence (``&off=``, the API's ``silenced``): see
encode_silenced.
"""
from __future__ import annotations

import base64
import binascii
import re
import zlib

import numpy as np

from mlp.digit import N_PIXELS
from mlp.preprocess import to_bytes

VERSION = "1"
MAX_LENGTH = 4096  # the longest possible v1 link is ~2,100 characters
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


# Why a link cannot be opened, as a code a program can act on (the page names each in its
# language: static/i18n's link.reason.<code>); the English message says it for people.
REASONS = ("empty", "tooLong", "characters", "version", "damaged", "tooMany", "checksum")


class LinkError(ValueError):
    """A share link that cannot be opened; ``str()`` says why, for people; ``reason`` is one of REASONS."""

    def __init__(self, reason: str, message: str):
        if reason not in REASONS:
            raise ValueError(f"unknown link error reason {reason!r}")
        super().__init__(message)
        self.reason = reason


quantize = to_bytes  # values in [0, 1] -> the bytes 0..255 a link carries

# The silenced hidden neurons a link carries, as ?off=: "LAYER.INDEX" pairs joined by "_",
# sorted and each once (hidden layers from 1, neurons from 0, as the API's "silenced"), e.g.
# "1.3_2.0" (characters a URL never escapes: a comma would be %2C in the address bar).
# static/js/core/sharelink.js's encodeSilenced writes the same text (the e2e tests check).
SILENCED_PARAM = "off"
# The language the link was shared in (the page's ?lang=, web/language.py): a link from a page in
# another language than the first carries it, so its preview (og:title, og:image) speaks it too.
# static/js/core/sharelink.js's LANG_PARAM is the same (the e2e tests check).
LANG_PARAM = "lang"
MAX_SILENCED_LENGTH = 2048  # every hidden neuron of the biggest network here (192) is ~1,100 characters
_SILENCED = re.compile(r"[0-9]{1,3}\.[0-9]{1,4}(?:_[0-9]{1,3}\.[0-9]{1,4})*")


def canonical_silenced(pairs) -> list[tuple[int, int]]:
    """Silenced neurons in their one form, [(layer, index), ...] sorted and each once: what a link
    writes, what the API and a link are read as, and the key of a cached preview."""
    return sorted({(int(layer), int(index)) for layer, index in pairs})


def encode_silenced(pairs) -> str:
    """[(layer, index), ...] -> the link's off= text (empty for none)."""
    return "_".join(f"{layer}.{index}" for layer, index in canonical_silenced(pairs))


def decode_silenced(text) -> list[tuple[int, int]]:
    """A link's off= text -> [(layer, index), ...], sorted and each once; a ValueError says what is
    wrong with its form (whether the network has those neurons is Network.check_silenced's to say)."""
    if not isinstance(text, str) or len(text) > MAX_SILENCED_LENGTH:
        raise ValueError(f"'{SILENCED_PARAM}' must be at most {MAX_SILENCED_LENGTH} characters")
    if not text:
        return []
    if not _SILENCED.fullmatch(text):
        raise ValueError(f"'{SILENCED_PARAM}' must be LAYER.INDEX pairs joined by '_', e.g. 1.3_2.0")
    return canonical_silenced(item.split(".") for item in text.split("_"))


def encode(pixels) -> str:
    levels = quantize(pixels)
    if levels.size != N_PIXELS:
        raise ValueError(f"a drawing has {N_PIXELS} pixels, got {levels.size}")
    out = bytearray()
    run = 0
    for v in levels.tolist():  # 784 values: a short loop, once per shared drawing
        if v == 0:
            run += 1
            if run == 255:
                out += bytes((0, run))
                run = 0
            continue
        if run:
            out += bytes((0, run))
            run = 0
        out.append(v)
    if run:
        out += bytes((0, run))
    out += zlib.crc32(levels.tobytes()).to_bytes(4, "big")
    return VERSION + base64.urlsafe_b64encode(bytes(out)).decode("ascii").rstrip("=")


def decode(code) -> np.ndarray:
    """The 784 pixel values (float32, k/255) of a link, or a LinkError saying what is wrong."""
    if not isinstance(code, str) or not code:
        raise LinkError("empty", "the link holds no drawing")
    if len(code) > MAX_LENGTH:
        raise LinkError("tooLong", f"the link is too long ({len(code)} characters) to be a drawing")
    if not _ALPHABET.fullmatch(code):
        raise LinkError("characters", "the link has characters a drawing link never has")
    if code[0] != VERSION:
        raise LinkError("version", f"the link's format version '{code[0]}' is unknown to this version of the app")
    body = code[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise LinkError("damaged", "the link is cut short or damaged (not valid base64)") from None
    if len(raw) < 4:
        raise LinkError("damaged", "the link is cut short")
    payload, checksum = raw[:-4], int.from_bytes(raw[-4:], "big")
    levels = bytearray()
    i = 0
    while i < len(payload):
        if payload[i] == 0:
            if i + 1 >= len(payload) or payload[i + 1] == 0:
                raise LinkError("damaged", "the link is cut short or damaged (broken run of background)")
            levels += bytes(payload[i + 1])
            i += 2
        else:
            levels.append(payload[i])
            i += 1
        if len(levels) > N_PIXELS:
            raise LinkError("tooMany", "the link holds more than 28x28 pixels")
    if len(levels) != N_PIXELS:
        raise LinkError("damaged", f"the link is cut short or damaged ({len(levels)} of {N_PIXELS} pixels)")
    if zlib.crc32(bytes(levels)) != checksum:
        raise LinkError("checksum", "the link was changed or damaged (its checksum does not match)")
    return np.frombuffer(bytes(levels), dtype=np.uint8).astype(np.float32) / 255.0
