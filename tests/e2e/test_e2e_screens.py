"""Every screen (issue 22, items 5 to 8), measured in a real browser against the real server, in English and
Traditional Chinese, on a desktop (1366x768) and on a phone held upright (390x844) and sideways (844x390):

- nothing moves when the pen lifts (Skip appears then, and must not push anything down);
- the network list's label is never cut (the whole label fits, or a shorter one is used);
- held sideways, the part a panel is about is in view: Paint a neuron's weight grid (with the drawing's dots)
  while one draws on the pad, its close button whole; Watch it learn's network and its whole curve;
- on a phone, silencing a neuron shows the answer's change in view, and Reset all, above the sheet.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.browser import PHONE
from tools.drawing import DIGITS, draw_digit, settle

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "zh-TW")
DESKTOP = {"width": 1366, "height": 768}
SIDEWAYS = {"width": 844, "height": 390}

# What must not move when the pen lifts: the controls under the pad, the answer, the network.
STILL = [".pad-tools", "[data-testid='preprocess-show']", "label.switch", ".answer", "[data-testid='probabilities']",
         "[data-testid='network']"]

RECORD = """(selectors) => {
  window.__moves = [];
  const snap = () => selectors.map((s) => { const r = document.querySelector(s).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; });
  window.__first = snap();
  const tick = () => {
    const now = snap();
    now.forEach((r, k) => {
      const d = Math.max(...r.map((v, j) => Math.abs(v - window.__first[k][j])));
      if (d > 0.5) window.__moves.push([selectors[k], d]);
    });
    if (!window.__stop) requestAnimationFrame(tick);
  };
  window.__stop = false;
  requestAnimationFrame(tick);
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
def test_nothing_moves_when_the_pen_lifts(open_page, lang, viewport):
    """Every animation frame from just before the pen lifts until the pre-processing has played and
    Skip is gone again: the controls, the answer and the network stay exactly where they were."""
    page = open_page(f"/?lang={lang}", viewport=viewport)
    draw_digit(page, 3)  # a first drawing: the page has its answer, the buttons are on
    settle(page)
    page.get_by_test_id("clear").click()
    settle(page)
    box = page.get_by_test_id("pad").bounding_box()
    stroke = DIGITS["7"][0]
    at = lambda p: (box["x"] + (0.15 + 0.7 * p[0]) * box["width"], box["y"] + (0.1 + 0.8 * p[1]) * box["height"])  # noqa: E731
    page.mouse.move(*at(stroke[0]))
    page.mouse.down()
    for p in stroke[1:]:
        page.mouse.move(*at(p), steps=4)
    settle(page)
    page.evaluate(RECORD, STILL)
    page.mouse.up()
    skip = page.get_by_test_id("preprocess-skip")
    expect(skip).to_be_visible()  # the pre-processing plays
    expect(page.get_by_test_id("preprocess")).to_have_attribute("data-view", "corner")
    expect(skip).to_be_hidden()  # and has played
    settle(page)
    page.evaluate("() => { window.__stop = true; }")
    moves = page.evaluate("() => window.__moves")
    assert not moves, f"moved when the pen lifted: {sorted(set((s, round(d)) for s, d in moves))[:8]}"


# ---- the network list's label -------------------------------------------------------------------

FITS = """async (select) => {
  // A few frames first: a list's labels are fitted in the frame after its row changes size.
  for (let k = 0; k < 3; k++) await new Promise((r) => requestAnimationFrame(r));
  const option = select.options[select.selectedIndex];
  const style = getComputedStyle(select);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = ctx.measureText(option.textContent.trim()).width;
  // The room inside the closed list: its box less its padding, its border and the arrow (about 20 px).
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
  return { text, room, label: option.textContent.trim() };
}"""


def label_fits(select):
    m = select.evaluate(FITS)
    assert m["text"] <= m["room"] + 0.5, f"the list's label {m['label']!r} is cut: {m['text']:.0f} px in {m['room']:.0f} px"
    return m["label"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE, SIDEWAYS], ids=["1366x768", "390x844", "844x390"])
def test_the_network_list_label_is_never_cut(open_page, lang, viewport):
    """Closed, the network list shows its whole label: alone, with a side panel open, and in Compare's
    sheet; where there is no room for the long one, a shorter one that still names the network and its
    accuracy."""
    page = open_page(f"/?lang={lang}", viewport=viewport)
    picker = page.get_by_test_id("network-picker")
    long_label = label_fits(picker)
    page.get_by_test_id("explain-open").click()
    expect(page.get_by_test_id("explain")).to_be_visible()
    short = label_fits(picker)
    assert re.search(r"784-16-16-10", short) and re.search(r"\d+\.\d%", short), short
    assert len(short) <= len(long_label)
    page.get_by_test_id("compare-open").click()
    expect(page.get_by_test_id("compare")).to_be_visible()
    label_fits(picker)
    other = page.get_by_test_id("compare-picker")
    other.scroll_into_view_if_needed()
    named = label_fits(other)
    assert re.search(r"\d+(?:-\d+)+", named), named
    for value in other.evaluate("(s) => [...s.options].map((o) => o.value)"):
        other.select_option(value)
        label_fits(other)


# ---- a phone held sideways (item 7) ------------------------------------------------------------------

def inside(inner, outer, what):
    assert inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5, f"{what}: {inner} starts outside {outer}"
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5, f"{what}: {inner} ends right of {outer}"
    assert inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5, f"{what}: {inner} ends below {outer}"


def screen(viewport):
    return {"x": 0, "y": 0, **viewport}


def visible_box(locator):
    """The part of a panel's box that shows (a sheet taller than the screen is cut at its edges)."""
    return locator.evaluate("""(el) => { const r = el.getBoundingClientRect();
      return { x: r.x, y: Math.max(0, r.y), width: r.width, height: Math.min(innerHeight, r.bottom) - Math.max(0, r.y) }; }""")


@pytest.mark.parametrize("lang", LANGS)
def test_sideways_painting_a_neuron_keeps_its_grid_in_view(open_page, lang):
    """844x390, touch: while a finger draws on the pad, the pad, the weight grid (where the drawing's dots
    are) and the panel's close button are whole on screen, none under another."""
    page = open_page(f"/?lang={lang}", viewport=SIDEWAYS, has_touch=True, is_mobile=True)
    page.get_by_test_id("edge-open").click()
    panel = page.get_by_test_id("edge-detector")
    expect(panel).to_be_visible()
    pad = page.get_by_test_id("pad")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.5 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + 0.5 * box["height"], steps=8)
    try:
        view = screen(SIDEWAYS)
        shown = visible_box(panel)
        grid = page.get_by_test_id("edge-weights").bounding_box()
        inside(grid, view, "the weight grid")
        inside(grid, shown, "the weight grid in its panel")
        close = page.get_by_test_id("edge-close").bounding_box()
        inside(close, view, "the close button")
        inside(close, shown, "the close button in its panel")
        pad_box = pad.bounding_box()
        inside(pad_box, view, "the pad")
        assert pad_box["x"] + pad_box["width"] <= shown["x"], "the panel covers the pad"
    finally:
        page.mouse.up()
    settle(page)


@pytest.mark.parametrize("lang", LANGS)
def test_sideways_watch_it_learn_keeps_the_network_and_its_curve_in_view(open_page, lang):
    """844x390, touch: Watch it learn shows the network (what its timeline changes) whole beside the panel,
    not the pad, and the panel's accuracy curve whole."""
    page = open_page(f"/?lang={lang}", viewport=SIDEWAYS, has_touch=True, is_mobile=True)
    draw_digit(page, 3)
    settle(page)
    page.get_by_test_id("learn-open").click()
    panel = page.get_by_test_id("learn")
    expect(panel).to_have_attribute("data-shown", re.compile(r"\d"))
    curve = page.get_by_test_id("learn-curve")
    expect(curve).to_be_visible()
    view = screen(SIDEWAYS)
    shown = visible_box(panel)
    inside(curve.bounding_box(), view, "the accuracy curve")
    inside(curve.bounding_box(), shown, "the accuracy curve in its panel")
    network = page.get_by_test_id("network").bounding_box()
    inside(network, view, "the network")
    assert network["x"] + network["width"] <= shown["x"] + 0.5, f"the panel covers the network: {network} {shown}"


# ---- a phone, silencing a neuron (item 8) --------------------------------------------------------

def uncovered(page, locator, what):
    """The element is whole on screen and the topmost thing at its centre (nothing over it)."""
    box = locator.bounding_box()
    assert box, f"{what} is not shown"
    inside(box, screen(PHONE), what)
    on_top = locator.evaluate("""(el) => { const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return !!hit && el.contains(hit); }""")
    assert on_top, f"{what} is under something else"


@pytest.mark.parametrize("lang", LANGS)
def test_on_a_phone_silencing_shows_the_answers_change_in_view(open_page, server, lang):
    """390x844, touch: silence the neurons that carry the answer one by one in the inspector's sheet:
    after each, the answer the page now gives, and how it changed, is said in view (not under the
    sheet), with Reset all; Reset all there brings every neuron back."""
    from tools.api_client import floats, get_json, post_json
    from tools.drawing import answer, draw

    page = open_page(f"/?lang={lang}", viewport=PHONE, has_touch=True, is_mobile=True)
    requests = []
    page.on("request", lambda r: requests.append(r) if r.url.endswith("/api/predict") else None)
    draw(page, DIGITS["7"])
    original = int(answer(page))
    # From the real network: the last hidden layer's neurons that favour the answer most, in order.
    detail = get_json(server, "/api/network")
    sizes = detail["sizes"]
    last = len(sizes) - 2
    acts = floats(post_json(server, "/api/predict", requests[-1].post_data_json)["activations"][last])
    w = floats(detail["layers"][-1]["weights"])  # (10, n) row-major
    ranked = sorted(range(sizes[-2]), key=lambda j: -acts[j] * w[original * sizes[-2] + j])
    words = json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    before = original
    for j in ranked[:8]:
        page.get_by_test_id(f"neuron-{last}-{j}").click()
        page.get_by_test_id("silence-toggle").click()
        settle(page)
        now = int(answer(page))
        said = page.get_by_test_id("silence-answer")
        expect(said).to_have_attribute("data-digit", str(now))
        uncovered(page, said, "the answer's change")
        uncovered(page, page.get_by_test_id("silence-reset-here"), "Reset all")
        key = "silence.effect.same" if now == before else "silence.effect.changed"
        expect(said).to_contain_text(words[key].split("{")[0].strip() or str(now))
        if now != before:
            assert str(before) in said.inner_text() and str(now) in said.inner_text()
        before = now
        if now != original:
            break
    assert before != original, "silencing the neurons that favour the answer most changes it"
    page.get_by_test_id("silence-reset-here").click()
    settle(page)
    assert int(answer(page)) == original
    expect(page.get_by_test_id("silence-bar")).to_be_hidden()
