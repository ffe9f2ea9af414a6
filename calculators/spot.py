"""Spot or on-demand: the expected cost and wall time of one training job on each.

From the 2015 note on AWS GPU instances: spot capacity is far cheaper, but AWS can take the
machine back after a two-minute notice, so the note says to snapshot the model to S3 and
resume. Here a spot job pays for that insurance (checkpoint writes, restarts, lost work since
the last checkpoint, S3 storage) and is compared with an uninterrupted on-demand run.

The model: interruptions arrive at random (exponentially) with mean time M between them; a
monthly interruption rate r (the share of instances interrupted within a 730-hour month, as the
Spot Instance Advisor reports it in bands) gives M = -730 / ln(1 - r). The expected wall time
with checkpoints is Daly's (2006) formula for exponential failures, and the checkpoint interval
defaults to Young's (1974) optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._charts import line_chart
from ._declare import Calculator, Input
from ._errors import CalculatorError
from ._pricing import Pricing
from ._result import Figure, Result, Table, Value, format_value

NOTE = "aws-gpu-2015"
HOURS_PER_MONTH = 730.0
"""AWS's billing month, and the month the Spot Instance Advisor's rates are read over."""

# Interval outcomes: how (and whether) a spot job checkpoints.
NO_WORK = "no_work"
NO_INTERRUPTIONS = "no_interruptions"
NO_CHECKPOINTS = "no_checkpoints"
CONTINUOUS = "continuous"
YOUNG = "young"
FIXED = "fixed"
CHECKPOINTING = (CONTINUOUS, YOUNG, FIXED)

# Comparison outcomes.
SPOT_CHEAPER = "spot_cheaper"
SPOT_COSTS_MORE = "spot_costs_more"
SAME_COST = "same_cost"
SPOT_NEVER_FINISHES = "spot_never_finishes"

# Break-even outcomes.
CROSSES = "crosses"
SPOT_NEVER_CHEAPER = "spot_never_cheaper"
SPOT_ALWAYS_CHEAPER = "spot_always_cheaper"

__all__ = [
    "CALCULATOR",
    "HOURS_PER_MONTH",
    "SpotBreakEven",
    "SpotJob",
    "SpotPlan",
    "chance_of_interruption",
    "checkpoint_storage_cost",
    "expected_interruptions",
    "expected_wall_hours",
    "job_from_values",
    "mean_hours_between_interruptions",
    "monthly_interruption_rate",
    "on_demand_job_cost",
    "optimal_checkpoint_interval",
    "plan_spot_job",
    "spot_break_even",
    "spot_job_cost",
]


def mean_hours_between_interruptions(monthly_rate: float) -> float:
    """How many hours does a spot instance run, on average, between interruptions?

    With interruptions at random, the chance of at least one within a 730-hour month is
    ``monthly_rate`` = 1 - exp(-730 / M), so M = -730 / ln(1 - rate). A rate of 0 means no
    interruptions at all and returns ``math.inf``; a rate of 1 or more has no finite answer
    and is an error.

    The Spot Instance Advisor's worst band, more than 20% a month, is about 4.5 months:

    >>> round(mean_hours_between_interruptions(0.2), 1)
    3271.4
    >>> mean_hours_between_interruptions(0)
    inf
    >>> mean_hours_between_interruptions(1)
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: 'interruption_rate' must be < 1: 1
    """
    _check_number(monthly_rate, "interruption_rate")
    if monthly_rate < 0:
        raise CalculatorError(f"'interruption_rate' must be >= 0: {monthly_rate:g}", "interruption_rate")
    if monthly_rate >= 1:
        raise CalculatorError(f"'interruption_rate' must be < 1: {monthly_rate:g}", "interruption_rate")
    if monthly_rate == 0:
        return math.inf
    return -HOURS_PER_MONTH / math.log1p(-monthly_rate)


def monthly_interruption_rate(mtbi_hours: float) -> float:
    """What share of instances is interrupted within a month, given the mean hours between interruptions?

    The inverse of :func:`mean_hours_between_interruptions`; ``math.inf`` gives 0.

    >>> round(monthly_interruption_rate(3271.4367), 4)
    0.2
    >>> monthly_interruption_rate(math.inf)
    0.0
    """
    _check_mtbi(mtbi_hours)
    if math.isinf(mtbi_hours):
        return 0.0
    return -math.expm1(-HOURS_PER_MONTH / mtbi_hours)


def optimal_checkpoint_interval(checkpoint_hours: float, mtbi_hours: float) -> float:
    """How much compute should run between two checkpoints?

    Young's (1974) first-order optimum, sqrt(2 * C * M), for a checkpoint that takes C hours
    to write and a mean time M between interruptions. Daly (2006) refines it to
    sqrt(2 * C * M) - C (with small higher-order terms), which matters only when C is not
    small beside M.

    Two limits have their own answer (the calculator names them as outcomes):

    - ``mtbi_hours`` is ``math.inf`` (no interruptions): ``math.inf``, never checkpoint
      (``no_interruptions``); this wins over C == 0.
    - ``checkpoint_hours`` is 0 (free checkpoints): 0.0, checkpoint continuously
      (``continuous``); :func:`expected_wall_hours` accepts an interval of 0 when C is 0.

    A one-minute checkpoint at the Advisor's 20%-a-month band is about every 10.4 hours:

    >>> round(optimal_checkpoint_interval(1 / 60, 3271.4367), 2)
    10.44
    >>> optimal_checkpoint_interval(0.5, 100)
    10.0
    >>> optimal_checkpoint_interval(0.5, math.inf), optimal_checkpoint_interval(0, 100)
    (inf, 0.0)
    """
    _check_hours(checkpoint_hours, "checkpoint_hours")
    _check_mtbi(mtbi_hours)
    if math.isinf(mtbi_hours):
        return math.inf
    if checkpoint_hours == 0:
        return 0.0
    return math.sqrt(2 * checkpoint_hours * mtbi_hours)


def expected_wall_hours(
    work_hours: float,
    interval_hours: float,
    checkpoint_hours: float,
    restart_hours: float,
    mtbi_hours: float,
) -> float:
    """How long, on average, does a job of ``work_hours`` take on a machine that is interrupted at random?

    Daly's (2006) model for exponential interruptions: the work runs in segments of
    ``interval_hours`` each followed by a checkpoint of ``checkpoint_hours``; an interruption
    loses the segment in progress and costs ``restart_hours`` (a new instance, reloading the
    last checkpoint) before the segment starts again:

        wall = (work / interval) * M * exp(R / M) * (exp((interval + C) / M) - 1)

    With M = ``math.inf`` (no interruptions) this is work * (1 + C / interval).
    The cases at the edges:

    - ``work_hours`` 0: 0.0.
    - ``interval_hours`` >= ``work_hours`` (``math.inf`` included): one segment and no
      checkpoint, M * exp(R / M) * (exp(work / M) - 1); the result is saved at the end as it
      would be on demand.
    - ``interval_hours`` 0: continuous checkpointing. With C = 0 that is work * exp(R / M);
      with C > 0 the job never finishes and the answer is ``math.inf``.
    - The answer is also ``math.inf`` when it overflows a float (the job never finishes).

    Ten hours of work, a checkpoint of half an hour after every two, no interruptions:

    >>> expected_wall_hours(10, 2, 0.5, 0.25, math.inf)
    12.5

    At the 20%-a-month band (M = 3,271 h), 96 hours with a one-minute checkpoint every 10.44
    hours and a 10-minute restart take about 18 minutes longer than the bare work:

    >>> round(expected_wall_hours(96, 10.4426, 1 / 60, 10 / 60, 3271.4367), 2)
    96.31
    """
    _check_hours(work_hours, "work_hours")
    _check_hours(checkpoint_hours, "checkpoint_hours")
    _check_hours(restart_hours, "restart_hours")
    _check_mtbi(mtbi_hours)
    if math.isnan(interval_hours) or interval_hours < 0:
        raise CalculatorError(f"'interval_hours' must be >= 0: {interval_hours!r}", "interval_hours")
    if work_hours == 0:
        return 0.0
    if interval_hours >= work_hours:
        return _segment_hours(work_hours, restart_hours, mtbi_hours)
    if interval_hours == 0:
        if checkpoint_hours > 0:
            return math.inf
        if math.isinf(mtbi_hours):
            return work_hours
        return _overflow_safe(lambda: work_hours * math.exp(restart_hours / mtbi_hours))
    segment = _segment_hours(interval_hours + checkpoint_hours, restart_hours, mtbi_hours)
    return work_hours / interval_hours * segment


def _segment_hours(length: float, restart_hours: float, mtbi_hours: float) -> float:
    """Expected time to get ``length`` hours done without an interruption, restarts included."""
    if math.isinf(mtbi_hours):
        return length
    # M * (exp(t/M) - 1) written as t * (expm1(x) / x) keeps its digits when t is tiny beside M
    # (the usual case) and cannot underflow below t.
    ratio = length / mtbi_hours

    def formula() -> float:
        growth = math.expm1(ratio) / ratio if ratio > 0 else 1.0
        return length * growth * math.exp(restart_hours / mtbi_hours)

    return _overflow_safe(formula)


def _overflow_safe(formula) -> float:
    try:
        return formula()
    except OverflowError:
        return math.inf


def expected_interruptions(wall_hours: float, mtbi_hours: float) -> float:
    """How many interruptions does a run of ``wall_hours`` expect?

    Interruptions arrive at rate 1/M for as long as the job runs, restarts included
    (a job that never finishes, ``wall_hours`` inf, expects infinitely many).

    >>> expected_interruptions(96.31, 3271.4)
    0.0294...
    >>> expected_interruptions(96.31, math.inf)
    0.0
    """
    _check_number(wall_hours, "wall_hours")
    if wall_hours < 0:
        raise CalculatorError(f"'wall_hours' must be >= 0: {wall_hours!r}", "wall_hours")
    _check_mtbi(mtbi_hours)
    if math.isinf(mtbi_hours):
        return 0.0
    return wall_hours / mtbi_hours


def chance_of_interruption(
    work_hours: float, interval_hours: float, checkpoint_hours: float, mtbi_hours: float
) -> float:
    """What is the chance that the job is interrupted at least once?

    The job escapes only if the whole uninterrupted run, work plus one checkpoint per segment,
    passes without an interruption: 1 - exp(-(work + C * work / interval) / M).

    >>> round(chance_of_interruption(96, 10.4426, 1 / 60, 3271.4367), 3)
    0.029
    >>> chance_of_interruption(96, 96, 1 / 60, math.inf)
    0.0
    """
    _check_hours(work_hours, "work_hours")
    _check_hours(checkpoint_hours, "checkpoint_hours")
    _check_mtbi(mtbi_hours)
    if math.isnan(interval_hours) or interval_hours < 0:
        raise CalculatorError(f"'interval_hours' must be >= 0: {interval_hours!r}", "interval_hours")
    if math.isinf(mtbi_hours) or work_hours == 0:
        return 0.0
    if interval_hours >= work_hours:
        clean_run = work_hours
    elif interval_hours == 0:
        clean_run = work_hours if checkpoint_hours == 0 else math.inf
    else:
        clean_run = work_hours * (1 + checkpoint_hours / interval_hours)
    return -math.expm1(-clean_run / mtbi_hours)


def checkpoint_storage_cost(checkpoint_gb: float, kept: int, price_per_gb_month: float, wall_hours: float) -> float:
    """What does keeping the last ``kept`` checkpoints on S3 cost for the length of the run?

    Counted as if all of them were held from the start (a slight overestimate).
    Two 1.5 GB checkpoints on S3 Standard at $0.023 per GB-month for one 730-hour month:

    >>> round(checkpoint_storage_cost(1.5, 2, 0.023, 730), 4)
    0.069
    """
    return checkpoint_gb * kept * price_per_gb_month * wall_hours / HOURS_PER_MONTH


def on_demand_job_cost(hourly_price: float, work_hours: float) -> float:
    """What does the job cost on demand, where nothing interrupts it and it needs no checkpoints?

    Ninety-six hours on a g2.2xlarge at $0.65/h:

    >>> round(on_demand_job_cost(0.65, 96), 2)
    62.4
    """
    return hourly_price * work_hours


def spot_job_cost(spot_price: float, wall_hours: float, storage_cost: float = 0.0) -> float:
    """What does the job cost on spot, billed for every hour it runs (restarts included) plus storage?

    The 2015 note's $0.10/h for an expected 96.31 hours, plus 20 cents of S3:

    >>> round(spot_job_cost(0.10, 96.31, 0.20), 3)
    9.831
    """
    return spot_price * wall_hours + storage_cost


@dataclass(frozen=True)
class SpotJob:
    """One job as the spot side sees it; ``interval_hours`` None means Young's optimum."""

    work_hours: float
    checkpoint_hours: float
    restart_hours: float
    interval_hours: float | None = None
    checkpoint_gb: float = 0.0
    kept_checkpoints: int = 0
    storage_price: float = 0.0


@dataclass(frozen=True)
class SpotPlan:
    """How a spot job runs and what it costs.

    ``outcome`` is one of ``no_work``, ``no_interruptions`` (rate 0: no checkpoints),
    ``no_checkpoints`` (running straight through is cheaper, or the interval is as long as the
    job), ``continuous`` (free checkpoints, written all the time), ``young`` (Young's interval)
    or ``fixed`` (the interval asked for). ``interval_hours`` is ``math.inf`` when no
    checkpoint is written.
    """

    outcome: str
    interval_hours: float
    wall_hours: float
    interruptions: float
    storage_cost: float
    cost: float


def plan_spot_job(job: SpotJob, spot_price: float, mtbi_hours: float) -> SpotPlan:
    """How should a spot job checkpoint, and what does it then cost and take?

    With Young's interval (``job.interval_hours`` None) the job checkpoints only if that is
    expected to cost less than running straight through.

    Ninety-six hours at $0.10/h, one-minute checkpoints, 10-minute restarts, M = 3,271 h:

    >>> plan = plan_spot_job(SpotJob(96, 1 / 60, 10 / 60), 0.10, 3271.4367)
    >>> plan.outcome, round(plan.interval_hours, 2), round(plan.wall_hours, 2), round(plan.cost, 2)
    ('young', 10.44, 96.31, 9.63)
    """
    work = job.work_hours
    if work == 0:
        return SpotPlan(NO_WORK, math.inf, 0.0, 0.0, 0.0, 0.0)
    straight = _plan(job, spot_price, mtbi_hours, math.inf, NO_CHECKPOINTS)
    if job.interval_hours is not None:
        if job.interval_hours >= work:
            return straight
        return _plan(job, spot_price, mtbi_hours, job.interval_hours, FIXED)
    if math.isinf(mtbi_hours):
        return SpotPlan(NO_INTERRUPTIONS, math.inf, work, 0.0, 0.0, spot_job_cost(spot_price, work))
    young = optimal_checkpoint_interval(job.checkpoint_hours, mtbi_hours)
    if young >= work:
        return straight
    checkpointed = _plan(job, spot_price, mtbi_hours, young, CONTINUOUS if young == 0 else YOUNG)
    return checkpointed if checkpointed.cost < straight.cost else straight


def _plan(job: SpotJob, spot_price: float, mtbi_hours: float, interval: float, outcome: str) -> SpotPlan:
    wall = expected_wall_hours(job.work_hours, interval, job.checkpoint_hours, job.restart_hours, mtbi_hours)
    storage = 0.0
    if outcome in CHECKPOINTING and math.isfinite(wall):
        storage = checkpoint_storage_cost(job.checkpoint_gb, job.kept_checkpoints, job.storage_price, wall)
    cost = spot_job_cost(spot_price, wall, storage) if math.isfinite(wall) else math.inf
    return SpotPlan(outcome, interval, wall, expected_interruptions(wall, mtbi_hours), storage, cost)


@dataclass(frozen=True)
class SpotBreakEven:
    """How often spot can be interrupted before it costs as much as on demand.

    ``outcome`` is ``crosses`` (at ``mtbi_hours``, i.e. ``interruptions_per_month`` on average
    or a ``monthly_rate`` share of instances), ``spot_never_cheaper`` (it costs at least as much
    even without interruptions), ``spot_always_cheaper`` (no interruption rate makes it dearer:
    free checkpoints and restarts, or a free spot price), or ``no_work``.
    """

    outcome: str
    mtbi_hours: float | None = None
    interruptions_per_month: float | None = None
    monthly_rate: float | None = None


def spot_break_even(job: SpotJob, spot_price: float, on_demand_price: float) -> SpotBreakEven:
    """At what interruption rate does spot stop paying off?

    Spot at 40% of the on-demand price, one-minute checkpoints and 10-minute restarts pays
    off until interruptions come about every 18 minutes, roughly 2,450 a month:

    >>> result = spot_break_even(SpotJob(96, 1 / 60, 10 / 60), 0.40, 1.0)
    >>> result.outcome, round(result.mtbi_hours * 60), round(result.interruptions_per_month, -1)
    ('crosses', 18, 2450.0)
    >>> spot_break_even(SpotJob(96, 1 / 60, 10 / 60), 1.0, 1.0).outcome
    'spot_never_cheaper'
    """
    if job.work_hours == 0:
        return SpotBreakEven(NO_WORK)
    target = on_demand_job_cost(on_demand_price, job.work_hours)

    def excess(hazard: float) -> float:
        mtbi = math.inf if hazard == 0 else 1 / hazard
        return plan_spot_job(job, spot_price, mtbi).cost - target

    if excess(0.0) >= 0:
        return SpotBreakEven(SPOT_NEVER_CHEAPER)
    if spot_price == 0 and job.checkpoint_gb * job.kept_checkpoints * job.storage_price == 0:
        # Spot time is free and nothing is stored: more interruptions only make the job slower.
        return SpotBreakEven(SPOT_ALWAYS_CHEAPER)
    # Interruptions per hour: grow until spot is dearer, then halve the bracket in log steps.
    low, high = 0.0, 1e-9
    while excess(high) < 0:
        if high > 1e12:
            return SpotBreakEven(SPOT_ALWAYS_CHEAPER)
        low, high = high, high * 4
    for _ in range(100):
        middle = math.sqrt(low * high) if low > 0 else high / 2
        if excess(middle) < 0:
            low = middle
        else:
            high = middle
    mtbi = 1 / high
    return SpotBreakEven(CROSSES, mtbi, HOURS_PER_MONTH / mtbi, monthly_interruption_rate(mtbi))


def _check_number(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise CalculatorError(f"'{name}' must be a number: {value!r}", name)


def _check_hours(value: float, name: str) -> None:
    _check_number(value, name)
    if not math.isfinite(value) or value < 0:
        raise CalculatorError(f"'{name}' must be a finite number >= 0: {value!r}", name)


def _check_mtbi(value: float) -> None:
    _check_number(value, "mtbi_hours")
    if value <= 0:
        raise CalculatorError(f"'mtbi_hours' must be > 0: {value!r}", "mtbi_hours")


# The calculator --------------------------------------------------------------------------

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


def job_from_values(v: dict) -> SpotJob:
    """Which SpotJob do the calculator's inputs describe? Minutes become hours.

    >>> job = job_from_values({"work_hours": 96, "checkpoint_minutes": 1, "restart_minutes": 10,
    ...     "interval_mode": "fixed", "interval_minutes": 90, "checkpoint_gb": 1.5,
    ...     "kept_checkpoints": 2, "storage_price": 0.023})
    >>> job.interval_hours, round(job.restart_hours, 4)
    (1.5, 0.1667)
    """
    return SpotJob(
        work_hours=v["work_hours"],
        checkpoint_hours=v["checkpoint_minutes"] / 60,
        restart_hours=v["restart_minutes"] / 60,
        interval_hours=v["interval_minutes"] / 60 if v["interval_mode"] == "fixed" else None,
        checkpoint_gb=v["checkpoint_gb"],
        kept_checkpoints=int(v["kept_checkpoints"]),
        storage_price=v["storage_price"],
    )


def compute(v: dict, pricing: Pricing) -> Result:
    """Spot against on-demand for one job: costs, wall times, savings, break-even rate and a chart."""
    job = job_from_values(v)
    mtbi = mean_hours_between_interruptions(v["interruption_rate"])
    on_demand = on_demand_job_cost(v["on_demand_price"], job.work_hours)
    plan = plan_spot_job(job, v["spot_price"], mtbi)
    even = spot_break_even(job, v["spot_price"], v["on_demand_price"])
    comparison = _comparison(plan.cost, on_demand)

    values = [
        Value("on_demand_cost", "On-demand cost", on_demand, "USD"),
        Value("on_demand_hours", "On-demand wall time", job.work_hours, "h"),
    ]
    if comparison != SPOT_NEVER_FINISHES:
        values += [
            Value("spot_cost", "Spot cost, expected", plan.cost, "USD"),
            Value("spot_hours", "Spot wall time, expected", plan.wall_hours, "h"),
            Value("interruptions", "Interruptions, expected", plan.interruptions, "interruptions"),
            Value("storage_cost", "Checkpoint storage on S3", plan.storage_cost, "USD"),
            Value("savings", "Saving with spot (negative: spot costs more)", on_demand - plan.cost, "USD"),
        ]
        # A share of a (near) zero on-demand cost has no meaning: leave it out.
        share = 100 * (on_demand - plan.cost) / on_demand if on_demand > 0 else math.inf
        if math.isfinite(share):
            values.append(Value("savings_percent", "Saving with spot, share of on-demand", share, "%"))
    interval = plan.interval_hours if plan.outcome in CHECKPOINTING else math.inf
    chance = chance_of_interruption(job.work_hours, interval, job.checkpoint_hours, mtbi)
    values.append(Value("interrupted_chance", "Chance of at least one interruption", 100 * chance, "%"))
    if math.isfinite(mtbi):
        values.append(Value("mtbi_hours", "Mean time between interruptions", mtbi, "h"))
        if job.checkpoint_hours > 0:
            young = optimal_checkpoint_interval(job.checkpoint_hours, mtbi)
            values.append(Value("optimal_interval", "Optimal checkpoint interval (Young)", young * 60, "min"))
    if plan.outcome in (YOUNG, FIXED):
        values.append(Value("interval_used", "Checkpoint interval used", plan.interval_hours * 60, "min"))
    if even.outcome == CROSSES:
        values += [
            Value("break_even_interruptions", "Break-even: interruptions per month", even.interruptions_per_month,
                  "per month"),
            Value("break_even_mtbi", "Break-even: mean time between interruptions", 60 * even.mtbi_hours, "min"),
        ]
        if even.monthly_rate < ALMOST_EVERY_INSTANCE:
            share = 100 * even.monthly_rate
            values.append(Value("break_even_rate", "Break-even: share of instances interrupted a month", share, "%"))

    tables = [_outcome_table(comparison, plan, even)]
    sweep = _interval_table(job, v["spot_price"], mtbi)
    if sweep is not None:
        tables.append(sweep)
    return Result(
        tuple(values),
        tuple(tables),
        (_rate_figure(job, v, mtbi, plan, on_demand, even),),
        _notes(job, v, pricing, plan, on_demand, comparison, even),
    )


def _comparison(spot_cost: float, on_demand_cost: float) -> str:
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
    """Say a span of hours in the unit a reader would use.

    >>> _duration(0.2977), _duration(30), _duration(6928.6)
    ('17.86 min', '30 h', '288.7 days')
    """
    if hours < 2:
        return format_value(hours * 60, "min")
    if hours < 72:
        return format_value(hours, "h")
    return format_value(hours / 24, "days")


def _outcome_table(comparison: str, plan: SpotPlan, even: SpotBreakEven) -> Table:
    rows = (
        ("comparison", comparison, COMPARISON_TEXT[comparison]),
        ("checkpointing", plan.outcome, INTERVAL_TEXT[plan.outcome]),
        ("break_even", even.outcome, _break_even_text(even)),
    )
    return Table(
        "outcomes",
        "What the numbers say",
        ("question", "answer"),
        tuple((question.replace("_", "-"), text) for question, _, text in rows),
        tuple((question, outcome) for question, outcome, _ in rows),
    )


def _interval_table(job: SpotJob, spot_price: float, mtbi: float) -> Table | None:
    """Cost at half, once and twice Young's interval, and with no checkpoints at all."""
    if job.work_hours == 0 or math.isinf(mtbi) or job.checkpoint_hours == 0:
        return None
    young = optimal_checkpoint_interval(job.checkpoint_hours, mtbi)
    candidates = [("half Young's", young / 2), ("Young's", young), ("twice Young's", 2 * young)]
    if job.interval_hours is not None:
        candidates.append(("yours", job.interval_hours))
    candidates.append(("no checkpoints", math.inf))
    rows, data = [], []
    for label, interval in candidates:
        outcome = NO_CHECKPOINTS if interval >= job.work_hours else FIXED
        plan = _plan(job, spot_price, mtbi, interval, outcome)
        if not math.isfinite(plan.cost):
            continue
        minutes = "none" if outcome == NO_CHECKPOINTS else format_value(interval * 60, "min")
        rows.append((label, minutes, format_value(plan.wall_hours, "h"), format_value(plan.cost, "USD")))
        every = None if outcome == NO_CHECKPOINTS else round(interval * 60, 4)
        data.append((label, every, round(plan.wall_hours, 6), round(plan.cost, 6)))
    return Table(
        "intervals",
        "Spot cost by checkpoint interval",
        ("interval", "every", "wall time", "spot cost"),
        tuple(rows),
        tuple(data),
    )


def _rate_figure(job: SpotJob, v: dict, mtbi: float, plan: SpotPlan, on_demand: float, even: SpotBreakEven) -> Figure:
    """Expected spot cost against interruptions per month (log axis), on-demand flat, break-even marked."""
    yours = 0.0 if math.isinf(mtbi) else HOURS_PER_MONTH / mtbi
    crossing = even.interruptions_per_month if even.outcome == CROSSES else None
    anchors = [m for m in (yours, crossing) if m]
    low = min(anchors + [0.1]) / 10
    high = crossing * 4 if crossing else max(anchors + [1.0]) * 100
    steps = 80
    xs = sorted({low * (high / low) ** (i / steps) for i in range(steps + 1)} | set(anchors))
    points = []
    for x in xs:
        cost = plan_spot_job(job, v["spot_price"], HOURS_PER_MONTH / x).cost
        if not math.isfinite(cost):
            break
        points.append((x, cost))
    spot_xs = [round(x, 6) for x, _ in points]
    ends = [spot_xs[0], spot_xs[-1]] if spot_xs else [round(low, 6), round(high, 6)]
    markers = []
    if crossing:
        markers.append((f"break-even: {format_value(crossing, 'a month')}", round(crossing, 6), on_demand))
    figure = line_chart(
        "Expected job cost by how often spot is interrupted",
        "interruptions per instance-month, mean (log scale)",
        "USD per job",
        [
            ("Spot, expected", spot_xs, [c for _, c in points]),
            ("On demand", ends, [on_demand, on_demand]),
        ],
        markers,
    )
    figure["layout"]["xaxis"]["type"] = "log"
    if crossing and on_demand > 0:
        # Past the break-even the spot curve climbs steeply; keep the crossing and this job in view.
        top = max(on_demand * 2.5, plan.cost * 1.2 if math.isfinite(plan.cost) else 0)
        figure["layout"]["yaxis"]["range"] = [0, round(top, 4)]
    if yours and math.isfinite(plan.cost):
        figure["data"].append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "this job",
                "x": [round(yours, 6)],
                "y": [round(plan.cost, 4)],
                "text": [f"{format_value(100 * v['interruption_rate'], '%')}/month"],
                "textposition": "bottom center",
                "marker": {"size": 10, "symbol": "circle"},
            }
        )
    alt = _alt(points, on_demand, crossing, even, yours, plan, v)
    return Figure("break_even", figure["layout"]["title"]["text"], figure, alt)


def _alt(points, on_demand, crossing, even, yours, plan, v) -> str:
    parts = []
    if points:
        (x0, c0), (x1, c1) = points[0], points[-1]
        parts.append(
            f"Expected spot cost of the job from {format_value(c0, 'USD')} "
            f"at {format_value(x0, 'interruptions')} a month "
            f"to {format_value(c1, 'USD')} at {format_value(x1, 'interruptions')} a month (log scale)"
        )
    parts.append(f"on demand a flat {format_value(on_demand, 'USD')}")
    if crossing:
        parts.append(
            f"they meet at {format_value(crossing, 'interruptions')} a month, one every {_duration(even.mtbi_hours)}"
        )
    else:
        parts.append(_break_even_text(even))
    if yours and math.isfinite(plan.cost):
        parts.append(
            f"this job, {format_value(100 * v['interruption_rate'], '%')} of instances interrupted a month "
            f"({format_value(yours, 'interruptions')} a month), costs {format_value(plan.cost, 'USD')} on spot"
        )
    return "; ".join(parts) + "."


def _notes(job, v, pricing, plan, on_demand, comparison, even) -> tuple[str, ...]:
    spot_text = format_value(plan.cost, "USD") if math.isfinite(plan.cost) else "no finite cost"
    notes = [
        (
            f"{COMPARISON_TEXT[comparison].capitalize()}: {spot_text} on spot against "
            f"{format_value(on_demand, 'USD')} on demand; {INTERVAL_TEXT[plan.outcome]}."
        ),
        f"Break-even: {_break_even_text(even)}.",
    ]
    if even.outcome == CROSSES and even.monthly_rate >= ALMOST_EVERY_INSTANCE:
        notes.append(
            "In the Spot Instance Advisor's terms (share of instances interrupted in a month) the break-even is "
            "essentially every instance, far beyond its highest band; the mean time between interruptions says more."
        )
    notice_ref = "/providers/aws/interruption_notice_minutes"
    if pricing.has(notice_ref):
        notice = pricing.value(notice_ref)
        fits = "fits" if v["checkpoint_minutes"] <= notice else "does not fit"
        notes.append(
            f"AWS warns {format_value(notice, 'min')} before it interrupts; your checkpoint write "
            f"({format_value(v['checkpoint_minutes'], 'min')}) {fits} in that window. This estimate assumes the "
            "warning is not used: a handler that saves on notice would lose less work."
        )
    notes.append(
        "On demand runs uninterrupted with no checkpoints. Spot is billed for its whole expected wall time, restarts "
        "included, and keeps its last checkpoints on S3 for the whole run."
    )
    return tuple(notes)


def _a(name: str) -> str:
    return f"/assumptions/spot-defaults/values/{name}"


CALCULATOR = Calculator(
    name="spot",
    title="Spot or on-demand",
    summary="Expected cost and wall time of a training job on spot (with checkpoints and restarts) against on demand.",
    inputs=(
        Input("on_demand_price", "On-demand price", "USD/h", "/instances/g5.xlarge/on_demand",
              maximum=10_000, step=0.01,
              help="A g5.xlarge (1×A10G) today; the 2015 note's preset uses a g2.2xlarge."),
        Input("spot_price", "Spot price", "USD/h", "/instances/g5.xlarge/spot", maximum=10_000, step=0.01,
              help="The same machine on spot; the 2015 note's preset uses the $0.10/h it quotes."),
        Input("work_hours", "Compute time the job needs", "h", "/assumptions/nanogpt-note/values/train_hours",
              maximum=100_000, step=1,
              help="Uninterrupted compute, as on demand. The default is the nanoGPT note's four-day run."),
        Input("interruption_rate", "Monthly interruption rate", "share of instances", _a("interruption_rate_high"),
              maximum=0.99, step=0.01,
              help="The share of instances interrupted within a month, as the Spot Instance Advisor reports it "
                   "in bands (<5%, 5-10%, 10-15%, 15-20%, >20%); 0.2 means 20%."),
        Input("checkpoint_minutes", "Time to write a checkpoint", "min", "/assumptions/site-defaults/values/checkpoint_minutes", maximum=1440, step=0.5),
        Input("interval_mode", "Checkpoint interval", "", "optimal", choices=INTERVAL_CHOICES),
        Input("interval_minutes", "Fixed checkpoint interval", "min", 60, minimum=1, maximum=100_000, step=1,
              help="Compute between two checkpoints; used only when the interval is fixed."),
        Input("restart_minutes", "Restart after an interruption", "min", "/assumptions/site-defaults/values/restart_minutes", maximum=1440, step=1,
              help="Getting a new instance and reloading the last checkpoint."),
        Input("checkpoint_gb", "Checkpoint size", "GB", "/assumptions/site-defaults/values/checkpoint_size", maximum=100_000, step=0.1,
              help="Weights plus optimizer state; GPT-2 124M with AdamW in fp32 is about 1.5 GB."),
        Input("kept_checkpoints", "Checkpoints kept on S3", "checkpoints", 2, minimum=0, maximum=100, step=1,
              integer=True),
        Input("storage_price", "S3 Standard storage", "USD/GB-month", "/storage/s3-standard/price",
              maximum=100, step=0.001),
    ),
    compute=compute,
    presets={
        NOTE: {
            "on_demand_price": "/instances/g2.2xlarge/on_demand",
            "spot_price": "/instances/g2.2xlarge/spot@note-aws-gpu-2015",
        }
    },
)
