"""The network itself: sigmoid, softmax, forward pass against a hand computation, sizes."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp.network import DEFAULT_SIZES, Network, sigmoid, softmax


# --- sigmoid ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_extremes_do_not_overflow(dtype):
    info = np.finfo(dtype)
    z = np.array([-np.inf, -info.max, -1e30, -1000.0, -104.0, -89.0, -88.0, -20.0, -info.tiny, 0.0,
                  info.tiny, 20.0, 88.0, 89.0, 104.0, 1000.0, 1e30, info.max, np.inf], dtype=dtype)
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
    assert s.dtype == dtype
    assert np.all(np.isfinite(s))
    assert np.all((s >= 0.0) & (s <= 1.0))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert s[9] == 0.5
    assert np.all(np.diff(s) >= 0), "sigmoid must be non-decreasing"
    # Far from 0 it saturates.
    assert s[1] == 0.0 and s[-2] == 1.0


def test_sigmoid_known_values():
    z = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-15, atol=1e-16)
    assert sigmoid(np.float64(1.0)) == pytest.approx(0.7310585786300049, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_sigmoid_symmetric_and_in_range(z):
    # Underflow is allowed: halving a subnormal z rounds it to 0, which is harmless.
    with np.errstate(all="raise", under="ignore"):
        a, b = sigmoid(np.float64(z)), sigmoid(np.float64(-z))
    assert 0.0 <= a <= 1.0
    assert a + b == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-7), (np.float64, 1e-15)])
def test_sigmoid_symmetric_arrays(dtype, tol):
    z = np.linspace(-60, 60, 2001).astype(dtype)
    with np.errstate(all="raise"):
        s, t = sigmoid(z), sigmoid(-z)
    np.testing.assert_allclose(s + t, 1.0, atol=tol * 2)
    np.testing.assert_array_equal(s, s[::-1][::-1])


# --- softmax ---------------------------------------------------------------

def test_softmax_sums_to_one_without_overflow():
    z = np.array([[1000.0, 999.0, -1000.0], [0.0, 0.0, 0.0], [-1e300, 0.0, 1e300]])
    with np.errstate(over="raise", invalid="raise"):
        p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[1], 1 / 3)
    assert p[0, 0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert p[2, 2] == 1.0


# --- forward pass ------------------------------------------------------------

def tiny_network(dtype=np.float64):
    # 2 inputs -> 2 hidden -> 1 output.
    w1 = np.array([[1.0, -1.0], [0.5, 2.0]], dtype=dtype)
    b1 = np.array([0.0, -0.5], dtype=dtype)
    w2 = np.array([[2.0, -3.0]], dtype=dtype)
    b2 = np.array([0.5], dtype=dtype)
    return Network([w1, w2], [b1, b2])


def test_forward_matches_hand_computation():
    # x = (1, 0.5)
    # z1 = (1*1 - 1*0.5 + 0, 0.5*1 + 2*0.5 - 0.5) = (0.5, 1.0)
    # a1 = (1/(1+e^-0.5), 1/(1+e^-1)) = (0.6224593312018546, 0.7310585786300049)
    # z2 = 2*0.62245933 - 3*0.73105858 + 0.5 = -0.4482570734863056
    # a2 = 1/(1+e^0.4482570734863056) = 0.38977524226690924
    net = tiny_network()
    acts, sums = net.forward(np.array([1.0, 0.5]), with_sums=True)
    assert len(acts) == 3 and len(sums) == 2
    np.testing.assert_array_equal(acts[0], [1.0, 0.5])
    np.testing.assert_allclose(sums[0], [0.5, 1.0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(acts[1], [0.6224593312018546, 0.7310585786300049], rtol=0, atol=1e-12)
    np.testing.assert_allclose(sums[1], [-0.4482570734863056], rtol=0, atol=1e-12)
    np.testing.assert_allclose(acts[2], [0.38977524226690924], rtol=0, atol=1e-12)


def test_forward_float32_close_to_hand_computation():
    net = tiny_network(np.float32)
    out = net.forward(np.array([1.0, 0.5]))[-1]
    assert out.dtype == np.float32
    assert out[0] == pytest.approx(0.38977524226690924, abs=1e-6)


def test_batch_rows_equal_single_images():
    net = Network.random(seed=3)
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    batch = net.forward(x)
    assert [a.shape for a in batch] == [(5, 784), (5, 16), (5, 16), (5, 10)]
    for i in range(5):
        single = net.forward(x[i])
        for a_b, a_s in zip(batch, single):
            np.testing.assert_allclose(a_b[i], a_s, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(net.predict(x), batch[-1].argmax(axis=1))
    assert int(net.predict(x[0])) == int(batch[-1][0].argmax())


def test_forward_rejects_wrong_input_size():
    with pytest.raises(ValueError, match="784"):
        Network.random().forward(np.zeros(783))


def test_constructor_checks_shapes():
    w = [np.zeros((3, 4)), np.zeros((2, 3))]
    b = [np.zeros(3), np.zeros(2)]
    Network(w, b)
    with pytest.raises(ValueError):
        Network(w, b[:1])
    with pytest.raises(ValueError):
        Network(w, [np.zeros(3), np.zeros(3)])
    with pytest.raises(ValueError):
        Network([np.zeros((3, 4)), np.zeros((2, 5))], b)
    with pytest.raises(ValueError):
        Network([], [])


# --- sizes -------------------------------------------------------------------

def test_default_network_has_13002_parameters():
    net = Network.random()
    assert DEFAULT_SIZES == (784, 16, 16, 10)
    assert net.sizes == (784, 16, 16, 10)
    assert net.n_params == 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10 == 13002


def test_random_is_reproducible_and_scaled():
    a, b, c = Network.random(seed=1), Network.random(seed=1), Network.random(seed=2)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert a.weights[0].dtype == np.float32
    assert 0.5 / np.sqrt(784) < a.weights[0].std() < 2 / np.sqrt(784)
    assert all(np.all(bias == 0) for bias in a.biases)


# --- activations: sigmoid or ReLU in the hidden layers, the outputs sigmoid -----------------

def test_relu_hidden_layers_compute_max_zero_and_can_exceed_one():
    rng = np.random.default_rng(2)
    w = [rng.standard_normal((5, 6)) * 3, rng.standard_normal((4, 5))]
    b = [rng.standard_normal(5), rng.standard_normal(4)]
    net = Network(w, b, activations=["relu", "sigmoid"])
    x = rng.random(6)
    acts, sums = net.forward(x, with_sums=True)
    np.testing.assert_allclose(acts[1], np.maximum(w[0] @ x + b[0], 0), rtol=1e-12, atol=0)
    np.testing.assert_allclose(acts[2], 1 / (1 + np.exp(-(w[1] @ acts[1] + b[1]))), rtol=1e-12)
    assert acts[1].max() > 1 and (acts[1] == 0).any()  # unbounded above, off below 0
    assert net.activations == ("relu", "sigmoid")


def test_activations_default_to_sigmoid_and_are_checked():
    w, b = [np.zeros((3, 4)), np.zeros((2, 3))], [np.zeros(3), np.zeros(2)]
    assert Network(w, b).activations == ("sigmoid", "sigmoid")
    assert Network.random((4, 3, 2), activations=["relu", "sigmoid"]).activations == ("relu", "sigmoid")
    for bad, says in ((["relu", "relu"], "output layer's activation must be 'sigmoid'"),
                      (["tanh", "sigmoid"], "layer 1: activation 'tanh'"),
                      (["sigmoid"], "one activation per layer")):
        with pytest.raises(ValueError, match=says):
            Network(w, b, activations=bad)


def test_silenced_relu_neurons_are_zero():
    net = Network.random((784, 8, 10), seed=1, activations=["relu", "sigmoid"])
    x = np.random.default_rng(0).random(784, dtype=np.float32)
    on = net.forward(x)[1]
    lit = int(np.argmax(on))
    assert on[lit] > 0 and net.forward(x, silenced=[(1, lit)])[1][lit] == 0
