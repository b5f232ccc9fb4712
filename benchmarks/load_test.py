"""Bounded load test of the production server (gunicorn) on 127.0.0.1.

    python3 benchmarks/load_test.py --requests 20000 --clients 16

Starts gunicorn exactly as the README says, sends a fixed number of requests
from many concurrent keep-alive clients, and prints the error count (must be
0), throughput, p50/p99 latency, and the server's memory (RSS of master and
workers) before and after. With --compare it also measures /healthz under the
same load, in alternating rounds, and prints the ratio predict/healthz (issue:
>= 0.8) and the server's own CPU time per request of each. --floor adds the
same comparison for a POST that only reads its body (benchmarks/floor_app.py):
what the framework alone allows.

The predictions sent are what the page sends: a drawing fitted and centred in
the browser (not deskewed: the server does that), 8-bit, as base64 bytes (--form
numbers sends the same drawings as lists of 784 numbers, the API's other form).
--new-connections opens a connection per request, as nginx does in production.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for mlp; gunicorn gets --pythonpath

from mlp.preprocess import _fit_and_centre, normalize, to_bytes  # noqa: E402  (after the path is set)
from tools.server import ServerError, free_port, wait_until_healthy  # noqa: E402

GUNICORN_ARGS = ["--workers", "2", "--threads", "4", "--timeout", "30", "--preload"]


def start_server(port, app="app:create_app_or_exit()"):
    cmd = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "--pythonpath", str(ROOT),
           "--bind", f"127.0.0.1:{port}", app]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:  # its stderr is read only once it has exited (a live pipe would block)
        wait_until_healthy(proc, port, 60, "gunicorn",
                           output=lambda: proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "")
    except ServerError as exc:
        proc.kill()
        raise SystemExit(str(exc)) from None
    return proc


def tree_pids(pid):
    """A process and its children (Linux /proc)."""
    pids = [pid]
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().split(") ")[1].split()[1]) == pid:
                    pids.append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def tree_cpu_seconds(pid):
    """CPU time (user + system) used so far by a process and its children: the server's own
    share of the work, apart from the load-generating client on the same machine."""
    total = 0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().split(") ")[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def tree_rss_mib(pid):
    """RSS of a process and its children, in MiB (Linux /proc)."""
    total = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def drawing_bodies(count=50, seed=0, form="bytes", normalized=False):
    """A few plausible drawings as the page sends them, so the server does real work: random
    strokes, their ink box fitted to 20x20 and their centre of mass moved to the middle, in 8-bit
    grey (static/js/core/grid.js's rule; the slant is left for the server to take out, as the page
    leaves it: 9 in 10 of these lean more than it lets stand); `form` is "bytes" or "numbers".
    ``normalized``: the server's whole normalization already done (what this benchmark sent before:
    a grid the server leaves as it is, the cheapest case)."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        grid = [0.0] * 784
        r, c = rng.randrange(4, 24), rng.randrange(4, 24)
        for _ in range(rng.randrange(20, 120)):
            r = min(27, max(0, r + rng.choice((-1, 0, 1))))
            c = min(27, max(0, c + rng.choice((-1, 0, 1))))
            grid[r * 28 + c] = round(rng.uniform(0.5, 1.0), 3)
        grey = to_bytes(normalize(grid) if normalized else _fit_and_centre(np.asarray(grid, np.float32).reshape(28, 28)))
        pixels = base64.b64encode(grey.tobytes()).decode() if form == "bytes" else [int(k) / 255 for k in grey]
        bodies.append(json.dumps({"pixels": pixels}).encode())
    return bodies


def run_load(port, path, total, clients, bodies=None, new_connections=False):
    """(latencies in s, error count, wall seconds) for `total` requests from `clients` threads;
    ``new_connections``: each request on a connection of its own (as nginx sends them to gunicorn)."""
    latencies, errors, lock = [], [0], threading.Lock()
    counter = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t0 = time.perf_counter()
            try:
                if bodies:
                    conn.request("POST", path, body=bodies[i % len(bodies)], headers={"Content-Type": "application/json"})
                else:
                    conn.request("GET", path)
                response = conn.getresponse()
                payload = response.read()
                ok = response.status == 200 and payload[:1] == b"{"
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if new_connections:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(latencies), errors[0], time.perf_counter() - started


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))] if sorted_values else float("nan")


def report(name, latencies, errors, seconds, cpu_seconds, client_seconds=None):
    rate = len(latencies) / seconds
    client = "" if client_seconds is None else f", client CPU {1e6 * client_seconds / max(1, len(latencies)):.0f}"
    print(f"{name}: {len(latencies)} requests, {errors} errors, {rate:.0f} req/s, "
          f"p50 {1000 * percentile(latencies, 0.5):.1f} ms, p99 {1000 * percentile(latencies, 0.99):.1f} ms, "
          f"server CPU {1e6 * cpu_seconds / max(1, len(latencies)):.0f}{client} us/request")
    return rate


def compare(port, pid, routes, rounds, per_round, clients, new_connections=False):
    """Load each route in turn, `rounds` times (the order alternating): per route the totals
    (latencies, errors, seconds, server CPU seconds, this client's CPU seconds: it shares the
    machine, so its cost per request is in both rates), and per round the first route's rate
    over the second's."""
    totals = {name: ([], 0, 0.0, 0.0, 0.0) for name in routes}
    ratios = []
    for r in range(rounds):
        rates = {}
        for name in (list(routes) if r % 2 == 0 else list(reversed(routes))):
            path, payload = routes[name]
            cpu, client = tree_cpu_seconds(pid), time.process_time()
            lat, errors, secs = run_load(port, path, per_round, clients, payload, new_connections)
            cpu, client = tree_cpu_seconds(pid) - cpu, time.process_time() - client
            old = totals[name]
            totals[name] = (old[0] + lat, old[1] + errors, old[2] + secs, old[3] + cpu, old[4] + client)
            rates[name] = len(lat) / secs
        if len(routes) == 2:
            first, second = routes
            ratios.append(rates[first] / rates[second])
    return totals, ratios


def print_comparison(label, totals, ratios):
    for name, (lat, errors, secs, cpu, client) in totals.items():
        report(name, sorted(lat), errors, secs, cpu, client)
    if ratios:
        (a_lat, _, _, a_cpu, _), (b_lat, _, _, b_cpu, _) = totals.values()
        print(f"{label} per round: {' '.join(f'{x:.2f}' for x in ratios)}")
        print(f"{label}, server CPU per request (second/first): {(b_cpu / len(b_lat)) / (a_cpu / len(a_lat)):.2f}")
        print(f"{label}: {sorted(ratios)[len(ratios) // 2]:.2f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=20000)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--compare", action="store_true", help="also load /healthz and print the predict/healthz ratio")
    p.add_argument("--rounds", type=int, default=6,
                   help="with --compare: predict and healthz take turns this many times (the order alternating), "
                        "so a busy spell on a shared machine hits both alike; the ratio is the median of the rounds'")
    p.add_argument("--floor", action="store_true",
                   help="with --compare: also measure the framework's floor, a POST of the same body that only "
                        "reads it (benchmarks/floor_app.py), against /healthz on that server")
    p.add_argument("--new-connections", action="store_true",
                   help="each request on a new connection, as nginx sends them to gunicorn in production "
                        "(default: keep-alive connections, as a browser talking to gunicorn directly)")
    p.add_argument("--bodies", choices=("page", "normalized"), default="page",
                   help="the drawings as the page sends them (fitted and centred, not deskewed) or with the server's "
                        "whole normalization already done (what this benchmark sent before issue 23)")
    p.add_argument("--form", choices=("bytes", "numbers"), default="bytes",
                   help="how the pixels are sent: base64 bytes (as the page does) or 784 numbers")
    args = p.parse_args(argv)
    bodies = drawing_bodies(form=args.form, normalized=args.bodies == "normalized")
    print(f"{args.bodies} drawings, pixels sent as {args.form}: {len(bodies[0])} bytes per request body; "
          f"{'a new connection per request' if args.new_connections else 'keep-alive connections'}")
    predict = f"/api/predict ({args.form})"
    rounds = max(1, args.rounds) if args.compare else 1
    per_round = max(1, args.requests // rounds)
    runs = [("app:create_app_or_exit()", predict, "ratio predict/healthz")]
    if args.compare and args.floor:
        runs.append(("benchmarks.floor_app:create()", "POST body only (floor)", "floor ratio POST/healthz"))
    total_errors = 0
    for app, name, label in runs:
        port = free_port()
        server = start_server(port, app)
        try:
            run_load(port, "/api/predict", min(200, args.requests), args.clients, bodies, args.new_connections)  # warm up
            routes = {name: ("/api/predict", bodies)}
            if args.compare:
                routes["/healthz"] = ("/healthz", None)
            before = tree_rss_mib(server.pid)
            totals, ratios = compare(port, server.pid, routes, rounds, per_round, args.clients, args.new_connections)
            after = tree_rss_mib(server.pid)
            print_comparison(label, totals, ratios)
            print(f"server memory: {before:.1f} MiB before, {after:.1f} MiB after ({after - before:+.1f} MiB)")
            total_errors += sum(t[1] for t in totals.values())
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"errors: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
