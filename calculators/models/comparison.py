"""How costs compare: each part's share of a total, what one option saves against another as a share, and by what
fraction a cost changed."""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["cost_change", "saving_percent", "shares"]


def shares(parts: Mapping[str, float]) -> dict[str, float]:
    """What fraction of the total is each part? All 0 when the total is 0: no part has a share of nothing.

    A pipeline of $1 preprocessing and $3 training: 1 / 4 and 3 / 4 of the $4 total.

    >>> shares({"preprocess": 1.0, "train": 3.0})
    {'preprocess': 0.25, 'train': 0.75}
    >>> shares({"preprocess": 0.0, "train": 0.0})
    {'preprocess': 0.0, 'train': 0.0}
    """
    total = sum(parts.values())
    return {name: (part / total if total else 0.0) for name, part in parts.items()}


def saving_percent(base: float, other: float) -> float | None:
    """What share of ``base`` does choosing ``other`` save, in percent (negative: it costs more)? None when there is
    no base to take a share of (a cost of 0 or less), or the share is too large to be a number.

    Spot at $30 against $100 on demand saves 70%; at $120 it costs 20% more:

    >>> saving_percent(100, 30), saving_percent(100, 120), saving_percent(0, 30)
    (70.0, -20.0, None)
    """
    if base <= 0:
        return None
    share = 100 * (base - other) / base
    return share if math.isfinite(share) else None


def cost_change(oldest: float, newest: float) -> float | None:
    """By what fraction did the cost change from the oldest price to the newest?

    ``None`` when the oldest cost is zero (a job of no hours, or a free machine): no change
    can be stated as a share of nothing.

    >>> round(cost_change(0.1, 0.3108), 4), cost_change(14.4, 14.4), cost_change(0, 0)
    (2.108, 0.0, None)
    """
    if oldest == 0:
        return None
    return newest / oldest - 1.0
