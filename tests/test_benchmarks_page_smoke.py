"""benchmarks/page_speed.py runs (with tiny counts) in a real browser and prints its three figures.

No timing is asserted: the machine may be busy. Needs playwright and a Chromium, as the e2e tests do.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("playwright")

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[\d,]+(\.\d+)?"


def test_page_speed_quick_prints_the_three_figures():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "page_speed.py"), "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    summary = out[out.index("==== page speed summary ===="):]
    # Pointer to paint: every change on the pad timed to the first paint that shows it.
    assert re.search(rf"^pointer to paint: p50 {NUMBER} ms, p95 {NUMBER} ms, max {NUMBER} ms over [1-9]\d* changes",
                     summary, re.M), out
    assert "never painted: 0" in out, out
    # Smooth: frame intervals while drawing, and how long the network took to draw.
    assert re.search(rf"^frames: p50 {NUMBER} ms, p95 {NUMBER} ms interval .*network draw on the main thread "
                     rf"p50 {NUMBER} ms, p95 {NUMBER} ms", summary, re.M), out
    # Light: the first load's requests and bytes, each request listed.
    load = re.search(rf"^first load: (\d+) requests, {NUMBER} KB transferred", summary, re.M)
    assert load, out
    listed = re.findall(r"^  \d{3} \w+ +[\d,]+ B body +[\d,]+ B transferred  (\S+)$", out, re.M)
    assert len(listed) == int(load.group(1)), out
    paths = [url.split("?")[0] for url in listed]  # the page asks /api/network?network=ID
    assert "/" in paths and paths.count("/api/network") == 1, listed  # only the network it shows
