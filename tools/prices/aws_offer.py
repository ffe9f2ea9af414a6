"""Reader for the AWS Price List (Amazon EC2 offer): the plain on-demand Linux price per instance type.

Two layouts are read:

* a bulk offer file, e.g.
  https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json
  (``products`` keyed by SKU, ``terms.OnDemand[sku][offerTermCode].priceDimensions[..]
  .pricePerUnit.USD``, ``publicationDate``, ``version``), or
* a saved Query API ``GetProducts`` response (``aws pricing get-products --service-code
  AmazonEC2 ...``): ``PriceList`` is a list of JSON strings, each with ``product`` and ``terms``;
  a JSON list of such pages also works.

Only the Linux, shared-tenancy, no-pre-installed-software, ``Used`` capacity product counts;
the offer has no spot prices. The catalog's date is the offer's ``publicationDate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from .catalog import Catalog, CatalogError, Row, iso_date

NAME = "aws-price-list"
TITLE = "AWS Price List (Amazon EC2 offer): on-demand Linux, shared tenancy, no pre-installed software"

# The one product per instance type and region that is the plain on-demand Linux price.
WANTED = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
# Checked only when the offer carries them (older files do not).
WANTED_IF_PRESENT = {"licenseModel": "No License required", "marketoption": "OnDemand"}


def _price_items(document: Any) -> Iterator[dict]:
    """The items of a Query API response (or a list of pages) as dicts with product and terms."""
    pages = document if isinstance(document, list) else [document]
    for page in pages:
        if not isinstance(page, dict) or "PriceList" not in page:
            raise CatalogError("a GetProducts page has no 'PriceList'")
        for item in page["PriceList"]:
            yield json.loads(item) if isinstance(item, str) else item


def hourly_prices(on_demand_terms: dict) -> list[str]:
    """Every USD hourly price in one SKU's on-demand terms, as text.

    >>> hourly_prices({"T": {"priceDimensions": {"D": {"unit": "Hrs", "pricePerUnit": {"USD": "1.006"}}}}})
    ['1.006']
    """
    found = []
    for term in on_demand_terms.values():
        for dimension in term.get("priceDimensions", {}).values():
            if str(dimension.get("unit", "")).lower() in ("hrs", "hr", "hours") and "USD" in dimension.get("pricePerUnit", {}):
                found.append(dimension["pricePerUnit"]["USD"])
    return found


def is_plain_linux(product: dict) -> bool:
    """Tell whether a product is the plain on-demand Linux compute instance.

    >>> is_plain_linux({"productFamily": "Compute Instance", "attributes": {"operatingSystem": "Linux",
    ...     "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}})
    True
    >>> is_plain_linux({"attributes": {"operatingSystem": "Windows", "tenancy": "Shared"}})
    False
    """
    attributes = product.get("attributes", {})
    if product.get("productFamily", "Compute Instance") != "Compute Instance":
        return False
    if any(attributes.get(key) != value for key, value in WANTED.items()):
        return False
    return not any(key in attributes and attributes[key] != value for key, value in WANTED_IF_PRESENT.items())


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
    raise CatalogError("the offer is neither a bulk offer file ('products', 'terms') nor a GetProducts response ('PriceList')")


def parse(text: str, location: str, default_region: str = "us-east-1") -> Catalog:
    """Read an offer into a Catalog: one row per plain Linux product and hourly price.

    A product without ``regionCode`` (older region files) is taken to be in ``default_region``.

    >>> doc = {"products": {"S1": {"sku": "S1", "productFamily": "Compute Instance", "attributes": {
    ...     "instanceType": "g5.xlarge", "regionCode": "us-east-1", "operatingSystem": "Linux",
    ...     "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}}},
    ...     "terms": {"OnDemand": {"S1": {"S1.JRTCKXETXF": {"priceDimensions": {"S1.JRTCKXETXF.6YS6EN2CT7": {
    ...     "unit": "Hrs", "pricePerUnit": {"USD": "1.0060000000"}}}}}}},
    ...     "publicationDate": "2026-11-01T00:00:00Z", "version": "20261101000000"}
    >>> catalog = parse(json.dumps(doc), "index.json")
    >>> catalog.rows[0].instance, catalog.rows[0].on_demand, catalog.date, catalog.version
    ('g5.xlarge', 1.006, '2026-11-01', '20261101000000')
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(f"offer {location} is not JSON: {error.msg} at line {error.lineno}") from None
    pairs, published, version = _entries(document)
    rows = []
    for product, terms in pairs:
        if not is_plain_linux(product):
            continue
        attributes = product.get("attributes", {})
        instance = attributes.get("instanceType")
        if not instance:
            continue
        for price_text in hourly_prices(terms):
            try:
                value = float(Decimal(price_text).normalize())
            except InvalidOperation:
                raise CatalogError(f"{instance}: price {price_text!r} is not a number") from None
            rows.append(Row(instance, attributes.get("regionCode", default_region), on_demand=value,
                            detail=f"SKU {product.get('sku', '?')}"))
    return Catalog(NAME, "aws", rows, location, version=version, date=iso_date(published),
                   extra={"publicationDate": published})
