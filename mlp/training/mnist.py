"""Read the MNIST IDX files (gzipped or not), and optionally download them.

IDX layout: a 4-byte magic (0x00 0x00 dtype ndim), one big-endian uint32 per
dimension, then the data. MNIST uses dtype 0x08 (uint8): images are
0x00000803 (N x 28 x 28), labels 0x00000801 (N).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from ..digit import N_PIXELS, SIDE

ENV_VAR = "MNIST_DATA"
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of the official gzipped files (as listed in ../shared/data/mnist/README.md).
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801


class MnistError(ValueError):
    """A data file that is missing or not a valid MNIST IDX file."""


def data_dir(arg=None) -> Path:
    """The folder to read: the argument, else $MNIST_DATA, else ../shared/data/mnist."""
    return Path(arg or os.environ.get(ENV_VAR) or DEFAULT_DIR)


def _open_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed if it is gzip (by content, not by name)."""
    found = path
    if not found.is_file() and path.suffix == ".gz":
        found = path.with_suffix("")  # accept the unzipped file too
    if not found.is_file():
        raise MnistError(f"MNIST file not found: {path} (set --data or ${ENV_VAR} to the folder holding the four IDX files)")
    raw = found.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise MnistError(f"{found}: corrupt or truncated gzip data ({exc})") from None
    return raw


def read_idx(path, expected_magic, expected_tail=()) -> np.ndarray:
    """Parse one IDX file of uint8 data, checking magic, dimensions and length."""
    path = Path(path)
    raw = _open_bytes(path)
    if len(raw) < 4:
        raise MnistError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != expected_magic:
        raise MnistError(f"{path}: wrong magic number 0x{magic:08x}, expected 0x{expected_magic:08x}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MnistError(f"{path}: header truncated")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    if tuple(dims[1:]) != tuple(expected_tail):
        raise MnistError(f"{path}: item shape {tuple(dims[1:])}, expected {tuple(expected_tail)}")
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(raw) - header
    if actual != expected:
        raise MnistError(f"{path}: {actual} data bytes, expected {expected} for shape {dims} (truncated or padded)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_split(folder, split):
    """(images float32 (N, 784) in [0, 1], labels int64 (N,)) for 'train' or 'test'."""
    folder = data_dir(folder)
    images_path, labels_path = folder / FILES[f"{split}_images"], folder / FILES[f"{split}_labels"]
    images = read_idx(images_path, IMAGES_MAGIC, (SIDE, SIDE))
    labels = read_idx(labels_path, LABELS_MAGIC)
    if len(images) != len(labels):
        raise MnistError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise MnistError(f"{labels_path}: labels must be digits 0-9, found {labels.max()}")
    return images.reshape(len(images), N_PIXELS).astype(np.float32) / 255.0, labels.astype(np.int64)


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(folder, mirror=MIRROR, checksums=SHA256, timeout=60, log=print):
    """Fetch the four files into ``folder``, keeping only those whose SHA-256 matches.

    Files already present with the right checksum are not fetched again. A
    file that arrives with the wrong checksum is deleted and reported.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, expected in checksums.items():
        target = folder / name
        if target.is_file() and sha256_of(target) == expected:
            log(f"{name}: present, checksum ok")
            continue
        url = mirror.rstrip("/") + "/" + name
        part = target.with_name(name + ".part")
        log(f"{name}: downloading {url}")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError) as exc:
            part.unlink(missing_ok=True)
            raise MnistError(f"download of {url} failed: {exc}") from None
        actual = sha256_of(part)
        if actual != expected:
            part.unlink(missing_ok=True)
            raise MnistError(f"{url}: SHA-256 {actual} does not match the expected {expected}; file discarded")
        part.replace(target)
        log(f"{name}: checksum ok")
    return folder
