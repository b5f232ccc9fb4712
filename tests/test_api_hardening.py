"""Every malformed request gets a 4xx with a JSON error that says what was wrong; never a 5xx."""
import base64
import gzip
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOOD = [0.0] * 784
B64 = base64.b64encode(bytes(784)).decode()  # the compact form: 784 zero bytes

# (name, how to send it, expected status, a phrase the error must contain)
CASES = [
    ("body not JSON", dict(data="pixels=1", content_type="application/json"), 400, "not valid JSON"),
    ("empty body", dict(data="", content_type="application/json"), 400, "empty"),
    ("not UTF-8", dict(data=b"\xff\xfe{}", content_type="application/json"), 400, "not UTF-8 text (byte 1 is 0xff)"),
    ("gzip body", dict(data=gzip.compress(json.dumps({"pixels": GOOD}).encode()), content_type="application/json",
                       headers={"Content-Encoding": "gzip"}), 415, "the body is compressed (Content-Encoding: gzip)"),
    ("gzip body, no Content-Encoding", dict(data=gzip.compress(json.dumps({"pixels": GOOD}).encode()),
                                            content_type="application/json"), 415, "the body is compressed"),
    ("wrong content type", dict(data=json.dumps({"pixels": GOOD}), content_type="text/plain"), 415, "application/json"),
    ("no content type", dict(data=json.dumps({"pixels": GOOD})), 415, "application/json"),
    ("JSON array, not object", dict(json=GOOD), 400, "JSON object"),
    ("missing pixels", dict(json={"pixel": GOOD}), 400, "missing 'pixels'"),
    ("pixels an object", dict(json={"pixels": {"0": 0}}), 400, "must be a list"),
    ("pixels null", dict(json={"pixels": None}), 400, "(or base64 of 784 bytes), got null"),
    ("pixels a number", dict(json={"pixels": 0.5}), 400, "(or base64 of 784 bytes), got 0.5"),
    ("base64 of 783 bytes", dict(json={"pixels": base64.b64encode(bytes(783)).decode()}), 400, "got 1044 characters"),
    ("base64 of 785 bytes", dict(json={"pixels": base64.b64encode(bytes(785)).decode()}), 400, "got 785 bytes"),
    ("base64 of 786 bytes", dict(json={"pixels": base64.b64encode(bytes(786)).decode()}), 400, "got 786 bytes"),
    ("base64 with a bad character", dict(json={"pixels": "*" + B64[1:]}), 400, "not valid base64"),
    ("base64url, not base64", dict(json={"pixels": "-_" + B64[2:]}), 400, "not valid base64"),
    ("base64 with whitespace", dict(json={"pixels": " " + B64[1:]}), 400, "not valid base64"),
    ("784 digits, not base64", dict(json={"pixels": "0" * 784}), 400, "got 784 characters"),
    ("0 pixels", dict(json={"pixels": []}), 400, "exactly 784"),
    ("783 pixels", dict(json={"pixels": [0] * 783}), 400, "got 783"),
    ("785 pixels", dict(json={"pixels": [0] * 785}), 400, "got 785"),
    ("10^6 pixels", dict(json={"pixels": [0] * 10**6}), 413, "Too Large"),
    ("nested 28x28 lists", dict(json={"pixels": [[0] * 28] * 28}), 400, "exactly 784"),
    ("ragged list inside", dict(json={"pixels": [[0]] + [0] * 783}), 400, "pixels[0] must be a number"),
    ("a string", dict(json={"pixels": ["0.5"] + [0] * 783}), 400, "pixels[0] must be a number"),
    ("a boolean", dict(json={"pixels": [0] * 5 + [True] + [0] * 778}), 400, "pixels[5] must be a number"),
    ("null", dict(json={"pixels": [None] + [0] * 783}), 400, "pixels[0] must be a number"),
    ("NaN", dict(data='{"pixels": [NaN' + ", 0" * 783 + "]}", content_type="application/json"), 400, "NaN"),
    ("Infinity", dict(data='{"pixels": [Infinity' + ", 0" * 783 + "]}", content_type="application/json"), 400, "Infinity"),
    ("-Infinity", dict(data='{"pixels": [-Infinity' + ", 0" * 783 + "]}", content_type="application/json"), 400, "-Infinity"),
    ("above 1", dict(json={"pixels": [1.5] + [0] * 783}), 400, "outside 0..1"),
    ("a hair above 1", dict(json={"pixels": [1.0000000000000002] + [0] * 783}), 400,
     "pixels[0] = 1.0000000000000002 is outside 0..1"),
    ("below 0", dict(json={"pixels": [0] * 783 + [-0.01]}), 400, "outside 0..1"),
    ("huge number", dict(data='{"pixels": [1e999' + ", 0" * 783 + "]}", content_type="application/json"), 400, "outside 0..1"),
    ("integer of 5000 digits", dict(data='{"pixels": [' + "1" * 5000 + "]}", content_type="application/json"), 400,
     "a whole number too long to read"),
    ("integer beyond float range", dict(json={"pixels": [10**400] + [0] * 783}), 400, "outside 0..1"),
    ("deep nesting", dict(data="[" * 100000 + "]" * 100000, content_type="application/json"), 413, "Too Large"),
    ("deep nesting under the limit", dict(data="[" * 30000 + "]" * 30000, content_type="application/json"), 400, "JSON"),
    ("silenced not a list", dict(json={"pixels": B64, "silenced": "1.3"}), 400, 'pairs, got "1.3"'),
    ("silenced longer than the hidden layers", dict(json={"pixels": B64, "silenced": [[1, 0]] * 33}), 400,
     "'silenced' names 33 neurons, but this network has 32 hidden neurons"),
    ("silenced 4,096 pairs", dict(json={"pixels": B64, "silenced": [[1, 0]] * 4096}), 400, "names 4,096 neurons"),
    ("a silenced pair of decimals", dict(json={"pixels": B64, "silenced": [[1.0, 3]]}), 400,
     "silenced[0] must be a pair of whole numbers [layer, index] like [1, 3], got [1.0, 3]"),
]
# What an error message never says: a Python type's name (NoneType, dict...), where a person reads JSON.
PYTHON_WORDS = re.compile(r"\b(NoneType|dict|str|int|float|bool|tuple|Traceback)\b")


@pytest.mark.parametrize("name,kwargs,status,phrase", CASES, ids=[c[0] for c in CASES])
def test_bad_request_is_refused_clearly(client, name, kwargs, status, phrase):
    response = client.post("/api/predict", **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json
    assert phrase in response.get_json()["error"]
    assert not PYTHON_WORDS.search(response.get_json()["error"])


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_wrong_method_is_405_json(client, method):
    response = getattr(client, method)("/api/predict")
    assert response.status_code == 405 and "error" in response.get_json()


def test_unknown_api_route_is_404_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.get_json()


@pytest.mark.parametrize("text", ["%C2%B2", "%E2%91%A0", "%E2%82%81", "%C2%B9", "%D9%A3", "%EF%BC%91"],
                         ids=["superscript 2", "circled 1", "subscript 1", "superscript 1", "Arabic-Indic 3",
                              "full-width 1"])
def test_numbers_in_a_query_are_ascii_digits(client, text):
    """Issue 23 (2): ?snapshot=² was a 500 (str.isdigit() takes it, int() does not); ٣ and １ were read as 3 and 1."""
    response = client.get(f"/api/network?snapshot={text}")
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"].startswith("'snapshot' must be a whole number from 0 to ")


@pytest.mark.parametrize("number", ["٣", "１", "²"])
def test_numbers_in_a_body_are_ascii_digits(client, number):
    body = '{"pixels": "' + B64 + '", "snapshot": ' + number + "}"
    response = client.post("/api/predict", data=body.encode(), content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.get_json()["error"]


def test_good_request_still_works(client):
    assert client.post("/api/predict", json={"pixels": GOOD}).status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)
pixel_like = st.one_of(
    st.floats(allow_nan=False),
    st.floats(min_value=0, max_value=1),
    st.integers(-5, 5),
    st.none(), st.booleans(), st.text(max_size=3), st.lists(st.floats(0, 1), max_size=3),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    json_values.map(lambda v: json.dumps(v)),
    st.builds(lambda v: {"pixels": v}, json_values).map(json.dumps),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
))
def test_random_bodies_never_5xx(client, body):
    response = client.post("/api/predict", data=body, content_type="application/json")
    assert response.status_code < 500
    assert response.is_json
    if response.status_code != 200:
        assert response.get_json()["error"] and not PYTHON_WORDS.search(response.get_json()["error"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1),
       edits=st.lists(st.tuples(st.integers(0, 783), pixel_like), max_size=4),
       length_change=st.integers(-3, 3))
def test_random_pixel_lists_never_5xx(client, seed, edits, length_change):
    """Valid drawings with a few values broken and the length nudged."""
    pixels = np.random.default_rng(seed).random(784).tolist()
    for index, value in edits:
        pixels[index] = value
    pixels = pixels[:784 + length_change] if length_change < 0 else pixels + [0.0] * length_change
    response = client.post("/api/predict", json={"pixels": pixels})
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 200:
        assert len(body["activations"][0]) == 784
    else:
        assert body["error"]


def test_simultaneous_requests_never_mix(app, mnist_test):
    """The model is shared read-only: 8 threads at once get exactly the answers they get alone."""
    from concurrent.futures import ThreadPoolExecutor

    images = mnist_test[0][:160]
    bodies = [{"pixels": image.tolist()} for image in images]

    def ask(body):
        return app.test_client().post("/api/predict", json=body).get_json()

    alone = [ask(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(ask, bodies * 3))
    for i, reply in enumerate(together):
        assert reply == alone[i % len(bodies)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(min_size=780, max_size=788),
       edits=st.lists(st.tuples(st.integers(0, 1050), st.characters(codec="utf-8")), max_size=3),
       cut=st.integers(-3, 3))
def test_random_compact_pixels_never_5xx(client, raw, edits, cut):
    """The compact form (base64 of 784 bytes) with the length nudged and characters broken."""
    text = list(base64.b64encode(raw).decode())
    for index, char in edits:
        if index < len(text):
            text[index] = char
    text = "".join(text)
    text = text[:len(text) + cut] if cut < 0 else text + "A" * cut
    response = client.post("/api/predict", json={"pixels": text})
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 200:
        assert len(base64.b64decode(body["activations"][0])) == 784
    else:
        assert body["error"]
