"""The calculators, found in the package, and the one entry point the page's worker calls."""

from __future__ import annotations

import importlib
import os
from types import MappingProxyType
from typing import Any, Mapping

from ._declare import Calculator
from ._errors import CalculatorError
from ._html import render_results
from ._numbers import number_text
from ._pricing import Pricing, load_pricing, per_pricing


def _discover() -> dict[str, Calculator]:
    """Every calculator of the package: each public module that declares a ``CALCULATOR``, in module-name order.

    A new page module is registered by being added; no list is edited. Two modules declaring one name
    are refused, so a copied module cannot quietly replace another calculator.

    >>> sorted(_discover())[:2]
    ['cost_to_train', 'pipeline']
    """
    found: dict[str, Calculator] = {}
    here = os.path.dirname(__file__)
    for file_name in sorted(os.listdir(here)):
        module_name, extension = os.path.splitext(file_name)
        if extension != ".py" or module_name.startswith("_"):
            continue
        calculator = getattr(importlib.import_module(f"{__package__}.{module_name}"), "CALCULATOR", None)
        if not isinstance(calculator, Calculator):
            continue
        if calculator.name in found:
            raise CalculatorError(f"two modules declare the calculator {calculator.name!r}: rename one")
        found[calculator.name] = calculator
    return found


CALCULATORS: dict[str, Calculator] = _discover()


def get_calculator(name: str) -> Calculator:
    """Return the calculator called ``name``; raise CalculatorError naming the known ones.

    >>> get_calculator("pipeline").title
    'Pipeline cost: preprocess, store, train'
    """
    try:
        return CALCULATORS[name]
    except KeyError:
        raise CalculatorError(f"unknown calculator {name!r} (known: {', '.join(CALCULATORS)})") from None


def calculate(name: str, inputs: Mapping[str, Any] | None = None, pricing: Pricing | None = None, preset: str | None = None):
    """Validate ``inputs`` over the defaults (and ``preset``) and return the calculator's Result.

    What does the nanoGPT note's pipeline cost in all?

    >>> calculate("pipeline", preset="nanogpt-note").value("total")
    3186.88
    """
    pricing = pricing or load_pricing()
    calculator = get_calculator(name)
    values = calculator.validate(inputs or {}, pricing, _defaults(pricing, name, preset))
    return calculator.compute(values, pricing)


@per_pricing  # read from pricing.json alone: the same on every keystroke, where only the reader's inputs change
def _defaults(pricing: Pricing, name: str, preset: str | None) -> Mapping[str, Any]:
    """A calculator's defaults, with a preset's, as one pricing.json resolves them: read-only (validate copies them).

    The nanoGPT note's 96 hours on the pipeline page:

    >>> _defaults(load_pricing(), "pipeline", "nanogpt-note")["train_hours"]
    96.0
    """
    return MappingProxyType(get_calculator(name).defaults(pricing, {"preset": preset} if preset else None))


def fill(name: str, filler: str, text: str) -> dict:
    """The page's entry point for a filler: ``{"values": {field: text}}`` or ``{"error": {"field", "message"}}``.

    >>> fill("cost_to_train", "model_config", '{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, '
    ...      '"vocab_size": 100}')["values"]["layers"]
    '2'
    >>> fill("cost_to_train", "model_config", "{not json")["error"]["field"]
    'model_config'
    """
    try:
        calculator = get_calculator(name)
        chosen = calculator.filler(filler)
        if not isinstance(text, str) or len(text) > chosen.max_length:
            raise CalculatorError(f"{chosen.label}: at most {chosen.max_length:,} characters", filler)
        values = chosen.read(text)
    except CalculatorError as error:
        return {"error": error.to_dict()}
    return {"values": {field: number_text(value) for field, value in values.items()}}


def run(name: str, inputs: Mapping[str, Any] | None = None, preset: str | None = None, rows: int | None = None,
        data: bool = True) -> dict:
    """The page's entry point: return ``{"result": ...}`` or ``{"error": {"field", "message"}}``.

    ``rows`` limits each table of the results HTML to its first rows (while the page's details are folded); the
    tables' data for the downloads is always whole.

    The result also describes the calculator's inputs (name, label, unit), so an export labels them as
    the declaration does. With ``data=False`` it holds only what the page shows (the HTML and the figures): a
    keystroke's reply leaves out what only a download reads (values, tables, notes, inputs), and a download asks
    again. On cost to train that was a third of the reply and a seventh of Python's time a keystroke.

    >>> run("pipeline", {"train_hours": "-1"})["error"]["field"]
    'train_hours'
    >>> run("pipeline")["result"]["inputs"][0]["name"]
    'preprocess_price'
    >>> sorted(run("pipeline", data=False)["result"])
    ['figures', 'html', 'pricing_snapshot']
    """
    try:
        result = calculate(name, inputs, preset=preset)
    except CalculatorError as error:
        return {"error": error.to_dict()}
    pricing = load_pricing()
    calculator = get_calculator(name)
    reply = result.to_dict() if data else {"figures": result.figure_dicts()}
    reply["pricing_snapshot"] = pricing.snapshot_date
    reply["html"] = render_results(result, headline=calculator.headline, rows=rows)
    if data:
        reply["inputs"] = [{"name": item.name, "label": item.label, "unit": item.unit} for item in calculator.inputs_for(pricing)]
    return {"result": reply}
