"""What will it cost to train a model, and where? Pure-Python calculators over pricing.json.

>>> from calculators import calculate
>>> round(calculate("storage_training", preset="aws-dl-note").value("ec2_session"), 2)
7.0
"""

from ._declare import Calculator, Input
from ._errors import CalculatorError, PricingError
from ._lines import BreakEven, CostLine, break_even
from ._pricing import Pricing, Quantity, load_pricing
from ._registry import CALCULATORS, calculate, get_calculator, run
from ._result import Figure, Result, Table, Value, format_value

__all__ = [
    "CALCULATORS",
    "BreakEven",
    "Calculator",
    "CalculatorError",
    "CostLine",
    "Figure",
    "Input",
    "Pricing",
    "PricingError",
    "Quantity",
    "Result",
    "Table",
    "Value",
    "break_even",
    "calculate",
    "format_value",
    "get_calculator",
    "load_pricing",
    "run",
]
