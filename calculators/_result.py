"""What a calculator returns: labelled values, tables and charts.

Each value carries its own display text, formatted here in Python, so the pre-rendered
page and the live page print the same characters and the page's JavaScript formats nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from ._errors import CalculatorError
from .charts import Chart, to_plotly


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
    >>> format_value(-0.0, "h"), format_value(-1e-12, "USD")
    ('0 h', '$0.00')
    """
    value = round(value, 9) + 0.0  # float noise must not decide the decimals; + 0.0 turns -0.0 into 0.0
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
    """One labelled result, e.g. ("total", "Total cost", 3186.88, "USD").

    ``subject`` names what the value is about when that is itself a result, e.g. the machine that
    is cheapest; a guide can quote it (``calc:subject``).
    """

    name: str
    label: str
    value: float
    unit: str
    note: str = ""
    subject: str = ""

    @property
    def text(self) -> str:
        """The value as the page prints it."""
        return format_value(self.value, self.unit)


@dataclass(frozen=True)
class Table:
    """A table of results; ``rows`` hold display text under ``columns``, ``data`` the raw values for export.

    ``data_columns`` names the cells of a ``data`` row, with units (an export's header); it
    defaults to ``columns``, and a row of the wrong length is refused.

    >>> Table("t", "T", ("machine", "cost"), (("a", "$1.00"),), (("a", 1.0, "x"),))
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: table 't': a data row has 3 cells under 2 headers
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    data: tuple[tuple, ...] = ()
    data_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.data_columns:
            object.__setattr__(self, "data_columns", tuple(self.columns))
        for cells, headers, kind in ((self.rows, self.columns, "row"), (self.data, self.data_columns, "data row")):
            for row in cells:
                if len(row) != len(headers):
                    raise CalculatorError(
                        f"table {self.name!r}: a {kind} has {len(row)} cells under {len(headers)} headers"
                    )


@dataclass(frozen=True)
class Figure:
    """A chart, in the site's chart vocabulary, with a text alternative that states what it shows."""

    name: str
    chart: Chart
    alt: str

    @property
    def title(self) -> str:
        """The chart's title."""
        return self.chart.title

    @property
    def figure(self) -> dict:
        """The Plotly figure dict (made from the chart, never patched)."""
        return to_plotly(self.chart)


@dataclass(frozen=True)
class Result:
    """Everything a calculator shows; ``answer`` is its one-sentence answer (else the first note stands for it)."""

    values: tuple[Value, ...]
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    answer: str = ""

    @property
    def sentence(self) -> str:
        """The one-sentence answer the page shows first."""
        return self.answer or (self.notes[0] if self.notes else "")

    def value(self, name: str) -> float:
        """Return the number of the value called ``name``."""
        for item in self.values:
            if item.name == name:
                return item.value
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Return plain data for the page: values gain their display ``text``, figures are Plotly dicts."""
        return {
            "values": [{**_fields(item), "text": item.text} for item in self.values],
            "tables": [_fields(table) for table in self.tables],
            "figures": [{"name": f.name, "title": f.title, "figure": f.figure, "alt": f.alt} for f in self.figures],
            "notes": list(self.notes),
            "answer": self.sentence,
        }


def _fields(item) -> dict:
    """A flat dataclass (a Value or a Table) as plain data, tuples as lists: what ``asdict`` gives, without its deep copy.

    >>> _fields(Table("t", "T", ("a",), (("1",), ("2",))))["rows"]
    [['1'], ['2']]
    """
    return {name.name: _listed(getattr(item, name.name)) for name in fields(item)}


def _listed(value):
    return [_listed(part) for part in value] if isinstance(value, (tuple, list)) else value
