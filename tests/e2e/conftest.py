"""End-to-end fixtures: a real server process, a real browser, and a page that
fails its test if the browser logged any error.

Run with ``python -m pytest tests/e2e -q``. Uses Debian's /usr/bin/chromium
when it exists (Playwright cannot download browsers everywhere), else
Playwright's own Chromium.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"]
DESKTOP = {"width": 1366, "height": 768}
# The machine may be busy (training runs beside the tests): waits are generous,
# and nothing asserts how fast anything is.
WAIT_MS = 60_000
STARTUP_S = 120

expect.set_options(timeout=WAIT_MS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """``python app.py`` on a free port, from the repo root; its base URL."""
    port = _free_port()
    env = dict(os.environ, PORT=str(port))
    env.pop("FLASK_DEBUG", None)  # the reloader would fork a second process we could not stop
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() - started > STARTUP_S:
                pytest.fail(f"app.py did not answer /healthz within {STARTUP_S} s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        if SYSTEM_CHROMIUM.exists():
            b = pw.chromium.launch(executable_path=str(SYSTEM_CHROMIUM), args=CHROMIUM_ARGS)
        else:
            b = pw.chromium.launch()
        yield b
        b.close()


@pytest.fixture
def open_page(browser, server, request):
    """Open the app in a new browser context (desktop size unless told otherwise).

    Every page records console errors and uncaught exceptions; at the end of the
    test each page is screenshotted to test-artifacts/screenshots/<test>.png and
    must have logged no error.
    """
    opened = []

    def _open(path="/", **context_options):
        context_options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**context_options)
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        errors = []
        page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        page.goto(server + path)
        # Ready once the blank pad's own reply is on screen: the page is live.
        expect(page.locator("body")).to_have_attribute("data-live", "idle")
        opened.append((context, page, errors))
        return page

    _open.errors = lambda page: next(e for _, p, e in opened if p is page)
    yield _open

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    problems = []
    for i, (context, page, errors) in enumerate(opened):
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}{'' if i == 0 else f'-{i + 1}'}.png"))
        finally:
            context.close()
        problems += errors
    assert not problems, "the browser logged errors:\n" + "\n".join(problems)


@pytest.fixture
def page(open_page):
    return open_page()
