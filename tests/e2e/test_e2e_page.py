"""The page end to end: a person draws with the mouse (or a finger), the real
server answers, and the page shows what the network saw and decided."""
from __future__ import annotations

import html.parser
import json
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from tools.drawing import DIGITS, answer, draw, draw_digit, input_grid, pad_ink, settle

ROOT = Path(__file__).resolve().parents[2]


def ink_box(grid, threshold=0.1):
    """(rows, cols) spanned by ink in a 784-value grid."""
    rows = [i // 28 for i, v in enumerate(grid) if v > threshold]
    cols = [i % 28 for i, v in enumerate(grid) if v > threshold]
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


# ---- the network reads drawn digits -------------------------------------------------

def test_vertical_stroke_reads_as_1(page):
    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])
    assert answer(page) == "1"
    expect(page.get_by_test_id("network")).to_have_attribute("data-prediction", "1")


def test_reduced_motion_jumps_straight_to_the_answer(open_page):
    page = open_page(reduced_motion="reduce")
    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])
    assert answer(page) == "1"


def test_ellipse_reads_as_0(page):
    draw_digit(page, 0)
    assert answer(page) == "0"


def test_seven_in_two_strokes_reads_as_7(page):
    bar, diagonal = DIGITS["7"]
    draw(page, [bar])
    draw(page, [diagonal])
    assert answer(page) == "7"


def test_small_one_in_a_corner_still_reads_as_1(page):
    # About 15% of the pad's height, tucked in the top-left corner.
    draw(page, [[(0.5, 0.0), (0.5, 1.0)]], region=(0.05, 0.04, 0.12, 0.19))
    assert answer(page) == "1"
    grid = input_grid(page)
    height, width = ink_box(grid)
    # Scaled up from vectors, so it fills MNIST's 20-pixel box, as thin as a big one.
    assert 19 <= height <= 22
    assert width <= 4


def test_grid_is_mnist_shaped_from_vectors(page):
    """The drawing -> 28x28 step on its own: box fitted to 20 px, centre of mass at (14, 14), k/255 values."""
    out = page.evaluate("""async () => {
      const { strokesToGrid } = await import('/static/js/core/grid.js');
      const line = strokesToGrid([[{ x: 0.3, y: 0.1 }, { x: 0.3, y: 0.12 }]]);  // a tiny stroke, far off-centre
      const dot = strokesToGrid([[{ x: 0.5, y: 0.5 }]], { minExtent: 0.004 });
      const blank = strokesToGrid([]);
      return { line, dot, blank };
    }""")

    def centre(grid):
        total = sum(grid)
        return (sum((i // 28) * v for i, v in enumerate(grid)) / total,
                sum((i % 28) * v for i, v in enumerate(grid)) / total)

    for name in ("line", "dot"):
        grid = out[name]
        assert len(grid) == 784 and all(0 <= v <= 1 for v in grid)
        assert all(abs(v * 255 - round(v * 255)) < 1e-9 for v in grid), "each value is k/255"
        cy, cx = centre(grid)
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert ink_box(out["line"])[0] in (20, 21) and ink_box(out["line"])[1] <= 4
    assert ink_box(out["dot"]) <= (4, 4)  # a dot stays a dot, it is not blown up to 20 px
    assert out["blank"] == [0] * 784


# ---- live updates, no button --------------------------------------------------------

def test_prediction_updates_live_while_drawing(page):
    in_flight, most = 0, 0

    def started(request):
        nonlocal in_flight, most
        if request.url.endswith("/api/predict"):
            in_flight += 1
            most = max(most, in_flight)

    def ended(request):
        nonlocal in_flight
        if request.url.endswith("/api/predict"):
            in_flight -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    box = page.get_by_test_id("pad").bounding_box()
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.9, steps=40)
    # Still holding the pen: the answer is already there, with no button pressed.
    expect(page.get_by_test_id("prediction")).not_to_have_text("")
    page.mouse.up()
    settle(page)
    assert most == 1, "never more than one prediction request in flight"


def test_a_reply_older_than_a_clear_is_never_shown(page):
    """The live scheduler, driven directly: a reply that arrives after Clear is dropped."""
    shown = page.evaluate("""async () => {
      const { LivePredictor } = await import('/static/js/core/live.js');
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const pending = [];
      const shown = [];
      const live = new LivePredictor({
        snapshot: () => [],
        send: () => new Promise((resolve) => pending.push(resolve)),
        onReply: (reply) => shown.push(reply),
        onState: () => {},
      });
      live.changed();                 // version 1: ink
      await frame(); await frame();
      live.changed({ reset: true });  // version 2: cleared while 1 is in flight
      pending[0]('reply for 1');
      await frame(); await frame(); await frame();
      pending[1]('reply for 2');
      await frame();
      return [shown, pending.length];
    }""")
    assert shown == [["reply for 2"], 2]


# ---- Clear and Undo ------------------------------------------------------------------

def test_clear_empties_the_pad_and_the_answer(page):
    draw_digit(page, 1)
    assert answer(page) == "1"
    assert pad_ink(page) > 0
    page.get_by_test_id("clear").click()
    expect(page.get_by_test_id("prediction")).to_have_text("")
    expect(page.get_by_test_id("hint")).to_be_visible()
    assert pad_ink(page) == 0
    assert answer(page) == ""
    assert max(input_grid(page)) == 0
    expect(page.get_by_test_id("network")).to_have_attribute("data-prediction", "")
    expect(page.get_by_test_id("clear")).to_be_disabled()


def pad_pixels(page):
    """A fingerprint of every pixel on the pad (the pad paints finished strokes from a cache)."""
    return page.evaluate("""() => {
      const c = document.querySelector('[data-testid="pad"]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      for (let i = 0; i < d.length; i++) h = (Math.imul(h, 31) + d[i]) | 0;
      return [h, d.reduce((a, v) => a + v, 0)];
    }""")


def test_undo_removes_the_last_stroke(page):
    bar, diagonal = DIGITS["7"]
    draw(page, [bar])
    bar_only, bar_pad = input_grid(page), pad_pixels(page)
    draw(page, [diagonal])
    seven, seven_pad = input_grid(page), pad_pixels(page)
    assert answer(page) == "7"
    draw(page, [[(0.1, 0.9), (0.3, 0.95)]])  # a third stroke: the diagonal is now a finished one
    page.get_by_test_id("undo").click()
    assert input_grid(page) == seven and pad_pixels(page) == seven_pad
    page.get_by_test_id("undo").click()
    after_undo = input_grid(page)
    assert after_undo != seven
    assert after_undo == bar_only  # exactly the drawing before the diagonal
    assert pad_pixels(page) == bar_pad  # and the pad shows exactly the bar again
    page.get_by_test_id("undo").click()
    assert answer(page) == ""
    expect(page.get_by_test_id("hint")).to_be_visible()
    assert pad_ink(page) == 0


# ---- the neuron inspector ---------------------------------------------------------------

def test_clicking_a_first_layer_neuron_shows_a_28x28_weight_image(page):
    draw_digit(page, 3)
    settle(page)
    page.get_by_test_id("neuron-1-0").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    image = page.get_by_test_id("weight-image")
    expect(image).to_have_attribute("data-rows", "28")
    expect(image).to_have_attribute("data-cols", "28")
    coloured = page.evaluate("""() => {
      const c = document.querySelector('[data-testid="weight-image"]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let green = 0, red = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 1] > d[i] + 40) green++;
        if (d[i] > d[i + 1] + 40) red++;
      }
      return { green, red };
    }""")
    assert coloured["green"] > 0 and coloured["red"] > 0
    expect(page.get_by_test_id("bias")).not_to_have_text("")
    expect(page.get_by_test_id("weighted-sum")).not_to_have_text("")
    expect(page.get_by_test_id("bias-note")).to_contain_text("threshold")
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()


def test_later_layer_neurons_show_a_4x4_grid_and_follow_the_drawing(page):
    page.get_by_test_id("neuron-3-7").click()
    expect(page.get_by_test_id("inspector-title")).to_contain_text("7")
    image = page.get_by_test_id("weight-image")
    expect(image).to_have_attribute("data-rows", "4")
    expect(image).to_have_attribute("data-cols", "4")
    z_blank = page.get_by_test_id("weighted-sum").text_content()
    draw_digit(page, 7)
    settle(page)
    expect(page.get_by_test_id("weighted-sum")).not_to_have_text(z_blank)
    page.get_by_test_id("inspector-close").click()
    expect(page.get_by_test_id("inspector")).to_be_hidden()


def test_neurons_open_from_the_keyboard(page):
    page.get_by_test_id("neuron-2-0").focus()
    page.keyboard.press("ArrowDown")  # to the next neuron, as a keyboard user would move
    expect(page.get_by_test_id("neuron-2-1")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("inspector")).to_be_visible()
    expect(page.get_by_test_id("inspector-title")).to_contain_text("Hidden layer 2 · neuron 2")
    expect(page.get_by_test_id("neuron-2-1")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("inspector")).to_be_hidden()


# ---- the page itself ----------------------------------------------------------------------

def test_header_states_the_video_facts(page):
    expect(page.get_by_test_id("sizes")).to_have_text("784 → 16 → 16 → 10")
    expect(page.get_by_test_id("n-params")).to_have_text("13,002 weights and biases")
    # The bars' caption says what they show (the catalog's words: they changed with the network).
    catalog = json.loads((ROOT / "static" / "i18n" / "en.json").read_text(encoding="utf-8"))
    expect(page.locator(".probs figcaption")).to_have_text(catalog["answer.probsCaption"])


def test_the_browser_console_shows_no_errors(open_page):
    page = open_page()
    draw_digit(page, 4)
    settle(page)
    page.get_by_test_id("neuron-1-5").click()
    page.get_by_test_id("undo").click()
    settle(page)
    page.get_by_test_id("clear").click()
    settle(page)
    page.keyboard.press("Escape")
    assert open_page.errors(page) == []


class _InlineFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if "style" in names:
            self.problems.append(f"<{tag} style=...>")
        self.problems += [f"<{tag} {n}=...>" for n in names if n.startswith("on")]
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")


def test_page_has_no_inline_script_or_style(server):
    with urllib.request.urlopen(server + "/") as r:
        text = r.read().decode()
        policy = r.headers["Content-Security-Policy"]
    finder = _InlineFinder()
    finder.feed(text)
    assert finder.problems == []
    assert "script-src 'self'" in policy and "style-src 'self'" in policy  # enforced by the CSP header (web/security.py)


def test_desktop_layout_fits_side_by_side(page):
    draw_digit(page, 2)
    settle(page)
    page.get_by_test_id("neuron-1-2").click()
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 1366 and size[1] <= 768, "everything visible without scrolling"
    pad = page.get_by_test_id("pad").bounding_box()
    net = page.get_by_test_id("network").bounding_box()
    assert pad["width"] >= 280 and abs(pad["width"] - pad["height"]) < 1
    assert pad["x"] + pad["width"] <= net["x"], "pad and network side by side"
    ratio = page.evaluate("() => window.devicePixelRatio")
    backing = page.evaluate("() => document.querySelector('[data-testid=\"pad\"]').width")
    assert abs(backing - pad["width"] * ratio) <= 1


def test_phone_layout_with_touch(open_page):
    page = open_page(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                     is_mobile=True, has_touch=True)
    size = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert size[0] <= size[1] == 390, "nothing overflows horizontally"
    pad = page.get_by_test_id("pad")
    expect(pad).to_be_in_viewport()
    box = pad.bounding_box()
    assert box["width"] >= 280 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    backing = page.evaluate("() => document.querySelector('[data-testid=\"pad\"]').width")
    assert abs(backing - box["width"] * 3) <= 1, "backing store scaled by devicePixelRatio"
    assert page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"pad\"]')).touchAction") == "none"

    # A finger draws a 1 (real touch events): the page must not scroll while it does.
    cdp = page.context.new_cdp_session(page)

    def finger(points):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
        for x, y in points[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    x = box["x"] + box["width"] / 2
    finger([(x, box["y"] + box["height"] * (0.15 + 0.7 * i / 30)) for i in range(31)])
    assert answer(page) == "1"
    assert page.evaluate("() => window.scrollY") == 0
    expect(page.get_by_test_id("announcer")).to_have_text("The network reads 1")
    # Stacked: the pad on top, then the answer, then the network.
    answer_box = page.get_by_test_id("prediction").bounding_box()
    net_box = page.get_by_test_id("network").bounding_box()
    assert box["y"] + box["height"] <= answer_box["y"] < net_box["y"]
    assert net_box["x"] >= 0 and net_box["x"] + net_box["width"] <= 390

    # Scrolled part way down, a finger draws a 7 in two strokes: still no scrolling, ever.
    page.get_by_test_id("clear").tap()
    page.evaluate("() => window.scrollTo(0, 90)")
    assert page.evaluate("() => window.scrollY") == 90
    box = pad.bounding_box()  # where the pad is now, in the viewport
    at = lambda fx, fy: (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)  # noqa: E731
    finger([at(0.15 + 0.7 * i / 20, 0.35) for i in range(21)])
    finger([at(0.85 - 0.45 * i / 30, 0.35 + 0.6 * i / 30) for i in range(31)])
    assert answer(page) == "7"
    assert page.evaluate("() => window.scrollY") == 90

    # Every control works with a finger: a neuron opens the inspector as a sheet on screen.
    page.get_by_test_id("neuron-3-7").tap()
    sheet = page.get_by_test_id("inspector")
    expect(sheet).to_be_visible()
    sheet_box = sheet.bounding_box()
    assert sheet_box["x"] >= 0 and sheet_box["x"] + sheet_box["width"] <= 390 and sheet_box["y"] + sheet_box["height"] <= 844
    page.get_by_test_id("inspector-close").tap()
    expect(sheet).to_be_hidden()
    page.get_by_test_id("noise").tap()
    settle(page)
    expect(page.get_by_test_id("noise-note")).to_be_visible()
    size = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert size[0] <= size[1] == 390, "still nothing overflows"
