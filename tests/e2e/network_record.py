"""What the network canvas painted, as the tests can read it.

A canvas keeps pixels, not words: an init script wraps the 2D context's fillText and
setLineDash so that what the page's main thread paints on the network canvas is
recorded (the worker's frames are not: see watch_network_attributes). The canvas's
data-labels and data-negative-style say what its current picture holds, whichever
thread painted it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from tools.drawing import settle

I18N = Path(__file__).resolve().parents[2] / "static" / "i18n"
SIZES = (784, 16, 16, 10)

RECORD_JS = """(() => {
  const mine = (ctx) => !!ctx.canvas && !!ctx.canvas.dataset && ctx.canvas.dataset.testid === 'network';
  window.__netPainted = { texts: [], dashes: [] };
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText, setLineDash = proto.setLineDash;
  proto.fillText = function (text, ...rest) {
    if (mine(this)) window.__netPainted.texts.push(String(text));
    return fillText.call(this, text, ...rest);
  };
  proto.setLineDash = function (segments) {
    if (mine(this)) window.__netPainted.dashes.push(Array.from(segments));
    return setLineDash.call(this, segments);
  };
})();"""


def catalog(lang):
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def fill(text, **params):
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), text)


def canvas_labels(lang, compact=False):
    """The four layer names the canvas should show in `lang`, from the catalog."""
    c, short = catalog(lang), "Short" if compact else ""
    return [fill(c[f"net.canvas.input{short}"], n=SIZES[0]),
            *(fill(c[f"net.canvas.hidden{short}"], layer=layer, n=SIZES[layer]) for layer in (1, 2)),
            fill(c[f"net.canvas.output{short}"], n=SIZES[3])]


def as_attribute(labels):
    """The labels as the canvas's data-labels holds them (JSON.stringify's form)."""
    return json.dumps(labels, ensure_ascii=False, separators=(",", ":"))


def record_network_painting(page):
    """From now on (the page is reloaded), record the main thread's painting on the network canvas."""
    page.add_init_script(RECORD_JS)
    page.reload()
    settle(page)


def painted_words(page):
    """The texts painted on the network canvas since the last forget, but the output digits."""
    return [t for t in page.evaluate("() => window.__netPainted.texts") if not t.isdigit()]


def painted_dashes(page):
    """The dash patterns set on the network canvas's context since the last forget."""
    return page.evaluate("() => window.__netPainted.dashes")


def forget_painting(page):
    page.evaluate("() => { window.__netPainted.texts.length = 0; window.__netPainted.dashes.length = 0; }")


def watch_network_attributes(page):
    """Record every value data-labels and data-negative-style take from now on.

    The page writes them when the picture put on the canvas (by either thread) differs
    from the one before in labels or dash style: an empty record means no such change."""
    page.evaluate("""() => {
      const c = document.querySelector('[data-testid="network"]');
      window.__netAttrs = [];
      window.__workerDraws = performance.getEntriesByName('nn:draw:worker').length;
      new MutationObserver((records) => {
        for (const r of records) window.__netAttrs.push([r.attributeName, c.getAttribute(r.attributeName)]);
      }).observe(c, { attributes: true, attributeFilter: ['data-labels', 'data-negative-style'] });
    }""")


def watched(page, name):
    """The values attribute `name` took since watch_network_attributes."""
    return [v for n, v in page.evaluate("() => window.__netAttrs") if n == name]


def worker_draws_since_watch(page):
    """How many pictures network_worker.js painted since watch_network_attributes."""
    return page.evaluate("() => performance.getEntriesByName('nn:draw:worker').length - window.__workerDraws")
