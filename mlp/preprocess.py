"""MNIST's own normalization, applied to whatever grid the page or API sends.

MNIST digits were made by fitting the ink's bounding box into 20x20 pixels
(keeping the aspect ratio) and then moving the centre of mass to the centre
of the 28x28 field. A drawing that is small or off-centre looks nothing like
that, so the network would misread it; after this it looks the same.
A grid that is already normalized is left unchanged (idempotent).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

SIDE = 28
BOX = 20
INK = 0.1  # a pixel brighter than this counts as ink for the bounding box
# A box side already this close to 20 is left alone: re-sampling a grid that
# is already MNIST-sized would only blur it.
BOX_TOLERANCE = (18, 21)
CENTRE = 14.0  # MNIST's mean centre of mass, in pixel indices (row, col), measured on its 60,000 digits


def to_bytes(pixels) -> np.ndarray:
    """Values in [0, 1] -> 8-bit grey levels 0..255 (flat), as MNIST stores its pixels
    and the page, the API's compact form and the share links carry them."""
    return np.round(np.clip(np.asarray(pixels, dtype=np.float64), 0.0, 1.0) * 255).astype(np.uint8).reshape(-1)


def _fit_box(grid, rows, cols):
    """Crop the ink and resize it so its longer side is BOX pixels, centred in the field."""
    r0, r1 = rows[0], rows[-1] + 1
    c0, c1 = cols[0], cols[-1] + 1
    h, w = r1 - r0, c1 - c0
    scale = BOX / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    crop = Image.fromarray(np.ascontiguousarray(grid[r0:r1, c0:c1], dtype=np.float32), mode="F")
    small = np.clip(np.asarray(crop.resize((nw, nh), Image.Resampling.LANCZOS), dtype=np.float32), 0.0, 1.0)
    # Re-sampling dims thin strokes; MNIST's strokes always peak at full white.
    small *= 1.0 / max(float(small.max()), INK)
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    top, left = (SIDE - nh) // 2, (SIDE - nw) // 2
    out[top:top + nh, left:left + nw] = np.clip(small, 0.0, 1.0)
    return out


def _shift(grid, dy, dx):
    """Translate by whole pixels, filling with background (ink pushed past the edge is lost)."""
    out = np.zeros_like(grid)
    src_r = slice(max(0, -dy), SIDE - max(0, dy))
    dst_r = slice(max(0, dy), SIDE - max(0, -dy))
    src_c = slice(max(0, -dx), SIDE - max(0, dx))
    dst_c = slice(max(0, dx), SIDE - max(0, -dx))
    out[dst_r, dst_c] = grid[src_r, src_c]
    return out


_INDEX = np.arange(SIDE, dtype=np.float64)


def centre_of_mass(grid):
    """(row, col) of the ink's centre of mass, in pixel indices."""
    row_sums = np.add.reduce(grid, axis=1, dtype=np.float64)
    col_sums = np.add.reduce(grid, axis=0, dtype=np.float64)
    total = row_sums.sum()
    return float(row_sums @ _INDEX / total), float(col_sums @ _INDEX / total)


def normalize(pixels) -> np.ndarray:
    """784 (or 28x28) values in [0, 1] -> the 784 values the network should see."""
    grid = np.asarray(pixels, dtype=np.float32).reshape(SIDE, SIDE)
    # A few whole-grid reductions: this runs for every request, most of them a
    # drawing the page has already normalized, where nothing else happens.
    rows = np.flatnonzero(np.maximum.reduce(grid, axis=1) > INK)
    if rows.size == 0:  # nothing drawn (or only faint specks): nothing to move
        return grid.reshape(-1).copy()
    cols = np.flatnonzero(np.maximum.reduce(grid, axis=0) > INK)
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    if not BOX_TOLERANCE[0] <= side <= BOX_TOLERANCE[1]:
        grid = _fit_box(grid, rows, cols)
    cy, cx = centre_of_mass(grid)
    dy, dx = int(round(CENTRE - cy)), int(round(CENTRE - cx))
    if dy or dx:
        grid = _shift(grid, dy, dx)
    return grid.reshape(-1)
