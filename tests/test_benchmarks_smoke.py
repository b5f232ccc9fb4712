"""The benchmarks run (with tiny iteration counts) and print their figures."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[\d,]+(\.\d+)?"


def run(script, *args):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_train_speed_quick():
    out = run("train_speed.py", "--quick")
    assert re.search(rf"^ours: +{NUMBER} samples/s median, +{NUMBER} best", out, re.M), out
    torch_line = re.search(rf"^pytorch: +{NUMBER} samples/s median", out, re.M)
    if torch_line:
        assert re.search(rf"^ratio ours/pytorch: {NUMBER}x \(medians\), {NUMBER}x \(best\)$", out, re.M), out
    else:
        assert "pytorch: not installed" in out, out
    assert re.search(r"^time to 96% test accuracy: ", out, re.M), out


def test_train_speed_random_data_without_torch():
    out = run("train_speed.py", "--quick", "--random", "--no-torch", "--no-accuracy", "--optimizer", "sgd",
              "--loss", "mse")
    assert "random data" in out and "pytorch: skipped" in out
    assert re.search(rf"^ours: +{NUMBER} samples/s", out, re.M), out
    assert "time to" not in out


def test_forward_pass_quick():
    out = run("forward_pass.py", "--quick")
    for name in ("one image", "batch of 10,000"):
        assert re.search(rf"^ +{name} +{NUMBER} (us|ms) +{NUMBER} (us|ms) +{NUMBER}x$", out, re.M), out
    assert re.search(rf"^batch throughput: Network.forward {NUMBER} images/s, simple loop {NUMBER} images/s$",
                     out, re.M), out


def test_request_bounds_quick():
    """Each route's costliest request beside an ordinary one: every row printed, the refused ones refused."""
    out = run("request_bounds.py", "--number", "2", "--rounds", "1")
    rows = re.findall(rf"^(/\S*) +(.+?) +(\d{{3}}) +{NUMBER} us$", out, re.M)
    assert len(rows) >= 14 and {row[0] for row in rows} >= {"/healthz", "/api/predict", "/api/explain",
                                                                  "/api/share", "/", "/preview.png"}, out
    assert all(status == ("400" if "(refused)" in what else "200") for _, what, status, _ in rows), out


def test_predict_cost_quick():
    """A prediction's CPU beside /healthz and the floor's, in one process (instruction counts: valgrind, not here)."""
    out = run("predict_cost.py", "--number", "3", "--rounds", "1")
    for route in ("healthz", "predict", "floor"):
        assert re.search(rf"^{route} +CPU +{NUMBER} us/request$", out, re.M), out
    assert re.search(rf"^ratio healthz/predict, CPU: {NUMBER} \(predict \+{NUMBER} us beside healthz\)$", out, re.M), out
    assert re.search(rf"^ratio healthz/floor, CPU: {NUMBER}$", out, re.M), out


def test_load_test_quick():
    """The production server (gunicorn) under a tiny bounded load: no errors, figures printed."""
    out = run("load_test.py", "--requests", "60", "--clients", "4", "--compare", "--floor", "--rounds", "2")
    for route in (r"/api/predict \(bytes\)", "/healthz"):
        assert re.search(rf"^{route}: 60 requests, 0 errors, {NUMBER} req/s, p50 {NUMBER} ms, p99 {NUMBER} ms, "
                         rf"server CPU {NUMBER}, client CPU {NUMBER} us/request$", out, re.M), out
    assert re.search(rf"^server memory: {NUMBER} MiB before, {NUMBER} MiB after", out, re.M), out
    assert re.search(rf"^ratio predict/healthz: {NUMBER}$", out, re.M), out
    assert re.search(r"^POST body only \(floor\): 60 requests, 0 errors", out, re.M), out
    assert re.search(rf"^floor ratio POST/healthz: {NUMBER}$", out, re.M), out
    assert out.rstrip().endswith("errors: 0"), out


@pytest.mark.data  # trains on MNIST
def test_train_presets_quick():
    """Issue 25: presets trained cold, warm and through gunicorn's API, and /healthz while clients train."""
    out = run("train_presets.py", "--quick", "--clients", "2", "--rounds", "1", "--probes", "50")
    assert re.search(rf"^cold video: t1\.784-16-16-10\.sigmoid\.10000x3\.s7 {NUMBER} s in a new process", out, re.M), out
    for key in ("video", "video-relu", "no-hidden", "one-neuron", "two-two"):
        assert re.search(rf"^{key}: t1\.\S+ {NUMBER} s wall, {NUMBER} s CPU, estimate {NUMBER} s, "
                         rf"test accuracy {NUMBER}$", out, re.M), out
    assert re.search(rf"^api video: first ask {NUMBER} s, again {NUMBER} s", out, re.M), out
    for name in ("without training", "with 2 clients training"):
        assert re.search(rf"^healthz {name}: 50 requests, p50 {NUMBER} ms, p99 {NUMBER} ms", out, re.M), out
    assert re.search(rf"^trainings asked meanwhile: {NUMBER} trained \(200\)", out, re.M), out
    assert re.search(rf"^ratio healthz p99 with/without training: {NUMBER}$", out, re.M), out
    assert out.rstrip().endswith("errors: 0"), out
