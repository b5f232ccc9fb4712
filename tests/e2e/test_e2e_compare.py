"""Compare networks (issue 16 part 1), end to end with the mouse.

The shipped list may name one network only while others are trained, so two tiny networks
trained by our CLI (the e2e conftest's tiny_network, shared with test_e2e_any_network.py) are
served beside the shipped default through MLP_NETWORKS. With them: a drawing made with the mouse keeps itself when another network is
picked, and the answer then is that network's (the API's own for the same grid); the page fetches
only that network's weights; the share link names the network and opens to it, its answer and
its preview; the Compare panel shows a second network's answer live, beside the page's own; an
unknown ?network= is a note, and old links open as before.
"""
from __future__ import annotations

import base64
import json
import shutil
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from mlp import registry, weights_io
from tools.drawing import draw, draw_digit, pad_ink, settle
from web import sharelink

# The same shapes as test_e2e_any_network.py's: trained once for both.
TINY = {"tiny-30": [30], "tiny-32-24-16": [32, 24, 16]}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def compare_manifest(tmp_path_factory, tiny_network):
    """A networks list: the shipped default, then two tiny networks (trained by our CLI for this session)."""
    folder = tmp_path_factory.mktemp("compare-networks")
    default = registry.load()[0]
    for path in (default.path, weights_io.snapshots_path(default.path)):
        if path.is_file():
            shutil.copy(path, folder / path.name)
    items = [{"id": default.id, "file": default.path.name, "name": default.name}]
    for net_id, hidden in TINY.items():
        shutil.copy(tiny_network(hidden), folder / f"{net_id}.npz")
        items.append({"id": net_id, "file": f"{net_id}.npz", "name": f"tiny {net_id}"})
    manifest = folder / "networks.json"
    manifest.write_text(json.dumps(items), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def server(compare_manifest, start_app):
    """This module's pages are served the three networks (open_page uses this server)."""
    with start_app({"MLP_NETWORKS": str(compare_manifest)}) as url:
        yield url


@pytest.fixture(scope="module")
def networks(compare_manifest):
    return {e.id: e.network for e in registry.load(compare_manifest)}


def api_predict(server, pixels, network):
    body = json.dumps({"pixels": [float(v) for v in pixels], "network": network}).encode()
    request = urllib.request.Request(server + "/api/predict", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.load(r)


def link_of(page):
    """(code, network or None) of the address bar's link."""
    query = parse_qs(urlsplit(page.url).query)
    return query.get("d", [None])[0], query.get("network", [None])[0]


def shown_answer(page):
    settle(page)
    return page.get_by_test_id("network").get_attribute("data-prediction")


class Meta(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.meta = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a.get("name")] = a.get("content")


def test_picking_a_network_keeps_the_drawing_and_gives_that_networks_answer(open_page, server, networks):
    page = open_page()
    expect(page.locator("body")).to_have_attribute("data-network", "video")
    picker = page.get_by_test_id("network-picker")
    expect(picker).to_have_value("video")
    texts = [t.strip() for t in picker.locator("option").all_text_contents()]
    assert [o.get_attribute("value") for o in picker.locator("option").all()] == ["video", *TINY]
    for text, net in zip(texts, networks.values()):
        assert text.startswith("-".join(map(str, net.sizes))) and f"{net.meta['test_accuracy'] * 100:.1f}% on MNIST" in text
    draw_digit(page, "3")
    settle(page)
    code, net = link_of(page)
    assert code and net is None  # the default network's link names none

    weights, asked = [], []
    page.on("request", lambda r: weights.append(r.url) if "/api/network" in r.url and "/api/networks" not in r.url else None)
    page.on("request", lambda r: asked.append(r.post_data_json) if r.url.endswith("/api/predict") else None)
    with page.expect_navigation():
        picker.select_option("tiny-30")
    settle(page)
    body = page.locator("body")
    expect(body).to_have_attribute("data-network", "tiny-30")
    expect(page.get_by_test_id("sizes")).to_have_text("784 → 30 → 10")
    expect(page.get_by_test_id("n-params")).to_have_text(f"{networks['tiny-30'].n_params:,} weights and biases")
    expect(page.get_by_test_id("network-picker")).to_have_value("tiny-30")
    # The same drawing, now read by the chosen network: the same grid as before, its answer the API's.
    assert link_of(page) == (code, "tiny-30")
    assert pad_ink(page) > 0
    reply = api_predict(server, sharelink.decode(code), "tiny-30")
    assert shown_answer(page) == str(reply["prediction"])
    expect(page.get_by_test_id("prediction")).to_have_text(str(reply["prediction"]))
    grid = [float(v) for v in page.get_by_test_id("input-grid").text_content().split(",")]
    assert grid == pytest.approx(reply["activations"][0], abs=1e-3)
    # Its drawing is its own (not "shared"), and only this network's weights were fetched, once.
    expect(page.get_by_test_id("link-note")).to_be_hidden()
    assert len(weights) == 1 and parse_qs(urlsplit(weights[0]).query) == {"network": ["tiny-30"]}
    assert asked and all(a["network"] == "tiny-30" for a in asked)

    # Drawing on: the address bar (the share link) keeps naming the network.
    draw(page, [[(0.1, 0.95), (0.9, 0.95)]], steps=3)
    settle(page)
    code2, net = link_of(page)
    assert net == "tiny-30" and code2 != code
    assert shown_answer(page) == str(api_predict(server, sharelink.decode(code2), "tiny-30")["prediction"])

    # A drawing labelled on one's own hand names the network that read it.
    page.get_by_test_id("own-hand-open").click()
    page.keyboard.press("5")
    stored = json.loads(page.evaluate("() => localStorage.getItem('nn-own-hand')"))
    assert stored["drawings"][-1]["n"] == "tiny-30"
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", "1")
    expect(page.get_by_test_id("own-hand-others")).to_be_hidden()

    # Back to the default from the picker: the same drawing, no network in the link.
    with page.expect_navigation():
        page.get_by_test_id("network-picker").select_option("video")
    settle(page)
    assert link_of(page) == (code2, None)
    assert shown_answer(page) == str(api_predict(server, sharelink.decode(code2), "video")["prediction"])
    # The video's network is not scored on what tiny-30 read: that drawing is named as not counted.
    page.get_by_test_id("own-hand-open").click()
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", "0")
    expect(page.get_by_test_id("own-hand-others")).to_have_text(
        "Not counted here: 1 read by other networks (each network's page counts its own).")
    expect(page.get_by_test_id("own-hand-misread-item")).to_have_count(0)


def test_the_picker_from_the_keyboard_waits_for_show(open_page):
    page = open_page()
    draw_digit(page, "7")
    settle(page)
    picker = page.get_by_test_id("network-picker")
    show = page.get_by_test_id("network-show")
    expect(show).to_be_hidden()  # nothing to show: this network is on screen
    picker.focus()
    page.keyboard.press("ArrowDown")  # looking through the list does not leave the page
    page.wait_for_timeout(300)
    expect(picker).to_have_value("tiny-30")
    expect(page.locator("body")).to_have_attribute("data-network", "video")
    expect(show).to_be_visible()
    page.keyboard.press("Tab")
    expect(show).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-network", "tiny-30")
    assert link_of(page)[1] == "tiny-30"


def test_a_shared_link_opens_to_its_network_answer_and_preview(open_page, server):
    page = open_page("/?network=tiny-32-24-16")
    draw_digit(page, "4")
    settle(page)
    first = shown_answer(page)
    page.get_by_test_id("share").click()
    link = page.get_by_test_id("share-link").input_value() or page.url  # the fallback field, or the address bar
    code, net = link_of(page)
    assert net == "tiny-32-24-16" and "network=tiny-32-24-16" in link and f"d={code}" in link

    other = open_page(link.removeprefix(server))  # another browser: the link, as received
    settle(other)
    expect(other.locator("body")).to_have_attribute("data-network", "tiny-32-24-16")
    expect(other.get_by_test_id("sizes")).to_have_text("784 → 32 → 24 → 16 → 10")
    expect(other.get_by_test_id("link-note")).to_contain_text("A shared drawing")
    assert shown_answer(other) == first == str(api_predict(server, sharelink.decode(code), "tiny-32-24-16")["prediction"])
    assert link_of(other) == (code, "tiny-32-24-16")

    # The link's preview: that network's answer in the title, its picture from /preview.png with the id.
    with urllib.request.urlopen(server + link.removeprefix(server), timeout=60) as r:
        meta = Meta(r.read().decode()).meta
    assert meta["og:title"] == f"The neural network reads this drawing as {first}"
    image = urlsplit(meta["og:image"])
    assert image.path == "/preview.png" and parse_qs(image.query) == {"d": [code], "network": ["tiny-32-24-16"]}
    with urllib.request.urlopen(f"{server}/preview.png?{image.query}", timeout=60) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "image/png"


def test_the_compare_panel_answers_the_same_drawing_live(open_page, server, networks):
    page = open_page()
    compare = page.get_by_test_id("compare")
    chip = page.get_by_test_id("compare-open")
    expect(compare).to_be_hidden()
    in_flight, most, sent = [0], [0], []

    def started(r):
        if r.url.endswith("/api/predict") and r.post_data_json.get("network") in TINY:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            sent.append(r.post_data_json)

    def ended(r):
        if r.url.endswith("/api/predict") and r.post_data_json.get("network") in TINY:
            in_flight[0] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    assert not sent  # closed, the panel asks nothing

    chip.click()
    expect(compare).to_be_visible()
    expect(chip).to_have_attribute("aria-expanded", "true")
    picker = page.get_by_test_id("compare-picker")
    assert [o.get_attribute("value") for o in picker.locator("option").all()] == list(TINY)  # the others
    expect(picker).to_have_value("tiny-30")
    expect(page.get_by_test_id("compare-other-facts")).to_have_text(
        f"784-30-10 · {networks['tiny-30'].n_params:,} weights and biases · {networks['tiny-30'].meta['test_accuracy'] * 100:.1f}% on MNIST")
    expect(page.get_by_test_id("compare-main-facts")).to_contain_text("784-16-16-10 · 13,002 weights and biases")
    expect(page.get_by_test_id("compare-verdict")).to_have_text("Draw a digit: both networks answer at once.")

    draw_digit(page, "7", steps=8)  # the panel answers while the pen moves
    settle(page)
    expect(compare).to_have_attribute("data-live", "idle")

    def check(net_id):
        code, _ = link_of(page)
        pixels = sharelink.decode(code)
        main = api_predict(server, pixels, "video")["prediction"]
        other = api_predict(server, pixels, net_id)
        expect(page.get_by_test_id("compare-main-answer")).to_have_attribute("data-prediction", str(main))
        expect(page.get_by_test_id("compare-other-answer")).to_have_attribute("data-prediction", str(other["prediction"]))
        expect(page.get_by_test_id("compare-other-answer")).to_have_text(str(other["prediction"]))
        # Ten output neurons, the brightest ringed: the API's activations.
        outs = page.get_by_test_id("compare-other-outputs").locator("li")
        expect(outs).to_have_count(10)
        expect(outs.nth(other["prediction"])).to_have_class("compare-out win")
        shown = [float(outs.nth(d).evaluate("(li) => li.style.getPropertyValue('--a')")) for d in range(10)]
        assert shown == pytest.approx(other["activations"][-1], abs=2e-3)
        # What it was asked: the same pixels as the page's network, never silenced neurons or a snapshot.
        last = sent[-1]
        assert last["network"] == net_id and not {"silenced", "snapshot"} & set(last)
        assert list(base64.b64decode(last["pixels"])) == sharelink.quantize(pixels).tolist()
        verdict = (f"Both read it as {main}." if main == other["prediction"] else
                   f"They disagree: this page's network reads {main}, "
                   f"{'-'.join(map(str, networks[net_id].sizes))} reads {other['prediction']}.")
        expect(page.get_by_test_id("compare-verdict")).to_have_text(verdict)

    check("tiny-30")
    assert len(sent) >= 2 and most[0] == 1  # asked live, one request at a time

    picker.select_option("tiny-32-24-16")
    expect(compare).to_have_attribute("data-live", "idle")
    check("tiny-32-24-16")
    expect(page.get_by_test_id("compare-other-facts")).to_contain_text("784-32-24-16-10")

    # Clear: both say there is nothing; Escape closes the panel and gives the focus back to the chip.
    page.get_by_test_id("clear").click()
    expect(page.get_by_test_id("compare-other-answer")).to_have_text("nothing drawn")
    expect(page.get_by_test_id("compare-verdict")).to_have_text("Draw a digit: both networks answer at once.")
    chip.focus()
    page.keyboard.press("Enter")
    expect(compare).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.locator("#compare-title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(compare).to_be_hidden()
    expect(chip).to_be_focused()
    assert most[0] == 1


def test_compare_in_chinese_and_on_a_phone(open_page):
    page = open_page("/?lang=zh-TW", **PHONE)
    draw_digit(page, "2")
    settle(page)
    page.get_by_test_id("compare-open").click()
    compare = page.get_by_test_id("compare")
    expect(compare).to_be_visible()
    expect(compare).to_have_attribute("data-live", "idle")
    expect(page.locator("#compare-title")).to_have_text("兩個網路，同一張圖")
    expect(page.get_by_test_id("compare-main-facts")).to_contain_text("個權重和偏置")
    expect(page.get_by_test_id("compare-verdict")).to_contain_text("讀成")
    # A sheet over the lower part of the screen, the pad in view above it.
    box = compare.bounding_box()
    pad = page.get_by_test_id("pad").bounding_box()
    assert box["y"] > 844 * 0.4 and box["y"] + box["height"] <= 845 and box["width"] >= 380
    assert pad["y"] < box["y"]
    for side in ("main", "other"):
        outs = page.get_by_test_id(f"compare-{side}-outputs").locator("li")
        first, last = outs.nth(0).bounding_box(), outs.nth(9).bounding_box()
        assert abs(first["y"] - last["y"]) < 1 and last["x"] + last["width"] <= 390  # one row, on screen


def test_an_unknown_network_is_a_note_and_old_links_open_as_before(open_page, server):
    page = open_page("/?network=nope")
    expect(page.locator("body")).to_have_attribute("data-network", "video")
    note = page.get_by_test_id("link-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("This link’s network is not here")
    expect(note).to_contain_text("No network is called “nope”: this is the default one, 784-16-16-10.")
    assert "network" not in parse_qs(urlsplit(page.url).query)  # links made from here name the default
    page.get_by_test_id("lang-zh-TW").click()
    expect(note).to_contain_text("沒有叫做「nope」的網路")
    draw_digit(page, "1")
    settle(page)
    expect(note).to_be_hidden()
    assert link_of(page)[1] is None

    # A link from before networks could be chosen: the default network, the drawing, the same answer.
    code = sharelink.encode(sharelink.decode(link_of(page)[0]))
    old = open_page(f"/?d={code}")
    expect(old.locator("body")).to_have_attribute("data-network", "video")
    expect(old.get_by_test_id("link-note")).to_contain_text("A shared drawing")
    assert shown_answer(old) == str(api_predict(server, sharelink.decode(code), "video")["prediction"])
    assert link_of(old) == (code, None)
    # A shared drawing with a network we do not have: the drawing, read by the default, and the note.
    both = open_page(f"/?d={code}&network=gone")
    expect(both.get_by_test_id("link-note")).to_contain_text("No network is called “gone”")
    assert link_of(both) == (code, None) and pad_ink(both) > 0


def test_the_page_with_one_network_has_no_compare(browser, start_app):
    """Served one network alone (MLP_WEIGHTS), the picker names it and there is nothing to compare with."""
    with start_app({"MLP_WEIGHTS": str(registry.load()[0].path)}) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url)
            expect(page.locator("body")).to_have_attribute("data-live", "idle", timeout=60_000)
            expect(page.get_by_test_id("network-picker").locator("option")).to_have_count(1)
            expect(page.get_by_test_id("compare-open")).to_have_count(0)
            expect(page.get_by_test_id("compare")).to_have_count(0)
        finally:
            context.close()



STORED_JS = """async () => {
  const m = await import('/static/js/panels/own_hand/store.js');
  const entry = (extra) => ({ t: 1764600000000, m: 4, r: 4, o: Array(10).fill(0.1), g: btoa('\\0'.repeat(784)), ...extra });
  const read = (entries) => m.parseStored(JSON.stringify({ v: m.VERSION, drawings: entries }));
  const old = read([entry({})]), named = read([entry({ n: 'tiny-30' })]), bad = read([entry({ n: 'a,b' }), entry({ n: 7 })]);
  return {
    old: old.drawings.map((d) => d.network), named: named.drawings.map((d) => d.network),
    bad: [bad.drawings.length, bad.problem], csv: m.serialize(named.drawings),
  };
}"""


def test_own_hand_entries_name_their_network_and_old_ones_were_the_defaults(page):
    got = page.evaluate(STORED_JS)
    assert got["old"] == ["video"]  # stored before there was a choice: read by the video's network
    assert got["named"] == ["tiny-30"]
    assert got["bad"] == [0, {"kind": "damaged", "count": 2}]  # an id no network can have is left out
    assert json.loads(got["csv"])["drawings"][0]["n"] == "tiny-30"
