"""What will it cost to train this model on this many tokens, and on which machine?

Every machine with a GPU in pricing.json is estimated with the training model
(:mod:`calculators.models.training`: FLOPs, time, memory fit), priced on demand and on spot
(:mod:`calculators.models.interruptions`: checkpoints and restarts at a monthly interruption rate),
plus storage of the data and the kept checkpoints for as long as the run lasts
(:mod:`calculators.models.storage`) and the transfer of the data in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._declare import Calculator, Input, PricingChoices, assumption
from ._pricing import Pricing
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value
from ._training_inputs import MODEL_PRESET_TITLES, MODEL_PRESETS, NOTE, RUN_INPUTS, training_run
from .charts import Chart, Series, auto_axis
from .models.interruptions import SpotJob, plan_at_rate
from .models.machines import Exclusion, Machine, machine, memory_shortfall, peak_tflops, price_observation, require_machine
from .models.storage import BYTES_PER_GB, storage_cost
from .models.training import CHECKPOINT_BYTES_PER_PARAMETER, TrainingRun, machine_time, model_state_bytes, pareto_front

HARDWARE = "Hardware and price"
"""The form group that picks machines and prices."""

PRICE_BASES = PricingChoices("sources", first=(("current", "Newest price of each machine"),))

__all__ = ["CALCULATOR", "InstanceEstimate", "estimate_instances"]


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
        """Whether the states plus one micro-batch of activations fit in one GPU."""
        return self.memory_needed_gb <= self.memory_per_gpu_gb

    @property
    def on_demand_total(self) -> float:
        """Compute, storage for the run and the transfer in."""
        return self.compute_cost + self.storage_cost + self.transfer_cost

    @property
    def days(self) -> float:
        """The on-demand wall time in days."""
        return self.hours / 24.0


def _spot(entry: dict, name: str, hours: float, values: dict, pricing: Pricing, stored: tuple[float, float], transfer: float):
    """Spot price, wall hours, outcome and total of the run on one machine, plus a note on an old price."""
    if "spot" not in entry:
        return None, None, "no spot price", None, []
    observation = price_observation(pricing, f"/instances/{name}/spot", values["price_basis"])[0]
    notes = [f"spot price from {observation.as_of[:4]}"] if observation.as_of[:4] < pricing.snapshot_date[:4] else []
    job = SpotJob(hours, values["checkpoint_minutes"] / 60.0, values["restart_minutes"] / 60.0)
    plan = plan_at_rate(job, observation.value, values["interruption_rate"])
    if not math.isfinite(plan.wall_hours):
        return observation.value, None, "never finishes", None, notes
    outcome = "no interruptions" if values["interruption_rate"] == 0 else "finishes"
    total = plan.cost + storage_cost(stored[0], stored[1], plan.wall_hours) + transfer
    return observation.value, plan.wall_hours, outcome, total, notes


def _estimate(spec: Machine, run: TrainingRun, values: dict, pricing: Pricing) -> InstanceEstimate | Exclusion:
    name = spec.name
    peak, used = peak_tflops(pricing, spec.gpu, run.precision)
    if peak <= 0:
        return Exclusion(name, spec.gpu_label, "no throughput figure")
    notes: list[str] = []
    if used == "fp32" and run.precision != "fp32":
        notes.append(f"{spec.gpu_label} has no bf16/fp16 figure: fp32 peak used")
    elif used != "fp8" and run.precision == "fp8":
        notes.append(f"{spec.gpu_label} has no fp8 figure: {used} peak used")
    time = machine_time(run, spec.gpu_count, peak, spec.memory_gb)
    basis = values["price_basis"]
    on_demand, fell_back = price_observation(pricing, f"/instances/{name}/on_demand", basis)
    if basis != "current" and not fell_back:
        notes.append(f"{basis} price")
    store_price = price_observation(pricing, f"/storage/{values['dataset_store']}/price", basis)[0].value
    transfer_price = price_observation(pricing, "/transfer/aws-transfer-in/price", basis)[0].value
    stored_gb = values["dataset_gb"] + values["checkpoints_kept"] * CHECKPOINT_BYTES_PER_PARAMETER * run.parameters / BYTES_PER_GB
    transfer = values["dataset_gb"] * transfer_price
    entry = pricing.section("instances")[name]
    spot_price, spot_hours, outcome, spot_total, spot_notes = _spot(
        entry, name, time.hours, values, pricing, (stored_gb, store_price), transfer
    )
    return InstanceEstimate(
        instance=name,
        provider=spec.provider,
        gpu=spec.gpu,
        gpu_label=spec.gpu_label,
        gpu_count=spec.gpu_count,
        peak_tflops=peak,
        precision_used=used,
        hours=time.hours,
        memory_needed_gb=time.memory_needed_gb,
        memory_per_gpu_gb=spec.memory_gb,
        on_demand_price=on_demand.value,
        compute_cost=time.hours * on_demand.value,
        storage_cost=storage_cost(stored_gb, store_price, time.hours),
        transfer_cost=transfer,
        spot_price=spot_price,
        spot_hours=spot_hours,
        spot_outcome=outcome,
        spot_total=spot_total,
        notes=tuple(notes + spot_notes),
    )


def estimate_instances(values: dict, pricing: Pricing) -> tuple[list[InstanceEstimate], list[InstanceEstimate | Exclusion]]:
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
    run = training_run(values, pricing)
    ranked: list[InstanceEstimate] = []
    excluded: list[InstanceEstimate | Exclusion] = []
    for name in pricing.section("instances"):
        spec = machine(pricing, name)
        estimate = spec if isinstance(spec, Exclusion) else _estimate(spec, run, values, pricing)
        if isinstance(estimate, InstanceEstimate) and estimate.fits:
            ranked.append(estimate)
        else:
            excluded.append(estimate)
    ranked.sort(key=lambda item: (item.on_demand_total, item.hours, item.instance))
    return ranked, excluded



def _ranked_table(ranked: list[InstanceEstimate]) -> Table:
    columns = (
        Column("rank", "count"), Column("instance"), Column("provider", shown=False), Column("GPU", shown=False),
        Column("GPU count", "count", shown=False), Column("GPUs"), Column("peak used", "TFLOPS"),
        Column("precision used"), Column("hours", "h"), Column("days", "days"), Column("on-demand", "USD"),
        Column("spot", "USD"), Column("spot outcome", shown=False), Column("spot hours", "h"), Column("note"),
    )
    rows = [
        (rank, item.instance, item.provider, item.gpu, item.gpu_count, f"{item.gpu_count} × {item.gpu_label}",
         item.peak_tflops, item.precision_used, item.hours, item.days, item.on_demand_total,
         item.spot_outcome if item.spot_total is None else item.spot_total, item.spot_outcome, item.spot_hours,
         "; ".join(item.notes))
        for rank, item in enumerate(ranked, 1)
    ]
    return Table("ranked", "Machines that can hold the run, cheapest on demand first", columns, rows)


def _excluded_table(excluded: list[InstanceEstimate | Exclusion]) -> Table:
    rows = []
    for item in excluded:
        if isinstance(item, Exclusion):
            rows.append((item.instance, item.gpu, item.reason))
        else:
            reason = memory_shortfall(item.memory_needed_gb, item.memory_per_gpu_gb)
            rows.append((item.instance, f"{item.gpu_count} × {item.gpu_label}", reason))
    return Table("excluded", "Machines left out, and why", (Column("instance"), Column("GPUs"), Column("reason")), rows)


def _figure(found: list[Option]) -> Figure:
    on_demand = [(o.label, o.hours, o.total) for o in found if o.kind == "on_demand"]
    spot = [(o.label, o.hours, o.total) for o in found if o.kind == "spot"]
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
        auto_axis("training time (hours)", [p[1] for p in everything]),
        auto_axis("total cost (USD)", [p[2] for p in everything], prefix="$"),
        series,
    )
    if not everything:
        alt = "No machine that can hold this run passes the filters, so there is nothing to plot."
    else:
        best = ", ".join(label for label, _, _ in front)
        alt = (f"Training time against total cost for {len(everything)} options; the best trade-offs are {best}. "
               "Every option is in the table below.")
    return Figure("cost_vs_time", chart, alt)


@dataclass(frozen=True)
class Option:
    """One way to run the job: a machine, on demand or on spot, with its hours and total cost."""

    instance: str
    provider: str
    gpu: str
    kind: str
    hours: float
    total: float

    @property
    def label(self) -> str:
        """The option's name in the chart and tables, e.g. ``p5.48xlarge spot``."""
        return self.instance if self.kind == "on_demand" else f"{self.instance} spot"


def options(ranked: list[InstanceEstimate], kinds: tuple[str, ...]) -> list[Option]:
    """Every option of the chosen price kinds among machines that can hold the run.

    >>> from calculators import calculate, load_pricing
    >>> pricing = load_pricing()
    >>> ranked, _ = estimate_instances(CALCULATOR.defaults(pricing), pricing)
    >>> {o.kind for o in options(ranked, ("spot",))}
    {'spot'}
    """
    found = []
    for item in ranked:
        if "on_demand" in kinds:
            found.append(Option(item.instance, item.provider, item.gpu, "on_demand", item.hours, item.on_demand_total))
        if "spot" in kinds and item.spot_total is not None:
            found.append(Option(item.instance, item.provider, item.gpu, "spot", item.spot_hours, item.spot_total))
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


def _kinds(choice: str) -> tuple[str, ...]:
    return ("on_demand", "spot") if choice == "both" else (choice,)


def _wanted(item: InstanceEstimate, values: dict) -> bool:
    """Whether a machine passes the reader's provider and GPU filters."""
    return values["provider_filter"] in ("all", item.provider) and values["gpu_filter"] in ("all", item.gpu)


def _provider_table(found: list[Option], pricing: Pricing) -> Table:
    columns = (
        Column("provider"), Column("provider id", shown=False), Column("cheapest"), Column("cheapest cost", "USD"),
        Column("cheapest time", "h"), Column("fastest"), Column("fastest time", "h"), Column("fastest cost", "USD"),
    )
    rows = [
        (pricing.section("providers").get(provider, {}).get("label", provider), provider, cheap.label, cheap.total,
         cheap.hours, fast.label, fast.hours, fast.total)
        for provider, cheap, fast in best_per_provider(found)
    ]
    return Table("providers", "Where: the cheapest and the fastest option at each provider", columns, rows)


def compute(values: dict, pricing: Pricing) -> Result:
    """The ranked machines, the cheapest and the chosen one, the exclusions and the cost-time chart."""
    require_machine(pricing, values["instance"])
    every, excluded = estimate_instances(values, pricing)
    ranked = [item for item in every if _wanted(item, values)]
    found = options(ranked, _kinds(values["price_kind"]))
    run = training_run(values, pricing)
    flops, activations, tokens = run.flops, run.activation_bytes, run.tokens
    shown = [
        Value("tokens", "Training tokens", tokens / 1e9, "B tokens"),
        Value("flops_per_token", "Compute per token", flops / tokens / 1e6 if tokens else 0.0, "MFLOP"),
        Value("total_flops", "Training compute", flops / 1e18, "EFLOP"),
        Value("state_memory", "Weights, gradients and Adam states (16 B/parameter)", model_state_bytes(values["parameters"]) / BYTES_PER_GB, "GB"),
        Value("activation_memory", "Activations per GPU", activations / BYTES_PER_GB, "GB"),
        Value("machines_ranked", "Machines that can hold the run (after the filters)", len(ranked), "count"),
    ]
    notes: list[str] = []
    if tokens == 0:
        notes.append("No tokens to train: every machine takes 0 hours, and only the transfer in costs anything.")
    if ranked:
        best = ranked[0]
        shown += [
            Value("cheapest_cost", f"Cheapest: {best.instance} on demand", best.on_demand_total, "USD",
                  subject=best.instance),
            Value("cheapest_hours", f"Cheapest: {best.instance} time", best.hours, "h", subject=best.instance),
            Value("cheapest_days", f"Cheapest: {best.instance} time in days", best.days, "days", subject=best.instance),
        ]
        spot_options = [item for item in ranked if item.spot_total is not None]
        if spot_options:
            spot_best = min(spot_options, key=lambda item: (item.spot_total, item.instance))
            shown.append(Value("cheapest_spot_cost", f"Cheapest on spot: {spot_best.instance}", spot_best.spot_total, "USD",
                                note=f"{format_value(spot_best.spot_hours, 'h')} with interruptions",
                                subject=spot_best.instance))
        else:
            notes.append("No machine that can hold the run has a spot price that finishes.")
        fastest = min(ranked, key=lambda item: (item.hours, item.on_demand_total))
        shown.append(Value("fastest_hours", f"Fastest: {fastest.instance}", fastest.hours, "h",
                            note=f"{format_value(fastest.on_demand_total, 'USD')} on demand", subject=fastest.instance))
    elif every:
        notes.append("No machine that can hold the run passes the provider and GPU filters.")
    else:
        notes.append("No machine in pricing.json can hold this run: see the excluded list for what each one lacks.")
    if len(ranked) < len(every):
        notes.append(f"{len(every) - len(ranked)} machines that can hold the run are hidden by the provider and GPU filters.")
    chosen_values, chosen_notes = _chosen_values(values["instance"], every, excluded)
    shown += chosen_values
    notes += chosen_notes
    if values["price_basis"] != "current":
        notes.append(f"Machines marked '{values['price_basis']} price' use that source's price; the others use their newest price.")
    store = pricing.section("storage")[values["dataset_store"]].get("label", values["dataset_store"])
    notes.append(f"Storage is priced on {store} for every machine, for as long as the run lasts.")
    return Result(
        tuple(shown),
        (_ranked_table(ranked), _excluded_table(excluded), _provider_table(found, pricing)),
        (_figure(found),),
        tuple(notes),
        answer=_answer(found, bool(every)),
    )


def _answer(found: list[Option], any_fits: bool) -> str:
    """The cheapest option, and the fastest when it is another one, in a sentence."""
    if not any_fits:
        return ("No single machine in our price list can hold this run: it needs more GPU memory than one "
                "machine has (see the machines left out, and why), so it must be spread over several.")
    if not found:
        return "No machine that can hold this run passes the provider, GPU and price filters."
    cheapest = min(found, key=lambda o: (o.total, o.hours, o.label))
    fastest = min(found, key=lambda o: (o.hours, o.total, o.label))
    text = (f"Cheapest: {cheapest.label} at {format_value(cheapest.total, 'USD')}, "
            f"taking {format_value(cheapest.hours, 'h')}")
    if fastest != cheapest:
        text += f"; fastest: {fastest.label}, {format_value(fastest.hours, 'h')} for {format_value(fastest.total, 'USD')}"
    return text + "."


def _chosen_values(name: str, ranked: list[InstanceEstimate], excluded: list) -> tuple[list[Value], list[str]]:
    item = next(item for item in ranked + excluded if item.instance == name)
    if isinstance(item, Exclusion):
        return [], [f"{name} cannot be estimated: {item.reason}."]
    fit_note = "" if item.fits else f"does not fit: {memory_shortfall(item.memory_needed_gb, item.memory_per_gpu_gb)}"
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


CALCULATOR = Calculator(
    name="cost_to_train",
    title="Cost to train a model, machine by machine",
    summary="Training time, memory fit and on-demand and spot cost of a transformer run on every machine in the price list.",
    inputs=(
        *RUN_INPUTS,
        Input("dataset_gb", "Dataset size", "GB", assumption("nanogpt-note", "dataset_size"),
              maximum=100_000_000, step=1, group="Data"),
        Input("dataset_store", "Where the data lives", "", "ebs-gp3", choices=PricingChoices("storage"), group="Data"),
        Input("checkpoints_kept", "Checkpoints kept", "checkpoints", 1, minimum=0, maximum=10_000, step=1, integer=True,
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
              help="The share of spot instances interrupted within a month (Spot Instance Advisor bands); 0.1 means 10%.", group="Spot"),
        Input("checkpoint_minutes", "Spot: time to write a checkpoint", "min", assumption("site-defaults", "checkpoint_minutes"), minimum=0, maximum=1440, step=0.5,
              help="A guess, as in the spot calculator: replace it with your own measurement.", group="Spot"),
        Input("restart_minutes", "Spot: time to restart after an interruption", "min", assumption("site-defaults", "restart_minutes"), minimum=0, maximum=1440, step=1,
              help="A guess, as in the spot calculator: a new machine, then reloading the data and the last checkpoint.", group="Spot"),
    ),
    compute=compute,
    headline=("cheapest_cost", "cheapest_hours", "cheapest_spot_cost", "fastest_hours"),
    preset_titles={NOTE: "nanoGPT's GPT-2 124M, as in the 2023 note", **MODEL_PRESET_TITLES},
    presets={
        **MODEL_PRESETS,
        NOTE: {
            "efficiency": "nanogpt-2022",
            "instance": "p4d.24xlarge",
            "price_basis": "note-nanogpt",
        }
    },
)
