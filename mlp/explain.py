"""Why did the network answer that? Which input pixels pushed an output up or down.

For an output neuron d, the map is gradient x input: each pixel's value times
how fast the output's weighted sum z_d changes with it (backpropagation through
the network, as in training, from one output instead of from a loss). A pixel
with ink where z_d rises with it pushed d up (shown green); one where z_d falls,
down (red). For a network with no hidden layers the map is exactly each pixel's
share of z_d = sum_i w_i x_i + b; with sigmoids (or ReLUs) between, it is the
first-order share (for a network of ReLUs alone, and no biases, it would be exact). The weighted sum, not the glow, is explained: the glow saturates at 1,
its gradient vanishes, and the map would go dark just where the answer is surest.

What would change the answer is not guessed from the gradient but tried: every
touch of the pen (ink over a 3x3 patch, about the page's 2.4-pixel pen) added
where the input has room for it, and every patch of ink taken away, is run
through the network, all at once as one batch. The advice names the touch that
brings the runner-up closest to the answer, and says whether it really makes the
runner-up win ("flips"), brings it within NEAR of the leader ("nearly"), or
neither ("none": there is no close second, and the page says so instead).
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


# A suggestion "nearly" flips the answer when the runner-up's glow comes within this of the
# brightest output's (on the 0..1 scale of the page's bars: 10 points).
NEAR = 0.10
PATCH = 3  # a touch of the pen: the 3x3 pixels around a spot (the page's pen is 2.4 pixels wide)


def _patches():
    """(784, 784) 0/1: row i is the 3x3 patch of pixels around pixel i (cut at the grid's edge)."""
    r, c = np.divmod(np.arange(SIDE * SIDE), SIDE)
    half = PATCH // 2
    near = (np.abs(r[:, None] - r[None, :]) <= half) & (np.abs(c[:, None] - c[None, :]) <= half)
    return near.astype(np.float32)  # the network's own precision


PATCHES = _patches()


def _patch_sums(values):
    """Each pixel's 3x3 patch summed (where there is ink to take away)."""
    g = np.pad(np.asarray(values, dtype=np.float64).reshape(SIDE, SIDE), PATCH // 2)
    return sum(g[dr:dr + SIDE, dc:dc + SIDE] for dr in range(PATCH) for dc in range(PATCH)).reshape(-1)


def _tried(network, x, changed, winner, runner_up, silenced):
    """Each row of ``changed`` (a changed copy of x) through the network: the best row's suggestion.

    Best: the row where the runner-up leads everything else most (or trails it least). Returns
    (row, result, reads, after): result "flips" (the runner-up is the answer then), "nearly" (the
    runner-up within NEAR of the answer then) or "none"; reads, the answer then; after, the glows
    of that answer and of the runner-up then."""
    out = network.forward(changed, silenced=silenced)[-1].astype(np.float64)
    others = out.copy()
    others[:, runner_up] = -np.inf
    lead = out[:, runner_up] - others.max(axis=1)  # > 0: the runner-up is the answer
    best = int(np.argmax(lead))
    reads = int(np.argmax(out[best])) if lead[best] <= 0 else runner_up
    result = "flips" if lead[best] > 0 else "nearly" if -lead[best] <= NEAR else "none"
    return best, result, reads, [float(out[best, reads]), float(out[best, runner_up])]


def explain(network: Network, x, silenced=None) -> dict:
    """The winning digit and the runner-up, each with its 784-pixel map (gradient x input of its
    weighted sum) and its glow now, and the touch of ink added, and taken away, that brings the
    runner-up closest to winning, each tried on the network (see the module's docstring)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    acts = network.forward(x.astype(np.float32), silenced=silenced)
    order = np.argsort(-acts[-1], kind="stable")
    winner, runner_up = int(order[0]), int(order[1])
    n_out = network.sizes[-1]
    maps = []
    for d in (winner, runner_up):
        maps.append(x * gradient(network, x, np.eye(n_out)[d], silenced))
    # Ink can be added only where there is room for it (the spot itself not yet inked), and taken
    # away only where there is some: every such touch is tried.
    x32 = x.astype(np.float32)
    can_add = np.flatnonzero(x < 0.5)
    can_remove = np.flatnonzero(_patch_sums(x) > 0)
    suggestions = {}
    for name, spots, changed in (
            ("add_ink", can_add, lambda s: np.maximum(x32, PATCHES[s])),
            ("remove_ink", can_remove, lambda s: x32 * (1 - PATCHES[s]))):
        if not spots.size:
            suggestions[name] = {"pixel": -1, "region": None, "result": "none", "reads": winner,
                                 "after": [float(acts[-1][winner]), float(acts[-1][runner_up])]}
            continue
        row, result, reads, after = _tried(network, x, changed(spots), winner, runner_up, silenced)
        suggestions[name] = {"pixel": int(spots[row]), "region": region(spots[row]), "result": result,
                             "reads": reads, "after": after}
    return {
        "winner": winner, "runner_up": runner_up,
        "outputs": [float(acts[-1][winner]), float(acts[-1][runner_up])],
        "maps": maps,
        "add_ink": {**suggestions["add_ink"], "towards": runner_up},
        "remove_ink": {**suggestions["remove_ink"], "from": winner},
    }
