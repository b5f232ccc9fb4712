"""MNIST digits redrawn as the page draws strokes: the same shapes, a constant-width pen.

MNIST's digits were written with real pens and scanned: soft edges, varying
pressure. On the page a person's stroke is rendered with a fixed width
(static/js/grid.js: PEN = 2.4 grid pixels, area-averaged). To know how the
network does on *drawn* digits, and to train it for them, each MNIST digit is
thinned to its centre-line (Zhang-Suen thinning) at 3x resolution and drawn
again with a round pen of that width. 10,000 real people's shapes, in the
page's style. Vectorized over the whole batch.
"""
from __future__ import annotations

import numpy as np

from ..digit import PEN, SIDE  # PEN: the stroke width in grid pixels, as on the page

SCALE = 3          # work at 84x84: enough for smooth round strokes after averaging
INK = 0.35         # MNIST ink above this belongs to the stroke


def _upsample(images):
    """(N, 784) -> (N, 84, 84) bilinear, for the whole batch at once (Pillow works one image at a time)."""
    n = len(images)
    grids = images.reshape(n, SIDE, SIDE)
    coords = (np.arange(SIDE * SCALE) + 0.5) / SCALE - 0.5
    i0 = np.clip(np.floor(coords).astype(int), 0, SIDE - 1)
    i1 = np.clip(i0 + 1, 0, SIDE - 1)
    f = np.clip(coords - np.floor(coords), 0, 1).astype(np.float32)
    rows = grids[:, i0, :] * (1 - f)[None, :, None] + grids[:, i1, :] * f[None, :, None]
    return rows[:, :, i0] * (1 - f)[None, None, :] + rows[:, :, i1] * f[None, None, :]


def _neighbours(b):
    """P2..P9 (N, NE, E, SE, S, SW, W, NW) of every pixel of a padded boolean batch."""
    p = np.pad(b, ((0, 0), (1, 1), (1, 1)))
    h, w = b.shape[1:]
    at = lambda dr, dc: p[:, 1 + dr:1 + dr + h, 1 + dc:1 + dc + w]  # noqa: E731
    return [at(-1, 0), at(-1, 1), at(0, 1), at(1, 1), at(1, 0), at(1, -1), at(0, -1), at(-1, -1)]


def thin(binary, max_iterations=60):
    """Zhang-Suen thinning of a batch of boolean images to one-pixel-wide centre-lines."""
    b = binary.copy()
    for _ in range(max_iterations):
        changed = False
        for step in (0, 1):
            n = _neighbours(b)
            p2, p3, p4, p5, p6, p7, p8, p9 = n
            count = sum(x.astype(np.uint8) for x in n)
            seq = n + [p2]
            transitions = sum((~seq[i] & seq[i + 1]).astype(np.uint8) for i in range(8))
            if step == 0:
                c1, c2 = ~(p2 & p4 & p6), ~(p4 & p6 & p8)
            else:
                c1, c2 = ~(p2 & p4 & p8), ~(p2 & p6 & p8)
            remove = b & (count >= 2) & (count <= 6) & (transitions == 1) & c1 & c2
            if remove.any():
                b &= ~remove
                changed = True
        if not changed:
            break
    return b


def _disk_offsets(radius):
    r = int(np.ceil(radius))
    return [(dr, dc) for dr in range(-r, r + 1) for dc in range(-r, r + 1) if dr * dr + dc * dc <= radius * radius]


def redraw(images, pen=PEN):
    """(N, 784) MNIST-like images -> the same digits drawn with a constant-width round pen."""
    images = np.asarray(images, dtype=np.float32)
    if len(images) == 0:
        return images.reshape(0, SIDE * SIDE).copy()
    big = _upsample(images)
    skeleton = thin(big > INK)
    radius = pen * SCALE / 2
    r = int(np.ceil(radius))
    padded = np.pad(skeleton, ((0, 0), (r, r), (r, r)))
    h = SIDE * SCALE
    stroke = np.zeros_like(skeleton)
    for dr, dc in _disk_offsets(radius):
        stroke |= padded[:, r + dr:r + dr + h, r + dc:r + dc + h]
    # Area-average each 3x3 block back to 28x28, as the page averages its 10x10 blocks.
    small = stroke.reshape(len(images), SIDE, SCALE, SIDE, SCALE).mean(axis=(2, 4), dtype=np.float32)
    return np.round(small.reshape(len(images), -1) * 255) / 255


def redraw_in_chunks(images, log=None, chunk=2000):
    """redraw() over a large set without holding every 84x84 intermediate at once."""
    out = np.empty_like(np.asarray(images, dtype=np.float32))
    for i in range(0, len(images), chunk):
        out[i:i + chunk] = redraw(images[i:i + chunk])
    if log:
        log(f"redrew {len(images)} images with the page's pen")
    return out
