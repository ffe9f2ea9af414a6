"""How a calculator declares itself: its inputs, once, and the one function it computes.

The form, the validation, the pre-rendered page, the URL state and the export all read
this declaration; none of them repeats it.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

from ._errors import CalculatorError, PricingError
from ._pricing import RENTED, Pricing, stale_offer
from ._numbers import format_value, number_text, parse_number, unknown_suffix

HELP_FIGURE = re.compile(r"\{(/[^{}#]+)(?:#(low|high))?\}")
"""A pricing reference in help text, e.g. ``{/instances/g5.xlarge/on_demand}``: replaced by the figure with its unit.
``#low`` or ``#high`` after the reference gives the ends of an observation's range instead."""


@dataclass(frozen=True)
class PricingChoices:
    """Choices read from a section of pricing.json, so a new entry appears in every form with no code change.

    ``section`` is ``instances`` (machines with a GPU), ``sources`` (the notes, as price bases), or
    any other section (``storage``, ``efficiency``), whose entries are offered by their labels.
    ``first`` and ``last`` put fixed choices around them, e.g. ``(("current", "Newest price"),)``.
    ``today`` offers only what can be bought today: no retired machine, and no store whose newest price is stale.

    >>> from calculators import load_pricing
    >>> choices = PricingChoices("instances").resolve(load_pricing())
    >>> ("p4d.24xlarge" in dict(choices), "c5.2xlarge" in dict(choices), "p3.2xlarge" in dict(choices))
    (True, False, True)
    >>> "p3.2xlarge" in dict(PricingChoices("instances", today=True).resolve(load_pricing()))
    False
    """

    section: str
    first: tuple[tuple[str, str], ...] = ()
    last: tuple[tuple[str, str], ...] = ()
    today: bool = False

    def resolve(self, pricing: Pricing) -> tuple[tuple[str, str], ...]:
        """The (value, label) pairs for this pricing.json."""
        if self.section == "instances":
            found = [(name, entry.get("label", name)) for name, entry in pricing.section("instances").items()
                     if entry.get("gpu") and not (self.today and entry.get("retired"))]
        elif self.today and self.section in RENTED:
            found = [(name, entry.get("label", name)) for name, entry in pricing.section(self.section).items()
                     if not stale_offer(pricing, f"/{self.section}/{name}/price")]
        elif self.section in ("gpus", "providers"):
            # Only those some machine has: a filter by a GPU or provider with no machine would empty the page.
            key = self.section[:-1]
            used = list(dict.fromkeys(entry.get(key) for entry in pricing.section("instances").values() if entry.get(key)))
            labels = pricing.section(self.section)
            found = [(name, labels.get(name, {}).get("label", name)) for name in used]
        elif self.section == "sources":
            found = [(name, f"{_short_title(source['title'])}, where it quotes a price")
                     for name, source in pricing.sources.items() if "seed" in source]
        else:
            found = [(name, entry.get("label", name)) for name, entry in pricing.data.get(self.section, {}).items()]
        return self.first + tuple(found) + self.last


def assumption(entry: str, name: str) -> str:
    """The pricing.json reference of one assumption of an entry (a source note's figures, or the site's defaults).

    >>> assumption("nanogpt-note", "train_hours")
    '/assumptions/nanogpt-note/values/train_hours'
    """
    return f"/assumptions/{entry}/values/{name}"


def _short_title(title: str) -> str:
    """A source title cut before its first colon or parenthesis.

    >>> _short_title("Training ML models: AWS vs Desktop?")
    'Training ML models'
    """
    return re.split(r":| \(", title, maxsplit=1)[0].strip()


def fill_help(text: str, pricing: Pricing) -> str:
    """Replace each ``{/pointer}`` in help text by that figure from pricing.json, with its unit.

    >>> from calculators import load_pricing
    >>> fill_help("ECR costs {/storage/ecr/price}.", load_pricing())
    'ECR costs $0.10/GB-month.'
    >>> fill_help("{/providers/rescale/startup_minutes#low} to {/providers/rescale/startup_minutes#high}", load_pricing())
    '4 min to 8 min'
    """

    def figure(match: re.Match) -> str:
        ref, end = match.group(1), match.group(2)
        observation = pricing.observation(ref)
        value = getattr(observation, end) if end else observation.value
        if value is None:
            raise PricingError(f"help text asks for the {end} end of {ref}, which has no range", ref)
        return format_value(value, pricing.quantity(ref).unit)

    return HELP_FIGURE.sub(figure, text)

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
    choices: tuple[tuple[str, str], ...] | PricingChoices = ()
    help: str = ""
    group: str = ""
    """The form's heading for this input (Model, Data…); ``ADVANCED`` inputs are folded, their values in the summary."""

    def bind(self, pricing: Pricing) -> "Input":
        """This input with its choices and help figures read from ``pricing``."""
        choices = self.choices.resolve(pricing) if isinstance(self.choices, PricingChoices) else self.choices
        return replace(self, choices=choices, help=fill_help(self.help, pricing))

    @property
    def kind(self) -> str:
        """``choice``, ``integer`` or ``number``: what the form draws."""
        if self.choices:
            return "choice"
        return "integer" if self.integer else "number"

    def parse(self, raw: Any) -> float | str:
        """Turn a raw value (number, or text from a form or a URL) into a checked value.

        A bad value is refused with a message that says, in words, what the field accepts:

        >>> hours = Input("hours", "Training hours", "h", 6, minimum=0, maximum=10_000)
        >>> hours.parse(" 7.5 "), hours.parse("1.5k"), hours.parse("1,500")
        (7.5, 1500.0, 1500.0)
        >>> hours.parse("2X")
        Traceback (most recent call last):
        ...
        calculators._errors.CalculatorError: Training hours: 'X' is not a suffix we know; use k (thousand), M (million), B (billion) or T (trillion), as in 1.5k
        >>> hours.parse("-3")
        Traceback (most recent call last):
        ...
        calculators._errors.CalculatorError: Training hours must be between 0 and 10,000 h, not -3
        """
        if self.choices:
            return self._parse_choice(raw)
        number = self._parse_number(raw)
        if self.integer and number != int(number):
            raise self._error(f"must be a whole number, not {number_text(number)}")
        too_low = self.minimum is not None and number < self.minimum
        too_high = self.maximum is not None and number > self.maximum
        if too_low or too_high:
            raise self._error(f"must be {self.allowed()}, not {number_text(number)}")
        return int(number) if self.integer else number

    def allowed(self) -> str:
        """What a number field accepts, in words.

        >>> Input("price", "Price", "USD/h", 1, maximum=1000).allowed()
        'between 0 and 1,000 USD/h'
        >>> Input("gpus", "GPUs", "", 1, minimum=1, integer=True).allowed(), Input("x", "X", "h", 1, minimum=None).allowed()
        ('a whole number of at least 1', 'any number of h')
        """
        unit = f" {self.unit}" if self.unit and " " not in self.unit and self.unit != "fraction" else ""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            span = f"between {number_text(low)} and {number_text(high)}{unit}"
        elif low is not None:
            span = f"at least {number_text(low)}{unit}"
        elif high is not None:
            span = f"at most {number_text(high)}{unit}"
        else:
            return "any whole number" if self.integer else f"any number{' of' + unit if unit else ''}"
        return f"a whole number {'of ' if low is not None and high is None else ''}{span}" if self.integer else span

    def _parse_choice(self, raw: Any) -> str:
        if isinstance(self.choices, PricingChoices):
            raise CalculatorError(f"{self.label} ({self.name!r}) reads its choices from pricing.json: bind it first", self.name)
        allowed = [value for value, _ in self.choices]
        if raw not in allowed:
            listed = ", ".join(allowed) if len(allowed) <= 6 else f"the {len(allowed)} choices in its list"
            raise self._error(f"must be one of {listed}, not {_quoted(raw)}")
        return raw

    def _parse_number(self, raw: Any) -> float:
        if isinstance(raw, bool) or raw is None or not isinstance(raw, (int, float, str)):
            raise self._error(f"must be a number, not {_quoted(raw)}")
        if isinstance(raw, str):
            raw = self._parse_text(raw)
        if not math.isfinite(raw):
            raise self._error(f"must be a finite number, not {_quoted(raw)}")
        return float(raw)

    def _parse_text(self, text: str) -> float:
        """A number as typed or linked, read by the one rule for number text (``_numbers.parse_number``)."""
        number = parse_number(text)
        if number is not None:
            return number
        if not text.strip():
            raise self._error(f"is empty: type {self._example()}")
        if text.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise self._error(f"must be a finite number, not {_quoted(text)}")
        suffix = unknown_suffix(text)
        if suffix is not None:
            raise CalculatorError(f"{self.label}: {suffix[:12]!r} is not a suffix we know; use k (thousand), M (million), "
                                  "B (billion) or T (trillion), as in 1.5k", self.name)
        raise self._error(f"must be {self._example()}, not {_quoted(text)}")

    def _example(self) -> str:
        """``a number between 0 and 1,000 USD/h``: what to type, for a message."""
        allowed = self.allowed()
        return allowed if allowed.startswith(("a ", "any ")) else f"a number {allowed}"

    def _error(self, problem: str) -> CalculatorError:
        return CalculatorError(f"{self.label} {problem}", self.name)


def _quoted(raw: Any) -> str:
    """A bad value in a message: quoted, and cut at 40 characters so a long one cannot flood the page.

    >>> _quoted("abc"), _quoted(None), len(_quoted("x" * 5000))
    ("'abc'", 'None', 43)
    """
    if not isinstance(raw, str):
        return repr(raw)[:40]
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


ADVANCED = "Advanced"
"""The group a form folds: the inputs most readers leave as they are."""


def grouped(inputs: tuple[Input, ...]) -> list[tuple[str, tuple[Input, ...]]]:
    """The inputs by group, groups in the order they first appear and the advanced group last.

    >>> items = (Input("a", "A", "", 1, group="Model"), Input("b", "B", "", 1, group=ADVANCED),
    ...          Input("c", "C", "", 1, group="Data"), Input("d", "D", "", 1, group="Model"))
    >>> [(name, [item.name for item in members]) for name, members in grouped(items)]
    [('Model', ['a', 'd']), ('Data', ['c']), ('Advanced', ['b'])]
    """
    order: dict[str, list[Input]] = {}
    for item in inputs:
        order.setdefault(item.group, []).append(item)
    names = [name for name in order if name != ADVANCED] + ([ADVANCED] if ADVANCED in order else [])
    return [(name, tuple(order[name])) for name in names]


@dataclass(frozen=True)
class Filler:
    """A way to fill several fields at once: from a text the reader pastes, or from one of a few named examples.

    ``read`` turns the text into field values (raising CalculatorError, with ``name`` as its field, when the text
    is not what it reads); ``examples`` gives each example's title and field values. The form shows the examples as
    a list and the text as a box; the page script knows neither what the text is nor which fields it fills.
    """

    name: str
    label: str
    read: Callable[[str], dict[str, float]]
    examples: Callable[[], dict[str, tuple[str, dict[str, float]]]]
    help: str = ""
    max_length: int = 64_000


@dataclass(frozen=True)
class Calculator:
    """A calculator: a name, a title, its inputs and the function from checked inputs to a Result."""

    name: str
    title: str
    summary: str
    inputs: tuple[Input, ...]
    compute: Callable[[dict, Pricing], Any]
    presets: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict)
    headline: tuple[str, ...] = ()
    """Up to four value names shown first, under the answer; every other value goes in the details."""
    preset_titles: Mapping[str, str] = field(default_factory=dict)
    """The presets a reader may pick in the form, each with the title the picker shows."""
    fillers: tuple[Filler, ...] = ()
    """Ways to fill several fields at once (a model's config.json), shown after the preset list."""
    defaults_title: str = ""
    """What the defaults are, in the preset list's words ("nanoGPT's GPT-2 124M at today's prices"): the list names
    the case the fields hold, and a page opens on the defaults."""

    def __post_init__(self) -> None:
        if len(self.headline) > 4:
            raise CalculatorError(f"{self.title} names {len(self.headline)} headline values; at most 4 are shown first")
        unknown = [name for name in self.preset_titles if name not in self.presets]
        if unknown:
            raise CalculatorError(f"{self.title} titles presets it does not have: {', '.join(unknown)}", "preset")
        names = {item.name for item in self.inputs}
        clash = [filler.name for filler in self.fillers if filler.name in names]
        if clash:
            raise CalculatorError(f"{self.title} has a filler named like an input: {', '.join(clash)}", clash[0])
        object.__setattr__(self, "compute", _headline_first(self.compute, self.headline))

    def inputs_for(self, pricing: Pricing) -> tuple[Input, ...]:
        """The inputs with choices and help figures read from ``pricing`` (worked out once per file)."""
        bound = _BOUND.setdefault(pricing, {})
        if self.name not in bound:
            bound[self.name] = tuple(item.bind(pricing) for item in self.inputs)
        return bound[self.name]

    def filler(self, name: str) -> Filler:
        """Return the filler called ``name``; raise CalculatorError for an unknown one."""
        for filler in self.fillers:
            if filler.name == name:
                return filler
        raise CalculatorError(f"{self.title} fills no fields from {name!r}", name)

    def input(self, name: str, pricing: Pricing | None = None) -> Input:
        """Return the input called ``name`` (bound to ``pricing`` if given); raise CalculatorError for an unknown one."""
        for item in self.inputs_for(pricing) if pricing is not None else self.inputs:
            if item.name == name:
                return item
        known = ", ".join(item.name for item in self.inputs)
        raise CalculatorError(f"{self.title} has no input {name!r} (it has: {known})", name)

    def specs(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Each input's default as written: the declaration's, then the preset's, then ``overrides``.

        Values stay as written (a number, a choice or a pricing reference); the key ``preset``
        names a preset. An unknown preset or input is a CalculatorError.

        >>> from calculators import get_calculator
        >>> get_calculator("pipeline").specs({"preset": "nanogpt-note", "train_hours": 48})["train_hours"]
        48
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
        return wanted

    def defaults(self, pricing: Pricing, overrides: Mapping[str, Any] | None = None) -> dict[str, float | str]:
        """Resolve every default (pricing references included), then apply and check ``overrides``.

        An override may be a number, a choice, a pricing reference or a preset name under
        the key ``preset``.
        """
        return {
            name: self.input(name, pricing).parse(resolve(value, pricing, name))
            for name, value in self.specs(overrides).items()
        }

    def validate(self, raw: Mapping[str, Any], pricing: Pricing, base: Mapping[str, Any] | None = None) -> dict[str, float | str]:
        """Check raw inputs (from the API, a form or a URL) on top of ``base`` (the defaults).

        Every given field is parsed by its own Input; an unknown field is an error, never ignored. All
        the bad fields are reported together (``CalculatorError.errors``).
        """
        values = dict(base) if base is not None else self.defaults(pricing)
        problems = []
        for name, value in raw.items():
            try:
                values[name] = self.input(name, pricing).parse(value)
            except CalculatorError as error:  # every bad field is reported, not just the first
                problems.append(error)
        if problems:
            raise CalculatorError.combine(problems)
        return values


def _headline_first(compute: Callable[[dict, Pricing], Any], headline: tuple[str, ...]) -> Callable[[dict, Pricing], Any]:
    """Wrap a compute function so its result lists the headline values first, in the order the page shows them."""
    if getattr(compute, "headline", None) == headline or not headline:
        return compute

    def ordered(values: dict, pricing: Pricing):
        result = compute(values, pricing)
        first = [v for name in headline for v in result.values if v.name == name]
        # Every value of a headline name is in first, so the rest are those of the other names (by name: comparing
        # whole values to the first ones cost more than the rest of this wrapper).
        return replace(result, values=tuple(first + [v for v in result.values if v.name not in headline]))

    ordered.headline = headline  # type: ignore[attr-defined]
    ordered.__doc__ = compute.__doc__
    return ordered


_BOUND: "weakref.WeakKeyDictionary[Pricing, dict[str, tuple[Input, ...]]]" = weakref.WeakKeyDictionary()


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
