"""Forms as a reader uses them: a preset picked from the list, the folded advanced group, grouped large numbers."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from calculators import ADVANCED, get_calculator, load_pricing
from tests.browser._site import site_widgets
from tests.browser.helpers import cpython, set_field, value_texts


def widgets_with(predicate):
    found = [widget for widget in site_widgets() if predicate(get_calculator(widget.calculator))]
    # Not "widget": conftest parametrizes that name over every widget of the site.
    return pytest.mark.parametrize("target", found or [None], ids=[w.test_id for w in found] or ["none"])


def live(visit, target, missing: str):
    """The parametrized widget, open and live (the test is skipped when the site has no such widget)."""
    if target is None:
        pytest.skip(missing)
    visit.open(target)
    visit.wait_live(target)
    return target


def advanced_inputs(widget):
    return [item for item in get_calculator(widget.calculator).inputs_for(load_pricing()) if item.group == ADVANCED]


@widgets_with(lambda calculator: bool(calculator.preset_titles))
def test_picking_a_preset_fills_every_field_and_shows_cpythons_result_for_it(visit, target):
    """Choosing a published run puts its values in the fields, computes them, and puts the changes in the link."""
    widget = live(visit, target, "no calculator with titled presets on the site")
    calculator = get_calculator(widget.calculator)
    name = list(calculator.preset_titles)[-1]
    picker = visit.page.locator(f"{widget.selector} select[data-calc-presets]")
    picker.select_option(name)
    expected = calculator.defaults(load_pricing(), {"preset": name})
    shown = json.loads(picker.get_attribute("data-calc-presets"))[name]
    for field, text in shown.items():
        expect(visit.field(widget, field)).to_have_value(text)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(
        value_texts(cpython(widget, {field: expected[field] for field in shown})))
    visit.wait_live(widget)
    changed = [field for field in shown if expected[field] != widget.defaults[field]]
    assert changed and all(f"{widget.key}.{field}=" in visit.search() for field in changed)
    # Editing a field afterwards: the list no longer claims the preset.
    number = next(f for f in widget.fields if f.tag == "input" and f.name in shown)
    set_field(visit, widget, number.name, "7")
    expect(picker).to_have_value("")


@widgets_with(lambda calculator: any(item.group == ADVANCED for item in calculator.inputs))
def test_the_folded_group_summary_follows_its_fields(visit, target):
    """Changing an advanced field (the group opened) updates the value its summary shows."""
    widget = live(visit, target, "no calculator with advanced inputs on the site")
    group = visit.page.locator(f"{widget.selector} details.calc__group--advanced")
    expect(group).not_to_have_attribute("open", "")
    item = next(i for i in advanced_inputs(widget) if not i.choices)
    group.locator("summary").click()
    set_field(visit, widget, item.name, "3")
    expect(group.locator(f'[data-summary-for="{item.name}"] b')).to_have_text("3")


@widgets_with(lambda calculator: any(item.group == ADVANCED for item in calculator.inputs))
def test_a_link_with_a_bad_advanced_field_opens_its_group_and_flags_it(visit, target):
    """A folded field with a bad value from a shared link is never hidden: its group opens and shows the message."""
    widget = target
    if widget is None:
        pytest.skip("no calculator with advanced inputs on the site")
    item = next(i for i in advanced_inputs(widget) if not i.choices)
    visit.open(widget, "?" + urlencode({f"{widget.key}.{item.name}": "-5", "prices": widget.snapshot}))
    visit.wait_live(widget)
    expect(visit.page.locator(f"{widget.selector} details.calc__group--advanced")).to_have_attribute("open", "")
    expect(visit.error(widget, item.name)).to_be_visible()
    expect(visit.error(widget, item.name)).to_contain_text(f"must be {item.allowed()}")


@widgets_with(lambda calculator: any(i.name == "parameters" for i in calculator.inputs))
def test_a_grouped_number_left_as_built_stays_out_of_the_link(visit, target):
    """124,000,000 as built is the default: it is not written to the URL, and typing 125,000,000 is read exactly."""
    widget = target
    if widget is None:
        pytest.skip("no calculator with a large number field on the site")
    field = next((f for f in widget.fields if f.tag == "input" and "," in f.shown), None)
    if field is None:
        pytest.skip(f"{widget.calculator} shows no grouped number by default")
    visit.open(widget)
    visit.wait_live(widget)
    set_field(visit, widget, field.name, field.shown)
    visit.wait_live(widget)
    assert f"{widget.key}." not in visit.search()
    bigger = f"{int(widget.defaults[field.name]) + 1_000_000:,}"
    set_field(visit, widget, field.name, bigger)
    number = float(bigger.replace(",", ""))
    expected = cpython(widget, {field.name: number})
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
    visit.wait_live(widget)
    assert f"{widget.key}.{field.name}=" in visit.search()


@widgets_with(lambda calculator: any(i.name == "parameters" for i in calculator.inputs))
def test_a_suffix_typed_in_the_form_is_read_as_the_number_it_names(visit, target):
    """Typing 350M in the parameters field computes what CPython computes for 350,000,000; 350Q is named as a bad suffix."""
    widget = live(visit, target, "no calculator with a parameters field on the site")
    set_field(visit, widget, "parameters", "130M")
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(
        value_texts(cpython(widget, {"parameters": 130e6})))
    visit.wait_live(widget)
    set_field(visit, widget, "parameters", "130Q")
    expect(visit.error(widget, "parameters")).to_contain_text("'Q' is not a suffix we know")
