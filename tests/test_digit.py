"""The digit's facts are stated once (mlp/digit.py): every module uses those, and the page is told them."""
import ast
import html.parser
import json
from pathlib import Path

from mlp import digit, explain, network, preprocess
from mlp.training import augment, mnist, penstyle, strokes
from web import inputs, sharelink

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("SIDE", "N_PIXELS", "N_CLASSES", "BOX", "CENTRE", "PEN", "SUPERSAMPLE", "MIN_EXTENT", "GREY_LEVELS")


def test_the_facts_hold_together():
    assert digit.N_PIXELS == digit.SIDE ** 2 == 784 and digit.N_CLASSES == 10
    assert digit.BOX < digit.SIDE and digit.CENTRE == digit.SIDE / 2
    assert network.DEFAULT_SIZES[0] == digit.N_PIXELS and network.DEFAULT_SIZES[-1] == digit.N_CLASSES
    assert digit.FACTS == {name: getattr(digit, name) for name in digit.FACTS}


def test_every_module_uses_the_same_facts():
    for module, names in ((preprocess, ("SIDE", "BOX", "CENTRE", "INK")), (strokes, ("SIDE", "BOX", "CENTRE", "PEN",
                          "SUPERSAMPLE", "MIN_EXTENT")), (penstyle, ("SIDE", "PEN")), (augment, ("SIDE",)),
                          (explain, ("SIDE",)), (inputs, ("N_PIXELS",)), (sharelink, ("N_PIXELS",))):
        for name in names:
            assert getattr(module, name) == getattr(digit, name), f"{module.__name__}.{name}"
    assert mnist.N_PIXELS == digit.N_PIXELS


def test_no_other_python_module_states_them():
    # `SIDE = 28` written again anywhere in the app's Python is a second home that can drift.
    stated = []
    for path in [*ROOT.glob("mlp/*.py"), *ROOT.glob("web/*.py"), ROOT / "app.py"]:
        if path.name == "digit.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                stated += [f"{path.relative_to(ROOT)}: {t.id}" for t in node.targets
                           if isinstance(t, ast.Name) and t.id in NAMES]
    assert not stated, f"the digit's facts live in mlp/digit.py only: {stated}"


class _Facts(html.parser.HTMLParser):
    """The content of <meta name="digit-facts">, as a browser reads it (entities decoded)."""
    found = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "digit-facts":
            self.found = attrs.get("content")


def test_the_page_is_told_the_facts(client):
    parser = _Facts()
    parser.feed(client.get("/").get_data(as_text=True))
    assert parser.found, "the page has no <meta name=digit-facts>"
    assert json.loads(parser.found) == digit.FACTS
