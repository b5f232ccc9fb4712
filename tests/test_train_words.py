"""Train your own's words follow the server's facts: every preset the server offers (mlp.training.recipe.PRESETS)
has its button's name and its note in both catalogs, every hidden activation it trains has its radio's label
there and its name in the pickers' labels (web.pages), and the limits the form is built from name only fields
the form has (static/js/panels/train/form.js reads each of them by name)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlp.network import HIDDEN_ACTIVATIONS
from mlp.training import recipe as recipes
from web.pages import ACTIVATION_NAMES

ROOT = Path(__file__).resolve().parent.parent
FORM = (ROOT / "static" / "js" / "panels" / "train" / "form.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_every_preset_and_activation_has_its_words(lang):
    catalog = json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    for key, _ in recipes.PRESETS:
        assert f"train.preset.{key}" in catalog and f"train.presetNote.{key}" in catalog, key
    for name in HIDDEN_ACTIVATIONS:
        assert f"train.activation.{name}" in catalog, name


def test_every_activation_has_its_name_in_the_pickers_labels():
    assert set(ACTIVATION_NAMES) == set(HIDDEN_ACTIVATIONS)


def test_the_form_reads_every_limit_the_server_gives():
    for field in recipes.limits():
        assert f"limits.{field}" in FORM or f"'{field}'" in FORM, f"form.js never reads the limit {field!r}"
