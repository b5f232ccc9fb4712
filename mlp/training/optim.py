"""Optimizers that update the flat parameter vector (see backprop.FlatParams) in place."""
from __future__ import annotations

import numpy as np


class Optimizer:
    """SGD, SGD with momentum, Adam or AdamW, updating the flat parameter vector in place.

    ``weight_decay`` is L2 added to the gradient, except for AdamW, where the
    weights shrink by lr * weight_decay each step, apart from Adam's scaling
    (decoupled: the pull towards zero is the same for every weight).
    """

    KINDS = ("sgd", "momentum", "adam", "adamw")

    def __init__(self, kind, params, weight_decay=0.0):
        if kind not in self.KINDS:
            raise ValueError(f"unknown optimizer '{kind}'")
        self.kind, self.theta, self.decay = kind, params.flat, weight_decay
        self.m = np.zeros_like(self.theta)
        self.v = np.zeros_like(self.theta)
        self.tmp = np.zeros_like(self.theta)
        self.t = 0

    def step(self, grad, lr):
        g = grad.flat
        if self.kind == "adamw":
            if self.decay:
                self.theta *= 1.0 - lr * self.decay
        elif self.decay:
            g += np.multiply(self.theta, self.decay, out=self.tmp)
        if self.kind == "sgd":
            np.multiply(g, lr, out=self.tmp)
            self.theta -= self.tmp
            return
        if self.kind == "momentum":
            self.m *= 0.9
            self.m += g
            np.multiply(self.m, lr, out=self.tmp)
            self.theta -= self.tmp
            return
        self.t += 1
        b1, b2 = 0.9, 0.999
        self.m *= b1
        self.m += np.multiply(g, 1 - b1, out=self.tmp)
        self.v *= b2
        np.multiply(g, g, out=self.tmp)
        self.tmp *= 1 - b2
        self.v += self.tmp
        step = lr * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        np.sqrt(self.v, out=self.tmp)
        self.tmp += 1e-8
        np.divide(self.m, self.tmp, out=self.tmp)
        self.tmp *= step
        self.theta -= self.tmp
