"""Watch it learn (issue 16, part 4), with the mouse and the keyboard in a real browser.

A digit is drawn with the mouse; the timeline (data-testid="learn") is opened and its slider dragged
to the first snapshot (the random start). Then the prediction the page asks carries that snapshot,
the answer bars are exactly what /api/predict answers for the same grid and snapshot, the panel's
28x28 weight images are painted from that snapshot's first-layer weights (checked cell by cell on
the canvases against /api/network?snapshot=0), and the network view holds those weights too (its
input-pixel read-out). End and Home work on the slider; Play runs to the trained end, whose answer
is the trained network's; closing the panel brings back the trained network's answer and weights.
Both languages, reduced motion, the phone's sheet, and a network shipped without snapshots.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.api_client import floats, get_json, post_json
from tools.browser import PHONE
from tools.drawing import draw_digit, settle

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"  # as conftest.py
CSS = (ROOT / "static" / "css" / "main.css").read_text(encoding="utf-8")
SIDE = 28


# ---- the server, asked directly ----------------------------------------------------------------

def outputs_for(server, body):
    """The output layer's activations /api/predict gives for `body` (the page's compact form: base64 arrays)."""
    reply = post_json(server, "/api/predict", body)
    last = reply["activations"][-1]
    return floats(last) if isinstance(last, str) else last


def first_layer(server, snapshot=None):
    """(n_out, n_in, weights row-major) of the first layer, of a snapshot or of the trained network."""
    net = get_json(server, "/api/network" + ("" if snapshot is None else f"?snapshot={snapshot}"))
    n_out, n_in = net["layers"][0]["shape"]
    return n_out, n_in, floats(net["layers"][0]["weights"])


def css_colour(name, where=""):
    """main.css's colour for `name` (e.g. --green), in the rule starting with `where`: its one home."""
    m = re.search(rf"{re.escape(where)}[^}}]*?{name}:\s*#([0-9a-fA-F]{{6}})", CSS)
    return [int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4)]


# ---- the page --------------------------------------------------------------------------------

def bars(page):
    """The ten answer bars' heights as the page set them (scaleY of each bar's fill)."""
    transforms = page.evaluate("""() => [...document.querySelectorAll('[data-testid="probabilities"] .prob-fill')]
                                        .map((el) => el.style.transform)""")
    return [float(re.fullmatch(r"scaleY\(([-\d.e]+)\)", tr).group(1)) for tr in transforms]


def predict_bodies(page):
    """Every POST /api/predict body the page sends from now on (a list that fills as it goes)."""
    bodies = []
    page.on("request", lambda r: bodies.append(r.post_data_json)
            if r.method == "POST" and r.url.endswith("/api/predict") else None)
    return bodies


def open_timeline(page):
    chip = page.get_by_test_id("learn-open")
    expect(chip).to_be_visible()
    chip.click()
    panel = page.get_by_test_id("learn")
    expect(panel).to_be_visible()
    expect(chip).to_have_attribute("aria-expanded", "true")
    return panel


def shown(page, k):
    """Wait until the page shows snapshot k (its weights given to the views, its question asked and answered)."""
    expect(page.get_by_test_id("learn")).to_have_attribute("data-shown", str(k))
    settle(page)


def drag_slider_to_start(page):
    """Press the mouse on the slider's thumb (at the trained end) and drag it past the left end."""
    box = page.get_by_test_id("learn-timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] - 6, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=6)
    page.mouse.move(box["x"] - 30, y, steps=6)
    page.mouse.up()


def pixel_weights(page):
    """Click the middle of the network view's input grid: its read-out lists that pixel's weights into layer 1."""
    box = page.get_by_test_id("input-pixels").bounding_box()
    page.mouse.click(box["x"] + box["width"] * (14.5 / SIDE), box["y"] + box["height"] * (14.5 / SIDE))
    info = page.get_by_test_id("pixel-info")
    expect(info).to_have_attribute("data-pixel", str(14 * SIDE + 14))
    return [float(v) for v in info.get_attribute("data-weights").split(",")]


def weight_image_cells(page):
    """Each weight image's colour at the middle of each of its 28x28 cells: [[(r, g, b)] * 784] per neuron."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="learn-weights"] canvas')].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const rect = c.getBoundingClientRect();
      const cw = rect.width / 28, ch = rect.height / 28, sx = c.width / rect.width, sy = c.height / rect.height;
      // The middle of each cell as weight_image.js lays them out (whole CSS pixels), in device pixels.
      const mid = (i, size, scale) => Math.floor(((Math.round(i * size) + Math.round((i + 1) * size)) / 2) * scale);
      const out = [];
      for (let r = 0; r < 28; r++) {
        for (let k = 0; k < 28; k++) {
          const x = mid(k, cw, sx), y = mid(r, ch, sy);
          const i = (y * c.width + x) * 4;
          out.push([d[i], d[i + 1], d[i + 2]]);
        }
      }
      return out;
    })""")


def expected_cells(n_out, n_in, weights, palette="default"):
    """What weight_image.js paints for each neuron: green (+) or red (−) (blue/orange in the colour-blind
    palette), brightness (|w| / its max|w|)^0.8."""
    if palette == "cb":
        pos, neg = css_colour("--pos", 'body[data-palette="cb"]'), css_colour("--neg", 'body[data-palette="cb"]')
    else:
        pos, neg = css_colour("--green"), css_colour("--red")
    images = []
    for j in range(n_out):
        w = weights[j * n_in:(j + 1) * n_in]
        m = max(abs(v) for v in w) or 1
        cells = []
        for v in w:
            t = min(1, abs(v) / m) ** 0.8
            R, G, B = pos if v >= 0 else neg
            cells.append((round(6 + R * t), round(8 + G * t), round(14 + B * t)))
        images.append(cells)
    return images


def assert_images_match(page, server, snapshot, palette="default"):
    n_out, n_in, weights = first_layer(server, snapshot)
    got = weight_image_cells(page)
    assert len(got) == n_out == 16
    want = expected_cells(n_out, n_in, weights, palette)
    for j in range(n_out):
        dev = [max(abs(a - b) for a, b in zip(got[j][i], want[j][i])) for i in range(n_in)]
        assert max(dev) <= 3, \
            f"neuron {j} is not snapshot {snapshot}'s weights: {sum(d > 3 for d in dev)} cells off, up to {max(dev)}"
    return weights


# ---- the tests -------------------------------------------------------------------------------

def test_dragging_to_the_start_shows_the_random_network_everywhere_and_closing_restores_it(page, server):
    snaps = get_json(server, "/api/snapshots")["snapshots"]
    last = len(snaps) - 1
    assert last >= 9
    draw_digit(page, 3)
    settle(page)
    trained_bars = bars(page)
    trained_answer = page.get_by_test_id("prediction").text_content()
    trained_pixel = pixel_weights(page)
    sent = predict_bodies(page)

    expect(page.get_by_test_id("learn-open")).to_have_attribute("data-snapshots", str(len(snaps)))
    panel = open_timeline(page)
    slider = page.get_by_test_id("learn-timeline")
    expect(slider).to_have_attribute("max", str(last))
    shown(page, last)  # it opens where the page already is: trained
    expect(page.get_by_test_id("learn-stage")).to_have_text("trained")
    expect(page.get_by_test_id("learn-answer")).to_have_text(
        f"At this step it reads: {trained_answer}, {round(trained_bars[int(trained_answer)] * 100)}%")
    expect(page.get_by_test_id("learn-curve").locator("circle.curve-now")).to_have_count(1)

    # The mouse drags the slider to the first snapshot: the random start.
    drag_slider_to_start(page)
    shown(page, 0)
    expect(slider).to_have_value("0")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(
        rf"^step 0 of {snaps[-1]['step']:,} \(epoch 0\), test accuracy {snaps[0]['test_accuracy'] * 100:.1f}%$"))
    expect(page.get_by_test_id("learn-stage")).to_have_text("random start")
    asked = sent[-1]
    assert asked["snapshot"] == 0, asked
    # The bars are the server's answer at snapshot 0 for the very grid the page sent.
    random_out = outputs_for(server, asked)
    assert bars(page) == pytest.approx(random_out, abs=1e-6)
    assert bars(page) != pytest.approx(trained_bars, abs=0.05)
    # Untrained: no output stands out the way the trained network's answer does.
    assert max(random_out) - min(random_out) < 0.5 < max(trained_bars) - min(trained_bars), (random_out, trained_bars)
    digit = max(range(10), key=lambda d: random_out[d])
    answer = page.get_by_test_id("learn-answer")
    expect(answer).to_have_text(f"At this step it reads: {digit}, {round(random_out[digit] * 100)}%")
    expect(page.get_by_test_id("prediction")).to_have_text(str(digit))
    # The panel's weight images are snapshot 0's first-layer weights; the network view holds them too.
    expect(page.get_by_test_id("learn-weights")).to_have_attribute("data-snapshot", "0")
    weights0 = assert_images_match(page, server, 0)
    assert pixel_weights(page) == pytest.approx([weights0[j * 784 + 14 * SIDE + 14] for j in range(16)], abs=1e-4)
    assert pixel_weights(page) != pytest.approx(trained_pixel, abs=1e-3)

    # The keyboard: End goes to the trained end (the trained network itself: no snapshot asked), Home back.
    slider.focus()
    page.keyboard.press("End")
    shown(page, last)
    assert "snapshot" not in sent[-1]
    assert bars(page) == pytest.approx(trained_bars, abs=1e-6)
    page.keyboard.press("Home")
    shown(page, 0)
    assert sent[-1]["snapshot"] == 0
    page.keyboard.press("ArrowRight")
    shown(page, 1)
    assert sent[-1]["snapshot"] == 1
    expect(slider).to_be_focused()

    # Closing the panel: the trained network's answer and weights again.
    page.get_by_test_id("learn-close").click()
    expect(panel).to_be_hidden()
    expect(page.get_by_test_id("learn-open")).to_have_attribute("aria-expanded", "false")
    settle(page)
    assert "snapshot" not in sent[-1]
    assert bars(page) == pytest.approx(trained_bars, abs=1e-6)
    expect(page.get_by_test_id("prediction")).to_have_text(trained_answer)
    assert pixel_weights(page) == pytest.approx(trained_pixel, abs=1e-6)


def test_play_runs_from_random_to_trained_and_ends_on_the_trained_answer(page, server):
    last = len(get_json(server, "/api/snapshots")["snapshots"]) - 1
    draw_digit(page, 7)
    settle(page)
    trained_bars = bars(page)
    open_timeline(page)
    shown(page, last)  # the list is in and the timeline at its end: Home now has somewhere to go
    page.get_by_test_id("learn-timeline").focus()
    page.keyboard.press("Home")
    shown(page, 0)
    sent = predict_bodies(page)
    play = page.get_by_test_id("learn-play")
    play.click()
    expect(play).to_have_attribute("data-state", "playing")
    expect(play).to_have_text("Pause")
    expect(page.get_by_test_id("learn-answer")).to_have_attribute("aria-live", "off")  # not read out step by step
    expect(play).to_have_attribute("data-state", "paused")  # it stops by itself at the end
    expect(play).to_have_text("Play training")
    shown(page, last)
    expect(page.get_by_test_id("learn-timeline")).to_have_value(str(last))
    expect(page.get_by_test_id("learn-answer")).to_have_attribute("aria-live", "polite")
    asked = [b.get("snapshot") for b in sent]
    steps = [k for k in asked if k is not None]
    assert steps == sorted(steps) and len(set(steps)) >= 3, asked  # forward through the training
    assert asked[-1] is None  # the end is the trained network itself
    assert bars(page) == pytest.approx(trained_bars, abs=1e-6)
    assert_images_match(page, server, None)

    # Pause mid-way: it stays where it is.
    page.get_by_test_id("learn-timeline").focus()
    page.keyboard.press("Home")
    shown(page, 0)
    play.click()
    expect(page.get_by_test_id("learn")).not_to_have_attribute("data-shown", "0")
    play.click()
    expect(play).to_have_attribute("data-state", "paused")
    settle(page)
    at = page.get_by_test_id("learn").get_attribute("data-shown")
    page.wait_for_timeout(800)
    assert page.get_by_test_id("learn").get_attribute("data-shown") == at

    # The colour-blind palette: the weight images are repainted blue/orange.
    page.get_by_test_id("palette").click()
    expect(page.locator("body")).to_have_attribute("data-palette", "cb")
    assert_images_match(page, server, int(at), palette="cb")


def test_reduced_motion_play_jumps_to_the_end(open_page, server):
    page = open_page(reduced_motion="reduce")
    last = len(get_json(server, "/api/snapshots")["snapshots"]) - 1
    draw_digit(page, 3)
    settle(page)
    open_timeline(page)
    shown(page, last)  # the list is in: Home has somewhere to go
    page.get_by_test_id("learn-timeline").focus()
    page.keyboard.press("Home")
    shown(page, 0)
    sent = predict_bodies(page)
    page.get_by_test_id("learn-play").click()
    shown(page, last)
    assert all(b.get("snapshot") is None for b in sent), sent  # no step in between was shown
    expect(page.get_by_test_id("learn-play")).to_have_attribute("data-state", "paused")


def test_keyboard_opens_and_escape_closes_back_to_the_chip(page):
    chip = page.get_by_test_id("learn-open")
    expect(chip).to_be_visible()
    chip.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("learn")).to_be_visible()
    expect(page.locator("#learn-title")).to_be_focused()
    expect(page.get_by_test_id("learn-answer")).to_have_text("Draw a digit to see what the network reads at each step.")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("learn-close")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("learn-play")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("learn-timeline")).to_be_focused()
    page.keyboard.press("Home")
    shown(page, 0)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("learn")).to_be_hidden()
    expect(chip).to_be_focused()
    settle(page)
    # Another panel opening closes this one too, and the trained network is back.
    chip.click()
    page.get_by_test_id("learn-timeline").focus()
    page.keyboard.press("Home")
    shown(page, 0)
    page.get_by_test_id("edge-open").click()
    expect(page.get_by_test_id("learn")).to_be_hidden()
    expect(page.get_by_test_id("learn")).not_to_have_attribute("data-shown", "0")


def test_labels_in_both_languages(open_page):
    page = open_page("/?lang=zh-TW")
    draw_digit(page, 3)
    settle(page)
    chip = page.get_by_test_id("learn-open")
    expect(chip).to_have_text("看它學習")
    chip.click()
    expect(page.locator("#learn-title")).to_have_text("看它學習")
    expect(page.get_by_test_id("learn-play")).to_have_text("播放訓練過程")
    slider = page.get_by_test_id("learn-timeline")
    expect(slider).to_have_attribute("aria-label", "訓練時間軸")
    slider.focus()
    page.keyboard.press("Home")
    shown(page, 0)
    expect(slider).to_have_attribute("aria-valuetext", re.compile(r"^第 0 步，共 [\d,]+ 步（已訓練 0 輪），測試準確率 \d+\.\d%$"))
    expect(page.get_by_test_id("learn-answer")).to_have_text(re.compile(r"^在這一步，它讀成：\d，\d+%$"))
    expect(page.get_by_test_id("learn-stage")).to_have_text("隨機初始")
    expect(page.get_by_test_id("learn-curve")).to_contain_text("訓練步數（對數刻度）")
    expect(page.get_by_test_id("learn-curve")).to_have_attribute("aria-label", re.compile("^測試準確率"))
    # Switched in place to English: every label follows, at the same step.
    page.get_by_test_id("lang-en").click()
    expect(page.locator("#learn-title")).to_have_text("Watch it learn")
    expect(page.get_by_test_id("learn-play")).to_have_text("Play training")
    expect(slider).to_have_attribute("aria-label", "Training timeline")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(r"^step 0 of [\d,]+ \(epoch 0\), test accuracy \d+\.\d%$"))
    expect(page.get_by_test_id("learn-answer")).to_have_text(re.compile(r"^At this step it reads: \d, \d+%$"))
    expect(page.get_by_test_id("learn-curve")).to_contain_text("training step (log scale)")
    expect(page.get_by_test_id("learn-weights").locator("xpath=..")).to_contain_text("Hidden layer 1's weights")


def test_the_phone_sheet_is_usable(open_page, server):
    page = open_page(viewport=PHONE, device_scale_factor=2, has_touch=True)
    last = len(get_json(server, "/api/snapshots")["snapshots"]) - 1
    draw_digit(page, 2)
    settle(page)
    panel = open_timeline(page)
    shown(page, last)
    slider, play = page.get_by_test_id("learn-timeline"), page.get_by_test_id("learn-play")
    for el in (slider, play, page.get_by_test_id("learn-answer"), page.get_by_test_id("learn-close")):
        b = el.bounding_box()
        assert b and b["y"] >= 0 and b["y"] + b["height"] <= PHONE["height"] and b["x"] >= 0 \
            and b["x"] + b["width"] <= PHONE["width"], b
    assert slider.bounding_box()["height"] >= 24  # a finger-sized target
    net = page.get_by_test_id("network").bounding_box()
    assert net["y"] >= 0 and net["y"] + net["height"] <= panel.bounding_box()["y"], \
        "the network, which the timeline changes, is in view whole above the sheet"
    box = slider.bounding_box()
    page.touchscreen.tap(box["x"] + 4, box["y"] + box["height"] / 2)  # a tap at the track's start
    shown(page, 0)
    assert_images_match(page, server, 0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "learn-phone-390x844.png"))
    panel.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    page.screenshot(path=str(SCREENSHOTS / "learn-phone-390x844-scrolled.png"))
    expect(page.get_by_test_id("learn-weights").locator("canvas")).to_have_count(16)
    expect(page.get_by_test_id("learn-weights").locator("canvas").last).to_be_in_viewport()


def test_a_network_without_snapshots_has_no_timeline_chip(browser, start_app, tmp_path):
    """The shipped weights file alone (its snapshots file left behind): no training history to watch.
    The page knows from its own render: loading it asks nothing about snapshots."""
    weights = tmp_path / "alone.npz"
    shutil.copy(ROOT / "mlp" / "weights" / "mnist_784_16_16_10.npz", weights)
    with start_app({"MLP_WEIGHTS": str(weights)}) as url:
        assert get_json(url, "/api/snapshots")["snapshots"] == []
        context = browser.new_context()
        try:
            page = context.new_page()
            errors, asked = [], []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda r: asked.append(r.url))
            page.goto(url + "/")
            expect(page.locator("body")).to_have_attribute("data-live", "idle")
            expect(page.get_by_test_id("learn-open")).to_have_attribute("data-snapshots", "0")
            expect(page.get_by_test_id("learn-open")).to_be_hidden()
            expect(page.get_by_test_id("edge-open")).to_be_visible()
            assert not [u for u in asked if "/api/snapshots" in u]
            assert not errors
        finally:
            context.close()
