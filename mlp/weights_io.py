"""Save and load a trained network as a NumPy ``.npz`` file.

The file holds ``W1..WL`` (each (n_out, n_in)), ``b1..bL``, ``sizes``,
``activation`` and a JSON ``meta`` string (how it was trained, its test
accuracy). ``activation`` is ``"sigmoid"`` (every layer: the video's, and every
file written before ReLU) or one name per layer (``["relu", "relu", "sigmoid"]``). Loading trusts nothing: every failure is a ``WeightsFileError``
whose message names the file and what is wrong with it.
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


def _activations(array, n_layers, fail):
    """The file's ``activation``, one name per layer, checked (hidden: sigmoid or relu; output: sigmoid)."""
    if array.ndim == 0:
        if str(array) != ACTIVATION:
            fail(f"activation '{array}' is not supported (one name stands for every layer: only '{ACTIVATION}')")
        return (ACTIVATION,) * n_layers
    if array.ndim != 1 or array.dtype.kind != "U":
        fail(f"'activation' must be a name or a list of names, got {array.dtype} {array.shape}")
    try:
        return check_activations([str(name) for name in array], n_layers)
    except ValueError as exc:
        fail(f"'activation': {exc}")


def _read_arrays(path, fail):
    """Every array of an .npz file, or ``fail(reason)``: the archive is checked before it is trusted."""
    if not path.is_file():
        fail("no such file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        fail(f"cannot be read ({exc})")
    if head[:2] != b"PK":  # else np.load would try to unpickle it and blame "pickled data"
        fail("not an .npz archive (an .npz file is a zip archive; this one is not)" if head else "empty file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            files = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, EOFError) as exc:
        fail(f"not a complete .npz archive (truncated or corrupt: {exc})")
    except ValueError as exc:
        fail(f"not an .npz archive of plain arrays ({exc})")
    except (OSError, KeyError, zipfile.LargeZipFile) as exc:
        fail(f"cannot be read ({exc})")
    except Exception as exc:  # zlib errors and friends from a damaged member
        fail(f"corrupt data inside the archive ({type(exc).__name__}: {exc})")
    return files


def _sizes_and_meta(files, fail):
    for key in ("sizes", "activation", "meta"):
        if key not in files:
            fail(f"missing '{key}' (found: {', '.join(sorted(files)) or 'nothing'})")
    sizes = files["sizes"]
    if sizes.ndim != 1 or not np.issubdtype(sizes.dtype, np.integer) or not 2 <= sizes.size <= MAX_LAYERS + 1:
        fail(f"'sizes' must be a short list of whole numbers, got {sizes.dtype} {sizes.shape}")
    sizes = [int(n) for n in sizes]
    if min(sizes) < 1 or sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) > MAX_PARAMS:
        fail(f"implausible layer sizes {sizes}")
    activations = _activations(files["activation"], len(sizes) - 1, fail)
    try:
        meta = json.loads(str(files["meta"]))
        if not isinstance(meta, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        fail(f"'meta' is not a JSON object ({exc})")
    return sizes, meta, activations


def _layers(files, sizes, fail, lead=()):
    """Each layer's checked (W, b), with ``lead`` extra leading dimensions (snapshots)."""
    weights, biases = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        for name, shape in ((f"W{i}", (*lead, n_out, n_in)), (f"b{i}", (*lead, n_out))):
            arr = files.get(name)
            if arr is None:
                fail(f"missing '{name}' for layer sizes {sizes}")
            if arr.shape != shape:
                fail(f"'{name}' has shape {arr.shape}, expected {shape} for layer sizes {sizes}")
            if not np.issubdtype(arr.dtype, np.floating):
                fail(f"'{name}' has dtype {arr.dtype}, expected float32")
            if not np.all(np.isfinite(arr)):
                fail(f"'{name}' contains NaN or infinite values")
            (weights if name[0] == "W" else biases).append(arr.astype(DTYPE))
    return weights, biases


def load(path=DEFAULT_WEIGHTS) -> Network:
    path = Path(path)

    def fail(problem):
        raise WeightsFileError(f"weights file {path}: {problem}")

    files = _read_arrays(path, fail)
    sizes, meta, activations = _sizes_and_meta(files, fail)
    weights, biases = _layers(files, sizes, fail)
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

    files = _read_arrays(path, fail)
    sizes, meta, activations = _sizes_and_meta(files, fail)
    for key in ("steps", "epochs", "test_accuracy"):
        if key not in files:
            fail(f"missing '{key}'")
    steps, epochs, accuracy = files["steps"], files["epochs"], files["test_accuracy"]
    n = steps.shape[0] if steps.ndim == 1 else -1
    if not 1 <= n <= MAX_SNAPSHOTS or epochs.shape != (n,) or accuracy.shape != (n,):
        fail(f"'steps', 'epochs' and 'test_accuracy' must be lists of the same length (1 to {MAX_SNAPSHOTS})")
    if not np.issubdtype(steps.dtype, np.integer) or np.any(np.diff(steps) <= 0) or steps[0] < 0:
        fail("'steps' must be whole numbers, rising")
    if not (np.all(np.isfinite(accuracy)) and np.all((accuracy >= 0) & (accuracy <= 1)) and np.all(np.isfinite(epochs))):
        fail("'test_accuracy' must be numbers from 0 to 1, 'epochs' finite numbers")
    weights, biases = _layers(files, sizes, fail, lead=(n,))
    return [{"step": int(steps[k]), "epoch": float(epochs[k]), "test_accuracy": float(accuracy[k]),
             "network": Network([w[k] for w in weights], [b[k] for b in biases], meta=meta, activations=activations)}
            for k in range(n)]
