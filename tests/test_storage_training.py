"""Storage-and-training scenarios from the AWS deep-learning notes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import break_even, calculate
from calculators.storage_training import CALCULATOR, pull_cost, scenario_lines, session_cost, storage_cost
from tests.conftest import check_figure
from tests.strategies import inputs_for

NOTE = "aws-dl-note"


def note_values(pricing, **overrides):
    return CALCULATOR.validate(overrides, pricing, CALCULATOR.defaults(pricing, {"preset": NOTE}))


def lines_at_note(pricing, **overrides):
    return {line.label: line for line in scenario_lines(note_values(pricing, **overrides))}


def test_ec2_session_costs_seven_dollars_at_the_notes_prices(pricing):
    """$1/h × (6 h training + 1 h setup) = $7 a session, as the note says."""
    assert lines_at_note(pricing)["EC2 + ECR"].rate == pytest.approx(7.0)


def test_lambda_session_costs_four_twenty_at_the_notes_prices(pricing):
    """$0.60/h × 7 h = $4.20 a session on Lambda's A10."""
    assert lines_at_note(pricing)["Lambda"].rate == pytest.approx(4.2)


def test_monthly_lines_match_the_note(pricing):
    """$10 + $7n for EC2 and $20 + $4.2n for Lambda: 100 GB at $0.10 and at $0.20 a GB-month."""
    lines = lines_at_note(pricing)
    assert (lines["EC2 + ECR"].fixed, lines["EC2 + ECR"].rate) == pytest.approx((10, 7))
    assert (lines["Lambda"].fixed, lines["Lambda"].rate) == pytest.approx((20, 4.2))


def test_the_notes_four_dollar_pull_charge_uses_ten_cents_not_nine(pricing):
    """The note's $10 + $8.2n line needs $4 of pulls: 40 GB × $0.10; at its own $0.09/GB it is $3.60, so $10 + $7.8n."""
    at_nine = lines_at_note(pricing)["Lambda + ECR"]
    assert (at_nine.fixed, at_nine.rate) == pytest.approx((10, 7.8))  # 4.2 + 4 × 10 × 0.09
    at_ten = lines_at_note(pricing, ecr_transfer_price=pricing.value("/storage/ecr/price@note-aws-dl"))["Lambda + ECR"]
    assert (at_ten.fixed, at_ten.rate) == pytest.approx((10, 8.2))  # 4.2 + 4 × 10 × 0.10


def test_lambda_with_ecr_is_never_cheapest_at_the_notes_numbers(pricing):
    """The note recommends Lambda + ECR at 2 sessions, but at its numbers EC2 is always cheaper than it."""
    lines = lines_at_note(pricing)
    for sessions in range(1, 50):
        best = min(lines.values(), key=lambda line: line.at(sessions))
        assert best.label != "Lambda + ECR"
    assert break_even(lines["EC2 + ECR"], lines["Lambda + ECR"]).cheaper == "EC2 + ECR"


def test_ec2_wins_up_to_three_sessions_and_lambda_from_four(pricing):
    """$10 + $7n = $20 + $4.2n at n = 10 / 2.8 ≈ 3.57: the note's "4 or more" for Lambda holds, EC2 below."""
    result = break_even(lines_at_note(pricing)["EC2 + ECR"], lines_at_note(pricing)["Lambda"])
    assert result.x == pytest.approx(10 / 2.8)
    assert result.cheaper_below == "EC2 + ECR" and result.cheaper_above == "Lambda"


def test_lambda_with_ecr_wins_small_months_when_fewer_machines_pull(pricing):
    """With 3 pulls ($2.70) Lambda + ECR costs $10 + $6.9n: cheapest at 1–3 sessions (Lambda wins from 4)."""
    lines = lines_at_note(pricing, pulls=3)
    assert lines["Lambda + ECR"].rate == pytest.approx(6.9)
    for sessions in (1, 2, 3):
        assert min(lines.values(), key=lambda line: line.at(sessions)).label == "Lambda + ECR"


def test_pull_budget_says_how_cheap_pulls_must_be(pricing):
    """Lambda + ECR beats EC2 only when pulls cost under 7 × ($1.00 − $0.60) = $2.80 a session."""
    result = calculate("storage_training", preset=NOTE)
    assert result.value("pull_budget") == pytest.approx(2.8)


def test_current_prices_change_the_lines(pricing):
    """With today's prices (g5 $1.006/h, Lambda $0.75/h) the per-session costs move with pricing.json."""
    lines = {line.label: line for line in scenario_lines(CALCULATOR.defaults(pricing))}
    g5 = pricing.value("/instances/g5.xlarge/on_demand")
    assert lines["EC2 + ECR"].rate == pytest.approx(g5 * 7)


@pytest.mark.parametrize(
    "function, args, expected",
    [
        (session_cost, (2.0, 3, 1, 4), 32.0),  # 2 × 4 h × 4 machines
        (session_cost, (0.0, 6, 1, 1), 0.0),
        (pull_cost, (0, 10, 0.09), 0.0),
        (pull_cost, (2, 5, 0.1), 1.0),
        (storage_cost, (0, 0.1), 0.0),
        (storage_cost, (250, 0.02), 5.0),
    ],
)
def test_building_blocks(function, args, expected):
    """Each small function does its one multiplication."""
    assert function(*args) == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(inputs_for(CALCULATOR))
def test_costs_are_never_negative_and_figures_are_valid(pricing, raw):
    """Any valid input gives non-negative costs and a figure Plotly accepts."""
    result = CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing)
    assert all(value.value >= 0 for value in result.values)
    for figure in result.figures:
        check_figure(figure.figure)


@settings(max_examples=60, deadline=None)
@given(inputs_for(CALCULATOR, {"ec2_price", "lambda_price", "train_hours", "setup_hours"}), st.floats(0, 100))
def test_costs_rise_with_hours_and_prices(pricing, raw, more):
    """Raising a price or an hour count never lowers a scenario's per-session cost."""
    base = {line.label: line.rate for line in scenario_lines(CALCULATOR.validate(raw, pricing))}
    for name in ("ec2_price", "lambda_price", "train_hours", "setup_hours"):
        bumped = dict(raw, **{name: min(raw[name] + more, CALCULATOR.input(name).maximum)})
        after = {line.label: line.rate for line in scenario_lines(CALCULATOR.validate(bumped, pricing))}
        assert all(after[label] >= base[label] - 1e-9 for label in base)


@settings(max_examples=60, deadline=None)
@given(inputs_for(CALCULATOR))
def test_break_even_points_lie_on_both_curves(pricing, raw):
    """Where two lines are said to cross, they cost the same there, and the named winner wins on each side."""
    lines = scenario_lines(CALCULATOR.validate(raw, pricing))
    for a in lines:
        for b in lines:
            result = break_even(a, b)
            if result.outcome == "crosses":
                assert a.at(result.x) == pytest.approx(b.at(result.x), rel=1e-6, abs=1e-6)
                below = {a.label: a, b.label: b}[result.cheaper_below]
                above = {a.label: a, b.label: b}[result.cheaper_above]
                assert below.at(result.x / 2) <= above.at(result.x / 2) + 1e-9
                assert below.at(result.x * 2) >= above.at(result.x * 2) - 1e-9


def test_ec2_is_cheapest_for_the_first_three_sessions_at_the_notes_numbers():
    """EC2 ($10 + $7n) beats Lambda ($20 + $4.2n) at 1, 2 and 3 sessions; Lambda takes over at 4."""
    result = calculate("storage_training", preset=NOTE)
    assert result.value("ec2_cheapest_up_to") == 3
    assert result.value("break_even_ec2_lambda") == pytest.approx(10 / 2.8)
    assert result.value("pull_cost") == pytest.approx(3.6)  # 4 pulls × 10 GB × $0.09


_lines = st.lists(
    st.tuples(st.floats(0, 1_000, allow_nan=False), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=4
)


@settings(max_examples=300, deadline=None)
@given(costs=_lines, which=st.integers(0, 3), limit=st.integers(1, 300))
def test_the_last_session_count_a_line_is_cheapest_at_is_the_one_counting_up_finds(costs, which, limit):
    """last_cheapest searches by halves; counting up from one session, as a reader would, gives the same answer
    (ties to the first line listed, lines that meet at a whole count, lines that never win)."""
    from calculators.models.lines import CostLine, cheapest, last_cheapest

    lines = [CostLine(f"line {i}", round(fixed, 1), round(rate, 2)) for i, (fixed, rate) in enumerate(costs)]
    label = lines[which % len(lines)].label
    counted = None
    for x in range(1, limit + 1):
        if cheapest(lines, x).label != label:
            break
        counted = x
    assert last_cheapest(lines, label, limit) == counted
