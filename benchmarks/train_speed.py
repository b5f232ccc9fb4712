"""How fast our training step is, next to the same step in PyTorch, and how long training takes to reach 96%.

    python benchmarks/train_speed.py            # full run (about a minute on an idle 2-core machine)
    python benchmarks/train_speed.py --quick    # a few seconds: smoke test

One "step" is what mlp.training.train does per mini-batch: the gradients of the loss
(backprop.gradients) and one optimizer update (optim.Optimizer.step), for the
784-16-16-10 sigmoid network, batch size 32, Adam and softmax cross-entropy by
default. PyTorch gets the same network (same initial weights), batch, loss and
optimizer, with torch.set_num_threads equal to the threads NumPy's BLAS uses.
Both run in the same process, alternating, several repeats; the median and the
best of the repeats are printed, with their ratio.

The last part trains from scratch with mlp.training.train.train (mlp.training.train.Config's
recipe, no augmentation unless --augment, the whole training set) and scores
the 10,000 test images after each epoch, stopping at the first epoch with test
accuracy >= --target, or at the cap (--max-epochs, which is also the length of
the learning-rate schedule).
"""
from __future__ import annotations

import argparse
import ctypes
import dataclasses
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlp.training import mnist  # noqa: E402
from mlp.training.backprop import FlatParams, gradients  # noqa: E402
from mlp.training.input_transform import InputTransform  # noqa: E402
from mlp.training.optim import Optimizer  # noqa: E402

BATCH = 32
SIZES = (784, 16, 16, 10)


def numpy_threads() -> int:
    """Threads NumPy's BLAS (OpenBLAS) uses: asked from the loaded library, else from the environment."""
    try:
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if "openblas" in line.lower() and ".so" in line}
        for path in libs:
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                         "scipy_openblas_get_num_threads", "openblas_get_num_threads"):
                if hasattr(lib, name):
                    return int(getattr(lib, name)())
    except OSError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


def load_batches(args, n_images):
    """(x standardized float32, labels) for the throughput runs: real MNIST if there, else random."""
    source = "random data"
    if not args.random:
        try:
            images, labels = mnist.load_split(args.data, "train")
            images, labels = images[:n_images], labels[:n_images]
            source = f"real MNIST ({len(images)} training images)"
        except mnist.MnistError as exc:
            print(f"note: {exc}; using random data")
            args.random = True
    if args.random:
        rng = np.random.default_rng(1)
        images = rng.random((n_images, 784), dtype=np.float32)
        labels = rng.integers(0, 10, n_images)
    x = np.ascontiguousarray(InputTransform.standardize().apply(images), dtype=np.float32)
    return x, labels.astype(np.int64), source


def initial_weights(seed=0):
    rng = np.random.default_rng(seed)
    params = FlatParams(SIZES)
    for w in params.weights:
        w[...] = rng.standard_normal(w.shape) / np.sqrt(w.shape[1])
    return params


class Ours:
    name = "ours (numpy)"

    def __init__(self, x, labels, args):
        self.params = initial_weights()
        self.grads = self.params.zeros_like()
        self.opt = Optimizer(args.optimizer, self.params)
        self.x = x
        self.y = np.eye(10, dtype=np.float32)[labels]
        self.loss, self.lr = args.loss, args.lr
        self.n_batches = len(x) // BATCH
        self.k = 0

    def run(self, steps):
        params, grads, opt, loss, lr = self.params, self.grads, self.opt, self.loss, self.lr
        x, y = self.x, self.y
        for _ in range(steps):
            lo = (self.k % self.n_batches) * BATCH
            gradients(params, x[lo:lo + BATCH], y[lo:lo + BATCH], loss, grads)
            opt.step(grads, lr)
            self.k += 1


class Torch:
    name = "pytorch"

    def __init__(self, torch, x, labels, args):
        self.torch = torch
        nn = torch.nn
        layers = []
        for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(SIZES) - 2:
                layers.append(nn.Sigmoid())
        self.model = nn.Sequential(*layers)
        start = initial_weights()
        with torch.no_grad():
            for lin, w, b in zip([m for m in self.model if isinstance(m, nn.Linear)], start.weights, start.biases):
                lin.weight.copy_(torch.from_numpy(w))
                lin.bias.copy_(torch.from_numpy(b))
        params = self.model.parameters()
        if args.optimizer == "adam":
            self.opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
        elif args.optimizer == "momentum":
            self.opt = torch.optim.SGD(params, lr=args.lr, momentum=0.9)
        else:
            self.opt = torch.optim.SGD(params, lr=args.lr)
        self.x = torch.from_numpy(x)
        if args.loss == "cross_entropy":
            self.y = torch.from_numpy(labels)
            self.loss_fn = nn.CrossEntropyLoss()
        else:  # the video's cost on the sigmoid outputs: 1/2 sum_j (a_j - y_j)^2, averaged over the batch
            self.y = torch.from_numpy(np.eye(10, dtype=np.float32)[labels])
            self.loss_fn = lambda z, y: 0.5 * ((torch.sigmoid(z) - y) ** 2).sum(dim=1).mean()
        self.n_batches = len(x) // BATCH
        self.k = 0

    def run(self, steps):
        model, opt, loss_fn, x, y = self.model, self.opt, self.loss_fn, self.x, self.y
        for _ in range(steps):
            lo = (self.k % self.n_batches) * BATCH
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[lo:lo + BATCH]), y[lo:lo + BATCH]).backward()
            opt.step()
            self.k += 1


def measure(runners, steps, repeats, warmup):
    """samples/s of each runner per repeat; runners take turns, the first one alternating."""
    for r in runners:
        r.run(warmup)
    rates = {r.name: [] for r in runners}
    for rep in range(repeats):
        order = runners if rep % 2 == 0 else runners[::-1]
        for r in order:
            started = time.perf_counter()
            r.run(steps)
            rates[r.name].append(steps * BATCH / (time.perf_counter() - started))
    return rates


def throughput(args):
    threads = numpy_threads()
    x, labels, source = load_batches(args, max(BATCH * min(args.steps, 1875), BATCH * 4))
    print(f"training step: {'-'.join(map(str, SIZES))} sigmoid network, batch {BATCH}, {args.optimizer}, "
          f"{args.loss}, on {source}")
    print(f"numpy {np.__version__}, BLAS threads: {threads}; {args.repeats} repeats of {args.steps} steps each")
    runners = [Ours(x, labels, args)]
    torch = None
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("pytorch: not installed (pip install torch==2.13.0) -- comparison skipped")
    else:
        print("pytorch: skipped (--no-torch)")
    if torch is not None:
        torch.set_num_threads(threads)
        runners.append(Torch(torch, x, labels, args))
        print(f"pytorch {torch.__version__}, torch.set_num_threads({threads})")
    rates = measure(runners, args.steps, args.repeats, args.warmup)
    ours = rates[runners[0].name]
    print(f"ours:    {statistics.median(ours):>10,.0f} samples/s median, {max(ours):>10,.0f} best "
          f"({1e6 * BATCH / statistics.median(ours):.1f} us/step)")
    if torch is None:
        return
    theirs = rates[runners[1].name]
    print(f"pytorch: {statistics.median(theirs):>10,.0f} samples/s median, {max(theirs):>10,.0f} best "
          f"({1e6 * BATCH / statistics.median(theirs):.1f} us/step)")
    ratio_med = statistics.median(ours) / statistics.median(theirs)
    ratio_best = max(ours) / max(theirs)
    print(f"ratio ours/pytorch: {ratio_med:.2f}x (medians), {ratio_best:.2f}x (best)")
    if threads != 1 and not args.no_single_thread:
        # PyTorch pays for waking its thread pool on such tiny ops: show its single-thread figure too.
        torch.set_num_threads(1)
        single = Torch(torch, x, labels, args)
        rates1 = measure([runners[0], single], args.steps, args.repeats, args.warmup)
        o1, t1 = rates1[runners[0].name], rates1[single.name]
        print(f"pytorch with 1 thread: {statistics.median(t1):,.0f} samples/s median; "
              f"ours {statistics.median(o1):,.0f} in the same run; ratio {statistics.median(o1) / statistics.median(t1):.2f}x")
        torch.set_num_threads(threads)


class _Reached(Exception):
    pass


def time_to_accuracy(args):
    from mlp.training.train import Config, train

    try:
        folder = mnist.data_dir(args.data)
        images, labels = mnist.load_split(folder, "train")
        images, labels = images[:args.limit], labels[:args.limit]
        test_images, test_labels = mnist.load_split(folder, "test")
    except mnist.MnistError as exc:
        print(f"time to {args.target:.0%} test accuracy: not measured ({exc})")
        return
    known = {f.name for f in dataclasses.fields(Config)}
    wanted = {"epochs": args.max_epochs, "augment": args.augment, "seed": 0, "lr": args.train_lr,
              "batch_size": args.train_batch_size, "teacher": args.teacher}
    cfg = Config(**{k: v for k, v in wanted.items() if k in known and v is not None})
    seen = []
    started = time.perf_counter()

    def log(line):
        # train() reports each epoch's score on the "validation" set it was given: here the test set.
        match = re.search(r"validation accuracy ([0-9.]+)", line)
        if not match:  # not an epoch's line (e.g. the pen redrawing's)
            return
        seen.append((float(match.group(1)), time.perf_counter() - started))
        if seen[-1][0] >= args.target:
            raise _Reached

    print(f"training from scratch with mlp.training.train.train: {len(images)} images, batch {cfg.batch_size}, "
          f"{cfg.optimizer}, lr {cfg.lr} ({cfg.schedule} over {cfg.epochs} epochs), loss {cfg.loss}, "
          f"augmentation {cfg.augment}" + (f", distilled from {cfg.teacher}" if cfg.teacher else ""))
    try:
        train(cfg, images, labels, test_images, test_labels, log=log, bar=False)
    except _Reached:
        acc, seconds = seen[-1]
        print(f"time to {args.target:.0%} test accuracy: {seconds:.2f} s ({len(seen)} epochs, test accuracy {acc:.4f})")
        return
    best = max(a for a, _ in seen)
    print(f"time to {args.target:.0%} test accuracy: not reached within {len(seen)} epochs "
          f"({seen[-1][1]:.2f} s, best test accuracy {best:.4f})")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/train_speed.py", description=__doc__.splitlines()[0])
    p.add_argument("--data", help="MNIST folder (default: mnist.data_dir())")
    p.add_argument("--random", action="store_true", help="time the step on random data instead of MNIST")
    p.add_argument("--steps", type=int, default=500, help="training steps per repeat (default 500)")
    p.add_argument("--repeats", type=int, default=7, help="repeats; the median and best are reported (default 7)")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), default="adam")
    p.add_argument("--loss", choices=("cross_entropy", "mse"), default="cross_entropy")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    p.add_argument("--no-single-thread", action="store_true", help="skip the extra PyTorch 1-thread figure")
    p.add_argument("--target", type=float, default=0.96, help="test accuracy to reach (default 0.96)")
    p.add_argument("--max-epochs", type=int, default=30, help="cap on the epochs of the time-to-accuracy run")
    p.add_argument("--limit", type=int, help="train the time-to-accuracy run on the first N images only")
    p.add_argument("--augment", default="none", help="augmentation preset of the time-to-accuracy run (default none)")
    p.add_argument("--train-lr", type=float, help="peak learning rate of that run (default: mlp.training.train.Config's)")
    p.add_argument("--train-batch-size", type=int, help="batch size of that run (default: mlp.training.train.Config's)")
    p.add_argument("--teacher", help="weights file to distil from in that run")
    p.add_argument("--no-accuracy", action="store_true", help="skip the time-to-accuracy run")
    p.add_argument("--quick", action="store_true",
                   help="tiny counts for a smoke test (20 steps x 2 repeats, 1 epoch on 2000 images)")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.repeats, args.warmup = 20, 2, 2
        args.max_epochs, args.limit = 1, args.limit or 2000
        args.no_single_thread = True
    return args


def main(argv=None):
    args = parse_args(argv)
    throughput(args)
    if not args.no_accuracy:
        print()
        time_to_accuracy(args)


if __name__ == "__main__":
    main()
