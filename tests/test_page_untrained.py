"""The page of a trained network (its id is its recipe) that this server process has not trained yet (issue 25):
it comes at once, built from the recipe alone (layer sizes, parameter count, the pickers' label), says the
network is being trained (data-untrained on the note over the network view), and trains nothing itself; the
weights, asked for by its script, train it, and the page after that is the trained network's own (its MNIST
figure, its link preview's answer). A link's silenced neurons are checked against the recipe's layers. On a server
without MNIST the id is unknown, as before. Real training on MNIST, tiny recipes (1,000 images, one epoch)."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from app import create_app
from mlp.training import recipe as recipes
from tests.grids import seven_grid
from web import sharelink

pytestmark = pytest.mark.api  # every test here asks an app (the last one an app of its own, without MNIST)

TINY = {"hidden": [5], "activation": "relu", "images": 1000, "epochs": 1, "seed": 11}
TINY_ID = "t1.784-5-10.relu.1000x1.s11"


@pytest.fixture()
def app():
    return create_app({"TESTING": True})


def option(text, net_id):
    """(key, args) of the picker's option for net_id."""
    found = re.search(rf'<option value="{re.escape(net_id)}"[^>]*data-i18n="([^"]+)" data-i18n-args=\'([^\']*)\'', text)
    assert found, f"no option for {net_id}"
    return found.group(1), html.unescape(found.group(2))


def test_the_page_of_an_untrained_recipe_comes_at_once_and_trains_nothing(app):
    client = app.test_client()
    networks = app.extensions["networks"]
    assert recipes.parse(TINY_ID) == recipes.from_json(TINY)
    code = sharelink.encode(seven_grid())
    page = client.get("/", query_string={"network": TINY_ID, "d": code})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert networks.trained_ids() == [] and not networks.trainer.busy  # the page trained nothing
    assert f'data-network="{TINY_ID}"' in text and 'data-sizes="784,5,10"' in text
    assert 'data-testid="train-note" role="status" data-untrained="true"' in text
    assert "3,985" in text  # 784*5 + 5 + 5*10 + 10 weights and biases, from the recipe
    assert "network.unknown.detail" not in text
    key, args = option(text, TINY_ID)
    assert key == "train.optionPlain" and '"activation": "ReLU"' in args and '"images": "1,000"' in args
    assert 'data-testid="train-accuracy" hidden' in text  # said once trained
    learn = re.search(r'data-testid="learn-open"[^>]*data-snapshots="(\d+)"', text)
    assert learn and int(learn.group(1)) == recipes.SNAPSHOTS  # Watch it learn is there to open
    # Its preview: the picture (which trains the network when a crawler asks for it), a title without the
    # answer (that needs the weights).
    image = re.search(r'property="og:image" content="([^"]+)"', text)
    assert image and f"network={TINY_ID}" in html.unescape(image.group(1)) and f"d={code}" in html.unescape(image.group(1))
    assert '<meta property="og:title" content="A digit drawn for a neural network">' in text
    assert networks.trained_ids() == []
    url = urlsplit(html.unescape(image.group(1)))
    picture = client.get(f"{url.path}?{url.query}")
    assert picture.status_code == 200 and picture.mimetype == "image/png"  # asking for it trained the network
    assert networks.trained_ids() == [TINY_ID]

    # Its script asks for the weights (trained by now); the page is then the trained network's own.
    assert client.get("/api/network", query_string={"network": TINY_ID}).status_code == 200
    assert networks.trained_ids() == [TINY_ID]
    text = client.get("/", query_string={"network": TINY_ID, "d": code}).get_data(as_text=True)
    assert 'data-untrained="true"' not in text and 'property="og:image"' in text
    assert re.search(r'property="og:title" content="The neural network reads this drawing as \d"', text)
    key, args = option(text, TINY_ID)
    assert key == "train.option" and re.search(r'"pct": "\d+\.\d"', args)


def test_an_untrained_pages_silenced_neurons_are_checked_against_the_recipe(app):
    client = app.test_client()
    good = client.get("/", query_string={"network": TINY_ID, "off": "1.4"}).get_data(as_text=True)
    assert "data-silenced='[[1, 4]]'" in good and "silence.link.detail" not in good
    bad = client.get("/", query_string={"network": TINY_ID, "off": "1.5"}).get_data(as_text=True)  # 5 neurons: 0..4
    assert "data-silenced='[]'" in bad and "silence.link.detail" in bad
    assert app.extensions["networks"].trained_ids() == []


@pytest.mark.parametrize("bad", ["t1.784-5-10.relu.1000x1.s011", "t1.784-129-10.relu.1000x1.s1"])
def test_a_bad_recipe_id_is_still_unknown(app, bad):
    text = app.test_client().get("/", query_string={"network": bad}).get_data(as_text=True)
    assert "network.unknown.detail" in text and "data-untrained" not in text


def test_without_mnist_a_recipe_id_is_unknown(tmp_path):
    text = create_app({"TESTING": True, "MNIST_DATA": str(tmp_path)}).test_client().get(
        "/", query_string={"network": TINY_ID}).get_data(as_text=True)
    assert "network.unknown.detail" in text and "data-untrained" not in text
