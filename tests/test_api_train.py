"""Issue 25 through Flask's test client: POST /api/train and GET /api/train, recipe ids wherever a network id
works (the API, the page, share links, previews), bad recipes refused naming the limit, one training at a time
(429 + Retry-After, no queue), and a server without MNIST. Every training here is tiny (1,000 images, one epoch)
and real, on MNIST."""
from __future__ import annotations

import base64
import html
import re
import threading

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from mlp.training import recipe as recipes
from mlp.training.recipe_training import PreparedMnist
from tests.grids import seven_grid
from web import networks as web_networks
from web import sharelink, training

TINY = {"hidden": [5], "activation": "sigmoid", "images": 1000, "epochs": 1, "seed": 3}
TINY_ID = "t1.784-5-10.sigmoid.1000x1.s3"
RELU = {"hidden": [6, 4], "activation": "relu", "images": 1000, "epochs": 1, "seed": 3}
RELU_ID = "t1.784-6-4-10.relu.1000x1.s3"


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def trained(app):
    """The tiny recipe, trained once through the API: its reply."""
    reply = app.test_client().post("/api/train", json=TINY)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def weights_of(payload):
    return [np.frombuffer(base64.b64decode(layer["weights"]), "<f4") for layer in payload["layers"]]


# --- what the page builds its form from ---------------------------------------------------------

def test_the_form_says_training_is_available_with_the_limits_and_presets(client):
    form = client.get("/api/train").get_json()
    assert form["available"] is True
    assert form["limits"] == recipes.limits()
    assert form["limits"]["layer_size"] == [1, 128] and form["limits"]["hidden_layers"] == [0, 3]
    keys = [p["key"] for p in form["presets"]]
    assert keys == [key for key, _ in recipes.PRESETS]
    for preset in form["presets"]:
        assert recipes.from_json(preset["recipe"]).id == preset["network"]


# --- training, and the id everywhere a network id works ------------------------------------------

def test_a_recipe_trains_and_replies_with_its_id_accuracy_and_snapshots(trained):
    assert trained["network"] == TINY_ID
    assert list(trained)[:3] == ["network", "test_accuracy", "snapshots"]
    assert 0.2 < trained["test_accuracy"] <= 1  # above chance after one pass over 1,000 digits (16 steps)
    assert trained["snapshots"][0]["test_accuracy"] < trained["test_accuracy"]
    snaps = trained["snapshots"]
    assert [s["index"] for s in snaps] == list(range(len(snaps))) and 2 <= len(snaps) <= recipes.SNAPSHOTS
    assert snaps[0]["step"] == 0 and snaps[-1]["epoch"] == 1.0
    assert snaps[-1]["test_accuracy"] == trained["test_accuracy"]
    assert trained["recipe"] == TINY and trained["sizes"] == [784, 5, 10]
    assert trained["activations"] == ["sigmoid", "sigmoid"] and trained["n_params"] == 784 * 5 + 5 + 5 * 10 + 10
    assert trained["train_seconds"] >= 0


def test_the_id_works_wherever_a_network_id_works(client, trained):
    net_id = trained["network"]
    detail = client.get("/api/network", query_string={"network": net_id})
    assert detail.status_code == 200 and detail.get_json()["sizes"] == [784, 5, 10]
    assert detail.get_json()["meta"]["recipe"] == TINY
    assert client.get("/api/network", query_string={"network": net_id}, headers={"If-None-Match": detail.headers[
        "ETag"].strip('"')}).status_code == 304
    snaps = client.get("/api/snapshots", query_string={"network": net_id}).get_json()
    assert snaps == {"network": net_id, "snapshots": trained["snapshots"]}
    first = client.get("/api/network", query_string={"network": net_id, "snapshot": 0}).get_json()
    assert weights_of(first)[0].tobytes() != weights_of(detail.get_json())[0].tobytes()  # the random start
    pixels = [float(v) for v in seven_grid()]
    read = client.post("/api/predict", json={"pixels": pixels, "network": net_id}).get_json()
    assert read["network"] == net_id and len(read["activations"][1]) == 5
    early = client.post("/api/predict", json={"pixels": pixels, "network": net_id, "snapshot": 1}).get_json()
    assert early["activations"][1] != read["activations"][1]
    why = client.post("/api/explain", json={"pixels": pixels, "network": net_id}).get_json()
    assert why["network"] == net_id and len(why["maps"][0]) == 784


def test_the_id_round_trips_through_a_share_link_its_page_and_preview(client, trained):
    net_id = trained["network"]
    code = sharelink.encode(seven_grid())
    page = client.get("/", query_string={"d": code, "network": net_id})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'data-network="{net_id}"' in text and 'data-sizes="784,5,10"' in text
    option = re.search(rf'<option value="{re.escape(net_id)}"[^>]*>', text)
    assert option and option.group(0).endswith(" selected>")
    assert "network.unknown.detail" not in text
    og = html.unescape(re.search(r'<meta property="og:image" content="([^"]+)"', text).group(1))
    assert og.endswith(f"/preview.png?d={code}&network={net_id}")
    picture = client.get(og.split("localhost", 1)[1])
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert picture.data != client.get("/preview.png", query_string={"d": code}).data  # not the default's picture
    # Watch it learn has this network's snapshots to play.
    learn = re.search(r'data-testid="learn-open"[^>]*data-snapshots="(\d+)"', text)
    assert learn and int(learn.group(1)) == len(trained["snapshots"])


def test_relu_layers_are_said_in_the_network_json_and_the_shipped_ones_are_sigmoid(client):
    reply = client.post("/api/train", json=RELU)
    assert reply.status_code == 200 and reply.get_json()["network"] == RELU_ID
    assert reply.get_json()["activations"] == ["relu", "relu", "sigmoid"]
    layers = client.get("/api/network", query_string={"network": RELU_ID}).get_json()["layers"]
    assert [layer["activation"] for layer in layers] == ["relu", "relu", "sigmoid"]
    read = client.post("/api/predict", json={"pixels": [float(v) for v in seven_grid()], "network": RELU_ID})
    assert read.status_code == 200
    shipped = client.get("/api/network").get_json()
    assert [layer["activation"] for layer in shipped["layers"]] == ["sigmoid"] * 3
    assert set(shipped["layers"][0]) == {"shape", "weights", "biases", "activation"}


def test_the_same_recipe_gives_the_same_weights_in_another_app(client, trained):
    other = create_app({"TESTING": True}).test_client()
    assert other.get("/api/snapshots", query_string={"network": TINY_ID}).status_code == 200  # trained on first ask
    mine = client.get("/api/network", query_string={"network": TINY_ID}).get_json()
    theirs = other.get("/api/network", query_string={"network": TINY_ID}).get_json()
    assert [w.tobytes() for w in weights_of(mine)] == [w.tobytes() for w in weights_of(theirs)]
    assert [layer["biases"] for layer in mine["layers"]] == [layer["biases"] for layer in theirs["layers"]]
    again = other.post("/api/train", json=TINY).get_json()
    assert again["snapshots"] == trained["snapshots"] and again["test_accuracy"] == trained["test_accuracy"]


def test_a_relu_recipe_without_hidden_layers_is_the_sigmoid_one(client):
    reply = client.post("/api/train", json={**TINY, "hidden": [], "activation": "relu"})
    assert reply.status_code == 200 and reply.get_json()["network"] == "t1.784-10.sigmoid.1000x1.s3"


# --- the limits ------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"hidden": []}, {"hidden": [1]}, {"hidden": [128]}, {"hidden": [1, 1, 1]}, {"seed": 0}, {"seed": 999_999},
    {"epochs": 2}, {"activation": "relu", "hidden": [1]},
])
def test_recipes_at_the_limits_train(client, change):
    reply = client.post("/api/train", json={**TINY, **change})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["network"] == recipes.from_json({**TINY, **change}).id


@pytest.mark.parametrize("body, says", [
    ({**TINY, "hidden": [5, 5, 5, 5]}, "'hidden' must be a list of 0 to 3 layer sizes"),
    ({**TINY, "hidden": [129]}, "'hidden[0]' must be from 1 to 128, got 129"),
    ({**TINY, "hidden": [0]}, "'hidden[0]' must be from 1 to 128, got 0"),
    ({**TINY, "hidden": [2.5]}, "'hidden[0]' must be a whole number from 1 to 128, got 2.5"),
    ({**TINY, "activation": "tanh"}, "'activation' must be one of sigmoid, relu, got 'tanh'"),
    ({**TINY, "images": 999}, "'images' must be from 1,000 to 60,000, got 999"),
    ({**TINY, "images": 60_001}, "'images' must be from 1,000 to 60,000, got 60,001"),
    ({**TINY, "images": True}, "'images' must be a whole number from 1,000 to 60,000, got True"),
    ({**TINY, "epochs": 0}, "'epochs' must be from 1 to 20, got 0"),
    ({**TINY, "epochs": 21}, "'epochs' must be from 1 to 20, got 21"),
    ({**TINY, "seed": -1}, "'seed' must be from 0 to 999,999, got -1"),
    ({**TINY, "hidden": [128, 128, 128], "images": 60000, "epochs": 20}, "too much work: 60,000 images x 20 epochs"),
    ({**TINY, "learning_rate": 1}, "unknown 'learning_rate'"),
    ({k: v for k, v in TINY.items() if k != "epochs"}, "missing 'epochs'"),
    ([5], "expected a JSON object"),
])
def test_a_bad_recipe_is_a_400_that_names_the_limit(client, body, says):
    reply = client.post("/api/train", json=body)
    assert reply.status_code == 400 and says in reply.get_json()["error"], reply.get_json()


@pytest.mark.parametrize("send, status, says", [
    ({"data": "hidden=16", "content_type": "application/x-www-form-urlencoded"}, 415, "send JSON"),
    ({"data": "{", "content_type": "application/json"}, 400, "not valid JSON"),
    ({"data": "", "content_type": "application/json"}, 400, "the body is empty"),
    ({"data": '{"seed": NaN}', "content_type": "application/json"}, 400, "not a number JSON allows"),
    ({"data": " " * 2000 + "{}", "content_type": "application/json"}, 413, "413"),
])
def test_a_body_that_is_not_a_recipe_is_refused(client, send, status, says):
    reply = client.post("/api/train", **send)
    assert reply.status_code == status and says in reply.get_json()["error"]


def test_get_is_the_form_and_other_methods_are_refused(client):
    assert client.put("/api/train", json=TINY).status_code == 405


@pytest.mark.parametrize("bad", [
    "t1.784-5-10.sigmoid.1000x1.s03", "t1.784-10.relu.1000x1.s1", "t1.784-200-10.sigmoid.1000x1.s1",
    "t1.784-128-128-128-10.relu.60000x20.s1", "t1." + "9" * 80, "t1.",
])
def test_a_bad_recipe_id_is_refused_like_an_unknown_id(client, bad):
    for reply in (client.get("/api/network", query_string={"network": bad}),
                  client.get("/api/snapshots", query_string={"network": bad}),
                  client.post("/api/predict", json={"pixels": [0] * 784, "network": bad}),
                  client.get("/preview.png", query_string={"d": sharelink.encode(seven_grid()), "network": bad})):
        assert reply.status_code == 400
        assert reply.get_json()["error"].startswith("'network' must be one of video"), reply.get_json()
        assert len(reply.get_json()["error"]) < 400
    page = client.get("/", query_string={"network": bad})
    assert page.status_code == 200 and "network.unknown.detail" in page.get_data(as_text=True)


# Anything JSON can hold, in each field: a valid recipe among them is rare (and would train, ~0.1 s).
json_values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
                           | st.text(max_size=8), lambda inner: st.lists(inner, max_size=4), max_leaves=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.fixed_dictionaries({k: json_values for k in TINY}),
    st.dictionaries(st.sampled_from([*TINY, "x"]), json_values, max_size=6),
    json_values,
))
def test_random_recipes_never_5xx(client, body):
    reply = client.post("/api/train", data=json.dumps(body), content_type="application/json")
    assert reply.status_code in (200, 400) and reply.is_json, reply.get_data()[:200]
    assert reply.status_code == 200 or reply.get_json()["error"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.text(alphabet="0123456789-.xsigmoidrelu", max_size=40))
def test_random_recipe_ids_never_5xx(client, tail):
    reply = client.get("/api/snapshots", query_string={"network": "t1." + tail})
    assert reply.status_code in (200, 400) and reply.is_json


# --- one training at a time per process, and a server without MNIST -------------------------------

class GatedMnist:
    """The process's real MNIST, but a training waits at the gate once it holds the trainer (so that the test
    can ask for another meanwhile, whatever the machine's speed)."""

    def __init__(self, real: PreparedMnist):
        self.real = real
        self.inside, self.gate = threading.Event(), threading.Event()

    def missing(self):
        return self.real.missing()

    def test(self):
        return self.real.test()

    def train(self, n):
        self.inside.set()
        assert self.gate.wait(timeout=120), "the test never opened the gate"
        return self.real.train(n)


def test_a_second_training_meanwhile_is_a_429_with_retry_after_and_healthz_answers():
    app = create_app({"TESTING": True})
    trainer = app.extensions["networks"].trainer
    trainer.data = gated = GatedMnist(trainer.data)
    first = {}
    thread = threading.Thread(target=lambda: first.update(reply=app.test_client().post("/api/train", json=TINY)))
    thread.start()
    try:
        assert gated.inside.wait(timeout=120) and trainer.busy
        client = app.test_client()
        other = {**TINY, "seed": 4}
        busy = client.post("/api/train", json=other)
        assert busy.status_code == 429
        assert busy.headers["Retry-After"] == str(busy.get_json()["retry_after"]) and busy.get_json()["retry_after"] >= 1
        assert "training another network" in busy.get_json()["error"]
        # Asked for by id, the same: never a queue.
        assert client.get("/api/network", query_string={"network": recipes.from_json(other).id}).status_code == 429
        # The page of a network not trained here comes at once: its script asks for the weights (which train it).
        page = client.get("/", query_string={"network": recipes.from_json(other).id})
        assert page.status_code == 200 and 'data-untrained="true"' in page.get_data(as_text=True)
        # Everything else goes on.
        assert client.get("/healthz").status_code == 200
        assert client.post("/api/predict", json={"pixels": [0] * 784}).status_code == 200
    finally:
        gated.gate.set()
        thread.join(timeout=120)
    assert first["reply"].status_code == 200 and first["reply"].get_json()["network"] == TINY_ID
    assert not trainer.busy
    assert app.test_client().post("/api/train", json={**TINY, "seed": 4}).status_code == 200


def test_without_mnist_training_is_unavailable_and_nothing_else_changes(tmp_path):
    client = create_app({"TESTING": True, "MNIST_DATA": str(tmp_path)}).test_client()
    assert client.get("/api/train").get_json()["available"] is False
    reply = client.post("/api/train", json=TINY)
    assert reply.status_code == 503 and reply.get_json()["error"] == training.UNAVAILABLE
    assert str(tmp_path) not in reply.get_json()["error"]  # no server path in a reply
    assert client.get("/api/network", query_string={"network": TINY_ID}).status_code == 503
    page = client.get("/", query_string={"network": TINY_ID})
    assert page.status_code == 200 and "network.unknown.detail" in page.get_data(as_text=True)
    assert client.post("/api/train", json={**TINY, "images": 5}).status_code == 400  # a bad recipe is still a 400
    assert client.post("/api/predict", json={"pixels": [0] * 784}).status_code == 200
    assert len(client.get("/api/networks").get_json()) >= 1


def test_recent_trained_networks_are_kept_within_bounds(monkeypatch):
    monkeypatch.setattr(web_networks, "RECIPE_CACHE_COUNT", 2)
    app = create_app({"TESTING": True})
    client, networks = app.test_client(), app.extensions["networks"]
    ids = [client.post("/api/train", json={**TINY, "seed": seed}).get_json()["network"] for seed in (20, 21, 22)]
    assert networks.trained_ids() == ids[1:]  # the least recently used went first
    client.get("/api/network", query_string={"network": ids[1]})  # used again: now the most recent
    before = client.get("/api/network", query_string={"network": ids[0]}).get_json()  # trained again
    assert networks.trained_ids() == [ids[1], ids[0]]
    assert before == create_app({"TESTING": True}).test_client().get(
        "/api/network", query_string={"network": ids[0]}).get_json()
    monkeypatch.setattr(web_networks, "RECIPE_CACHE_BYTES", 1)
    client.post("/api/train", json={**TINY, "seed": 23})
    assert len(networks.trained_ids()) == 1  # over the bytes: only the newest stays
