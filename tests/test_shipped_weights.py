"""The shipped weights on real people's pen strokes and the real 10,000 MNIST test images, and how honest
its output neurons are (`python -m mlp.evaluate`, which reports it all, is tested in test_evaluate.py).

Every image goes through the app's own pre-processing, as a drawing does. The accuracy tests
fail (they are never skipped) when the data is missing: the data fixtures are in conftest.py.
"""
import re
from dataclasses import fields

import numpy as np
import pytest

from mlp import weights_io
from mlp.training import evaluate, mnist, pendigits
from mlp.training.train import Config
from mlp.preprocess import normalize_batch

# Floors at what ships (docs/training.md), so that a worse network cannot ship unnoticed.
TARGET = 0.965          # MNIST test, through the app's pre-processing (ships 96.82 %; issue 11 asks 96.5 %)
WRITERS_TARGET = 0.965  # held-out writers' pen strokes, drawn by the page's rule (ships 97.20 %; issue 11 asks 96 %)
PEN_TARGET = 0.95       # the first 2,000 MNIST test digits redrawn with the page's pen (ships 95.35 %; all 10,000: 95.81 %)
# The shipped recipe on every fold of writers (issue 24: five folds by writer, each network on the writers it never saw).
FOLDS_MEAN_TARGET = 0.965   # mean over the 5 folds (ships 96.93 %; issue 24 asks 98 %)
FOLDS_WORST_TARGET = 0.96   # the worst fold (ships 96.60 %, fold 1; issue 24 asks 97 %)
# The output neurons are honest: one bright answer, the others dim, nothing lit for nothing.
SECOND_BRIGHTEST_MAX = 0.06
TWO_LIT_MAX = 0.01
EMPTY_MAX = 0.5


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
    # The weakest ships at 0.897 (4s written open or as a lightning bolt).
    assert min(per_digit) >= 0.89, f"a digit people write is misread too often: {np.round(per_digit, 3)}"


def test_shipped_outputs_mean_what_the_video_says(shipped, test_set):
    """Each output's brightness is the network's belief in that digit: the runner-up is dim."""
    images, _ = test_set
    second, two_lit = evaluate.output_honesty(shipped, images)
    assert second <= SECOND_BRIGHTEST_MAX, f"second-brightest output averages {second:.3f}"
    assert two_lit <= TWO_LIT_MAX, f"{100 * two_lit:.2f} % of test digits light two or more outputs above 0.5"
    assert evaluate.empty_drawing_output(shipped) < EMPTY_MAX


def test_shipped_weights_read_pen_drawn_digits(shipped, test_set):
    """The first 2,000 test digits redrawn as the page draws strokes (constant-width pen)."""
    from mlp.training import penstyle

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


def test_the_shipped_recipe_on_every_fold_of_writers():
    """The shipped network is fold 0; mlp/weights/folds/ holds the same recipe trained with each other
    fold of writers held out. Every writer is held out once, every file is the shipped recipe but for its
    fold, and the cross-validated figure (python -m mlp.evaluate --folds) keeps its floors."""
    paths = evaluate.shipped_folds()
    metas = [weights_io.load(path).meta for path in paths]
    assert sorted(w for meta in metas for w in meta["held_out_writers"]) == list(pendigits.WRITERS)
    for path, meta in zip(paths[1:], metas[1:]):
        changed = {f.name for f in fields(Config) if f.name != "fold" and meta.get(f.name) != metas[0].get(f.name)}
        assert not changed, f"{path.name} is not the shipped recipe: {sorted(changed)} differ"
    report = evaluate.fold_report(paths, pendigits.load())
    mean, worst = (float(x) for x in re.search(r"mean over 5 folds: (0\.\d+), worst fold: (0\.\d+)", report).groups())
    assert mean >= FOLDS_MEAN_TARGET and worst >= FOLDS_WORST_TARGET, report
