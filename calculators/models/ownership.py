"""Owning a machine against renting one: the planned GPU-hours, what each costs for them (the desktop's purchase, less
its resale, plus its electricity; the cloud's hourly price), when the desktop pays off, and how many calendar days
that takes.

From the 2019 note "Training ML models: AWS vs Desktop?"; the page is ``rent_vs_buy``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .lines import CostLine, break_even
from .offers import on_demand_cost

CLOUD, DESKTOP = "Cloud", "Desktop"
HOURS_PER_DAY = 24
IDLE_BELOW = 1e-6
"""A utilisation below this counts as a machine that never trains (it keeps calendar days finite)."""

__all__ = [
    "CLOUD",
    "DESKTOP",
    "Payoff",
    "calendar_days",
    "cheaper_option",
    "cloud_cost",
    "desktop_cost",
    "desktop_payoff",
    "electricity_cost",
    "electricity_per_hour",
    "lines_per_day",
    "net_purchase",
    "planned_gpu_hours",
    "total_watts",
]


@dataclass(frozen=True)
class Payoff:
    """When the desktop's total cost drops to the cloud's.

    ``outcome`` is one of:

    - ``pays_off``: the curves cross after ``gpu_hours`` of training;
    - ``never``: an hour of electricity costs as much as an hour of cloud or more, so the desktop never
      catches up;
    - ``at_once``: the desktop costs nothing net up front and less per hour, so it is cheaper from the start;
    - ``identical``: nothing up front and the same per hour as the cloud.
    """

    outcome: str
    gpu_hours: float | None = None


def planned_gpu_hours(projects: float, days_per_project: float) -> float:
    """How many GPU-hours does the planned work take, counting full days of training?

    The note's ten projects of twelve complete days:

    >>> planned_gpu_hours(10, 12)
    2880
    """
    return projects * days_per_project * HOURS_PER_DAY


def cloud_cost(hourly_price: float, gpu_hours: float) -> float:
    """What does renting cost for ``gpu_hours`` of training?

    2,880 hours of g3s.xlarge at the note's $0.75/h:

    >>> cloud_cost(0.75, 2880)
    2160.0
    """
    return on_demand_cost(hourly_price, gpu_hours)


def electricity_per_hour(watts: float, usd_per_kwh: float) -> float:
    """What does one hour of training cost in electricity?

    A 250 W GPU and a 105 W CPU at $0.16 per kWh:

    >>> round(electricity_per_hour(250 + 105, 0.16), 4)
    0.0568
    """
    return watts / 1000 * usd_per_kwh


def total_watts(gpu_watts: float, cpu_watts: float, other_watts: float = 0.0) -> float:
    """How much power does the desktop draw while it trains?

    The note's 250 W GPU and 105 W Ryzen 7, nothing counted for the rest:

    >>> total_watts(250, 105)
    355.0
    """
    return gpu_watts + cpu_watts + other_watts


def electricity_cost(watts: float, usd_per_kwh: float, gpu_hours: float) -> float:
    """What does the electricity for ``gpu_hours`` of training cost?

    355 W at $0.16 per kWh for 2,880 hours: 0.355 kW × $0.16 × 2,880 = $163.584.

    >>> round(electricity_cost(355, 0.16, 2880), 3)
    163.584
    """
    return electricity_per_hour(watts, usd_per_kwh) * gpu_hours


def net_purchase(purchase_price: float, resale_fraction: float) -> float:
    """What does the desktop cost up front, net of what it sells for at the end?

    $2,000 sold for half its price, and kept:

    >>> net_purchase(2000, 0.5), net_purchase(2000, 0)
    (1000.0, 2000)
    """
    return purchase_price * (1 - resale_fraction)


def desktop_cost(
    purchase_price: float, resale_fraction: float, watts: float, usd_per_kwh: float, gpu_hours: float
) -> float:
    """What does owning cost after ``gpu_hours`` of training: purchase, less resale, plus electricity?

    The note's $2,000 desktop drawing 355 W for 2,880 hours at $0.16/kWh, sold for nothing:

    >>> round(desktop_cost(2000, 0, 355, 0.16, 2880), 2)
    2163.58
    """
    return net_purchase(purchase_price, resale_fraction) + electricity_cost(watts, usd_per_kwh, gpu_hours)


def desktop_payoff(cloud_price: float, net_purchase: float, electricity_hourly: float) -> Payoff:
    """After how many GPU-hours has the desktop cost no more than renting?

    $2,000 up front and $0.0568/h of electricity against $0.75/h of cloud:

    >>> round(desktop_payoff(0.75, 2000, 0.0568).gpu_hours, 1)
    2885.2
    >>> desktop_payoff(0.05, 2000, 0.0568).outcome
    'never'
    """
    meeting = break_even(CostLine(CLOUD, 0.0, cloud_price), CostLine(DESKTOP, net_purchase, electricity_hourly))
    if meeting.outcome == "crosses":
        # A per-hour gap too small to represent puts the meeting beyond any number: it never comes.
        return Payoff("pays_off", meeting.x) if math.isfinite(meeting.x) else Payoff("never")
    if meeting.outcome == "identical":
        return Payoff("identical")
    return Payoff("at_once" if meeting.cheaper == DESKTOP else "never")


def calendar_days(gpu_hours: float, utilisation: float) -> float | None:
    """How many calendar days do ``gpu_hours`` take when the machine trains ``utilisation`` of each day?

    Returns None when there is work to do and the machine never trains: utilisation 0, or below
    ``IDLE_BELOW`` (a millionth of a day, under a tenth of a second).

    >>> calendar_days(2880, 1.0), calendar_days(2880, 0.5)
    (120.0, 240.0)
    >>> calendar_days(2880, 0) is None
    True
    """
    if gpu_hours == 0:
        return 0.0
    if utilisation < IDLE_BELOW:
        return None
    return gpu_hours / (HOURS_PER_DAY * utilisation)


def lines_per_day(cloud_price: float, net_price: float, electricity_hourly: float, utilisation: float
                  ) -> tuple[CostLine, CostLine]:
    """What do renting and owning cost by the calendar day, when the machine trains ``utilisation`` of each day?

    Around the clock, $0.75/h of cloud is $18 a day; the desktop is $2,000 up front plus $0.0568 × 24 = $1.3632 a day:

    >>> cloud, desktop = lines_per_day(0.75, 2000, 0.0568, 1)
    >>> (cloud.fixed, cloud.rate), (desktop.fixed, round(desktop.rate, 4))
    ((0.0, 18.0), (2000, 1.3632))
    """
    hours_per_day = HOURS_PER_DAY * utilisation
    return CostLine(CLOUD, 0.0, cloud_price * hours_per_day), CostLine(DESKTOP, net_price, electricity_hourly * hours_per_day)


def cheaper_option(cloud_total: float, desktop_total: float) -> str | None:
    """Which is cheaper for the planned work, the cloud or the desktop? None when they cost the same (to a
    billionth of a dollar, or a trillionth of the total).

    $2,160 of cloud against a $2,163.58 desktop, and against $2,115.20:

    >>> cheaper_option(2160, 2163.584), cheaper_option(2160, 2115.2), cheaper_option(2160, 2160 + 1e-10)
    ('Cloud', 'Desktop', None)
    """
    if math.isclose(cloud_total, desktop_total, rel_tol=1e-12, abs_tol=1e-9):
        return None
    return CLOUD if cloud_total < desktop_total else DESKTOP
