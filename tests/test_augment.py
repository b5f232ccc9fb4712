"""mlp/training/augment.py: random distortions of MNIST digits (rotation, shear, scale, shift, thickness, saturation)."""
import numpy as np
import pytest

from mlp.training import augment as aug
from mlp.preprocess import normalize_batch


@pytest.fixture(scope="module")
def digits(mnist_test):
    return mnist_test[0][:64]


def accuracy(net, x, y):
    """On the images as the server shows them to the network (deskewed, centred, 8-bit)."""
    return float(np.mean(net.predict(normalize_batch(x)) == y))


def test_augment_shape_dtype_range(digits):
    out = aug.augment(digits, np.random.default_rng(0))
    assert out.shape == digits.shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.all(np.isfinite(out))
    assert not np.array_equal(out, digits)
    # Distorted, still recognisably the same amount of ink (not wiped, not flooded).
    ink_before, ink_after = digits.sum(axis=1), out.sum(axis=1)
    assert np.all(ink_after > 0.4 * ink_before) and np.all(ink_after < 3.0 * ink_before)


def test_augment_reproducible_with_same_seed(digits):
    a = aug.augment(digits, np.random.default_rng(42))
    b = aug.augment(digits, np.random.default_rng(42))
    c = aug.augment(digits, np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_augment_none_leaves_images_unchanged(digits):
    out = aug.augment(digits, np.random.default_rng(0), aug.NONE)
    np.testing.assert_array_equal(out, digits)
    assert out.shape == digits.shape and out.dtype == np.float32


def test_augment_does_not_modify_its_input(digits):
    keep = digits.copy()
    aug.augment(digits, np.random.default_rng(0))
    np.testing.assert_array_equal(digits, keep)


def test_augment_keeps_digits_recognisable(shipped, mnist_test):
    """The network still reads most distorted digits: the distortions are mild (the default strength,
    stronger than the mild one the shipped network was trained with)."""
    net = shipped
    tx, ty = mnist_test[0][:1000], mnist_test[1][:1000]
    clean = accuracy(net, tx, ty)
    distorted = accuracy(net, aug.augment(tx, np.random.default_rng(0)), ty)
    assert distorted > 0.5 * clean


def test_augment_empty_batch():
    out = aug.augment(np.zeros((0, 784), dtype=np.float32), np.random.default_rng(0))
    assert out.shape == (0, 784)
