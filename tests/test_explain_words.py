"""The words "Why this answer?" uses for a place on the pad: mlp/explain.py states them (REGION_ROWS,
REGION_COLS: the /api/explain reply's `region`), and the page must agree: every pair has its phrase in
both catalogs (explain.place.ROW.COL), and static/js/panels/explain.js, which names the places
of its maps' strongest pixels for screen readers, uses the same words in the same order (the e2e test
checks its row and column thresholds against mlp.explain.region)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlp.explain import REGION_COLS, REGION_ROWS, region

ROOT = Path(__file__).resolve().parent.parent
EXPLAIN_JS = ROOT / "static" / "js" / "panels" / "explain.js"


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_every_place_has_its_phrase(lang):
    catalog = json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    for row in REGION_ROWS:
        for col in REGION_COLS:
            assert catalog.get(f"explain.place.{row}.{col}", "").strip(), (lang, row, col)
    phrases = [catalog[f"explain.place.{r}.{c}"] for r in REGION_ROWS for c in REGION_COLS]
    assert len(set(phrases)) == len(phrases), "nine places, nine phrases"


def js_words(name):
    m = re.search(rf"const {name} = \[([^\]]*)\];", EXPLAIN_JS.read_text(encoding="utf-8"))
    assert m, f"explain.js states {name}"
    return tuple(re.findall(r"'(\w+)'", m.group(1)))


def test_the_page_uses_the_servers_words():
    assert js_words("ROWS") == REGION_ROWS
    assert js_words("COLS") == REGION_COLS


def test_the_regions_split_the_pad_in_thirds():
    """What explain.js's region() copies: rows and columns 0-9, 10-18, 19-27 (i * 3 // 28)."""
    assert region(0) == ("top", "left")
    assert region(9 * 28 + 9) == ("top", "left") and region(10 * 28 + 10) == ("middle", "centre")
    assert region(18 * 28 + 18) == ("middle", "centre") and region(19 * 28 + 19) == ("bottom", "right")
    assert region(783) == ("bottom", "right")
