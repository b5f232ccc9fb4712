"""A linear change of the inputs used while training, folded into the first layer afterwards.

Training on x' = (x - mean) @ M instead of raw pixels makes the first layer
far easier to optimize (inputs centred, of similar spread, for ZCA also
decorrelated). Because it is linear, W1 x' + b1 = (W1 M^T) x + (b1 - W1 M^T mean):
the shipped network takes raw pixels in [0, 1] and is exactly the trained one.
"""
from __future__ import annotations

import numpy as np

from ..digit import N_PIXELS

# MNIST's pixel mean and spread over the training set (one number for all pixels).
PIXEL_MEAN, PIXEL_STD = 0.1307, 0.3081


class InputTransform:
    def __init__(self, mean, matrix, name):
        self.mean = np.asarray(mean, dtype=np.float32)
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self.name = name

    @classmethod
    def identity(cls, n=N_PIXELS):
        return cls(np.zeros(n), np.eye(n), "none")

    @classmethod
    def standardize(cls, n=N_PIXELS):
        return cls(np.full(n, PIXEL_MEAN), np.eye(n) / PIXEL_STD, "standardize")

    @classmethod
    def zca(cls, images, epsilon):
        """ZCA whitening; ``epsilon`` (added to every eigenvalue) keeps pixels that never vary from exploding."""
        x = np.asarray(images, dtype=np.float64)
        mean = x.mean(axis=0)
        cov = np.cov(x - mean, rowvar=False)
        values, vectors = np.linalg.eigh(cov)
        matrix = (vectors * (1.0 / np.sqrt(np.maximum(values, 0) + epsilon))) @ vectors.T
        return cls(mean, matrix, f"zca(epsilon={epsilon})")

    def apply(self, x):
        return (np.asarray(x, dtype=np.float32) - self.mean) @ self.matrix

    def fold(self, w1, b1):
        """First-layer weights and biases that take raw pixels."""
        w = np.asarray(w1, dtype=np.float64) @ self.matrix.T.astype(np.float64)
        b = np.asarray(b1, dtype=np.float64) - w @ self.mean.astype(np.float64)
        return w.astype(np.float32), b.astype(np.float32)
