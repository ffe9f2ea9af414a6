"""The shape every catalog reader produces, format detection, and catalog metadata.

A catalog file is turned into a :class:`Catalog`: which catalog it is (name, the provider it
prices, version, commit, date) and its :class:`Row` objects, one per (instance type, region,
zone) with an on-demand and a spot price where the file has them.

The *date* is the catalog version's date (the offer's publication date, the commit date of a
SkyPilot file, the day a gpuhunt version was built), never the day the file was read. A catalog
with no date cannot be imported: :func:`require_date` asks for ``--as-of``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


class CatalogError(RuntimeError):
    """A problem with a catalog, the options or the result: printed on one line, exit 2."""


@dataclass(frozen=True)
class Row:
    """One instance type in one region (and zone) of a catalog.

    ``gpu_memory`` holds the per-GPU memory readings (GiB) the row supports; a row can give two
    when its format is ambiguous (per GPU or in total), and the GPU match accepts either.
    ``gpu_model`` is a more specific GPU name when the format has one (SkyPilot's GpuInfo
    ``Name``, e.g. ``H100 PCIe`` where the accelerator column says ``H100``).

    >>> Row("p5.48xlarge", "us-east-1", on_demand=55.04, gpu_name="H100", gpu_count=8).gpu_count
    8
    """

    instance: str
    region: str
    zone: str = ""
    on_demand: float | None = None
    spot: float | None = None
    gpu_name: str | None = None
    gpu_count: float | None = None
    gpu_memory: tuple[float, ...] = ()
    gpu_model: str | None = None
    vcpus: float | None = None
    memory_gib: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class Catalog:
    """A parsed catalog file and where it came from.

    ``name`` is the catalog (``skypilot``, ``gpuhunt``, ``aws-price-list``), ``provider`` the
    catalog's own name for the cloud (``aws``, ``lambda``, ``lambdalabs``, ...), ``version`` the
    catalog's version (``v8``, a gpuhunt build, an offer version), ``date`` YYYY-MM-DD or None.
    """

    name: str
    provider: str | None
    rows: list[Row]
    location: str
    version: str | None = None
    commit: str | None = None
    date: str | None = None
    repo: str | None = None
    path: str | None = None
    url: str | None = None
    extra: dict = field(default_factory=dict)

    def with_metadata(self, **values: Any) -> Catalog:
        """Return a copy with the given metadata fields set (None values are ignored).

        >>> Catalog("skypilot", None, [], "x.csv").with_metadata(provider="aws", date=None).provider
        'aws'
        """
        return replace(self, **{key: value for key, value in values.items() if value is not None})

    @property
    def label(self) -> str:
        """A short human description.

        >>> Catalog("skypilot", "aws", [], "f", version="v8", commit="0123456789", date="2026-11-20").label
        'skypilot v8 aws (commit 0123456, 2026-11-20)'
        """
        parts = [self.name, self.version or "", self.provider or ""]
        where = [f"commit {self.commit[:7]}"] if self.commit else []
        where += [self.date] if self.date else []
        tail = f" ({', '.join(where)})" if where else ""
        return " ".join(part for part in parts if part) + tail


FORMATS = ("aws-price-list", "skypilot", "gpuhunt")

SKYPILOT_COLUMNS = {"InstanceType", "AcceleratorName", "AcceleratorCount", "Price", "Region"}
GPUHUNT_COLUMNS = {"instance_name", "location", "price", "gpu_count", "spot"}


def detect_format(text: str) -> str:
    """Tell a catalog's format from its first bytes: JSON is an AWS offer, a CSV header tells the rest.

    >>> detect_format('{"formatVersion": "v1.0", "products": {}}')
    'aws-price-list'
    >>> detect_format("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region\\n")
    'skypilot'
    >>> detect_format("instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot\\n")
    'gpuhunt'
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "aws-price-list"
    header = set(next(csv.reader(io.StringIO(stripped)), []))
    if SKYPILOT_COLUMNS <= header:
        return "skypilot"
    if GPUHUNT_COLUMNS <= header:
        return "gpuhunt"
    shown = ",".join(sorted(header))[:120]
    raise CatalogError(f"cannot tell the catalog format from its header ({shown}): pass --format {{{','.join(FORMATS)}}}")


def parse_number(text: str | None) -> float | None:
    """A CSV cell as a number, or None when empty or not a number.

    >>> parse_number("3.912"), parse_number(""), parse_number("nan")
    (3.912, None, None)
    """
    if text is None or not str(text).strip():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value  # NaN is not a price


def iso_date(text: str | None) -> str | None:
    """The YYYY-MM-DD date at the start of a date, a timestamp or a YYYYMMDD version, else None.

    >>> iso_date("2026-11-01T00:00:00Z"), iso_date("20240508"), iso_date("20240508-1"), iso_date("v8")
    ('2026-11-01', '2024-05-08', '2024-05-08', None)
    """
    if not text:
        return None
    match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", str(text).strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def require_date(catalog: Catalog, as_of: str | None) -> str:
    """The date of the catalog's observations: ``--as-of`` if given, else the catalog's own date.

    >>> require_date(Catalog("skypilot", "aws", [], "vms.csv", date="2026-11-20"), None)
    '2026-11-20'
    >>> try:
    ...     require_date(Catalog("skypilot", "aws", [], "vms.csv"), None)
    ... except CatalogError as error:
    ...     print(error)
    vms.csv: the catalog has no date (no publicationDate, version date or commit date in its metadata): pass --as-of YYYY-MM-DD, the date of this catalog version (not today's date)
    """
    if as_of:
        if iso_date(as_of) != as_of:
            raise CatalogError(f"--as-of must be YYYY-MM-DD: {as_of!r}")
        return as_of
    if catalog.date:
        return catalog.date
    raise CatalogError(f"{catalog.location}: the catalog has no date (no publicationDate, version date or commit date "
                       "in its metadata): pass --as-of YYYY-MM-DD, the date of this catalog version (not today's date)")


# --- metadata kept beside a catalog file ------------------------------------------------------------


def sidecar_metadata(location: str) -> dict:
    """Metadata for a local catalog file from a ``sources.json`` in the same directory, if any.

    ``sources.json`` maps file names to ``{"repo", "path", "commit", "date", "url", "version",
    "provider", "format"}`` (any subset). A list of such objects, each with ``file``, also works,
    as does ``{"files": {...}}``.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> _ = Path(folder, "sources.json").write_text('{"aws.csv": {"commit": "abc", "date": "2026-11-20"}}')
    >>> sidecar_metadata(os.path.join(folder, "aws.csv"))["date"]
    '2026-11-20'
    """
    if location.startswith(("http://", "https://")):
        return {}
    path = Path(location)
    index = path.parent / "sources.json"
    if not index.is_file():
        return {}
    try:
        document = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogError(f"{index} is not readable JSON: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("files"), (dict, list)):
        document = document["files"]
    if isinstance(document, dict):
        entry = document.get(path.name)
    else:
        entry = next((item for item in document if isinstance(item, dict) and item.get("file") == path.name), None)
    return dict(entry) if isinstance(entry, dict) else {}


def metadata_fields(meta: dict) -> dict:
    """The Catalog fields a metadata entry provides (unknown keys are ignored).

    >>> metadata_fields({"repo": "skypilot-org/skypilot-catalog", "path": "catalogs/v8/aws/vms.csv",
    ...                  "commit": "abc", "commit_date": "2026-11-20T04:00:00Z"})["date"]
    '2026-11-20'
    >>> metadata_fields({"path": "catalogs/v8/aws/vms.csv"})["version"], metadata_fields({"path": "catalogs/v8/aws/vms.csv"})["provider"]
    ('v8', 'aws')
    """
    date = None
    for key in ("date", "commit_date", "published", "as_of", "version_date"):
        date = date or iso_date(meta.get(key))
    path = meta.get("path")
    version, provider = meta.get("version"), meta.get("provider") or meta.get("cloud")
    match = re.search(r"catalogs/(v\d+)/([^/]+)/", path or "")
    if match:
        version = version or match.group(1)
        provider = provider or match.group(2)
    url = meta.get("url")
    if not url and meta.get("repo") and path:
        url = f"https://github.com/{meta['repo']}/blob/{meta.get('commit') or 'master'}/{path}"
    extra = {key: meta[key] for key in ("date_basis", "date_window") if meta.get(key)}
    return {"date": date, "commit": meta.get("commit"), "repo": meta.get("repo"), "path": path,
            "version": version, "provider": provider, "url": url, "extra": extra or None}
