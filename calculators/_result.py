"""What a calculator returns: labelled values, tables and charts.

Each value and each table cell gets its display text here in Python (by ``_numbers.format_value``),
so the pre-rendered page and the live page print the same characters and the page's JavaScript
formats nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any

from ._errors import CalculatorError
from ._numbers import format_value
from .charts import Chart, to_plotly


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


NUMBER_WITHOUT_UNIT = "count"
"""The unit of a column of plain numbers (a rank, a count): shown and exported as numbers, with no unit in the header."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading, and the one rule that turns a cell into the text the page shows.

    With a ``unit`` the cells are numbers, shown by ``format_value`` and exported as numbers under
    ``heading (unit)``; a cell may instead hold words that say why there is no number ("never
    finishes"), shown and exported as they are. Without a unit the cells are text. An empty cell
    (None or "") shows ``missing``. A column that is not ``shown`` is in the export only: the ids
    behind a label, a machine-readable outcome.

    >>> cost = Column("cost", "USD")
    >>> cost.text(3172.8), cost.text("never finishes"), cost.text(None), cost.header
    ('$3,172.80', 'never finishes', '—', 'cost (USD)')
    >>> Column("rank", "count").header, Column("days", "days").header, Column("machine").text("p4d.24xlarge")
    ('rank', 'days', 'p4d.24xlarge')
    """

    heading: str
    unit: str = ""
    missing: str = "—"
    shown: bool = True

    def text(self, cell: Any) -> str:
        """The cell as the page shows it."""
        if cell is None or cell == "":
            return self.missing
        if self.unit and not isinstance(cell, str):
            return format_value(cell, self.unit)
        return str(cell)

    def exported(self, cell: Any) -> Any:
        """The cell as an export gives it: a number without float noise, or the text the page shows.

        >>> Column("cost", "USD").exported(3172.8000000000002), Column("cost", "USD").exported(None)
        (3172.8, None)
        """
        if cell is None or cell == "":
            return None
        if self.unit and not isinstance(cell, str):
            return float(f"{cell:.15g}") if isinstance(cell, float) else cell
        return self.text(cell)

    @property
    def header(self) -> str:
        """The export's header: the heading, and the unit unless the heading already says it."""
        if not self.unit or self.unit == NUMBER_WITHOUT_UNIT or self.unit == self.heading:
            return self.heading
        return f"{self.heading} ({self.unit})"


@dataclass(frozen=True)
class Table:
    """A table of results: typed columns, and rows of raw cells, one per column.

    The page's text and the export both come from these rows through each column's rule, so they
    cannot disagree. A row of the wrong length, or two columns of one heading, are refused.

    >>> table = Table("t", "T", (Column("machine"), Column("cost", "USD")), [("a", 1.0)])
    >>> table.texts, table.export()
    ((('a', '$1.00'),), {'columns': ['machine', 'cost (USD)'], 'rows': [['a', 1.0]]})
    >>> Table("t", "T", (Column("machine"), Column("cost", "USD")), [("a", 1.0, "x")])
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: table 't': a row has 3 cells under 2 columns
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        headings = [column.heading for column in self.columns]
        if len(set(headings)) != len(headings):
            raise CalculatorError(f"table {self.name!r}: two columns are headed alike: {headings}")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise CalculatorError(f"table {self.name!r}: a row has {len(row)} cells under {len(self.columns)} columns")

    def cells(self, heading: str) -> tuple:
        """The raw cells of the column headed ``heading``."""
        index = next((i for i, column in enumerate(self.columns) if column.heading == heading), None)
        if index is None:
            raise KeyError(heading)
        return tuple(row[index] for row in self.rows)

    def records(self) -> list[dict[str, Any]]:
        """Each row as a dict of raw cells keyed by column heading.

        >>> Table("t", "T", (Column("machine"), Column("cost", "USD")), [("a", 1.0)]).records()
        [{'machine': 'a', 'cost': 1.0}]
        """
        return [dict(zip((column.heading for column in self.columns), row)) for row in self.rows]

    @property
    def shown(self) -> tuple[Column, ...]:
        """The columns the page shows."""
        return tuple(column for column in self.columns if column.shown)

    @property
    def texts(self) -> tuple[tuple[str, ...], ...]:
        """Each row as the page shows it: the shown columns' text."""
        return self.text_rows()

    def text_rows(self, limit: int | None = None) -> tuple[tuple[str, ...], ...]:
        """The first ``limit`` rows (every row without it) as the page shows them: a page that shows a table's first
        rows formats only those.

        >>> Table("t", "T", (Column("cost", "USD"),), [(1.0,), (2.0,), (3.0,)]).text_rows(2)
        (('$1.00',), ('$2.00',))
        """
        shown = [(index, column) for index, column in enumerate(self.columns) if column.shown]
        rows = self.rows if limit is None else self.rows[:limit]
        return tuple(tuple(column.text(row[index]) for index, column in shown) for row in rows)

    def export(self) -> dict:
        """Every column (shown or export-only) under its header, and each row's cells as exported."""
        return {
            "columns": [column.header for column in self.columns],
            "rows": [[column.exported(cell) for column, cell in zip(self.columns, row)] for row in self.rows],
        }


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
            "tables": [{"name": table.name, "title": table.title, **table.export()} for table in self.tables],
            "figures": self.figure_dicts(),
            "notes": list(self.notes),
            "answer": self.sentence,
        }

    def figure_dicts(self) -> list[dict]:
        """Each figure as plain data for the page: its name, title, Plotly dict and text alternative."""
        return [{"name": f.name, "title": f.title, "figure": f.figure, "alt": f.alt} for f in self.figures]


def _fields(item: Value) -> dict:
    """A Value as plain data: what ``asdict`` gives, without its deep copy.

    >>> _fields(Value("total", "Total", 3.0, "USD"))["label"]
    'Total'
    """
    return {name: getattr(item, name) for name in _field_names(type(item))}


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, read once per class: ``fields`` works them out again on each call, and a reply
    turns dozens of values into data."""
    return tuple(each.name for each in fields(kind))
