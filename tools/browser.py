"""Chromium for the tests and benchmarks: Debian's /usr/bin/chromium when it is there (Playwright cannot
download its own browser everywhere), else Playwright's own."""
from __future__ import annotations

from pathlib import Path

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def launch(playwright, extra_args=()):
    """A headless Chromium; ``extra_args`` add to CHROMIUM_ARGS (e.g. --disable-gpu)."""
    if SYSTEM_CHROMIUM.exists():
        return playwright.chromium.launch(executable_path=str(SYSTEM_CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args])
    return playwright.chromium.launch()
