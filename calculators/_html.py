"""Results as HTML: one renderer for the page built in CPython and the page live in Pyodide.

Everything shown is escaped here; the page's JavaScript only swaps this HTML in and hands
the figure dicts to Plotly, so it needs to know nothing about any calculator.
"""

from __future__ import annotations

import json
from html import escape

from ._result import Figure, Result, Table
from .charts import Chart, legend_entries, to_plotly


def render_results(result: Result, svg: dict[str, str] | None = None, headline: tuple[str, ...] = (),
                   rows: int | None = None) -> str:
    """Return the results block: the answer, the headline figures, the charts, then everything else folded.

    ``svg`` maps a figure name to a static drawing used until Plotly draws the figure; ``headline``
    names the values shown first (the calculator's declaration chooses them). A widget shows the first two
    (:func:`render_lead`) above its form, and the rest (:func:`render_rest`) under it.

    >>> from calculators import calculate
    >>> html = render_results(calculate("pipeline", preset="nanogpt-note"), headline=("total",))
    >>> html.index('class="calc__answer"') < html.index("$3,186.88") < html.index('class="calc__details"')
    True
    """
    return render_lead(result, headline) + render_rest(result, svg, headline, rows)


def _headline(result: Result, headline: tuple[str, ...]) -> list:
    return [v for name in headline for v in result.values if v.name == name]


def render_lead(result: Result, headline: tuple[str, ...] = ()) -> str:
    """The answer sentence and the headline figures: what a widget keeps in view while the reader edits its form.

    >>> from calculators import calculate
    >>> render_lead(calculate("pipeline", preset="nanogpt-note"), ("total",)).count("<dd")
    1
    """
    first = _headline(result, headline)
    parts = [f'<p class="calc__answer">{escape(result.sentence)}</p>'] if result.sentence else []
    parts += [_values(first, "calc__values calc__values--headline")] if first else []
    return "".join(parts)


def render_rest(result: Result, svg: dict[str, str] | None = None, headline: tuple[str, ...] = (),
                rows: int | None = None) -> str:
    """The charts, then every other figure, table and note folded under one summary; with ``rows``, each table
    only its first rows (the page asks for that while the block is folded: a ranked table of every machine is most
    of a reply, and no reader sees it until they open the block)."""
    svg = svg or {}
    rest = [v for v in result.values if v.name not in headline]  # what _headline leaves: values of the other names
    notes = tuple(note for note in result.notes if note != result.sentence)
    details = [_values(rest, "calc__values")] if rest else []
    details += [_notes(notes)] if notes else []
    details += [_table(table, rows) for table in result.tables]
    parts = [_figure(figure, svg.get(figure.name, "")) for figure in result.figures]
    if details:
        # data-table: the page keeps a block the reader opened open when the results are redrawn.
        parts.append(
            '<details class="calc__details" data-table="details"><summary>Every figure, table and note</summary>'
            + "".join(details)
            + "</details>"
        )
    return "".join(parts)


def _values(values, classes: str) -> str:
    items = "".join(
        f'<div class="calc__item" data-value="{escape(v.name)}"><dt>{escape(v.label)}</dt>'
        f'<dd class="calc__value">{escape(v.text)}</dd></div>'
        for v in values
    )
    return f'<dl class="{classes}">{items}</dl>'


def _figure(figure: Figure, static: str) -> str:
    # A group, not an image: Plotly draws controls into it, and an image may hold none. The figure
    # takes its name from the caption, which states the chart's numbers.
    return (
        f'<figure class="calc__figure" data-figure="{escape(figure.name)}">{_chart_title(figure.chart)}'
        f'<div class="calc__plot" role="group" aria-label="{escape(figure.title)}">{static}</div>'
        f'{_legend(figure.chart)}<figcaption class="calc__alt">{escape(figure.alt)}</figcaption></figure>'
    )


def _chart_title(chart: Chart) -> str:
    """The chart's title above its plot, as text that wraps at any width (the plot's group is named by it too)."""
    return f'<p class="calc__chart-title" aria-hidden="true">{escape(chart.title)}</p>'


DASH_PATTERNS = {"solid": "", "dot": "2 4", "dash": "8 5"}


def _legend(chart: Chart) -> str:
    """The series' names under the chart, each after a swatch of its line and marker, wrapping onto as many rows
    as the width needs; a point label that had no room on the chart is named after its series.

    >>> from calculators.charts import Axis, Series
    >>> _legend(Chart("c", Axis("x"), Axis("y"), (Series("spot", (0,), (1,), dash="dot"),)))  # doctest: +ELLIPSIS
    '<ul class="calc__legend" aria-hidden="true"><li><svg ...stroke-dasharray="2 4"/></svg>spot</li></ul>'
    """
    items = []
    for name, colour, dash, marker, left_out in legend_entries(chart):
        pattern = f' stroke-dasharray="{DASH_PATTERNS[dash]}"' if DASH_PATTERNS[dash] else ""
        mark = {
            "circle": f'<circle cx="12" cy="6" r="3.5" fill="{colour}"/>',
            "diamond": f'<polygon points="12,1.5 16.5,6 12,10.5 7.5,6" fill="{colour}"/>',
        }.get(marker, "")
        line = f'<line x1="1" x2="23" y1="6" y2="6" stroke="{colour}" stroke-width="2.5"{pattern}/>'
        named = f"{escape(name)}: {escape(', '.join(left_out))}" if left_out else escape(name)
        items.append(f'<li><svg class="calc__swatch" width="24" height="12">{line}{mark}</svg>{named}</li>')
    # Hidden from screen readers: the caption (.calc__alt) states every series with its numbers.
    return f'<ul class="calc__legend" aria-hidden="true">{"".join(items)}</ul>' if items else ""


def _notes(notes: tuple[str, ...]) -> str:
    return '<ul class="calc__notes">' + "".join(f"<li>{escape(note)}</li>" for note in notes) + "</ul>"


def _table(table: Table, rows: int | None = None) -> str:
    """A table folded under its title; with ``rows``, only its first rows and a line saying how many more there are."""
    head = "".join(f'<th scope="col">{escape(column.heading)}</th>' for column in table.shown)
    texts = table.text_rows(rows)
    body = "".join("<tr>" + "".join(f"<td>{escape(text)}</td>" for text in row) + "</tr>" for row in texts)
    if len(texts) < len(table.rows):
        more = len(table.rows) - len(texts)
        body += (f'<tr class="calc__more"><td colspan="{len(table.shown)}">{more:,} more rows, shown once this block '
                 "is open (and all of them in the downloads)</td></tr>")
    return (
        f'<details class="calc__table" data-table="{escape(table.name)}"><summary>{escape(table.title)}</summary>'
        f'<div class="md-typeset__table"><table><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def figures_json(result: Result) -> str:
    """The figure dicts, keyed by name, as JSON safe to put inside a <script> element.

    >>> figures_json(Result(values=()))
    '{}'
    """
    return _script_safe_json({figure.name: figure.figure for figure in result.figures})


def _script_safe_json(data) -> str:
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(chart: Chart, caption: str) -> str:
    """A chart on its own, outside a calculator (a notebook's output): an empty plot box and a caption.

    The page script finds the box by its ``data-chart-figure`` attribute and draws the figure with
    the site's own Plotly.js in the page's colours, light or dark, as it draws a calculator's charts.
    The page carries no script of its own for it, so the Content-Security-Policy needs no new hash.

    How does the figure of a two-bar chart travel? As escaped JSON in the attribute:

    >>> from calculators.charts import Axis, Series
    >>> chart = Chart("Cheaper today", Axis("when", scale="category"), Axis("USD", prefix="$"),
    ...               (Series("cost", ("2015", "today"), (9.63, 42.12), style="bar"),))
    >>> html = chart_html(chart, "A 96-hour spot job then and now.")
    >>> html.startswith('<figure class="calc__figure calc__figure--chart"><p class="calc__chart-title"')
    True
    >>> 'aria-label="Cheaper today"' in html, "<figcaption>A 96-hour spot job then and now.</figcaption>" in html
    (True, True)
    >>> import json, html as markup
    >>> figure = json.loads(markup.unescape(html.split('data-chart-figure="')[1].split('"')[0]))
    >>> figure["data"][0]["y"], figure["layout"]["yaxis"]["tickprefix"]
    ([9.63, 42.12], '$')
    """
    return (
        f'<figure class="calc__figure calc__figure--chart">{_chart_title(chart)}'
        f'<div class="calc__plot" role="group" aria-label="{escape(chart.title)}" '
        f'data-chart-figure="{escape(_script_safe_json(to_plotly(chart)))}"></div>'
        f"{_legend(chart)}<figcaption>{escape(caption)}</figcaption></figure>"
    )
