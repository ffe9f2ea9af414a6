"""Runs of any size in the browser: a model's config.json picked or pasted, the deadline, the number of machines,
and the answer's range, each giving what CPython gives for the same fields (the cost-to-train guide's widget)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from playwright.sync_api import expect

from calculators import calculate, get_calculator, load_pricing
from tests.browser._site import site_widgets
from tests.browser.helpers import set_field, value_texts

pytestmark = pytest.mark.xdist_group("clusters")


def _widget():
    found = [w for w in site_widgets() if w.calculator == "cost_to_train" and w.path.startswith("/guides/cost-to-train")]
    if not found:
        pytest.skip("the cost-to-train guide has no cost_to_train widget")
    return found[0]


def _answer(visit, widget):
    return visit.page.locator(f"{widget.selector} .calc__answer")


def _form_values(visit, widget, names):
    """The fields as the form holds them, the way the page sends them: text, read by Python."""
    return {name: visit.field(widget, name).input_value() for name in names}


def _cpython(widget, inputs):
    return calculate(widget.calculator, {**widget.defaults, **inputs})


def _open(visit, widget, query=""):
    visit.open(widget, query)
    visit.wait_live(widget)


def _pick_preset(visit, widget, name):
    visit.page.locator(f"{widget.selector} select[data-calc-presets]").select_option(name)
    visit.wait_live(widget)


def test_picking_a_model_config_fills_the_model_fields_with_cpythons_counts(visit):
    """Choosing Llama 3.1 70B's config puts its shape in the fields (80 layers of 8,192, 8 key-value heads, 70.55B
    parameters) and the answer is the one CPython computes for the form as it then is."""
    widget = _widget()
    _open(visit, widget)
    visit.page.locator(f'{widget.selector} [data-calc-filler="model_config"] select').select_option("llama-3.1-70b")
    expect(visit.field(widget, "layers")).to_have_value("80")
    expect(visit.field(widget, "embedding")).to_have_value("8,192")
    expect(visit.field(widget, "kv_heads")).to_have_value("8")
    expect(visit.field(widget, "parameters")).to_have_value("70,553,706,496")
    visit.wait_live(widget)
    names = [field.name for field in widget.fields]
    expected = _cpython(widget, _form_values(visit, widget, names))
    expect(_answer(visit, widget)).to_have_text(expected.sentence)


def test_a_picked_config_fills_a_wider_head_size_and_hides_the_defaults_sources_until_reset(visit):
    """Qwen3 30B-A3B's heads of 128 (its width 2,048 ÷ 32 would be 64) fill the head size, the answer is CPython's
    for the form as it then is, and the fields that no longer hold their sourced default stop naming that source
    (nanoGPT's layers are not Qwen3's); putting the defaults back shows the sources again."""
    widget = _widget()
    _open(visit, widget)
    layers_source = visit.page.locator(f'{widget.selector} .calc__field[data-field="layers"] .calc__source')
    expect(layers_source).to_be_visible()
    visit.page.locator(f'{widget.selector} [data-calc-filler="model_config"] select').select_option("qwen3-30b-a3b")
    expect(visit.field(widget, "head_size")).to_have_value("128")
    expect(visit.field(widget, "layers")).to_have_value("48")
    expect(layers_source).to_be_hidden()
    visit.wait_live(widget)
    names = [field.name for field in widget.fields]
    expected = _cpython(widget, _form_values(visit, widget, names))
    expect(_answer(visit, widget)).to_have_text(expected.sentence)
    visit.page.locator(f"{widget.selector} button[type=reset]").click()
    expect(visit.field(widget, "head_size")).to_have_value("0")
    expect(layers_source).to_be_visible()


def test_a_pasted_config_is_read_by_python_and_a_bad_one_is_answered_under_the_box(visit):
    """Pasting Mistral 7B's config.json and asking to use it fills 32 layers and 7,241,732,096 parameters; pasting
    text that is not JSON says so under the box and changes no field."""
    widget = _widget()
    _open(visit, widget)
    filler = visit.page.locator(f'{widget.selector} [data-calc-filler="model_config"]')
    filler.locator("summary").click()
    text = resources.files("calculators").joinpath("model_configs", "mistral-7b.json").read_text(encoding="utf-8")
    filler.locator("textarea").fill(text)
    filler.locator("[data-calc-fill-read]").click()
    expect(visit.field(widget, "parameters")).to_have_value("7,241,732,096")
    expect(visit.field(widget, "layers")).to_have_value("32")
    visit.wait_live(widget)
    before = _form_values(visit, widget, ["parameters", "layers", "embedding"])
    filler.locator("textarea").fill('{"num_hidden_layers": 32, "hidden_size": ')
    filler.locator("[data-calc-fill-read]").click()
    expect(filler.locator(".calc__error")).to_be_visible()
    expect(filler.locator(".calc__error")).to_contain_text("not valid JSON")
    expect(filler.locator("textarea")).to_have_attribute("aria-invalid", "")
    assert _form_values(visit, widget, ["parameters", "layers", "embedding"]) == before
    assert "model_config" not in visit.search()


def test_halving_the_deadline_about_doubles_the_machines_as_cpython_plans_them(visit):
    """Llama 2 7B on p4de.24xlarge: at 60 days and at 30 the machine count and the answer are CPython's, and the
    count about doubles."""
    widget = _widget()
    _open(visit, widget)
    _pick_preset(visit, widget, "llama2-7b")
    set_field(visit, widget, "instance", "p4de.24xlarge")
    counts = []
    for days in ("60", "30"):
        set_field(visit, widget, "deadline_days", days)
        visit.wait_live(widget)
        inputs = _form_values(visit, widget, [field.name for field in widget.fields])
        expected = _cpython(widget, inputs)
        expect(_answer(visit, widget)).to_have_text(expected.sentence)
        expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
        counts.append(expected.value("machines"))
    assert counts[1] / counts[0] == pytest.approx(2, rel=0.15)


def test_asking_for_machines_plans_that_many_and_refuses_too_few_with_the_reason(visit):
    """Machines = 4 plans four of every type that can cluster (the ranking says 4), and a count too small to hold
    Llama 2 70B leaves the chosen machine out with the reason in words."""
    widget = _widget()
    _open(visit, widget)
    set_field(visit, widget, "machines", "4")
    visit.wait_live(widget)
    inputs = _form_values(visit, widget, [field.name for field in widget.fields])
    expected = _cpython(widget, inputs)
    expect(_answer(visit, widget)).to_have_text(expected.sentence)
    assert expected.value("machines") == 4
    _pick_preset(visit, widget, "llama2-70b")
    set_field(visit, widget, "machines", "2")
    set_field(visit, widget, "instance", "p4de.24xlarge")
    visit.wait_live(widget)
    note = "p4de.24xlarge cannot be planned: 2 machines cannot hold the run: it needs 3."
    expect(visit.page.locator(f"{widget.selector} .calc__results")).to_contain_text(note)


def test_the_answer_gives_a_range_for_a_cluster_run(visit):
    """Llama 2 70B's answer names its machines and gives days and dollars as low–high ranges, as CPython says."""
    widget = _widget()
    _open(visit, widget, "")
    _pick_preset(visit, widget, "llama2-70b")
    expected = calculate("cost_to_train", preset="llama2-70b")
    expect(_answer(visit, widget)).to_have_text(expected.sentence)
    text = _answer(visit, widget).text_content()
    assert " × " in text and "days: $" in text and text.count("–") >= 2
    low, high = expected.value("cheapest_cost_low"), expected.value("cheapest_cost_high")
    assert low < expected.value("cheapest_cost") <= high


def test_the_filler_is_never_an_input_of_the_link_or_the_export(visit):
    """The config box and list carry no name: they are not read into the inputs Python computes or the link."""
    widget = _widget()
    _open(visit, widget)
    names = visit.page.eval_on_selector_all(
        f'{widget.selector} [data-calc-filler] select, {widget.selector} [data-calc-filler] textarea',
        "els => els.map(el => el.getAttribute('name'))")
    assert names == [None, None]
    declared = {item.name for item in get_calculator("cost_to_train").inputs_for(load_pricing())}
    assert {field.name for field in widget.fields} == declared
    assert json.loads(visit.page.locator(f'{widget.selector} [data-calc-filler]').get_attribute(
        "data-calc-fill-examples"))["deepseek-v3"]["active_parameters"] == "37,552,282,624"
