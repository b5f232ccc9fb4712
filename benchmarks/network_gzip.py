"""The big network's weights, gzipped per request or stored compressed: nginx's CPU, and /healthz meanwhile.

    python3 benchmarks/network_gzip.py                         # 4 and 8 clients, 10 s each
    python3 benchmarks/network_gzip.py --rate 15               # the clients together at 15 requests/s
    python3 benchmarks/network_gzip.py --serve OLD/deploy/serve  # another deploy/serve (e.g. an older checkout)

Issue 23 (1): nginx compressed /api/network?network=big (585 KB of JSON) again for
every request, ~28 ms of its CPU each, and a busy worker delays every connection
it holds. deploy/serve now stores each network's reply gzipped at start. One run,
one stack, both ways of answering the same weights:
- stored: ``?network=big``, the bytes deploy/serve compressed at start;
- compressed per request: ``?network=big&``, a query string nginx does not know,
  so the app answers it and nginx compresses the reply, as it did for every request before.
Prints nginx's CPU per request (its workers' CPU time, from /proc/PID/schedstat,
over --requests sequential requests, gzipped and plain), then /healthz timed from
another address (127.0.0.2: its own rate-limit key, as in the issue) alone and
while --clients keep-alive clients loop on the weights (gzipped, as browsers ask),
and the ratio of the two ways (--rate: at the same pace both ways; by default each
client asks again as soon as it is answered). Rate limits are raised so every request is served.
Loopback only, bounded in time.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from stack_client import ROOT, Client, healthz_times, line, percentile

sys.path.insert(0, str(ROOT))
from deploy.stack import SERVE, Stack, children_of  # noqa: E402

WAYS = {"stored": "/api/network?network=big", "compressed per request": "/api/network?network=big&"}
GZIP = {"Accept-Encoding": "gzip"}


def cpu_ns(pids) -> int:
    """CPU time spent by these processes (ns): the first field of /proc/PID/schedstat."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def nginx_ms_per_request(stack, path, headers, n) -> float:
    workers = children_of(stack.nginx_pid)
    client = Client(stack.port, timeout=30)
    client.call("GET", path, headers=headers)  # warm: the app's cache of its reply, the file's pages
    before = cpu_ns(workers)
    for _ in range(n):
        status, _, _ = client.call("GET", path, headers=headers)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    client.close()
    return (cpu_ns(workers) - before) / n / 1e6


def under_load(stack, path, clients, seconds, rate=None):
    """/healthz times from 127.0.0.2 while ``clients`` loop on ``path`` (gzipped), together at most ``rate``
    requests a second (None: as fast as they are answered); and weights served per second."""
    stop, served = threading.Event(), []

    def loop():
        client, n, next_at = Client(stack.port, timeout=30), 0, time.monotonic()
        while not stop.is_set():
            status, _, _ = client.call("GET", path, headers=GZIP)
            n += status == 200
            if rate:
                next_at += clients / rate
                stop.wait(max(0.0, next_at - time.monotonic()))
        client.close()
        served.append(n)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(min(1.0, seconds / 4))  # the loops under way
    times, failed = healthz_times(stack.port, seconds, source="127.0.0.2")
    stop.set()
    for t in threads:
        t.join()
    return times, failed, sum(served) / (seconds + min(1.0, seconds / 4))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--requests", type=int, default=100, help="sequential requests for the CPU figures")
    parser.add_argument("--rate", type=float, help="the looping clients' requests per second together "
                        "(default: each asks again as soon as answered)")
    parser.add_argument("--serve", type=Path, default=SERVE, help="the deploy/serve to measure")
    args = parser.parse_args()

    with Stack(env={"MLP_RATE_LIMIT": "100000"}, serve=args.serve.resolve()) as stack:
        workers = len(children_of(stack.nginx_pid))
        print(f"setup: {args.serve} (nginx, {workers} worker{'s' * (workers != 1)}, in front of gunicorn); "
              f"/api/network?network=big")
        cpu = {}
        for way, path in WAYS.items():
            for encoding, headers in (("gzip", GZIP), ("plain", {})):
                cpu[way, encoding] = nginx_ms_per_request(stack, path, headers, args.requests)
        for encoding in ("gzip", "plain"):
            stored, per_request = cpu["stored", encoding], cpu["compressed per request", encoding]
            print(f"nginx CPU per request, {encoding}: stored {stored:.2f} ms, compressed per request "
                  f"{per_request:.2f} ms ({per_request / stored:.1f}x)")
        quiet, quiet_failed = healthz_times(stack.port, min(args.seconds, 5), source="127.0.0.2")
        print(line("/healthz alone", quiet, quiet_failed))
        for clients in args.clients:
            p99 = {}
            for way, path in WAYS.items():
                times, failed, rate = under_load(stack, path, clients, args.seconds, args.rate)
                p99[way] = percentile(times, 99)
                print(line(f"/healthz while {clients} clients loop on the weights ({way})", times, failed,
                           f"; weights served {rate:.1f}/s"))
            print(f"{clients} clients: /healthz p99 compressed per request / stored = "
                  f"{p99['compressed per request'] / p99['stored']:.1f}x")


if __name__ == "__main__":
    main()
