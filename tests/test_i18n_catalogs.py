"""The page's two catalogs (static/i18n/en.json, zh-TW.json) and the server's choice of language.

Every key is in both catalogs, no value is empty, both say the same {placeholders},
every key the template and the scripts ask for exists, and the Chinese one has
no English left in it. The server picks ?lang=, then the cookie the page sets,
then Accept-Language (any zh reads Traditional Chinese), and never echoes ?lang.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "static" / "i18n"
LANGS = ("en", "zh-TW")
TEMPLATE = ROOT / "templates" / "index.html"
SCRIPTS = sorted((ROOT / "static" / "js").rglob("*.js"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# What may stay in Latin letters in the Chinese catalog: a proper name or two, the
# function's own name as the video's subtitles keep it, the equations' letters, file
# formats' names, and the names printed on keys (「Enter 鍵」「Esc 鍵」「P 鍵」, as Taiwanese keyboards say them).
ALLOWED_LATIN = re.compile(r"Sigmoid|MNIST|3Blue1Brown|\b[zwab]\b|\b(?:CSV|PNG)\b|\b(?:Enter|Esc|P)(?= ?鍵)")
NAMES_OF_LANGUAGES = "language."  # each language is named in itself ("English" in both catalogs)


def catalog(lang):
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogs():
    return {lang: catalog(lang) for lang in LANGS}


def test_both_catalogs_have_every_key(catalogs):
    en, zh = set(catalogs["en"]), set(catalogs["zh-TW"])
    assert not en - zh, f"missing in zh-TW.json: {sorted(en - zh)}"
    assert not zh - en, f"missing in en.json: {sorted(zh - en)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_value_is_empty(catalogs, lang):
    empty = [k for k, v in catalogs[lang].items() if not isinstance(v, str) or not v.strip()]
    assert not empty, f"{lang}: empty strings for {empty}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_key_is_given_twice(lang):
    pairs = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"), object_pairs_hook=list)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]


def test_both_languages_fill_the_same_placeholders(catalogs):
    for key, text in catalogs["en"].items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(catalogs["zh-TW"][key])), key


# The other activation function's name (Train your own's ReLU layers) stays as written, as Sigmoid does.
ACTIVATION_NAMES = re.compile(r"\bReLU\b")


def test_no_english_left_in_the_chinese_catalog(catalogs):
    for key, text in catalogs["zh-TW"].items():
        if key.startswith(NAMES_OF_LANGUAGES):
            continue
        rest = ACTIVATION_NAMES.sub("", ALLOWED_LATIN.sub("", PLACEHOLDER.sub("", text)))
        assert not re.search(r"[A-Za-z]", rest), f"{key}: {text!r}"


def keys_asked_for():
    """Every catalog key named in the template and the scripts."""
    keys = set()
    html = TEMPLATE.read_text(encoding="utf-8")
    keys |= set(re.findall(r"""\bt\(\s*'([\w.-]*\w)'""", html))  # not t('language.' ~ code): below
    keys |= set(re.findall(r'data-i18n(?:-aria-label|-title)?="([\w.-]+)"', html))
    keys |= {f"language.{lang}" for lang in LANGS}  # t('language.' ~ code)
    for call in re.findall(r"\{%-?\s*call\b(.*?)%\}", html, re.S):  # keys handed to a macro: side_panel('x', 'x.title', ...)
        keys |= set(re.findall(r"'(\w+(?:\.\w+)+)'", call))
    for script in SCRIPTS:
        text = script.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\bt\(\s*'([\w.-]+)'""", text))
        keys |= set(re.findall(r"""'((?:link\.reason|edge\.verdict|inspector\.biasNote|lesson\.\w+)\.\w+)'""", text))
    keys |= {f"{k}.{s}.{p}" for k in ("sign", "lesson.colour") for s in ("pos", "neg") for p in ("default", "cb")}  # palette.js, lesson.js
    return keys


def test_every_key_in_use_is_in_the_catalogs(catalogs):
    asked = keys_asked_for()
    assert len(asked) > 60, "the scan found the keys"
    for lang in LANGS:
        missing = sorted(asked - set(catalogs[lang]))
        assert not missing, f"{lang}.json lacks {missing}"


def test_no_sentence_is_written_in_the_scripts():
    """Visible text comes from the catalogs: no English sentence in a string literal of the page's code.

    (sharelink.js is the link codec: its error messages match the server's byte for
    byte and are mapped to catalog keys by share.js before the page shows them.)
    """
    sentence = re.compile(r"""(['"`])((?:(?!\1).)*\b[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}\b(?:(?!\1).)*)\1""")
    found = []
    for script in SCRIPTS:
        if script.name in ("sharelink.js", "perf.js"):
            continue
        for lineno, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
            code = re.sub(r"/\*.*?\*/", "", line).split("//")[0]
            if code.strip().startswith(("*", "/*")):
                continue
            for m in sentence.finditer(code):
                found.append(f"{script.relative_to(ROOT)}:{lineno}: {m.group(2)}")
    assert not found, "\n".join(found)


# ---- the server's choice of language ---------------------------------------------------

def lang_of(response):
    m = re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True))
    return m.group(1)


@pytest.mark.parametrize("header, expected", [
    ("zh-TW", "zh-TW"), ("zh-Hant", "zh-TW"), ("zh-HK", "zh-TW"), ("zh", "zh-TW"),
    ("zh-Hant-TW,zh;q=0.9,en;q=0.5", "zh-TW"), ("zh-hant-hk", "zh-TW"),
    ("en-US,en;q=0.9", "en"), ("en-GB,zh-TW;q=0.8", "en"), ("fr-FR,zh-TW;q=0.5", "zh-TW"),
    ("de,en;q=0.3,zh-TW;q=0.2", "en"), ("fr", "en"), ("", "en"), ("*", "en"), ("zh;q=0,en", "en"),
])
def test_accept_language_picks_the_page_language(client, header, expected):
    r = client.get("/", headers={"Accept-Language": header} if header else {})
    assert r.status_code == 200
    assert lang_of(r) == expected
    assert {"Accept-Language", "Cookie"} <= set(r.vary)


def test_the_lang_parameter_wins_over_cookie_and_header(client):
    assert lang_of(client.get("/?lang=zh-TW", headers={"Accept-Language": "en"})) == "zh-TW"
    assert lang_of(client.get("/?lang=zh-tw", headers={"Accept-Language": "en"})) == "zh-TW"
    assert lang_of(client.get("/?lang=en", headers={"Accept-Language": "zh-TW"})) == "en"
    client.set_cookie("lang", "zh-TW")
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "zh-TW"
    assert lang_of(client.get("/?lang=en")) == "en"
    client.set_cookie("lang", "klingon")  # a cookie that is not ours to trust: ignored
    assert lang_of(client.get("/", headers={"Accept-Language": "zh-HK"})) == "zh-TW"


@pytest.mark.parametrize("asked", ["fr-XX-unheard", "zh-CN-x", '"><script>alert(1)</script>', "EN-us", "zh_TW_evil"])
def test_an_unknown_lang_falls_back_and_is_never_echoed(client, asked):
    r = client.get("/", query_string={"lang": asked}, headers={"Accept-Language": "zh-TW"})
    assert r.status_code == 200 and lang_of(r) == "zh-TW"  # the header decides
    text = r.get_data(as_text=True)
    assert asked not in text and "<script>alert" not in text


def test_the_page_is_rendered_in_the_chosen_language(client, catalogs):
    for lang in LANGS:
        text = client.get(f"/?lang={lang}").get_data(as_text=True)
        for key in ("header.title", "tools.undo", "tools.noise", "answer.label", "legend.note", "edge.title"):
            html_safe = catalogs[lang][key].replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
            assert html_safe in text, (lang, key)
        assert f'<html lang="{lang}">' in text
        assert f'i18n/{lang}.json' in text  # the catalog is preloaded with the page


def test_a_shared_link_previews_in_the_links_language(client, mnist_test):
    from web import sharelink
    images, labels = mnist_test
    code = sharelink.encode(images[0])
    r = client.get("/", query_string={"d": code, "lang": "zh-TW"})
    title = re.search(r'<meta property="og:title" content="([^"]+)">', r.get_data(as_text=True)).group(1)
    assert title == f"神經網路把這張圖讀成 {labels[0]}"
