"""Straight cost lines (a fixed part plus a rate) and where two of them cross."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._numbers import format_value
from .._result import Column, Table


@dataclass(frozen=True)
class CostLine:
    """cost(x) = fixed + rate * x, e.g. a month of storage plus a price per training session."""

    label: str
    fixed: float
    rate: float

    def at(self, x: float) -> float:
        """Cost at ``x`` units of use.

        >>> CostLine("EC2", 10, 7).at(3)
        31
        """
        return self.fixed + self.rate * x


@dataclass(frozen=True)
class BreakEven:
    """Where line ``a`` and line ``b`` cost the same.

    ``outcome`` is ``crosses`` (at ``x``), ``never`` (one is always cheaper for x >= 0:
    ``cheaper`` names it), or ``identical``. Below ``x`` the line named ``cheaper_below`` wins.
    """

    a: str
    b: str
    outcome: str
    x: float | None = None
    cheaper_below: str | None = None
    cheaper_above: str | None = None
    cheaper: str | None = None


BEYOND_ANY_USE = 1e15
"""A meeting point further out than this is no meeting: a million billion of any unit of use."""


def break_even(a: CostLine, b: CostLine) -> BreakEven:
    """Find the use at which two cost lines meet, for use >= 0.

    At the AWS note's numbers, when does storing and training on Lambda ($20 + $4.20 a session)
    catch up with EC2 ($10 + $7 a session)?

    >>> result = break_even(CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2))
    >>> round(result.x, 4), result.cheaper_below, result.cheaper_above
    (3.5714, 'EC2', 'Lambda')
    >>> break_even(CostLine("EC2", 10, 7), CostLine("Lambda+ECR", 10, 8.2)).cheaper
    'EC2'
    >>> break_even(CostLine("A", 1, 5e-324), CostLine("B", 4, 0)).outcome  # 3 / 5e-324 overflows
    'never'

    A meeting beyond :data:`BEYOND_ANY_USE` (a million billion sessions, hours or GB) is never, too: at 9e307 the
    arithmetic around it would overflow (found by Hypothesis), and no use ever reaches it.

    >>> break_even(CostLine("A", 2, 0), CostLine("B", 0, 2.2e-308)).outcome
    'never'
    """
    rate_gap = a.rate - b.rate
    fixed_gap = b.fixed - a.fixed
    if rate_gap == 0:
        if fixed_gap == 0:
            return BreakEven(a.label, b.label, "identical")
        return BreakEven(a.label, b.label, "never", cheaper=a.label if fixed_gap > 0 else b.label)
    x = fixed_gap / rate_gap
    if not math.isfinite(x) or x > BEYOND_ANY_USE:
        # Rates too close to tell apart: the meeting lies beyond any number, so the cheaper start wins.
        return BreakEven(a.label, b.label, "never", cheaper=a.label if fixed_gap > 0 else b.label)
    if x <= 0:
        # They met at or before zero use: from here on the lower rate is always cheaper.
        return BreakEven(a.label, b.label, "never", cheaper=a.label if rate_gap < 0 else b.label)
    below, above = (a.label, b.label) if rate_gap > 0 else (b.label, a.label)
    return BreakEven(a.label, b.label, "crosses", x, below, above)


def describe(result: BreakEven, unit: str) -> str:
    """Say in words where two lines meet and which is cheaper on each side.

    >>> describe(break_even(CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2)), "sessions/month")
    'at 3.57 sessions/month: EC2 is cheaper below, Lambda above'
    >>> describe(break_even(CostLine("EC2", 10, 7), CostLine("Lambda+ECR", 10, 8.2)), "sessions/month")
    'never: EC2 is always cheaper'
    """
    if result.outcome == "crosses":
        return f"at {format_value(result.x, unit)}: {result.cheaper_below} is cheaper below, {result.cheaper_above} above"
    if result.outcome == "never":
        return f"never: {result.cheaper} is always cheaper"
    return "never: they cost the same"


def cheapest(lines: list[CostLine], x: float) -> CostLine:
    """Return the cheapest line at ``x`` (the first listed wins a tie).

    >>> cheapest([CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2)], 4).label
    'Lambda'
    """
    return min(lines, key=lambda line: line.at(x))


def times_cheapest(lines: list[CostLine], label: str, xs: list[float]) -> int:
    """At how many of the points ``xs`` is the line called ``label`` the cheapest (the first listed wins a tie)?

    EC2 ($10 + $7n) against Lambda ($20 + $4.2n) at 1 to 5 sessions: EC2 at 1, 2 and 3 ($17, $24, $31 against
    $24.20, $28.40, $32.60), Lambda at 4 and 5 ($36.80 against $38, $41 against $45):

    >>> lines = [CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2)]
    >>> times_cheapest(lines, "EC2", [1, 2, 3, 4, 5]), times_cheapest(lines, "Lambda", [1, 2, 3, 4, 5])
    (3, 2)
    """
    return sum(cheapest(lines, x).label == label for x in xs)


def last_cheapest(lines: list[CostLine], label: str, limit: int = 10_000) -> int | None:
    """The last whole number, counting up from one, at which ``label`` is still the cheapest; None if it never is.

    At the AWS note's numbers EC2 ($10 + $7n) stays cheapest until Lambda ($20 + $4.2n) catches up at 3.57:

    >>> lines = [CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2)]
    >>> last_cheapest(lines, "EC2"), last_cheapest(lines, "Lambda")
    (3, None)
    """
    # Where one straight line is the cheapest is an interval (it is below each other line on a half-line, and
    # half-lines meet in an interval), so "still the cheapest at n" is true up to some n and false after it: a
    # binary search finds the last n in 14 looks at 10,000 instead of up to 10,000 (a keystroke's worth of time).
    def wins(x: int) -> bool:
        return cheapest(lines, x).label == label

    if not wins(1):
        return None
    low, high = 1, limit  # wins(low) holds; the answer is in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if wins(middle) else (low, middle - 1)
    return low


def break_even_table(evens: list[BreakEven], unit: str, title: str = "Break-even points") -> Table:
    """The table of where each pair of lines meets: a sentence per pair, and the meeting point and outcome for export.

    >>> table = break_even_table([break_even(CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2))], "sessions/month")
    >>> table.texts[0]
    ('EC2 vs Lambda', 'at 3.57 sessions/month: EC2 is cheaper below, Lambda above')
    >>> table.export()["columns"]
    ['pair', 'break-even', 'outcome', 'meets at (sessions/month)']
    """
    return Table(
        "break_even",
        title,
        (Column("pair"), Column("break-even"), Column("outcome", shown=False), Column("meets at", unit, shown=False)),
        [(f"{be.a} vs {be.b}", describe(be, unit), be.outcome, be.x) for be in evens],
    )
