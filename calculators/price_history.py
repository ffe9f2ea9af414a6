"""What would the same training job have cost on each machine at each date pricing.json has a price for?

The job is described by the same run inputs as the cost-to-train calculator (a transformer, its
tokens, its MFU, its deadline), and it is planned on each machine type as that calculator plans it
(``plan_machine``: as many machines as hold it and meet the deadline), so the time formula lives there only.
Here each of a machine's dated prices, on demand or spot, is applied to the plan's machine-hours (machines ×
hours, failures included): cost = machine-hours × the price per hour as of that date. The hours do not change
with the date; only the price does, which isolates what the market did to the bill.

What is left out. Only compute is priced: storage and transfer have no price history here, and
a spot run is priced over its on-demand machine-hours, because pricing.json has no interruption
rates for past years. Machines no cluster of which can hold the run, or with no GPU, are left out and named.

Dates. A price is placed on a decimal-year axis: "2017-03-16" is 2017.2, "2026-11" is 2026.83,
"2024" is 2024.0. A date without its month or day counts from the first day, as the loader's
``months_between`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ._declare import Calculator, Input, PricingChoices
from ._errors import PricingError
from ._pricing import Observation, Pricing
from ._numbers import format_change, format_value
from ._result import Column, Figure, Result, Table, Value
from ._training_inputs import MODEL_PRESETS, NOTE, RUN_INPUTS, plan_machine, training_run
from .charts import Axis, Chart, Series, auto_axis
from .models.machines import Exclusion, machine, require_machine

PRICE_KINDS = (("on_demand", "on demand"), ("spot", "spot"))
KIND_CHOICES = (
    ("both", "On demand and spot"),
    ("on_demand", "On demand only"),
    ("spot", "Spot only (uninterrupted hours)"),
)

__all__ = [
    "PricePoint",
    "PriceSeries",
    "History",
    "decimal_year",
    "price_points",
    "cost_change",
    "price_history",
    "CALCULATOR",
]


# --- dates and prices ----------------------------------------------------------------------


def decimal_year(as_of: str) -> float:
    """Where does an as-of date sit on a year axis, to two decimals?

    A missing month or day counts as the first one.

    >>> decimal_year("2017-03-16"), decimal_year("2024"), decimal_year("2026-11"), decimal_year("2015-11-22")
    (2017.2, 2024.0, 2026.83, 2015.89)
    >>> decimal_year("2017-13")
    Traceback (most recent call last):
    ...
    calculators._errors.PricingError: as_of '2017-13' is not a calendar date
    """
    try:
        pieces = [int(piece) for piece in as_of.split("-")]
        year, month, day = (pieces + [1, 1])[:3]
        start = date(year, 1, 1)
        elapsed = (date(year, month, day) - start).days
    except ValueError:
        raise PricingError(f"as_of {as_of!r} is not a calendar date", "as_of") from None
    length = (date(year + 1, 1, 1) - start).days
    return round(year + elapsed / length, 2)


@dataclass(frozen=True)
class PricePoint:
    """The job's cost at one dated price."""

    as_of: str
    year: float
    price: float
    cost: float
    source: str
    region: str


def price_points(hours: float, observations: tuple[Observation, ...] | list[Observation]) -> tuple[PricePoint, ...]:
    """What does a job of ``hours`` cost at each of these dated prices, oldest first?

    96 hours on g2.2xlarge spot at the 2015 note's $0.10/h and at the v3 catalog's $0.3108/h (2022-10):

    >>> from calculators import load_pricing
    >>> spot = load_pricing().quantity("/instances/g2.2xlarge/spot").observations
    >>> [(p.as_of, round(p.cost, 4)) for p in price_points(96, spot)]
    [('2015-11-22', 9.6), ('2022-10', 29.8368)]
    """
    ordered = sorted(observations, key=lambda obs: obs.as_of)
    return tuple(
        PricePoint(obs.as_of, decimal_year(obs.as_of), obs.value, hours * obs.value, obs.source, obs.region)
        for obs in ordered
    )


def cost_change(oldest: float, newest: float) -> float | None:
    """By what fraction did the cost change from the oldest price to the newest?

    ``None`` when the oldest cost is zero (a job of no hours, or a free machine): no change
    can be stated as a share of nothing.

    >>> round(cost_change(0.1, 0.3108), 4), cost_change(14.4, 14.4), cost_change(0, 0)
    (2.108, 0.0, None)
    """
    if oldest == 0:
        return None
    return newest / oldest - 1.0


@dataclass(frozen=True)
class PriceSeries:
    """One machine's dated prices of one kind (on demand or spot), applied to the job's hours."""

    instance: str
    kind: str
    hours: float
    points: tuple[PricePoint, ...]

    @property
    def label(self) -> str:
        """The name the chart and the table use, e.g. ``p2.xlarge spot``."""
        return f"{self.instance} {dict(PRICE_KINDS)[self.kind]}"

    @property
    def has_history(self) -> bool:
        """Whether there are at least two dated prices to compare."""
        return len(self.points) >= 2

    @property
    def oldest(self) -> PricePoint:
        """The cost at the oldest price."""
        return self.points[0]

    @property
    def newest(self) -> PricePoint:
        """The cost at the newest price."""
        return self.points[-1]

    @property
    def change(self) -> float | None:
        """The change from the oldest to the newest cost, as a fraction; ``None`` if it cannot be stated."""
        return cost_change(self.oldest.cost, self.newest.cost)


@dataclass(frozen=True)
class History:
    """Every machine's price series for the job, the machines left out with the reason, and each machine's hours."""

    series: tuple[PriceSeries, ...]
    left_out: tuple[tuple[str, str], ...]
    hours: tuple[tuple[str, float], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def charted(self) -> tuple[PriceSeries, ...]:
        """The series with at least two dated prices: the ones the chart and the table show."""
        return tuple(item for item in self.series if item.has_history)

    def find(self, instance: str, kind: str) -> PriceSeries | None:
        """The series of one machine and price kind, or ``None`` if it has no such price."""
        return next((item for item in self.series if item.instance == instance and item.kind == kind), None)


def _kinds(choice: str) -> tuple[str, ...]:
    return tuple(kind for kind, _ in PRICE_KINDS) if choice == "both" else (choice,)


def machine_hours(values: dict, pricing: Pricing) -> tuple[dict[str, float], list[tuple[str, str]], dict[str, str]]:
    """How many machine-hours does the run take on each machine type that can hold it, what is each plan called,
    and why are the others left out?

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> hours, left_out, labels = machine_hours(CALCULATOR.defaults(pricing, {"preset": NOTE}), pricing)
    >>> round(hours["p4d.24xlarge"], 1), labels["p4d.24xlarge"], dict(left_out)["c5.2xlarge"]
    (93.8, 'p4d.24xlarge', 'no GPU model listed')
    """
    run = training_run(values, pricing)
    hours: dict[str, float] = {}
    labels: dict[str, str] = {}
    left_out: list[tuple[str, str]] = []
    for name in pricing.section("instances"):
        spec = machine(pricing, name, include_retired=True)  # history keeps machines no longer sold
        found = spec if isinstance(spec, Exclusion) else plan_machine(spec, run, values, pricing, 0.0)
        if isinstance(found, Exclusion):
            left_out.append((name, found.reason))
        else:
            hours[name] = found.plan.wall_hours * found.plan.machines
            labels[name] = found.label
    return hours, left_out, labels


def price_history(values: dict, pricing: Pricing) -> History:
    """What would the job have cost on each machine at each of its dated prices?

    ``values`` holds this calculator's checked inputs. The nanoGPT GPT-2 (124M) run on p4d.24xlarge:
    the same 93.82 hours (93.78 of work and, over 8 GPUs, about 2 minutes of expected failures) at the note's $33.05/h (2024), at the catalog's $32.7726/h (2025-05), and at
    $21.957642/h after AWS's 2025 cut (from two sources, 2026-01-20 and 2026-08-26).

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> history = price_history(CALCULATOR.defaults(pricing, {"preset": NOTE}), pricing)
    >>> p4d = history.find("p4d.24xlarge", "on_demand")
    >>> round(p4d.hours, 2), [(p.as_of, p.price) for p in p4d.points], f"{p4d.change:.2%}"
    (93.82, [('2024', 33.05), ('2025-05', 32.7726), ('2026-01-20', 21.957642), ('2026-08-26', 21.957642)], '-33.56%')
    >>> "p5.48xlarge on demand" in [item.label for item in history.charted]
    True
    """
    estimates, left_out, labels = machine_hours(values, pricing)
    series: list[PriceSeries] = []
    for name, entry in pricing.section("instances").items():
        if name not in estimates:
            continue
        hours = estimates[name]
        for kind in _kinds(values["price_kind"]):
            if kind in entry:
                observations = pricing.quantity(f"/instances/{name}/{kind}").observations
                series.append(PriceSeries(name, kind, hours, price_points(hours, observations)))
    return History(tuple(series), tuple(left_out), tuple(estimates.items()), tuple(labels.items()))


# --- the result ----------------------------------------------------------------------------


def _table(history: History, pricing: Pricing) -> Table:
    columns = (
        Column("machine"), Column("price"), Column("price kind", shown=False), Column("as of"),
        Column("year", "count", shown=False), Column("region"), Column("price per hour", "USD/h"),
        Column("job cost", "USD"), Column("source"), Column("source id", shown=False),
    )
    rows = [
        (item.instance, dict(PRICE_KINDS)[item.kind], item.kind, point.as_of, point.year, point.region, point.price,
         point.cost, pricing.sources[point.source]["title"], point.source)
        for item in history.charted
        for point in item.points
    ]
    return Table("observations", "Every dated price used, and the job's cost at it", columns, rows)


def _figure(history: History) -> Figure:
    charted = history.charted
    series = tuple(
        Series(item.label, [p.year for p in item.points], [p.cost for p in item.points], style="line+markers",
               dash="dot" if item.kind == "spot" else "solid",
               hover=[f"{item.label}, {p.as_of}: {format_value(p.price, 'USD/h')} → {format_value(p.cost, 'USD')}"
                      for p in item.points])
        for item in charted
    )
    chart = Chart(
        "The same job at each dated price",
        Axis("year of the price", years=True),
        auto_axis("job cost (USD)", [p.cost for item in charted for p in item.points], prefix="$"),
        series,
    )
    if charted:
        parts = [
            f"{item.label}: " + ", ".join(f"{format_value(p.cost, 'USD')} ({p.as_of})" for p in item.points)
            + ("" if item.change is None else f", {format_change(item.change)}")
            for item in charted
        ]
        alt = f"Cost of the same job at each dated price, by machine. {'; '.join(parts)}."
    else:
        alt = "No machine that can hold the run has two or more dated prices of this kind, so there is nothing to plot."
    return Figure("price_history", chart, alt)


def _chosen(name: str, history: History, kinds: tuple[str, ...]) -> tuple[list[Value], list[str]]:
    """The chosen machine's costs at its oldest and newest price, and its change, for each kind."""
    left_out = dict(history.left_out)
    if name in left_out:
        return [], [f"{name} is left out: {left_out[name]}."]
    values: list[Value] = []
    notes: list[str] = []
    if name in dict(history.hours):
        label = dict(history.labels).get(name, name)
        what = "training time" if label == name else "machine-hours (machines × hours)"
        values.append(Value("hours", f"{label}: {what}", dict(history.hours)[name], "h"))
    for kind in kinds:
        item = history.find(name, kind)
        kind_text = dict(PRICE_KINDS)[kind]
        if item is None:
            notes.append(f"{name} has no {kind_text} price in pricing.json.")
            continue
        newest = item.newest
        if not item.has_history:
            values.append(Value(f"{kind}_newest", f"{item.label} at its {newest.as_of} price", newest.cost, "USD",
                                note=format_value(newest.price, "USD/h")))
            notes.append(f"{item.label}: only one dated price ({newest.as_of}), so there is no history to compare.")
            continue
        oldest = item.oldest
        values += [
            Value(f"{kind}_oldest", f"{item.label} at its {oldest.as_of} price", oldest.cost, "USD",
                  note=format_value(oldest.price, "USD/h")),
            Value(f"{kind}_newest", f"{item.label} at its {newest.as_of} price", newest.cost, "USD",
                  note=format_value(newest.price, "USD/h")),
        ]
        if item.change is None:
            notes.append(f"{item.label}: the job costs nothing at its oldest price, so no change can be stated.")
        else:
            values.append(Value(f"{kind}_change", f"{item.label}: change from {oldest.as_of} to {newest.as_of}",
                                item.change, "fraction"))
    return values, notes


def compute(values: dict, pricing: Pricing) -> Result:
    """The chosen machine's costs then and now, every dated price as a table, and the chart over time."""
    require_machine(pricing, values["instance"])
    history = price_history(values, pricing)
    kinds = _kinds(values["price_kind"])
    shown, notes = _chosen(values["instance"], history, kinds)
    charted = history.charted
    shown.append(Value("machines_with_history", "Machine prices with two or more dates", len(charted), "count"))
    if values["steps"] == 0:
        notes.append("No tokens to train: the job takes 0 hours, so it costs $0 at every price.")
    single = [item for item in history.series if not item.has_history]
    if single:
        notes.append(f"{len(single)} prices (a machine's on-demand or spot price) have only one date, "
                     "so they have no line on the chart.")
    for name, reason in history.left_out:
        if name != values["instance"] and _has_history(pricing, name, kinds):
            notes.append(f"{name} has a price history but is left out: {reason}.")
    notes.append("Only compute is priced: the same hours at each date's price. Spot prices are applied to the "
                 "uninterrupted hours; interruptions would add to them.")
    notes.append("Prices come from different sources and regions (see the table), so part of a change may be "
                 "a difference of region or of source.")
    return Result(tuple(shown), (_table(history, pricing),), (_figure(history),), tuple(notes),
                  answer=_answer(values["instance"], history, kinds))


def _answer(name: str, history: History, kinds: tuple[str, ...]) -> str:
    """What the chosen machine's job cost at its oldest and its newest price, in a sentence."""
    series = [item for item in (history.find(name, kind) for kind in kinds) if item is not None and item.has_history]
    if not series:
        return f"{name} has no price with two or more dates, so there is no change to show; the chart shows the others."
    parts = []
    for item in series:
        change = "" if item.change is None else f" ({format_change(item.change)})"
        parts.append(f"{item.label} {format_value(item.oldest.cost, 'USD')} at its {item.oldest.as_of} price and "
                     f"{format_value(item.newest.cost, 'USD')} at its {item.newest.as_of} price{change}")
    return "The same job on " + "; on ".join(parts) + "."


def _has_history(pricing: Pricing, name: str, kinds: tuple[str, ...]) -> bool:
    """Whether a machine has two or more dated prices of one of these kinds."""
    entry = pricing.section("instances")[name]
    return any(len(pricing.quantity(f"/instances/{name}/{kind}").observations) > 1 for kind in kinds if kind in entry)


CALCULATOR = Calculator(
    name="price_history",
    title="The same job at older prices",
    summary="What one training job would have cost on each machine at every dated price in the price list.",
    inputs=(
        *RUN_INPUTS,
        Input("instance", "Machine to sum up", "", "p4d.24xlarge", choices=PricingChoices("instances"),
              help="Its oldest and newest cost are shown above the chart; the chart shows every machine.",
              group="Machine and prices"),
        Input("price_kind", "Prices", "", "both", choices=KIND_CHOICES,
              help="Spot costs use the uninterrupted hours: interruptions would add to them.", group="Machine and prices"),
    ),
    compute=compute,
    headline=("hours", "on_demand_oldest", "on_demand_newest", "on_demand_change"),
    presets={
        **MODEL_PRESETS,
        NOTE: {
            "efficiency": "nanogpt-2022",
            "instance": "p4d.24xlarge",
            "price_kind": "on_demand",
        }
    },
)
