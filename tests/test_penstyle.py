"""mlp/training/penstyle.py: MNIST digits redrawn with the page's constant-width pen (thinning, then a round pen)."""
import numpy as np

from mlp.training import penstyle
from mlp.digit import PEN, SIDE


def bar(width, rows=range(4, 24), col=14):
    """A vertical MNIST-like bar `width` pixels wide, soft at its edges."""
    grid = np.zeros((SIDE, SIDE), dtype=np.float32)
    left = col - width // 2
    grid[rows.start:rows.stop, left:left + width] = 1.0
    grid[rows.start:rows.stop, left - 1] = grid[rows.start:rows.stop, left + width] = 0.3
    return grid.reshape(-1)


def ink_per_row(image):
    return image.reshape(SIDE, SIDE)[8:20].sum(axis=1)  # rows away from the round ends


def test_any_width_of_stroke_comes_back_the_pens_width():
    for width in (1, 3, 6):
        drawn = penstyle.redraw(bar(width)[None])[0]
        assert np.allclose(ink_per_row(drawn), PEN, atol=0.45), (width, ink_per_row(drawn))


def test_a_wider_pen_draws_wider():
    thin, wide = (ink_per_row(penstyle.redraw(bar(3)[None], pen=p)[0]).mean() for p in (1.5, 4.0))
    assert thin < PEN < wide


def test_the_digit_keeps_its_place_and_length():
    drawn = penstyle.redraw(bar(4)[None])[0].reshape(SIDE, SIDE)
    rows = np.flatnonzero(drawn.max(axis=1) > 0.5)
    cols = np.flatnonzero(drawn.max(axis=0) > 0.5)
    assert rows.min() in (3, 4, 5) and rows.max() in (22, 23, 24) and 12 <= cols.mean() <= 15


def test_values_are_8_bit_grey_levels_and_blank_stays_blank():
    images = np.stack([bar(2), bar(5), np.zeros(SIDE * SIDE, dtype=np.float32)])
    drawn = penstyle.redraw(images)
    assert drawn.shape == (3, SIDE * SIDE) and drawn.min() >= 0 and drawn.max() <= 1
    assert np.array_equal(np.round(drawn * 255) / 255, drawn)
    assert not drawn[2].any()
    assert penstyle.redraw(np.zeros((0, SIDE * SIDE))).shape == (0, SIDE * SIDE)


def test_thinning_leaves_a_one_pixel_centre_line():
    block = np.zeros((1, 30, 30), dtype=bool)
    block[0, 5:25, 10:17] = True  # 7 wide
    line = penstyle.thin(block)[0]
    widths = line[9:20].sum(axis=1)  # away from the ends, which thinning shortens
    assert (widths == 1).all(), widths
    assert line.sum() >= 11 and not (line & ~block[0]).any()


def test_in_chunks_is_the_same_as_at_once():
    images = np.stack([bar(w) for w in (1, 2, 3, 4, 5)])
    logged = []
    assert np.array_equal(penstyle.redraw_in_chunks(images, log=logged.append, chunk=2), penstyle.redraw(images))
    assert logged == ["redrew 5 images with the page's pen"]
