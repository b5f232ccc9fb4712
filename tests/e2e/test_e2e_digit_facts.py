"""The browser takes the digit's facts from the server (mlp/digit.py, rendered in <meta name="digit-facts">):
static/js/core/digit.js reads them, the other modules import them from it, and no module writes its own copy.

And the page rounds a value to a grey level as NumPy does (halves to the even neighbour): one JS function,
digit.js's (toLevels as bytes, quantize as k/255); the share codec and the grids keep none of their own.
"""
import json
import re
from pathlib import Path

import numpy as np

from mlp import digit
from mlp.preprocess import to_bytes

JS = Path(__file__).resolve().parents[2] / "static" / "js"

READ_JS = """async () => {
  const facts = await import('/static/js/core/digit.js');
  const grid = await import('/static/js/core/grid.js');
  const link = await import('/static/js/core/sharelink.js');
  return {
    meta: JSON.parse(document.querySelector('meta[name="digit-facts"]').content),
    digit: { ...facts.FACTS },
    grid: { SIDE: grid.SIDE, BOX: grid.BOX, CENTRE: grid.CENTRE, SUPERSAMPLE: grid.SUPERSAMPLE, PEN: grid.PEN },
    link: { N_PIXELS: link.N_PIXELS },
    oneRounding: typeof facts.quantize === 'function' && !('quantize' in link) && !('quantize' in grid),
  };
}"""

ROUND_JS = """async (values) => {
  const grid = await import('/static/js/core/grid.js');
  const facts = await import('/static/js/core/digit.js');
  return { levels: Array.from(facts.toLevels(values)), grid: facts.quantize(values), strokes: grid.strokesToGrid([]) };
}"""

# A digit's fact written as a JS literal of its value: `const SIDE = 28`, `PEN = 2.4`, `minExtent = 1e-6`...
# (The pad's own pen, `PEN = 0.05` of the pad's side, is another quantity.)
LITERAL = re.compile(r"\b(?:const|let)\s+(?:GRID_)?(SIDE|BOX|CENTRE|PEN|SUPERSAMPLE|N_PIXELS|MIN_EXTENT)\s*=\s*([\d.e-]+)"
                     r"|\b(minExtent)\s*=\s*([\d.e-]+)")


def test_the_page_modules_hold_the_servers_facts(page):
    got = page.evaluate(READ_JS)
    expected = json.loads(json.dumps(digit.FACTS))
    assert got["meta"] == expected, "the page was told other facts than mlp/digit.py"
    assert got["digit"] == expected, "digit.js holds other facts than the page was told"
    for module in ("grid", "link"):
        for name, value in got[module].items():
            assert value == expected[name], f"{module}: {name} = {value}, the server says {expected[name]}"
    assert got["oneRounding"], "the rounding is digit.js's alone (sharelink.js and grid.js keep no quantize)"


def test_no_module_keeps_its_own_copy_of_a_fact():
    facts = {**digit.FACTS, "minExtent": digit.MIN_EXTENT}
    copies = []
    for path in sorted(JS.rglob("*.js")):
        for m in LITERAL.finditer(path.read_text(encoding="utf-8")):
            name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            if float(value) == facts[name]:
                copies.append(f"{path.relative_to(JS)}: {m.group(0)}")
    assert not copies, "modules that write a digit fact themselves: " + "; ".join(copies)


def test_the_page_rounds_grey_levels_as_numpy(page):
    # Ties (k + 0.5) / 255 go to the even neighbour, as NumPy's round does; out-of-range values are clipped.
    values = [(k + 0.5) / 255 for k in range(255)] + [-0.2, 0.0, 1.0, 1.7, 0.3, 0.77]
    got = page.evaluate(ROUND_JS, values)
    expected = to_bytes(np.asarray(values)).tolist()
    assert got["levels"] == expected
    assert got["grid"] == [k / 255 for k in expected], "digit.js's quantize is the same rounding, as k/255"
    assert got["strokes"] == [0] * 784, "grid.js's grids come through it (k/255 numbers)"
