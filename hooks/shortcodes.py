"""The calc: shortcodes: one registry, each entry a name, its arguments and its renderer.

Shortcodes are HTML comments, so a page still reads as plain Markdown, e.g.
``<!-- calc:widget pipeline preset=nanogpt-note -->`` or ``<!-- calc:price /instances/p4d.24xlarge/on_demand -->``.
:data:`SHORTCODES` lists every one, and each renderer's docstring says what it writes. An unknown
shortcode, a missing or extra argument, or an option where none is taken stops the build.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable

import facts
from calculators import CalculatorError, Pricing
from pricing_reference import pricing_reference
from pricing_tables import efficiency_presets, fabrics, published_runs_table, throughput_measurements
from widgets import widget

PATTERN = re.compile(r"<!--\s*calc:([a-z-]+)\s*(.*?)\s*-->", re.DOTALL)
"""A shortcode in a page: ``<!-- calc:NAME ARGUMENTS -->``."""


@dataclass(frozen=True)
class Context:
    """What a renderer may know besides its arguments: the prices, the page, and where on it the shortcode is.

    ``number`` is the shortcode's place among the page's shortcodes (from 1); ``widgets`` lists the page's
    widget shortcodes as (place, calculator).
    """

    pricing: Pricing
    page: Any
    number: int = 1
    widgets: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Shortcode:
    """One shortcode: its name, the positional arguments it takes, whether it takes name=value options, and its renderer."""

    name: str
    arguments: tuple[str, ...]
    render: Callable[[Context, list[str], dict[str, str]], str]
    options: bool = False


PRICING_REFERENCE = ("pricing reference",)
SHORTCODES: dict[str, Shortcode] = {
    shortcode.name: shortcode
    for shortcode in (
        Shortcode("widget", ("calculator",), widget, options=True),
        Shortcode("value", ("calculator", "value name"), facts.value, options=True),
        Shortcode("subject", ("calculator", "value name"), facts.subject, options=True),
        Shortcode("price", PRICING_REFERENCE, facts.price),
        Shortcode("asof", PRICING_REFERENCE, facts.as_of),
        Shortcode("source", PRICING_REFERENCE, facts.source),
        Shortcode("then-now", PRICING_REFERENCE, facts.then_now),
        Shortcode("change", PRICING_REFERENCE, facts.change),
        Shortcode("retired", ("entry",), facts.retired),
        Shortcode("snapshot", (), facts.snapshot),
        Shortcode("largest", ("provider",), facts.largest),
        Shortcode("most-gpus", ("GPU", "provider"), facts.most_gpus_count),
        Shortcode("most-gpus-machine", ("GPU", "provider"), facts.most_gpus_machine),
        Shortcode("pricing-reference", (), lambda context, args, options: pricing_reference(context.pricing)),
        Shortcode("efficiency-presets", (), lambda context, args, options: efficiency_presets(context.pricing)),
        Shortcode("published-runs", (), lambda context, args, options: published_runs_table(context.pricing)),
        Shortcode("throughput-measurements", (), lambda context, args, options: throughput_measurements(context.pricing)),
        Shortcode("fabrics", (), lambda context, args, options: fabrics(context.pricing)),
    )
}


def render_page(markdown: str, pricing: Pricing, page: Any) -> str:
    """Replace every shortcode of a page's Markdown; a CalculatorError names the shortcode that caused it."""
    found = list(PATTERN.finditer(markdown))
    widgets = tuple((place, match.group(2).split()[0]) for place, match in enumerate(found, 1)
                    if match.group(1) == "widget" and match.group(2).split())
    places = {match.start(): place for place, match in enumerate(found, 1)}

    def replace(match: re.Match) -> str:
        name, args = match.group(1), match.group(2)
        context = Context(pricing, page, places[match.start()], widgets)
        try:
            return render(name, args, context)
        except CalculatorError as error:
            raise CalculatorError(f"<!-- calc:{name} {args} -->: {error}", error.field) from None

    return PATTERN.sub(replace, markdown)


def render(name: str, args: str, context: Context) -> str:
    """One shortcode's HTML: its arguments checked against its registry entry, then its renderer."""
    positional, options = parse(name, args)
    return SHORTCODES[name].render(context, positional, options)


def parse(name: str, args: str) -> tuple[list[str], dict[str, str]]:
    """Split a shortcode's arguments into positional ones and options, checking both against its entry.

    >>> parse("widget", "pipeline preset=nanogpt-note train_hours=48")
    (['pipeline'], {'preset': 'nanogpt-note', 'train_hours': '48'})
    >>> parse("value", "pipeline")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: calc:value takes a calculator and a value name, got 'pipeline'
    >>> parse("chart", "pipeline")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: Unknown shortcode: calc:chart (known: widget, value, subject, price, asof, source, then-now, change, retired, snapshot, largest, most-gpus, most-gpus-machine, pricing-reference, efficiency-presets, published-runs, throughput-measurements, fabrics)
    """
    if name not in SHORTCODES:
        raise CalculatorError(f"Unknown shortcode: calc:{name} (known: {', '.join(SHORTCODES)})")
    shortcode = SHORTCODES[name]
    try:
        tokens = shlex.split(args)
    except ValueError as error:  # an unclosed quote
        raise CalculatorError(f"calc:{name} arguments cannot be read ({error}): {args!r}") from None
    positional, options = [], {}
    for token in tokens:
        key, equals, value = token.partition("=")
        if not equals:
            positional.append(token)
        elif not key:
            raise CalculatorError(f"calc:{name} option {token!r} has no name before '='")
        elif key in options:
            raise CalculatorError(f"calc:{name} sets {key!r} twice")
        else:
            options[key] = value
    if len(positional) != len(shortcode.arguments):
        needs = f"a {' and a '.join(shortcode.arguments)}" if shortcode.arguments else "no arguments"
        raise CalculatorError(f"calc:{name} takes {needs}, got {args.strip()!r}")
    if options and not shortcode.options:
        raise CalculatorError(f"calc:{name} takes no options, got {', '.join(options)}")
    return positional, options
