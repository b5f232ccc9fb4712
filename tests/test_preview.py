"""The link-preview picture: the same picture the first, slow version drew, now from a template.

The reference below is the first version's drawing (PIL's own calls on an RGB
canvas); the fast renderer must give the same picture to within the palette's
steps. Its speed is measured by benchmarks/preview_speed.py, not here.
"""
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from mlp import weights_io
from mlp.network import Network
from web import preview
from web.reply import infer


def reference(pixels, prediction, probabilities):
    """The first version of preview.render (without its PNG step), as an RGB array."""
    font = lambda size: ImageFont.load_default(size=size)  # noqa: E731
    canvas = Image.new("RGB", (1200, 630), preview.BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    grid = np.clip(np.asarray(pixels, dtype=np.float32).reshape(28, 28), 0, 1)
    ink = np.array([255, 255, 255], dtype=np.float32)
    rgb = (np.asarray(preview.BACKGROUND, dtype=np.float32) * (1 - grid[..., None]) + ink * grid[..., None])
    canvas.paste(Image.fromarray(rgb.astype(np.uint8), "RGB").resize((560, 560), Image.Resampling.NEAREST), (45, 35))
    draw.rectangle((43, 33, 45 + 560 + 1, 35 + 560 + 1), outline=preview.FRAME, width=2)
    x0 = 45 + 560 + 60
    draw.text((x0, 40), "The network reads", font=font(34), fill=preview.MUTED)
    draw.text((x0, 80), "?" if prediction is None else str(int(prediction)), font=font(220),
              fill=preview.ACCENT if prediction is not None else preview.MUTED)
    if prediction is None:
        draw.text((x0 + 150, 170), "nothing drawn", font=font(30), fill=preview.MUTED)
    for digit, p in enumerate(np.asarray(probabilities, dtype=np.float64)):
        y = 318 + digit * 24
        draw.text((x0, y - 1), str(digit), font=font(20), fill=preview.LABEL)
        draw.rectangle((x0 + 30, y, x0 + 460, y + 20), fill=preview.BAR_BACK)
        if p > 0:
            colour = preview.ACCENT if digit == prediction else preview.BAR_OTHER
            draw.rectangle((x0 + 30, y, x0 + 30 + max(2, int(430 * float(p))), y + 20), fill=colour)
    draw.text((x0, 588), "784 - 16 - 16 - 10 network, 13,002 weights and biases", font=font(20), fill=preview.MUTED)
    return np.asarray(canvas, dtype=np.int16)


@pytest.fixture(scope="module")
def network():
    return weights_io.load(weights_io.DEFAULT_WEIGHTS)


def decoded(png):
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert image.mode == "P"  # one byte a pixel: the cheap encoding
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_the_picture_matches_the_first_versions_drawing(network, mnist_test):
    images, _ = mnist_test
    blank = np.zeros(784, dtype=np.float32)
    for pixels in (images[0], images[1], images[2], blank):
        reply = infer(network, pixels)
        args = (reply["activations"][0], reply["prediction"], reply["probabilities"])
        diff = np.abs(decoded(preview.render(*args, network)) - reference(*args))
        # The grid has 128 grey steps (2 levels apart at most) and text edges 32 steps of
        # their colour; nothing else may differ.
        assert diff.mean() < 0.2, diff.mean()
        assert np.percentile(diff.max(axis=2), 99.9) <= 12
        grid = diff[35:595, 45:605]
        assert grid.max() <= 2


def test_bars_follow_the_probabilities(network):
    probabilities = np.zeros(10)
    probabilities[[2, 7]] = [0.25, 0.75]
    rgb = decoded(preview.render(np.zeros(784), 7, probabilities, network))
    row = lambda digit: rgb[318 + digit * 24 + 10, preview.BAR_LEFT:preview.BAR_LEFT + 431]  # noqa: E731
    accent = np.all(row(7) == preview.ACCENT, axis=1)
    other = np.all(row(2) == preview.BAR_OTHER, axis=1)
    assert accent.sum() == int(430 * 0.75) + 1 and other.sum() == int(430 * 0.25) + 1
    assert not np.all(row(5) == preview.BAR_OTHER, axis=1).any()


def test_every_answer_draws_differently(network):
    pictures = {preview.render(np.zeros(784), answer, np.full(10, 0.1), network) for answer in [None, *range(10)]}
    assert len(pictures) == 11


def test_the_cache_keeps_recent_drawings_and_drops_the_oldest(network, mnist_test):
    images, _ = mnist_test
    cache = preview.PreviewCache(network, size=2)
    first = cache.png(images[0])
    assert cache.png(images[0]) is first  # the same bytes object: not drawn again
    # The key is what a link holds (8-bit grey levels): a change below one level is the same drawing.
    assert cache.png(np.clip(images[0] + 0.001, 0, 1)) is first
    assert cache.info().hits == 2 and cache.info().misses == 1
    cache.png(images[1])
    cache.png(images[2])  # evicts images[0], the least recently used
    assert cache.png(images[0]) is not first and cache.png(images[0]) == first
    assert cache.info().currsize == 2


def test_cached_picture_is_the_rendered_one(network, mnist_test):
    images, _ = mnist_test
    reply = infer(network, images[3])
    assert preview.PreviewCache(network).png(images[3]) == preview.render(
        reply["activations"][0], reply["prediction"], reply["probabilities"], network)


def test_the_footer_names_the_networks_own_layers():
    # Any stack of layers the weights file describes (issue 15), not the video's alone.
    assert preview.about([784, 16, 16, 10], 13002) == "784 - 16 - 16 - 10 network, 13,002 weights and biases"
    assert preview.about([784, 32, 24, 16, 10], 26482) == "784 - 32 - 24 - 16 - 10 network, 26,482 weights and biases"
    video = Network.random([784, 16, 16, 10], seed=0)
    other = Network.random([784, 30, 10], seed=0)
    args = (np.zeros(784), None, np.zeros(10))
    a, b = decoded(preview.render(*args, video)), decoded(preview.render(*args, other))
    differ = np.argwhere(np.any(a != b, axis=2))
    assert len(differ) and differ[:, 0].min() >= preview.HEIGHT - 50, "only the footer differs"
