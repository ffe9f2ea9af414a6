"""Static SVG drawings of the calculators' Plotly figure dicts, for the page's first paint.

The page shows this drawing until Plotly.js replaces it, and keeps it when JavaScript is off.
It draws the two kinds of figure the calculators make (scatter lines and markers, bars) and
uses ``currentColor`` for text and axes, so it follows the light and dark palettes.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 80
MAX_LABELS = 6
FALLBACK_COLORWAY = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high].

    >>> nice_ticks(0, 47)
    [0, 10, 20, 30, 40, 50]
    >>> nice_ticks(0, 0)
    [0, 1]
    """
    if high <= low:
        return [low, low + 1]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        ticks.append(round(value, 10) if not float(round(value, 10)).is_integer() else int(round(value)))
        value += step
    return ticks


def render_svg(figure: dict, label: str) -> str:
    """Draw a figure dict as an inline SVG element with ``label`` as its accessible name.

    >>> svg = render_svg({"data": [{"type": "bar", "x": ["a"], "y": [2]}], "layout": {}}, "Cost")
    >>> svg.startswith('<svg') and 'aria-label="Cost"' in svg
    True

    An x axis with its own ``tickvals`` and ``ticktext`` (a year axis) is drawn over those ticks:

    >>> years = {"data": [{"x": [2017.2, 2026.83], "y": [1, 2]}],
    ...          "layout": {"xaxis": {"tickvals": [2016, 2028], "ticktext": ["2016", "2028"]}}}
    >>> '>2016</text>' in render_svg(years, "Cost") and '2,016' not in render_svg(years, "Cost")
    True
    """
    traces = figure.get("data", [])
    layout = figure.get("layout", {})
    colours = tuple(layout.get("colorway") or FALLBACK_COLORWAY)
    prefix = layout.get("yaxis", {}).get("tickprefix", "")
    bars = [t for t in traces if t.get("type") == "bar"]
    ys = [y for t in traces for y in t.get("y", [])]
    y_ticks = nice_ticks(min([0, *ys]), max([0, *ys]))
    y_low, y_high = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_pos(y: float) -> float:
        return TOP + plot_h - (y - y_low) / (y_high - y_low) * plot_h

    parts = [_axes(y_ticks, y_pos, prefix, layout)]
    height = HEIGHT
    if bars:
        parts.append(_bars(bars[0], y_pos, plot_w, colours[0]))
    else:
        xs = [x for t in traces for x in t.get("x", [])]
        # A figure that fixes its x ticks (Plotly's tickvals, e.g. whole years) is drawn over them, not from 0.
        x_ticks = list(layout.get("xaxis", {}).get("tickvals") or [])
        if len(x_ticks) < 2:
            x_ticks = nice_ticks(min([0, *xs]), max([0, *xs]))
        x_low, x_high = x_ticks[0], x_ticks[-1]

        def x_pos(x: float) -> float:
            return LEFT + (x - x_low) / (x_high - x_low) * plot_w

        parts.append(_x_axis(x_ticks, x_pos, layout))
        parts.extend(_trace(t, colours[i % len(colours)], x_pos, y_pos) for i, t in enumerate(traces))
        legend, rows = _legend(traces, colours)
        parts.append(legend)
        height += max(rows - 1, 0) * LEGEND_ROW
    title = escape(layout.get("title", {}).get("text", ""))
    return (
        f'<svg class="calc__svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="currentColor">'
        f'<text x="{LEFT}" y="22" font-size="15">{title}</text>{"".join(parts)}</svg>'
    )


def _axes(ticks: list[float], y_pos, prefix: str, layout: dict) -> str:
    lines = []
    for tick in ticks:
        y = y_pos(tick)
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(prefix)}{tick:,}</text>'
        )
    y_title = escape(layout.get("yaxis", {}).get("title", {}).get("text", ""))
    lines.append(f'<text transform="translate(16 {TOP + (HEIGHT - TOP - BOTTOM) / 2:.0f}) rotate(-90)" text-anchor="middle">{y_title}</text>')
    return "".join(lines)


def _x_axis(ticks: list[float], x_pos, layout: dict) -> str:
    base = HEIGHT - BOTTOM
    xaxis = layout.get("xaxis", {})
    texts = (xaxis.get("ticktext") or []) if list(xaxis.get("tickvals") or []) == list(ticks) else []
    shown = [escape(str(texts[i])) if i < len(texts) else f"{t:,}" for i, t in enumerate(ticks)]
    labels = "".join(f'<text x="{x_pos(t):.1f}" y="{base + 16}" text-anchor="middle">{text}</text>'
                     for t, text in zip(ticks, shown))
    x_title = escape(layout.get("xaxis", {}).get("title", {}).get("text", ""))
    return labels + f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" y="{base + 34}" text-anchor="middle">{x_title}</text>'


def _trace(trace: dict, colour: str, x_pos, y_pos) -> str:
    points = list(zip(trace.get("x", []), trace.get("y", [])))
    mode = trace.get("mode", "lines")
    if "lines" in mode:
        path = " ".join(f"{x_pos(x):.1f},{y_pos(y):.1f}" for x, y in points)
        dash = DASHES.get((trace.get("line") or {}).get("dash", ""))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        line = f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        if "markers" not in mode:
            return line
        return line + "".join(f'<circle cx="{x_pos(x):.1f}" cy="{y_pos(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in points)
    # Label the points only when there are few (break-evens); a cloud of labelled points is unreadable.
    texts = trace.get("text", [""] * len(points)) if len(points) <= MAX_LABELS else [""] * len(points)
    return "".join(
        f'<circle cx="{x_pos(x):.1f}" cy="{y_pos(y):.1f}" r="5" fill="{colour}"/>'
        f'<text x="{x_pos(x):.1f}" y="{y_pos(y) - 9:.1f}" text-anchor="middle">{escape(str(text))}</text>'
        for (x, y), text in zip(points, texts)
    )


def _bars(trace: dict, y_pos, plot_w: float, colour: str) -> str:
    labels, values = trace.get("x", []), trace.get("y", [])
    slot = plot_w / max(len(labels), 1)
    out = []
    for i, (label, value) in enumerate(zip(labels, values)):
        x = LEFT + i * slot + slot * 0.15
        top, base = y_pos(max(value, 0)), y_pos(min(value, 0))
        out.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{base - top:.1f}" fill="{colour}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(str(label))}</text>'
        )
    return "".join(out)


LEGEND_ROW = 18
DASHES = {"dot": "2 4", "dash": "8 5", "dashdot": "8 4 2 4", "longdash": "14 5"}


def _legend(traces: list[dict], colours: tuple[str, ...]) -> tuple[str, int]:
    """The legend under the plot, wrapped onto as many rows as it needs; returns the SVG and the row count.

    >>> svg, rows = _legend([{"name": f"machine number {i}"} for i in range(9)], ("#000",))
    >>> rows, svg.count("<text")
    (3, 9)
    """
    out, x, row = [], LEFT, 0
    for index, trace in enumerate(traces):
        name = trace.get("name", "")
        width = 28 + 7 * len(name)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = LEFT, row + 1
        colour = colours[index % len(colours)]
        y = HEIGHT - 26 + row * LEGEND_ROW
        dash = DASHES.get((trace.get("line") or {}).get("dash", ""))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x}" x2="{x + 14}" y1="{y + 2}" y2="{y + 2}" stroke="{colour}" stroke-width="4"{dash_attr}/>'
            f'<text x="{x + 20}" y="{y + 6}">{escape(name)}</text>'
        )
        x += width
    return "".join(out), row + 1 if traces else 0
