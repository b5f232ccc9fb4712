"""Weights files: save/load round trip, and a clear WeightsFileError naming the file for every kind of damage."""
import json
from pathlib import Path

import numpy as np
import pytest

from mlp.network import Network
from mlp.weights_io import WeightsFileError, load, save


def arrays_of(net, meta=None):
    """The arrays save() writes, for tests that damage one of them."""
    arrays = {}
    for i, (w, b) in enumerate(zip(net.weights, net.biases), start=1):
        arrays[f"W{i}"], arrays[f"b{i}"] = w, b
    arrays["sizes"] = np.array(net.sizes, dtype=np.int64)
    arrays["activation"] = np.array("sigmoid")
    arrays["meta"] = np.array(json.dumps(meta or {}))
    return arrays


def write_npz(path, arrays):
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def expect_error(path, match):
    with pytest.raises(WeightsFileError, match=match) as info:
        load(path)
    msg = str(info.value)
    assert str(path) in msg, f"message does not name the file: {msg}"
    assert "\n" not in msg
    return msg


@pytest.fixture()
def net():
    return Network.random(seed=5)


def test_round_trip_keeps_weights_and_meta(tmp_path, net):
    net.biases[1][...] = np.linspace(-1, 1, 16, dtype=np.float32)
    meta = {"test_accuracy": 0.9712, "epochs": 30, "note": "ünïcode", "nested": {"a": [1, 2]}}
    path = save(net, tmp_path / "sub" / "w.npz", meta)
    assert path.is_file() and not list(path.parent.glob("*.tmp"))
    back = load(path)
    assert back.sizes == net.sizes and back.n_params == 13002
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    assert back.meta == meta
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    np.testing.assert_array_equal(back.forward(x)[-1], net.forward(x)[-1])


def test_meta_of_the_network_is_merged(tmp_path, net):
    net.meta["origin"] = "test"
    back = load(save(net, tmp_path / "w.npz", {"extra": 1}))
    assert back.meta == {"origin": "test", "extra": 1}


def test_other_layer_sizes_round_trip(tmp_path):
    small = Network.random(sizes=(784, 8, 10), seed=1)
    back = load(save(small, tmp_path / "w.npz"))
    assert back.sizes == (784, 8, 10)


def test_save_replaces_an_existing_file(tmp_path, net):
    path = tmp_path / "w.npz"
    save(Network.random(seed=9), path)
    save(net, path)
    np.testing.assert_array_equal(load(path).weights[0], net.weights[0])


def test_missing_path(tmp_path):
    expect_error(tmp_path / "nope.npz", "no such file")


def test_a_folder_is_named_as_a_folder_with_the_files_it_holds(tmp_path, net):
    """Issue 23 (8): a folder given as the weights file said "no such file", which it is not."""
    msg = expect_error(tmp_path, "is a folder, not a weights file: give the path of an .npz file$")
    save(net, tmp_path / "mine.npz")
    msg = expect_error(tmp_path, "is a folder, not a weights file")
    assert msg.endswith("; it holds mine.npz"), msg


def test_a_device_is_not_a_regular_file():
    expect_error(Path("/dev/null"), "not a regular file")


def crafted_archive(path, claimed_values):
    """An .npz whose W1 claims ``claimed_values`` float32 zeros: deflate packs them ~1000:1, so a
    1 MB file unpacks to 1 GB. The rest is a real network's."""
    import io
    import zipfile

    def npy(arr):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, arr)
        return buf.getvalue()

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, arr in arrays_of(Network.random(seed=1)).items():
            if name != "W1":
                zf.writestr(f"{name}.npy", npy(arr))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (claimed_values,)})
        with zf.open("W1.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(1 << 24)
            left = 4 * claimed_values
            while left:
                member.write(zeros[:left])
                left -= min(left, len(zeros))
    return path


def test_a_crafted_archive_is_refused_from_its_header_without_unpacking(tmp_path):
    """Issue 23 (7): a 1 MB file whose W1 unpacks to 1 GB took 1 GB of memory and seconds before
    its shape was checked. Its header says the shape: refused before the member is unpacked.
    Here 400 MB in a 0.4 MB file, measured in a fresh process (peak memory: unpacking it needs 400 MB)."""
    import subprocess
    import sys

    path = crafted_archive(tmp_path / "crafted.npz", 100_000_000)
    assert path.stat().st_size < 500_000
    # The peak is this process's own (VmHWM, Linux): getrusage's ru_maxrss keeps the high-water mark of the
    # process before exec, i.e. of the forked test runner, which in a whole-suite run is itself ~700 MiB.
    script = ("import pathlib, re, resource, sys\nfrom mlp import weights_io\n"
              "try:\n    weights_io.load(sys.argv[1])\nexcept weights_io.WeightsFileError as exc:\n    print(exc)\n"
              "status = pathlib.Path('/proc/self/status')\n"
              "print(re.search(r'VmHWM:\\s+(\\d+) kB', status.read_text()).group(1) if status.exists()\n"
              "      else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent)
    message, peak_kib = result.stdout.splitlines()
    assert message == (f"weights file {path}: 'W1' has shape (100000000,), expected (16, 784) "
                       "for layer sizes [784, 16, 16, 10]"), result.stdout + result.stderr
    assert int(peak_kib) < 200_000, f"peak memory {int(peak_kib) // 1024} MiB: the member was unpacked"


def test_an_oversized_member_of_the_right_name_is_not_read(tmp_path, net):
    """'meta' and 'sizes' are bounded from their headers too (they are read before the layer sizes are known)."""
    arrays = arrays_of(net)
    arrays["meta"] = np.array("x" * 70_000)
    expect_error(write_npz(tmp_path / "m.npz", arrays), "'meta' must be one string of at most 65,536 characters")
    arrays = arrays_of(net)
    arrays["sizes"] = np.arange(1000)
    expect_error(write_npz(tmp_path / "s.npz", arrays), "'sizes' must be a short list")


def test_truncated_file(tmp_path, net):
    path = save(net, tmp_path / "w.npz")
    data = path.read_bytes()
    for keep in (len(data) // 2, len(data) - 30, 10):
        path.write_bytes(data[:keep])
        expect_error(path, "truncated|corrupt|not an .npz")


def test_empty_file(tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(b"")
    expect_error(path, "empty|not an .npz")


def test_random_bytes_are_not_a_zip(tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    msg = expect_error(path, "not an .npz")
    assert "pickle" not in msg  # not "pickled data": it is simply not a zip archive


def test_corrupted_member_data(tmp_path, net):
    path = save(net, tmp_path / "w.npz")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = bytes(200)
    path.write_bytes(bytes(data))
    expect_error(path, "corrupt|not an .npz|cannot be read|shape|NaN")


def test_nan_in_a_weight(tmp_path, net):
    arrays = arrays_of(net)
    arrays["W2"] = arrays["W2"].copy()
    arrays["W2"][3, 4] = np.nan
    expect_error(write_npz(tmp_path / "w.npz", arrays), "'W2' contains NaN")


def test_infinity_in_a_bias(tmp_path, net):
    arrays = arrays_of(net)
    arrays["b3"] = arrays["b3"].copy()
    arrays["b3"][0] = -np.inf
    expect_error(write_npz(tmp_path / "w.npz", arrays), "'b3' contains NaN or infinite")


def test_wrong_shapes(tmp_path, net):
    arrays = arrays_of(net)
    arrays["W1"] = arrays["W1"].T  # (784, 16) instead of (16, 784)
    msg = expect_error(write_npz(tmp_path / "w.npz", arrays), "'W1' has shape")
    assert "(784, 16)" in msg and "(16, 784)" in msg
    arrays = arrays_of(net)
    arrays["b2"] = np.zeros(17, dtype=np.float32)
    expect_error(write_npz(tmp_path / "w2.npz", arrays), "'b2' has shape")
    arrays = arrays_of(net)
    arrays["sizes"] = np.array([784, 16, 10])
    expect_error(write_npz(tmp_path / "w3.npz", arrays), "shape")


@pytest.mark.parametrize("drop", ["W3", "b1", "sizes", "activation", "meta"])
def test_missing_arrays(tmp_path, net, drop):
    arrays = arrays_of(net)
    del arrays[drop]
    expect_error(write_npz(tmp_path / "w.npz", arrays), f"missing '{drop}'")


def test_pickled_object_array(tmp_path, net):
    arrays = arrays_of(net)
    arrays["W1"] = np.array([[object()] * 784] * 16, dtype=object)
    path = tmp_path / "w.npz"
    np.savez(path, **arrays)  # np.savez pickles object arrays
    expect_error(path, "plain arrays|pickle")


def test_integer_weights_refused(tmp_path, net):
    arrays = arrays_of(net)
    arrays["W3"] = np.zeros((10, 16), dtype=np.int32)
    expect_error(write_npz(tmp_path / "w.npz", arrays), "dtype")


def test_wrong_activation_and_bad_meta(tmp_path, net):
    arrays = arrays_of(net)
    arrays["activation"] = np.array("relu")
    expect_error(write_npz(tmp_path / "a.npz", arrays), "activation 'relu'")
    arrays = arrays_of(net)
    arrays["meta"] = np.array("{not json")
    expect_error(write_npz(tmp_path / "m.npz", arrays), "'meta' is not a JSON object")
    arrays["meta"] = np.array("[1, 2]")
    expect_error(write_npz(tmp_path / "m2.npz", arrays), "'meta' is not a JSON object")


def test_implausible_sizes(tmp_path, net):
    arrays = arrays_of(net)
    arrays["sizes"] = np.array([784, 0, 10])
    expect_error(write_npz(tmp_path / "w.npz", arrays), "implausible")
    arrays["sizes"] = np.array([784.0, 16.0, 16.0, 10.0])
    expect_error(write_npz(tmp_path / "w2.npz", arrays), "whole numbers")


# --- snapshots -------------------------------------------------------------------------

def _snapshots(n=3, sizes=(784, 16, 16, 10)):
    from mlp.network import Network
    return [{"step": 10 * k, "epoch": k / 2, "test_accuracy": 0.1 + 0.2 * k, "network": Network.random(sizes, seed=k)}
            for k in range(n)]


def test_snapshots_round_trip_in_half_precision(tmp_path):
    from mlp import weights_io
    snaps = _snapshots()
    path = weights_io.save_snapshots(tmp_path / "net.snapshots.npz", snaps, {"weights": "net.npz"})
    back = weights_io.load_snapshots(path)
    assert [s["step"] for s in back] == [0, 10, 20] and [s["epoch"] for s in back] == [0, 0.5, 1.0]
    assert [s["test_accuracy"] for s in back] == pytest.approx([0.1, 0.3, 0.5])
    for a, b in zip(snaps, back):
        assert b["network"].sizes == (784, 16, 16, 10) and b["network"].meta == {"weights": "net.npz"}
        for wa, wb in zip(a["network"].weights, b["network"].weights):
            np.testing.assert_allclose(wb, wa, rtol=1e-3, atol=1e-4)  # float16
    assert path.stat().st_size < 3 * 13_002 * 2  # two bytes a number at most


def test_snapshots_path_sits_beside_the_weights():
    from mlp import weights_io
    assert weights_io.snapshots_path("mlp/weights/a_b.npz").as_posix() == "mlp/weights/a_b.snapshots.npz"


@pytest.mark.parametrize("change, says", [
    (lambda a: a.update(steps=np.array([0, 20, 10])), "rising"),
    (lambda a: a.update(test_accuracy=np.array([0.1, 2.0, 0.5])), "from 0 to 1"),
    (lambda a: a.update(epochs=np.array([0.0, 1.0])), "same length"),
    (lambda a: a.pop("steps"), "missing 'steps'"),
    (lambda a: a.update(W2=a["W2"][:, :, :3]), "'W2' has shape"),
    (lambda a: a.update(b1=np.full_like(a["b1"], np.nan)), "NaN"),
])
def test_bad_snapshots_are_refused_with_the_reason(tmp_path, change, says):
    from mlp import weights_io
    path = weights_io.save_snapshots(tmp_path / "s.npz", _snapshots())
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    change(arrays)
    np.savez(path, **arrays)
    with pytest.raises(weights_io.WeightsFileError, match=says):
        weights_io.load_snapshots(path)


# --- activations ----------------------------------------------------------------------------

def test_relu_network_round_trips_with_its_activations(tmp_path):
    net = Network.random((784, 12, 10), seed=4, activations=["relu", "sigmoid"])
    path = save(net, tmp_path / "relu.npz")
    with np.load(path) as npz:
        assert npz["activation"].tolist() == ["relu", "sigmoid"]  # one name per layer
    back = load(path)
    assert back.activations == ("relu", "sigmoid")
    x = np.random.default_rng(0).random(784, dtype=np.float32)
    np.testing.assert_array_equal(back.forward(x)[-1], net.forward(x)[-1])


def test_an_all_sigmoid_network_is_written_as_the_shipped_files_are(tmp_path, net):
    with np.load(save(net, tmp_path / "s.npz")) as npz:
        assert npz["activation"].shape == () and str(npz["activation"]) == "sigmoid"


def test_every_shipped_file_loads_as_sigmoid():
    from mlp import registry
    for entry in registry.load():
        with np.load(entry.path) as npz:
            assert str(npz["activation"]) == "sigmoid"
        assert set(entry.network.activations) == {"sigmoid"}
        assert all(set(s["network"].activations) == {"sigmoid"} for s in entry.snapshots)


@pytest.mark.parametrize("activation, says", [
    (["relu", "relu", "relu"], "output layer's activation must be 'sigmoid'"),
    (["relu", "sigmoid"], "one activation per layer"),
    (["relu", "tanh", "sigmoid"], "layer 2: activation 'tanh'"),
    ([[1, 2]], "a name or a list of names"),
])
def test_bad_activation_lists_are_refused(tmp_path, net, activation, says):
    arrays = arrays_of(net)
    arrays["activation"] = np.array(activation)
    expect_error(write_npz(tmp_path / "a.npz", arrays), says)


def test_snapshots_keep_their_activations(tmp_path):
    from mlp import weights_io
    snaps = [{"step": k, "epoch": k, "test_accuracy": 0.5,
              "network": Network.random((784, 6, 10), seed=k, activations=["relu", "sigmoid"])} for k in range(2)]
    back = weights_io.load_snapshots(weights_io.save_snapshots(tmp_path / "s.npz", snaps))
    assert [s["network"].activations for s in back] == [("relu", "sigmoid")] * 2
