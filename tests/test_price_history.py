"""Tests for the price-history calculator: the same job's cost at every dated price, the edge cases and the chart."""

from __future__ import annotations

import copy
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import CalculatorError, Pricing, calculate, run
from calculators import cost_to_train
from calculators.price_history import CALCULATOR, NOTE, cost_change, decimal_year, price_history, price_points
from tests.conftest import ROOT, check_figure
from tests.strategies import as_of_dates, inputs_for

# The nanoGPT GPT-2 (124M) run, worked by hand from pricing.json's assumptions:
# 600,000 iterations × 491,520 tokens = 294,912,000,000 tokens;
# (6 × 124e6 + 12 × 12 × 12 × 64 × 1024) = 857,246,208 FLOPs a token; 2.52812193693696e20 FLOPs in all.
RUN_FLOPS = 857_246_208 * 294_912_000_000
MFU = 0.3  # the preset's efficiency, /efficiency/nanogpt-2022/values/mfu: a whole-run figure, no scaling loss
P4D_HOURS = RUN_FLOPS / (8 * 312e12 * MFU) / 3600  # 8 × A100 at 312 TFLOPS bf16: 93.7842 h
G2_HOURS = RUN_FLOPS / (2.3e12 * MFU) / 3600  # one K520 at 2.3 TFLOPS fp32: 101,776.25 h
P2_HOURS = RUN_FLOPS / (3.6e12 * MFU) / 3600  # one GK210 at 3.6 TFLOPS fp32: 65,023.71 h
G5_HOURS = RUN_FLOPS / (70e12 * MFU) / 3600  # one A10G at 70 TFLOPS fp16: 3,344.08 h


BARE = {"gpu_hours_per_failure": 1e15, "deadline_days": 3650}
"""Failures a thousand trillion GPU-hours apart and a ten-year deadline: each machine type runs the job alone, at the bare
hours worked out above (the failures a real run adds are the cluster model's, tested in test_cost_to_train.py)."""


def compute(pricing, preset=None, **raw):
    """Validate ``raw`` over the nanoGPT job (the preset's run inputs, both price kinds) and compute, as the registry does.

    The job's hours then follow the hand-worked constants above; ``preset`` applies a whole preset on top.
    """
    base = CALCULATOR.defaults(pricing, {"preset": preset or NOTE, **({} if preset else {"price_kind": "both"})})
    return CALCULATOR.compute(CALCULATOR.validate({**BARE, **raw}, pricing, base), pricing)


def history(pricing, **raw):
    """The price history for the default job with ``raw`` inputs on top."""
    base = CALCULATOR.defaults(pricing, {"preset": NOTE, "price_kind": "both"})
    return price_history(CALCULATOR.validate({**BARE, **raw}, pricing, base), pricing)


def trace(result, name):
    """The chart's trace called ``name``."""
    return next(item for item in result.figures[0].figure["data"] if item["name"] == name)


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "year"),
    [
        ("2017-03-16", 2017.2),  # 74 days into 2017: 74 / 365 = 0.203
        ("2024", 2024.0),  # a bare year counts from 1 January
        ("2026-11", 2026.83),  # 1 November: 304 / 365 = 0.833
        ("2015-11-22", 2015.89),  # 325 / 365 = 0.890
        ("2024-12-31", 2025.0),  # 365 / 366 days of a leap year = 0.997, which is 2025.0 to two decimals
    ],
)
def test_decimal_year_places_each_date_on_a_year_axis(as_of, year):
    """A full date, a year and month, or a bare year becomes a decimal year, counting from its first day."""
    assert decimal_year(as_of) == pytest.approx(year)


def test_an_impossible_date_is_a_pricing_error_not_a_crash():
    """Month 13 passes the schema's pattern but is refused as a date, naming as_of."""
    with pytest.raises(CalculatorError) as error:
        decimal_year("2017-13")
    assert error.value.field == "as_of"


@settings(max_examples=60, deadline=None)
@given(first=as_of_dates(), second=as_of_dates())
def test_a_later_as_of_is_never_earlier_on_the_axis(first, second):
    """The decimal year keeps the order the loader sorts observations in (the as_of text)."""
    early, late = sorted((first, second))
    assert decimal_year(early) <= decimal_year(late)


# --- the formulas -------------------------------------------------------------------------------


def test_cost_change_is_a_share_of_the_oldest_cost():
    """0.10 -> 0.3108 is +210.8%; an unchanged price is 0; a cost of nothing has no stated change."""
    assert cost_change(0.1, 0.3108) == pytest.approx(2.108)
    assert cost_change(14.4, 14.4) == 0
    assert cost_change(0, 5) is None


def test_price_points_apply_the_same_hours_to_each_dated_price(pricing):
    """Each observation becomes a point: its date, its decimal year and hours × its price."""
    spot = pricing.quantity("/instances/p2.xlarge/spot").observations
    points = price_points(10, spot)
    # 10 h × $0.1288/h = $1.288 in 2017-03-16; 10 h × $0.435/h = $4.35 at the v3 catalog's date
    v3 = spot[-1].as_of
    assert spot[-1].source == "skypilot-v3-aws"
    assert [(p.as_of, p.year) for p in points] == [("2017-03-16", 2017.2), (v3, decimal_year(v3))]
    assert [p.cost for p in points] == pytest.approx([1.288, 4.35])


# --- the notes' machines, worked by hand ----------------------------------------------------------


def test_p4d_on_demand_at_the_nanogpt_note_price_and_today(pricing):
    """The preset prices the nanoGPT run on p4d at $33.05/h (2024) and at $21.957642/h after AWS's 2025 cut: 33.6% less."""
    result = compute(pricing, preset=NOTE)
    assert result.value("hours") == pytest.approx(P4D_HOURS)  # 93.78 h
    assert result.value("on_demand_oldest") == pytest.approx(P4D_HOURS * 33.05)  # $3,099.57
    assert result.value("on_demand_newest") == pytest.approx(P4D_HOURS * 21.957642)  # $2,059.28
    assert result.value("on_demand_change") == pytest.approx(21.957642 / 33.05 - 1)  # -33.56%
    assert "spot_newest" not in [value.name for value in result.values]


@pytest.mark.parametrize(
    ("instance", "hours", "old", "new", "old_date", "change_text"),
    [
        # g2.2xlarge spot: 101,776.25 h × $0.10 = $10,177.62 (2015-11-22); × $0.3108 = $31,632.06; 3.108× = +210.8%
        ("g2.2xlarge", G2_HOURS, 0.10, 0.3108, "2015-11-22", "+210.8%"),
        # p2.xlarge spot: 65,023.71 h × $0.1288 = $8,375.05 (2017-03-16); × $0.435 = $28,285.31; +237.7%
        ("p2.xlarge", P2_HOURS, 0.1288, 0.435, "2017-03-16", "+237.7%"),
    ],
)
def test_old_spot_prices_against_today(pricing, instance, hours, old, new, old_date, change_text):
    """Spot on the old notes' machines cost a third or less of today's spot price for the same hours."""
    result = compute(pricing, instance=instance, price_kind="spot")
    assert result.value("spot_oldest") == pytest.approx(hours * old)
    assert result.value("spot_newest") == pytest.approx(hours * new)
    assert result.value("spot_change") == pytest.approx(new / old - 1)
    labels = {value.name: value.label for value in result.values}
    assert labels["spot_oldest"] == f"{instance} spot at its {old_date} price"
    assert f"{instance} spot: " in result.figures[0].alt and change_text in result.figures[0].alt


def test_the_job_takes_the_machine_hours_cost_to_train_plans(pricing):
    """The same inputs give the same plan on every machine type as the cost-to-train calculator (one job, one
    formula): its machine-hours, machines × hours, at its default deadline and failures."""
    ranked, _ = cost_to_train.estimate_instances(cost_to_train.CALCULATOR.defaults(pricing, {"preset": NOTE}), pricing)
    hours = {item.instance: item.hours * item.machines for item in ranked}
    assert any(item.machines > 1 for item in ranked)  # g4dn.12xlarge needs two to meet the 30 days
    base = CALCULATOR.defaults(pricing, {"preset": NOTE, "price_kind": "both"})
    histories = price_history(base, pricing).series
    for series in histories:
        if series.instance in hours:
            assert series.hours == pytest.approx(hours[series.instance], rel=1e-12)
    # History keeps the machines no longer sold, which today's plans leave out: the V100 and K80 machines of the notes.
    assert {"p3.2xlarge", "p2.16xlarge"} <= {series.instance for series in histories} - set(hours)


def test_table_lists_every_dated_price_with_its_source_title(pricing):
    """The table has one row per observation of each charted price, with the date, price, job cost and source title."""
    result = compute(pricing)
    rows = [row for row in result.tables[0].texts if row[0] == "g2.2xlarge" and row[1] == "spot"]
    v3 = pricing.quantity("/instances/g2.2xlarge/spot").from_source("skypilot-v3-aws")
    assert rows == [
        ("g2.2xlarge", "spot", "2015-11-22", "unspecified", "$0.10/h", "$10,177.62",
         pricing.sources["note-aws-gpu-2015"]["title"]),
        ("g2.2xlarge", "spot", v3.as_of, "us-east-1", "$0.3108/h", "$31,632.06",
         pricing.sources["skypilot-v3-aws"]["title"]),
    ]
    charted = {(s.instance, s.kind) for s in history(pricing).charted}
    # every observation of every charted price, counted from pricing.json itself
    expected = sum(len(pricing.quantity(f"/instances/{name}/{kind}").observations) for name, kind in charted)
    assert len(result.tables[0].rows) == expected


# --- edge cases: named outcomes ---------------------------------------------------------------


def test_a_price_with_one_date_shows_its_cost_and_says_there_is_no_history(pricing):
    """p5en's spot price has one date (the v8 AWS catalog's): its cost is shown, with no oldest or change, and a note says why."""
    (only,) = pricing.quantity("/instances/p5en.48xlarge/spot").observations
    result = compute(pricing, instance="p5en.48xlarge", price_kind="spot")
    names = [value.name for value in result.values]
    assert "spot_newest" in names and "spot_oldest" not in names and "spot_change" not in names
    # 8 × H200 at 989.4 TFLOPS bf16, MFU 0.3: RUN_FLOPS / (8 × 989.4e12 × 0.3) s = 29.57 h, × the one spot price
    hours = RUN_FLOPS / (8 * 989.4e12 * MFU) / 3600
    assert result.value("spot_newest") == pytest.approx(hours * only.value)
    assert f"p5en.48xlarge spot: only one dated price ({only.as_of}), so there is no history to compare." in result.notes
    assert "p5en.48xlarge spot" not in [item["name"] for item in result.figures[0].figure["data"]]


def test_a_machine_without_that_kind_of_price_says_so(pricing):
    """Lambda has no spot prices: the chosen Lambda machine gets its hours, a note and no spot values."""
    result = compute(pricing, instance="lambda-1x-a10", price_kind="spot")
    assert "lambda-1x-a10 has no spot price in pricing.json." in result.notes
    assert [value.name for value in result.values] == ["hours", "machines_with_history"]


def test_zero_hours_cost_nothing_and_state_no_change(pricing):
    """With no steps every cost is $0; no change is stated as a share of nothing, and a note says so."""
    result = compute(pricing, preset=NOTE, steps=0)
    assert result.value("on_demand_oldest") == 0 and result.value("on_demand_newest") == 0
    assert "on_demand_change" not in [value.name for value in result.values]
    assert any(note.startswith("No tokens to train") for note in result.notes)
    assert any("costs nothing at its oldest price" in note for note in result.notes)
    check_figure(result.figures[0].figure)


def test_a_run_too_big_for_the_chosen_machine_leaves_it_out_by_name(pricing):
    """20B parameters do not fit one Lambda 8 × A100 40GB, which cannot join a cluster: it is named as left out,
    with the machines' memory it would need; p4d, which can, is planned on two."""
    result = compute(pricing, preset=NOTE, parameters=20e9, layers=44, embedding=6144, heads=64,
                     instance="lambda-8x-a100-40gb")
    assert ("lambda-8x-a100-40gb is left out: cannot join a cluster, and the run needs 2 machines' memory."
            in result.notes)
    assert "lambda-8x-a100-40gb on demand" not in [item["name"] for item in result.figures[0].figure["data"]]
    p4d = compute(pricing, preset=NOTE, parameters=20e9, layers=44, embedding=6144, heads=64)
    assert p4d.values[0].label.startswith("2 × p4d.24xlarge: machine-hours")


def test_nothing_to_chart_is_said_in_words(pricing):
    """A model no machine can hold leaves an empty chart whose alt text says there is nothing to plot: a sequence of
    ten million tokens, whose layer inputs alone, recomputed and split eight ways, fill any GPU."""
    result = compute(pricing, parameters=1e13, layers=200, embedding=65536, heads=512, block_size=10_000_000)
    figure = result.figures[0]
    assert figure.figure["data"] == []
    assert figure.alt.startswith("No machine that can hold the run has two or more dated prices")
    assert result.value("machines_with_history") == 0
    check_figure(figure.figure)


def test_a_machine_missing_from_pricing_is_an_error_naming_the_field(pricing_data, pricing):
    """A chosen machine absent from the price list is refused on 'instance'."""
    del pricing_data["instances"]["p4d.24xlarge"]
    values = CALCULATOR.defaults(pricing)
    with pytest.raises(CalculatorError) as error:
        CALCULATOR.compute(values, Pricing(pricing_data))
    assert error.value.field == "instance"


@pytest.mark.parametrize(
    ("raw", "field"),
    [({"price_kind": "reserved"}, "price_kind"), ({"steps": "-1"}, "steps"), ({"heads": "7"}, "heads")],
)
def test_bad_input_is_answered_with_the_fields_error(raw, field):
    """An unknown price kind, a negative step count or heads that do not divide the width are refused by name."""
    assert run("price_history", raw)["error"]["field"] == field


# --- the chart ----------------------------------------------------------------------------------


def test_chart_has_one_line_per_price_with_two_or_more_dates(pricing):
    """Each machine and price kind with at least two dated prices is a trace whose x values are decimal years."""
    result = compute(pricing)
    figure = result.figures[0].figure
    check_figure(figure)
    charted = history(pricing).charted
    assert [item["name"] for item in figure["data"]] == [item.label for item in charted]
    assert all(len(item["x"]) >= 2 for item in figure["data"])
    g2_spot = trace(result, "g2.2xlarge spot")
    first, last = (pricing.quantity("/instances/g2.2xlarge/spot").observations[i] for i in (0, -1))
    assert (first.as_of, first.value) == ("2015-11-22", 0.10)  # the 2015 note's spot price
    assert g2_spot["x"] == [2015.89, decimal_year(last.as_of)]
    assert g2_spot["y"] == pytest.approx([G2_HOURS * 0.10, G2_HOURS * last.value], abs=1e-4)
    assert g2_spot["line"] == {"dash": "dot"}
    ticks = figure["layout"]["xaxis"]["tickvals"]
    assert ticks[0] <= 2015.89 and ticks[-1] >= decimal_year(last.as_of) and all(isinstance(tick, int) for tick in ticks)


def test_alt_text_states_each_lines_costs_and_dates(pricing):
    """The text alternative names each line with its costs and dates, as the page prints them."""
    alt = compute(pricing, preset=NOTE).figures[0].alt
    # 93.78 h × $33.05 = $3,099.57, × $32.7726 = $3,073.55, × $21.957642 = $2,059.28 (the 2026 catalog, then the same
    # price from a second source); 21.957642 / 33.05 - 1 = -33.6%
    dates = [obs.as_of for obs in pricing.quantity("/instances/p4d.24xlarge/on_demand").observations]
    assert dates[:2] == ["2024", "2025-05"] and len(dates) == 4
    assert (f"p4d.24xlarge on demand: $3,099.57 (2024), $3,073.55 (2025-05), $2,059.28 ({dates[2]}), "
            f"$2,059.28 ({dates[3]}), -33.6%") in alt


@pytest.mark.skipif(not (ROOT / "hooks").is_dir(), reason="build-time code is not staged for the Pyodide run")
def test_the_static_drawing_spans_the_years_not_from_zero(pricing):
    """The first-paint SVG draws the chart's whole-year ticks, not an axis from 0 with the lines squeezed at its end."""
    sys.path.insert(0, str(ROOT / "hooks"))
    from svg_chart import render_svg

    svg = render_svg(compute(pricing).figures[0].chart, "history")
    assert ">2015</tspan>" in svg and ">2027</tspan>" in svg
    assert ">2,000</tspan>" not in svg and ">2,015</tspan>" not in svg


def _observation(value, as_of, source="skypilot-v7-aws"):
    return {"value": value, "region": "us-east-1", "source": source, "as_of": as_of}


def test_one_more_dated_price_adds_a_point_to_the_chart(pricing_data):
    """A copy of pricing.json with one more p4d price adds one point to p4d's line and one row to the table."""
    before = compute(Pricing(pricing_data), preset=NOTE)
    newest = Pricing(pricing_data).quantity("/instances/p4d.24xlarge/on_demand").current.as_of
    assert newest > "2025-06"  # the post-cut catalog price is newer than the added one
    pricing_data["instances"]["p4d.24xlarge"]["on_demand"]["observations"].append(_observation(30.0, "2025-06"))
    after = compute(Pricing(pricing_data), preset=NOTE)
    # 2025-05 is 2025.33, 2025-06-01 is day 151 of 365: 2025.41, then the 2026 catalog's date and the newest
    catalog = Pricing(pricing_data).quantity("/instances/p4d.24xlarge/on_demand").observations[-2].as_of
    assert trace(after, "p4d.24xlarge on demand")["x"] == [2024.0, 2025.33, 2025.41, decimal_year(catalog), decimal_year(newest)]
    assert trace(after, "p4d.24xlarge on demand")["y"][2] == pytest.approx(P4D_HOURS * 30.0, abs=1e-4)
    assert len(after.tables[0].rows) == len(before.tables[0].rows) + 1
    assert after.value("on_demand_newest") == before.value("on_demand_newest")  # the newest is still the catalog's


def test_a_second_dated_price_gives_a_machine_its_first_line(pricing_data):
    """A machine with one on-demand price has no line; a copy with an older price adds its line to the chart."""
    pricing = Pricing(pricing_data)
    charted = [item["name"] for item in compute(pricing).figures[0].figure["data"]]
    single = [name for name, entry in pricing.section("instances").items()
              if entry["gpu"] and len(pricing.quantity(f"/instances/{name}/on_demand").observations) == 1]
    assert single, "no machine with a single on-demand price left to test with"
    name = single[0]
    (only,) = pricing.quantity(f"/instances/{name}/on_demand").observations
    assert f"{name} on demand" not in charted
    pricing_data["instances"][name]["on_demand"]["observations"].insert(0, _observation(80.0, "2015"))
    result = compute(Pricing(pricing_data))
    assert trace(result, f"{name} on demand")["x"] == [2015.0, decimal_year(only.as_of)]
    assert result.value("machines_with_history") == compute(pricing).value("machines_with_history") + 1


@settings(max_examples=20, deadline=None)
@given(as_of=as_of_dates(), price=st.floats(0.01, 500))
def test_any_added_observation_adds_exactly_one_point(pricing, as_of, price):
    """Whatever its date and price, one more g5.xlarge price is one more point on its line, at hours × price."""
    data = copy.deepcopy(pricing.data)
    quantity = data["instances"]["g5.xlarge"]["on_demand"]["observations"]
    before = len(quantity)
    quantity.append(_observation(price, as_of))
    line = trace(compute(Pricing(data)), "g5.xlarge on demand")
    assert len(line["x"]) == before + 1
    at_date = [y for x, y in zip(line["x"], line["y"]) if x == decimal_year(as_of)]
    assert any(y == pytest.approx(G5_HOURS * price, abs=1e-4) for y in at_date)
    assert line["x"] == sorted(line["x"])


# --- properties over the inputs ------------------------------------------------------------------

PROPERTY_INPUTS = ["steps", "mfu", "scaling_efficiency", "micro_batch", "precision",
                   "attention_flops", "activation_memory", "instance", "price_kind"]


@settings(max_examples=40, deadline=None)
@given(raw=inputs_for(CALCULATOR, PROPERTY_INPUTS))
def test_every_cost_is_the_hours_times_the_dated_price(pricing, raw):
    """Whatever the job, each point costs its machine's hours × that date's price, finite and never negative."""
    result = compute(pricing, **raw)
    assert all(math.isfinite(value.value) for value in result.values)
    for series in price_history(CALCULATOR.validate(raw, pricing), pricing).series:
        for point in series.points:
            assert point.cost == pytest.approx(series.hours * point.price) and point.cost >= 0
    check_figure(result.figures[0].figure)
    assert result.figures[0].alt.strip()


def test_the_preset_is_the_nanogpt_run_on_p4d_on_demand(pricing):
    """The preset keeps cost-to-train's nanoGPT job and sums up p4d's on-demand history."""
    assert NOTE == "nanogpt-gpt2-124m" and NOTE in CALCULATOR.presets
    assert calculate("price_history", preset=NOTE).value("hours") == pytest.approx(
        calculate("cost_to_train", preset=NOTE).value("instance_hours"), rel=1e-12)
