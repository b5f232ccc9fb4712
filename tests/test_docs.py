"""The README is the front door: it opens with the two commands (CI runs the second, word for word), and every
link in it and in docs/ leads to a file that is there, and to a heading that is there."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces to '-'."""
    heads = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in heads}


def test_the_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, flags=re.S)
    assert block and text.index("```bash") < text.index("## Using the page")
    run_app, run_tests = [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()]
    assert run_app.endswith(".venv/bin/python app.py") and "requirements.txt" in run_app
    assert run_tests.endswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == run_tests, "CI must run exactly the README's test command, last"


def test_every_link_in_the_readme_and_docs_leads_somewhere():
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if not path.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken
    assert len(PAGES) >= 6


def test_the_check_sees_a_broken_link(tmp_path):
    page = tmp_path / "a.md"
    page.write_text("# One heading\n[x](#one-heading) [y](#nothing)\n")
    assert anchors(page) == {"one-heading"}
