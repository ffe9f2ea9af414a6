"""Rent GPU time in the cloud or buy a desktop: cumulative cost over time, and when the desktop pays off.

From the 2019 note "Training ML models: AWS vs Desktop?": ten projects of twelve full days of
training each, on a g3s.xlarge at $0.75/h or on a $2,000 desktop. Renting costs the hourly price
for every GPU-hour used. Buying costs the purchase price, less what the machine sells for at the
end, plus the electricity it draws while it trains.

The note's "around 2300 dollars" for AWS adds S3 and SSD storage and taxes to the compute; this
calculator prices compute only (10 x 12 x 24 h x $0.75 = $2,160), so the $140 gap is those extras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._declare import Calculator, Input, assumption
from .charts import Axis, Chart, Series
from .models.lines import CostLine, break_even
from ._numbers import format_value
from ._pricing import Pricing
from ._result import Column, Figure, Result, Table, Value

NOTE = "desktop-2019-note"
TODAY = "today-desktop-gpu"
CLOUD, DESKTOP = "Cloud", "Desktop"
HOURS_PER_DAY = 24
IDLE_BELOW = 1e-6
"""A utilisation below this counts as a machine that never trains (it keeps calendar days finite)."""
CHART_POINTS = 366
"""At most this many days are drawn per curve; the curves are straight, so more would add nothing."""

__all__ = [
    "CALCULATOR",
    "Payoff",
    "calendar_days",
    "cloud_cost",
    "desktop_cost",
    "desktop_payoff",
    "electricity_per_hour",
    "planned_gpu_hours",
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
    return hourly_price * gpu_hours


def electricity_per_hour(watts: float, usd_per_kwh: float) -> float:
    """What does one hour of training cost in electricity?

    A 250 W GPU and a 105 W CPU at $0.16 per kWh:

    >>> round(electricity_per_hour(250 + 105, 0.16), 4)
    0.0568
    """
    return watts / 1000 * usd_per_kwh


def desktop_cost(
    purchase_price: float, resale_fraction: float, watts: float, usd_per_kwh: float, gpu_hours: float
) -> float:
    """What does owning cost after ``gpu_hours`` of training: purchase, less resale, plus electricity?

    The note's $2,000 desktop drawing 355 W for 2,880 hours at $0.16/kWh, sold for nothing:

    >>> round(desktop_cost(2000, 0, 355, 0.16, 2880), 2)
    2163.58
    """
    return purchase_price * (1 - resale_fraction) + electricity_per_hour(watts, usd_per_kwh) * gpu_hours


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


def _watts(values: dict) -> float:
    return values["gpu_watts"] + values["cpu_watts"] + values["other_watts"]


def _lines_per_day(values: dict) -> tuple[CostLine, CostLine]:
    """Cloud and desktop as cost lines over calendar days at the chosen utilisation."""
    hours_per_day = HOURS_PER_DAY * values["utilisation"]
    electricity = electricity_per_hour(_watts(values), values["electricity_price"])
    return (
        CostLine(CLOUD, 0.0, values["cloud_price"] * hours_per_day),
        CostLine(DESKTOP, values["desktop_price"] * (1 - values["resale_fraction"]), electricity * hours_per_day),
    )


def _day_grid(span: int) -> list[float]:
    step = max(1, math.ceil(span / (CHART_POINTS - 1)))
    days = list(range(0, span + 1, step))
    if days[-1] != span:
        days.append(span)
    return days


def _days_outcome(payoff: Payoff, days: float | None) -> str:
    """The calendar outcome: as in GPU-hours, except ``idle`` when the hours are never reached."""
    return "idle" if payoff.outcome == "pays_off" and days is None else payoff.outcome


def _payoff_texts(payoff: Payoff, days: float | None) -> tuple[str, str]:
    """The break-even in GPU-hours and in calendar days, in words."""
    if payoff.outcome == "never":
        never = "never: an hour of electricity costs at least an hour of cloud"
        return never, never
    if payoff.outcome == "at_once":
        now = "from the first hour: the desktop costs nothing net up front"
        return now, now
    if payoff.outcome == "identical":
        same = "never: they cost the same at every point"
        return same, same
    hours_text = f"{format_value(payoff.gpu_hours, 'GPU-hours')}: the desktop is cheaper after that"
    if days is None:
        return hours_text, "never: at this utilisation the machine never trains"
    return hours_text, f"{format_value(days, 'days')} at this utilisation"


def compute(values: dict, pricing: Pricing) -> Result:
    """Cost of the planned work both ways, the break-even and the cumulative cost over calendar days."""
    watts = _watts(values)
    hours = planned_gpu_hours(values["projects"], values["days_per_project"])
    net_purchase = values["desktop_price"] * (1 - values["resale_fraction"])
    electricity = electricity_per_hour(watts, values["electricity_price"])
    cloud_total = cloud_cost(values["cloud_price"], hours)
    desktop_total = desktop_cost(values["desktop_price"], values["resale_fraction"], watts, values["electricity_price"], hours)
    payoff = desktop_payoff(values["cloud_price"], net_purchase, electricity)
    payoff_days = calendar_days(payoff.gpu_hours, values["utilisation"]) if payoff.outcome == "pays_off" else None
    planned_days = calendar_days(hours, values["utilisation"])

    shown = [
        Value("planned_gpu_hours", "Planned training (projects × days × 24 h)", hours, "GPU-hours"),
        Value("watts", "Power drawn while training", watts, "W"),
        Value("electricity_per_hour", "Desktop electricity per GPU-hour", electricity, "USD/h"),
        Value("cloud_cost", f"{CLOUD}: planned work", cloud_total, "USD"),
        Value("desktop_cost", f"{DESKTOP}: planned work, electricity included", desktop_total, "USD"),
        Value("desktop_electricity", f"{DESKTOP}: of which electricity", electricity * hours, "USD"),
    ]
    if planned_days is not None:
        shown.insert(1, Value("planned_days", "Calendar days the planned work takes", planned_days, "days"))
    cheaper = _cheaper(cloud_total, desktop_total)
    if cheaper is None:
        shown.append(Value("saving", "Neither is cheaper for the planned work", 0.0, "USD"))
    else:
        shown.append(
            Value("saving", f"{cheaper} is cheaper for the planned work by", abs(cloud_total - desktop_total), "USD")
        )
    if payoff.outcome == "pays_off":
        shown.append(Value("break_even_hours", "Desktop pays off after", payoff.gpu_hours, "GPU-hours"))
        if payoff_days is not None:
            shown.append(Value("break_even_days", "Desktop pays off after (calendar)", payoff_days, "days"))

    hours_text, days_text = _payoff_texts(payoff, payoff_days)
    even_table = Table(
        "break_even",
        "When the desktop pays off",
        (Column("measured in"), Column("break-even"), Column("outcome", shown=False),
         Column("after", "count", shown=False)),  # in the measure of its row
        [
            ("GPU-hours", hours_text, payoff.outcome, payoff.gpu_hours),
            ("calendar days", days_text, _days_outcome(payoff, payoff_days), payoff_days),
        ],
    )
    plan_table = Table(
        "plan",
        "The planned work both ways",
        (Column("option"), Column("up front", "USD"), Column("per GPU-hour", "USD/h"), Column("planned work", "USD")),
        [
            (CLOUD, 0.0, values["cloud_price"], cloud_total),
            (DESKTOP, net_purchase, electricity, desktop_total),
        ],
    )
    figure = _figure(values, payoff_days)
    notes = (_verdict(cheaper, hours, cloud_total, desktop_total),)
    return Result(tuple(shown), (plan_table, even_table), (figure,), notes)


def _cheaper(cloud_total: float, desktop_total: float) -> str | None:
    if math.isclose(cloud_total, desktop_total, rel_tol=1e-12, abs_tol=1e-9):
        return None
    return CLOUD if cloud_total < desktop_total else DESKTOP


def _verdict(cheaper: str | None, hours: float, cloud_total: float, desktop_total: float) -> str:
    work = f"{format_value(hours, 'GPU-hours')} of planned training"
    if cheaper is None:
        return f"For {work} both cost {format_value(cloud_total, 'USD')}."
    return (
        f"For {work} the {cheaper.lower()} is cheaper: {CLOUD.lower()} {format_value(cloud_total, 'USD')}, "
        f"{DESKTOP.lower()} {format_value(desktop_total, 'USD')}."
    )


def _figure(values: dict, payoff_days: float | None) -> Figure:
    span = int(values["horizon_days"])
    cloud, desktop = _lines_per_day(values)
    days = _day_grid(span)
    markers = []
    series = [Series(line.label, days, [line.at(d) for d in days]) for line in (cloud, desktop)]
    if payoff_days is not None and payoff_days <= span:
        markers.append((f"day {format_value(payoff_days, '')}", payoff_days, cloud.at(payoff_days)))
        series.append(Series("break-even", [payoff_days], [cloud.at(payoff_days)], style="markers", symbol="diamond",
                             labels=[markers[0][0]]))
    chart = Chart("Cumulative cost over calendar days", Axis("calendar days"), Axis("USD, cumulative", prefix="$"),
                  tuple(series))
    parts = [
        f"{CLOUD}: {format_value(cloud.rate, 'USD')} a day from {format_value(0, 'USD')}",
        f"{DESKTOP}: {format_value(desktop.fixed, 'USD')} up front plus {format_value(desktop.rate, 'USD')} a day",
        f"over 0 to {span} days",
    ]
    if markers:
        parts.append(f"they cross on day {format_value(payoff_days, '')} at {format_value(markers[0][2], 'USD')}")
    elif payoff_days is not None:
        parts.append(f"they cross on day {format_value(payoff_days, '')}, beyond the chart")
    else:
        parts.append("they do not cross")
    return Figure("cumulative", chart, "; ".join(parts) + ".")



CALCULATOR = Calculator(
    name="rent_vs_buy",
    title="Rent cloud GPUs or buy a desktop",
    summary="Cumulative cost of cloud GPU-hours against a desktop's purchase and power, and when the desktop pays off.",
    inputs=(
        Input("cloud_price", "Cloud GPU price, per GPU-hour", "USD/h", "/instances/g5.xlarge/on_demand",
              maximum=1000, step=0.01,
              help="By default today's g5.xlarge (one A10G); the 2019 note rented a g3s.xlarge (one M60) at "
                   "{/instances/g3s.xlarge/on_demand@note-desktop-2019}, a machine AWS has since retired."),
        Input("desktop_price", "Desktop purchase price", "USD", "/hardware/rtx-5090/price",
              maximum=1_000_000, step=10,
              help="By default an RTX 5090 card at today's street price, before the rest of the machine; the 2019 note's "
                   "whole desktop cost {/assumptions/desktop-2019-note/values/desktop_price}."),
        Input("resale_fraction", "Resale value, as a fraction of the price", "fraction", 0, minimum=0, maximum=1,
              step=0.05, help="What you expect to sell the machine for at the end. 0 by default (kept, or worth "
                              "nothing): there is no sourced figure."),
        Input("gpu_watts", "GPU power while training", "W", "/hardware/rtx-5090/power", maximum=10_000,
              step=5, help="An RTX 5090 draws up to {/hardware/rtx-5090/power} (the default); the 2019 note's GPU drew "
                   "{/hardware/gpu-2019-note/power_low} to {/hardware/gpu-2019-note/power_high}."),
        Input("cpu_watts", "CPU power while training", "W", "/hardware/ryzen-7/power_high", maximum=5000, step=5,
              help="Ryzen 7: {/hardware/ryzen-7/power_low} to {/hardware/ryzen-7/power_high} in the note; the default is "
                   "the high end."),
        Input("other_watts", "Rest of the machine (board, memory, drives, fans)", "W", 0, maximum=5000, step=5,
              help="0 by default: the note gives no figure for the other parts, so only GPU and CPU are counted."),
        Input("electricity_price", "Electricity price", "USD/kWh", "/electricity/us-residential-average/price",
              maximum=10, step=0.01),
        Input("utilisation", "Share of each day the machine trains", "fraction", 1, minimum=0, maximum=1, step=0.05,
              help="1 means around the clock, as in the note's 'complete days' of training. Sets calendar days "
                   "only: the GPU-hours and their cost do not change."),
        Input("projects", "Projects", "projects", assumption(NOTE, "projects"), minimum=0, maximum=10_000, step=1, integer=True),
        Input("days_per_project", "Full days of training per project", "days", assumption(NOTE, "days_per_project"),
              maximum=3650, step=0.5, help="Each day is 24 GPU-hours, retraining included."),
        Input("horizon_days", "Chart range", "days", 365, minimum=1, maximum=3650, step=1, integer=True),
    ),
    compute=compute,
    headline=("cloud_cost", "desktop_cost", "break_even_hours", "break_even_days"),
    presets={
        NOTE: {
            "cloud_price": "/instances/g3s.xlarge/on_demand@note-desktop-2019",
            "desktop_price": "/assumptions/desktop-2019-note/values/desktop_price@note-desktop-2019",
            "gpu_watts": "/hardware/gpu-2019-note/power_high@note-desktop-2019",
            "cpu_watts": "/hardware/ryzen-7/power_high@note-desktop-2019",
            "electricity_price": "/electricity/us-residential-average/price@eia-today-46276",
        },
        # The guide's "today" comparison: one current desktop GPU against one current cloud GPU.
        TODAY: {
            "desktop_price": "/hardware/rtx-5090/price",
            "gpu_watts": "/hardware/rtx-5090/power",
            "cloud_price": "/instances/g5.xlarge/on_demand",
        },
    },
)
