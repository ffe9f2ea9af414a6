"""The estimator held to published runs: each run's published time beside what the planning model says.

A run in pricing.json's ``runs`` gives a model's shape, its tokens, the GPU, and either the wall time on a stated
number of GPUs or the total GPU-hours, with the efficiency that matches how it trained. A run on one machine is
estimated at its preset's MFU. A run on a cluster (it names a ``fabric``) is planned as the page plans one: one GPU's
measured speed on one machine, the fabric's loss at the run's size, and the time failures cost a cluster that size;
each loss once. A run marked ``held: false`` is shown beside its estimate, with the reason, but not held to it.

Each run is estimated as it trained, and compared in the measure it was published in: a run whose source says it
recomputed its activations (``activations: recompute``) is charged the extra forward pass, and a run published as a
steady rate times its tokens (``counts_failures: false``) is compared with the estimate's working time, failures
left out.

The spread of the held runs' errors is the estimate's honest range (:func:`estimate_range`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .._pricing import MEASURED, Pricing
from .cluster import plan_on
from .planning import Layout, cluster_job, layout, reliability_defaults
from .throughput import gpu_speed
from .training import TrainingRun

__all__ = ["RunCheck", "efficiency_mfu", "estimate_range", "published_runs", "within_range"]

GPUS_PER_MACHINE = 8
"""A published cluster run is planned on machines of eight GPUs, as every run in pricing.json trained."""


@dataclass(frozen=True)
class RunCheck:
    """One published run: what was reported and what the estimator gives, in the same measure."""

    name: str
    label: str
    gpu: str
    gpu_count: int | None
    efficiency: str
    mfu: float
    measure: str
    published: float
    estimated: float
    source: str
    run: TrainingRun
    held: bool = True
    why: str = ""
    more_than_training: bool = False
    counts_failures: bool = True

    @property
    def error(self) -> float:
        """The estimate's relative error: +0.10 means 10% longer than published."""
        return self.estimated / self.published - 1.0


def efficiency_mfu(pricing: Pricing, preset: str) -> float:
    """What MFU does an efficiency preset stand for?

    >>> from calculators import load_pricing
    >>> efficiency_mfu(load_pricing(), "nanogpt-2022")
    0.3
    """
    return pricing.value(f"/efficiency/{preset}/values/mfu")


def _run(pricing: Pricing, name: str, entry: dict) -> TrainingRun:
    """The training run a pricing.json ``runs`` entry describes."""
    base = f"/runs/{name}/values"

    def number(field: str, default: float = 0.0) -> float:
        return pricing.value(f"{base}/{field}") if pricing.has(f"{base}/{field}") else default

    efficiency = entry["efficiency"]
    return TrainingRun(
        parameters=number("parameters"),
        tokens=number("tokens"),
        layers=int(number("layers")),
        heads=int(number("heads")),
        embedding=int(number("embedding")),
        sequence=int(number("sequence")),
        precision=entry.get("precision", "tensor").replace("bf16", "tensor"),
        mfu=0.0 if efficiency == MEASURED else efficiency_mfu(pricing, efficiency),
        active_parameters=number("active_parameters"),
        efficiency=efficiency,
        activations=entry.get("activations", TrainingRun.activations),
        head_size=number("head_size"),
    )


def _estimate_hours(pricing: Pricing, run: TrainingRun, gpu: str, gpu_count: int, fabric: str | None,
                    counts_failures: bool = True) -> tuple[float, float]:
    """(hours, per-GPU MFU used) of the run on ``gpu_count`` GPUs: one machine of them, or 8-GPU machines on ``fabric``.

    The hours are the wall time, failures included, or with ``counts_failures`` false the working time alone.
    """
    speed = gpu_speed(pricing, gpu, run.precision, run.efficiency, run.mfu, run.compute_parameters, run.is_moe)
    per_machine = GPUS_PER_MACHINE if fabric else gpu_count
    machines = max(1, gpu_count // per_machine)
    share = pricing.value(f"/fabrics/{fabric}/per_doubling") if fabric else 1.0
    memory = pricing.value(f"/gpus/{gpu}/memory")
    # The published hardware held the run, so a layout is found on it; the memory check is the page's, not ours here.
    fit = layout(run, per_machine, memory, machines) or Layout(machines, 1, False, False, 0.0, 0.0)
    plan = plan_on(cluster_job(run, fit, per_machine, speed.flops_per_second, share, reliability_defaults(pricing)), machines)
    return plan.wall_hours if counts_failures else plan.work_hours, speed.mfu * speed.fp8_factor


@functools.lru_cache(maxsize=4)
def published_runs(pricing: Pricing) -> tuple[RunCheck, ...]:
    """Each published run in pricing.json with its estimate.

    nanoGPT's GPT-2 124M: about 4 days (96 h) on 8×A100 40GB, estimated at 30% MFU:

    >>> from calculators import load_pricing
    >>> check = next(c for c in published_runs(load_pricing()) if c.name == "nanogpt-gpt2-124m")
    >>> check.measure, check.published, round(check.estimated, 1), f"{check.error:+.1%}"
    ('wall hours', 96.0, 93.8, '-2.3%')
    """
    checks = []
    for name, entry in pricing.data.get("runs", {}).items():
        base = f"/runs/{name}/values"
        values = entry["values"]
        run = _run(pricing, name, entry)
        count = int(pricing.value(f"{base}/gpu_count")) if "gpu_count" in values else 1
        counts_failures = entry.get("counts_failures", True)
        hours, mfu = _estimate_hours(pricing, run, entry["gpu"], count, entry.get("fabric"), counts_failures)
        if "wall_hours" in values:
            measure, published, estimated = "wall hours", pricing.value(f"{base}/wall_hours"), hours
        else:
            measure, published, estimated = "GPU-hours", pricing.value(f"{base}/gpu_hours"), hours * count
        source = pricing.observation(f"{base}/tokens").source
        checks.append(RunCheck(name, entry["label"], entry["gpu"], count if "gpu_count" in values else None,
                               entry["efficiency"], mfu, measure, published, estimated, source, run,
                               entry.get("held", True), entry.get("why", ""), entry.get("more_than_training", False),
                               counts_failures))
    return tuple(checks)


def estimate_range(pricing: Pricing, efficiency: str, moe: bool = False) -> tuple[float, float]:
    """By what factors might a time (and so a cost) estimated at ``efficiency`` be off, low and high?

    Each published run whose total counts only training gives published ÷ estimated: those of the same
    efficiency and kind (dense or MoE) when there are three or more, else those of the same efficiency, else
    every run the estimator is held to. The range spans them and always includes 1, the estimate itself.

    >>> from calculators import load_pricing
    >>> dense, moe = estimate_range(load_pricing(), "measured"), estimate_range(load_pricing(), "measured", moe=True)
    >>> dense[0] <= 1 <= dense[1], moe[0] < dense[0]
    (True, True)
    """
    runs = [check for check in published_runs(pricing) if not check.more_than_training]
    same = [check for check in runs if check.efficiency == efficiency]
    kind = [check for check in same if check.run.is_moe == moe]
    chosen = kind if len(kind) >= 3 else same if len(same) >= 3 else [check for check in runs if check.held]
    ratios = [check.published / check.estimated for check in chosen]
    return min([1.0, *ratios]), max([1.0, *ratios])


def within_range(estimate: float, factors: tuple[float, float]) -> tuple[float, float]:
    """Between what low and high does an estimate lie, given the range's factors (:func:`estimate_range`)?

    A $6.67 estimate with factors 0.8 and 1.25: $5.33 to $8.33.

    >>> [round(end, 2) for end in within_range(20 / 3, (0.8, 1.25))]
    [5.33, 8.33]
    """
    low, high = factors
    return estimate * low, estimate * high
