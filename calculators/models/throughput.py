"""How fast one GPU trains: model FLOPs utilisation (MFU) from published measurements, and what FP8 buys.

A row of pricing.json's ``throughput`` is a published measurement: a model's shape, a GPU and how many, the fabric
of the measuring cluster, and tokens per second per GPU (or the MFU the source states). Each row becomes one
GPU's MFU *on one machine*: tokens per second × FLOPs per token ÷ peak, divided by the share the measuring
cluster's fabric kept at its size (so each loss is counted once: a cluster plan applies its own fabric again at its
own size), and, for an FP8 row, divided by the GPU's measured FP8 speed-up (so every row is a BF16 figure).

The MFU of a model with N active parameters is interpolated on log N between the rows of its kind (dense or
mixture-of-experts) and held at the end rows beyond them. A GPU without rows takes another's: ``measured_as`` (the
same chip with other memory or clocks: the other's MFU with this GPU's own peak) or ``relative_to`` (a speed per
GPU measured beside another GPU on the same software: MFU × speed × the other's peak ÷ this one's peak).

FP8 multiplies the BF16 speed by the GPU's measured ``fp8_speedup`` (1.2–1.3×), never by the datasheet's 2×; a GPU
without one trains FP8 at its BF16 speed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from .._errors import CalculatorError
from .._pricing import MEASURED, Pricing
from .training import flops_per_token

__all__ = ["GPUS_PER_MEASURING_MACHINE", "GpuSpeed", "MfuPoint", "fabric_share", "fp8_speedup", "gpu_speed", "measured_mfu", "mfu_points"]

GPUS_PER_MEASURING_MACHINE = 8
"""Every measuring cluster in ``throughput`` is built of 8-GPU machines (DGX/HGX)."""


def fabric_share(pricing: Pricing, fabric: str, machines: float) -> float:
    """What share of one machine's per-GPU throughput does a cluster of ``machines`` keep over ``fabric``?

    Each doubling of the machines keeps the fabric's ``per_doubling`` share (strong scaling, the batch held):
    share = per_doubling ** log2(machines). 1,024 machines of the RDMA class, ten doublings, keep 0.9575^10:

    >>> from calculators import load_pricing
    >>> round(fabric_share(load_pricing(), "rdma", 1024), 3), fabric_share(load_pricing(), "rdma", 1)
    (0.648, 1.0)
    """
    if machines <= 1:
        return 1.0
    return pricing.value(f"/fabrics/{fabric}/per_doubling") ** math.log2(machines)


@dataclass(frozen=True)
class MfuPoint:
    """One measurement as one GPU's BF16 MFU on one machine, for a model of ``active_parameters``."""

    name: str
    active_parameters: float
    mfu: float


def _row_mfu(pricing: Pricing, name: str, entry: dict) -> MfuPoint:
    """One ``throughput`` row turned into a one-machine BF16 MFU point (see the module's docstring)."""
    base = f"/throughput/{name}/values"

    def number(field: str) -> float:
        return pricing.value(f"{base}/{field}")

    gpu = entry["gpu"]
    active = number("active_parameters") if pricing.has(f"{base}/active_parameters") else number("parameters")
    if pricing.has(f"{base}/mfu"):
        mfu = number("mfu")
    else:
        head_size = number("head_size") if pricing.has(f"{base}/head_size") else 0
        per_token = flops_per_token(active, int(number("layers")), int(number("heads")), int(number("embedding")),
                                    int(number("sequence")), head_size=head_size)
        mfu = number("tokens_per_second") * per_token / (pricing.value(f"/gpus/{gpu}/bf16_tflops") * 1e12)
    machines = number("gpu_count") / GPUS_PER_MEASURING_MACHINE
    mfu /= fabric_share(pricing, entry["fabric"], machines)
    if entry["precision"] == "fp8":
        mfu /= pricing.value(f"/gpus/{gpu}/fp8_speedup")
    return MfuPoint(name, active, mfu)


@functools.lru_cache(maxsize=64)
def mfu_points(pricing: Pricing, gpu: str, moe: bool) -> tuple[MfuPoint, ...]:
    """The measured one-machine BF16 MFU points of one GPU for dense (or MoE) models, smallest model first.

    >>> from calculators import load_pricing
    >>> [p.name for p in mfu_points(load_pricing(), "H100-SXM", False)][:2]
    ['llama3-8b-h100-8', 'llama3-70b-h100-64']
    """
    points = [_row_mfu(pricing, name, entry) for name, entry in pricing.data.get("throughput", {}).items()
              if entry["gpu"] == gpu and ("active_parameters" in entry["values"]) == moe]
    return tuple(sorted(points, key=lambda p: (p.active_parameters, p.name)))


def _interpolate(points: tuple[MfuPoint, ...], active_parameters: float) -> float:
    """The MFU at ``active_parameters``: points of one size averaged, then linear in log size, held at the ends."""
    sizes: dict[float, list[float]] = {}
    for point in points:
        sizes.setdefault(point.active_parameters, []).append(point.mfu)
    table = sorted((size, sum(mfus) / len(mfus)) for size, mfus in sizes.items())
    if active_parameters <= table[0][0]:
        return table[0][1]
    for (n0, m0), (n1, m1) in zip(table, table[1:]):
        if active_parameters <= n1:
            step = math.log(active_parameters / n0) / math.log(n1 / n0)
            return m0 + (m1 - m0) * step
    return table[-1][1]


def measured_mfu(pricing: Pricing, gpu: str, active_parameters: float, moe: bool) -> tuple[float, str] | None:
    """One GPU's measured BF16 MFU on one machine for a model of ``active_parameters``, and where it comes from.

    ``None`` when neither the GPU nor a GPU it is measured as or beside has a row. An MoE model on a GPU with only
    dense rows takes the dense figure, and says so.

    >>> from calculators import load_pricing
    >>> mfu, basis = measured_mfu(load_pricing(), "H200", 70e9, False)
    >>> round(mfu, 3), basis
    (0.487, 'measured on H100 SXM')
    >>> measured_mfu(load_pricing(), "T4", 1e9, False) is None
    True
    """
    entry = pricing.section("gpus")[gpu]
    own_peak = _bf16_peak(pricing, gpu)
    if entry.get("measured_as"):
        stand_in, factor = entry["measured_as"], 1.0
    elif entry.get("relative_to"):
        stand_in = entry["relative_to"]["gpu"]
        speed = pricing.value(f"/gpus/{gpu}/relative_to/speed")
        factor = speed * _bf16_peak(pricing, stand_in) / own_peak
    else:
        stand_in, factor = gpu, 1.0
    points = mfu_points(pricing, stand_in, moe)
    kind = "MoE" if moe else "dense"
    note = ""
    if not points and moe:
        points, note = mfu_points(pricing, stand_in, False), "; no MoE measurement, the dense figure"
    if not points:
        return None
    label = pricing.section("gpus")[stand_in]["label"].replace("NVIDIA ", "").split(" 80GB")[0].replace(" SXM5", " SXM")
    if stand_in == gpu:
        basis = f"measured ({kind})" + note
    elif factor == 1.0:
        basis = f"measured on {label}" + note
    else:
        basis = f"{label}'s, scaled by the {pricing.value(f'/gpus/{gpu}/relative_to/speed'):g}× speed measured beside it" + note
    return _interpolate(points, active_parameters) * factor, basis


def fp8_speedup(pricing: Pricing, gpu: str) -> float | None:
    """How much faster does FP8 train than BF16 on this GPU, as measured? ``None`` if nothing measured it.

    A GPU measured as another takes the other's figure.

    >>> from calculators import load_pricing
    >>> fp8_speedup(load_pricing(), "H100-SXM"), fp8_speedup(load_pricing(), "H200"), fp8_speedup(load_pricing(), "A100-80GB")
    (1.28, 1.28, None)
    """
    for candidate in (gpu, pricing.section("gpus")[gpu].get("measured_as")):
        if candidate and pricing.has(f"/gpus/{candidate}/fp8_speedup"):
            return pricing.value(f"/gpus/{candidate}/fp8_speedup")
    return None


def _bf16_peak(pricing: Pricing, gpu: str) -> float:
    for field in ("bf16_tflops", "fp16_tflops"):
        if pricing.has(f"/gpus/{gpu}/{field}"):
            return pricing.value(f"/gpus/{gpu}/{field}")
    return 0.0


@dataclass(frozen=True)
class GpuSpeed:
    """One GPU's sustained training speed on one machine: its peak, the MFU, the FP8 factor, and how they were chosen."""

    peak_tflops: float
    peak_label: str
    mfu: float
    fp8_factor: float
    notes: tuple[str, ...]

    @property
    def flops_per_second(self) -> float:
        """Sustained model FLOP/s: peak × MFU × the FP8 speed-up."""
        return self.peak_tflops * 1e12 * self.mfu * self.fp8_factor


@functools.lru_cache(maxsize=256, typed=True)  # pure: each machine type of one GPU asks the same, on every keystroke
def gpu_speed(pricing: Pricing, gpu: str, precision: str, efficiency: str, mfu: float, active_parameters: float,
              moe: bool) -> GpuSpeed:
    """How fast does one GPU of ``gpu`` train this model on one machine?

    ``efficiency`` is ``measured`` (MFU from the throughput rows) or any other choice, whose MFU ``mfu`` is. The
    peak is the GPU's BF16 (else FP16) figure, or FP32 for an FP32 run or a GPU without tensor cores; FP8 runs at
    the BF16 speed times the measured FP8 speed-up.

    >>> from calculators import load_pricing
    >>> speed = gpu_speed(load_pricing(), "H100-SXM", "fp8", "optimised-one-node", 0.52, 124e6, False)
    >>> speed.peak_tflops, speed.fp8_factor, round(speed.flops_per_second / 1e12, 1)
    (989, 1.28, 658.3)
    """
    from .machines import peak_tflops

    peak, used = peak_tflops(pricing, gpu, "fp32" if precision == "fp32" else "tensor")
    if peak <= 0:
        raise CalculatorError(f"{gpu} has no throughput figure", "gpu")
    notes = []
    if used == "fp32" and precision != "fp32":
        notes.append(f"{pricing.section('gpus')[gpu]['label']} has no bf16/fp16 figure: fp32 peak used")
    if efficiency == MEASURED:
        found = measured_mfu(pricing, gpu, active_parameters, moe)
        if found is None:
            notes.append("no measurement for this GPU: the optimised one-machine MFU used")
            mfu = pricing.value("/efficiency/optimised-one-node/values/mfu")
        else:
            mfu = found[0]
            if found[1] != f"measured ({'MoE' if moe else 'dense'})":
                notes.append(f"MFU {found[1]}")
    factor = 1.0
    if precision == "fp8":
        speedup = fp8_speedup(pricing, gpu)
        if speedup is None:
            notes.append("no measured fp8 speed-up for this GPU: bf16 speed used")
        else:
            factor = speedup
    return GpuSpeed(peak, used, mfu, factor, tuple(notes))
