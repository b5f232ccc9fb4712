"""The networks the app serves, by id (the first is the default), and the replies made from them once.

create_app loads and checks the shipped networks at start-up (mlp.registry) and keeps one ``Networks``
on the app, ``app.extensions["networks"]``; routes look a network up by id. What is costly to make and
never changes is cached here: /api/network's JSON with its ETag, and the link-preview pictures.

A trained network's id is its recipe (mlp.training.recipe): it is trained the first time this process
is asked for it (web/training.py: one training at a time) and kept among the most recent ones, with
its /api/network JSON, in a cache bounded in bytes (RECIPE_CACHE_BYTES). The same recipe gives the
same weights, so whatever was evicted is made again, identical, when asked for again.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping

from mlp.registry import Entry
from mlp.training import recipe as recipes

from .network_json import network_payload
from .preview import PreviewCache
from .training import TrainingUnavailable

RECIPE_CACHE_BYTES = 64 * 1024 * 1024  # per process: ~80 networks of 784-16-16-10, ~6 of 784-128-128-128-10
RECIPE_CACHE_COUNT = 64


class _Trained:
    """A trained network's entry and the JSON made of it (each snapshot's when asked), and their bytes."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self.json = {}
        self.nbytes = sum(a.nbytes for s in entry.snapshots for a in s["network"].weights + s["network"].biases)

    def add_json(self, key, made):
        self.json[key] = made
        self.nbytes += sum(len(layer["weights"]) + 8 * len(layer["biases"]) for layer in made[0]["layers"])


class _ById(Mapping):
    """Every network by id, trained ones included (trained when first asked): what PreviewCache renders with."""

    def __init__(self, networks):
        self._networks = networks

    def __getitem__(self, net_id):
        return self._networks.entry(net_id).network

    def __iter__(self):
        return iter(self._networks.ids())

    def __len__(self):
        return len(self._networks.ids())


class Networks:
    """The loaded networks (mlp.registry.Entry), in order, the default first; and trained ones by recipe id.
    ``trainer``: a web.training.Trainer (None: this server trains nothing)."""

    def __init__(self, entries, trainer=None):
        self._by_id = {entry.id: entry for entry in entries}
        self.default = entries[0]  # the page, links and previews without a network id
        self.trainer = trainer
        self._json = {}  # (id, snapshot or None) -> (JSON, ETag) of shipped networks, made when first asked for
        self._trained = OrderedDict()  # recipe id -> _Trained, least recently used first
        self._trained_lock = threading.Lock()
        self.previews = PreviewCache(_ById(self))
        self.network_json(self.default)  # the first page asks for it

    def __iter__(self):
        """The shipped networks (what /api/networks lists)."""
        return iter(self._by_id.values())

    def ids(self) -> list[str]:
        """The shipped networks' ids (trained ones are named by their recipe)."""
        return list(self._by_id)

    def trained_ids(self) -> list[str]:
        """The trained networks this process keeps now, least recently used first."""
        with self._trained_lock:
            return list(self._trained)

    @property
    def can_train(self) -> bool:
        return self.trainer is not None and self.trainer.available

    def get(self, net_id):
        """The entry of that id, or None (an unknown id, a recipe id that is not one, or no training here).
        A recipe id is trained if it was not yet (TrainingBusy when this process is training another)."""
        if net_id in self._by_id:
            return self._by_id[net_id]
        try:
            return self._trained_entry(recipes.parse(net_id)) if recipes.is_recipe_id(net_id) else None
        except (recipes.RecipeError, TrainingUnavailable):
            return None

    def entry(self, net_id=None):
        """The entry of a checked id (None: the default). A recipe id is trained if it was not yet:
        TrainingBusy or TrainingUnavailable when it cannot be now."""
        if net_id is None:
            return self.default
        if net_id in self._by_id:
            return self._by_id[net_id]
        return self._trained_entry(recipes.parse(net_id))

    def trained(self, recipe) -> Entry:
        """The entry of a recipe's network, trained now if this process has not got it."""
        return self._trained_entry(recipe)

    def _trained_entry(self, recipe) -> Entry:
        found = self._slot(recipe.id)
        if found is not None:
            return found.entry
        if self.trainer is None:
            raise TrainingUnavailable("this server trains no networks")
        network, snapshots = self.trainer.train(recipe)
        entry = Entry(recipe.id, recipe.id, network, path=None, snapshots=snapshots)
        with self._trained_lock:
            self._trained[recipe.id] = _Trained(entry)
            self._evict()
        return entry

    def _slot(self, net_id):
        with self._trained_lock:
            found = self._trained.get(net_id)
            if found is not None:
                self._trained.move_to_end(net_id)
            return found

    def _evict(self):
        """Drop the least recently used trained networks until the rest fit (the newest always stays)."""
        while len(self._trained) > 1 and (len(self._trained) > RECIPE_CACHE_COUNT or
                                          sum(t.nbytes for t in self._trained.values()) > RECIPE_CACHE_BYTES):
            self._trained.popitem(last=False)

    @staticmethod
    def network(entry, snapshot=None):
        """The network to run: the entry's, or that of its snapshot number ``snapshot`` (checked)."""
        return entry.network if snapshot is None else entry.snapshots[snapshot]["network"]

    def network_json(self, entry, snapshot=None):
        """(/api/network's JSON, its ETag) for the entry or one of its snapshots."""
        shipped = entry.id in self._by_id
        slot = None if shipped else self._slot(entry.id)  # None too when it was evicted just now: made, not kept
        cache = self._json if shipped else (slot.json if slot is not None else {})
        key = (entry.id, snapshot)
        if key in cache:
            return cache[key]
        body = network_payload(self.network(entry, snapshot))
        made = (body, hashlib.sha256(repr(body).encode()).hexdigest()[:16])
        if shipped:
            cache[key] = made
        elif slot is not None:
            with self._trained_lock:
                slot.add_json(key, made)
                self._evict()
        return made

    def preview_png(self, pixels, entry, silenced, words=None) -> bytes:
        """The link-preview picture of ``pixels`` read by the entry's network with ``silenced`` (checked) off,
        in ``words``'s language (web.preview.words_for; default: English)."""
        return self.previews.png(pixels, entry.id, silenced, words)
