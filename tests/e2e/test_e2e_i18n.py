"""The page in two languages, end to end: English and Traditional Chinese (Taiwan).

The Chinese page is walked after everything that writes text has run (a drawing,
the inspector, the edge detector, noise, Share, a bad link, the announcer): no
English may be left. The language follows the browser, can be switched in place
(remembered, and carried in shared links), and ?lang= wins over both.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.drawing import answer, draw, draw_digit, settle
from web import sharelink
from network_record import (as_attribute, canvas_labels, forget_painting, painted_words, record_network_painting,
                            watch_network_attributes, watched, worker_draws_since_watch)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}

# Every text node a person (or a screen reader) can get to, and the names and hints
# on elements: what is inside an element marked lang="en" (the switch's "English")
# is English on purpose.
TEXTS_JS = """() => {
  const out = [];
  const foreign = (el) => { const l = el.closest('[lang]'); return l && l !== document.documentElement && l.lang !== document.documentElement.lang; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('script') || foreign(el)) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    out.push(n.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-valuetext]')) {
    if (foreign(el) || !el.checkVisibility({ visibilityProperty: true })) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext']) {
      if (el.hasAttribute(a)) out.push(`[${a}] ${el.getAttribute(a)}`);
    }
  }
  out.push(`[title] ${document.title}`);
  return out;
}"""

# Allowed in Latin letters on the Chinese page, and nothing else: the name of the
# function (as the video's subtitles keep it), the data set, the equations' letters,
# and keys as they are printed on the keyboard (「Enter 鍵」「Esc 鍵」「P 鍵」, and the keycap P).
ALLOWED = re.compile(r"Sigmoid|MNIST|\b[zwab]\b|(?:Enter|Esc|P) 鍵|^P$|^\[[a-z-]+\] ")


def english_left(page):
    return [t for t in page.evaluate(TEXTS_JS) if re.search(r"[A-Za-z]", ALLOWED.sub("", t))]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_chinese_page_has_no_english_left(open_page, server):
    page = open_page("/?lang=zh-TW", permissions=["clipboard-read", "clipboard-write"])
    expect(page.locator("html")).to_have_attribute("lang", "zh-TW")
    assert english_left(page) == []

    draw_digit(page, 7)
    assert answer(page) == "7"
    expect(page.get_by_test_id("announcer")).to_have_text("網路讀到的是 7")
    page.get_by_test_id("neuron-1-0").click()
    expect(page.get_by_test_id("inspector-title")).to_have_text("隱藏層 1 · 第 1 個神經元")
    expect(page.get_by_test_id("bias-note")).to_contain_text("門檻")
    assert english_left(page) == []
    page.get_by_test_id("neuron-3-7").click()
    expect(page.get_by_test_id("inspector-title")).to_have_text("代表數字 7 的輸出神經元")
    assert english_left(page) == []

    page.get_by_test_id("edge-open").click()
    grid = page.get_by_test_id("edge-weights")
    grid.focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("edge-cursor")).to_contain_text("第 9 列")
    expect(page.get_by_test_id("edge-verdict")).not_to_be_empty()
    assert english_left(page) == []
    page.keyboard.press("Escape")

    page.get_by_test_id("noise").click()
    settle(page)
    expect(page.get_by_test_id("noise-note")).to_contain_text("但網路還是回答")
    assert english_left(page) == []

    page.get_by_test_id("clear").click()
    draw_digit(page, 1)
    settle(page)
    page.get_by_test_id("share").click()
    expect(page.get_by_test_id("share-status")).to_contain_text("已複製連結")
    assert english_left(page) == []
    shot(page, "i18n-zh-TW-share")

    images = [[0.0] * 784]
    images[0][300] = 1.0
    for bad in (sharelink.encode(images[0])[:-5], "1" + "A" * 5000, "7" + sharelink.encode(images[0])[1:]):
        broken = open_page(f"/?lang=zh-TW&d={bad}")
        expect(broken.get_by_test_id("link-note")).to_have_attribute("data-kind", "bad")
        expect(broken.get_by_test_id("link-note")).to_contain_text("無法打開這個連結裡的圖")
        assert english_left(broken) == [], bad[:20]
    expect(broken.get_by_test_id("link-note")).to_contain_text("格式版本")


def test_the_network_canvas_is_labelled_in_the_page_language(open_page):
    """The layer names painted under the network come from the catalog: on the Chinese page,
    and after every switch in place, in both directions (and in the worker's frames too)."""
    page = open_page("/?lang=zh-TW")
    record_network_painting(page)
    canvas = page.get_by_test_id("network")
    zh = canvas_labels("zh-TW")
    expect(canvas).to_have_attribute("data-labels", as_attribute(zh))
    words = painted_words(page)
    assert words[-4:] == zh and set(words) <= set(zh), f"never any English, not even at first: {words}"

    for lang in ("en", "zh-TW", "en"):
        labels = canvas_labels(lang)
        forget_painting(page)
        page.get_by_test_id(f"lang-{lang}").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(canvas).to_have_attribute("data-labels", as_attribute(labels))
        words = painted_words(page)
        # A repaint of the old page may land between the forget and the click (a late
        # resize, say): what counts is that once the new names are painted, the old never return.
        assert words[-4:] == labels, (lang, words)
        first = next(i for i in range(len(words)) if words[i:i + 4] == labels)
        assert set(words[first:]) <= set(labels), (lang, words)

    # A drawing's glide, painted by network_worker.js where the browser can: the same labels.
    watch_network_attributes(page)
    draw_digit(page, 5)
    settle(page)
    expect(canvas).to_have_attribute("data-labels", as_attribute(canvas_labels("en")))
    assert worker_draws_since_watch(page) > 0, "the glide was painted by the worker"
    # Any change of the labels while it glided would be recorded: there was none.
    assert watched(page, "data-labels") == [], watched(page, "data-labels")


def test_the_phone_canvas_has_the_short_labels_in_chinese(open_page):
    page = open_page("/?lang=zh-TW", **PHONE)
    record_network_painting(page)
    short = canvas_labels("zh-TW", compact=True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-labels", as_attribute(short))
    words = painted_words(page)
    assert words[-4:] == short and set(words) <= set(short), words


@pytest.mark.parametrize("locale, lang", [("zh-TW", "zh-TW"), ("zh-HK", "zh-TW"), ("en-GB", "en"), ("fr-FR", "en")])
def test_the_browser_language_chooses_the_page_language(open_page, locale, lang):
    page = open_page(locale=locale)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_test_id(f"lang-{lang}")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id("undo")).to_have_text("復原" if lang == "zh-TW" else "Undo")


def test_switching_language_in_place_keeps_the_drawing_and_is_remembered(open_page, server):
    page = open_page()
    draw_digit(page, 3)
    assert answer(page) == "3"
    page.get_by_test_id("neuron-2-4").click()
    expect(page.get_by_test_id("inspector-title")).to_have_text("Hidden layer 2 · neuron 5")
    code = re.search(r"d=([\w-]+)", page.url).group(1)

    page.get_by_test_id("lang-zh-TW").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-TW")
    expect(page.get_by_test_id("inspector-title")).to_have_text("隱藏層 2 · 第 5 個神經元")
    expect(page.get_by_test_id("undo")).to_have_text("復原")
    expect(page.get_by_test_id("neuron-3-3")).to_have_attribute("aria-label", "代表數字 3 的輸出神經元")
    expect(page.get_by_test_id("lang-zh-TW")).to_have_attribute("aria-current", "true")
    expect(page).to_have_title("什麼是神經網路？寫一個數字")
    assert page.get_by_test_id("prediction").text_content() == "3", "the drawing and its answer stay"
    # The address (what Share copies) carries the language and the drawing.
    expect(page).to_have_url(re.compile(rf"lang=zh-TW.*d={code}|d={code}.*lang=zh-TW"))
    assert english_left(page) == []
    shared = page.url

    page.goto(server + "/")  # remembered: no parameter needed
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-TW")
    assert page.evaluate("() => localStorage.getItem('nn-lang')") == "zh-TW"

    page.goto(server + "/?lang=en")  # the address wins over what was remembered
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("undo")).to_have_text("Undo")

    friend = open_page(shared.removeprefix(server), locale="en-US")  # someone else opens the link
    expect(friend.locator("html")).to_have_attribute("lang", "zh-TW")
    assert answer(friend) == "3"
    expect(friend.get_by_test_id("link-note")).to_contain_text("別人分享的圖")


def test_a_remembered_language_without_the_cookie_still_applies(open_page, server):
    """localStorage alone (say the cookie was cleared): the page switches itself after loading."""
    page = open_page()
    page.evaluate("() => localStorage.setItem('nn-lang', 'zh-TW')")
    page.reload()
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-TW")
    expect(page.get_by_test_id("clear")).to_have_text("清除")
    draw(page, [[(0.5, 0.1), (0.5, 0.9)]])
    assert answer(page) == "1"
    expect(page.get_by_test_id("announcer")).to_have_text("網路讀到的是 1")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_screenshots_in_both_languages(open_page, lang):
    """Desktop and phone, with the inspector open: for a person to look at."""
    for size, options in (("1366x768", {}), ("390x844", PHONE)):
        page = open_page(f"/?lang={lang}", **options)
        draw_digit(page, 2)
        settle(page)
        page.get_by_test_id("neuron-1-5").click()
        expect(page.get_by_test_id("inspector")).to_be_visible()
        if size == "1366x768":
            height = page.evaluate("() => document.documentElement.scrollHeight")
            assert height <= 768, "pad, network and inspector without scrolling"
        shot(page, f"i18n-{lang}-inspector-{size}")
