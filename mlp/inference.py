"""One drawing through the network: everything the page needs to draw it."""
from __future__ import annotations

import numpy as np

from .network import Network, softmax
from .preprocess import INK, normalize

DECIMALS = 4  # finer than an 8-bit pixel or a visible glow, and keeps the JSON small and quick


def _rounded(values):
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS).tolist()


def infer(network: Network, pixels) -> dict:
    """Normalize the drawing as MNIST was, run it, and report every layer.

    ``activations`` are the 784 inputs the network saw (after normalization)
    then each layer's sigmoid outputs; ``weighted_sums`` the z = W a + b of
    each non-input layer; ``probabilities`` the softmax of the output z.
    """
    x = normalize(pixels)
    activations, sums = network.forward(x, with_sums=True)
    empty = not bool((x > INK).any())
    return {
        "prediction": None if empty else int(np.argmax(activations[-1])),
        "empty": empty,
        "activations": [_rounded(a) for a in activations],
        "weighted_sums": [_rounded(z) for z in sums],
        "probabilities": _rounded(softmax(sums[-1])),
    }
