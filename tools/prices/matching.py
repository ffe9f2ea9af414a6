"""From catalog names to pricing.json keys, and from a catalog's rows to one price per instance.

Everything here reads its mapping from pricing.json, so a new provider, GPU or instance needs
a data change, not a code change:

* a catalog's cloud is a provider whose key equals it, or whose ``catalog_names`` maps the
  format to it (``"lambda": {"catalog_names": {"gpuhunt": "lambdalabs"}}``);
* a catalog's accelerator name is a GPU whose key or one of whose ``aliases`` equals it (case
  and spacing ignored); when several GPUs share an alias (A100 40 GB and 80 GB), the row's GPU
  memory picks the one whose ``memory`` is within 8%, and a row without GPU memory goes to the
  entry that lists the name first among its aliases;
* a catalog instance type is the instance of that provider whose ``instance_type`` (or key)
  equals it;
* the region read is the first of the provider's ``catalog_regions`` (or ``--region``) that
  sells the instance, else the region with the cheapest on-demand price.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .catalog import CatalogError, Row

MEMORY_TOLERANCE = 0.08


def _norm(name: str) -> str:
    """Compare names without case, spaces, dashes or underscores.

    >>> _norm("A100-80GB") == _norm("a100 80gb")
    True
    """
    return re.sub(r"[\s_\-]+", "", name).lower()


def provider_key(data: dict, catalog_provider: str | None, fmt: str) -> str:
    """The key of /providers a catalog's cloud name stands for.

    >>> data = {"providers": {"aws": {"label": "AWS"}, "lambda": {"label": "Lambda", "catalog_names": {"gpuhunt": "lambdalabs"}}}}
    >>> provider_key(data, "lambdalabs", "gpuhunt"), provider_key(data, "aws", "skypilot")
    ('lambda', 'aws')
    >>> try:
    ...     provider_key(data, "vastai", "gpuhunt")
    ... except CatalogError as error:
    ...     print(error)
    the gpuhunt catalog's provider 'vastai' is not a key of /providers nor in any provider's catalog_names.gpuhunt: add it to pricing.json
    """
    if not catalog_provider:
        raise CatalogError("cannot tell which provider the catalog prices: pass --provider NAME (e.g. aws, gcp, lambda)")
    providers = data["providers"]
    for key, entry in providers.items():
        if entry.get("catalog_names", {}).get(fmt) == catalog_provider:
            return key
    if catalog_provider in providers:
        return catalog_provider
    raise CatalogError(f"the {fmt} catalog's provider {catalog_provider!r} is not a key of /providers nor in any "
                       f"provider's catalog_names.{fmt}: add it to pricing.json")


def _memory_of(entry: dict) -> float | None:
    observations = entry.get("memory", {}).get("observations") or []
    return sorted(observations, key=lambda obs: obs["as_of"])[-1]["value"] if observations else None  # noqa: FURB192 (last of the newest date)


def gpu_key(data: dict, name: str | None, readings: Iterable[float] = ()) -> tuple[str | None, str]:
    """The /gpus key for a catalog accelerator name, or (None, why not).

    >>> gpus = {"A100-40GB": {"aliases": ["A100"], "memory": {"observations": [{"value": 40, "as_of": "2020"}]}},
    ...         "A100-80GB": {"aliases": ["A100-80GB", "A100"], "memory": {"observations": [{"value": 80, "as_of": "2020"}]}}}
    >>> gpu_key({"gpus": gpus}, "A100", [80.0]), gpu_key({"gpus": gpus}, "a100-80gb")
    (('A100-80GB', ''), ('A100-80GB', ''))
    >>> gpu_key({"gpus": gpus}, "A100")
    ('A100-40GB', '')
    >>> gpus["A100-80GB"]["aliases"] = ["A100"]
    >>> gpu_key({"gpus": gpus}, "A100")[1]
    "catalog GPU 'A100' matches several /gpus entries (A100-40GB, A100-80GB) and the row gives no GPU memory to choose (list it first in one entry's aliases to make that the default)"
    >>> gpu_key({"gpus": gpus}, "GH200", [96.0])[1]
    "catalog GPU 'GH200' (96 GiB) is not a key or alias of any /gpus entry: add it to a GPU's aliases in pricing.json"
    """
    if not name:
        return None, "the row names no accelerator"
    wanted = _norm(name)
    candidates = [key for key, entry in data["gpus"].items()
                  if _norm(key) == wanted or any(_norm(alias) == wanted for alias in entry.get("aliases", ()))]
    readings = [reading for reading in readings if reading]
    shown = f" ({readings[0]:g} GiB)" if readings else ""
    if not candidates:
        return None, (f"catalog GPU {name!r}{shown} is not a key or alias of any /gpus entry: "
                      "add it to a GPU's aliases in pricing.json")
    if len(candidates) == 1:
        return candidates[0], ""
    if not readings:
        first = [key for key in candidates if _norm((data["gpus"][key].get("aliases") or [key])[0]) == wanted]
        if len(first) == 1:
            return first[0], ""
        return None, (f"catalog GPU {name!r} matches several /gpus entries ({', '.join(candidates)}) "
                      "and the row gives no GPU memory to choose (list it first in one entry's aliases to make that the default)")
    fitting = [key for key in candidates
               if (memory := _memory_of(data["gpus"][key]))
               and any(abs(reading - memory) <= MEMORY_TOLERANCE * memory for reading in readings)]
    if len(fitting) == 1:
        return fitting[0], ""
    return None, (f"catalog GPU {name!r}{shown} matches {len(fitting) or 'none'} of the /gpus entries "
                  f"{', '.join(candidates)} by memory")


def resolve_gpu(data: dict, row: Row) -> tuple[str | None, str]:
    """The /gpus key of a row: its specific GPU model if that is known, else its accelerator name.

    >>> gpus = {"H100-SXM": {"aliases": ["H100"]}, "H100-PCIe": {"aliases": ["H100 PCIe"]}}
    >>> resolve_gpu({"gpus": gpus}, Row("8x_H100_SECURE", "US", gpu_name="H100", gpu_model="H100 PCIe"))
    ('H100-PCIe', '')
    >>> resolve_gpu({"gpus": gpus}, Row("p5.48xlarge", "us-east-1", gpu_name="H100", gpu_model="NVIDIA H100 80GB"))
    ('H100-SXM', '')
    """
    if row.gpu_model and _norm(row.gpu_model) != _norm(row.gpu_name or ""):
        key, _ = gpu_key(data, row.gpu_model, row.gpu_memory)
        if key:
            return key, ""
    return gpu_key(data, row.gpu_name, row.gpu_memory)


def catalog_name(key: str, entry: dict) -> str:
    """The provider's own name of an instance: ``instance_type`` when set, else the key.

    >>> catalog_name("lambda-1x-a10", {"instance_type": "gpu_1x_a10"}), catalog_name("g5.xlarge", {})
    ('gpu_1x_a10', 'g5.xlarge')
    """
    return entry.get("instance_type") or key


def known_instances(data: dict, provider: str) -> dict[str, str]:
    """Catalog instance type -> pricing.json key, for one provider's instances.

    >>> known_instances({"instances": {"lambda-1x-a10": {"provider": "lambda", "instance_type": "gpu_1x_a10"},
    ...                                "g5.xlarge": {"provider": "aws"}}}, "lambda")
    {'gpu_1x_a10': 'lambda-1x-a10'}
    """
    return {catalog_name(key, entry): key for key, entry in data["instances"].items() if entry["provider"] == provider}


def new_instance_key(data: dict, provider: str, instance_type: str) -> str:
    """The key a new instance gets: the provider's own name, prefixed with the provider if taken.

    >>> new_instance_key({"instances": {"gpu_1x_a10": {}}}, "lambda", "gpu_1x_h100"), new_instance_key({"instances": {"gpu_1x_a10": {}}}, "vast", "gpu_1x_a10")
    ('gpu_1x_h100', 'vast-gpu_1x_a10')
    """
    return instance_type if instance_type not in data["instances"] else f"{provider}-{instance_type}"


@dataclass(frozen=True)
class Offer:
    """One instance type's prices in the region chosen for it.

    ``on_demand`` lists the distinct on-demand prices of the region's rows (one, normally);
    spot is summarised over the zones: ``spot`` is the midpoint of ``spot_low``-``spot_high``.
    """

    instance: str
    region: str
    rows: tuple[Row, ...]
    on_demand: tuple[float, ...]
    spot: float | None
    spot_low: float | None
    spot_high: float | None
    note: str = ""

    @property
    def sample(self) -> Row:
        """A row of the group, for its GPU and size columns."""
        return self.rows[0]


def group_rows(rows: Iterable[Row]) -> dict[str, dict[str, list[Row]]]:
    """Rows by instance type, then region.

    >>> grouped = group_rows([Row("a", "r1"), Row("a", "r2"), Row("b", "r1")])
    >>> {name: sorted(regions) for name, regions in grouped.items()}
    {'a': ['r1', 'r2'], 'b': ['r1']}
    """
    grouped: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.instance][row.region].append(row)
    return grouped


def summarise(instance: str, region: str, rows: list[Row], note: str = "") -> Offer:
    """One Offer from the rows of one instance type in one region.

    >>> offer = summarise("g5.xlarge", "us-east-1", [Row("g5.xlarge", "us-east-1", "a", 1.006, 0.40),
    ...                                               Row("g5.xlarge", "us-east-1", "b", 1.006, 0.42)])
    >>> offer.on_demand, offer.spot, offer.spot_low, offer.spot_high
    ((1.006,), 0.41, 0.4, 0.42)
    """
    on_demand = tuple(sorted({row.on_demand for row in rows if row.on_demand is not None}))
    spots = [row.spot for row in rows if row.spot]
    low, high = (min(spots), max(spots)) if spots else (None, None)
    spot = None if low is None else round((low + high) / 2, 6)
    return Offer(instance, region, tuple(rows), on_demand, spot, low, high, note)


def choose_offer(instance: str, by_region: dict[str, list[Row]], preferred: list[str]) -> Offer:
    """The Offer of the first preferred region that sells the instance, else of the cheapest region.

    >>> rows = {"us-west-2": [Row("x", "us-west-2", on_demand=2.0)], "us-east-2": [Row("x", "us-east-2", on_demand=1.5)]}
    >>> choose_offer("x", rows, ["us-east-1", "us-west-2"]).region
    'us-west-2'
    >>> offer = choose_offer("x", rows, ["eu-west-1"]); offer.region, offer.note
    ('us-east-2', 'not sold in eu-west-1; cheapest on-demand region of the catalog')
    """
    for region in preferred:
        if region in by_region and any(row.on_demand is not None for row in by_region[region]):
            return summarise(instance, region, by_region[region])
    priced = {region: min(row.on_demand for row in rows if row.on_demand is not None)
              for region, rows in by_region.items() if any(row.on_demand is not None for row in rows)}
    if not priced:
        region = min(by_region)
        return summarise(instance, region, by_region[region], "no on-demand price in any region")
    region = min(sorted(priced), key=priced.get)
    note = f"not sold in {', '.join(preferred)}; cheapest on-demand region of the catalog" if preferred else \
        "cheapest on-demand region of the catalog"
    return summarise(instance, region, by_region[region], note)


def preferred_regions(data: dict, provider: str, override: list[str] | None) -> list[str]:
    """``--region`` values if given, else the provider's ``catalog_regions``.

    >>> preferred_regions({"providers": {"aws": {"catalog_regions": ["us-east-1"]}}}, "aws", None)
    ['us-east-1']
    """
    if override:
        return list(override)
    return list(data["providers"].get(provider, {}).get("catalog_regions", []))
