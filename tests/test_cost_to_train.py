"""Tests for the cost-to-train calculator: compute, memory, ranking, presets and the chart."""

from __future__ import annotations

import copy
import math

import pytest
from tests.conftest import check_figure
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import inputs_for

from calculators import months_between
from calculators import CalculatorError, Pricing
from calculators import get_calculator, run
from calculators.cost_to_train import CALCULATOR, PRICE_BASES, estimate_instances, options
from calculators.models.interruptions import SpotJob, mean_hours_between_interruptions, plan_spot_job
from calculators.models.machines import Exclusion
from calculators.models.storage import storage_cost
from calculators.models.training import (
    activation_bytes,
    flops_per_token,
    implied_mfu,
    memory_per_gpu_gb,
    model_state_bytes,
    pareto_front,
    training_flops,
    training_hours,
)

PRESET = "nanogpt-gpt2-124m"


def preset_values(pricing, **raw):
    """The nanoGPT preset with ``raw`` inputs on top, checked by the calculator's own inputs."""
    return CALCULATOR.validate(raw, pricing, CALCULATOR.defaults(pricing, {"preset": PRESET}))


def by_name(items, name):
    """The estimate or exclusion for one instance."""
    return next(item for item in items if item.instance == name)


# --- the formulas -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "attention", "expected"),
    [
        # GPT-2 124M: 6 × 124e6 = 744,000,000; 12 × 12 × 12 × 64 × 1024 = 113,246,208
        ((124e6, 12, 12, 768, 1024), True, 857_246_208),
        ((124e6, 12, 12, 768, 1024), False, 744_000_000),
        # 6 × 1e6 = 6,000,000; 12 × 2 layers × 2 heads × 32 × 128 = 196,608
        ((1e6, 2, 2, 64, 128), True, 6_196_608),
    ],
)
def test_flops_per_token_follows_nanogpt(args, attention, expected):
    """Per-token FLOPs are 6·N plus, when asked, nanoGPT's 12·L·H·Q·T attention term."""
    assert flops_per_token(*args, attention=attention) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("flops", "gpus", "peak", "mfu", "efficiency", "hours"),
    [
        (1e18, 1, 100, 0.5, 0.8, 1e18 / 5e13 / 3600),  # one GPU: efficiency ignored, 20,000 s
        (1e18, 2, 100, 0.5, 0.8, 1e18 / 8e13 / 3600),  # 2 × 100e12 × 0.5 × 0.8 = 8e13 FLOP/s
        (0, 8, 312, 0.3, 0.9, 0.0),
    ],
)
def test_training_hours_divides_by_effective_throughput(flops, gpus, peak, mfu, efficiency, hours):
    """Hours are FLOPs over GPUs × peak × MFU, times the scaling efficiency only above one GPU."""
    assert training_hours(flops, gpus, peak, mfu, efficiency) == pytest.approx(hours)


def test_implied_mfu_inverts_training_hours():
    """The MFU a wall time implies gives that wall time back."""
    hours = training_hours(2.5e20, 8, 312, 0.3, 0.95)
    assert implied_mfu(2.5e20, 8, 312, hours, 0.95) == pytest.approx(0.3)


def test_memory_model_for_gpt2_small():
    """16 bytes a parameter for the states; Korthikanti's activations; states sharded across GPUs."""
    assert model_state_bytes(124e6) == pytest.approx(1.984e9)  # 16 × 124e6
    # 1024 × 1 × 768 × (34 + 5 × 12 × 1024 / 768 = 114) × 12 layers = 1,075,838,976 bytes
    assert activation_bytes(1024, 1, 768, 12, 12) == pytest.approx(1_075_838_976)
    # without the score term: 1024 × 768 × 34 × 12 = 320,864,256
    assert activation_bytes(1024, 1, 768, 12, 12, "flash") == pytest.approx(320_864_256)
    # 1.984 GB / 8 + 1.075838976 GB = 1.323838976 GB
    assert memory_per_gpu_gb(124e6, 8, 1_075_838_976) == pytest.approx(1.323838976)


def test_storage_cost_spreads_the_monthly_price_over_hours():
    """A GB-month price is charged pro rata over 730 hours."""
    assert storage_cost(100, 0.08, 730) == pytest.approx(8.0)
    assert storage_cost(100, 0.08, 0) == 0


@pytest.mark.parametrize(
    ("points", "front"),
    [
        ([("a", 10, 100), ("b", 20, 50), ("c", 30, 80)], ["a", "b"]),
        ([("fast", 1, 10), ("slow", 2, 20)], ["fast"]),
        ([], []),
    ],
)
def test_pareto_front_keeps_options_nobody_beats_on_both(points, front):
    """An option stays on the front unless another is at least as fast and cheaper."""
    assert [label for label, _, _ in pareto_front(points)] == front


def test_spot_run_that_overflows_never_finishes():
    """A run whose expected wall time overflows is reported as never finishing, not as inf."""
    # M = -730 / ln(0.01) = 158.5 h; interval sqrt(2 × 1e5 × 158.5) ≈ 5,630 h; exp((5,630 + 1e5) / 158.5) overflows
    plan = plan_spot_job(SpotJob(1e6, 1e5, 1e5), 1.0, mean_hours_between_interruptions(0.99))
    assert math.isinf(plan.wall_hours) and math.isinf(plan.cost)


def test_spot_hours_agree_with_the_spot_calculator(pricing):
    """Cost to train and the spot page price the same job the same way: same wall hours, same spot cost.

    Failures are made negligible (a thousand trillion GPU-hours apart), as the spot page knows none, and the checkpoint
    write speed is set so a checkpoint takes the spot page's 5 minutes: 12 × 124M bytes / 300 s = 4.96 MB/s.
    """
    values = preset_values(pricing, interruption_rate=0.2, checkpoint_gb_per_second=0.00496, restart_minutes=10,
                           gpu_hours_per_failure=1e15)
    ranked, _ = estimate_instances(values, pricing)
    p4d = next(item for item in ranked if item.instance == "p4d.24xlarge")
    assert p4d.machines == 1
    spot_page = get_calculator("spot")
    spot_values = spot_page.validate(
        {"work_hours": p4d.work_hours, "spot_price": p4d.spot_price, "interruption_rate": 0.2, "checkpoint_minutes": 5,
         "restart_minutes": 10, "kept_checkpoints": 0, "interval_mode": "optimal"},
        pricing,
    )
    spot_result = spot_page.compute(spot_values, pricing)
    assert spot_result.value("spot_hours") == pytest.approx(p4d.spot_hours, rel=1e-6)
    compute_only = p4d.spot_total - p4d.transfer_cost - storage_cost(
        values["dataset_gb"] + 12 * values["parameters"] / 1e9, pricing.value("/storage/ebs-gp3/price"), p4d.spot_hours
    )
    assert spot_result.value("spot_cost") == pytest.approx(compute_only, rel=1e-6)


# --- a hand-checked ranking on a small made-up price list ---------------------------------------


def _q(value, unit, offer=None):
    quantity = {"unit": unit, "observations": [{"value": value, "region": "test", "source": "reference-figures", "as_of": "2026-11"}]}
    return quantity | ({"offer": {"kind": offer}} if offer else {})


def _gpu(label, memory, **tflops):
    entry = {"label": label, "memory": _q(memory, "GB"), "fp32_tflops": _q(tflops.pop("fp32"), "TFLOPS")}
    entry.update({f"{name}_tflops": _q(value, "TFLOPS") for name, value in tflops.items()})
    return entry


def _instance(gpu, count, price, spot=None, fabric=None, cluster_gpus=None):
    entry = {"label": "test machine", "provider": "aws", "gpu": gpu, "gpu_count": _q(count, "count"),
             "on_demand": _q(price, "USD/h", "on_demand")}
    if fabric:
        entry.update(fabric=fabric, cluster_gpus=_q(cluster_gpus, "count"))
    if spot is not None:
        entry["spot"] = _q(spot, "USD/h", "spot")
    return entry


@pytest.fixture
def small_pricing(pricing_data):
    """pricing.json with four made-up GPUs and five machines whose numbers are easy to check by hand."""
    pricing_data["gpus"] = {
        "G100": _gpu("G100", 80, bf16=100, fp32=10),
        "G10": _gpu("G10", 16, fp32=10),
        "G4": _gpu("G4", 1, bf16=1000, fp32=100),
    }
    pricing_data["instances"] = {
        "one-big": _instance("G100", 1, 2.0, spot=0.5),
        "eight-big": _instance("G100", 8, 20.0),
        "one-small": _instance("G10", 1, 0.5),
        "tiny-memory": _instance("G4", 1, 0.01),
        "cpu-box": _instance(None, 0, 0.1),
        "pod": _instance("G100", 8, 20.0, fabric="test-fabric", cluster_gpus=1024),
    }
    pricing_data["fabrics"] = {"test-fabric": {"label": "test", "per_doubling": _q(0.9, "fraction")}}
    pricing_data["runs"] = {}  # the published runs and measurements name real GPUs, which this price list does not have
    pricing_data["throughput"] = {}
    return Pricing(pricing_data)


@pytest.fixture
def small_values(pricing):
    """1e8 parameters on 1e9 tokens, 6·N·D only, MFU 0.5, scaling 0.8, nothing stored, failures a thousand trillion GPU-hours apart."""
    values = CALCULATOR.validate(
        {"parameters": 1e8, "steps": 1000, "tokens_per_step": 1_000_000, "attention_flops": "off",
         "efficiency": "custom", "mfu": 0.5, "activation_memory": "full",
         "scaling_efficiency": 0.8, "micro_batch": 1, "layers": 12, "heads": 12, "embedding": 768,
         "block_size": 1024, "dataset_gb": 0, "checkpoints_kept": 0, "interruption_rate": 0,
         "gpu_hours_per_failure": 1e15},
        pricing,
    )
    values["instance"] = "one-big"
    return values


def test_ranking_on_a_hand_checked_case(small_pricing, small_values):
    """Times and costs of four machines match the arithmetic, cheapest first, with exclusions named."""
    ranked, excluded = estimate_instances(small_values, small_pricing)
    # FLOPs = 6 × 1e8 × (1000 × 1e6) = 6e17.
    # one-big:   6e17 / (1 × 100e12 × 0.5)       = 12,000 s  = 3.3333 h × $2   = $6.6667
    # eight-big: 6e17 / (8 × 100e12 × 0.5 × 0.8) = 1,875 s   = 0.52083 h × $20 = $10.4167 (pod: the same, one machine)
    # one-small: no bf16/fp16, so fp32 10 TFLOPS: 6e17 / (10e12 × 0.5) = 120,000 s = 33.333 h × $0.5 = $16.6667
    assert [item.instance for item in ranked] == ["one-big", "eight-big", "pod", "one-small"]
    assert [item.hours for item in ranked] == pytest.approx([3.333333, 0.5208333, 0.5208333, 33.333333])
    assert [item.on_demand_total for item in ranked] == pytest.approx([6.666667, 10.416667, 10.416667, 16.666667])
    assert [item.machines for item in ranked] == [1, 1, 1, 1]
    assert by_name(ranked, "one-small").notes == ("G10 has no bf16/fp16 figure: fp32 peak used",)
    # spot at 0 interruptions a month: the same 3.3333 h at $0.50 = $1.6667
    assert by_name(ranked, "one-big").spot_total == pytest.approx(1.666667)
    assert by_name(ranked, "eight-big").spot_outcome == "no spot price"
    # tiny-memory's 1 GB holds neither the 1.6 GB of states nor, alone, anything: it cannot join a cluster
    assert by_name(excluded, "tiny-memory").reason == "cannot join a cluster, and the run needs 2 machines' memory"
    assert by_name(excluded, "cpu-box") == Exclusion("cpu-box", "none", "no GPU model listed")


def test_a_deadline_adds_machines_to_a_cluster_as_the_fabric_allows(small_pricing, small_values):
    """On the clusterable pod, 100 hours of work must finish within 30: 4 machines keep 0.9^2 = 0.81 of their speed
    (100 / 3.24 = 30.9 h, too long), 5 keep 0.9^log2(5) = 0.7830 (100 / 3.915 = 25.54 h): five machines, $2,554."""
    small_values.update(steps=240_000, deadline_days=30 / 24)  # 6e8 × 2.4e11 = 1.44e20 FLOPs / 4e14 FLOP/s = 100 h
    small_values["efficiency"], small_values["scaling_efficiency"] = "custom", 1.0
    ranked, _ = estimate_instances(small_values, small_pricing)
    pod = by_name(ranked, "pod")
    assert pod.machines == 5 and pod.meets_deadline
    assert pod.hours == pytest.approx(100 / (5 * 0.9 ** math.log2(5)), rel=1e-6)
    assert pod.on_demand_total == pytest.approx(pod.hours * 5 * 20.0, rel=1e-9)
    # a machine that cannot join a cluster stays single and says it misses the deadline
    assert by_name(ranked, "one-big").machines == 1 and not by_name(ranked, "one-big").meets_deadline
    assert any(note.startswith("misses the") for note in by_name(ranked, "one-big").notes)


def test_asking_for_machines_plans_exactly_that_many(small_pricing, small_values):
    """Machines = 2 plans two pods (0.9 of their speed: 0.5208 / 1.8 h) and refuses a machine that cannot cluster."""
    small_values["machines"] = 2
    ranked, excluded = estimate_instances(small_values, small_pricing)
    assert by_name(ranked, "pod").machines == 2
    assert by_name(ranked, "pod").hours == pytest.approx(0.5208333 / 1.8, rel=1e-6)
    assert by_name(excluded, "one-big").reason == "2 machines: the largest cluster sourced is 1"


def test_result_shows_cheapest_chosen_and_excluded(small_pricing, small_values):
    """The result names the cheapest plan, the chosen one, and lists the excluded machines with reasons."""
    result = CALCULATOR.compute(small_values, small_pricing)
    assert result.value("cheapest_cost") == pytest.approx(6.666667)
    assert result.value("cheapest_hours") == pytest.approx(3.333333)
    assert result.value("cheapest_spot_cost") == pytest.approx(1.666667)
    assert result.value("fastest_hours") == pytest.approx(0.5208333)
    assert result.value("instance_on_demand") == pytest.approx(6.666667)
    assert (result.value("machines"), result.value("cheapest_machines")) == (1, 1)
    ranked_table, excluded_table, provider_table = result.tables[:3]
    assert ranked_table.cells("instance") == ("one-big", "eight-big", "pod", "one-small")
    # one provider: cheapest is one-big spot ($1.67), fastest is eight-big on demand (0.52 h, first by name of two)
    assert provider_table.cells("cheapest") == ("one-big spot",) and provider_table.cells("fastest") == ("eight-big",)
    on_demand = [column.heading for column in ranked_table.shown].index("on-demand")
    assert ranked_table.texts[0][on_demand] == "$6.67"
    reasons = {row["instance"]: row["reason"] for row in excluded_table.records()}
    assert reasons == {"tiny-memory": "cannot join a cluster, and the run needs 2 machines' memory",
                       "cpu-box": "no GPU model listed"}


def test_a_chosen_machine_that_cannot_hold_the_run_is_explained(small_pricing, small_values):
    """A chosen machine no cluster of which can hold the run gets a note with the reason and no values."""
    small_values["instance"] = "tiny-memory"
    result = CALCULATOR.compute(small_values, small_pricing)
    assert "machines" not in [value.name for value in result.values]
    assert "tiny-memory cannot be planned: cannot join a cluster, and the run needs 2 machines' memory." in result.notes


def test_chosen_machine_without_gpu_is_explained(small_pricing, small_values):
    """A chosen machine that cannot be estimated gets a note and no values."""
    small_values["instance"] = "cpu-box"
    result = CALCULATOR.compute(small_values, small_pricing)
    assert "instance_hours" not in [value.name for value in result.values]
    assert "cpu-box cannot be planned: no GPU model listed." in result.notes


def test_no_machine_fits_is_a_named_outcome(small_pricing, small_values):
    """When no cluster of any machine can hold the run the result says so and shows no cheapest option."""
    # A sequence of a million tokens: recomputed and split over the pod's 8 GPUs, one micro-batch's layer inputs are
    # still 2 × 1e6 × 20,480 × 200 / 8 = 1,024 GB a GPU, more than any GPU here holds.
    small_values.update(parameters=1e12, layers=200, embedding=20480, heads=160, block_size=1_000_000)
    result = CALCULATOR.compute(small_values, small_pricing)
    assert result.tables[0].rows == ()  # no machine, no row
    assert "cheapest_cost" not in [value.name for value in result.values]
    assert any("No machine in pricing.json can hold this run" in note for note in result.notes)
    check_figure(result.figures[0].figure)


# --- the declaration against pricing.json -------------------------------------------------------


def test_instance_choices_are_the_gpu_machines_in_pricing(pricing):
    """The 'instance' choices list exactly the machines in pricing.json that have a GPU model and are still sold."""
    with_gpu = [name for name, entry in pricing.section("instances").items()
                if entry["gpu"] is not None and "retired" not in entry]
    assert [name for name, _ in CALCULATOR.input("instance", pricing).choices] == with_gpu


def test_price_bases_are_the_notes(pricing):
    """Every price basis other than 'current' is a source note in pricing.json, and every note is a basis."""
    bases = {basis for basis, _ in PRICE_BASES.resolve(pricing)} - {"current"}
    assert bases == {name for name, source in pricing.sources.items() if "seed" in source}


def test_unknown_instance_is_an_error_naming_the_field(pricing_data, pricing):
    """A chosen machine missing from pricing.json is an error on the 'instance' field."""
    del pricing_data["instances"]["p4d.24xlarge"]
    values = preset_values(pricing)
    with pytest.raises(CalculatorError) as error:
        CALCULATOR.compute(values, Pricing(pricing_data))
    assert error.value.field == "instance"


def test_heads_must_divide_the_embedding(pricing):
    """An embedding width that the heads do not divide is an error on 'heads'."""
    values = preset_values(pricing, heads=7)
    with pytest.raises(CalculatorError) as error:
        CALCULATOR.compute(values, pricing)
    assert error.value.field == "heads"


# --- the nanoGPT preset -----------------------------------------------------------------------


def _a(pricing, name):
    return pricing.value(f"/assumptions/{PRESET}/values/{name}")


def test_preset_reads_the_nanogpt_run(pricing):
    """The preset trains 124M parameters on iterations × tokens per iteration ≈ 295B tokens on p4d."""
    values = preset_values(pricing)
    assert values["parameters"] == _a(pricing, "parameters")
    result = CALCULATOR.compute(values, pricing)
    # 600,000 × 491,520 = 294,912,000,000 tokens
    assert result.value("tokens") * 1e9 == pytest.approx(_a(pricing, "iterations") * _a(pricing, "tokens_per_iteration"))
    assert pricing.value("/instances/p4d.24xlarge/gpu_count") == _a(pricing, "gpus")


def test_preset_lands_within_25_percent_of_the_published_wall_time(pricing):
    """At the default MFU the p4d estimate is within 25% of the README's 'about 4 days' on 8×A100."""
    result = CALCULATOR.compute(preset_values(pricing), pricing)
    published_hours = _a(pricing, "wall_days") * 24
    assert published_hours == 96
    assert result.value("instance_hours") == pytest.approx(published_hours, rel=0.25)


def test_published_time_implies_an_mfu_near_the_default(pricing):
    """The README's 4 days imply an MFU of about 0.29 with nanoGPT's FLOP count (0.23 for the config's 5 days)."""
    flops = training_flops(_a(pricing, "parameters"), _a(pricing, "iterations") * _a(pricing, "tokens_per_iteration"),
                           _a(pricing, "layers"), _a(pricing, "heads"), _a(pricing, "embedding"), _a(pricing, "block_size"))
    peak = pricing.value("/gpus/A100-40GB/bf16_tflops")
    # 857,246,208 × 294.912e9 = 2.5281e20 FLOPs; 8 × 312e12 × 345,600 s = 8.6261e20 peak FLOPs
    assert implied_mfu(flops, _a(pricing, "gpus"), peak, _a(pricing, "wall_days") * 24) == pytest.approx(0.2931, abs=1e-4)
    assert implied_mfu(flops, _a(pricing, "gpus"), peak, _a(pricing, "wall_days_config_comment") * 24) == pytest.approx(
        0.2345, abs=1e-4)


def test_note_p4d_figure_beside_the_estimate(pricing):
    """The note's 96 h × $33.05 = $3,172.80 on p4d; the estimator's p4d cost at the note's price is within 25%."""
    note_price = pricing.value("/instances/p4d.24xlarge/on_demand@note-nanogpt")
    note_hours = pricing.value("/assumptions/nanogpt-note/values/train_hours")
    assert round(note_hours * note_price, 2) == 3172.80
    result = CALCULATOR.compute(preset_values(pricing), pricing)
    assert result.value("instance_compute") == pytest.approx(result.value("instance_hours") * note_price)
    assert result.value("instance_compute") == pytest.approx(note_hours * note_price, rel=0.25)


def test_preset_cheapest_machine_matches_an_independent_calculation(pricing):
    """The ranked table's first machine for the preset is the one a plain recomputation finds cheapest.

    With a ten-year deadline and failures a thousand trillion GPU-hours apart, every plan is one machine at its bare hours.
    """
    values = preset_values(pricing, deadline_days=3650, gpu_hours_per_failure=1e15)
    result = CALCULATOR.compute(values, pricing)
    tokens = _a(pricing, "iterations") * _a(pricing, "tokens_per_iteration")
    flops = (6 * values["parameters"] + 12 * 12 * 768 * 1024) * tokens  # 12·L·H·Q·T with H·Q = 768
    store = values["dataset_gb"] + 12 * values["parameters"] / 1e9  # dataset + one fp32 checkpoint
    store_rate = store * pricing.value("/storage/ebs-gp3/price") / 730
    states = 16 * values["parameters"] / 1e9
    activations = 1024 * values["micro_batch"] * 768 * 34 * 12 / 1e9  # flash attention: no 5·a·s/h score term
    totals = {}
    for name, entry in pricing.section("instances").items():
        if entry["gpu"] is None or entry.get("retired"):
            continue
        quantity = pricing.quantity(f"/instances/{name}/on_demand")
        observed = [obs for obs in quantity.observations if obs.source == "note-nanogpt"]
        if quantity.offer["kind"] != "on_demand":
            continue  # sold only by reservation or on a marketplace: priced apart, never ranked as on demand
        if not observed and months_between(quantity.current.as_of, pricing.snapshot_date) > 12:
            continue  # a newest price over 12 months old is not today's: the machine is left out
        gpus = pricing.value(f"/instances/{name}/gpu_count")
        gpu = entry["gpu"]
        peak = next(pricing.value(f"/gpus/{gpu}/{f}") for f in ("bf16_tflops", "fp16_tflops", "fp32_tflops")
                    if pricing.has(f"/gpus/{gpu}/{f}"))
        if states / gpus + activations > pricing.value(f"/gpus/{gpu}/memory"):
            continue
        # the 2022 efficiency preset: MFU 0.30 for the whole run, so no separate scaling loss
        hours = flops / (gpus * peak * 1e12 * 0.3) / 3600
        price = (observed[-1] if observed else quantity.current).value
        totals[name] = (hours > 3650 * 24, hours * (price + store_rate))  # a plan past the deadline ranks after
    cheapest = min(totals, key=totals.get)
    ranked = result.tables[0]
    assert ranked.cells("instance")[0] == cheapest
    assert result.value("cheapest_cost") == pytest.approx(totals[cheapest][1], rel=1e-6)
    assert list(ranked.cells("instance")) == sorted(totals, key=totals.get)


def test_preset_p4d_uses_the_note_price_and_others_the_newest(pricing):
    """With the note's prices p4d costs $33.05/h and every other machine keeps its newest price."""
    ranked, _ = estimate_instances(preset_values(pricing), pricing)
    assert by_name(ranked, "p4d.24xlarge").on_demand_price == pricing.value("/instances/p4d.24xlarge/on_demand@note-nanogpt")
    assert by_name(ranked, "p5.48xlarge").on_demand_price == pricing.value("/instances/p5.48xlarge/on_demand")
    current, _ = estimate_instances(preset_values(pricing, price_basis="current"), pricing)
    assert by_name(current, "p4d.24xlarge").on_demand_price == pricing.value("/instances/p4d.24xlarge/on_demand")


# --- behaviour on the real price list ---------------------------------------------------------


BIG_MODEL = {"parameters": 20e9, "layers": 44, "embedding": 6144, "heads": 64}
"""A 20B model shaped like GPT-NeoX-20B: 12 × 44 × 6144² = 19.9B parameters in its blocks."""


def test_a_parameter_count_the_shape_cannot_hold_is_refused(pricing):
    """2 parameters in 12 layers of 768 (or 20B in them) contradict the shape: the field says what fits.

    Low end: 0.85 × 12 × (2 + 4) × 768² = 36,097,229 (attention's queries and output, the narrowest feed-forward block).
    """
    for parameters in (2, 20e9):
        with pytest.raises(CalculatorError, match=r"must fit 12 layers \('layers'\) of width 768 \('embedding'\): between 36,097,229 and"):
            CALCULATOR.compute(preset_values(pricing, parameters=parameters), pricing)


@pytest.mark.parametrize(("shape", "field"), [
    # Qwen2.5-32B: 32.76B in 64 layers of 5,120, 8 of 40 heads for keys and values, SwiGLU of 27,648, 152,064 tokens
    ({"parameters": 32.76e9, "layers": 64, "embedding": 5120, "heads": 40, "kv_heads": 8, "ffn_width": 27648,
      "vocabulary": 152064}, None),
    # DeepSeek-V3: 671B in all, 37B active, 61 layers of 7,168
    ({"parameters": 671e9, "active_parameters": 37e9, "layers": 61, "embedding": 7168, "heads": 128}, None),
    # Active parameters above the total
    ({"parameters": 7e9, "active_parameters": 8e9, "layers": 32, "embedding": 4096, "heads": 32}, "active_parameters"),
    # 8 key-value heads cannot serve 12 heads
    ({"kv_heads": 8}, "kv_heads"),
])
def test_real_configurations_pass_and_inconsistent_ones_name_their_field(pricing, shape, field):
    """The 32B and MoE shapes the old GPT-2 bound refused are accepted; an impossible one names the field at fault."""
    values = preset_values(pricing, **shape)
    if field is None:
        CALCULATOR.compute(values, pricing)
    else:
        with pytest.raises(CalculatorError) as error:
            CALCULATOR.compute(values, pricing)
        assert error.value.field == field


def test_big_model_takes_two_small_machines_or_one_large_one(pricing):
    """20B parameters (320 GB of states) do not fit one 8×40 GB machine but fit one 8×80 GB; on a 40 GB machine that
    cannot cluster the reason is said. A ten-year deadline leaves memory alone to size the plans."""
    result = CALCULATOR.compute(preset_values(pricing, deadline_days=3650, **BIG_MODEL), pricing)
    ranked = result.tables[0].records()
    machines = {row["instance"]: row["machines"] for row in ranked}
    # 320 GB / 8 = 40 GB of states a GPU, plus flash-attention activations 1024 × 6144 × 34 × 44 = 9.41 GB: two p4d
    # (20 GB of states a GPU) hold it, one p4de (80 GB) does
    assert machines["p4d.24xlarge"] == 2 and machines["p4de.24xlarge"] == 1
    reasons = {row["instance"]: row["reason"] for row in result.tables[1].records()}
    assert reasons["lambda-8x-a100-40gb"] == "cannot join a cluster, and the run needs 2 machines' memory"


def test_fp32_uses_the_fp32_peak(pricing):
    """Choosing fp32 runs A100s at 19.5 instead of 312 TFLOPS: 16 times the work (on one machine, as asked)."""
    tensor, _ = estimate_instances(preset_values(pricing, machines=1), pricing)
    fp32, _ = estimate_instances(preset_values(pricing, precision="fp32", machines=1), pricing)
    assert by_name(fp32, "p4d.24xlarge").work_hours == pytest.approx(16 * by_name(tensor, "p4d.24xlarge").work_hours)


def test_fp8_gets_the_measured_speed_up_not_the_datasheets(pricing):
    """FP8 on H100 runs 1.28× faster than BF16 (the measured speed-up in pricing.json), not 2× its FP8 peak;
    A100 has no FP8 and says so."""
    tensor, _ = estimate_instances(preset_values(pricing, machines=1), pricing)
    fp8, _ = estimate_instances(preset_values(pricing, precision="fp8", machines=1), pricing)
    speedup = pricing.value("/gpus/H100-SXM/fp8_speedup")
    assert 1.1 < speedup < 1.5
    assert by_name(fp8, "p5.48xlarge").work_hours == pytest.approx(by_name(tensor, "p5.48xlarge").work_hours / speedup)
    assert by_name(fp8, "p4d.24xlarge").work_hours == pytest.approx(by_name(tensor, "p4d.24xlarge").work_hours)
    assert any("no measured fp8 speed-up" in note for note in by_name(fp8, "p4d.24xlarge").notes)


def test_gpu_without_16_bit_figure_says_so(pricing):
    """The g2.2xlarge's GRID K520 has only an fp32 figure, so its row says the fp32 peak was used. The machine is
    retired: only a note's own price plans it, here the 2017 note's."""
    ranked, _ = estimate_instances(preset_values(pricing, price_basis="note-cost-of-dl"), pricing)
    assert any("fp32 peak used" in note for note in by_name(ranked, "g2.2xlarge").notes)


def test_every_priced_gpu_has_a_sourced_tensor_peak_unless_it_predates_tensor_cores(pricing):
    """Every GPU in a priced machine has a bf16 or fp16 peak with a source, except the pre-Volta ones the notes used."""
    pre_tensor = {"K80", "K520", "M60"}  # Kepler and Maxwell: no tensor cores
    for name, entry in pricing.section("instances").items():
        gpu = entry.get("gpu")
        if gpu and gpu not in pre_tensor:
            refs = [f"/gpus/{gpu}/bf16_tflops", f"/gpus/{gpu}/fp16_tflops"]
            assert any(pricing.has(ref) for ref in refs), f"{name}: {gpu} has no tensor peak"
            source = pricing.observation(next(ref for ref in refs if pricing.has(ref))).source
            assert source in pricing.sources


def test_no_tokens_is_a_named_outcome(pricing):
    """Zero training steps give zero hours everywhere and say so."""
    result = CALCULATOR.compute(preset_values(pricing, steps=0), pricing)
    assert result.value("cheapest_hours") == 0
    assert result.value("flops_per_token") == 0
    assert any(note.startswith("No tokens to train") for note in result.notes)


def test_spot_with_no_interruptions_takes_the_on_demand_time(pricing):
    """At 0 interruptions a month a spot run takes exactly the on-demand hours, at the spot price."""
    ranked, _ = estimate_instances(preset_values(pricing, interruption_rate=0, dataset_gb=0, checkpoints_kept=0), pricing)
    p4d = by_name(ranked, "p4d.24xlarge")
    assert p4d.spot_hours == p4d.hours
    assert p4d.spot_total == pytest.approx(p4d.hours * pricing.value("/instances/p4d.24xlarge/spot"))


def test_figure_is_valid_plotly_and_alt_names_the_best_trade_offs(pricing):
    """The cost-time chart is valid Plotly; its one-sentence alt counts the options that meet the deadline (as many as
    are drawn) and names the frontier."""
    values = preset_values(pricing)
    result = CALCULATOR.compute(values, pricing)
    figure = result.figures[0]
    check_figure(figure.figure)
    deadline = values["deadline_days"]
    ranked = [row for row in result.tables[0].records() if "misses the" not in (row["note"] or "")]
    count = len(ranked) + sum(1 for row in ranked if not isinstance(row["spot"], str) and row["spot hours"] <= deadline * 24)
    assert f"for {count} options" in figure.alt
    front = pareto_front([(row["instance"], row["days"], row["on-demand"]) for row in ranked])
    assert front[0][0] in figure.alt or f"{front[0][0]} spot" in figure.alt


def test_filters_keep_only_the_chosen_provider_and_gpu(pricing):
    """Filtering by provider or GPU ranks only those machines, and says how many were hidden."""
    every = CALCULATOR.compute(preset_values(pricing), pricing)
    lambda_only = CALCULATOR.compute(preset_values(pricing, provider_filter="lambda"), pricing)
    providers = set(lambda_only.tables[0].cells("provider"))
    assert providers == {"lambda"}
    # every plan counts, the marketplace's and the reservation-only machines' (a table of their own) too
    hidden = sum(len(result.tables[i].rows) for result in (every,) for i in (0, 3)) - len(lambda_only.tables[0].rows)
    assert hidden > 0 and f"{hidden} plans that hold the run are hidden" in " ".join(lambda_only.notes)
    a100 = CALCULATOR.compute(preset_values(pricing, gpu_filter="A100-80GB"), pricing)
    assert set(a100.tables[0].cells("GPU")) == {"A100-80GB"}


def test_per_provider_best_is_the_cheapest_and_the_fastest_of_each_provider(pricing):
    """Each provider's row holds its cheapest option and its fastest one, worked out again from the ranking."""
    result = CALCULATOR.compute(preset_values(pricing, price_kind="on_demand"), pricing)
    ranked, providers = result.tables[0].records(), result.tables[2].records()
    for best in providers:
        mine = [row for row in ranked if row["provider"] == best["provider id"]]
        assert best["cheapest"] == min(mine, key=lambda row: (row["on-demand"], row["days"]))["instance"]
        assert best["cheapest cost"] == pytest.approx(min(row["on-demand"] for row in mine), abs=1e-3)
        assert best["fastest time"] == pytest.approx(min(row["days"] for row in mine), abs=1e-5)
        assert best["fastest"] in [row["instance"] for row in mine if row["days"] == pytest.approx(best["fastest time"], abs=1e-5)]
    assert len(providers) == len({row["provider"] for row in ranked})


def test_spot_only_ranks_spot_options_per_provider(pricing):
    """With spot only, every per-provider option is a spot one; providers with no spot price drop out."""
    result = CALCULATOR.compute(preset_values(pricing, price_kind="spot"), pricing)
    providers = result.tables[2].records()
    assert providers and all(row["cheapest"].endswith(" spot") and row["fastest"].endswith(" spot") for row in providers)
    with_spot = {row["provider"] for row in result.tables[0].records() if not isinstance(row["spot"], str)}
    assert {row["provider id"] for row in providers} == with_spot


# --- properties -------------------------------------------------------------------------------

# parameters is drawn apart, inside what GPT-2's 12 layers of 768 can hold (calculators._training_inputs.parameter_range)
PROPERTY_INPUTS = ["steps", "mfu", "scaling_efficiency", "micro_batch", "precision", "attention_flops",
                   "activation_memory", "dataset_gb", "dataset_store", "checkpoints_kept", "interruption_rate",
                   "checkpoint_gb_per_second", "restart_minutes", "price_basis", "instance"]


@settings(max_examples=40, deadline=None)
@given(raw=inputs_for(CALCULATOR, PROPERTY_INPUTS), parameters=st.floats(42.5e6, 504e6))
def test_costs_are_finite_and_never_negative(pricing, raw, parameters):
    """Whatever the inputs, every value shown is finite and no cost is negative."""
    result = CALCULATOR.compute(preset_values(pricing, parameters=parameters, **raw), pricing)
    assert all(math.isfinite(value.value) and value.value >= 0 for value in result.values)
    for row in result.tables[0].records():
        assert row["on-demand"] >= 0 and (isinstance(row["spot"], str) or row["spot"] >= 0)
    check_figure(result.figures[0].figure)


@settings(max_examples=25, deadline=None)
@given(steps=st.integers(0, 10_000_000), extra=st.integers(0, 10_000_000))
def test_more_tokens_never_take_fewer_gpu_hours_or_less_compute(pricing, steps, extra):
    """Training on more tokens never lowers any plan's GPU-hours or compute cost; a plan may add machines to keep
    the deadline, so its wall time may fall, but never its machine count."""
    fewer, _ = estimate_instances(preset_values(pricing, steps=steps), pricing)
    more, _ = estimate_instances(preset_values(pricing, steps=steps + extra), pricing)
    for item in fewer:
        bigger = by_name(more, item.instance)
        assert bigger.machines >= item.machines
        assert bigger.gpu_hours >= item.gpu_hours * (1 - 1e-9)
        assert bigger.compute_cost >= item.compute_cost * (1 - 1e-9)


@settings(max_examples=25, deadline=None)
@given(factor=st.floats(1, 100))
def test_higher_prices_never_lower_costs(pricing, factor):
    """Multiplying every on-demand and spot price by a factor >= 1 never lowers a cost."""
    dearer = copy.deepcopy(pricing.data)
    for entry in dearer["instances"].values():
        for field in ("on_demand", "spot"):
            for obs in entry.get(field, {}).get("observations", []):
                for key in ("value", "low", "high"):
                    if key in obs:
                        obs[key] *= factor
    values = preset_values(pricing)
    base, _ = estimate_instances(values, pricing)
    high, _ = estimate_instances(values, Pricing(dearer))
    for item in base:
        other = by_name(high, item.instance)
        assert other.on_demand_total >= item.on_demand_total * (1 - 1e-12)
        assert (item.spot_total is None) == (other.spot_total is None)
        assert item.spot_total is None or other.spot_total >= item.spot_total * (1 - 1e-12)


@settings(max_examples=25, deadline=None)
@given(mfu=st.floats(0.01, 1), lower=st.floats(0.01, 1))
def test_better_mfu_is_never_slower(pricing, mfu, lower):
    """A higher MFU never makes any machine slower."""
    low, high = sorted((mfu, lower))
    slow, _ = estimate_instances(preset_values(pricing, mfu=low), pricing)
    fast, _ = estimate_instances(preset_values(pricing, mfu=high), pricing)
    for item in slow:
        assert by_name(fast, item.instance).hours <= item.hours * (1 + 1e-12)


@settings(max_examples=30, deadline=None)
@given(days=st.floats(0.01, 3650), machines=st.integers(0, 3000), rate=st.floats(0, 0.99),
       per_failure=st.floats(1, 1e7), preset=st.sampled_from(["llama2-70b", "llama3-405b", "deepseek-v3"]))
def test_any_deadline_machines_and_failure_rate_give_finite_plans_or_named_exclusions(
        pricing, days, machines, rate, per_failure, preset):
    """Whatever the deadline, the machines asked for, the spot rate and the failure rate, a cluster run gives
    finite, non-negative figures; a plan that cannot be made is an exclusion with its reason, never a crash."""
    values = CALCULATOR.defaults(pricing, {"preset": preset})
    values.update(deadline_days=days, machines=machines, interruption_rate=rate, gpu_hours_per_failure=per_failure)
    result = CALCULATOR.compute(values, pricing)
    assert all(math.isfinite(value.value) and value.value >= 0 for value in result.values)
    for row in result.tables[0].records():
        assert row["machines"] >= 1 and row["on-demand"] >= 0
        assert machines == 0 or row["machines"] == machines
    assert all(row["reason"] for row in result.tables[1].records())
    check_figure(result.figures[0].figure)


def test_a_plan_whose_failures_stretch_it_past_any_price_is_an_exclusion_not_a_crash(pricing):
    """Failures every GPU-hour on 336 machines of DeepSeek-V3 (one every 1.3 s, a checkpoint of 24 s): the expected
    time is finite in floating point, 1e304 hours, but no price of it is. Each machine type is left out, named and
    with the reason; nothing is ranked and the answer says so (Hypothesis found this case)."""
    values = CALCULATOR.defaults(pricing, {"preset": "deepseek-v3"})
    values.update(deadline_days=1.0, machines=336, interruption_rate=0.0, gpu_hours_per_failure=1.0)
    ranked, excluded = estimate_instances(values, pricing)
    assert not ranked
    assert any("never finishes on 336: failures come faster than it can checkpoint" in e.reason for e in excluded)
    result = CALCULATOR.compute(values, pricing)
    assert all(math.isfinite(value.value) for value in result.values)


# --- every way to pay -----------------------------------------------------------------------------


def _table(result, name):
    return next(table for table in result.tables if table.name == name)


def test_the_chosen_plan_is_priced_every_way_it_can_be_paid_for(pricing):
    """The p4d.24xlarge plan of GPT-2 at today's prices: on demand, spot, a capacity block of whole days and a 1-year
    commitment paid for the whole year, each worked out here from the plan's machines and hours."""
    result = CALCULATOR.compute(CALCULATOR.defaults(pricing), pricing)
    hours, machines = result.value("instance_hours"), result.value("machines")
    rows = {row["kind"]: row for row in _table(result, "payment").records()}
    assert set(rows) == {"on_demand", "spot", "capacity_block", "reserved_1y"}
    # A block is sold by the whole day at $11.80 an hour (2026-07-22); a year reserved at $13.921094 (2026-08-26).
    block_days = math.ceil(hours / 24)
    assert rows["capacity_block"]["compute"] == pytest.approx(11.8 * 24 * block_days * machines)
    assert rows["reserved_1y"]["compute"] == pytest.approx(13.921094 * 8760 * machines)
    assert rows["on_demand"]["compute"] == pytest.approx(result.value("instance_compute"))
    # Break-even: a day of block buys 283.20 / 21.957642 = 12.9 h on demand; a year 231.4 days of use.
    assert rows["capacity_block"]["cheaper from"] == pytest.approx(283.2 / 21.957642 / 24)
    assert rows["reserved_1y"]["cheaper from"] == pytest.approx(13.921094 / 21.957642 * 365)
    cheapest = min((row for row in rows.values() if not isinstance(row["compute"], str)), key=lambda row: row["compute"])
    assert result.value("pay_cheapest") == pytest.approx(cheapest["compute"])
    assert next(v for v in result.values if v.name == "pay_cheapest").subject == cheapest["way to pay"]


def test_the_break_even_chart_draws_each_way_to_pay_against_run_length(pricing):
    """The payment chart has one line per way to pay and a marker at each break-even, on log scales."""
    result = CALCULATOR.compute(CALCULATOR.defaults(pricing), pricing)
    figure = next(figure for figure in result.figures if figure.name == "payment")
    check_figure(figure.figure)
    names = [trace["name"] for trace in figure.figure["data"]]
    assert names == ["On demand", "Spot", "Capacity block", "1-year commitment", "Break-even"]
    marks = figure.figure["data"][-1]
    assert marks["x"] == pytest.approx([283.2 / 21.957642 / 24, 13.921094 / 21.957642 * 365])
    assert figure.figure["layout"]["xaxis"]["type"] == "log"
    assert "1-year commitment is cheaper than the hourly price from 231.4 days" in figure.alt


def test_a_run_longer_than_the_longest_block_cannot_be_bought_as_one(pricing):
    """A p4d plan of about 200 days, asked for on one machine, has no capacity block: AWS sells at most 182 days."""
    values = preset_values(pricing, instance="p4d.24xlarge", machines=1, price_basis="current", steps=600_000 * 50)
    result = CALCULATOR.compute(values, pricing)
    assert result.value("instance_days") > 182
    row = next(row for row in _table(result, "payment").records() if row["kind"] == "capacity_block")
    assert row["compute"] == "not available" and row["machines × days paid"] == "longer than the longest block, 182 days"


def test_every_kind_of_offer_is_a_choice_of_the_price_filter(pricing):
    """The price filter offers each kind the schema knows, and choosing one keeps only options of that kind."""
    kinds = {value for value, _ in CALCULATOR.input("price_kind", pricing).choices}
    assert {"on_demand", "spot", "capacity_block", "reserved", "reservation_only", "marketplace"} <= kinds
    ranked, _ = estimate_instances(CALCULATOR.defaults(pricing), pricing)
    from calculators._ways_to_pay import kinds_chosen

    assert {o.kind for o in options(ranked, kinds_chosen("capacity_block"))} == {"capacity_block"}
    assert {o.kind for o in options(ranked, kinds_chosen("reserved"))} == {"reserved_1y"}
    assert {o.instance for o in options(ranked, kinds_chosen("marketplace"))} == {"vast-1x-h100"}


def test_a_reservation_only_machine_is_never_ranked_as_on_demand(pricing_data):
    """Even with a fresh price, GCP's a4-highgpu-8g (sold only by reservation or spot) is not in the on-demand ranking
    nor the cheapest on demand; it has a table of its own and options of the reservation-only kind."""
    quantity = pricing_data["instances"]["a4-highgpu-8g"]["on_demand"]
    quantity["observations"].append(dict(quantity["observations"][-1], as_of="2026-11", value=1.0))  # absurdly cheap
    pricing = Pricing(pricing_data, "fresh-a4.json")
    result = CALCULATOR.compute(CALCULATOR.validate({"price_kind": "all"}, pricing), pricing)
    assert "a4-highgpu-8g" not in result.tables[0].cells("instance")
    assert result.value("cheapest_cost") > 0 and "a4-highgpu-8g" not in result.answer
    assert next(v for v in result.values if v.name == "cheapest_cost").subject != "a4-highgpu-8g"
    other = _table(result, "not_on_demand").records()
    assert {"instance": "a4-highgpu-8g", "sold as": "Reservation only"}.items() <= next(
        row for row in other if row["instance"] == "a4-highgpu-8g").items()
    ranked, _ = estimate_instances(CALCULATOR.validate({"price_kind": "all"}, pricing), pricing)
    kinds = {o.kind for o in options(ranked, ("on_demand", "reservation_only")) if o.instance == "a4-highgpu-8g"}
    assert kinds == {"reservation_only"}


def test_the_ranking_shows_each_prices_date_and_age(pricing):
    """Each ranked plan says when its price was last confirmed and how old that is at the snapshot."""
    result = CALCULATOR.compute(CALCULATOR.defaults(pricing), pricing)
    rows = {row["instance"]: row["price as of"] for row in result.tables[0].records()}
    # nebius.com, read 2026-09-25: 2 months 11 days before the 2026-12-06 snapshot, counted in whole months as 3
    assert rows["nebius-8x-b200"] == "2026-09-25 (3 months)"


def test_an_older_price_limit_leaves_out_machines_priced_before_it(pricing):
    """With prices no older than 6 months (the home page's headline), a machine last priced in May 2026 is left out,
    with its date, and the cheapest plan's price is at most 6 months old."""
    result = CALCULATOR.compute(CALCULATOR.validate({"price_age_months": 6}, pricing), pricing)
    _, excluded = estimate_instances(CALCULATOR.validate({"price_age_months": 6}, pricing), pricing)
    # nebius-4x-l40s: last priced 2026-05-18, 7 months before the 2026-12-06 snapshot
    assert by_name(excluded, "nebius-4x-l40s").reason.startswith("price last confirmed 2026-05-18, 7 months")
    assert result.value("cheapest_price_age") <= 6
    assert result.value("price_age_limit") == 6


def test_the_home_pages_headline_uses_only_prices_confirmed_within_six_months(pricing):
    """Every figure of the home page's headline is computed with prices no older than 6 months, and it says when the
    cheapest plan's price was confirmed."""
    from tests.conftest import ROOT

    if not (ROOT / "docs" / "index.md").is_file():
        pytest.skip("the guides are not staged for the Pyodide run")
    headline = (ROOT / "docs" / "index.md").read_text(encoding="utf-8").split("\n\n")[1]
    codes = [code for code in headline.split("<!--")[1:] if "cost_to_train" in code]
    assert codes and all("price_age_months=6" in code for code in codes)
    assert "cheapest_price_age" in headline
    result = CALCULATOR.compute(CALCULATOR.validate({"price_age_months": 6}, pricing), pricing)
    as_of = next(value for value in result.values if value.name == "cheapest_price_age").subject
    assert months_between(as_of, pricing.snapshot_date) <= 6


@pytest.mark.parametrize(("typed", "about"), [
    ({"layers": "1e3"}, "parameters"),  # 124M cannot fill 1,000 layers of 768
    ({"embedding": "1,000"}, "heads"),  # 12 heads do not divide a width of 1,000
])
def test_a_check_across_fields_names_the_field_typed_and_the_one_it_conflicts_with(typed, about):
    """A change that contradicts another field is reported on that field, names both, and lists the field typed among
    those involved (`related`), so the page shows it by the field the reader typed too (it used to show nothing there)."""
    error = run("cost_to_train", typed)["error"]
    [field] = typed
    found = next(e for e in error["errors"] if e["field"] == about)
    assert field in found["related"]
    assert f"('{field}')" in found["message"] and f"('{about}')" in found["message"]
