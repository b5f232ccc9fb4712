"""mlp/ is the network: none of its modules imports the web layer (web/, app.py), a web framework or the test tools;
and serving (mlp/ itself, web/, app.py) imports nothing of training (mlp/training/), whose install is larger."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ("web", "app", "flask", "werkzeug", "jinja2", "gunicorn", "tools", "deploy")  # the web layer, its servers, test tools


def imported_modules(path: Path):
    """Every module a file imports, absolute names (relative imports resolved against the file's package)."""
    package = ".".join(path.relative_to(ROOT).parent.parts) if ROOT in path.parents else ""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.module or ""


def test_mlp_imports_nothing_of_the_web():
    files = sorted((ROOT / "mlp").rglob("*.py"))
    assert len(files) > 10
    found = {f"{path.name}: {name}" for path in files for name in imported_modules(path)
             if name.split(".")[0] in WEB}
    assert not found, f"mlp/ must not import the web layer: {sorted(found)}"


def test_the_check_sees_a_web_import(tmp_path):
    # The check above can fail: a file that imports the web layer is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from web.reply import infer\nimport flask\n")
    assert [n for n in imported_modules(bad) if n.split(".")[0] in WEB] == ["web.reply", "flask"]


# The two commands' entry points: they only hand over to mlp/training/, and say so when its install is missing.
COMMANDS = {"train.py", "evaluate.py"}


def serving_files():
    return [p for p in sorted((ROOT / "mlp").glob("*.py")) if p.name not in COMMANDS] + \
        sorted((ROOT / "web").glob("*.py")) + [ROOT / "app.py"]


def test_serving_imports_nothing_of_training():
    files = serving_files()
    assert {"network.py", "preprocess.py", "app.py", "inputs.py"} <= {p.name for p in files}
    found = {f"{path.relative_to(ROOT)}: {name}" for path in files for name in imported_modules(path)
             if name == "mlp.training" or name.startswith("mlp.training.")}
    assert not found, f"serving must not need the training install: {sorted(found)}"


def test_relative_imports_are_resolved_against_their_package():
    # The check above sees "from .training import x" in mlp/ and "from ..network import" in mlp/training/.
    assert list(imported_modules(ROOT / "mlp" / "training" / "backprop.py")) == ["__future__", "numpy", "mlp.network"]


def test_a_missing_training_install_is_one_clear_line():
    # skia blocked as if it were not installed (None in sys.modules): the command names the install that has it.
    for command in ("mlp.train", "mlp.evaluate"):
        code = ("import runpy, sys; sys.modules['skia'] = None; sys.argv = ['x', '--help'];"
                f" runpy.run_module('{command}', run_name='__main__')")
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert lines == ["error: skia-python is not installed: training and scoring need it "
                         "(.venv/bin/pip install -r requirements-train.txt)"], done.stderr
