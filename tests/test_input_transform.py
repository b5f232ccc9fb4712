"""Training on transformed inputs and folding the transform into layer 1 gives the same network."""
import numpy as np
import pytest

from mlp.training.backprop import FlatParams, forward_train
from mlp.training.input_transform import InputTransform
from mlp.network import Network


@pytest.mark.parametrize("make", [
    lambda x: InputTransform.identity(),
    lambda x: InputTransform.standardize(),
    lambda x: InputTransform.zca(x, 0.5),
])
def test_folding_the_transform_changes_nothing(make):
    rng = np.random.default_rng(0)
    images = rng.random((300, 784)).astype(np.float32) * (rng.random(784) < 0.3)
    transform = make(images)
    params = FlatParams((784, 16, 16, 10))
    params.flat[:] = rng.standard_normal(params.flat.size) * 0.1
    trained_view, _ = forward_train(params, transform.apply(images))
    weights, biases = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    weights[0], biases[0] = transform.fold(weights[0], biases[0])
    shipped_view = Network(weights, biases).forward(images)
    for a, b in zip(trained_view[1:], shipped_view[1:]):
        np.testing.assert_allclose(a, b, atol=2e-4)


def test_zca_decorrelates():
    rng = np.random.default_rng(1)
    mix = rng.standard_normal((20, 20))
    x = rng.standard_normal((5000, 20)) @ mix
    white = InputTransform.zca(x, 1e-6).apply(x)
    np.testing.assert_allclose(np.cov(white, rowvar=False), np.eye(20), atol=0.05)
