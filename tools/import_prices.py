"""Refresh the on-demand hourly prices of AWS machines in pricing.json from the AWS Price List.

Build-time tool, standard library only (plus the project's own ``calculators`` loader, used to
validate the result). Run from the repository root:

    python tools/import_prices.py --offer FILE_OR_URL [--pricing pricing.json]
        [--region us-east-1] [--as-of YYYY-MM-DD] [--only ID ...] [--allow ID ...]
        [--force] [--bump-snapshot] [--dry-run]

``--offer`` reads either format the AWS Price List publishes:

* a bulk offer file, e.g.
  https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json
  (``products`` keyed by SKU, ``terms.OnDemand[sku][offerTermCode].priceDimensions[..]
  .pricePerUnit.USD``), or
* a saved Query API ``GetProducts`` response (``aws pricing get-products --service-code
  AmazonEC2 ...``): ``PriceList`` is a list of JSON strings, each with ``product`` and
  ``terms``. A JSON list of such responses (several pages) also works.

For every instance in pricing.json whose provider is ``aws`` it takes the Linux, shared-tenancy,
no-pre-installed-software, ``Used`` capacity product in ``--region`` and its on-demand hourly
price. A changed price is appended as a new observation (source ``aws-price-list``); the older
observations stay as history. An unchanged price is skipped.

It refuses (exit 1, nothing written, a message naming the instance and both prices) when a
price is missing, zero, or more than 3x away from the newest observation, unless ``--force``
(every instance) or ``--allow ID`` (that instance) is given. With permission a missing price is
skipped and a zero or far-off price is appended. The new file is written to a temporary file,
validated with ``calculators.load_pricing`` and only then moved over the old one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calculators import PricingError, load_pricing  # the project's own loader, importable once ROOT is on the path

SOURCE_ID = "aws-price-list"
SOURCE_ENTRY = {
    "title": "AWS Price List (Amazon EC2 offer): on-demand Linux, shared tenancy, no pre-installed software",
    "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json",
    "comment": "Imported by tools/import_prices.py; each observation's note names the SKU and offer version.",
}
MAX_RATIO = 3.0

# The one product per instance type and region that is the plain on-demand Linux price.
WANTED = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
# Checked only when the offer carries them (older files do not).
WANTED_IF_PRESENT = {
    "licenseModel": "No License required",
    "marketoption": "OnDemand",
}


class OfferError(RuntimeError):
    """A problem with the offer, the options or the result: printed, exit 2."""


@dataclass(frozen=True)
class OfferPrice:
    """One on-demand hourly price found in the offer."""

    instance: str
    region: str
    value: float
    sku: str


@dataclass(frozen=True)
class Offer:
    """What the tool needs from an offer: prices by instance type, the date and the version."""

    prices: dict[str, list[OfferPrice]]
    publication_date: str | None
    version: str | None


@dataclass(frozen=True)
class Decision:
    """What happens to one instance: ``append``, ``unchanged``, ``skip`` or ``refuse``."""

    instance: str
    action: str
    message: str
    price: OfferPrice | None = None


# --- reading the offer ----------------------------------------------------------------------


def read_offer(location: str) -> Any:
    """Return the parsed JSON of a local file or an http(s) URL."""
    try:
        if location.startswith(("http://", "https://")):
            with urllib.request.urlopen(location, timeout=300) as response:
                return json.load(response)
        with open(location, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise OfferError(f"cannot read offer {location}: {error}") from None
    except json.JSONDecodeError as error:
        raise OfferError(f"offer {location} is not JSON: {error.msg} at line {error.lineno}") from None


def _price_items(document: Any) -> Iterator[dict]:
    """Yield the items of a Query API response (or a list of pages) as dicts with product and terms."""
    pages = document if isinstance(document, list) else [document]
    for page in pages:
        if not isinstance(page, dict) or "PriceList" not in page:
            raise OfferError("a GetProducts page has no 'PriceList'")
        for item in page["PriceList"]:
            yield json.loads(item) if isinstance(item, str) else item


def _hourly_prices(on_demand_terms: dict) -> list[str]:
    """Every USD hourly price in one SKU's on-demand terms, as text."""
    found = []
    for term in on_demand_terms.values():
        for dimension in term.get("priceDimensions", {}).values():
            if str(dimension.get("unit", "")).lower() in ("hrs", "hr", "hours") and "USD" in dimension.get("pricePerUnit", {}):
                found.append(dimension["pricePerUnit"]["USD"])
    return found


def _wanted(product: dict, region: str) -> bool:
    attributes = product.get("attributes", {})
    if product.get("productFamily", "Compute Instance") != "Compute Instance":
        return False
    if any(attributes.get(key) != value for key, value in WANTED.items()):
        return False
    if any(key in attributes and attributes[key] != value for key, value in WANTED_IF_PRESENT.items()):
        return False
    return attributes.get("regionCode", region) == region


def _entries(document: Any) -> tuple[Iterable[tuple[dict, dict]], str | None, str | None]:
    """(product, on-demand terms of its SKU) pairs, the publication date and the version."""
    if isinstance(document, dict) and "products" in document and "terms" in document:
        on_demand = document["terms"].get("OnDemand", {})
        pairs = ((product, on_demand.get(sku, {})) for sku, product in document["products"].items())
        return pairs, document.get("publicationDate"), document.get("version")
    if isinstance(document, list) or (isinstance(document, dict) and "PriceList" in document):
        items = list(_price_items(document))
        pairs = [(item.get("product", {}), item.get("terms", {}).get("OnDemand", {})) for item in items]
        dates = sorted(item["publicationDate"] for item in items if item.get("publicationDate"))
        versions = sorted(item["version"] for item in items if item.get("version"))
        return pairs, (dates[-1] if dates else None), (versions[-1] if versions else None)
    raise OfferError("the offer is neither a bulk offer file ('products', 'terms') nor a GetProducts response ('PriceList')")


def parse_offer(document: Any, region: str) -> Offer:
    """Collect the plain on-demand Linux hourly price of every instance type in ``region``.

    >>> doc = {"products": {"S1": {"sku": "S1", "productFamily": "Compute Instance", "attributes": {
    ...     "instanceType": "g5.xlarge", "regionCode": "us-east-1", "operatingSystem": "Linux",
    ...     "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}}},
    ...     "terms": {"OnDemand": {"S1": {"S1.JRTCKXETXF": {"priceDimensions": {"S1.JRTCKXETXF.6YS6EN2CT7": {
    ...     "unit": "Hrs", "pricePerUnit": {"USD": "1.0060000000"}}}}}}}, "publicationDate": "2026-11-01T00:00:00Z"}
    >>> offer = parse_offer(doc, "us-east-1")
    >>> offer.prices["g5.xlarge"][0].value, offer.publication_date
    (1.006, '2026-11-01T00:00:00Z')
    """
    pairs, published, version = _entries(document)
    prices: dict[str, list[OfferPrice]] = {}
    for product, terms in pairs:
        if not _wanted(product, region):
            continue
        instance = product["attributes"].get("instanceType")
        if not instance:
            continue
        for text in _hourly_prices(terms):
            try:
                value = float(Decimal(text).normalize())
            except InvalidOperation:
                raise OfferError(f"{instance}: price {text!r} is not a number") from None
            prices.setdefault(instance, []).append(OfferPrice(instance, region, value, product.get("sku", "?")))
    return Offer(prices, published, version)


# --- deciding -------------------------------------------------------------------------------


def _newest(quantity: dict) -> dict:
    """The newest observation, the way the loader picks it (by as_of, the last of the newest date)."""
    # Not max(): among observations of the same date the loader takes the last, and so must we.
    return sorted(quantity["observations"], key=lambda obs: obs["as_of"])[-1]


def _show(obs: dict) -> str:
    return f"{obs['value']} USD/h ({obs['source']}, {obs['as_of']})"


def decide(instance: str, quantity: dict, found: list[OfferPrice], allowed: bool) -> Decision:
    """Decide what to do with one instance's on-demand quantity given the offer's prices for it.

    >>> q = {"unit": "USD/h", "observations": [{"value": 1.0, "region": "us-east-1", "source": "s", "as_of": "2026"}]}
    >>> decide("g5.xlarge", q, [OfferPrice("g5.xlarge", "us-east-1", 1.0, "S1")], False).action
    'unchanged'
    >>> decide("g5.xlarge", q, [OfferPrice("g5.xlarge", "us-east-1", 4.0, "S1")], False).action
    'refuse'
    >>> decide("g5.xlarge", q, [], True).action
    'skip'
    """
    newest = _newest(quantity)
    how_to_allow = f"pass --allow {instance} or --force to accept it"
    values = sorted({price.value for price in found})
    if not values:
        if allowed:
            return Decision(instance, "skip", f"{instance}: no price in the offer (newest {_show(newest)}); skipped")
        return Decision(instance, "refuse", f"{instance}: no price in the offer; newest is {_show(newest)}. "
                                            f"Check the region, or {how_to_allow} (it is then skipped)")
    if len(values) > 1:
        return Decision(instance, "refuse", f"{instance}: the offer has several plain Linux prices {values}; "
                                            f"newest is {_show(newest)}. Nothing can be chosen safely")
    price = next(p for p in found if p.value == values[0])
    old = float(newest["value"])
    if price.value == old:
        return Decision(instance, "unchanged", f"{instance}: {price.value} USD/h unchanged since {newest['as_of']}", price)
    far = price.value == 0 or old == 0 or max(price.value, old) / min(price.value, old) > MAX_RATIO
    if far and not allowed:
        problem = "is zero" if price.value == 0 else f"is more than {MAX_RATIO:g}x away from the newest"
        return Decision(instance, "refuse", f"{instance}: offer price {price.value} USD/h {problem}, "
                                            f"{_show(newest)}; {how_to_allow}")
    return Decision(instance, "append", f"{instance}: {old} -> {price.value} USD/h", price)


def plan(data: dict, offer: Offer, only: set[str] | None, allow: set[str], force: bool) -> list[Decision]:
    """One decision per AWS instance in pricing.json (or per ``only`` instance)."""
    instances = data["instances"]
    unknown = sorted((only or set()) - set(instances)) + sorted(allow - set(instances))
    if unknown:
        raise OfferError(f"not an instance in pricing.json: {', '.join(unknown)}")
    decisions = []
    for name, entry in instances.items():
        if entry["provider"] != "aws" or (only is not None and name not in only):
            continue
        decisions.append(decide(name, entry["on_demand"], offer.prices.get(name, []), force or name in allow))
    return decisions


# --- writing --------------------------------------------------------------------------------


def _as_of(given: str | None, offer: Offer) -> str:
    if given:
        try:
            dt.date.fromisoformat(given)
        except ValueError:
            raise OfferError(f"--as-of must be YYYY-MM-DD: {given!r}") from None
        return given
    if offer.publication_date:
        return offer.publication_date[:10]
    raise OfferError("the offer has no publicationDate: give --as-of YYYY-MM-DD")


def apply(data: dict, decisions: list[Decision], as_of: str, offer: Offer, offer_location: str, bump_snapshot: bool) -> dict:
    """Return a copy of ``data`` with the appended observations and the source added if absent."""
    updated = json.loads(json.dumps(data))
    version = f", offer version {offer.version}" if offer.version else ""
    for decision in decisions:
        if decision.action != "append":
            continue
        price = decision.price
        updated["instances"][decision.instance]["on_demand"]["observations"].append({
            "value": price.value,
            "region": price.region,
            "source": SOURCE_ID,
            "as_of": as_of,
            "note": f"On-demand Linux, shared tenancy, SKU {price.sku}{version}",
        })
    if any(decision.action == "append" for decision in decisions) and SOURCE_ID not in updated["sources"]:
        entry = dict(SOURCE_ENTRY)
        if offer_location.startswith(("http://", "https://")):
            entry["url"] = offer_location
        entry["accessed"] = as_of if len(as_of) == 10 else dt.date.today().isoformat()
        updated["sources"][SOURCE_ID] = entry
    if bump_snapshot and as_of > updated["snapshot_date"]:
        updated["snapshot_date"] = as_of
    return updated


def write_validated(data: dict, path: Path) -> None:
    """Write ``data`` beside ``path``, validate it with the package's loader, then replace ``path``."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_pricing(temporary)
        except PricingError as error:
            raise OfferError(f"the updated file would not be valid, nothing written:\n{error}") from None
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offer", required=True, help="bulk offer file or GetProducts response: a path or an http(s) URL")
    parser.add_argument("--pricing", type=Path, default=ROOT / "pricing.json", help="pricing.json to update")
    parser.add_argument("--region", default="us-east-1", help="AWS region code to read (default us-east-1)")
    parser.add_argument("--as-of", help="date of the new observations (default: the offer's publicationDate)")
    parser.add_argument("--only", action="append", metavar="ID", help="refresh only this instance (repeatable)")
    parser.add_argument("--allow", action="append", default=[], metavar="ID",
                        help="accept a missing, zero or far-off price for this instance (repeatable)")
    parser.add_argument("--force", action="store_true", help="accept missing, zero and far-off prices for every instance")
    parser.add_argument("--bump-snapshot", action="store_true",
                        help="move snapshot_date forward to the new as_of (otherwise a later as_of is an error)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the import; return the exit status (0 done, 1 refused, 2 error)."""
    args = parse_args(argv)
    try:
        data = json.loads(args.pricing.read_text(encoding="utf-8"))
        offer = parse_offer(read_offer(args.offer), args.region)
        decisions = plan(data, offer, set(args.only) if args.only else None, set(args.allow), args.force)
        as_of = _as_of(args.as_of, offer)
        refused = [d for d in decisions if d.action == "refuse"]
        for decision in decisions:
            older = decision.action == "append" and as_of < _newest(data["instances"][decision.instance]["on_demand"])["as_of"]
            line = f"{decision.action:9} {decision.message}{' (older than the newest: kept as history)' if older else ''}"
            print(line, file=sys.stderr if decision in refused else sys.stdout)
        if refused:
            print(f"refused {len(refused)} instance(s): {args.pricing} not changed", file=sys.stderr)
            return 1
        updated = apply(data, decisions, as_of, offer, args.offer, args.bump_snapshot)
        if as_of > updated["snapshot_date"]:
            raise OfferError(f"as_of {as_of} is after snapshot_date {updated['snapshot_date']}: "
                               "pass --bump-snapshot, or an earlier --as-of")
        if updated == data:
            print("nothing to change")
            return 0
        if args.dry_run:
            print("dry run: nothing written")
            return 0
        write_validated(updated, args.pricing)
        appended = sum(d.action == "append" for d in decisions)
        print(f"wrote {args.pricing}: {appended} observation(s) appended")
        return 0
    except (OfferError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
