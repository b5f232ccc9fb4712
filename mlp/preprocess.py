"""MNIST's own normalization, applied to whatever grid the page or API sends.

MNIST digits were made by fitting the ink's bounding box into 20x20 pixels
(keeping the aspect ratio) and then moving the centre of mass to the centre
of the 28x28 field. A drawing that is small or off-centre looks nothing like
that, so the network would misread it; after this it looks the same.
One step more than MNIST: the slant is taken out (deskewing: each row slid
sideways so the ink's principal axis stands upright), for the training images
and every drawing alike: a 1 leaning right and one leaning left then look the
same to the network, which has only 16 + 16 neurons to spend on shapes.
A grid that is already normalized is left unchanged (idempotent).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from .digit import BOX, CENTRE, INK, SIDE  # the digit's facts (INK: a pixel brighter than this counts as ink)

# A box side already this close to 20 is left alone: re-sampling a grid that
# is already MNIST-sized would only blur it.
BOX_TOLERANCE = (18, 21)
# Slants smaller than this (columns per row) are left alone: it moves the top row of a
# 20-pixel digit by under half a pixel, and re-sampling would only blur it. It also
# makes deskewing idempotent: what it leaves behind is well under this.
MIN_SKEW = 0.05
MAX_SKEW = 1.0  # a 45-degree lean at most: steeper "slants" are shapes (a flat stroke), not leaning digits


def to_bytes(pixels) -> np.ndarray:
    """Values in [0, 1] -> 8-bit grey levels 0..255 (flat), as MNIST stores its pixels
    and the page, the API's compact form and the share links carry them."""
    # np.rint is what np.round calls for whole numbers (halves to even), np.minimum/np.maximum
    # pick what np.clip does, without the wrappers' cost: this runs on every request.
    values = np.minimum(np.maximum(np.asarray(pixels, dtype=np.float64), 0.0), 1.0)
    return np.rint(values * 255).astype(np.uint8).reshape(-1)


def _fit_box(grid, rows, cols):
    """Crop the ink (rows and cols: its first and last row and column) and resize it so its longer
    side is BOX pixels, centred in the field."""
    r0, r1 = rows[0], rows[1] + 1
    c0, c1 = cols[0], cols[1] + 1
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
    g = grid.astype(np.float64)  # (once: the sums then convert nothing; the same sums, tests/test_api_same_answers.py)
    row_sums = np.add.reduce(g, axis=1)
    col_sums = np.add.reduce(g, axis=0)
    total = np.add.reduce(row_sums)  # what .sum() calls, without its wrapper
    return float(row_sums @ _INDEX / total), float(col_sums @ _INDEX / total)


def skew(grids):
    """The slant of each (N, 28, 28) grid in columns per row (0 where nothing is drawn), and its
    centre-of-mass row: the ratio of the ink's row-column covariance to its row variance."""
    # (np.add.reduce and np.maximum.reduce are what .sum and .max call, without their Python
    # wrappers; np.minimum/np.maximum pick the same values np.clip does: on one grid, the
    # wrappers cost more than the arithmetic.)
    mass = np.add.reduce(grids, axis=(1, 2), dtype=np.float64)
    rows = np.add.reduce(grids, axis=2, dtype=np.float64)
    cols = np.add.reduce(grids, axis=1, dtype=np.float64)
    safe = np.where(mass > 0, mass, 1.0)
    cy = rows @ _INDEX / safe
    cx = cols @ _INDEX / safe
    dr = _INDEX[None, :] - cy[:, None]
    dc = _INDEX[None, :] - cx[:, None]
    var_r = np.einsum("nr,nr->n", rows, dr * dr) / safe
    cov = np.einsum("nrc,nr,nc->n", grids.astype(np.float64), dr, dc) / safe
    # Faint specks without a stroke (nothing drawn) are not a digit to stand up.
    inked = (np.maximum.reduce(grids, axis=(1, 2)) > INK) & (var_r > 1e-3)
    alpha = np.where(inked, cov / np.where(var_r > 1e-3, var_r, 1.0), 0.0)
    return np.minimum(np.maximum(alpha, -MAX_SKEW), MAX_SKEW), cy


def deskew(grids):
    """(N, 28, 28) grids with their slant taken out: row r slides by skew * (r - centre row),
    sampled with linear interpolation along the row. Grids slanted less than MIN_SKEW stay as they are."""
    grids = np.asarray(grids, dtype=np.float32)
    alpha, cy = skew(grids)
    todo = np.flatnonzero(np.abs(alpha) >= MIN_SKEW)
    if todo.size == 0:
        return grids.copy()
    out = grids.copy()
    g = grids[todo]
    # Where each output pixel (r, c) reads from: column c + alpha * (r - cy), same row.
    src = _INDEX[None, None, :] + (alpha[todo, None] * (_INDEX[None, :] - cy[todo, None]))[:, :, None]
    c0 = np.floor(src).astype(np.intp)
    f = (src - c0).astype(np.float32)
    padded = np.pad(g, ((0, 0), (0, 0), (1, 2)))  # reads just past either edge find background
    left = np.take_along_axis(padded, np.clip(c0 + 1, 0, SIDE + 2), axis=2)
    right = np.take_along_axis(padded, np.clip(c0 + 2, 0, SIDE + 2), axis=2)
    out[todo] = left * (1 - f) + right * f
    return out


# One grid's rows side by side with this many columns of background on either side: wide
# enough that every read of a deskew (at most SIDE - 1 columns away) lands in the row or in it.
_MARGIN = SIDE + 2
_ROW_STARTS = (np.arange(SIDE) * (SIDE + 2 * _MARGIN) + _MARGIN)[:, None]


def _skew_one(grid):
    """``skew(grid[None])`` for one (28, 28) grid, as (slant, centre row): the same NumPy sums (so the
    same bits), the rest on Python floats, which are the same IEEE doubles, without a NumPy call each."""
    g = grid[None].astype(np.float64)  # (once: the sums below then convert nothing)
    mass = float(np.add.reduce(g, axis=(1, 2))[0])
    safe = mass if mass > 0 else 1.0
    rows = np.add.reduce(g, axis=2)
    cy = rows @ _INDEX / safe
    cx = np.add.reduce(g, axis=1) @ _INDEX / safe
    dr = _INDEX[None, :] - cy[:, None]
    dc = _INDEX[None, :] - cx[:, None]
    var_r = float(np.einsum("nr,nr->n", rows, dr * dr)[0]) / safe
    cov = float(np.einsum("nrc,nr,nc->n", g, dr, dc)[0]) / safe
    # As skew's: the brightest pixel compared in float32 (NumPy's way with a Python float).
    if not (np.maximum.reduce(grid, axis=None) > INK and var_r > 1e-3):
        return 0.0, cy[0]
    return min(max(cov / var_r, -MAX_SKEW), MAX_SKEW), cy[0]


def _deskew_one(grid):
    """``deskew(grid[None])[0]`` for one (28, 28) grid, at under half the cost (the server's hot
    path: a prediction's one drawing): the same slant (``_skew_one``) and the same float32
    arithmetic, but each pixel read with one flat index instead of np.pad and take_along_axis,
    which cost more than the sums themselves on one small grid. Reads past either edge find
    background, as there. (tests/test_api_same_answers.py checks the two agree bit for bit.)"""
    alpha, cy = _skew_one(grid)
    if not abs(alpha) >= MIN_SKEW:
        return grid.copy()
    src = _INDEX[None, :] + (alpha * (_INDEX - cy))[:, None]
    c0 = np.floor(src).astype(np.intp)
    f = (src - c0).astype(np.float32)
    row = np.zeros((SIDE, SIDE + 2 * _MARGIN), dtype=np.float32)
    row[:, _MARGIN:_MARGIN + SIDE] = grid
    flat = row.ravel()
    at = _ROW_STARTS + c0
    return flat[at] * (1 - f) + flat[at + 1] * f


def _ink_span(brightest):
    """(first, last) index whose brightest pixel is ink, None when none is: the ends of
    np.nonzero(brightest > INK), found in a 28-item Python list (np.nonzero costs more)."""
    ink = (brightest > INK).tolist()
    if True not in ink:
        return None
    return ink.index(True), len(ink) - 1 - ink[::-1].index(True)


def _fit_and_centre(grid):
    """One (28, 28) grid, already deskewed: its ink box fitted to BOX (when it is not near that
    already), then its centre of mass moved to the middle by whole pixels."""
    rows = _ink_span(np.maximum.reduce(grid, axis=1))
    if rows is None:  # nothing drawn (or only faint specks): nothing to move
        return grid
    cols = _ink_span(np.maximum.reduce(grid, axis=0))
    side = max(rows[1] - rows[0], cols[1] - cols[0]) + 1
    if not BOX_TOLERANCE[0] <= side <= BOX_TOLERANCE[1]:
        grid = _fit_box(grid, rows, cols)
    cy, cx = centre_of_mass(grid)
    dy, dx = int(round(CENTRE - cy)), int(round(CENTRE - cx))
    return _shift(grid, dy, dx) if dy or dx else grid


def normalize_batch(images) -> np.ndarray:
    """(N, 784) images -> what the network sees of each, in 8-bit grey levels (k/255):
    ``to_bytes(normalize(image)) / 255`` for every image, the slant taken out of all at once."""
    grids = deskew(np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE))
    out = np.stack([_fit_and_centre(g) for g in grids]).reshape(len(grids), -1) if len(grids) else grids
    return to_bytes(out).reshape(-1, SIDE * SIDE).astype(np.float32) / np.float32(255)


def normalize(pixels) -> np.ndarray:
    """784 (or 28x28) values in [0, 1] -> the 784 values the network should see:
    deskewed, fitted to the 20x20 box, centred by mass."""
    grid = np.asarray(pixels, dtype=np.float32).reshape(SIDE, SIDE)
    # Deskewing comes first, so the box is fitted to the upright digit: what comes out
    # then has a MNIST-sized box, no slant and its centre in the middle, and a second
    # pass leaves it as it is.
    return _fit_and_centre(_deskew_one(grid)).reshape(-1)
