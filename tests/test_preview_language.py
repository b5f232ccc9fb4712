"""A shared link previews in its own language and names its own network (issue 22, item 4).

The preview picture (/preview.png) is drawn in the link's ?lang=, its words from static/i18n (PREVIEW_KEYS),
Chinese with the subset font shipped in web/fonts (so a fresh machine without CJK fonts draws it too);
should that font be unreadable, the picture falls back to English rather than boxes. The page's og tags
point at the picture in the page's language, and its description names the link's network.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from web import preview, sharelink
from web.language import load_catalogs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seven(mnist_test):
    images, _ = mnist_test
    return sharelink.encode(images[0])


def png(client, **query):
    r = client.get("/preview.png", query_string=query)
    assert r.status_code == 200 and r.mimetype == "image/png"
    return r.data


def pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def meta(html, prop):
    m = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return m.group(1) if m else None


def test_a_chinese_link_previews_in_chinese(client, seven):
    """The same drawing: the zh-TW picture is not the English one; the two differ where the words are
    (the title, the footer), not in the drawing or the bars."""
    en, zh = png(client, d=seven), png(client, d=seven, lang="zh-TW")
    assert en != zh, "the zh-TW preview is byte for byte the English one"
    a, b = pixels(en), pixels(zh)
    title = (slice(30, 80), slice(preview.TEXT_LEFT, preview.WIDTH))
    footer = (slice(preview.HEIGHT - 45, preview.HEIGHT), slice(preview.TEXT_LEFT, preview.WIDTH))
    assert (a[title] != b[title]).any() and (a[footer] != b[footer]).any()
    grid = (slice(preview.GRID_TOP, preview.GRID_TOP + 28 * preview.CELL), slice(preview.GRID_LEFT, preview.GRID_LEFT + 28 * preview.CELL))
    np.testing.assert_array_equal(a[grid], b[grid])
    # Any case of the value; an unknown one is English (never an error, never echoed).
    assert png(client, d=seven, lang="ZH-tw") == zh
    assert png(client, d=seven, lang="xx") == en
    blank = sharelink.encode(np.zeros(784))
    assert png(client, d=blank) != png(client, d=blank, lang="zh-TW")


def test_the_chinese_words_are_drawn_with_real_glyphs():
    """Every character of the zh-TW preview words is in the shipped font: drawn, it is not the font's
    empty-glyph box (what a missing character looks like), and not blank."""
    words = preview.words_for(load_catalogs(), "zh-TW")
    assert words.lang == "zh-TW" and words.font and Path(words.font).parent == ROOT / "web" / "fonts"
    font = ImageFont.truetype(words.font, 40)

    def drawn(ch):
        image = Image.new("L", (60, 60))
        ImageDraw.Draw(image).text((5, 5), ch, font=font, fill=255)
        return np.asarray(image)

    missing = drawn("\ue000")  # a private-use character no font of ours has
    text = words.reads + words.nothing + words.silenced + words.silenced_one + words.about
    for ch in sorted(set(re.sub(r"\{\w+\}|\s", "", text)) | set("0123456789,-")):
        ink = drawn(ch)
        assert ink.any(), f"{ch!r} draws nothing"
        assert not np.array_equal(ink, missing), f"{ch!r} is not in {words.font}: run tools/preview_font.py"


def test_without_its_font_the_picture_is_english(monkeypatch, mnist_test):
    """A machine where the Chinese font cannot be read: the picture says its words in English, never
    in boxes."""
    catalogs = load_catalogs()
    monkeypatch.setitem(preview.FONTS, "zh-TW", ROOT / "web" / "fonts" / "no-such-font.otf")
    words = preview.words_for(catalogs, "zh-TW")
    assert words == preview.english()
    assert words.reads == json.loads((ROOT / "static" / "i18n" / "en.json").read_text(encoding="utf-8"))["preview.reads"]


def test_the_words_come_from_the_catalogs(mnist_test):
    """English and Chinese: each picture word is its catalog's (one home for words)."""
    catalogs = load_catalogs()
    for lang in ("en", "zh-TW"):
        words = preview.words_for(catalogs, lang)
        assert (words.reads, words.nothing, words.silenced_one, words.silenced, words.about) == tuple(
            catalogs[lang][key] for key in preview.PREVIEW_KEYS)
    zh = preview.words_for(catalogs, "zh-TW")
    assert preview.silenced_words(2, zh) == "2 個神經元已靜音"
    assert preview.about((784, 30, 10), 23860, zh) == "784 - 30 - 10 神經網路，23,860 個權重和偏置"
    assert preview.silenced_words(1) == "1 neuron silenced" and preview.silenced_words(3) == "3 neurons silenced"


def test_the_page_points_at_the_picture_in_its_language(client, seven):
    """A link opened in zh-TW: og:image is the zh-TW picture, og:title Chinese; in English, no lang."""
    zh = client.get("/", query_string={"d": seven, "lang": "zh-TW"}).get_data(as_text=True)
    image = meta(zh, "og:image").replace("&amp;", "&")
    assert f"{sharelink.LANG_PARAM}=zh-TW" in image
    assert client.get(image.replace("http://localhost", "")).data == png(client, d=seven, lang="zh-TW")
    assert re.search(r"[\u4e00-\u9fff]", meta(zh, "og:title"))
    en = client.get("/", query_string={"d": seven}).get_data(as_text=True)
    assert "lang=" not in meta(en, "og:image")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_description_names_the_links_network(client, seven, lang):
    """og:description (and the page's description) name the network the link opens, not the video's."""
    for network, sizes in (("nielsen", "784-30-10"), ("video", "784-16-16-10")):
        html = client.get("/", query_string={"d": seven, "network": network, "lang": lang}).get_data(as_text=True)
        for prop in ("og:description", "description"):
            text = meta(html, prop)
            assert sizes in text, (prop, text)
            assert not re.search(r"\d+(?:-\d+){2,}", text.replace(sizes, "")), (prop, text)
