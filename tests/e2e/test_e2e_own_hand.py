"""Test it on your own hand (issue 16, part 5), with the mouse in a real browser: the learner labels
what they drew, the score and the per-digit counts follow, misread drawings appear small, it all
survives a reload, exports as CSV and as a PNG sheet, clears after a confirmation, shrugs off a
damaged localStorage value with a note, and never talks to the server about any of it.

Which digits the network reads right is not assumed: a drawing is labelled with the network's own
answer (right) or with another digit (misread), so the expected score follows from the page's answers.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from playwright.sync_api import expect

from tools.browser import PHONE
from tools.drawing import DIGITS, answer, draw, input_grid, settle

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"  # as conftest.py
KEY = "nn-own-hand"  # static/js/panels/own_hand/store.js
MAX = 500
# The PNG sheet's layout, as static/js/panels/own_hand/export.js states it: checked against the PNG below.
SCALE, GAP, LABEL, HEAD, COLUMNS = 2, 6, 16, 20, 10
CELL_W, CELL_H = 28 * SCALE + GAP, 28 * SCALE + LABEL + GAP


def open_panel(page, keyboard=False):
    chip = page.get_by_test_id("own-hand-open")
    if keyboard:
        chip.focus()
        page.keyboard.press("Enter")
    else:
        chip.click()
    expect(page.get_by_test_id("own-hand")).to_be_visible()
    expect(chip).to_have_attribute("aria-expanded", "true")


def draw_and_read(page, digit):
    """Clear the pad, draw `digit` with the mouse; the network's answer, its input grid and output %s."""
    if page.get_by_test_id("own-hand-next").is_visible():  # the panel's own "Clear the pad"
        page.get_by_test_id("own-hand-next").click()
        expect(page.get_by_test_id("own-hand-hint")).to_have_text(re.compile("Draw a digit|在畫板上"))
    elif page.get_by_test_id("clear").is_enabled():
        page.get_by_test_id("clear").click()
    draw(page, DIGITS[digit])
    read = int(answer(page))
    grid = [round(v * 255) for v in input_grid(page)]
    pcts = [int(re.search(r"(\d+)%", page.locator(f'.prob[data-digit="{d}"]').get_attribute("aria-label")).group(1))
            for d in range(10)]
    expect(page.get_by_test_id(f"own-hand-meant-{read}")).to_be_enabled()
    return read, grid, pcts


def score(page):
    s = page.get_by_test_id("own-hand-score")
    return int(s.get_attribute("data-right")), int(s.get_attribute("data-total"))


def per_digit(page):
    out = {}
    for d in range(10):
        li = page.get_by_test_id(f"own-hand-digit-{d}")
        out[d] = (int(li.get_attribute("data-right")), int(li.get_attribute("data-total")))
    return out


def canvas_grey(page, locator):
    """The red channel of a 28x28 canvas (the misread thumbnails are grey: r = g = b)."""
    return locator.evaluate("""(c) => Array.from(c.getContext('2d').getImageData(0, 0, 28, 28).data)
                                        .filter((_, i) => i % 4 === 0)""")


def watch_requests(page):
    sent = []
    page.on("request", lambda r: sent.append(r))
    return sent


def test_label_score_misread_reload_export_and_clear(page, tmp_path):
    sent = watch_requests(page)
    open_panel(page, keyboard=True)
    expect(page.locator("#own-hand-title")).to_be_focused()
    expect(page.get_by_test_id("own-hand-privacy")).to_contain_text("nothing of it is sent to or stored on the server")
    expect(page.get_by_test_id("own-hand-privacy")).to_contain_text(f"at most {MAX}")
    expect(page.get_by_test_id("own-hand-mnist")).to_contain_text(re.compile(r"\d+\.\d% right"))
    mnist = page.get_by_test_id("own-hand-mnist").get_attribute("data-pct")
    expect(page.locator(".facts")).to_contain_text(f"{mnist}% right on MNIST")  # the header's figure
    for d in range(10):
        expect(page.get_by_test_id(f"own-hand-meant-{d}")).to_be_disabled()  # nothing drawn yet
    expect(page.get_by_test_id("own-hand-score")).to_have_text("Your hand: nothing labelled yet")

    t0 = time.time()
    # 1. Labelled with the network's own answer, by clicking: read right.
    read1, grid1, pcts1 = draw_and_read(page, "7")
    before = len(sent)
    page.get_by_test_id(f"own-hand-meant-{read1}").click()
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", "1")
    assert score(page) == (1, 1)
    assert per_digit(page)[read1] == (1, 1)
    expect(page.get_by_test_id("own-hand-status")).to_have_text(f"Saved: you meant {read1}, and the network read {read1}.")
    for d in range(10):  # one label per drawing
        expect(page.get_by_test_id(f"own-hand-meant-{d}")).to_be_disabled()
    expect(page.get_by_test_id("own-hand-misread-none")).to_be_visible()

    # 2. Labelled with another digit, by typing it: misread, shown small.
    read2, grid2, pcts2 = draw_and_read(page, "3")
    meant2 = (read2 + 1) % 10
    page.locator("body").focus()
    page.keyboard.press(str(meant2))
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", "2")
    assert score(page) == (1, 2)
    counts = per_digit(page)
    assert counts[meant2] == ((1, 2) if meant2 == read1 else (0, 1))
    assert sum(t for _, t in counts.values()) == 2
    expect(page.get_by_test_id("own-hand-score")).to_have_text("Your hand: 1 of 2 read right (50.0%)")
    items = page.get_by_test_id("own-hand-misread-item")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-meant", str(meant2))
    expect(items.first).to_contain_text(f"read as {read2}, meant {meant2}")
    expect(items.first.locator("canvas")).to_have_attribute("aria-label", f"Your {meant2}, which the network read as {read2}")
    assert canvas_grey(page, items.first.locator("canvas")) == grid2
    box = items.first.locator("canvas").bounding_box()
    assert box["width"] <= 60 and box["height"] <= 60  # small
    # Labelling sent nothing: no request since the drawings' own predictions.
    labels_sent = [r for r in sent[before:] if (r.method != "GET" or "/static/" not in r.url)
                   and not r.url.endswith("/api/predict")]
    assert not labels_sent, [r.url for r in labels_sent]

    # A reload keeps them (this browser's localStorage).
    page.reload()
    settle(page)
    open_panel(page)
    assert score(page) == (1, 2)
    expect(page.get_by_test_id("own-hand-misread-item")).to_have_count(1)
    expect(page.get_by_test_id("own-hand-count")).to_contain_text("2 saved")

    # CSV: one row per drawing, oldest first.
    with page.expect_download() as info:
        page.get_by_test_id("own-hand-csv").click()
    dl = info.value
    assert re.fullmatch(r"own-hand-\d{4}-\d\d-\d\d\.csv", dl.suggested_filename)
    path = tmp_path / "own.csv"
    dl.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text())))
    head = rows[0]
    assert head[:4] == ["time", "meant", "read", "network"]
    assert head[4:14] == [f"out_{d}" for d in range(10)]
    assert head[14:] == [f"px_{i}" for i in range(784)]
    assert len(rows) == 3 and all(len(r) == 4 + 10 + 784 and r[3] == "video" for r in rows[1:])
    for row, meant, read, grid, pcts in ((rows[1], read1, read1, grid1, pcts1), (rows[2], meant2, read2, grid2, pcts2)):
        when = datetime.fromisoformat(row[0].replace("Z", "+00:00")).timestamp()
        assert t0 - 5 <= when <= time.time() + 5
        assert (int(row[1]), int(row[2])) == (meant, read)
        outs = [float(v) for v in row[4:14]]
        assert [round(v * 100) for v in outs] == pcts  # the bars' own figures
        assert max(range(10), key=lambda d: outs[d]) == read
        assert [int(v) for v in row[14:]] == grid

    # PNG: one sheet, each grid at 2x, its pixels the 784 grey levels exactly.
    with page.expect_download() as info:
        page.get_by_test_id("own-hand-png").click()
    path = tmp_path / "own.png"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".png")
    shutil.copy(path, SCREENSHOTS / "own_hand-sheet.png")  # to look at
    img = Image.open(path).convert("RGB")
    assert img.size == (max(240, GAP + 2 * CELL_W), HEAD + GAP + CELL_H)
    px = img.load()
    for i, grid in enumerate((grid1, grid2)):
        x0, y0 = GAP + (i % COLUMNS) * CELL_W, HEAD + GAP + (i // COLUMNS) * CELL_H
        for r in range(28):
            for c in range(28):
                for dy in range(SCALE):
                    for dx in range(SCALE):
                        assert px[x0 + c * SCALE + dx, y0 + r * SCALE + dy] == (grid[r * 28 + c],) * 3, (i, r, c)

    # Clear: asked first; "Keep them" keeps them, "Delete them" empties it, for good.
    page.get_by_test_id("own-hand-clear").click()
    expect(page.get_by_test_id("own-hand-confirm")).to_be_visible()
    expect(page.get_by_test_id("own-hand-confirm-text")).to_contain_text("Delete all 2 of your drawings")
    expect(page.get_by_test_id("own-hand-confirm-no")).to_be_focused()
    page.get_by_test_id("own-hand-confirm-no").click()
    expect(page.get_by_test_id("own-hand-confirm")).to_be_hidden()
    assert score(page) == (1, 2)
    page.get_by_test_id("own-hand-clear").click()
    page.get_by_test_id("own-hand-confirm-yes").click()
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", "0")
    expect(page.get_by_test_id("own-hand-misread-item")).to_have_count(0)
    expect(page.get_by_test_id("own-hand-csv")).to_be_disabled()
    assert page.evaluate(f"() => localStorage.getItem('{KEY}')") is None
    page.reload()
    settle(page)
    open_panel(page)
    assert score(page) == (0, 0)

    # Over the whole test, only predictions (a drawing's pixels) went out; no label, export or clear.
    for r in sent:
        if r.method != "GET":
            assert r.url.endswith("/api/predict"), r.url
            assert set(r.post_data_json) <= {"pixels", "preprocess", "network"}, r.post_data  # the page names its network
    paths = {urlparse(r.url).path for r in sent}
    assert {p for p in paths if not p.startswith("/static/")} <= {"/", "/api/network", "/api/predict"}, paths


def entry(meant, read, grey=0):
    outs = [0.01] * 10
    outs[read] = 0.9
    return {"t": 1764590000000, "m": meant, "r": read, "o": outs, "g": base64.b64encode(bytes([grey] * 784)).decode()}


BAD = {
    "unreadable": ("{not json", 0, "could not be read and were left out"),
    "version": (json.dumps({"v": 2, "drawings": [entry(1, 1)]}), 0, "another version of this page"),
    "damaged": (json.dumps({"v": 1, "drawings": [entry(1, 1), {"t": 1, "m": 12, "r": 1, "o": [], "g": "!"},
                                                 entry(2, 3, grey=200), "x", None]}), 2, "Damaged saved drawings left out: 3."),
    "tooMany": (json.dumps({"v": 1, "drawings": [entry(4, 4)] * (MAX + 3)}), MAX,
                f"Only the newest {MAX} saved drawings were kept (3 older ones left out)."),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_damaged_stored_value_is_left_out_with_a_note(open_page, kind):
    page = open_page()
    value, kept, note = BAD[kind]
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, value])
    sent = watch_requests(page)
    page.reload()
    settle(page)
    open_panel(page)
    expect(page.get_by_test_id("own-hand-note")).to_be_visible()
    expect(page.get_by_test_id("own-hand-note")).to_have_attribute("data-kind", kind)
    expect(page.get_by_test_id("own-hand-note")).to_contain_text(note)
    assert score(page)[1] == kept
    if kind == "damaged":
        expect(page.get_by_test_id("own-hand-misread-item")).to_have_count(1)
        assert canvas_grey(page, page.get_by_test_id("own-hand-misread-item").locator("canvas")) == [200] * 784
    # The next label still works, and leaves a good value behind.
    read, _, _ = draw_and_read(page, "1")
    page.get_by_test_id(f"own-hand-meant-{read}").click()
    expect(page.get_by_test_id("own-hand-score")).to_have_attribute("data-total", str(min(MAX, kept + 1)))
    stored = json.loads(page.evaluate(f"() => localStorage.getItem('{KEY}')"))
    assert stored["v"] == 1 and len(stored["drawings"]) == min(MAX, kept + 1)
    assert stored["drawings"][-1]["m"] == read
    assert not [r.url for r in sent if r.method != "GET" and not r.url.endswith("/api/predict")]
    # (the open_page fixture fails the test on any console error or uncaught exception)


def label_a_few(page):
    """Two read right, one misread: something to look at."""
    for digit, wrong in (("1", False), ("7", False), ("3", True)):
        read, _, _ = draw_and_read(page, digit)
        page.get_by_test_id(f"own-hand-meant-{(read + 1) % 10 if wrong else read}").click()
        expect(page.get_by_test_id("own-hand-status")).not_to_be_empty()


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
@pytest.mark.parametrize("size", ["desktop", "phone", "phone-sideways"])
def test_screenshots_and_the_panel_in_view(open_page, lang, size):
    viewport = {"desktop": {"width": 1366, "height": 768}, "phone": PHONE,
                "phone-sideways": {"width": 844, "height": 390}}[size]
    page = open_page(f"/?lang={lang}", viewport=viewport, has_touch=size != "desktop")
    open_panel(page)
    label_a_few(page)
    panel = page.get_by_test_id("own-hand")
    # The digit buttons and the pad are both reachable on screen at once (the sheet leaves the pad above).
    pad = page.get_by_test_id("pad").bounding_box()
    key = page.get_by_test_id("own-hand-meant-9").bounding_box()
    assert key["x"] >= 0 and key["x"] + key["width"] <= viewport["width"] + 1
    assert key["width"] >= 24 and key["height"] >= 24  # big enough for a finger
    if size == "phone":
        assert pad["y"] + pad["height"] / 2 <= panel.bounding_box()["y"]  # at least half the pad above the sheet
    if lang == "zh-TW":
        expect(page.get_by_test_id("own-hand-privacy")).to_contain_text("不會傳送到伺服器")
    page.screenshot(path=str(SCREENSHOTS / f"own_hand-{size}-{lang}.png"))
