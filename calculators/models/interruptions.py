"""Spot interruptions: how long a job takes and what it costs when the machine can be taken back.

Interruptions arrive at random (exponentially) with mean time M between them. A monthly
interruption rate r (the share of instances interrupted within a 730-hour month, as the Spot
Instance Advisor reports it in bands) gives M = -730 / ln(1 - r). The expected wall time with
checkpoints is Daly's (2006) formula for exponential failures, and the checkpoint interval
defaults to Young's (1974) optimum; a job runs straight through when that is cheaper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._errors import CalculatorError
from .._numbers import number_text
from .storage import HOURS_PER_MONTH, storage_cost

# Interval outcomes: how (and whether) a spot job checkpoints.
NO_WORK = "no_work"
NO_INTERRUPTIONS = "no_interruptions"
NO_CHECKPOINTS = "no_checkpoints"
CONTINUOUS = "continuous"
YOUNG = "young"
FIXED = "fixed"
CHECKPOINTING = (CONTINUOUS, YOUNG, FIXED)

# Break-even outcomes.
CROSSES = "crosses"
SPOT_NEVER_CHEAPER = "spot_never_cheaper"
SPOT_ALWAYS_CHEAPER = "spot_always_cheaper"

__all__ = [
    "SpotBreakEven",
    "SpotJob",
    "SpotPlan",
    "chance_of_interruption",
    "expected_interruptions",
    "expected_wall_hours",
    "interruptions_per_month",
    "mean_hours_between_interruptions",
    "monthly_interruption_rate",
    "mtbi_from_interruptions_per_month",
    "on_demand_job_cost",
    "optimal_checkpoint_interval",
    "plan_spot_job",
    "spot_break_even",
    "spot_job_cost",
]


NEVER_HOURS = 1e9
"""A mean time between interruptions beyond this (over 100,000 years) counts as none."""


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

    A rate so small that the mean is beyond a billion hours (over 100,000 years) is no interruption at
    all, as 0 is: the arithmetic that follows would otherwise overflow.

    >>> mean_hours_between_interruptions(9e-306), mean_hours_between_interruptions(1e-6) < NEVER_HOURS
    (inf, True)
    >>> mean_hours_between_interruptions(1)
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: 'interruption_rate' must be < 1: 1
    """
    _check_number(monthly_rate, "interruption_rate")
    if monthly_rate < 0:
        raise CalculatorError(f"'interruption_rate' must be >= 0: {number_text(monthly_rate)}", "interruption_rate")
    if monthly_rate >= 1:
        raise CalculatorError(f"'interruption_rate' must be < 1: {number_text(monthly_rate)}", "interruption_rate")
    hours = -HOURS_PER_MONTH / math.log1p(-monthly_rate) if monthly_rate > 0 else math.inf
    return math.inf if hours > NEVER_HOURS else hours


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


def interruptions_per_month(mtbi_hours: float) -> float:
    """How many interruptions does one instance expect in a 730-hour month, on average? 0 when none ever come.

    One every 365 hours is two a month; one every 18 minutes (0.3 h) is 730 / 0.3 = 2,433.3:

    >>> interruptions_per_month(365), round(interruptions_per_month(0.3), 1), interruptions_per_month(math.inf)
    (2.0, 2433.3, 0.0)
    """
    return 0.0 if math.isinf(mtbi_hours) else HOURS_PER_MONTH / mtbi_hours


def mtbi_from_interruptions_per_month(per_month: float) -> float:
    """How many hours pass between interruptions, on average, when an instance expects ``per_month`` a month?

    The inverse of :func:`interruptions_per_month`: two a month is one every 730 / 2 = 365 hours.

    >>> mtbi_from_interruptions_per_month(2)
    365.0
    """
    return HOURS_PER_MONTH / per_month


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

    >>> round(expected_interruptions(96.31, 3271.4), 4)
    0.0294
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
        storage = storage_cost(job.checkpoint_gb * job.kept_checkpoints, job.storage_price, wall)
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
    return SpotBreakEven(CROSSES, mtbi, interruptions_per_month(mtbi), monthly_interruption_rate(mtbi))


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
