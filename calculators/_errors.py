"""The project's one error type."""

from __future__ import annotations


class CalculatorError(ValueError):
    """Bad input: names the field it concerns, the limit and the value.

    >>> error = CalculatorError("'hours' must be >= 0: -3", field="hours")
    >>> (error.field, str(error))
    ('hours', "'hours' must be >= 0: -3")
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def to_dict(self) -> dict:
        """Return the error as data, the shape the page shows next to a field."""
        return {"field": self.field, "message": str(self)}


class PricingError(CalculatorError):
    """pricing.json is broken or a reference into it is wrong; ``field`` is the JSON pointer."""
