"""Training on a small real MNIST subset (6000 images, 3 epochs), reproducibility, distillation.
(The augmentation it uses is tested in test_augment.py.)"""
import numpy as np
import pytest

from mlp.training import mnist
from mlp.network import Network
from mlp.preprocess import normalize_batch
from mlp.training.train import Config, train
from mlp.weights_io import save

N_TRAIN, N_TEST = 6000, 1000


@pytest.fixture(scope="module")
def subset():
    folder = mnist.data_dir()
    if not folder.is_dir():
        pytest.fail(f"MNIST data folder {folder} is missing: put the four IDX files there or set ${mnist.ENV_VAR}")
    # The first N_TRAIN training images, converted like load_split does (without converting all 60,000).
    raw = mnist.read_idx(folder / mnist.FILES["train_images"], mnist.IMAGES_MAGIC, (28, 28))[:N_TRAIN]
    y = mnist.read_idx(folder / mnist.FILES["train_labels"], mnist.LABELS_MAGIC)[:N_TRAIN].astype(np.int64)
    x = raw.reshape(N_TRAIN, 784).astype(np.float32) / 255.0
    tx, ty = mnist.load_split(folder, "test")
    return x, y, tx[:N_TEST], ty[:N_TEST]


def quiet(_line):
    pass


def config(**kw):
    # The plain method, not the shipped recipe (whitening, pen redrawing, weight averaging make
    # sense over 100 epochs, not 3), with a higher rate and smaller batches than the defaults:
    # the 16-16 sigmoid network learns slowly at first, and this has to get far above chance.
    # Softmax cross-entropy, no blank drawings: the first method, whose loss has a known chance level.
    plain = {"augment": "none", "pen_fraction": 0.0, "whiten": 0.0, "ema": 0.0, "weight_decay": 0.0,
             "loss": "cross_entropy", "blank_fraction": 0.0}
    return Config(**{**plain, "epochs": 3, "seed": 0, "lr": 0.01, "batch_size": 16, **kw})


@pytest.fixture(scope="module")
def trained(subset):
    x, y, tx, ty = subset
    return train(config(), x, y, tx, ty, log=quiet, bar=False)


def accuracy(net, x, y):
    """On the images as the server shows them to the network (deskewed, centred, 8-bit), as training did."""
    return float(np.mean(net.predict(normalize_batch(x)) == y))


def test_short_run_learns(trained, subset):
    net, history = trained
    _, _, tx, ty = subset
    assert net.sizes == (784, 16, 16, 10)
    assert len(history) == 3
    losses = [h["loss"] for h in history]
    assert losses[0] > losses[-1], f"loss did not go down: {losses}"
    assert losses[-1] < 0.8 * losses[0]
    assert np.log(10) > losses[0]  # already below chance level within the first epoch
    acc = accuracy(net, tx, ty)
    assert acc > 0.80, f"only {acc:.3f} on {N_TEST} test images after 3 epochs"
    assert history[-1]["val_accuracy"] == pytest.approx(acc)


def test_trained_network_takes_raw_pixels(trained, subset):
    """Standardization is folded into the first layer: raw [0, 1] pixels in, same answers as when training."""
    net, _ = trained
    x, y, _, _ = subset
    assert accuracy(net, x, y) > 0.85  # training set, raw pixels


def test_same_seed_same_weights(trained, subset):
    x, y, tx, ty = subset
    again, history = train(config(), x, y, tx, ty, log=quiet, bar=False)
    net, first = trained
    for a, b in zip(net.weights + net.biases, again.weights + again.biases):
        np.testing.assert_array_equal(a, b)
    assert [h["loss"] for h in history] == [h["loss"] for h in first]


def test_other_seed_other_weights(trained, subset):
    x, y, _, _ = subset
    other, _ = train(config(epochs=1, seed=1), x, y, log=quiet, bar=False)
    assert not np.array_equal(other.weights[0], trained[0].weights[0])


@pytest.mark.parametrize("loss, optimizer", [("mse", "momentum"), ("cross_entropy", "sgd")])
def test_other_losses_and_optimizers_run(subset, loss, optimizer):
    x, y, _, _ = subset
    net, history = train(config(epochs=2, loss=loss, optimizer=optimizer, lr=0.1 if optimizer != "adam" else 0.003),
                         x[:1000], y[:1000], log=quiet, bar=False)
    assert all(np.all(np.isfinite(w)) for w in net.weights)
    assert history[-1]["loss"] < history[0]["loss"]


def test_distillation_runs(trained, subset, tmp_path):
    x, y, tx, ty = subset
    teacher_path = save(trained[0], tmp_path / "teacher.npz")
    student, history = train(config(epochs=2, teacher=str(teacher_path), temperature=2.0, distill_weight=0.5),
                             x, y, tx, ty, log=quiet, bar=False)
    assert all(np.all(np.isfinite(a)) for a in student.weights + student.biases)
    assert history[-1]["loss"] < history[0]["loss"]
    assert accuracy(student, tx, ty) > 0.7


def test_bce_distillation_blends_the_teachers_beliefs_into_the_targets(trained, subset):
    """With bce each output is its own belief: the student's target for every digit, blanks and pen strokes
    included, is (1 - w) * label + w * the teacher's sigmoid on the very same input."""
    from mlp.training.input_transform import InputTransform
    from mlp.training.train import epoch_inputs, teacher_beliefs

    x, y, _, _ = subset
    teacher = trained[0]
    cfg = config(loss="bce", blank_fraction=0.01, distill_weight=0.3, temperature=1.0, pen_strokes=50)
    strokes = (normalize_batch(x[:200]), y[:200])  # stand-ins for rendered strokes: already normalized
    inputs, targets, labels, soft = epoch_inputs(x[:500], y[:500], np.random.default_rng(0), cfg, teacher,
                                                 InputTransform.identity(), strokes=strokes)
    assert soft is None and len(inputs) == 500 + 50 + 5
    beliefs = teacher_beliefs(teacher, inputs, 1.0)
    assert np.allclose(beliefs, 1 / (1 + np.exp(-teacher.forward(inputs, with_sums=True)[1][-1])), atol=1e-6)
    one_hot = np.zeros_like(targets)
    drawn = labels >= 0
    one_hot[np.flatnonzero(drawn), labels[drawn]] = 1  # blanks (label -1): every target 0
    assert np.allclose(targets, 0.7 * one_hot + 0.3 * beliefs, atol=1e-6)
    assert (~drawn).sum() == 5 and np.all(targets[~drawn] < 0.3)


def test_log_lines_and_unknown_loss(subset):
    x, y, tx, ty = subset
    lines = []
    train(config(epochs=1), x[:500], y[:500], tx[:100], ty[:100], log=lines.append, bar=False)
    assert len(lines) == 1 and "validation accuracy" in lines[0]
    with pytest.raises(ValueError, match="loss"):
        train(config(loss="hinge"), x[:100], y[:100], log=quiet, bar=False)


def test_random_network_is_near_chance(subset):
    _, _, tx, ty = subset
    assert accuracy(Network.random(seed=0), tx, ty) < 0.3


def test_shipped_recipe_runs_end_to_end(subset):
    """The defaults (whitening, pen redrawing, distortions, weight averaging) train without error."""
    x, y, tx, ty = subset
    net, history = train(Config(epochs=1), x[:600], y[:600], tx, ty, log=quiet, bar=False)
    assert net.sizes == (784, 16, 16, 10) and len(history) == 1
    assert all(np.all(np.isfinite(w)) for w in net.weights + net.biases)


def test_snapshot_steps_are_log_spaced_from_start_to_end():
    from mlp.training.train import snapshot_steps
    steps = snapshot_steps(100_000, 16)
    assert steps[0] == 0 and steps[-1] == 100_000 and len(steps) == 16
    assert all(b > a for a, b in zip(steps, steps[1:]))
    assert steps[5] < 100  # the first few hundred steps are looked at closely
    assert snapshot_steps(100, 0) == []


def test_training_keeps_snapshots_from_random_to_the_returned_network(subset):
    x, y, tx, ty = subset
    snaps = []
    net, _ = train(config(epochs=2, snapshots=8), x[:2000], y[:2000], log=quiet, bar=False,
                   snapshots=snaps, scored_on=(tx, ty))
    assert len(snaps) == 8 and snaps[0]["step"] == 0
    assert [s["step"] for s in snaps] == sorted({s["step"] for s in snaps})
    assert snaps[0]["test_accuracy"] < 0.3 < snaps[-1]["test_accuracy"]  # from chance to learned
    for w_snap, w_net in zip(snaps[-1]["network"].weights, net.weights):
        np.testing.assert_allclose(w_snap, w_net, rtol=1e-2, atol=1e-3)  # the last is the result, in half precision
