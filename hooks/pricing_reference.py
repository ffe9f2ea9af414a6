"""The pricing reference page (``calc:pricing-reference``): every figure in pricing.json with its source and age.

Each section of pricing.json is a heading and a table; each quantity's observations are rows, newest
first. The newest row carries the quantity's anchor, which the forms link a default to.
"""

from __future__ import annotations

from html import escape

from calculators import format_value, is_stale, months_between
from markup import source_link, table_html

SECTION_TITLES = {
    "gpus": "GPUs",
    "instances": "Instances",
    "storage": "Storage",
    "transfer": "Data transfer",
    "electricity": "Electricity",
    "hardware": "Hardware to buy",
    "providers": "Provider terms",
    "assumptions": "Assumptions from the notes",
    "efficiency": "Efficiency presets",
    "throughput": "Measured training throughput",
    "fabrics": "Cluster fabrics",
    "runs": "Published training runs",
}
HEADERS = ("entry", "figure", "value", "region", "source", "as of", "age")


def pricing_reference(pricing) -> str:
    """Every quantity in pricing.json, grouped by section, with each observation's source and date."""
    by_section: dict[str, list] = {section: [] for section in SECTION_TITLES}
    for quantity in pricing.quantities():
        section, name, *rest = quantity.pointer.strip("/").split("/")
        if section in by_section:
            field = "/".join(part for part in rest if part != "values")  # e.g. on_demand, relative_to/speed
            by_section[section].append((name, field, quantity))
    out = []
    for section, title in SECTION_TITLES.items():
        rows, ids = [], []
        for name, field, quantity in by_section[section]:
            label = pricing.section(section)[name].get("label", name)
            for row, row_id in _rows(pricing, quantity, label, name, field, section):
                rows.append(row)
                ids.append(row_id)
        out.append(f"## {title}\n\n{table_html(HEADERS, rows, row_ids=ids)}\n")
    return "\n".join(out)


def _rows(pricing, quantity, label: str, name: str, field: str, section: str) -> list[tuple[tuple[str, ...], str]]:
    """Rows for one quantity, newest first, each with its row id; only a price (not a spec or an assumption) goes stale."""
    rows = []
    newest = quantity.current
    for observation in reversed(quantity.observations):
        if observation is not newest:
            status = ' <span class="calc-badge">history</span>'
        elif quantity.unit.startswith("USD") and section != "assumptions" and is_stale(observation.as_of, pricing.snapshot_date):
            status = ' <span class="calc-badge calc-badge--stale" title="older than 12 months">stale</span>'
        else:
            status = ""
        value = format_value(observation.value, quantity.unit)
        if observation.low is not None and observation.high is not None:
            value += f" ({format_value(observation.low, quantity.unit)}–{format_value(observation.high, quantity.unit)})"
        note = f"<br><small>{escape(observation.note)}</small>" if observation.note else ""
        cells = (
            f"{escape(label)}<br><code>{escape(name)}</code>", escape(field), f"{escape(value)}{status}",
            escape(observation.region), f"{source_link(pricing, observation.source)}{note}", escape(observation.as_of),
            escape(age(observation.as_of, pricing.snapshot_date)),
        )
        rows.append((cells, quantity.anchor if observation is newest else ""))
    return rows


def age(as_of: str, snapshot_date: str) -> str:
    """How old a figure is at the snapshot, in words.

    >>> age("2026-11", "2026-11-23"), age("2025-06", "2026-11-23"), age("2015-11-22", "2026-11-23")
    ('under a month', '17 months', '11 years')
    """
    months = months_between(as_of, snapshot_date)
    if months < 1:
        return "under a month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''}"
    return f"{months // 12} years"
