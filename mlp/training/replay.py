"""A pen digit as the page records it when someone draws it small, near an edge of the pad.

The tablet recorded the pen digits at about 500 units a side; the page records
pointer positions in whole CSS pixels. A digit drawn a quarter of the pad's size
on the smallest pad the page lays out is a polyline on a 70-pixel grid: coarse,
jagged points that the page's rule (mlp.training.strokes) then scales up to
fill 20 of the grid's 28 pixels. ``drawn_small`` makes that polyline from a
digit's strokes, so the network can be measured on small drawings offline;
tests/e2e/test_e2e_strokes.py draws some of them with the mouse into the real
page and checks that it gives the same answers.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

PAD_SIDE = 280     # CSS pixels: the smallest pad the page lays out (static/css/main.css, --pad)
SMALL = 0.25       # the digit's longer side, as a share of the pad's side
EDGE_MARGIN = 0.03  # from the pad's top left corner, as a share of the pad's side


def drawn_small(strokes, size=SMALL, margin=EDGE_MARGIN, pad=PAD_SIDE):
    """``strokes`` (y down) fitted, aspect kept, into a box ``size`` of a ``pad``-pixel pad, ``margin``
    from its top left corner, every point at a whole pixel as the pointer reports it (repeats dropped:
    the pad keeps a point only when the pointer moved)."""
    pts = np.concatenate([np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes])
    lo = pts.min(axis=0)
    scale = size * pad / max(float(np.ptp(pts, axis=0).max()), 1e-6)
    out = []
    for stroke in strokes:
        at = np.floor((np.asarray(stroke, dtype=np.float64) - lo) * scale + margin * pad + 0.5)
        keep = np.concatenate([[True], np.any(np.diff(at, axis=0) != 0, axis=1)])
        out.append(at[keep])
    return out


def small_digits(digits, **where):
    """Every PenDigit as drawn small (see drawn_small), its label and writer kept."""
    return [replace(d, strokes=tuple(drawn_small(d.strokes, **where))) for d in digits]
