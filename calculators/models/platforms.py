"""One job on a platform that bills more than its hourly price: a slower worker bills more hours for the same job,
a platform that takes minutes to start bills those minutes, a failed start has its own charge, and a free credit
pays for the first dollars. The job's length is given on a baseline machine, whose relative speed is 1.

From the 2017 note "Cost of Deep Learning" (EC2, Google Cloud ML, Rescale); the page is ``three_platforms_2017``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import CalculatorError
from .._numbers import number_text
from .lines import BreakEven, CostLine, break_even

SLOWEST = 1e-6
"""A worker slower than a millionth of the baseline never finishes (this keeps every amount finite)."""

__all__ = [
    "SLOWEST",
    "JobCost",
    "ProviderTerms",
    "billed_hours",
    "cost_line",
    "credit_runs_out",
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


def credit_runs_out(line: CostLine, credit: float) -> float | None:
    """After how many baseline hours is the free credit spent? None when the start alone spends it (or more), or an
    hour costs nothing: then it runs out at no job length past the start.

    Rescale's $10 credit against $0.10 to start and $1 an hour: spent after (10 - 0.1) / 1 = 9.9 hours.

    >>> credit_runs_out(CostLine("Rescale", 0.1, 1.0), 10), credit_runs_out(CostLine("EC2", 0.0, 0.65), 0)
    (9.9, None)
    """
    if line.rate > 0 and credit > line.fixed:
        return (credit - line.fixed) / line.rate
    return None
