"""What the production-stack benchmarks share: a keep-alive client, drawings, percentiles.

The stack itself is started by deploy/stack.py (deploy/serve as a real subprocess).
Everything here talks to 127.0.0.1 only.
"""
from __future__ import annotations

import base64
import http.client
import json
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from mlp.training import mnist  # noqa: E402
from web import sharelink  # noqa: E402
from mlp.preprocess import normalize, to_bytes  # noqa: E402

JSON = {"Content-Type": "application/json"}


class Client:
    """One keep-alive connection; reconnects after an error. ``call`` never raises."""

    def __init__(self, port: int, timeout: float = 10, source: str | None = None):
        """``source``: the client's own address (another 127.x.y.z: another client to nginx's limits)."""
        self.port, self.timeout, self.conn, self.source = port, timeout, None, source

    def call(self, method, path, body=None, headers=None):
        """(status or None for a connection error, seconds, reply body)."""
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout,
                                                       source_address=(self.source, 0) if self.source else None)
            self.conn.request(method, path, body=body, headers=headers or {})
            reply = self.conn.getresponse()
            data = reply.read()
            if reply.getheader("Connection", "").lower() == "close":
                self.close()
            return reply.status, time.perf_counter() - start, data
        except (OSError, http.client.HTTPException):
            self.close()
            return None, time.perf_counter() - start, b""

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def healthz_times(port: int, seconds: float, source: str | None = None, pause: float = 0.0, timeout: float = 10):
    """(latencies of /healthz asked over and over for ``seconds``, how many failed): how the server answers
    the smallest request while something else loads it. ``source``: ask from another address (nginx's
    limits are per address); ``pause``: seconds between requests."""
    client, times, failed = Client(port, timeout=timeout, source=source), [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, took, _ = client.call("GET", "/healthz")
        if status == 200:
            times.append(took)
        else:
            failed += 1
        if pause:
            time.sleep(pause)
    client.close()
    return times, failed


def drawings(n: int, seed: int = 0) -> np.ndarray:
    """n distinct drawings (784 values in [0, 1]): MNIST test digits with a little noise, or random ink."""
    rng = np.random.default_rng(seed)
    try:
        images, _ = mnist.load_split(mnist.data_dir(), "test")
        base = images[rng.integers(0, len(images), n)]
    except (OSError, ValueError):
        base = (rng.random((n, 784)) > 0.8).astype(np.float32)
    noise = (rng.random(base.shape) > 0.97) * rng.random(base.shape)
    return np.clip(base + noise, 0, 1).astype(np.float32)


def predict_body(pixels) -> bytes:
    """What the page sends: the normalized drawing as base64 bytes."""
    return json.dumps({"pixels": base64.b64encode(to_bytes(normalize(pixels)).tobytes()).decode()}).encode()


def share_code(pixels) -> str:
    return sharelink.encode(pixels)


def percentile(values, p) -> float:
    return float(np.percentile(values, p)) if len(values) else float("nan")


def line(name, latencies, failed, extra="") -> str:
    ms = [1000 * t for t in latencies]
    return (f"{name}: {len(latencies)} requests, {failed} failed, p50 {percentile(ms, 50):.1f} ms, "
            f"p99 {percentile(ms, 99):.1f} ms, max {max(ms, default=float('nan')):.1f} ms{extra}")


def open_slow(port: int, body: bool = False) -> socket.socket | None:
    """A connection that has sent the start of a request's headers (or all its headers and the start
    of a 2,000-byte body) and will trickle the rest."""
    start = (b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             b"Content-Length: 2000\r\n\r\n{") if body else b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(start)
        return s
    except OSError:
        return None
