"""The networks the app can show: the video's 784-16-16-10 first, then others to compare it with.

``mlp/weights/networks.json`` lists them in order, the first being the default:
``[{"id": "video", "file": "mnist_784_16_16_10.npz", "name": "..."}, ...]``. Each
weights file is loaded and checked once (weights_io.load), with its snapshots
(``NAME.snapshots.npz``) when it has them. A bad list or file is a RegistryError
naming the file and the problem: the server refuses to start rather than serve
a broken network.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import weights_io
from .network import Network

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
MANIFEST = WEIGHTS_DIR / "networks.json"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")  # safe in a URL, a link and a file name
MAX_NETWORKS = 16


class RegistryError(ValueError):
    """A networks list or one of its files that cannot be used."""


@dataclass
class Entry:
    id: str
    name: str
    network: Network
    path: Path
    snapshots: list = field(default_factory=list)  # of dicts: step, epoch, test_accuracy, network


def load(manifest=MANIFEST, only=None) -> list[Entry]:
    """Every network of the list, default first. ``only``: a weights file to serve alone instead
    (MLP_WEIGHTS), under the id of the list's entry for that file, or its file name's stem."""
    manifest = Path(manifest)
    if only is not None:
        path = Path(only)
        known = {}
        if manifest.is_file():
            known = {Path(e["file"]).name: e for e in _read(manifest)}
        item = known.get(path.name, {"id": _id_from(path), "name": path.stem})
        return [_entry(item["id"], item["name"], path)]
    entries = [_entry(e["id"], e["name"], manifest.parent / e["file"]) for e in _read(manifest)]
    return entries


def _id_from(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")[:32] or "network"
    return slug


def _read(manifest: Path):
    def fail(problem):
        raise RegistryError(f"networks list {manifest}: {problem}")

    try:
        items = json.loads(manifest.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})")
    except (ValueError, UnicodeDecodeError) as exc:
        fail(f"not valid JSON ({exc})")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_NETWORKS:
        fail(f"must be a list of 1 to {MAX_NETWORKS} networks")
    seen = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"id", "file", "name"}:
            fail(f"entry {i} must be an object with exactly 'id', 'file' and 'name'")
        if not all(isinstance(item[k], str) for k in item):
            fail(f"entry {i}: 'id', 'file' and 'name' must be strings")
        if not ID_PATTERN.match(item["id"]):
            fail(f"entry {i}: id {item['id']!r} must be 1-32 lower-case letters, digits or '-'")
        if item["id"] in seen:
            fail(f"entry {i}: id {item['id']!r} is listed twice")
        if Path(item["file"]).name != item["file"] or not item["file"].endswith(".npz"):
            fail(f"entry {i}: file {item['file']!r} must be a .npz file name in {manifest.parent}")
        seen.add(item["id"])
    return items


def _entry(net_id, name, path: Path) -> Entry:
    try:
        network = weights_io.load(path)
        snaps = weights_io.snapshots_path(path)
        snapshots = weights_io.load_snapshots(snaps) if snaps.is_file() else []
    except weights_io.WeightsFileError as exc:
        raise RegistryError(str(exc)) from None
    if snapshots and snapshots[-1]["network"].sizes != network.sizes:
        raise RegistryError(f"snapshots file {weights_io.snapshots_path(path)}: sizes "
                            f"{snapshots[-1]['network'].sizes} are not those of {path.name} {network.sizes}")
    return Entry(net_id, name, network, path, snapshots)
