"""The app's own share of issue 14, without the proxy: bodies, absolute links, caching.

nginx refuses broken and oversize bodies before the app sees them; the app must
still do the right thing under bare gunicorn and `python app.py` (no 500, no
body cut at 64 KiB), and never put a client's Host header into its page unchecked.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app import create_app
from deploy.stack import free_port
from web import sharelink
from web.security import SECURITY_HEADERS
from web.startup import StartupError

ROOT = Path(__file__).resolve().parent.parent
CODE = sharelink.encode(np.eye(28)[::-1].reshape(-1))


def og_image(client, **kwargs):
    page = client.get("/", query_string={"d": CODE}, **kwargs)
    assert page.status_code == 200
    found = re.findall(r'<meta (?:property|name)="(?:og|twitter):image" content="([^"]*)"', page.get_data(as_text=True))
    assert len(found) == 2 and found[0] == found[1]
    return found[0]


def test_og_image_without_settings_uses_a_valid_host_only(client):
    assert og_image(client, headers={"Host": "digits.example.org:8080"}) == \
        f"http://digits.example.org:8080/preview.png?d={CODE}"
    # werkzeug turns a Host with characters no host has into ""; the link is then relative,
    # never "http:///preview.png".
    for bad in ("", "bad host", "a/b", "x@y"):
        assert og_image(client, headers={"Host": bad}) == f"/preview.png?d={CODE}", bad


def test_a_punycode_host_is_written_as_sent_not_as_its_look_alike(client):
    """Issue 23 (5): Werkzeug's host_url decodes xn--80ak6aa92e.com to аррӏе.com (Cyrillic letters that look
    like apple.com); the link keeps the ASCII form the client sent."""
    assert og_image(client, headers={"Host": "xn--80ak6aa92e.com"}) == f"http://xn--80ak6aa92e.com/preview.png?d={CODE}"


def test_og_image_with_a_public_url_ignores_the_host():
    client = create_app({"TESTING": True, "PUBLIC_URL": "https://digits.example.org/"}).test_client()
    assert og_image(client, headers={"Host": "evil.example"}) == f"https://digits.example.org/preview.png?d={CODE}"


def test_trusted_hosts_refuse_any_other_host():
    client = create_app({"TESTING": True, "TRUSTED_HOSTS": "digits.example.org, .example.net"}).test_client()
    assert og_image(client, headers={"Host": "digits.example.org"}).startswith("http://digits.example.org/")
    assert client.get("/healthz", headers={"Host": "www.example.net"}).status_code == 200
    assert client.get("/", query_string={"d": CODE}, headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/share", query_string={"d": CODE}, headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("setting, value", [
    ("PUBLIC_URL", "digits.example.org"), ("PUBLIC_URL", "ftp://digits.example.org"),
    ("PUBLIC_URL", "https://digits.example.org/?x=1"), ("PUBLIC_URL", "https://user@digits.example.org"),
    ("TRUSTED_HOSTS", "a b"), ("TRUSTED_HOSTS", ","), ("TRUSTED_HOSTS", "example.org, [::1]"),
])
def test_bad_settings_stop_the_app(setting, value):
    with pytest.raises(StartupError, match=f"MLP_{setting} '"):
        create_app({"TESTING": True, setting: value})


def test_api_replies_say_no_store(client):
    drawing = {"pixels": [0.0] * 784}
    for reply in (client.post("/api/predict", json=drawing), client.post("/api/predict", json=[]),
                  client.get("/api/share", query_string={"d": CODE}), client.get("/api/share"),
                  client.get("/healthz"), client.get("/api/nothing"), client.get("/preview.png")):
        assert reply.headers["Cache-Control"] == "no-store", (reply.request.path, reply.status_code)
    assert client.get("/api/network").headers["Cache-Control"] == "public, max-age=3600"
    assert "max-age=86400" in client.get("/preview.png", query_string={"d": CODE}).headers["Cache-Control"]


def test_no_route_redirects_to_the_host_a_client_named(app):
    """Werkzeug's 308 for a doubled slash was built from the Host header (Location:
    http://evil.example/static/js/main.js, cacheable); now a 404 without a Location. Its other
    redirect (/a -> /a/) needs a route that ends in a slash: none has one but "/"."""
    client = app.test_client()
    for path in ("/static//js/main.js", "/api//networks", "/healthz/"):
        reply = client.get(path, headers={"Host": "evil.example"})
        assert reply.status_code == 404 and "Location" not in reply.headers, (path, reply.headers)
    assert [r.rule for r in app.url_map.iter_rules() if r.rule.endswith("/") and r.rule != "/"] == []


# --- a real server without the proxy ----------------------------------------------------------

SERVERS = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "2", "--no-control-socket",
                 "--bind", "127.0.0.1:{port}", "app:create_app_or_exit()"],
    "python app.py": [sys.executable, "app.py"],
}


@pytest.fixture(scope="module", params=SERVERS)
def bare_server(request, tmp_path_factory):
    port = free_port()
    errors = tmp_path_factory.mktemp("bare") / "stderr"
    with open(errors, "wb") as err:
        process = subprocess.Popen([a.format(port=port) for a in SERVERS[request.param]], cwd=ROOT,
                                   env={**os.environ, "PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, errors.read_text()
            time.sleep(0.1)
    yield port, errors
    process.terminate()
    process.wait(30)


def post_chunked(port, body: bytes):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:  # the server may close without reading the rest of a refused body
            pass
    head, _, reply = data.partition(b"\r\n\r\n")
    headers = head.decode("latin-1").lower()
    return int(head.split()[1]), headers, reply


@pytest.mark.parametrize("body", [b"zz\r\n{}\r\n0\r\n\r\n", b"-5\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"],
                         ids=["size zz", "size -5", "no chunk terminator"])
def test_malformed_chunked_body_is_a_400_not_a_500(bare_server, body):
    port, errors = bare_server
    status, headers, reply = post_chunked(port, body)
    assert status == 400 and "chunked" in json.loads(reply)["error"]
    assert all(f"{name.lower()}: {value}".lower() in headers for name, value in SECURITY_HEADERS.items())
    assert "Traceback" not in errors.read_text()


def test_chunked_body_over_64_kib_is_a_413_not_cut(bare_server):
    port, _ = bare_server
    payload = b'{"pixels": [' + b"0," * 783 + b'0], "pad": "' + b"x" * 70_000 + b'"}'
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 8192]), payload[i:i + 8192])
                       for i in range(0, len(payload), 8192)) + b"0\r\n\r\n"
    status, _, reply = post_chunked(port, chunked)
    assert status == 413, reply


def test_chunked_body_under_the_limit_is_read_whole(bare_server):
    port, _ = bare_server
    payload = json.dumps({"pixels": [0.0] * 784}).encode()
    status, _, reply = post_chunked(port, b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload))
    assert status == 200 and json.loads(reply)["empty"] is True


def test_a_doubled_slash_is_a_404_not_a_redirect_to_the_forged_host(bare_server):
    port, _ = bare_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /static//js/main.js HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head = data.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
    assert int(head.split()[1]) == 404 and "\r\nlocation:" not in head and "evil.example" not in head, head


def test_a_body_that_ends_before_its_length_is_a_400(bare_server):
    """The body is read straight from the server (web/body.py): one that stops short of its
    Content-Length is the client's error, as before, never a 500 or half a drawing read."""
    port, errors = bare_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 5000\r\nConnection: close\r\n\r\n" + b'{"pixels": [0, 0')
        s.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head, _, reply = data.partition(b"\r\n\r\n")
    assert int(head.split()[1]) == 400 and "ended early" in json.loads(reply)["error"], data[:300]
    assert "Traceback" not in errors.read_text()
