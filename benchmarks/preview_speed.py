"""The link-preview picture: CPU per render, and what distinct previews cost everyone else.

    python3 benchmarks/preview_speed.py

1. In this process: CPU time (time.process_time) per render of --renders
   distinct drawings (MNIST test digits), for the picture alone and for the
   whole route's work (decode nothing, run the network, draw, encode), and per
   answer from the cache of recent renders.
2. On the production stack (deploy/serve, preview rate limit raised): /healthz
   p50/p99 alone, then while --clients clients ask for distinct previews for
   --seconds. At most 4 previews are drawn at once (deploy/serve's cap on costly
   requests in progress): the others are refused with 429, counted. Loopback only, bounded.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time

from stack_client import ROOT, Client, drawings, healthz_times, line, share_code

sys.path.insert(0, str(ROOT))
from deploy.stack import Stack  # noqa: E402
from mlp import weights_io
from web import preview  # noqa: E402
from web.reply import infer  # noqa: E402


def cpu_ms(fn, items):
    start = time.process_time()
    for item in items:
        fn(item)
    return 1000 * (time.process_time() - start) / len(items)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    network = weights_io.load(weights_io.DEFAULT_WEIGHTS)
    pics = drawings(args.renders + 1, seed=1)
    replies = [infer(network, p) for p in pics]
    preview.render(replies[0]["activations"][0], replies[0]["prediction"], replies[0]["probabilities"], network)  # template
    draw = cpu_ms(lambda r: preview.render(r["activations"][0], r["prediction"], r["probabilities"], network), replies[1:])
    cache = preview.PreviewCache(network, size=args.renders + 1)
    route = cpu_ms(cache.png, pics[1:])
    hit = cpu_ms(cache.png, pics[1:])
    size = sum(len(cache.png(p)) for p in pics[1:11]) / 10
    print(f"render: {draw:.2f} ms CPU per picture ({args.renders} distinct drawings); with the network and "
          f"the cache's bookkeeping {route:.2f} ms; from the cache {1000 * hit:.0f} us; PNG {size / 1024:.1f} KB")

    # More distinct drawings than can be asked for in the time (a link is encoded in Python: ~0.5 ms each).
    codes = [share_code(p) for p in drawings(int(min(20_000, 400 * args.clients * args.seconds)), seed=2)]
    with Stack(env={"MLP_RATE_LIMIT": "100000", "MLP_PREVIEW_RATE_LIMIT": "100000"}) as stack:
        quiet, quiet_failed = healthz_times(stack.port, min(args.seconds, 5), pause=0.005, timeout=5)
        stop, counts, refusals = threading.Event(), [], []

        def ask(k):
            client, n, refused, i = Client(stack.port, timeout=10), 0, 0, k
            while not stop.is_set():
                status, _, _ = client.call("GET", f"/preview.png?d={codes[i % len(codes)]}")
                n += status == 200
                refused += status == 429
                i += args.clients
            counts.append(n)
            refusals.append(refused)

        threads = [threading.Thread(target=ask, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        busy, busy_failed = healthz_times(stack.port, args.seconds, pause=0.005, timeout=5)
        stop.set()
        for t in threads:
            t.join()
    print(line("/healthz alone", quiet, quiet_failed))
    print(line(f"/healthz while {args.clients} clients ask for distinct previews", busy, busy_failed,
               f"; previews served: {sum(counts)} ({sum(counts) / args.seconds:.0f}/s), refused (429: more than "
               f"deploy/serve lets be in progress at once): {sum(refusals)}"))


if __name__ == "__main__":
    main()
