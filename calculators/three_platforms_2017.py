"""The 2017 note's three platforms: one training job on EC2, Google Cloud ML or Rescale, and what it really costs on each.

The calculator is named ``providers`` (its URL keys are ``providers.<field>``), as it always was, so
shared links keep working. From the 2017 note "Cost of Deep Learning". The hourly price is only part of it: a slower worker
bills more hours for the same job, a platform that takes minutes to start bills those minutes,
a failed start has its own charge, and a free credit pays for the first dollars. The job's length
is given on the baseline machine, an EC2 g2.2xlarge (one GRID K520), whose relative speed is 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._declare import Calculator, Input
from ._errors import CalculatorError
from ._pricing import Pricing
from ._numbers import format_value, number_text
from ._result import Column, Figure, Result, Table, Value
from .charts import Axis, Chart, Series
from .models.lines import BreakEven, CostLine, break_even, break_even_table

NOTE = "cost-of-dl-note"
EC2, GCP, RESCALE = "EC2", "Google Cloud ML", "Rescale"
PROVIDERS = (("ec2", EC2), ("gcp", GCP), ("rescale", RESCALE))
SLOWEST = 1e-6
"""A worker slower than a millionth of the baseline never finishes (this keeps every amount finite)."""
CHART_POINTS = 301
"""Grid points per curve; the kinks where a credit runs out and the crossings are added exactly."""

__all__ = [
    "CALCULATOR",
    "JobCost",
    "ProviderTerms",
    "billed_hours",
    "cost_line",
    "credited_cost",
    "job_break_even",
    "job_cost",
    "ranked",
]


@dataclass(frozen=True)
class ProviderTerms:
    """What a provider charges and how fast its worker is, relative to the baseline (1 = as fast)."""

    name: str
    hourly_price: float
    relative_speed: float = 1.0
    startup_minutes: float = 0.0
    failed_start_charge: float = 0.0
    free_credit: float = 0.0

    @property
    def finishes(self) -> bool:
        """False when the worker has no speed to speak of (below ``SLOWEST``): a job with work in it never ends."""
        return self.relative_speed >= SLOWEST


@dataclass(frozen=True)
class JobCost:
    """The cost of one job on one provider.

    ``outcome`` is ``finishes`` or ``never_finishes`` (relative speed 0, or below ``SLOWEST``, and some
    work to do); in the second case every amount is None, never an infinity.
    """

    provider: str
    outcome: str
    billed_hours: float | None = None
    compute: float | None = None
    failed_start_cost: float | None = None
    before_credit: float | None = None
    credit_used: float | None = None
    effective: float | None = None


def billed_hours(job_hours: float, relative_speed: float, startup_minutes: float) -> float | None:
    """How many hours does a provider bill for a job that takes ``job_hours`` on the baseline machine?

    A 10-hour job on a worker 7 times slower, and on one that is as fast but takes 6 minutes to start:

    >>> round(billed_hours(10, 1 / 7, 0), 6), billed_hours(10, 1, 6)
    (70.0, 10.1)

    None when there is work to do and the worker has speed 0 (or below ``SLOWEST``): the job never finishes.

    >>> billed_hours(10, 0, 6) is None, billed_hours(0, 0, 6)
    (True, 0.1)
    """
    if job_hours == 0:
        return startup_minutes / 60
    if relative_speed < SLOWEST:
        return None
    return job_hours / relative_speed + startup_minutes / 60


def job_cost(terms: ProviderTerms, job_hours: float, failed_starts: float = 0) -> JobCost:
    """What does one job cost on a provider, before and after its free credit?

    A 10-hour job on Rescale at $1/h with a 6-minute start, one failed start at $1 and a $10 credit:

    >>> cost = job_cost(ProviderTerms("Rescale", 1.0, 1, 6, 1, 10), 10, failed_starts=1)
    >>> round(cost.before_credit, 2), round(cost.credit_used, 2), round(cost.effective, 2)
    (11.1, 10.0, 1.1)
    """
    hours = billed_hours(job_hours, terms.relative_speed, terms.startup_minutes)
    if hours is None:
        return JobCost(terms.name, "never_finishes")
    compute = terms.hourly_price * hours
    failed = failed_starts * terms.failed_start_charge
    before = compute + failed
    used = min(float(terms.free_credit), before)
    return JobCost(terms.name, "finishes", hours, compute, failed, before, used, before - used)


def cost_line(terms: ProviderTerms, failed_starts: float = 0) -> CostLine:
    """The cost before credit as a line over baseline job hours: start-up and failed starts, then a rate.

    Rescale at $1/h, 6 minutes to start, two failed starts at $1:

    >>> line = cost_line(ProviderTerms("Rescale", 1.0, 1, 6, 1, 10), failed_starts=2)
    >>> round(line.fixed, 2), line.rate
    (2.1, 1.0)
    """
    if not terms.finishes:
        raise CalculatorError(f"{terms.name} never finishes a job (relative speed {number_text(terms.relative_speed)}): it has no cost line")
    fixed = terms.hourly_price * terms.startup_minutes / 60 + failed_starts * terms.failed_start_charge
    return CostLine(terms.name, fixed, terms.hourly_price / terms.relative_speed)


def credited_cost(line: CostLine, credit: float, job_hours: float) -> float:
    """What is left to pay at ``job_hours`` once the credit is spent (never below zero)?

    Rescale's $10 credit against $0.10 to start and $1 an hour, for a 5-hour and a 20-hour job:

    >>> rescale = CostLine("Rescale", 0.1, 1.0)
    >>> credited_cost(rescale, 10, 5), round(credited_cost(rescale, 10, 20), 2)
    (0.0, 10.1)
    """
    return max(0.0, line.at(job_hours) - credit)


def job_break_even(a: ProviderTerms, b: ProviderTerms, failed_starts: float = 0) -> BreakEven:
    """At what job length do two providers cost the same once their credits are spent?

    EC2 at $0.65/h against Rescale at $1/h with a 6-minute start and a $10 credit:

    >>> meeting = job_break_even(ProviderTerms("EC2", 0.65), ProviderTerms("Rescale", 1.0, 1, 6, 0, 10))
    >>> round(meeting.x, 2), meeting.cheaper_below, meeting.cheaper_above
    (28.29, 'Rescale', 'EC2')

    Where both are still free at the meeting point there is no crossing: they tie at $0 for short jobs
    and the one named ``cheaper`` wins after that.
    """
    line_a, line_b = cost_line(a, failed_starts), cost_line(b, failed_starts)
    shifted_a = CostLine(a.name, line_a.fixed - a.free_credit, line_a.rate)
    shifted_b = CostLine(b.name, line_b.fixed - b.free_credit, line_b.rate)
    meeting = break_even(shifted_a, shifted_b)
    if meeting.outcome == "crosses" and shifted_a.at(meeting.x) <= 0:
        return BreakEven(a.name, b.name, "never", cheaper=meeting.cheaper_above)
    return meeting


def ranked(costs: list[JobCost]) -> list[JobCost]:
    """Order jobs cheapest first: by what you pay, then by what is billed before credit; unfinished jobs last.

    >>> [c.provider for c in ranked([JobCost("A", "finishes", 1, 5, 0, 5, 5, 0), JobCost("B", "never_finishes"),
    ...                              JobCost("C", "finishes", 1, 3, 0, 3, 3, 0)])]
    ['C', 'A', 'B']
    """
    finished = [c for c in costs if c.outcome == "finishes"]
    unfinished = [c for c in costs if c.outcome != "finishes"]
    return sorted(finished, key=lambda c: (c.effective, c.before_credit)) + unfinished


def _terms(values: dict) -> list[ProviderTerms]:
    return [
        ProviderTerms(
            label,
            values[f"{key}_price"],
            values[f"{key}_relative_speed"],
            values[f"{key}_startup_minutes"],
            values[f"{key}_failed_start_charge"],
            values[f"{key}_free_credit"],
        )
        for key, label in PROVIDERS
    ]


def compute(values: dict, pricing: Pricing) -> Result:
    """Each provider's cost for one job, ranked, with the job lengths at which the ranking changes."""
    terms = _terms(values)
    job_hours, failed = values["job_hours"], values["failed_starts"]
    costs = [job_cost(t, job_hours, failed) for t in terms]
    order = ranked(costs)

    shown = []
    for (key, _), cost in zip(PROVIDERS, costs):
        if cost.outcome != "finishes":
            continue
        shown += [
            Value(f"{key}_billed_hours", f"{cost.provider}: billed hours", cost.billed_hours, "h"),
            Value(f"{key}_before_credit", f"{cost.provider}: cost before credit", cost.before_credit, "USD"),
            Value(f"{key}_credit_used", f"{cost.provider}: credit used", cost.credit_used, "USD"),
            Value(f"{key}_cost", f"{cost.provider}: you pay", cost.effective, "USD"),
        ]
    if order and order[0].outcome == "finishes":
        shown.append(Value("cheapest", "Cheapest for this job", order[0].effective, "USD", subject=order[0].provider))
    never = "never finishes"
    rank_table = Table(
        "ranking",
        "One job, cheapest first",
        (
            Column("rank", "count"),
            Column("provider"),
            Column("outcome", shown=False),
            Column("billed hours", "h", missing=never),
            Column("before credit", "USD", missing=never),
            Column("credit used", "USD", missing=never),
            Column("you pay", "USD", missing=never),
        ),
        [
            (rank, c.provider, c.outcome, c.billed_hours, c.before_credit, c.credit_used, c.effective)
            for rank, c in enumerate(order, 1)
        ],
    )
    finishing = [t for t in terms if t.finishes]
    evens = [job_break_even(a, b, failed) for i, a in enumerate(finishing) for b in finishing[i + 1 :]]
    even_table = break_even_table(evens, "h", "Job length at which two providers cost the same")
    figures = (_bar_figure(order), _line_figure(values, finishing, evens))
    return Result(tuple(shown), (rank_table, even_table), figures, _notes(order, terms, job_hours))


def _notes(order: list[JobCost], terms: list[ProviderTerms], job_hours: float) -> tuple[str, ...]:
    notes = []
    best = order[0]
    if best.outcome == "finishes":
        job, paid = format_value(job_hours, "h"), format_value(best.effective, "USD")
        notes.append(f"For a {job} job the cheapest is {best.provider} at {paid}.")
    for t in terms:
        if not t.finishes and job_hours > 0:
            notes.append(f"{t.name} has no speed to speak of: the job never finishes, so it is ranked last, undrawn.")
    return tuple(notes)


def _bar_figure(order: list[JobCost]) -> Figure:
    shown = [c for c in order if c.outcome == "finishes"]
    chart = Chart(
        "What one job costs, cheapest first",
        Axis("provider", scale="category"),
        Axis("USD after credit", prefix="$"),
        (Series("you pay", [c.provider for c in shown], [c.effective for c in shown], style="bar",
                labels=[format_value(c.effective, "USD") for c in shown]),),
        legend=False,
    )
    parts = [
        f"{c.provider} {format_value(c.effective, 'USD')} ({format_value(c.before_credit, 'USD')} before credit)"
        for c in shown
    ]
    parts += [f"{c.provider} never finishes" for c in order if c.outcome != "finishes"]
    return Figure("ranking", chart, "; ".join(parts) + ".")


def _line_figure(values: dict, finishing: list[ProviderTerms], evens: list[BreakEven]) -> Figure:
    span = max(values["hours_max"], values["job_hours"])
    failed = values["failed_starts"]
    lines = {t.name: (cost_line(t, failed), t.free_credit) for t in finishing}
    # Where a credit runs out each curve bends; put those points on the grid so the bend is drawn where it is.
    kinks = [
        (credit - line.fixed) / line.rate for line, credit in lines.values() if line.rate > 0 and credit > line.fixed
    ]
    kinks = [x for x in kinks if x < span]
    crossings = [be for be in evens if be.outcome == "crosses" and be.x <= span]
    grid = sorted(
        {span * i / (CHART_POINTS - 1) for i in range(CHART_POINTS)} | set(kinks) | {be.x for be in crossings}
    )
    series = [Series(name, grid, [credited_cost(line, credit, x) for x in grid]) for name, (line, credit) in lines.items()]
    meets = [(be, credited_cost(*lines[be.a], be.x)) for be in crossings]
    if meets:
        series.append(Series("break-even", [be.x for be, _ in meets], [y for _, y in meets], style="markers",
                             symbol="diamond", labels=[format_value(be.x, "h") for be, _ in meets]))
    chart = Chart(
        "Cost of one job by its length",
        Axis("job hours on the baseline machine (EC2 g2.2xlarge)"),
        Axis("USD after credit", prefix="$"),
        tuple(series),
    )
    parts = [
        f"{name}: {format_value(line.fixed, 'USD')} to start plus {format_value(line.rate, 'USD')} per baseline hour, "
        f"less a {format_value(credit, 'USD')} credit"
        for name, (line, credit) in lines.items()
    ]
    parts += [
        f"{be.a} and {be.b} cost the same at {format_value(be.x, 'h')} ({format_value(y, 'USD')})" for be, y in meets
    ]
    parts.append(f"job lengths 0 to {format_value(span, 'h')}")
    return Figure("break_even", chart, "; ".join(parts) + ".")


def _provider_inputs(
    key: str,
    label: str,
    *,
    price: float | str,
    price_label: str,
    speed: float | str,
    startup: float | str,
    failed_charge: float | str,
    credit: float | str,
    helps: dict[str, str],
) -> tuple[Input, ...]:
    """The five inputs every provider has, named ``<key>_price``, ``<key>_relative_speed`` and so on."""
    speed_help = "1 = as fast as an EC2 g2.2xlarge; 0.5 = twice as slow; 0 = the job never finishes."
    return (
        Input(f"{key}_price", price_label, "USD/h", price, maximum=1000, step=0.01, help=helps.get("price", "")),
        Input(f"{key}_relative_speed", f"{label}: speed relative to the baseline", "×", speed, minimum=0,
              maximum=1000, step=0.05, help=helps.get("speed", speed_help)),
        Input(f"{key}_startup_minutes", f"{label}: start-up time, billed", "min", startup, maximum=1440, step=1,
              help=helps.get("startup", "")),
        Input(f"{key}_failed_start_charge", f"{label}: charge per failed start", "USD", failed_charge,
              maximum=10_000, step=0.5, help=helps.get("failed", "")),
        Input(f"{key}_free_credit", f"{label}: free credit", "USD", credit, maximum=100_000, step=1,
              help=helps.get("credit", "")),
    )


NO_FIGURE = "0 by default: neither the note nor pricing.json gives a figure."

CALCULATOR = Calculator(
    name="providers",
    title="One training job on EC2, Google Cloud ML or Rescale",
    summary="Billed hours, start-up, failed starts and free credit turn hourly prices into the cost of one job.",
    inputs=(
        Input("job_hours", "Job length on the EC2 machine", "h", 10, maximum=100_000, step=0.5,
              help="How long the job runs on the EC2 machine (today a g5.xlarge, one A10G; in the note a g2.2xlarge, one "
                   "GRID K520); a slower worker bills proportionally more."),
        Input("failed_starts", "Failed starts before the job runs", "starts", 0, maximum=1000, step=1, integer=True,
              help="Each costs the provider's failed-start charge (a typo in a start-up script, say)."),
        Input("hours_max", "Chart range", "h", 150, minimum=1, maximum=100_000, step=10),
        *_provider_inputs(
            "ec2", EC2,
            price="/instances/g5.xlarge/on_demand", price_label="EC2 price (today a g5.xlarge, 1×A10G)",
            speed=1, startup=0, failed_charge=0, credit=0,
            helps={
                "price": "Today's g5.xlarge by default; the note's preset uses the g2.2xlarge (one GRID K520) it rented, "
                         "a machine AWS no longer sells.",
                "speed": "1: the EC2 machine is the baseline the job length is measured on.",
                "startup": NO_FIGURE,
                "failed": NO_FIGURE,
                "credit": "0 by default: the note mentions no EC2 credit.",
            },
        ),
        *_provider_inputs(
            "gcp", GCP,
            price="/instances/gcp-cloud-ml-training-unit/on_demand@gcp-ml-engine-pricing-2017",
            price_label="Google Cloud ML price per hour (one ML training unit, 2017: retired)",
            speed="/providers/gcp-cloud-ml/relative_speed@note-cost-of-dl", startup=0, failed_charge=0,
            credit="/providers/gcp-cloud-ml/free_credit@note-cost-of-dl",
            helps={
                "price": "Cloud ML Engine's 2017 US rate for one ML training unit, the only figure there is: the service "
                         "shut down on 2025-01-31 (its successor is Vertex AI custom training), so put in a Vertex AI "
                         "quote for today. The pricing page did not say how many units the note's cheapest worker used.",
                "speed": "The note found the cheapest worker 7 times slower than a g2.2xlarge: 1/7.",
                "startup": NO_FIGURE,
                "failed": NO_FIGURE,
            },
        ),
        *_provider_inputs(
            "rescale", RESCALE,
            price="/instances/rescale-gpu-worker/on_demand@note-cost-of-dl", price_label="Rescale price (the note's GPU worker)",
            speed="/providers/rescale/relative_speed@note-cost-of-dl", startup="/providers/rescale/startup_minutes@note-cost-of-dl",
            failed_charge="/providers/rescale/failed_start_charge@note-cost-of-dl", credit="/providers/rescale/free_credit@note-cost-of-dl",
            helps={
                "price": "The note's 'about $1 per hour' as configured: Rescale now prices by core type, and no "
                         "dated figure for a GPU worker is in the price list, so put in a quote for today.",
                "speed": "The note found Rescale's GPU workers as fast as a g2.2xlarge or faster.",
                "startup": "The note saw {/providers/rescale/startup_minutes@note-cost-of-dl#low} to "
                           "{/providers/rescale/startup_minutes@note-cost-of-dl#high}; the default is the midpoint.",
            },
        ),
    ),
    compute=compute,
    headline=("ec2_cost", "gcp_cost", "rescale_cost"),
    presets={
        NOTE: {
            "ec2_price": "/instances/g2.2xlarge/on_demand@note-cost-of-dl",
            "rescale_price": "/instances/rescale-gpu-worker/on_demand@note-cost-of-dl",
            "gcp_relative_speed": "/providers/gcp-cloud-ml/relative_speed@note-cost-of-dl",
            "gcp_free_credit": "/providers/gcp-cloud-ml/free_credit@note-cost-of-dl",
            "rescale_startup_minutes": "/providers/rescale/startup_minutes@note-cost-of-dl",
            "rescale_failed_start_charge": "/providers/rescale/failed_start_charge@note-cost-of-dl",
            "rescale_free_credit": "/providers/rescale/free_credit@note-cost-of-dl",
        }
    },
)
