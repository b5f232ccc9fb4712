"""The most one request can make the app do, route by route, next to an ordinary request (issue 23, 3).

    python3 benchmarks/request_bounds.py

Every field a body or a query string can make long (a silenced list, a share link, its &off=,
the pixels, the JSON around them) is sent at its worst: the longest that is still answered, and
the longest a client could send (refused: how much work it cost before the refusal). Each request
is a whole call of the app (WSGI, in this process, no server): the figure is CPU time per
request (time.process_time, the median of --rounds rounds of --number calls). nginx's rate
limits and caps on costly routes bound how many of these one address can send; this bounds
what each one costs.
"""
from __future__ import annotations

import argparse
import base64
import functools
import io
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from mlp.preprocess import to_bytes  # noqa: E402
from web import sharelink  # noqa: E402
from web.settings import MAX_BODY_BYTES  # noqa: E402


def a_digit(seed=0):
    """A slanted stroke with a bar, as the page sends it (8-bit grey): the server deskews it."""
    grid = np.zeros((28, 28), dtype=np.float32)
    grid[5:8, 6:22] = 1.0
    for r in range(8, 25):
        c = 21 - (r - 8) * 0.6 + seed % 3
        grid[r, int(c) - 1:int(c) + 2] = 1.0
    return to_bytes(grid)


def busiest_link():
    """The longest drawing a share link can hold: no two background pixels side by side (no runs to
    shorten it), every other pixel a different grey."""
    grid = np.zeros(784)
    grid[::2] = (np.arange(392) % 254 + 1) / 255
    return sharelink.encode(grid)


def distinct_drawings(count):
    """``count`` different drawings (a digit with one more grey pixel each): more than the preview
    cache keeps, so a picture asked for in turn is never in it."""
    base = a_digit().astype(np.float64)
    out = []
    for k in range(count):
        grid = base.copy()
        grid[k % 784] = 1 + k // 784 * 7 + k % 200
        out.append(np.clip(grid, 0, 255))
    return out


def environ(method, path, query="", body=None):
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
           "wsgi.input": io.BytesIO(body or b""), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
           "wsgi.multiprocess": True, "wsgi.run_once": False, "HTTP_HOST": "127.0.0.1:8000"}
    if body is not None:
        env.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    return env


def call(app, method, path, query="", body=None):
    """(status code, reply bytes) of one request through the whole app."""
    status = []
    reply = app.wsgi_app(environ(method, path, query, body), lambda s, h, e=None: status.append(s))
    data = b"".join(reply)
    getattr(reply, "close", lambda: None)()
    return int(status[0].split()[0]), data


def cases(app):
    """(route, what is sent, method, path, query, body) from the plainest to the worst."""
    networks = app.extensions["networks"]
    big = max(networks, key=lambda e: sum(e.network.sizes[1:-1]))
    pixels = base64.b64encode(a_digit().tobytes()).decode()

    def drawing(**more):
        return json.dumps({"pixels": pixels, **more}).encode()

    def every_hidden(entry):
        return [[layer, i] for layer, n in enumerate(entry.network.sizes[1:-1], start=1) for i in range(n)]

    video = networks.default
    long_decimals = json.dumps({"pixels": ["PIXEL"] * 784}).replace('"PIXEL"', "0." + "3" * 60)
    filler = MAX_BODY_BYTES - len(long_decimals) - 64
    numbers_64k = (long_decimals[:-1] + ', "pad": "' + "x" * max(0, filler) + '"}').encode()
    big_ints = b'{"pixels": "' + pixels.encode() + b'", "pad": [' + b",".join([b"7" * 4000] * 15) + b"]}"
    link = busiest_link()
    off_all = sharelink.encode_silenced([tuple(p) for p in every_hidden(video)])
    off_long = "_".join(["1.0"] * 500)[:sharelink.MAX_SILENCED_LENGTH]
    return [
        ("/healthz", "nothing", "GET", "/healthz", "", None),
        ("/api/predict", "a drawing (base64, as the page sends it)", "POST", "/api/predict", "", drawing()),
        ("/api/predict", "784 numbers of 62 characters, padded to 64 KiB", "POST", "/api/predict", "", numbers_64k),
        ("/api/predict", "15 whole numbers of 4,000 digits beside the drawing", "POST", "/api/predict", "", big_ints),
        ("/api/predict", f"every hidden neuron silenced ({len(every_hidden(video))})", "POST", "/api/predict", "",
         drawing(silenced=every_hidden(video))),
        ("/api/explain", "a drawing", "POST", "/api/explain", "", drawing()),
        ("/api/explain", f"every hidden neuron silenced ({len(every_hidden(video))})", "POST", "/api/explain", "",
         drawing(silenced=every_hidden(video))),
        ("/api/explain", f"network {big.id}, every hidden neuron silenced ({len(every_hidden(big))})", "POST",
         "/api/explain", "", drawing(network=big.id, silenced=every_hidden(big))),
        ("/api/explain", "4,096 silenced pairs (refused)", "POST", "/api/explain", "",
         drawing(silenced=[[1, 0]] * 4096)),
        ("/api/share", "the longest drawing a link holds", "GET", "/api/share", f"d={link}", None),
        ("/", "the page", "GET", "/", "", None),
        ("/", "a page with that link, every hidden neuron silenced", "GET", "/", f"d={link}&off={off_all}", None),
        ("/", "a page with &off= of 2,048 characters (refused: a note)", "GET", "/", f"d={link}&off={off_long}",
         None),
        ("/preview.png", "that link's picture, from the cache", "GET", "/preview.png", f"d={link}", None),
        ("/preview.png", "a new drawing's picture each time", "GET", "/preview.png",
         [f"d={sharelink.encode(g / 255)}" for g in distinct_drawings(600)], None),
    ]


def ask(app, method, path, queries, body):
    """One request, with the next of ``queries`` (a cycle: a new drawing each time where there are many)."""
    return call(app, method, path, next(queries), body)


def cpu_us(fn, number, rounds):
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            fn()
        times.append((time.process_time() - start) / number)
    return 1e6 * statistics.median(times)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--number", type=int, default=200, help="calls per round (default 200)")
    p.add_argument("--rounds", type=int, default=5, help="rounds; the median is printed (default 5)")
    args = p.parse_args(argv)
    app = create_app()
    print(f"{'route':14} {'what is sent':58} {'status':>6} {'CPU per request':>16}")
    for route, what, method, path, query, body in cases(app):
        queries = itertools.cycle(query if isinstance(query, list) else [query])
        status, _ = call(app, method, path, next(queries), body)  # and warm up
        cost = cpu_us(functools.partial(ask, app, method, path, queries, body), args.number, args.rounds)
        print(f"{route:14} {what:58} {status:>6} {cost:>13,.0f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
