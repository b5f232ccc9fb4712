"""The page draws any network the weights file describes (issue 15), not only the video's 784-16-16-10.

Two tiny networks are trained by our CLI (one hidden layer of 30; three of 32, 24 and 16: the
e2e conftest's tiny_network, shared with test_e2e_compare.py) and served with MLP_WEIGHTS. With each, drawn on with the mouse: every neuron has its
button (data-testid="neuron-LAYER-INDEX"), none covering another, the layers' names are the
network's own, a neuron of the last hidden layer opens in the inspector, the signal flows
through every layer, the share link opens the same drawing and its preview picture names the
network's sizes and parameters, and the browser logs no error (the open_page fixture checks).
"""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from mlp import weights_io
from tools.drawing import DIGITS, draw, input_grid, settle
from web import preview, sharelink
from web.reply import infer

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "static" / "i18n"
NETWORKS = {"30": [30], "32-24-16": [32, 24, 16]}


@pytest.fixture(scope="module", params=list(NETWORKS))
def tiny(request, tiny_network):
    """(the network as the server loads it, its weights file)."""
    path = tiny_network(NETWORKS[request.param])
    return weights_io.load(path), path


@pytest.fixture(scope="module")
def server(tiny, start_app):
    """This module's pages are served the tiny network (open_page uses this server)."""
    with start_app({"MLP_WEIGHTS": str(tiny[1])}) as url:
        yield url


def catalog(lang="en"):
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def layer_names(sizes, lang="en"):
    """The names the page paints under each layer: (full, compact), as main.js words them."""
    c = catalog(lang)
    fill = lambda key, **p: c[key].format(**p)  # noqa: E731
    hidden = lambda key: [fill(key, layer=i + 1, n=n) for i, n in enumerate(sizes[1:-1])]  # noqa: E731
    full = [fill("net.canvas.input", n=sizes[0]), *hidden("net.canvas.hidden"), fill("net.canvas.output", n=sizes[-1])]
    compact = [fill("net.canvas.inputShort", n=sizes[0]), *hidden("net.canvas.hiddenShort"),
               fill("net.canvas.outputShort", n=sizes[-1])]
    return full, compact


def test_the_page_draws_every_layer_of_the_network(open_page, tiny):
    network, _ = tiny
    sizes = network.sizes
    page = open_page()
    expect(page.get_by_test_id("sizes")).to_have_text(" → ".join(map(str, sizes)))
    expect(page.get_by_test_id("n-params")).to_have_text(f"{network.n_params:,} weights and biases")
    draw(page, DIGITS["3"])
    settle(page)

    # Every neuron of every layer after the input has its button, and no other button is there.
    canvas = page.get_by_test_id("network").bounding_box()
    assert page.locator(".neuron-btn").count() == sum(sizes[1:])
    boxes = {}
    for layer in range(1, len(sizes)):
        for i in range(sizes[layer]):
            b = page.get_by_test_id(f"neuron-{layer}-{i}")
            expect(b).to_have_count(1)
            box = b.bounding_box()
            assert box, f"neuron-{layer}-{i} is not shown"
            assert canvas["x"] <= box["x"] + box["width"] / 2 <= canvas["x"] + canvas["width"]
            assert canvas["y"] <= box["y"] + box["height"] / 2 <= canvas["y"] + canvas["height"]
            boxes[layer, i] = box
    # A click on a neuron's middle finds its own button (in a crowded column too).
    hit = page.evaluate("""() => [...document.querySelectorAll('.neuron-btn')].filter((b) => {
      const r = b.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== b;
    }).map((b) => b.dataset.testid)""")
    assert hit == [], f"covered in their middle: {hit}"
    # Columns left to right, in the layers' order.
    xs = [boxes[layer, 0]["x"] for layer in range(1, len(sizes))]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)

    # The layers' names are this network's, one a layer, side by side without touching; so is what is read out.
    net = page.get_by_test_id("network")
    expect(net).to_have_attribute("aria-label", re.compile(re.escape("-".join(map(str, sizes)))))
    expect(page.get_by_test_id("input-pixels")).to_have_attribute("aria-label", re.compile(f"its {sizes[1]} weights"))
    labels = json.loads(net.get_attribute("data-labels"))
    assert labels in layer_names(sizes), labels
    ink = json.loads(net.get_attribute("data-label-boxes"))
    assert len(ink) == len(sizes)
    for left, right in zip(ink, ink[1:]):
        assert left[2] < right[0], f"layer names overlap: {ink}"
    assert ink[0][0] >= 0 and ink[-1][2] <= canvas["width"]

    # A neuron of the last hidden layer, in the inspector: its weights from the layer before it.
    last_hidden = len(sizes) - 2
    page.get_by_test_id(f"neuron-{last_hidden}-2").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    expect(page.get_by_test_id("inspector-title")).to_contain_text(str(last_hidden))
    image = page.get_by_test_id("weight-image")
    assert int(image.get_attribute("data-rows")) * int(image.get_attribute("data-cols")) == sizes[last_hidden - 1]
    expect(page.get_by_test_id(f"neuron-{last_hidden}-2")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()

    # The signal flows through every layer in turn, and ends on the output.
    page.get_by_test_id("play").click()
    expect(net).to_have_attribute("data-flow", "done")
    expect(net).to_have_attribute("data-flow-layer", str(len(sizes) - 1))


def test_the_share_link_and_its_preview_name_this_network(open_page, server, tiny):
    network, _ = tiny
    page = open_page()
    draw(page, DIGITS["7"])
    grid = input_grid(page)
    code = parse_qs(urlsplit(page.url).query)["d"][0]

    # The link opens the same drawing, read the same, by this network.
    other = open_page(f"/?d={code}")
    expect(other.get_by_test_id("link-note")).to_be_visible()
    assert input_grid(other) == pytest.approx(grid, abs=1e-3)
    answer = other.get_by_test_id("network").get_attribute("data-prediction")

    # Its preview picture is this network's: its sizes and parameter count in the footer.
    with urllib.request.urlopen(f"{server}/preview.png?d={code}", timeout=60) as r:
        png = r.read()
    reply = infer(network, sharelink.decode(code))
    assert png == preview.render(reply["activations"][0], reply["prediction"], reply["probabilities"], network)
    assert answer == ("" if reply["prediction"] is None else str(reply["prediction"]))
    video = weights_io.load(weights_io.DEFAULT_WEIGHTS)  # the same reply drawn as the video's network's: not this picture
    assert png != preview.render(reply["activations"][0], reply["prediction"], reply["probabilities"], video)
