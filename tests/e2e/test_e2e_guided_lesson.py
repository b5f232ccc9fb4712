"""Issue 21, part 1: a lesson a class can follow. The page tells the video's story step by step, on the
live page: each step rings a real part of the page (visible, in view, not under the card), says its
words (once, to a screen reader), and does what it says (a sample digit, Step, the inspector, hidden
layer 1's weights). Next / Back and → / ←, "N / 12", data-step, ?lesson=N; Escape leaves, and the page
is as it was: the learner's strokes, the open panel and its neuron, the focus. Desktop and phone,
English and 繁體中文, mouse and keyboard.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.drawing import answer, draw, draw_digit, pad_ink, settle

STEPS = ["neuron", "input", "output", "hidden", "layers", "hope", "weights", "sum", "bias", "sigmoid", "knobs", "try"]
INSPECTOR_STEPS = {7, 8, 9, 10}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
I18N = Path(__file__).resolve().parents[2] / "static" / "i18n"


def catalog(lang):
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


# Where each ringed part is, its ring, the card, and what is at the part's middle (the page's own
# element, not the card: the spotlight takes no clicks).
SPOTS_JS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const groups = {};
  for (const el of document.querySelectorAll('[data-lesson-highlight]')) (groups[el.dataset.lessonHighlight] ||= []).push(el);
  const parts = Object.keys(groups).sort().map((k) => {
    const els = groups[k].filter((el) => el.getClientRects().length);
    const first = els[0];
    let hit = null;
    if (first) {
      const [l, t, r, b] = box(first);
      const at = document.elementFromPoint((l + r) / 2, (t + b) / 2);
      hit = !!at && (first === at || first.contains(at));
    }
    return { group: Number(k), shown: els.length, box: first ? box(first) : null, hit, name: first ? (first.dataset.testid || first.className) : null };
  });
  const rings = [...document.querySelectorAll('.lesson-ring')].filter((r) => !r.hidden).map(box);
  return { parts, rings, card: box(document.querySelector('[data-testid="lesson-card"]')), w: innerWidth, h: innerHeight };
}"""

PAD_PIXELS_JS = "() => document.querySelector('[data-testid=\"pad\"]').toDataURL()"

RECORD_ANNOUNCER_JS = """() => {
  const el = document.querySelector('[data-testid="lesson-announcer"]');
  window.__said = [];
  new MutationObserver(() => { if (el.textContent) window.__said.push(el.textContent); })
    .observe(el, { childList: true, characterData: true, subtree: true });
}"""


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def inside(inner, outer, slack=1):
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def assert_step(page, n, words):
    """Step `n` is shown and in place: its words, and its first part ringed, visible, in view, not under the card."""
    card = page.get_by_test_id("lesson-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-step", str(n))
    expect(page.get_by_test_id("lesson-progress")).to_have_text(f"{n} / 12")
    title = words[f"lesson.{STEPS[n - 1]}.title"]
    expect(page.get_by_test_id("lesson-title")).to_have_text(title)
    expect(page.get_by_test_id("lesson-announcer")).to_contain_text(title)  # said once it is in place
    expect(page.get_by_test_id("lesson-text")).not_to_contain_text("…")  # its numbers filled in
    # The ring glides to its part (a short transition) and the card moves out of its way: wait for that.
    deadline = time.monotonic() + 20
    while True:
        got = page.evaluate(SPOTS_JS)
        problem = spot_problem(got)
        if not problem:
            return got
        assert time.monotonic() < deadline, f"step {n}: {problem}: {got}"
        page.wait_for_timeout(50)


def spot_problem(got):
    """What is wrong with the first ringed part, or None."""
    if not got["parts"]:
        return "no part of the page is ringed"
    first = got["parts"][0]
    if first["group"] != 0 or not first["shown"]:
        return "the first part is not shown"
    b = first["box"]
    if not (b[2] - b[0] > 0 and b[3] - b[1] > 0):
        return "it has no size"
    if not (b[0] >= -1 and b[1] >= -1 and b[2] <= got["w"] + 1 and b[3] <= got["h"] + 1):
        return "it is not in view"
    if overlap(b, got["card"]):
        return "it is under the card"
    if not first["hit"]:
        return "something covers its middle"
    if not any(inside(b, ring, slack=2) for ring in got["rings"]):
        return "no ring round it"
    return None


def walk(page, lang, keyboard):
    """Through all twelve steps, checking each, with Next or →."""
    words = catalog(lang)
    net = page.get_by_test_id("network")
    for n in range(1, 13):
        assert_step(page, n, words)
        if n == 1:
            assert answer(page) == "3", "the lesson's sample 3 is on the pad"
        if n == 5:
            expect(net).to_have_attribute("data-flow", "step")
            expect(net).to_have_attribute("data-flow-layer", "0")
            if keyboard:  # → lights one layer more while there is one
                for k in (1, 2, 3):
                    page.keyboard.press("ArrowRight")
                    expect(net).to_have_attribute("data-flow-layer", str(k))
                    expect(page.get_by_test_id("lesson-card")).to_have_attribute("data-step", "5")
        if n == 6:
            expect(page.get_by_test_id("lesson-figure")).to_be_visible()
            expect(page.locator('[data-testid="lesson-figure"] [data-field="weights"]')).to_have_attribute("data-drawn", "16")
        inspector = page.get_by_test_id("inspector")
        if n in INSPECTOR_STEPS:
            expect(inspector).to_be_visible()
            expect(page.get_by_test_id("inspector-title")).to_have_text(
                re.compile(r"^Hidden layer 1 · neuron \d+$" if lang == "en" else r"^隱藏層 1 · 第 \d+ 個神經元$"))
        else:
            expect(inspector).to_be_hidden()
        if n == 11:
            expect(page.get_by_test_id("lesson-learn")).to_be_visible()
        nxt = page.get_by_test_id("lesson-next")
        expect(nxt).to_have_text(words["lesson.done" if n == 12 else "lesson.next"])
        if keyboard:
            page.keyboard.press("ArrowRight")
        else:
            nxt.click()


@pytest.mark.parametrize("keyboard", [False, True], ids=["mouse", "keyboard"])
@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_every_step_rings_a_visible_part_and_the_lesson_leaves_the_page_as_it_was(open_page, lang, keyboard):
    page = open_page(f"/?lang={lang}")
    draw_digit(page, 7)
    assert answer(page) == "7"
    before = {"pad": page.evaluate(PAD_PIXELS_JS), "grid": page.get_by_test_id("input-grid").text_content(), "url": page.url}
    page.evaluate(RECORD_ANNOUNCER_JS)
    lesson = page.get_by_test_id("lesson")
    if keyboard:
        lesson.focus()
        page.keyboard.press("Enter")
    else:
        lesson.click()
    expect(lesson).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("lesson-next")).to_be_focused()  # the focus is in the lesson
    assert "lesson=1" in page.url
    walk(page, lang, keyboard)

    # Done (or → on the last step): the lesson is gone, the page as it was.
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()
    expect(page.get_by_test_id("lesson-spotlight")).to_be_hidden()
    assert page.locator("[data-lesson-highlight]").count() == 0
    expect(lesson).to_be_focused()
    expect(lesson).to_have_attribute("aria-expanded", "false")
    settle(page)
    assert page.evaluate(PAD_PIXELS_JS) == before["pad"], "the learner's own strokes, as they were drawn"
    assert page.get_by_test_id("input-grid").text_content() == before["grid"]
    assert answer(page) == "7"
    assert page.url == before["url"], "the address holds the learner's drawing again, and no lesson"
    for panel in ("inspector", "learn", "edge-detector"):
        expect(page.get_by_test_id(panel)).to_be_hidden()
    said = page.evaluate("() => window.__said")
    heads = [catalog(lang)["lesson.stepOf"].replace("{n}", str(n)).replace("{total}", "12") for n in range(1, 13)]
    assert len(said) == 12 and all(s.startswith(h) for s, h in zip(said, heads)), f"each step said once, in order: {said}"


def test_a_link_opens_a_step_and_the_address_follows(open_page):
    page = open_page("/?lesson=5")
    words = catalog("en")
    net = page.get_by_test_id("network")
    assert_step(page, 5, words)
    assert answer(page) == "3", "the sample digit, for the network to show something"
    expect(net).to_have_attribute("data-flow", "step")
    expect(net).to_have_attribute("data-flow-layer", "0")
    page.get_by_test_id("play-step").click()  # the Step control itself does the same as →
    expect(net).to_have_attribute("data-flow-layer", "1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(net).to_have_attribute("data-flow-layer", "3")
    page.keyboard.press("ArrowRight")  # every layer lit: → moves on
    assert_step(page, 6, words)
    assert re.search(r"[?&]lesson=6\b", page.url), page.url
    expect(net).not_to_have_attribute("data-flow", "step")
    page.keyboard.press("ArrowLeft")
    assert_step(page, 5, words)
    expect(net).to_have_attribute("data-flow-layer", "0")
    page.get_by_test_id("lesson-prev").click()
    assert_step(page, 4, words)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()
    assert "lesson=" not in page.url
    assert pad_ink(page) == 0, "the pad was empty: it is again"
    expect(page.get_by_test_id("prediction")).to_have_text("")


@pytest.mark.parametrize("value", ["40", "0", "abc", "5x"])
def test_a_link_to_no_such_step_opens_step_1_and_says_so(open_page, value):
    page = open_page(f"/?lesson={value}")
    assert_step(page, 1, catalog("en"))
    note = page.get_by_test_id("lesson-note")
    expect(note).to_have_text("The link asked for a step this lesson does not have (its steps are 1 to 12): here is step 1.")
    assert value not in note.text_content()
    page.get_by_test_id("lesson-next").click()
    expect(note).to_be_hidden()


def test_leaving_brings_back_the_open_panel_and_keeps_what_the_learner_did(page):
    draw_digit(page, 7)
    settle(page)
    pixels = page.evaluate(PAD_PIXELS_JS)
    page.get_by_test_id("neuron-2-5").click()
    title = page.get_by_test_id("inspector-title")
    expect(title).to_have_text("Hidden layer 2 · neuron 6")
    page.get_by_test_id("lesson").click()
    for _ in range(6):
        page.get_by_test_id("lesson-next").click()
    assert_step(page, 7, catalog("en"))
    expect(title).to_have_text(re.compile(r"^Hidden layer 1 · "))  # the lesson's neuron
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()
    expect(title).to_have_text("Hidden layer 2 · neuron 6")  # the learner's again
    expect(page.get_by_test_id("neuron-2-5")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(PAD_PIXELS_JS) == pixels
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("inspector")).to_be_hidden()

    # What the learner does during the lesson is theirs: a drawing, a panel they opened.
    page.get_by_test_id("lesson").click()
    assert_step(page, 1, catalog("en"))
    page.get_by_test_id("clear").click()
    draw_digit(page, 1)
    assert answer(page) == "1"
    mine = page.evaluate(PAD_PIXELS_JS)
    page.get_by_test_id("lesson-next").click()
    assert_step(page, 2, catalog("en"))
    page.get_by_test_id("explain-open").click()
    expect(page.get_by_test_id("explain")).to_be_visible()
    page.get_by_test_id("lesson-close").click()
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()
    expect(page.get_by_test_id("explain")).to_be_visible()
    assert page.evaluate(PAD_PIXELS_JS) == mine and answer(page) == "1"


def test_arrows_and_escape_belong_to_the_focused_part_and_tab_stays_in_the_card(page):
    words = catalog("en")
    page.get_by_test_id("lesson").click()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert_step(page, 4, words)

    # Tab goes round the card's own controls.
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('[data-testid=\"lesson-card\"]')")

    # The neurons' arrows are the neurons'.
    page.get_by_test_id("neuron-1-3").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.dataset.testid").startswith("neuron-2-")
    expect(page.get_by_test_id("lesson-card")).to_have_attribute("data-step", "4")

    # The edge detector's arrows paint-move its cursor; its Escape closes it, not the lesson.
    page.get_by_test_id("edge-open").click()
    grid = page.get_by_test_id("edge-weights")
    grid.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("edge-cursor")).to_contain_text("column 10")
    expect(page.get_by_test_id("lesson-card")).to_have_attribute("data-step", "4")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("edge-detector")).to_be_hidden()
    expect(page.get_by_test_id("lesson-card")).to_be_visible()
    expect(page.get_by_test_id("edge-open")).to_be_focused()
    page.keyboard.press("Escape")  # now the lesson's
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_on_a_phone_each_part_is_scrolled_into_view_above_the_card(open_page, lang):
    page = open_page(f"/?lang={lang}", **PHONE)
    words = catalog(lang)
    page.get_by_test_id("lesson").click()
    for n in range(1, 13):
        got = assert_step(page, n, words)
        card = got["card"]
        assert card[0] <= 1 and card[2] >= got["w"] - 1, "a sheet across the phone"
        place = page.get_by_test_id("lesson-card").get_attribute("data-place")
        # In a sheet at the bottom (the inspector), the part is above nothing: the card goes to the top.
        assert place == ("top" if n in INSPECTOR_STEPS else "bottom"), f"step {n}: {place}"
        if place == "bottom":
            assert got["parts"][0]["box"][3] <= card[1], f"step {n}: above the card"
        page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()


def test_reduced_motion_the_rings_jump(open_page):
    page = open_page("/?lesson=2", reduced_motion="reduce")
    assert_step(page, 2, catalog("en"))
    assert page.locator(".lesson-ring").first.evaluate("(el) => getComputedStyle(el).transitionDuration") == "0s"
    page.keyboard.press("ArrowRight")
    assert_step(page, 3, catalog("en"))


def test_the_learner_can_draw_under_the_lesson(page):
    """The spotlight takes no clicks: the pad, the neurons and the chips work as ever."""
    page.get_by_test_id("lesson").click()
    assert_step(page, 1, catalog("en"))
    page.get_by_test_id("clear").click()
    expect(page.get_by_test_id("prediction")).to_have_text("")
    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])
    assert answer(page) == "1"
    page.get_by_test_id("neuron-3-1").click()
    expect(page.get_by_test_id("inspector-title")).to_have_text("Output neuron for the digit 1")
    expect(page.get_by_test_id("lesson-card")).to_have_attribute("data-step", "1")


def test_a_grid_on_the_pad_comes_back_as_it_was_noise_and_its_note_too(page):
    page.get_by_test_id("noise").click()
    note = page.get_by_test_id("noise-note")
    expect(note).to_be_visible()
    settle(page)
    before = (page.evaluate(PAD_PIXELS_JS), page.get_by_test_id("input-grid").text_content())
    page.get_by_test_id("lesson").click()
    assert_step(page, 1, catalog("en"))
    expect(note).to_be_hidden()  # the sample 3 is no noise
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("lesson-card")).to_be_hidden()
    expect(note).to_be_visible()
    expect(note).to_contain_text("Yet the network answers")
    settle(page)
    assert (page.evaluate(PAD_PIXELS_JS), page.get_by_test_id("input-grid").text_content()) == before


def test_the_card_follows_the_language_and_the_palette_without_saying_it_again(open_page):
    page = open_page("/?lesson=7")
    assert_step(page, 7, catalog("en"))
    text, said = page.get_by_test_id("lesson-text"), page.get_by_test_id("lesson-announcer")
    expect(text).to_contain_text("green for a positive weight")
    spoken = said.text_content()
    page.get_by_test_id("palette").click()
    expect(text).to_contain_text("blue for a positive weight")
    page.get_by_test_id("lang-zh-TW").click()
    expect(page.get_by_test_id("lesson-title")).to_have_text(catalog("zh-TW")["lesson.weights.title"])
    expect(text).to_contain_text("藍色是正權重")
    expect(page.get_by_test_id("lesson-next")).to_have_text("下一步")
    assert said.text_content() == spoken, "a switch is not a new step: nothing said again"
    page.get_by_test_id("lesson-next").click()
    assert_step(page, 8, catalog("zh-TW"))
