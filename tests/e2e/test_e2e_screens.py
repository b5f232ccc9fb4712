"""Every screen (issue 22, items 5 to 8), measured in a real browser against the real server, in English and
Traditional Chinese, on a desktop (1366x768) and on a phone held upright (390x844) and sideways (844x390):

- nothing moves when the pen lifts (Skip appears then, and must not push anything down);
- the network list's label is never cut (the whole label fits, or a shorter one is used);
- held sideways, the part a panel is about is in view: Paint a neuron's weight grid (with the drawing's dots)
  while one draws on the pad, its close button whole; Watch it learn's network and its whole curve;
- on a phone, silencing a neuron shows the answer's change in view, and Reset all, above the sheet.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tools.browser import PHONE
from tools.drawing import DIGITS, draw_digit, settle

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
