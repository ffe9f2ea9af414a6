"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from calculators import Input, load_pricing


def value_for(item: Input):
    """A strategy of valid values for one declared input, drawn inside its bounds."""
    if item.choices:
        return st.sampled_from([value for value, _ in item.choices])
    low = item.minimum if item.minimum is not None else -1e6
    high = item.maximum if item.maximum is not None else 1e6
    if item.integer:
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def inputs_for(calculator, names=None):
    """A strategy of dicts of valid inputs for some (default: all) inputs of a calculator."""
    chosen = [item for item in calculator.inputs_for(load_pricing()) if names is None or item.name in names]
    return st.fixed_dictionaries({item.name: value_for(item) for item in chosen})


prices = st.floats(0, 1000, allow_nan=False, allow_infinity=False)
hours = st.floats(0, 10_000, allow_nan=False, allow_infinity=False)


@st.composite
def as_of_dates(draw, first=date(2006, 1, 1), last=None):
    """An as-of date as pricing.json writes one (a year, a year and month, or a full date), no later than ``last``
    (by default pricing.json's snapshot date, since no observation may be newer)."""
    last = last or date.fromisoformat(load_pricing().snapshot_date)
    day = draw(st.dates(first, last))
    return draw(st.sampled_from([f"{day.year}", f"{day.year}-{day.month:02d}", day.isoformat()]))
