"""Backpropagation against central finite differences, the flat parameter layout, and the optimizers."""
import numpy as np
import pytest

from mlp.training.backprop import FlatParams, forward_train, gradients, loss_and_delta
from mlp.network import Network
from mlp.training.optim import Optimizer

SIZES = (6, 5, 4, 3)


def random_problem(seed=0, n=7, soft=False, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = FlatParams(SIZES, dtype)
    params.flat[:] = rng.standard_normal(params.flat.size)
    x = rng.standard_normal((n, SIZES[0])).astype(dtype)
    if soft:
        y = rng.dirichlet(np.ones(SIZES[-1]), size=n).astype(dtype)
    else:
        y = np.eye(SIZES[-1], dtype=dtype)[rng.integers(0, SIZES[-1], n)]
    return params, x, y


def numeric_gradient(params, x, y, loss, h=1e-5):
    num = np.zeros_like(params.flat)
    for i in range(params.flat.size):
        keep = params.flat[i]
        params.flat[i] = keep + h
        up, _ = gradients(params, x, y, loss)
        params.flat[i] = keep - h
        down, _ = gradients(params, x, y, loss)
        params.flat[i] = keep
        num[i] = (up - down) / (2 * h)
    return num


def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.mark.parametrize("loss, soft", [("mse", False), ("cross_entropy", False), ("cross_entropy", True),
                                        ("bce", False), ("bce", True)])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_finite_differences(loss, soft, seed):
    params, x, y = random_problem(seed, soft=soft)
    _, grads = gradients(params, x, y, loss)
    analytic = grads.flat.copy()
    num = numeric_gradient(params, x, y, loss)
    assert np.linalg.norm(num) > 1e-3, "degenerate problem: the loss does not depend on the parameters"
    assert relative_error(analytic, num) < 1e-6
    # Every single component too, not just the norm.
    np.testing.assert_allclose(analytic, num, rtol=1e-5, atol=1e-8)


def test_finite_difference_check_can_fail():
    """The check above is not vacuous: the gradient of the wrong loss is far off."""
    params, x, y = random_problem(0)
    _, grads = gradients(params, x, y, "mse")
    assert relative_error(grads.flat.copy(), numeric_gradient(params, x, y, "cross_entropy")) > 1e-2


@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "bce"])
def test_loss_values_match_definitions(loss):
    params, x, y = random_problem(3, soft=(loss == "cross_entropy"))
    net = Network(params.weights, params.biases)
    acts, sums = net.forward(x, with_sums=True)
    if loss == "mse":
        expected = np.mean(0.5 * np.sum((acts[-1] - y) ** 2, axis=1))
    elif loss == "bce":
        a = acts[-1]
        expected = np.mean(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1))
    else:
        z = sums[-1]
        log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
        expected = np.mean(-np.sum(y * log_p, axis=1))
    value, _ = gradients(params, x, y, loss)
    assert value == pytest.approx(expected, rel=1e-12)


def test_forward_train_matches_network_forward():
    params, x, _ = random_problem(4)
    acts, z_out = forward_train(params, x)
    ref_acts, ref_sums = Network(params.weights, params.biases).forward(x, with_sums=True)
    for a, r in zip(acts, ref_acts):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(z_out, ref_sums[-1], rtol=1e-12, atol=1e-15)


def test_cross_entropy_is_stable_for_huge_sums():
    z = np.array([[1000.0, -1000.0, 0.0]])
    y = np.array([[1.0, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, delta = loss_and_delta(np.ones_like(z), z, y, "cross_entropy")
    assert value == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.isfinite(delta))


def test_unknown_loss_is_refused():
    params, x, y = random_problem(0)
    with pytest.raises(ValueError, match="unknown loss"):
        gradients(params, x, y, "hinge")


def test_float32_gradients_close_to_float64():
    p64, x, y = random_problem(5, n=32)
    p32 = FlatParams(SIZES, np.float32)
    p32.flat[:] = p64.flat
    for loss in ("mse", "cross_entropy"):
        _, g64 = gradients(p64, x, y, loss)
        _, g32 = gradients(p32, x.astype(np.float32), y.astype(np.float32), loss)
        assert g32.flat.dtype == np.float32
        assert relative_error(g32.flat.astype(np.float64), g64.flat) < 1e-5


def test_gradients_fill_the_given_buffer_and_repeat_exactly():
    params, x, y = random_problem(6, n=9, dtype=np.float32)
    grads = params.zeros_like()
    grads.flat[:] = np.nan
    value, out = gradients(params, x, y, "cross_entropy", grads)
    assert out is grads and np.all(np.isfinite(grads.flat))
    first = grads.flat.copy()
    # Different batch size in between (buffers are per batch shape), then the same batch again.
    gradients(params, x[:4], y[:4], "mse", grads)
    value2, _ = gradients(params, x, y, "cross_entropy", grads)
    assert value2 == value
    np.testing.assert_array_equal(grads.flat, first)


def test_forward_train_results_are_not_overwritten_by_later_calls():
    params, x, _ = random_problem(7, dtype=np.float32)
    acts, z_out = forward_train(params, x)
    keep = [a.copy() for a in acts], z_out.copy()
    forward_train(params, -x)
    gradients(params, -x, np.eye(3, dtype=np.float32)[[0] * len(x)], "cross_entropy")
    for a, k in zip(acts, keep[0]):
        np.testing.assert_array_equal(a, k)
    np.testing.assert_array_equal(z_out, keep[1])


# --- flat parameters -------------------------------------------------------------

def test_flat_params_layout_is_views():
    params = FlatParams((784, 16, 16, 10))
    assert params.flat.size == 13002 and params.flat.dtype == np.float32
    assert [w.shape for w in params.weights] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in params.biases] == [(16,), (16,), (10,)]
    for arr in params.weights + params.biases:
        assert np.shares_memory(arr, params.flat)
    params.flat[:] = np.arange(13002)
    assert params.weights[0][0, 0] == 0 and params.biases[0][0] == 784 * 16
    assert params.biases[-1][-1] == 13001


def test_from_arrays_round_trip():
    net = Network.random(seed=2)
    params = FlatParams.from_arrays(net.weights, net.biases)
    for a, b in zip(params.weights + params.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b)


# --- optimizers -------------------------------------------------------------------

def make_opt(kind, decay=0.0):
    params = FlatParams((3, 2))
    params.flat[:] = [0.5, -1.0, 2.0, 0.25, -0.5, 1.5, 0.1, -0.2]
    return params, params.zeros_like(), Optimizer(kind, params, decay)


def test_sgd_step():
    params, grads, opt = make_opt("sgd")
    start = params.flat.copy()
    g = np.linspace(-1, 1, 8, dtype=np.float32)
    grads.flat[:] = g
    opt.step(grads, 0.1)
    np.testing.assert_allclose(params.flat, start - 0.1 * g, rtol=1e-6)


def test_momentum_steps():
    params, grads, opt = make_opt("momentum")
    theta = params.flat.astype(np.float64)
    m = np.zeros(8)
    rng = np.random.default_rng(0)
    for _ in range(5):
        g = rng.standard_normal(8).astype(np.float32)
        grads.flat[:] = g
        opt.step(grads, 0.05)
        m = 0.9 * m + g
        theta -= 0.05 * m
    np.testing.assert_allclose(params.flat, theta, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("decay", [0.0, 0.01])
def test_adam_steps_match_reference(decay):
    params, grads, opt = make_opt("adam", decay)
    theta = params.flat.astype(np.float64)
    m, v = np.zeros(8), np.zeros(8)
    rng = np.random.default_rng(1)
    for t in range(1, 8):
        g = rng.standard_normal(8)
        grads.flat[:] = g
        opt.step(grads, 0.01)
        g = g + decay * theta
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
        theta -= 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(params.flat, theta, rtol=1e-5, atol=1e-6)


def test_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="unknown optimizer"):
        Optimizer("rmsprop", FlatParams((2, 2)))


# --- ReLU hidden layers --------------------------------------------------------------------

RELU = ("relu", "relu", "sigmoid")


def relu_problem(seed, n=7):
    params, x, y = random_problem(seed, n=n)
    relu = FlatParams(SIZES, np.float64, RELU)
    relu.flat[:] = params.flat
    return relu, x, y


@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "bce"])
@pytest.mark.parametrize("seed", [0, 1])
def test_relu_gradients_match_finite_differences(loss, seed):
    params, x, y = relu_problem(seed)
    acts, _ = forward_train(params, x)
    assert all((a == 0).any() and (a > 0).any() for a in acts[1:-1]), "every ReLU layer has neurons off and on"
    _, grads = gradients(params, x, y, loss)
    analytic = grads.flat.copy()
    num = numeric_gradient(params, x, y, loss)
    assert np.linalg.norm(num) > 1e-3
    np.testing.assert_allclose(analytic, num, rtol=1e-5, atol=1e-8)


def test_relu_check_can_fail():
    """Backprop through the ReLU layers as if they were sigmoids is far off: the check above sees the difference."""
    params, x, y = relu_problem(0)
    as_sigmoid = FlatParams(SIZES, np.float64)
    as_sigmoid.flat[:] = params.flat
    _, grads = gradients(as_sigmoid, x, y, "bce")
    assert relative_error(grads.flat.copy(), numeric_gradient(params, x, y, "bce")) > 1e-2


def test_relu_forward_train_matches_network_forward():
    params, x, _ = relu_problem(4)
    acts, z_out = forward_train(params, x)
    ref_acts, ref_sums = Network(params.weights, params.biases, activations=RELU).forward(x, with_sums=True)
    for a, r in zip(acts, ref_acts):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(z_out, ref_sums[-1], rtol=1e-12, atol=1e-15)
    assert params.zeros_like().activations == RELU
