"""Run deploy/serve as a real subprocess, for the tests and the benchmarks.

    with Stack() as stack:            # a free port on 127.0.0.1
        stack.get("/healthz")
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.server import free_port  # re-exported: tests and benchmarks import it from here too

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "deploy" / "serve"


def nginx_path() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_kib(pids) -> int:
    """Resident memory of these processes, summed (KiB)."""
    total = 0
    for pid in pids:
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
        except (OSError, AttributeError):
            pass
    return total


class Stack:
    """deploy/serve on a free port; ``env`` adds to the environment (e.g. rate limits)."""

    def __init__(self, env: dict | None = None, serve: Path = SERVE, port: int | None = None):
        self.port = port or free_port()
        self.serve = serve
        self.env = {**os.environ, **(env or {})}
        self.folder = Path(tempfile.mkdtemp(prefix="mlp-stack-"))
        self.access_log = self.folder / "access.log"
        self.errors = self.folder / "serve.err"
        self.process: subprocess.Popen | None = None
        self.nginx_pid = self.gunicorn_pid = None

    def start(self, timeout: float = 60) -> Stack:
        with open(self.access_log, "wb") as out, open(self.errors, "wb") as err:
            self.process = subprocess.Popen([sys.executable, str(self.serve), str(self.port)], cwd=ROOT,
                                            env=self.env, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"deploy/serve exited with {self.process.returncode}: {self.stderr()}")
            found = re.search(r"nginx pid (\d+) in front of gunicorn pid (\d+)", self.stderr())
            if found:
                self.nginx_pid, self.gunicorn_pid = int(found.group(1)), int(found.group(2))
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"deploy/serve did not start within {timeout} s: {self.stderr()}")

    def stop(self, timeout: float = 30) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else 0

    def cleanup(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.cleanup()  # its output is in the exception's message
            raise

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()

    def stderr(self) -> str:
        return self.errors.read_text(errors="replace")

    def log(self) -> str:
        return self.access_log.read_text(errors="replace")

    def pids(self) -> list[int]:
        """nginx and gunicorn, masters and workers (for memory figures)."""
        masters = [p for p in (self.nginx_pid, self.gunicorn_pid) if p]
        return masters + [c for m in masters for c in children_of(m)]

    def gunicorn_workers(self) -> list[int]:
        return children_of(self.gunicorn_pid) if self.gunicorn_pid else []

    def run_folder(self) -> Path | None:
        found = re.search(r"; run folder (\S+)$", self.stderr(), re.M)
        return Path(found.group(1)) if found else None

    def nginx_workers(self) -> list[int]:
        return children_of(self.nginx_pid) if self.nginx_pid else []

    def request(self, method, path, body=None, headers=None, timeout=10, source=None):
        """(status, headers as a dict with lower-case names, body bytes); ``source``: the client's
        address (another 127.x.y.z is another client to nginx's per-address limits)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            reply = conn.getresponse()
            return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def raw(self, data: bytes, timeout=10, source=None) -> bytes:
        """Send bytes as they are; the whole reply (the server closes the connection)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout,
                                      source_address=(source, 0) if source else None) as s:
            s.sendall(data)
            parts = []
            while chunk := s.recv(65536):
                parts.append(chunk)
        return b"".join(parts)
