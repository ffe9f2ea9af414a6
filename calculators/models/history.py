"""A job's cost at each dated price: where a price's date sits on a year axis, and the job's hours at each price.

Dates. A price is placed on a decimal-year axis: "2017-03-16" is 2017.2, "2026-11" is 2026.83,
"2024" is 2024.0. A date without its month or day counts from the first day, as the loader's
``months_between`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .._errors import PricingError
from .._pricing import Observation

__all__ = ["PricePoint", "decimal_year", "price_points"]


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
