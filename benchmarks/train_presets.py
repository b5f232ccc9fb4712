"""How long a network of one's own design takes to train (issue 25), and whether /healthz stays responsive
while clients train.

    python benchmarks/train_presets.py            # full run (a few minutes on the shared 2-core machine)
    python benchmarks/train_presets.py --quick    # a smoke test: less of everything

1. cold: each preset trained in a new process (Python started, MNIST read and prepared, trained);
2. warm: each preset trained again in this process (MNIST prepared), wall and CPU time beside the
   recipe's estimate (mlp.training.recipe's limit is on that estimate: 2 s of one core); then the largest
   recipe within the limit of each shape (not with --quick);
3. api: each preset through POST /api/train of a real gunicorn (2 workers x 4 threads, --preload, as
   deploy/serve runs it): the first ask trains (in a worker that has not yet prepared MNIST, that too),
   the second is the kept network;
4. healthz: GET /healthz from one client, one request after another, with no training and then with
   --clients clients each posting new recipes (a new seed each time) as fast as they are answered (a 429
   too: they ignore Retry-After, the worst case), in alternating rounds; p50/p99 of each and the ratio of
   the p99s within this run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load_test import percentile, start_server  # noqa: E402
from mlp.training import recipe as recipes  # noqa: E402
from mlp.training.recipe_training import PreparedMnist, train_recipe  # noqa: E402
from tools.server import free_port  # noqa: E402

COLD = """
import json, sys, time
started = time.perf_counter()
from mlp.training import recipe, recipe_training
data = recipe_training.PreparedMnist()
r = recipe.parse(sys.argv[1])
data.test(); data.train(r.images)
prepared = time.perf_counter()
network, snapshots = recipe_training.train_recipe(r, data)
done = time.perf_counter()
print(json.dumps({"prepare": prepared - started, "train": done - prepared, "accuracy": snapshots[-1]["test_accuracy"]}))
"""
# The heaviest kind of recipe the limit allows, on 10,000 images at most (so the first training in a
# worker does not wait long for MNIST): what the healthz clients train, each with its own seed.
LOAD_RECIPE = {"hidden": [128, 128, 128], "activation": "relu", "images": 8000, "epochs": 14}
QUICK_LOAD_RECIPE = {"hidden": [16], "activation": "sigmoid", "images": 1000, "epochs": 1}


def largest_within_the_limit(hidden):
    """The recipe of these hidden layers with the most images x epochs the limit allows."""
    best = None
    for epochs in range(1, recipes.EPOCHS[1] + 1):
        for images in range(recipes.IMAGES[1], recipes.IMAGES[0] - 1, -1000):
            recipe = recipes.Recipe(tuple(hidden), "relu" if hidden else "sigmoid", images, epochs, 1)
            if recipe.seconds() <= recipes.MAX_SECONDS:
                if best is None or images * epochs > best.images * best.epochs:
                    best = recipe
                break
    return best


def cold(presets):
    for key, recipe in presets:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", COLD, recipe.id], cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"cold {key} failed:\n{done.stderr}")
        figures = json.loads(done.stdout)
        print(f"cold {key}: {recipe.id} {wall:.2f} s in a new process (Python and MNIST prepared "
              f"{figures['prepare']:.2f} s, trained {figures['train']:.2f} s), test accuracy {figures['accuracy']:.4f}")


def warm(named, data):
    worst = 0.0
    for key, recipe in named:
        data.test()
        data.train(recipe.images)
        wall, cpu = time.perf_counter(), time.process_time()
        _, snapshots = train_recipe(recipe, data)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        worst = max(worst, cpu / recipe.seconds())
        print(f"{key}: {recipe.id} {wall:.3f} s wall, {cpu:.3f} s CPU, estimate {recipe.seconds():.3f} s, "
              f"test accuracy {snapshots[-1]['test_accuracy']:.4f}")
    return worst


def post(conn, path, body):
    conn.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def through_the_api(port, presets):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for key, recipe in presets:
        times = []
        for _ in range(2):
            started = time.perf_counter()
            status, body = post(conn, "/api/train", recipe.as_dict())
            times.append(time.perf_counter() - started)
            while status == 429:  # this worker is training (the other ask of this preset): as the page would
                time.sleep(int(json.loads(body)["retry_after"]))
                started = time.perf_counter()
                status, body = post(conn, "/api/train", recipe.as_dict())
                times[-1] = time.perf_counter() - started
            if status != 200:
                raise SystemExit(f"api {key}: {status} {body[:200]!r}")
        print(f"api {key}: first ask {times[0]:.3f} s, again {times[1]:.3f} s "
              f"(another worker may train it again: each keeps its own)")
    conn.close()


def probe_healthz(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], 0
    for _ in range(count):
        started = time.perf_counter()
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    conn.close()
    return latencies, errors


def trainers(port, clients, recipe, seeds, stop, counts, lock):
    """``clients`` threads posting new recipes until ``stop`` is set; ``counts``: replies by status."""
    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while not stop.is_set():
            with lock:
                seed = next(seeds)
            try:
                status, _ = post(conn, "/api/train", {**recipe, "seed": seed})
            except (OSError, http.client.HTTPException):
                status = "error"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                counts[status] = counts.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def healthz_under_training(port, clients, rounds, probes, recipe):
    seeds, lock = iter(range(10**6)), threading.Lock()
    # Warm up: every worker prepares MNIST on its first training; that is not what is measured here.
    stop, counts = threading.Event(), {}
    threads = trainers(port, clients, recipe, seeds, stop, counts, lock)
    deadline = time.monotonic() + 120
    while counts.get(200, 0) < 2 * 2 and time.monotonic() < deadline:  # two trainings per worker, give or take
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    without, with_training, totals = [], [], {}
    for r in range(rounds):
        for loaded in ((False, True) if r % 2 == 0 else (True, False)):
            if not loaded:
                latencies, errors = probe_healthz(port, probes)
                without += latencies
                totals["healthz errors"] = totals.get("healthz errors", 0) + errors
                continue
            stop, counts = threading.Event(), {}
            threads = trainers(port, clients, recipe, seeds, stop, counts, lock)
            latencies, errors = probe_healthz(port, probes)
            stop.set()
            for thread in threads:
                thread.join()
            with_training += latencies
            totals["healthz errors"] = totals.get("healthz errors", 0) + errors
            for status, n in counts.items():
                totals[status] = totals.get(status, 0) + n
    without, with_training = sorted(without), sorted(with_training)
    for name, values in (("without training", without), (f"with {clients} clients training", with_training)):
        print(f"healthz {name}: {len(values)} requests, p50 {1000 * percentile(values, 0.5):.1f} ms, "
              f"p99 {1000 * percentile(values, 0.99):.1f} ms, max {1000 * values[-1]:.1f} ms")
    print(f"trainings asked meanwhile: {totals.get(200, 0)} trained (200), {totals.get(429, 0)} refused (429), "
          f"{sum(n for s, n in totals.items() if s not in (200, 429, 'healthz errors'))} other")
    print(f"ratio healthz p99 with/without training: "
          f"{percentile(with_training, 0.99) / percentile(without, 0.99):.2f}")
    return totals.get("healthz errors", 0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a smoke test: one cold preset, tiny load, one round")
    p.add_argument("--clients", type=int, default=8, help="clients training while /healthz is measured")
    p.add_argument("--rounds", type=int, default=4, help="alternating rounds without and with training")
    p.add_argument("--probes", type=int, default=500, help="/healthz requests per round")
    p.add_argument("--healthz-only", action="store_true", help="only part 4 (/healthz while clients train)")
    args = p.parse_args(argv)
    presets = list(recipes.PRESETS)
    data = PreparedMnist()
    if data.missing():
        raise SystemExit(f"error: {data.missing()} (training needs MNIST: set $MNIST_DATA)")
    print(f"limit: {recipes.MAX_SECONDS:g} s of one core (the estimate); {len(presets)} presets")
    if not args.healthz_only:
        cold(presets[:1] if args.quick else presets)
        worst = warm(presets, data)
        if not args.quick:
            limits = [(f"limit {'-'.join(map(str, r.sizes))}", r)
                      for r in (largest_within_the_limit(h) for h in ((), (16, 16), (128,), (128, 128, 128)))]
            worst = max(worst, warm(limits, data))
        print(f"worst CPU / estimate: {worst:.2f}")
    port = free_port()
    server = start_server(port)
    try:
        if not args.healthz_only:
            through_the_api(port, presets[:2] if args.quick else presets)
        recipe = QUICK_LOAD_RECIPE if args.quick else LOAD_RECIPE
        recipes.from_json({**recipe, "seed": 0})  # within the limit (else every ask would be a 400)
        print(f"healthz load: {args.clients} clients training {recipes.from_json({**recipe, 'seed': 0}).id} "
              f"(new seeds), {args.rounds} rounds of {args.probes} probes")
        errors = healthz_under_training(port, args.clients, args.rounds, args.probes, recipe)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
