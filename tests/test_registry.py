"""mlp.registry: the list of networks the app shows, every file checked once at start-up."""
import json

import pytest

from mlp import registry, weights_io
from mlp.network import Network


def write(folder, items):
    path = folder / "networks.json"
    path.write_text(json.dumps(items))
    return path


def test_shipped_list_loads_with_the_videos_network_first():
    entries = registry.load()
    assert entries[0].id == "video" and entries[0].network.sizes == (784, 16, 16, 10)
    assert len({e.id for e in entries}) == len(entries)
    assert all(e.network.meta.get("test_accuracy") for e in entries)


def test_shipped_default_has_snapshots_from_random_to_trained():
    video = registry.load()[0]
    assert len(video.snapshots) >= 10
    assert video.snapshots[0]["step"] == 0 and video.snapshots[0]["test_accuracy"] < 0.3
    assert video.snapshots[-1]["test_accuracy"] == pytest.approx(video.network.meta["test_accuracy"], abs=0.002)


def test_one_weights_file_alone_takes_its_listed_id(tmp_path):
    only = registry.load(only=weights_io.DEFAULT_WEIGHTS)
    assert [e.id for e in only] == ["video"]
    other = weights_io.save(Network.random((784, 5, 10)), tmp_path / "My Net_2.npz")
    assert [e.id for e in registry.load(only=other)] == ["my-net-2"]


@pytest.mark.parametrize("items, says", [
    ([], "list of 1 to"),
    ({"id": "a"}, "list of 1 to"),
    ([{"id": "a", "file": "a.npz"}], "exactly 'id', 'file' and 'name'"),
    ([{"id": "A b", "file": "a.npz", "name": "x"}], "lower-case"),
    ([{"id": "a", "file": "../a.npz", "name": "x"}], "file name in"),
    ([{"id": "a", "file": "a.txt", "name": "x"}], "file name in"),
    ([{"id": "a", "file": "a.npz", "name": 3}], "must be strings"),
    ([{"id": "a", "file": "a.npz", "name": "x"}, {"id": "a", "file": "b.npz", "name": "y"}], "listed twice"),
    ([{"id": "a", "file": "missing.npz", "name": "x"}], "no such file"),
])
def test_a_bad_list_names_the_problem(tmp_path, items, says):
    with pytest.raises(registry.RegistryError, match=says):
        registry.load(write(tmp_path, items))


def test_unreadable_list(tmp_path):
    (tmp_path / "networks.json").write_text("[{")
    with pytest.raises(registry.RegistryError, match="not valid JSON"):
        registry.load(tmp_path / "networks.json")
    with pytest.raises(registry.RegistryError, match="cannot be read"):
        registry.load(tmp_path / "none.json")


def test_snapshots_of_another_shape_are_refused(tmp_path):
    weights_io.save(Network.random((784, 5, 10)), tmp_path / "a.npz")
    snaps = [{"step": 0, "epoch": 0.0, "test_accuracy": 0.1, "network": Network.random((784, 6, 10))}]
    weights_io.save_snapshots(weights_io.snapshots_path(tmp_path / "a.npz"), snaps)
    with pytest.raises(registry.RegistryError, match="sizes"):
        registry.load(write(tmp_path, [{"id": "a", "file": "a.npz", "name": "x"}]))
