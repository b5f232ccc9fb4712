"""A bad weights file stops the server at start-up: one clear line, exit status 1, no traceback."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlp import weights_io

ROOT = Path(__file__).resolve().parent.parent


def bad_files(tmp_path):
    good = weights_io.DEFAULT_WEIGHTS.read_bytes()
    files = {
        "missing": tmp_path / "nowhere.npz",
        "truncated": tmp_path / "truncated.npz",
        "not an npz": tmp_path / "text.npz",
    }
    files["truncated"].write_bytes(good[: len(good) // 2])
    files["not an npz"].write_text("hello")
    return files


SERVERS = {
    "python app.py": [sys.executable, "app.py"],
    "gunicorn": [sys.executable, "-m", "gunicorn", "--preload", "--workers", "1", "--bind", "127.0.0.1:0",
                 "app:create_app_or_exit()"],
}


@pytest.mark.parametrize("server", SERVERS)
def test_bad_weights_stop_the_server_with_one_line(tmp_path, server):
    for kind, path in bad_files(tmp_path).items():
        env = {**os.environ, "MLP_WEIGHTS": str(path), "PORT": "0"}
        result = subprocess.run(SERVERS[server], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, (kind, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: weights file {path}"), (kind, result.stderr)
        assert "Traceback" not in result.stderr
