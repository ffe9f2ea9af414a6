"""What will it cost to train this model on this many tokens, and on which machines?

Every machine type with a GPU in pricing.json gets its own plan (:func:`calculators._training_inputs.plan_machine`):
the fewest machines of that type that hold the run in memory and finish by the deadline, each GPU at its measured
speed, the cluster's fabric losing what it loses at that size, and failures costing what they cost
(:mod:`calculators.models.cluster`, which shares its interruption model with the spot page). Each plan is priced on
demand and on spot (spot interruptions added to the failures), plus storage of the data and the kept checkpoints for
as long as the run lasts (:mod:`calculators.models.storage`) and the transfer of the data in. The answer gives a
range from the spread of the published runs around the estimate (:func:`calculators.models.calibration.estimate_range`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._declare import Calculator, Input, PricingChoices, assumption
from ._numbers import format_range, format_value, number_text
from ._pricing import Pricing
from ._result import Column, Figure, Result, Table, Value
from ._training_inputs import MODEL_CONFIG, MODEL_PRESET_TITLES, MODEL_PRESETS, NOTE, RUN_INPUTS, MachinePlan, plan_machine, reliability, training_run
from .charts import Chart, Series, auto_axis
from .models.calibration import estimate_range
from .models.cluster import plan_on
from .models.machines import Exclusion, machine, price_observation, require_machine
from .models.planning import cluster_job, spot_interruptions_per_hour
from .models.storage import BYTES_PER_GB, storage_cost
from .models.training import CHECKPOINT_BYTES_PER_PARAMETER, TrainingRun, model_state_bytes, pareto_front

HARDWARE = "Hardware and price"
"""The form group that picks machines and prices."""

PRICE_BASES = PricingChoices("sources", first=(("current", "Newest price of each machine"),))

__all__ = ["CALCULATOR", "InstanceEstimate", "Option", "best_per_provider", "estimate_instances", "options"]


@dataclass(frozen=True)
class InstanceEstimate:
    """The run planned on machines of one type: how many, how long, how much memory, and what it costs."""

    instance: str
    provider: str
    gpu: str
    gpu_label: str
    gpu_count: int
    machines: int
    peak_tflops: float
    precision_used: str
    mfu: float
    hours: float
    work_hours: float
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
    meets_deadline: bool
    notes: tuple[str, ...]

    @property
    def label(self) -> str:
        """``64 × p5.48xlarge``, or the machine's name alone when one is enough."""
        return self.instance if self.machines == 1 else f"{number_text(self.machines)} × {self.instance}"

    @property
    def fits(self) -> bool:
        """Whether each GPU holds its share of the states and activations."""
        return self.memory_needed_gb <= self.memory_per_gpu_gb

    @property
    def on_demand_total(self) -> float:
        """Compute, storage for the run and the transfer in."""
        return self.compute_cost + self.storage_cost + self.transfer_cost

    @property
    def days(self) -> float:
        """The on-demand wall time in days."""
        return self.hours / 24.0

    @property
    def gpu_hours(self) -> float:
        """GPU-hours paid for on demand: every GPU for the whole wall time, failures included."""
        return self.hours * self.machines * self.gpu_count

    @property
    def lost_hours(self) -> float:
        """Wall hours that failures cost: checkpoints written, work redone, restarts."""
        return self.hours - self.work_hours

    @property
    def lost_cost(self) -> float:
        """What the lost hours cost on demand."""
        return self.lost_hours * self.machines * self.on_demand_price


def _spot(found: MachinePlan, run: TrainingRun, values: dict, pricing: Pricing, stored: tuple[float, float],
          transfer: float) -> tuple[float | None, float | None, str, float | None, list[str]]:
    """Spot price, wall hours, outcome and total of the plan's machines on spot, plus a note on an old price."""
    name = found.spec.name
    if "spot" not in pricing.section("instances")[name]:
        return None, None, "no spot price", None, []
    observation = price_observation(pricing, f"/instances/{name}/spot", values["price_basis"])[0]
    notes = [f"spot price from {observation.as_of[:4]}"] if observation.as_of[:4] < pricing.snapshot_date[:4] else []
    job = cluster_job(run, found.fit, found.spec.gpu_count, found.gpu_flops, found.per_doubling, reliability(values),
                      observation.value, spot_interruptions_per_hour(values["interruption_rate"]))
    plan = plan_on(job, found.plan.machines)
    if not math.isfinite(plan.wall_hours):
        return observation.value, None, "never finishes", None, notes
    outcome = "no interruptions" if values["interruption_rate"] == 0 else "finishes"
    total = plan.cost + storage_cost(stored[0], stored[1], plan.wall_hours) + transfer
    return observation.value, plan.wall_hours, outcome, total, notes


def _estimate(name: str, run: TrainingRun, values: dict, pricing: Pricing) -> InstanceEstimate | Exclusion:
    spec = machine(pricing, name)
    if isinstance(spec, Exclusion):
        return spec
    basis = values["price_basis"]
    on_demand, fell_back = price_observation(pricing, f"/instances/{name}/on_demand", basis)
    found = plan_machine(spec, run, values, pricing, on_demand.value)
    if isinstance(found, Exclusion):
        return found
    plan = found.plan
    if not math.isfinite(plan.wall_hours):
        return Exclusion(name, f"{spec.gpu_count} × {spec.gpu_label}",
                         f"never finishes on {number_text(plan.machines)}: failures come faster than it can checkpoint")
    notes = list(found.notes)
    if basis != "current" and not fell_back:
        notes.append(f"{basis} price")
    store_price = price_observation(pricing, f"/storage/{values['dataset_store']}/price", basis)[0].value
    transfer_price = price_observation(pricing, "/transfer/aws-transfer-in/price", basis)[0].value
    stored_gb = values["dataset_gb"] + values["checkpoints_kept"] * CHECKPOINT_BYTES_PER_PARAMETER * run.parameters / BYTES_PER_GB
    transfer = values["dataset_gb"] * transfer_price
    spot_price, spot_hours, outcome, spot_total, spot_notes = _spot(found, run, values, pricing, (stored_gb, store_price), transfer)
    speed = found.speed
    return InstanceEstimate(
        instance=name,
        provider=spec.provider,
        gpu=spec.gpu,
        gpu_label=spec.gpu_label,
        gpu_count=spec.gpu_count,
        machines=plan.machines,
        peak_tflops=speed.peak_tflops,
        precision_used=speed.peak_label if speed.fp8_factor == 1 else f"{speed.peak_label} × {speed.fp8_factor:g} fp8",
        mfu=speed.mfu,
        hours=plan.wall_hours,
        work_hours=plan.work_hours,
        memory_needed_gb=found.fit.memory_per_gpu_gb(plan.machines, spec.gpu_count, run.sharding == "sharded"),
        memory_per_gpu_gb=spec.memory_gb,
        on_demand_price=on_demand.value,
        compute_cost=plan.cost,
        storage_cost=storage_cost(stored_gb, store_price, plan.wall_hours),
        transfer_cost=transfer,
        spot_price=spot_price,
        spot_hours=spot_hours,
        spot_outcome=outcome,
        spot_total=spot_total,
        meets_deadline=found.meets_deadline,
        notes=tuple(notes + spot_notes),
    )


def estimate_instances(values: dict, pricing: Pricing) -> tuple[list[InstanceEstimate], list[InstanceEstimate | Exclusion]]:
    """Plan the run on every machine type in pricing.json: (ranked, excluded).

    Ranked holds the plans, cheapest on-demand total first (ties: faster first, then by name); those that
    meet the deadline come before those that cannot. Excluded holds the rest: machines without a GPU,
    retired ones, and those no cluster of which can hold the run.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> ranked, excluded = estimate_instances(CALCULATOR.defaults(pricing, {"preset": "nanogpt-gpt2-124m"}), pricing)
    >>> "c5.2xlarge" in [item.instance for item in excluded], [item.machines for item in ranked if item.instance == "p4d.24xlarge"]
    (True, [1])
    """
    run = training_run(values, pricing)
    ranked: list[InstanceEstimate] = []
    excluded: list[InstanceEstimate | Exclusion] = []
    for name in pricing.section("instances"):
        estimate = _estimate(name, run, values, pricing)
        (ranked if isinstance(estimate, InstanceEstimate) else excluded).append(estimate)
    ranked.sort(key=lambda item: (not item.meets_deadline, item.on_demand_total, item.hours, item.instance))
    return ranked, excluded


def _ranked_table(ranked: list[InstanceEstimate]) -> Table:
    columns = (
        Column("rank", "count"), Column("instance"), Column("provider", shown=False), Column("GPU", shown=False),
        Column("machines", "count"), Column("GPUs a machine"), Column("peak used", "TFLOPS"), Column("precision used"),
        Column("MFU", "fraction"), Column("days", "days"), Column("GPU-hours", "h"), Column("lost to failures", "h"),
        Column("on-demand", "USD"), Column("spot", "USD"), Column("spot outcome", shown=False), Column("spot hours", "h"),
        Column("note"),
    )
    rows = [
        (rank, item.instance, item.provider, item.gpu, item.machines, f"{item.gpu_count} × {item.gpu_label}",
         item.peak_tflops, item.precision_used, round(item.mfu, 3), item.days, round(item.gpu_hours), item.lost_hours,
         item.on_demand_total, item.spot_outcome if item.spot_total is None else item.spot_total, item.spot_outcome,
         item.spot_hours, "; ".join(item.notes))
        for rank, item in enumerate(ranked, 1)
    ]
    return Table("ranked", "Plans that hold the run, cheapest on demand first", columns, rows)


def _excluded_table(excluded: list[Exclusion]) -> Table:
    rows = [(item.instance, item.gpu, item.reason) for item in excluded]
    return Table("excluded", "Machines left out, and why", (Column("instance"), Column("GPUs"), Column("reason")), rows)


@dataclass(frozen=True)
class Option:
    """One way to run the job: a plan, on demand or on spot, with its hours and total cost."""

    instance: str
    provider: str
    gpu: str
    kind: str
    hours: float
    total: float
    machines: int = 1
    meets_deadline: bool = True

    @property
    def label(self) -> str:
        """The option's name in the chart and tables, e.g. ``64 × p5.48xlarge spot``."""
        name = self.instance if self.machines == 1 else f"{number_text(self.machines)} × {self.instance}"
        return name if self.kind == "on_demand" else f"{name} spot"


def options(ranked: list[InstanceEstimate], kinds: tuple[str, ...], deadline_hours: float = math.inf) -> list[Option]:
    """Every option of the chosen price kinds among the plans that hold the run; a spot option meets the deadline
    when it finishes within ``deadline_hours``, interruptions included.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> ranked, _ = estimate_instances(CALCULATOR.defaults(pricing), pricing)
    >>> {o.kind for o in options(ranked, ("spot",))}
    {'spot'}
    """
    found = []
    for item in ranked:
        if "on_demand" in kinds:
            found.append(Option(item.instance, item.provider, item.gpu, "on_demand", item.hours, item.on_demand_total,
                                item.machines, item.meets_deadline))
        if "spot" in kinds and item.spot_total is not None:
            found.append(Option(item.instance, item.provider, item.gpu, "spot", item.spot_hours, item.spot_total,
                                item.machines, item.spot_hours <= deadline_hours))
    return found


def best_per_provider(found: list[Option]) -> list[tuple[str, Option, Option]]:
    """For each provider, its cheapest option and its fastest one (ties: the other measure, then the name).

    >>> a = Option("a", "x", "g", "on_demand", 10, 100)
    >>> b = Option("b", "x", "g", "on_demand", 5, 300)
    >>> [(p, c.instance, f.instance) for p, c, f in best_per_provider([a, b])]
    [('x', 'a', 'b')]
    """
    by_provider: dict[str, list[Option]] = {}
    for option in found:
        by_provider.setdefault(option.provider, []).append(option)
    rows = []
    for provider, items in by_provider.items():
        cheapest = min(items, key=lambda o: (o.total, o.hours, o.label))
        fastest = min(items, key=lambda o: (o.hours, o.total, o.label))
        rows.append((provider, cheapest, fastest))
    return sorted(rows, key=lambda row: (row[1].total, row[0]))


def _figure(found: list[Option]) -> Figure:
    """Every option by wall time and total cost, with the options no other beats on both joined.

    When some options meet the deadline, only they are drawn: a machine type that cannot keep up would stretch
    the time axis across years (it is in the ranking, with its note).
    """
    if any(o.meets_deadline for o in found):
        found = [o for o in found if o.meets_deadline]
    in_days = any(o.hours > 72 for o in found)
    scale, unit = (24.0, "days") if in_days else (1.0, "hours")
    on_demand = [(o.label, o.hours / scale, o.total) for o in found if o.kind == "on_demand"]
    spot = [(o.label, o.hours / scale, o.total) for o in found if o.kind == "spot"]
    everything = on_demand + spot
    front = pareto_front(everything)
    # Names go in the hover text: dozens of labelled points overlap. Only the best trade-offs are labelled.
    series = (
        Series("On demand", [p[1] for p in on_demand], [p[2] for p in on_demand], style="markers",
               hover=[p[0] for p in on_demand]),
        Series("Spot", [p[1] for p in spot], [p[2] for p in spot], style="markers", hover=[p[0] for p in spot]),
        Series("Best trade-offs (no option is both faster and cheaper)", [p[1] for p in front], [p[2] for p in front],
               style="line+markers", dash="dot", labels=[p[0] for p in front]),
    )
    chart = Chart(
        "Cost against training time, by machine",
        auto_axis(f"training time ({unit})", [p[1] for p in everything]),
        auto_axis("total cost (USD)", [p[2] for p in everything], prefix="$"),
        series,
    )
    if not everything:
        alt = "No plan that holds this run passes the filters, so there is nothing to plot."
    else:
        best = ", ".join(label for label, _, _ in front)
        alt = (f"Training time against total cost for {len(everything)} options; the best trade-offs are {best}. "
               "Every option is in the table below.")
    return Figure("cost_vs_time", chart, alt)


def _kinds(choice: str) -> tuple[str, ...]:
    return ("on_demand", "spot") if choice == "both" else (choice,)


def _wanted(item: InstanceEstimate, values: dict) -> bool:
    """Whether a plan passes the reader's provider and GPU filters."""
    return values["provider_filter"] in ("all", item.provider) and values["gpu_filter"] in ("all", item.gpu)


def _provider_table(found: list[Option], pricing: Pricing) -> Table:
    columns = (
        Column("provider"), Column("provider id", shown=False), Column("cheapest"), Column("cheapest cost", "USD"),
        Column("cheapest time", "days"), Column("fastest"), Column("fastest time", "days"), Column("fastest cost", "USD"),
    )
    rows = [
        (pricing.section("providers").get(provider, {}).get("label", provider), provider, cheap.label, cheap.total,
         cheap.hours / 24, fast.label, fast.hours / 24, fast.total)
        for provider, cheap, fast in best_per_provider(found)
    ]
    return Table("providers", "Where: the cheapest and the fastest option at each provider", columns, rows)


def _run_values(run: TrainingRun) -> list[Value]:
    """What the run is: its tokens, its compute, and its memory before it is split over GPUs."""
    tokens, flops = run.tokens, run.flops
    return [
        Value("tokens", "Training tokens", tokens / 1e9, "B tokens"),
        Value("flops_per_token", "Compute per token", flops / tokens / 1e6 if tokens else 0.0, "MFLOP"),
        Value("total_flops", "Training compute", flops / 1e18, "EFLOP"),
        Value("state_memory", "Weights, gradients and Adam states (16 B/parameter)", model_state_bytes(run.parameters) / BYTES_PER_GB, "GB"),
        Value("activation_memory", "Activations of one micro-batch, before they are split", run.activation_bytes / BYTES_PER_GB, "GB"),
    ]


def _plan_values(prefix: str, label: str, item: InstanceEstimate, subject: str) -> list[Value]:
    """The three figures of a plan the page exposes: machines, GPU-hours (failures included) and wall days."""
    return [
        Value(f"{prefix}machines", f"{label}: machines", item.machines, "count", subject=subject),
        Value(f"{prefix}gpu_hours", f"{label}: GPU-hours, failures included", item.gpu_hours, "h", subject=subject),
        Value(f"{prefix}wall_days", f"{label}: days from start to finish", item.days, "days", subject=subject),
    ]


def _cheapest_values(ranked: list[InstanceEstimate], low: float, high: float) -> list[Value]:
    """The cheapest plan on demand (with its range), the cheapest on spot, and the fastest."""
    best = ranked[0]
    shown = [
        Value("cheapest_cost", f"Cheapest: {best.label} on demand", best.on_demand_total, "USD", subject=best.instance,
              note=format_range(best.on_demand_total * low, best.on_demand_total * high, "USD")),
        Value("cheapest_hours", f"Cheapest: {best.label} time", best.hours, "h", subject=best.instance,
              note=format_range(best.days * low, best.days * high, "days")),
        Value("cheapest_days", f"Cheapest: {best.label} time in days", best.days, "days", subject=best.instance),
        Value("cheapest_time", f"Cheapest: {best.label} time", *((best.days, "days") if best.hours >= 48 else (best.hours, "h")),
              note=format_range(best.days * low, best.days * high, "days") if best.hours >= 48
              else format_range(best.hours * low, best.hours * high, "h"), subject=best.instance),
        Value("cheapest_cost_low", "Cheapest on demand, low end of the range", best.on_demand_total * low, "USD", subject=best.instance),
        Value("cheapest_cost_high", "Cheapest on demand, high end of the range", best.on_demand_total * high, "USD", subject=best.instance),
        Value("cheapest_lost_hours", f"Cheapest: {best.label} time lost to failures", best.lost_hours, "h",
              note=format_value(best.lost_cost, "USD"), subject=best.instance),
        *_plan_values("cheapest_", "Cheapest", best, best.instance),
    ]
    spot_options = [item for item in ranked if item.spot_total is not None]
    if spot_options:
        spot_best = min(spot_options, key=lambda item: (item.spot_total, item.instance))
        shown.append(Value("cheapest_spot_cost", f"Cheapest on spot: {spot_best.label}", spot_best.spot_total, "USD",
                           note=f"{format_value(spot_best.spot_hours, 'h')} with interruptions", subject=spot_best.instance))
    fastest = min(ranked, key=lambda item: (item.hours, item.on_demand_total))
    shown.append(Value("fastest_hours", f"Fastest: {fastest.label}", fastest.hours, "h",
                       note=f"{format_value(fastest.on_demand_total, 'USD')} on demand", subject=fastest.instance))
    return shown


def compute(values: dict, pricing: Pricing) -> Result:
    """The plans for every machine type, the cheapest and the chosen one, the exclusions and the cost-time chart."""
    require_machine(pricing, values["instance"])
    run = training_run(values, pricing)
    every, excluded = estimate_instances(values, pricing)
    ranked = [item for item in every if _wanted(item, values)]
    found = options(ranked, _kinds(values["price_kind"]), values["deadline_days"] * 24.0)
    low, high = estimate_range(pricing, run.efficiency, run.is_moe)
    shown = [*_run_values(run), Value("machines_ranked", "Machine types with a plan (after the filters)", len(ranked), "count")]
    notes: list[str] = []
    if run.tokens == 0:
        notes.append("No tokens to train: every plan takes 0 hours, and only the transfer in costs anything.")
    if ranked:
        shown += _cheapest_values(ranked, low, high)
        if not any(item.spot_total is not None for item in ranked):
            notes.append("No plan that holds the run has a spot price that finishes.")
    elif every:
        notes.append("No plan that holds the run passes the provider and GPU filters.")
    else:
        notes.append("No machine in pricing.json can hold this run: see the excluded list for what each one lacks.")
    if len(ranked) < len(every):
        notes.append(f"{len(every) - len(ranked)} plans that hold the run are hidden by the provider and GPU filters.")
    chosen_values, chosen_notes = _chosen_values(values["instance"], every, excluded)
    shown += chosen_values
    notes += chosen_notes
    notes.append(f"The range is the spread of the published runs around their estimates: from {low - 1:+.0%} to "
                 f"{high - 1:+.0%} (the table of published runs below).")
    if values["price_basis"] != "current":
        notes.append(f"Plans marked '{values['price_basis']} price' use that source's price; the others use their newest price.")
    store = pricing.section("storage")[values["dataset_store"]].get("label", values["dataset_store"])
    notes.append(f"Storage is priced on {store} for every plan, for as long as the run lasts.")
    return Result(
        tuple(shown),
        (_ranked_table(ranked), _excluded_table(excluded), _provider_table(found, pricing)),
        (_figure(found),),
        tuple(notes),
        answer=_answer(ranked, found, bool(every), (low, high), values),
    )


def _span(item_hours: float, total: float, bounds: tuple[float, float]) -> str:
    """'for 26–31 days: $2.1M–$2.7M', in hours below two days."""
    low, high = bounds
    days = item_hours / 24.0
    time = format_range(days * low, days * high, "days") if days >= 2 else format_range(item_hours * low, item_hours * high, "h")
    return f"for {time}: {format_range(total * low, total * high, 'USD')}"


def _answer(ranked: list[InstanceEstimate], found: list[Option], any_plan: bool, bounds: tuple[float, float], values: dict) -> str:
    """The cheapest plan with its range and what failures cost it; a cheaper spot plan, or a faster single machine."""
    if not any_plan:
        return ("No machine in our price list can hold this run, even in the largest cluster its provider is sourced "
                "to offer (see the machines left out, and why).")
    if not found:
        return "No plan that holds this run passes the provider, GPU and price filters."
    order = lambda o: (not o.meets_deadline, o.total, o.hours, o.label)  # noqa: E731 - one sort key, used twice
    first = min((o for o in found if o.kind == "on_demand"), key=order, default=None) or min(found, key=order)
    kind = "on demand" if first.kind == "on_demand" else "on spot"
    text = f"Cheapest: {first.label.removesuffix(' spot')} {kind} {_span(first.hours, first.total, bounds)}"
    plan = next(item for item in ranked if item.instance == first.instance)
    if first.kind == "on_demand" and plan.machines > 1 and plan.lost_hours > 0:
        lost = (format_range(plan.lost_hours / 24, plan.lost_hours / 24, "days") if plan.lost_hours >= 48
                else format_range(plan.lost_hours, plan.lost_hours, "h"))
        text += f", of which failures cost {lost} ({format_range(plan.lost_cost, plan.lost_cost, 'USD')})"
    if not first.meets_deadline:
        text += f", longer than the {number_text(values['deadline_days'])} days asked: no plan meets them"
    spot = min((o for o in found if o.kind == "spot"), key=order, default=None)
    if first.kind == "on_demand" and spot and order(spot) < order(first):
        text += f"; on spot, {spot.label.removesuffix(' spot')} {_span(spot.hours, spot.total, bounds)}"
    # Plans sized to the deadline all end near it; a fastest one is worth naming only among single machines.
    fastest = min(found, key=lambda o: (o.hours, o.total, o.label))
    if fastest.machines == 1 and first.machines == 1 and fastest.hours < first.hours:
        text += f"; fastest: {fastest.label} {_span(fastest.hours, fastest.total, bounds)}"
    return text + "."


def _chosen_values(name: str, ranked: list[InstanceEstimate], excluded: list) -> tuple[list[Value], list[str]]:
    item = next(item for item in ranked + excluded if item.instance == name)
    if isinstance(item, Exclusion):
        return [], [f"{name} cannot be planned: {item.reason}."]
    label = item.label
    shown = [
        *_plan_values("", label, item, name),
        Value("instance_hours", f"{label}: training time", item.hours, "h"),
        Value("instance_days", f"{label}: training time in days", item.days, "days"),
        Value("instance_lost_hours", f"{label}: time lost to failures", item.lost_hours, "h",
              note=format_value(item.lost_cost, "USD")),
        Value("instance_compute", f"{label}: compute on demand", item.compute_cost, "USD",
              note=f"{format_value(item.on_demand_price, 'USD/h')} a machine"),
        Value("instance_on_demand", f"{label}: total on demand", item.on_demand_total, "USD"),
    ]
    notes = [f"{label}: {note}." for note in item.notes if note.startswith(("misses", "activations"))]
    if item.spot_total is not None:
        shown.append(Value("instance_spot", f"{label}: total on spot", item.spot_total, "USD",
                           note=f"{format_value(item.spot_hours, 'h')} with interruptions"))
    elif item.spot_outcome == "never finishes":
        notes.append(f"On spot, {label} never finishes: interruptions come faster than it can checkpoint and restart.")
    return shown, notes


CALCULATOR = Calculator(
    name="cost_to_train",
    title="Cost to train a model, on one machine or a cluster",
    summary="Machines, time, memory fit and on-demand and spot cost of a transformer run on every machine type in the price list.",
    inputs=(
        *RUN_INPUTS,
        Input("dataset_gb", "Dataset size", "GB", assumption("nanogpt-note", "dataset_size"),
              maximum=100_000_000, step=1, group="Data"),
        Input("dataset_store", "Where the data lives", "", "ebs-gp3", choices=PricingChoices("storage"), group="Data"),
        Input("checkpoints_kept", "Checkpoints kept", "", 1, minimum=0, maximum=10_000, step=1, integer=True,
              help="Each is 12 bytes per parameter (fp32 weights and Adam m, v).", group="Data"),
        Input("provider_filter", "Providers", "", "all",
              choices=PricingChoices("providers", first=(("all", "Every provider"),)), group=HARDWARE),
        Input("gpu_filter", "GPU", "", "all", choices=PricingChoices("gpus", first=(("all", "Every GPU"),)), group=HARDWARE),
        Input("price_kind", "On demand or spot", "", "both",
              choices=(("both", "Both"), ("on_demand", "On demand only"), ("spot", "Spot only")), group=HARDWARE),
        Input("instance", "Machine to show", "", "p4d.24xlarge", choices=PricingChoices("instances"), group=HARDWARE),
        Input("price_basis", "Prices", "", "current", choices=PRICE_BASES,
              help="A note's own price where it quotes one, otherwise the newest price.", group=HARDWARE),
        Input("interruption_rate", "Spot: monthly interruption rate", "share of instances",
              assumption("spot-defaults", "interruption_rate_high"), minimum=0, maximum=0.99, step=0.01,
              help="The share of spot instances interrupted within a month (Spot Instance Advisor bands); 0.1 means 10%. "
                   "A cluster on spot is interrupted whenever any of its machines is.", group="Spot"),
    ),
    compute=compute,
    headline=("cheapest_cost", "cheapest_time", "cheapest_spot_cost", "cheapest_machines"),
    preset_titles={NOTE: "nanoGPT's GPT-2 124M, as in the 2023 note", **MODEL_PRESET_TITLES},
    defaults_title="nanoGPT's GPT-2 124M, on today's machines and prices",
    fillers=(MODEL_CONFIG,),
    presets={
        **MODEL_PRESETS,
        NOTE: {
            "efficiency": "nanogpt-2022",
            "instance": "p4d.24xlarge",
            "price_basis": "note-nanogpt",
        },
    },
)
