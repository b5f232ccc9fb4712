"""Drawing digits on the pad with the mouse, the way a person would (e2e tests, benchmarks, tools).

Shapes are lists of strokes; a stroke is a list of (x, y) points given as
fractions of the pad's side (0,0 = top left). ``draw`` maps them into a box
on the pad, so the same digit can be drawn big, small or off-centre.
"""
from __future__ import annotations

import base64
import math
import time

from playwright.sync_api import expect


def _arc(cx, cy, rx, ry, start_deg, end_deg, n=24):
    pts = []
    for i in range(n + 1):
        t = math.radians(start_deg + (end_deg - start_deg) * i / n)
        pts.append((cx + rx * math.cos(t), cy + ry * math.sin(t)))
    return pts


# Each digit as a person might write it, in a unit box (0..1 both ways).
DIGITS = {
    "0": [_arc(0.5, 0.5, 0.3, 0.45, -90, 275, 40)],
    "1": [[(0.52, 0.05), (0.5, 0.95)]],
    "2": [_arc(0.5, 0.3, 0.3, 0.25, 200, 380, 18)[:-4] + [(0.72, 0.45), (0.2, 0.92), (0.85, 0.92)]],
    "3": [_arc(0.48, 0.28, 0.28, 0.23, 210, 450, 20) + _arc(0.48, 0.72, 0.3, 0.23, 270, 510, 20)],
    "4": [[(0.55, 0.05), (0.15, 0.62), (0.88, 0.62)], [(0.66, 0.3), (0.66, 0.97)]],
    "5": [[(0.78, 0.07), (0.3, 0.07), (0.25, 0.45)] + _arc(0.5, 0.67, 0.3, 0.27, 235, 480, 22)],
    "6": [[(0.7, 0.04), (0.52, 0.16), (0.38, 0.32), (0.28, 0.52)] + _arc(0.52, 0.73, 0.25, 0.22, 200, 535, 30)],
    "7": [[(0.12, 0.08), (0.88, 0.08)], [(0.88, 0.08), (0.42, 0.95)]],
    "8": [_arc(0.5, 0.27, 0.25, 0.22, 90, 450, 28)[:-1] + _arc(0.5, 0.72, 0.3, 0.24, -90, 270, 30)],
    "9": [_arc(0.5, 0.3, 0.3, 0.25, 0, 360, 30) + [(0.8, 0.3), (0.72, 0.95)]],
}

# Other common ways to write some digits (a survey draws these too).
ALTERNATES = {
    "1 with a flag": [[(0.3, 0.22), (0.56, 0.04), (0.56, 0.96)]],
    "1 with a flag and a base": [[(0.3, 0.22), (0.56, 0.04), (0.56, 0.96)], [(0.3, 0.96), (0.8, 0.96)]],
    "2 with a loop": [_arc(0.5, 0.3, 0.3, 0.25, 200, 380, 18)[:-4] + [(0.72, 0.45), (0.2, 0.92)]
                      + _arc(0.3, 0.86, 0.1, 0.08, 90, 360, 10) + [(0.85, 0.92)]],
    "4 open, two strokes": [[(0.2, 0.05), (0.15, 0.55), (0.85, 0.55)], [(0.7, 0.1), (0.7, 0.97)]],
    "7 with a crossbar": [[(0.12, 0.08), (0.88, 0.08), (0.42, 0.95)], [(0.35, 0.5), (0.8, 0.5)]],
    "9 with a curved tail": [_arc(0.5, 0.3, 0.3, 0.25, 0, 360, 30) + [(0.8, 0.3), (0.78, 0.7), (0.6, 0.95)]],
    "0 narrow": [_arc(0.5, 0.5, 0.18, 0.46, -90, 275, 40)],
    "3 flat top": [[(0.2, 0.06), (0.78, 0.06), (0.45, 0.4)] + _arc(0.48, 0.68, 0.3, 0.26, 250, 500, 20)],
    "5 in two strokes": [[(0.3, 0.07), (0.25, 0.45)] + _arc(0.5, 0.67, 0.3, 0.27, 235, 480, 22), [(0.3, 0.07), (0.8, 0.07)]],
    "8 as two circles": [_arc(0.5, 0.27, 0.22, 0.22, 0, 360, 24), _arc(0.5, 0.72, 0.28, 0.24, 0, 360, 24)],
}


def slanted(strokes, amount=0.25):
    """Lean the digit to the right, as many people write."""
    return [[(x + amount * (0.5 - y), y) for x, y in s] for s in strokes]


def pad_box(page):
    return page.get_by_test_id("pad").bounding_box()


def draw(page, strokes, region=(0.15, 0.1, 0.85, 0.9), steps=4, rate=0):
    """Draw ``strokes`` (unit-box points) into ``region`` = (x0, y0, x1, y1), fractions of the pad.

    ``rate`` > 0 paces the mouse moves (per second), as a hand would; returns how many moves were made."""
    box = pad_box(page)
    x0, y0, x1, y1 = region

    def to_page(p):
        return (box["x"] + (x0 + p[0] * (x1 - x0)) * box["width"],
                box["y"] + (y0 + p[1] * (y1 - y0)) * box["height"])

    moves = 0
    gap = steps / rate if rate > 0 else 0.0  # seconds per page.mouse.move(..., steps) call
    next_at = time.perf_counter()
    for stroke in strokes:
        pts = [to_page(p) for p in stroke]
        page.mouse.move(*pts[0])
        page.mouse.down()
        for p in pts[1:]:
            if gap:
                next_at += gap
                delay = next_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                else:
                    next_at = time.perf_counter()  # fell behind: do not burst to catch up
            page.mouse.move(*p, steps=steps)
            moves += steps
        page.mouse.up()
    return moves


def draw_digit(page, digit, region=(0.15, 0.1, 0.85, 0.9), steps=4):
    draw(page, DIGITS[str(digit)], region, steps)


def settle(page):
    """Wait until the newest drawing's reply is on screen (no sleeps: the page says when)."""
    # expect() rather than a JS predicate: the page's CSP forbids eval, which string predicates use.
    expect(page.locator("body")).to_have_attribute("data-live", "idle")


def answer(page):
    settle(page)
    return page.get_by_test_id("prediction").text_content()


def input_grid(page):
    settle(page)
    text = page.get_by_test_id("input-grid").text_content()
    return [float(v) for v in text.split(",")] if text else []


def pad_ink(page):
    """How many of the pad's pixels hold any ink (0 for an empty pad)."""
    return page.evaluate("""() => {
      const c = document.querySelector('[data-testid="pad"]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 3; i < d.length; i += 4) ink += d[i] > 0 ? 1 : 0;
      return ink;
    }""")


def sent_pixels(request):
    """The 784 values (k/255) a POST /api/predict from the page carried (it sends the compact form)."""
    return [k / 255 for k in base64.b64decode(request.post_data_json["pixels"], validate=True)]
