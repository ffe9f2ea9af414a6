"""Pipeline cost from the nanoGPT-on-AWS walkthrough."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from calculators import calculate
from calculators.pipeline import CALCULATOR, compute_cost, stage_costs, volume_cost
from tests.conftest import check_figure
from tests.strategies import inputs_for


@pytest.fixture
def note_result():
    return calculate("pipeline", preset="nanogpt-note")


def test_preprocessing_costs_four_dollars_eight(note_result):
    """12 h of c5.2xlarge at $0.34/h = $4.08."""
    assert note_result.value("preprocess") == pytest.approx(4.08)


def test_a_month_of_ebs_costs_ten_dollars(note_result):
    """100 GB × $0.10 per GB-month × 1 month = $10."""
    assert note_result.value("storage") == pytest.approx(10.0)


def test_four_days_of_p4d_cost_three_thousand_one_hundred_seventy_two_eighty(note_result):
    """96 h × $33.05/h = $3,172.80."""
    assert note_result.value("train") == pytest.approx(3172.80)


def test_total_is_the_sum_of_the_stages(note_result):
    """$4.08 + $10 + $3,172.80 = $3,186.88."""
    assert note_result.value("total") == pytest.approx(3186.88)


def test_todays_p4d_price_changes_the_training_cost(pricing):
    """With the current catalog price the same 96 hours cost 96 × today's p4d rate."""
    today = calculate("pipeline").value("train")
    assert today == pytest.approx(96 * pricing.value("/instances/p4d.24xlarge/on_demand"))


def test_zero_hours_cost_nothing_and_shares_stay_defined():
    """A pipeline of zero hours and zero storage costs $0 and its table shows 0% shares, not NaN."""
    result = calculate("pipeline", {"preprocess_hours": 0, "train_hours": 0, "dataset_gb": 0})
    assert result.value("total") == 0
    assert all("nan" not in " ".join(row).lower() for row in result.tables[0].texts)
    assert result.tables[0].texts[0][2] == "0%"


@pytest.mark.parametrize(
    "function, args, expected",
    [(compute_cost, (3.0, 10, 2), 60.0), (volume_cost, (50, 0.08, 3), 12.0), (compute_cost, (0.0, 10, 1), 0.0)],
)
def test_building_blocks(function, args, expected):
    """Hourly × hours × machines, and GB × price × months."""
    assert function(*args) == pytest.approx(expected)


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_total_is_never_negative_and_equals_the_stages(pricing, raw):
    """Any valid input gives a non-negative total equal to the sum of its stages, and a valid figure."""
    values = CALCULATOR.validate(raw, pricing)
    result = CALCULATOR.compute(values, pricing)
    assert result.value("total") == pytest.approx(sum(stage_costs(values).values()))
    assert result.value("total") >= 0
    check_figure(result.figures[0].figure)
