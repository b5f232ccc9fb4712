"""Share links: the codec in web/sharelink.py (round trips, refusals) and the
routes that read links (/api/share, /preview.png, the page's link previews).

The browser's copy of the codec (static/js/core/sharelink.js) is compared with this
one byte for byte in tests/e2e/test_e2e_share.py.
"""
from __future__ import annotations

import base64
import html.parser
import io
import re
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from web import sharelink
from web.sharelink import LinkError, decode, encode

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CODE_RE = re.compile(r"^1[A-Za-z0-9_-]+$")
SCRIPT_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "1<svg/onload=alert(1)>",
    "'--!><script>window.pwned=1</script>",
]

# 784 bytes, as the page's grid holds them (k/255): mostly background, or anything at all.
sparse_levels = arrays(np.uint8, 784, elements=st.integers(1, 255), fill=st.just(0))
dense_levels = arrays(np.uint8, 784, elements=st.integers(0, 255))
any_levels = st.one_of(sparse_levels, dense_levels)


def grid(levels):
    """Bytes 0..255 -> the page's values k/255."""
    return np.asarray(levels, dtype=np.uint8).astype(np.float64) / 255


def raw_code(payload: bytes, crc_of: bytes | None = None, crc: int | None = None) -> str:
    """A link made by hand: payload bytes, then a CRC-32 (of `crc_of`, or given)."""
    if crc is None:
        crc = zlib.crc32(crc_of if crc_of is not None else b"")
    body = payload + (crc & 0xFFFFFFFF).to_bytes(4, "big")
    return "1" + base64.urlsafe_b64encode(body).decode().rstrip("=")


@pytest.fixture(scope="module")
def seven(mnist_test):
    """A real link: the first MNIST test digit (a 7)."""
    images, labels = mnist_test
    assert labels[0] == 7
    return encode(images[0])


# ---- round trips ---------------------------------------------------------------------

@given(any_levels)
@example(np.zeros(784, np.uint8))             # a blank pad
@example(np.full(784, 255, np.uint8))         # all ink: the longest link
@example(np.tile(np.uint8([0, 255]), 392))    # alternating: no run longer than 1
@settings(max_examples=300, deadline=None)
def test_random_grids_round_trip_exactly(levels):
    code = encode(grid(levels))
    assert CODE_RE.match(code)
    assert len(code) <= sharelink.MAX_LENGTH
    back = decode(code)
    assert back.shape == (784,) and back.dtype == np.float32
    assert np.array_equal(sharelink.quantize(back), levels)
    assert np.array_equal(back, levels.astype(np.float32) / 255.0)
    assert encode(back) == code  # one drawing, one link


@given(dense_levels)
@settings(max_examples=100, deadline=None)
def test_float32_and_float64_grids_give_the_same_link(levels):
    as64 = grid(levels)
    assert encode(as64.astype(np.float32)) == encode(as64) == encode(as64.reshape(28, 28))


@given(st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mnist_test_digits_round_trip(mnist_test, data):
    images, _ = mnist_test
    i = data.draw(st.integers(0, len(images) - 1), label="digit")
    code = encode(images[i])
    assert np.array_equal(decode(code), images[i])


def test_every_mnist_test_digit_round_trips_in_a_short_link(mnist_test):
    images, _ = mnist_test
    lengths = []
    for image in images:
        code = encode(image)
        lengths.append(len(code))
        assert np.array_equal(decode(code), image)
    lengths = np.array(lengths)
    # A typical digit's whole address stays well under 1,000 characters.
    assert np.median(lengths) < 400 and lengths.max() < 900, (np.median(lengths), lengths.max())


def test_encode_refuses_a_grid_of_the_wrong_size():
    with pytest.raises(ValueError):
        encode(np.zeros(783))
    with pytest.raises(ValueError):
        encode(np.zeros(785))


def test_blank_drawing_has_a_tiny_link():
    code = encode(np.zeros(784))
    assert len(code) < 20
    assert not decode(code).any()


# ---- refusals ---------------------------------------------------------------------------

def refused(code, reason=None):
    with pytest.raises(LinkError) as info:
        decode(code)
    if reason:
        assert reason in str(info.value)
    return str(info.value)


def test_every_truncation_of_a_real_link_is_refused(seven):
    for i in range(len(seven)):
        refused(seven[:i])


def test_every_character_flip_is_refused_or_changes_nothing(seven):
    """CRC-32 catches any change of one character; only the unused low bits of the last one may vary."""
    good = decode(seven)
    for i in range(len(seven)):
        for ch in ALPHABET:
            if ch == seven[i]:
                continue
            tampered = seven[:i] + ch + seven[i + 1:]
            try:
                back = decode(tampered)
            except LinkError:
                continue
            assert i == len(seven) - 1, f"a change at {i} went unnoticed"
            assert np.array_equal(back, good)


def test_extra_characters_are_refused(seven):
    for tail in ("A", "AA", "AAA", "AAAA", "-", "_" * 8):
        refused(seven + tail)


def test_unknown_versions_are_refused(seven):
    for version in "02Az9_-":
        refused(version + seven[1:], "format version")


@pytest.mark.parametrize("code", ["1+AB", "1/AB", "1AB=", "1 AB", "1A%20", "1AÉ", "1A\u200b", "1A\x00",
                                  "1A.B", "1AB\t", "🙂"] + SCRIPT_PAYLOADS)
def test_characters_outside_base64url_are_refused(code):
    refused(code, "characters")


def test_over_long_links_are_refused():
    refused("1" + "A" * 5000, "too long")
    refused("1" + "A" * sharelink.MAX_LENGTH, "too long")
    # At the limit it is merely not a drawing.
    message = refused("1" + "A" * (sharelink.MAX_LENGTH - 1))
    assert "too long" not in message


@pytest.mark.parametrize("code", ["", None, b"1AAAA", 1, ["1"]])
def test_empty_or_not_text_is_refused(code):
    refused(code)


def test_body_that_is_not_base64_is_refused():
    refused("1AAAAA", "base64")  # 5 characters: one too many for a whole number of bytes


def test_links_shorter_than_a_checksum_are_refused():
    for code in ("1", "1AA", "1AAA", "1AAAAA"[:5]):
        refused(code)
    refused("1AAAA", "cut short")


def test_background_runs_that_overflow_the_grid_are_refused():
    four_full_runs = bytes([0, 255] * 4)  # 1020 background pixels
    refused(raw_code(four_full_runs, bytes(784)), "more than 28x28")
    one_too_many = bytes([0, 255] * 3 + [0, 39]) + bytes([7])  # 784 background + 1 ink
    refused(raw_code(one_too_many, bytes(785)), "more than 28x28")
    ink_past_the_end = bytes([9] * 785)
    refused(raw_code(ink_past_the_end, ink_past_the_end), "more than 28x28")


def test_zero_length_runs_are_refused():
    payload = bytes([0, 0]) + bytes([0, 255] * 3 + [0, 19])
    refused(raw_code(payload, bytes(784)), "broken run")


def test_a_run_cut_in_half_is_refused():
    payload = bytes([0, 255] * 3 + [0, 19]) + bytes([0])
    refused(raw_code(payload, bytes(784)), "broken run")


def test_too_few_pixels_are_refused():
    payload = bytes([0, 255] * 3)  # 765 of 784
    refused(raw_code(payload, bytes(765)), "765 of 784")


def test_a_wrong_checksum_is_refused():
    payload = bytes([0, 255] * 3 + [0, 19])
    assert not decode(raw_code(payload, bytes(784))).any()  # the honest version opens
    right = zlib.crc32(bytes(784))
    for crc in (right ^ 1, right ^ 0x80000000, 0, 0xFFFFFFFF):
        refused(raw_code(payload, crc=crc), "checksum")


def test_a_drawing_with_its_pixels_changed_and_old_checksum_is_refused(seven):
    levels = sharelink.quantize(decode(seven))
    levels[400] = 255 - levels[400]
    raw = base64.urlsafe_b64decode(encode(levels / 255)[1:] + "==")
    old_crc = base64.urlsafe_b64decode(seven[1:] + "=" * (-len(seven[1:]) % 4))[-4:]
    refused("1" + base64.urlsafe_b64encode(raw[:-4] + old_crc).decode().rstrip("="), "checksum")


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None)
def test_random_text_is_a_drawing_or_a_link_error(text):
    try:
        pixels = decode(text)
    except LinkError as exc:
        assert str(exc)
    else:
        assert pixels.shape == (784,)


@given(st.text(alphabet=ALPHABET, max_size=700))
@settings(max_examples=400, deadline=None)
def test_random_base64url_is_a_drawing_or_a_link_error(body):
    try:
        pixels = decode("1" + body)
    except LinkError:
        return
    assert pixels.shape == (784,)


@given(st.binary(max_size=900), st.booleans())
@settings(max_examples=400, deadline=None)
def test_random_payloads_are_a_drawing_or_a_link_error(payload, honest_crc):
    """Deep into the run-length reader: well-formed base64 around arbitrary bytes."""
    levels, i = bytearray(), 0
    while i < len(payload):  # what a lenient reader makes of it: the CRC an honest encoder would add
        if payload[i]:
            levels.append(payload[i])
            i += 1
        else:
            levels += bytes(payload[i + 1] if i + 1 < len(payload) else 0)
            i += 2
    code = raw_code(payload, bytes(levels)) if honest_crc else raw_code(payload, crc=zlib.crc32(payload) ^ 5)
    try:
        pixels = decode(code)
    except LinkError:
        return
    assert pixels.shape == (784,)
    assert encode(pixels) == encode(pixels)


# ---- routes ------------------------------------------------------------------------------

class _Meta(html.parser.HTMLParser):
    """<meta property|name=... content=...> of a page, by key."""

    def __init__(self, text):
        super().__init__()
        self.meta = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        key = a.get("property") or a.get("name")
        if tag == "meta" and key:
            self.meta[key] = a.get("content")


def test_api_share_returns_the_pixels_of_a_good_link(client, mnist_test, seven):
    images, _ = mnist_test
    r = client.get("/api/share", query_string={"d": seven})
    assert r.status_code == 200 and r.is_json
    assert r.json["code"] == seven
    assert np.allclose(r.json["pixels"], images[0], atol=1e-6)


@pytest.mark.parametrize("code", ["", "1", "2AAAA", "1" + "A" * 5000] + SCRIPT_PAYLOADS)
def test_api_share_refuses_bad_links_with_json(client, code):
    r = client.get("/api/share", query_string={"d": code})
    assert r.status_code == 400 and r.is_json
    assert isinstance(r.json["error"], str) and r.json["error"]


def test_api_share_without_a_link_is_a_400(client):
    r = client.get("/api/share")
    assert r.status_code == 400 and r.is_json


def test_api_share_refuses_tampered_and_truncated_links(client, seven):
    for code in (seven[:-3], seven[:60], seven[:20] + ("B" if seven[20] != "B" else "C") + seven[21:]):
        r = client.get("/api/share", query_string={"d": code})
        assert r.status_code == 400 and r.is_json


def test_preview_png_is_a_1200x630_picture(client, seven):
    r = client.get("/preview.png", query_string={"d": seven})
    assert r.status_code == 200
    assert r.mimetype == "image/png"
    image = Image.open(io.BytesIO(r.data))
    image.verify()
    image = Image.open(io.BytesIO(r.data))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert image.convert("L").getextrema()[1] > 200  # there is a drawing on it, not a blank
    assert "max-age" in r.headers.get("Cache-Control", "")


def test_preview_png_of_a_blank_drawing(client):
    r = client.get("/preview.png", query_string={"d": encode(np.zeros(784))})
    assert r.status_code == 200
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)


@pytest.mark.parametrize("code", ["", "1AAAA", "9AAAA"] + SCRIPT_PAYLOADS)
def test_preview_png_refuses_bad_links_with_json(client, code):
    r = client.get("/preview.png", query_string={"d": code})
    assert r.status_code == 400 and r.is_json and r.json["error"]


def test_page_for_a_good_link_has_a_large_preview(client, app, seven):
    r = client.get("/", query_string={"d": seven})
    assert r.status_code == 200
    meta = _Meta(r.get_data(as_text=True)).meta
    assert meta["og:image"] == f"http://localhost/preview.png?d={seven}"
    assert meta["og:image:width"] == "1200" and meta["og:image:height"] == "630"
    assert meta["og:type"] == "website"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:title"].startswith("The neural network reads this drawing as ")
    assert meta["og:description"]
    # The preview it names is there.
    image = client.get(meta["og:image"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_page_title_names_the_networks_answer(client, mnist_test):
    from web.reply import infer
    from mlp import weights_io
    images, _ = mnist_test
    network = weights_io.load(weights_io.DEFAULT_WEIGHTS)
    for image in images[:5]:
        answer = infer(network, image)["prediction"]
        meta = _Meta(client.get("/", query_string={"d": encode(image)}).get_data(as_text=True)).meta
        assert meta["og:title"] == f"The neural network reads this drawing as {answer}"


def test_page_for_a_blank_link_says_so(client):
    meta = _Meta(client.get("/", query_string={"d": encode(np.zeros(784))}).get_data(as_text=True)).meta
    assert meta["og:title"] == "A digit drawn for a neural network"
    assert "og:image" in meta


def test_page_without_a_link_has_a_generic_preview(client):
    meta = _Meta(client.get("/").get_data(as_text=True)).meta
    assert meta["og:title"] and meta["og:description"] and meta["og:type"] == "website"
    assert "og:image" not in meta and meta.get("twitter:card") == "summary"


@pytest.mark.parametrize("code", SCRIPT_PAYLOADS + ["", "1AAAA", "1" + "A" * 5000])
def test_page_for_a_bad_link_is_the_plain_page(client, code):
    r = client.get("/", query_string={"d": code})
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    meta = _Meta(text).meta
    assert "og:image" not in meta and meta["og:title"] and meta["og:description"]
    if len(code) > 6:
        assert code not in text  # never echoed, escaped or not
    plain = client.get("/").get_data(as_text=True)  # the page's own markup (its own <svg> curve, say)
    for bad in ("<script>alert", "onerror", "<img", "<svg", "javascript:", "window.pwned"):
        assert text.count(bad) == plain.count(bad), bad  # nothing of the link's made it into the page
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_meta_content_is_escaped(app):
    """Even if a title carried markup one day, autoescaping keeps it an attribute value."""
    import flask
    with app.test_request_context("/"):
        html_text = flask.render_template("index.html", sizes=[784, 16, 16, 10], n_params=13002,
                                          test_accuracy=None,
                                          og={"image": 'http://x/"><script>alert(1)</script>',
                                              "title": '"><img src=x onerror=alert(1)>'})
    assert "<script>alert" not in html_text and "<img src=x" not in html_text
    meta = _Meta(html_text).meta
    assert meta["og:title"] == '"><img src=x onerror=alert(1)>'
    assert meta["og:image"] == 'http://x/"><script>alert(1)</script>'


# ---- reasons: a code for programs beside the English message ------------------------------

def reason_of(code):
    with pytest.raises(LinkError) as info:
        decode(code)
    assert info.value.reason in sharelink.REASONS
    return info.value.reason


def test_each_refusal_has_its_reason(seven):
    payload = bytes([0, 255] * 3 + [0, 19])
    cases = {
        "": "empty", None: "empty",
        "1" + "A" * 5000: "tooLong",
        "1+AB": "characters", SCRIPT_PAYLOADS[0]: "characters",
        "2" + seven[1:]: "version",
        "1AAAAA": "damaged", "1AAAA": "damaged", seven[:-3]: "damaged",
        raw_code(bytes([0, 0]) + payload, bytes(784)): "damaged",
        raw_code(bytes([0, 255] * 3), bytes(765)): "damaged",
        raw_code(bytes([9] * 785), bytes([9] * 785)): "tooMany",
        raw_code(payload, crc=zlib.crc32(bytes(784)) ^ 1): "checksum",
    }
    assert {code: reason_of(code) for code in cases} == cases


def test_every_reason_has_words_in_both_languages():
    import json
    from pathlib import Path
    i18n = Path(__file__).resolve().parent.parent / "static" / "i18n"
    for lang in ("en", "zh-TW"):
        catalog = json.loads((i18n / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(f"link.reason.{reason}" in catalog for reason in sharelink.REASONS), lang


def test_a_link_error_needs_a_known_reason():
    with pytest.raises(ValueError):
        LinkError("nonsense", "the link is odd")


@pytest.mark.parametrize("route", ["/api/share", "/preview.png"])
def test_refusals_carry_the_reason_and_the_message(client, route, seven):
    for code, reason in (("", "empty"), ("1" + "A" * 5000, "tooLong"), ("9AAAA", "version"), (seven[:-3], "damaged")):
        r = client.get(route, query_string={"d": code})
        assert r.status_code == 400 and r.is_json
        assert r.json["reason"] == reason
        with pytest.raises(LinkError) as info:
            decode(code)
        assert r.json["error"] == str(info.value)  # the English message, unchanged
