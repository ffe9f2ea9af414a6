"""Static SVG drawings of the calculators' charts, for the page's first paint.

The page shows this drawing until Plotly.js replaces it, and keeps it when JavaScript is off. It
reads the same :class:`calculators.charts.Chart` as ``to_plotly`` and takes its axis scales,
ranges and ticks from ``chart_frames``, so a log axis is drawn as log and a range as a range in
both. Text and axes use ``currentColor``, so the drawing follows the light and dark palettes.

The ``<svg>`` element states what it drew (``data-x-scale``, ``data-x-range``, ``data-y-scale``,
``data-y-range``, ``data-traces``), so a test can compare it with the Plotly figure.
"""

from __future__ import annotations

import math
from html import escape

from calculators.charts import COLORWAY, AxisFrame, Chart, Series, chart_frames, label_positions, shows_legend

WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 80
MAX_LABELS = 8
LEGEND_ROW = 18
CHAR_WIDTH = 7  # px of a 12 px character, about: for room at the ends of an axis
OFFSETS = {"top right": (6, -7, "start"), "top left": (-6, -7, "end"), "bottom right": (6, 16, "start"),
           "bottom left": (-6, 16, "end")}
DASHES = {"solid": "", "dot": "2 4", "dash": "8 5"}


def scaler(frame: AxisFrame, start: float, length: float):
    """A function from a data value to a position along an axis of ``length`` pixels from ``start``.

    Log axes place values by their logarithm: 10 sits halfway between 1 and 100.

    >>> position = scaler(AxisFrame("log", (1, 100), (1, 10, 100), ("1", "10", "100")), 0, 200)
    >>> position(1), position(10), position(100)
    (0.0, 100.0, 200.0)
    """
    low, high = frame.range if frame.range else (0.0, 1.0)
    if frame.scale == "log":
        low, high = math.log10(low), math.log10(high)

        def position(value: float) -> float:
            value = math.log10(value) if value > 0 else low
            return start + (value - low) / (high - low) * length

        return position
    return lambda value: start + (value - low) / (high - low) * length


def _range_text(frame: AxisFrame) -> str:
    return "" if frame.range is None else f"{frame.range[0]:g} {frame.range[1]:g}"


def render_svg(chart: Chart, label: str) -> str:
    """Draw a chart as an inline SVG element with ``label`` as its accessible name.

    >>> from calculators.charts import Axis, Series
    >>> chart = Chart("Cost", Axis("stage", scale="category"), Axis("USD"), (Series("cost", ("a", "b"), (2, 3), style="bar"),))
    >>> svg = render_svg(chart, "Cost")
    >>> svg.startswith('<svg') and 'aria-label="Cost"' in svg and 'data-x-scale="category"' in svg
    True
    """
    x_frame, y_frame = chart_frames(chart)
    # Room on the right for half the last x tick label, which is centred on the plot's right edge.
    right = RIGHT if x_frame.scale == "category" or not x_frame.tick_text else max(
        RIGHT, CHAR_WIDTH * len(x_frame.tick_text[-1]) / 2 + 4)
    plot_w, plot_h = WIDTH - LEFT - right, HEIGHT - TOP - BOTTOM
    y_pos_raw = scaler(y_frame, 0, plot_h)

    def y_pos(value: float) -> float:
        return TOP + plot_h - y_pos_raw(value)

    if x_frame.scale == "category":
        slot = plot_w / max(len(x_frame.ticks), 1)
        index = {name: i for i, name in enumerate(x_frame.tick_text)}

        def x_pos(value) -> float:
            return LEFT + (index[str(value)] + 0.5) * slot
    else:
        slot = 0.0
        x_pos = scaler(x_frame, LEFT, plot_w)

    parts = [_y_axis(y_frame, y_pos, chart.y.title, LEFT + plot_w), _x_axis(x_frame, x_pos, chart.x.title, plot_w)]
    # Traces are clipped to the plot area, as Plotly clips them, so a curve past the axis range stops at its edge.
    # A nested <svg> clips to its own box and needs no id: two charts on one page cannot share a clip by mistake.
    box = f"{LEFT} {TOP - 18} {plot_w:g} {plot_h + 24}"
    parts.append(f'<svg x="{LEFT}" y="{TOP - 18}" width="{plot_w:g}" height="{plot_h + 24}" viewBox="{box}" overflow="hidden">')
    for i, (series, positions) in enumerate(zip(chart.series, label_positions(chart))):
        colour = COLORWAY[i % len(COLORWAY)]
        parts.append(_bars(series, x_pos, y_pos, slot, colour) if series.style == "bar"
                     else _trace(series, colour, x_pos, y_pos, positions))
    parts.append("</svg>")
    # An annotation reaches from its point towards the middle, so one near an edge stays inside the chart.
    middle = LEFT + plot_w / 2
    parts += [
        f'<text x="{x_pos(a.x):.1f}" y="{y_pos(a.y) - 12:.1f}" text-anchor="{"start" if x_pos(a.x) < middle else "end"}">'
        f"{escape(a.text)}</text>"
        for a in chart.annotations
    ]
    height = HEIGHT
    if shows_legend(chart):
        legend, rows = _legend(chart.series)
        parts.append(legend)
        height += max(rows - 1, 0) * LEGEND_ROW
    return (
        f'<svg class="calc__svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="currentColor" '
        f'data-x-scale="{x_frame.scale}" data-x-range="{_range_text(x_frame)}" '
        f'data-y-scale="{y_frame.scale}" data-y-range="{_range_text(y_frame)}" data-traces="{len(chart.series)}">'
        f'<text x="{LEFT}" y="22" font-size="15">{escape(chart.title)}</text>{"".join(parts)}</svg>'
    )


def _y_axis(frame: AxisFrame, y_pos, title: str, plot_right: float) -> str:
    lines = []
    for tick, text in zip(frame.ticks, frame.tick_text):
        y = y_pos(tick)
        lines.append(
            f'<line x1="{LEFT}" x2="{plot_right:g}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    lines.append(
        f'<text transform="translate(16 {TOP + (HEIGHT - TOP - BOTTOM) / 2:.0f}) rotate(-90)" text-anchor="middle">'
        f"{escape(title)}</text>"
    )
    return "".join(lines)


def _x_axis(frame: AxisFrame, x_pos, title: str, plot_w: float) -> str:
    # Tick labels sit low enough that the first one clears the y axis's bottom label at the corner.
    base = HEIGHT - BOTTOM
    values = frame.tick_text if frame.scale == "category" else frame.ticks
    labels = "".join(
        f'<text x="{x_pos(value):.1f}" y="{base + 20}" text-anchor="middle">{escape(text)}</text>'
        for value, text in zip(values, frame.tick_text)
    )
    return labels + f'<text x="{LEFT + plot_w / 2:.0f}" y="{base + 38}" text-anchor="middle">{escape(title)}</text>'


def _dash(series: Series) -> str:
    dash = DASHES[series.dash]
    return f' stroke-dasharray="{dash}"' if dash else ""


def _trace(series: Series, colour: str, x_pos, y_pos, positions: tuple[str, ...] = ()) -> str:
    points = [(x_pos(x), y_pos(y)) for x, y in zip(series.x, series.y)]
    out = []
    if series.style in ("line", "line+markers"):
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{_dash(series)}/>')
    if series.style in ("markers", "line+markers"):
        radius = 5 if series.style == "markers" else 3.5
        out += [_marker(series.symbol, x, y, radius, colour) for x, y in points]
    # Label the points only when there are few; a cloud of labelled points is unreadable.
    if series.labels and len(points) <= MAX_LABELS:
        for (x, y), text, position in zip(points, series.labels, positions or ["top right"] * len(points)):
            if not position:  # charts.HIDDEN: no side of its point fits (label_positions)
                continue
            dx, dy, anchor = OFFSETS[position]
            out.append(f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{escape(str(text))}</text>')
    return "".join(out)


def _marker(symbol: str, x: float, y: float, radius: float, colour: str) -> str:
    if symbol == "diamond":
        r = radius * 1.3
        return f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"/>'


def _bars(series: Series, x_pos, y_pos, slot: float, colour: str) -> str:
    out = []
    zero = y_pos(0) if slot else 0
    labels = series.labels or [""] * len(series.x)
    for name, value, label in zip(series.x, series.y, labels):
        middle = x_pos(name)
        top, base = min(y_pos(value), zero), max(y_pos(value), zero)
        out.append(
            f'<rect x="{middle - slot * 0.35:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{max(base - top, 1):.1f}" '
            f'fill="{colour}"/>'
        )
        if label:
            out.append(f'<text x="{middle:.1f}" y="{top - 5:.1f}" text-anchor="middle">{escape(str(label))}</text>')
    return "".join(out)


def _legend(series: tuple[Series, ...]) -> tuple[str, int]:
    """The legend under the plot, wrapped onto as many rows as it needs; returns the SVG and the row count.

    >>> svg, rows = _legend(tuple(Series(f"machine number {i}", (0,), (0,)) for i in range(9)))
    >>> rows, svg.count("<text")
    (3, 9)
    """
    out, x, row = [], LEFT, 0
    for index, item in enumerate(series):
        width = 28 + 7 * len(item.name)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = LEFT, row + 1
        colour = COLORWAY[index % len(COLORWAY)]
        y = HEIGHT - 26 + row * LEGEND_ROW
        out.append(
            f'<line x1="{x}" x2="{x + 14}" y1="{y + 2}" y2="{y + 2}" stroke="{colour}" stroke-width="4"{_dash(item)}/>'
            f'<text x="{x + 20}" y="{y + 6}">{escape(item.name)}</text>'
        )
        x += width
    return "".join(out), row + 1 if series else 0
