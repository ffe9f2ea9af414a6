"""The pricing reference page (``calc:pricing-reference``): every figure in pricing.json with its source and age.

Each section of pricing.json is a heading and a table; each quantity's observations are rows, newest
first. The newest row carries the quantity's anchor, which the forms link a default to. A table of providers
opens the page: when each last had a price confirmed, and from how many sources. A price today that no second
dated source agrees with (within 5%, within 12 months) is labelled "single source"; one that a second source
contradicts by more than 5% names it (the newer is used); a retired machine's rows say since when.
"""

from __future__ import annotations

from html import escape

from calculators import format_value, is_stale, months_between
from calculators._pricing import OFFER_FIELDS, TODAY_SECTIONS, retirement, stale_offer
from markup import source_link, table_html

AGREE = 0.05
"""Two prices within this share of each other agree; further apart, they disagree and the newer is used."""

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


def _recent_others(pricing, quantity):
    """The observations of a quantity besides its newest, from other sources, dated within 12 months of the snapshot."""
    newest = quantity.current
    return [obs for obs in quantity.observations[:-1]
            if obs.source != newest.source and not is_stale(obs.as_of, pricing.snapshot_date)]


def second_source(pricing, quantity):
    """The newest observation from another source, within 12 months, that agrees with today's price within 5%; or None.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> second_source(pricing, pricing.quantity("/instances/p4d.24xlarge/on_demand")).source
    'skypilot-v8-aws-2026-01-20'
    >>> second_source(pricing, pricing.quantity("/electricity/texas/price")) is None
    True
    """
    value = quantity.current.value
    agreeing = [obs for obs in _recent_others(pricing, quantity)
                if abs(obs.value - value) <= AGREE * max(abs(value), abs(obs.value))]
    return agreeing[-1] if agreeing else None


def contradiction(pricing, quantity):
    """The newest observation from another source, within 12 months, that differs from today's price by more than 5%.

    >>> from calculators import load_pricing
    >>> pricing = load_pricing()
    >>> contradiction(pricing, pricing.quantity("/instances/p4d.24xlarge/on_demand")) is None
    True
    >>> contradiction(pricing, pricing.quantity("/instances/nebius-8x-b200/on_demand")).value  # before the rise
    44.0
    """
    value = quantity.current.value
    differing = [obs for obs in _recent_others(pricing, quantity)
                 if abs(obs.value - value) > AGREE * max(abs(value), abs(obs.value))]
    return differing[-1] if differing else None


def provider_confirmations(pricing) -> list[tuple[str, str, int, int, int]]:
    """For each provider with a machine sold today: (provider, date of its newest confirmed price, sources of its prices
    within 12 months, machines priced today, of which single source).

    >>> from calculators import load_pricing
    >>> rows = {row[0]: row for row in provider_confirmations(load_pricing())}
    >>> rows["nebius"][1], rows["gcp"][3]  # of GCP's machines only a3-highgpu-8g has a 2026 price
    ('2026-09-25', 1)
    """
    found = {}
    for name, entry in pricing.section("instances").items():
        pointer = f"/instances/{name}/on_demand"
        if retirement(pricing, pointer):
            continue
        quantities = [pricing.quantity(f"/instances/{name}/{field}") for field in OFFER_FIELDS if field in entry]
        newest = max(quantity.current.as_of for quantity in quantities)
        sources = {obs.source for quantity in quantities for obs in quantity.observations
                   if not is_stale(obs.as_of, pricing.snapshot_date)}
        today = not stale_offer(pricing, pointer)
        single = today and second_source(pricing, pricing.quantity(pointer)) is None
        date, known, machines, singles = found.get(entry["provider"], ("", set(), 0, 0))
        found[entry["provider"]] = (max(date, newest), known | sources, machines + today, singles + single)
    return [(provider, date, len(known), machines, singles) for provider, (date, known, machines, singles) in found.items()]


def providers_table(pricing) -> str:
    """The opening table: each provider's last confirmed price date and how many of its machines rest on one source."""
    labels = pricing.section("providers")
    rows = [(escape(labels.get(provider, {}).get("label", provider)), escape(date),
             escape(age(date, pricing.snapshot_date)), str(count), str(machines),
             "none" if not singles else f'{singles} <span class="calc-badge">single source</span>')
            for provider, date, count, machines, singles in provider_confirmations(pricing)]
    return table_html(("provider", "last confirmed", "age", "sources in the last 12 months", "machines priced today",
                       "of which single source"), rows, "When each provider's prices were last confirmed")


def pricing_reference(pricing) -> str:
    """Every quantity in pricing.json, grouped by section, with each observation's source and date."""
    by_section: dict[str, list] = {section: [] for section in SECTION_TITLES}
    for quantity in pricing.quantities():
        section, name, *rest = quantity.pointer.strip("/").split("/")
        if section in by_section:
            field = "/".join(part for part in rest if part != "values")  # e.g. on_demand, relative_to/speed
            by_section[section].append((name, field, quantity))
    out = [f"## Providers\n\n{providers_table(pricing)}\n"]
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
        else:
            status = _status(pricing, quantity, section)
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


def _status(pricing, quantity, section: str) -> str:
    """The badges of a quantity's newest row: retired, stale, single source, or the source it disagrees with."""
    if not quantity.unit.startswith("USD") or section == "assumptions":
        return ""
    retired = retirement(pricing, quantity.pointer)
    if retired:
        return (f' <span class="calc-badge calc-badge--stale" title="no longer sold; kept as history">retired '
                f'{escape(retired["date"])}</span>')
    if is_stale(quantity.current.as_of, pricing.snapshot_date):
        used = " (not used as today's)" if section in ("instances", "storage") else ""
        return f' <span class="calc-badge calc-badge--stale" title="older than 12 months">stale{used}</span>'
    if section not in TODAY_SECTIONS:
        return ""
    other = contradiction(pricing, quantity)
    if other is not None:
        change = other.value / quantity.current.value - 1 if quantity.current.value else 0.0
        return (f' <span class="calc-badge" title="the newer price is used">differs from {escape(other.source)} '
                f'({escape(other.as_of)}) by {change:+.0%}</span>')
    if second_source(pricing, quantity) is None:
        return ' <span class="calc-badge" title="no second dated source agrees within 5%">single source</span>'
    return ""


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
