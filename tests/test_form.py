"""The widget's form HTML (calculators/_form.py): what its labels, its preset list and its sources say."""

from __future__ import annotations

import re
from html import unescape

import pytest

from calculators import CALCULATORS, Widget, get_calculator, load_pricing, widget_html
from calculators._form import DEFAULTS_OPTION, source_name


def _html(name: str, preset: str | None = None) -> str:
    pricing, calculator = load_pricing(), get_calculator(name)
    values = calculator.defaults(pricing, {"preset": preset} if preset else None)
    return widget_html(Widget(calculator, pricing, calculator.specs({"preset": preset} if preset else None), values,
                              calculator.compute(values, pricing), f"calc-{name}-1", "../reference/pricing/"))


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_no_field_unit_repeats_its_label(name):
    """A unit after a label says what the label does not: "Model parameters", not "Model parameters parameters",
    "Training machines", not "Training machines machines"."""
    for label, unit in re.findall(r'<label for="[^"]+">([^<]*) <span class="calc__unit">([^<]*)</span>', _html(name)):
        words = unescape(label).lower().replace("(", " ").replace(")", " ").split()
        assert unescape(unit).lower() not in words, f"{label!r} followed by its unit {unit!r}"
        assert not " ".join(words).endswith(unescape(unit).lower()), f"{label!r} followed by its unit {unit!r}"


def test_the_preset_list_names_the_case_the_fields_hold():
    """Opened on the defaults, the list names them (nanoGPT's run at today's prices), not "Your own values"; opened on
    a preset, it names that preset; "Your own values" is there for once the reader edits."""
    calculator = get_calculator("cost_to_train")
    selected = re.compile(r'<option value="([^"]*)" selected>([^<]*)</option>')
    value, title = selected.search(_html("cost_to_train")).groups()
    assert value == DEFAULTS_OPTION and unescape(title) == calculator.defaults_title
    value, title = selected.search(_html("cost_to_train", "llama2-7b")).groups()
    assert value == "llama2-7b" and unescape(title) == calculator.preset_titles["llama2-7b"]
    assert '<option value="">Your own values</option>' in _html("cost_to_train")


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_a_fields_source_names_the_publication_and_its_date(name):
    """Each default read from pricing.json is credited to the publication or catalog it comes from, with the date that
    source gives the value (the file and the month it was recorded in said nothing of where it came from)."""
    pricing, calculator = load_pricing(), get_calculator(name)
    html = _html(name)
    credited = 0
    for spec_name, spec in calculator.specs().items():
        if not (isinstance(spec, str) and spec.startswith("/")):
            continue
        observation = pricing.observation(spec)
        title = pricing.sources[observation.source]["title"]
        help_text = re.search(rf'<small class="calc__help" id="calc-{name}-1-{spec_name}-help">(.*?)</small>', html).group(1)
        assert f">{source_name(title)} ({observation.as_of})</a>" in unescape(help_text), (spec_name, help_text)
        if observation.source == "site-assumption":  # it once read "Cost to Train (2026-11)", the site's own name
            assert "assumption" in source_name(title), (spec_name, help_text)
        credited += 1
    assert "pricing.json, " not in html
    if any(isinstance(spec, str) and spec.startswith("/") for spec in calculator.specs().values()):
        assert credited
