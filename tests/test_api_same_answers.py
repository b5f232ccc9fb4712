"""A prediction made cheaper answers exactly as before (issue 23, the cost of a prediction).

The server normalizes one drawing at a time with a lean copy of the deskew (mlp/preprocess.py's
_skew_one and _deskew_one) and reads bodies straight from the server; training normalizes in
batches with the plain one (normalize_batch: skew and deskew over N grids). Here /api/predict's
reply, byte for byte, is the reply made from the plain path's grid, on thousands of real grids:
MNIST test digits, pen digits rendered by the page's own rule, random strokes, and the edge cases
(nothing drawn, faint specks at the ink threshold, ink at the edges, every slant of a bar).
"""
import base64
import json

import numpy as np
import pytest

from mlp.digit import INK
from mlp.preprocess import _deskew_one, _skew_one, deskew, normalize, normalize_batch, skew, to_bytes
from web.reply import infer


def random_strokes(count, seed=0):
    """Random walks of ink, as a quick hand might leave them: 8-bit grey, anywhere on the grid."""
    rng = np.random.default_rng(seed)
    grids = np.zeros((count, 28, 28), dtype=np.float32)
    for grid in grids:
        r, c = rng.integers(2, 26, size=2)
        for _ in range(rng.integers(5, 150)):
            r, c = np.clip([r + rng.integers(-1, 2), c + rng.integers(-1, 2)], 0, 27)
            grid[r, c] = rng.uniform(0.3, 1.0)
    return grids.reshape(count, -1)


def edge_cases():
    """Grids at the edges of every decision the normalization makes."""
    grids = [np.zeros(784), np.ones(784)]
    threshold = np.float32(INK)
    for value in (threshold, np.nextafter(threshold, np.float32(1)), np.nextafter(threshold, np.float32(0))):
        speck = np.zeros(784, dtype=np.float32)
        speck[[30, 400, 777]] = value
        grids.append(speck)
    for corner in (0, 27, 756, 783):
        one = np.zeros(784)
        one[corner] = 1
        grids.append(one)
    for lean in np.linspace(-1.2, 1.2, 49):  # beyond MAX_SKEW either way, through MIN_SKEW
        bar = np.zeros((28, 28))
        for r in range(2, 26):
            c = 14 + lean * (14 - r)
            bar[r, int(np.clip(np.floor(c), 0, 26)):int(np.clip(np.floor(c), 0, 26)) + 2] = 1.0
        grids.append(bar.reshape(-1))
    edge = np.zeros((28, 28))
    edge[:, 0] = edge[:, 27] = edge[0, :] = 1.0  # ink along the edges: deskewing pushes some of it out
    grids.append(edge.reshape(-1))
    return np.array(grids, dtype=np.float32)


@pytest.fixture(scope="module")
def grids(mnist_test):
    from mlp.training import pendigits, strokes  # the page's rule for pen strokes (the training install)
    images, _ = mnist_test
    pen = np.array([strokes.render(d.strokes) for d in pendigits.load(pendigits.data_dir())[:2000]])
    walks = random_strokes(1000)
    every = np.concatenate([images[:3000], pen, walks, edge_cases()])
    return to_bytes(every).reshape(len(every), 784)  # 8-bit, as the page and the compact form send them


def test_one_grid_deskew_is_the_batch_deskew_bit_for_bit(grids):
    pixels = grids.astype(np.float32) / np.float32(255)
    squares = pixels.reshape(-1, 28, 28)
    alpha, cy = skew(squares)
    plain = deskew(squares)
    for i, grid in enumerate(squares):
        slant, row = _skew_one(grid)
        assert np.float64(slant).tobytes() == alpha[i].tobytes() and row.tobytes() == cy[i].tobytes(), i
        assert _deskew_one(grid).tobytes() == plain[i].tobytes(), i
    assert np.mean(np.abs(alpha) >= 0.05) > 0.3  # many of them were deskewed, not only copied


def test_sums_of_a_float64_copy_are_the_sums_converted_on_the_way():
    """_skew_one and centre_of_mass convert a grid to float64 once and sum that: the same sums, bit for bit,
    as summing the float32 grid with dtype=float64 (what skew does), on grids of any floats, not only 8-bit ones."""
    rng = np.random.default_rng(3)
    n = (300, 28, 28)
    every = np.concatenate([rng.random(n), rng.random(n) ** 8 * (rng.random(n) < 0.3),  # dense, sparse and faint,
                            10.0 ** rng.uniform(-30, 0, n) * (rng.random(n) < 0.2)]).astype(np.float32)  # tiny
    for grid in every:
        once = grid[None].astype(np.float64)
        for axis in ((1, 2), 2, 1):  # _skew_one's, on (1, 28, 28)
            assert (np.add.reduce(once, axis=axis).tobytes()
                    == np.add.reduce(grid[None], axis=axis, dtype=np.float64).tobytes()), axis
        for axis in (1, 0):  # centre_of_mass's, on (28, 28)
            assert (np.add.reduce(once[0], axis=axis).tobytes()
                    == np.add.reduce(grid, axis=axis, dtype=np.float64).tobytes()), axis


def test_predict_answers_as_the_plain_path_byte_for_byte(app, grids):
    """Each reply as the page asks for it (base64 bytes in and out) against the reply made from
    normalize_batch's grid (the plain, batched deskew), network and JSON as the app writes them."""
    client = app.test_client()
    network = app.extensions["networks"].default
    plain = normalize_batch(grids.astype(np.float32) / np.float32(255))
    with app.app_context():
        for i, grey in enumerate(grids):
            body = json.dumps({"pixels": base64.b64encode(grey.tobytes()).decode()})
            got = client.post("/api/predict", data=body, content_type="application/json")
            expected = app.json.response({**infer(network.network, plain[i], compact=True, preprocess=False),
                                          "network": network.id})
            assert got.status_code == 200 and got.get_data() == expected.get_data(), i
            assert got.headers["Content-Type"] == expected.headers["Content-Type"]


@pytest.mark.parametrize("options", [{}, {"preprocess": False}, {"silenced": [[1, 3], [2, 0]]}],
                         ids=["numbers", "numbers, not normalized", "numbers, two silenced"])
def test_the_other_forms_answer_as_before(app, grids, options):
    """The numbers form, the grid as sent, silenced neurons: the same bytes as the plain path's."""
    client = app.test_client()
    network = app.extensions["networks"].default
    some = grids[::20]
    pixels = some.astype(np.float32) / np.float32(255)
    plain = pixels if options.get("preprocess") is False else normalize_batch(pixels)
    silenced = [tuple(p) for p in options.get("silenced", [])]
    with app.app_context():
        for i, grey in enumerate(some):
            got = client.post("/api/predict", json={"pixels": [int(k) / 255 for k in grey], **options})
            expected = app.json.response({**infer(network.network, plain[i], preprocess=False, silenced=silenced),
                                          "network": network.id})
            assert got.status_code == 200 and got.get_data() == expected.get_data(), i


def test_normalize_of_one_grid_is_the_batchs(grids):
    pixels = grids.astype(np.float32) / np.float32(255)
    ones = np.array([to_bytes(normalize(x)) for x in pixels])
    np.testing.assert_array_equal(ones.astype(np.float32) / np.float32(255), normalize_batch(pixels))
