"""The estimator held to published runs: each run's published time beside what the training model says.

A run in pricing.json's ``runs`` gives a model's shape, its tokens, the GPU, and either the wall time
on a stated number of GPUs or the total GPU-hours, with the efficiency preset that matches how it
trained. The estimate takes that preset's MFU (a whole-run figure, so no separate scaling loss) and
the GPU's dense 16-bit peak.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._pricing import Pricing
from .machines import peak_tflops
from .training import TrainingRun, training_hours

__all__ = ["RunCheck", "efficiency_mfu", "published_runs"]


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


def published_runs(pricing: Pricing) -> tuple[RunCheck, ...]:
    """Each published run in pricing.json with its estimate at the matching efficiency preset.

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

        def number(field: str) -> float:
            return pricing.value(f"{base}/{field}")

        mfu = efficiency_mfu(pricing, entry["efficiency"])
        run = TrainingRun(
            parameters=number("parameters"),
            tokens=number("tokens"),
            layers=int(number("layers")),
            heads=int(number("heads")),
            embedding=int(number("embedding")),
            sequence=int(number("sequence")),
            mfu=mfu,
        )
        peak, _ = peak_tflops(pricing, entry["gpu"], "tensor")
        count = int(number("gpu_count")) if "gpu_count" in values else None
        if "wall_hours" in values:
            measure, published = "wall hours", number("wall_hours")
            estimated = training_hours(run.flops, count, peak, mfu)
        else:
            measure, published = "GPU-hours", number("gpu_hours")
            estimated = training_hours(run.flops, 1, peak, mfu)
        source = pricing.observation(f"{base}/tokens").source
        checks.append(RunCheck(name, entry["label"], entry["gpu"], count, entry["efficiency"], mfu, measure,
                               published, estimated, source, run))
    return tuple(checks)
