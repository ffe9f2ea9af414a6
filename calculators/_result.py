"""What a calculator returns: labelled values, tables and Plotly figure dicts.

Each value carries its own display text, formatted here in Python, so the pre-rendered
page and the live page print the same characters and the page's JavaScript formats nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


def format_value(value: float, unit: str) -> str:
    """Format a number for display in its unit.

    >>> format_value(3172.8, "USD")
    '$3,172.80'
    >>> format_value(4.2, "USD/session")
    '$4.20/session'
    >>> format_value(96, "h"), format_value(3.5714, "sessions/month")
    ('96 h', '3.57 sessions/month')
    """
    if unit.startswith("USD"):
        sign = "-" if value < 0 else ""
        per = unit[3:]
        return f"{sign}${abs(value):,.2f}{per}"
    if float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.2f}"
    return f"{text} {unit}".strip() if unit else text


@dataclass(frozen=True)
class Value:
    """One labelled result, e.g. ("total", "Total cost", 3186.88, "USD")."""

    name: str
    label: str
    value: float
    unit: str
    note: str = ""

    @property
    def text(self) -> str:
        """The value as the page prints it."""
        return format_value(self.value, self.unit)


@dataclass(frozen=True)
class Table:
    """A table of results; ``rows`` hold display text, ``data`` the raw values for export."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    data: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A Plotly figure dict with a text alternative that states what it shows."""

    name: str
    title: str
    figure: dict
    alt: str


@dataclass(frozen=True)
class Result:
    """Everything a calculator shows."""

    values: tuple[Value, ...]
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def value(self, name: str) -> float:
        """Return the number of the value called ``name``."""
        for item in self.values:
            if item.name == name:
                return item.value
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Return plain data for the page (values gain their display ``text``)."""
        data = asdict(self)
        for item, raw in zip(data["values"], self.values):
            item["text"] = raw.text
        return data
