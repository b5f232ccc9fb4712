"""What the production-stack tests share: raw replies, our headers, waiting for a condition, and
requests held in progress (to fill a per-address or total limit without racing a clock)."""
from __future__ import annotations

import socket
import threading
import time

from web.security import SECURITY_HEADERS

WAIT_S = 60  # the machine may be busy: a condition gets this long to come true


def has_our_headers(headers) -> bool:
    return all(headers.get(name.lower()) == value for name, value in SECURITY_HEADERS.items())


def raw_reply(data: bytes):
    """(status, headers dict with lower-case names, body) of a raw HTTP reply."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def wait_until(condition, what: str, timeout: float = WAIT_S):
    """condition()'s first true value; fails naming ``what`` if none comes within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout:g} s: {what}")
        time.sleep(0.05)


class HeldRequests:
    """``count`` POSTs to ``path`` whose headers are sent and whose 1,000-byte body never ends: each is
    a request in progress for nginx (its limits count it from the end of its headers) until closed.
    A byte every 2 s keeps nginx's 10 s body timeout from ending them."""

    def __init__(self, port: int, path: str, count: int, headers: dict | None = None, source: str | None = None):
        self.port, self.path, self.count, self.source = port, path, count, source
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> HeldRequests:
        for _ in range(self.count):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=10,
                                         source_address=(self.source, 0) if self.source else None)
            s.sendall(f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      f"Content-Length: 1000\r\n{self.headers}\r\n{{".encode())
            self.sockets.append(s)
        self.thread.start()
        return self

    def _trickle(self):
        while not self.stop.wait(2):
            for s in self.sockets:
                try:
                    s.sendall(b" ")
                except OSError:
                    pass

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        for s in self.sockets:
            s.close()
