"""Silenced neurons travel in the share link (issue 16 part 3), end to end with the mouse.

Two neurons silenced with the mouse go into the address bar as &off= in web.sharelink's form
(sharelink.js writes what the server reads); a friend who opens the link sees the same drawing
with the same neurons silenced and the silenced network's answer (the API's); Reset all takes them
out of the link; a link naming neurons the network does not have opens with every neuron on, says
so, and drops them from the address bar.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tools.api_client import post_json as post
from tools.drawing import answer, draw_digit, settle
from web import sharelink

SILENCED = [(1, 3), (2, 5)]
ENCODE_JS = """async (lists) => {
  const m = await import('/static/js/core/sharelink.js');
  return lists.map((pairs) => m.encodeSilenced(pairs));
}"""


def query(page):
    return parse_qs(urlsplit(page.url).query)


def silence(page, layer, index):
    page.get_by_test_id(f"neuron-{layer}-{index}").click()
    toggle = page.get_by_test_id("silence-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")


def test_the_browser_writes_the_servers_form(open_page):
    page = open_page()
    lists = [[], [[2, 5], [1, 3]], [[1, 3], [1, 3]], [[3, 127], [1, 0], [2, 10], [1, 10]]]
    assert page.evaluate(ENCODE_JS, lists) == [sharelink.encode_silenced(p) for p in lists]


def test_a_friend_opens_the_same_silenced_network(open_page, server):
    page = open_page()
    draw_digit(page, 7)
    settle(page)
    assert "off" not in query(page)
    for layer, index in SILENCED:
        silence(page, layer, index)
    settle(page)
    expect(page.get_by_test_id("silence-bar")).to_have_attribute("data-count", "2")
    sent = query(page)
    assert sent["off"] == [sharelink.encode_silenced(SILENCED)] and sent["d"]
    mine = answer(page)

    pixels = [float(v) for v in sharelink.decode(sent["d"][0])]
    api = post(server, "/api/predict", {"pixels": pixels, "silenced": [list(p) for p in SILENCED]})
    assert mine == str(api["prediction"])

    # The friend: the same drawing, the same neurons silenced, marked, named and asked for.
    friend = open_page(urlsplit(page.url)._replace(scheme="", netloc="").geturl())
    asked = []
    friend.on("request", lambda r: asked.append(r.post_data_json) if r.url.endswith("/api/predict") else None)
    expect(friend.get_by_test_id("link-note")).to_have_attribute("data-kind", "shared")
    expect(friend.get_by_test_id("silence-bar")).to_be_visible()
    expect(friend.get_by_test_id("silence-count")).to_have_text("2 neurons silenced")
    expect(friend.get_by_test_id("network")).to_have_attribute("data-silenced", "2")
    assert answer(friend) == mine
    expect(friend.get_by_test_id("neuron-1-3")).to_have_attribute("aria-label", "Hidden layer 1, neuron 4, silenced")
    friend.get_by_test_id("neuron-2-5").click()
    expect(friend.get_by_test_id("silence-toggle")).to_have_attribute("aria-pressed", "true")
    expect(friend.get_by_test_id("activation")).to_have_text("0.000")
    friend.keyboard.press("Escape")

    # Reset all: every neuron on, and the link says so (no off=), the drawing unchanged.
    friend.get_by_test_id("silence-reset").click()
    settle(friend)
    expect(friend.get_by_test_id("silence-bar")).to_be_hidden()
    assert "off" not in query(friend) and query(friend)["d"] == sent["d"]
    assert asked and "silenced" not in asked[-1]
    assert answer(friend) == str(post(server, "/api/predict", {"pixels": pixels})["prediction"])


def test_neurons_the_network_does_not_have_are_a_note_and_leave_the_link(open_page):
    code = sharelink.encode([0.0] * 300 + [1.0] * 100 + [0.0] * 384)
    page = open_page(f"/?d={code}&off=1.3_1.99")
    note = page.get_by_test_id("link-note")
    expect(note).to_be_visible()
    expect(note).to_have_attribute("data-about", "silenced")
    expect(note).to_contain_text("This 784-16-16-10 network has no such neurons")
    settle(page)
    expect(page.get_by_test_id("silence-bar")).to_be_hidden()
    expect(page.get_by_test_id("network")).to_have_attribute("data-silenced", "0")
    assert "off" not in query(page) and query(page)["d"] == [code]
