"""Issue 16 part 1 through Flask's test client: the page for ?network=ID, a clear note for an id we
do not have, share links and their preview pictures per network, and old links as they were.

The shipped manifest may list one network only, so the app here serves a list of three: the
shipped default and two made here (random weights, one of them made to answer 3 whatever it is
shown, so "that network's answer" cannot be the default's by chance).
"""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app import create_app
from mlp import registry, weights_io
from mlp.network import Network
from tests.grids import seven_grid
from web import preview, sharelink
from web.reply import infer

ROOT = Path(__file__).resolve().parent.parent
ANSWERS_THREE = "threes"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """A networks list: the shipped default, a 784-40-10 that always answers 3, a 784-20-12-8-10 without figures."""
    folder = tmp_path_factory.mktemp("networks")
    shipped = registry.load()[0]
    shutil.copy(shipped.path, folder / shipped.path.name)
    items = [{"id": shipped.id, "file": shipped.path.name, "name": shipped.name}]
    threes = Network.random([784, 40, 10], seed=1)
    threes.biases[-1][3] = 30.0  # its output 3 is lit whatever the drawing
    weights_io.save(threes, folder / "threes.npz", meta={"test_accuracy": 0.1009})
    weights_io.save(Network.random([784, 20, 12, 8, 10], seed=2), folder / "deep.npz")
    items += [{"id": ANSWERS_THREE, "file": "threes.npz", "name": "always three"},
              {"id": "deep", "file": "deep.npz", "name": "deep and untrained"}]
    path = folder / "networks.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def many(manifest):
    return create_app({"TESTING": True, "NETWORKS": str(manifest), "WEIGHTS": None}).test_client()


@pytest.fixture(scope="module")
def entries(manifest):
    return {e.id: e for e in registry.load(manifest)}


@pytest.fixture(scope="module")
def seven():
    """A share link's code: a 7, which the default network reads as 7."""
    return sharelink.encode(seven_grid())


class Page(HTMLParser):
    """The parts of the page these tests read: tags with their attributes, and the text under a test id."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.text = {}
        self._open = []  # (testid, depth) of the elements being read
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("meta", "link", "input", "br"):
            return
        self._depth += 1
        if "data-testid" in a:
            self._open.append((a["data-testid"], self._depth))
            self.text.setdefault(a["data-testid"], "")

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == self._depth:
            self._open.pop()
        self._depth -= 1

    def handle_data(self, data):
        for testid, _ in self._open:
            self.text[testid] += data

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())]

    def one(self, tag=None, **attrs):
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"{tag} {attrs}: {len(found)} found"
        return found[0]

    def meta(self, prop):
        found = [a.get("content") for t, a in self.tags if t == "meta" and prop in (a.get("property"), a.get("name"))]
        return found[0] if found else None


def page(client, lang="en", **query):
    r = client.get("/", query_string=query, headers={"Accept-Language": lang})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    return Page(html), html


def options(html, testid):
    """(value, selected, text) of each option of the select with that test id."""
    select = re.search(rf'<select[^>]*data-testid="{testid}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(m.group(1), " selected" in m.group(2), re.sub(r"\s+", " ", m.group(3)).strip())
            for m in re.finditer(r'<option value="([^"]*)"([^>]*)>(.*?)</option>', select, re.S)]


def normal(text):
    return re.sub(r"\s+", " ", text).strip()


# ---- the page for a network --------------------------------------------------------------

def test_the_page_is_built_for_the_network_it_names(many, entries):
    for net_id, sizes, params, pct in (("video", "784,16,16,10", "13,002", "%.1f" % (entries["video"].network.meta["test_accuracy"] * 100)),
                                       (ANSWERS_THREE, "784,40,10", "31,810", "10.1"), ("deep", "784,20,12,8,10", None, None)):
        p, html = page(many, network=net_id)
        body = p.one("body")
        assert body["data-network"] == net_id and body["data-sizes"] == sizes and body["data-default-network"] == "video"
        assert normal(p.text["sizes"]) == " → ".join(sizes.split(","))
        n_params = entries[net_id].network.n_params
        assert normal(p.text["n-params"]) == f"{n_params:,} weights and biases"
        if params:
            assert f"{n_params:,}" == params and f"{pct}% right on MNIST" in html
        else:
            assert "right on MNIST" not in html  # no figure: none is made up
        # Its own number of neurons in the answer's bars and the network read-outs.
        assert f'aria-label="The network ({"-".join(sizes.split(","))}' in html
        assert not p.find(**{"data-about": "network"})  # no note: the id is ours


def test_the_picker_lists_every_network_default_first_with_sizes_and_accuracy(many, entries):
    p, html = page(many, network=ANSWERS_THREE)
    listed = options(html, "network-picker")
    assert [v for v, _, _ in listed] == ["video", ANSWERS_THREE, "deep"]
    assert [s for _, s, _ in listed] == [False, True, False]  # the network shown
    pct = "%.1f" % (entries["video"].network.meta["test_accuracy"] * 100)
    assert listed[0][2] == f"784-16-16-10 (the video&#39;s) · {pct}% on MNIST"
    assert listed[1][2] == "784-40-10 · 10.1% on MNIST"
    assert listed[2][2] == "784-20-12-8-10"
    form = p.one("form", **{"data-testid": "network-form"})
    assert form["method"] == "get" and form["action"] == "/"
    assert p.one("select", **{"data-testid": "network-picker"})["name"] == "network"
    assert p.one("label", **{"for": "network-picker"})
    # The comparison offers the others, with the figures its script shows.
    assert p.one(**{"data-testid": "compare-open"})["aria-controls"] == "compare-panel"
    others = options(html, "compare-picker")
    assert [v for v, _, _ in others] == ["video", "deep"]
    deep = p.one("option", value="deep", **{"data-params": f"{entries['deep'].network.n_params:,}"})
    assert deep["data-sizes"] == "784-20-12-8-10" and deep["data-pct"] == ""
    assert normal(p.text["compare-main-facts"]) == "784-40-10 · 31,810 weights and biases · 10.1% on MNIST"


def test_in_chinese_the_picker_and_the_note_use_the_catalog(many):
    p, html = page(many, lang="zh-TW", network=ANSWERS_THREE)
    assert options(html, "network-picker")[1][2] == "784-40-10 · MNIST 答對 10.1%"
    p, html = page(many, lang="zh-TW", network="nope")
    assert "沒有叫做「nope」的網路：這是預設的 784-16-16-10 網路。" in normal(p.text["link-note"])


def test_no_network_or_an_empty_one_is_the_default_without_a_note(many):
    for query in ({}, {"network": ""}):
        p, _ = page(many, **query)
        assert p.one("body")["data-network"] == "video"
        note = p.one(**{"data-testid": "link-note"})
        assert "hidden" in note and "data-about" not in note


@pytest.mark.parametrize("asked", ["nope", "VIDEO", "video ", "../video", "<b>x</b>\"'", "x" * 300, "影片"])
def test_an_unknown_network_is_the_default_page_with_a_note(many, asked):
    p, html = page(many, network=asked)
    assert p.one("body")["data-network"] == "video"
    note = p.one(**{"data-testid": "link-note"})
    assert note["data-about"] == "network" and note["data-kind"] == "bad" and "hidden" not in note
    shown = asked[:40]
    text = p.text["link-note"]
    assert normal(text).startswith("This link’s network is not here")
    assert f"No network is called “{shown}”: this is the default one, 784-16-16-10." in text
    assert "<b>" not in html  # named as text, never as markup
    detail = p.one("span", **{"data-i18n": "network.unknown.detail"})
    assert json.loads(detail["data-i18n-args"]) == {"id": shown, "sizes": "784-16-16-10"}


# ---- share links and their pictures -----------------------------------------------------

def test_a_shared_link_opens_with_its_network_and_that_networks_answer(many, entries, seven):
    pixels = sharelink.decode(seven)
    p, _ = page(many, d=seven, network=ANSWERS_THREE)
    assert p.one("body")["data-network"] == ANSWERS_THREE
    assert infer(entries[ANSWERS_THREE].network, pixels)["prediction"] == 3
    assert p.meta("og:title") == "The neural network reads this drawing as 3"
    assert p.meta("og:image") == f"http://localhost/preview.png?d={seven}&network={ANSWERS_THREE}"
    # The same drawing through the default: its own answer, and the link's picture names no network.
    p, _ = page(many, d=seven)
    assert p.meta("og:title") == "The neural network reads this drawing as 7"
    assert p.meta("og:image") == f"http://localhost/preview.png?d={seven}"
    p, _ = page(many, d=seven, network="video")
    assert p.meta("og:image") == f"http://localhost/preview.png?d={seven}"
    # An unknown network: the default's answer and picture, with the note.
    p, _ = page(many, d=seven, network="nope")
    assert p.meta("og:title") == "The neural network reads this drawing as 7"
    assert p.meta("og:image") == f"http://localhost/preview.png?d={seven}"


def test_the_preview_picture_is_drawn_by_the_links_network(many, entries, seven):
    pixels = sharelink.decode(seven)

    def expected(net_id):
        net = entries[net_id].network
        reply = infer(net, pixels)
        return preview.render(reply["activations"][0], reply["prediction"], reply["probabilities"], net)

    pictures = {}
    for net_id in ("video", ANSWERS_THREE, "deep"):
        r = many.get("/preview.png", query_string={"d": seven, "network": net_id})
        assert r.status_code == 200 and r.mimetype == "image/png"
        assert r.data == expected(net_id)
        pictures[net_id] = r.data
    assert len(set(pictures.values())) == 3
    assert many.get("/preview.png", query_string={"d": seven}).data == pictures["video"]


@pytest.mark.parametrize("asked", ["nope", "", "VIDEO", "<script>", "x" * 5000])
def test_the_preview_refuses_an_unknown_network_with_json(many, seven, asked):
    r = many.get("/preview.png", query_string={"d": seven, "network": asked})
    assert r.status_code == 400 and r.is_json
    assert r.json["error"].startswith(f"'network' must be one of video, {ANSWERS_THREE}, deep (GET /api/networks lists them)")
    assert len(r.json["error"]) < 200
    assert r.headers["Cache-Control"] == "no-store"


def test_a_bad_drawing_is_refused_first_whatever_the_network(many):
    r = many.get("/preview.png", query_string={"d": "1AAAA", "network": ANSWERS_THREE})
    assert r.status_code == 400 and r.json["reason"] == "damaged"


def test_old_links_are_answered_as_before(client, seven):
    """The shipped app, a link made before networks could be chosen: the default, the same picture."""
    p, _ = page(client, d=seven)
    assert p.one("body")["data-network"] == "video"
    assert p.meta("og:image") == f"http://localhost/preview.png?d={seven}"
    assert p.meta("og:title") == "The neural network reads this drawing as 7"
    net = registry.load()[0].network
    reply = infer(net, sharelink.decode(seven))
    r = client.get("/preview.png", query_string={"d": seven})
    assert r.data == preview.render(reply["activations"][0], reply["prediction"], reply["probabilities"], net)


def test_one_preview_cache_for_every_network_keeps_its_size(entries, seven):
    pixels = sharelink.decode(seven)
    cache = preview.PreviewCache({k: e.network for k, e in entries.items()}, size=2)
    video = cache.png(pixels)
    assert cache.png(pixels, "video") is video  # the default, named or not: one entry
    threes = cache.png(pixels, ANSWERS_THREE)
    assert threes != video and cache.png(pixels, ANSWERS_THREE) is threes
    cache.png(pixels, "deep")  # a third picture: the least recently used one goes
    assert cache.info().currsize == 2
    assert cache.png(pixels) is not video and cache.png(pixels) == video


# ---- one rule for a network id -----------------------------------------------------------

def test_the_browser_checks_a_stored_network_id_as_the_registry_states_it():
    """own_hand/store.js keeps the id of the network that read each drawing, checked by registry.ID_PATTERN."""
    source = (ROOT / "static" / "js" / "panels" / "own_hand" / "store.js").read_text(encoding="utf-8")
    js = re.search(r"export const NETWORK_ID = /(.+)/;", source).group(1)
    assert js == registry.ID_PATTERN.pattern
