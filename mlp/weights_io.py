"""Save and load a trained network as a NumPy ``.npz`` file.

The file holds ``W1..WL`` (each (n_out, n_in)), ``b1..bL``, ``sizes``,
``activation`` and a JSON ``meta`` string (how it was trained, its test
accuracy). ``activation`` is ``"sigmoid"`` (every layer: the video's, and every
file written before ReLU) or one name per layer (``["relu", "relu", "sigmoid"]``).
Loading trusts nothing: every failure is a ``WeightsFileError``
whose message names the file and what is wrong with it. Each array's shape
and type are read from its header and checked before the array itself is
unpacked, so a small crafted file cannot make start-up unpack gigabytes.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .network import DTYPE, OUTPUT_ACTIVATION, Network, check_activations

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "mnist_784_16_16_10.npz"
ACTIVATION = OUTPUT_ACTIVATION  # the one name that stands for every layer (the shipped files say it)
MAX_LAYERS = 16
MAX_PARAMS = 50_000_000  # refuses absurd files before they eat memory
MAX_MEMBERS = 64  # arrays in one archive: a network's 2 per layer and a few more
MAX_META_CHARS = 65_536  # the 'meta' JSON string


class WeightsFileError(ValueError):
    """A weights file that cannot be used; ``str()`` is the one-line reason."""


def save(network: Network, path, meta=None):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for i, (w, b) in enumerate(zip(network.weights, network.biases), start=1):
        arrays[f"W{i}"] = w.astype(DTYPE)
        arrays[f"b{i}"] = b.astype(DTYPE)
    arrays["sizes"] = np.array(network.sizes, dtype=np.int64)
    arrays["activation"] = activation_array(network.activations)
    arrays["meta"] = np.array(json.dumps({**network.meta, **(meta or {})}, sort_keys=True))
    # Write beside the target and rename, so a crash never leaves half a file.
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    tmp.replace(path)
    return path


def activation_array(activations):
    """What a file says of its activations: one name when every layer is sigmoid (as the shipped
    files, which older code reads too), else one name per layer."""
    return np.array(ACTIVATION) if set(activations) == {ACTIVATION} else np.array(list(activations))


class _Archive:
    """The members of an .npz archive, each read only after its header (shape, dtype) has been checked,
    so a small file cannot make us unpack gigabytes: ``header`` costs a few hundred bytes, ``read``
    the array's own size, which the caller has bounded by then."""

    def __init__(self, path, fail):
        self.path, self.fail = path, fail
        _check_is_a_file(path, fail)
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError as exc:
            fail(f"cannot be read ({exc.strerror or exc})")
        if head[:2] != b"PK":  # else np.load would try to unpickle it and blame "pickled data"
            fail("not an .npz archive (an .npz file is a zip archive; this one is not)" if head else "empty file")
        try:
            self.zip = zipfile.ZipFile(path)
            members = self.zip.infolist()
        except (zipfile.BadZipFile, EOFError) as exc:
            fail(f"not a complete .npz archive (truncated or corrupt: {exc})")
        except (OSError, zipfile.LargeZipFile) as exc:
            fail(f"cannot be read ({exc})")
        if len(members) > MAX_MEMBERS:
            fail(f"holds {len(members)} arrays; a weights file has at most {MAX_MEMBERS}")
        self.members = {m.filename.removesuffix(".npy"): m for m in members if m.filename.endswith(".npy")}
        self._headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def names(self):
        return sorted(self.members)

    def __contains__(self, name):
        return name in self.members

    def _member(self, name, what):
        """Run what(stream) on a member, turning every kind of damage into one clear reason."""
        try:
            with self.zip.open(self.members[name]) as stream:
                return what(stream)
        except (zipfile.BadZipFile, EOFError) as exc:
            self.fail(f"not a complete .npz archive (truncated or corrupt: {exc})")
        except ValueError as exc:
            self.fail(f"not an .npz archive of plain arrays ({exc})")
        except (OSError, zipfile.LargeZipFile) as exc:
            self.fail(f"cannot be read ({exc})")
        except Exception as exc:  # zlib errors and friends from a damaged member
            self.fail(f"corrupt data inside the archive ({type(exc).__name__}: {exc})")

    def header(self, name):
        """(shape, dtype) of a member, from its .npy header alone."""
        if name not in self._headers:
            def read_header(stream):
                version = np.lib.format.read_magic(stream)
                read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = read(stream)
                return shape, dtype
            shape, dtype = self._member(name, read_header)
            if dtype.hasobject:
                self.fail(f"not an .npz archive of plain arrays ('{name}' holds Python objects, which are not loaded)")
            self._headers[name] = (shape, dtype)
        return self._headers[name]

    def read(self, name, max_elements):
        """The array, once its header shows at most ``max_elements`` values (else the reason, unread)."""
        shape, dtype = self.header(name)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count > max_elements:
            self.fail(f"'{name}' has shape {shape}: far too large for a weights file")
        return self._member(name, lambda stream: np.lib.format.read_array(stream, allow_pickle=False))


def _check_is_a_file(path, fail):
    """A missing path, a folder or a device is named as such (not "no such file" for all three)."""
    if path.is_dir():
        found = sorted(p.name for p in path.glob("*.npz") if not p.name.endswith(".snapshots.npz"))
        hint = f"; it holds {', '.join(found[:5])}{' ...' if len(found) > 5 else ''}" if found else ""
        fail(f"is a folder, not a weights file: give the path of an .npz file{hint}")
    if not path.exists():
        fail("no such file")
    if not path.is_file():
        fail("not a regular file (a weights file is an .npz archive)")


def _sizes_and_meta(archive, fail):
    for key in ("sizes", "activation", "meta"):
        if key not in archive:
            fail(f"missing '{key}' (found: {', '.join(archive.names()) or 'nothing'})")
    shape, dtype = archive.header("sizes")
    if len(shape) != 1 or not np.issubdtype(dtype, np.integer) or not 2 <= shape[0] <= MAX_LAYERS + 1:
        fail(f"'sizes' must be a short list of whole numbers, got {dtype} {shape}")
    sizes = [int(n) for n in archive.read("sizes", MAX_LAYERS + 1)]
    if min(sizes) < 1 or sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) > MAX_PARAMS:
        fail(f"implausible layer sizes {sizes}")
    activations = _activations(archive, len(sizes) - 1, fail)
    try:
        meta = json.loads(_text(archive, "meta", MAX_META_CHARS, fail))
        if not isinstance(meta, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        fail(f"'meta' is not a JSON object ({exc})")
    return sizes, meta, activations


def _activations(archive, n_layers, fail):
    """The file's ``activation``, one name per layer, checked (hidden: sigmoid or relu; output: sigmoid)."""
    shape, dtype = archive.header("activation")
    if shape == ():
        name = _text(archive, "activation", 64, fail)
        if name != ACTIVATION:
            fail(f"activation '{name}' is not supported (one name stands for every layer: only '{ACTIVATION}')")
        return (ACTIVATION,) * n_layers
    if len(shape) != 1 or dtype.kind != "U" or dtype.itemsize > 4 * 64 or shape[0] > MAX_LAYERS:
        fail(f"'activation' must be a name or a list of names, got {dtype} {shape}")
    try:
        return check_activations([str(name) for name in archive.read("activation", MAX_LAYERS)], n_layers)
    except ValueError as exc:
        fail(f"'activation': {exc}")


def _text(archive, name, max_chars, fail) -> str:
    """A member holding one string, of at most ``max_chars`` characters."""
    shape, dtype = archive.header(name)
    if dtype.kind not in "US" or shape != () or dtype.itemsize > 4 * max_chars:
        fail(f"'{name}' must be one string of at most {max_chars:,} characters, got {dtype} {shape}")
    return str(archive.read(name, 1))


def _layers(archive, sizes, fail, lead=()):
    """Each layer's checked (W, b), with ``lead`` extra leading dimensions (snapshots).
    Shapes and dtypes are checked from the headers before any array is read."""
    expected = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        expected += [(f"W{i}", (*lead, n_out, n_in)), (f"b{i}", (*lead, n_out))]
    for name, shape in expected:
        if name not in archive:
            fail(f"missing '{name}' for layer sizes {sizes}")
        found, dtype = archive.header(name)
        if found != shape:
            fail(f"'{name}' has shape {found}, expected {shape} for layer sizes {sizes}")
        if not np.issubdtype(dtype, np.floating):
            fail(f"'{name}' has dtype {dtype}, expected float32")
    weights, biases = [], []
    for name, shape in expected:
        arr = archive.read(name, int(np.prod(shape)))
        if not np.all(np.isfinite(arr)):
            fail(f"'{name}' contains NaN or infinite values")
        (weights if name[0] == "W" else biases).append(arr.astype(DTYPE))
    return weights, biases


def load(path=DEFAULT_WEIGHTS) -> Network:
    path = Path(path)

    def fail(problem):
        raise WeightsFileError(f"weights file {path}: {problem}")

    with _Archive(path, fail) as archive:
        sizes, meta, activations = _sizes_and_meta(archive, fail)
        weights, biases = _layers(archive, sizes, fail)
    return Network(weights, biases, meta=meta, activations=activations)


# --- snapshots: the same network at steps of its training, to watch it learn ---------------

SNAPSHOT_DTYPE = np.float16  # half the bytes; to the eye (and the answers) the same weights
MAX_SNAPSHOTS = 64


def snapshots_path(weights_path) -> Path:
    """Where the snapshots of a weights file live: beside it, ``NAME.snapshots.npz``."""
    weights_path = Path(weights_path)
    return weights_path.with_name(weights_path.name.removesuffix(".npz") + ".snapshots.npz")


def save_snapshots(path, snapshots, meta=None):
    """``snapshots``: a list of dicts with ``step``, ``epoch``, ``test_accuracy`` and ``network``
    (all of the same sizes), in training order."""
    path = Path(path)
    sizes = snapshots[0]["network"].sizes
    arrays = {
        "steps": np.array([s["step"] for s in snapshots], dtype=np.int64),
        "epochs": np.array([s["epoch"] for s in snapshots], dtype=np.float64),
        "test_accuracy": np.array([s["test_accuracy"] for s in snapshots], dtype=np.float64),
        "sizes": np.array(sizes, dtype=np.int64),
        "activation": activation_array(snapshots[0]["network"].activations),
        "meta": np.array(json.dumps(meta or {}, sort_keys=True)),
    }
    for i in range(len(sizes) - 1):
        arrays[f"W{i + 1}"] = np.stack([s["network"].weights[i] for s in snapshots]).astype(SNAPSHOT_DTYPE)
        arrays[f"b{i + 1}"] = np.stack([s["network"].biases[i] for s in snapshots]).astype(SNAPSHOT_DTYPE)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    tmp.replace(path)
    return path


def load_snapshots(path):
    """The snapshots of a training run: a list of dicts (step, epoch, test_accuracy, network), checked."""
    path = Path(path)

    def fail(problem):
        raise WeightsFileError(f"snapshots file {path}: {problem}")

    with _Archive(path, fail) as archive:
        sizes, meta, activations = _sizes_and_meta(archive, fail)
        for key in ("steps", "epochs", "test_accuracy"):
            if key not in archive:
                fail(f"missing '{key}'")
        lists = {key: archive.header(key)[0] for key in ("steps", "epochs", "test_accuracy")}
        n = lists["steps"][0] if len(lists["steps"]) == 1 else -1
        if not 1 <= n <= MAX_SNAPSHOTS or lists["epochs"] != (n,) or lists["test_accuracy"] != (n,):
            fail(f"'steps', 'epochs' and 'test_accuracy' must be lists of the same length (1 to {MAX_SNAPSHOTS})")
        steps, epochs, accuracy = (archive.read(key, n) for key in ("steps", "epochs", "test_accuracy"))
        if not np.issubdtype(steps.dtype, np.integer) or np.any(np.diff(steps) <= 0) or steps[0] < 0:
            fail("'steps' must be whole numbers, rising")
        if not (np.all(np.isfinite(accuracy)) and np.all((accuracy >= 0) & (accuracy <= 1))
                and np.all(np.isfinite(epochs))):
            fail("'test_accuracy' must be numbers from 0 to 1, 'epochs' finite numbers")
        weights, biases = _layers(archive, sizes, fail, lead=(n,))
    return [{"step": int(steps[k]), "epoch": float(epochs[k]), "test_accuracy": float(accuracy[k]),
             "network": Network([w[k] for w in weights], [b[k] for b in biases], meta=meta, activations=activations)}
            for k in range(n)]
