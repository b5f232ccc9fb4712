"""Why this answer? and silencing neurons (issue 16, parts 2 and 3), with the mouse and the keyboard in
a real browser against the real server.

Why this answer?: the maps the panel shows are /api/explain's for the very grid the live prediction
sent (read back from the canvases' data and their pixels), the sentence names the reply's digits and
places in the page's language (en, zh-TW), it is asked again once the pen lifts (never mid-stroke), for
the pre-processing switch and for silenced neurons, and says so for an empty pad.

Silence a neuron: the switch in the inspector (mouse and keyboard) sends `silenced`, the neuron's
activation is 0 in the reply and the inspector, the page's outputs are /api/predict's for that list,
Reset all brings the first answer back, and a drawing's answer changes when the neurons that carry it
are silenced (found from the real network here, not written down).
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from playwright.sync_api import expect

from mlp.explain import region
from tools.browser import PHONE
from tools.api_client import floats, get_json as get, post_json as post
from tools.drawing import DIGITS, answer, draw, draw_digit, settle

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"  # as conftest.py


def catalog(lang):
    return json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def predict(server, body):
    """/api/predict for `body` as the page sent it (compact): activations and sums as numbers."""
    reply = post(server, "/api/predict", body)
    reply["activations"] = [list(base64.b64decode(reply["activations"][0]))] + [floats(a) for a in reply["activations"][1:]]
    reply["weighted_sums"] = [floats(z) for z in reply["weighted_sums"]]
    return reply


def is_predict(request, silenced=None):
    if not request.url.endswith("/api/predict") or request.method != "POST":
        return False
    return silenced is None or request.post_data_json.get("silenced", []) == silenced


def last_live_request(requests):
    """The newest /api/predict the live predictor sent (the requests list a page.on('request') filled)."""
    return [r for r in requests if is_predict(r)][-1]


def bar_pcts(page):
    return [int(re.search(r"(\d+)\s*%", page.locator(f'.prob[data-digit="{d}"]').get_attribute("aria-label")).group(1))
            for d in range(10)]


def pixel(page, testid, i):
    """The [r, g, b] a map shows at the centre of cell i of its 28x28 grid (the map is drawn smoothed:
    its backing store has an odd whole number of pixels per cell, so that pixel is the cell's own colour)."""
    return page.evaluate("""([id, i]) => {
      const c = document.querySelector(`[data-testid="${id}"]`);
      const cell = c.width / 28;
      const x = (i % 28) * cell + (cell - 1) / 2, y = Math.floor(i / 28) * cell + (cell - 1) / 2;
      return [...c.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)];
    }""", [testid, i])


def off_ring(canvas_ring, i):
    """Whether cell i is clear of the dashed ring drawn around cell `canvas_ring` (-1: none)."""
    if canvas_ring < 0:
        return True
    (r, c), (rr, rc) = divmod(i, 28), divmod(canvas_ring, 28)
    return abs(((r - rr) ** 2 + (c - rc) ** 2) ** 0.5 - 1.7) > 0.75


def near(rgb, want, tol=4):
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


def open_explain(page, keyboard=False):
    chip = page.get_by_test_id("explain-open")
    if keyboard:
        chip.focus()
        page.keyboard.press("Enter")
    else:
        chip.click()
    expect(page.get_by_test_id("explain")).to_be_visible()
    expect(chip).to_have_attribute("aria-expanded", "true")


def explained(page):
    """Wait for the panel's answer; the /api/explain reply it shows, read back from the page."""
    panel = page.get_by_test_id("explain")
    expect(panel).to_have_attribute("data-state", "ready")
    maps = []
    for k in range(2):
        canvas = page.get_by_test_id(f"explain-map-{k}")
        maps.append({"digit": int(canvas.get_attribute("data-digit")),
                     "values": [float(v) for v in canvas.get_attribute("data-values").split(",")],
                     "label": canvas.get_attribute("aria-label")})
    return maps


def fill(text, **params):
    for k, v in params.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def expected_sentence(lang, reply):
    """What the panel must say for this /api/explain reply: each piece of advice the server found to
    work (flips, or nearly), else that there is no close second, with the reply's own numbers."""
    cat = catalog(lang)
    place = lambda words: cat["explain.place.{}.{}".format(*words)]  # noqa: E731
    winner, runner_up = reply["digits"]
    parts = []
    for what, where in (("add_ink", "add"), ("remove_ink", "remove")):
        tip = reply[what]
        if tip["result"] in ("flips", "nearly"):
            parts.append(fill(cat[f"explain.{where}.{tip['result']}"], **{where: place(tip["region"])}, towards=runner_up,
                              reads=tip["reads"], pReads=round(tip["after"][0] * 100), pTowards=round(tip["after"][1] * 100)))
    if len(parts) == 2:
        return fill(cat["explain.both"], first=parts[0], second=parts[1])
    if parts:
        return parts[0]
    return fill(cat["explain.noClose"], **{"from": winner}, towards=runner_up, pFrom=round(reply["outputs"][0] * 100),
                pRunner=round(reply["outputs"][1] * 100))


# ---- Why this answer? ------------------------------------------------------------------------

def check_explanation(page, server, lang, requests, explain_request):
    """The panel shows /api/explain's reply for the grid and the question of the live prediction."""
    maps = explained(page)
    body = explain_request.post_data_json
    live = last_live_request(requests).post_data_json
    assert body["pixels"] == live["pixels"], "the same grid as the live prediction"
    assert body.get("preprocess", True) == live.get("preprocess", True)
    reply = post(server, "/api/explain", body)
    assert not reply["empty"]
    assert [m["digit"] for m in maps] == reply["digits"]
    assert reply["digits"][0] == int(answer(page)), "the winner is the answer on screen"
    for shown, values in zip(maps, reply["maps"]):
        assert shown["values"] == values, "the map shown is the API's, number for number"
    # The sentence: the reply's digits and places, in the page's language.
    sentence = page.get_by_test_id("explain-sentence")
    expect(sentence).to_have_text(expected_sentence(lang, reply))
    assert reply["add_ink"]["towards"] == reply["digits"][1] and reply["remove_ink"]["from"] == reply["digits"][0]
    # Each map's description names the place of its strongest push up, as mlp/explain.py names places.
    cat = catalog(lang)
    for shown, values in zip(maps, reply["maps"]):
        up = max(range(784), key=lambda i: values[i])
        assert cat["explain.place.{}.{}".format(*region(up))] in shown["label"]
        assert str(shown["digit"]) in shown["label"]
    # The pixels: the strongest cell in full colour, no colour where there is no ink, the ink faintly grey.
    pos = [131, 193, 103]  # main.css --green, the default palette's positive colour
    neg = [252, 98, 85]    # --red
    grid = predict(server, body)["activations"][0]  # the input the network saw, 0..255
    works = lambda tip: tip["result"] in ("flips", "nearly")  # noqa: E731
    for k, values in enumerate(reply["maps"]):
        tip = reply["remove_ink"] if k == 0 else reply["add_ink"]
        ring = tip["pixel"] if works(tip) else -1
        assert int(page.get_by_test_id(f"explain-map-{k}").get_attribute("data-ring")) == ring, "a ring only for advice given"
        clear = lambda i, ring=ring: off_ring(ring, i)  # noqa: E731
        # Scaled by the map's largest |value|: that cell in full colour, the other sign's strongest in its hue.
        top = max(range(784), key=lambda i: abs(values[i]))
        if clear(top):
            assert near(pixel(page, f"explain-map-{k}", top), pos if values[top] > 0 else neg), "the strongest push: full colour"
        up = max(range(784), key=lambda i: values[i])
        down = min(range(784), key=lambda i: values[i])
        if values[up] > 0.2 * abs(values[top]) and clear(up):
            r, g, b = pixel(page, f"explain-map-{k}", up)
            assert g > r + 20, ("pushed up: green", r, g, b)
        if values[down] < -0.2 * abs(values[top]) and clear(down):
            r, g, b = pixel(page, f"explain-map-{k}", down)
            assert r > g + 20, ("pushed down: red", r, g, b)
        blank = next(i for i in range(784) if grid[i] == 0 and clear(i))
        assert near(pixel(page, f"explain-map-{k}", blank), [8, 12, 20], 2), "no ink, no colour"
        m = max(abs(v) for v in values)
        faint = [i for i in range(784) if grid[i] > 200 and abs(values[i]) < 0.002 * m and clear(i)]
        for i in faint[:3]:
            r, g, b = pixel(page, f"explain-map-{k}", i)
            assert 60 < r < 110 and abs(r - g) < 12 and abs(g - b) < 14, ("ink shows faint grey", r, g, b)
    return reply


def test_why_this_answer_shows_the_apis_maps_and_says_what_would_change_it(open_page, server):
    page = open_page()
    requests = []
    page.on("request", lambda r: requests.append(r))
    open_explain(page)
    # An empty pad: the panel says to draw.
    expect(page.get_by_test_id("explain")).to_have_attribute("data-state", "empty")
    expect(page.get_by_test_id("explain-status")).to_have_text(catalog("en")["explain.empty"])
    expect(page.get_by_test_id("explain-map-0")).to_be_hidden()

    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        draw_digit(page, 7)
        settle(page)
    first = check_explanation(page, server, "en", requests, asked.value)

    # Mid-stroke it waits; once the pen lifts it asks again, for the new drawing.
    explains = lambda: [r for r in requests if r.url.endswith("/api/explain")]  # noqa: E731
    before = len(explains())
    box = page.get_by_test_id("pad").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.55)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.55, steps=8)
    expect(page.get_by_test_id("explain")).to_have_attribute("data-state", "drawing")
    page.wait_for_timeout(900)  # longer than the panel's wait after a change
    assert len(explains()) == before, "no question while the pen is down"
    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        page.mouse.up()
    settle(page)
    second = check_explanation(page, server, "en", requests, asked.value)
    assert second["maps"] != first["maps"]

    # The pre-processing switch: the same question as the live prediction, without it.
    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        page.get_by_test_id("without-preprocessing").check()
    settle(page)
    assert asked.value.post_data_json.get("preprocess") is False
    check_explanation(page, server, "en", requests, asked.value)
    page.get_by_test_id("without-preprocessing").uncheck()

    # Clear: the panel says so, without asking the server.
    page.get_by_test_id("clear").click()
    expect(page.get_by_test_id("explain")).to_have_attribute("data-state", "empty")
    expect(page.get_by_test_id("explain-sentence")).to_be_hidden()


def test_why_this_answer_in_chinese_from_the_keyboard(open_page, server):
    page = open_page("/?lang=zh-TW")
    requests = []
    page.on("request", lambda r: requests.append(r))
    draw_digit(page, 2)
    settle(page)
    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        open_explain(page, keyboard=True)
    expect(page.locator("#explain-title")).to_be_focused()
    reply = check_explanation(page, server, "zh-TW", requests, asked.value)
    text = page.get_by_test_id("explain-sentence").text_content()
    assert not re.search(r"[A-Za-z]", text), text
    assert str(reply["digits"][0]) in text and str(reply["digits"][1]) in text
    for k in range(2):
        label = page.get_by_test_id(f"explain-map-{k}").get_attribute("aria-label")
        assert not re.search(r"[A-Za-z]", label), label
    # The maps are reachable from the keyboard, each with its description; Escape gives the focus back.
    page.keyboard.press("Tab")  # the close button
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("explain-map-0")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("explain-map-1")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("explain")).to_be_hidden()
    expect(page.get_by_test_id("explain-open")).to_be_focused()
    # Switching to English tells the same explanation again.
    open_explain(page)
    explained(page)
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("explain-sentence")).to_have_text(expected_sentence("en", reply))


def test_the_explanation_counts_silenced_neurons(open_page, server):
    page = open_page()
    requests = []
    page.on("request", lambda r: requests.append(r))
    draw_digit(page, 4)
    settle(page)
    page.get_by_test_id("neuron-2-3").click()
    page.get_by_test_id("silence-toggle").click()
    settle(page)
    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        open_explain(page)  # closes the inspector
    expect(page.get_by_test_id("inspector")).to_be_hidden()
    assert asked.value.post_data_json["silenced"] == [[2, 3]]
    check_explanation(page, server, "en", requests, asked.value)
    # Reset all while the panel is open: it asks again, with every neuron on.
    with page.expect_request(lambda r: r.url.endswith("/api/explain")) as asked:
        page.get_by_test_id("silence-reset").click()
    assert "silenced" not in asked.value.post_data_json
    settle(page)
    check_explanation(page, server, "en", requests, asked.value)


# ---- Silence a neuron ------------------------------------------------------------------------

def check_silenced(page, server, request, silenced):
    """The page's answer for `request` (sent with `silenced`) is /api/predict's for that list."""
    body = request.post_data_json
    assert body["silenced"] == silenced
    reply = predict(server, body)
    for layer, index in silenced:
        assert reply["activations"][layer][index] == 0
    settle(page)
    pcts = [round(p * 100) for p in reply["activations"][-1]]
    assert bar_pcts(page) == pcts, "the answer bars are the silenced network's outputs"
    assert int(answer(page)) == reply["prediction"]
    expect(page.get_by_test_id("silence-count")).to_have_text(
        catalog("en")["silence.countOne" if len(silenced) == 1 else "silence.count"].replace("{n}", str(len(silenced))))
    expect(page.get_by_test_id("network")).to_have_attribute("data-silenced", str(len(silenced)))
    for layer, index in silenced:
        label = page.get_by_test_id(f"neuron-{layer}-{index}").get_attribute("aria-label")
        assert label == catalog("en")["silence.neuron"].replace("{layer}", str(layer)).replace("{n}", str(index + 1))
    return reply


def test_silencing_a_neuron_with_the_mouse_and_the_keyboard(open_page, server):
    page = open_page()
    requests = []
    page.on("request", lambda r: requests.append(r))
    draw_digit(page, 3)
    settle(page)
    original = bar_pcts(page), answer(page)

    # The mouse: the neuron, then its switch.
    page.get_by_test_id("neuron-2-5").click()
    toggle = page.get_by_test_id("silence-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("silence-bar")).to_be_hidden()
    with page.expect_request(lambda r: is_predict(r, [[2, 5]])) as sent:
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_attribute("aria-describedby", "silenced-note")  # the note is read with it
    reply = check_silenced(page, server, sent.value, [[2, 5]])
    # The inspector: activation 0, its weighted sum still the real one, and a note that it is silenced.
    expect(page.get_by_test_id("activation")).to_have_text("0.000")
    z = reply["weighted_sums"][1][5]
    expect(page.get_by_test_id("weighted-sum")).to_have_text(f"{abs(z):.2f}" if z >= 0 else f"−{abs(z):.2f}")
    assert abs(z) > 0.005
    expect(page.get_by_test_id("silenced-note")).to_be_visible()

    # The keyboard: into the neurons, across to layer 2, down to neuron 9, Enter, Tab to the switch, Space.
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("neuron-2-5")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("neuron-2-9")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("inspector-title")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    with page.expect_request(lambda r: is_predict(r, [[2, 5], [2, 9]])) as sent:
        page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    check_silenced(page, server, sent.value, [[2, 5], [2, 9]])
    expect(page.get_by_test_id("activation")).to_have_text("0.000")

    # Switch one back from the keyboard: the other stays silenced.
    with page.expect_request(lambda r: is_predict(r, [[2, 5]])) as sent:
        page.keyboard.press("Space")
    check_silenced(page, server, sent.value, [[2, 5]])
    expect(page.get_by_test_id("silenced-note")).to_be_hidden()
    assert toggle.get_attribute("aria-describedby") is None

    # An output neuron has no switch.
    page.get_by_test_id("neuron-3-4").click()
    expect(page.get_by_test_id("silence-row")).to_be_hidden()

    # Reset all, from the keyboard: the first answer again, and the focus stays on the page's controls.
    page.keyboard.press("Escape")
    page.get_by_test_id("silence-reset").focus()
    with page.expect_request(lambda r: is_predict(r) and "silenced" not in r.post_data_json):
        page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_test_id("silence-bar")).to_be_hidden()
    expect(page.get_by_test_id("network")).to_have_attribute("data-silenced", "0")
    assert (bar_pcts(page), answer(page)) == original
    assert page.evaluate("() => document.activeElement.dataset.testid").startswith("neuron-")


def weights(server, network):
    """The network's layers as the page fetches them: [(rows of weights, biases)]."""
    body = get(server, f"/api/network?network={network}")
    out = []
    for layer in body["layers"]:
        n_out, n_in = layer["shape"]
        w = floats(layer["weights"])
        out.append(([w[j * n_in:(j + 1) * n_in] for j in range(n_out)], layer["biases"]))
    return out


def test_silencing_the_neurons_that_carry_the_answer_changes_it(open_page, server):
    """For every network the server has (the page drawn for it): the answer changes, and comes back."""
    for net in get(server, "/api/networks"):
        page = open_page(f"/?network={net['id']}")
        assert page.locator("body").get_attribute("data-network") == net["id"]
        answer_changes_and_comes_back(page, server, net["id"])


def answer_changes_and_comes_back(page, server, network):
    requests = []
    page.on("request", lambda r: requests.append(r))
    draw(page, DIGITS["7"])
    original = int(answer(page))
    body = dict(last_live_request(requests).post_data_json)
    assert body.get("network") == network
    reply = predict(server, body)
    # From the real network: the last hidden layer's neurons ranked by how much they favour the
    # answer over the runner-up (activation x weight difference), silenced in that order until it changes.
    layers = weights(server, network)
    outs = reply["activations"][-1]
    runner_up = sorted(range(10), key=lambda d: -outs[d])[1]
    last_hidden = len(layers) - 1
    acts = reply["activations"][last_hidden]
    w_out = layers[-1][0]
    ranked = sorted(range(len(acts)), key=lambda j: -(acts[j] * (w_out[original][j] - w_out[runner_up][j])))
    chosen, changed = [], None
    for j in ranked:
        chosen.append([last_hidden, j])
        after = predict(server, {**body, "silenced": chosen})
        if after["prediction"] != original:
            changed = after
            break
    assert changed, "silencing the last hidden layer changes the answer"

    # Now with the mouse, one neuron at a time.
    for k, (layer, index) in enumerate(chosen):
        page.get_by_test_id(f"neuron-{layer}-{index}").click()
        want = sorted(chosen[:k + 1])
        with page.expect_request(lambda r, want=want: is_predict(r, want)) as sent:
            page.get_by_test_id("silence-toggle").click()
        check_silenced(page, server, sent.value, want)
    assert int(answer(page)) == changed["prediction"] != original
    expect(page.get_by_test_id("network")).to_have_attribute("data-prediction", str(changed["prediction"]))

    # Reset all with the mouse: the first answer is back.
    page.get_by_test_id("inspector-close").click()
    page.get_by_test_id("silence-reset").click()
    settle(page)
    assert int(answer(page)) == original
    assert bar_pcts(page) == [round(p * 100) for p in reply["activations"][-1]]
    for layer, index in chosen:
        label = page.get_by_test_id(f"neuron-{layer}-{index}").get_attribute("aria-label")
        assert label == catalog("en")["neuron.hidden"].replace("{layer}", str(layer)).replace("{n}", str(index + 1))


def test_screenshots_of_explain_and_silence(open_page):
    """Desktop and phone, English and Chinese: the panel, the maps and the silenced marks, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang, viewport, name in (("en", None, "desktop"), ("zh-TW", PHONE, "phone")):
        page = open_page(f"/?lang={lang}", **({"viewport": viewport} if viewport else {}))
        draw_digit(page, 5)
        settle(page)
        page.get_by_test_id("neuron-1-2").click()
        page.get_by_test_id("silence-toggle").click()
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / f"silence-{name}-{lang}.png"))
        page.get_by_test_id("palette").click()  # the colour-blind palette: the maps' signs as marks too
        open_explain(page)
        explained(page)
        page.screenshot(path=str(SCREENSHOTS / f"explain-{name}-{lang}.png"))
