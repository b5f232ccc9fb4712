"""Issue 12: the page teaches what the video teaches, end to end with the mouse and the keyboard.

The pre-processing shown over the pad (its stages, its end state = the network's input, the
reduced-motion path), the "without pre-processing" switch, the signal flowing forward (Play,
by keyboard), the edge detector's neuron that sees the drawing where it was drawn, and an
input pixel's value and its 16 outgoing weights.
"""
from __future__ import annotations

import base64
import re
import time

import numpy as np
import pytest
from playwright.sync_api import expect

from tools.drawing import DIGITS, answer, draw, input_grid, pad_ink, sent_pixels, settle

SIDE = 28
STAGES = ["raw", "box", "scale", "centre", "grid", "slant", "done"]
# A 7 leaning right, drawn small in the top-left corner: the pre-processing has work to do.
CORNER_7 = ([[(x + 0.25 * (0.5 - y), y) for x, y in s] for s in DIGITS["7"]], (0.08, 0.08, 0.45, 0.45))
# Smaller still, where the network cannot read it as drawn (the 784-16-16-10 of issue 11 reads CORNER_7 raw).
TINY_CORNER_7 = (CORNER_7[0], (0.05, 0.05, 0.27, 0.27))

RECORD_JS = """([testid, attr]) => {
  const el = document.querySelector(`[data-testid="${testid}"]`);
  const seen = window.__seen = window.__seen || {};
  const log = seen[attr] = [];
  new MutationObserver(() => {
    const v = el.getAttribute(attr);
    if (log[log.length - 1] !== v) log.push(v);
  }).observe(el, { attributes: true, attributeFilter: [attr] });
}"""


def record(page, testid, attr):
    """From now on, every value `attr` of `testid` takes, in order (read back with `recorded`)."""
    page.evaluate(RECORD_JS, [testid, attr])


def recorded(page, attr):
    return page.evaluate("(attr) => window.__seen[attr]", attr)


def grid_text(values):
    return ",".join(str(v) for v in values)


def assert_strokes_in_view(page):
    """The pad shows the person's strokes: the pre-processing's end state is only a small picture in its corner."""
    pad = page.get_by_test_id("pad").bounding_box()
    deadline = time.monotonic() + 10  # its move into the corner is a short transition
    while True:
        small = page.get_by_test_id("preprocess").bounding_box()
        if small["width"] < 0.35 * pad["width"] and small["height"] < 0.35 * pad["height"]:
            break
        assert time.monotonic() < deadline, f"the end state still covers the pad: {small}, pad {pad}"
        page.wait_for_timeout(100)
    assert small["x"] + small["width"] <= pad["x"] + pad["width"] and small["y"] >= pad["y"], "inside the pad's corner"
    assert pad_ink(page) > 0, "the strokes are on the pad"


def draw_line(page, y, x0, x1):
    """One horizontal stroke at height `y`, from `x0` to `x1` (fractions of the pad)."""
    draw(page, [[(x0, y), ((x0 + x1) / 2, y), (x1, y)]], region=(0, 0, 1, 1))


# ---- 1. the pre-processing, shown -------------------------------------------------------------

def test_the_preprocessing_plays_its_stages_and_ends_on_what_the_network_saw(page):
    view = page.get_by_test_id("preprocess")
    expect(view).to_be_hidden()
    record(page, "preprocess", "data-stage")
    draw(page, *CORNER_7)  # pen up: it plays
    expect(view).to_have_attribute("data-state", "done")
    stages = recorded(page, "data-stage")
    # The 7 has two strokes: the first pen-up plays, the second stroke hides it (None), the last plays through.
    assert stages[0] == "raw" and None in stages
    last = stages[len(stages) - stages[::-1].index(None):]
    assert last == STAGES, f"every stage in order: {stages}"
    # The end state is the network's input itself (the server's activations[0], deskewed).
    grid = input_grid(page)
    expect(view).to_have_attribute("data-grid", page.get_by_test_id("input-grid").text_content())
    assert max(grid[r * SIDE + c] for r in range(14, 28) for c in range(28)) > 0.5, "moved to the middle"
    expect(page.get_by_test_id("preprocess-stage")).to_have_text(re.compile(r"^6 · "))
    # A moment later the end state moves into the pad's corner: the person's own strokes are in view again.
    expect(view).to_have_attribute("data-view", "corner")
    expect(page.get_by_test_id("preprocess-stage")).to_be_hidden()
    assert_strokes_in_view(page)

    # On demand, and skippable.
    page.get_by_test_id("preprocess-show").click()
    expect(view).to_have_attribute("data-state", "playing")
    skip = page.get_by_test_id("preprocess-skip")
    expect(skip).to_be_visible()
    skip.click()
    expect(view).to_have_attribute("data-state", "done")
    expect(skip).to_be_hidden()
    expect(view).to_have_attribute("data-view", "corner")

    # Drawing again hides it at once: the pad is the pad again.
    box = page.get_by_test_id("pad").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    expect(view).to_be_hidden()
    page.mouse.up()


def test_reduced_motion_shows_the_end_state_at_once(open_page):
    page = open_page(reduced_motion="reduce")
    record(page, "preprocess", "data-stage")
    record(page, "preprocess", "data-view")
    record(page, "network", "data-flow")
    draw(page, *CORNER_7)
    view = page.get_by_test_id("preprocess")
    expect(view).to_have_attribute("data-state", "done")
    settle(page)
    expect(view).to_have_attribute("data-grid", page.get_by_test_id("input-grid").text_content())
    # Each pen-up (the 7 has two strokes) shows the end state, and nothing before it.
    assert {s for s in recorded(page, "data-stage") if s is not None} == {"done"}, "no stage in between"
    # ...in the pad's corner at once: it never covers the strokes.
    assert {v for v in recorded(page, "data-view") if v is not None} == {"corner"}
    assert_strokes_in_view(page)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("network")).to_have_attribute("data-flow", "done")
    assert "running" not in recorded(page, "data-flow"), "the signal does not move either"


def test_without_preprocessing_the_answer_changes_and_switching_back_restores_it(page):
    draw(page, *TINY_CORNER_7)
    normal = answer(page)
    assert normal == "7"
    normal_grid = input_grid(page)
    switch = page.get_by_test_id("without-preprocessing")
    with page.expect_request(lambda r: r.url.endswith("/api/predict")) as asked:
        switch.click()
    expect(switch).to_be_checked()
    assert asked.value.post_data_json["preprocess"] is False, "the API is asked for the grid as sent"
    raw = sent_pixels(asked.value)
    settle(page)
    grid = input_grid(page)
    assert grid == pytest.approx(raw, abs=1e-3), "the network's input is the pad shrunk to 28x28"
    assert max(grid[r * SIDE + c] for r in range(15, 28) for c in range(28)) == 0, "where it was drawn: top left"
    assert max(grid[r * SIDE + c] for r in range(28) for c in range(15, 28)) == 0
    assert answer(page) != normal, "without the step the network misreads it"
    view = page.get_by_test_id("preprocess")
    expect(view).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("preprocess-stage")).to_contain_text("Without pre-processing")
    settle(page)
    expect(view).to_have_attribute("data-grid", page.get_by_test_id("input-grid").text_content())

    with page.expect_request(lambda r: r.url.endswith("/api/predict")) as asked:
        switch.click()
    assert "preprocess" not in asked.value.post_data_json
    assert answer(page) == normal
    assert input_grid(page) == normal_grid


# ---- 2. the signal flowing forward --------------------------------------------------------------

def test_play_by_keyboard_lights_the_layers_in_turn(page):
    draw(page, DIGITS["3"])
    assert answer(page) == "3"
    net = page.get_by_test_id("network")
    expect(net).to_have_attribute("data-flow", "done")  # it flowed once when the pen lifted
    record(page, "network", "data-flow-layer")
    record(page, "network", "data-flow")
    page.get_by_test_id("lang-en").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.testid") == "play":
            break
    expect(page.get_by_test_id("play")).to_be_focused()
    page.keyboard.press("Enter")
    expect(net).to_have_attribute("data-flow", "done")
    assert recorded(page, "data-flow") == ["running", "done"]
    assert recorded(page, "data-flow-layer") == ["0", "1", "2", "3"], "input, hidden 1, hidden 2, output"
    assert int(net.get_attribute("data-pulses")) > 0, "pulses ran along the strongest connections"

    page.keyboard.press("Space")  # again, and drawing again stops it
    expect(net).to_have_attribute("data-flow", "running")
    draw(page, [[(0.9, 0.9), (0.95, 0.95)]], region=(0, 0, 1, 1))
    expect(net).not_to_have_attribute("data-flow", "running")


# ---- 3. the edge detector sees the drawing where it was drawn --------------------------------

def test_a_stroke_on_the_painted_bar_lights_the_edge_detector_and_elsewhere_does_not(page):
    page.get_by_test_id("edge-open").click()
    panel = page.get_by_test_id("edge-detector")
    expect(panel).to_contain_text("where you drew it")
    # The preset's bar: rows 7-9, columns 8-19 of the pad shrunk to 28x28.
    draw_line(page, 8.5 / SIDE, 8.5 / SIDE, 19.5 / SIDE)
    settle(page)
    z = page.get_by_test_id("edge-weights")
    expect(page.get_by_test_id("edge-verdict")).to_have_attribute("data-state", "on")
    assert float(z.get_attribute("data-z")) > 0
    assert float(page.get_by_test_id("edge-a").text_content()) > 0.5

    page.get_by_test_id("clear").click()
    draw_line(page, 20.5 / SIDE, 8.5 / SIDE, 19.5 / SIDE)  # the same stroke, lower down
    settle(page)
    expect(page.get_by_test_id("edge-verdict")).to_have_attribute("data-state", "off")
    assert float(z.get_attribute("data-z")) < 0
    assert float(page.get_by_test_id("edge-a").text_content()) < 0.5
    # The network itself still re-centres: its input has the stroke in the middle.
    assert answer(page) != ""


# ---- 4. an input pixel ---------------------------------------------------------------------------

def first_layer_weights(page):
    body = page.request.get(page.url.split("?")[0].rstrip("/") + "/api/network").json()
    layer = body["layers"][0]
    return np.frombuffer(base64.b64decode(layer["weights"]), dtype="<f4").reshape(layer["shape"])


def test_clicking_or_focusing_an_input_pixel_shows_its_value_and_its_16_weights(page):
    draw(page, DIGITS["7"])
    settle(page)
    grid = input_grid(page)
    w = first_layer_weights(page)
    pixels = page.get_by_test_id("input-pixels")
    box = pixels.bounding_box()
    i = max(range(SIDE * SIDE), key=lambda k: grid[k])  # a lit pixel
    r, c = divmod(i, SIDE)
    page.mouse.click(box["x"] + (c + 0.5) * box["width"] / SIDE, box["y"] + (r + 0.5) * box["height"] / SIDE)
    info = page.get_by_test_id("pixel-info")
    expect(info).to_be_visible()
    expect(info).to_have_attribute("data-pixel", str(i))
    expect(info).to_contain_text(f"row {r + 1}, column {c + 1}: activation {grid[i]:.3f}")
    shown = [float(v) for v in info.get_attribute("data-weights").split(",")]
    assert shown == pytest.approx(w[:, i].tolist(), abs=1e-4), "its 16 outgoing weights, from the network"
    expect(page.get_by_test_id("network")).to_have_attribute("data-pixel-lines", "16")

    # The keyboard: one tab stop, the arrow keys move, Escape lets go.
    pixels.focus()
    page.keyboard.press("ArrowRight")
    expect(info).to_have_attribute("data-pixel", str(i + 1 if c < SIDE - 1 else i))
    page.keyboard.press("ArrowDown")
    expect(info).to_have_attribute("data-pixel", str(i + 1 + SIDE if c < SIDE - 1 else i + SIDE))
    page.keyboard.press("Escape")
    expect(info).to_be_hidden()
    expect(page.get_by_test_id("network")).to_have_attribute("data-pixel-lines", "0")
