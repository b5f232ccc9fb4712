"""The IDX reader on small files written by the tests: every defect is a clear MnistError naming the file."""
import gzip
import struct

import numpy as np
import pytest

from mlp.training import mnist
from mlp.training.mnist import FILES, IMAGES_MAGIC, LABELS_MAGIC, MnistError, load_split, read_idx


def idx_bytes(array, magic=None):
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x0800 | array.ndim) if magic is None else magic
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write(path, data, gz=True):
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def sample(n=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def write_split(folder, images, labels, gz=True, split="test"):
    names = (FILES[f"{split}_images"], FILES[f"{split}_labels"])
    if not gz:  # the reader also accepts the unzipped files under the names without .gz
        names = tuple(n[:-3] for n in names)
    write(folder / names[0], idx_bytes(images), gz)
    write(folder / names[1], idx_bytes(labels), gz)
    return [folder / n for n in names]


@pytest.mark.parametrize("gz", [True, False])
def test_load_split_gz_and_plain(tmp_path, gz):
    images, labels = sample(5)
    write_split(tmp_path, images, labels, gz)
    x, y = load_split(tmp_path, "test")
    assert x.shape == (5, 784) and x.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_allclose(x, images.reshape(5, 784) / 255.0, rtol=1e-6)
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_plain_content_under_gz_name_is_read_by_content(tmp_path):
    images, _ = sample(2)
    path = write(tmp_path / "x.gz", idx_bytes(images), gz=False)
    np.testing.assert_array_equal(read_idx(path, IMAGES_MAGIC, (28, 28)), images)


def test_empty_split_is_fine(tmp_path):
    write_split(tmp_path, np.zeros((0, 28, 28)), np.zeros(0))
    x, y = load_split(tmp_path, "test")
    assert x.shape == (0, 784) and y.shape == (0,)


def expect_error(path, match, *args):
    with pytest.raises(MnistError, match=match) as info:
        read_idx(path, *args)
    assert str(path) in str(info.value), f"message does not name the file: {info.value}"
    return str(info.value)


@pytest.mark.parametrize("gz", [True, False])
def test_wrong_magic(tmp_path, gz):
    images, labels = sample()
    path = write(tmp_path / "imgs.gz", idx_bytes(labels), gz)  # a labels file where images belong
    msg = expect_error(path, "magic", IMAGES_MAGIC, (28, 28))
    assert "0x00000801" in msg and "0x00000803" in msg
    path = write(tmp_path / "junk", b"\x12\x34\x56\x78" + bytes(100), gz)
    expect_error(path, "magic", LABELS_MAGIC)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_header(tmp_path, gz):
    images, _ = sample()
    full = idx_bytes(images)
    path = write(tmp_path / "imgs", full[:10], gz)  # magic + 1.5 of 3 dimensions
    expect_error(path, "header truncated", IMAGES_MAGIC, (28, 28))
    path = write(tmp_path / "tiny", full[:3], gz)
    expect_error(path, "too short", IMAGES_MAGIC, (28, 28))


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_data(tmp_path, gz):
    images, _ = sample()
    path = write(tmp_path / "imgs", idx_bytes(images)[:-5], gz)
    msg = expect_error(path, "data bytes", IMAGES_MAGIC, (28, 28))
    assert "truncated" in msg


def test_padded_data(tmp_path):
    _, labels = sample()
    path = write(tmp_path / "labels", idx_bytes(labels) + b"\x00")
    expect_error(path, "expected 3", LABELS_MAGIC)


def test_truncated_gzip_stream(tmp_path):
    images, _ = sample()
    compressed = gzip.compress(idx_bytes(images))
    path = tmp_path / "imgs.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    expect_error(path, "gzip", IMAGES_MAGIC, (28, 28))


def test_wrong_dims(tmp_path):
    rng = np.random.default_rng(0)
    path = write(tmp_path / "imgs", idx_bytes(rng.integers(0, 256, (2, 27, 28), dtype=np.uint8)))
    msg = expect_error(path, "item shape", IMAGES_MAGIC, (28, 28))
    assert "(27, 28)" in msg
    # A labels file with two dimensions has the wrong magic (ndim is part of it).
    path = write(tmp_path / "labels", idx_bytes(np.zeros((3, 2))))
    expect_error(path, "magic", LABELS_MAGIC)


def test_labels_above_9(tmp_path):
    images, labels = sample()
    labels[1] = 10
    _, labels_path = write_split(tmp_path, images, labels)
    with pytest.raises(MnistError, match="0-9") as info:
        load_split(tmp_path, "test")
    assert str(labels_path) in str(info.value)


def test_count_mismatch(tmp_path):
    images, labels = sample(4)
    images_path, labels_path = write_split(tmp_path, images, labels[:3])
    with pytest.raises(MnistError, match="4 images but .* 3 labels") as info:
        load_split(tmp_path, "test")
    assert str(images_path) in str(info.value) and str(labels_path) in str(info.value)


def test_missing_file(tmp_path):
    images, labels = sample()
    write_split(tmp_path, images, labels)
    (tmp_path / FILES["test_labels"]).unlink()
    with pytest.raises(MnistError, match="not found") as info:
        load_split(tmp_path, "test")
    assert str(tmp_path / FILES["test_labels"]) in str(info.value)
    with pytest.raises(MnistError, match="not found"):
        load_split(tmp_path / "nowhere", "train")


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv(mnist.ENV_VAR, str(tmp_path / "env"))
    assert mnist.data_dir(str(tmp_path / "arg")) == tmp_path / "arg"
    assert mnist.data_dir() == tmp_path / "env"
    monkeypatch.delenv(mnist.ENV_VAR)
    assert mnist.data_dir() == mnist.DEFAULT_DIR


def test_real_test_set_matches_readme(mnist_test):
    images, labels = mnist_test
    assert images.shape == (10_000, 784) and labels.shape == (10_000,)
    assert images.min() == 0.0 and images.max() == 1.0
    counts = np.bincount(labels, minlength=10)
    np.testing.assert_array_equal(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
