"""Silenced neurons in a share link (issue 16 part 3: "the share link may carry it").

A link names the hidden neurons to hold at 0 as &off=LAYER.INDEX_... (web.sharelink's form):
the page opens with them silenced and its preview and title give the silenced network's answer;
what cannot be used is a note on the page (every neuron on) and a 400 from /preview.png.
The browser writes the same text (tests/e2e/test_e2e_explain_silence.py compares them).
"""
from __future__ import annotations

import html.parser
import io
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from mlp import registry
from tests.grids import seven_grid
from web import preview, sharelink
from web.reply import infer

# Every neuron of the first hidden layer: the video's network then reads the seven otherwise.
FIRST_LAYER = [(1, i) for i in range(16)]
BAD_FORMS = ["x", "1.", ".3", "1.3_", "_1.3", "1..3", "1.3,2.0", "1.3;2.0", "1.3 2.0", " 1.3", "1.3 ", "1234.1",
             "1.12345", "-1.3", "1.-3", "١.٣", "1.3" + "_1.3" * 600, "<script>alert(1)</script>"]


class _Page(html.parser.HTMLParser):
    """The og meta tags, the body's data-silenced and the link note's data-about."""

    def __init__(self, text):
        super().__init__()
        self.meta, self.silenced, self.note = {}, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content")
        if tag == "body":
            self.silenced = json.loads(a["data-silenced"])
        if a.get("data-testid") == "link-note":
            self.note = {"about": a.get("data-about"), "hidden": "hidden" in a}


@pytest.fixture(scope="module")
def video():
    return registry.load()[0].network


def page(client, **query):
    r = client.get("/", query_string=query)
    assert r.status_code == 200
    return _Page(r.get_data(as_text=True))


# ---- the form ------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.integers(1, 999), st.integers(0, 9999)), max_size=40))
def test_silenced_neurons_round_trip_sorted_and_once(pairs):
    text = sharelink.encode_silenced(pairs)
    assert sharelink.decode_silenced(text) == sorted(set(pairs))
    assert sharelink.encode_silenced(sharelink.decode_silenced(text)) == text


def test_the_form_is_layer_dot_index_pairs():
    assert sharelink.encode_silenced([(2, 0), (1, 3), (1, 3)]) == "1.3_2.0"
    assert sharelink.encode_silenced([]) == "" and sharelink.decode_silenced("") == []


@pytest.mark.parametrize("text", BAD_FORMS)
def test_what_is_not_the_form_is_refused(text):
    with pytest.raises(ValueError):
        sharelink.decode_silenced(text)


# ---- the page --------------------------------------------------------------------------------

def test_a_link_with_silenced_neurons_opens_with_them_and_their_answer(client, video):
    pixels = seven_grid()
    whole = infer(video, pixels)["prediction"]
    silenced = infer(video, pixels, silenced=FIRST_LAYER)["prediction"]
    assert whole == 7 and silenced != whole  # the test means something: the answer changes
    code = sharelink.encode(pixels)
    off = sharelink.encode_silenced(FIRST_LAYER)
    shown = page(client, d=code, off=off)
    assert shown.silenced == [list(p) for p in FIRST_LAYER]
    assert shown.note["hidden"]
    assert shown.meta["og:title"] == f"The neural network reads this drawing as {silenced}"
    assert shown.meta["og:image"] == f"http://localhost/preview.png?d={code}&off={off}"
    # Unsorted, repeated: the same neurons.
    assert page(client, d=code, off="2.0_1.3_1.3").silenced == [[1, 3], [2, 0]]
    # Without &off= every neuron is on.
    assert page(client, d=code).silenced == []


@pytest.mark.parametrize("off", ["1.16", "3.0", "0.1", "1.3_2.16"] + BAD_FORMS)
def test_neurons_that_cannot_be_silenced_are_a_note_and_every_neuron_is_on(client, video, off):
    code = sharelink.encode(seven_grid())
    r = client.get("/", query_string={"d": code, "off": off})
    assert r.status_code == 200
    shown = _Page(r.get_data(as_text=True))
    assert shown.silenced == [] and shown.note == {"about": "silenced", "hidden": False}
    assert shown.meta["og:title"] == "The neural network reads this drawing as 7"
    assert "off=" not in shown.meta["og:image"]
    if len(off) > 4:
        assert off not in r.get_data(as_text=True)  # never echoed


def test_an_unknown_networks_silenced_neurons_are_not_used(client):
    shown = page(client, d=sharelink.encode(seven_grid()), network="nope", off="1.3")
    assert shown.silenced == [] and shown.note["about"] == "network"


def test_the_chinese_page_says_it_in_chinese(client):
    text = client.get("/", query_string={"lang": "zh-TW", "off": "9.9"}).get_data(as_text=True)
    assert "這個 784-16-16-10 網路沒有這些神經元" in text


# ---- the preview -----------------------------------------------------------------------------

def test_the_preview_shows_the_silenced_networks_answer(client, video):
    pixels = seven_grid()
    code, off = sharelink.encode(pixels), sharelink.encode_silenced(FIRST_LAYER)
    r = client.get("/preview.png", query_string={"d": code, "off": off})
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)
    reply = infer(video, pixels, silenced=FIRST_LAYER)
    assert r.data == preview.render(reply["activations"][0], reply["prediction"], reply["probabilities"], video,
                                    len(FIRST_LAYER))
    assert r.data != client.get("/preview.png", query_string={"d": code}).data


@pytest.mark.parametrize("off", ["1.16", "3.0", "x", "1.3_"])
def test_a_preview_of_neurons_that_cannot_be_silenced_is_a_400(client, off):
    r = client.get("/preview.png", query_string={"d": sharelink.encode(seven_grid()), "off": off})
    assert r.status_code == 400 and r.is_json and r.json["error"].startswith("'off': ")


def test_silenced_neurons_are_the_named_networks(client):
    """Neuron 100 of the first hidden layer: the 784-128-64-10 network has it, the video's does not."""
    code = sharelink.encode(seven_grid())
    assert client.get("/preview.png", query_string={"d": code, "network": "big", "off": "1.100"}).status_code == 200
    assert client.get("/preview.png", query_string={"d": code, "off": "1.100"}).status_code == 400
    assert page(client, d=code, network="big", off="1.100").silenced == [[1, 100]]


def test_the_previews_of_different_silenced_neurons_are_cached_apart(video):
    cache = preview.PreviewCache({"video": video})
    pixels = seven_grid()
    whole, off = cache.png(pixels), cache.png(pixels, None, FIRST_LAYER)
    assert whole != off and cache.png(pixels, "video", list(reversed(FIRST_LAYER))) is off
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(whole))), np.asarray(Image.open(io.BytesIO(cache.png(pixels)))))
