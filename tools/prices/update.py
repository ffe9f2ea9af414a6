"""Writing: the catalog's ``sources`` entry, the new observations and instances, the validated file.

Each catalog file gets one entry in ``sources`` that says which catalog, which version, which
commit and which date its observations come from, e.g. ``skypilot-v8-aws-2026-11-20``:

    {"title": "SkyPilot catalog v8, aws VMs (catalogs/v8/aws/vms.csv)", "url": "...",
     "published": "2026-11-20", "accessed": "<the day of the import>",
     "catalog": {"name": "skypilot", "version": "v8", "commit": "...", "date": "2026-11-20",
                 "path": "catalogs/v8/aws/vms.csv"}}
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

from .catalog import Catalog, CatalogError
from .plan import Plan

TITLES = {
    "aws-price-list": "AWS Price List (Amazon EC2 offer): on-demand Linux, shared tenancy, no pre-installed software",
    "skypilot": "SkyPilot catalog",
    "gpuhunt": "dstack gpuhunt catalog",
}


def source_key(catalog: Catalog, as_of: str, sources: dict) -> str:
    """The ``sources`` key of a catalog file: catalog, version, provider and date; a commit suffix if taken.

    >>> cat = Catalog("skypilot", "aws", [], "f", version="v8", commit="abcdef123456", date="2026-11-20")
    >>> source_key(cat, "2026-11-20", {})
    'skypilot-v8-aws-2026-11-20'
    >>> source_key(cat, "2026-11-20", {"skypilot-v8-aws-2026-11-20": {"catalog": {"commit": "0000000"}}})
    'skypilot-v8-aws-2026-11-20-abcdef1'
    >>> source_key(Catalog("aws-price-list", "aws", [], "f", version="20261101000000"), "2026-11-01", {})
    'aws-price-list-2026-11-01'
    """
    parts = [catalog.name]
    if catalog.name != "aws-price-list":
        parts += [catalog.version] if catalog.version and catalog.name == "skypilot" else []
        parts += [catalog.provider or "unknown"]
    key = "-".join(parts + [as_of])
    existing = sources.get(key)
    if existing is None or existing.get("catalog", {}).get("commit") == catalog.commit and \
            existing.get("catalog", {}).get("version") == catalog.version:
        return key
    return f"{key}-{(catalog.commit or catalog.version or 'x')[:7]}"


def source_entry(catalog: Catalog, as_of: str, accessed: str) -> dict:
    """The ``sources`` entry of a catalog file.

    >>> entry = source_entry(Catalog("gpuhunt", "aws", [], "aws.csv", version="20261120"), "2026-11-20", "2026-12-02")
    >>> entry["title"], entry["catalog"]
    ('dstack gpuhunt catalog, aws, version 20261120', {'name': 'gpuhunt', 'version': '20261120', 'date': '2026-11-20', 'file': 'aws.csv'})
    """
    title = TITLES[catalog.name]
    if catalog.name == "skypilot":
        title += f" {catalog.version or ''}, {catalog.provider} VMs" + (f" ({catalog.path})" if catalog.path else "")
    elif catalog.name == "gpuhunt":
        title += f", {catalog.provider}" + (f", version {catalog.version}" if catalog.version else "")
    elif catalog.version:
        title += f", offer version {catalog.version}"
    entry: dict = {"title": " ".join(title.split())}
    url = catalog.url or (catalog.location if catalog.location.startswith(("http://", "https://")) else None)
    if url:
        entry["url"] = url
    entry["published"] = as_of
    entry["accessed"] = accessed
    dated = "the catalog's own date" if catalog.date == as_of else "given with --as-of (the catalog file is undated)"
    comment = f"Imported by tools/import_prices.py; as_of {as_of} is {dated}, not the day it was read."
    window = catalog.extra.get("date_window")
    if window:
        comment += f" Date window of the snapshot: {window[0] or '?'} to {window[1] or '?'}."
    if catalog.extra.get("date_basis"):
        comment += f" Basis: {catalog.extra['date_basis']}"
    entry["comment"] = comment
    meta = {"name": catalog.name, "version": catalog.version, "commit": catalog.commit, "date": as_of,
            "repo": catalog.repo, "path": catalog.path,
            "file": None if catalog.path or catalog.location.startswith(("http://", "https://")) else Path(catalog.location).name}
    entry["catalog"] = {key: value for key, value in meta.items() if value}
    return entry


def apply(data: dict, plans: list[Plan], accessed: str) -> dict:
    """A copy of ``data`` with every plan's new observations, new instances and source entries."""
    updated = copy.deepcopy(data)
    for plan in plans:
        writes = [change for change in plan.changes if change.decision.writes]
        if not writes:
            continue
        if plan.source not in updated["sources"]:
            updated["sources"][plan.source] = source_entry(plan.catalog, plan.as_of, accessed)
        for change in writes:
            if change.entry is not None:
                updated["instances"][change.key] = copy.deepcopy(change.entry)
            instance = updated["instances"][change.key]
            field = change.decision.field  # a catalog sells by the hour: on demand, or spot
            quantity = instance.setdefault(field, {"unit": "USD/h", "offer": {"kind": field}, "observations": []})
            quantity["observations"].append(dict(change.observation))
    return updated


def _loader():
    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from calculators import PricingError, load_pricing  # the project's own loader

    return PricingError, load_pricing


def write_validated(data: dict, path: Path) -> None:
    """Write ``data`` beside ``path``, validate it with the package's loader, then replace ``path``."""
    pricing_error, load_pricing = _loader()
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_pricing(temporary)
        except pricing_error as error:
            raise CatalogError(f"the updated file would not be valid, nothing written:\n{error}") from None
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def today() -> str:
    """The day of the import (only ever used as a source's ``accessed`` date)."""
    return dt.date.today().isoformat()
