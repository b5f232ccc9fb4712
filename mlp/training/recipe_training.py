"""Train a recipe (mlp.training.recipe) on MNIST in about a second: the trainer behind POST /api/train.

The project's own backpropagation and Adam (mlp.training.backprop, optim), on the first N MNIST
training images as the server shows a drawing to a network (mlp.preprocess.normalize_batch, then
8-bit: exactly the inputs a drawing becomes), with a few empty drawings among them whose every
output's target is 0 (nothing drawn is no digit, as for the shipped networks). No distortions,
no pen strokes: nothing here needs the training install's rasterizer (skia).

Fast: the inputs stay uint8 until a mini-batch is taken (55 MB for all of MNIST), the batch is
larger than the shipped recipe's (fewer Python calls per image), BLAS runs on one thread.
Deterministic: the same recipe gives byte-identical weights, in any process (the seed makes the
initial weights, the order of the images and where the blanks fall; nothing else is random).
"""
from __future__ import annotations

import math
import threading

import numpy as np

from . import blas, mnist
from ..digit import N_CLASSES, N_PIXELS
from ..network import Network
from ..preprocess import normalize_batch, to_bytes
from .backprop import FlatParams, gradients
from .input_transform import PIXEL_MEAN, PIXEL_STD
from .optim import Optimizer
from .recipe import SNAPSHOTS, Recipe

BATCH = 64
LEARNING_RATE = 0.01  # Adam's, at the start; it falls to 0 along a half cosine
LOSS = "bce"  # each output its own belief, as the shipped networks
BLANK_FRACTION = 0.005  # of each epoch: empty drawings, every output's target 0
OUTPUT_PRIOR = math.log(0.1 / 0.9)  # the outputs' first bias: each digit is 1 in 10 (no plateau while they learn it)
RELU_GAIN = math.sqrt(2)  # He's initialisation for a ReLU layer: half its inputs are 0
PREPARE_CHUNK = 2_000  # images normalized at a time (bounds the float32 copies)
SCORE_CHUNK = 2_000


class PreparedMnist:
    """MNIST as a network served here sees it, made once per process and kept compact (uint8).

    The test digits (10,000), and of the training images the first N that any recipe has asked
    for: a 1,000-image recipe does not wait for all 60,000 to be normalized (about 0.2 ms each).
    Images are normalized in place, in the array they were read into. Safe to share between threads.
    """

    def __init__(self, folder=None):
        self.folder = mnist.data_dir(folder)
        self._lock = threading.Lock()
        self._train = None  # (images (60000, 784) uint8, the first ``_ready`` normalized; labels)
        self._ready = 0
        self._test = None

    def missing(self) -> str | None:
        """Why this MNIST cannot be read (a file missing or unreadable), or None. Cheap: no file is parsed."""
        for name in mnist.FILES.values():
            path = self.folder / name
            if not (path.is_file() or path.with_suffix("").is_file()):
                return f"MNIST file not found: {path}"
        return None

    def train(self, n: int):
        """(the first ``n`` training images, normalized, uint8 (n, 784); their labels)."""
        with self._lock:
            if self._train is None:
                self._train = self._read("train")
            images, labels = self._train
            if n > len(images):
                raise mnist.MnistError(f"{self.folder}: MNIST has {len(images)} training images, not {n}")
            while self._ready < n:
                end = min(n, self._ready + PREPARE_CHUNK)
                images[self._ready:end] = _normalized(images[self._ready:end])
                self._ready = end
            return images[:n], labels[:n]

    def test(self):
        """(the 10,000 test digits, normalized, uint8 (10000, 784); their labels)."""
        with self._lock:
            if self._test is None:
                images, labels = self._read("test")
                for start in range(0, len(images), PREPARE_CHUNK):
                    images[start:start + PREPARE_CHUNK] = _normalized(images[start:start + PREPARE_CHUNK])
                self._test = images, labels
            return self._test

    def _read(self, split):
        images = mnist.read_idx(self.folder / mnist.FILES[f"{split}_images"], mnist.IMAGES_MAGIC, (28, 28))
        labels = mnist.read_idx(self.folder / mnist.FILES[f"{split}_labels"], mnist.LABELS_MAGIC)
        if len(images) != len(labels) or (labels.size and labels.max() >= N_CLASSES):
            raise mnist.MnistError(f"{self.folder}: the {split} images and labels do not match")
        return np.array(images.reshape(len(images), N_PIXELS)), np.array(labels)


def _normalized(raw):
    """uint8 images -> the same images normalized as a drawing is (uint8 again: k/255 is what the network sees)."""
    return to_bytes(normalize_batch(raw.astype(np.float32) / np.float32(255))).reshape(len(raw), N_PIXELS)


def as_inputs(grey):
    """uint8 grey levels -> the network's inputs, computed exactly as mlp.inference.read does."""
    return grey.astype(np.float32) / np.float32(255)


def accuracies(networks, images, labels) -> list[float]:
    """Share of ``images`` (uint8) each network reads right: in chunks (bounded memory), each chunk
    made into inputs once for all the networks."""
    right = np.zeros(len(networks), dtype=np.int64)
    for i in range(0, len(images), SCORE_CHUNK):
        x, y = as_inputs(images[i:i + SCORE_CHUNK]), labels[i:i + SCORE_CHUNK]
        right += [int(np.sum(network.predict(x) == y)) for network in networks]
    return [int(r) / len(images) for r in right]


def snapshot_steps(total_steps, count):
    """``count`` steps from 0 (the random start) to ``total_steps`` (the end), log-spaced (most is learnt early);
    fewer when the run has fewer steps."""
    steps = np.unique(np.round(np.geomspace(1, total_steps, max(count - 1, 1))).astype(int))
    return [0] + [int(s) for s in steps]


def initial_network(recipe: Recipe) -> Network:
    """The random start: Network.random's weights (1/sqrt(fan-in)), ReLU layers' scaled by RELU_GAIN."""
    start = Network.random(recipe.sizes, seed=recipe.seed, activations=recipe.activations)
    weights = [w * np.float32(RELU_GAIN) if name == "relu" else w for w, name in zip(start.weights, recipe.activations)]
    return Network(weights, start.biases, activations=recipe.activations)


def standardized(x):
    """Inputs centred and scaled (MNIST's pixel mean and spread): a far easier start for the first layer
    (10,000 images x 3 epochs: 784-16-16-10 reads 90 % of the test digits, 42 % without it and the prior)."""
    x -= np.float32(PIXEL_MEAN)
    x *= np.float32(1 / PIXEL_STD)
    return x


def folded(params, activations):
    """The network of ``params`` taking raw inputs (k/255): the standardization folded into the first layer,
    W (x - m) / s + b = (W / s) x + (b - m sum(W / s)) (InputTransform.standardize's fold, without its
    784 x 784 matrix product)."""
    weights, biases = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    w = weights[0].astype(np.float64) / PIXEL_STD
    biases[0] = (biases[0] - PIXEL_MEAN * w.sum(axis=1)).astype(np.float32)
    weights[0] = w.astype(np.float32)
    return Network(weights, biases, activations=activations)


def train_recipe(recipe: Recipe, data: PreparedMnist):
    """(the trained Network, its snapshots): each snapshot a dict of step, epoch, test_accuracy (on
    the 10,000 test digits) and network, as mlp.registry keeps a shipped network's; the last is the
    trained network itself."""
    blas.use_one_thread()
    images, labels = data.train(recipe.images)
    test_images, test_labels = data.test()
    start = initial_network(recipe)
    params = FlatParams.from_arrays(start.weights, start.biases, activations=recipe.activations)
    params.biases[-1][:] = OUTPUT_PRIOR
    grads = params.zeros_like()
    optimizer = Optimizer("adam", params)
    rng = np.random.default_rng([recipe.seed, 1])  # the order of the images (the weights used the seed alone)
    n_blank = int(round(BLANK_FRACTION * recipe.images))
    per_epoch = recipe.images + n_blank
    # Index n (past the images) is a blank: an empty input whose targets are all 0.
    targets = np.vstack([np.eye(N_CLASSES, dtype=np.float32), np.zeros((1, N_CLASSES), np.float32)])
    steps_per_epoch = math.ceil(per_epoch / BATCH)
    total_steps = recipe.epochs * steps_per_epoch
    keep = set(snapshot_steps(total_steps, SNAPSHOTS))
    snapshots = []

    def take(step):
        snapshots.append({"step": step, "epoch": step / steps_per_epoch,
                          "network": folded(params, recipe.activations)})

    take(0)
    step = 0
    for _ in range(recipe.epochs):
        order = rng.permutation(per_epoch)
        for k in range(0, per_epoch, BATCH):
            pick = order[k:k + BATCH]
            real = pick < recipe.images
            grey = np.zeros((len(pick), N_PIXELS), dtype=np.uint8)
            grey[real] = images[pick[real]]
            y = targets[np.where(real, labels[np.minimum(pick, recipe.images - 1)], N_CLASSES)]
            gradients(params, standardized(as_inputs(grey)), y, LOSS, grads)
            optimizer.step(grads, LEARNING_RATE * 0.5 * (1 + math.cos(math.pi * step / total_steps)))
            step += 1
            if step in keep:
                take(step)
    scores = accuracies([s["network"] for s in snapshots], test_images, test_labels)
    for snap, score in zip(snapshots, scores):
        snap["test_accuracy"] = score
    network = snapshots[-1]["network"]
    network.meta.update(recipe=recipe.as_dict(), id=recipe.id, test_accuracy=snapshots[-1]["test_accuracy"],
                        epochs=recipe.epochs, loss=LOSS,
                        trained_on=f"the first {recipe.images:,} MNIST training images")
    return network, snapshots
