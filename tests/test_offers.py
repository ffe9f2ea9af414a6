"""Ways to pay (calculators/models/offers.py): commitments priced for their whole term, capacity blocks for whole days
within their limits, and the break-even run length of each against paying by the hour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.models.offers import (
    OfferTerms,
    block_break_even,
    block_days,
    blocks_needed,
    capacity_block_cost,
    commitment_break_even,
    commitment_cost,
    commitment_terms,
    cost_by_kind,
    on_demand_cost,
    rate_break_even,
)

AWS_BLOCK = OfferTerms("capacity_block", min_days=1, max_days=182, whole_days_to=14, step_days=7, max_machines=64,
                       max_total_machines=256)
"""AWS's Capacity Blocks for ML: 1 to 14 days, then whole weeks to 182 days; 64 instances a block, 256 in all."""


@pytest.mark.parametrize(
    "run_days, block",
    [
        (0, 1),  # even an empty run buys the shortest block
        (0.01, 1),
        (1, 1),
        (1.0000001, 2),
        (13.5, 14),
        (14, 14),
        (14.2, 21),  # past two weeks, whole weeks
        (22, 28),
        (175.5, 182),
        (182, 182),
        (182.5, None),  # no block is longer than 182 days
    ],
)
def test_a_capacity_block_is_whole_days_then_whole_weeks(run_days, block):
    """A run takes the shortest block that holds it: whole days to two weeks, whole weeks to 26 weeks, then none."""
    assert block_days(run_days, AWS_BLOCK) == block


def test_a_commitment_is_paid_for_its_whole_term():
    """A year reserved costs the year, however short the run; a run longer than a term buys a second one."""
    # p4d.24xlarge, 1-year no-upfront reserved at $13.921094/h: 8,760 h × 13.921094 = $121,948.78 a machine
    assert commitment_cost(13.921094, 1, 365) == pytest.approx(121_948.78344)
    assert commitment_cost(13.921094, 8_760, 365) == pytest.approx(121_948.78344)
    assert commitment_cost(13.921094, 8_761, 365, machines=2) == pytest.approx(4 * 121_948.78344)
    assert commitment_terms(3 * 8_760, 365) == 3 and commitment_terms(0, 1095) == 1


def test_a_capacity_block_costs_every_machine_every_day_of_the_block():
    """30 hours on three p5.48xlarge at the July 2026 block rate $41.528: a 2-day block, 41.528 × 48 × 3 = $5,980.03."""
    assert capacity_block_cost(41.528, 30, AWS_BLOCK, machines=3) == pytest.approx(5_980.032)
    # 15 days is a 21-day block: 41.528 × 504 h = $20,930.11 a machine
    assert capacity_block_cost(41.528, 15 * 24, AWS_BLOCK) == pytest.approx(20_930.112)


def test_too_many_machines_or_too_long_a_run_has_no_block():
    """300 machines are more than AWS sells in blocks (256); 200 days is longer than its longest block (182)."""
    assert blocks_needed(300, AWS_BLOCK) is None and blocks_needed(65, AWS_BLOCK) == 2
    assert capacity_block_cost(1.0, 10, AWS_BLOCK, machines=300) is None
    assert capacity_block_cost(1.0, 200 * 24, AWS_BLOCK) is None


def test_commitment_break_even_is_the_committed_share_of_the_term():
    """A 1-year commitment pays from (reserved / on-demand) of the year: p4d 13.921094 / 21.957642 × 8,760 h."""
    # 0.634 × 8,760 = 5,553.8 h, 231.4 days of use in the year
    assert commitment_break_even(21.957642, 13.921094, 365) == pytest.approx(5_553.82, abs=0.01)
    assert commitment_break_even(10.0, 2.5, 1095) == pytest.approx(0.25 * 26_280)  # a quarter of three years
    assert commitment_break_even(1.0, 1.0, 365) is None  # no discount, no reason to commit


def test_block_break_even_is_where_a_day_of_block_buys_as_many_hours_on_demand():
    """p4d: a day of block ($11.80 × 24 = $283.20) buys 12.9 h on demand at $21.957642; shorter runs pay by the hour."""
    assert block_break_even(21.957642, 11.8, AWS_BLOCK) == pytest.approx(283.2 / 21.957642)
    # p5en in July 2026: 54.92 against 63.296 on demand; a day's block buys 24 × 54.92 / 63.296 = 20.82 h
    assert block_break_even(63.296, 54.92, AWS_BLOCK) == pytest.approx(20.824, abs=1e-3)
    assert block_break_even(10.0, 10.5, AWS_BLOCK) is None  # dearer by the hour and sold by the day: never


def test_a_block_past_two_weeks_can_cost_more_than_on_demand_again():
    """Sold by the week past 14 days, a p5en block for a 15-day run pays for 21: 21 × 24 × 54.92 = $27,679.68
    against 15 × 24 × 63.296 = $22,786.56 on demand, though from 20.8 hours to 14 days the block is cheaper."""
    assert capacity_block_cost(54.92, 15 * 24, AWS_BLOCK) == pytest.approx(27_679.68)
    assert on_demand_cost(63.296, 15 * 24) == pytest.approx(22_786.56)
    assert capacity_block_cost(54.92, 14 * 24, AWS_BLOCK) < on_demand_cost(63.296, 14 * 24)


def test_a_cheaper_hourly_rate_pays_from_the_first_hour():
    """Spot's break-even against on demand is the first hour when its rate is lower, and never when it is not."""
    assert rate_break_even(21.96, 5.33) == 0.0 and rate_break_even(1.0, 1.0) == 0.0 and rate_break_even(1.0, 1.01) is None


@given(hourly=st.floats(0.01, 200), hours=st.floats(0, 4_000), machines=st.integers(1, 64))
def test_no_way_to_pay_for_a_run_costs_less_than_its_hours_at_its_own_rate(hourly, hours, machines):
    """A block and a commitment pay at least every hour the run uses, at their own rate (they round up, never down)."""
    for terms in (AWS_BLOCK, OfferTerms("reserved", term_days=365)):
        cost = cost_by_kind(terms.kind, hourly, hours, machines, terms)
        assert cost is None or cost >= on_demand_cost(hourly, hours, machines) * (1 - 1e-12)
