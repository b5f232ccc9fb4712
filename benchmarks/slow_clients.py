"""Slow clients against the production stack: do they stop it answering others?

    python3 benchmarks/slow_clients.py                 # 256 slow connections for 30 s
    python3 benchmarks/slow_clients.py --old           # the same against the old setup (gunicorn alone)

Opens --slow connections to deploy/serve that trickle header lines (one every
second, never finishing: issue 14's attack), and --bodies that send their
headers then trickle a body (a space a second), for --seconds, reopening any
the server closes, while one client asks for /healthz and /api/predict in turn and
times each answer (a request taking over 5 s counts as failed). Prints p50/p99
of each and the failures. Loopback only, bounded in time.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time

from stack_client import JSON, ROOT, Client, drawings, line, open_slow, predict_body

sys.path.insert(0, str(ROOT))
from deploy.stack import Stack  # noqa: E402
from tools.server import ServerError, free_port, wait_until_healthy  # noqa: E402


def old_server(port):
    """The README's former production command: gunicorn alone."""
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--timeout", "30",
                                "--preload", "--no-control-socket", "--bind", f"127.0.0.1:{port}",
                                "app:create_app_or_exit()"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        wait_until_healthy(process, port, 60, "the old server")
    except ServerError as exc:
        process.kill()
        raise SystemExit(str(exc)) from None
    return process


def run(port, slow_count, body_count, seconds):
    stop = threading.Event()
    kinds = [False] * slow_count + [True] * body_count  # True: a slow body
    slow = [open_slow(port, body) for body in kinds]
    kinds = [k for k, s in zip(kinds, slow) if s]
    slow = [s for s in slow if s]
    closed_by_server = [0]

    def trickle():
        while not stop.is_set():
            for i, s in enumerate(slow):
                try:
                    s.sendall(b" " if kinds[i] else b"X-Slow: 1\r\n")
                except OSError:
                    closed_by_server[0] += 1
                    s.close()
                    slow[i] = open_slow(port, kinds[i]) or s
            stop.wait(1.0)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    time.sleep(1.0)  # let the slow ones settle in
    client = Client(port, timeout=5)
    bodies = [predict_body(p) for p in drawings(64)]
    results = {"/healthz": ([], 0), "/api/predict": ([], 0)}
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        for path in results:
            if path == "/healthz":
                status, took, _ = client.call("GET", path)
            else:
                status, took, _ = client.call("POST", path, body=bodies[i % len(bodies)], headers=JSON)
            times, failed = results[path]
            if status == 200:
                times.append(took)
            else:
                results[path] = (times, failed + 1)
        i += 1
        time.sleep(0.01)
    stop.set()
    thread.join()
    for s in slow:
        s.close()
    return results, closed_by_server[0], len(slow)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", type=int, default=256, help="slow connections (default 256)")
    parser.add_argument("--bodies", type=int, default=32, help="slow bodies (default 32)")
    parser.add_argument("--seconds", type=float, default=30, help="how long (default 30)")
    parser.add_argument("--old", action="store_true", help="measure gunicorn alone (the old setup) instead")
    args = parser.parse_args()
    if args.old:
        port = free_port()
        process = old_server(port)
        try:
            results, closed, opened = run(port, args.slow, args.bodies, args.seconds)
        finally:
            process.terminate()
            process.wait(30)
        setup = "gunicorn alone (old setup)"
    else:
        # Rate limits raised: this measures holding connections, not the per-address limit.
        with Stack(env={"MLP_RATE_LIMIT": "100000"}) as stack:
            results, closed, opened = run(stack.port, args.slow, args.bodies, args.seconds)
        setup = "deploy/serve (nginx + gunicorn)"
    print(f"setup: {setup}")
    print(f"slow clients: {args.slow} connections trickling headers and {args.bodies} trickling a body for "
          f"{args.seconds:g} s ({opened} opened); {closed} closed by the server (timeouts) and reopened")
    for path, (times, failed) in results.items():
        print(line(path, times, failed))
    print(f"failed: {sum(f for _, f in results.values())}")


if __name__ == "__main__":
    main()
