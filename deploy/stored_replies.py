"""The networks' weights and snapshots as the app answers them, stored compressed at start (issue 23, 1).

A /api/network reply never changes while the server runs, yet nginx compressed it
again for every request: ~28 ms of its CPU for the big network's 585 KB, while
every other connection it holds waits. At start, deploy/serve asks the running app
(over gunicorn's socket, as the page asks: ``?network=ID``, ``&snapshot=K``, and
the default network without an id) for every network and snapshot, and writes
each reply's body into the run folder's ``stored/``, plain and gzipped once.
stored.conf maps each of those query strings to its file, with the ETag and
Cache-Control the app sent, and nginx serves the file (``gzip_static``): a
request costs a copy, not a compression.

Anything else goes to the app: another query string, a conditional or ranged
request (the app answers its own 304s), another method, and a network the app
learns of after the start (their ids are in no map). A stored reply is therefore
always the app's own answer to that very request; tests/test_deploy.py compares
the two through the real stack.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

QUERY = re.compile(r"[A-Za-z0-9=&_-]*")  # what a stored query string may hold (the map matches it exactly)
TIMEOUT = 60  # seconds for one reply of the app (the machine may be busy)


class StoreError(RuntimeError):
    """The app did not answer as expected; ``str()`` says what it answered."""


@dataclass
class Stored:
    file: str  # in stored/: FILE and FILE.gz
    etag: str
    cache_control: str
    queries: list = field(default_factory=list)  # the query strings it answers


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def ask(sock: Path, path: str, host: str):
    """(status, headers with lower-case names, body) of GET ``path`` from the app on ``sock``."""
    conn = _UnixConnection(sock, TIMEOUT)
    try:
        conn.request("GET", path, headers={"Host": host})
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


def queries_of(networks) -> list[str]:
    """The query strings the page sends for every network and snapshot (static/js/api.js), the
    default network's also without its id."""
    queries = []
    for net in networks:
        for k in [None, *range(net["snapshots"])]:
            snapshot = [] if k is None else [f"snapshot={k}"]
            queries.append("&".join([f"network={net['id']}", *snapshot]))
            if net["default"]:
                queries.append("&".join(snapshot))
    return queries


def store(run: Path, sock: Path, host: str) -> list[Stored]:
    """Ask the app for every network and snapshot, write the replies into run/stored/, and the map
    (stored.conf) nginx serves them by. Replies with the same body and ETag share one file."""
    status, _, body = ask(sock, "/api/networks", host)
    if status != 200:
        raise StoreError(f"GET /api/networks answered {status}: {body[:200]!r}")
    folder = run / "stored"
    folder.mkdir(exist_ok=True)
    by_reply: dict[tuple, Stored] = {}
    for query in queries_of(json.loads(body)):
        if not QUERY.fullmatch(query):
            continue  # an id the map could not match exactly: left to the app
        status, headers, body = ask(sock, f"/api/network?{query}" if query else "/api/network", host)
        if status != 200 or headers.get("content-type") != "application/json" or "etag" not in headers:
            raise StoreError(f"GET /api/network?{query} answered {status} {headers.get('content-type')}: "
                             f"{body[:200]!r}")
        key = (hashlib.sha256(body).hexdigest(), headers["etag"], headers.get("cache-control", ""))
        if key not in by_reply:
            name = f"{len(by_reply)}.json"
            (folder / name).write_bytes(body)
            (folder / f"{name}.gz").write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
            by_reply[key] = Stored(name, headers["etag"], headers.get("cache-control", ""))
        by_reply[key].queries.append(query)
    replies = list(by_reply.values())
    write_map(run, replies)
    return replies


def _value(text: str) -> str:
    if any(c in text for c in "'\\\n{};$"):
        raise StoreError(f"the app's header value {text!r} cannot be written into the nginx config")
    return f"'{text}'"


def write_map(run: Path, replies: list[Stored]):
    """stored.conf: which file answers a request (plain GET or HEAD only, exact query string), and
    the headers the app sent with it. The gzipped file's ETag is weak, as nginx makes the app's
    when it compresses a reply itself."""
    files = [f'        "~^1:{query}$" {r.file};' for r in replies for query in r.queries]
    etags = [f"        {r.file} {_value(r.etag)};" for r in replies]
    caches = [f"        {r.file} {_value(r.cache_control)};" for r in replies]
    text = "\n".join([
        "# Written by deploy/serve from the app's replies at start (deploy/stored_replies.py).",
        'map "$request_method:$http_if_none_match$http_if_match$http_if_modified_since'
        '$http_if_unmodified_since$http_range$http_if_range" $stored_plain {',
        '        "GET:" 1;', '        "HEAD:" 1;', "        default 0;", "}",
        'map "$stored_plain:$args" $stored_file {', '        default "-";', *files, "}",
        "map $stored_file $stored_etag_strong {", '        default "";', *etags, "}",
        'map "$sent_http_content_encoding:$stored_etag_strong" $stored_etag {',
        '        "~^gzip:(\\".*)$" "W/$1";', "        default $stored_etag_strong;", "}",
        "map $stored_file $stored_cache_control {", '        default "";', *caches, "}",
    ])
    (run / "stored.conf").write_text(text + "\n", encoding="utf-8")
