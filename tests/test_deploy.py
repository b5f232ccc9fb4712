"""The production stack (deploy/serve: nginx in front of gunicorn), run for real, against issue 14's faults.

Each test here failed on the old setup (gunicorn alone, as the README gave it):
slow clients held its threads, broken chunked bodies gave 500, long ones were cut
at 64 KiB, a 5,000-character link met an HTML 414, and API replies could be cached.
Without nginx (a laptop) these tests skip and say why; in CI (CI=true) they fail.
"""
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from web.security import SECURITY_HEADERS
from deploy.stack import ROOT, SERVE, Stack
from tests.needs import need_nginx
from tests.stack_helpers import wait_until
from web import sharelink

PUBLIC_URL = "https://digits.example.org"




@pytest.fixture(scope="module")
def stack():
    need_nginx()
    with Stack(env={"MLP_PUBLIC_URL": PUBLIC_URL}) as running:
        yield running


def has_our_headers(headers):
    return all(headers.get(name.lower()) == value for name, value in SECURITY_HEADERS.items())


def raw_reply(data):
    """(status, headers dict, body) of a raw HTTP reply."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def chunked_post(body_chunks: bytes) -> bytes:
    return (b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body_chunks)


def chunks(payload: bytes, size=4096) -> bytes:
    parts = [payload[i:i + size] for i in range(0, len(payload), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def a_drawing():
    grid = np.zeros((28, 28))
    grid[5:23, 13:15] = 1.0  # a "1"
    return grid.reshape(-1)


# --- slow clients -----------------------------------------------------------------------------

def test_slow_clients_do_not_block_others(stack):
    """64 connections trickling headers (8 were enough to stop the old server) and 16 trickling a
    body: others are still answered, because nginx holds them, not gunicorn's 8 threads."""
    stop = threading.Event()
    slow = []
    for i in range(80):
        s = socket.create_connection(("127.0.0.1", stack.port), timeout=5)
        if i < 64:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        else:
            s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 2000\r\n\r\n{")
        slow.append(s)

    def trickle():
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(b"X: y\r\n" if slow.index(s) < 64 else b" ")
                except OSError:
                    pass
            stop.wait(0.5)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        body = json.dumps({"pixels": a_drawing().tolist()})
        for _ in range(10):
            status, _, _ = stack.get("/healthz", timeout=3)
            assert status == 200
            status, _, reply = stack.request("POST", "/api/predict", body=body,
                                             headers={"Content-Type": "application/json"}, timeout=3)
            assert status == 200 and json.loads(reply)["prediction"] is not None
        # The slow connections are still open (held by nginx, not refused or answered).
        still_open = 0
        for s in slow:
            s.setblocking(False)
            try:
                s.recv(1)  # a reply or a close would be readable
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        assert still_open == len(slow)
    finally:
        stop.set()
        thread.join()
        for s in slow:
            s.close()


# --- odd bodies -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"zz\r\n{}\r\n0\r\n\r\n", b"-5\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"],
                         ids=["size zz", "size -5", "no chunk terminator"])
def test_malformed_chunked_bodies_are_a_400(stack, body):
    status, headers, reply = raw_reply(stack.raw(chunked_post(body)))
    assert status == 400
    assert headers["content-type"] == "application/json" and json.loads(reply)["error"].startswith("400 ")
    assert has_our_headers(headers)
    assert "Traceback" not in stack.stderr()


def test_chunked_body_over_64_kib_is_a_413_not_cut(stack):
    # 72 KB: valid JSON in its first 64 KiB only; the old server parsed that part and answered 200.
    payload = json.dumps({"pixels": a_drawing().tolist()}).encode()
    payload = payload[:-1] + b', "pad": "' + b"x" * (72_000 - len(payload)) + b'"}'
    status, headers, reply = raw_reply(stack.raw(chunked_post(chunks(payload))))
    assert status == 413 and json.loads(reply)["error"].startswith("413 ")
    assert has_our_headers(headers)


def test_chunked_body_under_the_limit_is_answered(stack):
    payload = json.dumps({"pixels": a_drawing().tolist()}).encode()
    status, headers, reply = raw_reply(stack.raw(chunked_post(chunks(payload, size=1000))))
    assert status == 200 and json.loads(reply)["prediction"] == 1


def test_body_with_a_length_over_64_kib_is_a_413(stack):
    status, headers, reply = stack.request("POST", "/api/predict", body=b"[" * 70_000,
                                           headers={"Content-Type": "application/json"})
    assert status == 413 and has_our_headers(headers) and json.loads(reply)["error"].startswith("413 ")


# --- long lines and headers -------------------------------------------------------------------

def test_a_5000_character_link_reaches_the_app(stack):
    # The README's row: the app's own 400, in JSON; the old server sent gunicorn's HTML 414.
    status, headers, reply = stack.get("/api/share?d=1" + "A" * 4999)
    assert status == 400 and has_our_headers(headers)
    assert json.loads(reply)["error"] == "the link is too long (5000 characters) to be a drawing"


def test_the_longest_link_works(stack):
    code = sharelink.encode(np.random.default_rng(0).random(784))  # every pixel inked: the longest kind
    status, _, reply = stack.get(f"/api/share?d={code}")
    assert status == 200 and json.loads(reply)["code"] == code


@pytest.mark.parametrize("request_bytes, code", [
    (b"GET /api/share?d=1" + b"A" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 9000 + b"\r\nConnection: close\r\n\r\n", 431),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: bad/host\r\nConnection: close\r\n\r\n", 400),
], ids=["address of 20,000", "header line of 9,000", "no request line", "invalid Host"])
def test_refusals_by_the_proxy_are_small_json_with_our_headers(stack, request_bytes, code):
    status, headers, reply = raw_reply(stack.raw(request_bytes))
    assert status == code and has_our_headers(headers)
    assert headers["content-type"] == "application/json" and headers["cache-control"] == "no-store"
    assert json.loads(reply)["error"].startswith(f"{code} ")


# --- links for other sites --------------------------------------------------------------------

def meta_images(html):
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):image)" content="([^"]*)"', html))


def test_og_image_uses_the_public_url_not_the_host_header(stack):
    code = sharelink.encode(a_drawing())
    for host in ("digits.example.org", f"127.0.0.1:{stack.port}"):  # the site's name, and this machine's
        status, _, page = stack.get(f"/?d={code}", headers={"Host": host})
        assert status == 200
        images = meta_images(page.decode())
        assert images["og:image"] == f"{PUBLIC_URL}/preview.png?d={code}"
        assert images["twitter:image"] == images["og:image"]
    # Any other Host is refused (issue 23; it was answered, with the public URL in the links).
    status, headers, reply = stack.get(f"/?d={code}", headers={"Host": "evil.example"})
    assert status == 400 and has_our_headers(headers) and b"evil.example" not in reply


# --- caching, logging, rate limits ------------------------------------------------------------

def test_api_replies_are_not_cached(stack):
    body = json.dumps({"pixels": a_drawing().tolist()})
    replies = {
        "predict": stack.request("POST", "/api/predict", body=body, headers={"Content-Type": "application/json"}),
        "refused predict": stack.request("POST", "/api/predict", body="{", headers={"Content-Type": "application/json"}),
        "share": stack.get("/api/share?d=" + sharelink.encode(a_drawing())),
        "healthz": stack.get("/healthz"),
        "unknown api route": stack.get("/api/nothing"),
    }
    for name, (status, headers, _) in replies.items():
        assert headers.get("cache-control") == "no-store", (name, status, headers)
    # What may be cached says so itself.
    assert "max-age=3600" in stack.get("/api/network")[1]["cache-control"]


def test_text_replies_are_compressed_for_browsers_that_ask(stack):
    """The page's modules and styles and a network's weights travel gzipped when the browser
    asks (every browser does), the same bytes once unpacked; a client that does not ask gets them plain."""
    for path in ("/api/network", "/api/network?snapshot=0", "/static/js/main.js", "/static/css/main.css"):
        status, headers, packed = stack.get(path, headers={"Accept-Encoding": "gzip"})
        _, plain_headers, plain = stack.get(path)
        assert status == 200 and headers.get("content-encoding") == "gzip", (path, status, headers)
        assert "Accept-Encoding" in headers.get("vary", ""), (path, headers)
        assert gzip.decompress(packed) == plain and len(packed) < 0.8 * len(plain), (path, len(packed), len(plain))
        assert "content-encoding" not in plain_headers, (path, plain_headers)

    # The weights are asked again with their ETag (weak once gzipped): still a 304, no body.
    etag = stack.get("/api/network", headers={"Accept-Encoding": "gzip"})[1]["etag"]
    status, _, body = stack.get("/api/network", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert (status, body) == (304, b""), (status, etag)


def test_every_request_is_in_the_access_log(stack):
    stack.get("/healthz?from=the-log-test")
    # nginx writes the line once the reply is sent: it may come a moment after the reply.
    wait_until(lambda: re.search(r'"GET /healthz\?from=the-log-test HTTP/1\.1" 200 ', stack.log()),
               "the request's line in the access log")


def test_previews_are_rate_limited_and_the_rest_answers(stack):
    rng = np.random.default_rng(1)
    statuses = []
    for _ in range(30):  # distinct drawings: a cache cannot help
        status, headers, reply = stack.get("/preview.png?d=" + sharelink.encode(rng.random(784) > 0.8))
        statuses.append(status)
        if status == 429:
            assert has_our_headers(headers) and json.loads(reply)["error"].startswith("429 ")
    assert statuses.count(200) >= 5 and statuses.count(429) >= 10, statuses
    assert stack.get("/healthz")[0] == 200


# --- deploy/serve itself ----------------------------------------------------------------------

def serve(*args, env=None):
    return subprocess.run([sys.executable, str(SERVE), *args], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=90)


def test_serve_is_an_executable_with_usage():
    assert os.access(SERVE, os.X_OK)
    result = serve()
    assert result.returncode == 2 and result.stderr.startswith("usage: deploy/serve PORT")
    assert "MLP_PUBLIC_URL=https://digits.example.org deploy/serve 8000" in result.stderr
    for port in ("²", "８０００", "0", "65536", "80a"):  # "²" was a traceback, "８０００" port 8000
        result = serve(port)
        assert result.returncode == 2 and result.stderr.startswith("usage: deploy/serve PORT"), (port, result.stderr)


def test_serve_refuses_a_busy_port():
    need_nginx()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = serve(str(port))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: port {port} on 127.0.0.1 is already in use (stop what uses it, or pick another port)"


def test_serve_says_when_nginx_is_missing():
    result = serve("8999", env={"MLP_NGINX": "/nowhere/nginx"})
    assert result.returncode == 1 and result.stderr.strip() == "error: MLP_NGINX='/nowhere/nginx': no such program"


def test_sigterm_stops_every_process_and_cleans_up():
    need_nginx()
    stack = Stack().start()
    try:
        deadline = time.monotonic() + 30
        while len(stack.gunicorn_workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # "serving" is printed once one worker answers; the other may still be forking
        pids = stack.pids()
        assert len(pids) >= 5  # nginx master and worker, gunicorn master and 2 workers
        run = stack.run_folder()
        assert (run / "gunicorn.sock").exists() and stack.get("/healthz")[0] == 200
        assert stack.stop() == 0
        deadline = time.monotonic() + 5
        while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]
        assert not run.exists()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", stack.port), timeout=1)
    finally:
        stack.stop()
        stack.cleanup()


# --- start-up faults (issue 23, 7) ---------------------------------------------------------------

@pytest.fixture()
def tmpdir_for_serve():
    """A folder for TMPDIR that nginx's workers can enter even when the tests run as root (they run as
    nobody then; pytest's own tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="mlp-test-tmpdir-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_no_writable_temporary_folder_is_one_line(tmp_path):
    """Before: a traceback (exit 1) when no temporary folder could be written; with TMPDIR naming one
    that cannot hold a folder, it quietly went elsewhere (and, failing all, into the working folder)."""
    need_nginx()
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    stack = Stack(env={"TMPDIR": str(not_a_folder)})
    try:
        with pytest.raises(RuntimeError) as refused:
            stack.start()
        assert stack.process.returncode == 1
        lines = [x for x in stack.stderr().splitlines() if x.strip()]
        assert lines == [f"error: cannot make a run folder in TMPDIR's {not_a_folder} (Not a directory): set TMPDIR "
                         f"to a folder this user can write to"], refused.value
    finally:
        stack.stop()
        stack.cleanup()


def test_the_run_folder_of_a_killed_serve_is_removed_at_the_next_start(tmpdir_for_serve):
    """Before: after kill -9 of deploy/serve, its /tmp/mlp-serve-* stayed for ever."""
    need_nginx()
    tmp_path = tmpdir_for_serve
    env = {"TMPDIR": str(tmp_path)}
    first = Stack(env=env).start()
    try:
        run = first.run_folder()
        assert run.parent == tmp_path and run.is_dir()
        workers = first.pids()
        first.process.kill()  # SIGKILL: no clean-up of its own
        first.process.wait()
        # Its children follow it (they were told to, at start); the folder stays behind.
        wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), "the killed stack's processes gone")
        assert run.is_dir()
        with Stack(env=env) as second:
            assert not run.exists(), list(tmp_path.iterdir())
            assert f"removed the run folder of a stack that was killed: {run}" in second.stderr()
            assert second.run_folder().is_dir() and second.get("/healthz")[0] == 200
            # A running stack's folder is never taken for stale.
            with Stack(env=env) as third:
                assert second.run_folder().is_dir() and third.get("/healthz")[0] == 200
    finally:
        first.stop()
        first.cleanup()
