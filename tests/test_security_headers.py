"""The Content-Security-Policy is stated once (web/security.py) and is what every answer carries."""
import re
from pathlib import Path

from web.security import CSP, SECURITY_HEADERS

ROOT = Path(__file__).resolve().parent.parent


def test_every_answer_carries_the_one_policy(client):
    for r in (client.get("/"), client.get("/api/network"), client.get("/healthz"), client.get("/nothing"),
              client.post("/api/predict", data="{", content_type="application/json")):
        assert r.headers["Content-Security-Policy"] == CSP == SECURITY_HEADERS["Content-Security-Policy"]


def test_the_page_has_no_second_policy(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"http-equiv\s*=\s*[\"']?content-security-policy", html, re.I)


def test_no_other_file_writes_a_policy():
    # A policy's first directive, anywhere in the app's own files, but its one home.
    homes = [path.relative_to(ROOT).as_posix()
             for folder in ("templates", "static", "web", "deploy", "mlp") for path in (ROOT / folder).rglob("*")
             if path.is_file() and path.suffix in {".py", ".html", ".js", ".css", ".json", ".template", ""}
             and "default-src" in path.read_text(encoding="utf-8", errors="replace")]
    homes += ["app.py"] if "default-src" in (ROOT / "app.py").read_text(encoding="utf-8") else []
    assert homes == ["web/security.py"]


def test_the_policy_forbids_inline_code_and_plugins():
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"


def test_the_compact_reply_brings_the_headers_add_headers_gives(client):
    """/api/predict's compact reply is made with its headers (web/security.py's API_HEADERS, issue 23): the
    same names, values and order as the numbers form's, which jsonify and add_headers make, bar the length."""
    import base64
    grey = bytes(range(0, 256, 3))[:784].ljust(784, b"\0")
    compact = client.post("/api/predict", json={"pixels": base64.b64encode(grey).decode()})
    numbers = client.post("/api/predict", json={"pixels": [k / 255 for k in grey]})
    assert compact.status_code == numbers.status_code == 200
    assert compact.headers["Content-Length"] == str(len(compact.get_data()))

    def others(r):
        return [(k, v) for k, v in r.headers.items() if k != "Content-Length"]
    assert others(compact) == others(numbers)
    assert ("Cache-Control", "no-store") in others(compact)
