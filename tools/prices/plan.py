"""Turn one catalog into changes to pricing.json: refreshed prices of known instances, and new instances.

:func:`plan_catalog` is the whole step: match the catalog's provider, group its rows, decide
each known instance's on-demand and spot price with the guards, and build the entries of the
instances asked for with ``--add`` (or every GPU instance with ``--add-all``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import guards, matching
from .catalog import Catalog


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    only: frozenset[str] | None = None
    allow: frozenset[str] = frozenset()
    force: bool = False
    add: frozenset[str] = frozenset()
    add_all: bool = False
    regions: tuple[str, ...] = ()


@dataclass
class Change:
    """One decision and, when it writes, the observation (and for a new instance, its entry)."""

    decision: guards.Decision
    key: str
    region: str = ""
    observation: dict | None = None
    entry: dict | None = None


@dataclass
class Plan:
    """What one catalog does to the file: changes, plus notices (unknown GPUs and the like)."""

    catalog: Catalog
    provider: str
    source: str
    as_of: str
    changes: list[Change] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Change]:
        """The changes the guards refused."""
        return [change for change in self.changes if change.decision.action == "refuse"]


def _quantity(unit: str, value: float, source: str, as_of: str, region: str = "global", **extra) -> dict:
    obs = {"value": value, "region": region, "source": source, "as_of": as_of}
    obs.update({key: val for key, val in extra.items() if val not in (None, "")})
    return {"unit": unit, "observations": [obs]}


def _count(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def observation(offer: matching.Offer, field_name: str, source: str, as_of: str, catalog: Catalog) -> dict:
    """The observation one offer gives a price field.

    >>> from prices.catalog import Row
    >>> offer = matching.summarise("g5.xlarge", "us-east-1", [Row("g5.xlarge", "us-east-1", "a", 1.006, 0.40),
    ...                                                       Row("g5.xlarge", "us-east-1", "b", 1.006, 0.42)])
    >>> observation(offer, "spot", "src", "2026-11-20", Catalog("skypilot", "aws", [], "f"))
    {'value': 0.41, 'region': 'us-east-1', 'source': 'src', 'as_of': '2026-11-20', 'low': 0.4, 'high': 0.42, 'note': 'midpoint of the lowest-highest spot price over 2 zone rows'}
    """
    rows = len(offer.rows)
    where = f"{rows} zone rows" if rows > 1 else "1 row"
    tail = f"; {offer.note}" if offer.note else ""
    if field_name == "spot":
        obs = {"value": offer.spot, "region": offer.region, "source": source, "as_of": as_of}
        if offer.spot_low != offer.spot_high:
            obs.update(low=offer.spot_low, high=offer.spot_high,
                       note=f"midpoint of the lowest-highest spot price over {where}{tail}")
        else:
            obs["note"] = f"spot price of {where}{tail}"
        return obs
    detail = offer.sample.detail
    version = f", offer version {catalog.version}" if catalog.name == "aws-price-list" and catalog.version else ""
    note = f"On-demand Linux, shared tenancy, {detail}{version}" if catalog.name == "aws-price-list" else \
        f"on-demand price of {where}" + (f" ({detail})" if detail else "")
    return {"value": offer.on_demand[0], "region": offer.region, "source": source, "as_of": as_of, "note": note + tail}


def _already(quantity: dict | None, obs: dict | None) -> bool:
    if quantity is None or obs is None:
        return False
    return any(old.get("source") == obs["source"] and old.get("as_of") == obs["as_of"] and old.get("value") == obs["value"]
               for old in quantity["observations"])


def _decide_prices(plan: Plan, key: str, entry: dict | None, offer: matching.Offer | None, allowed: bool) -> None:
    """Append the on-demand and spot decisions of one instance to the plan."""
    for field_name in guards.FIELDS:
        quantity = entry.get(field_name) if entry else None
        if offer is None:
            found: tuple[float, ...] = ()
        elif field_name == "on_demand":
            found = offer.on_demand
        else:
            found = (offer.spot,) if offer.spot is not None else ()
        obs = observation(offer, field_name, plan.source, plan.as_of, plan.catalog) if len(found) == 1 else None
        decision = guards.decide(key, field_name, quantity, found, allowed, _already(quantity, obs), plan.as_of)
        if decision.action == "skip" and quantity is None:
            continue  # no spot price to keep and none offered: nothing to say
        plan.changes.append(Change(decision, key, offer.region if offer else "", obs if decision.writes else None))


def new_entry(data: dict, provider: str, instance_type: str, key: str, gpu: str | None, offer: matching.Offer,
              source: str, as_of: str) -> dict:
    """The skeleton of a new instance: label, provider, GPU, counts and sizes (prices are added as changes).

    >>> from prices.catalog import Row
    >>> data = {"providers": {"aws": {"label": "Amazon Web Services"}}, "gpus": {"L40S": {"label": "NVIDIA L40S"}}}
    >>> offer = matching.summarise("g6e.xlarge", "us-east-1", [Row("g6e.xlarge", "us-east-1", on_demand=1.861,
    ...                             gpu_name="L40S", gpu_count=1.0, vcpus=4.0, memory_gib=32.0)])
    >>> entry = new_entry(data, "aws", "g6e.xlarge", "g6e.xlarge", "L40S", offer, "src", "2026-11-20")
    >>> entry["label"], entry["gpu_count"]["observations"][0]["value"], entry["vcpus"]["unit"]
    ('Amazon Web Services g6e.xlarge (1× NVIDIA L40S)', 1, 'count')
    """
    sample = offer.sample
    provider_label = data["providers"].get(provider, {}).get("label", provider)
    count = _count(sample.gpu_count or 0)
    what = f"{count}× {data['gpus'][gpu]['label']}" if gpu else "no GPU"
    entry: dict = {"label": f"{provider_label} {instance_type} ({what})", "provider": provider, "gpu": gpu}
    if key != instance_type:
        entry["instance_type"] = instance_type
    entry["gpu_count"] = _quantity("count", count, source, as_of)
    if sample.vcpus:
        entry["vcpus"] = _quantity("count", _count(sample.vcpus), source, as_of)
    if sample.memory_gib:
        entry["memory"] = _quantity("GiB", _count(sample.memory_gib), source, as_of)
    return entry


def plan_catalog(data: dict, catalog: Catalog, source: str, as_of: str, options: Options) -> Plan:
    """Every change one catalog makes to ``data`` (which is not modified)."""
    provider = matching.provider_key(data, catalog.provider, catalog.name)
    plan = Plan(catalog, provider, source, as_of)
    grouped = matching.group_rows(catalog.rows)
    preferred = matching.preferred_regions(data, provider, list(options.regions))
    known = matching.known_instances(data, provider)
    for instance_type, key in known.items():
        entry = data["instances"][key]
        if options.only is not None and key not in options.only:
            continue
        if entry.get("retired") and instance_type not in grouped:
            continue
        offer = matching.choose_offer(instance_type, grouped[instance_type], preferred) if instance_type in grouped else None
        _decide_prices(plan, key, entry, offer, options.force or key in options.allow)
    wanted = set(grouped) - set(known) if options.add_all else {name for name in options.add if name in grouped}
    missing = sorted(name for name in options.add if name not in grouped and name not in known)
    plan.notices += [f"--add {name}: not in this catalog" for name in missing]
    for instance_type in sorted(wanted):
        offer = matching.choose_offer(instance_type, grouped[instance_type], preferred)
        sample = offer.sample
        explicit = instance_type in options.add
        if not sample.gpu_name and not explicit:
            continue
        gpu, problem = matching.resolve_gpu(data, sample) if sample.gpu_name else (None, "")
        if problem:
            message = f"{instance_type}: {problem}"
            if explicit:
                plan.changes.append(Change(guards.Decision(instance_type, "on_demand", "refuse", message), instance_type))
            else:
                plan.notices.append(f"not added: {message}")
            continue
        key = matching.new_instance_key(data, provider, instance_type)
        before = len(plan.changes)
        _decide_prices(plan, key, None, offer, options.force or key in options.allow or instance_type in options.allow)
        created = [change for change in plan.changes[before:] if change.decision.field == "on_demand" and change.decision.writes]
        if created:
            created[0].entry = new_entry(data, provider, instance_type, key, gpu, offer, source, as_of)
        elif not any(change.decision.action == "refuse" for change in plan.changes[before:]):
            del plan.changes[before:]
            plan.notices.append(f"not added: {instance_type} has no usable on-demand price in {offer.region}")
    return plan
