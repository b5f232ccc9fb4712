"""Network.forward against the simplest loop over layers, for one image and for 10,000.

    python benchmarks/forward_pass.py [--weights PATH] [--repeats N] [--quick]

The simple loop is the textbook one, ``for w, b: a = 1 / (1 + np.exp(-(w @ a + b)))``
(for a batch, ``a`` holds one image per column). Each figure is the median of
several timed runs; the ratio is simple / Network.forward (above 1: forward is faster).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlp import weights_io  # noqa: E402
from mlp.training import mnist  # noqa: E402
from mlp.network import Network  # noqa: E402


def simple_forward(weights, biases, a):
    """The plain loop; ``a`` is (784,) or (784, N). Returns the output layer only."""
    for w, b in zip(weights, biases):
        a = 1 / (1 + np.exp(-(w @ a + b)))
    return a


def timeit(fn, number, repeats):
    """Median seconds per call over ``repeats`` runs of ``number`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - started) / number)
    return statistics.median(times)


def fmt(seconds):
    return f"{seconds * 1e6:9.1f} us" if seconds < 1e-2 else f"{seconds * 1e3:9.2f} ms"


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/forward_pass.py", description=__doc__.splitlines()[0])
    p.add_argument("--weights", help="weights file (default: the shipped one; random weights if it cannot be loaded)")
    p.add_argument("--data", help="MNIST folder for real test images (default: mnist.data_dir(); random if absent)")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--number", type=int, default=2000, help="calls per timed run for one image (default 2000)")
    p.add_argument("--batch-number", type=int, default=10, help="calls per timed run for the batch (default 10)")
    p.add_argument("--quick", action="store_true", help="tiny counts for a smoke test")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.number, args.batch_number = 3, 50, 1

    try:
        net = weights_io.load(args.weights or weights_io.DEFAULT_WEIGHTS)
        source = "shipped weights" if not args.weights else args.weights
    except weights_io.WeightsFileError as exc:
        print(f"note: {exc}; using random weights")
        net, source = Network.random(), "random weights"
    try:
        images, _ = mnist.load_split(mnist.data_dir(args.data), "test")
        data = "MNIST test images"
    except mnist.MnistError:
        images = np.random.default_rng(0).random((10_000, 784), dtype=np.float32)
        data = "random images"
    images = np.ascontiguousarray(images[:10_000], dtype=np.float32)
    one = images[0]
    columns = np.ascontiguousarray(images.T)
    weights, biases = net.weights, net.biases
    biases_col = [b[:, None] for b in biases]

    # Same answers first (the simple loop may warn about exp overflow for large negative sums: silence it).
    with np.errstate(over="ignore"):
        ref_one = simple_forward(weights, biases, one)
        ref_batch = simple_forward(weights, biases_col, columns).T
    assert np.allclose(net.forward(one)[-1], ref_one, atol=1e-5)
    assert np.allclose(net.forward(images)[-1], ref_batch, atol=1e-5)

    print(f"Network.forward vs the simple loop: {'-'.join(map(str, net.sizes))} network ({source}), {data}; "
          f"median of {args.repeats} runs")
    with np.errstate(over="ignore"):
        rows = [
            ("one image", timeit(lambda: net.forward(one), args.number, args.repeats),
             timeit(lambda: simple_forward(weights, biases, one), args.number, args.repeats)),
            (f"batch of {len(images):,}", timeit(lambda: net.forward(images), args.batch_number, args.repeats),
             timeit(lambda: simple_forward(weights, biases_col, columns), args.batch_number, args.repeats)),
        ]
    print(f"{'':>18} {'Network.forward':>15} {'simple loop':>14} {'ratio simple/forward':>22}")
    for name, ours, simple in rows:
        print(f"{name:>18} {fmt(ours):>15} {fmt(simple):>14} {simple / ours:>21.2f}x")
    n = len(images)
    print(f"batch throughput: Network.forward {n / rows[1][1]:,.0f} images/s, simple loop {n / rows[1][2]:,.0f} images/s")


if __name__ == "__main__":
    main()
