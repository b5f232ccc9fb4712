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
from pathlib import Path
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from . import augment as aug
from . import mnist, pendigits, penstyle
from . import stroke_augment
from ..digit import N_CLASSES, N_PIXELS
from ..preprocess import normalize_batch
from .input_transform import InputTransform
from .backprop import LOSSES, FlatParams, forward_train, gradients
from ..network import Network, sigmoid, softmax
from .optim import Optimizer
from ..weights_io import load, save, save_snapshots, snapshots_path


def _setting(default, help):
    return field(default=default, metadata={"help": help})


@dataclass
class Config:
    """Every choice of a training run, said once: the command-line flags and the saved
    metadata are made from these fields. The defaults are the recipe of the shipped network."""
    hidden: tuple = _setting((16, 16), "hidden layer sizes")
    epochs: int = _setting(60, "passes over the training set")
    batch_size: int = _setting(32, "images per gradient step")
    lr: float = _setting(0.003, "peak learning rate")
    schedule: str = _setting("cosine", "learning-rate schedule: constant | cosine | step")
    optimizer: str = _setting("adam", "sgd | momentum | adam | adamw")
    loss: str = _setting("bce", "bce (each output its own belief) | cross_entropy (softmax) | mse (the video's)")
    seed: int = _setting(1, "random seed (initial weights, shuffling, distortions)")
    augment: str = _setting("mild", "distortion preset for the MNIST images (mlp.training.augment)")
    augment_fraction: float = _setting(0.3, "share of each epoch's MNIST images that are distorted")
    pen_fraction: float = _setting(0.2, "share of each epoch's MNIST images redrawn with the page's pen (mlp.training.penstyle)")
    pen_strokes: int = _setting(20000, "real pen-stroke digits (mlp.training.pendigits, training writers) mixed into each epoch; 0: none")
    fold: int = _setting(0, f"pen writers held out: fold 0..{pendigits.N_FOLDS - 1}, the writers whose number "
                            f"mod {pendigits.N_FOLDS} is this (0 ships: writers 5, 10, .., 30)")
    pen_copies: int = _setting(12, "distorted renderings made of every training writer's digit, drawn from each epoch")
    blank_fraction: float = _setting(0.005, "share of each epoch that is an empty drawing, every output's target 0")
    standardize: bool = _setting(True, "train on standardized pixels, folded into W1, b1 afterwards")
    whiten: float = _setting(1.0, "> 0: ZCA-whiten with this epsilon instead (also folded)")
    val_size: int = _setting(5000, "MNIST training images held out for validation")
    teacher: str | None = _setting(None, "weights of a larger network to distil from (with bce: its sigmoids blended into the targets)")
    temperature: float = _setting(4.0, "distillation temperature (with bce, 1 keeps the teacher's beliefs as they are)")
    distill_weight: float = _setting(0.7, "weight of the teacher's term in the loss")
    weight_decay: float = _setting(0.0001, "L2 weight decay")
    ema: float = _setting(0.999, "ship a moving average of the weights with this decay per step (0: the last step's)")
    snapshots: int = _setting(16, "save the weights at this many log-spaced steps, random start to end, to watch it learn (0: none)")


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


def teacher_beliefs(teacher, images, temperature):
    """The teacher's own sigmoid outputs at ``temperature``, in chunks: with the bce loss each output
    is a belief of its own, so a teacher's beliefs are targets a student can learn directly."""
    return np.concatenate([sigmoid(teacher.forward(images[i:i + 4096], with_sums=True)[1][-1] / temperature)
                           for i in range(0, len(images), 4096)]).astype(np.float32)


def distilled_targets(cfg, teacher, x, y):
    """bce: the labels blended with the teacher's beliefs on the same inputs (Hinton's soft targets,
    for outputs that are each their own sigmoid); a blank drawing's targets stay what the teacher says."""
    return (1 - cfg.distill_weight) * y + cfg.distill_weight * teacher_beliefs(teacher, x, cfg.temperature)


def epoch_inputs(images, labels, rng, cfg, teacher, transform, fixed_soft=None, pen_images=None,
                 fixed_inputs=None, strokes=None):
    """This epoch's (shuffled, distorted, normalized, transformed) inputs, targets, labels,
    and the teacher's probabilities at the distillation temperature (or None).
    ``fixed_soft``, ``fixed_inputs``: the teacher's answers and the inputs computed
    once, when nothing changes between epochs; ``pen_images``: the MNIST images
    redrawn with the page's pen; ``strokes``: (images, labels) of rendered real pen
    strokes (already normalized), ``cfg.pen_strokes`` of them drawn each epoch."""
    if fixed_inputs is not None:
        order = rng.permutation(len(images))
        soft = None if fixed_soft is None else fixed_soft[order]
        y = np.eye(10, dtype=np.float32)[labels[order]]
        if soft is not None and cfg.loss == "bce":
            y, soft = (1 - cfg.distill_weight) * y + cfg.distill_weight * soft, None
        return fixed_inputs[order], y, labels[order], soft
    order = rng.permutation(len(images))
    x = images[order]
    if pen_images is not None and cfg.pen_fraction > 0:
        use_pen = rng.random(len(x)) < cfg.pen_fraction
        x = np.where(use_pen[:, None], pen_images[order], x)
    if cfg.augment != "none":
        strength = aug.PRESETS[cfg.augment]
        distorted = np.concatenate([aug.augment(x[i:i + 4096], rng, strength) for i in range(0, len(x), 4096)])
        keep_clean = rng.random(len(x)) >= cfg.augment_fraction
        x = np.where(keep_clean[:, None], x, distorted)
    # Every image is shown to the network as the server shows it a drawing.
    x = normalize_batch(x)
    y = np.eye(10, dtype=np.float32)[labels[order]]
    lab = labels[order]
    soft = None
    if cfg.loss == "bce":
        pass  # the teacher's beliefs join the targets below, once the pen strokes and blanks are in
    elif fixed_soft is not None:
        soft = fixed_soft[order]
    elif teacher is not None:
        soft = teacher_probabilities(teacher, x, cfg.temperature)
    extra_x, extra_y, extra_lab = [], [], []
    if strokes is not None and cfg.pen_strokes:
        pick = rng.choice(len(strokes[0]), min(cfg.pen_strokes, len(strokes[0])), replace=False)
        extra_x.append(strokes[0][pick])
        extra_y.append(np.eye(10, dtype=np.float32)[strokes[1][pick]])
        extra_lab.append(strokes[1][pick])
    n_blank = int(round(cfg.blank_fraction * len(x)))
    if n_blank:
        # Nothing drawn is no digit: every output dark (with bce or mse; a softmax cannot say it).
        extra_x.append(np.zeros((n_blank, x.shape[1]), dtype=np.float32))
        extra_y.append(np.zeros((n_blank, 10), dtype=np.float32))
        extra_lab.append(np.full(n_blank, -1, dtype=labels.dtype))
    if extra_x:
        if soft is not None:
            raise ValueError("distillation does not mix with pen strokes or blanks: set pen_strokes 0 and blank_fraction 0")
        mix = rng.permutation(len(x) + sum(len(e) for e in extra_x))
        x = np.concatenate([x, *extra_x])[mix]
        y = np.concatenate([y, *extra_y])[mix]
        lab = np.concatenate([lab, *extra_lab])[mix]
    if teacher is not None and cfg.loss == "bce":
        y = distilled_targets(cfg, teacher, x, y)
    return np.ascontiguousarray(transform.apply(x), dtype=np.float32), y, lab, soft


def snapshot_steps(total_steps, count):
    """``count`` steps from 0 (the random start) to ``total_steps`` (the end), spaced evenly on a log
    scale: a network learns most in its first few hundred steps, so that is where to look closely."""
    if count <= 0:
        return []
    steps = np.unique(np.round(np.geomspace(1, total_steps, max(count - 1, 1))).astype(int))
    return [0] + [int(s) for s in steps]


def snapshot(network, step, steps_per_epoch, scored_on):
    """One snapshot: the network as it will be stored (half precision) and its accuracy as stored."""
    from ..weights_io import SNAPSHOT_DTYPE
    stored = Network([w.astype(SNAPSHOT_DTYPE).astype(np.float32) for w in network.weights],
                     [b.astype(SNAPSHOT_DTYPE).astype(np.float32) for b in network.biases])
    acc = accuracy(stored, *scored_on) if scored_on is not None else float("nan")
    return {"step": step, "epoch": step / steps_per_epoch, "test_accuracy": acc, "network": stored}


def train(cfg: Config, train_images, train_labels, val_images=None, val_labels=None, log=print, bar=True,
          strokes=None, val_strokes=None, snapshots=None, scored_on=None):
    """Train a network from scratch; returns (Network, history of per-epoch figures).

    ``strokes``: (images, labels) of rendered pen strokes to mix in (see epoch_inputs);
    ``val_strokes``: (images, labels) of held-out writers' strokes, scored every epoch;
    ``snapshots``: a list that receives ``cfg.snapshots`` snapshots (see snapshot), each scored
    on ``scored_on`` = (images, labels), the last one the returned network."""
    if cfg.loss not in LOSSES:
        raise ValueError(f"unknown loss '{cfg.loss}', choose from {LOSSES}")
    rng = np.random.default_rng(cfg.seed)
    sizes = (N_PIXELS, *cfg.hidden, N_CLASSES)
    start = Network.random(sizes, seed=cfg.seed)
    params = FlatParams.from_arrays(start.weights, start.biases)
    grads = params.zeros_like()
    opt = Optimizer(cfg.optimizer, params, cfg.weight_decay)
    teacher = load(cfg.teacher) if cfg.teacher else None
    base_inputs = normalize_batch(train_images)
    transform = input_transform(cfg, base_inputs)
    # Undistorted images look the same every epoch: normalize them, and ask the teacher, once.
    undistorted = cfg.augment == "none" and not cfg.pen_fraction and not (strokes and cfg.pen_strokes) \
        and not cfg.blank_fraction
    ask_teacher = teacher_beliefs if cfg.loss == "bce" else teacher_probabilities
    fixed_soft = (ask_teacher(teacher, base_inputs, cfg.temperature)
                  if teacher is not None and undistorted else None)
    pen_images = penstyle.redraw_in_chunks(train_images, log) if cfg.pen_fraction else None
    fixed_inputs = np.ascontiguousarray(transform.apply(base_inputs)) if undistorted else None
    val_inputs = None if val_images is None else normalize_batch(val_images)
    per_epoch = len(train_images) + (min(cfg.pen_strokes, len(strokes[0])) if strokes and cfg.pen_strokes else 0) \
        + (0 if undistorted else int(round(cfg.blank_fraction * len(train_images))))
    steps_per_epoch = int(np.ceil(per_epoch / cfg.batch_size))
    total_steps = cfg.epochs * steps_per_epoch
    history = []
    step = 0
    averaged = None
    if cfg.ema:
        averaged = params.zeros_like()
        averaged.flat[:] = params.flat
    keep_at = set(snapshot_steps(total_steps, cfg.snapshots if snapshots is not None else 0)[:-1])
    if 0 in keep_at:
        snapshots.append(snapshot(to_network(params, transform), 0, steps_per_epoch, scored_on))
    for epoch in range(1, cfg.epochs + 1):
        started = time.perf_counter()
        x, y, lab, soft = epoch_inputs(train_images, train_labels, rng, cfg, teacher, transform,
                                       fixed_soft, pen_images, fixed_inputs, strokes)
        loss_sum, correct, seen = 0.0, 0, 0
        report_every = max(1, steps_per_epoch // 20)
        for k in range(steps_per_epoch):
            batch = slice(k * cfg.batch_size, (k + 1) * cfg.batch_size)
            xb, yb = x[batch], y[batch]
            if not len(xb):
                break
            distill = None if soft is None else (soft[batch], cfg.temperature, cfg.distill_weight)
            loss, _ = gradients(params, xb, yb, cfg.loss, grads, distill)
            opt.step(grads, learning_rate(cfg, step / total_steps))
            if averaged is not None:
                # The average of the last few thousand steps sits nearer the centre of the valley
                # than any one noisy step: it generalizes better.
                averaged.flat *= cfg.ema
                averaged.flat += (1 - cfg.ema) * params.flat
            step += 1
            if step in keep_at:
                # The weights of this very step (the average lags behind while the network changes fast).
                snapshots.append(snapshot(to_network(params, transform), step, steps_per_epoch, scored_on))
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
        if val_inputs is not None:
            record["val_accuracy"] = accuracy(net, val_inputs, val_labels)
        if val_strokes is not None:
            record["val_strokes_accuracy"] = accuracy(net, *val_strokes)
        history.append(record)
        if bar:
            sys.stderr.write("\n")
        log(f"epoch {epoch}: loss {record['loss']:.4f}"
            + (f", validation accuracy {record['val_accuracy']:.4f}" if "val_accuracy" in record else "")
            + (f", held-out writers {record['val_strokes_accuracy']:.4f}" if "val_strokes_accuracy" in record else "")
            + f", {record['seconds']:.1f} s")
    final = to_network(averaged or params, transform)
    if snapshots is not None and cfg.snapshots:
        snapshots.append(snapshot(final, step, steps_per_epoch, scored_on))
    return final, history


def to_network(params, transform):
    """The trained network, taking raw pixels (the input transform folded into layer 1)."""
    weights, biases = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    weights[0], biases[0] = transform.fold(weights[0], biases[0])
    return Network(weights, biases)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m mlp.train", description=__doc__.splitlines()[0])
    p.add_argument("--data", help=f"folder with the MNIST IDX files (default ${mnist.ENV_VAR} or {mnist.DEFAULT_DIR})")
    p.add_argument("--pendigits", help=f"folder with the pen-digits file (default ${pendigits.ENV_VAR} or "
                                       f"{pendigits.DEFAULT_DIR})")
    p.add_argument("--download", action="store_true", help="fetch the MNIST files into --data first (checks SHA-256)")
    p.add_argument("--out", required=True, help="where to write the trained weights (.npz)")
    p.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    # One flag per Config field, with its default and help from there.
    for f in fields(Config):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "hidden":
            p.add_argument(flag, type=int, nargs="+", default=list(f.default), help=f.metadata["help"])
        elif f.type in ("bool", bool):
            p.add_argument("--no-" + f.name.replace("_", "-"), dest=f.name, action="store_false", help="do not " + f.metadata["help"])
        else:
            kind = {"int": int, "float": float}.get(f.type if isinstance(f.type, str) else f.type.__name__, str)
            choices = {"schedule": ("constant", "cosine", "step"), "optimizer": Optimizer.KINDS,
                       "loss": LOSSES, "augment": tuple(aug.PRESETS),
                       "fold": tuple(range(pendigits.N_FOLDS))}.get(f.name)
            p.add_argument(flag, type=kind, default=f.default, choices=choices, help=f.metadata["help"])
    return p.parse_args(argv)


def load_strokes(folder, cfg, log=print):
    """(training strokes rendered with distortions, held-out writers' strokes as written), or (None, None)."""
    if not cfg.pen_strokes:
        return None, None
    writers = pendigits.fold_writers(cfg.fold)
    train_digits, held_out = pendigits.split_by_writer(pendigits.load(folder), writers)
    started = time.perf_counter()
    strokes = stroke_augment.render_pool(train_digits, copies=cfg.pen_copies, seed=cfg.seed)
    val_strokes = stroke_augment.render_pool(held_out, strength=None)
    log(f"rendered {len(strokes[0])} pen-stroke digits of {len(train_digits)} ({len(held_out)} held out, "
        f"fold {cfg.fold}: writers {', '.join(map(str, writers))}) in {time.perf_counter() - started:.0f} s")
    return strokes, val_strokes


def main(argv=None):
    args = parse_args(argv)
    cfg = Config(**{f.name: tuple(getattr(args, f.name)) if f.name == "hidden" else getattr(args, f.name)
                    for f in fields(Config)})
    try:
        folder = mnist.download(mnist.data_dir(args.data)) if args.download else mnist.data_dir(args.data)
        images, labels = mnist.load_split(folder, "train")
        test_images, test_labels = mnist.load_split(folder, "test")
        strokes, val_strokes = load_strokes(args.pendigits, cfg)
    except (mnist.MnistError, pendigits.PendigitsError) as exc:
        sys.exit(f"error: {exc}")
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    tr_x, tr_y, va_x, va_y = split_validation(images, labels, min(cfg.val_size, len(images) // 5), cfg.seed)
    started = time.perf_counter()
    seen_test = normalize_batch(test_images)
    snapshots = []
    net, history = train(cfg, tr_x, tr_y, va_x, va_y, bar=sys.stderr.isatty(), strokes=strokes,
                         val_strokes=val_strokes, snapshots=snapshots, scored_on=(seen_test, test_labels))
    test_acc = accuracy(net, seen_test, test_labels)
    # The same test digits redrawn with the page's round pen: how it reads a drawing rather than a scan.
    pen_test_acc = accuracy(net, normalize_batch(penstyle.redraw_in_chunks(test_images)), test_labels)
    meta = {
        "sizes": list(net.sizes), "activation": "sigmoid", **asdict(cfg), "hidden": list(cfg.hidden),
        "input_transform_folded": "zca" if cfg.whiten else ("standardize" if cfg.standardize else "none"),
        "preprocessing": "deskew, 20x20 box, centre of mass (mlp.preprocess.normalize)",
        "validation_accuracy": history[-1].get("val_accuracy"),
        "held_out_writers": list(pendigits.fold_writers(cfg.fold)) if strokes else None,
        "held_out_writers_accuracy": history[-1].get("val_strokes_accuracy"),
        "test_accuracy": test_acc,
        "pen_drawn_test_accuracy": pen_test_acc,
        "train_seconds": round(time.perf_counter() - started, 1),
        "trained_on": f"MNIST train minus {len(va_x)} validation images ({len(tr_x)} images)"
                      + (f" + {cfg.pen_strokes} of {len(strokes[0])} rendered pen strokes per epoch" if strokes else ""),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    save(net, args.out, meta)
    print(f"saved {args.out} ({net.n_params} weights and biases)")
    if snapshots:
        path = save_snapshots(snapshots_path(args.out), snapshots, {"weights": Path(args.out).name, **meta})
        print(f"saved {path}: {len(snapshots)} snapshots, steps {snapshots[0]['step']}..{snapshots[-1]['step']}, "
              f"test accuracy {snapshots[0]['test_accuracy']:.4f} -> {snapshots[-1]['test_accuracy']:.4f}, "
              f"{path.stat().st_size / 1024:.0f} KiB")
    print(f"test accuracy: {test_acc:.4f} ({int(round(test_acc * len(test_labels)))}/{len(test_labels)})")


if __name__ == "__main__":
    main()
