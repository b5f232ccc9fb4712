"""`python -m mlp.evaluate` (its report, its clean errors) and its pieces: the confusion matrix, the report,
the output-honesty measure. The runs on the real data fail (never skip) when it is missing."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp import weights_io
from mlp.training import evaluate, mnist, pendigits

ROOT = Path(__file__).resolve().parent.parent
LAST_LINE = re.compile(r"^test accuracy: 0\.\d{4} \(\d+/10000\)$")


def test_output_honesty_measure_can_fail():
    """A network whose outputs are all bright is caught by the measure (test_shipped_weights applies it)."""
    from mlp.network import Network
    net = Network.random(sizes=(784, 4, 10), seed=0)
    net.biases[-1][:] = 5.0
    second, two_lit = evaluate.output_honesty(net, np.zeros((10, 784), dtype=np.float32))
    assert second > 0.9 and two_lit == 1.0 and evaluate.empty_drawing_output(net) > 0.9


# --- python -m mlp.evaluate ----------------------------------------------------------

def run_evaluate(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "mlp.evaluate", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_evaluate_cli_last_line(shipped, test_set):
    """The whole report of the shipped weights: the folds first (their figures: test_shipped_weights.py),
    MNIST test last."""
    result = run_evaluate()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    assert re.match(r"^mean over 5 folds: 0\.\d{4}, worst fold: 0\.\d{4}$", lines[1 + pendigits.N_FOLDS]), lines[:8]
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
    result = run_main(capsys, "--no-folds")
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
    # A fold's file is checked the same way (it would have crashed counting a digit 11).
    assert_clean_error(run_main(capsys, "--folds", str(weights_io.DEFAULT_WEIGHTS), str(path)), "five.npz", "5 outputs")
    wide = weights_io.save(Network.random(sizes=(100, 10)), tmp_path / "wide.npz")
    assert_clean_error(run_main(capsys, "--folds", str(wide)), "takes 100 inputs")


# --- the pieces of mlp.training.evaluate ----------------------------------------------------------

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
    result = run_evaluate("--no-folds")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "folds" not in out
    images, labels = writers
    correct = int(np.sum(shipped.predict(images) == labels))
    assert f"held-out writers' pen strokes, drawn by the page's rule: {correct / len(labels):.4f} ({correct}/{len(labels)})" in out
    for fragment in ("second-brightest output, mean over MNIST test: 0.", "lighting two or more outputs above 0.5: ",
                     "empty drawing, brightest output: 0."):
        assert fragment in out


def test_evaluate_small_drawings_line_is_the_small_replay(capsys, shipped, test_set):
    """The line for digits drawn small near an edge is the shipped network on mlp.training.replay's
    polylines of its own held-out writers, not the figure for the digits as written."""
    result = run_main(capsys, "--no-folds")
    held = pendigits.split_by_writer(pendigits.load())[1]
    _, small = evaluate.pen_scores(shipped, held)
    assert f"the same drawn small near an edge of the pad: {evaluate.share(small)}" in result.stdout


def test_evaluate_folds_scores_each_network_on_its_own_writers(capsys, tmp_path, shipped, test_set):
    """--folds: every file is scored on the writers its metadata says it never saw; a file that held
    out writers 1, 6, .. (fold 1) is scored on them, and an incomplete set of folds is said to be one."""
    fold1 = tmp_path / "fold1.npz"
    weights_io.save(shipped, fold1, {"held_out_writers": list(pendigits.fold_writers(1))})
    result = run_main(capsys, "--folds", str(weights_io.DEFAULT_WEIGHTS), str(fold1))
    assert result.returncode == 0, result.stderr
    digits = pendigits.load()
    for path, fold in ((weights_io.DEFAULT_WEIGHTS, 0), (fold1, 1)):
        writers = pendigits.fold_writers(fold)
        cm, _ = evaluate.pen_scores(shipped, [d for d in digits if d.writer in writers])
        assert f"{path.name}: writers {', '.join(map(str, writers))}: {evaluate.share(cm)}" in result.stdout
    assert "mean over 2 folds: " in result.stdout
    assert "not a clean cross-validation" in result.stdout
    assert LAST_LINE.match(result.stdout.strip().splitlines()[-1])
