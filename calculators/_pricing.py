"""The one loader for pricing.json.

Every price, spec and assumption the site shows lives in pricing.json as a *quantity*:
a unit and a list of dated observations, each naming its source. The newest observation
is the current value; older ones are history (a source note's price in its own year).

A reference names a quantity by JSON pointer, optionally pinned to one source:
``/instances/g5.xlarge/on_demand`` is today's price,
``/instances/g5.xlarge/on_demand@note-aws-dl`` the price the AWS deep-learning note used.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from ._errors import PricingError
from ._schema import _pointer, schema_errors

ENV_VAR = "CALCULATORS_PRICING"
"""Set this to a pricing.json path to make the package (and the site build) read it instead."""


@dataclass(frozen=True)
class Observation:
    """One dated figure from one source."""

    value: float
    region: str
    source: str
    as_of: str
    note: str = ""
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and its history, oldest observation first."""

    pointer: str
    unit: str
    observations: tuple[Observation, ...]
    offer: dict | None = None
    """How the price is sold (pricing.schema.json's ``offer``: kind, term, limits), for an hourly price of a machine."""

    @property
    def current(self) -> Observation:
        """The newest observation (the last of the newest date)."""
        return self.observations[-1]

    @property
    def value(self) -> float:
        """The current value."""
        return self.current.value

    @property
    def anchor(self) -> str:
        """The HTML id of this quantity's row in the pricing reference page.

        >>> Quantity("/instances/p4d.24xlarge/on_demand", "USD/h", ()).anchor
        'instances-p4d-24xlarge-on_demand'
        """
        return re.sub(r"[^a-zA-Z0-9_-]+", "-", self.pointer.strip("/"))

    def from_source(self, source: str) -> Observation:
        """Return the newest observation from ``source``; raise PricingError if there is none."""
        matches = [obs for obs in self.observations if obs.source == source]
        if not matches:
            known = sorted({obs.source for obs in self.observations})
            raise PricingError(f"{self.pointer} has no observation from source {source!r} (it has {known})", self.pointer)
        return matches[-1]


class Pricing:
    """pricing.json, validated, with look-ups by reference.

    >>> pricing = load_pricing()
    >>> pricing.quantity("/instances/g5.xlarge/on_demand").unit
    'USD/h'
    >>> pricing.value("/instances/g5.xlarge/on_demand@note-aws-dl")
    1.0
    """

    def __init__(self, data: dict, origin: str = "<memory>") -> None:
        self.origin = origin
        self.data = data
        errors = list(validation_errors(data))
        if errors:
            shown = "\n  ".join(errors[:20])
            more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
            first = errors[0].split(":", 1)[0]
            raise PricingError(f"{origin} is not valid:\n  {shown}{more}", first)
        self._quantities = dict(_walk_quantities(data))
        self._answers: dict = {}
        """What the :func:`per_pricing` functions have worked out from this file, by function and arguments."""

    @property
    def snapshot_date(self) -> str:
        """The day the file's prices were last checked as a whole."""
        return self.data["snapshot_date"]

    @property
    def sources(self) -> dict[str, dict]:
        """Source id -> {title, url, ...}."""
        return self.data["sources"]

    def section(self, name: str) -> dict[str, dict]:
        """The raw entries of one top-level section, e.g. ``instances``."""
        return self.data[name]

    def quantities(self) -> Iterator[Quantity]:
        """Every quantity in file order."""
        return iter(self._quantities.values())

    def quantity(self, ref: str) -> Quantity:
        """Return the quantity a reference points at (any ``@source`` suffix is ignored)."""
        pointer = ref.split("@", 1)[0] if "@" in ref else ref
        try:
            return self._quantities[pointer]
        except KeyError:
            raise PricingError(f"{pointer} is not a quantity in pricing.json", pointer) from None

    def observation(self, ref: str) -> Observation:
        """Return the observation a reference means: the current one, or the one from ``@source``."""
        quantity = self.quantity(ref)
        if "@" in ref:
            return quantity.from_source(ref.split("@", 1)[1])
        return quantity.current

    def value(self, ref: str) -> float:
        """Return the number a reference means."""
        return self.observation(ref).value

    def has(self, ref: str) -> bool:
        """Tell whether a reference resolves."""
        try:
            self.observation(ref)
        except PricingError:
            return False
        return True


_UNSET = object()


def per_pricing(function):
    """Work a function of a Pricing (and a few more arguments) out once per Pricing object and arguments.

    A Pricing is loaded once and then read on every keystroke, and its figures never change once it is built (its
    quantities are read when it is made), so what follows from it alone (a machine's GPUs, whether an offer is too
    old at an age) is the same each time it is asked. The answers are kept on the Pricing itself: another Pricing
    (a test's edited copy) works out its own, and they go when it goes. Only for a function whose answer depends on
    nothing else, whose arguments take few values (names in pricing.json, an age in months), and whose answer no
    caller changes (a string, a tuple, a frozen dataclass).

    >>> calls = []
    >>> @per_pricing
    ... def gpus(pricing, name):
    ...     calls.append(name)
    ...     return pricing.value(f"/instances/{name}/gpu_count")
    >>> pricing = load_pricing()
    >>> gpus(pricing, "p4d.24xlarge"), gpus(pricing, "p4d.24xlarge"), calls
    (8, 8, ['p4d.24xlarge'])
    """

    def memo(pricing: Pricing, *args, **kwargs):
        key = (memo, args, tuple(kwargs.items())) if kwargs else (memo, args)
        answer = pricing._answers.get(key, _UNSET)
        if answer is _UNSET:
            answer = pricing._answers[key] = function(pricing, *args, **kwargs)
        return answer

    return functools.update_wrapper(memo, function)


def months_between(earlier: str, later: str) -> int:
    """Whole months from one as-of date to another; a partial date counts from its first day.

    >>> months_between("2025-11", "2026-11-23"), months_between("2015", "2026-11-23")
    (12, 142)
    """
    def parts(date: str) -> tuple[int, int]:
        pieces = date.split("-")
        return int(pieces[0]), int(pieces[1]) if len(pieces) > 1 else 1

    (y1, m1), (y2, m2) = parts(earlier), parts(later)
    return (y2 - y1) * 12 + (m2 - m1)


def is_stale(as_of: str, snapshot_date: str, months: int = 12) -> bool:
    """Tell whether a figure is more than ``months`` older than the snapshot (12 by default).

    >>> is_stale("2025-10", "2026-11-23"), is_stale("2026-11", "2026-11-23")
    (True, False)
    """
    return months_between(as_of, snapshot_date) > months


STALE_MONTHS = 12
"""A price more than this many months older than the snapshot is stale: never used as today's."""

OFFER_FIELDS = {"on_demand": ("on_demand", "reservation_only", "marketplace"), "spot": ("spot",),
                "capacity_block": ("capacity_block",), "reserved_1y": ("reserved",), "reserved_3y": ("reserved",)}
"""An instance's hourly prices, each with the offer kinds it may hold."""

RENTED = ("instances", "storage")
"""Sections whose prices are offers the calculators choose among for today: a stale one is left out of today's
plans and choices (with the reason), instead of being used as today's price."""

MEASURED = "measured"
"""The efficiency that reads MFU from pricing.json's measured ``throughput`` rows instead of an ``efficiency`` preset."""

TODAY_SECTIONS = ("instances", "storage", "transfer", "electricity", "hardware")
"""Sections whose newest prices the calculators use as today's."""


def retirement(pricing: Pricing, ref: str) -> dict | None:
    """The ``retired`` record (date, source, note) of the entry a reference belongs to, or None if it is still sold.

    >>> retirement(load_pricing(), "/instances/p3.2xlarge/on_demand")["date"], retirement(load_pricing(), "/instances/p5.48xlarge/spot")
    ('2025-12-20', None)
    """
    section, name = ref.split("@", 1)[0].strip("/").split("/")[:2]
    entry = pricing.data.get(section, {}).get(name)
    return entry.get("retired") if isinstance(entry, dict) else None


@per_pricing  # asked for each machine's prices on every keystroke
def stale_offer(pricing: Pricing, ref: str, months: int = STALE_MONTHS) -> str:
    """Why an offer's newest price cannot be today's price ("" when it can): retired, or older than ``months``.

    >>> stale_offer(load_pricing(), "/instances/p5.48xlarge/on_demand")
    ''
    >>> stale_offer(load_pricing(), "/instances/a2-highgpu-1g/on_demand")
    'price last confirmed 2025-11-27, 13 months before the snapshot 2026-12-06: no newer dated source'
    >>> stale_offer(load_pricing(), "/instances/g3s.xlarge/on_demand")
    'retired 2025-10-31 (aws-g3-eol-notice)'
    """
    retired = retirement(pricing, ref)
    if retired:
        return f"retired {retired['date']} ({retired['source']})"
    newest = pricing.quantity(ref).current.as_of
    if months_between(newest, pricing.snapshot_date) > months:
        return (f"price last confirmed {newest}, {months_between(newest, pricing.snapshot_date)} months before the "
                f"snapshot {pricing.snapshot_date}: no newer dated source")
    return ""


def today_prices(pricing: Pricing) -> Iterator[Quantity]:
    """Every price the calculators use as today's: each USD quantity of a section in TODAY_SECTIONS, except the
    prices of retired entries (no longer sold: history only) and stale offers of a RENTED section (the planner and
    the form leave those out, saying why, instead of using them).

    Its ``current`` observation is the price used; the build warns when that is stale.

    >>> pointers = [quantity.pointer for quantity in today_prices(load_pricing())]
    >>> "/instances/p5.48xlarge/on_demand" in pointers, "/gpus/H100-SXM/memory" in pointers
    (True, False)
    >>> "/instances/p2.xlarge/on_demand" in pointers, "/instances/a2-highgpu-1g/on_demand" in pointers
    (False, False)
    """
    for quantity in pricing.quantities():
        section = quantity.pointer.split("/")[1]
        if section not in TODAY_SECTIONS or not quantity.unit.startswith("USD") or retirement(pricing, quantity.pointer):
            continue
        if section in RENTED and stale_offer(pricing, quantity.pointer):
            continue
        yield quantity


def _walk_quantities(node: Any, path: tuple = ()) -> Iterator[tuple[str, Quantity]]:
    if isinstance(node, dict) and "observations" in node and "unit" in node:
        pointer = _pointer(path)
        ordered = sorted(
            (Observation(**obs) for obs in node["observations"]),
            key=lambda obs: obs.as_of,
        )
        yield pointer, Quantity(pointer, node["unit"], tuple(ordered), node.get("offer"))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_quantities(value, path + (key,))


def validation_errors(data: Any) -> Iterator[str]:
    """Yield every problem with a pricing document: schema first, then cross-references.

    >>> list(validation_errors({"snapshot_date": "2026-11-23"}))[0]
    "(root): missing required field 'currency'"
    """
    schema_problems = list(schema_errors(data, _schema()))
    yield from schema_problems
    if schema_problems:
        return
    sources = data["sources"]
    snapshot = data["snapshot_date"]
    for pointer, quantity in _walk_quantities(data):
        for index, obs in enumerate(quantity.observations):
            where = f"{pointer}/observations/{index}"
            if obs.source not in sources:
                yield f"{where}: source {obs.source!r} is not a key of /sources"
            if obs.as_of > snapshot:
                yield f"{where}: as_of {obs.as_of} is after snapshot_date {snapshot}"
            if obs.low is not None and obs.low > obs.value or obs.high is not None and obs.high < obs.value:
                yield f"{where}: value {obs.value} is outside its low/high range"
    for section in ("instances", "storage", "transfer"):
        for name, entry in data.get(section, {}).items():
            provider = entry.get("provider") if isinstance(entry, dict) else None
            if provider is not None and provider not in data["providers"]:
                yield f"{_pointer((section, name, 'provider'))}: {provider!r} is not a key of /providers"
    yield from _missing_keys(data)
    yield from _offer_errors(data)
    for name, run in data.get("runs", {}).items():
        if run["efficiency"] not in data.get("efficiency", {}) and run["efficiency"] != MEASURED:
            yield f"{_pointer(('runs', name, 'efficiency'))}: {run['efficiency']!r} is not a key of /efficiency nor {MEASURED!r}"
        if ("wall_hours" in run["values"]) == ("gpu_hours" in run["values"]):
            yield f"{_pointer(('runs', name, 'values'))}: give wall_hours (with gpu_count) or gpu_hours, not both or neither"
        elif "wall_hours" in run["values"] and "gpu_count" not in run["values"]:
            yield f"{_pointer(('runs', name, 'values'))}: wall_hours needs gpu_count"


def _offer_errors(data: dict) -> Iterator[str]:
    """Each offer whose kind does not fit its field, and each offer or retirement naming an unknown source."""
    sources = data["sources"]
    for section in ("instances", "hardware"):
        for name, entry in data.get(section, {}).items():
            retired = entry.get("retired")
            if retired and retired["source"] not in sources:
                yield f"{_pointer((section, name, 'retired', 'source'))}: {retired['source']!r} is not a key of /sources"
    for name, entry in data["instances"].items():
        for field, kinds in OFFER_FIELDS.items():
            offer = entry.get(field, {}).get("offer")
            if offer is None:
                continue
            where = _pointer(("instances", name, field, "offer"))
            if offer["kind"] not in kinds:
                yield f"{where}/kind: {offer['kind']!r} cannot be the offer of {field} (one of {list(kinds)})"
            if offer["kind"] == "reserved" and "term_days" not in offer:
                yield f"{where}: a reserved offer needs term_days"
            if offer.get("source") is not None and offer["source"] not in sources:
                yield f"{where}/source: {offer['source']!r} is not a key of /sources"


def _missing_keys(data: dict) -> Iterator[str]:
    """Every reference from one section to a key of another (a GPU, a fabric) that is not there."""
    gpus, fabrics = data["gpus"], data.get("fabrics", {})
    references = []
    for name, instance in data["instances"].items():
        references += [(("instances", name, "gpu"), instance["gpu"], "gpus"), (("instances", name, "fabric"), instance.get("fabric"), "fabrics")]
    for section in ("runs", "throughput"):
        for name, entry in data.get(section, {}).items():
            references += [((section, name, "gpu"), entry["gpu"], "gpus"), ((section, name, "fabric"), entry.get("fabric"), "fabrics")]
    for name, gpu in gpus.items():
        references += [(("gpus", name, "measured_as"), gpu.get("measured_as"), "gpus"),
                       (("gpus", name, "relative_to", "gpu"), gpu.get("relative_to", {}).get("gpu"), "gpus")]
    for path, key, section in references:
        if key is not None and key not in {"gpus": gpus, "fabrics": fabrics}[section]:
            yield f"{_pointer(path)}: {key!r} is not a key of /{section}"


def _read_text(name: str) -> tuple[str, str]:
    """Return (text, origin) of a data file shipped in the wheel, or beside the package in a checkout."""
    packaged = resources.files("calculators").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8"), f"calculators/{name}"
    checkout = Path(__file__).resolve().parent.parent / name
    return checkout.read_text(encoding="utf-8"), str(checkout)


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(_read_text("pricing.schema.json")[0])


@functools.lru_cache(maxsize=8)
def _load(path: str | None) -> Pricing:
    if path is None:
        text, origin = _read_text("pricing.json")
    else:
        origin = path
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise PricingError(f"cannot read {path}: {error.strerror}", "(file)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PricingError(f"{origin} is not JSON: {error.msg} at line {error.lineno} column {error.colno}", "(file)") from None
    return Pricing(data, origin)


def load_pricing(path: str | os.PathLike | None = None) -> Pricing:
    """Read, validate and cache pricing.json.

    What does the nanoGPT note's p4d.24xlarge price look like beside today's?

    >>> pricing = load_pricing()
    >>> pricing.value("/instances/p4d.24xlarge/on_demand@note-nanogpt")
    33.05

    ``path`` wins, then the ``CALCULATORS_PRICING`` environment variable, then the copy
    in the wheel (or, in a checkout, the repository's own pricing.json).
    """
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    return _load(None if chosen is None else str(Path(chosen).resolve()))


def clear_cache() -> None:
    """Forget loaded files, so the next load reads the disk again (used by the site build on rebuild)."""
    _load.cache_clear()
