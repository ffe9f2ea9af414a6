"""Tests for the spot-versus-on-demand calculator (calculators/spot.py)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import check_figure, refusal
from tests.strategies import inputs_for

from calculators import CalculatorError
from calculators.models.storage import storage_cost
from calculators.spot import CALCULATOR
from calculators.models.interruptions import (
    SpotJob,
    chance_of_interruption,
    expected_interruptions,
    expected_wall_hours,
    mean_hours_between_interruptions,
    monthly_interruption_rate,
    on_demand_job_cost,
    optimal_checkpoint_interval,
    plan_spot_job,
    spot_break_even,
    spot_job_cost,
)

LN2 = math.log(2)


def run(pricing, raw=None, preset=None):
    """Validate ``raw`` over the defaults (and a preset) and compute, as the registry will."""
    base = CALCULATOR.defaults(pricing, {"preset": preset} if preset else None)
    return CALCULATOR.compute(CALCULATOR.validate(raw or {}, pricing, base), pricing)


def outcomes(result) -> dict[str, str]:
    """The named outcomes of a result: comparison, checkpointing and break-even."""
    table = next(t for t in result.tables if t.name == "outcomes")
    return {row["question"].replace("-", "_"): row["outcome"] for row in table.records()}


def names(result) -> set[str]:
    """The names of the values a result shows."""
    return {v.name for v in result.values}


# A plain job for hand arithmetic: on demand $1/h, spot $0.30/h, 100 hours of work.
PLAIN = {
    "on_demand_price": 1.0,
    "spot_price": 0.3,
    "work_hours": 100,
    "interruption_rate": 0,
    "checkpoint_minutes": 1,
    "restart_minutes": 10,
    "interval_mode": "optimal",
    "checkpoint_gb": 1,
    "kept_checkpoints": 2,
    "storage_price": 0.023,
}


# --- mean time between interruptions ------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "hours"),
    [
        (1 - math.exp(-1), 730.0),  # ln(1 - r) = -1, so M = 730 / 1
        (0.5, 1053.16738),  # 730 / ln 2 = 730 / 0.693147
        (0.75, 526.58369),  # 730 / ln 4 = 730 / 1.386294
        (0.2, 3271.43669),  # 730 / -ln 0.8 = 730 / 0.223144
    ],
)
def test_mean_hours_between_interruptions_follows_the_exponential_model(rate, hours):
    """M = -730 / ln(1 - rate)."""
    assert mean_hours_between_interruptions(rate) == pytest.approx(hours, rel=1e-7)


def test_zero_rate_means_no_interruptions_ever():
    """A monthly rate of 0 gives an infinite mean time between interruptions, and back."""
    assert mean_hours_between_interruptions(0) == math.inf
    assert monthly_interruption_rate(math.inf) == 0


@pytest.mark.parametrize("rate", [0.01, 0.1, 0.5, 0.99])
def test_monthly_rate_and_mean_hours_are_inverses(rate):
    """Converting a rate to hours and back returns the rate."""
    assert monthly_interruption_rate(mean_hours_between_interruptions(rate)) == pytest.approx(rate)


@pytest.mark.parametrize("rate", [1, 1.5, -0.1, math.nan])
def test_impossible_monthly_rates_are_rejected_by_name(rate):
    """A rate outside [0, 1) is a CalculatorError on 'interruption_rate'."""
    with pytest.raises(CalculatorError) as error:
        mean_hours_between_interruptions(rate)
    assert error.value.field == "interruption_rate"


# --- Young's interval -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checkpoint", "mtbi", "interval"),
    [
        (0.5, 100, 10.0),  # sqrt(2 * 0.5 * 100) = sqrt(100)
        (2, 9, 6.0),  # sqrt(2 * 2 * 9) = sqrt(36)
        (1 / 60, 30, 1.0),  # sqrt(2 * 30 / 60) = sqrt(1)
        (0.5, math.inf, math.inf),  # no interruptions: never checkpoint
        (0, 100, 0.0),  # free checkpoints: checkpoint continuously
        (0, math.inf, math.inf),  # no interruptions wins over free checkpoints
    ],
)
def test_optimal_checkpoint_interval_is_youngs(checkpoint, mtbi, interval):
    """Young's interval sqrt(2 C M), with the two limits named in the docstring."""
    assert optimal_checkpoint_interval(checkpoint, mtbi) == pytest.approx(interval)


@pytest.mark.parametrize(
    ("args", "field"), [((-1, 10), "checkpoint_hours"), ((1, 0), "mtbi_hours"), ((1, -5), "mtbi_hours")]
)
def test_optimal_interval_rejects_bad_arguments_by_name(args, field):
    """A negative checkpoint time or a non-positive mean time is an error naming it."""
    with pytest.raises(CalculatorError) as error:
        optimal_checkpoint_interval(*args)
    assert error.value.field == field


# --- Daly's expected wall time -------------------------------------------------------------


M_LN2 = 1 / LN2  # a mean time chosen so that exp(1 / M) = 2


@pytest.mark.parametrize(
    ("args", "wall"),
    [
        # No interruptions: 10 * (1 + 0.5 / 2) = 12.5.
        ((10, 2, 0.5, 0.25, math.inf), 12.5),
        # No work, no time.
        ((0, 2, 0.5, 0.25, 100), 0.0),
        # Interval longer than the job, no interruptions: one segment, no checkpoint, 3 h.
        ((3, 5, 0.5, 0.25, math.inf), 3.0),
        ((3, math.inf, 0.5, 0.25, math.inf), 3.0),
        # Daly: segments of 0.5 + 0.5 = 1 h, exp(1 / M) - 1 = 1; restart R = M ln 3 so exp(R / M) = 3;
        # (2 / 0.5) * M * 3 * 1 = 12 / ln 2 = 17.3123.
        ((2, 0.5, 0.5, M_LN2 * math.log(3), M_LN2), 12 / LN2),
        # One segment of 1 h with no restart cost: M * (exp(1 / M) - 1) = 1 / ln 2 = 1.4427.
        ((1, 1, 0.5, 0, M_LN2), 1 / LN2),
        # Continuous free checkpoints: 4 * exp(R / M) with R = 10 ln 2, M = 10: 4 * 2 = 8.
        ((4, 0, 0, 10 * LN2, 10), 8.0),
        # Continuous free checkpoints and no interruptions: just the work.
        ((4, 0, 0, 1, math.inf), 4.0),
    ],
)
def test_expected_wall_hours_by_hand(args, wall):
    """Daly's formula and its edge cases give the hand-worked wall times."""
    assert expected_wall_hours(*args) == pytest.approx(wall)


def test_job_never_finishes_when_checkpoints_cost_time_and_come_continuously():
    """An interval of 0 with a checkpoint that takes time never finishes: inf, not an error."""
    assert expected_wall_hours(4, 0, 0.1, 0, 10) == math.inf
    assert expected_wall_hours(4, 0, 0.1, 0, math.inf) == math.inf


def test_overflowing_wall_time_is_infinite():
    """A segment thousands of mean times long overflows a float and reads as never finishing."""
    assert expected_wall_hours(10_000, 5_000, 0, 0, 1) == math.inf


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1, 1, 0, 0, 10), "work_hours"),
        ((1, -1, 0, 0, 10), "interval_hours"),
        ((1, 1, -1, 0, 10), "checkpoint_hours"),
        ((1, 1, 0, -1, 10), "restart_hours"),
        ((1, 1, 0, 0, 0), "mtbi_hours"),
        ((math.inf, 1, 0, 0, 10), "work_hours"),
    ],
)
def test_expected_wall_hours_rejects_bad_arguments_by_name(args, field):
    """Each bad argument raises a CalculatorError naming that argument."""
    with pytest.raises(CalculatorError) as error:
        expected_wall_hours(*args)
    assert error.value.field == field


def test_expected_interruptions_and_chance():
    """Interruptions expected = wall / M; the chance of one is 1 - exp(-clean run / M)."""
    assert expected_interruptions(50, 25) == pytest.approx(2.0)
    assert expected_interruptions(50, math.inf) == 0.0
    # Clean run 2 * (1 + 0.5 / 0.5) = 4 h at M = 4 h: 1 - exp(-1) = 0.632121.
    assert chance_of_interruption(2, 0.5, 0.5, 4) == pytest.approx(0.632121, rel=1e-6)


def test_costs_by_hand():
    """On demand is price * work; spot is price * wall + storage; storage is GB * kept * price * months."""
    assert on_demand_job_cost(0.65, 96) == pytest.approx(62.4)  # 0.65 * 96
    assert spot_job_cost(0.10, 96.31, 0.20) == pytest.approx(9.831)  # 0.10 * 96.31 + 0.20
    # 1.5 GB * 2 * $0.023 * 365 / 730 months = 0.069 / 2 = 0.0345.
    assert storage_cost(1.5 * 2, 0.023, 365) == pytest.approx(0.0345)


# --- planning a spot job --------------------------------------------------------------------


def test_fixed_interval_plan_by_hand():
    """The Daly case above at $1/h with two 1 GB checkpoints at $0.73 per GB-month."""
    job = SpotJob(
        2, 0.5, M_LN2 * math.log(3), interval_hours=0.5, checkpoint_gb=1, kept_checkpoints=2, storage_price=0.73
    )
    plan = plan_spot_job(job, 1.0, M_LN2)
    # wall = 12 / ln 2 = 17.31234 h; interruptions = wall / M = 12;
    # storage = 1 * 2 * 0.73 * 17.31234 / 730 = 0.0346247; cost = 17.31234 + 0.0346247 = 17.346965.
    assert plan.outcome == "fixed"
    assert plan.wall_hours == pytest.approx(17.31234, rel=1e-6)
    assert plan.interruptions == pytest.approx(12.0)
    assert plan.storage_cost == pytest.approx(0.0346247, rel=1e-5)
    assert plan.cost == pytest.approx(17.346965, rel=1e-6)


@pytest.mark.parametrize(
    ("job", "mtbi", "outcome"),
    [
        (SpotJob(0, 1 / 60, 1 / 6), 100, "no_work"),
        (SpotJob(96, 1 / 60, 1 / 6), math.inf, "no_interruptions"),
        # Young's interval sqrt(2 * 1/60 * 6928.6) = 15.2 h is longer than a 1-hour job.
        (SpotJob(1, 1 / 60, 1 / 6), 6928.6, "no_checkpoints"),
        (SpotJob(96, 1 / 60, 1 / 6, interval_hours=200), 100, "no_checkpoints"),
        (SpotJob(96, 0, 1 / 6), 100, "continuous"),
        (SpotJob(96, 1 / 60, 1 / 6), 6928.6, "young"),
        (SpotJob(96, 1 / 60, 1 / 6, interval_hours=2), 100, "fixed"),
    ],
)
def test_plan_names_how_the_job_checkpoints(job, mtbi, outcome):
    """Each checkpointing case has its named outcome."""
    assert plan_spot_job(job, 0.4, mtbi).outcome == outcome


def test_no_checkpoints_means_no_storage_cost():
    """A job that writes no checkpoints stores none."""
    plan = plan_spot_job(SpotJob(1, 1 / 60, 1 / 6, checkpoint_gb=10, kept_checkpoints=3, storage_price=1), 0.4, 6928.6)
    assert plan.storage_cost == 0.0


# --- break-even -------------------------------------------------------------------------


def test_break_even_by_hand():
    """At the break-even found, spot's expected cost equals on-demand's; a check of one point by hand.

    Spot $0.40 vs $1.00, C = 1 min, R = 10 min, 96 h: break-even M = 0.2977 h (17.9 minutes). Check:
    Young tau = sqrt(2 * (1/60) * 0.2977) = 0.09961 h; wall = 96 / 0.09961 * 0.2977 * exp(0.16667 / 0.2977)
    * (exp((0.09961 + 0.016667) / 0.2977) - 1) = 963.8 * 0.2977 * 1.7507 * 0.47816 = 240.0 h = 96 * 1.00 / 0.40.
    """
    even = spot_break_even(SpotJob(96, 1 / 60, 1 / 6), 0.40, 1.0)
    assert even.outcome == "crosses"
    assert even.mtbi_hours == pytest.approx(0.2977, rel=1e-3)
    assert even.interruptions_per_month == pytest.approx(730 / 0.2977, rel=1e-3)
    assert plan_spot_job(SpotJob(96, 1 / 60, 1 / 6), 0.40, even.mtbi_hours).wall_hours == pytest.approx(240.0, rel=1e-6)


@pytest.mark.parametrize(
    ("job", "spot", "on_demand", "outcome"),
    [
        (SpotJob(96, 1 / 60, 1 / 6), 1.0, 1.0, "spot_never_cheaper"),
        (SpotJob(96, 1 / 60, 1 / 6), 1.2, 1.0, "spot_never_cheaper"),
        (SpotJob(96, 0, 0), 0.4, 1.0, "spot_always_cheaper"),  # free checkpoints and restarts: wall = work always
        (SpotJob(96, 1 / 60, 1 / 6), 0.0, 1.0, "spot_always_cheaper"),  # free spot, no storage
        (SpotJob(0, 1 / 60, 1 / 6), 0.4, 1.0, "no_work"),
    ],
)
def test_break_even_outcomes_are_named(job, spot, on_demand, outcome):
    """Spot that never pays, always pays, or has nothing to do gets a named outcome, not a number."""
    even = spot_break_even(job, spot, on_demand)
    assert even.outcome == outcome
    assert even.mtbi_hours is None


@settings(max_examples=40, deadline=None)
@given(
    work=st.floats(0.5, 2000),
    discount=st.floats(0.05, 0.95),
    checkpoint=st.floats(0, 0.5),
    restart=st.floats(0.01, 1),
    fixed=st.one_of(st.none(), st.floats(0.05, 50)),
)
def test_break_even_is_where_the_curves_meet(work, discount, checkpoint, restart, fixed):
    """Spot is cheaper a little below the break-even interruption rate and dearer a little above it.

    A fixed interval can make checkpoints alone cost more than the discount saves; then spot never pays.
    """
    job = SpotJob(
        work, checkpoint, restart, interval_hours=fixed, checkpoint_gb=2, kept_checkpoints=2, storage_price=0.023
    )
    on_demand = on_demand_job_cost(1.0, work)
    even = spot_break_even(job, 1.0 - discount, 1.0)
    if even.outcome == "spot_never_cheaper":
        assert plan_spot_job(job, 1.0 - discount, math.inf).cost >= on_demand
        return
    assert even.outcome == "crosses"
    assert plan_spot_job(job, 1.0 - discount, even.mtbi_hours * 1.01).cost <= on_demand
    assert plan_spot_job(job, 1.0 - discount, even.mtbi_hours / 1.01).cost >= on_demand


# --- Young against Daly's exact model --------------------------------------------------------


@given(
    checkpoint=st.floats(1e-3, 1),
    ratio=st.floats(100, 1e5),
    restart=st.floats(0, 2),
)
def test_youngs_interval_beats_half_and_double_under_dalys_model(checkpoint, ratio, restart):
    """With C much smaller than M, Young's interval takes less expected wall time than half or twice it."""
    mtbi = checkpoint * ratio
    young = optimal_checkpoint_interval(checkpoint, mtbi)
    work = 10 * young  # long enough that even twice Young's interval leaves several segments

    def wall(interval: float) -> float:
        return expected_wall_hours(work, interval, checkpoint, restart, mtbi)

    assert wall(young) <= wall(young / 2)
    assert wall(young) <= wall(2 * young)


# --- the calculator ----------------------------------------------------------------------


def test_plain_job_without_interruptions_by_hand(pricing):
    """Rate 0: spot is just cheaper hours. $1 * 100 = $100 on demand, $0.30 * 100 = $30 on spot."""
    result = run(pricing, PLAIN)
    assert result.value("on_demand_cost") == pytest.approx(100.0)
    assert result.value("on_demand_hours") == pytest.approx(100.0)
    assert result.value("spot_cost") == pytest.approx(30.0)
    assert result.value("spot_hours") == pytest.approx(100.0)
    assert result.value("interruptions") == 0.0
    assert result.value("storage_cost") == 0.0  # no interruptions, no checkpoints
    assert result.value("savings") == pytest.approx(70.0)  # 100 - 30
    assert result.value("savings_percent") == pytest.approx(70.0)  # 70 / 100
    assert {"mtbi_hours", "optimal_interval", "interval_used"}.isdisjoint(names(result))
    assert outcomes(result) == {
        "comparison": "spot_cheaper",
        "checkpointing": "no_interruptions",
        "break_even": "crosses",
    }


def test_spot_costing_more_is_a_named_outcome(pricing):
    """Spot at $1.20 against $1.00 on demand: $120 vs $100, a saving of -$20 (-20%), and never a break-even."""
    result = run(pricing, {**PLAIN, "spot_price": 1.2})
    assert result.value("savings") == pytest.approx(-20.0)
    assert result.value("savings_percent") == pytest.approx(-20.0)
    assert outcomes(result)["comparison"] == "spot_costs_more"
    assert outcomes(result)["break_even"] == "spot_never_cheaper"
    assert not {"break_even_mtbi", "break_even_interruptions", "break_even_rate"} & names(result)


def test_equal_prices_without_interruptions_cost_the_same(pricing):
    """Spot at the on-demand price with no interruptions costs exactly the same."""
    result = run(pricing, {**PLAIN, "spot_price": 1.0})
    assert outcomes(result)["comparison"] == "same_cost"
    assert result.value("savings") == 0.0


def test_no_work_costs_nothing_and_shows_no_percentage(pricing):
    """Zero hours: both cost $0, no savings share (it would divide by zero), outcome no_work."""
    result = run(pricing, {**PLAIN, "work_hours": 0, "interruption_rate": 0.1})
    assert result.value("on_demand_cost") == 0.0
    assert result.value("spot_cost") == 0.0
    assert "savings_percent" not in names(result)
    assert outcomes(result) == {"comparison": "same_cost", "checkpointing": "no_work", "break_even": "no_work"}


def test_free_on_demand_shows_no_percentage(pricing):
    """A $0 on-demand price leaves no base for a percentage."""
    result = run(pricing, {**PLAIN, "on_demand_price": 0})
    assert "savings_percent" not in names(result)
    assert outcomes(result)["comparison"] == "spot_costs_more"


def test_interruptions_at_the_default_rate_by_hand(pricing):
    """The defaults' checkpoints and restarts at a 10%-a-month rate, 96 hours at $0.10/h.

    M = 730 / -ln 0.9 = 6928.59 h; Young = sqrt(2 * (1/60) * 6928.59) = 15.1971 h = 911.83 min;
    wall = 96 / 15.1971 * 6928.59 * exp((1/6) / 6928.59) * (exp((15.1971 + 1/60) / 6928.59) - 1) = 96.2132 h;
    storage = 1.5 GB * 2 * $0.023 * 96.2132 / 730 = $0.009094; spot = 0.10 * 96.2132 + 0.009094 = $9.63041.
    """
    raw = {"spot_price": 0.10, "work_hours": 96, "interruption_rate": 0.1, "checkpoint_minutes": 1,
           "restart_minutes": 10, "checkpoint_gb": 1.5, "kept_checkpoints": 2, "storage_price": 0.023}
    result = run(pricing, raw)
    assert result.value("mtbi_hours") == pytest.approx(6928.59, rel=1e-6)
    assert result.value("optimal_interval") == pytest.approx(911.83, rel=1e-5)
    assert result.value("interval_used") == pytest.approx(911.83, rel=1e-5)
    assert result.value("spot_hours") == pytest.approx(96.2132, rel=1e-6)
    assert result.value("storage_cost") == pytest.approx(0.009094, rel=1e-3)
    assert result.value("spot_cost") == pytest.approx(9.63041, rel=1e-5)
    assert result.value("interruptions") == pytest.approx(96.2132 / 6928.59, rel=1e-5)
    assert outcomes(result)["checkpointing"] == "young"


def test_the_2015_notes_spot_price_against_g2_on_demand(pricing):
    """The note's $0.10/h g2.2xlarge spot against pricing.json's g2.2xlarge on-demand price.

    With the preset, no interruptions and three days (the note's "a few days"): spot 0.10 * 72 = $7.20,
    on demand 0.65 * 72 = $46.80, a saving of $39.60, 39.60 / 46.80 = 84.615%.
    """
    values = CALCULATOR.defaults(pricing, {"preset": "aws-gpu-2015"})
    assert values["spot_price"] == pytest.approx(0.10)
    assert values["on_demand_price"] == pytest.approx(pricing.value("/instances/g2.2xlarge/on_demand"))
    result = run(pricing, {"interruption_rate": 0, "work_hours": 72}, preset="aws-gpu-2015")
    assert result.value("spot_cost") == pytest.approx(7.20)
    assert result.value("on_demand_cost") == pytest.approx(46.80)
    assert result.value("savings") == pytest.approx(39.60)
    assert result.value("savings_percent") == pytest.approx(84.615, rel=1e-4)


def test_the_2015_preset_still_pays_at_the_default_interruption_rate(pricing):
    """At the preset's default rate, spot stays far cheaper and the break-even is minutes between interruptions."""
    result = run(pricing, preset="aws-gpu-2015")
    assert outcomes(result)["comparison"] == "spot_cheaper"
    assert outcomes(result)["break_even"] == "crosses"
    assert result.value("break_even_mtbi") < 60  # minutes


def test_break_even_rate_is_shown_when_it_fits_the_advisors_scale(pricing):
    """Spot at 99% of on-demand breaks even at a monthly share well below 100%, so it is shown and consistent."""
    result = run(pricing, {**PLAIN, "spot_price": 0.99, "interruption_rate": 0.1, "work_hours": 96})
    mtbi_hours = result.value("break_even_mtbi") / 60
    assert result.value("break_even_rate") == pytest.approx(100 * (1 - math.exp(-730 / mtbi_hours)))
    assert result.value("break_even_interruptions") == pytest.approx(730 / mtbi_hours)


def test_break_even_rate_near_every_instance_is_said_in_words(pricing):
    """When the break-even share would print as 100.00%, the value is left out and a note says why."""
    result = run(pricing, {**PLAIN, "interruption_rate": 0.1})
    assert "break_even_rate" not in names(result)
    assert any("essentially every instance" in note for note in result.notes)


def test_interval_table_puts_young_cheapest(pricing):
    """At the default rate Young's interval costs no more than half or twice it, or no checkpoints."""
    result = run(pricing, {**PLAIN, "interruption_rate": 0.2})
    table = next(t for t in result.tables if t.name == "intervals")
    cost = {row["interval"]: row["spot cost"] for row in table.records()}
    assert cost["Young's"] <= min(cost["half Young's"], cost["twice Young's"], cost["no checkpoints"])


def test_fixed_interval_is_used_and_listed(pricing):
    """A fixed interval of 90 minutes is the one used, and the interval table lists it."""
    result = run(pricing, {**PLAIN, "interruption_rate": 0.2, "interval_mode": "fixed", "interval_minutes": 90})
    assert result.value("interval_used") == pytest.approx(90)
    assert outcomes(result)["checkpointing"] == "fixed"
    table = next(t for t in result.tables if t.name == "intervals")
    assert ("yours", 90.0) in [(row["interval"], row["every"]) for row in table.records()]


@pytest.mark.parametrize(("minutes", "word"), [(1, "fits"), (5, "does not fit")])
def test_notes_compare_the_checkpoint_with_the_two_minute_notice(pricing, minutes, word):
    """The note says whether the checkpoint write fits in AWS's interruption notice."""
    result = run(pricing, {"checkpoint_minutes": minutes})
    assert any(f"{word} in that window" in note for note in result.notes)


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("interruption_rate", 1),
        ("interruption_rate", -0.1),
        ("spot_price", -1),
        ("on_demand_price", "cheap"),
        ("work_hours", ""),
        ("checkpoint_minutes", -1),
        ("interval_mode", "sometimes"),
        ("interval_minutes", 0),
        ("restart_minutes", math.inf),
        ("kept_checkpoints", 1.5),
        ("checkpoint_gb", None),
        ("storage_price", -0.01),
    ],
)
def test_bad_input_names_the_field(pricing, field, raw):
    """Each bad input raises a CalculatorError naming its field."""
    refusal(CALCULATOR, pricing, {field: raw})


def test_defaults_resolve_from_pricing(pricing):
    """Every pricing reference in the defaults and the preset resolves."""
    defaults = CALCULATOR.defaults(pricing)
    assert defaults["on_demand_price"] == pricing.value("/instances/g5.xlarge/on_demand")
    assert defaults["spot_price"] == pricing.value("/instances/g5.xlarge/spot")
    assert defaults["storage_price"] == pricing.value("/storage/s3-standard/price")
    assert 0 <= defaults["interruption_rate"] < 1


# --- properties --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(raw=inputs_for(CALCULATOR))
def test_any_valid_input_gives_finite_non_negative_costs_and_a_plotly_figure(pricing, raw):
    """Costs are never negative, spot never beats the bare work time, values are finite, figures load."""
    result = CALCULATOR.compute(CALCULATOR.validate(raw, pricing, CALCULATOR.defaults(pricing)), pricing)
    assert all(math.isfinite(v.value) for v in result.values)
    assert result.value("on_demand_cost") >= 0
    if "spot_cost" in names(result):
        assert result.value("spot_cost") >= 0
        assert result.value("spot_hours") >= result.value("on_demand_hours") * (1 - 1e-12)
    for figure in result.figures:
        check_figure(figure.figure)
        assert figure.alt


jobs = st.builds(
    SpotJob,
    work_hours=st.floats(0, 5000),
    checkpoint_hours=st.floats(0, 2),
    restart_hours=st.floats(0, 2),
    interval_hours=st.one_of(st.none(), st.floats(0.02, 200)),
    checkpoint_gb=st.floats(0, 100),
    kept_checkpoints=st.integers(0, 5),
    storage_price=st.floats(0, 0.1),
)
rates = st.floats(0, 0.99)


@given(job=jobs, price=st.floats(0, 100), rate=rates)
def test_spot_wall_time_is_at_least_the_work(job, price, rate):
    """Interruptions and checkpoints only ever add time."""
    plan = plan_spot_job(job, price, mean_hours_between_interruptions(rate))
    assert plan.wall_hours >= job.work_hours * (1 - 1e-12)
    assert plan.cost >= 0


@given(job=jobs, prices=st.tuples(st.floats(0, 100), st.floats(0, 100)), rate=rates)
def test_spot_cost_rises_with_the_spot_price(job, prices, rate):
    """A higher spot price never lowers the expected cost."""
    low, high = sorted(prices)
    mtbi = mean_hours_between_interruptions(rate)
    assert plan_spot_job(job, low, mtbi).cost <= plan_spot_job(job, high, mtbi).cost * (1 + 1e-12)


@given(job=jobs, price=st.floats(0.01, 100), pair=st.tuples(rates, rates))
def test_spot_cost_rises_with_the_interruption_rate(job, price, pair):
    """More interruptions never make the job cheaper or quicker."""
    low, high = sorted(pair)
    calm = plan_spot_job(job, price, mean_hours_between_interruptions(low))
    rough = plan_spot_job(job, price, mean_hours_between_interruptions(high))
    assert calm.cost <= rough.cost * (1 + 1e-9)


@given(job=jobs, price=st.floats(0.01, 100), rate=rates, extra=st.floats(0, 1000))
def test_spot_cost_rises_with_the_work(job, price, rate, extra):
    """A longer job never costs less."""
    mtbi = mean_hours_between_interruptions(rate)
    longer = dataclasses.replace(job, work_hours=job.work_hours + extra)
    assert plan_spot_job(job, price, mtbi).cost <= plan_spot_job(longer, price, mtbi).cost * (1 + 1e-9)


@given(prices=st.tuples(st.floats(0, 1000), st.floats(0, 1000)), hours=st.floats(0, 10_000))
def test_on_demand_cost_rises_with_price_and_hours(prices, hours):
    """On-demand cost is monotone in its price and hours."""
    low, high = sorted(prices)
    assert 0 <= on_demand_job_cost(low, hours) <= on_demand_job_cost(high, hours)
    assert on_demand_job_cost(high, hours) <= on_demand_job_cost(high, hours + 1)


# --- figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "preset"),
    [
        ({}, None),
        ({}, "aws-gpu-2015"),
        (PLAIN, None),
        ({**PLAIN, "spot_price": 1.2}, None),
        ({**PLAIN, "work_hours": 0}, None),
        ({**PLAIN, "checkpoint_minutes": 0, "restart_minutes": 0, "interruption_rate": 0.3}, None),
        ({**PLAIN, "interval_mode": "fixed", "interval_minutes": 100_000, "interruption_rate": 0.99}, None),
    ],
)
def test_every_figure_is_a_valid_plotly_figure_with_numbers_in_its_alt(pricing, raw, preset):
    """Plotly accepts each figure dict, and its alt text states the on-demand cost it draws."""
    result = run(pricing, raw, preset)
    assert result.figures
    for figure in result.figures:
        check_figure(figure.figure)
        on_demand = next(v for v in result.values if v.name == "on_demand_cost")
        assert on_demand.text in figure.alt


def test_figure_marks_the_break_even_and_this_job(pricing):
    """The chart marks the break-even at the on-demand cost and this job at its spot cost, on a log axis."""
    result = run(pricing)
    figure = result.figures[0].figure
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert figure["layout"]["xaxis"]["type"] == "log"
    assert traces["break-even"]["x"][0] == pytest.approx(result.value("break_even_interruptions"), rel=1e-5)
    assert traces["break-even"]["y"][0] == pytest.approx(result.value("on_demand_cost"), abs=1e-4)
    assert traces["this job"]["y"][0] == pytest.approx(result.value("spot_cost"), abs=1e-4)


@pytest.mark.parametrize("rate", ["9e-306", "1e-300", "1e-12"])
def test_a_vanishing_interruption_rate_is_answered_as_no_interruptions(rate):
    """A rate so small the mean time between interruptions overflows gives the zero-rate answer, not an error."""
    from calculators import calculate, run

    assert "error" not in run("spot", {"interruption_rate": rate})
    tiny = calculate("spot", {"interruption_rate": rate})
    zero = calculate("spot", {"interruption_rate": 0})
    assert tiny.value("spot_cost") == pytest.approx(zero.value("spot_cost"), rel=1e-6)
