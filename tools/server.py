"""Start the app as a real server process on a free port of 127.0.0.1, and wait until it answers.

    with AppServer() as server:          # python app.py
        urllib.request.urlopen(server.url + "/healthz")

The e2e tests, benchmarks/page_speed.py, tools/digit_survey.py and deploy/stack.py
all start servers this way; benchmarks/load_test.py starts gunicorn with ``wait_until_healthy``.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The machine may be busy (training runs beside the tests): waits are generous.
STARTUP_S = 120


class ServerError(RuntimeError):
    """The server exited or did not answer in time; ``str()`` holds its output."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int, path: str = "/healthz", timeout: float = 5) -> bool:
    """Whether the server on ``port`` answers ``path`` with 200."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", path)
            return conn.getresponse().status == 200
        finally:
            conn.close()
    except OSError:
        return False


def wait_until_healthy(process: subprocess.Popen, port: int, timeout: float = STARTUP_S, what: str = "the server",
                       output=lambda: "") -> None:
    """Return once ``process`` answers /healthz on ``port``; a ServerError when it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerError(f"{what} exited with {process.returncode}:\n{output()}")
        if answers(port):
            return
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not answer /healthz within {timeout:g} s:\n{output()}")
        time.sleep(0.1)


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class AppServer:
    """``python app.py`` on a free port, from the repo root; ``env`` adds to the environment."""

    def __init__(self, env: dict | None = None, timeout: float = STARTUP_S):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {}), "PORT": str(self.port)}
        self.env.pop("FLASK_DEBUG", None)  # the reloader would fork a second process we could not stop
        self.timeout = timeout
        self.process: subprocess.Popen | None = None

    def start(self) -> AppServer:
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(self.process, self.port, self.timeout, "app.py", self.output)
        except ServerError:
            self.stop()
            raise
        return self

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process:
            stop(self.process)
            self.log.close()
            self.process = None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
