"""Many mixed requests against the production stack: no 5xx, no connection errors, flat memory.

    python3 benchmarks/soak.py                    # 2 rounds of 50,000 requests from 16 clients

Each round sends --requests requests from --clients keep-alive clients, mixed
like real traffic and abuse: predictions (the page's compact form and lists of
numbers), invalid bodies (broken JSON, wrong sizes, wrong content type), share
links (good and damaged), link previews (mostly distinct drawings), the page
with a link, and /healthz. Prints the status counts, 5xx and connection errors
(both must be 0), throughput, and the memory (RSS) of nginx and gunicorn, all
processes summed, before, after the first round and after the second.
Rate limits are raised so every request reaches the app (--default-limits keeps
them: then many previews are 429). Loopback only, bounded in count.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time

from stack_client import JSON, ROOT, Client, drawings, predict_body, share_code

sys.path.insert(0, str(ROOT))
from deploy.stack import Stack, rss_kib  # noqa: E402


def request_mix(n_drawings=400, seed=0):
    """[(method, path, body, headers)]: one of each kind of request, over many drawings."""
    pics = drawings(n_drawings, seed)
    codes = [share_code(p) for p in pics]
    mix = []
    for pixels, code in zip(pics, codes):
        mix += [
            ("POST", "/api/predict", predict_body(pixels), JSON),
            ("POST", "/api/predict", predict_body(pixels), JSON),
            ("POST", "/api/predict", json.dumps({"pixels": [round(float(v), 3) for v in pixels]}).encode(), JSON),
            ("POST", "/api/predict", b'{"pixels": [0.5, 0.5', JSON),                       # broken JSON
            ("POST", "/api/predict", json.dumps({"pixels": [0] * 783}).encode(), JSON),    # wrong size
            ("POST", "/api/predict", b"pixels=1", {"Content-Type": "text/plain"}),         # wrong type
            ("GET", f"/api/share?d={code}", None, {}),
            ("GET", f"/api/share?d={code[:-5]}", None, {}),                              # damaged link
            ("GET", f"/preview.png?d={code}", None, {}),                                 # distinct previews
            ("GET", f"/?d={code}", None, {}),
            ("GET", "/healthz", None, {}),
        ]
    return mix


def one_round(port, requests, clients, mix):
    statuses = collections.Counter()
    lock = threading.Lock()
    per_client = requests // clients

    def work(k):
        client = Client(port)
        local = collections.Counter()
        for j in range(per_client):
            method, path, body, headers = mix[(k * 7919 + j * 31) % len(mix)]
            status, _, _ = client.call(method, path, body=body, headers=headers)
            local[status or "connection error"] += 1
        client.close()
        with lock:
            statuses.update(local)

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50_000, help="requests per round (default 50,000)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--default-limits", action="store_true", help="keep deploy/serve's rate limits")
    args = parser.parse_args()
    env = {} if args.default_limits else {"MLP_RATE_LIMIT": "100000", "MLP_PREVIEW_RATE_LIMIT": "100000"}
    mix = request_mix()
    total_5xx = total_conn = 0
    with Stack(env=env) as stack:
        Client(stack.port).call("GET", "/healthz")
        memory = [rss_kib(stack.pids())]
        for r in range(args.rounds):
            statuses, seconds = one_round(stack.port, args.requests, args.clients, mix)
            memory.append(rss_kib(stack.pids()))
            n = sum(statuses.values())
            five = sum(c for s, c in statuses.items() if isinstance(s, int) and s >= 500)
            conn = statuses.get("connection error", 0)
            total_5xx, total_conn = total_5xx + five, total_conn + conn
            shown = ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items(), key=lambda kv: str(kv[0])))
            print(f"round {r + 1}: {n} requests from {args.clients} clients in {seconds:.1f} s "
                  f"({n / seconds:,.0f} req/s); 5xx: {five}; connection errors: {conn}; statuses {shown}")
        traceback = "Traceback" in stack.stderr()
    mib = " -> ".join(f"{m / 1024:.1f}" for m in memory)
    print(f"server memory (nginx + gunicorn, all processes): {mib} MiB (before, then after each round)")
    print(f"tracebacks in the server log: {'yes' if traceback else 'none'}")
    print(f"5xx: {total_5xx}; connection errors: {total_conn}")


if __name__ == "__main__":
    main()
