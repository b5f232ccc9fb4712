"""The video's network: fully connected layers of sigmoid neurons (or ReLU in the hidden layers).

Weights follow the video's notation: layer l has a matrix ``W`` of shape
(n_out, n_in) and a bias vector ``b``, and its activations are
``a' = sigmoid(W a + b)``. Batches are rows, so the code computes
``A' = sigmoid(A @ W.T + b)``, which is the same thing for every row at once.

Each layer has its activation function: sigmoid, as in the video, or ReLU
(max(0, z): unbounded above) for a hidden layer. The output layer is always
sigmoid: each output its own belief in one digit, from 0 to 1.
"""
from __future__ import annotations

import numpy as np

from .digit import N_CLASSES, N_PIXELS

DEFAULT_SIZES = (N_PIXELS, 16, 16, N_CLASSES)
DTYPE = np.float32


def sigmoid(z, out=None):
    """Logistic function that cannot overflow for any finite input.

    ``1 / (1 + exp(-z))`` overflows in ``exp`` for z < -88 in float32;
    the identical ``0.5 * (1 + tanh(z / 2))`` never does. With ``out`` (which may be
    ``z`` itself) the result is written there, with no new arrays: training's hot path.
    """
    if out is None:
        return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def relu(z, out=None):
    """max(0, z); with ``out`` (which may be ``z`` itself) written there."""
    return np.maximum(z, 0, out=out) if out is not None else np.maximum(np.asarray(z), 0)


ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu}  # by the name the weights file and the API use
HIDDEN_ACTIVATIONS = ("sigmoid", "relu")
OUTPUT_ACTIVATION = "sigmoid"  # each output its own belief, from 0 to 1


def check_activations(activations, n_layers) -> tuple:
    """One activation name per layer (hidden ones sigmoid or relu, the output sigmoid), or a ValueError."""
    activations = tuple(activations)
    if len(activations) != n_layers:
        raise ValueError(f"need one activation per layer ({n_layers}), got {len(activations)}")
    for i, name in enumerate(activations[:-1], start=1):
        if name not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"layer {i}: activation {name!r} is not one of {', '.join(HIDDEN_ACTIVATIONS)}")
    if activations[-1] != OUTPUT_ACTIVATION:
        raise ValueError(f"the output layer's activation must be {OUTPUT_ACTIVATION!r}, not {activations[-1]!r}")
    return activations


def softmax(z):
    """Softmax over the last axis, shifted by the max so exp cannot overflow."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Network:
    """A stack of layers, each with its activation (``activations``: one name per layer, default all
    sigmoid, the video's). Read-only once built: safe to share."""

    def __init__(self, weights, biases, meta=None, activations=None):
        if len(weights) != len(biases) or not weights:
            raise ValueError("need one bias vector per weight matrix, and at least one layer")
        self.weights = [np.ascontiguousarray(w) for w in weights]
        self.biases = [np.ascontiguousarray(b) for b in biases]
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ValueError(f"layer {i + 1}: W {w.shape} and b {b.shape} do not fit")
            if i and w.shape[1] != self.weights[i - 1].shape[0]:
                raise ValueError(f"layer {i + 1}: takes {w.shape[1]} inputs but layer {i} has {self.weights[i - 1].shape[0]} neurons")
        self.activations = check_activations(activations or [OUTPUT_ACTIVATION] * len(self.weights),
                                             len(self.weights))
        self.meta = dict(meta or {})
        # The transposes used by the batch forward pass, made once (hot path).
        self._weights_t = [np.ascontiguousarray(w.T) for w in self.weights]

    @classmethod
    def random(cls, sizes=DEFAULT_SIZES, seed=0, dtype=DTYPE, activations=None):
        """Small random weights (scaled by 1/sqrt(fan-in)) and zero biases."""
        rng = np.random.default_rng(seed)
        weights = [(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(dtype)
                   for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        biases = [np.zeros(n_out, dtype=dtype) for n_out in sizes[1:]]
        return cls(weights, biases, activations=activations)

    @property
    def sizes(self):
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @property
    def n_params(self):
        """Every weight and bias: 784*16 + 16*16 + 16*10 + 42 = 13,002 for the default."""
        return int(sum(w.size + b.size for w, b in zip(self.weights, self.biases)))

    def check_silenced(self, silenced):
        """``silenced`` as {layer: [indices]}; a ValueError names a neuron that does not exist.
        Layers are numbered as the video does: 0 the input, 1.. the hidden layers (the output
        layer cannot be silenced: it is the answer)."""
        out = {}
        hidden = self.sizes[1:-1]
        for item in silenced or ():
            layer, index = item
            if not 1 <= layer <= len(hidden):
                raise ValueError(f"layer {layer} is not a hidden layer (hidden layers are 1 to {len(hidden)})")
            if not 0 <= index < hidden[layer - 1]:
                raise ValueError(f"hidden layer {layer} has neurons 0 to {hidden[layer - 1] - 1}, not {index}")
            out.setdefault(layer, []).append(index)
        return out

    def forward(self, x, with_sums=False, silenced=None):
        """Activations of every layer, input included.

        ``x`` is one image (n_in,) or a batch (N, n_in); each returned array
        has the same leading shape. With ``with_sums`` also returns the
        weighted sums z of every non-input layer. ``silenced`` = [(layer, index), ...]
        holds those hidden neurons' activations at 0, as if cut out of the network
        (their weighted sums are still reported).
        """
        a = np.asarray(x, dtype=self.weights[0].dtype)
        if a.shape[-1] != self.sizes[0]:
            raise ValueError(f"expected {self.sizes[0]} inputs, got {a.shape[-1]}")
        off = self.check_silenced(silenced) if silenced else {}
        activations, sums = [a], []
        for layer, (w_t, b, name) in enumerate(zip(self._weights_t, self.biases, self.activations), start=1):
            z = a @ w_t + b
            a = ACTIVATIONS[name](z)
            if layer in off:
                a[..., off[layer]] = 0.0
            sums.append(z)
            activations.append(a)
        return (activations, sums) if with_sums else activations

    def predict(self, x):
        """The digit whose output neuron is brightest, for one image or a batch."""
        return np.argmax(self.forward(x)[-1], axis=-1)
