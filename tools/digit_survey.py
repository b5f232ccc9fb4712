"""Draw every digit many ways through the real page and report what the network reads.

    python -m tools.digit_survey            # writes test-artifacts/digit_survey.txt
    MLP_WEIGHTS=runs/other.npz python -m tools.digit_survey test-artifacts/other.txt

Not a test (the network's weights change as it is retrained): a report of
which natural drawings it misreads, with the 28x28 grid it saw for each miss,
to compare with MNIST's digits (stroke width, size).
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from mlp.digit import INK, SIDE
from tools.browser import DESKTOP, launch
from tools.drawing import ALTERNATES, DIGITS, answer, draw, input_grid, slanted
from tools.server import AppServer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "test-artifacts" / "digit_survey.txt"
PLACES = {
    "big": (0.15, 0.08, 0.85, 0.92),
    "small centre": (0.42, 0.38, 0.58, 0.62),
    "small top-left": (0.04, 0.04, 0.2, 0.28),
    "small bottom-right": (0.78, 0.7, 0.95, 0.95),
    "off-centre right": (0.45, 0.2, 0.95, 0.8),
}


def art(grid):
    shades = " .:-=+*#%@"
    return ["".join(shades[min(9, int(v * 10))] for v in grid[r * SIDE:(r + 1) * SIDE]) for r in range(SIDE)]


def cases():
    for d in "0123456789":
        for place, region in PLACES.items():
            yield d, f"{d} {place}", DIGITS[d], region
        yield d, f"{d} slanted", slanted(DIGITS[d]), PLACES["big"]
    for name, strokes in ALTERNATES.items():
        yield name[0], name, strokes, PLACES["big"]


def main():
    with AppServer() as server:
        lines, misses = [], []
        with sync_playwright() as pw:
            browser = launch(pw, extra_args=["--disable-gpu"])
            page = browser.new_page(viewport=DESKTOP)
            page.goto(server.url)
            total = right = 0
            for want, name, strokes, region in cases():
                page.get_by_test_id("clear").click() if page.get_by_test_id("clear").is_enabled() else None
                draw(page, strokes, region)
                got = answer(page)
                grid = input_grid(page)
                probs = page.locator('[data-testid="probabilities"] .prob').evaluate_all(
                    "els => els.map(e => e.getAttribute('aria-label'))")
                total += 1
                right += got == want
                mark = "ok  " if got == want else "MISS"
                lines.append(f"{mark} {name:28s} -> {got}   ({', '.join(p for p in probs if p and not p.endswith(' 0%'))})")
                if got != want:
                    misses.append((name, got, grid))
            browser.close()
        report = [f"{right}/{total} drawings read correctly", ""] + lines
        for name, got, grid in misses:
            ink = sum(grid)
            rows = [r for r in range(SIDE) if max(grid[r * SIDE:(r + 1) * SIDE]) > INK]
            cols = [c for c in range(SIDE) if max(grid[c::SIDE]) > INK]
            report += ["", f"{name} read as {got}: ink {ink:.0f}, box {len(rows)}x{len(cols)}"] + art(grid)
        out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(report) + "\n")
        print("\n".join(report[: 2 + len(lines)]))


if __name__ == "__main__":
    main()
