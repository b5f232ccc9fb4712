"""Pen strokes -> the 28x28 grid, by the page's own rule (static/js/grid.js).

The page turns a drawing's vector strokes into the network's input like this:
fit the ink's box so the centre-lines plus the pen fill 20 of the 28 pixels on
the longer side, draw every stroke with a round pen 2.4 pixels wide at 10x,
average each 10x10 block, shift the centre of mass to the middle by whole
pixels, round to k/255. This module is the same rule in Python, so that the
network can be trained and measured on real pen strokes exactly as the page
will show them to it; tests/e2e/test_e2e_strokes.py draws the same strokes
through the real page and checks both give the same bytes.

The browser's canvas is Skia; so is the rasterizer here (skia-python), with
the same pen, joins, caps and anti-aliasing: measured on 300 pen digits, no
pixel more than one grey level from Chromium's.
"""
from __future__ import annotations

import numpy as np

from . import TrainingInstallMissing
from ..digit import BOX, CENTRE, MIN_EXTENT, PEN, SIDE, SUPERSAMPLE  # as grid.js's (PEN, SUPERSAMPLE, minExtent)

try:
    import skia
except ModuleNotFoundError as exc:  # the app's own install has no skia: say which install has it
    raise TrainingInstallMissing("skia-python") from exc


def _js_round(v):
    """JavaScript's Math.round: halves go up (numpy rounds them to even)."""
    return np.floor(np.asarray(v, dtype=np.float64) + 0.5)


def bounds(strokes):
    """(x0, y0, x1, y1) of every point of every stroke, or None when there are none."""
    pts = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    pts = [p for p in pts if len(p)]
    if not pts:
        return None
    allp = np.concatenate(pts)
    return (*allp.min(axis=0), *allp.max(axis=0))


def _draw(strokes, pen, box, min_extent):
    """The strokes drawn white on black at SIDE*SUPERSAMPLE pixels a side, as grid.js draws them."""
    x0, y0, x1, y1 = box
    extent = max(x1 - x0, y1 - y0)
    scale = (BOX - pen) / extent if extent > min_extent else 0.0  # a dot stays a dot
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    k = SUPERSAMPLE
    size = SIDE * k
    surface = skia.Surface(size, size)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorBLACK)
    pen_paint = skia.Paint(Color=skia.ColorWHITE, AntiAlias=True, Style=skia.Paint.kStroke_Style,
                           StrokeWidth=pen * k, StrokeCap=skia.Paint.kRound_Cap, StrokeJoin=skia.Paint.kRound_Join)
    dot_paint = skia.Paint(Color=skia.ColorWHITE, AntiAlias=True)
    for stroke in strokes:
        pts = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        if not len(pts):
            continue
        xs = ((pts[:, 0] - cx) * scale + SIDE / 2) * k
        ys = ((pts[:, 1] - cy) * scale + SIDE / 2) * k
        if not np.any((pts - pts[0]) * scale != 0):
            # A tap: a zero-length path is not stroked, so its round cap is drawn as a disc.
            canvas.drawCircle(xs[0], ys[0], pen * k / 2, dot_paint)
            continue
        path = skia.Path()
        path.moveTo(xs[0], ys[0])
        for x, y in zip(xs[1:], ys[1:]):
            path.lineTo(x, y)
        canvas.drawPath(path, pen_paint)
    return surface.makeImageSnapshot().toarray()[:, :, 0]


def centre_by_mass(grid):
    """Shift by whole pixels so the centre of mass is at (CENTRE, CENTRE), as grid.js centreByMass."""
    total = grid.sum(dtype=np.float64)
    if total <= 0:
        return grid
    idx = np.arange(SIDE, dtype=np.float64)
    dy = int(_js_round(CENTRE - grid.sum(axis=1, dtype=np.float64) @ idx / total))
    dx = int(_js_round(CENTRE - grid.sum(axis=0, dtype=np.float64) @ idx / total))
    out = np.zeros_like(grid)
    if abs(dy) >= SIDE or abs(dx) >= SIDE:
        return out
    out[max(0, dy):SIDE + min(0, dy), max(0, dx):SIDE + min(0, dx)] = \
        grid[max(0, -dy):SIDE - max(0, dy), max(0, -dx):SIDE - max(0, dx)]
    return out


def render(strokes, pen=PEN, min_extent=MIN_EXTENT):
    """A drawing (a list of strokes, each a sequence of (x, y), y down, any unit) -> 784 values k/255."""
    box = bounds(strokes)
    if box is None:
        return np.zeros(SIDE * SIDE)
    k = SUPERSAMPLE
    big = _draw(strokes, pen, box, min_extent).astype(np.float32)
    # Area-average each k x k block, in float32 as grid.js sums them.
    grid = big.reshape(SIDE, k, SIDE, k).sum(axis=(1, 3)) * np.float32(1 / (k * k * 255))
    grid = centre_by_mass(grid)
    return np.round(np.clip(grid, 0, 1).astype(np.float64) * 255).reshape(-1) / 255  # halves to even, as grid.js does
