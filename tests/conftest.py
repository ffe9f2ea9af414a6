"""Shared fixtures: the pricing file loaded the way the site loads it, and helpers for broken copies."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from calculators import load_pricing

try:  # the browser suite's environment has no Hypothesis: it runs no property tests
    from hypothesis import settings
except ImportError:
    settings = None
if settings is not None:
    # Property tests check correctness, not speed: on a busy 2-core CI machine one example may take longer
    # than Hypothesis's default 200 ms deadline, which would fail a correct test. Speed is measured by the bench.
    settings.register_profile("no-deadline", deadline=None)
    settings.load_profile("no-deadline")

ROOT = Path(__file__).resolve().parent.parent
PRICING_PATH = ROOT / "pricing.json"


@pytest.fixture(scope="session")
def pricing():
    """pricing.json through the package's own loader."""
    return load_pricing()


@pytest.fixture
def pricing_data():
    """A fresh deep copy of pricing.json as plain data, safe to break."""
    return copy.deepcopy(json.loads(PRICING_PATH.read_text(encoding="utf-8")))


try:  # plotly is not installed when the suite runs inside Pyodide; CPython runs prove the figures.
    import plotly.graph_objects as _go
except ImportError:  # pragma: no cover - only under Pyodide
    _go = None


def refusal(calculator, pricing, raw: dict):
    """The CalculatorError that checking ``raw`` over the calculator's defaults raises; the test fails if none is.

    Its message opens with the field's label, as every message a reader sees does.
    """
    from calculators import CalculatorError

    with pytest.raises(CalculatorError) as error:
        calculator.validate(raw, pricing, calculator.defaults(pricing))
    (field,) = raw
    assert error.value.field == field
    assert str(error.value).startswith(calculator.input(field).label), str(error.value)
    return error.value


def check_figure(figure: dict) -> None:
    """Assert that Plotly accepts a figure dict (in CPython; under Pyodide, that it has Plotly's shape)."""
    assert isinstance(figure["data"], list) and isinstance(figure["layout"], dict)
    if _go is not None:
        _go.Figure(figure)
