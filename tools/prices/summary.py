"""The readable summary of an import: per catalog, what changed (instance, old → new, % change, source).

>>> from prices.guards import Decision
>>> from prices.plan import Change, Plan
>>> from prices.catalog import Catalog
>>> plan = Plan(Catalog("skypilot", "aws", [], "f", version="v8", date="2026-11-20"), "aws", "skypilot-v8-aws-2026-11-20", "2026-11-20")
>>> plan.changes = [Change(Decision("p5.48xlarge", "on_demand", "append", "", 98.32, 55.04), "p5.48xlarge", "us-east-1"),
...                 Change(Decision("g6e.xlarge", "on_demand", "new", "", None, 1.861), "g6e.xlarge", "us-east-1"),
...                 Change(Decision("g5.xlarge", "on_demand", "unchanged", "", 1.006, 1.006), "g5.xlarge", "us-east-1"),
...                 Change(Decision("g6.xlarge", "on_demand", "confirm", "", 0.8048, 0.8048), "g6.xlarge", "us-east-1")]
>>> print("\\n".join(render([plan])))
skypilot v8 aws (2026-11-20) -> source skypilot-v8-aws-2026-11-20
  instance     price      old → new (USD/h)  change  region
  p5.48xlarge  on-demand  98.32 → 55.04      -44.0%  us-east-1
  g6e.xlarge   on-demand  new → 1.861        new     us-east-1
  1 unchanged, 1 confirmed at this catalog's date
"""

from __future__ import annotations

from .plan import Plan

LABELS = {"on_demand": "on-demand", "spot": "spot"}
COUNTED = {"unchanged": "unchanged", "confirm": "confirmed at this catalog's date", "skip": "skipped"}


def percent(old: float | None, new: float | None) -> str:
    """The change from old to new as a signed percentage, ``new`` when there was no old price.

    >>> percent(98.32, 55.04), percent(None, 1.0), percent(0.0, 1.0)
    ('-44.0%', 'new', 'n/a')
    """
    if old is None:
        return "new"
    if old == 0:
        return "n/a"
    return f"{(new - old) / old * 100:+.1f}%"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def render(plans: list[Plan]) -> list[str]:
    """The summary lines of every plan: changes first, then counts of unchanged, confirmed and skipped prices."""
    lines: list[str] = []
    for plan in plans:
        lines.append(f"{plan.catalog.label} -> source {plan.source}")
        rows = [("instance", "price", "old → new (USD/h)", "change", "region")]
        for change in plan.changes:
            decision = change.decision
            if decision.action not in ("append", "new"):
                continue
            old = "new" if decision.old is None else f"{decision.old}"
            rows.append((change.key, LABELS[decision.field], f"{old} → {decision.new}",
                         percent(decision.old, decision.new), change.region))
        if len(rows) > 1:
            lines += _table(rows)
        else:
            lines.append("  no price changed")
        counts = {}
        for change in plan.changes:
            name = COUNTED.get(change.decision.action)
            if name:
                counts[name] = counts.get(name, 0) + 1
        if counts:
            lines.append("  " + ", ".join(f"{count} {name}" for name, count in counts.items()))
        for change in plan.changes:
            if change.decision.action == "skip":
                lines.append(f"  skipped: {change.decision.message}")
        lines += [f"  {notice}" for notice in plan.notices]
    return lines
