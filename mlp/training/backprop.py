"""Backpropagation for the network (sigmoid or ReLU hidden layers), vectorized over a mini-batch.

Parameters live in one flat vector (``FlatParams``) with the weight matrices
and bias vectors as views into it, so that an optimizer updates all 13,002
numbers with a handful of whole-array operations instead of one loop per
layer: at batch size 32, Python call overhead, not arithmetic, is the cost.

Losses (both averaged over the batch):
- ``mse``: the video's cost, 1/2 * sum_j (a_j - y_j)^2 on the sigmoid outputs;
- ``cross_entropy``: softmax cross-entropy on the output layer's weighted
  sums z; ``y`` may be one-hot labels or soft targets, and a teacher's
  probabilities can be added at a temperature (knowledge distillation).
- ``bce``: binary cross-entropy of each output's own sigmoid,
  -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]. Each output neuron learns
  on its own to be bright for its digit and dark otherwise, so its glow is the
  network's belief in that digit, as the video says; a softmax cannot see a
  constant added to all ten sums, and leaves the sigmoids all bright.

Each layer's activation is the network's (``FlatParams.activations``, all sigmoid by
default): a sigmoid's derivative is a (1 - a), a ReLU's 1 where a > 0 and 0 elsewhere.
"""
from __future__ import annotations

import numpy as np

from ..network import ACTIVATIONS, OUTPUT_ACTIVATION, check_activations

LOSSES = ("mse", "cross_entropy", "bce")


class FlatParams:
    """Weights (n_out, n_in) and biases of every layer, as views into ``flat``; ``activations``
    one name per layer (mlp.network.ACTIVATIONS; default every layer sigmoid)."""

    def __init__(self, sizes, dtype=np.float32, activations=None):
        self.sizes = tuple(int(n) for n in sizes)
        self.activations = check_activations(activations or [OUTPUT_ACTIVATION] * (len(self.sizes) - 1),
                                             len(self.sizes) - 1)
        total = sum(o * i + o for i, o in zip(self.sizes[:-1], self.sizes[1:]))
        self.flat = np.zeros(total, dtype=dtype)
        self.weights, self.biases = [], []
        at = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.weights.append(self.flat[at:at + n_out * n_in].reshape(n_out, n_in))
            at += n_out * n_in
            self.biases.append(self.flat[at:at + n_out])
            at += n_out

    def zeros_like(self):
        return FlatParams(self.sizes, self.flat.dtype, self.activations)

    @classmethod
    def from_arrays(cls, weights, biases, dtype=np.float32, activations=None):
        params = cls((weights[0].shape[1],) + tuple(w.shape[0] for w in weights), dtype, activations)
        for dst, src in zip(params.weights + params.biases, list(weights) + list(biases)):
            dst[...] = src
        return params


def forward_train(params, x):
    """Activations of every layer (input first) and the output layer's weighted sums."""
    acts = [x]
    a = x
    z_out = None
    last = len(params.weights) - 1
    for i, (w, b, name) in enumerate(zip(params.weights, params.biases, params.activations)):
        z = a @ w.T
        z += b
        if i == last:
            z_out = z.copy()
        a = ACTIVATIONS[name](z, out=z)
        acts.append(a)
    return acts, z_out


def loss_and_delta(a_out, z_out, y, loss, distill=None):
    """Mean loss over the batch and dC/dz for the output layer.

    ``distill`` = (teacher_probs, T, alpha) adds Hinton's distillation term:
    alpha * T^2 * CE(teacher_probs, softmax(z / T)) + (1 - alpha) * CE(y, softmax(z)),
    teacher_probs being the teacher's softmax at the same temperature T.
    """
    n = y.shape[0]
    delta = np.empty_like(z_out)
    if loss == "mse":
        diff = a_out - y
        value = 0.5 * float(np.einsum("ij,ij->", diff, diff)) / n
        np.multiply(diff, a_out, out=delta)
        delta *= 1.0 - a_out
    elif loss == "bce":
        # log(1 + e^-z) and log(1 + e^z) from logaddexp: exact for any z, no log(0).
        value = float(np.sum(y * np.logaddexp(0, -z_out) + (1 - y) * np.logaddexp(0, z_out))) / n
        np.subtract(a_out, y, out=delta)
    elif loss == "cross_entropy":
        value = _softmax_cross_entropy(z_out, y, delta)
        if distill is not None:
            soft, temperature, alpha = distill
            soft_delta = np.empty_like(delta)
            soft_value = _softmax_cross_entropy(z_out / temperature, soft, soft_delta)
            # d/dz of T^2 * CE(soft, softmax(z/T)) is T * (softmax(z/T) - soft).
            value = alpha * temperature ** 2 * soft_value + (1 - alpha) * value
            delta *= 1 - alpha
            soft_delta *= alpha * temperature
            delta += soft_delta
    else:
        raise ValueError(f"unknown loss '{loss}', choose from {LOSSES}")
    delta /= n
    return value, delta


def _softmax_cross_entropy(z, y, out):
    """Batch mean of -sum y log softmax(z); writes softmax(z) - y (not yet / n) into ``out``."""
    shifted = z - z.max(axis=1, keepdims=True)  # exp cannot overflow
    np.exp(shifted, out=out)
    total = out.sum(axis=1, keepdims=True)
    shifted -= np.log(total)  # now log-probabilities
    out /= total
    out -= y
    return -float(np.einsum("ij,ij->", y, shifted)) / y.shape[0]


def gradients(params, x, y, loss="cross_entropy", grads=None, distill=None):
    """Loss on the batch and its gradient with respect to every parameter.

    ``grads`` (a FlatParams of the same layout) is filled in place and returned.
    ``distill`` is (teacher probabilities at temperature T, T, alpha); see loss_and_delta.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss '{loss}', choose from {LOSSES}")
    if grads is None:
        grads = params.zeros_like()
    dtype = params.flat.dtype
    x, y = np.asarray(x, dtype=dtype), np.asarray(y, dtype=dtype)
    acts, z_out = forward_train(params, x)
    value, delta = loss_and_delta(acts[-1], z_out, y, loss, distill)
    for layer in range(len(params.weights) - 1, -1, -1):
        np.matmul(delta.T, acts[layer], out=grads.weights[layer])
        delta.sum(axis=0, out=grads.biases[layer])
        if layer:
            a = acts[layer]
            delta = delta @ params.weights[layer]
            if params.activations[layer - 1] == "relu":
                delta *= a > 0
            else:
                delta *= a
                delta *= 1.0 - a
    return value, grads
