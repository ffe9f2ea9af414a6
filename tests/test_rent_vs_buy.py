"""Rent cloud GPUs or buy a desktop, from the 2019 note "Training ML models: AWS vs Desktop?"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.rent_vs_buy import (
    CALCULATOR,
    calendar_days,
    cloud_cost,
    desktop_cost,
    desktop_payoff,
    electricity_per_hour,
    planned_gpu_hours,
)
from calculators import calculate
from tests.conftest import check_figure, refusal
from tests.strategies import inputs_for

NOTE = "desktop-2019-note"
TODAYS_POWER = {"electricity_price": "/electricity/us-residential-average/price@eia-tie-63064"}
"""The cases below are worked at the 2023 US average (16 cents, EIA), not the preset's 2019 price: a fixed figure,
so the hand calculations hold whatever electricity costs today."""


def note_values(pricing, references=None, **raw):
    """The note's preset with today's electricity, optionally other pricing references, then raw inputs on top."""
    base = CALCULATOR.defaults(pricing, {"preset": NOTE, **TODAYS_POWER, **(references or {})})
    return CALCULATOR.validate(raw, pricing, base)


def test_at_2019_electricity_prices_the_desktop_wins_narrowly(pricing):
    """With the note's own year's electricity (13.01 cents, EIA 2019) the desktop beats g3s.xlarge over the plan."""
    result = calculate("rent_vs_buy", preset=NOTE)
    # 0.355 kW × $0.1301 = $0.0461855/h; 2,880 h → $133.01; desktop $2,133.01 against $2,160.00 of cloud.
    assert result.value("electricity_per_hour") == pytest.approx(0.0461855)
    assert result.value("desktop_cost") == pytest.approx(2133.01424)
    assert result.value("cloud_cost") == pytest.approx(2160.0)
    # Break-even: 2,000 / (0.75 − 0.0461855) = 2,841.65 GPU-hours, day 118.4 of round-the-clock training.
    assert result.value("break_even_hours") == pytest.approx(2000 / (0.75 - 0.0461855))


def at_note(pricing, references=None, **raw):
    return CALCULATOR.compute(note_values(pricing, references, **raw), pricing)


def has_value(result, name):
    return any(item.name == name for item in result.values)


# --- The note's own figures -----------------------------------------------------------------


def test_planned_work_is_2880_gpu_hours(pricing):
    """Ten projects of twelve complete days are 10 × 12 × 24 = 2,880 GPU-hours, 120 days around the clock."""
    result = at_note(pricing)
    assert result.value("planned_gpu_hours") == pytest.approx(2880)
    assert result.value("planned_days") == pytest.approx(120)


def test_cloud_compute_for_the_plan_is_2160_dollars(pricing):
    """2,880 h × $0.75/h on g3s.xlarge = $2,160 of compute."""
    assert at_note(pricing).value("cloud_cost") == pytest.approx(2160)


def test_the_notes_2300_estimate_is_compute_plus_140_of_extras(pricing):
    """The note's "around 2300" exceeds the $2,160 of compute by $140: its S3, SSD and taxes, not priced here."""
    estimate = pricing.value(f"/assumptions/{NOTE}/values/aws_estimate")
    assert estimate - at_note(pricing).value("cloud_cost") == pytest.approx(140)  # 2300 − 2160


def test_the_desktop_costs_2000_before_it_trains(pricing):
    """The cumulative desktop curve starts at the note's $2,000 purchase price on day 0."""
    figure = at_note(pricing).figures[0].figure
    desktop = next(trace for trace in figure["data"] if trace["name"] == "Desktop")
    assert (desktop["x"][0], desktop["y"][0]) == (0, pytest.approx(2000))


def test_without_electricity_the_desktop_wins_by_160_dollars(pricing):
    """The note's side-by-side, $2,000 against $2,160, ignores power: desktop cheaper by $160, even after 2,666.7 h."""
    result = at_note(pricing, electricity_price=0)
    assert result.value("desktop_cost") == pytest.approx(2000)
    assert result.value("saving") == pytest.approx(160)
    assert "Desktop" in next(v.label for v in result.values if v.name == "saving")
    assert result.value("break_even_hours") == pytest.approx(2000 / 0.75)  # 2,666.67 h
    assert result.value("break_even_days") == pytest.approx(2000 / 0.75 / 24)  # 111.1 days


def test_with_electricity_the_desktop_is_not_cheaper_over_the_planned_120_days(pricing):
    """Counting power, the desktop just misses: it pays off after 120.2 days, the plan ends at 120."""
    # At the note's numbers with pricing.json's US average of $0.16/kWh (EIA, 2023):
    #   power     250 W GPU + 105 W Ryzen 7 (the note's high ends) = 355 W
    #   per hour  0.355 kW × $0.16 = $0.0568
    #   desktop   $2,000 + 2,880 h × $0.0568 = $2,000 + $163.584 = $2,163.584
    #   cloud     2,880 h × $0.75 = $2,160          -> cloud cheaper by $3.584
    #   break-even 2,000 / (0.75 − 0.0568) = 2,000 / 0.6932 = 2,885.17 h = 120.22 days
    result = at_note(pricing)
    assert result.value("watts") == pytest.approx(355)
    assert result.value("electricity_per_hour") == pytest.approx(0.0568)
    assert result.value("desktop_cost") == pytest.approx(2163.584)
    assert result.value("desktop_electricity") == pytest.approx(163.584)
    assert result.value("saving") == pytest.approx(3.584)
    assert next(v.label for v in result.values if v.name == "saving").startswith("Cloud")
    assert result.value("break_even_hours") == pytest.approx(2885.170225)
    assert result.value("break_even_days") == pytest.approx(120.2154260)


def test_at_the_low_end_of_the_notes_power_range_the_desktop_wins(pricing):
    """With the 185 W GPU and 65 W CPU the desktop is cheaper by $44.80 and pays off on day 117.4."""
    # 250 W × $0.16 = $0.04/h; desktop $2,000 + 2,880 × $0.04 = $2,115.20 against $2,160.
    # break-even 2,000 / (0.75 − 0.04) = 2,816.90 h = 117.37 days.
    low = {"gpu_watts": "/hardware/gpu-2019-note/power_low", "cpu_watts": "/hardware/ryzen-7/power_low"}
    result = at_note(pricing, low)
    assert result.value("desktop_cost") == pytest.approx(2115.2)
    assert result.value("saving") == pytest.approx(44.8)
    assert result.value("break_even_hours") == pytest.approx(2816.901408)
    assert result.value("break_even_days") == pytest.approx(117.370892)


def test_the_crossing_is_marked_on_the_chart(pricing):
    """The chart marks day 120.22, where both curves stand at 120.2154 × $18 = $2,163.88."""
    figure = at_note(pricing).figures[0]
    marker = next(trace for trace in figure.figure["data"] if trace["name"] == "break-even")
    assert marker["x"] == [pytest.approx(120.2154260)]
    assert marker["y"] == [pytest.approx(2163.8777, abs=1e-3)]
    assert "120.2" in figure.alt and "$2,163.88" in figure.alt


def test_the_chart_spans_the_horizon(pricing):
    """A year of round-the-clock cloud is 365 × 24 × $0.75 = $6,570; the desktop then stands at $2,497.66."""
    # desktop: $2,000 + 365 × 24 × $0.0568 = $2,000 + $497.568
    data = {trace["name"]: trace for trace in at_note(pricing).figures[0].figure["data"]}
    assert data["Cloud"]["x"][-1] == 365
    assert data["Cloud"]["y"][-1] == pytest.approx(6570)
    assert data["Desktop"]["y"][-1] == pytest.approx(2497.568)


def test_a_crossing_beyond_the_horizon_is_not_drawn(pricing):
    """With a 100-day chart the day-120 crossing is left off the chart and the alt text says so."""
    figure = at_note(pricing, horizon_days=100).figures[0]
    assert [trace["name"] for trace in figure.figure["data"]] == ["Cloud", "Desktop"]
    assert "beyond the chart" in figure.alt


def test_today_the_default_prices_come_from_pricing(pricing):
    """Without the preset the calculator is today's: a g5.xlarge, an RTX 5090 card at its newest street price, the
    newest US electricity price; the note's retired g3s.xlarge is only in the note's preset."""
    values = CALCULATOR.defaults(pricing)
    assert values["cloud_price"] == pytest.approx(pricing.value("/instances/g5.xlarge/on_demand"))
    assert values["desktop_price"] == pytest.approx(pricing.value("/hardware/rtx-5090/price"))
    assert values["electricity_price"] == pytest.approx(pricing.value("/electricity/us-residential-average/price"))
    assert CALCULATOR.defaults(pricing, {"preset": NOTE})["cloud_price"] == pytest.approx(0.75)  # the note's g3s.xlarge


# --- Hand-worked cases and named outcomes -----------------------------------------------------


@pytest.mark.parametrize(
    "raw, hours, days",
    [
        ({"utilisation": 0.5}, 2885.170225, 240.4308521),  # same hours, twice the calendar days
        ({"resale_fraction": 0.5}, 1442.585113, 60.1077130),  # $1,000 net / $0.6932 per hour
        ({"other_watts": 145}, 2000 / 0.67, 2000 / 0.67 / 24),  # 500 W × $0.16 = $0.08/h
        ({"desktop_price": 693.2}, 1000, 1000 / 24),  # $693.20 / $0.6932 per hour
    ],
)
def test_break_even_moves_with_use_resale_and_power(pricing, raw, hours, days):
    """Break-even hours are net price over the hourly gap; calendar days divide by 24 h × utilisation."""
    result = at_note(pricing, **raw)
    assert result.value("break_even_hours") == pytest.approx(hours)
    assert result.value("break_even_days") == pytest.approx(days)


def test_desktop_never_pays_off_when_electricity_costs_more_than_the_cloud(pricing):
    """1,000 W at $1/kWh is $1 an hour against $0.75: the desktop never catches up, and no break-even is shown."""
    result = at_note(pricing, gpu_watts=1000, cpu_watts=0, electricity_price=1.0)
    assert not has_value(result, "break_even_hours") and not has_value(result, "break_even_days")
    table = next(table for table in result.tables if table.name == "break_even")
    assert table.cells("outcome") == ("never", "never")
    assert all(cell.startswith("never") for cell in table.cells("break-even"))
    assert [trace["name"] for trace in result.figures[0].figure["data"]] == ["Cloud", "Desktop"]
    assert "do not cross" in result.figures[0].alt


def test_desktop_never_pays_off_when_electricity_equals_the_cloud_price(pricing):
    """At exactly $0.75 an hour of power (750 W at $1/kWh) the $2,000 gap never closes."""
    assert desktop_payoff(0.75, 2000, 0.75).outcome == "never"
    result = at_note(pricing, gpu_watts=750, cpu_watts=0, electricity_price=1.0)
    assert not has_value(result, "break_even_hours")


def test_a_free_desktop_wins_from_the_first_hour(pricing):
    """Fully resold (resale 1), the desktop costs only power: cheaper from the start, outcome at_once."""
    result = at_note(pricing, resale_fraction=1)
    table = next(table for table in result.tables if table.name == "break_even")
    assert table.cells("outcome")[0] == "at_once"
    assert result.value("desktop_cost") == pytest.approx(163.584)  # electricity only


def test_free_desktop_with_cloud_priced_power_costs_the_same():
    """Nothing up front and the same price per hour: the two never differ."""
    assert desktop_payoff(0.5, 0, 0.5).outcome == "identical"


def test_idle_machine_has_no_calendar_break_even(pricing):
    """At utilisation 0 the hours never accrue: break-even days are 'never' while the GPU-hour figure stays."""
    result = at_note(pricing, utilisation=0)
    assert result.value("break_even_hours") == pytest.approx(2885.170225)
    assert not has_value(result, "break_even_days") and not has_value(result, "planned_days")
    table = next(table for table in result.tables if table.name == "break_even")
    assert table.cells("outcome")[1] == "idle"
    data = {trace["name"]: trace for trace in result.figures[0].figure["data"]}
    assert set(data["Cloud"]["y"]) == {0} and set(data["Desktop"]["y"]) == {2000}


def test_no_planned_work_costs_the_cloud_nothing(pricing):
    """With 0 projects the cloud costs $0 and the desktop its $2,000 price."""
    result = at_note(pricing, projects=0)
    assert result.value("cloud_cost") == 0
    assert result.value("desktop_cost") == pytest.approx(2000)
    assert result.value("planned_days") == 0


@pytest.mark.parametrize(
    "function, args, expected",
    [
        (planned_gpu_hours, (10, 12), 2880),
        (planned_gpu_hours, (0, 12), 0),
        (cloud_cost, (0.75, 2880), 2160),
        (cloud_cost, (0, 2880), 0),
        (electricity_per_hour, (355, 0.16), 0.0568),
        (electricity_per_hour, (1000, 0.295), 0.295),  # 1 kW at California's 29.5 ¢
        (desktop_cost, (2000, 0.25, 355, 0.16, 0), 1500),  # $2,000 less a quarter back
        (desktop_cost, (2000, 0, 355, 0.16, 2880), 2163.584),
        (calendar_days, (2880, 1), 120),
        (calendar_days, (240, 0.25), 40),  # 6 h a day
        (calendar_days, (0, 0), 0),
    ],
)
def test_building_blocks(function, args, expected):
    """Each small function does its one piece of arithmetic."""
    assert function(*args) == pytest.approx(expected)


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, raw, words",
    [
        ("utilisation", 1.5, "must be between 0 and 1, not 1.5"),
        ("resale_fraction", -0.1, "must be between 0 and"),
        ("projects", 2.5, "whole number"),
        ("electricity_price", "cheap", "must be a number"),
        ("horizon_days", 0, "must be a whole number between 1 and"),
        ("gpu_watts", "", "is empty: type a number"),
    ],
)
def test_bad_input_names_the_field(pricing, field, raw, words):
    """A bad value is refused with an error naming its field (by its label) and, in words, what it accepts."""
    assert words in str(refusal(CALCULATOR, pricing, {field: raw}))


# --- Properties ------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_values_are_finite_and_never_negative_and_figures_are_valid(pricing, raw):
    """Any valid input gives finite, non-negative values and a figure Plotly accepts."""
    result = CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing)
    for value in result.values:
        assert 0 <= value.value < float("inf"), value.name
    for figure in result.figures:
        check_figure(figure.figure)
        assert figure.alt


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR), st.floats(0, 100))
def test_costs_rise_with_hours_prices_and_power(pricing, raw, more):
    """Raising a price, the power draw or the planned work never lowers either option's cost."""
    before = CALCULATOR.compute(CALCULATOR.validate(raw, pricing), pricing)
    for name in ("cloud_price", "desktop_price", "gpu_watts", "electricity_price", "days_per_project", "projects"):
        item = CALCULATOR.input(name)
        bumped_value = min(raw[name] + (int(more) if item.integer else more), item.maximum)
        after = CALCULATOR.compute(CALCULATOR.validate(dict(raw, **{name: bumped_value}), pricing), pricing)
        for cost in ("cloud_cost", "desktop_cost"):
            assert after.value(cost) >= before.value(cost) * (1 - 1e-12) - 1e-9, (name, cost)


@settings(max_examples=80, deadline=None)
@given(inputs_for(CALCULATOR))
def test_break_even_lies_on_both_curves(pricing, raw):
    """At the break-even both options cost the same; the cloud is cheaper before it and the desktop after."""
    values = CALCULATOR.validate(raw, pricing)
    watts = values["gpu_watts"] + values["cpu_watts"] + values["other_watts"]
    net = values["desktop_price"] * (1 - values["resale_fraction"])
    payoff = desktop_payoff(values["cloud_price"], net, electricity_per_hour(watts, values["electricity_price"]))
    if payoff.outcome != "pays_off":
        return
    h = payoff.gpu_hours

    def desktop(hours):
        return desktop_cost(values["desktop_price"], values["resale_fraction"], watts, values["electricity_price"], hours)

    assert cloud_cost(values["cloud_price"], h) == pytest.approx(desktop(h), rel=1e-6, abs=1e-6)
    assert cloud_cost(values["cloud_price"], h / 2) <= desktop(h / 2) + 1e-9
    assert cloud_cost(values["cloud_price"], h * 2) >= desktop(h * 2) - 1e-9
    days = calendar_days(h, values["utilisation"])
    if days is not None:
        assert days * 24 * values["utilisation"] == pytest.approx(h)
