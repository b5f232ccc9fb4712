"""Accessibility, end to end: axe finds nothing serious, the keyboard reaches and
works everything, screen readers hear the answer once the drawing rests, reduced
motion stops the transitions, and the colour-blind palette replaces green/red
everywhere, with the sign also shown without colour."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tools.drawing import answer, draw_digit, settle
from network_record import (catalog, forget_painting, painted_dashes, record_network_painting, watch_network_attributes,
                            watched, worker_draws_since_watch)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}

# Counts the pixels of a canvas by hue: green/red (the default palette), blue/orange (the colour-blind one).
HUES_JS = """(sel) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const n = { green: 0, red: 0, blue: 0, orange: 0 };
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
    const max = Math.max(r, g, b), min = Math.min(r, g, b);
    if (a < 128 || max < 30 || (max - min) / max < 0.3) continue;  // dark, grey or see-through: no hue to speak of
    let h = max === r ? ((g - b) / (max - min)) * 60 : max === g ? (2 + (b - r) / (max - min)) * 60 : (4 + (r - g) / (max - min)) * 60;
    if (h < 0) h += 360;
    if (h >= 80 && h <= 150) n.green++;
    else if (h < 18 || h > 340) n.red++;
    else if (h >= 25 && h <= 50) n.orange++;
    else if (h >= 185 && h <= 215) n.blue++;
  }
  return n;
}"""


def serious(results):
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations):
    return "\n".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
                     for v in violations)


# ---- axe ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-TW"])
@pytest.mark.parametrize("size", ["1366x768", "390x844"])
def test_axe_finds_no_serious_violations(open_page, lang, size):
    page = open_page(f"/?lang={lang}", **({} if size == "1366x768" else PHONE))
    axe = Axe()
    report = {}
    report["blank"] = axe.run(page)
    draw_digit(page, 4)
    settle(page)
    page.get_by_test_id("neuron-1-3").click()
    expect(page.get_by_test_id("inspector")).to_be_visible()
    report["inspector"] = axe.run(page)
    page.keyboard.press("Escape")
    page.get_by_test_id("edge-open").click()
    expect(page.get_by_test_id("edge-detector")).to_be_visible()
    report["edge detector"] = axe.run(page)
    page.keyboard.press("Escape")
    page.get_by_test_id("palette").click()
    page.get_by_test_id("noise").click()
    settle(page)
    report["noise, colour-blind palette"] = axe.run(page)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {state: {"violations": [(v["id"], v["impact"], len(v["nodes"])) for v in r.response["violations"]],
                       "passes": len(r.response["passes"]),
                       "incomplete": [(v["id"], len(v["nodes"])) for v in r.response["incomplete"]]}
               for state, r in report.items()}
    (ARTIFACTS / f"axe-{lang}-{size}.json").write_text(json.dumps(summary, indent=1))
    for state, results in report.items():
        assert results.response["passes"], "axe ran its checks"
        assert not serious(results), f"{state}:\n{describe(serious(results))}"


# ---- the keyboard ------------------------------------------------------------------------

def tab_until(page, testid, limit=80):
    """Press Tab until the element with `testid` has the focus; the test ids passed on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate("() => document.activeElement && document.activeElement.dataset.testid || ''")
        seen.append(current)
        if current == testid:
            return seen
    raise AssertionError(f"Tab never reached {testid}: {seen}")


def test_the_keyboard_reaches_everything_and_works_it(page):
    # From the top: the lesson, the language switch, then the pad's controls (the empty pad's Undo,
    # Clear and Share are disabled, so Noise comes first), the neurons, the experiments.
    seen = tab_until(page, "noise")
    assert seen[:3] == ["lesson", "lang-en", "lang-zh-TW"]
    outline = page.get_by_test_id("noise").evaluate("(b) => getComputedStyle(b).outlineStyle")
    assert outline == "solid", "a visible focus ring"
    page.keyboard.press("Enter")  # the keyboard's way to give the network something to read
    settle(page)
    expect(page.get_by_test_id("prediction")).not_to_have_text("")
    for tool in ("undo", "clear", "share"):
        expect(page.get_by_test_id(tool)).to_be_enabled()

    page.get_by_test_id("lang-en").focus()
    seen = tab_until(page, "palette")
    neurons = [s for s in seen if s.startswith("neuron-")]
    assert neurons == ["neuron-1-0"], "the network is one tab stop (arrow keys inside: test_e2e_newcomer.py)"
    assert seen.index("undo") < seen.index("clear") < seen.index("noise") < seen.index("share") < seen.index("neuron-1-0")
    assert seen.index("neuron-1-0") < seen.index("edge-open")

    page.get_by_test_id("neuron-2-1").focus()
    page.keyboard.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    expect(page.get_by_test_id("inspector-title")).to_be_focused()  # the focus moves into the panel
    expect(page.get_by_test_id("neuron-2-1")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("inspector-close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(page.get_by_test_id("neuron-2-1")).to_be_focused()  # and back to the neuron
    ring = page.get_by_test_id("neuron-2-1").evaluate("(b) => getComputedStyle(b).outlineStyle")
    assert ring == "solid"


def test_the_pad_has_a_name_and_instructions(page):
    pad = page.get_by_role("img", name="Drawing pad")
    expect(pad).to_have_attribute("data-testid", "pad")
    expect(pad).to_have_accessible_description(
        "Draw one digit from 0 to 9 with a mouse, a finger or a pen; the network reads it as you draw. "
        "Without a pointer, the Noise button feeds it random pixels.")


# ---- screen readers ----------------------------------------------------------------------

def test_the_answer_is_announced_once_the_drawing_rests(page):
    announcer = page.get_by_test_id("announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert page.get_by_test_id("prediction").get_attribute("aria-live") == "off", "the big digit does not chatter"
    page.evaluate("""() => {
      window.__announced = [];
      const el = document.querySelector('[data-testid="announcer"]');
      new MutationObserver(() => window.__announced.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    }""")
    box = page.get_by_test_id("pad").bounding_box()
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.9, steps=30)
    expect(page.get_by_test_id("prediction")).to_have_text("1")  # answered while the pen is down...
    settle(page)
    assert announcer.text_content() == "", "...but nothing is said until it lifts"
    page.mouse.up()
    expect(announcer).to_have_text("The network reads 1")
    settle(page)
    assert page.evaluate("() => window.__announced") == ["The network reads 1"], "said once, not per frame"

    page.get_by_test_id("clear").click()
    expect(announcer).to_have_text("The pad is empty")


# ---- motion ------------------------------------------------------------------------------

def test_reduced_motion_turns_transitions_off(open_page):
    def durations(page):
        return page.evaluate("""() => ['.prob-fill', '.tool', '.chip'].map((s) =>
          getComputedStyle(document.querySelector(s)).transitionDuration)""")

    normal = open_page()
    assert all(d != "0s" for d in durations(normal))
    calm = open_page(reduced_motion="reduce")
    assert durations(calm) == ["0s", "0s", "0s"]
    draw_digit(calm, 7)
    assert answer(calm) == "7"


# ---- the colour-blind palette ------------------------------------------------------------

def test_the_colour_blind_palette_replaces_green_and_red_everywhere(open_page, server):
    page = open_page()
    draw_digit(page, 2)
    settle(page)
    default = [page.evaluate(HUES_JS, '[data-testid="network"]')]
    page.get_by_test_id("neuron-1-6").click()
    default.append(page.evaluate(HUES_JS, '[data-testid="weight-image"]'))
    for counts in default:
        assert counts["green"] > 50 and counts["red"] > 50, counts
    assert page.get_by_test_id("palette").get_attribute("aria-pressed") == "false"

    page.get_by_test_id("palette").click()
    expect(page.locator("body")).to_have_attribute("data-palette", "cb")
    expect(page.get_by_test_id("palette")).to_have_attribute("aria-pressed", "true")
    for sel in ('[data-testid="weight-image"]', '[data-testid="network"]', '[data-testid="contribution-image"]'):
        counts = page.evaluate(HUES_JS, sel)
        assert counts["green"] == 0 and counts["red"] == 0, (sel, counts)
        assert counts["blue"] > 20 and counts["orange"] > 20, (sel, counts)
    # The legend and the inspector's words follow.
    keys = page.evaluate("""() => ['.key-pos', '.key-neg'].map((s) => {
      const mark = getComputedStyle(document.querySelector(s), '::before');
      return `${mark.backgroundColor} ${mark.backgroundImage}`;
    })""")
    assert keys[0].startswith("rgb(86, 180, 233)"), keys  # a solid line
    assert "rgb(240, 160, 30)" in keys[1] and "repeating-linear-gradient" in keys[1], keys  # a dashed one
    for words in page.locator('[data-sign="pos"]').all():  # the inspector's, and every other panel's
        expect(words).to_have_text("blue +")
    for words in page.locator('[data-sign="neg"]').all():
        expect(words).to_have_text("orange −")

    # The sign without colour: the 28x28 weight image now carries dashes on its negative cells.
    marks = page.evaluate("""() => {
      const c = document.querySelector('[data-testid="weight-image"]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 20 && d[i + 1] < 20 && d[i + 2] < 30 && d[i + 3] > 0) dark++;
      return dark;
    }""")
    assert marks > 0

    page.get_by_test_id("edge-open").click()
    counts = page.evaluate(HUES_JS, '[data-testid="edge-weights"]')
    assert counts["green"] == 0 and counts["red"] == 0 and counts["blue"] > 0 and counts["orange"] > 0

    page.reload()  # remembered
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-palette", "cb")
    page.get_by_test_id("palette").click()
    expect(page.locator("body")).to_have_attribute("data-palette", "default")
    for words in page.locator('[data-sign="pos"]').all():
        expect(words).to_have_text("green +")


LEGEND_NEG_JS = """() => {
  const key = document.querySelector('.key-neg');
  const mark = getComputedStyle(key, '::before');
  return { text: key.textContent, image: mark.backgroundImage };
}"""


def test_the_colour_blind_palette_draws_negative_weights_dashed(open_page):
    """The sign without colour on the connections: in the colour-blind palette the negative
    weights' lines are dashed (on the page's thread and in the worker's frames), and the
    legend's negative key is a dashed line that says so. The default palette stays solid."""
    page = open_page()
    record_network_painting(page)
    canvas = page.get_by_test_id("network")
    draw_digit(page, 2)
    settle(page)
    expect(canvas).to_have_attribute("data-negative-style", "solid")
    assert [d for d in painted_dashes(page) if d] == [], "no dashes in the default palette"
    legend = page.evaluate(LEGEND_NEG_JS)
    assert legend == {"text": catalog("en")["legend.neg"], "image": "none"}, legend

    forget_painting(page)
    page.get_by_test_id("palette").click()
    expect(page.locator("body")).to_have_attribute("data-palette", "cb")
    expect(canvas).to_have_attribute("data-negative-style", "dashed")
    assert [d for d in painted_dashes(page) if d], "the repaint strokes dashed lines"
    legend = page.evaluate(LEGEND_NEG_JS)
    assert legend["text"] == catalog("en")["legend.negDashed"], legend
    assert "repeating-linear-gradient" in legend["image"] and "rgb(240, 160, 30)" in legend["image"], legend

    # A new drawing's glide (painted by network_worker.js where the browser can): dashed too.
    watch_network_attributes(page)
    page.get_by_test_id("clear").click()
    draw_digit(page, 7)
    settle(page)
    assert worker_draws_since_watch(page) > 0, "the glide was painted by the worker"
    assert watched(page, "data-negative-style") == [], "dashed all along (a change would be recorded)"
    expect(canvas).to_have_attribute("data-negative-style", "dashed")

    page.reload()  # remembered, and dashed from the first picture
    settle(page)
    expect(canvas).to_have_attribute("data-negative-style", "dashed")
    assert page.evaluate(LEGEND_NEG_JS)["text"] == catalog("en")["legend.negDashed"]

    page.get_by_test_id("palette").click()
    expect(page.locator("body")).to_have_attribute("data-palette", "default")
    expect(canvas).to_have_attribute("data-negative-style", "solid")
    assert page.evaluate(LEGEND_NEG_JS) == {"text": catalog("en")["legend.neg"], "image": "none"}


@pytest.mark.parametrize("palette", ["default", "cb"])
def test_screenshots_of_both_palettes(open_page, palette):
    """Desktop and phone, a digit drawn: for a person to look at."""
    for size, options in (("1366x768", {}), ("390x844", PHONE)):
        page = open_page("/", **options)
        draw_digit(page, 2)
        settle(page)
        if palette == "cb":
            page.get_by_test_id("palette").click()
            expect(page.get_by_test_id("network")).to_have_attribute("data-negative-style", "dashed")
        (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "screenshots" / f"palette-{palette}-{size}.png"), full_page=True)
