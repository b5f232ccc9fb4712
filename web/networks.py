"""The networks the app serves, by id (the first is the default), and the replies made from them once.

create_app loads and checks them at start-up (mlp.registry) and keeps one ``Networks`` on the
app, ``app.extensions["networks"]``; routes look a network up by id. What is costly to make and
never changes is cached here: /api/network's JSON with its ETag, and the link-preview pictures.
"""
from __future__ import annotations

import hashlib

from .network_json import network_payload
from .preview import PreviewCache


class Networks:
    """The loaded networks (mlp.registry.Entry), in order, the default first."""

    def __init__(self, entries):
        self._by_id = {entry.id: entry for entry in entries}
        self.default = entries[0]  # the page, links and previews without a network id
        self._json = {}  # (id, snapshot or None) -> (JSON, ETag), made when first asked for
        self.previews = PreviewCache({entry.id: entry.network for entry in entries})
        self.network_json(self.default)  # the first page asks for it

    def __iter__(self):
        return iter(self._by_id.values())

    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, net_id):
        """The entry of that id, or None."""
        return self._by_id.get(net_id)

    def entry(self, net_id=None):
        """The entry of a checked id (None: the default)."""
        return self.default if net_id is None else self._by_id[net_id]

    @staticmethod
    def network(entry, snapshot=None):
        """The network to run: the entry's, or that of its snapshot number ``snapshot`` (checked)."""
        return entry.network if snapshot is None else entry.snapshots[snapshot]["network"]

    def network_json(self, entry, snapshot=None):
        """(/api/network's JSON, its ETag) for the entry or one of its snapshots."""
        key = (entry.id, snapshot)
        if key not in self._json:
            body = network_payload(self.network(entry, snapshot))
            self._json[key] = (body, hashlib.sha256(repr(body).encode()).hexdigest()[:16])
        return self._json[key]

    def preview_png(self, pixels, entry, silenced, words=None) -> bytes:
        """The link-preview picture of ``pixels`` read by the entry's network with ``silenced`` (checked) off,
        in ``words``'s language (web.preview.words_for; default: English)."""
        return self.previews.png(pixels, entry.id, silenced, words)
