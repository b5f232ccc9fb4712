"""The videos' experiments, end to end.

Noise: random pixels still get a confident answer, and the page says why. The
edge detector: a neuron whose weights are painted by mouse, finger or keyboard,
whose bias is a slider, and whose z = w·a + b is computed from the drawing where
it was drawn (the pad shrunk to 28x28: checked here against the input grid the
"without pre-processing" switch gives the network, the same grid).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.drawing import answer, draw, draw_digit, input_grid, pad_ink, settle

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
SIDE = 28
# static/js/panels/edge_detector.js's preset: +1 on rows 7-9 x columns 8-19, -1 on the ring around it.
BAR_ROWS, BAR_COLS, PRESET_BIAS = range(7, 10), range(8, 20), -6.0
# Where on the pad a 7 puts its top stroke on the preset's bar (rows 7-9, columns 8-19 of 28).
ON_THE_BAR = (0.25, 0.26, 0.75, 0.9)



def preset_weights():
    w = [0.0] * (SIDE * SIDE)
    for r in range(BAR_ROWS.start - 1, BAR_ROWS.stop + 1):
        for c in range(BAR_COLS.start - 1, BAR_COLS.stop + 1):
            w[r * SIDE + c] = 1.0 if r in BAR_ROWS and c in BAR_COLS else -1.0
    return w


def edge_input(page):
    """The edge detector's input: the drawing where it was drawn, read as the network's input
    with the "without pre-processing" switch on (then off again)."""
    switch = page.get_by_test_id("without-preprocessing")
    switch.click()
    expect(switch).to_be_checked()
    grid = input_grid(page)
    switch.click()
    expect(switch).not_to_be_checked()
    settle(page)
    return grid


def page_z(page):
    return float(page.get_by_test_id("edge-weights").get_attribute("data-z"))


def dot(w, a):
    return sum(wi * ai for wi, ai in zip(w, a))


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def number(text):
    return float(text.replace("−", "-"))


# ---- noise --------------------------------------------------------------------------------

def test_noise_still_gets_an_answer_and_the_page_says_why(page):
    page.get_by_test_id("noise").click()
    settle(page)
    digit = page.get_by_test_id("prediction").text_content()
    assert re.fullmatch(r"\d", digit), "the network answers anyway"
    note = page.get_by_test_id("noise-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Random noise, not a digit")
    expect(note).to_contain_text(f"Yet the network answers {digit}")
    expect(note).to_contain_text("never from noise")
    # The sentence's number is the one its bar shows (test_e2e_newcomer.py checks it against the reply).
    pct = int(re.search(r"(\d+)%", note.text_content()).group(1))
    bar = page.locator(f'[data-testid="probabilities"] .prob[data-digit="{digit}"]')
    expect(bar).to_have_attribute("aria-label", re.compile(rf"^{digit}\D.*\b{pct}%$"))

    # What the network saw is the noise (re-fitted to MNIST's 20x20 box by the server), shown as its input.
    grid = input_grid(page)
    assert sum(v > 0.05 for v in grid) >= 300
    assert pad_ink(page) > 0
    expect(page.get_by_test_id("network")).to_have_attribute("data-prediction", digit)
    expect(page).to_have_url(re.compile(r"\?d=1[\w-]+$"))
    expect(page.get_by_test_id("announcer")).to_have_text(f"Random noise, and still the network reads {digit}")

    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])  # a drawing of one's own: the note makes way
    assert answer(page) == "1"
    expect(note).to_be_hidden()
    page.get_by_test_id("undo").click()  # and comes back with the noise
    expect(note).to_be_visible()
    assert answer(page) == digit
    page.get_by_test_id("noise").click()  # fresh noise every time
    settle(page)
    assert input_grid(page) != grid
    page.get_by_test_id("clear").click()
    expect(note).to_be_hidden()
    assert answer(page) == ""


# ---- the edge detector ----------------------------------------------------------------------

def test_the_preset_edge_detector_lights_up_for_a_7_and_not_for_a_1(page):
    draw_digit(page, 7, region=ON_THE_BAR)
    assert answer(page) == "7"
    opener = page.get_by_test_id("edge-open")
    opener.click()
    panel = page.get_by_test_id("edge-detector")
    expect(panel).to_be_visible()
    expect(opener).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#edge-title")).to_be_focused()
    grid = edge_input(page)
    expected = dot(preset_weights(), grid) + PRESET_BIAS
    expect(page.get_by_test_id("edge-weights")).to_have_attribute("data-z", re.compile(r"."))
    assert page_z(page) == pytest.approx(expected, abs=0.05), "z = w·a + b of the input the network saw"
    assert number(page.get_by_test_id("edge-z").text_content()) == pytest.approx(expected, abs=0.01)
    expect(page.get_by_test_id("edge-b")).to_have_text("−6.00")
    verdict = page.get_by_test_id("edge-verdict")
    expect(verdict).to_have_attribute("data-state", "on")
    assert number(page.get_by_test_id("edge-a").text_content()) > 0.5
    shot(page, "edge-detector-7-1366x768")

    page.get_by_test_id("clear").click()
    draw_digit(page, 1, region=ON_THE_BAR)
    assert answer(page) == "1"
    expect(verdict).to_have_attribute("data-state", "off")  # follows the drawing live
    assert page_z(page) == pytest.approx(dot(preset_weights(), edge_input(page)) + PRESET_BIAS, abs=0.05)
    assert page.evaluate("() => document.documentElement.scrollHeight") <= 768, "the panel scrolls, not the page"

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_have_attribute("aria-expanded", "false")


def test_painting_weights_with_the_mouse_and_the_keyboard_and_setting_the_bias(page):
    draw_digit(page, 7, region=ON_THE_BAR)
    settle(page)
    a = edge_input(page)
    page.get_by_test_id("edge-open").click()
    page.get_by_test_id("edge-clear").click()
    assert page_z(page) == pytest.approx(PRESET_BIAS), "no weights: z is the bias"

    # The mouse: a positive stroke along row 8, from column 2 to column 25.
    grid = page.get_by_test_id("edge-weights")
    box = grid.bounding_box()
    cell = box["width"] / SIDE

    def at(r, c):
        return box["x"] + (c + 0.5) * cell, box["y"] + (r + 0.5) * cell

    page.mouse.move(*at(8, 2))
    page.mouse.down()
    page.mouse.move(*at(8, 25), steps=5)  # a quick drag: the cells in between are painted too
    page.mouse.up()
    painted = [0.0] * (SIDE * SIDE)
    for c in range(2, 26):
        painted[8 * SIDE + c] = 1.0
    assert page_z(page) == pytest.approx(dot(painted, a) + PRESET_BIAS, abs=0.05)
    assert page_z(page) > PRESET_BIAS, "the 7's top stroke crosses row 8"

    # The keyboard: the negative brush, the cursor down to row 8, column 13, then Space.
    page.get_by_test_id("brush-neg").click()
    expect(page.get_by_test_id("brush-neg")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("brush-pos")).to_have_attribute("aria-pressed", "false")
    grid.focus()
    cursor = page.get_by_test_id("edge-cursor")
    expect(cursor).to_have_text("row 8, column 9: weight 0")  # the cursor starts at the preset's corner
    page.keyboard.press("ArrowDown")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(cursor).to_have_text("row 9, column 13: weight +1")
    page.keyboard.press("Space")
    expect(cursor).to_have_text("row 9, column 13: weight −1")
    painted[8 * SIDE + 12] = -1.0
    assert page_z(page) == pytest.approx(dot(painted, a) + PRESET_BIAS, abs=0.05)
    page.keyboard.press("Shift+ArrowRight")  # Shift paints as it moves
    expect(cursor).to_have_text("row 9, column 14: weight −1")

    # The bias: a slider, from the keyboard too.
    before = page_z(page)
    slider = page.get_by_test_id("edge-bias")
    slider.focus()
    page.keyboard.press("End")
    expect(page.get_by_test_id("edge-bias-value")).to_have_text("+20.0")
    assert page_z(page) == pytest.approx(before - PRESET_BIAS + 20, abs=1e-6)
    page.keyboard.press("Home")
    expect(page.get_by_test_id("edge-b")).to_have_text("−20.00")
    expect(page.get_by_test_id("edge-verdict")).to_have_attribute("data-state", "off")

    page.get_by_test_id("edge-preset").click()  # back to the video's neuron
    expect(page.get_by_test_id("edge-b")).to_have_text("−6.00")
    assert page_z(page) == pytest.approx(dot(preset_weights(), a) + PRESET_BIAS, abs=0.05)

    page.get_by_test_id("edge-weights").focus()
    page.keyboard.press("Escape")  # closes, and the focus goes back to the button that opened it
    expect(page.get_by_test_id("edge-detector")).to_be_hidden()
    expect(page.get_by_test_id("edge-open")).to_be_focused()


def test_opening_a_neuron_closes_the_edge_detector_and_back(page):
    page.get_by_test_id("edge-open").click()
    expect(page.get_by_test_id("edge-detector")).to_be_visible()
    page.get_by_test_id("neuron-1-1").click()
    expect(page.get_by_test_id("inspector")).to_be_visible()
    expect(page.get_by_test_id("edge-detector")).to_be_hidden()
    page.get_by_test_id("edge-open").click()
    expect(page.get_by_test_id("inspector")).to_be_hidden()
    expect(page.get_by_test_id("neuron-1-1")).to_have_attribute("aria-pressed", "false")


def test_painting_with_a_finger_on_a_phone_never_scrolls(open_page):
    page = open_page(**PHONE)
    draw_digit(page, 7, region=ON_THE_BAR)
    assert answer(page) == "7"
    page.get_by_test_id("edge-open").tap()
    expect(page.get_by_test_id("edge-detector")).to_be_visible()
    expect(page.get_by_test_id("pad")).to_be_in_viewport()  # the pad stays in view above the sheet
    page.get_by_test_id("edge-clear").tap()
    grid = page.get_by_test_id("edge-weights")
    grid.scroll_into_view_if_needed()
    assert page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"edge-weights\"]')).touchAction") == "none"
    box = grid.bounding_box()
    scroll = page.evaluate("() => [window.scrollY, document.querySelector('[data-testid=\"edge-detector\"]').scrollTop]")
    y = box["y"] + box["height"] * (8.5 / SIDE)
    cdp = page.context.new_cdp_session(page)
    xs = [box["x"] + box["width"] * (0.1 + 0.8 * i / 20) for i in range(21)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": xs[0], "y": y}]})
    for x in xs[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(grid).not_to_have_attribute("data-z", str(int(PRESET_BIAS)))
    assert page_z(page) > PRESET_BIAS, "the finger painted positive weights across the 7's top stroke"
    assert page.evaluate("() => [window.scrollY, document.querySelector('[data-testid=\"edge-detector\"]').scrollTop]") == scroll
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_screenshots_of_the_experiments(open_page, lang):
    for size, options in (("1366x768", {}), ("390x844", PHONE)):
        page = open_page(f"/?lang={lang}", **options)
        draw_digit(page, 7, region=ON_THE_BAR)
        settle(page)
        page.get_by_test_id("edge-open").click()
        expect(page.get_by_test_id("edge-verdict")).to_have_attribute("data-state", "on")
        shot(page, f"experiments-edge-{lang}-{size}")
        page.keyboard.press("Escape")
        page.get_by_test_id("palette").click()
        page.get_by_test_id("noise").click()
        settle(page)
        page.get_by_test_id("neuron-1-2").click()
        expect(page.get_by_test_id("noise-note")).to_be_visible()
        shot(page, f"experiments-noise-colour-blind-{lang}-{size}")
