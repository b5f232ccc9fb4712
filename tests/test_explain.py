"""mlp.explain: gradient x input maps checked against finite differences of the real network,
and silenced neurons in the forward pass."""
import numpy as np
import pytest

from tests.grids import seven_grid
from mlp import explain, weights_io
from mlp.network import Network


@pytest.fixture(scope="module")
def shipped():
    return weights_io.load(weights_io.DEFAULT_WEIGHTS)


def seven():
    return seven_grid()


def output_sums(net, x, silenced=None):
    return net.forward(np.asarray(x, np.float64), with_sums=True, silenced=silenced)[1][-1]


@pytest.mark.parametrize("silenced", [None, [(1, 3), (2, 0), (2, 5)]])
def test_gradient_matches_finite_differences_of_the_real_network(shipped, silenced):
    net = Network([w.astype(np.float64) for w in shipped.weights], [b.astype(np.float64) for b in shipped.biases])
    x = seven()
    rng = np.random.default_rng(0)
    direction = rng.standard_normal(10)
    analytic = explain.gradient(net, x, direction, silenced)
    h = 1e-6
    pixels = np.concatenate([np.flatnonzero(x)[:40], rng.choice(784, 40, replace=False)])
    for i in pixels:
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric = (output_sums(net, up, silenced) - output_sums(net, down, silenced)) @ direction / (2 * h)
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8), i


def test_maps_are_gradient_times_input_for_the_two_brightest(shipped):
    x = seven()
    result = explain.explain(shipped, x)
    acts = shipped.forward(x.astype(np.float32))[-1]
    assert result["winner"] == int(np.argmax(acts)) == 7
    assert result["runner_up"] == int(np.argsort(acts)[-2])
    for d, m in zip((result["winner"], result["runner_up"]), result["maps"]):
        assert m.shape == (784,)
        np.testing.assert_allclose(m, x * explain.gradient(shipped, x, np.eye(10)[d]), rtol=1e-12)
        assert not m[x == 0].any()  # no ink, no push
    # Without hidden layers the map is exactly each pixel's share of the weighted sum.
    linear = Network([shipped.weights[0][:10].astype(np.float64)], [np.zeros(10)])
    r = explain.explain(linear, x)
    np.testing.assert_allclose(r["maps"][0].sum(), output_sums(linear, x)[r["winner"]], rtol=1e-9)


def test_the_advice_moves_the_answer_the_way_it_says(shipped):
    x = seven()
    result = explain.explain(shipped, x)
    w, r = result["winner"], result["runner_up"]

    def margin(v):
        z = output_sums(shipped, v)
        return z[w] - z[r]

    add, remove = x.copy(), x.copy()
    row, col = divmod(result["add_ink"]["pixel"], 28)
    add.reshape(28, 28)[max(0, row - 1):row + 2, max(0, col - 1):col + 2] = 1.0
    row, col = divmod(result["remove_ink"]["pixel"], 28)
    remove.reshape(28, 28)[max(0, row - 1):row + 2, max(0, col - 1):col + 2] = 0.0
    assert margin(add) < margin(x) and margin(remove) < margin(x)
    assert result["add_ink"]["region"][0] in explain.REGION_ROWS


def test_silenced_neurons_are_zero_and_change_what_follows(shipped):
    x = seven().astype(np.float32)
    plain = shipped.forward(x)
    off = shipped.forward(x, silenced=[(1, 2), (2, 7)])
    assert off[1][2] == 0 and off[2][7] == 0
    np.testing.assert_array_equal(np.delete(off[1], 2), np.delete(plain[1], 2))
    assert not np.allclose(off[3], plain[3])
    batch = shipped.forward(np.stack([x, x]), silenced=[(1, 2)])
    assert (batch[1][:, 2] == 0).all()


@pytest.mark.parametrize("bad, says", [([(0, 1)], "not a hidden layer"), ([(3, 0)], "not a hidden layer"),
                                       ([(1, 16)], "neurons 0 to 15"), ([(2, -1)], "neurons 0 to 15")])
def test_silencing_a_neuron_that_does_not_exist_is_refused(shipped, bad, says):
    with pytest.raises(ValueError, match=says):
        shipped.forward(np.zeros(784, np.float32), silenced=bad)


def test_gradient_through_relu_layers_matches_finite_differences(shipped):
    # The video's weights with ReLU hidden layers: some neurons on, some off for the seven.
    net = Network([w.astype(np.float64) for w in shipped.weights], [b.astype(np.float64) for b in shipped.biases],
                  activations=["relu", "relu", "sigmoid"])
    x = seven()
    hidden = net.forward(x)[1:3]
    assert all((a == 0).any() and (a > 1).any() for a in hidden)
    direction = np.random.default_rng(1).standard_normal(10)
    analytic = explain.gradient(net, x, direction)
    as_sigmoid = explain.gradient(shipped, x, direction)
    assert not np.allclose(analytic, as_sigmoid)  # the check below can tell the two apart
    h = 1e-6
    for i in np.flatnonzero(x)[:60]:
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric = (output_sums(net, up) - output_sums(net, down)) @ direction / (2 * h)
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8), i
