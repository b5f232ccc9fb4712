"""Issue 13: the page tried as a new user would: every screen size, keyboard only,
a phone held both ways, and what the page says. Each test here failed on the page
before the fix."""
from __future__ import annotations

import base64
import json
import re
import struct
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tools.drawing import answer, draw, draw_digit, pad_ink, settle

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
LANDSCAPE = {"viewport": {"width": 844, "height": 390}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


def next_frames(page):
    """Two animation frames: whatever a resize or a click set off has been laid out and painted."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def box(locator):
    b = locator.bounding_box()
    assert b, "on the page"
    return b


# ---- layout: the layers' names under the network -------------------------------------------

# Where the English names ran into each other ("hidden layer 1 · 16hidden layer 2 · 16output"):
# windows 600-660 wide, 1000x700, 1080-1140 wide, and 1400-1440 wide with a side panel open;
# and a few sizes where they always fitted, which must still fit.
LABEL_SIZES = [(600, 800, False), (630, 800, False), (660, 800, False), (1000, 700, False),
               (1080, 800, False), (1110, 800, False), (1140, 800, False), (1400, 900, True),
               (1440, 900, True), (1366, 768, False), (1366, 768, True), (390, 844, False)]


def painted_labels(page):
    """The layer names on the canvas: their text, font and ink boxes, re-measured in the page.

    A page that does not say where it painted them (data-label-boxes) is taken to have
    centred each name under its layer, in the page's font, as the page before issue 13 did.
    """
    return page.get_by_test_id("network").evaluate("""(c) => {
      const names = JSON.parse(c.dataset.labels || '[]');
      let boxes = JSON.parse(c.dataset.labelBoxes || 'null');
      let font = c.dataset.labelFont;
      const ctx = document.createElement('canvas').getContext('2d');
      if (!boxes) {
        const stack = getComputedStyle(document.documentElement).getPropertyValue('--font').trim();
        font = `500 ${c.clientWidth < 560 ? 10 : 12}px ${stack}`;
        ctx.font = font;
        const cx = c.getBoundingClientRect().left;
        boxes = names.map((n, l) => {
          const b = document.querySelector(`[data-testid="neuron-${l}-0"]`);
          if (!b) return null; // the input layer has no buttons
          const r = b.getBoundingClientRect(), w = ctx.measureText(n).width;
          const x = r.left + r.width / 2 - cx - w / 2;
          return [x, c.clientHeight - 24, x + w, c.clientHeight - 10];
        });
      }
      ctx.font = font || '';
      return { names, boxes, width: c.clientWidth, height: c.clientHeight,
               measured: names.map((n) => ctx.measureText(n).width) };
    }""")


def layer_x(page, layer):
    b = box(page.get_by_test_id(f"neuron-{layer}-0"))
    c = box(page.get_by_test_id("network"))
    return b["x"] + b["width"] / 2 - c["x"]


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_layer_names_never_overlap(open_page, lang):
    page = open_page(f"/?lang={lang}")
    for width, height, panel in LABEL_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        if panel:
            page.get_by_test_id("neuron-1-3").click()
            expect(page.get_by_test_id("inspector")).to_be_visible()
        next_frames(page)
        got = painted_labels(page)
        where = f"{lang} {width}x{height}{' with the inspector open' if panel else ''}: {got}"
        assert len(got["names"]) == 4 and len(got["boxes"]) == 4, where
        boxes = got["boxes"]
        for b, measured in zip(boxes, got["measured"]):
            if b is None:
                continue
            left, top, right, bottom = b
            assert right - left == pytest.approx(measured, abs=0.6), "the box is the text's own width: " + where
            assert 0 <= left and right <= got["width"] and 0 <= top and bottom <= got["height"], where
        for a, b in zip(boxes, boxes[1:]):
            if a is not None and b is not None:
                assert b[0] - a[2] >= 6, "a clear gap between two names: " + where
        # Each name stays under its own layer: nearer to it than to its neighbours.
        xs = [layer_x(page, layer) for layer in (1, 2, 3)]
        centres = [(b[0] + b[2]) / 2 for b in boxes[1:]]
        for i, c in enumerate(centres):
            assert abs(c - xs[i]) == min(abs(c - x) for x in xs), where
        if panel:
            page.keyboard.press("Escape")
            expect(page.get_by_test_id("inspector")).to_be_hidden()
    # Where there is room, the full names are painted, not the short ones.
    page.set_viewport_size({"width": 1366, "height": 768})
    next_frames(page)
    assert painted_labels(page)["names"][0] == ("input: 28×28 = 784 pixels" if lang == "en" else "輸入層：28×28 = 784 個像素")


# ---- layout: the edge detector at 1366x768 ----------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_edge_detector_fits_a_1366x768_screen(open_page, lang):
    page = open_page(f"/?lang={lang}")
    draw_digit(page, 7)
    settle(page)
    page.get_by_test_id("edge-open").click()
    panel = page.get_by_test_id("edge-detector")
    expect(panel).to_be_visible()
    next_frames(page)
    sizes = panel.evaluate("(p) => [p.scrollHeight, p.clientHeight, p.scrollWidth, p.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, f"no scrolling down: {sizes}"
    assert sizes[2] <= sizes[3], f"never sideways: {sizes}"
    outside = panel.evaluate("""(p) => {
      const r = p.getBoundingClientRect();
      return [...p.querySelectorAll('*')].filter((el) => el.getClientRects().length).map((el) => {
        const b = el.getBoundingClientRect();
        return { el: el.dataset.testid || el.className || el.tagName, b: [b.left, b.top, b.right, b.bottom] };
      }).filter(({ b }) => b[0] < r.left - 0.5 || b[2] > r.right + 0.5 || b[1] < r.top - 0.5
                          || b[3] > Math.min(r.bottom, innerHeight) + 0.5);
    }""")
    assert not outside, f"everything in the panel is in view: {outside}"
    for testid in ("edge-preset", "edge-clear", "edge-weights", "edge-bias", "edge-sigmoid", "edge-verdict"):
        expect(page.get_by_test_id(testid)).to_be_in_viewport(ratio=1)
    assert box(page.get_by_test_id("edge-weights"))["width"] >= 150, "a grid big enough to paint on"


# ---- the keyboard -----------------------------------------------------------------------------

def focused(page):
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.testid || ''")


def test_the_network_is_one_tab_stop_with_arrow_keys_inside(page):
    neurons = page.locator(".neuron-btn")
    assert neurons.evaluate_all("(bs) => bs.map((b) => b.dataset.testid)") == [
        f"neuron-{layer}-{i}" for layer, n in ((1, 16), (2, 16), (3, 10)) for i in range(n)]
    # From the top of the page, the edge detector's button is a few Tab presses away.
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == "edge-open":
            break
    assert seen[-1] == "edge-open", f"within 20 Tab presses: {seen}"
    assert [s for s in seen if s.startswith("neuron-")] == ["neuron-1-0"]

    page.keyboard.press("Shift+Tab")  # back into the network
    assert focused(page) == "neuron-1-0"
    for key, expected in [("ArrowDown", "neuron-1-1"), ("ArrowDown", "neuron-1-2"), ("ArrowUp", "neuron-1-1"),
                          ("ArrowRight", "neuron-2-1"), ("ArrowRight", "neuron-3-1"), ("ArrowRight", "neuron-3-1"),
                          ("End", "neuron-3-9"), ("ArrowLeft", "neuron-2-15"), ("Home", "neuron-2-0"),
                          ("ArrowUp", "neuron-2-0"), ("ArrowDown", "neuron-2-1"), ("ArrowLeft", "neuron-1-1"),
                          ("ArrowLeft", "neuron-1-1"), ("ArrowRight", "neuron-2-1")]:
        page.keyboard.press(key)
        assert focused(page) == expected, f"{key} -> {expected}"
    assert page.evaluate("() => scrollY") == 0, "the arrow keys move the focus, not the page"
    # One tab stop: the neuron last visited.
    assert neurons.evaluate_all("(bs) => bs.filter((b) => b.tabIndex === 0).map((b) => b.dataset.testid)") == ["neuron-2-1"]
    page.keyboard.press("Tab")
    assert focused(page) == "edge-open"
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "neuron-2-1"

    page.keyboard.press("Enter")  # opens the inspector on it
    expect(page.get_by_test_id("inspector")).to_be_visible()
    expect(page.get_by_test_id("inspector-title")).to_have_text("Hidden layer 2 · neuron 2")
    expect(page.get_by_test_id("neuron-2-1")).to_have_attribute("aria-pressed", "true")


def assert_focus_stays_inside(page, panel, presses=6):
    for key in ["Tab"] * presses + ["Shift+Tab"] * presses:
        page.keyboard.press(key)
        assert panel.evaluate("(p) => p.contains(document.activeElement)"), f"{key} stays in the panel"


def test_focus_stays_in_an_open_panel_and_goes_back_to_its_opener(page):
    draw_digit(page, 4)
    settle(page)
    inspector = page.get_by_test_id("inspector")
    page.get_by_test_id("neuron-1-5").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(inspector).to_be_visible()
    expect(page.get_by_test_id("inspector-title")).to_be_focused()
    assert_focus_stays_inside(page, inspector)
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    assert focused(page) == "neuron-1-6", "Escape gives the focus back to the neuron"

    page.keyboard.press("Enter")  # again, closed with its close button this time
    expect(inspector).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page) == "inspector-close"
    page.keyboard.press("Tab")  # a hidden neuron's switch: silence it
    assert focused(page) == "silence-toggle"
    page.keyboard.press("Tab")  # past the last control: round to the first, never out to the page
    assert focused(page) == "inspector-close"
    page.keyboard.press("Enter")
    expect(inspector).to_be_hidden()
    assert focused(page) == "neuron-1-6"

    # The edge detector: the same rules (one shared module).
    page.keyboard.press("Tab")
    assert focused(page) == "edge-open"
    page.keyboard.press("Enter")
    edge = page.get_by_test_id("edge-detector")
    expect(edge).to_be_visible()
    assert_focus_stays_inside(page, edge, presses=12)
    page.keyboard.press("Escape")
    expect(edge).to_be_hidden()
    assert focused(page) == "edge-open"
    expect(page.get_by_test_id("edge-open")).to_have_attribute("aria-expanded", "false")


# ---- phones ---------------------------------------------------------------------------------

@pytest.mark.parametrize("device", ["portrait", "landscape"])
def test_the_phone_sheet_leaves_the_tapped_neuron_in_view(open_page, device):
    page = open_page(**(PHONE if device == "portrait" else LANDSCAPE))
    draw_digit(page, 3)
    settle(page)
    inspector = page.get_by_test_id("inspector")
    for testid in ("neuron-3-9", "neuron-1-15", "neuron-2-0", "neuron-3-0"):
        neuron = page.get_by_test_id(testid)
        neuron.scroll_into_view_if_needed()
        neuron.tap()
        expect(inspector).to_be_visible()
        expect(neuron).to_have_attribute("aria-pressed", "true")
        next_frames(page)
        n, sheet = box(neuron), box(inspector)
        assert n["y"] >= 0 and n["y"] + n["height"] <= sheet["y"], f"{testid} {n} above the sheet {sheet}"
        page.get_by_test_id("inspector-close").tap()
        expect(inspector).to_be_hidden()


def test_a_phone_held_sideways_shows_the_pad_and_the_answer(open_page):
    page = open_page(**LANDSCAPE)
    draw_digit(page, 7)
    assert answer(page) == "7"
    assert page.evaluate("() => scrollY") == 0
    for testid in ("pad", "prediction", "probabilities", "undo", "clear", "noise", "share"):
        expect(page.get_by_test_id(testid)).to_be_in_viewport(ratio=1)
    assert box(page.get_by_test_id("pad"))["width"] >= 240, "a pad big enough to write on"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 844, "no sideways scrolling"


def ink_rows(page):
    """The pad's rows holding solid ink, as fractions of its height: [first, last]."""
    return page.get_by_test_id("pad").evaluate("""(c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let first = -1, last = -1;
      for (let y = 0; y < c.height; y++) {
        for (let x = 0; x < c.width; x++) {
          if (d[(y * c.width + x) * 4 + 3] > 200) { if (first < 0) first = y; last = y; break; }
        }
      }
      return [first / c.height, last / c.height];
    }""")


def test_resizing_the_window_mid_stroke_keeps_the_stroke_straight(open_page):
    page = open_page()
    pad = page.get_by_test_id("pad")
    before = box(pad)
    page.mouse.move(before["x"] + 0.15 * before["width"], before["y"] + 0.5 * before["height"])
    page.mouse.down()
    page.mouse.move(before["x"] + 0.45 * before["width"], before["y"] + 0.5 * before["height"], steps=6)
    backing = str(pad.evaluate("(c) => c.width"))
    page.set_viewport_size({"width": 1366, "height": 640})  # the pad follows the window's height
    expect(pad).not_to_have_attribute("width", backing)
    after = box(pad)
    assert after["width"] < before["width"] - 50, (before, after)
    # The pen goes on from the same point of the (now smaller) pad, to its right side.
    page.mouse.move(after["x"] + 0.45 * after["width"], after["y"] + 0.5 * after["height"])
    page.mouse.move(after["x"] + 0.85 * after["width"], after["y"] + 0.5 * after["height"], steps=6)
    page.mouse.up()
    settle(page)
    first, last = ink_rows(page)
    assert 0.4 < first and last < 0.6 and last - first < 0.1, f"one straight line across the middle: {first}..{last}"


# ---- what the page says ---------------------------------------------------------------------

def note(page):
    return page.get_by_test_id("link-note")


def test_a_reloaded_own_drawing_is_not_called_shared(open_page, server):
    page = open_page()
    draw_digit(page, 7)
    assert answer(page) == "7"
    expect(page).to_have_url(re.compile(r"\?d="))
    page.reload()
    settle(page)
    assert answer(page) == "7" and pad_ink(page) > 0, "the drawing is back"
    expect(note(page)).to_be_hidden()
    page.reload()  # and again
    settle(page)
    expect(note(page)).to_be_hidden()

    # The same link, opened by someone else: that is a shared drawing, after a reload too.
    other = open_page(page.url.removeprefix(server))
    expect(note(other)).to_contain_text("A shared drawing")
    other.reload()
    settle(other)
    expect(note(other)).to_contain_text("A shared drawing")
    draw(other, [[(0.5, 0.1), (0.5, 0.9)]])  # their own drawing now
    assert answer(other) == "1"
    expect(note(other)).to_be_hidden()
    expect(other).to_have_url(re.compile(r"\?d="))
    other.reload()
    settle(other)
    expect(note(other)).to_be_hidden()


def test_a_linked_drawing_is_shown_as_its_crisp_28x28_grid(open_page, server):
    page = open_page()
    draw_digit(page, 2)
    settle(page)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["d"][0]
    with urllib.request.urlopen(f"{server}/api/share?d={urllib.parse.quote(code)}") as r:
        pixels = json.load(r)["pixels"]
    shared = open_page(f"/?d={code}")
    expect(note(shared)).to_contain_text("A shared drawing")
    # Each of the 784 cells is one flat square of the link's value: sampled at 5 points inside it.
    alphas = shared.get_by_test_id("pad").evaluate("""(c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const cell = c.width / 28, out = [];
      for (let r = 0; r < 28; r++) for (let k = 0; k < 28; k++) {
        out.push([[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]].map(([fx, fy]) => {
          const x = Math.floor((k + fx) * cell), y = Math.floor((r + fy) * cell);
          return d[(y * c.width + x) * 4 + 3];
        }));
      }
      return out;
    }""")
    wrong = [(i, pixels[i], a) for i, a in enumerate(alphas)
             if any(abs(v - pixels[i] * 255) > 2 for v in a)]
    assert not wrong, f"{len(wrong)} cells are not their value, e.g. {wrong[:5]}"
    assert sum(v > 0 for v in pixels) > 20


def decode_floats(b64):
    raw = base64.b64decode(b64)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def test_the_noise_note_says_what_the_bars_show(page):
    replies = []
    page.on("response", lambda r: replies.append(r) if r.url.endswith("/api/predict") else None)
    page.get_by_test_id("noise").click()
    settle(page)
    reply = replies[-1].json()
    out = reply["activations"][-1]
    out = decode_floats(out) if isinstance(out, str) else out  # the compact form the page asks for
    digit = reply["prediction"]
    assert digit == max(range(10), key=lambda d: out[d])
    pct = round(out[digit] * 100)
    text = page.get_by_test_id("noise-note").text_content()
    wording = "as if it were sure" if out[digit] >= 0.5 else "lights up only to"
    assert f"Yet the network answers {digit}" in text and f"{pct}%" in text and wording in text, (text, out)
    # The same number as that digit's bar.
    bar = page.locator(f'[data-testid="probabilities"] .prob[data-digit="{digit}"]')
    expect(bar).to_have_attribute("aria-label", re.compile(rf"^{digit}\D.*\b{pct}%$"))
    fill = bar.locator(".prob-fill").evaluate("(f) => f.style.transform")  # where its glide ends
    assert float(re.fullmatch(r"scaleY\((.+)\)", fill).group(1)) == pytest.approx(out[digit], abs=0.005), fill


# ---- 繁體中文: the words of the video's Chinese subtitles ----------------------------------------

def test_the_chinese_wording(open_page, server):
    with urllib.request.urlopen(f"{server}/static/i18n/zh-TW.json") as r:
        catalog = json.load(r)
    text = "\n".join(catalog.values())
    for wrong in ("加權和", "橙色", "輸入鍵", "繪圖板", "連入的權重", "連結裡有圖的連結"):
        assert wrong not in text, wrong

    page = open_page("/?lang=zh-TW")
    expect(page.get_by_test_id("pad")).to_have_attribute("aria-label", "手寫區")
    page.get_by_test_id("neuron-1-0").click()
    expect(page.get_by_test_id("inspector")).to_contain_text("加權總和")
    expect(page.get_by_test_id("inspector")).to_contain_text("輸入權重")
    page.get_by_test_id("palette").click()
    expect(page.get_by_test_id("inspector")).to_contain_text("橘色 −")
    page.get_by_test_id("edge-open").click()
    expect(page.get_by_test_id("edge-detector")).to_contain_text("空白鍵或 Enter 鍵")

    bad = open_page("/?lang=zh-TW&d=%3Cscript%3E")
    expect(note(bad)).to_contain_text("連結中含有繪圖連結不該有的字元。")
