"""Why did the network answer that? Which input pixels pushed an output up or down.

For an output neuron d, the map is gradient x input: each pixel's value times
how fast the output's weighted sum z_d changes with it (backpropagation through
the network, as in training, from one output instead of from a loss). A pixel
with ink where z_d rises with it pushed d up (shown green); one where z_d falls,
down (red). For a network with no hidden layers the map is exactly each pixel's
share of z_d = sum_i w_i x_i + b; with sigmoids (or ReLUs) between, it is the
first-order share (for a network of ReLUs alone, and no biases, it would be exact). The weighted sum, not the glow, is explained: the glow saturates at 1,
its gradient vanishes, and the map would go dark just where the answer is surest.

To say what would most change the answer, the same backpropagation runs from
the margin z_winner - z_runner_up: ink added where that falls fastest (where
the pad is still empty) moves the answer towards the runner-up most; ink taken
away where gradient x input is largest removes what most made it the winner.
"""
from __future__ import annotations

import numpy as np

from .digit import SIDE
from .network import Network

REGION_ROWS = ("top", "middle", "bottom")
REGION_COLS = ("left", "centre", "right")


def gradient(network: Network, x, direction, silenced=None):
    """d(direction . z_out)/dx for one input x: how the output sums move as each pixel grows.
    A silenced neuron passes nothing back, as it passes nothing forward."""
    acts, _ = network.forward(x, with_sums=True, silenced=silenced)
    off = network.check_silenced(silenced) if silenced else {}
    delta = np.asarray(direction, dtype=np.float64)  # dC/dz of the output layer
    for layer in range(len(network.weights) - 1, -1, -1):
        back = network.weights[layer].T.astype(np.float64) @ delta  # dC/da of the layer below
        if layer == 0:
            return back
        a = acts[layer].astype(np.float64)
        # da/dz of that layer: a (1 - a) for a sigmoid, 1 where a ReLU is on and 0 where it is off.
        delta = back * ((a > 0) if network.activations[layer - 1] == "relu" else a * (1 - a))
        if layer in off:
            delta[off[layer]] = 0.0
    return delta  # unreachable: a network has at least one layer


def region(index):
    """A pixel's place on the pad, in words a sentence can use: (row word, column word)."""
    r, c = divmod(int(index), SIDE)
    return REGION_ROWS[min(r * 3 // SIDE, 2)], REGION_COLS[min(c * 3 // SIDE, 2)]


def _blurred(values):
    """Each pixel's 3x3 neighbourhood summed: one pixel is too small a place to name."""
    g = np.pad(np.asarray(values, dtype=np.float64).reshape(SIDE, SIDE), 1)
    return sum(g[dr:dr + SIDE, dc:dc + SIDE] for dr in range(3) for dc in range(3)).reshape(-1)


def explain(network: Network, x, silenced=None) -> dict:
    """The winning digit and the runner-up, each with its 784-pixel map (gradient x input of its
    weighted sum), and where ink added or taken away would most change the answer."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    acts = network.forward(x.astype(np.float32), silenced=silenced)
    order = np.argsort(-acts[-1], kind="stable")
    winner, runner_up = int(order[0]), int(order[1])
    n_out = network.sizes[-1]
    maps = []
    for d in (winner, runner_up):
        maps.append(x * gradient(network, x, np.eye(n_out)[d], silenced))
    margin = gradient(network, x, np.eye(n_out)[winner] - np.eye(n_out)[runner_up], silenced)
    # Adding ink can only happen where there is room for it; taking it away only where it is.
    add_score = np.where(x < 0.5, -_blurred(margin * (1 - x)), -np.inf)
    remove_score = _blurred(x * margin)
    add_at, remove_at = int(np.argmax(add_score)), int(np.argmax(remove_score))
    return {
        "winner": winner, "runner_up": runner_up,
        "maps": maps,
        "add_ink": {"pixel": add_at, "region": region(add_at), "towards": runner_up},
        "remove_ink": {"pixel": remove_at, "region": region(remove_at), "from": winner},
    }
