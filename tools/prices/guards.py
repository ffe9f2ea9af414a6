"""The guards: what happens to one price, given the newest observation and the catalog's figure.

Actions: ``new`` (an instance or a spot price the file lacks), ``append`` (a changed price,
added as the newest observation, the old ones kept as history), ``confirm`` (the same price in a
catalog dated later than the newest observation: appended, so the price carries the newer date and
a reader can tell it is still current), ``unchanged``, ``skip`` (a
missing price that was allowed, or a spot price no longer listed) and ``refuse``.

An on-demand price is refused, unless ``--allow ID`` or ``--force``, when it is missing from the
catalog, zero, or more than 3x away from the newest observation (either way); several different
on-demand prices for one instance in one region are refused always. A spot price that is zero
or more than 3x away is refused the same way; a spot price missing from the catalog is skipped
(spot offers come and go).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_RATIO = 3.0
FIELDS = ("on_demand", "spot")


@dataclass(frozen=True)
class Decision:
    """What happens to one instance's on-demand or spot price."""

    instance: str
    field: str
    action: str
    message: str
    old: float | None = None
    new: float | None = None

    @property
    def writes(self) -> bool:
        """True when the decision adds an observation."""
        return self.action in ("append", "new", "confirm")


def newest(quantity: dict) -> dict:
    """The newest observation, the way the loader picks it (by as_of, the last of the newest date).

    >>> newest({"observations": [{"as_of": "2026-11", "value": 2}, {"as_of": "2024", "value": 1}]})["value"]
    2
    """
    # Not max(): among observations of the same date the loader takes the last, and so must we.
    return sorted(quantity["observations"], key=lambda obs: obs["as_of"])[-1]  # noqa: FURB192


def describe(obs: dict) -> str:
    """An observation in a message.

    >>> describe({"value": 98.32, "source": "skypilot-v7-aws", "as_of": "2025-05-01"})
    '98.32 USD/h (skypilot-v7-aws, 2025-05-01)'
    """
    return f"{obs['value']} USD/h ({obs['source']}, {obs['as_of']})"


def later(day: str, than: str) -> bool:
    """True when the date ``day`` is after every day that ``than`` may stand for (``2026`` is all of 2026).

    >>> later("2026-08-06", "2025-08-18"), later("2026-08-06", "2026-08"), later("2026-09", "2026-08-31")
    (True, False, True)
    """
    width = max(len(day), len(than))
    return day.ljust(width, "0") > than.ljust(width, "9")


def far_apart(old: float, new: float) -> bool:
    """True when one price is more than MAX_RATIO times the other, or either is zero.

    >>> far_apart(32.7726, 95.0), far_apart(32.7726, 100.0), far_apart(1.0, 0.0)
    (False, True, True)
    """
    return old == 0 or new == 0 or max(old, new) / min(old, new) > MAX_RATIO


def decide(instance: str, field: str, quantity: dict | None, found: tuple[float, ...], allowed: bool,
           already: bool = False, as_of: str | None = None) -> Decision:
    """Decide what happens to one price.

    ``quantity`` is the instance's current quantity (None when the file has none), ``found`` the
    catalog's distinct prices for it, ``already`` whether this catalog's observation is already
    in the file (a second run of the same import), ``as_of`` the catalog's date.

    >>> q = {"unit": "USD/h", "observations": [{"value": 1.0, "region": "us-east-1", "source": "s", "as_of": "2026"}]}
    >>> [decide("g5.xlarge", "on_demand", q, found, False).action for found in [(1.0,), (1.1,), (4.0,), (0.0,), ()]]
    ['unchanged', 'append', 'refuse', 'refuse', 'refuse']
    >>> decide("g5.xlarge", "on_demand", q, (), True).action, decide("g5.xlarge", "spot", q, (), False).action
    ('skip', 'skip')
    >>> decide("g6e.xlarge", "on_demand", None, (1.861,), False).action
    'new'

    The same price in a later catalog is a confirmation; in an earlier one, or one that may fall within
    the newest observation's "2026", it is not:

    >>> [decide("g5.xlarge", "on_demand", q, (1.0,), False, as_of=day).action for day in ["2027-01-05", "2026-08-06", "2025-12-01"]]
    ['confirm', 'unchanged', 'unchanged']
    """
    label = "spot" if field == "spot" else "on-demand"
    how_to_allow = f"pass --allow {instance} or --force to accept it"
    if not found:
        if quantity is None:
            return Decision(instance, field, "skip", f"{instance}: no {label} price in the catalog")
        old = newest(quantity)
        if field == "spot" or allowed:
            return Decision(instance, field, "skip", f"{instance}: no {label} price in the catalog "
                                                     f"(newest {describe(old)}); kept", old["value"])
        return Decision(instance, field, "refuse", f"{instance}: no {label} price in the catalog; newest is "
                                                   f"{describe(old)}. Check the region, or {how_to_allow} (it is then skipped)",
                        old["value"])
    if len(found) > 1:
        return Decision(instance, field, "refuse", f"{instance}: the catalog has several {label} prices {list(found)} "
                                                   "in one region; nothing can be chosen safely")
    value = found[0]
    if quantity is None:
        if value == 0 and not allowed:
            return Decision(instance, field, "refuse", f"{instance}: catalog {label} price is zero; {how_to_allow}", None, value)
        return Decision(instance, field, "new", f"{instance}: new {label} price {value} USD/h", None, value)
    old = newest(quantity)
    if already:
        return Decision(instance, field, "unchanged", f"{instance}: {value} USD/h already recorded from this catalog",
                        old["value"], value)
    if value == old["value"] and as_of and later(as_of, old["as_of"]):
        return Decision(instance, field, "confirm", f"{instance}: {label} {value} USD/h still listed on {as_of} "
                                                    f"(newest was {old['as_of']})", old["value"], value)
    if value == old["value"]:
        return Decision(instance, field, "unchanged", f"{instance}: {label} {value} USD/h unchanged since {old['as_of']}",
                        old["value"], value)
    if far_apart(old["value"], value) and not allowed:
        problem = "is zero" if value == 0 else f"is more than {MAX_RATIO:g}x away from the newest"
        return Decision(instance, field, "refuse", f"{instance}: catalog {label} price {value} USD/h {problem}, "
                                                   f"{describe(old)}; {how_to_allow}", old["value"], value)
    return Decision(instance, field, "append", f"{instance}: {label} {old['value']} -> {value} USD/h", old["value"], value)
