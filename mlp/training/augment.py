"""Random distortions that make MNIST digits look like digits drawn in a browser.

People draw with a pen of constant width, slant and squash their digits, and
the page's normalization (20x20 box, centre of mass) leaves small offsets.
Each image in a batch gets its own random rotation, shear, scale (separately
in x and y), sub-pixel shift, stroke thickening or thinning, and saturation
(a pen stroke is uniformly bright, MNIST's are soft). All vectorized over the
batch: no Python loop over images or pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..digit import SIDE


@dataclass(frozen=True)
class Strength:
    rotate_deg: float = 12.0
    shear: float = 0.15
    scale: float = 0.12   # each axis scaled by 1 +- this
    shift_px: float = 1.5
    thickness: float = 0.7  # blend towards a 3x3 dilation (+) or erosion (-)
    saturate: float = 0.6   # multiply intensities by up to 1 + this, then clip


NONE = Strength(0, 0, 0, 0, 0, 0)
MILD = Strength(rotate_deg=8.0, shear=0.1, scale=0.08, shift_px=1.0, thickness=0.5, saturate=0.4)
PRESETS = {"none": NONE, "mild": MILD, "default": Strength()}


def _affine(images, rng, s: Strength):
    n = len(images)
    theta = np.deg2rad(rng.uniform(-s.rotate_deg, s.rotate_deg, n))
    shear = rng.uniform(-s.shear, s.shear, n)
    sy = 1.0 + rng.uniform(-s.scale, s.scale, n)
    sx = 1.0 + rng.uniform(-s.scale, s.scale, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # Forward map (row, col) about the centre: rotation @ shear @ scale.
    # We sample the source at the inverse map of every output pixel.
    m = np.empty((n, 2, 2))
    m[:, 0, 0] = cos * sy
    m[:, 0, 1] = (-sin + cos * shear) * sx
    m[:, 1, 0] = sin * sy
    m[:, 1, 1] = (cos + sin * shear) * sx
    inv = np.linalg.inv(m)
    shift = rng.uniform(-s.shift_px, s.shift_px, (n, 2))
    centre = (SIDE - 1) / 2
    rr, cc = np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij")
    out_coords = np.stack([rr.ravel(), cc.ravel()], axis=0) - centre  # (2, 784)
    src = np.einsum("nij,jp->nip", inv, out_coords) + centre - shift[:, :, None]  # (n, 2, 784)
    return _bilinear(images.reshape(n, SIDE, SIDE), src[:, 0], src[:, 1])


def _bilinear(grids, r, c):
    """Sample each grid at fractional (r, c); outside the grid is background."""
    n = len(grids)
    padded = np.zeros((n, SIDE + 2, SIDE + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = grids
    r = np.clip(r + 1, 0, SIDE + 1 - 1e-4)
    c = np.clip(c + 1, 0, SIDE + 1 - 1e-4)
    r0, c0 = np.floor(r).astype(np.intp), np.floor(c).astype(np.intp)
    fr, fc = (r - r0).astype(np.float32), (c - c0).astype(np.float32)
    flat = padded.reshape(n, -1)
    base = (np.arange(n) * (SIDE + 2) ** 2)[:, None]
    idx = base + r0 * (SIDE + 2) + c0
    v00 = flat.ravel()[idx]
    v01 = flat.ravel()[idx + 1]
    v10 = flat.ravel()[idx + SIDE + 2]
    v11 = flat.ravel()[idx + SIDE + 3]
    top = v00 + (v01 - v00) * fc
    bottom = v10 + (v11 - v10) * fc
    return top + (bottom - top) * fr


def _neighbourhood(grids, reduce):
    """3x3 max (dilation) or min (erosion) of each (n, 28, 28) grid."""
    pad_value = 0.0
    p = np.pad(grids, ((0, 0), (1, 1), (1, 1)), constant_values=pad_value)
    out = p[:, 1:-1, 1:-1].copy()
    for dr in (0, 1, 2):
        for dc in (0, 1, 2):
            reduce(out, p[:, dr:dr + SIDE, dc:dc + SIDE], out=out)
    return out


def _thickness(images, rng, amount):
    n = len(images)
    grids = images.reshape(n, SIDE, SIDE)
    t = rng.uniform(-amount, amount, n).astype(np.float32)[:, None, None]
    thick = _neighbourhood(grids, np.maximum)
    thin = _neighbourhood(grids, np.minimum)
    # Thinning is gentler (half as much): erosion of a 2-px MNIST stroke erases it.
    target = np.where(t >= 0, thick, thin)
    weight = np.where(t >= 0, t, -0.5 * t)
    return (grids + (target - grids) * weight).reshape(n, -1)


def augment(images, rng, strength: Strength = Strength()):
    """A distorted copy of a batch (N, 784) of images in [0, 1]."""
    images = np.asarray(images, dtype=np.float32)
    if len(images) == 0:
        return images.reshape(0, SIDE * SIDE).copy()
    out = images
    if strength.rotate_deg or strength.shear or strength.scale or strength.shift_px:
        out = _affine(out, rng, strength).reshape(len(images), -1)
    if strength.thickness:
        out = _thickness(out, rng, strength.thickness)
    if strength.saturate:
        gain = 1.0 + rng.uniform(0, strength.saturate, (len(images), 1)).astype(np.float32)
        out = out * gain
    return np.clip(out, 0.0, 1.0, out=out).astype(np.float32, copy=False)
