"""The browser's modules agree with the server on the digit's facts (mlp/digit.py, rendered in
<meta name="digit-facts">).

The page's JS still holds its own copies of these numbers (grid.js, sharelink.js, pad.js); until it reads
the meta itself, this test is what keeps the two sides equal.
"""
import json
import re
from pathlib import Path

from mlp import digit

JS = Path(__file__).resolve().parents[2] / "static" / "js"

READ_JS = """async () => {
  const grid = await import('/static/js/grid.js');
  const link = await import('/static/js/sharelink.js');
  return {
    facts: JSON.parse(document.querySelector('meta[name="digit-facts"]').content),
    js: { SIDE: grid.SIDE, BOX: grid.BOX, CENTRE: grid.CENTRE, SUPERSAMPLE: grid.SUPERSAMPLE, PEN: grid.PEN,
          N_PIXELS: link.N_PIXELS },
  };
}"""


def _constant(path, pattern):
    """A number written in a JS file that does not export it (read from the file the browser loads)."""
    found = re.search(pattern, (JS / path).read_text(encoding="utf-8"))
    assert found, f"{path}: {pattern} not found"
    return float(found.group(1))


def test_the_page_modules_hold_the_servers_facts(page):
    got = page.evaluate(READ_JS)
    assert got["facts"] == json.loads(json.dumps(digit.FACTS)), "the page was told other facts than mlp/digit.py"
    for name, value in got["js"].items():
        assert value == got["facts"][name], f"static/js says {name} = {value}, the server {got['facts'][name]}"
    # Not exported, so read from the source: the pad's grid side and grid.js's default minExtent.
    assert _constant("pad.js", r"const GRID_SIDE = ([\d.]+);") == digit.SIDE
    assert _constant("grid.js", r"minExtent = ([\d.e-]+)") == digit.MIN_EXTENT
