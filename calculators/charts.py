"""The site's chart vocabulary: a closed set of chart options, and the one way to turn a chart into Plotly.

A calculator describes a chart as data (:class:`Chart`, :class:`Axis`, :class:`Series`,
:class:`Annotation`) and never touches a Plotly dict. Two renderers read the same chart: Plotly's
(:func:`to_plotly`, in the browser) and the first-paint SVG (``hooks/svg_chart.py``, at build).
Both take their axis scales, ranges and ticks from :func:`axis_frame`, so the chart a reader sees at
first paint has the shape of the one Plotly draws once Python is live.

Plotly is not imported: it is not in the browser's Python.

>>> chart = Chart("Cost", Axis("sessions"), Axis("USD", prefix="$"), (Series("EC2", (0, 1), (10, 17)),))
>>> figure = to_plotly(chart)
>>> figure["layout"]["xaxis"]["type"], figure["layout"]["yaxis"]["range"]
('linear', [0, 20])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from ._errors import CalculatorError
from ._numbers import number_text

SCALES = ("linear", "log", "category")
STYLES = ("line", "markers", "line+markers", "bar")
DASHES = ("solid", "dot", "dash")
SYMBOLS = ("circle", "diamond")

LEGEND_MAX = 8
"""A chart with more series than this has no legend (each line is named on hover): more entries do not fit
under a chart on a phone, and a legend that scrolls or overflows hides names and covers the axis title."""

TEXT_POSITIONS = ("top right", "top left", "bottom right", "bottom left")
HIDDEN = ""
"""The position of a point label that fits nowhere inside the plot clear of the others: it is not drawn."""

COLORWAY = ("#3f51b5", "#e4572e", "#17a398", "#a06cd5", "#f2a541", "#19a7ce", "#d6336c", "#7cb518")
"""Readable on white and on Material's slate background; both renderers use it in this order."""

__all__ = [
    "COLORWAY",
    "Annotation",
    "Axis",
    "AxisFrame",
    "Chart",
    "Series",
    "auto_axis",
    "axis_frame",
    "chart_frames",
    "label_positions",
    "legend_rows",
    "log_grid",
    "nice_ticks",
    "shows_legend",
    "to_plotly",
]


@dataclass(frozen=True)
class Axis:
    """One axis: its title, scale (linear, log or category), optional range and tick prefix.

    ``years`` puts ticks on whole years (a decimal-year axis). ``range`` is in data units, for a
    log axis too; without it the range is worked out from the data by :func:`axis_frame`.
    """

    title: str
    scale: str = "linear"
    range: tuple[float, float] | None = None
    prefix: str = ""
    years: bool = False

    def __post_init__(self) -> None:
        _one_of("scale", self.scale, SCALES)
        if self.range is not None:
            low, high = self.range
            if not low < high or (self.scale == "log" and low <= 0):
                raise CalculatorError(f"axis {self.title!r} range must rise (and be > 0 on a log axis): {self.range}")


@dataclass(frozen=True)
class Series:
    """One trace: points drawn as a line, markers, both, or bars.

    ``labels`` are drawn beside the points (keep them few); ``hover`` is shown on hover only.
    """

    name: str
    x: Sequence
    y: Sequence[float]
    style: str = "line"
    dash: str = "solid"
    symbol: str = "circle"
    labels: Sequence[str] = ()
    hover: Sequence[str] = ()

    def __post_init__(self) -> None:
        _one_of("style", self.style, STYLES)
        _one_of("dash", self.dash, DASHES)
        _one_of("symbol", self.symbol, SYMBOLS)
        for name in ("y", "labels", "hover"):
            items = getattr(self, name)
            if items and len(items) != len(self.x):
                raise CalculatorError(f"series {self.name!r} has {len(self.x)} x values but {len(items)} {name}")


@dataclass(frozen=True)
class Annotation:
    """A short text placed at a data point, e.g. "break-even: 28.3 h"."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart: title, two axes, its series and annotations."""

    title: str
    x: Axis
    y: Axis
    series: tuple[Series, ...]
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)
    legend: bool = True


@dataclass(frozen=True)
class AxisFrame:
    """How an axis is drawn: scale, range (data units) and tick values with their text."""

    scale: str
    range: tuple[float, float] | None
    ticks: tuple[float, ...]
    tick_text: tuple[str, ...]


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise CalculatorError(f"chart {name} must be one of {', '.join(allowed)}: {value!r}")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high].

    >>> nice_ticks(0, 47)
    [0, 10, 20, 30, 40, 50]
    >>> nice_ticks(0, 0), nice_ticks(0, 5e-324)
    ([0, 1], [0, 1])
    """
    raw = (high - low) / count
    if not raw > 1e-300 or not math.isfinite(raw):  # nothing to span (or too little to tell apart)
        return [low, low + 1]
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        rounded = round(value, 10)
        ticks.append(int(round(value)) if float(rounded).is_integer() else rounded)
        value += step
    return ticks


def log_grid(low: float, high: float, steps: int) -> list[float]:
    """Where does a curve on a log axis from ``low`` to ``high`` take its ``steps + 1`` points? Evenly in the log.

    From 1 to 1,000 in three steps: 1, 10, 100 and 1,000 (up to float rounding):

    >>> [round(x, 9) for x in log_grid(1, 1000, 3)]
    [1.0, 10.0, 100.0, 1000.0]
    """
    return [low * (high / low) ** (i / steps) for i in range(steps + 1)]


def _tick_text(value: float, prefix: str) -> str:
    """A tick label: ``$1,000``, ``0.1``, ``2.5``."""
    return f"{prefix}{number_text(value)}"


def _log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten from ``low`` to ``high`` (both powers of ten), with 2 and 5 between when there are few.

    >>> _log_ticks(1, 100)
    [1, 2, 5, 10, 20, 50, 100]
    >>> _log_ticks(0.01, 1000)
    [0.01, 0.1, 1, 10, 100, 1000]
    """
    first, last = round(math.log10(low)), round(math.log10(high))
    steps = (1, 2, 5) if last - first <= 3 else (1,)
    ticks = []
    for power in range(first, last + 1):
        for step in steps:
            value = step * 10.0**power
            if value <= high * (1 + 1e-9):
                ticks.append(int(value) if value >= 1 else round(value, 12))
    return ticks


def _numbers(values: Sequence) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]


def axis_frame(axis: Axis, values: Sequence) -> AxisFrame:
    """How to draw an axis over ``values``: the one rule both renderers follow.

    A linear axis starts at zero (or below, for negative values) and ends on a round tick; a log
    axis spans whole decades around the positive values; a year axis puts ticks on whole years
    with a little room at each end. An axis's own ``range`` wins.

    >>> axis_frame(Axis("h"), [3, 47]).range
    (0, 50)
    >>> frame = axis_frame(Axis("per month", scale="log"), [0.03, 250])
    >>> frame.range, frame.tick_text[:3]
    ((0.01, 1000.0), ('0.01', '0.1', '1'))
    >>> frame = axis_frame(Axis("year", years=True), [2015.89, 2026.83])
    >>> frame.range, frame.ticks[:2]
    ((2014.7, 2027.3), (2015, 2017))
    """
    if axis.scale == "category":
        names = tuple(str(v) for v in values)
        return AxisFrame("category", None, tuple(range(len(names))), names)
    numbers = _numbers(values)
    if axis.scale == "log":
        positive = [v for v in numbers if v > 1e-300] or [1.0]
        low, high = axis.range or (10.0 ** math.floor(math.log10(min(positive))), 10.0 ** math.ceil(math.log10(max(positive))))
        if high <= low:
            high = low * 10
        low_decade, high_decade = 10.0 ** math.floor(math.log10(low) + 1e-9), 10.0 ** math.ceil(math.log10(high) - 1e-9)
        ticks = [t for t in _log_ticks(low_decade, high_decade) if low * (1 - 1e-9) <= t <= high * (1 + 1e-9)]
        return AxisFrame("log", (low, high), tuple(ticks), tuple(_tick_text(t, axis.prefix) for t in ticks))
    if axis.years:
        first, last = math.floor(min(numbers, default=2000)), math.ceil(max(numbers, default=2001))
        last = max(last, first + 1)
        step = 1 if last - first <= 8 else 2
        ticks = list(range(first, last + 1, step))
        if ticks[-1] < last:
            ticks.append(ticks[-1] + step)
        low, high = axis.range or (round(ticks[0] - 0.3, 2), round(ticks[-1] + 0.3, 2))
        shown = [t for t in ticks if low <= t <= high]
        return AxisFrame("linear", (low, high), tuple(shown), tuple(str(t) for t in shown))
    if axis.range:
        low, high = axis.range
        ticks = [t for t in nice_ticks(low, high) if low <= t <= high]
    else:
        ticks = nice_ticks(min([0.0, *numbers]), max([0.0, *numbers]))
        low, high = ticks[0], ticks[-1]
    return AxisFrame("linear", (low, high), tuple(ticks), tuple(_tick_text(t, axis.prefix) for t in ticks))


def chart_frames(chart: Chart) -> tuple[AxisFrame, AxisFrame]:
    """The x and y frames of a chart, from all its series and annotations.

    >>> x, y = chart_frames(Chart("c", Axis("x", scale="log"), Axis("y"), (Series("s", (1, 100), (5, 7)),)))
    >>> x.range, y.range
    ((1.0, 100.0), (0, 8))
    """
    xs = [x for s in chart.series for x in s.x] + [a.x for a in chart.annotations]
    ys = [y for s in chart.series for y in s.y] + [a.y for a in chart.annotations]
    if chart.x.scale == "category":
        xs = list(dict.fromkeys(x for s in chart.series for x in s.x))
    return axis_frame(chart.x, xs), axis_frame(chart.y, ys)


# The smallest plot area a chart gets (a phone, 390 px wide): labels placed to fit it fit everywhere.
_NOMINAL_PLOT = (280.0, 150.0)
_CHAR_WIDTH, _LABEL_HEIGHT, _LABEL_GAP = 6.6, 14.0, 5.0
_EDGE = 6.0
"""How far a label keeps from the plot's top and bottom: a phone's live plot is a little shorter than the nominal one
when its title or legend wraps onto more lines."""


def _fraction(frame: AxisFrame, value) -> float:
    """Where a value sits along an axis, from 0 (low end) to 1 (high end)."""
    if frame.scale == "category":
        names = list(frame.tick_text)
        index = names.index(str(value)) if str(value) in names else 0
        return (index + 0.5) / max(len(names), 1)
    low, high = frame.range
    if frame.scale == "log":
        value, low, high = math.log10(max(float(value), 1e-300)), math.log10(low), math.log10(high)
    return (float(value) - low) / (high - low) if high > low else 0.5


def _label_box(x: float, y: float, text: str, position: str) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom, in px of the nominal plot, y down) of a label at a point."""
    width = _CHAR_WIDTH * len(text)
    left = x + _LABEL_GAP if position.endswith("right") else x - _LABEL_GAP - width
    top = y - _LABEL_GAP - _LABEL_HEIGHT if position.startswith("top") else y + _LABEL_GAP
    return left, top, left + width, top + _LABEL_HEIGHT


def _annotation_box(annotation: Annotation, x_frame: AxisFrame, y_frame: AxisFrame) -> tuple[float, float, float, float]:
    """The box an annotation's text takes in the nominal plot: 28 px above its point, reaching towards the middle
    (as both renderers draw it), so point labels keep clear of it."""
    plot_w, plot_h = _NOMINAL_PLOT
    px = _fraction(x_frame, annotation.x) * plot_w
    py = (1 - _fraction(y_frame, annotation.y)) * plot_h - 28
    width = _CHAR_WIDTH * len(annotation.text)
    left = px if px < plot_w / 2 else px - width
    return left, py - _LABEL_HEIGHT / 2, left + width, py + _LABEL_HEIGHT / 2


def _clashes(box, boxes) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def label_positions(chart: Chart) -> tuple[tuple[str, ...], ...]:
    """Where each point label goes (one of :data:`TEXT_POSITIONS` per label, per series), in both renderers.

    Each label goes on the side of its point that faces the middle of the plot (so one at an edge stays
    inside it), above if it fits, and moves to another side when it would cover a label placed before it; a
    label with no side inside the plot and clear of the others is not drawn (:data:`HIDDEN`).
    Bars are labelled above their top and need no choice.

    >>> labels = ("a long one", "another", "far right")
    >>> chart = Chart("c", Axis("x"), Axis("y"), (Series("s", (1, 1.3, 9), (2, 2, 2), "markers", labels=labels),),
    ...               annotations=(Annotation(5, 10, "top"),))
    >>> label_positions(chart)
    (('top right', 'bottom right', 'top left'),)
    """
    x_frame, y_frame = chart_frames(chart)
    plot_w, plot_h = _NOMINAL_PLOT
    placed = [_annotation_box(a, x_frame, y_frame) for a in chart.annotations]
    out = []
    for series in chart.series:
        if not series.labels or series.style == "bar":
            out.append(())
            continue
        positions = []
        for x, y, text in zip(series.x, series.y, series.labels):
            px = _fraction(x_frame, x) * plot_w
            py = (1 - _fraction(y_frame, y)) * plot_h
            inward = ("right", "left") if px < plot_w / 2 else ("left", "right")
            upward = ("top", "bottom") if py > _LABEL_HEIGHT + _LABEL_GAP + _EDGE else ("bottom", "top")
            choices = [f"{v} {h}" for v in upward for h in inward]
            boxes = {c: _label_box(px, py, str(text), c) for c in choices}
            within = [c for c in choices if boxes[c][0] >= 0 and boxes[c][2] <= plot_w
                      and boxes[c][1] >= _EDGE and boxes[c][3] <= plot_h - _EDGE]
            free = [c for c in choices if str(text) and not _clashes(boxes[c], placed)]
            # Inside the plot and clear of the others, or not drawn at all (HIDDEN): a label outside the plot sits
            # on the axes' tick labels or is cut off, one on another label is unreadable; the point keeps its name
            # on hover and in the table.
            fitting = [c for c in free if c in within]
            choice = fitting[0] if fitting else HIDDEN
            if str(text) and fitting:
                placed.append(boxes[choice])
            positions.append(choice)
        out.append(tuple(positions))
    return tuple(out)


def shows_legend(chart: Chart) -> bool:
    """Whether the chart draws a legend: asked for, and with no more than :data:`LEGEND_MAX` series."""
    return chart.legend and len(chart.series) <= LEGEND_MAX


def _wrap(text: str, width: int, separator: str = "<br>") -> str:
    """Break text at spaces into lines of at most ``width`` characters (a longer word stays whole).

    >>> _wrap("Best trade-offs (no option is both faster and cheaper)", 30)
    'Best trade-offs (no option is<br>both faster and cheaper)'
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return separator.join(lines)


# Line lengths (characters) that fit a phone-width chart: the title's font is larger than the axes'.
TITLE_WRAP, AXIS_WRAP, LEGEND_WRAP = 34, 40, 30

PLOTLY_MODES = {"line": "lines", "markers": "markers", "line+markers": "lines+markers"}


def _plotly_trace(series: Series, positions: tuple[str, ...], legend: bool = True) -> dict:
    # A name wraps only to fit a legend; with none (too many series), it is shown whole on hover.
    name = _wrap(series.name, LEGEND_WRAP) if legend else series.name
    if series.style == "bar":
        trace = {"type": "bar", "name": name, "x": list(series.x), "y": [round(v, 4) for v in series.y]}
    else:
        mode = PLOTLY_MODES[series.style] + ("+text" if series.labels else "")
        trace = {
            "type": "scatter",
            "mode": mode,
            "name": name,
            "x": [round(v, 6) if isinstance(v, float) else v for v in series.x],
            "y": [round(v, 4) for v in series.y],
            "line": {"dash": series.dash},
            "marker": {"symbol": series.symbol, "size": 10 if series.style == "markers" else 7},
        }
    if series.labels:
        # Each label faces the middle of the plot and avoids the others (label_positions); one that cannot is blank.
        trace["text"] = [text if series.style == "bar" or position != HIDDEN else ""
                         for text, position in zip(series.labels, positions or [TEXT_POSITIONS[0]] * len(series.labels))]
        trace["textposition"] = "outside" if series.style == "bar" else [p or TEXT_POSITIONS[0] for p in positions]
    if series.hover:
        trace["hovertext"] = list(series.hover)
        trace["hoverinfo"] = "text"
    return trace


def _plotly_axis(axis: Axis, frame: AxisFrame) -> dict:
    out: dict = {"title": {"text": _wrap(axis.title, AXIS_WRAP)}, "type": frame.scale, "automargin": True}
    if frame.range is not None:
        low, high = frame.range
        out["range"] = [math.log10(low), math.log10(high)] if frame.scale == "log" else [low, high]
        out["tickmode"] = "array"
        out["tickvals"] = list(frame.ticks)
        out["ticktext"] = list(frame.tick_text)
    if axis.prefix:
        out["tickprefix"] = axis.prefix
    return out


_PHONE_LEGEND_WIDTH = 300.0  # px a legend row has on a phone


def legend_rows(chart: Chart, width: float = _PHONE_LEGEND_WIDTH) -> int:
    """How many rows the legend takes at ``width`` px: entries (a symbol and a name of up to
    :data:`LEGEND_WRAP` characters a line) packed left to right.

    >>> legend_rows(Chart("c", Axis("x"), Axis("y"), tuple(Series(f"machine {i}", (0,), (0,)) for i in range(4))))
    2
    """
    if not shows_legend(chart):
        return 0
    rows, used = 1, 0.0
    for series in chart.series:
        lines = _wrap(series.name, LEGEND_WRAP).split("<br>")
        entry = 40 + _CHAR_WIDTH * max(len(line) for line in lines)
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
        rows += len(lines) - 1
    return rows


def _bottom_margin(chart: Chart) -> int:
    """Room under the plot: tick labels, the x axis title's lines, and the legend's rows at a phone's width."""
    title_lines = _wrap(chart.x.title, AXIS_WRAP).count("<br>") + 1
    return 30 + 20 * title_lines + 20 * legend_rows(chart) + 6


def to_plotly(chart: Chart) -> dict:
    """The Plotly figure dict of a chart, with explicit ranges and ticks from :func:`axis_frame`.

    >>> chart = Chart("c", Axis("x", scale="log"), Axis("y"), (Series("s", (1, 100), (5, 7), labels=("a", "b")),))
    >>> figure = to_plotly(chart)
    >>> figure["layout"]["xaxis"]["range"], figure["data"][0]["mode"]
    ([0.0, 2.0], 'lines+text')
    """
    x_frame, y_frame = chart_frames(chart)
    title = _wrap(chart.title, TITLE_WRAP)
    layout = {
        "title": {"text": title},
        "colorway": list(COLORWAY),
        "xaxis": _plotly_axis(chart.x, x_frame),
        "yaxis": _plotly_axis(chart.y, y_frame),
        "showlegend": shows_legend(chart),
        # At the foot of the chart, entries wrapping onto as many rows as the width needs; the bottom margin
        # holds the x axis (ticks and title) and, under it, the legend's rows at a phone's width.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        "margin": {"l": 60, "r": 20, "t": 50 + 20 * title.count("<br>"), "b": _bottom_margin(chart)},
        "hovermode": "closest",
    }
    if chart.annotations:
        # The text reaches from its point towards the middle of the plot, so one near an edge stays inside it.
        layout["annotations"] = [
            {"x": math.log10(a.x) if x_frame.scale == "log" else a.x,
             "y": math.log10(a.y) if y_frame.scale == "log" else a.y,
             "text": a.text, "showarrow": True, "arrowhead": 0, "ax": 0, "ay": -28,
             "xanchor": "left" if _fraction(x_frame, a.x) < 0.5 else "right"}
            for a in chart.annotations
        ]
    positions = label_positions(chart)
    legend = shows_legend(chart)
    return {"data": [_plotly_trace(s, p, legend) for s, p in zip(chart.series, positions)], "layout": layout}


def auto_axis(title: str, values: Sequence[float], prefix: str = "", spread: float = 50.0) -> Axis:
    """An axis that turns logarithmic when its positive values span more than ``spread`` times.

    >>> auto_axis("USD", [1, 10]).scale, auto_axis("USD", [1, 1000]).scale
    ('linear', 'log')
    """
    positive = [v for v in _numbers(values) if v > 0]
    wide = bool(positive) and max(positive) > spread * min(positive)
    return Axis(title, scale="log" if wide else "linear", prefix=prefix)
