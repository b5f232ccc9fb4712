"""Issue 23 (1): the networks' weights are compressed once, at start, and nginx serves them as stored.

nginx compressed /api/network?network=big (585 KB) for every request, ~28 ms of its
one worker's CPU, while every other connection waited. deploy/serve now asks the
app for each network and snapshot at start and stores its replies, gzipped once
(deploy/stored_replies.py). These tests hold that a stored reply is exactly what
the app answers (the same request with a query string nginx does not know goes to
the app: the two are compared), that nginx answered it alone, and that whatever
it did not store still reaches the app. benchmarks/network_gzip.py has the figures.
"""
import gzip
import json
import os
import re

import pytest

from deploy.stack import Stack
from tests.needs import need_nginx
from tests.stack_helpers import has_our_headers, wait_until

# Headers that differ with the framing of one reply, not with what it says.
FRAMING = {"date", "content-length", "transfer-encoding", "connection", "keep-alive"}


@pytest.fixture(scope="module")
def stack():
    need_nginx()
    with Stack(env={"MLP_RATE_LIMIT": "10000"}) as running:
        yield running


def queries(stack):
    """Every query string the page may ask /api/network with (static/js/api.js), as deploy/serve stores them."""
    networks = json.loads(stack.get("/api/networks")[2])
    found = [""]
    for net in networks:
        for k in [None, *range(net["snapshots"])]:
            found.append(f"network={net['id']}" + ("" if k is None else f"&snapshot={k}"))
            if net["default"] and k is not None:
                found.append(f"snapshot={k}")
    return found


def meaning(reply):
    """(status, headers but the framing, body unpacked) of a reply."""
    status, headers, body = reply
    if headers.get("content-encoding") == "gzip" and body:
        body = gzip.decompress(body)
    return status, {k: v for k, v in headers.items() if k not in FRAMING}, body


def served_by(stack, marker):
    """'nginx' or 'app' for the logged request whose line holds ``marker`` ($upstream_response_time: '-' or seconds)."""
    line = wait_until(lambda: next((x for x in stack.log().splitlines() if marker in x), None),
                      f"the access-log line of {marker}")
    return "nginx" if line.split()[-2] == "-" else "app"  # the field before the quoted user agent


def test_every_stored_reply_is_the_apps_own_answer_served_by_nginx_alone(stack):
    """Each query string the page sends, plain and gzipped, GET and HEAD: status, every header that is
    not framing (type, ETag, Cache-Control, Vary, our security headers) and the body unpacked equal the
    app's answer to the same request ('&' added: a query string nginx does not know). Before: the app
    answered both (nginx compressed each time)."""
    asked = queries(stack)
    assert len(asked) >= 20  # 4 networks, the video's 16 snapshots (twice: with and without its id), the default
    for i, query in enumerate(asked):
        for method in ("GET", "HEAD"):
            for encoding in ("gzip", "identity"):
                headers = {"Accept-Encoding": encoding, "User-Agent": f"stored-{i}-{method}-{encoding}"}
                stored = stack.request(method, f"/api/network?{query}", headers=headers)
                app = stack.request(method, f"/api/network?{query}&",
                                    headers={**headers, "User-Agent": f"app-{i}-{method}-{encoding}"})
                assert meaning(stored) == meaning(app), (query, method, encoding)
                assert stored[0] == 200 and has_our_headers(stored[1]), (query, stored[1])
                if encoding == "gzip" and method == "GET":
                    assert stored[1]["content-encoding"] == "gzip" and stored[1]["etag"].startswith('W/"')
                if encoding == "identity":
                    assert "content-encoding" not in stored[1] and stored[1]["etag"].startswith('"')
                assert served_by(stack, f"stored-{i}-{method}-{encoding}") == "nginx", query
                assert served_by(stack, f"app-{i}-{method}-{encoding}") == "app", query


def test_the_default_networks_weights_are_the_pages_first_download(stack):
    status, headers, body = stack.get("/api/network", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["cache-control"] == "public, max-age=3600"
    assert json.loads(gzip.decompress(body))["sizes"] == [784, 16, 16, 10]


@pytest.mark.parametrize("query, headers, status", [
    ("network=big", {"If-None-Match": "ETAG"}, 304),  # the app answers its own conditional requests
    ("network=big", {"Range": "bytes=0-99"}, 200),  # the app sends the whole reply, so nginx does too
    ("network=BIG", {}, 400),  # ids are exact (nginx's maps are case-insensitive unless told)
    ("network=nosuch", {}, 400),  # a network deploy/serve did not store (e.g. trained later): the app's
    ("network=video&snapshot=99", {}, 400),
    ("network=big&snapshot=0", {}, 400),  # big has no snapshots
    ("network=%62ig", {}, 200),  # the same request spelt otherwise: the app's answer, the same weights
], ids=["conditional", "range", "upper case", "unknown network", "snapshot out of range", "no snapshots",
        "percent-encoded"])
def test_what_was_not_stored_is_answered_by_the_app(stack, query, headers, status):
    etag = stack.get("/api/network?network=big", headers={"Accept-Encoding": "gzip"})[1]["etag"]
    headers = {k: v.replace("ETAG", etag) for k, v in headers.items()}
    marker = f"fallthrough-{abs(hash((query, tuple(headers.items()))))}"
    got, reply_headers, body = stack.get(f"/api/network?{query}", headers={**headers, "User-Agent": marker})
    assert got == status, (query, got, body[:200])
    assert served_by(stack, marker) == "app"
    assert has_our_headers(reply_headers)
    if status == 400:
        assert reply_headers["content-type"] == "application/json" and json.loads(body)["error"]
        assert reply_headers["cache-control"] == "no-store"
    if status == 200:
        assert json.loads(body)["sizes"] == [784, 128, 64, 10]


def test_a_post_to_the_weights_is_the_apps_405(stack):
    status, headers, body = stack.request("POST", "/api/network?network=big", body=b"{}",
                                          headers={"Content-Type": "application/json"})
    assert status == 405 and json.loads(body)["error"].startswith("405 Method Not Allowed")
    assert has_our_headers(headers)


def test_nginx_has_a_worker_per_core(stack):
    """It had one: a compression in progress held every connection of the site."""
    cores = len(os.sched_getaffinity(0))
    wait_until(lambda: len(stack.nginx_workers()) == cores, f"{cores} nginx workers")
    assert re.search(rf"{cores} nginx workers", stack.stderr())
