"""The page's language: which ones there are, how a request picks one, and filling in a catalog string.

The page speaks English and Traditional Chinese (Taiwan). Every visible string
is in one catalog per language, static/i18n/<lang>.json, read here for the
server-rendered page and fetched by static/js/ui/i18n.js for what changes live.
The JSON API (errors included) stays English: it is an API, not a page.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import startup

LANGUAGES = ("en", "zh-TW")  # the first is the fallback
I18N_DIR = Path(__file__).resolve().parent.parent / "static" / "i18n"
LANG_COOKIE = "lang"  # set by the page when a person picks a language (it also keeps it in localStorage)


def load_catalogs(folder=I18N_DIR):
    """Every language's catalog; a missing, malformed or incomplete one is a StartupError naming it."""
    return startup.load_catalogs(folder, LANGUAGES)


def page_language(request):
    """The page's language: ?lang= (either supported value, any case), else the cookie, else Accept-Language.

    Accept-Language goes through werkzeug's parser, best first; any zh (zh-TW, zh-Hant,
    zh-HK, plain zh...) reads Traditional Chinese, any en English. Not best_match():
    it prefers a later exact "zh-TW" to a first "en-GB", the opposite of what was asked.
    Anything else falls back to English; the asked value is never echoed.
    """
    asked = request.args.get("lang", "").lower()
    for lang in LANGUAGES:
        if asked == lang.lower():
            return lang
    if request.cookies.get(LANG_COOKIE) in LANGUAGES:
        return request.cookies[LANG_COOKIE]
    for tag, quality in request.accept_languages:
        primary = tag.split("-")[0].lower()
        if quality > 0 and primary in ("zh", "en", "*"):
            return "zh-TW" if primary == "zh" else "en"
    return LANGUAGES[0]


def asked_language(args):
    """The language a link names (``?lang=``, either supported value, any case), else the first: what a
    link's preview picture is drawn in (a picture cached by anyone, so never from a cookie or a header)."""
    asked = args.get("lang", "").lower()
    return next((lang for lang in LANGUAGES if asked == lang.lower()), LANGUAGES[0])


def translate(catalog, key, **params):
    """A catalog string with its {name} placeholders filled in (a missing key is a KeyError: loud)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), catalog[key])
