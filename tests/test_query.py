"""A query string's checkers (web/query.py) say what a body's say (web/inputs.py), each in its own form;
the app's networks are one object (web/networks.py), looked up by id."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from mlp import registry
from tests.grids import seven_grid
from web import inputs, query, sharelink
from web.inputs import InputError
from web.networks import Networks


@pytest.fixture(scope="module")
def networks():
    return Networks(registry.load())


def refusal(check, *args):
    with pytest.raises(InputError) as caught:
        check(*args)
    return str(caught.value)


@pytest.mark.parametrize("value", ["nope", "", "VIDEO", "x" * 80])
def test_an_unknown_network_is_refused_in_the_same_words(networks, value):
    ids = networks.ids()
    said = refusal(query.network_from_query, MultiDict({"network": value}), ids)
    assert said == refusal(inputs.network_from_request, {"network": value}, ids)
    assert said.startswith("'network' must be one of video, ")


def test_no_network_is_the_default_and_a_known_one_is_itself(networks):
    assert query.network_from_query(MultiDict(), networks.ids()) is None
    assert inputs.network_from_request({}, networks.ids()) is None
    assert query.network_from_query(MultiDict({"network": "big"}), networks.ids()) == "big"
    assert networks.entry(None) is networks.default and networks.entry("big") is networks.get("big")


def test_a_snapshot_is_digits_in_a_query_and_a_whole_number_in_a_body():
    assert query.snapshot_from_query(MultiDict({"snapshot": "3"}), 10) == 3
    assert query.snapshot_from_query(MultiDict({"snapshot": "0003"}), 10) == 3
    assert query.snapshot_from_query(MultiDict(), 10) is None
    assert inputs.snapshot_from_request({"snapshot": 3}, 10) == 3
    assert inputs.snapshot_from_request({"snapshot": None}, 10) is None
    said = "'snapshot' must be a whole number from 0 to 9"
    for text in ("10", "-1", "", "x", "3.0", "00003"):
        assert refusal(query.snapshot_from_query, MultiDict({"snapshot": text}), 10) == said, text
    for value in ("3", 10, -1, 3.0, True):
        assert refusal(inputs.snapshot_from_request, {"snapshot": value}, 10) == said, value
    assert refusal(query.snapshot_from_query, MultiDict({"snapshot": "0"}), 0) == "this network has no snapshots"


@pytest.mark.parametrize("text", ["²", "①", "₁", "¹", "٣", "３", "۳", "3\n", " 3", "+3", "3_0", "1²"])
def test_a_number_in_a_query_is_ascii_digits_only(text):
    """Issue 23 (2): str.isdigit() took "²", "①", "₁", "¹" (then int() raised: a 500) and int() read
    Arabic-Indic "٣" and full-width "３" as 3."""
    assert refusal(query.snapshot_from_query, MultiDict({"snapshot": text}), 10) == \
        "'snapshot' must be a whole number from 0 to 9"


def test_silenced_neurons_come_out_in_their_one_form(networks):
    video = networks.default.network
    assert sharelink.canonical_silenced([(2, 0), (1, 3), (1, 3), ("1", "2")]) == [(1, 2), (1, 3), (2, 0)]
    from_body = inputs.silenced_from_request({"silenced": [[2, 0], [1, 3], [1, 3]]}, video)
    from_link = query.silenced_from_query(MultiDict({"off": "2.0_1.3_1.3"}), video)
    assert from_body == from_link == [(1, 3), (2, 0)]
    assert query.silenced_from_query(MultiDict(), video) == []


def test_a_neuron_the_network_lacks_is_named_under_the_name_it_came_by(networks):
    video = networks.default.network
    lacks = "hidden layer 1 has neurons 0 to 15, not 16"
    assert refusal(inputs.silenced_from_request, {"silenced": [[1, 16]]}, video) == f"'silenced': {lacks}"
    assert refusal(query.silenced_from_query, MultiDict({"off": "1.16"}), video) == f"'off': {lacks}"
    assert refusal(query.silenced_from_query, MultiDict({"off": "1."}), video).startswith("'off': 'off' must be ")


def test_no_more_silenced_neurons_than_the_network_has_hidden_ones(networks):
    """Issue 23 (3): 4,096 pairs were accepted (explain then walked them ~6 times: 12-15 ms of CPU). Now a
    list longer than the network's hidden neurons is refused before any of it is read; within it, a
    neuron named twice is harmless (the list is made canonical: each once)."""
    video, big = networks.default.network, networks.get("big").network
    every = [[layer, i] for layer in (1, 2) for i in range(16)]
    assert len(inputs.silenced_from_request({"silenced": every}, video)) == 32
    assert inputs.silenced_from_request({"silenced": [[1, 3]] * 32}, video) == [(1, 3)]
    too_many = "names 33 neurons, but this network has 32 hidden neurons: name each at most once"
    assert refusal(inputs.silenced_from_request, {"silenced": every + [[1, 0]]}, video) == f"'silenced' {too_many}"
    assert refusal(inputs.silenced_from_request, {"silenced": [["x"]] * 4096}, video).startswith("'silenced' names 4,096")
    link = "_".join(f"{layer}.{i}" for layer, i in every)
    assert len(query.silenced_from_query(MultiDict({"off": link}), video)) == 32
    assert refusal(query.silenced_from_query, MultiDict({"off": link + "_1.0"}), video) == f"'off' {too_many}"
    assert len(inputs.silenced_from_request({"silenced": every + [[1, 16]]}, big)) == 33  # a bigger network has room


def test_a_share_links_drawing_is_read_from_d():
    code = sharelink.encode(seven_grid())
    assert query.drawing_from_query(MultiDict({"d": code}))[0] == code
    with pytest.raises(sharelink.LinkError) as caught:
        query.drawing_from_query(MultiDict())
    assert caught.value.reason == "empty"


def test_the_network_json_is_made_once_per_network_and_snapshot(networks):
    video = networks.default
    body, etag = networks.network_json(video)
    assert networks.network_json(video)[0] is body and networks.network_json(video, 0)[1] != etag
    assert body["sizes"] == [784, 16, 16, 10]
    assert networks.network(video, 0) is video.snapshots[0]["network"] and networks.network(video) is video.network


def test_the_app_keeps_its_networks_in_one_object(app):
    networks = app.extensions["networks"]
    assert isinstance(networks, Networks) and networks.default.id == "video"
    assert [e.id for e in networks] == networks.ids() == [e.id for e in registry.load()]
    assert networks.get("nope") is None
