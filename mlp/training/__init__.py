"""Training and scoring: the data readers (MNIST, the pen digits), the distortions, backpropagation,
the optimizers, and the two commands ``python -m mlp.train`` and ``python -m mlp.evaluate``.

Serving uses only the part that trains a visitor's own design on MNIST (recipe.py, recipe_training.py,
and what they import: backprop, optim, mnist, blas); the rest needs one more install than the app:
requirements-train.txt (skia-python, the rasterizer of Chromium's canvas, draws pen strokes exactly as
the page does). tests/test_layers.py proves the app runs and trains without it.
"""
from __future__ import annotations

import importlib
import sys

INSTALL = ".venv/bin/pip install -r requirements-train.txt"


class TrainingInstallMissing(ModuleNotFoundError):
    """A package only training and scoring need is not installed: says which, and the install that has it."""

    def __init__(self, package):
        super().__init__(f"{package} is not installed: training and scoring need it ({INSTALL})")


def run_command(name, argv=None):
    """Run ``mlp.training.<name>``'s main (the commands ``python -m mlp.train`` / ``mlp.evaluate``);
    a missing training install is one line on stderr and exit status 2."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except TrainingInstallMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return module.main(argv)
