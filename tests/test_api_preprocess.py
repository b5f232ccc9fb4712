"""POST /api/predict's "preprocess" flag: false gives the network the grid as sent (the page's
"without pre-processing" switch), true or absent normalizes it as MNIST's digits were."""
import base64

import numpy as np
import pytest

from mlp.preprocess import normalize, to_bytes


def post(client, body):
    return client.post("/api/predict", json=body)


def corner_digit(image):
    """An MNIST digit shrunk to 10x10 and drawn in the top-left corner, as a person might."""
    grid = np.zeros((28, 28), dtype=np.float32)
    grid[1:11, 1:11] = image.reshape(28, 28)[4:24:2, 4:24:2]
    return grid.reshape(-1)


def test_without_preprocessing_the_network_sees_the_grid_as_sent(client, mnist_test):
    images, _ = mnist_test
    pixels = corner_digit(images[0])
    raw = post(client, {"pixels": pixels.tolist(), "preprocess": False})
    assert raw.status_code == 200, raw.get_json()
    seen = np.array(raw.get_json()["activations"][0])
    assert np.abs(seen - to_bytes(pixels) / 255).max() < 1e-4, "the grid as sent, in 8-bit grey levels"
    assert seen.reshape(28, 28)[14:, :].max() == 0, "nothing moved into the middle"

    normal = post(client, {"pixels": pixels.tolist()}).get_json()
    assert np.abs(np.array(normal["activations"][0]) - to_bytes(normalize(pixels)) / 255).max() < 1e-4
    assert normal["activations"][0] != raw.get_json()["activations"][0], "the two ways see different inputs"
    assert post(client, {"pixels": pixels.tolist(), "preprocess": True}).get_json() == normal, "true is the default"


def test_without_preprocessing_many_corner_digits_are_misread(client, mnist_test):
    # Why the step exists, measured: the same small corner digits, with and without it.
    images, labels = mnist_test
    right = {True: 0, False: 0}
    for image, label in zip(images[:40], labels[:40]):
        for flag in (True, False):
            reply = post(client, {"pixels": corner_digit(image).tolist(), "preprocess": flag}).get_json()
            right[flag] += reply["prediction"] == int(label)
    assert right[True] > right[False] + 10, right


def test_the_compact_form_takes_the_flag_too(client, mnist_test):
    images, _ = mnist_test
    grey = to_bytes(corner_digit(images[1]))
    body = {"pixels": base64.b64encode(grey.tobytes()).decode(), "preprocess": False}
    reply = post(client, body).get_json()
    assert base64.b64decode(reply["activations"][0]) == grey.tobytes(), "exactly the bytes sent"


def test_an_empty_drawing_without_preprocessing_is_still_empty(client):
    reply = post(client, {"pixels": [0] * 784, "preprocess": False}).get_json()
    assert reply["empty"] is True and reply["prediction"] is None


@pytest.mark.parametrize("value", [0, 1, "false", "no", None, [], {}, 0.0])
def test_anything_but_a_boolean_is_refused_clearly(client, value):
    response = post(client, {"pixels": [0] * 784, "preprocess": value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith("'preprocess' must be true or false (default true), got "), error
