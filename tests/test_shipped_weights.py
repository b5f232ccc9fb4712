"""The shipped weights on real people's pen strokes and the real 10,000 MNIST test images, how honest
its output neurons are, and `python -m mlp.evaluate` that reports it all.

Every image goes through the app's own pre-processing, as a drawing does. The accuracy tests
fail (they are never skipped) when the data is missing.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp import evaluate, mnist, pendigits, stroke_augment, weights_io
from mlp.preprocess import normalize_batch

ROOT = Path(__file__).resolve().parent.parent
# Floors at what ships (docs/training.md), so that a worse network cannot ship unnoticed.
TARGET = 0.965          # MNIST test, through the app's pre-processing
WRITERS_TARGET = 0.96   # held-out writers' pen strokes, drawn by the page's rule
PEN_TARGET = 0.95       # MNIST test digits redrawn with the page's pen
# The output neurons are honest: one bright answer, the others dim, nothing lit for nothing.
SECOND_BRIGHTEST_MAX = 0.06
TWO_LIT_MAX = 0.01
EMPTY_MAX = 0.5
LAST_LINE = re.compile(r"^test accuracy: 0\.\d{4} \(\d+/10000\)$")


@pytest.fixture(scope="module")
def test_set():
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: the shipped weights cannot be checked. "
                    f"Put the four IDX files there or set ${mnist.ENV_VAR}.")
    images, labels = mnist.load_split(folder, "test")
    return normalize_batch(images), labels


@pytest.fixture(scope="module")
def writers():
    """The held-out writers' pen digits, rendered as the page renders strokes, normalized as the server does."""
    folder = pendigits.data_dir()
    if not (folder / pendigits.FILE).is_file():
        pytest.fail(f"pen-digits data missing: {folder / pendigits.FILE} (set ${pendigits.ENV_VAR})")
    return stroke_augment.render_pool(pendigits.split_by_writer(pendigits.load(folder))[1], strength=None)


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


def test_shipped_weights_read_writers_they_never_saw(shipped, writers):
    images, labels = writers
    assert len(labels) > 1400
    accuracy = float(np.mean(shipped.predict(images) == labels))
    assert accuracy >= WRITERS_TARGET, f"held-out writers: accuracy {accuracy:.4f} < {WRITERS_TARGET}"
    per_digit = [float(np.mean(shipped.predict(images[labels == d]) == d)) for d in range(10)]
    assert min(per_digit) >= 0.9, f"a digit people write is misread too often: {np.round(per_digit, 3)}"


def test_shipped_outputs_mean_what_the_video_says(shipped, test_set):
    """Each output's brightness is the network's belief in that digit: the runner-up is dim."""
    images, _ = test_set
    second, two_lit = evaluate.output_honesty(shipped, images)
    assert second <= SECOND_BRIGHTEST_MAX, f"second-brightest output averages {second:.3f}"
    assert two_lit <= TWO_LIT_MAX, f"{100 * two_lit:.2f} % of test digits light two or more outputs above 0.5"
    assert evaluate.empty_drawing_output(shipped) < EMPTY_MAX


def test_output_honesty_measure_can_fail():
    """A network whose outputs are all bright is caught by the measure above."""
    from mlp.network import Network
    net = Network.random(sizes=(784, 4, 10), seed=0)
    net.biases[-1][:] = 5.0
    second, two_lit = evaluate.output_honesty(net, np.zeros((10, 784), dtype=np.float32))
    assert second > 0.9 and two_lit == 1.0 and evaluate.empty_drawing_output(net) > 0.9


def test_shipped_weights_read_pen_drawn_digits(shipped, test_set):
    """The first 2,000 test digits redrawn as the page draws strokes (constant-width pen)."""
    from mlp import penstyle

    images, labels = mnist.load_split(mnist.data_dir(), "test")
    drawn = normalize_batch(penstyle.redraw(images[:2000]))
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


def test_evaluate_main_missing_pen_digits_names_the_file(capsys, tmp_path, test_set):
    assert_clean_error(run_main(capsys, "--pendigits", str(tmp_path)), pendigits.FILE)


def test_evaluate_cli_prints_every_target(shipped, writers):
    """The figures the README quotes, each on its own line, before the last line."""
    result = run_evaluate()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    images, labels = writers
    correct = int(np.sum(shipped.predict(images) == labels))
    assert f"held-out writers' pen strokes, drawn by the page's rule: {correct / len(labels):.4f} ({correct}/{len(labels)})" in out
    for fragment in ("second-brightest output, mean over MNIST test: 0.", "lighting two or more outputs above 0.5: ",
                     "empty drawing, brightest output: 0."):
        assert fragment in out
