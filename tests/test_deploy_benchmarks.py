"""The production-stack benchmarks run (tiny counts, a few seconds each) and print their figures."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import need_nginx

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[\d,]+(\.\d+)?"


@pytest.fixture(autouse=True)
def nginx_there():
    need_nginx()


def run(script, *args):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_slow_clients_quick():
    out = run("slow_clients.py", "--slow", "16", "--seconds", "2")
    assert "setup: deploy/serve (nginx + gunicorn)" in out
    for path in ("/healthz", "/api/predict"):
        assert re.search(rf"^{path}: {NUMBER} requests, 0 failed, p50 {NUMBER} ms, p99 {NUMBER} ms", out, re.M), out
    assert out.rstrip().endswith("failed: 0"), out


def test_soak_quick():
    out = run("soak.py", "--requests", "300", "--clients", "4", "--rounds", "2")
    assert len(re.findall(r"^round \d: 300 requests from 4 clients .*; 5xx: 0; connection errors: 0;", out, re.M)) == 2
    assert re.search(rf"^server memory \(nginx \+ gunicorn, all processes\): {NUMBER} -> {NUMBER} -> {NUMBER} MiB",
                     out, re.M), out
    assert "tracebacks in the server log: none" in out and out.rstrip().endswith("5xx: 0; connection errors: 0")


def test_reload_quick():
    out = run("reload.py", "--clients", "2", "--seconds", "3")
    for phase in ("before", r"after HUP \(reload\)", "after kill -9 of a worker"):
        assert re.search(rf"^{phase}: {NUMBER} requests, \d+ failed", out, re.M), out
    assert re.search(r"^killed worker replaced after: [\d.]+ s$", out, re.M), out
    assert "reloads seen in the log: 1" in out
    failed = int(re.search(r"^failed: (\d+) of", out, re.M).group(1))
    assert failed <= 2, out  # at most what was in flight on the killed worker


def test_preview_speed_quick():
    out = run("preview_speed.py", "--renders", "10", "--clients", "2", "--seconds", "1")
    assert re.search(rf"^render: {NUMBER} ms CPU per picture \(10 distinct drawings\)", out, re.M), out
    assert re.search(rf"^/healthz while 2 clients ask for distinct previews: {NUMBER} requests, 0 failed", out, re.M)
