"""One drawing through the network: the normalized grid and every layer's values.

The web layer turns a ``Reading`` into its JSON replies (web/reply.py); training,
evaluation and scripts can use it as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network, softmax
from .preprocess import INK, normalize, to_bytes


@dataclass(frozen=True)
class Reading:
    """What the network made of one drawing."""
    grey: np.ndarray            # the 784 inputs it saw, as 8-bit grey levels (uint8), like MNIST's
    activations: list           # the inputs (grey / 255) then each layer's outputs (sigmoid, or ReLU: >= 0)
    weighted_sums: list         # z = W a + b of each non-input layer
    probabilities: np.ndarray   # softmax of the output layer's z
    empty: bool                 # no pixel above the ink threshold: nothing drawn
    prediction: int | None      # the brightest output; None for an empty drawing


def read(network: Network, pixels, preprocess: bool = True, silenced=None) -> Reading:
    """Normalize the drawing as MNIST was (8-bit, k/255), run it, and keep every layer.

    ``preprocess=False`` skips the normalization: the network is given the grid as it
    came (still 8-bit), so one can see what the step is for. ``silenced``: hidden
    neurons held at 0, [(layer, index), ...] (see Network.forward).
    """
    grey = to_bytes(normalize(pixels) if preprocess else pixels)
    x = grey.astype(np.float32) / np.float32(255)
    activations, sums = network.forward(x, with_sums=True, silenced=silenced)
    empty = not np.maximum.reduce(x) > INK  # (x > INK).any(), in one NumPy call
    return Reading(grey=grey, activations=activations, weighted_sums=sums, probabilities=softmax(sums[-1]),
                   empty=empty, prediction=None if empty else int(np.argmax(activations[-1])))
