"""preprocess.normalize: MNIST's own normalization (20x20 box, centre of mass at the centre), after deskewing."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from mlp.preprocess import BOX_TOLERANCE, INK, MIN_SKEW, centre_of_mass, normalize, normalize_batch, skew, to_bytes


def shrink_into(grid, side, corner):
    """The digit resized to side x side pixels and pasted at ``corner`` of an empty 28x28 field."""
    small = Image.fromarray(grid.reshape(28, 28).astype(np.float32), mode="F").resize(
        (side, side), Image.Resampling.BILINEAR)
    out = np.zeros((28, 28), dtype=np.float32)
    r, c = corner
    out[r:r + side, c:c + side] = np.clip(np.asarray(small), 0.0, 1.0)
    return out


def ink_box(grid):
    ink = grid.reshape(28, 28) > INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def slant(grid):
    return float(skew(np.asarray(grid, dtype=np.float32).reshape(1, 28, 28))[0][0])


def test_upright_mnist_digits_are_left_exactly_unchanged(mnist_test):
    images, _ = mnist_test
    upright = [x for x in images if abs(slant(x)) < MIN_SKEW]
    assert len(upright) > 1000
    changed = [i for i, x in enumerate(upright) if not np.array_equal(normalize(x), x)]
    assert changed == [], f"{len(changed)} of {len(upright)} upright MNIST test digits changed, e.g. #{changed[:5]}"


def test_slant_is_taken_out_of_every_digit(mnist_test):
    images, _ = mnist_test
    before = np.array([slant(x) for x in images[:500]])
    after = np.array([slant(normalize(x)) for x in images[:500]])
    assert np.mean(np.abs(before) >= MIN_SKEW) > 0.5  # most MNIST digits lean
    assert np.all(np.abs(after) < MIN_SKEW), np.abs(after).max()


@pytest.mark.parametrize("lean", [-0.45, -0.2, 0.2, 0.45])
def test_a_leaning_one_stands_up(lean):
    """A bar leaning either way becomes the same upright bar."""
    grid = np.zeros((28, 28), dtype=np.float32)
    rows = np.arange(4, 24)
    for r in rows:
        c = 14 + lean * (14 - r)
        grid[r, int(np.floor(c)) - 1:int(np.floor(c)) + 2] = 1.0
    out = normalize(grid).reshape(28, 28)
    assert abs(slant(out)) < MIN_SKEW
    ink_cols = np.flatnonzero(out.max(axis=0) > 0.5)
    assert ink_cols[-1] - ink_cols[0] <= 4  # upright: a few columns wide, not a diagonal


def test_batch_is_the_same_as_one_by_one(mnist_test):
    images, _ = mnist_test
    some = np.concatenate([images[:200], [shrink_into(images[0], 12, (16, 0)).reshape(-1), np.zeros(784)]])
    expected = np.array([to_bytes(normalize(x)) for x in some]) / np.float32(255)
    np.testing.assert_array_equal(normalize_batch(some), expected.astype(np.float32))
    assert normalize_batch(np.zeros((0, 784))).shape == (0, 784)


def test_normalize_is_idempotent_on_its_own_output(mnist_test):
    images, _ = mnist_test
    for x in images[:300]:
        once = normalize(shrink_into(x, 12, (16, 0)))
        np.testing.assert_array_equal(normalize(once), once)


@pytest.mark.parametrize("side, corner", [(14, (0, 0)), (14, (14, 14)), (10, (18, 0)), (10, (0, 18))])
def test_shrunk_digit_in_a_corner_comes_back(mnist_test, side, corner):
    images, _ = mnist_test
    diffs, corr, corr_before = [], [], []
    for x in images[:100]:
        moved = shrink_into(x, side, corner).reshape(-1)
        out = normalize(moved)
        assert BOX_TOLERANCE[0] <= max(ink_box(out)) <= BOX_TOLERANCE[1]
        target = normalize(x)  # the original digit, as the network sees it
        diffs.append(np.abs(out - target).mean())
        corr.append(np.corrcoef(out, target)[0, 1])
        corr_before.append(np.corrcoef(moved, target)[0, 1])
    diffs, corr, corr_before = map(np.array, (diffs, corr, corr_before))
    # Resampling down and up again blurs the strokes, so not identical: but close to the original,
    # and far closer than the shrunk, moved digit was.
    assert diffs.mean() < 0.09, diffs.mean()
    assert diffs.max() < 0.2, diffs.max()
    assert corr.mean() > 0.75, corr.mean()
    assert np.all(corr > corr_before + 0.2)


def test_output_centre_of_mass_near_14_14(mnist_test):
    images, _ = mnist_test
    for x in images[:200]:
        for grid in (shrink_into(x, 12, (0, 16)), np.roll(x.reshape(28, 28), (3, -4), axis=(0, 1))):
            cy, cx = centre_of_mass(normalize(grid).reshape(28, 28))
            assert abs(cy - 14.0) <= 0.5 + 1e-5 and abs(cx - 14.0) <= 0.5 + 1e-5, (cy, cx)


def test_shifted_digit_moves_back_exactly(mnist_test):
    images, _ = mnist_test
    for x in images[:50]:
        grid = x.reshape(28, 28)
        rows = np.flatnonzero(grid.any(axis=1))
        cols = np.flatnonzero(grid.any(axis=0))
        dy = min(3, 27 - rows[-1])
        dx = -min(3, cols[0])
        np.testing.assert_allclose(normalize(np.roll(grid, (dy, dx), axis=(0, 1))), normalize(x), atol=1e-5)


def test_empty_grid_stays_empty():
    out = normalize(np.zeros(784))
    assert out.shape == (784,) and out.dtype == np.float32 and not out.any()
    specks = np.zeros((28, 28))
    specks[3, 5] = specks[20, 20] = INK / 2  # too faint to count as ink
    np.testing.assert_array_equal(normalize(specks), specks.reshape(-1).astype(np.float32))


def test_accepts_flat_and_square_input():
    grid = np.zeros((28, 28))
    grid[5:9, 5:20] = 1.0
    np.testing.assert_array_equal(normalize(grid), normalize(grid.reshape(-1)))


def test_does_not_modify_its_input(mnist_test):
    moved = shrink_into(mnist_test[0][0], 10, (0, 0))
    keep = moved.copy()
    normalize(moved)
    np.testing.assert_array_equal(moved, keep)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, (28, 28), elements=st.floats(0, 1, width=32)))
def test_output_is_784_values_in_range(grid):
    out = normalize(grid)
    assert out.shape == (784,) and out.dtype == np.float32
    assert np.all(np.isfinite(out)) and out.min() >= 0.0 and out.max() <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 27), st.integers(0, 27), st.integers(1, 27), st.integers(1, 27))
def test_any_bar_becomes_mnist_sized_and_centred(r, c, h, w):
    grid = np.zeros((28, 28), dtype=np.float32)
    grid[r:r + h, c:c + w] = 1.0
    out = normalize(grid)
    assert BOX_TOLERANCE[0] <= max(ink_box(out)) <= BOX_TOLERANCE[1]
    cy, cx = centre_of_mass(out.reshape(28, 28))
    assert abs(cy - 14.0) <= 1.0 and abs(cx - 14.0) <= 1.0
