"""Shared fixtures: the real MNIST test set and the Flask app with the shipped weights."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mlp import mnist  # noqa: E402


@pytest.fixture(scope="session")
def mnist_test():
    """(images (10000, 784) float32, labels); fails, never skips, when the data is missing."""
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: put the four IDX files there or set ${mnist.ENV_VAR}")
    return mnist.load_split(folder, "test")


@pytest.fixture(scope="session")
def app():
    from app import create_app
    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()
