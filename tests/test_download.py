"""mnist.download against a local HTTP server on 127.0.0.1 serving small fake files (never the internet)."""
import functools
import hashlib
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mlp.training import mnist
from mlp.training.mnist import MnistError, download

NAMES = list(mnist.SHA256)


class QuietHandler(SimpleHTTPRequestHandler):
    requests = []  # replaced per server

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        super().do_GET()


@pytest.fixture()
def server(tmp_path):
    """(mirror URL, served folder, list of requested paths)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = type("Handler", (QuietHandler,), {"requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", served, handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Whatever the environment says, requests to 127.0.0.1 go straight there."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


def fake_files(folder):
    """Write one small distinct file per MNIST name; return their SHA-256s."""
    sums = {}
    for i, name in enumerate(NAMES):
        data = f"fake {name}\n".encode() * (i + 1) + bytes(range(256))
        (folder / name).write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    return sums


def test_download_success(server, tmp_path):
    mirror, served, requests = server
    sums = fake_files(served)
    dest = tmp_path / "dest" / "mnist"
    lines = []
    assert download(dest, mirror=mirror, checksums=sums, timeout=5, log=lines.append) == dest
    for name in NAMES:
        assert (dest / name).read_bytes() == (served / name).read_bytes()
    assert sorted(requests) == sorted("/" + n for n in NAMES)
    assert not list(dest.glob("*.part"))
    assert sum("checksum ok" in line for line in lines) == 4


def test_files_already_present_are_not_fetched(server, tmp_path):
    mirror, served, requests = server
    sums = fake_files(served)
    dest = tmp_path / "dest"
    download(dest, mirror=mirror, checksums=sums, timeout=5, log=lambda s: None)
    requests.clear()
    lines = []
    download(dest, mirror=mirror, checksums=sums, timeout=5, log=lines.append)
    assert requests == []
    assert all("present" in line for line in lines) and len(lines) == 4


def test_present_but_damaged_file_is_fetched_again(server, tmp_path):
    mirror, served, requests = server
    sums = fake_files(served)
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / NAMES[0]).write_bytes(b"damaged")
    download(dest, mirror=mirror, checksums=sums, timeout=5, log=lambda s: None)
    assert (dest / NAMES[0]).read_bytes() == (served / NAMES[0]).read_bytes()
    assert "/" + NAMES[0] in requests


def test_wrong_checksum_discards_the_file(server, tmp_path):
    mirror, served, _ = server
    sums = fake_files(served)
    bad = dict(sums)
    bad[NAMES[1]] = "0" * 64
    dest = tmp_path / "dest"
    with pytest.raises(MnistError, match="SHA-256") as info:
        download(dest, mirror=mirror, checksums=bad, timeout=5, log=lambda s: None)
    msg = str(info.value)
    assert NAMES[1] in msg and "discarded" in msg and sums[NAMES[1]] in msg
    assert not (dest / NAMES[1]).exists()
    assert not list(dest.glob("*.part"))
    assert (dest / NAMES[0]).is_file()  # the good one before it was kept


def test_404_is_a_clear_error(server, tmp_path):
    mirror, served, _ = server
    sums = fake_files(served)
    (served / NAMES[2]).unlink()
    dest = tmp_path / "dest"
    with pytest.raises(MnistError, match="404") as info:
        download(dest, mirror=mirror, checksums=sums, timeout=5, log=lambda s: None)
    assert mirror + NAMES[2] in str(info.value)
    assert not (dest / NAMES[2]).exists() and not list(dest.glob("*.part"))


def test_server_down_is_a_clear_error(tmp_path):
    with socket.socket() as s:  # a port that nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mirror = f"http://127.0.0.1:{port}/"
    with pytest.raises(MnistError, match="download of .* failed") as info:
        download(tmp_path / "dest", mirror=mirror, checksums={NAMES[0]: "0" * 64}, timeout=5, log=lambda s: None)
    assert mirror + NAMES[0] in str(info.value)
    assert not (tmp_path / "dest" / NAMES[0]).exists()


def test_mirror_without_trailing_slash(server, tmp_path):
    mirror, served, _ = server
    sums = fake_files(served)
    download(tmp_path / "dest", mirror=mirror.rstrip("/"), checksums=sums, timeout=5, log=lambda s: None)
    assert all((tmp_path / "dest" / n).is_file() for n in NAMES)


def test_downloaded_files_are_readable(server, tmp_path):
    """End to end on real-format (tiny) IDX files: download, then load_split."""
    import gzip
    import struct

    import numpy as np

    mirror, served, _ = server
    images = np.arange(2 * 784, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([3, 7], dtype=np.uint8)
    blobs = {
        mnist.FILES["test_images"]: struct.pack(">IIII", 0x803, 2, 28, 28) + images.tobytes(),
        mnist.FILES["test_labels"]: struct.pack(">II", 0x801, 2) + labels.tobytes(),
    }
    sums = {}
    for name, raw in blobs.items():
        data = gzip.compress(raw)
        (served / name).write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    folder = download(tmp_path / "dest", mirror=mirror, checksums=sums, timeout=5, log=lambda s: None)
    x, y = mnist.load_split(folder, "test")
    assert x.shape == (2, 784) and list(y) == [3, 7]
