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

from ._declare import Calculator, Input, PricingChoices
from ._pricing import Pricing
from ._numbers import format_change, format_value
from ._result import Column, Figure, Result, Table, Value
from ._training_inputs import MODEL_PRESETS, NOTE, RUN_INPUTS, plan_machine, training_run
from .charts import Axis, Chart, Series, auto_axis
from .models.comparison import cost_change
from .models.history import PricePoint, decimal_year, price_points
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
# PricePoint, decimal_year, price_points and cost_change are the models' (models.history, models.comparison), named
# here as the page has always named them.


# --- the job at each dated price -----------------------------------------------------------


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
    """Which kinds of price does the reader's choice take in?

    >>> _kinds("both"), _kinds("spot")
    (('on_demand', 'spot'), ('spot',))
    """
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
            hours[name] = found.plan.machine_hours
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


def _g2_spot_history(pricing: Pricing) -> History:
    """Which history do the examples use? One worked by hand: a 96-hour job on g2.2xlarge spot at the 2015 note's
    $0.10/h (96 × $0.10 = $9.60) and at the v3 catalog's $0.3108/h of 2022-10 (96 × $0.3108 = $29.8368), a change of
    0.3108 / 0.10 - 1 = +210.8%; c5.2xlarge left out for having no GPU.

    >>> from calculators import load_pricing
    >>> [round(point.cost, 4) for point in _g2_spot_history(load_pricing()).series[0].points]
    [9.6, 29.8368]
    """
    spot = pricing.quantity("/instances/g2.2xlarge/spot").observations
    return History((PriceSeries("g2.2xlarge", "spot", 96.0, price_points(96.0, spot)),),
                   (("c5.2xlarge", "no GPU model listed"),), (("g2.2xlarge", 96.0),), (("g2.2xlarge", "g2.2xlarge"),))


def history_table(history: History, pricing: Pricing) -> Table:
    """Which dated prices were used, where and from what source, and what does the job cost at each?

    >>> from calculators import load_pricing
    >>> for row in history_table(_g2_spot_history(load_pricing()), load_pricing()).texts:
    ...     print(row[0], row[1], row[2], row[4], row[5])
    g2.2xlarge spot 2015-11-22 $0.10/h $9.60
    g2.2xlarge spot 2022-10 $0.3108/h $29.84
    """
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


def history_figure(history: History) -> Figure:
    """What did the same job cost on each machine at each dated price? A line a machine and kind, over the years.

    >>> from calculators import load_pricing
    >>> figure = history_figure(_g2_spot_history(load_pricing()))
    >>> figure.chart.series[0].x
    [2015.89, 2022.75]
    >>> print(figure.alt)  # doctest: +NORMALIZE_WHITESPACE
    Cost of the same job at each dated price, by machine.
    g2.2xlarge spot: $9.60 (2015-11-22), $29.84 (2022-10), +210.8%.
    """
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
    return Figure("price_history", chart, history_alt(charted))


def history_alt(charted: tuple[PriceSeries, ...]) -> str:
    """What does the chart show, in words? Each line's costs with their dates, and its change.

    >>> history_alt(())
    'No machine that can hold the run has two or more dated prices of this kind, so there is nothing to plot.'
    """
    if not charted:
        return ("No machine that can hold the run has two or more dated prices of this kind, so there is nothing "
                "to plot.")
    parts = [
        f"{item.label}: " + ", ".join(f"{format_value(p.cost, 'USD')} ({p.as_of})" for p in item.points)
        + ("" if item.change is None else f", {format_change(item.change)}")
        for item in charted
    ]
    return f"Cost of the same job at each dated price, by machine. {'; '.join(parts)}."


def hours_values(name: str, history: History) -> list[Value]:
    """How long does the run take on the chosen machine: its training time, or its machine-hours on a cluster?

    >>> from calculators import load_pricing
    >>> [(value.label, value.text) for value in hours_values("g2.2xlarge", _g2_spot_history(load_pricing()))]
    [('g2.2xlarge: training time', '96 h')]
    """
    if name not in dict(history.hours):
        return []
    label = dict(history.labels).get(name, name)
    what = "training time" if label == name else "machine-hours (machines × hours)"
    return [Value("hours", f"{label}: {what}", dict(history.hours)[name], "h")]


def kind_values(name: str, kind: str, item: PriceSeries | None) -> tuple[list[Value], list[str]]:
    """What did the job cost on the chosen machine at its oldest and newest price of one kind, and by how much did
    that change? With a note when there is no such price, only one, or no change to state.

    >>> from calculators import load_pricing
    >>> shown, notes = kind_values("g2.2xlarge", "spot", _g2_spot_history(load_pricing()).find("g2.2xlarge", "spot"))
    >>> [(value.name, value.text) for value in shown], notes
    ([('spot_oldest', '$9.60'), ('spot_newest', '$29.84'), ('spot_change', '210.8%')], [])
    >>> kind_values("g2.2xlarge", "on_demand", None)
    ([], ['g2.2xlarge has no on demand price in pricing.json.'])
    """
    if item is None:
        return [], [f"{name} has no {dict(PRICE_KINDS)[kind]} price in pricing.json."]
    oldest, newest = item.oldest, item.newest
    newest_value = Value(f"{kind}_newest", f"{item.label} at its {newest.as_of} price", newest.cost, "USD",
                         note=format_value(newest.price, "USD/h"))
    if not item.has_history:
        only_one = f"{item.label}: only one dated price ({newest.as_of}), so there is no history to compare."
        return [newest_value], [only_one]
    shown = [
        Value(f"{kind}_oldest", f"{item.label} at its {oldest.as_of} price", oldest.cost, "USD",
              note=format_value(oldest.price, "USD/h")),
        newest_value,
    ]
    if item.change is None:
        return shown, [f"{item.label}: the job costs nothing at its oldest price, so no change can be stated."]
    shown.append(Value(f"{kind}_change", f"{item.label}: change from {oldest.as_of} to {newest.as_of}",
                       item.change, "fraction"))
    return shown, []


def chosen_values(name: str, history: History, kinds: tuple[str, ...]) -> tuple[list[Value], list[str]]:
    """What did the job cost on the chosen machine at its oldest and newest price of each kind, and how long does it
    take there? Only a note when the machine is left out.

    >>> from calculators import load_pricing
    >>> history = _g2_spot_history(load_pricing())
    >>> [value.name for value in chosen_values("g2.2xlarge", history, ("spot",))[0]]
    ['hours', 'spot_oldest', 'spot_newest', 'spot_change']
    >>> chosen_values("c5.2xlarge", history, ("spot",))
    ([], ['c5.2xlarge is left out: no GPU model listed.'])
    """
    left_out = dict(history.left_out)
    if name in left_out:
        return [], [f"{name} is left out: {left_out[name]}."]
    shown, notes = hours_values(name, history), []
    for kind in kinds:
        kind_shown, kind_notes = kind_values(name, kind, history.find(name, kind))
        shown += kind_shown
        notes += kind_notes
    return shown, notes


def history_notes(values: dict, history: History, pricing: Pricing, kinds: tuple[str, ...]) -> list[str]:
    """What should a reader know about the other machines and about what is priced? A run of no tokens, prices with
    one date, machines with a history that are left out, and what the costs leave out.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> history_notes({"steps": 0, "instance": "g2.2xlarge"}, _g2_spot_history(pricing), pricing, ("spot",))[0]
    'No tokens to train: the job takes 0 hours, so it costs $0 at every price.'
    """
    notes = []
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
    return notes


def compute(values: dict, pricing: Pricing) -> Result:
    """What did the chosen machine's job cost then and now, at every dated price as a table, and over time?

    nanoGPT's run on p4d.24xlarge: 93.82 h, which cost 93.82 × $33.05 at the note's price (2024):

    >>> from calculators import load_pricing
    >>> result = compute(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}), load_pricing())
    >>> round(result.value("hours"), 2), result.value("on_demand_oldest") == result.value("hours") * 33.05
    (93.82, True)
    """
    require_machine(pricing, values["instance"])
    history = price_history(values, pricing)
    kinds = _kinds(values["price_kind"])
    shown, notes = chosen_values(values["instance"], history, kinds)
    shown.append(Value("machines_with_history", "Machine prices with two or more dates", len(history.charted),
                       "count"))
    notes += history_notes(values, history, pricing, kinds)
    return Result(tuple(shown), (history_table(history, pricing),), (history_figure(history),), tuple(notes),
                  answer=answer(values["instance"], history, kinds))


def answer(name: str, history: History, kinds: tuple[str, ...]) -> str:
    """What did the chosen machine's job cost at its oldest and its newest price, in a sentence?

    >>> from calculators import load_pricing
    >>> answer("g2.2xlarge", _g2_spot_history(load_pricing()), ("spot",))
    'The same job on g2.2xlarge spot $9.60 at its 2015-11-22 price and $29.84 at its 2022-10 price (+210.8%).'
    """
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
    """Has a machine two or more dated prices of one of these kinds?

    g2.2xlarge has two spot prices (2015 and 2022):

    >>> from calculators import load_pricing
    >>> _has_history(load_pricing(), "g2.2xlarge", ("spot",))
    True
    """
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
