"""The project's one error type."""

from __future__ import annotations


class CalculatorError(ValueError):
    """Bad input: names the field it concerns, the limit and the value.

    >>> error = CalculatorError("'hours' must be >= 0: -3", field="hours")
    >>> (error.field, str(error))
    ('hours', "'hours' must be >= 0: -3")
    """

    def __init__(self, message: str, field: str | None = None, errors: tuple["CalculatorError", ...] = (),
                 related: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors or (self,)
        self.related = tuple(related)
        """The other fields a check across fields involves (the message names them): the page shows the message
        by the one of them the reader has just changed too, not only by ``field``."""

    @classmethod
    def combine(cls, errors: list["CalculatorError"]) -> "CalculatorError":
        """One error for several bad fields: it names the first field, says every problem, and keeps each.

        >>> both = CalculatorError.combine([CalculatorError("a bad", "a"), CalculatorError("b bad", "b")])
        >>> both.field, str(both), [e.field for e in both.errors]
        ('a', 'a bad; b bad', ['a', 'b'])
        """
        if len(errors) == 1:
            return errors[0]
        return cls("; ".join(str(error) for error in errors), errors[0].field, tuple(errors))

    def to_dict(self) -> dict:
        """Return the error as data, the shape the page shows next to each field it concerns.

        >>> CalculatorError("'heads' must divide 'embedding'", "heads", related=("embedding",)).to_dict()["errors"]
        [{'field': 'heads', 'message': "'heads' must divide 'embedding'", 'related': ['embedding']}]
        """
        return {
            "field": self.field,
            "message": str(self),
            "errors": [{"field": error.field, "message": str(error), **({"related": list(error.related)} if error.related else {})}
                       for error in self.errors],
        }


class PricingError(CalculatorError):
    """pricing.json is broken or a reference into it is wrong; ``field`` is the JSON pointer."""
