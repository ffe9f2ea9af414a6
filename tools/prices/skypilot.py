"""Reader for SkyPilot catalog CSVs (``catalogs/v<N>/<cloud>/vms.csv`` in skypilot-org/skypilot-catalog).

Columns (order varies by cloud): InstanceType, AcceleratorName, AcceleratorCount, vCPUs,
MemoryGiB, Price, Region, GpuInfo, SpotPrice, and for some clouds AvailabilityZone and Arch.
One row per instance type and zone (or region). What the real files show, and how it is read:

* ``GpuInfo`` is a Python literal: ``{'Gpus': [{'Name', 'Count', 'MemoryInfo': {'SizeInMiB'}}],
  'TotalGpuMemoryInMiB'}``. ``SizeInMiB`` is per GPU on AWS and Lambda but the total on Vast,
  and RunPod writes gigabytes there (``80`` for an 80 GB card): the row offers both the per-GPU
  and the divided reading, and a value under 1024 is read as GB.
* ``SpotPrice`` is empty where spot is not sold; Vast writes ``0.00`` for "no spot", and RunPod
  (every row) and Azure's H100 rows copy the on-demand price into it, so a zero spot price, or one
  equal to the row's on-demand price, is read as "not sold" (AWS rows where spot equals on-demand
  are zones without spot capacity). A zero on-demand price is kept, for the guards to refuse.
* ``GpuInfo``'s ``Name`` is kept as the GPU model when it is more specific than AcceleratorName
  (RunPod: ``H100 PCIe``, ``H100 NVL``, ``A100 SXM``).
* GCP prices accelerators on rows of their own: a GPU row has no InstanceType (AcceleratorName,
  AcceleratorCount, the GPUs' price), and the A2/A3/A4/G2 host VM row (a2-highgpu-1g, ...) has
  no accelerator and prices only its CPUs and memory. :func:`combine_gcp` joins them into one
  row per accelerator-optimized machine type: host price + the price of its fixed GPUs in the
  same zone, the way SkyPilot itself prices such a VM. N1 hosts with attachable GPUs have no
  fixed GPU and are left out.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import replace

from .catalog import Catalog, Row, parse_number

NAME = "skypilot"
TITLE = "SkyPilot catalog"


def gpu_model(gpu_info: str) -> str | None:
    """The GPU name inside a GpuInfo cell, if it has one.

    >>> gpu_model("{'Gpus': [{'Name': 'H100 PCIe', 'Count': 1}]}"), gpu_model("H100")
    ('H100 PCIe', None)
    """
    try:
        info = ast.literal_eval(gpu_info) if gpu_info else None
    except (ValueError, SyntaxError):
        return None
    if isinstance(info, dict) and info.get("Gpus") and isinstance(info["Gpus"][0], dict):
        name = info["Gpus"][0].get("Name")
        return str(name) if name else None
    return None


def clean_spot(row: Row) -> Row:
    """Drop a spot price that means "not sold": zero, or a copy of the on-demand price.

    >>> clean_spot(Row("x", "r", on_demand=1.39, spot=1.39)).spot, clean_spot(Row("x", "r", on_demand=2.0, spot=0.0)).spot
    (None, None)
    >>> clean_spot(Row("x", "r", on_demand=2.0, spot=0.5)).spot
    0.5
    """
    if row.spot is None or (row.spot > 0 and row.spot != row.on_demand):
        return row
    return replace(row, spot=None)


def gpu_memory_readings(gpu_info: str, count: float | None) -> tuple[float, ...]:
    """The per-GPU memory (GiB) a GpuInfo cell supports: as written, and divided by the count.

    >>> gpu_memory_readings("{'Gpus': [{'Name': 'T4', 'Count': 4, 'MemoryInfo': {'SizeInMiB': 16384}}]}", 4)
    (16.0, 4.0)
    >>> gpu_memory_readings("{'Gpus': [{'Name': 'A100 PCIe', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 80}}]}", 1)
    (80.0,)
    >>> gpu_memory_readings("H100", 8)
    ()
    """
    try:
        info = ast.literal_eval(gpu_info) if gpu_info else None
    except (ValueError, SyntaxError):
        return ()
    if not isinstance(info, dict) or not info.get("Gpus"):
        return ()
    first = info["Gpus"][0] if isinstance(info["Gpus"][0], dict) else {}
    size = parse_number(str(first.get("MemoryInfo", {}).get("SizeInMiB", "")))
    if not size:
        return ()
    gib = size if size < 1024 else size / 1024  # RunPod writes GB in the MiB field
    readings = [round(gib, 3)]
    if count and count > 1:
        readings.append(round(gib / count, 3))
    return tuple(dict.fromkeys(readings))


def read_rows(text: str) -> list[dict]:
    """The CSV rows as dicts (a byte-order mark and blank lines are ignored).

    >>> read_rows("InstanceType,Price\\nx,1\\n\\n")
    [{'InstanceType': 'x', 'Price': '1'}]
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [row for row in reader if any((value or "").strip() for value in row.values())]


def to_row(cells: dict) -> Row:
    """One CSV row as a Row, prices as written (see :func:`clean_spot`).

    >>> to_row({"InstanceType": "g5.xlarge", "AcceleratorName": "A10G", "AcceleratorCount": "1.0",
    ...         "Price": "1.006", "SpotPrice": "0.41", "Region": "us-east-1", "AvailabilityZone": "use1-az1"})
    Row(instance='g5.xlarge', region='us-east-1', zone='use1-az1', on_demand=1.006, spot=0.41, gpu_name='A10G', gpu_count=1.0, gpu_memory=(), gpu_model=None, vcpus=None, memory_gib=None, detail='')
    """
    count = parse_number(cells.get("AcceleratorCount"))
    return Row(
        instance=(cells.get("InstanceType") or "").strip(),
        region=(cells.get("Region") or "").strip(),
        zone=(cells.get("AvailabilityZone") or "").strip(),
        on_demand=parse_number(cells.get("Price")),
        spot=parse_number(cells.get("SpotPrice")),
        gpu_name=(cells.get("AcceleratorName") or "").strip() or None,
        gpu_count=count,
        gpu_memory=gpu_memory_readings(cells.get("GpuInfo") or "", count),
        gpu_model=gpu_model(cells.get("GpuInfo") or ""),
        vcpus=parse_number(cells.get("vCPUs")),
        memory_gib=parse_number(cells.get("MemoryGiB")),
    )


# GCP's accelerator-optimized families: (series, kind) -> the catalog's accelerator name.
# The GPU count is the number before the trailing "g" (a3-highgpu-8g: 8).
GCP_FAMILIES = {
    ("a2", "highgpu"): "A100",
    ("a2", "megagpu"): "A100",
    ("a2", "ultragpu"): "A100-80GB",
    ("a3", "highgpu"): "H100",
    ("a3", "edgegpu"): "H100",
    ("a3", "megagpu"): "H100-MEGA",
    ("a3", "ultragpu"): "H200",
    ("a4", "highgpu"): "B200",
}
# G2 machines carry L4s: vCPUs -> GPUs.
GCP_G2_GPUS = {4: 1, 8: 1, 12: 1, 16: 1, 32: 1, 24: 2, 48: 4, 96: 8}


def gcp_fixed_gpus(instance: str) -> tuple[str, int] | None:
    """The accelerator a GCP machine type always carries, as (catalog name, count), else None.

    >>> gcp_fixed_gpus("a3-highgpu-8g"), gcp_fixed_gpus("a2-ultragpu-1g"), gcp_fixed_gpus("g2-standard-48")
    (('H100', 8), ('A100-80GB', 1), ('L4', 4))
    >>> gcp_fixed_gpus("n1-standard-8") is None
    True
    """
    match = re.fullmatch(r"(a\d)-([a-z]+)-(\d+)g", instance)
    if match and (match.group(1), match.group(2)) in GCP_FAMILIES:
        return GCP_FAMILIES[(match.group(1), match.group(2))], int(match.group(3))
    match = re.fullmatch(r"g2-standard-(\d+)", instance)
    if match and int(match.group(1)) in GCP_G2_GPUS:
        return "L4", GCP_G2_GPUS[int(match.group(1))]
    return None


def _add(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else round(first + second, 6)


def combine_gcp(rows: Iterable[Row]) -> list[Row]:
    """Join GCP host-VM rows and GPU-only rows into one row per accelerator-optimized machine.

    Rows that already carry both an instance type and an accelerator are kept as they are.

    >>> host = Row("a3-highgpu-8g", "us-central1", "us-central1-a", on_demand=10.0, spot=3.0)
    >>> gpus = Row("", "us-central1", "us-central1-a", on_demand=80.0, spot=20.0, gpu_name="H100", gpu_count=8)
    >>> [(r.instance, r.on_demand, r.spot, r.gpu_name, r.gpu_count) for r in combine_gcp([host, gpus])]
    [('a3-highgpu-8g', 90.0, 23.0, 'H100', 8)]
    """
    rows = list(rows)
    accelerators = {(row.gpu_name, int(row.gpu_count or 0), row.region, row.zone): row
                    for row in rows if not row.instance and row.gpu_name}
    combined = []
    for row in rows:
        if not row.instance:
            continue
        if row.gpu_name:
            combined.append(row)
            continue
        fixed = gcp_fixed_gpus(row.instance)
        if fixed is None:
            continue
        gpu_row = accelerators.get((fixed[0], fixed[1], row.region, row.zone))
        if gpu_row is None:
            continue
        combined.append(Row(row.instance, row.region, row.zone,
                            on_demand=_add(row.on_demand, gpu_row.on_demand), spot=_add(row.spot, gpu_row.spot),
                            gpu_name=fixed[0], gpu_count=fixed[1], gpu_memory=gpu_row.gpu_memory,
                            vcpus=row.vcpus, memory_gib=row.memory_gib, detail="host VM + GPU rows"))
    return combined


def parse(text: str, location: str, provider: str | None = None) -> Catalog:
    """Read a SkyPilot vms.csv into a Catalog. Host-only rows (no accelerator) stay in, as CPU machines.

    >>> text = ("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice\\n"
    ...         "gpu_1x_a10,A10,1.0,30.0,200.0,0.75,us-east-1,,\\n")
    >>> catalog = parse(text, "lambda/vms.csv", "lambda")
    >>> [(r.instance, r.on_demand, r.spot) for r in catalog.rows]
    [('gpu_1x_a10', 0.75, None)]
    """
    rows = [to_row(cells) for cells in read_rows(text)]
    if any(not row.instance and row.gpu_name for row in rows):
        rows = combine_gcp(rows)
    return Catalog(NAME, provider, [clean_spot(row) for row in rows if row.instance], location)
