"""Sharing a drawing by link, end to end: the address bar holds the drawing, the
Share button copies it, a link opens the very same drawing in another browser,
and a bad link opens an empty page with a kind word, running nothing.

Also checks that the browser's codec (static/js/core/sharelink.js) and the server's
(web/sharelink.py) agree byte for byte, refusals and their messages included.
"""
from __future__ import annotations

import base64
import random
import re
import zlib
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import numpy as np
import pytest
from playwright.sync_api import expect

from tools.drawing import DIGITS, answer, draw, draw_digit, input_grid, pad_ink, sent_pixels, settle
from mlp import weights_io
from web import sharelink
from web.reply import infer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SIZES = {"1366x768": {}, "390x844": PHONE}


CODEC_JS = """async ({ grids, codes, junk, crcInputs }) => {
  const m = await import('/static/js/core/sharelink.js');
  const attempt = (code) => {
    try { return { levels: Array.from(m.decodeLevels(code)) }; }
    catch (e) { return e instanceof m.LinkError ? { error: e.message, reason: e.reason } : { other: String(e) }; }
  };
  return {
    encoded: grids.map((g) => m.encode(g)),
    decoded: codes.map((c) => Array.from(m.decodeLevels(c))),
    values: codes.map((c) => m.decode(c)),
    junk: junk.map(attempt),
    crcs: crcInputs.map((bytes) => m.crc32(Uint8Array.from(bytes))),
  };
}"""

SCRIPT_PAYLOADS = {
    "script": "<script>window.__pwned = 1; alert(1)</script>",
    "img-onerror": '"><img src=x onerror="window.__pwned = 1; alert(1)">',
    "svg-onload": "1<svg/onload=window.__pwned=1>",
    "javascript-url": "javascript:window.__pwned=1",
}


@pytest.fixture(scope="module")
def network():
    return weights_io.load(weights_io.DEFAULT_WEIGHTS)


def python_answer(network, code):
    prediction = infer(network, sharelink.decode(code))["prediction"]
    return "" if prediction is None else str(prediction)


def code_in(url):
    return parse_qs(urlsplit(url).query).get("d", [None])[0]


def note(page):
    return page.get_by_test_id("link-note")


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def deny_clipboard(browser, page, origin):
    """Refuse clipboard-write in this page's browser context, as a person's settings can."""
    context_id = page.context.new_cdp_session(page).send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    browser.new_browser_cdp_session().send("Browser.setPermission", {
        "permission": {"name": "clipboard-write"}, "setting": "denied",
        "origin": origin, "browserContextId": context_id,
    })


def flip(code, i):
    return code[:i] + ("B" if code[i] != "B" else "C") + code[i + 1:]


# ---- the browser's codec is the server's ------------------------------------------------

def test_js_codec_agrees_with_python_byte_for_byte(page, mnist_test):
    images, _ = mnist_test
    rng = np.random.default_rng(784)
    grids = [images[i] for i in range(0, 10000, 500)]                         # 20 real digits
    grids += [rng.integers(0, 256, 784) / 255 for _ in range(5)]              # dense
    grids += [np.where(rng.random(784) < 0.2, rng.integers(1, 256, 784), 0) / 255 for _ in range(5)]  # sparse
    grids += [np.zeros(784), np.ones(784), np.tile([0.0, 1.0], 392)]
    grids += [rng.random(784), np.clip(rng.normal(0.5, 0.7, 784), -0.5, 1.5)]  # not k/255: quantized alike
    grids += [(np.arange(784) % 255 + 0.5) / 255]                            # ties: numpy rounds half to even
    grids = [[float(v) for v in g] for g in grids]
    codes = [sharelink.encode(g) for g in grids]

    seven = codes[0]
    junk = [seven[:i] for i in range(0, len(seven), 7)] + [seven + "A", seven + "AA", seven + "AAAA"]
    junk += [flip(seven, i) for i in range(1, len(seven), 9)] + [seven[:-1] + c for c in "ABCDEFGH"]
    junk += ["", "1", "1AA", "1AAAA", "1AAAAA", "2" + seven[1:], "0" + seven[1:], "1" + "A" * 4096,
             "1" + "A" * 4095, "1+AB", "1AB=", "1A.B", "🙂" * 4097, "é" * 10] + list(SCRIPT_PAYLOADS.values())
    # Hand-made payloads: overflowing runs, zero-length runs, short grids, wrong checksums.
    def raw(payload, crc):
        return "1" + base64.urlsafe_b64encode(bytes(payload) + crc.to_bytes(4, "big")).decode().rstrip("=")
    zeros = zlib.crc32(bytes(784))
    junk += [raw([0, 255] * 4, zeros), raw([0, 0] + [0, 255] * 3 + [0, 19], zeros), raw([0, 255] * 3, zlib.crc32(bytes(765))),
             raw([0, 255] * 3 + [0, 19], zeros ^ 1), raw([0, 255] * 3 + [0, 19], zeros), raw([0, 255] * 3 + [0, 19, 0], zeros),
             raw([9] * 785, zlib.crc32(bytes([9] * 785)))]
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. %<>\"'é"
    rnd = random.Random(28)
    junk += ["1" + "".join(rnd.choice(chars[:64]) for _ in range(rnd.randrange(0, 400))) for _ in range(100)]
    junk += ["".join(rnd.choice(chars) for _ in range(rnd.randrange(0, 60))) for _ in range(100)]
    crc_inputs = [list(rnd.randbytes(rnd.randrange(0, 900))) for _ in range(20)] + [[], [0], list(b"123456789")]

    out = page.evaluate(CODEC_JS, {"grids": grids, "codes": codes, "junk": junk, "crcInputs": crc_inputs})

    assert out["encoded"] == codes, "encode() differs from web.sharelink.encode"
    for code, levels, values in zip(codes, out["decoded"], out["values"]):
        expected = sharelink.quantize(sharelink.decode(code))
        assert levels == expected.tolist()
        assert values == [k / 255 for k in expected.tolist()]  # exactly the page's own k/255 values
    for code, got in zip(junk, out["junk"]):
        assert "other" not in got, f"{code[:40]!r}: {got}"
        try:
            expected = sharelink.quantize(sharelink.decode(code)).tolist()
        except sharelink.LinkError as exc:
            assert got == {"error": str(exc), "reason": exc.reason}, code[:60]  # the same words and reason code
        else:
            assert got == {"levels": expected}, code[:60]
    assert out["crcs"] == [zlib.crc32(bytes(b)) for b in crc_inputs]


# ---- a drawing's link opens the same drawing elsewhere ----------------------------------

def test_a_drawn_digit_opens_the_same_in_a_new_browser(open_page, server):
    page = open_page()
    sent = []
    page.on("request", lambda r: sent.append(sent_pixels(r)) if r.url.endswith("/api/predict") else None)
    draw_digit(page, 3)
    digit, grid = answer(page), input_grid(page)
    assert digit == "3"
    # The address bar holds exactly the drawing the network was sent.
    code = sharelink.encode(sent[-1])
    expect(page).to_have_url(f"{server}/?d={code}")
    url = page.url
    assert len(url) < 1000, len(url)
    probabilities = page.locator('[data-testid="probabilities"] .prob').evaluate_all(
        "items => items.map((li) => li.getAttribute('aria-label'))")

    shared = open_page(url.removeprefix(server))  # a new browser context: nothing carried over but the link
    assert answer(shared) == digit
    assert input_grid(shared) == grid, "the network saw the same 28x28 input"
    expect(shared.get_by_test_id("network")).to_have_attribute("data-prediction", digit)
    assert shared.locator('[data-testid="probabilities"] .prob').evaluate_all(
        "items => items.map((li) => li.getAttribute('aria-label'))") == probabilities
    assert shared.url == url
    assert pad_ink(shared) > 0, "the pad shows the shared drawing"
    expect(shared.get_by_test_id("hint")).to_be_hidden()
    expect(note(shared)).to_have_attribute("data-kind", "shared")
    expect(note(shared)).to_contain_text("A shared drawing")
    for tool in ("undo", "clear", "share"):
        expect(shared.get_by_test_id(tool)).to_be_enabled()

    # What the shared page sends is exactly the link's 784 values.
    resent = []
    shared.on("request", lambda r: resent.append(sent_pixels(r)) if r.url.endswith("/api/predict") else None)
    shared.reload()
    assert answer(shared) == digit
    assert resent[-1] == [k / 255 for k in sharelink.quantize(sharelink.decode(code)).tolist()]
    assert resent[-1] == sent[-1]


def test_drawing_on_a_shared_drawing_starts_afresh_and_undo_brings_it_back(open_page, server, mnist_test, network):
    images, labels = mnist_test
    code = sharelink.encode(images[0])  # the first test digit, a 7
    page = open_page(f"/?d={code}")
    expected = python_answer(network, code)
    assert answer(page) == expected == str(labels[0])
    shared_grid = input_grid(page)
    expect(note(page)).to_be_visible()

    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])  # a 1, on a clean pad
    assert answer(page) == "1"
    expect(note(page)).to_be_hidden()
    assert code_in(page.url) not in (None, code)
    one = page.url

    page.get_by_test_id("undo").click()  # the stroke goes, the shared drawing comes back
    assert answer(page) == expected
    assert input_grid(page) == shared_grid
    expect(page).to_have_url(f"{server}/?d={code}")
    assert pad_ink(page) > 0

    page.get_by_test_id("undo").click()  # and then nothing
    assert answer(page) == ""
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_test_id("hint")).to_be_visible()
    expect(page.get_by_test_id("share")).to_be_disabled()
    assert pad_ink(page) == 0

    page.goto(one)  # Clear forgets everything, the shared drawing too
    settle(page)
    assert answer(page) == "1"
    draw(page, [[(0.3, 0.2), (0.7, 0.2)]])
    page.get_by_test_id("clear").click()
    assert answer(page) == ""
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_test_id("undo")).to_be_disabled()
    assert pad_ink(page) == 0


def test_address_bar_follows_the_drawing_without_flooding_history(open_page, server):
    page = open_page()
    page.goto(server + "/?lang=fr")  # a second entry to go back to; and a parameter that must survive
    settle(page)
    start = page.evaluate("() => history.length")
    bar, diagonal = DIGITS["7"]
    draw(page, [bar])
    expect(page).to_have_url(re.compile(r"/\?lang=fr&d=1[\w-]+$"))
    first = page.url
    draw(page, [diagonal])
    expect(page).not_to_have_url(first)
    assert answer(page) == "7"
    for _ in range(3):
        draw_digit(page, 1, region=(0.05, 0.05, 0.2, 0.3))
    page.get_by_test_id("undo").click()
    settle(page)
    assert page.evaluate("() => history.length") == start, "replaceState: no new history entries"
    page.get_by_test_id("clear").click()
    expect(page).to_have_url(f"{server}/?lang=fr")  # an empty drawing has no d
    draw(page, [bar, diagonal])
    settle(page)
    page.go_back()  # one press leaves the drawing, as if it were a single page
    expect(page).to_have_url(f"{server}/")


# ---- the Share button ----------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_share_copies_the_link_and_says_so(open_page, size):
    page = open_page(permissions=["clipboard-read", "clipboard-write"], **SIZES[size])
    share = page.get_by_test_id("share")
    expect(share).to_be_disabled()  # nothing drawn, nothing to share
    draw_digit(page, 5)
    settle(page)
    share.click()
    status = page.get_by_test_id("share-status")
    expect(status).to_contain_text("Link copied")
    expect(status).to_be_visible()
    assert status.get_attribute("aria-live") == "polite"
    expect(page.get_by_test_id("share-fallback")).to_be_hidden()
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    assert code_in(page.url)
    width, height = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= page.viewport_size["width"]
    if size == "1366x768":
        assert height <= 768, "the confirmation floats: nothing moves, nothing scrolls"
    shot(page, f"share-copied-{size}")

    draw(page, [[(0.1, 0.1), (0.2, 0.2)]])  # the drawing changed: the copied link is not its link
    expect(status).to_be_empty()
    expect(status).to_be_hidden()


@pytest.mark.parametrize("size", SIZES)
def test_share_shows_the_link_to_copy_when_the_clipboard_is_refused(open_page, browser, server, size):
    page = open_page(**SIZES[size])
    deny_clipboard(browser, page, server)
    draw_digit(page, 4)
    settle(page)
    page.get_by_test_id("share").click()
    field = page.get_by_test_id("share-link")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    expect(field).to_have_value(page.url)
    expect(page.get_by_test_id("share-fallback")).to_contain_text("Copy this link")
    assert field.evaluate("(f) => [f.readOnly, f.selectionStart, f.selectionEnd, f.value.length]") == \
        [True, 0, len(page.url), len(page.url)]
    expect(page.get_by_test_id("share-status")).to_be_empty()
    shot(page, f"share-fallback-{size}")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("share-fallback")).to_be_hidden()


def test_share_without_a_clipboard_at_all(open_page, server):
    """Plain http on a LAN address is no secure context: navigator.clipboard is missing."""
    page = open_page()
    page.context.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });")
    page.reload()
    settle(page)
    assert page.evaluate("() => navigator.clipboard === undefined")
    draw_digit(page, 2)
    settle(page)
    page.get_by_test_id("share").click()
    expect(page.get_by_test_id("share-link")).to_have_value(page.url)
    page.get_by_test_id("share-fallback-close").click()
    expect(page.get_by_test_id("share-fallback")).to_be_hidden()
    expect(page.get_by_test_id("share")).to_be_focused()


# ---- bad links -------------------------------------------------------------------------------

def bad_codes(good):
    return {
        "truncated": good[: len(good) // 2],
        "cut-by-one": good[:-1],
        "tampered": flip(good, len(good) // 2),
        "unknown-version": "7" + good[1:],
        "absurdly-long": "1" + "A" * 20_000,
        "empty": "",
        **SCRIPT_PAYLOADS,
    }


BAD_KINDS = list(bad_codes("1AAAAAAAAAA"))


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_link_opens_an_empty_pad_with_a_kind_word(open_page, server, mnist_test, kind):
    images, _ = mnist_test
    code = bad_codes(sharelink.encode(images[1]))[kind]
    with pytest.raises(sharelink.LinkError):
        sharelink.decode(code)
    page = open_page()  # the console and errors are watched from the first page on
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/?d={quote(code, safe='')}")
    settle(page)

    expect(note(page)).to_be_visible()
    expect(note(page)).to_have_attribute("data-kind", "bad")
    expect(note(page)).to_contain_text("could not be opened")
    expect(note(page)).to_contain_text("Draw a digit")
    # Our own words only, as text: two plain elements, no markup from the link.
    assert note(page).evaluate("(n) => [...n.querySelectorAll('*')].map((e) => e.tagName)") == ["STRONG", "SPAN"]
    assert "<" not in note(page).text_content()
    assert pad_ink(page) == 0
    expect(page.get_by_test_id("hint")).to_be_visible()
    expect(page.get_by_test_id("prediction")).to_have_text("")
    expect(page.get_by_test_id("share")).to_be_disabled()
    expect(page).to_have_url(f"{server}/")  # the bad link is not kept in the address bar
    # Nothing ran, nothing was injected.
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    # The page's own markup (the learn panel's <svg> curve) is the plain page's, no more.
    count = "() => document.querySelectorAll('img, svg, iframe, script:not([src])').length"
    plain = page.context.new_page()
    plain.goto(server + "/")
    assert page.evaluate(count) == plain.evaluate(count)
    plain.close()

    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])  # the page works as usual; the note makes way
    assert answer(page) == "1"
    expect(note(page)).to_be_hidden()


def test_a_script_payload_typed_raw_into_the_address_bar(open_page, server):
    page = open_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + '/?d="><script>window.__pwned=1;alert(1)</script><img src=x onerror=alert(2)>&lang=en')
    settle(page)
    expect(note(page)).to_have_attribute("data-kind", "bad")
    expect(page).to_have_url(f"{server}/?lang=en")
    assert page.evaluate("() => window.__pwned") is None and dialogs == []


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_a_bad_link_and_a_shared_drawing(open_page, size, mnist_test):
    images, _ = mnist_test
    page = open_page(f"/?d={sharelink.encode(images[0])[:-6]}", **SIZES[size])
    expect(note(page)).to_have_attribute("data-kind", "bad")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    shot(page, f"bad-link-{size}")

    shared = open_page(f"/?d={sharelink.encode(images[0])}", **SIZES[size])
    assert answer(shared) == "7"
    expect(note(shared)).to_have_attribute("data-kind", "shared")
    shot(shared, f"shared-drawing-{size}")
