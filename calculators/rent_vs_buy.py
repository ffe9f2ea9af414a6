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
from .models.lines import CostLine
from .models.ownership import (
    CLOUD,
    DESKTOP,
    Payoff,
    calendar_days,
    cheaper_option,
    cloud_cost,
    desktop_cost,
    desktop_payoff,
    electricity_cost,
    electricity_per_hour,
    lines_per_day,
    net_purchase,
    planned_gpu_hours,
    total_watts,
)
from ._numbers import format_value
from ._pricing import Pricing
from ._result import Column, Figure, Result, Table, Value

NOTE = "desktop-2019-note"
TODAY = "today-desktop-gpu"
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
# Every name but CALCULATOR is the model's (models.ownership), named here as the page has always named them.

NOTE_VALUES = {
    "cloud_price": 0.75, "desktop_price": 2000, "resale_fraction": 0, "gpu_watts": 250, "cpu_watts": 105,
    "other_watts": 0, "electricity_price": 0.16, "utilisation": 1, "projects": 10, "days_per_project": 12,
    "horizon_days": 365,
}
"""The note's plan for the examples, with electricity at the 2023 US average of $0.16/kWh (as the tests take it):
10 × 12 × 24 = 2,880 GPU-hours; 355 W × $0.16 = $0.0568 an hour; the cloud $0.75 × 2,880 = $2,160, the desktop
$2,000 + 2,880 × $0.0568 = $2,163.584; it pays off after 2,000 / (0.75 - 0.0568) = 2,885.17 h, day 120.22."""


@dataclass(frozen=True)
class PlannedWork:
    """The planned work both ways: its GPU-hours and calendar days, the desktop's power, electricity and net price,
    each option's total, and when (in GPU-hours and calendar days) the desktop pays off."""

    cloud_price: float
    utilisation: float
    gpu_hours: float
    days: float | None
    watts: float
    electricity: float
    electricity_total: float
    net_purchase: float
    cloud_total: float
    desktop_total: float
    payoff: Payoff
    payoff_days: float | None


def planned_work(values: dict) -> PlannedWork:
    """What does the planned work take, what does it cost rented and owned, and when does the desktop pay off?

    >>> work = planned_work(NOTE_VALUES)
    >>> work.gpu_hours, work.days, round(work.desktop_total, 3)
    (2880, 120.0, 2163.584)
    >>> round(work.payoff.gpu_hours, 2), round(work.payoff_days, 2)
    (2885.17, 120.22)
    """
    watts = total_watts(values["gpu_watts"], values["cpu_watts"], values["other_watts"])
    hours = planned_gpu_hours(values["projects"], values["days_per_project"])
    net_price = net_purchase(values["desktop_price"], values["resale_fraction"])
    electricity = electricity_per_hour(watts, values["electricity_price"])
    payoff = desktop_payoff(values["cloud_price"], net_price, electricity)
    return PlannedWork(
        cloud_price=values["cloud_price"],
        utilisation=values["utilisation"],
        gpu_hours=hours,
        days=calendar_days(hours, values["utilisation"]),
        watts=watts,
        electricity=electricity,
        electricity_total=electricity_cost(watts, values["electricity_price"], hours),
        net_purchase=net_price,
        cloud_total=cloud_cost(values["cloud_price"], hours),
        desktop_total=desktop_cost(values["desktop_price"], values["resale_fraction"], watts,
                                   values["electricity_price"], hours),
        payoff=payoff,
        payoff_days=calendar_days(payoff.gpu_hours, values["utilisation"]) if payoff.outcome == "pays_off" else None,
    )


def plan_values(work: PlannedWork) -> list[Value]:
    """What does the planned work take (GPU-hours, calendar days, power) and cost both ways, and which is cheaper?

    The cloud's $2,160 beats the desktop's $2,163.58 by $3.58:

    >>> [value.text for value in plan_values(planned_work(NOTE_VALUES))]
    ['2,880 GPU-hours', '120 days', '355 W', '$0.0568/h', '$2,160.00', '$2,163.58', '$163.58', '$3.58']
    """
    shown = [
        Value("planned_gpu_hours", "Planned training (projects × days × 24 h)", work.gpu_hours, "GPU-hours"),
        Value("watts", "Power drawn while training", work.watts, "W"),
        Value("electricity_per_hour", "Desktop electricity per GPU-hour", work.electricity, "USD/h"),
        Value("cloud_cost", f"{CLOUD}: planned work", work.cloud_total, "USD"),
        Value("desktop_cost", f"{DESKTOP}: planned work, electricity included", work.desktop_total, "USD"),
        Value("desktop_electricity", f"{DESKTOP}: of which electricity", work.electricity_total, "USD"),
    ]
    if work.days is not None:
        shown.insert(1, Value("planned_days", "Calendar days the planned work takes", work.days, "days"))
    cheaper = cheaper_option(work.cloud_total, work.desktop_total)
    if cheaper is None:
        shown.append(Value("saving", "Neither is cheaper for the planned work", 0.0, "USD"))
    else:
        gap = abs(work.cloud_total - work.desktop_total)
        shown.append(Value("saving", f"{cheaper} is cheaper for the planned work by", gap, "USD"))
    return shown


def payoff_values(work: PlannedWork) -> list[Value]:
    """After how many GPU-hours, and calendar days, has the desktop cost no more than renting? Nothing when it never
    does; no days when the machine never trains.

    >>> [value.text for value in payoff_values(planned_work(NOTE_VALUES))]
    ['2,885.2 GPU-hours', '120.2 days']
    """
    if work.payoff.outcome != "pays_off":
        return []
    shown = [Value("break_even_hours", "Desktop pays off after", work.payoff.gpu_hours, "GPU-hours")]
    if work.payoff_days is not None:
        shown.append(Value("break_even_days", "Desktop pays off after (calendar)", work.payoff_days, "days"))
    return shown


def plan_table(work: PlannedWork) -> Table:
    """What does each option cost up front and per GPU-hour, and for the planned work?

    >>> plan_table(planned_work(NOTE_VALUES)).texts
    (('Cloud', '$0.00', '$0.75/h', '$2,160.00'), ('Desktop', '$2,000.00', '$0.0568/h', '$2,163.58'))
    """
    return Table(
        "plan",
        "The planned work both ways",
        (Column("option"), Column("up front", "USD"), Column("per GPU-hour", "USD/h"), Column("planned work", "USD")),
        [
            (CLOUD, 0.0, work.cloud_price, work.cloud_total),
            (DESKTOP, work.net_purchase, work.electricity, work.desktop_total),
        ],
    )


def payoff_table(work: PlannedWork) -> Table:
    """When does the desktop pay off, in GPU-hours and in calendar days, in words and with the outcome?

    >>> [row[1] for row in payoff_table(planned_work(NOTE_VALUES)).texts]
    ['2,885.2 GPU-hours: the desktop is cheaper after that', '120.2 days at this utilisation']
    """
    hours_text, days_text = _payoff_texts(work.payoff, work.payoff_days)
    return Table(
        "break_even",
        "When the desktop pays off",
        (Column("measured in"), Column("break-even"), Column("outcome", shown=False),
         Column("after", "count", shown=False)),  # in the measure of its row
        [
            ("GPU-hours", hours_text, work.payoff.outcome, work.payoff.gpu_hours),
            ("calendar days", days_text, _days_outcome(work.payoff, work.payoff_days), work.payoff_days),
        ],
    )


def compute(values: dict, pricing: Pricing) -> Result:
    """What does the planned work cost rented and owned, when does the desktop pay off, and how do the costs add up
    over calendar days?

    >>> from calculators import load_pricing
    >>> result = compute(NOTE_VALUES, load_pricing())
    >>> result.value("cloud_cost"), result.notes
    (2160.0, ('For 2,880 GPU-hours of planned training the cloud is cheaper: cloud $2,160.00, desktop $2,163.58.',))
    """
    work = planned_work(values)
    return Result(
        (*plan_values(work), *payoff_values(work)),
        (plan_table(work), payoff_table(work)),
        (cumulative_figure(work, values["horizon_days"]),),
        (verdict(work),),
    )


def _day_grid(span: int) -> list[float]:
    """Which days does a curve over ``span`` days take its points at? Every day up to a year; beyond, evenly spaced
    whole days (at most ``CHART_POINTS``), the last day always included.

    >>> len(_day_grid(365)), _day_grid(1000)[:3], _day_grid(1000)[-2:]
    (366, [0, 3, 6], [999, 1000])
    """
    step = max(1, math.ceil(span / (CHART_POINTS - 1)))
    days = list(range(0, span + 1, step))
    if days[-1] != span:
        days.append(span)
    return days


def _days_outcome(payoff: Payoff, days: float | None) -> str:
    """When does the desktop pay off in calendar days? As in GPU-hours, except ``idle`` when a machine that never
    trains never reaches the hours.

    >>> _days_outcome(Payoff("pays_off", 2885.17), 120.22), _days_outcome(Payoff("pays_off", 2885.17), None)
    ('pays_off', 'idle')
    """
    return "idle" if payoff.outcome == "pays_off" and days is None else payoff.outcome


def _payoff_texts(payoff: Payoff, days: float | None) -> tuple[str, str]:
    """When does the desktop pay off, in GPU-hours and in calendar days, in words?

    >>> _payoff_texts(Payoff("pays_off", 2885.17), None)
    ('2,885.2 GPU-hours: the desktop is cheaper after that', 'never: at this utilisation the machine never trains')
    >>> _payoff_texts(Payoff("at_once"), None)[0]
    'from the first hour: the desktop costs nothing net up front'
    """
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


def verdict(work: PlannedWork) -> str:
    """Which is cheaper for the planned work, and what does each cost?

    >>> verdict(planned_work(NOTE_VALUES))
    'For 2,880 GPU-hours of planned training the cloud is cheaper: cloud $2,160.00, desktop $2,163.58.'
    """
    cheaper = cheaper_option(work.cloud_total, work.desktop_total)
    planned = f"{format_value(work.gpu_hours, 'GPU-hours')} of planned training"
    if cheaper is None:
        return f"For {planned} both cost {format_value(work.cloud_total, 'USD')}."
    return (
        f"For {planned} the {cheaper.lower()} is cheaper: {CLOUD.lower()} {format_value(work.cloud_total, 'USD')}, "
        f"{DESKTOP.lower()} {format_value(work.desktop_total, 'USD')}."
    )


def cumulative_figure(work: PlannedWork, horizon_days: float) -> Figure:
    """How do renting and owning add up over calendar days, and on which day do they cross?

    A year of the note's plan: the cloud at $18 a day reaches 365 × $18 = $6,570; they cross on day 120.22, where both
    stand at 120.2154 × $18 = $2,163.88 (days from 100 on are shown to one decimal):

    >>> figure = cumulative_figure(planned_work(NOTE_VALUES), 365)
    >>> figure.chart.series[0].y[-1], figure.chart.series[-1].labels
    (6570.0, ['day 120.2'])
    """
    span, payoff_days = int(horizon_days), work.payoff_days
    cloud, desktop = lines_per_day(work.cloud_price, work.net_purchase, work.electricity, work.utilisation)
    days = _day_grid(span)
    series = [Series(line.label, days, [line.at(d) for d in days]) for line in (cloud, desktop)]
    crossing = None
    if payoff_days is not None and payoff_days <= span:
        crossing = (f"day {format_value(payoff_days, '')}", payoff_days, cloud.at(payoff_days))
        series.append(Series("break-even", [payoff_days], [crossing[2]], style="markers", symbol="diamond",
                             labels=[crossing[0]]))
    chart = Chart("Cumulative cost over calendar days", Axis("calendar days"), Axis("USD, cumulative", prefix="$"),
                  tuple(series))
    return Figure("cumulative", chart, cumulative_alt(cloud, desktop, span, payoff_days, crossing))


def cumulative_alt(cloud: CostLine, desktop: CostLine, span: int, payoff_days: float | None,
                   crossing: tuple[str, float, float] | None) -> str:
    """What does the chart of cumulative cost show, in words? Each line, the span, and where they cross.

    >>> cloud, desktop = lines_per_day(0.75, 2000, 0.0568, 1)
    >>> cumulative_alt(cloud, desktop, 100, 120.22, None).split("; ")[2:]  # a 100-day chart, crossing on day 120.22
    ['over 0 to 100 days', 'they cross on day 120.2, beyond the chart.']
    """
    parts = [
        f"{CLOUD}: {format_value(cloud.rate, 'USD')} a day from {format_value(0, 'USD')}",
        f"{DESKTOP}: {format_value(desktop.fixed, 'USD')} up front plus {format_value(desktop.rate, 'USD')} a day",
        f"over 0 to {span} days",
    ]
    if crossing:
        parts.append(f"they cross on day {format_value(payoff_days, '')} at {format_value(crossing[2], 'USD')}")
    elif payoff_days is not None:
        parts.append(f"they cross on day {format_value(payoff_days, '')}, beyond the chart")
    else:
        parts.append("they do not cross")
    return "; ".join(parts) + "."


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
