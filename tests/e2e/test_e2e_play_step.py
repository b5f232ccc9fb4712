"""Issue 21, part 3: Play, one layer at a time. Step lights one layer more at each press, with the
connections into it, and says which layer is lit; Play keeps its whole run.

What the canvas shows is read from its pixels: a neuron's brightness at its centre, and the ink of
the connections in a strip half way between two columns of neurons.
"""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tools.drawing import draw, draw_digit, settle

LAYERS = (1, 2, 3)  # the video's network: hidden layer 1, hidden layer 2, the output layer

PIXELS_JS = """() => {
  const c = document.querySelector('[data-testid="network"]');
  const r = c.getBoundingClientRect(), k = c.width / r.width;
  const ctx = c.getContext('2d');
  const centre = (b) => [Math.round((b.left + b.width / 2 - r.left) * k), Math.round((b.top + b.height / 2 - r.top) * k)];
  const lum = (x, y, w, h) => {
    const d = ctx.getImageData(x, y, w, h).data, out = [];
    for (let i = 0; i < d.length; i += 4) out.push((d[i] + d[i + 1] + d[i + 2]) / 3);
    return out;
  };
  const layers = {};
  for (const l of [1, 2, 3]) {
    layers[l] = [...document.querySelectorAll(`.neuron-btn[data-layer="${l}"]`)].map((b) => {
      const [x, y] = centre(b.getBoundingClientRect());
      const v = lum(x - 1, y - 1, 3, 3);
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
  }
  // The connections into layer l: a one-pixel strip half way between columns l-1 and l (the input grid's edge for l = 1).
  const lines = {};
  for (const l of [2, 3]) {
    const a = document.querySelector(`[data-testid="neuron-${l - 1}-0"]`).getBoundingClientRect();
    const b = document.querySelector(`[data-testid="neuron-${l}-0"]`).getBoundingClientRect();
    const x = Math.round(((a.left + a.right + b.left + b.right) / 4 - r.left) * k);
    lines[l] = lum(x, 0, 1, c.height).filter((v) => v > 40).length;
  }
  return { layers, lines };
}"""


def picture(page):
    return page.evaluate(PIXELS_JS)


def brightest(full):
    """Per layer, the index of its brightest neuron in the whole picture (after Play)."""
    return {layer: max(range(len(full["layers"][str(layer)])), key=lambda i: full["layers"][str(layer)][i]) for layer in LAYERS}


def wait_for_picture(page, check, what):
    """Poll the canvas until `check(picture)` holds: the lighting takes a few hundred ms (never timed)."""
    deadline = time.monotonic() + 30
    while True:
        got = picture(page)
        if check(got):
            return got
        assert time.monotonic() < deadline, f"{what}: {got}"
        page.wait_for_timeout(50)


def lit_up_to(k, full, best):
    """Layers up to k as bright as in the whole picture, later ones dark; the connections into later ones not drawn."""
    def check(got):
        for layer in LAYERS:
            i, whole = best[layer], full["layers"][str(layer)][best[layer]]
            now = got["layers"][str(layer)][i]
            if layer <= k and now < 0.8 * whole:
                return False
            if layer > k and now > 0.5 * whole:
                return False
        return all((got["lines"][str(layer)] > 0) == (layer <= k) for layer in (2, 3))
    return check


def test_step_lights_one_layer_more_per_press_with_its_connections(page):
    draw_digit(page, 3)
    settle(page)
    net, status = page.get_by_test_id("network"), page.get_by_test_id("play-step-status")
    expect(net).to_have_attribute("data-flow", "done")  # it flowed when the pen lifted: the whole picture
    full = picture(page)
    best = brightest(full)
    assert all(full["lines"][str(layer)] > 0 for layer in (2, 3)), "the whole picture has its connections"
    expect(status).to_be_hidden()

    step = page.get_by_test_id("play-step")
    for k, words in ((1, "hidden layer 1"), (2, "hidden layer 2"), (3, "the output layer")):
        step.click()
        expect(net).to_have_attribute("data-flow", "step")
        expect(net).to_have_attribute("data-flow-layer", str(k))
        expect(status).to_be_visible()
        expect(status).to_contain_text(f"Lit: {words}")
        expect(status).to_have_attribute("data-layer", str(k))
        wait_for_picture(page, lit_up_to(k, full, best), f"after press {k}")
    assert int(net.get_attribute("data-pulses")) > 0, "pulses ran into the layer lit"

    step.click()  # after the output: hidden layer 1 again
    expect(net).to_have_attribute("data-flow-layer", "1")
    wait_for_picture(page, lit_up_to(1, full, best), "a fourth press starts again")

    # Play keeps its whole run: every layer in turn, to the end.
    page.get_by_test_id("play").click()
    expect(net).to_have_attribute("data-flow", "done")
    expect(net).to_have_attribute("data-flow-layer", "3")
    expect(status).to_be_hidden()
    wait_for_picture(page, lit_up_to(3, full, best), "Play lit everything")


def test_step_by_keyboard_in_chinese_and_drawing_again_ends_it(open_page):
    page = open_page("/?lang=zh-TW")
    draw_digit(page, 7)
    settle(page)
    net, status = page.get_by_test_id("network"), page.get_by_test_id("play-step-status")
    expect(net).to_have_attribute("data-flow", "done")
    step = page.get_by_test_id("play-step")
    expect(step).to_have_text("逐層")
    step.focus()
    for k, key, words in ((1, "Enter", "隱藏層 1"), (2, "Space", "隱藏層 2"), (3, "Enter", "輸出層")):
        page.keyboard.press(key)
        expect(net).to_have_attribute("data-flow-layer", str(k))
        expect(status).to_contain_text(f"已點亮：{words}")
    expect(step).to_be_focused()
    # The live region says it, in the page's language when it changes.
    assert status.get_attribute("aria-live") == "polite"
    page.get_by_test_id("lang-en").click()
    expect(status).to_contain_text("Lit: the output layer")

    draw(page, [[(0.8, 0.8), (0.9, 0.85)]], region=(0, 0, 1, 1))  # drawing again: the live picture
    expect(net).not_to_have_attribute("data-flow", "step")
    expect(status).to_be_hidden()


def test_step_on_an_empty_pad_says_to_draw_first(page):
    page.get_by_test_id("play-step").click()
    status = page.get_by_test_id("play-step-status")
    expect(status).to_have_text("Draw a digit first: then Step lights the network one layer at a time.")
    assert page.get_by_test_id("network").get_attribute("data-flow") != "step"


def test_reduced_motion_lights_each_step_at_once(open_page):
    page = open_page(reduced_motion="reduce")
    draw_digit(page, 3)
    settle(page)
    net = page.get_by_test_id("network")
    full = picture(page)
    best = brightest(full)
    page.get_by_test_id("play-step").click()
    expect(net).to_have_attribute("data-flow-layer", "1")
    assert lit_up_to(1, full, best)(picture(page)), "lit at once, nothing to wait for"
    assert net.get_attribute("data-pulses") == "0", "no pulses move"
    page.get_by_test_id("play").click()  # Play: the whole network, at once
    expect(net).to_have_attribute("data-flow", "done")
    assert lit_up_to(3, full, best)(picture(page))
