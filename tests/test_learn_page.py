"""Watch it learn's button (issue 16, part 4) as the server renders it: there, naming how many snapshots
the page's network has, when it has some; hidden for a network shipped without them. The page learns
this from the server's own render (no request at load), and it agrees with GET /api/snapshots."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from app import create_app

ROOT = Path(__file__).resolve().parent.parent


def learn_chip(html):
    m = re.search(r'<button[^>]*data-testid="learn-open"[^>]*>', html)
    assert m, "the page has no Watch it learn button"
    return m.group(0)


def test_the_button_names_the_networks_snapshots(client):
    count = len(client.get("/api/snapshots").get_json()["snapshots"])
    assert count >= 10
    chip = learn_chip(client.get("/").get_data(as_text=True))
    assert f'data-snapshots="{count}"' in chip
    assert not re.search(r"\shidden\b", chip)


def test_a_network_without_snapshots_has_it_hidden(tmp_path):
    weights = tmp_path / "alone.npz"  # the shipped weights without their snapshots file beside them
    shutil.copy(ROOT / "mlp" / "weights" / "mnist_784_16_16_10.npz", weights)
    client = create_app({"TESTING": True, "WEIGHTS": str(weights)}).test_client()
    assert client.get("/api/snapshots").get_json()["snapshots"] == []
    assert client.get("/api/network?snapshot=0").status_code == 400
    chip = learn_chip(client.get("/").get_data(as_text=True))
    assert 'data-snapshots="0"' in chip
    assert re.search(r"\shidden\b", chip)
