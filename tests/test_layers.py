"""mlp/ is the network: none of its modules imports the web layer (web/, app.py), a web framework or the test tools;
and serving (mlp/ itself, web/, app.py) runs without the training install (skia, requirements-train.txt): it
trains networks from the page (mlp/training/recipe*.py), but draws no pen strokes."""
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


def module_path(name: str):
    """The repo's file of a module name (a package's __init__.py), or None when it is not the repo's."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_names(path: Path):
    """imported_modules, and for ``from X import y`` also X.y (y may be a module: ``from . import strokes``)."""
    package = ".".join(path.relative_to(ROOT).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            base = ".".join(parts + ([node.module] if node.module else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def reachable(files):
    """Every file of the repo that ``files`` import, directly or not, at the top or inside a function."""
    seen, todo = set(), list(files)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_names(path):
            parts = name.split(".")
            # "mlp.training.recipe.Recipe" is a name in a module: the longest name that is a file counts.
            for k in range(len(parts), 0, -1):
                found = module_path(".".join(parts[:k]))
                if found is not None:
                    todo.append(found)
                    break
    return seen


def needs_skia():
    return {path for path in ROOT.joinpath("mlp").rglob("*.py") if "skia" in set(imported_modules(path))}


def test_serving_reaches_no_module_that_needs_skia():
    files = serving_files()
    assert {"network.py", "preprocess.py", "app.py", "inputs.py", "training.py"} <= {p.name for p in files}
    skia = needs_skia()
    assert ROOT / "mlp" / "training" / "strokes.py" in skia
    found = sorted(str(p.relative_to(ROOT)) for p in reachable(files) & skia)
    assert not found, f"serving must run without the training install (skia): it reaches {found}"
    # The check can fail: the training command reaches it.
    assert reachable([ROOT / "mlp" / "training" / "train.py"]) & skia


def test_serving_runs_and_trains_with_skia_blocked():
    # skia blocked as if it were not installed (None in sys.modules): every serving module imports, the app
    # starts, trains a tiny network (1,000 images, one epoch) and reads a drawing with it.
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in serving_files()]
    code = f"""
import importlib, sys
sys.modules["skia"] = None
for name in {modules!r}:
    importlib.import_module(name)
from app import create_app
client = create_app({{"TESTING": True}}).test_client()
reply = client.post("/api/train", json={{"hidden": [3], "activation": "relu", "images": 1000, "epochs": 1, "seed": 2}})
assert reply.status_code == 200, reply.get_json()
network = reply.get_json()["network"]
read = client.post("/api/predict", json={{"pixels": [0.5] * 784, "network": network}})
assert read.status_code == 200 and read.get_json()["network"] == network, read.get_json()
assert client.get("/?network=" + network).status_code == 200
print("served", network)
import mlp.training.strokes  # the check can fail: the rasterizer's own module cannot load
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout == "served t1.784-3-10.relu.1000x1.s2\n", done.stderr
    assert done.stderr.strip().splitlines()[-1] == ("mlp.training.TrainingInstallMissing: skia-python is not "
                                                    "installed: training and scoring need it "
                                                    "(.venv/bin/pip install -r requirements-train.txt)"), done.stderr


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
