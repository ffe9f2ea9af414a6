"""Shortcodes that put one computed figure into a sentence: a calculator's value, a price, its date and
source, a price's move, and facts about today's price list (the largest machine, the most GPUs).

Each takes the shortcode's context (the pricing and the page), its positional arguments and its
options, and returns escaped text.
"""

from __future__ import annotations

from html import escape

from calculators import CalculatorError, format_value, get_calculator
from calculators._pricing import retirement
from calculators.models.machines import largest_machine, most_gpus, price_change
from markup import source_link


def _today(context, ref: str) -> None:
    """Refuse a retired machine's newest price where a sentence would read it as today's; its then figures stay."""
    retired = retirement(context.pricing, ref)
    if retired and "@" not in ref and context.pricing.quantity(ref).unit.startswith("USD"):
        raise CalculatorError(f"{ref} belongs to a machine retired {retired['date']}: it has no price today. Pin a "
                              f"source for a then figure ({ref}@source), or say it is retired with calc:retired", ref)


def _result(context, name: str, options: dict):
    calculator = get_calculator(name)
    return calculator.compute(calculator.defaults(context.pricing, options), context.pricing)


def _value(context, name: str, field: str, options: dict):
    for value in _result(context, name, options).values:
        if value.name == field:
            return value
    raise CalculatorError(f"{name} has no result value {field!r}", field)


def value(context, args: list[str], options: dict) -> str:
    """``calc:value pipeline total preset=nanogpt-note``: one result as the calculator prints it."""
    return escape(_value(context, *args, options).text)


def subject(context, args: list[str], options: dict) -> str:
    """``calc:subject cost_to_train cheapest_cost``: what a result is about (the machine that is cheapest)."""
    found = _value(context, *args, options)
    if not found.subject:
        raise CalculatorError(f"{args[0]}'s value {args[1]!r} names no subject", args[1])
    return escape(found.subject)


def price(context, args: list[str], options: dict) -> str:
    """``calc:price /instances/p4d.24xlarge/on_demand``: a figure from pricing.json with its unit."""
    _today(context, args[0])
    quantity, observation = context.pricing.quantity(args[0]), context.pricing.observation(args[0])
    return escape(format_value(observation.value, quantity.unit))


def as_of(context, args: list[str], options: dict) -> str:
    """``calc:asof REF``: the date of that figure."""
    _today(context, args[0])
    return escape(context.pricing.observation(args[0]).as_of)


def source(context, args: list[str], options: dict) -> str:
    """``calc:source REF``: a link to that figure's source."""
    _today(context, args[0])
    return source_link(context.pricing, context.pricing.observation(args[0]).source)


def then_now(context, args: list[str], options: dict) -> str:
    """``calc:then-now REF@source``: a source's figure beside today's, each with its date; for a retired machine,
    beside the date it was retired."""
    ref = args[0]
    if "@" not in ref:
        raise CalculatorError(f"calc:then-now needs a reference pinned to a source, e.g. {ref}@note-aws-dl", ref)
    quantity = context.pricing.quantity(ref)
    then, now = context.pricing.observation(ref), quantity.current
    retired = retirement(context.pricing, ref)
    after = f"retired {retired['date']}" if retired else f"{format_value(now.value, quantity.unit)} ({now.as_of})"
    return escape(f"{format_value(then.value, quantity.unit)} ({then.as_of}) → {after}")


def retired(context, args: list[str], options: dict) -> str:
    """``calc:retired /instances/g2.2xlarge``: since when a machine is no longer sold, with the source that says so."""
    found = retirement(context.pricing, args[0])
    if not found:
        raise CalculatorError(f"{args[0]} is not retired in pricing.json", args[0])
    return f"retired {escape(found['date'])} ({source_link(context.pricing, found['source'], short=True)})"


def snapshot(context, args: list[str], options: dict) -> str:
    """``calc:snapshot``: the date pricing.json was last checked as a whole."""
    return escape(context.pricing.snapshot_date)


def change(context, args: list[str], options: dict) -> str:
    """``calc:change REF@source``: how a price moved since that source, in words (a retired machine has no move to state)."""
    retired = retirement(context.pricing, args[0])
    if retired:
        raise CalculatorError(f"{args[0]} belongs to a machine retired {retired['date']}: its price has no change to "
                              "today; say it is retired with calc:retired", args[0])
    moved = price_change(context.pricing, args[0])
    text = format_value(abs(moved), "fraction")
    return escape("no change" if round(moved, 4) == 0 else f"{'up' if moved > 0 else 'down'} {text}")


def largest(context, args: list[str], options: dict) -> str:
    """``calc:largest aws``: the provider's machine with the most GPU memory."""
    found = largest_machine(context.pricing, args[0])
    if found is None:
        raise CalculatorError(f"no GPU machine of provider {args[0]!r} in pricing.json", args[0])
    return escape(found[0])


def _most_gpus(context, args: list[str]):
    found = most_gpus(context.pricing, *args)
    if found is None:
        raise CalculatorError(f"no {args[1]} machine with {args[0]} GPUs in pricing.json", args[0])
    return found


def most_gpus_count(context, args: list[str], options: dict) -> str:
    """``calc:most-gpus A100-40GB aws``: the most GPUs of that model in one of the provider's machines."""
    return escape(str(_most_gpus(context, args)[1]))


def most_gpus_machine(context, args: list[str], options: dict) -> str:
    """``calc:most-gpus-machine A100-40GB aws``: the machine that has them."""
    return escape(_most_gpus(context, args)[0])
