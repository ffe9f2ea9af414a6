"""The estimator held to published training runs (pricing.json's ``runs``), at the matching efficiency preset."""

from __future__ import annotations

import pytest

from calculators import calculate, load_pricing
from calculators._training_inputs import MODEL_PRESETS
from calculators.cost_to_train import CALCULATOR, estimate_instances
from calculators.models.calibration import published_runs
from calculators.models.machines import peak_tflops
from calculators.models.training import machine_time

CHECKS = published_runs(load_pricing())


def test_at_least_six_published_runs_from_at_least_three_efficiency_presets():
    """The table is large enough to mean something: six or more runs, every preset held to at least one."""
    assert len(CHECKS) >= 6
    assert {check.efficiency for check in CHECKS} == set(load_pricing().data["efficiency"])


@pytest.mark.parametrize("check", CHECKS, ids=[check.name for check in CHECKS])
def test_each_published_run_is_estimated_within_a_quarter(check):
    """At its matching preset, the estimated wall time (or GPU-hours) is within 25% of what was published."""
    assert abs(check.error) <= 0.25, f"{check.label}: published {check.published:,.1f}, estimated {check.estimated:,.1f}"


def _family(check):
    """Runs of one family: one source, one GPU, one preset, one measure (e.g. Llama 2 on A100-80GB, GPU-hours)."""
    return (check.source, check.gpu, check.efficiency, check.measure)


def _size_pairs():
    """Each run against the smallest run of its family: how much longer the bigger model takes."""
    families: dict[tuple, list] = {}
    for check in CHECKS:
        families.setdefault(_family(check), []).append(check)
    pairs = []
    for members in families.values():
        smallest = min(members, key=lambda c: c.run.parameters)
        pairs += [(smallest, other) for other in members if other.run.parameters > smallest.run.parameters]
    return pairs


PAIRS = _size_pairs()


@pytest.mark.parametrize("small, big", PAIRS, ids=[f"{a.name}~{b.name}" for a, b in PAIRS])
def test_time_ratios_between_model_sizes_on_the_same_hardware_are_within_ten_percent(small, big):
    """How much longer a bigger model takes on the same GPUs, as the estimator says it, is within 10% of the published ratio.

    Wall times are compared per GPU-hour, so runs on different GPU counts of the same GPU still compare.
    """
    def per_gpu(check, value):
        return value * (check.gpu_count or 1)

    published = per_gpu(big, big.published) / per_gpu(small, small.published)
    estimated = per_gpu(big, big.estimated) / per_gpu(small, small.estimated)
    assert estimated / published == pytest.approx(1, abs=0.10)


def test_there_are_size_ratios_to_check():
    """At least two families of runs (same GPU, different sizes) hold the size ratios."""
    assert len({(a.gpu, a.efficiency) for a, _ in PAIRS}) >= 2


def test_the_nanogpt_preset_lands_near_nanogpts_published_time():
    """The cost-to-train page's nanoGPT preset on p4d.24xlarge is within 25% of nanoGPT's 'about 4 days'."""
    pricing = load_pricing()
    published = pricing.value("/runs/nanogpt-gpt2-124m/values/wall_hours")
    estimated = calculate("cost_to_train", preset="nanogpt-gpt2-124m").value("instance_hours")
    assert estimated / published == pytest.approx(1, abs=0.25)
    assert published == 96  # "about 4 days"


@pytest.mark.parametrize("check", [c for c in CHECKS if c.gpu_count], ids=[c.name for c in CHECKS if c.gpu_count])
def test_the_memory_check_at_defaults_never_excludes_a_published_runs_hardware(check):
    """With today's default memory settings (flash attention, sharded states, micro-batch 1) every run fits its GPUs."""
    pricing = load_pricing()
    defaults = CALCULATOR.defaults(pricing)
    run = check.run.__class__(**{**check.run.__dict__, "activations": defaults["activation_memory"],
                                 "sharding": defaults["sharding"], "micro_batch": defaults["micro_batch"]})
    peak, _ = peak_tflops(pricing, check.gpu, "tensor")
    time = machine_time(run, check.gpu_count, peak, pricing.value(f"/gpus/{check.gpu}/memory"))
    assert time.fits, f"{check.label}: needs {time.memory_needed_gb:.1f} GB per GPU"


@pytest.mark.parametrize("name", ["llmc-gpt2-350m-a100", "llmc-gpt2-1558m-h100", "llmc-gpt2-774m-a100"])
def test_a_machine_like_the_one_a_run_used_is_ranked_not_excluded(name):
    """An 8-GPU machine of the run's GPU in pricing.json can hold the run at the page's defaults."""
    pricing = load_pricing()
    check = next(c for c in CHECKS if c.name == name)
    raw = {"parameters": check.run.parameters, "layers": check.run.layers, "heads": check.run.heads,
           "embedding": check.run.embedding, "block_size": check.run.sequence}
    ranked, excluded = estimate_instances(CALCULATOR.validate(raw, pricing), pricing)
    same = [n for n, e in pricing.section("instances").items() if e.get("gpu") == check.gpu
            and pricing.value(f"/instances/{n}/gpu_count") == check.gpu_count]
    assert same, f"no {check.gpu_count}×{check.gpu} machine in pricing.json"
    assert set(same) <= {item.instance for item in ranked}


@pytest.mark.parametrize("preset", list(MODEL_PRESETS))
def test_model_presets_are_the_published_runs(preset):
    """Each model preset is a published run's own shape and tokens, at the run's efficiency preset."""
    pricing = load_pricing()
    values = CALCULATOR.defaults(pricing, {"preset": preset})
    run_name = CALCULATOR.presets[preset]["layers"].split("/")[2]
    check = next(c for c in CHECKS if c.name == run_name)
    assert values["steps"] * values["tokens_per_step"] == check.run.tokens
    assert (values["parameters"], values["layers"], values["heads"], values["embedding"], values["block_size"]) == (
        check.run.parameters, check.run.layers, check.run.heads, check.run.embedding, check.run.sequence)
    assert values["efficiency"] == check.efficiency


def test_a_model_too_big_for_one_machine_says_so():
    """Llama 2 70B's states (1.1 TB) fit no single 8-GPU machine: the answer says the run must be spread out."""
    result = calculate("cost_to_train", preset="llama2-70b")
    assert result.sentence.startswith("No single machine in our price list can hold this run")
    assert result.tables[0].rows == ()
