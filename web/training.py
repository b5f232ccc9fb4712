"""Training recipes from the server (POST /api/train, and any recipe id asked for): one at a time per process.

A training holds a core for up to the recipe limit's seconds (mlp.training.recipe.MAX_SECONDS). A
second one asked for meanwhile in the same process is refused at once (``TrainingBusy``: a 429 with
Retry-After), never queued: a queue of trainings is a queue of seconds that only grows. The other
threads of the process go on serving (NumPy releases the interpreter lock in its matrix products).

MNIST is read and prepared when the first training needs it, once per process
(mlp.training.recipe_training.PreparedMnist). Without it (MNIST_DATA, as the training command's
``--data``), training is unavailable (``TrainingUnavailable``: a 503) and nothing else changes.
"""
from __future__ import annotations

import math
import sys
import threading
import time

from mlp.training import blas, mnist
from mlp.training.recipe import Recipe
from mlp.training.recipe_training import PreparedMnist, train_recipe

UNAVAILABLE = "training is unavailable on this server: it has no MNIST data"
# While a training runs, the interpreter hands its lock to a waiting thread after this long instead of
# Python's 5 ms: the other requests of the process (a /healthz, a prediction) wait less for it.
SWITCH_INTERVAL_S = 0.0005
_prepared = {}  # MNIST folder -> PreparedMnist: one per process, whatever number of apps it makes
_prepared_lock = threading.Lock()


def prepared_mnist(folder=None) -> PreparedMnist:
    """This process's PreparedMnist of ``folder`` (None: $MNIST_DATA or ../shared/data/mnist)."""
    key = str(mnist.data_dir(folder).resolve())
    with _prepared_lock:
        return _prepared.setdefault(key, PreparedMnist(key))


class TrainingBusy(Exception):
    """This process is training another recipe; ``retry_after``: whole seconds until it should be done."""

    def __init__(self, retry_after: int):
        super().__init__(f"this server is training another network; try again in {retry_after} s")
        self.retry_after = retry_after


class TrainingUnavailable(Exception):
    """No MNIST to train on; ``str()`` says so (without the server's paths)."""


class Trainer:
    """Trains one recipe at a time for this process, on MNIST from ``folder`` (None: $MNIST_DATA or ../shared)."""

    def __init__(self, folder=None):
        self.data = prepared_mnist(folder)
        self._lock = threading.Lock()
        self._ends = 0.0  # when the training in progress should be done (time.monotonic)
        self._broken = None  # the data turned out unreadable: why (for the log), and training stays off
        if self.available:
            blas.use_one_thread()  # now, before the server's threads start (see mlp.training.blas)

    @property
    def available(self) -> bool:
        return self._broken is None and self.data.missing() is None

    @property
    def busy(self) -> bool:
        """Whether this process is training now (a recipe asked for meanwhile gets TrainingBusy)."""
        return self._lock.locked()

    def train(self, recipe: Recipe):
        """(Network, snapshots) of the recipe, trained now; TrainingBusy or TrainingUnavailable instead."""
        if not self.available:
            raise TrainingUnavailable(UNAVAILABLE)
        if not self._lock.acquire(blocking=False):
            raise TrainingBusy(max(1, math.ceil(self._ends - time.monotonic())))
        switch = sys.getswitchinterval()
        try:
            started = time.monotonic()
            self._ends = started + recipe.seconds()
            sys.setswitchinterval(min(switch, SWITCH_INTERVAL_S))
            network, snapshots = train_recipe(recipe, self.data)
        except mnist.MnistError as exc:
            self._broken = str(exc)
            raise TrainingUnavailable(UNAVAILABLE) from exc
        finally:
            sys.setswitchinterval(switch)
            self._lock.release()
        network.meta["train_seconds"] = round(time.monotonic() - started, 3)
        return network, snapshots
