"""Backpropagation for the sigmoid network, vectorized over a mini-batch.

Parameters live in one flat vector (``FlatParams``) with the weight matrices
and bias vectors as views into it, so that an optimizer updates all 13,002
numbers with a handful of whole-array operations instead of one loop per
layer: at batch size 32, Python call overhead, not arithmetic, is the cost.

Losses (both averaged over the batch):
- ``mse``: the video's cost, 1/2 * sum_j (a_j - y_j)^2 on the sigmoid outputs;
- ``cross_entropy``: softmax cross-entropy on the output layer's weighted
  sums z; ``y`` may be one-hot labels or soft targets (distillation).
"""
from __future__ import annotations

import numpy as np

LOSSES = ("mse", "cross_entropy")


class FlatParams:
    """Weights (n_out, n_in) and biases of every layer, as views into ``flat``."""

    def __init__(self, sizes, dtype=np.float32):
        self.sizes = tuple(int(n) for n in sizes)
        total = sum(o * i + o for i, o in zip(self.sizes[:-1], self.sizes[1:]))
        self.flat = np.zeros(total, dtype=dtype)
        self._scratch = {}  # gradients()'s work arrays, per batch size (see _Scratch)
        self.weights, self.biases = [], []
        at = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.weights.append(self.flat[at:at + n_out * n_in].reshape(n_out, n_in))
            at += n_out * n_in
            self.biases.append(self.flat[at:at + n_out])
            at += n_out

    def zeros_like(self):
        return FlatParams(self.sizes, self.flat.dtype)

    @classmethod
    def from_arrays(cls, weights, biases, dtype=np.float32):
        params = cls((weights[0].shape[1],) + tuple(w.shape[0] for w in weights), dtype)
        for dst, src in zip(params.weights + params.biases, list(weights) + list(biases)):
            dst[...] = src
        return params


def _sigmoid_inplace(z):
    """sigmoid(z) = (1 + tanh(z/2)) / 2, written into z (no overflow, no new arrays)."""
    z *= 0.5
    np.tanh(z, z)
    z += 1.0
    z *= 0.5
    return z


def forward_train(params, x):
    """Activations of every layer (input first) and the output layer's weighted sums."""
    acts = [x]
    a = x
    z_out = None
    last = len(params.weights) - 1
    for i, (w, b) in enumerate(zip(params.weights, params.biases)):
        z = a @ w.T
        z += b
        if i == last:
            z_out = z.copy()
        a = _sigmoid_inplace(z)
        acts.append(a)
    return acts, z_out


def loss_and_delta(a_out, z_out, y, loss):
    """Mean loss over the batch and dC/dz for the output layer."""
    n = y.shape[0]
    if loss == "mse":
        diff = a_out - y
        value = 0.5 * float(np.einsum("ij,ij->", diff, diff)) / n
        delta = diff * a_out * (1.0 - a_out)
    elif loss == "cross_entropy":
        shifted = z_out - z_out.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        log_p = shifted - np.log(total)
        value = -float(np.einsum("ij,ij->", y, log_p)) / n
        delta = exp / total - y
    else:
        raise ValueError(f"unknown loss '{loss}', choose from {LOSSES}")
    delta /= n
    return value, delta


class _Scratch:
    """Preallocated arrays for one batch size: gradients() then allocates nothing.

    At batch size 32 every array here is tiny, so allocating them afresh on
    each step (two dozen small arrays) costs as much as the arithmetic.
    """

    def __init__(self, sizes, n, dtype):
        outs = sizes[1:]
        self.z = [np.empty((n, k), dtype) for k in outs]          # weighted sums, then (hidden) activations
        self.a_out = np.empty((n, outs[-1]), dtype)               # output activations (z_out is kept)
        self.back = [np.empty((n, k), dtype) for k in outs[:-1]]  # dC/dz of each hidden layer
        self.one_minus = [np.empty((n, k), dtype) for k in outs]  # 1 - a
        self.work = np.empty((n, outs[-1]), dtype)                # shifted sums / log-probabilities, or a - y
        self.delta = np.empty((n, outs[-1]), dtype)               # dC/dz of the output layer
        self.col = np.empty((n, 1), dtype)
        self.col2 = np.empty((n, 1), dtype)


def _scratch_for(params, x):
    key = x.shape[0]
    cache = params.__dict__.setdefault("_scratch", {})
    scratch = cache.get(key)
    if scratch is None:
        if len(cache) >= 4:  # a few batch sizes at most (the last batch of an epoch is smaller)
            cache.clear()
        scratch = cache[key] = _Scratch(params.sizes, key, params.flat.dtype)
    return scratch


def _gradients_fast(params, x, y, loss, grads):
    """gradients() without allocating: the same operations in the same order, so bit-identical results."""
    s = _scratch_for(params, x)
    n = y.shape[0]
    weights, last = params.weights, len(params.weights) - 1
    acts = [x]
    a = x
    for i, (w, b) in enumerate(zip(weights, params.biases)):
        z = s.z[i]
        np.matmul(a, w.T, z)
        z += b
        if i == last:
            a = np.multiply(z, 0.5, s.a_out)  # sigmoid into a_out, keeping z (= z_out)
            np.tanh(a, a)
            a += 1.0
            a *= 0.5
        else:
            a = _sigmoid_inplace(z)
        acts.append(a)
    a_out, z_out, delta = acts[-1], s.z[-1], s.delta
    if loss == "cross_entropy":
        shifted, total = s.work, s.col
        # Array methods, not np.max/np.sum: those wrappers cost more than the reduction itself here.
        z_out.max(axis=1, keepdims=True, out=s.col)
        np.subtract(z_out, s.col, shifted)
        np.exp(shifted, delta)
        delta.sum(axis=1, keepdims=True, out=total)
        np.log(total, s.col2)
        shifted -= s.col2  # now log-probabilities
        value = -float(np.einsum("ij,ij->", y, shifted)) / n
        delta /= total
        delta -= y
    else:  # mse
        diff = np.subtract(a_out, y, s.work)
        value = 0.5 * float(np.einsum("ij,ij->", diff, diff)) / n
        np.multiply(diff, a_out, delta)
        delta *= np.subtract(1.0, a_out, s.one_minus[-1])
    delta /= n
    for layer in range(last, -1, -1):
        np.matmul(delta.T, acts[layer], grads.weights[layer])
        delta.sum(axis=0, out=grads.biases[layer])
        if layer:
            a = acts[layer]
            delta = np.matmul(delta, weights[layer], s.back[layer - 1])
            delta *= a
            delta *= np.subtract(1.0, a, s.one_minus[layer - 1])
    return value, grads


def gradients(params, x, y, loss="cross_entropy", grads=None):
    """Loss on the batch and its gradient with respect to every parameter.

    ``grads`` (a FlatParams of the same layout) is filled in place and returned.
    Not thread-safe for one ``params``: it keeps work arrays there.
    """
    if grads is None:
        grads = params.zeros_like()
    if loss not in LOSSES:
        raise ValueError(f"unknown loss '{loss}', choose from {LOSSES}")
    dtype = params.flat.dtype
    if (isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.dtype == dtype and y.dtype == dtype
            and grads.flat.dtype == dtype and x.ndim == 2 and y.shape == (x.shape[0], params.sizes[-1])):
        return _gradients_fast(params, x, y, loss, grads)
    # Mixed dtypes or unusual inputs: the plain version (NumPy's own casting rules).
    acts, z_out = forward_train(params, x)
    value, delta = loss_and_delta(acts[-1], z_out, y, loss)
    for layer in range(len(params.weights) - 1, -1, -1):
        np.matmul(delta.T, acts[layer], out=grads.weights[layer])
        np.sum(delta, axis=0, out=grads.biases[layer])
        if layer:
            a = acts[layer]
            delta = delta @ params.weights[layer]
            delta *= a
            delta *= 1.0 - a
    return value, grads
