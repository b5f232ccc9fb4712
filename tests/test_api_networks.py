"""The API of issue 16 through Flask's test client: the networks, silencing neurons, explaining an
answer, and the snapshots of training."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.grids import seven_grid
from mlp import explain, registry
from mlp.preprocess import normalize, to_bytes


def seven():
    return [float(v) for v in seven_grid()]


def post(client, route, **body):
    return client.post(route, json={"pixels": seven(), **body})


def test_networks_are_listed_default_first(client):
    listed = client.get("/api/networks").get_json()
    assert listed[0]["id"] == "video" and listed[0]["default"] is True
    assert listed[0]["sizes"] == [784, 16, 16, 10] and listed[0]["n_params"] == 13_002
    assert all(0.5 < n["test_accuracy"] <= 1 for n in listed)
    assert [n["id"] for n in listed] == [e.id for e in registry.load()]
    assert sum(n["default"] for n in listed) == 1


def test_predict_names_its_network_and_refuses_an_unknown_one(client):
    assert post(client, "/api/predict").get_json()["network"] == "video"
    assert post(client, "/api/predict", network="video").get_json()["prediction"] == 7
    for bad in ("nope", 3, None, ["video"], ""):
        response = post(client, "/api/predict", network=bad)
        assert response.status_code == 400 and "'network' must be one of video" in response.get_json()["error"]


def test_silenced_neurons_read_zero_and_change_what_follows(client):
    plain = post(client, "/api/predict").get_json()
    off = post(client, "/api/predict", silenced=[[1, 3], [2, 0], [1, 3]]).get_json()
    assert off["activations"][1][3] == 0 and off["activations"][2][0] == 0
    assert plain["activations"][1][3] != 0
    assert off["activations"][3] != plain["activations"][3]
    # Silencing every neuron of the first hidden layer leaves the output to the biases alone.
    everything = post(client, "/api/predict", silenced=[[1, i] for i in range(16)]).get_json()
    assert not any(everything["activations"][1])


@pytest.mark.parametrize("silenced, says", [
    ([[0, 1]], "not a hidden layer"), ([[3, 0]], "not a hidden layer"), ([[1, 16]], "neurons 0 to 15"),
    ([[1, -1]], "neurons 0 to 15"), ("1,3", "list of [layer, index] pairs"), ([[1]], "pair of whole numbers"),
    ([[1, True]], "pair of whole numbers"), ([[1.0, 2]], "pair of whole numbers"), ([[1, 2, 3]], "pair"),
    ([[1, 0]] * 5000, "at most"),
])
def test_a_neuron_that_does_not_exist_is_refused(client, silenced, says):
    response = post(client, "/api/predict", silenced=silenced)
    assert response.status_code == 400 and says in response.get_json()["error"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=12))
def test_any_silenced_value_is_answered_never_a_server_error(client, value):
    for route in ("/api/predict", "/api/explain"):
        assert post(client, route, silenced=value).status_code in (200, 400)


def test_explain_gives_the_two_digits_and_their_maps(client, app):
    reply = post(client, "/api/explain").get_json()
    net = registry.load()[0].network
    x = to_bytes(normalize(np.array(seven()))) / 255
    acts = net.forward(x.astype(np.float32))[-1]
    assert reply["network"] == "video" and reply["prediction"] == 7
    assert reply["digits"] == [int(np.argsort(-acts)[0]), int(np.argsort(-acts)[1])]
    assert [len(m) for m in reply["maps"]] == [784, 784]
    # The input it explains is the one /api/predict reports the network saw.
    assert reply["input"] == post(client, "/api/predict").get_json()["activations"][0]
    np.testing.assert_allclose(reply["input"], x, atol=0.5e-4 + 1e-9)
    for d, m in zip(reply["digits"], reply["maps"]):
        want = x * explain.gradient(net, x, np.eye(10)[d])
        np.testing.assert_allclose(m, want, atol=0.5e-4 + 1e-9)
    assert reply["add_ink"]["towards"] == reply["digits"][1] and reply["remove_ink"]["from"] == 7
    assert reply["add_ink"]["region"][0] in explain.REGION_ROWS


def test_explain_refuses_what_predict_refuses(client):
    assert client.post("/api/explain", json={"pixels": [0.5] * 3}).status_code == 400
    assert post(client, "/api/explain", network="nope").status_code == 400
    assert client.post("/api/explain", data="x", content_type="text/plain").status_code == 415


def test_snapshots_go_from_random_to_the_shipped_network(client):
    listed = client.get("/api/snapshots").get_json()
    snaps = listed["snapshots"]
    assert listed["network"] == "video" and len(snaps) >= 10
    assert [s["index"] for s in snaps] == list(range(len(snaps)))
    assert snaps[0]["step"] == 0 and all(b["step"] > a["step"] for a, b in zip(snaps, snaps[1:]))
    assert snaps[0]["test_accuracy"] < 0.3 < 0.9 < snaps[-1]["test_accuracy"]
    assert client.get("/api/snapshots?network=video").get_json() == listed
    assert client.get("/api/snapshots?network=nope").status_code == 400


def test_a_snapshot_answers_with_its_own_weights(client):
    first = client.get("/api/network?snapshot=0")
    trained = client.get("/api/network")
    assert first.status_code == 200 and first.get_json()["layers"][0]["weights"] != trained.get_json()["layers"][0]["weights"]
    assert first.headers["ETag"] != trained.headers["ETag"]
    early = post(client, "/api/predict", snapshot=0).get_json()
    late = post(client, "/api/predict", snapshot=len(client.get("/api/snapshots").get_json()["snapshots"]) - 1).get_json()
    assert early["activations"][3] != late["activations"][3] and late["prediction"] == 7
    for bad in (-1, 999, "1", 1.5, True):
        assert post(client, "/api/predict", snapshot=bad).status_code == 400
    assert client.get("/api/network?snapshot=999").status_code == 400
    assert client.get("/api/network?snapshot=x").status_code == 400
