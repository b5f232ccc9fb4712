"""mlp.training.strokes: the page's rule for turning pen strokes into the 28x28 grid, in Python.
(tests/e2e/test_e2e_strokes.py checks it against the real page, byte for byte.)"""
import numpy as np
import pytest

from mlp.training import stroke_augment, strokes
from mlp.preprocess import BOX, CENTRE, centre_of_mass

SEVEN = [[(10, 10), (90, 10)], [(90, 10), (40, 110)]]


def ink_box(grid, level=0.5):
    ink = grid.reshape(28, 28) > level
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_nothing_drawn_is_an_empty_grid():
    assert not strokes.render([]).any()
    assert not strokes.render([[]]).any()


def test_values_are_grey_levels_and_the_digit_fills_the_box():
    grid = strokes.render(SEVEN)
    assert grid.shape == (784,)
    np.testing.assert_array_equal(grid * 255, np.round(grid * 255))
    assert grid.max() == 1.0
    # Centre-lines plus the pen fill BOX pixels on the longer side (the rest is soft edge).
    assert BOX - 1 <= max(ink_box(grid)) <= BOX + 1
    cy, cx = centre_of_mass(grid.reshape(28, 28))
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5


def test_size_and_place_do_not_matter():
    big = strokes.render(SEVEN)
    small = strokes.render([[(x / 7 + 300, y / 7 + 5) for x, y in s] for s in SEVEN])
    np.testing.assert_allclose(small, big, atol=1 / 255 + 1e-9)


def test_a_tap_is_a_round_dot():
    dot = strokes.render([[(5, 5)]]).reshape(28, 28)
    # A disc 2.4 pixels across (4.5 px of ink), centred on a pixel corner: four bright pixels
    # and a rim, symmetric both ways.
    assert dot.sum() == pytest.approx(np.pi * 1.2 ** 2, abs=0.05)
    assert (dot > 0.9).sum() == 4 and (dot > 0).sum() <= 16
    rows, cols = np.nonzero(dot)
    patch = dot[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert patch.shape == (4, 4)
    np.testing.assert_allclose(patch, patch.T, atol=2 / 255)
    np.testing.assert_allclose(patch, patch[::-1, ::-1], atol=2 / 255)


def test_pen_width_is_the_pages():
    thin, wide = strokes.render(SEVEN, pen=1.5), strokes.render(SEVEN, pen=3.5)
    assert thin.sum() < strokes.render(SEVEN).sum() < wide.sum()


def test_stroke_augmentation_is_reproducible_and_keeps_the_digit_drawable():
    rng1, rng2 = np.random.default_rng(5), np.random.default_rng(5)
    a, pen_a = stroke_augment.augment_strokes([np.array(s, float) for s in SEVEN], rng1)
    b, pen_b = stroke_augment.augment_strokes([np.array(s, float) for s in SEVEN], rng2)
    assert pen_a == pen_b and len(a) == len(b)
    for s, t in zip(a, b):
        np.testing.assert_array_equal(s, t)
    assert 2.0 <= pen_a <= 2.8
    # Resampled along the path: more points than the two of each straight stroke.
    assert sum(len(s) for s in a) > 10
    assert strokes.render(a).sum() > 20


def test_augmented_copies_differ_from_the_original():
    seven = [np.array(s, float) for s in SEVEN]
    rng = np.random.default_rng(0)
    clean = strokes.render(seven)
    copies = [strokes.render(*stroke_augment.augment_strokes(seven, rng)[:1]) for _ in range(5)]
    assert all(np.abs(c - clean).sum() > 5 for c in copies)
    assert all(np.corrcoef(c, clean)[0, 1] > 0.4 for c in copies)  # still the same digit


@pytest.mark.parametrize("copies", [1, 3])
def test_render_pool_orders_copies_digit_by_digit(copies):
    class D:  # the two fields render_pool reads of a PenDigit
        def __init__(self, label, strokes):
            self.label, self.strokes = label, strokes
    digits = [D(7, [np.array(s, float) for s in SEVEN]), D(1, [np.array([(50, 0), (50, 100)], float)])]
    images, labels = stroke_augment.render_pool(digits, copies=copies, workers=1)
    assert images.shape == (2 * copies, 784) and labels.tolist() == [7, 1] * copies
    clean, _ = stroke_augment.render_pool(digits, strength=None, workers=1)
    for c in range(copies):  # each copy's 1 is still a tall thin 1, its 7 is not
        h, w = ink_box(images[2 * c + 1])
        assert h > 2 * w
    assert clean.shape == (2, 784)
