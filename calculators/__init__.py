"""What will it cost to train a model, and where? Pure-Python calculators over pricing.json.

>>> from calculators import calculate
>>> round(calculate("storage_training", preset="aws-dl-note").value("ec2_session"), 2)
7.0
"""

from ._declare import ADVANCED, Calculator, Filler, Input, PricingChoices, grouped
from ._errors import CalculatorError, PricingError
from ._form import Widget, widget_html
from ._html import chart_html, figures_json, render_results
from ._pricing import ENV_VAR as PRICING_ENV_VAR
from ._pricing import TODAY_SECTIONS, Pricing, Quantity, clear_cache, is_stale, load_pricing, months_between, today_prices
from ._registry import CALCULATORS, calculate, fill, get_calculator, run
from ._numbers import format_change, format_value, number_text, parse_number
from ._result import Column, Figure, Result, Table, Value
from .charts import Chart
from .models.lines import BreakEven, CostLine, break_even

__all__ = [
    "CALCULATORS",
    "PRICING_ENV_VAR",
    "TODAY_SECTIONS",
    "Chart",
    "Column",
    "PricingChoices",
    "chart_html",
    "clear_cache",
    "figures_json",
    "is_stale",
    "months_between",
    "number_text",
    "parse_number",
    "render_results",
    "BreakEven",
    "Calculator",
    "CalculatorError",
    "CostLine",
    "Figure",
    "Filler",
    "Input",
    "ADVANCED",
    "grouped",
    "Pricing",
    "PricingError",
    "Quantity",
    "Result",
    "Table",
    "Value",
    "Widget",
    "break_even",
    "calculate",
    "fill",
    "format_change",
    "format_value",
    "get_calculator",
    "load_pricing",
    "run",
    "today_prices",
    "widget_html",
]
