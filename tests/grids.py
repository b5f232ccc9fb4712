"""Grids the tests draw by hand (not fixtures: plain functions any test module can import)."""
import numpy as np


def seven_grid():
    """A plain 7 drawn into the 28x28 grid (a bar, then a slanted stroke): a digit every network here reads."""
    g = np.zeros((28, 28))
    g[5:8, 6:22] = 1.0
    for r in range(8, 25):
        c = 21 - (r - 8) * 0.6
        g[r, int(c) - 1:int(c) + 2] = 1.0
    return g.reshape(-1)
