"""The first-paint drawing of a calculator's chart: what a reader sees until Plotly.js draws the same chart.

It reads the same :class:`calculators.charts.Chart` as ``to_plotly`` and takes everything that decides the
chart's shape from ``calculators.charts``: the axis scales, ranges and ticks (``chart_frames``), the margins
around the plot area (``chart_margins``), which points are labelled and where (``label_positions``), and the
annotations' side (``annotation_rises``). It is drawn at the page's own size, not scaled from a fixed picture:
the plot area is a box inset by the margins in CSS px, and every point is placed in it by percentages, so at
390 px its text is 12 px, as Plotly's, and the plot area is where Plotly will draw it (tests/browser compares
the two). Text and axes use ``currentColor``, so the drawing follows the light and dark palettes. The chart's
title and legend are HTML around it (calculators/_html.py), shared with the live chart.

The drawing states what it drew (``data-x-scale``, ``data-x-range``, ``data-y-scale``, ``data-y-range``,
``data-traces``), so a test can compare it with the Plotly figure.
"""

from __future__ import annotations

from html import escape

from calculators.charts import (
    AXIS_TITLE_SIZE,
    COLORWAY,
    FONT_SIZE,
    LINE_SPACING,
    X_TICK_STANDOFF,
    AxisFrame,
    Chart,
    Series,
    annotation_rises,
    chart_frames,
    chart_margins,
    label_positions,
    marker_radius,
    text_offset,
    title_lines,
    x_tick_lines,
    x_title_top,
    y_title_centre,
)
from calculators.charts import fraction_along as fraction

DASHES = {"solid": "", "dot": "2 4", "dash": "8 5"}
ANCHORS = {"start": "start", "middle": "middle", "end": "end"}
Y_TICK_GAP = 3  # px between the plot and the y tick labels' right end, as Plotly draws them
BAR_WIDTH = 0.8  # of a category's slot, as Plotly's default bar gap (0.2) leaves it


def _pct(value: float) -> str:
    return f"{100 * value:.3f}".rstrip("0").rstrip(".") + "%"


def _range_text(frame: AxisFrame) -> str:
    return "" if frame.range is None else f"{frame.range[0]:g} {frame.range[1]:g}"


def render_svg(chart: Chart, label: str) -> str:
    """The drawing of a chart, with ``label`` as its accessible name.

    >>> from calculators.charts import Axis, Series
    >>> chart = Chart("Cost", Axis("stage", scale="category"), Axis("USD"), (Series("cost", ("a", "b"), (2, 3), style="bar"),))
    >>> html = render_svg(chart, "Cost")
    >>> html.startswith('<div class="calc__drawing"'), 'aria-label="Cost"' in html, 'data-x-scale="category"' in html
    (True, True, True)
    """
    x_frame, y_frame = chart_frames(chart)
    margins = chart_margins(chart, (x_frame, y_frame))
    axes = _grid(x_frame, y_frame) + _x_axis(chart, x_frame) + _y_axis(chart, y_frame)
    axes += _annotations(chart, x_frame, y_frame)
    data = []
    for i, (series, positions) in enumerate(zip(chart.series, label_positions(chart))):
        colour = COLORWAY[i % len(COLORWAY)]
        data.append(_bars(series, x_frame, y_frame, colour) if series.style == "bar"
                    else _trace(series, x_frame, y_frame, colour, positions))
    area = f"left:{margins.left}px;right:{margins.right}px;top:{margins.top}px;bottom:{margins.bottom}px"
    common = f'width="100%" height="100%" font-size="{FONT_SIZE}" fill="currentColor" aria-hidden="true"'
    return (
        f'<div class="calc__drawing" role="img" aria-label="{escape(label)}" '
        f'data-x-scale="{x_frame.scale}" data-x-range="{_range_text(x_frame)}" '
        f'data-y-scale="{y_frame.scale}" data-y-range="{_range_text(y_frame)}" data-traces="{len(chart.series)}">'
        f'<div class="calc__area" style="{area}">'
        # The axes may draw outside the plot area (tick labels, titles); the traces are clipped to it, as Plotly's are.
        f'<svg class="calc__svg" {common} overflow="visible">{"".join(axes)}</svg>'
        f'<svg class="calc__svg-data" {common} overflow="hidden">{"".join(data)}</svg>'
        "</div></div>"
    )


def _position(frame: AxisFrame, value, flip: bool = False) -> str:
    where = fraction(frame, value)
    return _pct(1 - where if flip else where)


def _grid(x_frame: AxisFrame, y_frame: AxisFrame) -> list[str]:
    lines = [f'<line x1="0" x2="100%" y1="{_position(y_frame, t, True)}" y2="{_position(y_frame, t, True)}" '
             'stroke="currentColor" stroke-opacity="0.15"/>' for t in y_frame.ticks]
    if x_frame.scale != "category":
        lines += [f'<line y1="0" y2="100%" x1="{_position(x_frame, t)}" x2="{_position(x_frame, t)}" '
                  'stroke="currentColor" stroke-opacity="0.15"/>' for t in x_frame.ticks]
    return lines


def _lines(lines, x: str, step: float, first: float = 0.0) -> str:
    """Text broken onto lines, each a tspan ``step`` px under the one before."""
    return "".join(f'<tspan x="{x}" dy="{first if i == 0 else step:g}">{escape(line)}</tspan>' for i, line in enumerate(lines))


def _x_axis(chart: Chart, frame: AxisFrame) -> list[str]:
    values = frame.tick_text if frame.scale == "category" else frame.ticks
    step = FONT_SIZE * LINE_SPACING
    out = []
    for value, lines in zip(values, x_tick_lines(chart, frame)):
        x = _position(frame, value)
        out.append(f'<text class="calc__tick" x="{x}" y="100%" text-anchor="middle">'
                   f"{_lines(lines, x, step, X_TICK_STANDOFF + 1.25 * FONT_SIZE)}</text>")
    # A title at a set distance under the plot, where the figure's title annotation is (calculators.charts).
    first = x_title_top(chart, frame) + 1.1 * AXIS_TITLE_SIZE
    out.append(f'<text class="calc__axis-title" x="50%" y="100%" font-size="{AXIS_TITLE_SIZE}" text-anchor="middle">'
               f'{_lines(title_lines(chart.x, "x"), "50%", AXIS_TITLE_SIZE * LINE_SPACING, first)}</text>')
    return out


def _y_axis(chart: Chart, frame: AxisFrame) -> list[str]:
    out = [f'<text class="calc__tick" x="-{Y_TICK_GAP}" y="{_position(frame, tick, True)}" dy="{FONT_SIZE * 0.35:g}" text-anchor="end">'
           f"{escape(text)}</text>" for tick, text in zip(frame.ticks, frame.tick_text)]
    # Turned a quarter anticlockwise about its own centre, centred on the plot at the chart's left edge.
    lines = title_lines(chart.y, "y")
    step = AXIS_TITLE_SIZE * LINE_SPACING
    centre = f"{y_title_centre(chart, frame):g}"
    first = AXIS_TITLE_SIZE * 0.35 - step * (len(lines) - 1) / 2
    turn = ' style="transform-box:fill-box;transform-origin:center;transform:rotate(-90deg)"'
    out.append(f'<text class="calc__axis-title" x="{centre}" y="50%" font-size="{AXIS_TITLE_SIZE}" text-anchor="middle"{turn}>'
               f"{_lines(lines, centre, step, first)}</text>")
    return out


def _annotations(chart: Chart, x_frame: AxisFrame, y_frame: AxisFrame) -> list[str]:
    out = []
    for a, rise in zip(chart.annotations, annotation_rises(chart)):
        anchor = "start" if fraction(x_frame, a.x) < 0.5 else "end"
        baseline = rise - 4 if rise < 0 else rise + 0.8 * FONT_SIZE + 2
        out.append(
            f'<svg x="{_position(x_frame, a.x)}" y="{_position(y_frame, a.y, True)}" overflow="visible">'
            f'<line x1="0" y1="0" x2="0" y2="{rise}" stroke="currentColor" stroke-width="1"/>'
            f'<text y="{baseline:g}" text-anchor="{anchor}">{escape(a.text)}</text></svg>'
        )
    return out


def _dash(series: Series) -> str:
    dash = DASHES[series.dash]
    return f' stroke-dasharray="{dash}"' if dash else ""


def _plottable(frame: AxisFrame, value) -> bool:
    if frame.scale == "category":
        return True
    return isinstance(value, (int, float)) and (frame.scale != "log" or value > 0)


def _trace(series: Series, x_frame: AxisFrame, y_frame: AxisFrame, colour: str, positions) -> str:
    points = [(fraction(x_frame, x), 1 - fraction(y_frame, y), x, y) for x, y in zip(series.x, series.y)
              if _plottable(x_frame, x) and _plottable(y_frame, y)]
    out = []
    if series.style in ("line", "line+markers") and len(points) > 1:
        # In a box scaled to the plot area; the stroke keeps its width in px however the box is stretched.
        path = " ".join(f"{1000 * fx:.1f},{1000 * fy:.1f}" for fx, fy, _, _ in points)
        out.append(
            '<svg viewBox="0 0 1000 1000" preserveAspectRatio="none" width="100%" height="100%" overflow="visible">'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'vector-effect="non-scaling-stroke"{_dash(series)}/></svg>'
        )
    radius = marker_radius(series)
    if radius:
        out += [_marker(series.symbol, _pct(fx), _pct(fy), radius, colour) for fx, fy, _, _ in points]
    for (x, y, text, position) in zip(series.x, series.y, series.labels, positions):
        if position is None:
            continue
        dx, dy, anchor = text_offset(position, radius)
        out.append(f'<text x="{_position(x_frame, x)}" y="{_position(y_frame, y, True)}" dx="{dx:g}" dy="{dy:g}" '
                   f'text-anchor="{ANCHORS[anchor]}">{escape(str(text))}</text>')
    return "".join(out)


def _marker(symbol: str, x: str, y: str, radius: float, colour: str) -> str:
    if symbol == "diamond":
        r = radius * 1.3
        return (f'<svg x="{x}" y="{y}" overflow="visible"><polygon points="0,{-r:g} {r:g},0 0,{r:g} {-r:g},0" '
                f'fill="{colour}"/></svg>')
    return f'<circle cx="{x}" cy="{y}" r="{radius:g}" fill="{colour}"/>'


def _bars(series: Series, x_frame: AxisFrame, y_frame: AxisFrame, colour: str) -> str:
    slot = 1 / max(len(x_frame.ticks), 1) if x_frame.scale == "category" else 0.02
    zero = 1 - fraction(y_frame, 0) if y_frame.scale != "log" else 1.0
    out = []
    labels = series.labels or [""] * len(series.x)
    for name, value, label in zip(series.x, series.y, labels):
        middle = fraction(x_frame, name)
        top = min(1 - fraction(y_frame, value), zero)
        height = abs(zero - (1 - fraction(y_frame, value)))
        out.append(f'<rect x="{_pct(middle - slot * BAR_WIDTH / 2)}" y="{_pct(top)}" width="{_pct(slot * BAR_WIDTH)}" '
                   f'height="{_pct(height)}" fill="{colour}"/>')
        if label:
            out.append(f'<text x="{_pct(middle)}" y="{_pct(top)}" dy="-4" text-anchor="middle">{escape(str(label))}</text>')
    return "".join(out)
