"""What pricing.json says about a machine: its GPUs, their peak throughput and memory, its prices.

Every page that lists or prices machines reads them here, so "which machines are there", "is
this one in the price list" and "which peak applies" are each answered once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import CalculatorError, PricingError
from .._pricing import Observation, Pricing, per_pricing
from .._numbers import format_value

PRECISION_FIELDS = {
    "fp8": ("bf16_tflops", "fp16_tflops", "fp32_tflops"),
    "tensor": ("bf16_tflops", "fp16_tflops", "fp32_tflops"),
    "fp32": ("fp32_tflops",),
}
"""For each precision a run may use, the GPU figures that can stand for its peak, best first. FP8 runs at the BF16
peak times the GPU's measured FP8 speed-up (:mod:`calculators.models.throughput`), not at the datasheet's FP8 peak."""

__all__ = [
    "Exclusion",
    "Machine",
    "PRECISION_FIELDS",
    "gpu_machines",
    "largest_machine",
    "machine",
    "most_gpus",
    "price_change",
    "memory_shortfall",
    "peak_tflops",
    "price_observation",
    "require_machine",
]


@dataclass(frozen=True)
class Machine:
    """A machine with GPUs: its name, provider, GPU model and count, memory per GPU (GB), and how it clusters.

    ``fabric`` is a key of pricing.json's ``fabrics``, or None for a machine that cannot join a cluster;
    ``most_machines`` is the largest cluster of it the provider is sourced to offer (1 without a fabric).
    """

    name: str
    provider: str
    gpu: str
    gpu_label: str
    gpu_count: int
    memory_gb: float
    fabric: str | None = None
    most_machines: int = 1


@dataclass(frozen=True)
class Exclusion:
    """A machine that cannot be estimated at all, and why (no GPU, retired, no figures)."""

    instance: str
    gpu: str
    reason: str


def gpu_machines(pricing: Pricing) -> tuple[str, ...]:
    """Which machines in pricing.json have a GPU model? In file order, so a new one needs no code.

    >>> from calculators import load_pricing
    >>> names = gpu_machines(load_pricing())
    >>> "p4d.24xlarge" in names, "c5.2xlarge" in names
    (True, False)
    """
    return tuple(name for name, entry in pricing.section("instances").items() if entry.get("gpu"))


def require_machine(pricing: Pricing, name: str, field: str = "instance") -> dict:
    """Return the pricing.json entry of machine ``name``; raise CalculatorError naming ``field`` if it is absent.

    >>> from calculators import load_pricing
    >>> require_machine(load_pricing(), "nope.xlarge")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: Machine ('instance') is not in pricing.json: 'nope.xlarge'
    """
    try:
        return pricing.section("instances")[name]
    except KeyError:
        raise CalculatorError(f"Machine ({field!r}) is not in pricing.json: {name!r}", field) from None


@per_pricing  # every machine type is read on every keystroke of the cost-to-train page
def machine(pricing: Pricing, name: str, include_retired: bool = False) -> Machine | Exclusion:
    """Which GPUs does machine ``name`` have, or why can it not be estimated?

    A retired machine is left out (with its retirement) unless ``include_retired``: a note's "then" view
    prices it at the note's own figure.

    >>> from calculators import load_pricing
    >>> m = machine(load_pricing(), "p4d.24xlarge")
    >>> m.gpu, m.gpu_count, m.memory_gb, m.fabric, m.most_machines
    ('A100-40GB', 8, 40, 'rdma-400', 500)
    >>> machine(load_pricing(), "g5.xlarge").most_machines
    1
    >>> machine(load_pricing(), "c5.2xlarge").reason
    'no GPU model listed'
    >>> machine(load_pricing(), "p2.16xlarge").reason, machine(load_pricing(), "p2.16xlarge", include_retired=True).gpu_count
    ('no longer offered: retired 2025-03-28 (gpuhunt-drop-p2)', 16)
    """
    entry = require_machine(pricing, name)
    gpu = entry.get("gpu")
    gpu_label = pricing.section("gpus")[gpu]["label"] if gpu else "none"
    retired = entry.get("retired")
    if retired and not include_retired:
        return Exclusion(name, gpu_label, f"no longer offered: retired {retired['date']} ({retired['source']})")
    if not gpu:
        return Exclusion(name, "none", "no GPU model listed")
    count = int(pricing.value(f"/instances/{name}/gpu_count"))
    if count < 1:
        return Exclusion(name, gpu_label, "no GPU count")
    fabric = entry.get("fabric")
    most = max(1, int(pricing.value(f"/instances/{name}/cluster_gpus") // count)) if fabric else 1
    return Machine(name, entry["provider"], gpu, gpu_label, count, pricing.value(f"/gpus/{gpu}/memory"), fabric, most)


def peak_tflops(pricing: Pricing, gpu: str, precision: str) -> tuple[float, str]:
    """What peak dense TFLOPS applies to a GPU at a run's precision, and which figure is it?

    The best figure the GPU has for the precision: bf16, else fp16, for a tensor or fp8 run (fp8's gain is
    measured, not read off the datasheet), fp32 on a GPU without tensor cores or for an fp32 run.
    ``(0.0, "none")`` if none.

    >>> from calculators import load_pricing
    >>> peak_tflops(load_pricing(), "A100-40GB", "tensor"), peak_tflops(load_pricing(), "A100-40GB", "fp32")
    ((312, 'bf16'), (19.5, 'fp32'))
    """
    for name in PRECISION_FIELDS[precision]:
        ref = f"/gpus/{gpu}/{name}"
        if pricing.has(ref):
            return pricing.value(ref), name.split("_")[0]
    return 0.0, "none"


def price_observation(pricing: Pricing, pointer: str, basis: str) -> tuple[Observation, bool]:
    """Which observation does a price basis mean, and did it fall back to the newest one?

    ``basis`` is ``current`` or a source id; a quantity with no observation from that source
    falls back to its newest.

    >>> from calculators import load_pricing
    >>> obs, fell_back = price_observation(load_pricing(), "/instances/p4d.24xlarge/on_demand", "note-nanogpt")
    >>> obs.value, fell_back
    (33.05, False)
    """
    quantity = pricing.quantity(pointer)
    if basis == "current":
        return quantity.current, False
    try:
        return quantity.from_source(basis), False
    except PricingError:
        return quantity.current, True


def memory_shortfall(needed_gb: float, has_gb: float) -> str:
    """Say why a run does not fit on a GPU.

    >>> memory_shortfall(52.31, 40)
    'needs 52.31 GB per GPU, has 40 GB'
    """
    return f"needs {format_value(needed_gb, 'GB')} per GPU, has {format_value(has_gb, 'GB')}"


def most_gpus(pricing: Pricing, gpu: str, provider: str | None = None) -> tuple[str, int] | None:
    """Which machine carries the most of one GPU (at one provider), and how many? ``None`` if none does.

    Ties go to the machine listed first in pricing.json.

    >>> from calculators import load_pricing
    >>> most_gpus(load_pricing(), "A100-40GB", "aws")
    ('p4d.24xlarge', 8)
    """
    best: tuple[str, int] | None = None
    for name in gpu_machines(pricing):
        spec = machine(pricing, name)
        if isinstance(spec, Machine) and spec.gpu == gpu and provider in (None, spec.provider):
            if best is None or spec.gpu_count > best[1]:
                best = (name, spec.gpu_count)
    return best


def largest_machine(pricing: Pricing, provider: str | None = None) -> tuple[str, float] | None:
    """Which machine (at one provider) has the most dense 16-bit compute, GPUs × peak, and how many TFLOPS?

    >>> from calculators import load_pricing
    >>> name, tflops = largest_machine(load_pricing(), "aws")
    >>> tflops == max(machine(load_pricing(), n).gpu_count * peak_tflops(load_pricing(), machine(load_pricing(), n).gpu,
    ...     "tensor")[0] for n in gpu_machines(load_pricing()) if isinstance(machine(load_pricing(), n), Machine)
    ...     and machine(load_pricing(), n).provider == "aws")
    True
    """
    best: tuple[str, float] | None = None
    for name in gpu_machines(pricing):
        spec = machine(pricing, name)
        if isinstance(spec, Machine) and provider in (None, spec.provider):
            total = spec.gpu_count * peak_tflops(pricing, spec.gpu, "tensor")[0]
            if best is None or total > best[1]:
                best = (name, total)
    return best


def price_change(pricing: Pricing, ref: str) -> float:
    """By what fraction did a price move from a source's figure (``ref`` pinned with ``@source``) to the newest?

    >>> from calculators import load_pricing
    >>> round(price_change(load_pricing(), "/instances/g5.xlarge/on_demand@note-aws-dl"), 3)
    0.006
    """
    if "@" not in ref:
        raise CalculatorError(f"a price change needs a reference pinned to a source, e.g. {ref}@note-aws-dl", ref)
    then, now = pricing.observation(ref), pricing.quantity(ref).current
    if then.value == 0:
        raise CalculatorError(f"{ref} is 0, so no change can be stated as a share of it", ref)
    return now.value / then.value - 1.0
