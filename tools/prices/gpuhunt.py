"""Reader for dstack's gpuhunt catalog CSV (``<provider>.csv`` inside ``catalog.zip``).

Published at ``https://dstack-gpu-pricing.s3.eu-west-1.amazonaws.com/v3/<provider>/<version>/catalog.zip``,
the latest version named by ``.../v3/<provider>/version``; versions are build dates such as
``20240508``. Columns, as gpuhunt's ``storage.CATALOG_V2_FIELDS`` writes them: instance_name,
location, price, cpu, memory, gpu_count, gpu_name, gpu_memory, spot, disk_size, gpu_vendor,
flags, cpu_arch, provider_data (older files stop after disk_size, gpu_vendor or flags). The
provider is not a column: the file name carries it. On-demand and spot offers are separate rows
(``spot`` True/False); ``price`` is the all-in hourly price (gpuhunt already adds a GCP host's
GPUs); ``memory`` and ``gpu_memory`` (per GPU) are GB; ``location`` is a region or a zone.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from .catalog import Catalog, CatalogError, Row, parse_number

NAME = "gpuhunt"
TITLE = "dstack gpuhunt catalog"


def _is_true(text: str | None) -> bool:
    value = (text or "").strip().lower()
    if value not in ("true", "false"):
        raise CatalogError(f"gpuhunt spot column must be True or False, got {text!r}")
    return value == "true"


def parse(text: str, location: str, provider: str | None = None) -> Catalog:
    """Read a gpuhunt CSV into a Catalog, pairing each on-demand row with the spot row of the same offer.

    >>> text = ("instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size\\n"
    ...         "g6e.xlarge,us-east-1,1.861,4,32,1,L40S,48.0,False,\\n"
    ...         "g6e.xlarge,us-east-1,0.74,4,32,1,L40S,48.0,True,\\n")
    >>> [(r.instance, r.on_demand, r.spot, r.gpu_memory) for r in parse(text, "aws.csv", "aws").rows]
    [('g6e.xlarge', 1.861, 0.74, (48.0,))]
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    offers: dict[tuple, dict] = defaultdict(dict)
    for cells in reader:
        if not (cells.get("instance_name") or "").strip():
            continue
        count = parse_number(cells.get("gpu_count"))
        memory = parse_number(cells.get("gpu_memory"))
        key = (cells["instance_name"].strip(), (cells.get("location") or "").strip(), cells.get("gpu_name") or "",
               count, memory)
        offers[key]["spot" if _is_true(cells.get("spot")) else "on_demand"] = parse_number(cells.get("price"))
        offers[key]["cells"] = cells
    rows = []
    for (instance, where, gpu_name, count, memory), prices in offers.items():
        cells = prices["cells"]
        rows.append(Row(instance, where, on_demand=prices.get("on_demand"), spot=prices.get("spot") or None,
                        gpu_name=gpu_name or None, gpu_count=count or None,
                        gpu_memory=(memory,) if memory else (), vcpus=parse_number(cells.get("cpu")),
                        memory_gib=parse_number(cells.get("memory"))))
    return Catalog(NAME, provider, rows, location)
