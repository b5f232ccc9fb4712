"""Issue 23 (3-6), through the real stack: who may ask what, as whom, and what every refusal looks like.

- 5: the public address is stated (MLP_PUBLIC_URL, or this machine's own), a Host the site
  does not answer to is refused, nginx sets the forwarded headers itself, redirects are relative.
- 6: every reply, whoever writes it (nginx, gunicorn, the app), carries our headers; errors are
  JSON and no-store. gunicorn gets only requests nginx wrote, so its bare HTML refusals are gone.
- 4: MLP_TRUSTED_PROXIES (off by default): behind a proxy, X-Forwarded-For names the visitor.
- 3: the costly routes have their own rates and a cap on requests in progress: 429 with
  Retry-After at once, never a queue.
Each test failed on the stack as it was (see the docstrings for what it did).
"""
import gzip
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from deploy.stack import ROOT, SERVE, Stack, free_port
from tests.needs import need_nginx
from tests.stack_helpers import HeldRequests, has_our_headers, raw_reply, wait_until
from web import sharelink

PUBLIC_URL = "https://digits.example.org"
CODE = sharelink.encode(np.eye(28).reshape(-1))


@pytest.fixture(scope="module")
def local():
    """deploy/serve as the README starts it: no MLP_PUBLIC_URL, so this machine's site only."""
    need_nginx()
    with Stack(env={"MLP_RATE_LIMIT": "10000", "MLP_PUBLIC_URL": ""}) as running:
        yield running


@pytest.fixture(scope="module")
def public():
    need_nginx()
    with Stack(env={"MLP_PUBLIC_URL": PUBLIC_URL, "MLP_TRUSTED_HOSTS": ".example.net",
                    "MLP_RATE_LIMIT": "10000"}) as running:
        yield running


def og_image(page: bytes):
    found = re.findall(r'<meta property="og:image" content="([^"]*)"', page.decode())
    return found[0] if found else None


def json_error(reply, status):
    got, headers, body = reply
    assert got == status, (got, headers, body[:300])
    assert headers["content-type"] == "application/json", headers
    assert has_our_headers(headers) and headers["cache-control"] == "no-store", headers
    return json.loads(body)["error"]


# --- 5: the Host header ------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "xn--80ak6aa92e.com", "evil.example:80"])
@pytest.mark.parametrize("path", ["/", f"/?d={CODE}", "/api/network?network=big", "/static//js/main.js",
                                  "/healthz"])
def test_a_host_the_site_does_not_answer_to_is_refused(local, public, host, path):
    """Before: 200 with og:image https://evil.example/... (a punycode host as its look-alike аррӏе.com),
    and a cacheable 308 to http://evil.example/static/js/main.js."""
    for stack in (local, public):
        error = json_error(stack.get(path, headers={"Host": host}), 400)
        assert error == "400 Bad Request: this site does not answer to the host name in the request (Host)"


def test_without_a_public_url_the_site_is_this_machines(local):
    for host in (f"127.0.0.1:{local.port}", f"localhost:{local.port}"):
        status, _, page = local.get(f"/?d={CODE}", headers={"Host": host})
        assert status == 200 and og_image(page) == f"http://127.0.0.1:{local.port}/preview.png?d={CODE}", host
    assert "MLP_PUBLIC_URL is not set: the site is this machine's only" in local.stderr()


def test_with_a_public_url_links_use_it_whatever_the_host(public):
    for host in ("digits.example.org", "www.example.net", "example.net", f"127.0.0.1:{public.port}"):
        status, _, page = public.get(f"/?d={CODE}", headers={"Host": host, "X-Forwarded-Proto": "http"})
        assert status == 200 and og_image(page) == f"{PUBLIC_URL}/preview.png?d={CODE}", host


@pytest.mark.parametrize("forged", [{}, {"X-Forwarded-Proto": "https"}, {"X-Forwarded-Host": "evil.example"},
                                    {"Forwarded": "host=evil.example;proto=https"}])
def test_no_redirect_names_a_host_or_scheme_the_client_sent(public, forged):
    """Before: a 308 to http(s)://HOST/static/js/main.js, HOST and scheme as the client sent them. nginx
    makes the app's redirects relative; the app itself no longer redirects a doubled slash (a 404)."""
    status, headers, _ = public.get("/static//js/main.js", headers={"Host": "digits.example.org", **forged})
    assert status == 404 and "location" not in headers, headers
    assert has_our_headers(headers)


def test_contradictory_scheme_headers_reach_nobody(public):
    """Before: gunicorn's bare HTML 400 'Contradictory scheme headers' (nginx passed both on)."""
    status, headers, body = public.get("/api/networks", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "off", "X-Forwarded-Protocol": "ssl"})
    assert status == 200 and json.loads(body)[0]["id"] == "video" and has_our_headers(headers)


@pytest.mark.parametrize("env, says", [
    ({"MLP_TRUSTED_HOSTS": "digits.example.org"}, "error: MLP_TRUSTED_HOSTS is set but MLP_PUBLIC_URL is not"),
    ({"MLP_PUBLIC_URL": "digits.example.org"}, "error: MLP_PUBLIC_URL 'digits.example.org': must be the site's"),
    ({"MLP_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"},
     "error: MLP_TRUSTED_PROXIES '10.0.0.0/8, proxy.example': must be addresses or networks"),
    ({"MLP_COSTLY_CONN_LIMIT": "0"}, "error: MLP_COSTLY_CONN_LIMIT='0': must be a whole number, at least 1"),
    ({"MLP_PUBLIC_URL": "https://[2001:db8::1]:8443"}, "error: MLP_PUBLIC_URL 'https://[2001:db8::1]:8443': name "
                                                       "the site by a host name, not an IPv6 address"),
], ids=["trusted hosts without a public url", "bad public url", "bad proxy", "bad costly limit", "an IPv6 address"])
def test_bad_settings_stop_serve_with_one_line(env, says):
    need_nginx()
    result = subprocess.run([sys.executable, str(SERVE), str(free_port())], cwd=ROOT, capture_output=True,
                            text=True, timeout=90, env={**os.environ, "MLP_PUBLIC_URL": "", **env})
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith(says), result.stderr


# --- 6: every refusal, whoever writes it -------------------------------------------------------

def request(line: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    return line + b"\r\nHost: 127.0.0.1\r\n" + b"".join(h + b"\r\n" for h in headers) + \
        b"Connection: close\r\n\r\n" + body


REFUSALS = {
    # nginx's own, which were its bare text/html pages:
    "TRACE": (request(b"TRACE /api/networks HTTP/1.1"), 405, "405 Method Not Allowed"),
    "Transfer-Encoding: gzip": (request(b"POST /api/predict HTTP/1.1", b"Transfer-Encoding: gzip"), 501,
                                "501 Not Implemented"),
    "HTTP/2.0 request line": (request(b"GET /api/networks HTTP/2.0"), 505, "505 HTTP Version Not Supported"),
    # gunicorn's, which nginx passed on (bare HTML 400, 431): refused by nginx now, or never sent to gunicorn
    "a method gunicorn refuses": (request(b"AB /api/networks HTTP/1.1"), 405, "405 Method Not Allowed"),
    "a raw byte in the address": (request(b"GET /api/caf\xc3\xa9 HTTP/1.1"), 400, "400 Bad Request"),
    "a control character in a header": (request(b"GET /api/networks HTTP/1.1", b"Cookie: lang=\x01en"), 400,
                                        "400 Bad Request"),
}
PASSED_ON_CLEAN = {
    "101 headers": request(b"GET /api/networks HTTP/1.1", *(b"X-H%d: y" % i for i in range(101))),
    "two Content-Types": request(b"POST /api/networks HTTP/1.1", b"Content-Type: application/json",
                                 b"Content-Type: text/plain", b"Content-Length: 2", body=b"{}"),
    "a header with an underscore": request(b"GET /api/networks HTTP/1.1", b"Script_Name: /x"),
    "contradictory scheme headers": request(b"GET /api/networks HTTP/1.1", b"X-Forwarded-Proto: https",
                                            b"X-Forwarded-Ssl: off"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_are_json_with_our_headers(local, case):
    data, status, starts = REFUSALS[case]
    reply = raw_reply(local.raw(data))
    assert json_error(reply, status).startswith(starts)
    if status == 405:
        assert reply[1]["allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize("case", PASSED_ON_CLEAN)
def test_what_gunicorn_refused_is_passed_on_as_nginx_writes_it(local, case):
    """Before: gunicorn's bare text/html 400 or 431, no CSP, nosniff or no-store."""
    status, headers, body = raw_reply(local.raw(PASSED_ON_CLEAN[case]))
    assert headers["content-type"] == "application/json" and has_our_headers(headers), (status, headers, body)
    if status == 200:
        assert json.loads(body)[0]["id"] == "video"
    else:  # the app's own answer (POST to a GET route)
        assert status == 405 and json.loads(body)["error"].startswith("405 Method Not Allowed")
    assert "Invalid request from ip" not in local.stderr()  # gunicorn's log line for its own refusals


def test_a_compressed_body_is_a_415_that_says_so(local):
    """Issue 23 (8): a gzip body was 'the body is not UTF-8 text' (400), and nginx did not pass
    Content-Encoding on; now both ways of sending one are a 415 from the app that says what to send."""
    body = gzip.compress(json.dumps({"pixels": [0.0] * 784}).encode())
    said = {"415 Unsupported Media Type: the body is compressed (Content-Encoding: gzip)": {"Content-Encoding": "gzip"},
            "the body is compressed (gzip or deflate)": {}}  # no header: the app knows gzip by its first bytes
    for starts, encoding in said.items():
        reply = local.request("POST", "/api/predict", body=body,
                              headers={"Content-Type": "application/json", **encoding})
        assert json_error(reply, 415).startswith(starts)
    assert local.request("POST", "/api/predict", body=json.dumps({"pixels": [0.0] * 784}),
                         headers={"Content-Type": "application/json", "Content-Encoding": "identity"})[0] == 200


# --- 4: trusted proxies ------------------------------------------------------------------------

def logged_address(stack, marker):
    line = wait_until(lambda: next((x for x in stack.log().splitlines() if marker in x), None),
                      f"the access-log line of {marker}")
    return line.split()[0]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(local):
    local.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9", "User-Agent": "xff-ignored"})
    assert logged_address(local, "xff-ignored") == "127.0.0.1"


def test_trusted_proxies_name_the_visitor_who_gets_their_own_limits():
    """Before: no real-IP handling at all, so behind a proxy every visitor shared one address, its
    limits and its log entries. Only the listed proxy is believed: from 127.0.0.2, X-Forwarded-For
    is the client's own say-so and is ignored."""
    need_nginx()
    with Stack(env={"MLP_TRUSTED_PROXIES": "127.0.0.1", "MLP_CONN_LIMIT": "2"}) as stack:
        stack.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "User-Agent": "via-proxy"})
        assert logged_address(stack, "via-proxy") == "203.0.113.9"  # the address the proxy saw
        stack.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9", "User-Agent": "not-via"},
                  source="127.0.0.2")
        assert logged_address(stack, "not-via") == "127.0.0.2"

        visitor = {"X-Forwarded-For": "203.0.113.1"}
        with HeldRequests(stack.port, "/api/predict", 2, headers=visitor):
            error = wait_until(lambda: (r := stack.get("/healthz", headers=visitor))[0] == 429 and r,
                               "the visitor's third request refused")
            assert json_error(error, 429).startswith("429 Too Many Requests")
            assert stack.get("/healthz", headers={"X-Forwarded-For": "203.0.113.2"})[0] == 200  # another visitor


# --- 3: the costly routes ----------------------------------------------------------------------

def explain(stack, headers=None, source=None):
    body = json.dumps({"pixels": np.eye(28).reshape(-1).tolist()})
    return stack.request("POST", "/api/explain", body=body, source=source,
                         headers={"Content-Type": "application/json", **(headers or {})})


def test_explanations_have_their_own_rate():
    """Before: /api/explain shared the general 200/s (bursts of 400)."""
    need_nginx()
    with Stack(env={"MLP_EXPLAIN_RATE_LIMIT": "1"}) as stack:
        refused = wait_until(lambda: (r := explain(stack))[0] == 429 and r, "an explanation refused (1/s, burst 2)",
                             timeout=120)
        assert json_error(refused, 429).startswith("429 Too Many Requests")
        assert refused[1]["retry-after"] == "1"
        body = json.dumps({"pixels": [0.0] * 784})
        assert stack.request("POST", "/api/predict", body=body, headers={"Content-Type": "application/json"})[0] == 200


def test_costly_requests_in_progress_are_capped_per_address_and_for_everyone():
    """Before: 64 requests in progress per address on any route, none for everyone: a few clients
    could fill gunicorn's threads with explanations and previews while /healthz waited behind them."""
    need_nginx()
    env = {"MLP_TRUSTED_PROXIES": "127.0.0.1", "MLP_COSTLY_CONN_LIMIT": "2", "MLP_WORKERS": "2",
           "MLP_THREADS": "4", "MLP_EXPLAIN_RATE_LIMIT": "1000"}  # for everyone: 2 x 4 / 2 = 4
    with Stack(env=env) as stack:
        a, b, c = ({"X-Forwarded-For": f"203.0.113.{k}"} for k in (1, 2, 3))
        with HeldRequests(stack.port, "/api/explain", 2, headers=a):
            refused = wait_until(lambda: (r := explain(stack, a))[0] == 429 and r,
                                 "a's third explanation refused (2 per address)")
            assert json_error(refused, 429).startswith("429 Too Many Requests")
            assert refused[1]["retry-after"] == "1"
            assert explain(stack, b)[0] == 200  # 3 in progress of everyone's 4
            with HeldRequests(stack.port, "/preview.png", 2, headers=b):
                # Everyone's cap is full: c is refused on a costly route, served on the others.
                wait_until(lambda: explain(stack, c)[0] == 429, "c's explanation refused (4 for everyone)")
                assert stack.get("/api/networks", headers=c)[0] == 200
        assert wait_until(lambda: explain(stack, c)[0] == 200, "explanations again once the held ones end")


def test_training_on_demand_is_limited_per_minute(local):
    """POST /api/train (issue 25) has its own rate, per minute: a few at once (the burst), then a 429 with
    Retry-After at once, never a queue. Bad recipes cost the app nothing and still count."""
    def train():
        return local.request("POST", "/api/train", body=b"{}", headers={"Content-Type": "application/json"})

    status, headers, body = train()
    assert status == 400 and has_our_headers(headers)
    assert "hidden" in json_error((status, headers, body), 400)  # the app's own words: what a recipe needs
    refused = wait_until(lambda: (r := train())[0] == 429 and r, "a training refused (6 a minute, bursts of 3)")
    assert json_error(refused, 429).startswith("429 Too Many Requests")
    assert refused[1]["retry-after"] == "10"
    config = (local.run_folder() / "nginx.conf").read_text()
    assert re.search(r"zone=train:10m rate=6r/m;", config) and '"~^/api/train(\\?|$)" 10;' in config
    assert local.get("/healthz")[0] == 200  # the other routes go on
