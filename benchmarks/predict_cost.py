"""What one prediction costs the app beside /healthz, in one process: CPU time and instruction counts.

    python3 benchmarks/predict_cost.py                  # CPU us per request, alternating rounds
    python3 benchmarks/predict_cost.py --instructions   # also instructions per request (valgrind)

Each request is a whole call of the app (WSGI, no server: benchmarks/request_bounds.py's ``call``),
with the drawings benchmarks/load_test.py sends (the page's: fitted and centred, the slant left to
the server; or --bodies normalized). Printed: healthz, predict and the floor (a POST of the same
body that only reads it: benchmarks/floor_app.py), and the ratios healthz/predict and
healthz/floor. CPU times are the median of alternating rounds (compare them within one run: the
machine is shared). --instructions counts the instructions each request executes under
``valgrind --tool=callgrind``: noise-free, so a change of a few microseconds shows. The count is
the difference between n and 2n requests after a warm-up, so start-up is left out.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROUTES = ("healthz", "predict", "floor")


def requests(bodies="page"):
    """{route: one request of it, given a counter}: the apps are made here (the floor's is its own)."""
    from app import create_app
    from benchmarks import floor_app
    from benchmarks.load_test import drawing_bodies
    from benchmarks.request_bounds import call

    app, floor = create_app(), floor_app.create()
    drawings = drawing_bodies(normalized=bodies == "normalized")
    return {
        "healthz": lambda i: call(app, "GET", "/healthz"),
        "predict": lambda i: call(app, "POST", "/api/predict", body=drawings[i % len(drawings)]),
        "floor": lambda i: call(floor, "POST", "/api/predict", body=drawings[i % len(drawings)]),
    }


def cpu_times(asks, number, rounds):
    """Median CPU us per request of each route, the routes taking turns each round."""
    times = {name: [] for name in asks}
    for _ in range(rounds):
        for name, ask in asks.items():
            start = time.process_time()
            for i in range(number):
                ask(i)
            times[name].append(1e6 * (time.process_time() - start) / number)
    return {name: statistics.median(t) for name, t in times.items()}


def counted(route, number, bodies):
    """Run ``number`` requests of ``route`` after a warm-up, the measured loop inside exec(): under
    callgrind with --toggle-collect=builtin_exec only what runs inside it is counted."""
    ask = requests(bodies)[route]
    for i in range(100):
        ask(i)
    exec("for i in range(number):\n    ask(i)", {"ask": ask, "number": number})


def instructions(route, number, bodies):
    """Instructions per request of ``route``: (count of 2n requests - count of n) / n."""
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (number, 2 * number):
            # One BLAS thread: a second one's spinning would be counted as work.
            env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
            done = subprocess.run(
                ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=builtin_exec",
                 f"--callgrind-out-file={tmp}/out.%p", sys.executable, __file__, "--count", route,
                 "--number", str(n), "--bodies", bodies],
                capture_output=True, text=True, env=env, cwd=ROOT, check=False)
            found = re.search(r"Collected : (\d+)", done.stderr)
            if done.returncode or not found:
                raise SystemExit(f"valgrind failed for {route}: {done.stderr[-2000:]}")
            counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / number


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--number", type=int, default=500, help="requests per round (default 500)")
    p.add_argument("--rounds", type=int, default=7, help="rounds; the median is printed (default 7)")
    p.add_argument("--bodies", choices=("page", "normalized"), default="page",
                   help="the page's drawings (the slant left to the server) or already normalized ones")
    p.add_argument("--instructions", action="store_true",
                   help="also count instructions per request under valgrind (needs valgrind; ~1 min)")
    p.add_argument("--count", choices=ROUTES, help=argparse.SUPPRESS)  # the run under valgrind
    args = p.parse_args(argv)
    if args.count:
        counted(args.count, args.number, args.bodies)
        return 0
    print(f"{args.bodies} drawings; one process, each request a whole WSGI call of the app")
    cpu = cpu_times(requests(args.bodies), args.number, args.rounds)
    for name in ROUTES:
        print(f"{name:8} CPU {cpu[name]:7.1f} us/request")
    print(f"ratio healthz/predict, CPU: {cpu['healthz'] / cpu['predict']:.2f} "
          f"(predict {cpu['predict'] - cpu['healthz']:+.1f} us beside healthz)")
    print(f"ratio healthz/floor, CPU: {cpu['healthz'] / cpu['floor']:.2f}")
    if args.instructions:
        if not shutil.which("valgrind"):
            raise SystemExit("--instructions needs valgrind")
        number = max(10, args.number // 5)
        counts = {name: instructions(name, number, args.bodies) for name in ROUTES}
        for name in ROUTES:
            print(f"{name:8} {counts[name] / 1000:7.0f} k instructions/request")
        print(f"ratio healthz/predict, instructions: {counts['healthz'] / counts['predict']:.2f} "
              f"(predict {(counts['predict'] - counts['healthz']) / 1000:+.0f} k beside healthz)")
        print(f"ratio healthz/floor, instructions: {counts['healthz'] / counts['floor']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
