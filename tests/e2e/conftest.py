"""End-to-end fixtures: a real server process, a real browser, and a page that
fails its test if the browser logged any error.

Run with ``python -m pytest tests/e2e -q``. The server and the browser come from
tools/ (tools/server.py, tools/browser.py), as for the benchmarks.
"""
from __future__ import annotations

import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tools.browser import DESKTOP, launch  # noqa: E402
from tools.server import AppServer, ServerError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# The machine may be busy (training runs beside the tests): waits are generous,
# and nothing asserts how fast anything is.
WAIT_MS = 60_000

expect.set_options(timeout=WAIT_MS)


@contextmanager
def running_app(env=None):
    """``python app.py`` on a free port, from the repo root, with ``env`` added; its base URL
    (a server that does not start fails the test, with what it said)."""
    try:
        app = AppServer(env=env).start()
    except ServerError as exc:
        pytest.fail(str(exc))
    try:
        yield app.url
    finally:
        app.stop()


@pytest.fixture(scope="session")
def start_app():
    """running_app, for a test module that serves its own networks: ``with start_app(env) as url``."""
    return running_app


# The quick training run: a network of any shape, from our CLI, in well under a minute.
QUICK_TRAINING = ["--epochs", "1", "--limit", "3000", "--pen-strokes", "0", "--snapshots", "0"]


@pytest.fixture(scope="session")
def tiny_network(tmp_path_factory, mnist_test):
    """train(hidden) -> the weights file of a tiny network with those hidden layers, trained on MNIST
    by `python -m mlp.train` the first time a test asks for that shape in this session (test modules
    that serve other networks than the shipped ones share them). mnist_test: fails without the data."""
    folder = tmp_path_factory.mktemp("tiny-networks")
    trained = {}

    def train(hidden):
        key = "-".join(map(str, hidden))
        if key not in trained:
            path = folder / f"{key}.npz"
            done = subprocess.run([sys.executable, "-m", "mlp.train", "--out", str(path), "--hidden", *map(str, hidden),
                                   *QUICK_TRAINING], cwd=ROOT, capture_output=True, text=True, timeout=1200)
            assert done.returncode == 0, f"training {key} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            trained[key] = path
        return trained[key]

    return train


@pytest.fixture(scope="session")
def server():
    """The app with its shipped networks."""
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        b = launch(pw, extra_args=["--disable-gpu"])
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
