"""One training job on EC2, Google Cloud ML or Rescale, from the 2017 note "Cost of Deep Learning"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.three_platforms_2017 import (
    CALCULATOR,
    JobCost,
    ProviderTerms,
    billed_hours,
    cost_line,
    credited_cost,
    job_break_even,
    job_cost,
    ranked,
)
from tests.conftest import check_figure, refusal
from tests.strategies import inputs_for

NOTE = "cost-of-dl-note"
GCP_PRICE = 0.49
"""Google Cloud ML has no sourced price in pricing.json; the tests type this one so they state it."""


def note_values(pricing, references=None, **raw):
    """The note's preset (plus any pricing references), the typed GCP price, then raw inputs on top."""
    base = CALCULATOR.defaults(pricing, {"preset": NOTE, **(references or {})})
    return CALCULATOR.validate({"gcp_price": GCP_PRICE, **raw}, pricing, base)


def at_note(pricing, references=None, **raw):
    return CALCULATOR.compute(note_values(pricing, references, **raw), pricing)


def table(result, name):
    return next(t for t in result.tables if t.name == name)


def has_value(result, name):
    return any(item.name == name for item in result.values)


# --- The note's figures ----------------------------------------------------------------------


def test_the_notes_terms_come_from_pricing(pricing):
    """The preset reads the note's $0.65/h K520, $1/h Rescale, $1 failed start, $10 and $300 credits, 6-min start."""
    values = note_values(pricing)
    assert values["ec2_price"] == pytest.approx(0.65)
    assert values["rescale_price"] == pytest.approx(1.0)
    assert values["rescale_failed_start_charge"] == pytest.approx(1.0)
    assert values["rescale_free_credit"] == pytest.approx(10)
    assert values["gcp_free_credit"] == pytest.approx(300)
    assert values["rescale_startup_minutes"] == pytest.approx(6)  # midpoint of 4–8
    assert values["gcp_relative_speed"] == pytest.approx(1 / 7)  # "7 times slower"


def test_the_notes_16_gpu_machine_is_in_pricing(pricing):
    """The "16 GPUs + 64 CPUs at $14.40/hour" machine is p2.16xlarge at $14.40 with 16 GPUs."""
    assert pricing.value("/instances/p2.16xlarge/on_demand@note-cost-of-dl") == pytest.approx(14.40)
    assert pricing.value("/instances/p2.16xlarge/gpu_count") == 16


def test_a_ten_hour_job_costs_six_fifty_on_ec2(pricing):
    """10 h × $0.65/h on g2.2xlarge = $6.50, no credit."""
    result = at_note(pricing)
    assert result.value("ec2_billed_hours") == pytest.approx(10)
    assert result.value("ec2_cost") == pytest.approx(6.5)


def test_a_seven_times_slower_gcp_worker_bills_seventy_hours(pricing):
    """10 h / (1/7) = 70 h × $0.49 = $34.30, all of it paid by the $300 credit."""
    result = at_note(pricing)
    assert result.value("gcp_billed_hours") == pytest.approx(70)
    assert result.value("gcp_before_credit") == pytest.approx(34.3)
    assert result.value("gcp_credit_used") == pytest.approx(34.3)
    assert result.value("gcp_cost") == 0


def test_rescale_bills_the_start_up_and_the_credit_covers_ten_dollars(pricing):
    """(10 h + 6 min) × $1/h = $10.10 before credit; the $10 credit leaves $0.10."""
    result = at_note(pricing)
    assert result.value("rescale_billed_hours") == pytest.approx(10.1)
    assert result.value("rescale_before_credit") == pytest.approx(10.1)
    assert result.value("rescale_cost") == pytest.approx(0.1)


@pytest.mark.parametrize(
    "startup, billed, pay",
    [
        ("/providers/rescale/startup_minutes_low", 10 + 4 / 60, 4 / 60),  # 10.0667 h, $0.07 after credit
        ("/providers/rescale/startup_minutes_high", 10 + 8 / 60, 8 / 60),  # 10.1333 h, $0.13 after credit
    ],
)
def test_rescale_start_up_of_four_to_eight_minutes(pricing, startup, billed, pay):
    """The note's 4- and 8-minute start-ups add 4/60 h and 8/60 h at $1/h."""
    result = at_note(pricing, {"rescale_startup_minutes": startup})
    assert result.value("rescale_billed_hours") == pytest.approx(billed)
    assert result.value("rescale_cost") == pytest.approx(pay)


def test_failed_starts_eat_the_small_rescale_credit(pricing):
    """Three typos at $1 each: $10.10 + $3 = $13.10 before credit, $3.10 after the $10."""
    result = at_note(pricing, failed_starts=3)
    assert result.value("rescale_before_credit") == pytest.approx(13.1)
    assert result.value("rescale_cost") == pytest.approx(3.1)
    assert result.value("ec2_cost") == pytest.approx(6.5)  # no failed-start charge on EC2 by default


def test_a_ten_hour_job_ranks_gcp_rescale_ec2(pricing):
    """Cheapest first for 10 h: GCP $0 (credit), Rescale $0.10, EC2 $6.50."""
    ranking = table(at_note(pricing), "ranking")
    assert ranking.cells("provider") == ("Google Cloud ML", "Rescale", "EC2")
    assert list(ranking.cells("you pay")) == [0, pytest.approx(0.1), pytest.approx(6.5)]
    assert ranking.texts[0][-1] == "$0.00"


def test_a_long_job_ranks_ec2_first(pricing):
    """For 200 h: EC2 $130, Rescale $200.10 − $10 = $190.10, GCP 1,400 h × $0.49 − $300 = $386."""
    ranking = table(at_note(pricing, job_hours=200), "ranking")
    assert ranking.cells("provider") == ("EC2", "Rescale", "Google Cloud ML")
    assert list(ranking.cells("you pay")) == [pytest.approx(130), pytest.approx(190.1), pytest.approx(386)]


@pytest.mark.parametrize(
    "pair, hours, below, above",
    [
        ("EC2 vs Rescale", 9.9 / 0.35, "Rescale", "EC2"),  # 0.65x = x + 0.10 − 10   -> 28.29 h
        ("EC2 vs Google Cloud ML", 300 / 2.78, "Google Cloud ML", "EC2"),  # 0.65x = 3.43x − 300 -> 107.9 h
        ("Google Cloud ML vs Rescale", 290.1 / 2.43, "Google Cloud ML", "Rescale"),  # 3.43x − 300 = x − 9.9
    ],
)
def test_break_even_job_lengths_at_the_notes_numbers(pricing, pair, hours, below, above):
    """Credits make short jobs free; each pair of providers swaps places at one job length."""
    row = next(row for row in table(at_note(pricing), "break_even").records() if row["pair"] == pair)
    assert row["outcome"] == "crosses" and row["meets at"] == pytest.approx(hours)
    text = row["break-even"]
    assert f"{below} is cheaper below, {above} above" in text


def test_the_cost_chart_marks_the_three_crossings(pricing):
    """The line chart marks 28.29 h ($18.39), 107.9 h ($70.14) and 119.4 h ($109.48)."""
    figure = next(f for f in at_note(pricing).figures if f.name == "break_even")
    markers = next(trace for trace in figure.figure["data"] if trace["name"] == "break-even")
    assert sorted(markers["x"]) == pytest.approx([9.9 / 0.35, 300 / 2.78, 290.1 / 2.43])
    assert sorted(markers["y"]) == pytest.approx([0.65 * 9.9 / 0.35, 0.65 * 300 / 2.78, 290.1 / 2.43 - 9.9], abs=1e-3)
    for text in ("$18.39", "$70.14", "$109.48"):
        assert text in figure.alt


def test_the_cost_chart_bends_where_a_credit_runs_out(pricing):
    """Rescale is free until 9.9 h and GCP until 300 / 3.43 = 87.46 h; both kinks are on the grid."""
    figure = next(f for f in at_note(pricing).figures if f.name == "break_even")
    data = {trace["name"]: trace for trace in figure.figure["data"]}
    for name, kink in (("Rescale", 9.9), ("Google Cloud ML", 300 / 3.43)):
        points = dict(zip(data[name]["x"], data[name]["y"]))
        at_kink = [y for x, y in points.items() if x == pytest.approx(kink)]
        assert at_kink == [pytest.approx(0, abs=1e-4)]
        assert all(y == 0 for x, y in points.items() if x < kink)


def test_the_bar_chart_shows_what_each_provider_charges(pricing):
    """Bars run cheapest first with what is left to pay; the alt text gives each amount before credit too."""
    figure = next(f for f in at_note(pricing).figures if f.name == "ranking")
    bars = figure.figure["data"][0]
    assert bars["x"] == ["Google Cloud ML", "Rescale", "EC2"]
    assert bars["y"] == [0, pytest.approx(0.1), pytest.approx(6.5)]
    assert "$34.30 before credit" in figure.alt


def test_renting_16_gpus_pays_only_past_22_times_the_speed(pricing):
    """At $14.40/h a p2.16xlarge must run the job over 14.40 / 0.65 = 22.15× faster than one K520 to beat it."""
    p2 = {"ec2_price": "/instances/p2.16xlarge/on_demand@note-cost-of-dl"}
    assert at_note(pricing, p2).value("ec2_cost") == pytest.approx(144)  # 10 h × $14.40 at the same speed
    assert at_note(pricing, p2, ec2_relative_speed=16).value("ec2_cost") == pytest.approx(9)  # 10/16 h × $14.40
    assert at_note(pricing, p2, ec2_relative_speed=22).value("ec2_cost") == pytest.approx(6.545454)  # > $6.50
    assert at_note(pricing, p2, ec2_relative_speed=23).value("ec2_cost") == pytest.approx(6.260870)  # < $6.50


# --- Edge cases ------------------------------------------------------------------------------


def test_a_worker_with_no_speed_never_finishes(pricing):
    """GCP at speed 0 gets the named outcome: ranked last, no amounts, left off both charts."""
    result = at_note(pricing, gcp_relative_speed=0)
    assert not any(
        has_value(result, f"gcp_{name}") for name in ("billed_hours", "before_credit", "credit_used", "cost")
    )
    ranking = table(result, "ranking")
    assert (ranking.records()[-1]["provider"], ranking.records()[-1]["outcome"]) == ("Google Cloud ML", "never_finishes")
    assert ranking.texts[-1][-1] == "never finishes"
    assert table(result, "break_even").cells("pair") == ("EC2 vs Rescale",)
    bars, lines = (
        next(f for f in result.figures if f.name == name).figure["data"] for name in ("ranking", "break_even")
    )
    assert "Google Cloud ML" not in bars[0]["x"]
    assert [trace["name"] for trace in lines if trace["name"] != "break-even"] == ["EC2", "Rescale"]
    assert any("never finishes" in note for note in result.notes)


def test_a_zero_hour_job_costs_only_its_start_up(pricing):
    """A 0-hour job bills Rescale's 6 minutes ($0.10, inside the credit) and nothing on EC2 or GCP."""
    result = at_note(pricing, job_hours=0)
    assert result.value("rescale_before_credit") == pytest.approx(0.1)
    assert (result.value("ec2_cost"), result.value("gcp_cost"), result.value("rescale_cost")) == (0, 0, 0)


def test_a_free_provider_costs_nothing():
    """At $0/h with no charges a job costs $0 however long it runs."""
    assert job_cost(ProviderTerms("Free", 0.0), 1000).effective == 0


def test_providers_that_tie_at_zero_have_no_crossing():
    """Two credits that both cover the meeting point tie at $0; the one with the lower rate wins afterwards."""
    a = ProviderTerms("A", 1.0, free_credit=100)  # free to 100 h
    b = ProviderTerms("B", 2.0, free_credit=150)  # free to 75 h; lines meet at x = 50 where both are still free
    meeting = job_break_even(a, b)
    assert meeting.outcome == "never" and meeting.cheaper == "A"


def test_identical_providers_cost_the_same():
    """Two providers on the same terms never differ."""
    assert job_break_even(ProviderTerms("A", 1.0), ProviderTerms("B", 1.0)).outcome == "identical"


@pytest.mark.parametrize(
    "args, expected",
    [
        ((10, 1, 0), 10),
        ((10, 1 / 7, 0), 70),
        ((10, 2, 30), 5.5),  # twice as fast, half an hour to start
        ((0, 1, 6), 0.1),
        ((0, 0, 0), 0),
    ],
)
def test_billed_hours(args, expected):
    """Billed hours are job hours over relative speed plus the start-up."""
    assert billed_hours(*args) == pytest.approx(expected)


def test_credit_never_takes_the_cost_below_zero():
    """A $300 credit against a $34.30 job leaves $0, not −$265.70."""
    assert credited_cost(cost_line(ProviderTerms("GCP", 0.49, 1 / 7)), 300, 10) == 0


def test_ranking_breaks_ties_by_cost_before_credit():
    """Two free jobs rank by how much credit they burn."""
    costs = [JobCost("big", "finishes", 1, 50, 0, 50, 50, 0), JobCost("small", "finishes", 1, 5, 0, 5, 5, 0)]
    assert [c.provider for c in ranked(costs)] == ["small", "big"]


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, raw, words",
    [
        ("gcp_relative_speed", -1, "must be between 0 and"),
        ("failed_starts", 1.5, "whole number"),
        ("job_hours", "ten", "must be a number"),
        ("rescale_free_credit", -10, "must be between 0 and"),
        ("hours_max", 0, "must be between 1 and"),
        ("ec2_price", float("inf"), "finite"),
    ],
)
def test_bad_input_names_the_field(pricing, field, raw, words):
    """A bad value is refused with an error naming its field (by its label) and, in words, what it accepts."""
    assert words in str(refusal(CALCULATOR, pricing, {field: raw}))


# --- Properties ------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_values_are_finite_never_negative_and_figures_are_valid(pricing, raw):
    """Any valid input gives finite, non-negative amounts, credit never beyond the bill, and figures Plotly accepts."""
    result = CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing)
    for value in result.values:
        assert 0 <= value.value < float("inf"), value.name
    for key in ("ec2", "gcp", "rescale"):
        if has_value(result, f"{key}_cost"):
            before, used = result.value(f"{key}_before_credit"), result.value(f"{key}_credit_used")
            assert result.value(f"{key}_cost") == pytest.approx(max(0.0, before - raw[f"{key}_free_credit"]))
            assert used <= before + 1e-9
    for figure in result.figures:
        check_figure(figure.figure)
        assert figure.alt


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR), st.floats(0, 100))
def test_costs_rise_with_job_hours_and_prices(pricing, raw, more):
    """A longer job or a higher price never lowers any provider's cost, before or after credit."""
    before = CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing)
    for name in ("job_hours", "ec2_price", "gcp_price", "rescale_price", "rescale_startup_minutes"):
        bumped = dict(raw, **{name: min(raw[name] + more, CALCULATOR.input(name).maximum)})
        after = CALCULATOR.compute(CALCULATOR.validate(bumped, pricing), pricing)
        for key in ("ec2", "gcp", "rescale"):
            for amount in ("before_credit", "cost"):
                if has_value(before, f"{key}_{amount}") and has_value(after, f"{key}_{amount}"):
                    old, new = before.value(f"{key}_{amount}"), after.value(f"{key}_{amount}")
                    assert new >= old * (1 - 1e-12) - 1e-9, (name, key, amount)


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_ranking_is_cheapest_first(pricing, raw):
    """The ranking table lists what you pay in rising order."""
    data = table(CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing), "ranking").records()
    paid = [row["you pay"] for row in data if row["outcome"] == "finishes"]
    assert paid == sorted(paid)


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_break_even_lies_on_both_credited_curves(pricing, raw):
    """Where two providers are said to cross they cost the same, and the named winner wins on each side."""
    values = CALCULATOR.validate(raw, pricing)
    terms = {
        name: ProviderTerms(
            name,
            values[f"{key}_price"],
            values[f"{key}_relative_speed"],
            values[f"{key}_startup_minutes"],
            values[f"{key}_failed_start_charge"],
            values[f"{key}_free_credit"],
        )
        for key, name in (("ec2", "EC2"), ("gcp", "Google Cloud ML"), ("rescale", "Rescale"))
    }
    finishing = [t for t in terms.values() if t.finishes]
    for i, a in enumerate(finishing):
        for b in finishing[i + 1 :]:
            meeting = job_break_even(a, b, values["failed_starts"])

            def cost(name, x):
                t = terms[name]
                return credited_cost(cost_line(t, values["failed_starts"]), t.free_credit, x)

            if meeting.outcome == "crosses":
                x = meeting.x
                assert cost(a.name, x) == pytest.approx(cost(b.name, x), rel=1e-6, abs=1e-6)
                assert cost(a.name, x) > 0
                assert cost(meeting.cheaper_below, x / 2) <= cost(meeting.cheaper_above, x / 2) * (1 + 1e-9) + 1e-9
                assert cost(meeting.cheaper_below, x * 2) >= cost(meeting.cheaper_above, x * 2) * (1 - 1e-9) - 1e-9
            elif meeting.outcome == "never":
                other = b.name if meeting.cheaper == a.name else a.name
                for x in (0, 1, 10, 100, 1000):
                    assert cost(meeting.cheaper, x) <= cost(other, x) * (1 + 1e-9) + 1e-6


def test_the_today_view_names_a_machine_sold_today(pricing):
    """Without the note's preset, EC2 is today's g5.xlarge at its newest price; Google's training unit and the note's
    Rescale worker, no longer sold, keep their 2017 figures pinned to their sources and say so in their labels."""
    from calculators import get_calculator
    from calculators._pricing import retirement

    calculator = get_calculator("providers")
    specs = calculator.specs()
    assert specs["ec2_price"] == "/instances/g5.xlarge/on_demand" and not retirement(pricing, specs["ec2_price"])
    assert "g5.xlarge" in calculator.input("ec2_price", pricing).label
    for name in ("gcp_price", "rescale_price"):
        assert "@" in specs[name] and retirement(pricing, specs[name])
    assert "retired" in calculator.input("gcp_price", pricing).label
