"""The app's JSON API asked directly, as a script or a test asks it (beside what the page asks)."""
from __future__ import annotations

import base64
import json
import struct
import urllib.request

TIMEOUT_S = 60  # a busy machine (training beside the tests) may answer slowly


def get_json(base_url: str, path: str):
    with urllib.request.urlopen(base_url + path, timeout=TIMEOUT_S) as r:
        return json.load(r)


def post_json(base_url: str, path: str, body):
    req = urllib.request.Request(base_url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
        return json.load(r)


def floats(b64: str) -> list[float]:
    """A compact reply's array: base64 of little-endian float32 -> numbers."""
    raw = base64.b64decode(b64)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))
