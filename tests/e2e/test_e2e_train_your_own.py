"""Train your own (issue 25), in a real browser against real servers that train on MNIST.

The issue's flow with the mouse: a 3 drawn, the panel (data-testid="train") opened, the video's shape chosen and
set to 5,000 images x 2 epochs, Train: the panel says it is training, then the page opens the trained network with
the drawing kept (the share link's form: ?d= the same code, &network= the recipe's id) and Watch it learn plays its
training on the network view, from the random start to trained; the network on screen is another one. A 7 drawn on
it reads as the API reads it with that network; the Share link, opened in a fresh browser against a fresh server
process (which trains the network from its id when first asked, saying so meanwhile), shows the same network and
the same answer, bar for bar. The same with the keyboard in Chinese, on a phone, and Back and Compare with a
network trained before. Without MNIST the panel says training is unavailable and nothing else changes; a recipe
outside a limit is named before it is sent, and too much work is the server's 400, said in its words. A ReLU
network is drawn honestly: its neurons above 1 are full brightness with their value, their buttons say it, and the
inspector plots ReLU. Every training here is small (at most 10,000 images x 3 epochs, under a second's work).
"""
from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tools.api_client import post_json
from tools.browser import DESKTOP, PHONE
from tools.drawing import draw_digit, input_grid, settle
from web import sharelink

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = {lang: json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in ("en", "zh-TW")}
WAIT_S = 120  # a busy machine: conditions are waited for this long at most

# What the page did, kept in the tab's sessionStorage so it survives the page opening the trained network:
# the Train panel's states and what its status line said, the Watch-it-learn snapshots shown, and the note over
# the network view.
RECORDER = """() => {
  if (window.__recording) return;
  window.__recording = true;
  const keep = (key, value) => {
    const list = JSON.parse(sessionStorage.getItem(key) || '[]');
    if (list[list.length - 1] !== value) list.push(value);
    sessionStorage.setItem(key, JSON.stringify(list));
  };
  const watch = () => {
    const at = (id) => document.querySelector(`[data-testid="${id}"]`);
    const follow = (id, attr, key, read) => {
      const el = at(id);
      if (!el) return;
      const note = () => { const v = read(el); if (v !== null && v !== undefined) keep(key, v); };
      note();
      new MutationObserver(note).observe(el, { attributes: true, attributeFilter: [attr] });
    };
    follow('train-panel', 'data-state', 'e2e.states', (el) => el.dataset.state);
    follow('learn', 'data-shown', 'e2e.shown', (el) => el.dataset.shown);
    follow('train-note', 'data-key', 'e2e.notes', (el) => el.dataset.key);
    const status = at('train-status');
    if (status) new MutationObserver(() => keep('e2e.said', status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch); else watch();
}"""


def record(page):
    """Record what the page does, in this document and in every one the tab opens next."""
    page.context.add_init_script(f"({RECORDER})()")
    page.evaluate(RECORDER)


def recorded(page, key):
    return json.loads(page.evaluate(f"() => sessionStorage.getItem('{key}') || '[]'"))


def until(what, check, timeout=WAIT_S):
    """Wait for `check()` to be true (a condition, polled), failing with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def open_train(page):
    page.get_by_test_id("train").click()
    panel = page.get_by_test_id("train-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-state", "ready")
    return panel


def set_recipe(page, hidden, images, epochs, seed, activation="sigmoid"):
    """The form filled with the mouse (and typing)."""
    page.get_by_test_id("train-layers").select_option(str(len(hidden)))
    for i, n in enumerate(hidden, 1):
        page.get_by_test_id(f"train-size-{i}").fill(str(n))
    if hidden:
        page.get_by_test_id(f"train-activation-{activation}").check()
    page.get_by_test_id("train-images").fill(str(images))
    page.get_by_test_id("train-epochs").fill(str(epochs))
    page.get_by_test_id("train-seed").fill(str(seed))


def recipe_id(hidden, activation, images, epochs, seed):
    return f"t1.{'-'.join(map(str, [784, *hidden, 10]))}.{activation if hidden else 'sigmoid'}.{images}x{epochs}.s{seed}"


def full_label(option):
    """An option of a network list as labelled in full (the list shows the longest label that fits its room)."""
    key = option.get_attribute("data-long-key") or option.get_attribute("data-i18n")  # (a list never shown: not fitted)
    args = json.loads(option.get_attribute("data-i18n-args") or "{}")
    text = CATALOGS["en"][key]
    for name, value in args.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def link_of(page):
    query = parse_qs(urlsplit(page.url).query)
    return query.get("d", [None])[0], query.get("network", [None])[0]


def bars(page):
    return page.locator('[data-testid="probabilities"] .prob').evaluate_all(
        "items => items.map((li) => li.getAttribute('aria-label'))")


def learned_on_screen(page):
    """Watch it learn played the training on the page: from the random start (0), through the steps, to trained,
    and stopped there (the recorder saw every snapshot shown)."""
    learn = page.get_by_test_id("learn")
    expect(learn).to_be_visible()
    timeline = page.get_by_test_id("learn-timeline")

    def done():
        shown, last = recorded(page, "e2e.shown"), timeline.get_attribute("max")
        return (last not in (None, "0") and shown and shown[-1] == last
                and page.get_by_test_id("learn-play").get_attribute("data-state") == "paused")
    until("the training played to the end", done)
    shown = recorded(page, "e2e.shown")
    assert shown[0] == "0" and len(set(shown)) >= 5, shown


def predict(server, pixels, network):
    return post_json(server, "/api/predict", {"pixels": [float(v) for v in pixels], "network": network})


# ---- the flow ----------------------------------------------------------------------------------------

def test_train_the_videos_shape_draw_share_and_open_it_on_a_fresh_server(open_page, browser, server, start_app):
    page = open_page()
    record(page)
    draw_digit(page, 3)
    settle(page)
    code_before, net_before = link_of(page)
    assert code_before and net_before is None
    network_view = page.get_by_test_id("network")
    expect(network_view).to_have_attribute("data-flow", "done")
    picture_before = network_view.screenshot()

    open_train(page)
    expect(page.get_by_test_id("train")).to_have_attribute("aria-expanded", "true")
    page.get_by_test_id("train-preset-video").click()
    expect(page.get_by_test_id("train-preset-video")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("train-preset-note")).to_have_text(CATALOGS["en"]["train.presetNote.video"])
    set_recipe(page, [16, 16], 5000, 2, 7)
    expect(page.get_by_test_id("train-shape")).to_have_text("784-16-16-10 · 13,002 weights and biases")
    expect(page.get_by_test_id("train-limit")).to_contain_text("about 2 s")
    net_id = recipe_id([16, 16], "sigmoid", 5000, 2, 7)
    with page.expect_navigation(timeout=WAIT_S * 1000):
        page.get_by_test_id("train-go").click()
    settle(page)

    # It said it was training, then what it made; the page now shows that network, with the same drawing.
    states = recorded(page, "e2e.states")
    assert states.index("training") < states.index("done"), states
    body = page.locator("body")
    expect(body).to_have_attribute("data-network", net_id)
    assert link_of(page) == (code_before, net_id)
    expect(page.get_by_test_id("network-picker")).to_have_value(net_id)
    expect(page.get_by_test_id("sizes")).to_have_text("784 → 16 → 16 → 10")
    # Watch it learn played its training on the network view, from random weights to trained.
    learned_on_screen(page)
    expect(page.get_by_test_id("learn-stage")).to_have_text("trained")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("learn")).to_be_hidden()
    settle(page)
    assert network_view.screenshot() != picture_before, "the network on screen is another one (its lines, its glow)"
    reply = predict(server, sharelink.decode(code_before), net_id)
    expect(page.get_by_test_id("prediction")).to_have_text(str(reply["prediction"]))
    accuracy = page.locator(".fact-quiet").first.text_content()
    assert re.search(r"\d+\.\d% right on MNIST", accuracy), accuracy
    # The panel now says which network this is, with its recipe.
    open_train(page)
    expect(page.get_by_test_id("train-yours")).to_contain_text("784-16-16-10, sigmoid, 5,000 images × 2 epochs, seed 7")
    expect(page.get_by_test_id("train-images")).to_have_value("5000")
    page.get_by_test_id("train-close").click()

    # Draw on it: a 7, read as the API reads it with this network.
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/predict") else None)
    page.get_by_test_id("clear").click()
    draw_digit(page, 7)
    settle(page)
    assert sent and all(body.get("network") == net_id for body in sent)
    code, shown_net = link_of(page)
    assert shown_net == net_id
    reply = predict(server, sharelink.decode(code), net_id)
    expect(page.get_by_test_id("prediction")).to_have_text(str(reply["prediction"]))
    answer, probabilities, grid = str(reply["prediction"]), bars(page), input_grid(page)

    # Share: the link names the drawing and the network.
    page.get_by_test_id("share").click()
    link = page.url
    assert link_of(page) == (code, net_id)

    # A fresh browser, and a fresh server process that has never trained this network: it trains it from the id.
    with start_app() as fresh:
        context = browser.new_context(viewport=DESKTOP)
        errors = []
        try:
            other = context.new_page()
            other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            other.on("pageerror", lambda e: errors.append(str(e)))
            context.add_init_script(f"({RECORDER})()")
            other.goto(fresh + link.removeprefix(server), timeout=WAIT_S * 1000)
            expect(other.locator("body")).to_have_attribute("data-live", "idle", timeout=WAIT_S * 1000)
            assert recorded(other, "e2e.notes")[:1] == ["train.firstAsk"], "it said it was training this network"
            expect(other.get_by_test_id("train-note")).to_be_hidden()
            expect(other.locator("body")).to_have_attribute("data-network", net_id)
            expect(other.get_by_test_id("prediction")).to_have_text(answer)
            assert bars(other) == probabilities and input_grid(other) == grid
            expect(other.get_by_test_id("train-accuracy")).to_have_text(accuracy)  # its MNIST figure, once trained
            other.screenshot(path=str(ROOT / "test-artifacts" / "screenshots" / "train-fresh-server.png"))
        finally:
            context.close()
        assert not errors, errors


def test_train_with_the_keyboard_in_chinese(open_page, server):
    page = open_page("/?lang=zh-TW")
    record(page)
    draw_digit(page, 2)
    settle(page)
    code, _ = link_of(page)
    chip = page.get_by_test_id("train")
    chip.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_test_id("train-panel")
    expect(panel).to_have_attribute("data-state", "ready")
    expect(page.locator("#train-title")).to_be_focused()
    expect(page.locator("#train-title")).to_have_text(CATALOGS["zh-TW"]["train.title"])

    def tab_to(testid, limit=30):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.dataset.testid") == testid:
                return
        pytest.fail(f"Tab never reached {testid}")

    tab_to("train-preset-one-neuron")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("train-preset-one-neuron")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("train-preset-note")).to_have_text(CATALOGS["zh-TW"]["train.presetNote.one-neuron"])
    expect(page.get_by_test_id("train-size-1")).to_have_value("1")
    tab_to("train-activation-sigmoid")  # the group is one tab stop, at its checked radio; an arrow moves the choice
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("train-activation-relu")).to_be_checked()
    for field, value in (("train-images", "2000"), ("train-epochs", "1"), ("train-seed", "31")):
        tab_to(field)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    expect(page.get_by_test_id("train-shape")).to_have_text("784-1-10 · 805 個權重和偏置")
    net_id = recipe_id([1], "relu", 2000, 1, 31)
    with page.expect_navigation(timeout=WAIT_S * 1000):
        page.keyboard.press("Enter")  # in the seed's box: the form is sent
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-network", net_id)
    assert link_of(page) == (code, net_id)
    # Watch it learn, opened on its training with the focus in it; Escape closes it and the focus goes to its chip.
    learned_on_screen(page)
    expect(page.locator("#learn-title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("learn-open")).to_be_focused()
    expect(page.get_by_test_id("neuron-1-0")).to_be_attached()
    expect(page.get_by_test_id("neuron-2-9")).to_be_attached()
    expect(page.get_by_test_id("neuron-3-0")).not_to_be_attached()
    # Its words, in Chinese.
    page.get_by_test_id("train").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("train-yours")).to_contain_text("784-1-10，ReLU，2,000 張圖片 × 1 輪，種子 31")


def test_train_on_a_phone(open_page, server):
    page = open_page(viewport=PHONE, has_touch=True, is_mobile=True)
    record(page)
    draw_digit(page, 0)
    settle(page)
    panel = open_train(page)
    # A sheet over the lower part of the screen, Train in view at its foot, the pad above it.
    box = panel.bounding_box()
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1 and box["width"] == PHONE["width"]
    go = page.get_by_test_id("train-go")
    expect(go).to_be_in_viewport()
    page.get_by_test_id("train-preset-no-hidden").click()
    expect(page.get_by_test_id("train-activation-none")).to_be_visible()
    expect(page.get_by_test_id("train-activation-sigmoid")).to_be_disabled()
    page.get_by_test_id("train-images").fill("2000")
    page.get_by_test_id("train-epochs").fill("1")
    page.get_by_test_id("train-seed").fill("41")
    expect(page.get_by_test_id("train-shape")).to_have_text("784-10 · 7,850 weights and biases")
    net_id = recipe_id([], "sigmoid", 2000, 1, 41)
    with page.expect_navigation(timeout=WAIT_S * 1000):
        go.tap()
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-network", net_id)
    learned_on_screen(page)
    # Its timeline's weight images are the outputs' own, one per digit (there is no hidden layer 1).
    expect(page.get_by_test_id("learn-weights").locator("canvas")).to_have_count(10)
    expect(page.locator('[data-field="weights-caption"]')).to_have_text(CATALOGS["en"]["train.outputWeights"].replace("{n}", "10"))
    # One layer of weights: the outputs straight after the input.
    expect(page.get_by_test_id("neuron-1-9")).to_be_attached()
    expect(page.get_by_test_id("neuron-2-0")).not_to_be_attached()
    expect(page.get_by_test_id("sizes")).to_have_text("784 → 10")


def test_back_and_compare_take_a_network_trained_before(open_page, server):
    page = open_page()
    draw_digit(page, 4)
    settle(page)
    code, _ = link_of(page)
    open_train(page)
    set_recipe(page, [16, 16], 3000, 1, 51)
    net_id = recipe_id([16, 16], "sigmoid", 3000, 1, 51)
    with page.expect_navigation(timeout=WAIT_S * 1000):
        page.get_by_test_id("train-go").click()
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-network", net_id)
    served = full_label(page.get_by_test_id("network-picker").locator(f'option[value="{net_id}"]'))
    assert served.startswith("784-16-16-10 sigmoid · 3,000 images × 1, seed 51 · ") and served.endswith("% on MNIST")
    shown = page.get_by_test_id("network-picker").locator(f'option[value="{net_id}"]').text_content().strip()
    assert shown.startswith("784-16-16-10 sigmoid · 3,000") and "seed 51" in shown  # shortened to fit: still its recipe

    # Back: the page before, its network and the same drawing; both lists now offer the trained network, labelled as
    # its own page labels it, and Compare reads the drawing with it as the API does.
    with page.expect_navigation():
        page.go_back()
    settle(page)
    expect(page.locator("body")).to_have_attribute("data-network", "video")
    assert link_of(page) == (code, None)
    for picker in ("network-picker", "compare-picker"):
        option = page.get_by_test_id(picker).locator(f'option[value="{net_id}"]')
        assert full_label(option) == served
        expect(option).to_contain_text(re.compile(r"^784-16-16-10 sigmoid · 3,000.*seed 51"))
    page.get_by_test_id("compare-open").click()
    page.get_by_test_id("compare-picker").select_option(net_id)
    reply = predict(server, sharelink.decode(code), net_id)
    expect(page.get_by_test_id("compare-other-answer")).to_have_attribute("data-prediction", str(reply["prediction"]))
    expect(page.get_by_test_id("compare-other-facts")).to_contain_text("784-16-16-10 · 13,002 weights and biases")
    # In Chinese, the trained network's label too.
    page.get_by_test_id("lang-zh-TW").click()
    # (in full, or shortened to fit the panel: its recipe either way)
    expect(page.get_by_test_id("compare-picker").locator(f'option[value="{net_id}"]')).to_contain_text(
        re.compile(r"784-16-16-10 sigmoid · (3,000 張 × 1 輪|3,000×1)，種子 51"))


# ---- without MNIST, and the limits ----------------------------------------------------------------------------

def test_without_mnist_the_panel_says_training_is_unavailable_and_nothing_else_changes(browser, start_app, tmp_path):
    with start_app({"MNIST_DATA": str(tmp_path)}) as url:
        context = browser.new_context(viewport=DESKTOP)
        errors = []
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url)
            expect(page.locator("body")).to_have_attribute("data-live", "idle")
            page.get_by_test_id("train").click()
            panel = page.get_by_test_id("train-panel")
            expect(panel).to_have_attribute("data-state", "unavailable")
            expect(page.get_by_test_id("train-status")).to_have_text(CATALOGS["en"]["train.unavailable"])
            expect(page.get_by_test_id("train-form")).to_be_hidden()
            expect(page.get_by_test_id("train-go")).to_be_hidden()
            page.get_by_test_id("lang-zh-TW").click()
            expect(page.get_by_test_id("train-status")).to_have_text(CATALOGS["zh-TW"]["train.unavailable"])
            page.get_by_test_id("train-close").click()
            # Nothing else changes: a drawing is read as before.
            draw_digit(page, 1)
            settle(page)
            expect(page.get_by_test_id("prediction")).to_have_text("1")
            page.screenshot(path=str(ROOT / "test-artifacts" / "screenshots" / "train-unavailable.png"))
        finally:
            context.close()
        assert not errors, errors


def test_a_recipe_outside_the_limits_is_named_and_too_much_work_is_the_servers_400(open_page, server):
    page = open_page()
    posts = []
    page.on("request", lambda r: posts.append(r.post_data_json) if r.url.endswith("/api/train") and r.method == "POST" else None)
    panel = open_train(page)
    set_recipe(page, [16, 129], 1000, 1, 1)
    page.get_by_test_id("train-go").click()
    expect(panel).to_have_attribute("data-state", "invalid")
    expect(page.get_by_test_id("train-status")).to_have_text(
        "Hidden layer 2 must have a whole number of neurons from 1 to 128, not 129.")
    size = page.get_by_test_id("train-size-2")
    expect(size).to_be_focused()
    expect(size).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("train-images").fill("999")
    size.fill("16")
    page.get_by_test_id("train-go").click()
    expect(page.get_by_test_id("train-status")).to_have_text(
        "Training images must be a whole number from 1,000 to 60,000, not 999.")
    assert posts == [], "nothing was sent"

    # Too much work: only the server's estimate knows; its 400 names the limit, and the panel says its words.
    big = {"hidden": [128, 128, 128], "activation": "relu", "images": 60000, "epochs": 20, "seed": 1}
    set_recipe(page, big["hidden"], big["images"], big["epochs"], big["seed"], "relu")
    page.get_by_test_id("train-go").click()
    expect(panel).to_have_attribute("data-state", "refused")
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(server, "/api/train", big)
    said = json.load(refused.value)["error"]
    assert said.startswith("too much work") and "over the limit of 2 s" in said
    expect(page.get_by_test_id("train-status")).to_have_text(f"The server refused this recipe: {said}")
    assert posts == [big]
    expect(page.locator("body")).to_have_attribute("data-network", "video")  # nothing else changed
    # The browser reports the 400 in its console: that one is expected.
    errors = open_page.errors(page)
    errors[:] = [e for e in errors if "status of 400" not in e]


# ---- ReLU, honestly drawn ------------------------------------------------------------------------------------

def test_a_relu_network_is_drawn_honestly(open_page, server):
    net_id = recipe_id([16, 16], "relu", 10000, 3, 7)  # the video-relu preset
    page = open_page(f"/?network={net_id}")
    draw_digit(page, 3)
    settle(page)
    code, _ = link_of(page)
    reply = predict(server, sharelink.decode(code), net_id)
    hidden = [reply["activations"][1], reply["activations"][2]]
    above = [(layer, i, a) for layer, acts in enumerate(hidden, 1) for i, a in enumerate(acts) if a > 1]
    assert above, "this drawing lights some ReLU neuron above 1"
    network_view = page.get_by_test_id("network")
    expect(network_view).to_have_attribute("data-flow", "done")
    expect(network_view).to_have_attribute("data-over-one", str(len(above)))
    # Each ReLU neuron's button says its value (the real one, above 1 too); the outputs' stay as they were.
    layer, index, value = max(above, key=lambda t: t[2])
    button = page.get_by_test_id(f"neuron-{layer}-{index}")
    expect(button).to_have_attribute("aria-label", f"Hidden layer {layer}, neuron {index + 1}: activation {value:.2f}")
    expect(page.get_by_test_id("neuron-3-0")).to_have_attribute("aria-label", "Output neuron for the digit 0")
    # The inspector: ReLU(z), its plot, its value.
    button.click()
    plot = page.get_by_test_id("sigmoid")
    expect(plot).to_have_attribute("data-function", "relu")
    expect(plot).to_have_attribute("aria-label", CATALOGS["en"]["train.reluLabel"])
    expect(page.get_by_test_id("equation").locator('[data-field="fn"]')).to_have_text("ReLU(z)")
    expect(page.get_by_test_id("activation")).to_have_text(f"{value:.3f}")
    z = reply["weighted_sums"][layer - 1][index]
    assert z == pytest.approx(value, abs=1e-4)  # ReLU(z) = z above 0
    page.screenshot(path=str(ROOT / "test-artifacts" / "screenshots" / "train-relu-inspector.png"))
    page.get_by_test_id("lang-zh-TW").click()
    expect(plot).to_have_attribute("aria-label", CATALOGS["zh-TW"]["train.reluLabel"])
    expect(button).to_have_attribute("aria-label", f"隱藏層 {layer}，第 {index + 1} 個神經元：激勵值 {value:.2f}")
    # An output neuron is sigmoid: σ(z) and its curve.
    page.get_by_test_id("neuron-3-3").click()
    expect(plot).to_have_attribute("data-function", "sigmoid")
    expect(page.get_by_test_id("equation").locator('[data-field="fn"]')).to_have_text("σ(z)")


# ---- a busy server ---------------------------------------------------------------------------------------------

def test_a_busy_server_is_asked_again_after_retry_after_and_the_panel_says_so(browser, start_app):
    """A server trains one network at a time and refuses another meanwhile (429 + Retry-After): the panel says
    so, waits, asks again and gets it. The server is kept busy by a real training of many images (normalizing
    them takes seconds), started from here; once a probe is refused, the page asks."""
    busy = {"hidden": [2], "activation": "sigmoid", "images": 20000, "epochs": 1, "seed": 71}
    with start_app() as url:
        context = browser.new_context(viewport=DESKTOP)
        errors = []
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url)
            expect(page.locator("body")).to_have_attribute("data-live", "idle")
            open_train(page)
            record(page)
            set_recipe(page, [4], 1000, 1, 72)

            def keep_asking():  # the busy-making training, asked again until the server takes it
                while True:
                    try:
                        return post_json(url, "/api/train", busy)
                    except urllib.error.HTTPError as refused:
                        if refused.code != 429:
                            raise
            background = ThreadWithResult(keep_asking)
            probes = iter(range(100, 10_000))

            def refused_now():  # a probe asks for a tiny network not trained yet: 429 while the server trains another
                probe = recipe_id([1], "sigmoid", 1000, 1, next(probes))
                try:
                    urllib.request.urlopen(f"{url}/api/network?network={probe}", timeout=WAIT_S).close()
                    return False
                except urllib.error.HTTPError as refused:
                    return refused.code == 429 and not background.done
            until("the server refused a probe while training", refused_now)
            net_id = recipe_id([4], "sigmoid", 1000, 1, 72)
            with page.expect_navigation(timeout=WAIT_S * 1000):
                page.get_by_test_id("train-go").click()
            settle(page)
            states = recorded(page, "e2e.states")
            assert states.index("training") < states.index("busy") < states.index("done"), states
            waits = [said for said in recorded(page, "e2e.said") if said.startswith("The server is training another")]
            assert waits and re.fullmatch(r"The server is training another network: trying again in \d+ s \(try 1 of 12\)\.",
                                          waits[0]), waits
            expect(page.locator("body")).to_have_attribute("data-network", net_id)
            assert background.result()["network"] == recipe_id(busy["hidden"], "sigmoid", 20000, 1, 71)
        finally:
            context.close()
        assert errors and all("status of 429" in e for e in errors), errors  # the refusals the browser reports


class ThreadWithResult:
    """fn() in a thread; result() waits for it (and raises what it raised)."""

    def __init__(self, fn):
        self.out, self.error = None, None

        def run():
            try:
                self.out = fn()
            except BaseException as exc:  # handed to result()
                self.error = exc
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    @property
    def done(self):
        return not self.thread.is_alive()

    def result(self):
        self.thread.join(timeout=WAIT_S)
        assert not self.thread.is_alive(), "the background training never ended"
        if self.error:
            raise self.error
        return self.out


# ---- accessibility ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-TW"])
@pytest.mark.parametrize("size", ["1366x768", "390x844"])
def test_axe_finds_no_serious_violations_in_the_panel(open_page, lang, size):
    from axe_playwright_python.sync_playwright import Axe
    page = open_page(f"/?lang={lang}", viewport=DESKTOP if size == "1366x768" else PHONE)
    open_train(page)
    axe = Axe()
    found = {"the form": axe.run(page)}
    page.get_by_test_id("train-preset-no-hidden").click()
    page.get_by_test_id("train-seed").fill("-1")
    page.get_by_test_id("train-go").click()
    expect(page.get_by_test_id("train-panel")).to_have_attribute("data-state", "invalid")
    found["a value outside its limit"] = axe.run(page)
    for state, results in found.items():
        assert results.response["passes"], "axe ran its checks"
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{state}: " + "; ".join(f"{v['id']}: {[n['target'] for n in v['nodes']][:5]}" for v in bad)
