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
    # Issue 23 (9): it once said "not seen" (the worker was killed mid-reload, or waited for by the clock).
    assert re.search(r"^reload over \(every worker new\) after: [\d.]+ s$", out, re.M), out
    assert re.search(r"^killed worker replaced after: [\d.]+ s$", out, re.M), out
    assert "reloads seen in the log: 1" in out
    failed = int(re.search(r"^failed: (\d+) of", out, re.M).group(1))
    assert failed <= 2, out  # at most what was in flight on the killed worker


def test_preview_speed_quick():
    out = run("preview_speed.py", "--renders", "10", "--clients", "2", "--seconds", "1")
    assert re.search(rf"^render: {NUMBER} ms CPU per picture \(10 distinct drawings\)", out, re.M), out
    assert re.search(rf"^/healthz while 2 clients ask for distinct previews: {NUMBER} requests, 0 failed", out, re.M)


def test_network_gzip_quick():
    out = run("network_gzip.py", "--clients", "2", "--seconds", "1", "--requests", "5")
    assert re.search(r"^setup: .*deploy/serve \(nginx, \d+ workers?, in front of gunicorn\)", out, re.M), out
    for encoding in ("gzip", "plain"):
        assert re.search(rf"^nginx CPU per request, {encoding}: stored {NUMBER} ms, compressed per request "
                         rf"{NUMBER} ms \({NUMBER}x\)$", out, re.M), out
    for way in ("stored", "compressed per request"):
        assert re.search(rf"^/healthz while 2 clients loop on the weights \({way}\): {NUMBER} requests, 0 failed, "
                         rf"p50 {NUMBER} ms, p99 {NUMBER} ms", out, re.M), out
    assert re.search(rf"^2 clients: /healthz p99 compressed per request / stored = {NUMBER}x$", out, re.M), out
