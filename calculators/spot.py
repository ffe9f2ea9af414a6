"""Spot or on-demand: the expected cost and wall time of one training job on each.

From the 2015 note on AWS GPU instances: spot capacity is far cheaper, but AWS can take the
machine back after a two-minute notice, so the note says to snapshot the model to S3 and
resume. Here a spot job pays for that insurance (checkpoint writes, restarts, lost work since
the last checkpoint, S3 storage) and is compared with an uninterrupted on-demand run. The
interruption model is :mod:`calculators.models.interruptions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ._declare import Calculator, Input, assumption
from ._pricing import Pricing
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value
from .charts import Annotation, Axis, Chart, Series, log_grid
from .models.interruptions import (
    CHECKPOINTING,
    CONTINUOUS,
    CROSSES,
    FIXED,
    NO_CHECKPOINTS,
    NO_INTERRUPTIONS,
    NO_WORK,
    SPOT_ALWAYS_CHEAPER,
    SPOT_NEVER_CHEAPER,
    YOUNG,
    SpotBreakEven,
    SpotJob,
    SpotPlan,
    chance_of_interruption,
    interruptions_per_month,
    mean_hours_between_interruptions,
    mtbi_from_interruptions_per_month,
    on_demand_job_cost,
    optimal_checkpoint_interval,
    plan_spot_job,
    spot_break_even,
)
from .models.comparison import saving_percent

NOTE = "aws-gpu-2015"

# Comparison outcomes.
SPOT_CHEAPER = "spot_cheaper"
SPOT_COSTS_MORE = "spot_costs_more"
SAME_COST = "same_cost"
SPOT_NEVER_FINISHES = "spot_never_finishes"

__all__ = ["CALCULATOR", "job_from_values"]


INTERVAL_CHOICES = (
    ("optimal", "Optimal (Young's interval, or none if cheaper)"),
    ("fixed", "Fixed: the interval below"),
)

INTERVAL_TEXT = {
    NO_WORK: "nothing to run",
    NO_INTERRUPTIONS: "no interruptions expected, so no checkpoints",
    NO_CHECKPOINTS: "no checkpoints: the job runs straight through (the interval is at least the job's length, "
                    "or checkpoints would cost more than they save)",
    CONTINUOUS: "checkpoint continuously (writing one costs no time)",
    YOUNG: "checkpoint at Young's optimal interval",
    FIXED: "checkpoint at the interval given",
}


ALMOST_EVERY_INSTANCE = 0.9999
"""Above this monthly share the break-even would print as 100.00%, so it is stated in words instead."""


EXAMPLE = {
    "on_demand_price": 1.0, "spot_price": 0.4, "work_hours": 96, "interruption_rate": 0.0, "checkpoint_minutes": 1,
    "restart_minutes": 10, "interval_mode": "optimal", "interval_minutes": 60, "checkpoint_gb": 0,
    "kept_checkpoints": 0, "storage_price": 0.0,
}
"""A job for the examples: 96 hours at $1/h on demand or $0.40/h on spot, one-minute checkpoints, ten-minute
restarts, nothing kept on S3, and no interruptions unless an example sets a rate. On demand it costs $1 × 96 = $96;
on spot without interruptions $0.40 × 96 = $38.40. Spot stops paying off when interruptions come every 0.2977 h
(17.86 min; ``tests/test_spot.py::test_break_even_by_hand``)."""


def job_from_values(values: dict) -> SpotJob:
    """Which SpotJob do the calculator's inputs describe? Minutes become hours.

    >>> job = job_from_values({"work_hours": 96, "checkpoint_minutes": 1, "restart_minutes": 10,
    ...     "interval_mode": "fixed", "interval_minutes": 90, "checkpoint_gb": 1.5,
    ...     "kept_checkpoints": 2, "storage_price": 0.023})
    >>> job.interval_hours, round(job.restart_hours, 4)
    (1.5, 0.1667)
    """
    return SpotJob(
        work_hours=values["work_hours"],
        checkpoint_hours=values["checkpoint_minutes"] / 60,
        restart_hours=values["restart_minutes"] / 60,
        interval_hours=values["interval_minutes"] / 60 if values["interval_mode"] == "fixed" else None,
        checkpoint_gb=values["checkpoint_gb"],
        kept_checkpoints=int(values["kept_checkpoints"]),
        storage_price=values["storage_price"],
    )


@dataclass(frozen=True)
class SpotOutlook:
    """One job both ways: the job, the spot price, how often spot is interrupted (a monthly rate and the mean hours
    between interruptions), the on-demand cost, the spot plan and the break-even interruption rate."""

    job: SpotJob
    spot_price: float
    interruption_rate: float
    mtbi: float
    on_demand: float
    plan: SpotPlan
    even: SpotBreakEven

    @property
    def comparison(self) -> str:
        """Whether spot costs less, more, the same, or never finishes."""
        return _comparison(self.plan.cost, self.on_demand)

    @property
    def crossing(self) -> float | None:
        """Interruptions a month at which spot stops paying off, or None when no rate is the break-even."""
        return self.even.interruptions_per_month if self.even.outcome == CROSSES else None

    @property
    def yours(self) -> float:
        """Interruptions this job's instance expects a month at its rate (0 when none come)."""
        return interruptions_per_month(self.mtbi)


def outlook_from_values(values: dict) -> SpotOutlook:
    """How does the job fare on demand and on spot, and at what interruption rate would spot stop paying off?

    Without interruptions: $96 on demand against $38.40 on spot; the break-even is one interruption every 18 minutes:

    >>> outlook = outlook_from_values(EXAMPLE)
    >>> outlook.on_demand, round(outlook.plan.cost, 2), outlook.comparison, round(outlook.even.mtbi_hours * 60)
    (96.0, 38.4, 'spot_cheaper', 18)
    """
    job = job_from_values(values)
    mtbi = mean_hours_between_interruptions(values["interruption_rate"])
    return SpotOutlook(
        job, values["spot_price"], values["interruption_rate"], mtbi,
        on_demand=on_demand_job_cost(values["on_demand_price"], job.work_hours),
        plan=plan_spot_job(job, values["spot_price"], mtbi),
        even=spot_break_even(job, values["spot_price"], values["on_demand_price"]),
    )


def cost_values(outlook: SpotOutlook) -> list[Value]:
    """What does the job cost and take on demand and on spot, and what does spot save? Only on demand when spot is
    not expected ever to finish.

    Without interruptions spot saves $96 - $38.40 = $57.60, 60% of the on-demand cost:

    >>> [value.text for value in cost_values(outlook_from_values(EXAMPLE))]
    ['$96.00', '96 h', '$38.40', '96 h', '0 interruptions', '$0.00', '$57.60', '60 %']
    """
    plan = outlook.plan
    shown = [
        Value("on_demand_cost", "On-demand cost", outlook.on_demand, "USD"),
        Value("on_demand_hours", "On-demand wall time", outlook.job.work_hours, "h"),
    ]
    if outlook.comparison == SPOT_NEVER_FINISHES:
        return shown
    shown += [
        Value("spot_cost", "Spot cost, expected", plan.cost, "USD"),
        Value("spot_hours", "Spot wall time, expected", plan.wall_hours, "h"),
        Value("interruptions", "Interruptions, expected", plan.interruptions, "interruptions"),
        Value("storage_cost", "Checkpoint storage on S3", plan.storage_cost, "USD"),
        Value("savings", "Saving with spot (negative: spot costs more)", outlook.on_demand - plan.cost, "USD"),
    ]
    share = saving_percent(outlook.on_demand, plan.cost)  # a share of a (near) zero on-demand cost has no meaning
    if share is not None:
        shown.append(Value("savings_percent", "Saving with spot, share of on-demand", share, "%"))
    return shown


def interruption_values(outlook: SpotOutlook) -> list[Value]:
    """How likely is the job to be interrupted, how often do interruptions come, and how often should it checkpoint?

    At 20% of instances a month: one interruption every 730 / -ln 0.8 = 3,271.4 h; Young's interval
    √(2 × 1/60 h × 3,271.4 h) = 10.443 h = 626.6 min, which the job uses; the job runs
    96 × (1 + (1/60) / 10.443) = 96.153 h between checkpoints and restarts, so the chance of at least one interruption
    is 1 - exp(-96.153 / 3,271.4) = 2.90%:

    >>> [value.text for value in interruption_values(outlook_from_values({**EXAMPLE, "interruption_rate": 0.2}))]
    ['2.90 %', '3,271.4 h', '626.6 min', '626.6 min']
    """
    plan, spot_job = outlook.plan, outlook.job
    interval = plan.interval_hours if plan.outcome in CHECKPOINTING else math.inf
    chance = chance_of_interruption(spot_job.work_hours, interval, spot_job.checkpoint_hours, outlook.mtbi)
    shown = [Value("interrupted_chance", "Chance of at least one interruption", 100 * chance, "%")]
    if math.isfinite(outlook.mtbi):
        shown.append(Value("mtbi_hours", "Mean time between interruptions", outlook.mtbi, "h"))
        if spot_job.checkpoint_hours > 0:
            young = optimal_checkpoint_interval(spot_job.checkpoint_hours, outlook.mtbi)
            shown.append(Value("optimal_interval", "Optimal checkpoint interval (Young)", young * 60, "min"))
    if plan.outcome in (YOUNG, FIXED):
        shown.append(Value("interval_used", "Checkpoint interval used", plan.interval_hours * 60, "min"))
    return shown


def break_even_values(outlook: SpotOutlook) -> list[Value]:
    """How often may spot be interrupted before it costs as much as on demand? In interruptions a month, in the mean
    time between them, and as a share of instances unless that share is essentially all of them.

    One interruption every 0.2977 h (17.86 min) is 730 / 0.2977 = 2,452 a month: essentially every instance, so no
    share is given:

    >>> [(value.name, round(value.value)) for value in break_even_values(outlook_from_values(EXAMPLE))]
    [('break_even_interruptions', 2452), ('break_even_mtbi', 18)]
    """
    even = outlook.even
    if even.outcome != CROSSES:
        return []
    shown = [
        Value("break_even_interruptions", "Break-even: interruptions per month", even.interruptions_per_month,
              "per month"),
        Value("break_even_mtbi", "Break-even: mean time between interruptions", 60 * even.mtbi_hours, "min"),
    ]
    if even.monthly_rate < ALMOST_EVERY_INSTANCE:
        share = 100 * even.monthly_rate
        shown.append(Value("break_even_rate", "Break-even: share of instances interrupted a month", share, "%"))
    return shown


def compute(values: dict, pricing: Pricing) -> Result:
    """What do one job's spot and on-demand runs cost and take, and at what interruption rate does spot stop paying?

    >>> from calculators import load_pricing
    >>> result = compute(EXAMPLE, load_pricing())
    >>> result.value("on_demand_cost"), round(result.value("spot_cost"), 2), [table.name for table in result.tables]
    (96.0, 38.4, ['outcomes'])
    """
    outlook = outlook_from_values(values)
    tables = [outcome_table(outlook)]
    sweep = interval_table(outlook.job, outlook.spot_price, outlook.mtbi)
    if sweep is not None:
        tables.append(sweep)
    return Result(
        (*cost_values(outlook), *interruption_values(outlook), *break_even_values(outlook)),
        tuple(tables),
        (rate_figure(outlook),),
        notes(outlook, values["checkpoint_minutes"], pricing),
    )


def _comparison(spot_cost: float, on_demand_cost: float) -> str:
    """Is spot expected to cost less than on demand, more, the same, or never to finish?

    >>> _comparison(38.4, 96.0), _comparison(120.0, 96.0), _comparison(math.inf, 96.0)
    ('spot_cheaper', 'spot_costs_more', 'spot_never_finishes')
    """
    if not math.isfinite(spot_cost):
        return SPOT_NEVER_FINISHES
    if spot_cost < on_demand_cost:
        return SPOT_CHEAPER
    if spot_cost > on_demand_cost:
        return SPOT_COSTS_MORE
    return SAME_COST


COMPARISON_TEXT = {
    SPOT_CHEAPER: "spot is expected to cost less",
    SPOT_COSTS_MORE: "spot is expected to cost more than on demand",
    SAME_COST: "both cost the same",
    SPOT_NEVER_FINISHES: "on spot the job is not expected ever to finish",
}


def _break_even_text(even: SpotBreakEven) -> str:
    """Up to what interruption rate does spot pay off, in words?

    One interruption every 0.3 h is 730 / 0.3 = 2,433.3 a month:

    >>> _break_even_text(SpotBreakEven(CROSSES, 0.3, 730 / 0.3, 1.0))
    'spot pays off while interruptions average fewer than 2,433.3 a month (one every 18 min)'
    >>> _break_even_text(SpotBreakEven(SPOT_NEVER_CHEAPER))
    'never: spot costs at least as much even without interruptions'
    """
    if even.outcome == CROSSES:
        return (
            "spot pays off while interruptions average fewer than "
            f"{format_value(even.interruptions_per_month, 'a month')} "
            f"(one every {_duration(even.mtbi_hours)})"
        )
    return {
        SPOT_NEVER_CHEAPER: "never: spot costs at least as much even without interruptions",
        SPOT_ALWAYS_CHEAPER: "never: spot stays cheaper at any interruption rate",
        NO_WORK: "none: there is nothing to run",
    }[even.outcome]


def _duration(hours: float) -> str:
    """In what unit would a reader say a span of hours? Minutes below two hours, days from three days.

    >>> _duration(0.2977), _duration(30), _duration(6928.6)
    ('17.86 min', '30 h', '288.7 days')
    """
    if hours < 2:
        return format_value(hours * 60, "min")
    if hours < 72:
        return format_value(hours, "h")
    return format_value(hours / 24, "days")


def outcome_table(outlook: SpotOutlook) -> Table:
    """Which is cheaper, how does the spot job checkpoint, and where is the break-even? In words, with the outcomes.

    Without interruptions spot is cheaper and writes no checkpoints:

    >>> [row["outcome"] for row in outcome_table(outlook_from_values(EXAMPLE)).records()]
    ['spot_cheaper', 'no_interruptions', 'crosses']
    """
    return Table(
        "outcomes",
        "What the numbers say",
        (Column("question"), Column("answer"), Column("outcome", shown=False)),
        [
            ("comparison", COMPARISON_TEXT[outlook.comparison], outlook.comparison),
            ("checkpointing", INTERVAL_TEXT[outlook.plan.outcome], outlook.plan.outcome),
            ("break-even", _break_even_text(outlook.even), outlook.even.outcome),
        ],
    )


def interval_table(job: SpotJob, spot_price: float, mtbi: float) -> Table | None:
    """What would the spot job cost checkpointing at half, once and twice Young's interval (and at the one given),
    and with no checkpoints at all? None when there is no interval to choose: no work, no interruptions, or free
    checkpoints.

    At 20% a month Young's interval is 626.6 min (see :func:`interruption_values`), so half is 313.3 and twice 1,253.1:

    >>> outlook = outlook_from_values({**EXAMPLE, "interruption_rate": 0.2})
    >>> for row in interval_table(outlook.job, outlook.spot_price, outlook.mtbi).texts:
    ...     print(row[0], "/", row[1])
    half Young's / 313.3 min
    Young's / 626.6 min
    twice Young's / 1,253.1 min
    no checkpoints / none
    """
    if job.work_hours == 0 or math.isinf(mtbi) or job.checkpoint_hours == 0:
        return None
    young = optimal_checkpoint_interval(job.checkpoint_hours, mtbi)
    candidates = [("half Young's", young / 2), ("Young's", young), ("twice Young's", 2 * young)]
    if job.interval_hours is not None:
        candidates.append(("yours", job.interval_hours))
    candidates.append(("no checkpoints", math.inf))
    rows = []
    for label, interval in candidates:
        plan = plan_spot_job(replace(job, interval_hours=interval), spot_price, mtbi)
        if math.isfinite(plan.cost):
            every = None if plan.outcome == NO_CHECKPOINTS else interval * 60
            rows.append((label, every, plan.wall_hours, plan.cost))
    return Table(
        "intervals",
        "Spot cost by checkpoint interval",
        (Column("interval"), Column("every", "min", missing="none"), Column("wall time", "h"), Column("spot cost", "USD")),
        rows,
    )


RATE_STEPS = 80
"""Steps of the spot curve across the chart's interruption rates (this job's rate and the break-even are added)."""


def rate_span(outlook: SpotOutlook) -> tuple[float, float, list[float]]:
    """Over which interruption rates (a month) does the chart run, and which rates must it mark?

    From a tenth of the lowest rate marked (or of 0.1) to four times the break-even (or a hundred times the highest
    rate marked, or 100, when there is none). Without interruptions only the break-even, about 2,452 a month, is
    marked: from 0.1 / 10 = 0.01 to about 9,800:

    >>> low, high, marks = rate_span(outlook_from_values(EXAMPLE))
    >>> low, round(high, -2), [round(mark) for mark in marks]
    (0.01, 9800.0, [2452])
    """
    crossing = outlook.crossing
    anchors = [m for m in (outlook.yours, crossing) if m]
    low = min(anchors + [0.1]) / 10
    high = crossing * 4 if crossing else max(anchors + [1.0]) * 100
    return low, high, anchors


def rate_points(outlook: SpotOutlook) -> list[tuple[float, float]]:
    """What would the job cost on spot at each interruption rate the chart draws? Up to the first rate at which it
    would never finish.

    The rarest interruptions drawn, 0.01 a month (one every 73,000 h), add about 0.07 h to the 96: a one-minute
    checkpoint every √(2 × 1/60 × 73,000) = 49.3 h, and 96 / 73,000 = 0.0013 interruptions losing half an interval
    each; 96.07 h × $0.40 = $38.43. The grid's 81 points and the break-even make 82:

    >>> points = rate_points(outlook_from_values(EXAMPLE))
    >>> len(points), points[0][0], round(points[0][1], 1)
    (82, 0.01, 38.4)
    """
    low, high, anchors = rate_span(outlook)
    points = []
    for x in sorted(set(log_grid(low, high, RATE_STEPS)) | set(anchors)):
        cost = plan_spot_job(outlook.job, outlook.spot_price, mtbi_from_interruptions_per_month(x)).cost
        if not math.isfinite(cost):
            break
        points.append((x, cost))
    return points


def rate_range(outlook: SpotOutlook) -> tuple[float, float] | None:
    """How far up does the cost axis go? Past the break-even the spot curve climbs steeply, so when there is one the
    axis keeps the crossing and this job in view: up to 2.5 times the on-demand cost, or 1.2 times this job's cost.

    $96 on demand: up to $240.

    >>> rate_range(outlook_from_values(EXAMPLE))
    (0.0, 240.0)
    """
    if not (outlook.crossing and outlook.on_demand > 0):
        return None
    return (0.0, max(outlook.on_demand * 2.5, outlook.plan.cost * 1.2 if math.isfinite(outlook.plan.cost) else 0))


def rate_figure(outlook: SpotOutlook) -> Figure:
    """How does the expected spot cost grow with how often spot is interrupted, against on demand's flat cost?

    Spot's curve, on demand's line, the break-even marked, and this job (when it is interrupted at all):

    >>> [series.name for series in rate_figure(outlook_from_values({**EXAMPLE, "interruption_rate": 0.2})).chart.series]
    ['Spot, expected', 'On demand', 'break-even', 'this job']
    """
    low, high, _ = rate_span(outlook)
    points = rate_points(outlook)
    spot_xs = [x for x, _ in points]
    ends = [spot_xs[0], spot_xs[-1]] if spot_xs else [low, high]
    series = [
        Series("Spot, expected", spot_xs, [c for _, c in points]),
        Series("On demand", ends, [outlook.on_demand, outlook.on_demand], dash="dash"),
    ]
    annotations = []
    if outlook.crossing:
        series.append(Series("break-even", [outlook.crossing], [outlook.on_demand], style="markers", symbol="diamond"))
        label = f"break-even: {format_value(outlook.crossing, 'a month')}"
        annotations.append(Annotation(outlook.crossing, outlook.on_demand, label))
    if outlook.yours and math.isfinite(outlook.plan.cost):
        series.append(Series("this job", [outlook.yours], [outlook.plan.cost], style="markers",
                             labels=[f"{format_value(100 * outlook.interruption_rate, '%')}/month"]))
    chart = Chart(
        "Expected job cost by how often spot is interrupted",
        Axis("interruptions per instance-month, mean (log scale)", scale="log"),
        Axis("USD per job", range=rate_range(outlook), prefix="$"),
        tuple(series),
        tuple(annotations),
    )
    return Figure("break_even", chart, rate_alt(outlook, points))


def rate_alt(outlook: SpotOutlook, points: list[tuple[float, float]]) -> str:
    """What does the chart show, in words? The spot curve's ends, on demand's cost, the break-even and this job.

    >>> text = rate_alt(outlook_from_values(EXAMPLE), [(0.01, 38.4), (9808.5, 500.0)])
    >>> print(text)  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Expected spot cost of the job from $38.40 at 0.01 interruptions a month
    to $500.00 at 9,808.5 interruptions a month (log scale); on demand a flat $96.00; they meet at ...
    """
    parts = []
    if points:
        (x0, c0), (x1, c1) = points[0], points[-1]
        parts.append(
            f"Expected spot cost of the job from {format_value(c0, 'USD')} "
            f"at {format_value(x0, 'interruptions')} a month "
            f"to {format_value(c1, 'USD')} at {format_value(x1, 'interruptions')} a month (log scale)"
        )
    parts.append(f"on demand a flat {format_value(outlook.on_demand, 'USD')}")
    if outlook.crossing:
        parts.append(
            f"they meet at {format_value(outlook.crossing, 'interruptions')} a month, "
            f"one every {_duration(outlook.even.mtbi_hours)}"
        )
    else:
        parts.append(_break_even_text(outlook.even))
    if outlook.yours and math.isfinite(outlook.plan.cost):
        parts.append(
            f"this job, {format_value(100 * outlook.interruption_rate, '%')} of instances interrupted a month "
            f"({format_value(outlook.yours, 'interruptions')} a month), "
            f"costs {format_value(outlook.plan.cost, 'USD')} on spot"
        )
    return "; ".join(parts) + "."


NOTICE = "/providers/aws/interruption_notice_minutes"


def notice_note(checkpoint_minutes: float, pricing: Pricing) -> str | None:
    """Does writing a checkpoint fit in the warning AWS gives before it interrupts? None when pricing.json has no
    figure for the warning.

    AWS warns two minutes ahead, so a one-minute write fits and a three-minute one does not:

    >>> from calculators import load_pricing
    >>> notice_note(1, load_pricing()).split(";")[0]
    'AWS warns 2 min before it interrupts'
    >>> "(1 min) fits" in notice_note(1, load_pricing()), "(3 min) does not fit" in notice_note(3, load_pricing())
    (True, True)
    """
    if not pricing.has(NOTICE):
        return None
    notice = pricing.value(NOTICE)
    fits = "fits" if checkpoint_minutes <= notice else "does not fit"
    return (
        f"AWS warns {format_value(notice, 'min')} before it interrupts; your checkpoint write "
        f"({format_value(checkpoint_minutes, 'min')}) {fits} in that window. This estimate assumes the "
        "warning is not used: a handler that saves on notice would lose less work."
    )


def notes(outlook: SpotOutlook, checkpoint_minutes: float, pricing: Pricing) -> tuple[str, ...]:
    """What is the answer in words, where is the break-even, and what does the estimate assume?

    >>> from calculators import load_pricing
    >>> for part in notes(outlook_from_values(EXAMPLE), 1, load_pricing())[0].split("; "):
    ...     print(part)
    Spot is expected to cost less: $38.40 on spot against $96.00 on demand
    no interruptions expected, so no checkpoints.
    """
    spot_text = format_value(outlook.plan.cost, "USD") if math.isfinite(outlook.plan.cost) else "no finite cost"
    found = [
        (
            f"{COMPARISON_TEXT[outlook.comparison].capitalize()}: {spot_text} on spot against "
            f"{format_value(outlook.on_demand, 'USD')} on demand; {INTERVAL_TEXT[outlook.plan.outcome]}."
        ),
        f"Break-even: {_break_even_text(outlook.even)}.",
    ]
    if outlook.even.outcome == CROSSES and outlook.even.monthly_rate >= ALMOST_EVERY_INSTANCE:
        found.append(
            "In the Spot Instance Advisor's terms (share of instances interrupted in a month) the break-even is "
            "essentially every instance, far beyond its highest band; the mean time between interruptions says more."
        )
    notice = notice_note(checkpoint_minutes, pricing)
    if notice is not None:
        found.append(notice)
    found.append(
        "On demand runs uninterrupted with no checkpoints. Spot is billed for its whole expected wall time, restarts "
        "included, and keeps its last checkpoints on S3 for the whole run."
    )
    return tuple(found)


CALCULATOR = Calculator(
    name="spot",
    title="Spot or on-demand",
    summary="Expected cost and wall time of a training job on spot (with checkpoints and restarts) against on demand.",
    inputs=(
        Input("on_demand_price", "On-demand price", "USD/h", "/instances/g5.xlarge/on_demand",
              maximum=10_000, step=0.01,
              help="A g5.xlarge (1×A10G) today; the 2015 note's preset uses a g2.2xlarge."),
        Input("spot_price", "Spot price", "USD/h", "/instances/g5.xlarge/spot", maximum=10_000, step=0.01,
              help="The same machine on spot; the 2015 note's preset uses the "
                   "{/instances/g2.2xlarge/spot@note-aws-gpu-2015} it quotes."),
        Input("work_hours", "Compute time the job needs", "h", assumption("nanogpt-note", "train_hours"),
              maximum=100_000, step=1,
              help="Uninterrupted compute, as on demand. The default is the nanoGPT note's four-day run."),
        Input("interruption_rate", "Monthly interruption rate", "share of instances", assumption("spot-defaults", "interruption_rate_high"),
              maximum=0.99, step=0.01,
              help="The share of instances interrupted within a month, as the Spot Instance Advisor reports it "
                   "in bands (<5%, 5-10%, 10-15%, 15-20%, >20%); 0.2 means 20%."),
        Input("checkpoint_minutes", "Time to write a checkpoint", "min", assumption("site-defaults", "checkpoint_minutes"), maximum=1440, step=0.5),
        Input("interval_mode", "Checkpoint interval", "", "optimal", choices=INTERVAL_CHOICES),
        Input("interval_minutes", "Fixed checkpoint interval", "min", 60, minimum=1, maximum=100_000, step=1,
              help="Compute between two checkpoints; used only when the interval is fixed."),
        Input("restart_minutes", "Restart after an interruption", "min", assumption("site-defaults", "restart_minutes"), maximum=1440, step=1,
              help="Getting a new instance and reloading the last checkpoint."),
        Input("checkpoint_gb", "Checkpoint size", "GB", assumption("site-defaults", "checkpoint_size"), maximum=100_000, step=0.1,
              help="Weights plus optimizer state; GPT-2 124M with AdamW in fp32 is about "
                   "{/assumptions/site-defaults/values/checkpoint_size}."),
        Input("kept_checkpoints", "Checkpoints kept on S3", "checkpoints", 2, minimum=0, maximum=100, step=1,
              integer=True),
        Input("storage_price", "S3 Standard storage", "USD/GB-month", "/storage/s3-standard/price",
              maximum=100, step=0.001),
    ),
    compute=compute,
    headline=("spot_cost", "on_demand_cost", "savings_percent", "break_even_interruptions"),
    presets={
        NOTE: {
            "on_demand_price": "/instances/g2.2xlarge/on_demand",
            "spot_price": "/instances/g2.2xlarge/spot@note-aws-gpu-2015",
        }
    },
)
