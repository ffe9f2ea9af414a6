"""Every way to pay for a machine's plan, for the cost-to-train page: which offers pricing.json has for a machine
today, what the plan costs under each (:mod:`calculators.models.offers`), the cheapest, and the chart of cost
against run length that shows where each way starts to pay.

The page (``cost_to_train``) plans the run; this module only prices the plan it is given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ._numbers import format_value, number_text
from ._pricing import Pricing, months_between, per_pricing, stale_offer
from ._result import Column, Figure, Table, Value
from .charts import Annotation, Axis, Chart, Series
from .models.offers import (
    HOURS_PER_DAY,
    OfferTerms,
    WayToPay,
    block_break_even,
    cheapest_way,
    commitment_break_even,
    cost_by_kind,
    rate_break_even,
)

KIND_LABELS = {
    "on_demand": "On demand",
    "spot": "Spot",
    "capacity_block": "Capacity block",
    "reserved_1y": "1-year commitment",
    "reserved_3y": "3-year commitment",
    "reservation_only": "Reservation only",
    "marketplace": "Marketplace",
}
"""The name of each way to pay, by its pricing.json field (or, for a machine's hourly price, its offer kind)."""

COMMITTED = ("capacity_block", "reserved_1y", "reserved_3y")
"""The priced offers besides the hourly price and spot, each with terms."""

PRICE_KINDS = (
    ("both", "On demand and spot"),
    ("all", "Every way to pay"),
    ("on_demand", "On demand only"),
    ("spot", "Spot only"),
    ("capacity_block", "Capacity blocks only"),
    ("reserved", "1- and 3-year commitments only"),
    ("reservation_only", "Reservation-only machines"),
    ("marketplace", "Marketplace offers"),
)
"""The choices of the cost-to-train page's price-kind filter: every kind of offer in pricing.json's schema."""

_CHOSEN = {"both": ("on_demand", "spot"), "all": tuple(KIND_LABELS), "reserved": ("reserved_1y", "reserved_3y")}


def kinds_chosen(choice: str) -> tuple[str, ...]:
    """The ways to pay a price-kind choice keeps.

    >>> kinds_chosen("both"), kinds_chosen("reserved"), kinds_chosen("marketplace")
    (('on_demand', 'spot'), ('reserved_1y', 'reserved_3y'), ('marketplace',))
    """
    return _CHOSEN.get(choice, (choice,))


@dataclass(frozen=True)
class OfferPrice:
    """One priced offer of a machine besides its hourly price: the field, the price an hour, its date and terms."""

    kind: str
    hourly: float
    as_of: str
    terms: OfferTerms


@per_pricing  # each machine's, on every keystroke of the cost-to-train page
def committed_offers(pricing: Pricing, name: str, months: int) -> tuple[OfferPrice, ...]:
    """A machine's capacity-block and commitment prices usable today: those confirmed within ``months``.

    >>> from calculators import load_pricing
    >>> [(offer.kind, offer.hourly) for offer in committed_offers(load_pricing(), "p4d.24xlarge", 12)]
    [('capacity_block', 11.8), ('reserved_1y', 13.921094)]
    """
    entry = pricing.section("instances")[name]
    found = []
    for kind in COMMITTED:
        pointer = f"/instances/{name}/{kind}"
        if kind in entry and not stale_offer(pricing, pointer, months):
            quantity = pricing.quantity(pointer)
            found.append(OfferPrice(kind, quantity.value, quantity.current.as_of, OfferTerms.from_offer(quantity.offer)))
    return tuple(found)


def offer_cost(offer: OfferPrice, hours: float, machines: int) -> float | None:
    """What a plan of ``machines`` for ``hours`` costs under a committed offer; None if the offer cannot hold it."""
    return cost_by_kind(offer.terms.kind, offer.hourly, hours, machines, offer.terms)


def _break_even(offer: OfferPrice, on_demand: float) -> float | None:
    if offer.terms.kind == "reserved":
        return commitment_break_even(on_demand, offer.hourly, offer.terms.term_days)
    return block_break_even(on_demand, offer.hourly, offer.terms)


def ways_to_pay(plan, offers: tuple[OfferPrice, ...]) -> list[WayToPay]:
    """Every way to pay for one plan (an ``InstanceEstimate``): its hourly price, spot, and each committed offer.

    Costs are compute only: the storage and the transfer are the same whichever way the machines are paid for.
    """
    base = plan.sold_as
    ways = [WayToPay(base, KIND_LABELS[base], plan.on_demand_price, plan.compute_cost, plan.hours, 0.0)]
    if plan.spot_compute is not None:
        rate = plan.spot_compute / plan.hours if plan.hours else plan.spot_price
        ways.append(WayToPay("spot", "Spot", plan.spot_price, plan.spot_compute, plan.spot_hours,
                             rate_break_even(plan.on_demand_price, rate)))
    else:
        ways.append(WayToPay("spot", "Spot", plan.spot_price or 0.0, None, 0.0, None, plan.spot_outcome))
    for offer in offers:
        cost = offer_cost(offer, plan.hours, plan.machines)
        paid = (cost / offer.hourly / plan.machines) if cost is not None and offer.hourly else 0.0
        why = "" if cost is not None else _why_not(offer, plan)
        ways.append(WayToPay(offer.kind, KIND_LABELS[offer.kind], offer.hourly, cost, paid,
                             _break_even(offer, plan.on_demand_price), why))
    return ways


def _why_not(offer: OfferPrice, plan) -> str:
    terms = offer.terms
    if terms.max_total_machines is not None and plan.machines > terms.max_total_machines:
        return f"more than the {number_text(terms.max_total_machines)} machines sold in blocks"
    return f"longer than the longest block, {number_text(terms.max_days)} days"


def _paid_for(way: WayToPay, machines: int) -> str:
    if way.cost is None:
        return way.why
    return f"{number_text(machines)} × {format_value(way.paid_hours / HOURS_PER_DAY, 'days')}"


def _pays_from(way: WayToPay) -> float | str:
    if way.kind in ("on_demand", "reservation_only", "marketplace"):
        return "—"
    if way.break_even_hours is None:
        return "never"
    if way.break_even_hours == 0:
        return "the first hour"
    return way.break_even_hours / HOURS_PER_DAY


def payment_view(plan, offers: tuple[OfferPrice, ...], pricing: Pricing) -> tuple[list[Value], Table, Figure]:
    """The ways to pay for the chosen machine's plan: values (the cheapest first), a table, and the break-even chart."""
    ways = ways_to_pay(plan, offers)
    best = cheapest_way(ways)
    base = ways[0].cost
    dates = {"spot": plan.spot_as_of, ways[0].kind: plan.price_as_of} | {offer.kind: offer.as_of for offer in offers}
    rows = [
        (way.label, way.hourly if way.cost is not None or way.kind != "spot" else None, dates.get(way.kind, ""),
         _paid_for(way, plan.machines), way.cost if way.cost is not None else "not available",
         way.cost / base - 1 if way.cost is not None and base else None, _pays_from(way), way.kind)
        for way in ways
    ]
    columns = (
        Column("way to pay"), Column("price a machine", "USD/h"), Column("price as of"), Column("machines × days paid"),
        Column("compute", "USD"), Column("against the hourly price", "fraction"), Column("cheaper from", "days"),
        Column("kind", shown=False),
    )
    table = Table("payment", f"Ways to pay for {plan.label}: compute only, cheapest marked in the values", columns, rows)
    shown = []
    if best is not None:
        shown.append(Value("pay_cheapest", f"{plan.label}: cheapest way to pay, compute only", best.cost, "USD",
                           note=best.label, subject=best.label))
    shown += [Value(f"pay_{way.kind}", f"{plan.label}: {way.label.lower()}, compute only", way.cost, "USD")
              for way in ways if way.cost is not None]
    shown += [Value(f"pays_from_{way.kind}", f"{way.label} costs less than the hourly price from", way.break_even_hours / HOURS_PER_DAY,
                    "days") for way in ways if way.kind in COMMITTED and way.break_even_hours is not None]
    return shown, table, _payment_figure(plan, ways, offers)


def _grid(low: float, high: float, edges: list[float]) -> list[float]:
    """Days from ``low`` to ``high``, evenly on a log scale, plus each step's edge and a point just past it."""
    points = {low * (high / low) ** (i / 60) for i in range(61)}
    for edge in edges:
        if low < edge < high:
            points |= {edge, edge * 1.0001}
    return sorted(points)


def _payment_figure(plan, ways: list[WayToPay], offers: tuple[OfferPrice, ...]) -> Figure:
    """Compute cost against run length for each way to pay, with each way's break-even against the hourly price."""
    plan_days = max(plan.hours / HOURS_PER_DAY, 1 / HOURS_PER_DAY)
    terms = [offer.terms.term_days for offer in offers if offer.terms.term_days]
    high = max(plan_days * 3, max(terms, default=30) * 1.5)
    low = min(plan_days / 3, 1 / HOURS_PER_DAY)
    edges = [float(day) for day in range(1, 15)] + [float(day) for day in range(21, 183, 7)]
    edges += [term * n for term in terms for n in (1, 2, 3)]
    days = _grid(low, high, edges)
    by_kind = {offer.kind: offer for offer in offers}
    series, marks, labels = [], [], []
    for way in ways:
        if way.kind == "spot" and way.cost is None:
            continue
        if way.kind in by_kind:
            costs = [offer_cost(by_kind[way.kind], day * HOURS_PER_DAY, plan.machines) for day in days]
        else:
            rate = way.cost / plan.hours if plan.hours else way.hourly * plan.machines
            costs = [rate * day * HOURS_PER_DAY for day in days]
        kept = [(day, cost) for day, cost in zip(days, costs) if cost is not None and cost > 0]
        if kept:
            series.append(Series(way.label, [day for day, _ in kept], [cost for _, cost in kept],
                                 dash="solid" if way is ways[0] else "dash" if way.kind == "spot" else "dot"))
        if way.kind in COMMITTED and way.break_even_hours:
            marks.append((way.break_even_hours / HOURS_PER_DAY, ways[0].hourly * way.break_even_hours * plan.machines))
            # The run length alone: the diamond sits where its way's line crosses the hourly one, and a longer
            # label would not fit a phone's plot.
            labels.append(format_value(way.break_even_hours / HOURS_PER_DAY, "days"))
    if marks:
        series.append(Series("Break-even", [m[0] for m in marks], [m[1] for m in marks],
                             style="markers", symbol="diamond", labels=labels))
    base_cost = ways[0].cost or 0.0
    annotations = (Annotation(plan_days, base_cost, f"this plan: {format_value(plan_days, 'days')}"),) if base_cost > 0 else ()
    chart = Chart(f"Compute cost of {plan.label} by run length, each way to pay",
                  Axis("run length (days)", scale="log"), Axis("compute cost (USD)", scale="log", prefix="$"),
                  tuple(series), annotations)
    parts = [f"{way.label}: {format_value(way.cost, 'USD')}" for way in ways if way.cost is not None]
    evens = [f"{way.label} is cheaper than the hourly price from {format_value(way.break_even_hours / HOURS_PER_DAY, 'days')}"
             for way in ways if way.kind in COMMITTED and way.break_even_hours]
    alt = (f"Compute cost against run length on {plan.label}, log scales. For this plan of "
           f"{format_value(plan_days, 'days')}: " + "; ".join(parts) + ". " + ("; ".join(evens) + "." if evens else ""))
    return Figure("payment", chart, alt.strip())


@functools.lru_cache(maxsize=1024)  # the ranking dates every machine's price on every keystroke: a few dozen dates
def price_age(as_of: str, snapshot_date: str) -> str:
    """A price's date and its age at the snapshot, for the ranking.

    >>> price_age("2026-09-25", "2026-12-06"), price_age("2026-12", "2026-12-06")
    ('2026-09-25 (3 months)', '2026-12 (under a month)')
    """
    months = months_between(as_of, snapshot_date)
    return f"{as_of} ({'under a month' if months < 1 else f'{months} month' + ('s' if months > 1 else '')})"


def price_within(as_of: str, snapshot_date: str, months: int) -> bool:
    """Whether a price is confirmed within ``months`` of the snapshot.

    >>> price_within("2026-06-05", "2026-12-06", 6), price_within("2026-05-18", "2026-12-06", 6)
    (True, False)
    """
    return months_between(as_of, snapshot_date) <= months


__all__ = ["KIND_LABELS", "PRICE_KINDS", "OfferPrice", "committed_offers", "kinds_chosen", "offer_cost", "payment_view",
           "price_age", "price_within", "ways_to_pay"]
