"""Every registered calculator keeps the same promises: bounded inputs, sourced prices, finite results, errors as data."""

from __future__ import annotations

import json
import re
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import CALCULATORS, CalculatorError, calculate, format_value, run

CASES = [(name, None) for name in CALCULATORS] + [
    (name, preset) for name, calc in CALCULATORS.items() for preset in calc.presets
]
NUMERIC = [(name, item) for name, calc in CALCULATORS.items() for item in calc.inputs if not item.choices]


@pytest.mark.parametrize("name, preset", CASES, ids=[f"{n}-{p or 'defaults'}" for n, p in CASES])
def test_defaults_and_presets_give_finite_labelled_values(name, preset):
    """No value is NaN, infinite or blank, at the defaults or at any preset."""
    result = calculate(name, preset=preset)
    assert result.values
    for value in result.values:
        assert math.isfinite(value.value), value.name
        assert value.label.strip() and value.text.strip()
        assert "nan" not in value.text.lower() and "inf" not in value.text.lower()
    for table in result.tables:
        for row in table.texts:
            cells = [cell.strip() for cell in row]
            assert all(cell and cell != "None" and cell.lower() not in ("nan", "inf", "-inf") for cell in cells), row
    for figure in result.figures:
        assert figure.alt.strip()


@pytest.mark.parametrize("name, item", NUMERIC, ids=[f"{n}.{i.name}" for n, i in NUMERIC])
def test_every_number_input_is_bounded_on_both_sides(name, item):
    """Each numeric input declares a minimum and a maximum, so the form and the API refuse absurd values."""
    assert item.minimum is not None and item.maximum is not None
    assert item.minimum <= item.maximum


@pytest.mark.parametrize("name, item", NUMERIC, ids=[f"{n}.{i.name}" for n, i in NUMERIC])
def test_price_defaults_come_from_pricing_json(name, item):
    """An input priced in USD defaults to a pricing.json reference (or to 0, meaning none), never a typed price."""
    if item.unit.startswith("USD"):
        assert (isinstance(item.default, str) and item.default.startswith("/")) or item.default == 0, item.default


BAD = ["", "   ", "abc", "1e309", "-1e309", "nan", "<b>1</b>", "1,5"]


@pytest.mark.parametrize("name, item", NUMERIC, ids=[f"{n}.{i.name}" for n, i in NUMERIC])
@pytest.mark.parametrize("raw", BAD)
def test_bad_text_is_answered_with_the_fields_error(name, item, raw):
    """The page's entry point returns an error naming the field for any unusable text."""
    answer = run(name, {item.name: raw})
    assert answer["error"]["field"] == item.name
    assert item.label in answer["error"]["message"]


@pytest.mark.parametrize("name, item", NUMERIC, ids=[f"{n}.{i.name}" for n, i in NUMERIC])
def test_values_beyond_the_bounds_are_refused(name, item):
    """Just below the minimum and just above the maximum are both refused, the message saying in words what is allowed."""
    below = run(name, {item.name: str(item.minimum - 1)})
    above = run(name, {item.name: str(item.maximum * 2 + 1)})
    for answer in (below, above):
        assert answer["error"]["field"] == item.name
        message = answer["error"]["message"]
        assert f"must be {item.allowed()}, not " in message
        assert f"{item.maximum:,.0f}" in message or item.maximum < 1000 or not float(item.maximum).is_integer(), \
            "large limits are grouped by thousands"


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(CALCULATORS)),
    st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.none()), max_size=4),
)
def test_run_never_raises_whatever_it_is_sent(name, inputs):
    """Any mapping of names to values, as a tampered URL could send, gets a result or an error, never an exception."""
    answer = run(name, inputs)
    assert ("result" in answer) != ("error" in answer)


# ── Properties every registered calculator shares: one test each, over the registry ─────────

from tests.conftest import check_figure  # noqa: E402
from tests.strategies import inputs_for  # noqa: E402

from calculators import Pricing, get_calculator, load_pricing  # noqa: E402


NOT_A_NUMBER = re.compile(r"\b(nan|-?inf(inity)?)\b", re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(CALCULATORS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_valid_input_gives_finite_values_and_figures_plotly_accepts(name, data):
    """Inputs drawn inside their declared bounds give finite values, tables whose rows fit their headers, and figures."""
    calculator = get_calculator(name)
    pricing = load_pricing()
    raw = data.draw(inputs_for(calculator))
    answer = run(name, raw)
    if "error" in answer:  # a consistency check across fields (e.g. heads must divide the width) names its field
        assert answer["error"]["field"] in raw
        return
    result = calculator.compute(calculator.validate(raw, pricing), pricing)
    for value in result.values:
        assert math.isfinite(value.value), value.name
    for table in result.tables:
        assert all(len(row) == len(table.shown) for row in table.texts)
        # A number Python could not format reads "nan" or "inf" as a word ("nanoGPT" and "Inference" are names).
        assert not any(NOT_A_NUMBER.search(cell) for row in table.texts for cell in row)
    for figure in result.figures:
        check_figure(figure.figure)
        assert figure.alt.strip()


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_a_field_the_calculator_does_not_have_is_refused_naming_it(name):
    """A misspelt or unknown field is an error naming that field, never silently ignored."""
    assert run(name, {"no_such_field": 1})["error"]["field"] == "no_such_field"


def _as_url_text(value) -> str:
    """How the page writes a value into the URL: numbers as JavaScript's String() prints them."""
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e21 else repr(float(value))


@pytest.mark.parametrize("name, preset", CASES, ids=[f"{n}-{p or 'defaults'}" for n, p in CASES])
def test_url_state_round_trips(name, preset):
    """Every value of the defaults and presets, written as the URL writes it, reads back to the same value."""
    calculator = get_calculator(name)
    pricing = load_pricing()
    values = calculator.defaults(pricing, {"preset": preset} if preset else None)
    again = calculator.validate({key: _as_url_text(value) for key, value in values.items()}, pricing)
    assert again == values


def test_a_new_instance_appears_in_every_instance_choice(pricing_data):
    """Adding a machine to pricing.json puts it in every form's machine choice, with no code change."""
    entry = json.loads(json.dumps(pricing_data["instances"]["p4d.24xlarge"]))
    entry["label"] = "test-machine — 8× A100 40GB"
    pricing_data["instances"]["test-machine.48xlarge"] = entry
    pricing = Pricing(pricing_data)
    choice_inputs = [
        (calculator.name, item)
        for calculator in CALCULATORS.values()
        for item in calculator.inputs_for(pricing)
        if item.name == "instance"
    ]
    assert len(choice_inputs) >= 2
    for name, item in choice_inputs:
        assert ("test-machine.48xlarge", "test-machine — 8× A100 40GB") in item.choices, name
        assert get_calculator(name).validate({"instance": "test-machine.48xlarge"}, pricing)["instance"]
    result = get_calculator("cost_to_train").compute(
        get_calculator("cost_to_train").validate({"instance": "test-machine.48xlarge"}, pricing), pricing
    )
    assert "test-machine.48xlarge" in result.tables[0].cells("instance")


@pytest.mark.parametrize("name, preset", CASES, ids=[f"{n}-{p or 'defaults'}" for n, p in CASES])
def test_results_show_the_answer_then_at_most_four_figures_then_the_chart(name, preset):
    """The rendered results open with a one-sentence answer, then at most four headline figures, then the charts;
    every other figure, table and note is folded in one details block, and a chart's text alternative is hidden."""
    html = run(name, preset=preset)["result"]["html"]
    answer = html.index('<p class="calc__answer">')
    details = html.index('<details class="calc__details"')
    outside = html[:details]
    assert outside.count("data-value=") <= 4
    if 'class="calc__figure"' in html:
        assert answer < html.index('class="calc__figure"') < details
    assert "<figcaption>" not in html and all(
        caption.startswith('<figcaption class="calc__alt">') for caption in re.findall(r"<figcaption[^>]*>", html)
    )
    sentence = re.search(r'<p class="calc__answer">(.*?)</p>', html).group(1)
    assert sentence.strip() and sentence.count(". ") == 0


def test_a_calculator_may_not_headline_more_than_four_figures():
    """The declaration refuses a fifth headline figure: the reader sees the answer and four numbers, no more."""
    from calculators import Calculator

    with pytest.raises(CalculatorError, match="at most 4"):
        Calculator("x", "X", "", (), lambda v, p: None, headline=("a", "b", "c", "d", "e"))


@pytest.mark.parametrize("name, preset", CASES, ids=[f"{n}-{p or 'defaults'}" for n, p in CASES])
def test_the_page_data_holds_exactly_the_values_and_tables_of_the_result(name, preset):
    """The page's data (Result.to_dict) has every field of every value, and every table with every column the
    page shows: a number cell is the number whose text the page shows, any other cell is the page's text."""
    import json
    from dataclasses import asdict

    def as_sent(data):  # what the worker posts to the page: JSON, where tuples and lists are both arrays
        return json.loads(json.dumps(data))

    result = calculate(name, preset=preset)
    data = as_sent(result.to_dict())
    assert [{k: v for k, v in item.items() if k != "text"} for item in data["values"]] == \
        as_sent([asdict(v) for v in result.values])
    assert [(t["name"], t["title"], len(t["rows"])) for t in data["tables"]] == \
        [(t.name, t.title, len(t.rows)) for t in result.tables]
    for sent, table in zip(data["tables"], result.tables):
        assert len(sent["columns"]) == len(set(sent["columns"])) == len(table.columns), "one distinct header a column"
        shown = [i for i, column in enumerate(table.columns) if column.shown]
        for header, column in zip((sent["columns"][i] for i in shown), table.shown):
            assert header == column.heading or header == f"{column.heading} ({column.unit})"
        for cells, texts in zip(sent["rows"], table.texts):
            assert len(cells) == len(table.columns)
            for i, text in zip(shown, texts):
                cell, unit = cells[i], table.columns[i].unit
                if isinstance(cell, (int, float)) and unit:
                    assert format_value(cell, unit) == text, (table.name, i)
                else:
                    assert cell == text or (cell is None and text == table.columns[i].missing), (table.name, i)


def test_a_change_that_moves_no_plan_reuses_every_plan():
    """Cost to train plans each machine type on demand and on spot; changing the dataset size reuses those plans
    (cached), for a cluster as for one machine."""
    from calculators.models.cluster import plan_on

    calculate("cost_to_train", {"dataset_gb": 100}, preset="llama2-70b")
    before = plan_on.cache_info()
    calculate("cost_to_train", {"dataset_gb": 250}, preset="llama2-70b")
    after = plan_on.cache_info()
    assert after.misses == before.misses, "a spot plan was solved again for a change that cannot move it"
    assert after.hits > before.hits


@pytest.mark.parametrize("name, preset", [(n, None) for n in CALCULATORS] + [(n, p) for n, c in CALCULATORS.items() for p in c.presets])
def test_every_column_the_page_shows_is_in_the_export_with_the_text_it_shows(name, preset):
    """Each shown column is exported under its header (issue 21 found the ranking's "spot hours" and "note" missing,
    an outcome exported as a bare keyword and sources as ids): a text cell exactly as the page shows it, a number
    cell as the number the page formats, an empty cell empty where the page shows its dash."""
    for table in calculate(name, preset=preset).tables:
        exported = table.export()
        for texts, row in zip(table.texts, table.rows):
            cells = dict(zip(exported["columns"], (column.exported(cell) for column, cell in zip(table.columns, row))))
            for column, text in zip(table.shown, texts):
                assert column.header in cells, (table.name, column.heading)
                cell = cells[column.header]
                if cell is None:
                    assert text == column.missing, (table.name, column.heading, text)
                elif isinstance(cell, str):
                    assert cell == text, (table.name, column.heading, cell, text)
                else:
                    assert column.text(cell) == text, (table.name, column.heading, cell, text)


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_a_reply_without_data_shows_the_same_and_leaves_out_what_only_a_download_reads(name):
    """run(..., data=False), a keystroke's reply, has the same HTML and figures as the whole reply and none of the
    values, tables, notes and input labels that only a download reads."""
    whole = run(name, rows=10)["result"]
    shown = run(name, rows=10, data=False)["result"]
    assert shown["html"] == whole["html"]
    assert shown["figures"] == whole["figures"]
    assert shown["pricing_snapshot"] == whole["pricing_snapshot"]
    assert set(shown) == {"html", "figures", "pricing_snapshot"}
    assert {"values", "tables", "notes", "inputs"} <= set(whole)
