"""What a calculator returns: labelled values, tables and Plotly figure dicts.

Each value carries its own display text, formatted here in Python, so the pre-rendered
page and the live page print the same characters and the page's JavaScript formats nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


def format_value(value: float, unit: str) -> str:
    """Format a number for display in its unit.

    Totals show cents; rates keep up to four decimals, so $0.023 per GB-month is not rounded away.

    >>> format_value(3172.8, "USD"), format_value(4.2, "USD/session")
    ('$3,172.80', '$4.20/session')
    >>> format_value(0.023, "USD/GB-month"), format_value(1.006, "USD/h")
    ('$0.023/GB-month', '$1.006/h')
    >>> format_value(96, "h"), format_value(3.5714, "sessions/month"), format_value(8, "count")
    ('96 h', '3.57 sessions/month', '8')
    >>> format_value(0.142857, "ratio"), format_value(0.35, "fraction")
    ('0.143×', '35%')
    >>> format_value(4 * 10 * 0.09, "USD/session")  # 3.5999999999999996 in binary
    '$3.60/session'
    """
    value = round(value, 9)  # float noise must not decide how many decimals a rate shows
    if unit.startswith("USD"):
        sign = "-" if value < 0 else ""
        per = unit[3:]
        decimals = 2 if not per or round(value, 2) == value else _decimals(abs(value))
        return f"{sign}${abs(value):,.{decimals}f}{per}"
    if unit == "fraction":
        return f"{value:.0%}" if round(value, 2) == value else f"{value:.1%}"
    if unit == "ratio":
        return f"{_plain(value, 3)}×"
    text = _plain(value, 2)
    return text if unit in ("", "count") else f"{text} {unit}"


def _decimals(value: float) -> int:
    """Decimals (2 to 4) needed to show a rate without rounding it away."""
    for decimals in (3, 4):
        if round(value, decimals) == value:
            return decimals
    return 4


def _plain(value: float, decimals: int) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:,.{decimals}f}"


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
