"""A network of one's own design (issue 25): the recipe, its limits and its id (mlp.training.recipe), and the
trainer (mlp.training.recipe_training) on real MNIST: the same recipe gives byte-identical weights, in this
process and in another. Trainings here are tiny (1,000 images, one epoch)."""
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp.inference import read
from mlp.network import Network
from mlp.training import mnist
from mlp.training import recipe as R
from mlp.training.recipe_training import PreparedMnist, snapshot_steps, train_recipe

ROOT = Path(__file__).resolve().parent.parent
TINY = R.make([], "sigmoid", 1_000, 1, 3)
URL_SAFE = re.compile(r"[a-z0-9.-]+")  # unreserved characters: a URL never escapes them


# --- the id ------------------------------------------------------------------------------------

def test_the_issue_s_recipe_has_a_readable_id():
    recipe = R.from_json({"hidden": [16, 16], "activation": "sigmoid", "images": 10000, "epochs": 3, "seed": 7})
    assert recipe.id == "t1.784-16-16-10.sigmoid.10000x3.s7"
    assert recipe.sizes == (784, 16, 16, 10) and recipe.n_params == 13_002
    assert recipe.activations == ("sigmoid", "sigmoid", "sigmoid")
    assert R.parse(recipe.id) == recipe and recipe.as_dict()["hidden"] == [16, 16]


recipes = st.builds(
    R.Recipe,
    hidden=st.lists(st.integers(*R.LAYER_SIZE), max_size=R.MAX_HIDDEN_LAYERS).map(tuple),
    activation=st.sampled_from(["sigmoid", "relu"]), images=st.integers(*R.IMAGES), epochs=st.integers(*R.EPOCHS),
    seed=st.integers(*R.SEED))


@settings(max_examples=300, deadline=None)
@given(recipes)
def test_every_recipe_within_the_limits_round_trips_through_its_id(recipe):
    try:
        made = R.make(list(recipe.hidden), recipe.activation, recipe.images, recipe.epochs, recipe.seed)
    except R.RecipeError as exc:
        assert "too much work" in str(exc) and recipe.seconds() > R.MAX_SECONDS
        return
    assert R.parse(made.id) == made
    assert URL_SAFE.fullmatch(made.id) and len(made.id) <= R.MAX_ID_LENGTH
    assert R.is_recipe_id(made.id) and "." not in made.id.split(".")[0]


def test_the_longest_id_fits():
    longest = R.Recipe((128, 128, 128), "sigmoid", 60_000, 20, 999_999)
    assert len(longest.id) <= R.MAX_ID_LENGTH


def test_without_hidden_layers_the_activation_is_the_outputs():
    # One recipe, one id: a network without hidden layers has no ReLU to choose.
    assert R.make([], "relu", 1000, 1, 1) == R.make([], "sigmoid", 1000, 1, 1)
    assert R.make([], "relu", 1000, 1, 1).id == "t1.784-10.sigmoid.1000x1.s1"


@pytest.mark.parametrize("text, says", [
    ("t1.784-016-10.sigmoid.1000x1.s1", "not a trained network's id"),        # a leading zero
    ("t1.784-16-10.sigmoid.1000x1.s01", "not a trained network's id"),
    ("t1.784-10.relu.1000x1.s1", "one spelling: t1.784-10.sigmoid.1000x1.s1"),
    ("T1.784-16-10.sigmoid.1000x1.s1", "not a trained network's id"),
    ("t1.785-16-10.sigmoid.1000x1.s1", "not a trained network's id"),
    ("t1.784-16-11.sigmoid.1000x1.s1", "not a trained network's id"),
    ("t2.784-16-10.sigmoid.1000x1.s1", "not a trained network's id"),
    ("t1.784-16-10.sigmoid.1000x1.s1.", "not a trained network's id"),
    ("t1.784-16-10.sigmoid.1000x1.s1\n", "not a trained network's id"),
    ("t1.784-16-10.tanh.1000x1.s1", "'activation' must be one of sigmoid, relu"),
    ("t1.784-129-10.sigmoid.1000x1.s1", "'hidden[0]' must be from 1 to 128"),
    ("t1.784-1-1-1-1-10.sigmoid.1000x1.s1", "0 to 3 layer sizes"),
    ("t1.784-16-10.sigmoid.999x1.s1", "'images' must be from 1,000 to 60,000"),
    ("t1.784-16-10.sigmoid.1000x21.s1", "'epochs' must be from 1 to 20"),
    ("t1.784-16-10.sigmoid.1000x1.s1000000", "'seed' must be from 0 to 999,999"),
    ("t1.784-128-128-128-10.relu.60000x20.s1", "too much work"),
    ("t1." + "9" * 70, "at most 64 characters"),
])
def test_a_bad_id_says_what_is_wrong(text, says):
    with pytest.raises(R.RecipeError, match=re.escape(says)):
        R.parse(text)


def test_shipped_ids_are_not_recipe_ids():
    from mlp import registry
    assert not any(R.is_recipe_id(entry.id) for entry in registry.load())
    assert not registry.ID_PATTERN.match(TINY.id)  # a '.' never appears in a shipped id


# --- the limits ----------------------------------------------------------------------------------

GOOD = {"hidden": [16, 16], "activation": "sigmoid", "images": 10000, "epochs": 3, "seed": 7}


@pytest.mark.parametrize("field, value", [
    ("hidden", []), ("hidden", [1]), ("hidden", [128]), ("hidden", [1, 1, 1]), ("activation", "relu"),
    ("images", 1000), ("images", 60000), ("epochs", 1), ("epochs", 5), ("seed", 0), ("seed", 999_999),
])
def test_recipes_at_the_limits_are_accepted(field, value):
    recipe = R.from_json({**GOOD, field: value})
    assert recipe.seconds() <= R.MAX_SECONDS and R.parse(recipe.id) == recipe


@pytest.mark.parametrize("field, value, says", [
    ("hidden", [16, 16, 16, 16], "'hidden' must be a list of 0 to 3 layer sizes"),
    ("hidden", "16,16", "'hidden' must be a list of 0 to 3 layer sizes, got '16,16'"),
    ("hidden", [0], "'hidden[0]' must be from 1 to 128, got 0"),
    ("hidden", [16, 129], "'hidden[1]' must be from 1 to 128, got 129"),
    ("hidden", [16.0], "'hidden[0]' must be a whole number from 1 to 128, got 16.0"),
    ("hidden", [True], "'hidden[0]' must be a whole number"),
    ("activation", "tanh", "'activation' must be one of sigmoid, relu, got 'tanh'"),
    ("activation", None, "'activation' must be one of sigmoid, relu, got None"),
    ("images", 999, "'images' must be from 1,000 to 60,000, got 999"),
    ("images", 60001, "'images' must be from 1,000 to 60,000, got 60,001"),
    ("images", "10000", "'images' must be a whole number from 1,000 to 60,000"),
    ("epochs", 0, "'epochs' must be from 1 to 20, got 0"),
    ("epochs", 21, "'epochs' must be from 1 to 20, got 21"),
    ("seed", -1, "'seed' must be from 0 to 999,999, got -1"),
    ("seed", 10 ** 30, "'seed' must be from 0 to 999,999"),
])
def test_a_recipe_outside_the_limits_names_the_limit(field, value, says):
    with pytest.raises(R.RecipeError, match=re.escape(says)):
        R.from_json({**GOOD, field: value})


def test_too_much_work_is_refused_with_the_estimate():
    with pytest.raises(R.RecipeError, match=r"too much work: 60,000 images x 20 epochs on 784-128-128-128-10 is about "
                                            r"[0-9.]+ s of training, over the limit of 2 s"):
        R.from_json({**GOOD, "hidden": [128, 128, 128], "images": 60000, "epochs": 20})
    # The estimate grows with each of images, epochs and size.
    base = R.make([16], "sigmoid", 10000, 2, 1)
    assert base.seconds() < R.make([16], "sigmoid", 20000, 2, 1).seconds()
    assert base.seconds() < R.make([16], "sigmoid", 10000, 4, 1).seconds()
    assert base.seconds() < R.make([64], "sigmoid", 10000, 2, 1).seconds()


@pytest.mark.parametrize("body, says", [
    ([16, 16], "expected a JSON object"),
    ({k: v for k, v in GOOD.items() if k != "seed"}, "missing 'seed'"),
    ({**GOOD, "lr": 0.1}, "unknown 'lr'"),
])
def test_a_recipe_is_exactly_its_five_fields(body, says):
    with pytest.raises(R.RecipeError, match=re.escape(says)):
        R.from_json(body)


def test_presets_and_limits_are_within_the_limits():
    keys = [key for key, _ in R.PRESETS]
    assert keys[:2] == ["video", "video-relu"] and len(set(keys)) == len(keys)
    video, relu = R.PRESETS[0][1], R.PRESETS[1][1]
    assert video.hidden == relu.hidden == (16, 16) and video.seed == relu.seed and relu.activation == "relu"
    assert {(0,), (1,), (2, 2)} <= {r.hidden or (0,) for _, r in R.PRESETS}
    assert all(R.parse(r.id) == r for _, r in R.PRESETS)
    assert R.limits()["images"] == [1000, 60000] and R.limits()["activations"] == ["sigmoid", "relu"]


def test_snapshot_steps_are_log_spaced_from_start_to_end():
    assert snapshot_steps(1000, 10)[:2] == [0, 1] and snapshot_steps(1000, 10)[-1] == 1000
    assert len(snapshot_steps(1000, 10)) == 10
    steps = snapshot_steps(5, 10)
    assert steps == sorted(set(steps)) and steps[-1] == 5


# --- training on real MNIST (tiny recipes) ------------------------------------------------------

@pytest.fixture(scope="module")
def prepared_mnist():
    data = PreparedMnist()
    if data.missing():
        pytest.fail(f"{data.missing()}: training needs MNIST ({mnist.ENV_VAR})")
    return data


def weights_digest(network: Network) -> str:
    digest = hashlib.sha256()
    for array in network.weights + network.biases:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def test_training_images_are_what_the_server_makes_of_a_drawing(prepared_mnist):
    images, labels = prepared_mnist.train(1_000)
    assert images.dtype == np.uint8 and images.shape == (1000, 784) and labels.shape == (1000,)
    folder = mnist.data_dir()
    raw = mnist.read_idx(folder / mnist.FILES["train_images"], mnist.IMAGES_MAGIC, (28, 28))[:1000].reshape(-1, 784)
    raw_labels = mnist.read_idx(folder / mnist.FILES["train_labels"], mnist.LABELS_MAGIC)[:1000]
    net = Network.random()
    for i in (0, 1, 500, 999):  # the server's own pre-processing of a drawing, from the same 8-bit grid
        assert np.array_equal(images[i], read(net, raw[i].astype(np.float32) / np.float32(255)).grey)
    assert np.array_equal(labels, raw_labels)
    test_images, test_labels = prepared_mnist.test()
    assert test_images.shape == (10_000, 784) and test_images.dtype == np.uint8


def test_a_tiny_recipe_learns_and_keeps_snapshots(prepared_mnist):
    network, snapshots = train_recipe(TINY, prepared_mnist)
    assert network.sizes == TINY.sizes and network.activations == TINY.activations
    assert snapshots[-1]["network"] is network and snapshots[0]["step"] == 0
    assert 2 <= len(snapshots) <= R.SNAPSHOTS
    assert [s["step"] for s in snapshots] == sorted({s["step"] for s in snapshots})
    # From chance to well above it, on the 10,000 test digits.
    assert snapshots[0]["test_accuracy"] < 0.2 and snapshots[-1]["test_accuracy"] > 0.6
    assert network.meta["test_accuracy"] == snapshots[-1]["test_accuracy"] and network.meta["id"] == TINY.id


def test_relu_recipe_trains_relu_layers(prepared_mnist):
    recipe = R.make([8], "relu", 1_000, 1, 5)
    network, _ = train_recipe(recipe, prepared_mnist)
    assert network.activations == ("relu", "sigmoid")
    hidden = network.forward(prepared_mnist.test()[0][:200].astype(np.float32) / 255)[1]
    assert hidden.max() > 1  # ReLU: not squashed into 0..1


def test_the_same_recipe_gives_the_same_weights_here_and_in_another_process(prepared_mnist):
    recipe = R.make([4], "sigmoid", 1_000, 1, 11)
    first, snaps_a = train_recipe(recipe, prepared_mnist)
    again, snaps_b = train_recipe(recipe, prepared_mnist)
    assert weights_digest(first) == weights_digest(again)
    assert [s["test_accuracy"] for s in snaps_a] == [s["test_accuracy"] for s in snaps_b]
    other, _ = train_recipe(R.make([4], "sigmoid", 1_000, 1, 12), prepared_mnist)
    assert weights_digest(other) != weights_digest(first)  # the seed matters: the check can fail
    code = ("import hashlib, numpy as np\n"
            "from mlp.training import recipe, recipe_training as t\n"
            f"net, _ = t.train_recipe(recipe.parse({recipe.id!r}), t.PreparedMnist())\n"
            "d = hashlib.sha256()\n"
            "[d.update(np.ascontiguousarray(a).tobytes()) for a in net.weights + net.biases]\n"
            "print(d.hexdigest())\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == weights_digest(first)


def test_missing_data_is_said_in_words(tmp_path):
    assert "MNIST file not found" in PreparedMnist(tmp_path).missing()
