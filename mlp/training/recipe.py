"""A network of the learner's own design, as its recipe: what to train, and its id.

A recipe is the hidden layers' sizes (none to three, each 1 to 128 neurons), their activation
(sigmoid, as in the video, or ReLU; the outputs are always sigmoid), how many MNIST training
images (the first N) and passes over them (epochs), and a seed. Training is deterministic
(mlp.training.recipe_training), so a recipe *is* its network: its id, a short canonical string,
is all a link needs, and any server with MNIST makes the same weights from it.

The id, e.g. ``t1.784-16-16-10.sigmoid.10000x3.s7``: the trainer's version (``t1``: a change to
the training that changes the weights takes a new one), the layer sizes as the app writes them
(input and output included), the hidden layers' activation, images x epochs, the seed. Only
lower-case letters, digits, '.' and '-' (characters a URL never escapes), at most MAX_ID_LENGTH
of them, and one spelling per recipe: no leading zeros, and a network without hidden layers says
``sigmoid`` (its only activation is its outputs'). A '.' never appears in a shipped network's id
(mlp.registry), so the two never meet.

The limits keep a training to about MAX_SECONDS of one core (``seconds``, an estimate from the
work: images x epochs x the network's size, measured by benchmarks/train_presets.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..digit import N_CLASSES, N_PIXELS
from ..network import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATION

VERSION = "t1"
MAX_HIDDEN_LAYERS = 3
LAYER_SIZE = (1, 128)
IMAGES = (1_000, 60_000)  # MNIST has 60,000 training images
EPOCHS = (1, 20)
SEED = (0, 999_999)
MAX_SECONDS = 2.0  # of one core, per training (the estimate below)
FIELDS = ("hidden", "activation", "images", "epochs", "seed")

# The cost model of ``seconds``: per image shown, a fixed cost (Python and NumPy calls per mini-batch) plus
# one per weight; and per snapshot, one forward pass of the test digits. Fitted (least squares, CPU seconds)
# to train_recipe on one core of the shared 2-core machine, 18 recipes from 784-1-10 to 784-128-128-128-10
# (2.5e-6, 7.6e-11, 1.8e-11), then raised by a fifth: on that machine, busy, the same training took up to
# 1.7x the CPU time of a quiet moment (benchmarks/train_presets.py prints the estimate beside the time).
SECONDS_PER_IMAGE = 3e-6
SECONDS_PER_IMAGE_WEIGHT = 9e-11
SECONDS_PER_TEST_WEIGHT = 2e-11
TEST_IMAGES = 10_000
SNAPSHOTS = 10  # log-spaced steps from the random start to the end: what the page plays back

ID_PATTERN = re.compile(rf"{VERSION}\.784((?:-[1-9][0-9]*)*)-10\.([a-z]+)\.([1-9][0-9]*)x([1-9][0-9]*)\.s(0|[1-9][0-9]*)")
MAX_ID_LENGTH = 64


class RecipeError(ValueError):
    """A recipe (or recipe id) that cannot be trained; ``str()`` names the limit it breaks."""


@dataclass(frozen=True)
class Recipe:
    hidden: tuple  # sizes of the hidden layers, input side first
    activation: str  # of every hidden layer
    images: int
    epochs: int
    seed: int

    @property
    def sizes(self) -> tuple:
        return (N_PIXELS, *self.hidden, N_CLASSES)

    @property
    def activations(self) -> tuple:
        """One name per layer, as mlp.network.Network takes them: the hidden layers', then the output's."""
        return (self.activation,) * len(self.hidden) + (OUTPUT_ACTIVATION,)

    @property
    def n_params(self) -> int:
        return sum(n_in * n_out + n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))

    @property
    def id(self) -> str:
        return (f"{VERSION}.{'-'.join(map(str, self.sizes))}.{self.activation}."
                f"{self.images}x{self.epochs}.s{self.seed}")

    def seconds(self) -> float:
        """Estimated seconds of one core to train it (and score its snapshots on the test digits)."""
        weights = self.n_params
        return (self.images * self.epochs * (SECONDS_PER_IMAGE + weights * SECONDS_PER_IMAGE_WEIGHT)
                + SNAPSHOTS * TEST_IMAGES * weights * SECONDS_PER_TEST_WEIGHT)

    def as_dict(self) -> dict:
        return {"hidden": list(self.hidden), "activation": self.activation, "images": self.images,
                "epochs": self.epochs, "seed": self.seed}


def _whole(name, value, low, high):
    if type(value) is not int:  # bool is not int here; 3.0 is not a whole number of anything
        raise RecipeError(f"'{name}' must be a whole number from {low:,} to {high:,}, got {_shown(value)}")
    if not low <= value <= high:
        raise RecipeError(f"'{name}' must be from {low:,} to {high:,}, got {value:,}")
    return value


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, (list, dict)) else type(value).__name__
    return text[:40]


def make(hidden, activation, images, epochs, seed) -> Recipe:
    """The recipe of these values, each checked (a RecipeError names the limit), in its one form."""
    if not isinstance(hidden, (list, tuple)) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise RecipeError(f"'hidden' must be a list of 0 to {MAX_HIDDEN_LAYERS} layer sizes, got {_shown(hidden)}")
    hidden = tuple(_whole(f"hidden[{i}]", n, *LAYER_SIZE) for i, n in enumerate(hidden))
    if activation not in HIDDEN_ACTIVATIONS:
        raise RecipeError(f"'activation' must be one of {', '.join(HIDDEN_ACTIVATIONS)}, got {_shown(activation)}")
    recipe = Recipe(hidden, activation if hidden else OUTPUT_ACTIVATION, _whole("images", images, *IMAGES),
                    _whole("epochs", epochs, *EPOCHS), _whole("seed", seed, *SEED))
    if recipe.seconds() > MAX_SECONDS:
        raise RecipeError(f"too much work: {recipe.images:,} images x {recipe.epochs} epochs on "
                          f"{'-'.join(map(str, recipe.sizes))} is about {recipe.seconds():.1f} s of training, "
                          f"over the limit of {MAX_SECONDS:g} s (fewer images, epochs or neurons)")
    return recipe


def from_json(value) -> Recipe:
    """A recipe from a JSON object with exactly the keys of FIELDS."""
    if not isinstance(value, dict):
        raise RecipeError(f"expected a JSON object like {{\"hidden\": [16, 16], \"activation\": \"sigmoid\", "
                          f"\"images\": 10000, \"epochs\": 3, \"seed\": 7}}, got {type(value).__name__}")
    missing = [k for k in FIELDS if k not in value]
    unknown = sorted(k for k in value if k not in FIELDS)
    if missing or unknown:
        raise RecipeError("a recipe has exactly 'hidden', 'activation', 'images', 'epochs' and 'seed'"
                          + (f"; missing {', '.join(repr(k) for k in missing)}" if missing else "")
                          + (f"; unknown {', '.join(repr(k)[:40] for k in unknown[:3])}" if unknown else ""))
    return make(**{k: value[k] for k in FIELDS})


def is_recipe_id(text) -> bool:
    """Whether ``text`` claims to be a recipe id (then ``parse`` says if it is one)."""
    return isinstance(text, str) and text.startswith(VERSION + ".")


def parse(text) -> Recipe:
    """The recipe of an id, refused (RecipeError) unless it is that recipe's one spelling and within the limits."""
    if not isinstance(text, str) or len(text) > MAX_ID_LENGTH:
        raise RecipeError(f"a trained network's id is at most {MAX_ID_LENGTH} characters")
    found = ID_PATTERN.fullmatch(text)
    if not found:
        raise RecipeError(f"not a trained network's id (they read like {PRESETS[0][1].id})")
    sizes, activation, images, epochs, seed = found.groups()
    recipe = make([int(n) for n in sizes.split("-")[1:]], activation, int(images), int(epochs), int(seed))
    if recipe.id != text:
        raise RecipeError(f"a trained network's id has one spelling: {recipe.id}")
    return recipe


# What the page offers to try first: (key, recipe). The keys name them for the page's words.
PRESETS = (
    ("video", make([16, 16], "sigmoid", 10_000, 3, 7)),        # the video's 784-16-16-10
    ("video-relu", make([16, 16], "relu", 10_000, 3, 7)),      # the same, with ReLU: same seed, same images
    ("no-hidden", make([], "sigmoid", 10_000, 3, 7)),          # one layer of weights: what can it do alone?
    ("one-neuron", make([1], "sigmoid", 10_000, 3, 7)),        # everything through one number
    ("two-two", make([2, 2], "sigmoid", 10_000, 3, 7)),
)


def limits() -> dict:
    """The limits, as the API tells the page (to build its form) and as ``make`` checks them."""
    return {"hidden_layers": [0, MAX_HIDDEN_LAYERS], "layer_size": list(LAYER_SIZE),
            "activations": list(HIDDEN_ACTIVATIONS), "images": list(IMAGES), "epochs": list(EPOCHS),
            "seed": list(SEED), "max_seconds": MAX_SECONDS}
