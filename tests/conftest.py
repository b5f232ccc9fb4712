"""Shared fixtures (the real MNIST test set, the held-out writers, the shipped weights, the Flask app)
and the test tiers.

The project imports from the repo root through pyproject.toml's pythonpath: no sys.path edits here.
Every test gets its tier's marker (registered in pyproject.toml), so `python3 -m pytest -m unit` or
`-m "not browser"` runs a part; `python3 -m pytest` runs them all.
"""
from pathlib import Path

import pytest

from mlp import weights_io
from mlp.training import mnist, pendigits, stroke_augment
from mlp.preprocess import normalize_batch

TESTS = Path(__file__).resolve().parent
# browser: a real Chromium (the e2e folder, and the page benchmark's smoke test).
BROWSER_FILES = {"test_benchmarks_page_smoke.py"}
# api: the app through its test client (the fixtures below) or as real server processes
# (these files, and every tests/test_deploy*.py: the production stack).
API_FIXTURES = {"app", "client"}
SERVER_FILES = {"test_deploy.py", "test_deploy_app.py", "test_deploy_benchmarks.py", "test_startup.py",
                "test_benchmarks_smoke.py"}
# data: the fixtures that read MNIST or the pen-digits file; each fails, never skips, when it is missing.
DATA_FIXTURES = {"mnist_test", "test_set", "writers", "subset", "real", "held_out", "prepared_mnist"}
DATA_FILES = {"test_shipped_weights.py", "test_api_train.py", "test_page_untrained.py"}  # read MNIST inside their tests too


def tiers(item) -> set[str]:
    path = Path(str(item.path))
    fixtures = set(getattr(item, "fixturenames", ()))
    found = set()
    if TESTS / "e2e" in path.parents or path.name in BROWSER_FILES:
        found.add("browser")
    if fixtures & API_FIXTURES or path.name in SERVER_FILES or path.name.startswith("test_deploy"):
        found.add("api")
    if fixtures & DATA_FIXTURES or path.name in DATA_FILES:
        found.add("data")
    return found or {"unit"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for tier in sorted(tiers(item)):
            item.add_marker(tier)


@pytest.fixture(scope="session")
def mnist_test():
    """(images (10000, 784) float32, labels); fails, never skips, when the data is missing."""
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: put the four IDX files there or set ${mnist.ENV_VAR}")
    return mnist.load_split(folder, "test")


@pytest.fixture(scope="session")
def test_set():
    """The 10,000 MNIST test images as the server sees them (normalized), and their labels."""
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: the shipped weights cannot be checked. "
                    f"Put the four IDX files there or set ${mnist.ENV_VAR}.")
    images, labels = mnist.load_split(folder, "test")
    return normalize_batch(images), labels


@pytest.fixture(scope="session")
def writers():
    """The held-out writers' pen digits, rendered as the page renders strokes, normalized as the server does."""
    folder = pendigits.data_dir()
    if not (folder / pendigits.FILE).is_file():
        pytest.fail(f"pen-digits data missing: {folder / pendigits.FILE} (set ${pendigits.ENV_VAR})")
    return stroke_augment.render_pool(pendigits.split_by_writer(pendigits.load(folder))[1], strength=None)


@pytest.fixture(scope="session")
def shipped():
    return weights_io.load(weights_io.DEFAULT_WEIGHTS)


@pytest.fixture(scope="session")
def app():
    from app import create_app
    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()
