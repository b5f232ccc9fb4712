"""Issue 21, part 2: classroom mode, for a projector. Measured in the browser at 1920x1080 (and
3840x2160): every text the class needs is at least 24 CSS px as shown (its font-size times the zoom of
the block it is in: classroom.css zooms whole blocks), the words the network canvas paints are painted at
least that big (recorded as the page paints them), the side panels' weight images at least 280 px, and
nothing overlaps. One key (P) or the button enters and leaves it; the tab remembers it; P is not taken
from a field or from the own-hand panel's digit keys. Outside it, type grows on large screens only."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tools.drawing import draw_digit, settle

HD, UHD, LAPTOP = {"width": 1920, "height": 1080}, {"width": 3840, "height": 2160}, {"width": 1366, "height": 768}

# What the network canvas's main thread paints, with the font it is painted in (the worker's frames
# are bitmaps; a resize, which classroom mode is, is painted on the main thread).
RECORD_FONTS_JS = """(() => {
  window.__netFonts = [];
  const proto = CanvasRenderingContext2D.prototype, fillText = proto.fillText;
  proto.fillText = function (text, ...rest) {
    if (this.canvas && this.canvas.dataset && this.canvas.dataset.testid === 'network') window.__netFonts.push([String(text), this.font]);
    return fillText.call(this, text, ...rest);
  };
})();"""

# Every text the class needs, as [what, selector]; each element found is measured.
NEEDED = [
    ["the answer's label", ".answer-label"], ["the answer", '[data-testid="prediction"]'],
    ["a bar's digit", ".prob-label"], ["the bars' caption", ".probs figcaption"],
    ["the legend", ".legend .key"], ["the legend's note", ".legend-note"],
    ["Step's line", '[data-testid="play-step-status"]'],
    ["the inspector's title", '[data-testid="inspector-title"]'], ["an inspector caption", ".inspector figcaption"],
    ["the inspector's numbers", '[data-testid="equation"] dd'], ["the equation's words", '[data-testid="equation"] dt'],
    ["the bias note", '[data-testid="bias-note"]'],
    ["the lesson's title", '[data-testid="lesson-title"]'], ["the lesson's progress", '[data-testid="lesson-progress"]'],
    ["the lesson's text", '[data-testid="lesson-text"] p'], ["the lesson's buttons", ".lesson-nav .tool"],
]

SIZES_JS = """(needed) => {
  const out = [];
  for (const [what, sel] of needed) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.getClientRects().length || !el.textContent.trim()) continue;
      out.push([what, parseFloat(getComputedStyle(el).fontSize) * el.currentCSSZoom, el.textContent.trim().slice(0, 40)]);
    }
  }
  return out;
}"""

BOXES_JS = """(sels) => sels.map(([what, sel]) => {
  const el = document.querySelector(sel);
  if (!el || !el.getClientRects().length) return [what, null];
  const r = el.getBoundingClientRect();
  return [what, [r.left, r.top, r.right, r.bottom]];
})"""

# The page's parts that must each have their own place.
PARTS = [
    ["the masthead", ".masthead"], ["the pad", ".pad-frame"], ["the pad's buttons", ".pad-tools"],
    ["the pre-processing buttons", ".prep-tools"], ["the answer", ".answer"], ["the network list", ".network-bar"],
    ["the network", ".net-stage"], ["the legend", ".legend"], ["the chips", ".net-tools"],
    ["the inspector", '[data-testid="inspector"]'],
]
# Inside the network's stage: Play and Step must not cover the input grid or a neuron.
STAGE = [["Play and Step", ".flow-controls"], ["the input grid", '[data-testid="input-pixels"]'],
         ["hidden layer 1", '[data-testid="neuron-1-0"]'], ["the first output", '[data-testid="neuron-3-0"]']]

CLIPPED_JS = """() => [...document.querySelectorAll('.masthead *, .tool, .chip, .legend *, .prob-label, .answer-label, .lesson-card *, .side-panel:not([hidden]) *')]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).overflow !== 'auto' && (el.scrollWidth > el.clientWidth + 1))
  .filter((el) => getComputedStyle(el).display !== 'inline')
  .map((el) => `${el.className || el.tagName}: ${el.textContent.trim().slice(0, 30)} (${el.scrollWidth} > ${el.clientWidth})`)"""


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def assert_apart(page, parts, where):
    boxes = [(w, b) for w, b in page.evaluate(BOXES_JS, parts) if b]
    assert len(boxes) == len(parts), f"{where}: every part on the page: {boxes}"
    for i, (wa, a) in enumerate(boxes):
        for wb, b in boxes[i + 1:]:
            assert not overlap(a, b), f"{where}: {wa} {a} overlaps {wb} {b}"


def painted_label_font_px(page):
    font = page.get_by_test_id("network").get_attribute("data-label-font")
    return float(re.search(r"([\d.]+)px", font).group(1))


def present(page):
    page.get_by_test_id("present").click()
    expect(page.get_by_test_id("present")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("body")).to_have_attribute("data-present", "on")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_at_1920x1080_every_text_the_class_needs_is_24_px_or_more(open_page, lang):
    page = open_page(f"/?lang={lang}", viewport=HD)
    page.add_init_script(RECORD_FONTS_JS)
    page.reload()
    settle(page)
    draw_digit(page, 3)
    settle(page)
    page.evaluate("() => { window.__netFonts.length = 0; }")
    present(page)
    expect(page.get_by_test_id("network")).to_have_attribute("data-label-font", re.compile(r"\b2[4-9](\.\d+)?px"))
    page.get_by_test_id("play-step").click()  # Step's line
    page.get_by_test_id("neuron-1-3").click()  # the inspector, its numbers and captions
    expect(page.get_by_test_id("inspector")).to_be_visible()
    expect(page.get_by_test_id("play-step-status")).to_be_visible()
    sizes = page.evaluate(SIZES_JS, NEEDED)
    measured = {what for what, _, _ in sizes}
    assert measured >= {w for w, _ in NEEDED if not w.startswith("the lesson")}, f"all measured: {measured}"
    small = [s for s in sizes if s[1] < 24 - 0.01]
    assert not small, f"under 24 px: {small}"

    # The canvas: the layers' names, and the output digits, as the page painted them.
    assert painted_label_font_px(page) >= 24
    digits = [int(re.search(r"([\d.]+)px", font).group(1).split(".")[0]) for text, font in
              page.evaluate("() => window.__netFonts") if text.isdigit()]
    assert len(digits) >= 10 and min(digits) >= 24, f"the output digits painted at {digits}"

    # The side panel's pictures, scaled up with it.
    for testid in ("weight-image", "contribution-image"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["width"] >= 280 and box["height"] >= 280, f"{testid}: {box}"

    # The lesson's card too.
    page.keyboard.press("Escape")
    page.get_by_test_id("lesson").click()
    expect(page.get_by_test_id("lesson-card")).to_have_attribute("data-step", "1")
    expect(page.get_by_test_id("lesson-announcer")).not_to_have_text("")
    lesson = [s for s in page.evaluate(SIZES_JS, NEEDED) if s[0].startswith("the lesson")]
    assert {w for w, _, _ in lesson} == {w for w, _ in NEEDED if w.startswith("the lesson")}
    assert all(size >= 24 - 0.01 for _, size, _ in lesson), lesson


@pytest.mark.parametrize("viewport", [HD, UHD], ids=["1920x1080", "3840x2160"])
@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_nothing_overlaps_in_classroom_mode(open_page, lang, viewport):
    page = open_page(f"/?lang={lang}", viewport=viewport)
    draw_digit(page, 7)
    settle(page)
    present(page)
    scale = viewport["width"] / 1920
    assert painted_label_font_px(page) == pytest.approx(24 * scale, abs=0.5), "the words grow with the screen"
    for panel in (False, True):
        where = f"{lang} {viewport['width']}x{viewport['height']}{' with the inspector' if panel else ''}"
        if panel:
            page.get_by_test_id("neuron-1-3").click()
            expect(page.get_by_test_id("inspector")).to_be_visible()
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert_apart(page, PARTS if panel else PARTS[:-1], where)
        assert_apart(page, STAGE, where)
        fits = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]")
        assert fits[0] <= fits[2] and fits[1] <= fits[3], f"{where}: the page fits the screen, no scrolling: {fits}"
        # The layers' names on the canvas: apart, inside it, at the classroom size.
        net = page.get_by_test_id("network")
        boxes = json.loads(net.get_attribute("data-label-boxes"))
        width = net.bounding_box()["width"]
        assert all(0 <= b[0] and b[2] <= width for b in boxes), f"{where}: {boxes}"
        assert all(b[0] - a[2] >= 6 for a, b in zip(boxes, boxes[1:])), f"{where}: names apart: {boxes}"
        assert painted_label_font_px(page) >= 24 * scale - 0.5
        clipped = page.evaluate(CLIPPED_JS)
        assert not clipped, f"{where}: text cut off: {clipped}"
        weights = page.get_by_test_id("weight-image").bounding_box() if panel else None
        if weights:
            assert weights["width"] >= 280 * scale, f"{where}: {weights}"


def test_one_key_enters_and_leaves_and_the_tab_remembers(open_page, browser, server):
    page = open_page("/", viewport=HD)
    body, button = page.locator("body"), page.get_by_test_id("present")
    label = page.get_by_test_id("network")
    normal = painted_label_font_px(page)
    page.keyboard.press("p")
    expect(body).to_have_attribute("data-present", "on")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(label).not_to_have_attribute("data-label-font", re.compile(rf"\b{normal:g}px"))
    page.reload()
    settle(page)
    expect(body).to_have_attribute("data-present", "on")  # remembered in this tab
    page.keyboard.press("P")
    expect(body).not_to_have_attribute("data-present", "on")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(label).to_have_attribute("data-label-font", re.compile(rf"\b{normal:g}px"))
    button.click()  # the mouse: the button
    expect(body).to_have_attribute("data-present", "on")
    button.click()
    expect(body).not_to_have_attribute("data-present", "on")

    # Not while typing in a field, nor while the own-hand panel takes digit keys, nor with a modifier.
    page.get_by_test_id("network-picker").focus()
    page.keyboard.press("p")
    expect(body).not_to_have_attribute("data-present", "on")
    page.get_by_test_id("own-hand-open").click()
    expect(page.get_by_test_id("own-hand")).to_be_visible()
    page.locator("body").focus()
    page.keyboard.press("p")
    expect(body).not_to_have_attribute("data-present", "on")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("own-hand")).to_be_hidden()
    page.keyboard.press("Alt+p")
    expect(body).not_to_have_attribute("data-present", "on")
    page.keyboard.press("p")
    expect(body).to_have_attribute("data-present", "on")

    other = open_page("/", viewport=HD)  # another tab (a new browser context) starts as the page does
    expect(other.locator("body")).not_to_have_attribute("data-present", "on")


def test_outside_classroom_mode_type_grows_only_on_large_screens(open_page):
    page = open_page("/", viewport=LAPTOP)
    draw_digit(page, 1)
    settle(page)

    def measure():
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")  # laid out anew
        canvas = painted_label_font_px(page)  # the network's whole width (a panel takes some: names may shrink)
        page.get_by_test_id("neuron-1-3").click()
        expect(page.get_by_test_id("inspector")).to_be_visible()
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        got = {w: s for w, s, _ in page.evaluate(SIZES_JS, NEEDED)}
        got["canvas"] = canvas
        got["panel"] = page.get_by_test_id("inspector").bounding_box()["width"]
        page.keyboard.press("Escape")
        return got

    laptop = measure()
    # 1366x768 is the page as it was: these sizes are main.css's own.
    assert laptop["the answer's label"] == 10.5 and laptop["a bar's digit"] == 12 and laptop["canvas"] == 12
    assert laptop["panel"] == pytest.approx(300, abs=1)
    page.set_viewport_size(HD)
    big = measure()
    for what in ("the answer's label", "a bar's digit", "the bars' caption", "the legend", "an inspector caption", "canvas", "panel"):
        assert big[what] > laptop[what] * 1.3, f"{what}: {laptop[what]} -> {big[what]}"
