"""Make web/fonts/preview-zh-TW.otf: the link-preview picture's font for Chinese, a subset of Noto Sans
CJK TC with only the glyphs the preview's words need (web/preview.py's PREVIEW_KEYS in
static/i18n/zh-TW.json, and printable ASCII for the numbers and the network's sizes).

    pip install fonttools   # a tool for this script only; the app reads the font with Pillow
    python tools/preview_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Run it again whenever those words change (tests/test_preview_language.py fails until then: it
renders every character of them with the committed font). The subset keeps the original's copyright
and licence (SIL Open Font License 1.1: web/fonts/OFL.txt) under a name of its own, as the OFL asks of
a modified font.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk
FACE = "Noto Sans CJK TC"  # Traditional Chinese (Taiwan) glyph forms
NAME = "Digit Preview CJK TC"  # the subset's own name (a modified font does not keep the original's)


def characters() -> str:
    from web.preview import FONTS, PREVIEW_KEYS
    catalog = json.loads((ROOT / "static" / "i18n" / "zh-TW.json").read_text(encoding="utf-8"))
    words = "".join(catalog[key] for key in PREVIEW_KEYS)
    assert FONTS["zh-TW"].name == "preview-zh-TW.otf"
    return "".join(sorted(set(words) | {chr(c) for c in range(0x20, 0x7F)}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="Noto Sans CJK (.ttc collection or .otf)")
    parser.add_argument("--out", type=Path, default=ROOT / "web" / "fonts" / "preview-zh-TW.otf")
    args = parser.parse_args(argv)
    if args.source.suffix == ".ttc":
        font = next(f for f in TTCollection(str(args.source)).fonts if f["name"].getDebugName(1) == FACE)
    else:
        font = TTFont(str(args.source))
    options = subset.Options()
    options.layout_features = []  # the words are drawn glyph by glyph: no shaping needed
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = NAME
        elif record.nameID in (3, 4):
            record.string = f"{NAME} Regular"
        elif record.nameID == 6:
            record.string = NAME.replace(" ", "") + "-Regular"
    if "CFF " in font:
        font["CFF "].cff.fontNames = [NAME.replace(" ", "") + "-Regular"]
    font.save(str(args.out))
    print(f"{args.out}: {args.out.stat().st_size:,} bytes, {len(characters())} characters")


if __name__ == "__main__":
    main()
