"""Train the network on MNIST with our own backpropagation.

    python -m mlp.train --data ../shared/data/mnist --out mlp/weights/mine.npz

Hyper-parameters are chosen on a validation split carved from the training
set; the test set is only read at the very end, to report accuracy.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass

import numpy as np

from . import augment as aug
from . import mnist, penstyle
from .input_transform import InputTransform
from .backprop import LOSSES, FlatParams, forward_train, gradients
from .network import Network, softmax
from .optim import Optimizer
from .weights_io import load, save


@dataclass
class Config:
    """Every choice of a training run. The defaults are the recipe of the shipped network."""
    hidden: tuple = (16, 16)
    epochs: int = 100
    batch_size: int = 32
    lr: float = 0.003
    schedule: str = "cosine"      # constant | cosine | step
    optimizer: str = "adam"       # sgd | momentum | adam | adamw
    loss: str = "cross_entropy"
    seed: int = 0
    augment: str = "mild"         # a preset of augment.PRESETS
    augment_fraction: float = 0.5  # share of each epoch's images that are distorted
    pen_fraction: float = 0.3      # share of each epoch's images redrawn with the page's pen (mlp.penstyle)
    standardize: bool = True      # train on standardized pixels, folded into W1, b1 afterwards
    whiten: float = 1.0           # > 0: ZCA-whiten with this epsilon instead (also folded)
    val_size: int = 5000
    teacher: str | None = None
    temperature: float = 4.0
    distill_weight: float = 0.7
    weight_decay: float = 0.0003
    ema: float = 0.999  # ship an exponential moving average of the weights (0: the last step's weights)


def learning_rate(cfg, progress):
    """Learning rate at ``progress`` in [0, 1) through the whole run."""
    if cfg.schedule == "constant":
        return cfg.lr
    if cfg.schedule == "cosine":
        return cfg.lr * 0.5 * (1 + np.cos(np.pi * progress))
    if cfg.schedule == "step":
        return cfg.lr * 0.1 ** int(progress * 3)
    raise ValueError(f"unknown schedule '{cfg.schedule}'")


def input_transform(cfg, images):
    if cfg.whiten:
        return InputTransform.zca(images, cfg.whiten)
    return InputTransform.standardize() if cfg.standardize else InputTransform.identity()


def accuracy(network, images, labels):
    return float(np.mean(network.predict(images) == labels))


def progress_bar(epoch, epochs, done, total, loss, acc, width=24, stream=sys.stderr):
    filled = int(width * done / total)
    stream.write(f"\repoch {epoch:>3}/{epochs} [{'#' * filled}{'.' * (width - filled)}] "
                 f"{100 * done / total:5.1f}%  loss {loss:.4f}  acc {acc:.4f}")
    stream.flush()


def split_validation(images, labels, val_size, seed):
    order = np.random.default_rng(seed + 1).permutation(len(images))
    val, train = order[:val_size], order[val_size:]
    return images[train], labels[train], images[val], labels[val]


def teacher_probabilities(teacher, images, temperature):
    """The teacher's softmax at ``temperature``, in chunks (a big teacher on 60,000 images is ~1 GB at once)."""
    return np.concatenate([softmax(teacher.forward(images[i:i + 4096], with_sums=True)[1][-1] / temperature)
                           for i in range(0, len(images), 4096)]).astype(np.float32)


def epoch_inputs(images, labels, rng, cfg, teacher, transform, fixed_soft=None, pen_images=None,
                 fixed_inputs=None):
    """This epoch's (shuffled, distorted, transformed) inputs, one-hot targets,
    labels, and the teacher's probabilities at the distillation temperature (or None).
    ``fixed_soft``, ``fixed_inputs``: the teacher's answers and the transformed
    images computed once, when images are not distorted;
    ``pen_images``: the same images redrawn with the page's pen."""
    order = rng.permutation(len(images))
    if fixed_inputs is not None:
        soft = None if fixed_soft is None else fixed_soft[order]
        return fixed_inputs[order], np.eye(10, dtype=np.float32)[labels[order]], labels[order], soft
    x = images[order]
    if pen_images is not None and cfg.pen_fraction > 0:
        use_pen = rng.random(len(x)) < cfg.pen_fraction
        x = np.where(use_pen[:, None], pen_images[order], x)
    if cfg.augment != "none":
        strength = aug.PRESETS[cfg.augment]
        distorted = np.concatenate([aug.augment(x[i:i + 4096], rng, strength) for i in range(0, len(x), 4096)])
        keep_clean = rng.random(len(x)) >= cfg.augment_fraction
        x = np.where(keep_clean[:, None], x, distorted)
    y = np.eye(10, dtype=np.float32)[labels[order]]
    soft = None
    if fixed_soft is not None:
        soft = fixed_soft[order]
    elif teacher is not None:
        soft = teacher_probabilities(teacher, x, cfg.temperature)
    return np.ascontiguousarray(transform.apply(x), dtype=np.float32), y, labels[order], soft


def train(cfg: Config, train_images, train_labels, val_images=None, val_labels=None, log=print, bar=True):
    """Train a network from scratch; returns (Network, history of per-epoch figures)."""
    if cfg.loss not in LOSSES:
        raise ValueError(f"unknown loss '{cfg.loss}', choose from {LOSSES}")
    rng = np.random.default_rng(cfg.seed)
    sizes = (784, *cfg.hidden, 10)
    params = FlatParams(sizes)
    for w in params.weights:
        w[...] = rng.standard_normal(w.shape) / np.sqrt(w.shape[1])
    grads = params.zeros_like()
    opt = Optimizer(cfg.optimizer, params, cfg.weight_decay)
    teacher = load(cfg.teacher) if cfg.teacher else None
    transform = input_transform(cfg, train_images)
    # Undistorted images look the same every epoch: ask the teacher once.
    undistorted = cfg.augment == "none" and not cfg.pen_fraction
    fixed_soft = (teacher_probabilities(teacher, train_images, cfg.temperature)
                  if teacher is not None and undistorted else None)
    pen_images = penstyle.redraw_in_chunks(train_images, log) if cfg.pen_fraction else None
    fixed_inputs = np.ascontiguousarray(transform.apply(train_images)) if undistorted else None
    steps_per_epoch = int(np.ceil(len(train_images) / cfg.batch_size))
    total_steps = cfg.epochs * steps_per_epoch
    history = []
    step = 0
    averaged = None
    if cfg.ema:
        averaged = params.zeros_like()
        averaged.flat[:] = params.flat
    for epoch in range(1, cfg.epochs + 1):
        started = time.perf_counter()
        x, y, lab, soft = epoch_inputs(train_images, train_labels, rng, cfg, teacher, transform,
                                             fixed_soft, pen_images, fixed_inputs)
        loss_sum, correct, seen = 0.0, 0, 0
        report_every = max(1, steps_per_epoch // 20)
        for k in range(steps_per_epoch):
            batch = slice(k * cfg.batch_size, (k + 1) * cfg.batch_size)
            xb, yb = x[batch], y[batch]
            distill = None if soft is None else (soft[batch], cfg.temperature, cfg.distill_weight)
            loss, _ = gradients(params, xb, yb, cfg.loss, grads, distill)
            opt.step(grads, learning_rate(cfg, step / total_steps))
            if averaged is not None:
                # The average of the last few thousand steps sits nearer the centre of the valley
                # than any one noisy step: it generalizes better.
                averaged.flat *= cfg.ema
                averaged.flat += (1 - cfg.ema) * params.flat
            step += 1
            loss_sum += loss * len(xb)
            seen += len(xb)
            if bar and (k % report_every == 0 or k == steps_per_epoch - 1):
                # Accuracy on the running batch costs one more forward: only when reporting.
                acts, _ = forward_train(params, xb)
                correct += int(np.sum(acts[-1].argmax(1) == lab[batch]))
                progress_bar(epoch, cfg.epochs, k + 1, steps_per_epoch, loss_sum / seen,
                             correct / max(1, (k // report_every + 1) * cfg.batch_size))
        net = to_network(averaged or params, transform)
        record = {"epoch": epoch, "loss": loss_sum / seen, "seconds": time.perf_counter() - started}
        if val_images is not None:
            record["val_accuracy"] = accuracy(net, val_images, val_labels)
        history.append(record)
        if bar:
            sys.stderr.write("\n")
        log(f"epoch {epoch}: loss {record['loss']:.4f}"
            + (f", validation accuracy {record['val_accuracy']:.4f}" if "val_accuracy" in record else "")
            + f", {record['seconds']:.1f} s")
    return to_network(averaged or params, transform), history


def to_network(params, transform):
    """The trained network, taking raw pixels (the input transform folded into layer 1)."""
    weights, biases = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    weights[0], biases[0] = transform.fold(weights[0], biases[0])
    return Network(weights, biases)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m mlp.train", description=__doc__.splitlines()[0])
    d = Config()
    p.add_argument("--data", help=f"folder with the MNIST IDX files (default ${mnist.ENV_VAR} or {mnist.DEFAULT_DIR})")
    p.add_argument("--download", action="store_true", help="fetch the MNIST files into --data first (checks SHA-256)")
    p.add_argument("--out", required=True, help="where to write the trained weights (.npz)")
    p.add_argument("--hidden", type=int, nargs="+", default=list(d.hidden), help="hidden layer sizes (default 16 16)")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr, help="peak learning rate")
    p.add_argument("--schedule", choices=("constant", "cosine", "step"), default=d.schedule)
    p.add_argument("--optimizer", choices=Optimizer.KINDS, default=d.optimizer)
    p.add_argument("--loss", choices=LOSSES, default=d.loss)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--augment", choices=tuple(aug.PRESETS), default=d.augment, help="distortion preset")
    p.add_argument("--augment-fraction", type=float, default=d.augment_fraction,
                   help="share of each epoch's images to distort (the rest stay clean)")
    p.add_argument("--pen-fraction", type=float, default=d.pen_fraction,
                   help="share of each epoch's images redrawn with the page's constant-width pen")
    p.add_argument("--no-standardize", dest="standardize", action="store_false")
    p.add_argument("--whiten", type=float, default=d.whiten, help="ZCA-whiten inputs with this epsilon (0: off)")
    p.add_argument("--val-size", type=int, default=d.val_size)
    p.add_argument("--teacher", help="weights of a larger network to distil from")
    p.add_argument("--temperature", type=float, default=d.temperature)
    p.add_argument("--distill-weight", type=float, default=d.distill_weight)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--ema", type=float, default=d.ema, help="average the weights with this decay per step (0: off)")
    p.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config(hidden=tuple(args.hidden), epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                 schedule=args.schedule, optimizer=args.optimizer, loss=args.loss, seed=args.seed,
                 augment=args.augment, augment_fraction=args.augment_fraction,
                 pen_fraction=args.pen_fraction, standardize=args.standardize, whiten=args.whiten, val_size=args.val_size,
                 teacher=args.teacher, temperature=args.temperature, distill_weight=args.distill_weight,
                 weight_decay=args.weight_decay, ema=args.ema)
    try:
        folder = mnist.download(mnist.data_dir(args.data)) if args.download else mnist.data_dir(args.data)
        images, labels = mnist.load_split(folder, "train")
        test_images, test_labels = mnist.load_split(folder, "test")
    except mnist.MnistError as exc:
        sys.exit(f"error: {exc}")
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    tr_x, tr_y, va_x, va_y = split_validation(images, labels, min(cfg.val_size, len(images) // 5), cfg.seed)
    started = time.perf_counter()
    net, history = train(cfg, tr_x, tr_y, va_x, va_y, bar=sys.stderr.isatty())
    test_acc = accuracy(net, test_images, test_labels)
    meta = {
        "sizes": list(net.sizes), "activation": "sigmoid", "epochs": cfg.epochs, "batch_size": cfg.batch_size,
        "lr": cfg.lr, "schedule": cfg.schedule, "optimizer": cfg.optimizer, "loss": cfg.loss, "seed": cfg.seed,
        "augmentation": cfg.augment, "augment_fraction": cfg.augment_fraction,
        "pen_fraction": cfg.pen_fraction, "input_transform_folded": "zca" if cfg.whiten else ("standardize" if cfg.standardize else "none"),
        "whiten_epsilon": cfg.whiten,
        "teacher": cfg.teacher, "temperature": cfg.temperature if cfg.teacher else None,
        "distill_weight": cfg.distill_weight if cfg.teacher else None,
        "weight_decay": cfg.weight_decay, "ema": cfg.ema,
        "validation_accuracy": history[-1].get("val_accuracy"), "test_accuracy": test_acc,
        "train_seconds": round(time.perf_counter() - started, 1),
        "trained_on": f"MNIST train minus {len(va_x)} validation images ({len(tr_x)} images)",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    save(net, args.out, meta)
    print(f"saved {args.out} ({net.n_params} weights and biases)")
    print(f"test accuracy: {test_acc:.4f} ({int(round(test_acc * len(test_labels)))}/{len(test_labels)})")


if __name__ == "__main__":
    main()
