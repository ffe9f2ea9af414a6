"""What will it cost to train this model on this many tokens, and on which machine?

Compute. Training takes 6·N FLOPs per token for N parameters (forward 2·N, backward 4·N:
Kaplan et al. 2020; EleutherAI, "Transformer Math 101"). With the attention option on (the
default) we add PaLM's appendix-B attention term, 12·L·H·Q·T FLOPs per token for L layers,
H heads, head size Q and sequence length T, exactly as nanoGPT's ``estimate_mfu`` counts it:
``flops_per_token = 6·N + 12·L·H·Q·T``. Total FLOPs = flops_per_token × D tokens.

Time on a machine = FLOPs / (GPUs × peak dense TFLOPS × MFU × scaling efficiency), where the
scaling efficiency applies only when the machine has more than one GPU. The peak is the GPU's
bf16 figure, else fp16, else fp32 (or fp32 when fp32 is chosen); a row says when a GPU has no
16-bit figure and fp32 was used.

Memory. Mixed-precision Adam keeps about 16 bytes per parameter: 2 (16-bit weights) + 2 (16-bit
gradients) + 4 + 4 + 4 (fp32 master weights, Adam m and v); fp32 training also comes to 16
(4 + 4 + 4 + 4). These states are assumed sharded evenly across the machine's GPUs
(ZeRO-3/FSDP style). Each GPU also holds the activations of its own micro-batch, from
Korthikanti et al. 2022 (no recomputation, no tensor parallelism): per layer
s·b·h·(34 + 5·a·s/h) bytes for sequence s, micro-batch b, width h and a heads; with flash
attention the 5·a·s/h score term is not stored; in fp32 we double the 16-bit figure. Logits and
embeddings are left out. A machine holds the run when states/GPUs + activations fit in one GPU,
that is when GPUs × memory >= states + GPUs × activations.

Spot. The expected wall time with interruptions comes from the ``spot`` module (Young/Daly
checkpoint interval, lost work and restarts); the on-demand run writes no checkpoints.

Storage and transfer. The dataset and the kept checkpoints (12 bytes per parameter: fp32
weights and Adam m, v) sit on the chosen store for as long as the run lasts; the dataset is
transferred in once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._charts import line_chart
from ._declare import Calculator, Input
from ._errors import CalculatorError, PricingError
from ._pricing import Observation, Pricing
from ._result import Figure, Result, Table, Value, format_value
from .spot import expected_wall_hours, mean_hours_between_interruptions, optimal_checkpoint_interval

NOTE = "nanogpt-gpt2-124m"

HOURS_PER_MONTH = 730.0
"""365 × 24 / 12: how the monthly storage prices are spread over hours."""

BYTES_PER_GB = 1e9
STATE_BYTES_PER_PARAMETER = 16
CHECKPOINT_BYTES_PER_PARAMETER = 12

# The instance ids with a GPU in pricing.json. The declaration must list them because the
# form is drawn before pricing.json is loaded; a test keeps this list equal to the file's.
INSTANCE_CHOICES = (
    "p5.48xlarge",
    "p4d.24xlarge",
    "p4de.24xlarge",
    "p3.2xlarge",
    "p3.8xlarge",
    "p3.16xlarge",
    "p3dn.24xlarge",
    "p2.xlarge",
    "p2.16xlarge",
    "g5.xlarge",
    "g5.48xlarge",
    "g4dn.xlarge",
    "g6.xlarge",
    "g3s.xlarge",
    "g2.2xlarge",
    "g2.8xlarge",
    "lambda-1x-a10",
    "lambda-1x-a100-40gb",
    "lambda-8x-a100-40gb",
    "lambda-8x-a100-80gb",
    "lambda-1x-h100",
    "lambda-8x-h100",
    "lambda-8x-v100",
)

PRICE_BASES = (
    ("current", "Newest price of each machine"),
    ("note-nanogpt", "nanoGPT-on-AWS note, where it quotes a price"),
    ("note-aws-dl", "AWS deep-learning note, where it quotes a price"),
    ("note-cost-of-dl", "Cost of Deep Learning note, where it quotes a price"),
    ("note-desktop-2019", "AWS vs desktop note (2019), where it quotes a price"),
    ("note-aws-gpu-2015", "AWS GPU note (2015), where it quotes a price"),
)

STORES = (("ebs-gp3", "EBS gp3 volume"), ("s3-standard", "S3 Standard"))

__all__ = [
    "flops_per_token",
    "training_flops",
    "training_hours",
    "implied_mfu",
    "model_state_bytes",
    "activation_bytes",
    "memory_per_gpu_gb",
    "storage_cost",
    "spot_wall_hours",
    "InstanceEstimate",
    "Exclusion",
    "estimate_instances",
    "pareto_front",
    "CALCULATOR",
]


# --- compute -------------------------------------------------------------------------------


def flops_per_token(parameters: float, layers: int, heads: int, embedding: int, sequence: int, attention: bool = True) -> float:
    """How many FLOPs does one training token cost (forward and backward)?

    GPT-2 124M as nanoGPT counts it: 6 × 124e6 + 12 × 12 layers × 12 heads × 64 × 1024.

    >>> flops_per_token(124e6, 12, 12, 768, 1024)
    857246208.0
    >>> flops_per_token(124e6, 12, 12, 768, 1024, attention=False)
    744000000.0
    """
    dense = 6.0 * parameters
    if not attention:
        return dense
    head_size = embedding / heads
    return dense + 12.0 * layers * heads * head_size * sequence


def training_flops(parameters: float, tokens: float, layers: int, heads: int, embedding: int, sequence: int,
                   attention: bool = True) -> float:
    """How many FLOPs does training on ``tokens`` tokens take?

    A 1M-parameter model on 1B tokens, 6·N·D only:

    >>> training_flops(1e6, 1e9, 2, 2, 64, 128, attention=False)
    6000000000000000.0
    """
    return flops_per_token(parameters, layers, heads, embedding, sequence, attention) * tokens


def training_hours(flops: float, gpu_count: int, peak_tflops: float, mfu: float, scaling_efficiency: float = 1.0) -> float:
    """How many hours do ``flops`` take on ``gpu_count`` GPUs at ``mfu`` of their peak?

    The scaling efficiency is applied only when there is more than one GPU. 1e18 FLOPs on one
    100-TFLOPS GPU at 50% MFU: 1e18 / 5e13 = 20,000 s:

    >>> round(training_hours(1e18, 1, 100, 0.5), 4)
    5.5556
    >>> round(training_hours(1e18, 2, 100, 0.5, 0.8), 4)
    3.4722
    >>> training_hours(0, 8, 312, 0.3)
    0.0
    """
    if flops == 0:
        return 0.0
    efficiency = scaling_efficiency if gpu_count > 1 else 1.0
    per_second = gpu_count * peak_tflops * 1e12 * mfu * efficiency
    return flops / per_second / 3600.0


def implied_mfu(flops: float, gpu_count: int, peak_tflops: float, hours: float, scaling_efficiency: float = 1.0) -> float:
    """What MFU does a published wall time imply?

    The inverse of ``training_hours``: 1e18 FLOPs in 5.5556 h on one 100-TFLOPS GPU:

    >>> round(implied_mfu(1e18, 1, 100, 1e18 / 5e13 / 3600), 6)
    0.5
    """
    efficiency = scaling_efficiency if gpu_count > 1 else 1.0
    return flops / (hours * 3600.0 * gpu_count * peak_tflops * 1e12 * efficiency)


# --- memory --------------------------------------------------------------------------------


def model_state_bytes(parameters: float) -> float:
    """How many bytes do weights, gradients and Adam states take in mixed precision?

    2 + 2 + 4 + 4 + 4 = 16 bytes per parameter; 124M parameters need 1.984 GB:

    >>> model_state_bytes(124e6) / 1e9
    1.984
    """
    return STATE_BYTES_PER_PARAMETER * parameters


def activation_bytes(sequence: int, micro_batch: int, embedding: int, heads: int, layers: int,
                     store_scores: bool = True, bytes_scale: float = 1.0) -> float:
    """How many bytes of activations does one GPU keep for its micro-batch?

    Korthikanti et al. 2022: s·b·h·(34 + 5·a·s/h) bytes a layer. GPT-2 124M, micro-batch 12:
    1024 × 12 × 768 × (34 + 80) × 12 layers = 12.91 GB; 4.36 GB with flash attention.

    >>> round(activation_bytes(1024, 12, 768, 12, 12) / 1e9, 2)
    12.91
    >>> round(activation_bytes(1024, 12, 768, 12, 12, store_scores=False) / 1e9, 2)
    3.85
    """
    per_value = 34.0 + (5.0 * heads * sequence / embedding if store_scores else 0.0)
    return sequence * micro_batch * embedding * per_value * layers * bytes_scale


def memory_per_gpu_gb(parameters: float, gpu_count: int, activations: float) -> float:
    """How many GB does each GPU need when the model states are sharded across ``gpu_count`` GPUs?

    124M parameters on 8 GPUs with 1 GB of activations each: 1.984 / 8 + 1 = 1.248 GB:

    >>> memory_per_gpu_gb(124e6, 8, 1e9)
    1.248
    """
    return (model_state_bytes(parameters) / gpu_count + activations) / BYTES_PER_GB


# --- storage and spot ----------------------------------------------------------------------


def storage_cost(size_gb: float, price_per_gb_month: float, hours: float) -> float:
    """What does keeping ``size_gb`` for ``hours`` cost at a monthly price?

    100 GB of gp3 at $0.08 per GB-month for 365 hours (half a month):

    >>> storage_cost(100, 0.08, 365)
    4.0
    """
    return size_gb * price_per_gb_month * hours / HOURS_PER_MONTH


def spot_wall_hours(work_hours: float, monthly_rate: float, checkpoint_hours: float, restart_hours: float) -> float | None:
    """How long does ``work_hours`` of training take on spot, interruptions included?

    Checkpoints are written at Young's interval sqrt(2·C·M); the spot module's Daly formula
    gives the expected wall time. Returns ``None`` when the run never finishes. With no
    interruptions (rate 0) the work takes its own time and writes no checkpoints.

    The nanoGPT run (98.72 h) at 10% a month, 1-minute checkpoints, 10-minute restarts:

    >>> round(spot_wall_hours(98.72, 0.1, 1 / 60, 10 / 60), 2)
    98.94
    >>> spot_wall_hours(100, 0, 0.1, 0.2), spot_wall_hours(0, 0.1, 0.1, 0.2)
    (100, 0)
    """
    if work_hours == 0 or monthly_rate == 0:
        return work_hours
    mtbi = mean_hours_between_interruptions(monthly_rate)
    interval = optimal_checkpoint_interval(checkpoint_hours, mtbi)
    try:
        wall = expected_wall_hours(work_hours, interval, checkpoint_hours, restart_hours, mtbi)
    except OverflowError:
        return None
    return wall if math.isfinite(wall) else None


# --- per machine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InstanceEstimate:
    """Time, memory and cost of the run on one machine."""

    instance: str
    provider: str
    gpu: str
    gpu_label: str
    gpu_count: int
    peak_tflops: float
    precision_used: str
    hours: float
    memory_needed_gb: float
    memory_per_gpu_gb: float
    on_demand_price: float
    compute_cost: float
    storage_cost: float
    transfer_cost: float
    spot_price: float | None
    spot_hours: float | None
    spot_outcome: str
    spot_total: float | None
    notes: tuple[str, ...]

    @property
    def fits(self) -> bool:
        """Whether the sharded states plus one micro-batch of activations fit in one GPU."""
        return self.memory_needed_gb <= self.memory_per_gpu_gb

    @property
    def on_demand_total(self) -> float:
        """Compute, storage for the run and the transfer in."""
        return self.compute_cost + self.storage_cost + self.transfer_cost

    @property
    def days(self) -> float:
        """The on-demand wall time in days."""
        return self.hours / 24.0


@dataclass(frozen=True)
class Exclusion:
    """A machine left out of the ranking, and why."""

    instance: str
    gpu: str
    reason: str


def _observation(pricing: Pricing, pointer: str, basis: str) -> tuple[Observation, bool]:
    """The observation a price basis means, and whether it fell back to the newest one."""
    quantity = pricing.quantity(pointer)
    if basis == "current":
        return quantity.current, False
    try:
        return quantity.from_source(basis), False
    except PricingError:
        return quantity.current, True


def _peak(pricing: Pricing, gpu: str, precision: str) -> tuple[float, str]:
    """The GPU's peak dense TFLOPS for a precision choice, and which figure it is."""
    fields = ("bf16_tflops", "fp16_tflops", "fp32_tflops") if precision == "tensor" else ("fp32_tflops",)
    for name in fields:
        ref = f"/gpus/{gpu}/{name}"
        if pricing.has(ref):
            return pricing.value(ref), name.split("_")[0]
    return 0.0, "none"


def _tokens(v: dict) -> float:
    return float(v["steps"]) * float(v["tokens_per_step"])


def _flops(v: dict) -> float:
    return training_flops(v["parameters"], _tokens(v), v["layers"], v["heads"], v["embedding"], v["block_size"],
                          v["attention_flops"] == "on")


def _activations(v: dict) -> float:
    return activation_bytes(v["block_size"], v["micro_batch"], v["embedding"], v["heads"], v["layers"],
                            v["activation_memory"] == "full", 2.0 if v["precision"] == "fp32" else 1.0)


def _estimate(name: str, entry: dict, v: dict, pricing: Pricing, flops: float, activations: float) -> InstanceEstimate | Exclusion:
    gpu = entry["gpu"]
    if gpu is None:
        return Exclusion(name, "none", "no GPU model listed")
    gpu_label = pricing.section("gpus")[gpu]["label"]
    if entry.get("retired"):
        return Exclusion(name, gpu_label, f"no longer offered: {entry['retired']}")
    gpu_count = int(pricing.value(f"/instances/{name}/gpu_count"))
    peak, used = _peak(pricing, gpu, v["precision"])
    if gpu_count < 1 or peak <= 0:
        return Exclusion(name, gpu_label, "no GPU count or throughput figure")
    notes: list[str] = []
    if v["precision"] == "tensor" and used == "fp32":
        notes.append(f"{gpu_label} has no bf16/fp16 figure: fp32 peak used")
    basis = v["price_basis"]
    hours = training_hours(flops, gpu_count, peak, v["mfu"], v["scaling_efficiency"])
    on_demand, fell_back = _observation(pricing, f"/instances/{name}/on_demand", basis)
    if basis != "current" and not fell_back:
        notes.append(f"{basis} price")
    store_price = _observation(pricing, f"/storage/{v['dataset_store']}/price", basis)[0].value
    transfer_price = _observation(pricing, "/transfer/aws-transfer-in/price", basis)[0].value
    stored_gb = v["dataset_gb"] + v["checkpoints_kept"] * CHECKPOINT_BYTES_PER_PARAMETER * v["parameters"] / BYTES_PER_GB
    transfer = v["dataset_gb"] * transfer_price
    spot_price = spot_hours = spot_total = None
    if "spot" not in entry:
        outcome = "no spot price"
    else:
        spot_obs = _observation(pricing, f"/instances/{name}/spot", basis)[0]
        spot_price = spot_obs.value
        if spot_obs.as_of[:4] < pricing.snapshot_date[:4]:
            notes.append(f"spot price from {spot_obs.as_of[:4]}")
        spot_hours = spot_wall_hours(hours, v["interruption_rate"], v["checkpoint_minutes"] / 60.0, v["restart_minutes"] / 60.0)
        if spot_hours is None:
            outcome = "never finishes"
        else:
            outcome = "no interruptions" if v["interruption_rate"] == 0 else "finishes"
            spot_total = spot_hours * spot_price + storage_cost(stored_gb, store_price, spot_hours) + transfer
    return InstanceEstimate(
        instance=name,
        provider=entry["provider"],
        gpu=gpu,
        gpu_label=gpu_label,
        gpu_count=gpu_count,
        peak_tflops=peak,
        precision_used=used,
        hours=hours,
        memory_needed_gb=memory_per_gpu_gb(v["parameters"], gpu_count, activations),
        memory_per_gpu_gb=pricing.value(f"/gpus/{gpu}/memory"),
        on_demand_price=on_demand.value,
        compute_cost=hours * on_demand.value,
        storage_cost=storage_cost(stored_gb, store_price, hours),
        transfer_cost=transfer,
        spot_price=spot_price,
        spot_hours=spot_hours,
        spot_outcome=outcome,
        spot_total=spot_total,
        notes=tuple(notes),
    )


def _check(v: dict) -> None:
    if v["embedding"] % v["heads"]:
        raise CalculatorError(
            f"Attention heads ('heads') must divide the embedding width {v['embedding']}: {v['heads']}", "heads"
        )


def estimate_instances(v: dict, pricing: Pricing) -> tuple[list[InstanceEstimate], list[InstanceEstimate | Exclusion]]:
    """Estimate the run on every machine in pricing.json: (ranked, excluded).

    Ranked holds the machines that can hold the run, cheapest on-demand total first (ties:
    faster first, then by name). Excluded holds the rest: machines without a GPU, retired ones,
    and estimates that do not fit in memory.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> v = CALCULATOR.defaults(pricing, {"preset": "nanogpt-gpt2-124m"})
    >>> ranked, excluded = estimate_instances(v, pricing)
    >>> "c5.2xlarge" in [item.instance for item in excluded]
    True
    """
    _check(v)
    flops = _flops(v)
    activations = _activations(v)
    ranked: list[InstanceEstimate] = []
    excluded: list[InstanceEstimate | Exclusion] = []
    for name, entry in pricing.section("instances").items():
        estimate = _estimate(name, entry, v, pricing, flops, activations)
        if isinstance(estimate, InstanceEstimate) and estimate.fits:
            ranked.append(estimate)
        else:
            excluded.append(estimate)
    ranked.sort(key=lambda item: (item.on_demand_total, item.hours, item.instance))
    return ranked, excluded


def pareto_front(points: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Which (label, hours, cost) options are not beaten on both time and cost by another?

    >>> pareto_front([("a", 10, 100), ("b", 20, 50), ("c", 30, 80), ("d", 5, 300)])
    [('d', 5, 300), ('a', 10, 100), ('b', 20, 50)]
    """
    front: list[tuple[str, float, float]] = []
    for label, hours, cost in sorted(points, key=lambda p: (p[1], p[2], p[0])):
        if not front or cost < front[-1][2]:
            front.append((label, hours, cost))
    return front


# --- the result ----------------------------------------------------------------------------


def _spot_text(item: InstanceEstimate) -> str:
    if item.spot_total is not None:
        return format_value(item.spot_total, "USD")
    return item.spot_outcome


def _ranked_table(ranked: list[InstanceEstimate]) -> Table:
    columns = ("rank", "instance", "GPUs", "peak used", "hours", "days", "on-demand", "spot", "spot hours", "note")
    rows, data = [], []
    for rank, item in enumerate(ranked, 1):
        gpus = f"{item.gpu_count} × {item.gpu_label}"
        peak = f"{format_value(item.peak_tflops, 'TFLOPS')} {item.precision_used}"
        spot_hours = format_value(item.spot_hours, "h") if item.spot_hours is not None else "—"
        rows.append((str(rank), item.instance, gpus, peak, format_value(item.hours, "h"), format_value(item.days, "days"),
                     format_value(item.on_demand_total, "USD"), _spot_text(item), spot_hours, "; ".join(item.notes) or "—"))
        data.append((rank, item.instance, item.provider, item.gpu, item.gpu_count, item.peak_tflops, item.precision_used,
                     round(item.hours, 6), round(item.days, 6), round(item.on_demand_total, 4),
                     None if item.spot_total is None else round(item.spot_total, 4), item.spot_outcome))
    return Table("ranked", "Machines that can hold the run, cheapest on demand first", columns, tuple(rows), tuple(data))


def _excluded_table(excluded: list[InstanceEstimate | Exclusion]) -> Table:
    rows = []
    for item in excluded:
        if isinstance(item, Exclusion):
            rows.append((item.instance, item.gpu, item.reason))
        else:
            reason = (f"needs {format_value(item.memory_needed_gb, 'GB')} per GPU, "
                      f"has {format_value(item.memory_per_gpu_gb, 'GB')}")
            rows.append((item.instance, f"{item.gpu_count} × {item.gpu_label}", reason))
    return Table("excluded", "Machines left out, and why", ("instance", "GPUs", "reason"), tuple(rows), tuple(rows))


def _figure(ranked: list[InstanceEstimate]) -> Figure:
    on_demand = [(item.instance, item.hours, item.on_demand_total) for item in ranked]
    spot = [(f"{item.instance} spot", item.spot_hours, item.spot_total) for item in ranked if item.spot_total is not None]
    front = pareto_front(on_demand + spot)
    series = [
        ("On demand", [p[1] for p in on_demand], [p[2] for p in on_demand]),
        ("Spot", [p[1] for p in spot], [p[2] for p in spot]),
        ("Best trade-offs (no option is both faster and cheaper)", [p[1] for p in front], [p[2] for p in front]),
    ]
    figure = line_chart("Cost against training time, by machine", "training time (hours)", "total cost (USD)", series)
    # Names go in the hover text: two dozen labelled points overlap. Only the best trade-offs are labelled.
    for trace, points in zip(figure["data"][:2], (on_demand, spot)):
        trace["mode"] = "markers"
        trace["hovertext"] = [p[0] for p in points]
    figure["data"][2].update(
        mode="lines+markers+text", line={"dash": "dot"}, text=[p[0] for p in front], textposition="top right"
    )
    figure["layout"]["hovermode"] = "closest"
    everything = on_demand + spot
    for axis, index in (("xaxis", 1), ("yaxis", 2)):
        values = [p[index] for p in everything if p[index] > 0]
        if values and max(values) > 50 * min(values):
            figure["layout"][axis]["type"] = "log"
            figure["layout"][axis].pop("rangemode", None)
    if not ranked:
        alt = "No machine in the price list can hold this run, so there is nothing to plot."
    else:
        parts = [f"{label}: {format_value(hours, 'h')}, {format_value(cost, 'USD')}" for label, hours, cost in everything]
        best = ", ".join(label for label, _, _ in front)
        alt = f"Training time and total cost per option. {'; '.join(parts)}. Best trade-offs: {best}."
    return Figure("cost_vs_time", figure["layout"]["title"]["text"], figure, alt)


def compute(v: dict, pricing: Pricing) -> Result:
    """The ranked machines, the cheapest and the chosen one, the exclusions and the cost-time chart."""
    if v["instance"] not in pricing.section("instances"):
        raise CalculatorError(f"Machine ('instance') is not in pricing.json: {v['instance']!r}", "instance")
    ranked, excluded = estimate_instances(v, pricing)
    flops = _flops(v)
    activations = _activations(v)
    tokens = _tokens(v)
    values = [
        Value("tokens", "Training tokens", tokens / 1e9, "B tokens"),
        Value("flops_per_token", "Compute per token", flops / tokens / 1e6 if tokens else 0.0, "MFLOP"),
        Value("total_flops", "Training compute", flops / 1e18, "EFLOP"),
        Value("state_memory", "Weights, gradients and Adam states (16 B/parameter)", model_state_bytes(v["parameters"]) / BYTES_PER_GB, "GB"),
        Value("activation_memory", "Activations per GPU", activations / BYTES_PER_GB, "GB"),
    ]
    notes: list[str] = []
    if tokens == 0:
        notes.append("No tokens to train: every machine takes 0 hours, and only the transfer in costs anything.")
    if ranked:
        best = ranked[0]
        values += [
            Value("cheapest_cost", f"Cheapest: {best.instance} on demand", best.on_demand_total, "USD"),
            Value("cheapest_hours", f"Cheapest: {best.instance} time", best.hours, "h"),
            Value("cheapest_days", f"Cheapest: {best.instance} time in days", best.days, "days"),
        ]
        spot_options = [item for item in ranked if item.spot_total is not None]
        if spot_options:
            spot_best = min(spot_options, key=lambda item: (item.spot_total, item.instance))
            values.append(Value("cheapest_spot_cost", f"Cheapest on spot: {spot_best.instance}", spot_best.spot_total, "USD",
                                note=f"{format_value(spot_best.spot_hours, 'h')} with interruptions"))
        else:
            notes.append("No machine that can hold the run has a spot price that finishes.")
        fastest = min(ranked, key=lambda item: (item.hours, item.on_demand_total))
        values.append(Value("fastest_hours", f"Fastest: {fastest.instance}", fastest.hours, "h",
                            note=f"{format_value(fastest.on_demand_total, 'USD')} on demand"))
    else:
        notes.append("No machine in pricing.json can hold this run: see the excluded list for what each one lacks.")
    chosen_values, chosen_notes = _chosen_values(v["instance"], ranked, excluded)
    values += chosen_values
    notes += chosen_notes
    if v["price_basis"] != "current":
        notes.append(f"Machines marked '{v['price_basis']} price' use that source's price; the others use their newest price.")
    notes.append(f"Storage is priced on {dict(STORES)[v['dataset_store']]} for every machine, for as long as the run lasts.")
    return Result(
        tuple(values),
        (_ranked_table(ranked), _excluded_table(excluded)),
        (_figure(ranked),),
        tuple(notes),
    )


def _chosen_values(name: str, ranked: list[InstanceEstimate], excluded: list) -> tuple[list[Value], list[str]]:
    item = next(item for item in ranked + excluded if item.instance == name)
    if isinstance(item, Exclusion):
        return [], [f"{name} cannot be estimated: {item.reason}."]
    fit_note = "" if item.fits else (
        f"does not fit: needs {format_value(item.memory_needed_gb, 'GB')} per GPU, has {format_value(item.memory_per_gpu_gb, 'GB')}"
    )
    values = [
        Value("instance_hours", f"{name}: training time", item.hours, "h", note=fit_note),
        Value("instance_days", f"{name}: training time in days", item.days, "days"),
        Value("instance_compute", f"{name}: compute on demand", item.compute_cost, "USD",
              note=f"{format_value(item.on_demand_price, 'USD/h')}"),
        Value("instance_on_demand", f"{name}: total on demand", item.on_demand_total, "USD", note=fit_note),
    ]
    notes = [f"{name} cannot hold the run: it {fit_note}."] if fit_note else []
    if item.spot_total is not None:
        values.append(Value("instance_spot", f"{name}: total on spot", item.spot_total, "USD",
                            note=f"{format_value(item.spot_hours, 'h')} with interruptions"))
    elif item.spot_outcome == "never finishes":
        notes.append(f"On spot, {name} never finishes: interruptions come faster than it can checkpoint and restart.")
    return values, notes


def _a(name: str) -> str:
    return f"/assumptions/{NOTE}/values/{name}"


CALCULATOR = Calculator(
    name="cost_to_train",
    title="Cost to train a model, machine by machine",
    summary="Training time, memory fit and on-demand and spot cost of a transformer run on every machine in the price list.",
    inputs=(
        Input("parameters", "Model parameters", "parameters", _a("parameters"), minimum=1, maximum=1e13, step=1e6),
        Input("steps", "Training steps", "steps", _a("iterations"), minimum=0, maximum=1e9, step=1, integer=True),
        Input("tokens_per_step", "Tokens per step (whole batch)", "tokens", _a("tokens_per_iteration"),
              minimum=1, maximum=1e9, step=1, integer=True),
        Input("layers", "Layers", "layers", _a("layers"), minimum=1, maximum=1000, step=1, integer=True),
        Input("heads", "Attention heads", "heads", _a("heads"), minimum=1, maximum=1024, step=1, integer=True),
        Input("embedding", "Embedding width", "", _a("embedding"), minimum=1, maximum=1_000_000, step=1, integer=True),
        Input("block_size", "Sequence length", "tokens", _a("block_size"), minimum=1, maximum=10_000_000, step=1, integer=True),
        Input("attention_flops", "Attention FLOPs", "", "on",
              choices=(("on", "Count them: 6·N + 12·L·H·Q·T per token"), ("off", "Leave them out: 6·N per token"))),
        Input("precision", "Precision", "", "tensor", choices=(("tensor", "bf16/fp16 (tensor)"), ("fp32", "fp32"))),
        Input("mfu", "Model FLOPs utilisation (MFU)", "fraction", "/assumptions/site-defaults/values/mfu", minimum=0.01, maximum=1, step=0.01,
              help="Share of peak throughput the run achieves. The default is a round figure near what "
                   "nanoGPT's 4-day GPT-2 run implies on 8×A100."),
        Input("scaling_efficiency", "Multi-GPU scaling efficiency", "fraction", "/assumptions/site-defaults/values/scaling_efficiency", minimum=0.01, maximum=1, step=0.01,
              help="Applied only on machines with more than one GPU: the share of throughput left after communication."),
        Input("micro_batch", "Micro-batch per GPU", "sequences", 1, minimum=1, maximum=100_000, step=1, integer=True),
        Input("activation_memory", "Attention scores in memory", "", "full",
              choices=(("full", "Stored (Korthikanti et al. 2022)"), ("flash", "Not stored (flash attention)"))),
        Input("instance", "Machine to show", "", "p4d.24xlarge", choices=tuple((name, name) for name in INSTANCE_CHOICES)),
        Input("price_basis", "Prices", "", "current", choices=PRICE_BASES,
              help="A note's own price where it quotes one, otherwise the newest price."),
        Input("dataset_gb", "Dataset size", "GB", "/assumptions/nanogpt-note/values/dataset_size", maximum=100_000_000, step=1),
        Input("dataset_store", "Where the data lives", "", "ebs-gp3", choices=STORES),
        Input("checkpoints_kept", "Checkpoints kept", "checkpoints", 1, minimum=0, maximum=10_000, step=1, integer=True,
              help="Each is 12 bytes per parameter (fp32 weights and Adam m, v)."),
        Input("interruption_rate", "Spot: monthly interruption rate", "share of instances",
              "/assumptions/spot-defaults/values/interruption_rate_high", minimum=0, maximum=0.99, step=0.01,
              help="The share of spot instances interrupted within a month (Spot Instance Advisor bands); 0.1 means 10%."),
        Input("checkpoint_minutes", "Spot: time to write a checkpoint", "min", "/assumptions/site-defaults/values/checkpoint_minutes", minimum=0, maximum=1440, step=0.5,
              help="A guess, as in the spot calculator: replace it with your own measurement."),
        Input("restart_minutes", "Spot: time to restart after an interruption", "min", "/assumptions/site-defaults/values/restart_minutes", minimum=0, maximum=1440, step=1,
              help="A guess, as in the spot calculator: a new machine, then reloading the data and the last checkpoint."),
    ),
    compute=compute,
    presets={
        NOTE: {
            "instance": "p4d.24xlarge",
            "price_basis": "note-nanogpt",
        }
    },
)
