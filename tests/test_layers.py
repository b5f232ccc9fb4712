"""mlp/ is the network: none of its modules imports the web layer (web/, app.py), a web framework or the test tools."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ("web", "app", "flask", "werkzeug", "jinja2", "gunicorn", "tools", "deploy")  # the web layer, its servers, test tools


def imported_modules(path: Path):
    """Every module a file imports, absolute names (relative imports resolved inside mlp)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("mlp." if node.level else "") + (node.module or "")


def test_mlp_imports_nothing_of_the_web():
    files = sorted((ROOT / "mlp").glob("*.py"))
    assert len(files) > 10
    found = {f"{path.name}: {name}" for path in files for name in imported_modules(path)
             if name.split(".")[0] in WEB}
    assert not found, f"mlp/ must not import the web layer: {sorted(found)}"


def test_the_check_sees_a_web_import(tmp_path):
    # The check above can fail: a file that imports the web layer is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from web.reply import infer\nimport flask\n")
    assert [n for n in imported_modules(bad) if n.split(".")[0] in WEB] == ["web.reply", "flask"]
