"""Ways to pay for a plan of machines: by the hour, on spot, in a capacity block, or by committing for a term.

A plan is some machines for some hours. On demand, it costs the hourly price for every machine-hour it runs.
A commitment (a reserved instance, a savings plan, committed use) is paid for every hour of its term, used or
not, so a short run pays for the whole term. A capacity block reserves machines for whole days, paid up front,
within the lengths and sizes the provider sells. Each way to pay has a break-even run length: the shortest run
from which it costs no more than paying on demand.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

HOURS_PER_DAY = 24.0
EPSILON = 1e-9
"""Slack for a length that lands on a whole day or term up to rounding (24.000000001 hours is one day)."""

__all__ = [
    "OfferTerms",
    "WayToPay",
    "block_break_even",
    "block_days",
    "blocks_needed",
    "capacity_block_cost",
    "cheapest_way",
    "commitment_break_even",
    "commitment_cost",
    "commitment_terms",
    "cost_by_kind",
    "on_demand_cost",
    "rate_break_even",
    "session_cost",
]


@dataclass(frozen=True)
class OfferTerms:
    """The limits of an offer (pricing.json's ``offer``): a commitment's term, a block's lengths and sizes.

    Lengths up to ``whole_days_to`` are any whole number of days; longer ones are whole multiples of
    ``step_days``, up to ``max_days``. ``max_machines`` fit in one purchase, ``max_total_machines`` in all.
    """

    kind: str
    term_days: float | None = None
    min_days: float = 0.0
    max_days: float | None = None
    whole_days_to: float | None = None
    step_days: float | None = None
    max_machines: int | None = None
    max_total_machines: int | None = None

    @classmethod
    def from_offer(cls, offer: dict) -> OfferTerms:
        """The terms of a pricing.json offer (its notes and sources left out).

        >>> OfferTerms.from_offer({"kind": "reserved", "term_days": 365, "payment": "no upfront"}).term_days
        365
        """
        names = ("term_days", "min_days", "max_days", "whole_days_to", "step_days", "max_machines", "max_total_machines")
        return cls(offer["kind"], **{name: offer[name] for name in names if name in offer})


def on_demand_cost(hourly: float, hours: float, machines: int = 1) -> float:
    """What does a plan cost by the hour? Every machine, every hour it runs.

    Four machines for 10 hours at $2 an hour:

    >>> on_demand_cost(2.0, 10, 4)
    80.0
    """
    return hourly * hours * machines


def session_cost(hourly_price: float, train_hours: float, setup_hours: float, nodes: int = 1) -> float:
    """What does one training session cost by the hour, setup time included? The machines run while you set up.

    A g5.xlarge at the AWS note's $1/h, 6 hours of training and 1 of setup:

    >>> session_cost(1.0, 6, 1)
    7.0
    """
    return on_demand_cost(hourly_price, train_hours + setup_hours, nodes)


def commitment_terms(hours: float, term_days: float) -> int:
    """How many terms does a run need? At least one, and as many as it spans.

    A 100-hour run needs one 1-year term, a 400-day run two, a run of exactly a year one:

    >>> commitment_terms(100, 365), commitment_terms(400 * 24, 365), commitment_terms(365 * 24, 365)
    (1, 2, 1)
    """
    return max(1, math.ceil(hours / (term_days * HOURS_PER_DAY) - EPSILON))


def commitment_cost(hourly: float, hours: float, term_days: float, machines: int = 1) -> float:
    """What does a commitment cost for a run? Every hour of every term it needs, used or not.

    Two p4d.24xlarge reserved for a year at $13.921094 an hour, for a 10-day run: the whole year is paid,
    13.921094 × 8,760 h × 2 = $243,897.57 (on demand the 10 days would cost 21.957642 × 240 × 2 = $10,539.67).

    >>> round(commitment_cost(13.921094, 240, 365, 2), 2)
    243897.57
    """
    return hourly * commitment_terms(hours, term_days) * term_days * HOURS_PER_DAY * machines


def block_days(run_days: float, terms: OfferTerms) -> int | None:
    """How many days of capacity block does a run of ``run_days`` need? None if no block is that long.

    AWS sells 1 to 14 days, then whole weeks up to 182 days: a 30-hour run (1.25 days) takes a 2-day block,
    a 15-day run a 21-day one, a 182-day run 182 days, and a 183-day run no block at all.

    >>> aws = OfferTerms("capacity_block", min_days=1, max_days=182, whole_days_to=14, step_days=7)
    >>> block_days(1.25, aws), block_days(15, aws), block_days(182, aws), block_days(183, aws)
    (2, 21, 182, None)
    """
    days = max(math.ceil(terms.min_days), math.ceil(run_days - EPSILON), 1)
    if terms.whole_days_to is not None and terms.step_days and days > terms.whole_days_to:
        days = math.ceil(days / terms.step_days) * int(terms.step_days)
    if terms.max_days is not None and days > terms.max_days:
        return None
    return days


def blocks_needed(machines: int, terms: OfferTerms) -> int | None:
    """How many blocks hold the plan's machines? None if more machines than the provider sells in blocks at once.

    AWS puts at most 64 instances in a block and 256 across an account's blocks:

    >>> aws = OfferTerms("capacity_block", max_machines=64, max_total_machines=256)
    >>> blocks_needed(8, aws), blocks_needed(100, aws), blocks_needed(300, aws)
    (1, 2, None)
    """
    if terms.max_total_machines is not None and machines > terms.max_total_machines:
        return None
    return 1 if terms.max_machines is None else math.ceil(machines / terms.max_machines)


def capacity_block_cost(hourly: float, hours: float, terms: OfferTerms, machines: int = 1) -> float | None:
    """What does a run cost in capacity blocks? Every machine for every whole day of the block; None if none fits.

    Two p4d.24xlarge in a block at $11.80 an hour for a 30-hour run: a 2-day block, 11.80 × 48 h × 2 = $1,132.80.

    >>> aws = OfferTerms("capacity_block", min_days=1, max_days=182, whole_days_to=14, step_days=7, max_machines=64)
    >>> round(capacity_block_cost(11.8, 30, aws, 2), 2), capacity_block_cost(11.8, 200 * 24, aws, 2)
    (1132.8, None)
    """
    days = block_days(hours / HOURS_PER_DAY, terms)
    if days is None or blocks_needed(machines, terms) is None:
        return None
    return hourly * days * HOURS_PER_DAY * machines


def cost_by_kind(kind: str, hourly: float, hours: float, machines: int, terms: OfferTerms | None = None) -> float | None:
    """What does a run of ``hours`` on ``machines`` cost, paid this way? None where the offer cannot hold it.

    A commitment and a block read their ``terms``; every other kind (on demand, spot, reservation only,
    marketplace) is paid by the hour it runs.

    >>> cost_by_kind("on_demand", 2.0, 10, 4), cost_by_kind("reserved", 1.0, 10, 1, OfferTerms("reserved", term_days=1))
    (80.0, 24.0)
    """
    if kind == "reserved":
        return commitment_cost(hourly, hours, terms.term_days, machines)
    if kind == "capacity_block":
        return capacity_block_cost(hourly, hours, terms, machines)
    return on_demand_cost(hourly, hours, machines)


def commitment_break_even(on_demand: float, committed: float, term_days: float) -> float | None:
    """From how many hours of use in a term does a commitment cost no more than on demand? None if never.

    A p4d.24xlarge reserved for a year at $13.921094 against $21.957642 on demand: the year costs
    13.921094 × 8,760 = $121,948.78, which on demand buys 121,948.78 / 21.957642 = 5,553.8 hours (231 days).

    >>> round(commitment_break_even(21.957642, 13.921094, 365), 1)
    5553.8
    >>> commitment_break_even(1.0, 1.2, 365) is None
    True
    """
    if on_demand <= 0 or committed >= on_demand:
        return None
    return committed * term_days * HOURS_PER_DAY / on_demand


def block_break_even(on_demand: float, block: float, terms: OfferTerms) -> float | None:
    """The shortest run from which a capacity block costs no more than on demand. None if never.

    A p4d.24xlarge block at $11.80 an hour against $21.957642 on demand: the shortest block, a day, costs
    24 × 11.80 = $283.20, which on demand buys 283.20 / 21.957642 = 12.9 hours.

    >>> aws = OfferTerms("capacity_block", min_days=1, max_days=182, whole_days_to=14, step_days=7)
    >>> round(block_break_even(21.957642, 11.8, aws), 1), block_break_even(1.0, 1.5, aws)
    (12.9, None)

    Past 14 days a block is sold by the week, so a run just past a week boundary can be dearer again; this is
    the first length from which it pays, which the chart shows in full.
    """
    if on_demand <= 0:
        return None
    shorter = 0
    for days in _block_lengths(terms):
        reached = block * days * HOURS_PER_DAY / on_demand
        if reached <= days * HOURS_PER_DAY + EPSILON:
            return max(shorter * HOURS_PER_DAY, reached)
        shorter = days
    return None


@functools.lru_cache(maxsize=64)  # a few offers' terms, asked for on every keystroke that prices a block
def _block_lengths(terms: OfferTerms) -> tuple[int, ...]:
    """Every block length the terms allow, shortest first."""
    longest = int(terms.max_days) if terms.max_days is not None else 366
    return tuple(sorted({days for day in range(1, longest + 1) if (days := block_days(day, terms)) is not None}))


def rate_break_even(on_demand: float, rate: float) -> float | None:
    """From what run length does an hourly rate cost no more than on demand? 0 if cheaper from the first hour, else None.

    >>> rate_break_even(21.96, 8.2), rate_break_even(1.0, 1.1)
    (0.0, None)
    """
    return 0.0 if rate <= on_demand else None


@dataclass(frozen=True)
class WayToPay:
    """One way to pay for a plan: what it costs (None if it cannot hold the plan, ``why`` says so), the price an hour
    a machine it is paid at, the hours each machine is paid for, and its break-even run length against on demand
    (0: cheaper from the first hour; None: never)."""

    kind: str
    label: str
    hourly: float
    cost: float | None
    paid_hours: float
    break_even_hours: float | None
    why: str = ""


def cheapest_way(ways: list[WayToPay]) -> WayToPay | None:
    """The cheapest way that can hold the plan (ties: the one listed first), or None if none can.

    >>> ways = [WayToPay("on_demand", "On demand", 2, 20.0, 10, 0.0), WayToPay("spot", "Spot", 1, None, 0, 0.0, "no spot"),
    ...         WayToPay("capacity_block", "Capacity block", 1, 24.0, 24, 12.0)]
    >>> cheapest_way(ways).kind
    'on_demand'
    """
    held = [way for way in ways if way.cost is not None]
    return min(held, key=lambda way: way.cost) if held else None
