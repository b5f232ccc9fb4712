"""Score a weights file: real people's pen strokes, MNIST's test digits, and how honest its outputs are.

    python -m mlp.evaluate [--data ../shared/data/mnist] [--pendigits ../shared/data/pendigits]
                           [--weights mlp/weights/mnist_784_16_16_10.npz] [--pen] [--folds F0.npz .. | --no-folds]

Every image goes through the app's own pre-processing first (mlp.preprocess:
what the server does to a drawing), and the pen strokes through the page's
own rendering (mlp.training.strokes). Prints, in order:
- one network per fold of writers (python -m mlp.train --fold K), each scored on the writers it never
  saw (for the shipped weights: the shipped network, fold 0, and its recipe's folds 1-4 in
  mlp/weights/folds/; --folds FILES for others, --no-folds for none): every fold, the mean and the
  worst fold, per digit over all folds, and the same digits drawn small near an edge of the pad
  (mlp.training.replay);
- the held-out writers' pen digits (writers the network never saw), per digit, and drawn small;
- with --pen, the MNIST test digits redrawn with the page's pen;
- the outputs' honesty on MNIST test: the mean second-brightest output, the
  share of digits lighting two or more outputs above 0.5, and the brightest
  output for an empty drawing;
- MNIST test per digit, the confusion matrix (rows: true digit, columns:
  predicted digit) and, as its last line, ``test accuracy: 0.XXXX (N/10000)``.
A missing data folder or an unusable weights file is one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from . import mnist, pendigits, penstyle, replay, stroke_augment
from .. import weights_io
from ..digit import N_CLASSES, N_PIXELS
from ..preprocess import normalize_batch


# The shipped recipe trained once per other fold of writers (python -m mlp.train --fold K; its snapshots not kept).
FOLDS_DIR = weights_io.DEFAULT_WEIGHTS.parent / "folds"


def confusion_matrix(labels, predicted, n_classes=N_CLASSES):
    """(n_classes, n_classes) counts: row = true class, column = predicted class."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    return np.bincount(labels * n_classes + predicted, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def evaluate(network, images, labels, batch=10_000):
    """The confusion matrix of ``network`` on ``images`` (N, 784) with true ``labels``."""
    predicted = np.concatenate([network.predict(images[i:i + batch]) for i in range(0, len(images), batch)]) \
        if len(images) else np.zeros(0, dtype=np.int64)
    return confusion_matrix(labels, predicted)


def output_honesty(network, images, batch=10_000):
    """(mean second-brightest output, share of images lighting >= 2 outputs above 0.5), over ``images``."""
    out = np.concatenate([network.forward(images[i:i + batch])[-1] for i in range(0, len(images), batch)])
    second = np.sort(out, axis=1)[:, -2]
    return float(second.mean()), float(np.mean((out > 0.5).sum(axis=1) >= 2))


def empty_drawing_output(network):
    """The brightest output for a drawing with nothing on it (it should say: no digit)."""
    return float(network.forward(np.zeros(network.sizes[0], dtype=np.float32))[-1].max())


def check_reads_digits(network, path):
    """``network``, when it takes a grid's pixels and has one output a digit; else a WeightsFileError."""
    if network.sizes[0] != N_PIXELS:
        raise weights_io.WeightsFileError(f"weights file {path}: takes {network.sizes[0]} inputs, "
                                          f"a digit's grid has {N_PIXELS} pixels")
    if network.sizes[-1] != N_CLASSES:
        raise weights_io.WeightsFileError(
            f"weights file {path}: has {network.sizes[-1]} outputs, expected {N_CLASSES} digits")
    return network


def writers_of(network) -> tuple:
    """The pen writers ``network`` was kept from (its metadata says), else the shipped network's."""
    return tuple(network.meta.get("held_out_writers") or pendigits.HELD_OUT_WRITERS)


def pen_scores(network, digits):
    """Confusion matrices on pen ``digits``: as written, and drawn small near an edge of the pad."""
    as_written = stroke_augment.render_pool(digits, strength=None)
    small = stroke_augment.render_pool(replay.small_digits(digits), strength=None)
    return evaluate(network, *as_written), evaluate(network, *small)


def share(cm) -> str:
    return f"{np.trace(cm) / max(cm.sum(), 1):.4f} ({np.trace(cm)}/{cm.sum()})"


def shipped_folds() -> list:
    """The shipped network (fold 0) and the networks its recipe trained with folds 1.. held out."""
    return [weights_io.DEFAULT_WEIGHTS, *sorted(FOLDS_DIR.glob("fold*.npz"))]


def fold_report(paths, digits) -> str:
    """Each fold's network scored on the writers it never saw; the mean, the worst fold, per digit."""
    lines = [f"held-out writers, one network per fold (each scored on the writers it never saw; "
             f"small: drawn a quarter of a {replay.PAD_SIDE}-pixel pad near its edge):"]
    pooled = np.zeros((N_CLASSES, N_CLASSES), dtype=np.int64)
    pooled_small = pooled.copy()
    accuracies, held = [], []
    for path in paths:
        network = check_reads_digits(weights_io.load(path), path)
        writers = writers_of(network)
        held += writers
        cm, cm_small = pen_scores(network, [d for d in digits if d.writer in set(writers)])
        pooled, pooled_small = pooled + cm, pooled_small + cm_small
        accuracies.append(np.trace(cm) / max(cm.sum(), 1))
        lines.append(f"  {Path(path).name}: writers {', '.join(map(str, writers))}: {share(cm)}; small {share(cm_small)}")
    lines.append(f"mean over {len(paths)} folds: {np.mean(accuracies):.4f}, worst fold: {min(accuracies):.4f}")
    if sorted(held) != sorted(pendigits.WRITERS):
        lines.append(f"  (not a clean cross-validation: held out {sorted(held)}, not each of the "
                     f"{len(pendigits.WRITERS)} writers once)")
    lines.append(per_digit(pooled, "all folds' held-out writers, pooled"))
    lines.append(per_digit(pooled_small, "the same digits drawn small near an edge"))
    return "\n".join(lines)


def per_digit(cm, title) -> str:
    total, correct = int(cm.sum()), int(np.trace(cm))
    lines = [f"{title}: {correct / max(total, 1):.4f} ({correct}/{total})"]
    lines += [f"  {d}: {cm[d, d] / max(cm[d].sum(), 1):.4f} ({cm[d, d]}/{cm[d].sum()})" for d in range(cm.shape[0])]
    return "\n".join(lines)


def report(cm) -> str:
    """Per-digit accuracy, the aligned confusion matrix, and the final accuracy line."""
    n = cm.shape[0]
    total = int(cm.sum())
    correct = int(np.trace(cm))
    per_class = cm.sum(axis=1)
    lines = ["per-digit accuracy:"]
    for d in range(n):
        acc = cm[d, d] / per_class[d] if per_class[d] else float("nan")
        lines.append(f"  {d}: {acc:.4f} ({cm[d, d]}/{per_class[d]})")
    width = max(len(str(int(cm.max()))), 4) if cm.size else 4
    lines.append("")
    lines.append("confusion matrix (rows: true digit, columns: predicted digit):")
    lines.append("true\\pred " + " ".join(f"{d:>{width}}" for d in range(n)))
    for d in range(n):
        lines.append(f"{d:>9} " + " ".join(f"{int(v):>{width}}" for v in cm[d]))
    lines.append("")
    acc = correct / total if total else 0.0
    lines.append(f"test accuracy: {acc:.4f} ({correct}/{total})")
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m mlp.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--data", help=f"folder with the MNIST IDX files (default ${mnist.ENV_VAR} or {mnist.DEFAULT_DIR})")
    p.add_argument("--pendigits", help=f"folder with the pen-digits file (default ${pendigits.ENV_VAR} or "
                                       f"{pendigits.DEFAULT_DIR})")
    p.add_argument("--weights", default=str(weights_io.DEFAULT_WEIGHTS),
                   help="weights file to score (default: the shipped one)")
    p.add_argument("--folds", nargs="+", metavar="WEIGHTS",
                   help="one weights file per fold of writers (python -m mlp.train --fold K): the cross-validated "
                        "figures (default, for the shipped weights: the shipped recipe's folds, mlp/weights/folds/)")
    p.add_argument("--no-folds", dest="folds", action="store_const", const=(), help="skip the folds' figures")
    p.add_argument("--pen", action="store_true",
                   help="also score the test digits redrawn with the page's constant-width pen (mlp.training.penstyle)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    folder = mnist.data_dir(args.data)
    try:
        if not folder.is_dir():
            raise mnist.MnistError(f"MNIST data folder not found: {folder} "
                                   f"(set --data or ${mnist.ENV_VAR} to the folder holding the four IDX files)")
        network = weights_io.load(args.weights)  # before the data: the cheaper check first
        images, labels = mnist.load_split(folder, "test")
        pen_digits = pendigits.load(args.pendigits)
        _, held_out = pendigits.split_by_writer(pen_digits, writers_of(network))
        check_reads_digits(network, args.weights)
        if args.folds is None:  # the shipped weights come with their recipe's folds
            args.folds = shipped_folds() if Path(args.weights).resolve() == weights_io.DEFAULT_WEIGHTS else ()
        folds = fold_report(args.folds, pen_digits) if args.folds else None
    except (mnist.MnistError, pendigits.PendigitsError, weights_io.WeightsFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if folds:
        print(folds)
        print()
    print(f"weights: {args.weights} (sizes {'-'.join(map(str, network.sizes))}, {network.n_params} parameters)")
    print(f"data: {folder} ({len(labels)} test images); pen strokes of writers "
          f"{', '.join(map(str, writers_of(network)))} ({len(held_out)} digits, never trained on)")
    print()
    as_written, small = pen_scores(network, held_out)
    print(per_digit(as_written, "held-out writers' pen strokes, drawn by the page's rule"))
    print(f"the same drawn small near an edge of the pad: {share(small)}")
    print()
    seen = normalize_batch(images)
    if args.pen:
        cm = evaluate(network, normalize_batch(penstyle.redraw_in_chunks(images)), labels)
        print(f"pen-drawn test accuracy: {np.trace(cm) / cm.sum():.4f} ({np.trace(cm)}/{cm.sum()}) "
              "(the same digits redrawn as the page draws strokes)")
        print()
    second, lit_two = output_honesty(network, seen)
    print("outputs (each output's own brightness is how sure the network is of that digit):")
    print(f"  second-brightest output, mean over MNIST test: {second:.3f}")
    print(f"  MNIST test digits lighting two or more outputs above 0.5: {100 * lit_two:.2f} %")
    print(f"  empty drawing, brightest output: {empty_drawing_output(network):.3f}")
    print()
    print(report(evaluate(network, seen, labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
