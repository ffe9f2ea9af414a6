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
from ._pricing import Observation, Pricing, months_between, stale_offer
from ._result import Column, Figure, Result, Table, Value
from ._training_inputs import MODEL_CONFIG, MODEL_PRESET_TITLES, MODEL_PRESETS, NOTE, RUN_INPUTS, MachinePlan, plan_machine, reliability, training_run
from ._ways_to_pay import KIND_LABELS, PRICE_KINDS, committed_offers, kinds_chosen, offer_cost, payment_view, price_age
from .charts import Chart, Series, auto_axis
from .models.calibration import estimate_range, within_range
from .models.cluster import plan_on
from .models.interruptions import NEVER_HOURS
from .models.machines import Exclusion, machine, price_observation, require_machine
from .models.planning import cluster_job, spot_interruptions_per_hour
from .models.storage import BYTES_PER_GB, storage_cost, transfer_cost
from .models.training import TrainingRun, model_state_bytes, pareto_front, run_storage_gb

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
    sold_as: str = "on_demand"
    price_as_of: str = ""
    spot_as_of: str = ""
    spot_compute: float | None = None
    offers: tuple = ()
    """The machine's capacity-block and commitment prices usable for this plan (``_ways_to_pay.OfferPrice``)."""

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


def _spot_fields(outcome: str, price: float | None = None, hours: float | None = None, total: float | None = None,
                 compute: float | None = None, as_of: str = "") -> dict:
    """Which spot fields does an estimate get? The outcome, and the price, hours, total, compute and date when there
    are any.

    >>> _spot_fields("no spot price")["spot_total"] is None
    True
    """
    return {"spot_outcome": outcome, "spot_price": price, "spot_hours": hours, "spot_total": total,
            "spot_compute": compute, "spot_as_of": as_of}


def _spot(found: MachinePlan, run: TrainingRun, values: dict, pricing: Pricing, stored: tuple[float, float],
          transfer: float) -> tuple[dict, list[str]]:
    """What do the plan's machines cost on spot, and how long do they take, spot interruptions added to the failures?

    Returns the estimate's spot fields and a note on a price from an earlier year. A spot price used as today's but
    older than the oldest price asked for is not used. With no interruptions, nothing stored and nothing moved in,
    the nanoGPT run's spot total on p4d.24xlarge is its compute:

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> values = CALCULATOR.defaults(pricing, {"preset": NOTE}) | {"interruption_rate": 0.0}
    >>> run = training_run(values, pricing)
    >>> found = plan_machine(machine(pricing, "p4d.24xlarge"), run, values, pricing, 33.05)
    >>> fields, notes = _spot(found, run, values, pricing, (0.0, 0.0), 0.0)
    >>> fields["spot_outcome"], fields["spot_total"] == fields["spot_compute"]
    ('no interruptions', True)
    """
    name, basis = found.spec.name, values["price_basis"]
    if "spot" not in pricing.section("instances")[name]:
        return _spot_fields("no spot price"), []
    observation, fell_back = price_observation(pricing, f"/instances/{name}/spot", basis)
    if (basis == "current" or fell_back) and stale_offer(pricing, f"/instances/{name}/spot", values["price_age_months"]):
        return _spot_fields(f"spot price from {observation.as_of}, too old to use", as_of=observation.as_of), []
    notes = [f"spot price from {observation.as_of[:4]}"] if observation.as_of[:4] < pricing.snapshot_date[:4] else []
    job = cluster_job(run, found.fit, found.spec.gpu_count, found.gpu_flops, found.per_doubling, reliability(values),
                      observation.value, spot_interruptions_per_hour(values["interruption_rate"]))
    plan = plan_on(job, found.plan.machines)
    if not plan.finishes:
        return _spot_fields("never finishes", observation.value, as_of=observation.as_of), notes
    outcome = "no interruptions" if values["interruption_rate"] == 0 else "finishes"
    total = plan.cost + storage_cost(stored[0], stored[1], plan.wall_hours) + transfer
    return _spot_fields(outcome, observation.value, plan.wall_hours, total, plan.cost, observation.as_of), notes


def _data_costs(run: TrainingRun, values: dict, pricing: Pricing) -> tuple[float, float, float]:
    """How many GB does the run keep, at what price a GB-month, and what does moving its data in cost?

    The nanoGPT note's 100 GB and one checkpoint of 124M parameters: 100 + 12 × 124e6 / 1e9 = 101.488 GB on EBS gp3;
    moving data into AWS is free:

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> values = CALCULATOR.defaults(pricing, {"preset": NOTE})
    >>> kept, price, transfer = _data_costs(training_run(values, pricing), values, pricing)
    >>> round(kept, 3), price == pricing.value("/storage/ebs-gp3/price"), transfer
    (101.488, True, 0.0)
    """
    basis = values["price_basis"]
    store_price = price_observation(pricing, f"/storage/{values['dataset_store']}/price", basis)[0].value
    transfer_price = price_observation(pricing, "/transfer/aws-transfer-in/price", basis)[0].value
    kept = run_storage_gb(values["dataset_gb"], values["checkpoints_kept"], run.parameters)
    return kept, store_price, transfer_cost(values["dataset_gb"], transfer_price)


def _estimate(name: str, run: TrainingRun, values: dict, pricing: Pricing,
              data: tuple[float, float, float] | None = None) -> InstanceEstimate | Exclusion:
    """Which plan does the run get on machines of type ``name``, at which price? Or why is the machine left out?

    ``data`` is the run's :func:`_data_costs`, the same on every machine: a caller planning many machines works them
    out once.

    The nanoGPT run fits one p4d.24xlarge, priced at the note's $33.05/h (2024); a c5.2xlarge has no GPU:

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> values = CALCULATOR.defaults(pricing, {"preset": NOTE})
    >>> plan = _estimate("p4d.24xlarge", training_run(values, pricing), values, pricing)
    >>> plan.machines, plan.on_demand_price, plan.price_as_of
    (1, 33.05, '2024')
    >>> _estimate("c5.2xlarge", training_run(values, pricing), values, pricing).reason
    'no GPU model listed'
    """
    basis = values["price_basis"]
    spec = machine(pricing, name, include_retired=basis != "current")
    if isinstance(spec, Exclusion):
        return spec
    pointer = f"/instances/{name}/on_demand"
    on_demand, fell_back = price_observation(pricing, pointer, basis)
    today = basis == "current" or fell_back
    if today and (why := stale_offer(pricing, pointer, values["price_age_months"])):
        return Exclusion(name, f"{spec.gpu_count} × {spec.gpu_label}", why)
    found = plan_machine(spec, run, values, pricing, on_demand.value)
    if isinstance(found, Exclusion):
        return found
    if not found.plan.finishes:
        on = number_text(found.plan.machines)
        why = (f"would take over 100,000 years on {on}" if found.plan.work_hours > NEVER_HOURS
               else f"never finishes on {on}: failures come faster than it can checkpoint")
        return Exclusion(name, f"{spec.gpu_count} × {spec.gpu_label}", why)
    notes = list(found.notes) + ([f"{basis} price"] if basis != "current" and not fell_back else [])
    return _priced(found, run, values, pricing, on_demand, notes, today, data)


def _priced(found: MachinePlan, run: TrainingRun, values: dict, pricing: Pricing, on_demand: Observation,
            notes: list[str], today: bool, data: tuple[float, float, float] | None = None) -> InstanceEstimate:
    """What does the plan cost on demand and on spot, with its storage, transfer and other ways to pay?

    ``data`` is the run's :func:`_data_costs` (worked out here when not given).

    The nanoGPT run on one p4d.24xlarge at the note's $33.05/h: its compute is its hours × $33.05; moving the data in
    is free; a note's price has no other ways to pay:

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> values = CALCULATOR.defaults(pricing, {"preset": NOTE})
    >>> run = training_run(values, pricing)
    >>> found = plan_machine(machine(pricing, "p4d.24xlarge"), run, values, pricing, 33.05)
    >>> price = price_observation(pricing, "/instances/p4d.24xlarge/on_demand", "note-nanogpt")[0]
    >>> plan = _priced(found, run, values, pricing, price, [], False)
    >>> plan.compute_cost == plan.hours * 33.05, plan.transfer_cost, plan.offers
    (True, 0.0, ())
    """
    spec, plan, speed = found.spec, found.plan, found.speed
    kept, store_price, transfer = data if data is not None else _data_costs(run, values, pricing)
    spot, spot_notes = _spot(found, run, values, pricing, (kept, store_price), transfer)
    pointer = f"/instances/{spec.name}/on_demand"
    return InstanceEstimate(
        instance=spec.name,
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
        storage_cost=storage_cost(kept, store_price, plan.wall_hours),
        transfer_cost=transfer,
        meets_deadline=found.meets_deadline,
        notes=tuple(notes + spot_notes),
        sold_as=pricing.quantity(pointer).offer["kind"],
        price_as_of=on_demand.as_of,
        offers=committed_offers(pricing, spec.name, values["price_age_months"]) if today else (),
        **spot,
    )


def estimate_instances(values: dict, pricing: Pricing) -> tuple[list[InstanceEstimate], list[InstanceEstimate | Exclusion]]:
    """Plan the run on every machine type in pricing.json: (ranked, excluded).

    Ranked holds the plans, cheapest on-demand total first (ties: faster first, then by name); those that
    meet the deadline come before those that cannot, and machines sold on demand before those sold only by
    reservation or on a marketplace. Excluded holds the rest: machines without a GPU, retired ones, those whose
    price is older than the oldest price asked for, and those no cluster of which can hold the run.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> ranked, excluded = estimate_instances(CALCULATOR.defaults(pricing, {"preset": "nanogpt-gpt2-124m"}), pricing)
    >>> "c5.2xlarge" in [item.instance for item in excluded], [item.machines for item in ranked if item.instance == "p4d.24xlarge"]
    (True, [1])
    """
    run = training_run(values, pricing)
    data = _data_costs(run, values, pricing)
    ranked: list[InstanceEstimate] = []
    excluded: list[InstanceEstimate | Exclusion] = []
    for name in pricing.section("instances"):
        estimate = _estimate(name, run, values, pricing, data)
        (ranked if isinstance(estimate, InstanceEstimate) else excluded).append(estimate)
    ranked.sort(key=lambda item: (not item.meets_deadline, item.sold_as != "on_demand", item.on_demand_total, item.hours,
                                  item.instance))
    return ranked, excluded


EXAMPLE_PLANS = (
    InstanceEstimate(
        instance="one-big", provider="aws", gpu="G100", gpu_label="G100", gpu_count=1, machines=1, peak_tflops=100.0,
        precision_used="bf16", mfu=0.5, hours=12_000 / 3600, work_hours=12_000 / 3600, memory_needed_gb=1.6,
        memory_per_gpu_gb=80.0, on_demand_price=2.0, compute_cost=2.0 * 12_000 / 3600, storage_cost=0.0,
        transfer_cost=0.0, spot_price=0.5, spot_hours=12_000 / 3600, spot_outcome="no interruptions",
        spot_total=0.5 * 12_000 / 3600, meets_deadline=True, notes=(), price_as_of="2026-11", spot_as_of="2026-11",
        spot_compute=0.5 * 12_000 / 3600,
    ),
    InstanceEstimate(
        instance="eight-big", provider="aws", gpu="G100", gpu_label="G100", gpu_count=8, machines=1, peak_tflops=100.0,
        precision_used="bf16", mfu=0.5, hours=1875 / 3600, work_hours=1875 / 3600, memory_needed_gb=0.2,
        memory_per_gpu_gb=80.0, on_demand_price=20.0, compute_cost=20.0 * 1875 / 3600, storage_cost=0.0,
        transfer_cost=0.0, spot_price=None, spot_hours=None, spot_outcome="no spot price", spot_total=None,
        meets_deadline=True, notes=(), price_as_of="2026-11",
    ),
)
"""Two plans for the examples, worked by hand (``tests/test_cost_to_train.py``'s small case): 6e17 FLOPs at
100 TFLOPS a GPU and MFU 0.5 take 12,000 s = 3.33 h on one GPU at $2/h ($6.67; on spot at $0.50/h, $1.67), and
1,875 s = 0.52 h on one machine of eight GPUs that keep 0.8 of their speed, at $20/h ($10.42), priced in 2026-11.
Memory counts the states only: 16 B × 1e8 parameters = 1.6 GB, or 0.2 GB a GPU sharded over eight."""


def _ranked_table(ranked: list[InstanceEstimate], snapshot: str = "") -> Table:
    """Which plans of machines sold on demand hold the run, cheapest first: machines, speed, time, cost on demand and
    on spot, and each price's date and age at the snapshot?

    >>> print(" | ".join(_ranked_table(list(EXAMPLE_PLANS), "2026-11").texts[0]))  # doctest: +NORMALIZE_WHITESPACE
    1 | one-big | 1 | 1 × G100 | 100 TFLOPS | bf16 | 50% | 0.14 days | 3 h | 0 h | $6.67 | $1.67 | 3.33 h | — |
    2026-11 (under a month)
    """
    ranked = [item for item in ranked if item.sold_as == "on_demand"]
    columns = (
        Column("rank", "count"), Column("instance"), Column("provider", shown=False), Column("GPU", shown=False),
        Column("machines", "count"), Column("GPUs a machine"), Column("peak used", "TFLOPS"), Column("precision used"),
        Column("MFU", "fraction"), Column("days", "days"), Column("GPU-hours", "h"), Column("lost to failures", "h"),
        Column("on-demand", "USD"), Column("spot", "USD"), Column("spot outcome", shown=False), Column("spot hours", "h"),
        Column("note"), Column("price as of"),
    )
    rows = [
        (rank, item.instance, item.provider, item.gpu, item.machines, f"{item.gpu_count} × {item.gpu_label}",
         item.peak_tflops, item.precision_used, round(item.mfu, 3), item.days, round(item.gpu_hours), item.lost_hours,
         item.on_demand_total, item.spot_outcome if item.spot_total is None else item.spot_total, item.spot_outcome,
         item.spot_hours, "; ".join(item.notes), price_age(item.price_as_of, snapshot) if snapshot else item.price_as_of)
        for rank, item in enumerate(ranked, 1)
    ]
    return Table("ranked", "Plans that hold the run, cheapest on demand first", columns, rows)


def _unranked_table(ranked: list[InstanceEstimate], snapshot: str) -> Table:
    """Which plans are of machines not sold on demand (reservation only, marketplace), and what would they cost at the
    listed hourly price? They are priced, never ranked as on demand.

    Eight GPUs for 0.52 h (0.02 days) at a marketplace's $20/h, $10.42:

    >>> from dataclasses import replace
    >>> _unranked_table([replace(EXAMPLE_PLANS[1], sold_as="marketplace")], "2026-11").texts
    (('eight-big', 'Marketplace', '1', '0.02 days', '$10.42', '2026-11 (under a month)'),)
    """
    rows = [(item.instance, KIND_LABELS[item.sold_as], item.machines, item.days, item.on_demand_total,
             price_age(item.price_as_of, snapshot)) for item in ranked if item.sold_as != "on_demand"]
    columns = (Column("instance"), Column("sold as"), Column("machines", "count"), Column("days", "days"),
               Column("at the listed hourly price", "USD"), Column("price as of"))
    return Table("not_on_demand", "Machines not sold on demand: reservation only or marketplace", columns, rows)


def _excluded_table(excluded: list[Exclusion]) -> Table:
    """Which machines are left out, and why?

    >>> _excluded_table([Exclusion("c5.2xlarge", "none", "no GPU model listed")]).texts
    (('c5.2xlarge', 'none', 'no GPU model listed'),)
    """
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
    def name(self) -> str:
        """The plan's name without the way to pay, e.g. ``64 × p5.48xlarge``."""
        return self.instance if self.machines == 1 else f"{number_text(self.machines)} × {self.instance}"

    @property
    def label(self) -> str:
        """The option's name in the chart and tables, e.g. ``64 × p5.48xlarge spot``."""
        return self.name if self.kind == "on_demand" else f"{self.name} {KIND_LABELS[self.kind].lower()}"


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
        if item.sold_as in kinds:
            found.append(Option(item.instance, item.provider, item.gpu, item.sold_as, item.hours, item.on_demand_total,
                                item.machines, item.meets_deadline))
        if "spot" in kinds and item.spot_total is not None:
            found.append(Option(item.instance, item.provider, item.gpu, "spot", item.spot_hours, item.spot_total,
                                item.machines, item.spot_hours <= deadline_hours))
        for offer in item.offers:
            cost = offer_cost(offer, item.hours, item.machines) if offer.kind in kinds else None
            if cost is not None:
                found.append(Option(item.instance, item.provider, item.gpu, offer.kind, item.hours,
                                    cost + item.storage_cost + item.transfer_cost, item.machines, item.meets_deadline))
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
    """How do the options trade time against cost, and which are not beaten on both?

    Every option by wall time and total cost, with the options no other beats on both joined. When some options meet
    the deadline, only they are drawn: a machine type that cannot keep up would stretch the time axis across years
    (it is in the ranking, with its note). Eight GPUs (0.52 h, $10.42) and one on spot (3.33 h, $1.67) are the best
    trade-offs; one GPU on demand (3.33 h, $6.67) is beaten by spot:

    >>> figure = _figure(options(list(EXAMPLE_PLANS), ("on_demand", "spot")))
    >>> [series.name for series in figure.chart.series][:2], figure.chart.series[-1].labels
    (['On demand', 'Spot'], ['eight-big', 'one-big spot'])
    """
    if any(o.meets_deadline for o in found):
        found = [o for o in found if o.meets_deadline]
    in_days = any(o.hours > 72 for o in found)
    scale, unit = (24.0, "days") if in_days else (1.0, "hours")
    by_kind = {kind: [(o.label, o.hours / scale, o.total) for o in found if o.kind == kind] for kind in KIND_LABELS}
    everything = [point for points in by_kind.values() for point in points]
    front = pareto_front(everything)
    # Names go in the hover text: dozens of labelled points overlap. Only the best trade-offs are labelled.
    series = tuple(
        Series(KIND_LABELS[kind], [p[1] for p in points], [p[2] for p in points], style="markers", hover=[p[0] for p in points])
        for kind, points in by_kind.items() if points or kind in ("on_demand", "spot")
    ) + (
        Series("Best trade-offs (no option is both faster and cheaper)", [p[1] for p in front], [p[2] for p in front],
               style="line+markers", dash="dot", labels=[p[0] for p in front]),
    )
    chart = Chart(
        "Cost against training time, by machine",
        auto_axis(f"training time ({unit})", [p[1] for p in everything]),
        auto_axis("total cost (USD)", [p[2] for p in everything], prefix="$"),
        series,
    )
    return Figure("cost_vs_time", chart, _figure_alt(everything, front))


def _figure_alt(everything: list[tuple[str, float, float]], front: list[tuple[str, float, float]]) -> str:
    """What does the cost-time chart show, in words? How many options, and which are the best trade-offs.

    >>> _figure_alt([("a", 1.0, 9.0), ("b", 2.0, 3.0), ("c", 2.0, 5.0)], [("a", 1.0, 9.0), ("b", 2.0, 3.0)])
    'Training time against total cost for 3 options; the best trade-offs are a, b. Every option is in the table below.'
    """
    if not everything:
        return "No plan that holds this run passes the filters, so there is nothing to plot."
    best = ", ".join(label for label, _, _ in front)
    return (f"Training time against total cost for {len(everything)} options; the best trade-offs are {best}. "
            "Every option is in the table below.")


def _wanted(item: InstanceEstimate, values: dict) -> bool:
    """Does a plan pass the reader's provider and GPU filters?

    >>> _wanted(EXAMPLE_PLANS[0], {"provider_filter": "aws", "gpu_filter": "all"})
    True
    >>> _wanted(EXAMPLE_PLANS[0], {"provider_filter": "all", "gpu_filter": "H100"})
    False
    """
    return values["provider_filter"] in ("all", item.provider) and values["gpu_filter"] in ("all", item.gpu)


def _provider_table(found: list[Option], pricing: Pricing) -> Table:
    """Where to train: which option is the cheapest at each provider, and which the fastest?

    At AWS the cheapest is one GPU on spot ($1.67, 3.33 h = 0.14 days), the fastest eight GPUs on demand (0.52 h =
    0.02 days, $10.42):

    >>> from calculators import load_pricing
    >>> _provider_table(options(list(EXAMPLE_PLANS), ("on_demand", "spot")), load_pricing()).texts
    (('Amazon Web Services', 'one-big spot', '$1.67', '0.14 days', 'eight-big', '0.02 days', '$10.42'),)
    """
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
    """What is the run: its tokens, its compute, and its memory before it is split over GPUs?

    nanoGPT's GPT-2 124M: 600,000 steps of 491,520 tokens = 294.9 B tokens; 6 × 124M + 12 × 12 layers × 1,024 × 768
    = 857.2 MFLOP a token, 252.8 EFLOP in all; 16 B × 124M = 1.98 GB of states; 0.32 GB of activations with flash
    attention (``tests/test_cost_to_train.py::test_memory_model_for_gpt2_small``):

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> [value.text for value in _run_values(training_run(CALCULATOR.defaults(pricing, {"preset": NOTE}), pricing))]
    ['294.9 B tokens', '857.2 MFLOP', '252.8 EFLOP', '1.98 GB', '0.32 GB']
    """
    tokens, flops = run.tokens, run.flops
    return [
        Value("tokens", "Training tokens", tokens / 1e9, "B tokens"),
        Value("flops_per_token", "Compute per token", flops / tokens / 1e6 if tokens else 0.0, "MFLOP"),
        Value("total_flops", "Training compute", flops / 1e18, "EFLOP"),
        Value("state_memory", "Weights, gradients and Adam states (16 B/parameter)", model_state_bytes(run.parameters) / BYTES_PER_GB, "GB"),
        Value("activation_memory", "Activations of one micro-batch, before they are split", run.activation_bytes / BYTES_PER_GB, "GB"),
    ]


def _ranking_values(ranked: list[InstanceEstimate], values: dict) -> list[Value]:
    """How many machine types have a plan after the filters, and how old may a price be?

    >>> [value.text for value in _ranking_values(list(EXAMPLE_PLANS), {"price_age_months": 12})]
    ['2', '12 months']
    """
    return [
        Value("machines_ranked", "Machine types with a plan (after the filters)", len(ranked), "count"),
        Value("price_age_limit", "Prices used: confirmed within", values["price_age_months"], "months"),
    ]


def _plan_values(prefix: str, label: str, item: InstanceEstimate, subject: str) -> list[Value]:
    """How many machines does a plan take, how many GPU-hours (failures included), and how many days?

    >>> [value.text for value in _plan_values("cheapest_", "Cheapest", EXAMPLE_PLANS[0], "one-big")]
    ['1', '3.33 h', '0.14 days']
    """
    return [
        Value(f"{prefix}machines", f"{label}: machines", item.machines, "count", subject=subject),
        Value(f"{prefix}gpu_hours", f"{label}: GPU-hours, failures included", item.gpu_hours, "h", subject=subject),
        Value(f"{prefix}wall_days", f"{label}: days from start to finish", item.days, "days", subject=subject),
    ]


def _cheapest_values(ranked: list[InstanceEstimate], low: float, high: float, snapshot: str) -> list[Value]:
    """What does the cheapest plan on demand cost and take (with its range and its price's age), and what do the
    cheapest on spot and the fastest cost?

    With a range of 0.8 to 1.25 times the estimate: one GPU on demand, $6.67 ($5.33 to $8.33); on spot, $1.67; the
    fastest, eight GPUs, 0.52 h for $10.42:

    >>> shown = _cheapest_values(list(EXAMPLE_PLANS), 0.8, 1.25, "2026-11")
    >>> [(value.text, value.note) for value in shown if value.name in ("cheapest_cost", "cheapest_spot_cost")]
    [('$6.67', '$5.3–$8.3'), ('$1.67', '3.33 h with interruptions')]
    >>> shown[-1].text, shown[-1].subject, shown[-1].note
    ('0.52 h', 'eight-big', '$10.42 on demand')
    """
    best = ranked[0]
    cost = within_range(best.on_demand_total, (low, high))
    days, hours = format_range(*within_range(best.days, (low, high)), "days"), within_range(best.hours, (low, high))
    shown = [
        Value("cheapest_cost", f"Cheapest: {best.label} on demand", best.on_demand_total, "USD", subject=best.instance,
              note=format_range(*cost, "USD")),
        Value("cheapest_hours", f"Cheapest: {best.label} time", best.hours, "h", subject=best.instance, note=days),
        Value("cheapest_days", f"Cheapest: {best.label} time in days", best.days, "days", subject=best.instance),
        Value("cheapest_time", f"Cheapest: {best.label} time", *((best.days, "days") if best.hours >= 48 else (best.hours, "h")),
              note=days if best.hours >= 48 else format_range(*hours, "h"), subject=best.instance),
        Value("cheapest_cost_low", "Cheapest on demand, low end of the range", cost[0], "USD", subject=best.instance),
        Value("cheapest_cost_high", "Cheapest on demand, high end of the range", cost[1], "USD", subject=best.instance),
        Value("cheapest_lost_hours", f"Cheapest: {best.label} time lost to failures", best.lost_hours, "h",
              note=format_value(best.lost_cost, "USD"), subject=best.instance),
        *_plan_values("cheapest_", "Cheapest", best, best.instance),
        Value("cheapest_price_age", f"Cheapest: {best.label}'s price confirmed, months before the snapshot",
              float(months_between(best.price_as_of, snapshot)), "months", subject=best.price_as_of),
    ]
    return shown + _spot_and_fastest_values(ranked)


def _spot_and_fastest_values(ranked: list[InstanceEstimate]) -> list[Value]:
    """Which plan is cheapest on spot, and which is the fastest, with what each costs?

    >>> [(value.name, value.subject) for value in _spot_and_fastest_values(list(EXAMPLE_PLANS))]
    [('cheapest_spot_cost', 'one-big'), ('fastest_hours', 'eight-big')]
    """
    shown = []
    spot_options = [item for item in ranked if item.spot_total is not None]
    if spot_options:
        spot_best = min(spot_options, key=lambda item: (item.spot_total, item.instance))
        shown.append(Value("cheapest_spot_cost", f"Cheapest on spot: {spot_best.label}", spot_best.spot_total, "USD",
                           note=f"{format_value(spot_best.spot_hours, 'h')} with interruptions", subject=spot_best.instance))
    fastest = min(ranked, key=lambda item: (item.hours, item.on_demand_total))
    shown.append(Value("fastest_hours", f"Fastest: {fastest.label}", fastest.hours, "h",
                       note=f"{format_value(fastest.on_demand_total, 'USD')} on demand", subject=fastest.instance))
    return shown


def _ranking_notes(tokens: float, every: list[InstanceEstimate], ranked: list[InstanceEstimate]) -> list[str]:
    """What should a reader know about the ranking: a run of no tokens, no plan, no plan through the filters, or no
    spot plan that finishes?

    >>> for note in _ranking_notes(6e11, list(EXAMPLE_PLANS), []):
    ...     print(note)
    No plan that holds the run passes the provider and GPU filters.
    2 plans that hold the run are hidden by the provider and GPU filters.
    """
    notes: list[str] = []
    if tokens == 0:
        notes.append("No tokens to train: every plan takes 0 hours, and only the transfer in costs anything.")
    if any(item.sold_as == "on_demand" for item in ranked):
        if not any(item.spot_total is not None for item in ranked):
            notes.append("No plan that holds the run has a spot price that finishes.")
    elif every:
        notes.append("No plan that holds the run passes the provider and GPU filters.")
    else:
        notes.append("No machine in pricing.json can hold this run: see the excluded list for what each one lacks.")
    if len(ranked) < len(every):
        notes.append(f"{len(every) - len(ranked)} plans that hold the run are hidden by the provider and GPU filters.")
    return notes


def _closing_notes(values: dict, pricing: Pricing, bounds: tuple[float, float]) -> list[str]:
    """What does the estimate's range mean, which prices are used, and where is the data stored?

    >>> from calculators import load_pricing
    >>> for note in _closing_notes({"price_basis": "current", "dataset_store": "ebs-gp3"}, load_pricing(), (0.8, 1.25)):
    ...     print(note)  # doctest: +NORMALIZE_WHITESPACE
    The range is the spread of the published runs around their estimates: from -20% to +25%
    (the table of published runs below).
    Storage is priced on Amazon EBS gp3 (General Purpose SSD) for every plan, for as long as the run lasts.
    """
    low, high = bounds
    notes = [(f"The range is the spread of the published runs around their estimates: from {low - 1:+.0%} to "
              f"{high - 1:+.0%} (the table of published runs below).")]
    if values["price_basis"] != "current":
        notes.append(f"Plans marked '{values['price_basis']} price' use that source's price; the others use their newest price.")
    store = pricing.section("storage")[values["dataset_store"]].get("label", values["dataset_store"])
    notes.append(f"Storage is priced on {store} for every plan, for as long as the run lasts.")
    return notes


def compute(values: dict, pricing: Pricing) -> Result:
    """Which machines can train the run, in what time and at what cost; which is the cheapest, where, and what does
    the chosen machine's plan cost every way it can be paid for?

    nanoGPT's run on p4d.24xlarge is priced at the note's $33.05 an hour:

    >>> from calculators import load_pricing
    >>> result = compute(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}), load_pricing())
    >>> result.value("instance_compute") == result.value("instance_hours") * 33.05
    True
    """
    require_machine(pricing, values["instance"])
    run = training_run(values, pricing)
    every, excluded = estimate_instances(values, pricing)
    ranked = [item for item in every if _wanted(item, values)]
    sold = [item for item in ranked if item.sold_as == "on_demand"]
    found = options(ranked, kinds_chosen(values["price_kind"]), values["deadline_days"] * 24.0)
    low, high = estimate_range(pricing, run.efficiency, run.is_moe)
    chosen_values, chosen_notes = _chosen_values(values["instance"], every, excluded)
    chosen = next((item for item in every if item.instance == values["instance"]), None)
    paying_values, paying_table, paying_figure = payment_view(chosen, chosen.offers, pricing) if chosen else ([], (), ())
    cheapest_values = _cheapest_values(sold, low, high, pricing.snapshot_date) if sold else []
    shown = [*_run_values(run), *_ranking_values(ranked, values), *cheapest_values, *chosen_values, *paying_values]
    notes = [*_ranking_notes(run.tokens, every, ranked), *chosen_notes, *_closing_notes(values, pricing, (low, high))]
    tables = (_ranked_table(ranked, pricing.snapshot_date), _excluded_table(excluded), _provider_table(found, pricing),
              _unranked_table(ranked, pricing.snapshot_date), *([paying_table] if chosen else []))
    return Result(tuple(shown), tables, (_figure(found), *([paying_figure] if chosen else [])), tuple(notes),
                  answer=_answer(ranked, found, bool(every), (low, high), values))


def _span(item_hours: float, total: float, bounds: tuple[float, float]) -> str:
    """How long, and for how much, within the estimate's range? In hours below two days.

    >>> _span(12_000 / 3600, 2.0 * 12_000 / 3600, (0.8, 1.25)), _span(40 * 24, 2e6, (0.8, 1.25))
    ('for 2.7–4.2 h: $5.3–$8.3', 'for 32–50 days: $1.6M–$2.5M')
    """
    days = item_hours / 24.0
    if days >= 2:
        time = format_range(*within_range(days, bounds), "days")
    else:
        time = format_range(*within_range(item_hours, bounds), "h")
    return f"for {time}: {format_range(*within_range(total, bounds), 'USD')}"


def _answer(ranked: list[InstanceEstimate], found: list[Option], any_plan: bool, bounds: tuple[float, float], values: dict) -> str:
    """Which plan is the cheapest, with its range and what failures cost it; is one on spot cheaper, or a single
    machine faster?

    One GPU on demand, 3.33 h for $6.67 (0.8 to 1.25 times: 2.7–4.2 h, $5.3–$8.3); on spot $1.67 ($1.3–$2.1); eight
    GPUs are faster, 0.52 h for $10.42 (0.42–0.65 h, $8.3–$13):

    >>> print(_answer(list(EXAMPLE_PLANS), options(list(EXAMPLE_PLANS), ("on_demand", "spot")), True, (0.8, 1.25),
    ...               {"deadline_days": 30}))  # doctest: +NORMALIZE_WHITESPACE
    Cheapest: one-big on demand for 2.7–4.2 h: $5.3–$8.3; on spot, one-big for 2.7–4.2 h: $1.3–$2.1;
    fastest: eight-big for 0.42–0.65 h: $8.3–$13.
    """
    if not any_plan:
        return ("No machine in our price list can hold this run, even in the largest cluster its provider is sourced "
                "to offer (see the machines left out, and why).")
    if not found:
        return "No plan that holds this run passes the provider, GPU and price filters."
    order = lambda o: (not o.meets_deadline, o.total, o.hours, o.label)  # noqa: E731 - one sort key, used twice
    first = min((o for o in found if o.kind == "on_demand"), key=order, default=None) or min(found, key=order)
    kind = "on demand" if first.kind == "on_demand" else f"as {KIND_LABELS[first.kind].lower()}"
    text = f"Cheapest: {first.name} {kind} {_span(first.hours, first.total, bounds)}"
    plan = next(item for item in ranked if item.instance == first.instance)
    if first.kind == "on_demand" and plan.machines > 1 and plan.lost_hours > 0:
        lost = (format_range(plan.lost_hours / 24, plan.lost_hours / 24, "days") if plan.lost_hours >= 48
                else format_range(plan.lost_hours, plan.lost_hours, "h"))
        text += f", of which failures cost {lost} ({format_range(plan.lost_cost, plan.lost_cost, 'USD')})"
    if not first.meets_deadline:
        text += f", longer than the {number_text(values['deadline_days'])} days asked: no plan meets them"
    spot = min((o for o in found if o.kind == "spot"), key=order, default=None)
    if first.kind == "on_demand" and spot and order(spot) < order(first):
        text += f"; on spot, {spot.name} {_span(spot.hours, spot.total, bounds)}"
    # Plans sized to the deadline all end near it; a fastest one is worth naming only among single machines.
    fastest = min(found, key=lambda o: (o.hours, o.total, o.label))
    if fastest.machines == 1 and first.machines == 1 and fastest.hours < first.hours:
        text += f"; fastest: {fastest.label} {_span(fastest.hours, fastest.total, bounds)}"
    return text + "."


def _chosen_values(name: str, ranked: list[InstanceEstimate], excluded: list) -> tuple[list[Value], list[str]]:
    """What does the chosen machine's plan take and cost, on demand and on spot? Only a note when it cannot be planned.

    One GPU: 3.33 h, no time lost, $6.67 on demand at $2/h, $1.67 on spot:

    >>> shown, notes = _chosen_values("one-big", list(EXAMPLE_PLANS), [])
    >>> [value.text for value in shown], notes
    (['1', '3.33 h', '0.14 days', '3.33 h', '0.14 days', '0 h', '$6.67', '$6.67', '$1.67'], [])
    >>> _chosen_values("c5.2xlarge", [], [Exclusion("c5.2xlarge", "none", "no GPU model listed")])
    ([], ['c5.2xlarge cannot be planned: no GPU model listed.'])
    """
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
        Input("dataset_store", "Where the data lives", "", "ebs-gp3", choices=PricingChoices("storage", today=True), group="Data"),
        Input("checkpoints_kept", "Checkpoints kept", "", 1, minimum=0, maximum=10_000, step=1, integer=True,
              help="Each is 12 bytes per parameter (fp32 weights and Adam m, v).", group="Data"),
        Input("provider_filter", "Providers", "", "all",
              choices=PricingChoices("providers", first=(("all", "Every provider"),)), group=HARDWARE),
        Input("gpu_filter", "GPU", "", "all", choices=PricingChoices("gpus", first=(("all", "Every GPU"),)), group=HARDWARE),
        Input("price_kind", "Ways to pay", "", "both", choices=PRICE_KINDS, group=HARDWARE,
              help="On demand, spot, capacity blocks (whole days, paid up front), 1- and 3-year commitments (the whole "
                   "term is paid), machines sold only by reservation, and marketplace offers."),
        Input("instance", "Machine to show", "", "p4d.24xlarge", choices=PricingChoices("instances", today=True), group=HARDWARE,
              help="Its plan is priced every way it can be paid for, with the break-even run length of each."),
        Input("price_age_months", "Oldest price to use", "months", 12, minimum=1, maximum=120, step=1, integer=True,
              group=HARDWARE, help="A machine whose newest price is older than this, counted back from the price list's "
                                   "date, is left out with its date, instead of being priced as today's."),
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
