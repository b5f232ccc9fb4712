"""New handwriting from real handwriting: random changes to a digit's pen strokes.

30 people wrote the pen digits; the app's users are other people. Each copy
of a digit gets its own small changes of the kinds people's writing differs
by, made to the vectors (before rendering, so the pen stays the page's pen):
rotation, slant, width and height apart, a wobble of the points, a different
sampling of the path, the pen a little wider or narrower, and now and then a
short gap where the pen skipped. Then ``render_pool`` draws many such copies
by the page's rule (mlp.training.strokes) on both cores and normalizes them as the
server will (mlp.preprocess), ready to mix into training.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import strokes as rendering
from ..digit import N_PIXELS
from ..preprocess import normalize_batch


@dataclass(frozen=True)
class StrokeStrength:
    rotate_deg: float = 10.0
    slant: float = 0.3        # x += slant * y: people lean their digits both ways
    aspect: float = 0.18      # width and height each scaled by 1 +- this
    wobble: float = 0.012     # point jitter, as a share of the digit's size
    spacing: tuple = (0.015, 0.05)  # resampled point spacing, as a share of the digit's size
    pen: tuple = (2.1, 2.7)   # pen width in grid pixels (the page's is 2.4)
    gap: float = 0.08         # chance that a stroke loses a short piece


def _resample(points, step):
    """Points every ``step`` along the polyline (its ends kept)."""
    seg = np.hypot(*np.diff(points, axis=0).T)
    length = np.concatenate([[0.0], np.cumsum(seg)])
    if length[-1] <= step:
        return points
    at = np.append(np.arange(0.0, length[-1], step), length[-1])
    return np.column_stack([np.interp(at, length, points[:, 0]), np.interp(at, length, points[:, 1])])


def augment_strokes(strokes, rng, strength=StrokeStrength()):
    """(new strokes, pen width) for one digit: a copy of ``strokes`` changed at random."""
    pts = np.concatenate(strokes)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    size = max(float(np.ptp(pts, axis=0).max()), 1e-6)
    theta = np.radians(rng.uniform(-strength.rotate_deg, strength.rotate_deg))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    shear = np.array([[1.0, rng.uniform(-strength.slant, strength.slant)], [0.0, 1.0]])
    scale = np.diag(1 + rng.uniform(-strength.aspect, strength.aspect, 2))
    m = scale @ shear @ rot
    step = rng.uniform(*strength.spacing) * size
    out = []
    for stroke in strokes:
        s = (np.asarray(stroke, dtype=np.float64) - centre) @ m.T
        s = _resample(s, step)
        s = s + rng.normal(0, strength.wobble * size, s.shape)
        if len(s) > 8 and rng.random() < strength.gap:
            cut = rng.integers(2, len(s) - 4)
            out += [s[:cut], s[cut + rng.integers(1, 3):]]
        else:
            out.append(s)
    return out, float(rng.uniform(*strength.pen))


def _render_chunk(args):
    digits, copies, seed, strength = args
    rng = np.random.default_rng(seed)
    images = np.empty((len(digits) * copies, N_PIXELS), dtype=np.float32)
    i = 0
    for _ in range(copies):
        for strokes in digits:
            if strength is None:
                images[i] = rendering.render(strokes)
            else:
                new, pen = augment_strokes(strokes, rng, strength)
                images[i] = rendering.render(new, pen=pen)
            i += 1
    return normalize_batch(images)


def render_pool(digits, copies=1, seed=0, strength: StrokeStrength | None = StrokeStrength(), workers=None):
    """(images, labels): ``copies`` renderings of every PenDigit, normalized as the server does.
    ``strength=None`` renders the strokes as they were written (for validation)."""
    strokes = [d.strokes for d in digits]
    labels = np.tile(np.array([d.label for d in digits], dtype=np.int64), copies)
    workers = workers or min(2, os.cpu_count() or 1)
    # One chunk per (worker, copy) keeps the copy order: image j of copy c is digit j.
    jobs = [(strokes, 1, seed * 1000 + c, strength) for c in range(copies)]
    if workers == 1 or copies == 1:
        parts = [_render_chunk(job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_render_chunk, jobs))
    return np.concatenate(parts), labels
