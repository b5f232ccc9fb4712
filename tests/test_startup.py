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
        "a folder": tmp_path / "weights",
    }
    files["a folder"].mkdir()
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
        if kind == "a folder":  # issue 23 (8): was "no such file"
            assert lines[0] == f"error: weights file {path}: is a folder, not a weights file: give the path of an .npz file"


# --- the page's own files: i18n catalogs and the template ---------------------------------------

def broken_copy(tmp_path, fault):
    """A copy of the app whose catalogs or template have one fault; the rest links to this clone."""
    import json
    import shutil

    copy = tmp_path / "app"
    copy.mkdir()
    shutil.copy(ROOT / "app.py", copy / "app.py")
    for folder in ("web", "deploy", "templates"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "mlp").symlink_to(ROOT / "mlp")
    (copy / "static").mkdir()
    for entry in (ROOT / "static").iterdir():
        if entry.name != "i18n":
            (copy / "static" / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "static" / "i18n", copy / "static" / "i18n")
    zh = copy / "static" / "i18n" / "zh-TW.json"
    if fault == "catalog missing":
        zh.unlink()
    elif fault == "catalog not JSON":
        zh.write_text('{"page.title": "oops",', encoding="utf-8")
    elif fault == "catalog lacks a key":
        catalog = json.loads(zh.read_text(encoding="utf-8"))
        del catalog["page.title"]
        zh.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    elif fault == "template missing":
        (copy / "templates" / "index.html").unlink()
    elif fault == "template broken":
        page = copy / "templates" / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "{% if %}</body>"), encoding="utf-8")
    return copy


FAULTS = {
    "catalog missing": "error: i18n catalog static/i18n/zh-TW.json: missing",
    "catalog not JSON": "error: i18n catalog static/i18n/zh-TW.json: not valid JSON (Expecting",
    "catalog lacks a key": "error: i18n catalog static/i18n/zh-TW.json: 1 key(s) of en.json missing: 'page.title'",
    "template missing": "error: template templates/index.html: missing",
    "template broken": "error: template templates/index.html: Expected an expression",
}


def one_line_and_exit_1(result, expected):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("fault", FAULTS)
def test_a_bad_catalog_or_template_stops_the_server_with_one_line(tmp_path, server, fault):
    copy = broken_copy(tmp_path, fault)
    result = subprocess.run(SERVERS[server], cwd=copy, env={**os.environ, "PORT": "0"},
                            capture_output=True, text=True, timeout=60)
    one_line_and_exit_1(result, FAULTS[fault])


@pytest.mark.parametrize("fault", ["catalog lacks a key", "template missing"])
def test_deploy_serve_stops_with_the_same_line(tmp_path, fault):
    from deploy.stack import free_port, nginx_path
    if nginx_path() is None:
        reason = "nginx is not installed (apt-get install nginx): deploy/serve cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    copy = broken_copy(tmp_path, fault)
    result = subprocess.run([sys.executable, str(copy / "deploy" / "serve"), str(free_port())], cwd=copy,
                            capture_output=True, text=True, timeout=90)
    one_line_and_exit_1(result, FAULTS[fault])


def test_a_bad_public_url_stops_the_server_with_one_line():
    env = {**os.environ, "MLP_PUBLIC_URL": "digits.example.org", "PORT": "0"}
    result = subprocess.run(SERVERS["python app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    one_line_and_exit_1(result, "error: MLP_PUBLIC_URL 'digits.example.org': must be the site's address")
