"""Command line: refresh and add instance prices in pricing.json from catalogs.

    python tools/import_prices.py [--catalog FILE_OR_URL ...] [--format aws-price-list|skypilot|gpuhunt]
        [--provider NAME] [--catalog-version V] [--catalog-commit SHA] [--as-of YYYY-MM-DD]
        [--region R ...] [--add TYPE ... | --add-all] [--only ID ...] [--allow ID ...] [--force]
        [--bump-snapshot] [--dry-run] [--pricing pricing.json]

Without ``--catalog`` it fetches the published catalog of ``--format`` (default skypilot) for
each ``--provider`` (default: every provider with a ``catalog_names`` entry for that format).
``--offer FILE`` is ``--catalog FILE --format aws-price-list``. Exit status: 0 done, 1 refused
(nothing written), 2 error (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import aws_offer, gpuhunt, online, skypilot, summary, update
from .catalog import (
    FORMATS,
    Catalog,
    CatalogError,
    detect_format,
    iso_date,
    metadata_fields,
    require_date,
    sidecar_metadata,
)
from .plan import Options, Plan, plan_catalog

ROOT = Path(__file__).resolve().parents[2]
READERS = {"aws-price-list": aws_offer.parse, "skypilot": skypilot.parse, "gpuhunt": gpuhunt.parse}


def guess_from_name(location: str, fmt: str) -> dict:
    """Version and provider from a catalog's path or file name, when the name carries them.

    >>> guess_from_name("catalogs/v8/aws/vms.csv", "skypilot"), guess_from_name("tools/catalogs/skypilot-v8-gcp.csv", "skypilot")
    ({'version': 'v8', 'provider': 'aws'}, {'version': 'v8', 'provider': 'gcp'})
    >>> guess_from_name("/tmp/lambdalabs.csv", "gpuhunt"), guess_from_name("gpuhunt-20261120-aws.csv", "gpuhunt")
    ({'provider': 'lambdalabs'}, {'version': '20261120', 'provider': 'aws'})
    """
    match = re.search(r"catalogs/(v\d+)/([^/]+)/vms\.csv$", location)
    if match:
        return {"version": match.group(1), "provider": match.group(2)}
    stem = Path(location.split("?")[0]).stem
    match = re.fullmatch(r"(?:skypilot-)?(v\d+)-([a-z0-9]+)", stem)
    if fmt == "skypilot" and match:
        return {"version": match.group(1), "provider": match.group(2)}
    match = re.fullmatch(r"gpuhunt-(\d{8}[\w.]*)-([a-z0-9]+)", stem)
    if fmt == "gpuhunt" and match:
        return {"version": match.group(1), "provider": match.group(2)}
    if fmt == "gpuhunt" and re.fullmatch(r"[a-z0-9]+", stem):
        return {"provider": stem}
    return {}


def read_text(location: str) -> str:
    """A local catalog file's text, or a URL's body; failures are one-line CatalogErrors."""
    if location.startswith(("http://", "https://")):
        return online.fetch_bytes(location).decode("utf-8")
    try:
        return Path(location).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"cannot read catalog {location}: {error.strerror}") from None


def load_catalog(location: str, text: str, args: argparse.Namespace, meta: dict | None = None) -> Catalog:
    """Parse a catalog and attach its metadata: the command line wins, then sources.json, then the file."""
    fmt = args.format or detect_format(text)
    if fmt == "aws-price-list":
        catalog = aws_offer.parse(text, location, (args.region or ["us-east-1"])[0])
    else:
        catalog = READERS[fmt](text, location)
    guessed = guess_from_name(location, fmt)
    sidecar = metadata_fields(meta if meta is not None else sidecar_metadata(location))
    for layer in (guessed, sidecar):
        catalog = catalog.with_metadata(**layer)
    catalog = catalog.with_metadata(provider=args.provider[0] if args.provider and len(args.provider) == 1 else None,
                                    version=args.catalog_version, commit=args.catalog_commit)
    if catalog.date is None and catalog.name == "gpuhunt":
        catalog = catalog.with_metadata(date=iso_date(catalog.version))  # a gpuhunt version is its build date
    return catalog


def fetch_published(data: dict, args: argparse.Namespace) -> list[Catalog]:
    """The published catalog of ``--format`` for each provider (the online path)."""
    fmt = args.format or "skypilot"
    names = args.provider or [entry["catalog_names"][fmt] for entry in data["providers"].values()
                              if fmt in entry.get("catalog_names", {})]
    if not names:
        raise CatalogError(f"no provider has catalog_names.{fmt} in pricing.json: pass --provider NAME or --catalog FILE")
    catalogs = []
    for name in names:
        if fmt == "skypilot":
            text, meta = online.skypilot(name)
        elif fmt == "gpuhunt":
            text, meta = online.gpuhunt(name)
        else:
            text, meta = online.aws_offer((args.region or ["us-east-1"])[0])
        one = argparse.Namespace(**{**vars(args), "format": fmt, "provider": [name]})
        catalogs.append(load_catalog(meta["url"], text, one, meta))
    return catalogs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="import_prices.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", action="append", metavar="FILE_OR_URL",
                        help="a catalog file or URL (repeatable); without it the published catalog is fetched")
    parser.add_argument("--offer", action="append", metavar="FILE_OR_URL", help="an AWS Price List offer (= --catalog FILE --format aws-price-list)")
    parser.add_argument("--format", choices=FORMATS, help="catalog format (default: told from the file's header)")
    parser.add_argument("--provider", action="append", metavar="NAME",
                        help="the catalog's name for the cloud, e.g. aws, lambda, lambdalabs (default: from the file name or sources.json)")
    parser.add_argument("--catalog-version", help="catalog version, e.g. v8 or a gpuhunt build (default: from metadata)")
    parser.add_argument("--catalog-commit", help="commit the catalog file was read at (default: from sources.json)")
    parser.add_argument("--as-of", help="date of the catalog version, YYYY-MM-DD (default: the catalog's own date; required when it has none)")
    parser.add_argument("--pricing", type=Path, default=ROOT / "pricing.json", help="pricing.json to update")
    parser.add_argument("--region", action="append", metavar="R", help="region to read, in order of preference (default: the provider's catalog_regions)")
    parser.add_argument("--add", action="append", default=[], metavar="TYPE", help="add this catalog instance type as a new instance (repeatable)")
    parser.add_argument("--add-all", action="store_true", help="add every GPU instance type of the catalog whose GPU is known")
    parser.add_argument("--only", action="append", metavar="ID", help="refresh only this instance (repeatable)")
    parser.add_argument("--allow", action="append", default=[], metavar="ID",
                        help="accept a missing, zero or far-off price for this instance (repeatable)")
    parser.add_argument("--force", action="store_true", help="accept missing, zero and far-off prices for every instance")
    parser.add_argument("--bump-snapshot", action="store_true", help="move snapshot_date forward to the newest as_of")
    parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    args = parser.parse_args(argv)
    if args.offer:
        if args.format not in (None, "aws-price-list"):
            parser.error("--offer reads an AWS Price List offer: drop --format or use --catalog")
        args.catalog = (args.catalog or []) + args.offer
        args.format = "aws-price-list"
    return args


def _check_names(data: dict, args: argparse.Namespace) -> None:
    unknown = sorted(set(args.only or ()) - set(data["instances"]))
    if unknown:
        raise CatalogError(f"not an instance in pricing.json: {', '.join(unknown)}")


def plan_all(data: dict, catalogs: list[Catalog], args: argparse.Namespace) -> tuple[list[Plan], dict]:
    """Plan each catalog in turn, each against the file as the previous ones left it; return the plans and that file."""
    options = Options(frozenset(args.only) if args.only else None, frozenset(args.allow), args.force,
                      frozenset(args.add), args.add_all, tuple(args.region or ()))
    plans: list[Plan] = []
    working = data
    accessed = update.today()
    for catalog in catalogs:
        as_of = require_date(catalog, args.as_of)
        plan = plan_catalog(working, catalog, update.source_key(catalog, as_of, working["sources"]), as_of, options)
        plans.append(plan)
        working = update.apply(working, [plan], accessed)
    return plans, working


def report(plans: list[Plan], pricing: Path) -> bool:
    """Print the summary (stdout) and the refusals (stderr); return True when something was refused."""
    for line in summary.render(plans):
        print(line)
    refused = [change for plan in plans for change in plan.refused]
    for change in refused:
        print(f"refused  {change.decision.message}", file=sys.stderr)
    if refused:
        print(f"refused {len(refused)} price(s): {pricing} not changed", file=sys.stderr)
    return bool(refused)


def check_snapshot(updated: dict, plans: list[Plan], bump: bool) -> dict:
    """The file with snapshot_date moved to the newest written as_of (with ``--bump-snapshot``), else an error if later.

    >>> check_snapshot({"snapshot_date": "2026-11-23"}, [], False)
    {'snapshot_date': '2026-11-23'}
    """
    late = max((plan.as_of for plan in plans if any(change.decision.writes for change in plan.changes)), default="")
    if late <= updated["snapshot_date"]:
        return updated
    if not bump:
        raise CatalogError(f"as_of {late} is after snapshot_date {updated['snapshot_date']}: pass --bump-snapshot, or an earlier --as-of")
    return dict(updated, snapshot_date=late)


def run(args: argparse.Namespace) -> int:
    """Read the catalogs, plan, print the summary and the refusals, then write (or not)."""
    data = json.loads(args.pricing.read_text(encoding="utf-8"))
    _check_names(data, args)
    if args.catalog:
        catalogs = [load_catalog(location, read_text(location), args) for location in args.catalog]
    else:
        catalogs = fetch_published(data, args)
    plans, working = plan_all(data, catalogs, args)
    if report(plans, args.pricing):
        return 1
    updated = check_snapshot(working, plans, args.bump_snapshot)
    if updated == data:
        print("nothing to change")
        return 0
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    update.write_validated(updated, args.pricing)
    appended = sum(change.decision.writes for plan in plans for change in plan.changes)
    added = sum(change.entry is not None for plan in plans for change in plan.changes)
    print(f"wrote {args.pricing}: {appended} observation(s) appended, {added} instance(s) added")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the import; return the exit status (0 done, 1 refused, 2 error)."""
    args = parse_args(argv)
    try:
        return run(args)
    except (CatalogError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
