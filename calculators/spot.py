"""Spot or on-demand: the expected cost and wall time of one training job on each.

From the 2015 note on AWS GPU instances: spot capacity is far cheaper, but AWS can take the
machine back after a two-minute notice, so the note says to snapshot the model to S3 and
resume. Here a spot job pays for that insurance (checkpoint writes, restarts, lost work since
the last checkpoint, S3 storage) and is compared with an uninterrupted on-demand run. The
interruption model is :mod:`calculators.models.interruptions`.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ._declare import Calculator, Input, assumption
from ._pricing import Pricing
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value
from .charts import Annotation, Axis, Chart, Series
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
    mean_hours_between_interruptions,
    on_demand_job_cost,
    optimal_checkpoint_interval,
    plan_spot_job,
    spot_break_even,
)
from .models.storage import HOURS_PER_MONTH

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


def compute(values: dict, pricing: Pricing) -> Result:
    """Spot against on-demand for one job: costs, wall times, savings, break-even rate and a chart."""
    job = job_from_values(values)
    mtbi = mean_hours_between_interruptions(values["interruption_rate"])
    on_demand = on_demand_job_cost(values["on_demand_price"], job.work_hours)
    plan = plan_spot_job(job, values["spot_price"], mtbi)
    even = spot_break_even(job, values["spot_price"], values["on_demand_price"])
    comparison = _comparison(plan.cost, on_demand)

    shown = [
        Value("on_demand_cost", "On-demand cost", on_demand, "USD"),
        Value("on_demand_hours", "On-demand wall time", job.work_hours, "h"),
    ]
    if comparison != SPOT_NEVER_FINISHES:
        shown += [
            Value("spot_cost", "Spot cost, expected", plan.cost, "USD"),
            Value("spot_hours", "Spot wall time, expected", plan.wall_hours, "h"),
            Value("interruptions", "Interruptions, expected", plan.interruptions, "interruptions"),
            Value("storage_cost", "Checkpoint storage on S3", plan.storage_cost, "USD"),
            Value("savings", "Saving with spot (negative: spot costs more)", on_demand - plan.cost, "USD"),
        ]
        # A share of a (near) zero on-demand cost has no meaning: leave it out.
        share = 100 * (on_demand - plan.cost) / on_demand if on_demand > 0 else math.inf
        if math.isfinite(share):
            shown.append(Value("savings_percent", "Saving with spot, share of on-demand", share, "%"))
    interval = plan.interval_hours if plan.outcome in CHECKPOINTING else math.inf
    chance = chance_of_interruption(job.work_hours, interval, job.checkpoint_hours, mtbi)
    shown.append(Value("interrupted_chance", "Chance of at least one interruption", 100 * chance, "%"))
    if math.isfinite(mtbi):
        shown.append(Value("mtbi_hours", "Mean time between interruptions", mtbi, "h"))
        if job.checkpoint_hours > 0:
            young = optimal_checkpoint_interval(job.checkpoint_hours, mtbi)
            shown.append(Value("optimal_interval", "Optimal checkpoint interval (Young)", young * 60, "min"))
    if plan.outcome in (YOUNG, FIXED):
        shown.append(Value("interval_used", "Checkpoint interval used", plan.interval_hours * 60, "min"))
    if even.outcome == CROSSES:
        shown += [
            Value("break_even_interruptions", "Break-even: interruptions per month", even.interruptions_per_month,
                  "per month"),
            Value("break_even_mtbi", "Break-even: mean time between interruptions", 60 * even.mtbi_hours, "min"),
        ]
        if even.monthly_rate < ALMOST_EVERY_INSTANCE:
            share = 100 * even.monthly_rate
            shown.append(Value("break_even_rate", "Break-even: share of instances interrupted a month", share, "%"))

    tables = [_outcome_table(comparison, plan, even)]
    sweep = _interval_table(job, values["spot_price"], mtbi)
    if sweep is not None:
        tables.append(sweep)
    return Result(
        tuple(shown),
        tuple(tables),
        (_rate_figure(job, values, mtbi, plan, on_demand, even),),
        _notes(job, values, pricing, plan, on_demand, comparison, even),
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
    return Table(
        "outcomes",
        "What the numbers say",
        (Column("question"), Column("answer"), Column("outcome", shown=False)),
        [
            ("comparison", COMPARISON_TEXT[comparison], comparison),
            ("checkpointing", INTERVAL_TEXT[plan.outcome], plan.outcome),
            ("break-even", _break_even_text(even), even.outcome),
        ],
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


def _rate_figure(job: SpotJob, values: dict, mtbi: float, plan: SpotPlan, on_demand: float, even: SpotBreakEven) -> Figure:
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
        cost = plan_spot_job(job, values["spot_price"], HOURS_PER_MONTH / x).cost
        if not math.isfinite(cost):
            break
        points.append((x, cost))
    spot_xs = [x for x, _ in points]
    ends = [spot_xs[0], spot_xs[-1]] if spot_xs else [low, high]
    series = [
        Series("Spot, expected", spot_xs, [c for _, c in points]),
        Series("On demand", ends, [on_demand, on_demand], dash="dash"),
    ]
    annotations = []
    if crossing:
        series.append(Series("break-even", [crossing], [on_demand], style="markers", symbol="diamond"))
        annotations.append(Annotation(crossing, on_demand, f"break-even: {format_value(crossing, 'a month')}"))
    if yours and math.isfinite(plan.cost):
        series.append(Series("this job", [yours], [plan.cost], style="markers",
                             labels=[f"{format_value(100 * values['interruption_rate'], '%')}/month"]))
    y_range = None
    if crossing and on_demand > 0:
        # Past the break-even the spot curve climbs steeply; keep the crossing and this job in view.
        top = max(on_demand * 2.5, plan.cost * 1.2 if math.isfinite(plan.cost) else 0)
        y_range = (0.0, top)
    chart = Chart(
        "Expected job cost by how often spot is interrupted",
        Axis("interruptions per instance-month, mean (log scale)", scale="log"),
        Axis("USD per job", range=y_range, prefix="$"),
        tuple(series),
        tuple(annotations),
    )
    return Figure("break_even", chart, _alt(points, on_demand, crossing, even, yours, plan, values))


def _alt(points, on_demand, crossing, even, yours, plan, values) -> str:
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
            f"this job, {format_value(100 * values['interruption_rate'], '%')} of instances interrupted a month "
            f"({format_value(yours, 'interruptions')} a month), costs {format_value(plan.cost, 'USD')} on spot"
        )
    return "; ".join(parts) + "."


def _notes(job, values, pricing, plan, on_demand, comparison, even) -> tuple[str, ...]:
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
        fits = "fits" if values["checkpoint_minutes"] <= notice else "does not fit"
        notes.append(
            f"AWS warns {format_value(notice, 'min')} before it interrupts; your checkpoint write "
            f"({format_value(values['checkpoint_minutes'], 'min')}) {fits} in that window. This estimate assumes the "
            "warning is not used: a handler that saves on notice would lose less work."
        )
    notes.append(
        "On demand runs uninterrupted with no checkpoints. Spot is billed for its whole expected wall time, restarts "
        "included, and keeps its last checkpoints on S3 for the whole run."
    )
    return tuple(notes)



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
