"""The shipped weights on the real 10,000 MNIST test images, and `python -m mlp.evaluate` that reports it.

The accuracy test fails (it is never skipped) when the MNIST folder is missing.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp import evaluate, mnist, weights_io

ROOT = Path(__file__).resolve().parent.parent
# The issue asked for 96.5 %; honest work reached 95.84 % (see README: what was tried). This guards
# the shipped figure against regressions; raise it when a better network ships.
TARGET = 0.955
PEN_TARGET = 0.94  # the same digits redrawn with the page's pen: what people's drawings look like
LAST_LINE = re.compile(r"^test accuracy: 0\.\d{4} \(\d+/10000\)$")


@pytest.fixture(scope="module")
def test_set():
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: the shipped weights cannot be checked. "
                    f"Put the four IDX files there or set ${mnist.ENV_VAR}.")
    return mnist.load_split(folder, "test")


@pytest.fixture(scope="module")
def shipped():
    return weights_io.load(weights_io.DEFAULT_WEIGHTS)


def test_shipped_weights_load(shipped):
    assert shipped.sizes == (784, 16, 16, 10)
    assert shipped.n_params == 13_002
    assert all(w.dtype == np.float32 and np.all(np.isfinite(w)) for w in shipped.weights + shipped.biases)


def test_shipped_weights_reach_target_accuracy(shipped, test_set):
    images, labels = test_set
    assert len(labels) == 10_000
    accuracy = float(np.mean(shipped.predict(images) == labels))
    assert accuracy >= TARGET, f"shipped weights: test accuracy {accuracy:.4f} < {TARGET}"


def test_shipped_weights_read_pen_drawn_digits(shipped, test_set):
    """The first 2,000 test digits redrawn as the page draws strokes (constant-width pen)."""
    from mlp import penstyle

    images, labels = test_set
    drawn = penstyle.redraw(images[:2000])
    accuracy = float(np.mean(shipped.predict(drawn) == labels[:2000]))
    assert accuracy >= PEN_TARGET, f"pen-drawn digits: accuracy {accuracy:.4f} < {PEN_TARGET}"


def test_shipped_meta_accuracy_is_honest(shipped, test_set):
    """If the file states its test accuracy, it is the one it really has."""
    stated = shipped.meta.get("test_accuracy")
    if stated is None:
        pytest.skip("the shipped weights do not state a test accuracy")
    images, labels = test_set
    assert stated == pytest.approx(float(np.mean(shipped.predict(images) == labels)), abs=5e-5)


# --- python -m mlp.evaluate ----------------------------------------------------------

def run_evaluate(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "mlp.evaluate", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_evaluate_cli_last_line(shipped, test_set):
    result = run_evaluate()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    # Same figure as computed here.
    images, labels = test_set
    correct = int(np.sum(shipped.predict(images) == labels))
    assert lines[-1] == f"test accuracy: {correct / 10000:.4f} ({correct}/10000)"
    # Per-digit accuracy and an aligned 10x10 confusion matrix come before it.
    for d in range(10):
        assert any(re.match(rf"^\s*{d}: [01]\.\d{{4}} \(\d+/\d+\)$", line) for line in lines), d
    header = next(i for i, line in enumerate(lines) if line.startswith("true\\pred"))
    rows = lines[header + 1:header + 11]
    assert len({len(r) for r in rows + [lines[header]]}) == 1, "confusion matrix columns are not aligned"
    matrix = np.array([[int(v) for v in r.split()[1:]] for r in rows])
    assert matrix.shape == (10, 10) and matrix.sum() == 10_000 and np.trace(matrix) == correct
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(labels, minlength=10))


def assert_clean_error(result, *fragments):
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    err = result.stderr.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_evaluate_cli_missing_data_folder(tmp_path):
    missing = tmp_path / "no-mnist-here"
    assert_clean_error(run_evaluate("--data", str(missing)), str(missing))


def test_evaluate_cli_bad_weights(tmp_path, test_set):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(np.random.default_rng(0).bytes(1000))
    assert_clean_error(run_evaluate("--weights", str(bad)), str(bad))


# The same checks in-process (a subprocess costs a second or more each).

def run_main(capsys, *args):
    code = evaluate.main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_evaluate_main_data_from_environment(capsys, monkeypatch, test_set):
    monkeypatch.setenv(mnist.ENV_VAR, str(mnist.data_dir()))
    result = run_main(capsys)
    assert result.returncode == 0 and LAST_LINE.match(result.stdout.splitlines()[-1])
    monkeypatch.setenv(mnist.ENV_VAR, "/nonexistent/mnist")
    assert_clean_error(run_main(capsys), "/nonexistent/mnist")


def test_evaluate_main_empty_data_folder_names_the_file(capsys, tmp_path):
    assert_clean_error(run_main(capsys, "--data", str(tmp_path)), mnist.FILES["test_images"])


@pytest.mark.parametrize("content", [b"", b"not a zip at all" * 10, b"PK\x03\x04truncated"])
def test_evaluate_main_bad_weights(capsys, tmp_path, content, test_set):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    assert_clean_error(run_main(capsys, "--weights", str(bad)), str(bad))


def test_evaluate_main_missing_weights(capsys, tmp_path, test_set):
    assert_clean_error(run_main(capsys, "--weights", str(tmp_path / "none.npz")), "none.npz")


def test_evaluate_main_wrong_network_shape(capsys, tmp_path, test_set):
    from mlp.network import Network
    path = weights_io.save(Network.random(sizes=(784, 8, 5)), tmp_path / "five.npz")
    assert_clean_error(run_main(capsys, "--weights", str(path)), "5 outputs")


# --- the pieces of mlp.evaluate ----------------------------------------------------------

def test_confusion_matrix_counts():
    labels = np.array([0, 0, 1, 2, 2, 2, 9])
    predicted = np.array([0, 1, 1, 2, 2, 9, 9])
    cm = evaluate.confusion_matrix(labels, predicted)
    assert cm.shape == (10, 10) and cm.sum() == 7
    assert cm[0, 0] == 1 and cm[0, 1] == 1 and cm[1, 1] == 1 and cm[2, 2] == 2 and cm[2, 9] == 1 and cm[9, 9] == 1
    assert np.trace(cm) == 5


def test_report_format():
    cm = np.diag([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    cm[3, 5], cm[3, 3] = 10, 1000
    text = evaluate.report(cm)
    lines = text.splitlines()
    assert lines[-1] == "test accuracy: 0.9990 (9990/10000)"
    assert "  3: 0.9901 (1000/1010)" in lines
    assert LAST_LINE.match(lines[-1])
