"""Every registered calculator keeps the same promises: bounded inputs, sourced prices, finite results, errors as data."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import CALCULATORS, calculate, run

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
        for row in table.rows:
            cells = [str(cell).strip() for cell in row]
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
    """Just below the minimum and just above the maximum are both refused with the limit in the message."""
    below = run(name, {item.name: str(item.minimum - 1)})
    above = run(name, {item.name: str(item.maximum * 2 + 1)})
    assert below["error"]["field"] == item.name and f">= " in below["error"]["message"]
    assert above["error"]["field"] == item.name and f"<= " in above["error"]["message"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(CALCULATORS)),
    st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.none()), max_size=4),
)
def test_run_never_raises_whatever_it_is_sent(name, inputs):
    """Any mapping of names to values, as a tampered URL could send, gets a result or an error, never an exception."""
    answer = run(name, inputs)
    assert ("result" in answer) != ("error" in answer)
