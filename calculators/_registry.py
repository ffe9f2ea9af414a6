"""The list of calculators and the one entry point the page's worker calls."""

from __future__ import annotations

from typing import Any, Mapping

from . import cost_to_train, pipeline, price_history, providers, rent_vs_buy, spot, storage_training
from ._declare import Calculator
from ._errors import CalculatorError
from ._html import render_results
from ._pricing import Pricing, load_pricing

CALCULATORS: dict[str, Calculator] = {
    module.CALCULATOR.name: module.CALCULATOR
    for module in (storage_training, pipeline, spot, providers, rent_vs_buy, cost_to_train, price_history)
}


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
    base = calculator.defaults(pricing, {"preset": preset} if preset else None)
    values = calculator.validate(inputs or {}, pricing, base)
    return calculator.compute(values, pricing)


def run(name: str, inputs: Mapping[str, Any] | None = None, preset: str | None = None) -> dict:
    """The page's entry point: return ``{"result": ...}`` or ``{"error": {"field", "message"}}``.

    The result also describes the calculator's inputs (name, label, unit), so an export labels them as
    the declaration does.

    >>> run("pipeline", {"train_hours": "-1"})["error"]["field"]
    'train_hours'
    >>> run("pipeline")["result"]["inputs"][0]["name"]
    'preprocess_price'
    """
    try:
        result = calculate(name, inputs, preset=preset)
    except CalculatorError as error:
        return {"error": error.to_dict()}
    pricing = load_pricing()
    calculator = get_calculator(name)
    data = result.to_dict()
    data["pricing_snapshot"] = pricing.snapshot_date
    data["html"] = render_results(result, headline=calculator.headline)
    data["inputs"] = [{"name": item.name, "label": item.label, "unit": item.unit} for item in calculator.inputs_for(pricing)]
    return {"result": data}
