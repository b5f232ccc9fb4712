"""The JSON API through Flask's test client, with the shipped network."""
import base64

import numpy as np
from PIL import Image

from mlp import weights_io


def predict(client, pixels):
    response = client.post("/api/predict", json={"pixels": [float(v) for v in np.ravel(pixels)]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def shrink_into_corner(image, size=14, top=1, left=13):
    """An MNIST digit drawn small and off-centre, as a person might."""
    small = Image.fromarray(image.reshape(28, 28), mode="F").resize((size, size), Image.Resampling.BILINEAR)
    grid = np.zeros((28, 28), dtype=np.float32)
    grid[top:top + size, left:left + size] = np.clip(np.asarray(small), 0, 1)
    return grid


def test_reply_has_every_layer(client, mnist_test):
    images, labels = mnist_test
    reply = predict(client, images[0])
    assert [len(a) for a in reply["activations"]] == [784, 16, 16, 10]
    assert [len(z) for z in reply["weighted_sums"]] == [16, 16, 10]
    assert all(0.0 <= v <= 1.0 for layer in reply["activations"] for v in layer)
    assert abs(sum(reply["probabilities"]) - 1.0) <= 10 * 0.5e-4 + 1e-9
    assert reply["prediction"] == int(np.argmax(reply["activations"][-1])) == int(np.argmax(reply["probabilities"]))
    assert reply["empty"] is False


def test_mnist_digits_are_read_as_normalize_makes_them(client, mnist_test):
    from mlp.preprocess import normalize, to_bytes
    images, labels = mnist_test
    for image in images[:20]:
        reply = predict(client, image)
        # An MNIST digit is already boxed and centred; the network sees it with its slant taken out.
        assert np.abs(np.array(reply["activations"][0]) - to_bytes(normalize(image)) / 255).max() < 1e-4
    correct = sum(predict(client, im)["prediction"] == lab for im, lab in zip(images[:200], labels[:200]))
    assert correct >= 185


def test_small_digit_in_a_corner_is_seen_like_the_centred_one(client, mnist_test):
    images, labels = mnist_test
    same, diffs = 0, []
    for image in images[:100]:
        centred = predict(client, image)
        cornered = predict(client, shrink_into_corner(image))
        same += cornered["prediction"] == centred["prediction"]
        diffs.append(np.abs(np.array(cornered["activations"][0]) - np.array(centred["activations"][0])).mean())
    assert same >= 90, f"only {same}/100 small corner digits got the centred digit's answer"
    assert np.mean(diffs) < 0.08


def floats(b64):
    raw = base64.b64decode(b64, validate=True)
    return np.frombuffer(raw, dtype="<f4")


def test_compact_form_gives_the_same_answer_as_numbers(client, app, mnist_test):
    """Pixels sent as base64 bytes (what the page sends): every array of the reply comes back
    as base64 too, and holds the same values as the numbers reply (to its 4 decimals)."""
    images, _ = mnist_test
    network = weights_io.load(app.config["WEIGHTS"])
    for image in [images[1], shrink_into_corner(images[2]), np.zeros(784)]:
        grey = np.round(np.ravel(image) * 255).astype(np.uint8)
        numbers = predict(client, grey / 255)
        response = client.post("/api/predict", json={"pixels": base64.b64encode(grey.tobytes()).decode()})
        assert response.status_code == 200, response.get_json()
        compact = response.get_json()
        assert list(compact) == ["prediction", "empty", "activations", "weighted_sums", "probabilities", "network"]
        assert (compact["prediction"], compact["empty"]) == (numbers["prediction"], numbers["empty"])
        seen = np.frombuffer(base64.b64decode(compact["activations"][0], validate=True), dtype=np.uint8)
        assert seen.shape == (784,)
        assert np.abs(seen / 255 - np.array(numbers["activations"][0])).max() < 1e-4
        layers = [floats(a) for a in compact["activations"][1:]]
        sums = [floats(z) for z in compact["weighted_sums"]]
        assert [len(a) for a in layers] == [16, 16, 10] and [len(z) for z in sums] == [16, 16, 10]
        for got, want in zip(layers + sums + [floats(compact["probabilities"])],
                             numbers["activations"][1:] + numbers["weighted_sums"] + [numbers["probabilities"]]):
            assert np.abs(got - np.array(want)).max() <= 0.5e-4 + 1e-6
        # The network saw exactly the 8-bit input it reports.
        expected, _ = network.forward(seen.astype(np.float32) / 255, with_sums=True)
        assert np.allclose(layers[-1], expected[-1], atol=1e-6)


def test_empty_drawing_has_a_defined_answer(client):
    reply = predict(client, np.zeros(784))
    assert reply["empty"] is True and reply["prediction"] is None
    assert [len(a) for a in reply["activations"]] == [784, 16, 16, 10]
    assert abs(sum(reply["probabilities"]) - 1.0) <= 10 * 0.5e-4 + 1e-9  # ten values, each rounded to 4 places
    # Nothing drawn, nothing believed: every output neuron stays dark.
    assert max(reply["activations"][-1]) < 0.5


def test_network_route_gives_the_loaded_weights(client, app):
    response = client.get("/api/network")
    assert response.status_code == 200
    body = response.get_json()
    assert body["sizes"] == [784, 16, 16, 10] and body["n_params"] == 13002
    network = weights_io.load(app.config["WEIGHTS"])
    for layer, w, b in zip(body["layers"], network.weights, network.biases):
        decoded = np.frombuffer(base64.b64decode(layer["weights"]), dtype="<f4").reshape(layer["shape"])
        np.testing.assert_array_equal(decoded, w)
        np.testing.assert_allclose(layer["biases"], b, atol=1e-6)
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get("/api/network", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_page_shows_the_video_facts(client):
    html = client.get("/").get_data(as_text=True)
    assert "784 → 16 → 16 → 10" in html and "13,002" in html
