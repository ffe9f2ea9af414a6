"""How a calculator declares itself: its inputs, once, and the one function it computes.

The form, the validation, the pre-rendered page, the URL state and the export all read
this declaration; none of them repeats it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ._errors import CalculatorError, PricingError
from ._pricing import Pricing

Number = float


@dataclass(frozen=True)
class Input:
    """One input of a calculator.

    ``default`` is a number, a choice, or a reference into pricing.json
    (``/instances/g5.xlarge/on_demand``, optionally ``@source``). Bounds are inclusive.
    """

    name: str
    label: str
    unit: str
    default: float | str
    minimum: float | None = 0.0
    maximum: float | None = None
    step: float | None = None
    integer: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""

    @property
    def kind(self) -> str:
        """``choice``, ``integer`` or ``number``: what the form draws."""
        if self.choices:
            return "choice"
        return "integer" if self.integer else "number"

    def parse(self, raw: Any) -> float | str:
        """Turn a raw value (number, or text from a form or a URL) into a checked value.

        >>> hours = Input("hours", "Training hours", "h", 6, minimum=0, maximum=10_000)
        >>> hours.parse(" 7.5 ")
        7.5
        >>> hours.parse("-3")
        Traceback (most recent call last):
        ...
        calculators._errors.CalculatorError: Training hours ('hours') must be >= 0: -3
        """
        if self.choices:
            return self._parse_choice(raw)
        number = self._parse_number(raw)
        if self.integer and number != int(number):
            raise self._error(f"must be a whole number: {_show(number)}")
        if self.minimum is not None and number < self.minimum:
            raise self._error(f"must be >= {_show(self.minimum)}: {_show(number)}")
        if self.maximum is not None and number > self.maximum:
            raise self._error(f"must be <= {_show(self.maximum)}: {_show(number)}")
        return int(number) if self.integer else number

    def _parse_choice(self, raw: Any) -> str:
        allowed = [value for value, _ in self.choices]
        if raw not in allowed:
            raise self._error(f"must be one of {', '.join(allowed)}: {str(raw)[:40]!r}")
        return raw

    def _parse_number(self, raw: Any) -> float:
        if isinstance(raw, bool) or raw is None:
            raise self._error(f"must be a number: {raw!r}")
        if isinstance(raw, str):
            text = raw.strip()
            if not text:
                raise self._error("is required")
            try:
                raw = float(text)
            except ValueError:
                raise self._error(f"must be a number: {text[:40]!r}") from None
        if not isinstance(raw, (int, float)):
            raise self._error(f"must be a number: {str(raw)[:40]!r}")
        if not math.isfinite(raw):
            raise self._error(f"must be a finite number: {raw!r}")
        return float(raw)

    def _error(self, problem: str) -> CalculatorError:
        return CalculatorError(f"{self.label} ({self.name!r}) {problem}", self.name)


def _show(number: float) -> str:
    """Print a bound or value without a trailing ``.0``.

    >>> _show(3.0), _show(0.25)
    ('3', '0.25')
    """
    return str(int(number)) if float(number).is_integer() and abs(number) < 1e15 else repr(number)


@dataclass(frozen=True)
class Calculator:
    """A calculator: a name, a title, its inputs and the function from checked inputs to a Result."""

    name: str
    title: str
    summary: str
    inputs: tuple[Input, ...]
    compute: Callable[[dict, Pricing], Any]
    presets: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict)

    def input(self, name: str) -> Input:
        """Return the input called ``name``; raise CalculatorError for an unknown one."""
        for item in self.inputs:
            if item.name == name:
                return item
        known = ", ".join(item.name for item in self.inputs)
        raise CalculatorError(f"{self.title} has no input {name!r} (it has: {known})", name)

    def defaults(self, pricing: Pricing, overrides: Mapping[str, Any] | None = None) -> dict[str, float | str]:
        """Resolve every default (pricing references included), then apply and check ``overrides``.

        An override may be a number, a choice, a pricing reference or a preset name under
        the key ``preset``.
        """
        wanted: dict[str, Any] = {item.name: item.default for item in self.inputs}
        overrides = dict(overrides or {})
        preset = overrides.pop("preset", None)
        if preset is not None:
            if preset not in self.presets:
                raise CalculatorError(f"{self.title} has no preset {preset!r} (it has: {', '.join(self.presets)})", "preset")
            wanted.update(self.presets[preset])
        for name, value in overrides.items():
            self.input(name)
            wanted[name] = value
        return {name: self.input(name).parse(resolve(value, pricing, name)) for name, value in wanted.items()}

    def validate(self, raw: Mapping[str, Any], pricing: Pricing, base: Mapping[str, Any] | None = None) -> dict[str, float | str]:
        """Check raw inputs (from the API, a form or a URL) on top of ``base`` (the defaults).

        Every given field is parsed by its own Input; an unknown field is an error, never ignored.
        """
        values = dict(base) if base is not None else self.defaults(pricing)
        for name, value in raw.items():
            values[name] = self.input(name).parse(value)
        return values


def resolve(value: Any, pricing: Pricing, field_name: str) -> Any:
    """Return a default with any pricing reference replaced by its number.

    >>> from calculators import load_pricing
    >>> resolve("/storage/ecr/price", load_pricing(), "storage_price")
    0.1
    """
    if isinstance(value, str) and value.startswith("/"):
        try:
            return pricing.value(value)
        except PricingError as error:
            raise PricingError(f"default of {field_name!r}: {error}", error.field) from None
    return value
