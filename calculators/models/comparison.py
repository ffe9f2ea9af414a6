"""How costs compare: each part's share of a total."""

from __future__ import annotations

from typing import Mapping

__all__ = ["shares"]


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
