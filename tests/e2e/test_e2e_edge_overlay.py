"""Issue 21, part 4: the edge detector shows where it looks. While the lab is open, a faint copy of its
painted weights (green/red, as the inspector paints them) lies on the pad under the strokes, and it
follows the painting, by mouse and by keyboard. Read from the overlay canvas's own pixels, and from the
page as shown (the strokes on top)."""
from __future__ import annotations

import io
import time

from PIL import Image
from playwright.sync_api import expect

from tools.drawing import draw, settle

SIDE = 28
BAR, RING, EMPTY = (8, 12), (6, 12), (20, 20)  # the preset: a bar on rows 7-9, columns 8-19, a ring around it

CELLS_JS = """(cells) => {
  const c = document.querySelector('[data-testid="edge-overlay"]');
  const ctx = c.getContext('2d');
  return cells.map(([r, col]) => {
    const x = Math.floor(((col + 0.5) * c.width) / 28), y = Math.floor(((r + 0.5) * c.height) / 28);
    return Array.from(ctx.getImageData(x, y, 1, 1).data);
  });
}"""


def overlay(page, *cells):
    return page.evaluate(CELLS_JS, [list(c) for c in cells])


def greenish(px):
    r, g, b, a = px
    return a > 100 and g > r + 40


def reddish(px):
    r, g, b, a = px
    return a > 100 and r > g + 40


def clear(px):
    return px[3] == 0


def click_cell(page, r, c):
    box = page.get_by_test_id("edge-weights").bounding_box()
    page.mouse.click(box["x"] + (c + 0.5) * box["width"] / SIDE, box["y"] + (r + 0.5) * box["height"] / SIDE)


def test_the_painted_weights_lie_on_the_pad_while_the_lab_is_open_and_follow_the_painting(page):
    guide = page.get_by_test_id("edge-overlay")
    expect(guide).to_be_hidden()
    page.get_by_test_id("edge-open").click()
    expect(guide).to_be_visible()
    pad, on_pad = page.get_by_test_id("pad").bounding_box(), guide.bounding_box()
    assert on_pad == pad, "exactly over the pad: a cell of the weights is where that pixel is drawn"
    assert float(guide.evaluate("(el) => getComputedStyle(el).opacity")) < 0.6, "faint"
    bar, ring, empty = overlay(page, BAR, RING, EMPTY)
    assert greenish(bar) and reddish(ring) and clear(empty), (bar, ring, empty)
    expect(guide).to_have_attribute("data-weights", str(5 * 14))  # the preset: 3x12 bar in a 5x14 box

    click_cell(page, *EMPTY)  # the positive brush: a green cell appears on the pad there
    assert greenish(overlay(page, EMPTY)[0])
    page.get_by_test_id("brush-neg").click()
    click_cell(page, 22, 5)
    assert reddish(overlay(page, (22, 5))[0])
    page.get_by_test_id("brush-erase").click()
    click_cell(page, *BAR)
    assert clear(overlay(page, BAR)[0])

    page.get_by_test_id("edge-clear").click()
    expect(guide).to_have_attribute("data-weights", "0")
    assert all(clear(px) for px in overlay(page, BAR, RING, EMPTY, (22, 5)))
    page.get_by_test_id("edge-preset").click()
    assert greenish(overlay(page, BAR)[0])

    page.keyboard.press("Escape")  # the lab closes: so does its guide
    expect(page.get_by_test_id("edge-detector")).to_be_hidden()
    expect(guide).to_be_hidden()


def test_keyboard_painting_and_the_colour_blind_palette_are_followed_too(open_page):
    page = open_page("/?lang=zh-TW")
    page.get_by_test_id("edge-open").click()
    grid = page.get_by_test_id("edge-weights")
    grid.focus()  # the cursor starts on the bar's first cell (row 7, column 8)
    page.get_by_test_id("brush-neg").click()
    grid.focus()
    for _ in range(12):
        page.keyboard.press("ArrowDown")  # row 19
    page.keyboard.press("Space")
    assert reddish(overlay(page, (19, 8))[0])
    page.get_by_test_id("palette").click()  # blue/orange, as everywhere else
    bar = overlay(page, BAR)[0]
    assert bar[3] > 100 and bar[2] > bar[0] + 60, f"the bar in the palette's blue: {bar}"


def test_the_guide_is_under_the_strokes(page):
    page.get_by_test_id("edge-open").click()
    # A stroke along the bar's middle row, from one end of the pad's middle to the other.
    y = (BAR[0] + 0.5) / SIDE
    draw(page, [[(0.2, y), (0.5, y), (0.8, y)]], region=(0, 0, 1, 1))
    settle(page)
    expect(page.get_by_test_id("preprocess")).to_have_attribute("data-view", "corner")
    pad = page.get_by_test_id("pad").bounding_box()
    deadline = time.monotonic() + 20  # the pre-processing's picture shrinks into the pad's corner (a transition)
    while page.get_by_test_id("preprocess").bounding_box()["width"] > 0.35 * pad["width"]:
        assert time.monotonic() < deadline, "the pad is the pad again"
        page.wait_for_timeout(50)

    def shown(c, r):
        png = page.screenshot(clip={"x": pad["x"] + (c + 0.5) * pad["width"] / SIDE,
                                    "y": pad["y"] + (r + 0.5) * pad["height"] / SIDE, "width": 1, "height": 1})
        return Image.open(io.BytesIO(png)).convert("RGB").getpixel((0, 0))

    ink = shown(12, BAR[0])  # on the stroke: the ink, not the green under it
    assert min(ink) > 200, f"the stroke is on top: {ink}"
    r, g, b = shown(12, RING[0])  # beside it, on the ring: the faint red shows
    assert r > g + 20, f"the guide shows beside the stroke: {(r, g, b)}"
