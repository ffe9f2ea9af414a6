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

import bisect
import math
from dataclasses import dataclass, field
from typing import Sequence

from ._errors import CalculatorError
from ._numbers import number_text

SCALES = ("linear", "log", "category")
STYLES = ("line", "markers", "line+markers", "bar")
DASHES = ("solid", "dot", "dash")
SYMBOLS = ("circle", "diamond")

TEXT_POSITIONS = ("top right", "top left", "bottom right", "bottom left", "middle right", "middle left",
                  "top center", "bottom center")
"""Where a point's label may go, as Plotly names the places around a point (its ``textposition``)."""
HIDDEN = None
"""The position of a point label that fits nowhere (:func:`label_positions`): it is not drawn."""

COLORWAY = ("#3f51b5", "#e4572e", "#17a398", "#a06cd5", "#f2a541", "#19a7ce", "#d6336c", "#7cb518")
"""Readable on white and on Material's slate background; both renderers use it in this order."""

__all__ = [
    "COLORWAY",
    "HIDDEN",
    "Annotation",
    "Axis",
    "AxisFrame",
    "Chart",
    "Series",
    "auto_axis",
    "axis_frame",
    "chart_frames",
    "Margins",
    "chart_margins",
    "fraction_along",
    "label_positions",
    "legend_entries",
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


def _once(function):
    """Work a chart's layout out once per chart: a Chart is frozen, so its frames and label places never change, and
    the page asks for them several times a keystroke (the Plotly figure, the legend, the margins)."""
    key = f"_{function.__name__}"

    def memo(chart: Chart):
        cached = chart.__dict__.get(key)
        if cached is None:
            cached = chart.__dict__[key] = function(chart)  # a frozen dataclass's __dict__ takes it all the same
        return cached

    memo.__name__, memo.__doc__, memo.__wrapped__ = function.__name__, function.__doc__, function
    return memo


@_once
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
    y_frame = axis_frame(chart.y, ys)
    return _fewer_ticks(axis_frame(chart.x, xs), _narrowest_plot(chart, y_frame)), y_frame


def _narrowest_plot(chart: Chart, y_frame: AxisFrame) -> float:
    """px across the plot area in the narrowest chart box, less room for the last x tick label (an estimate:
    the exact margins need the x ticks, which this is for)."""
    return BOXES[0][0] - _left_margin(chart, y_frame) - 40


def _fewer_ticks(frame: AxisFrame, width: float) -> AxisFrame:
    """The x ticks, thinned until no two neighbouring labels would touch in a plot ``width`` px across: a log axis
    first drops its 2s and 5s, then keeps every second (third...) power of ten; a linear axis keeps every second
    (third...) tick. A category axis keeps every name (long names wrap instead, :func:`x_tick_lines`).

    >>> frame = axis_frame(Axis("per month", scale="log"), [0.01, 99_000])
    >>> _fewer_ticks(frame, 200).tick_text
    ('0.01', '1', '100', '10,000')
    """
    if frame.scale == "category" or frame.range is None or len(frame.ticks) < 3:
        return frame
    text = dict(zip(frame.ticks, frame.tick_text))  # each tick's label, for every set of ticks tried

    def fits(ticks) -> bool:
        places = [fraction_along(frame, t) * width for t in ticks]
        sizes = [CHAR_WIDTH * 0.9 * len(text[t]) for t in ticks]
        return all(b - a >= (sa + sb) / 2 + 4 for a, b, sa, sb in zip(places, places[1:], sizes, sizes[1:]))

    candidates = [list(frame.ticks)]
    if frame.scale == "log":
        candidates.append([t for t in frame.ticks if math.log10(t) == round(math.log10(t))])
    base = candidates[-1]
    candidates += [base[::step] for step in range(2, len(base))]
    ticks = next((c for c in candidates if fits(c)), base[:1])
    return AxisFrame(frame.scale, frame.range, tuple(ticks), tuple(text[t] for t in ticks))


# ── Layout: the px both renderers share ─────────────────────────────────────────────────────
# The figure pins Plotly's sizes and margins, and the first-paint drawing (hooks/svg_chart.py) uses the same
# numbers, so the two draw the plot area at the same place at every width: nothing moves when Plotly takes over.

FONT_SIZE = 12
"""Tick labels, point labels, annotations, in px: Plotly's default size, which the first-paint drawing uses too."""
AXIS_TITLE_SIZE = 14
"""Axis titles, in px (Plotly's default)."""
CHAR_WIDTH = 7.0
"""px of a 12 px character: a little wider than the site font's digits and letters, so an estimate never falls short."""
LINE_SPACING = 1.3
"""Line height of a title broken onto several lines, in font sizes (Plotly's)."""
X_TITLE_WRAP, Y_TITLE_WRAP = 28, 34
"""Characters on a line of an axis title, so that it fits under (or beside) a plot on a 360 px phone."""
TICK_GAP, TITLE_GAP, TOP = 6, 10, 20
"""px between the plot and its tick labels, between tick labels and an axis title, and above the plot (half
a top tick label and Plotly's own padding: less, and Plotly pushes the plot down)."""
ANNOTATION_RISE = 28
"""px from an annotated point to its text (the arrow's length)."""

BOXES = ((286, 340), (316, 340), (340, 340), (646, 400), (694, 400), (711, 440))
"""The chart boxes a reader meets, (width, height) in CSS px: phones 360 to 414 px wide (17rem high) and the
desktop column at 768 to 1,600 px and over (20rem, and 22 px rems from 1,600 px). stylesheets/calculators.css
sets the heights. A label is placed only where it fits in all of them."""


@dataclass(frozen=True)
class Margins:
    """px between a chart's box and its plot area: room for the tick labels and the axis titles."""

    left: int
    right: int
    top: int
    bottom: int


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


def title_lines(axis: Axis, which: str) -> list[str]:
    """An axis title broken into the lines both renderers draw (``which`` is "x" or "y").

    >>> title_lines(Axis("training time on the cheapest machine (hours)"), "x")
    ['training time on the', 'cheapest machine (hours)']
    """
    return _wrap(axis.title, X_TITLE_WRAP if which == "x" else Y_TITLE_WRAP, "\n").split("\n")


def _left_margin(chart: Chart, y_frame: AxisFrame) -> float:
    widest = max((len(text) for text in y_frame.tick_text), default=1)
    return TICK_GAP + CHAR_WIDTH * widest + TITLE_GAP + AXIS_TITLE_SIZE * LINE_SPACING * len(title_lines(chart.y, "y"))


def x_tick_lines(chart: Chart, x_frame: AxisFrame | None = None) -> tuple[tuple[str, ...], ...]:
    """Each x tick label as the lines both renderers draw: a category name wider than its slot on a phone is
    broken at spaces; a number stays on one line.

    >>> chart = Chart("c", Axis("provider", scale="category"), Axis("USD"),
    ...               (Series("s", ("EC2", "Google Cloud ML", "Rescale"), (1, 2, 3), style="bar"),))
    >>> x_tick_lines(chart)
    (('EC2',), ('Google', 'Cloud ML'), ('Rescale',))
    """
    x_frame = x_frame or chart_frames(chart)[0]
    if x_frame.scale != "category":
        return tuple((text,) for text in x_frame.tick_text)
    slot = _narrowest_plot(chart, chart_frames(chart)[1]) / max(len(x_frame.tick_text), 1)
    width = max(int(slot / CHAR_WIDTH), 4)
    return tuple(tuple(_wrap(text, width, "\n").split("\n")) for text in x_frame.tick_text)


X_TICK_STANDOFF = 4
"""px between the plot's foot and the top of the x tick labels, so the first clears the lowest y label at the corner."""


def x_title_top(chart: Chart, x_frame: AxisFrame | None = None) -> float:
    """px from the plot's foot to the top of the x axis title: under the tick labels' lines."""
    lines = max((len(lines) for lines in x_tick_lines(chart, x_frame)), default=1)
    return X_TICK_STANDOFF + FONT_SIZE * LINE_SPACING * lines + 4


def y_title_centre(chart: Chart, y_frame: AxisFrame | None = None) -> float:
    """px from the plot's left edge to the centre of the y axis title, which is turned a quarter anticlockwise:
    at the chart's left edge, clear of the tick labels (the margin is made for both)."""
    y_frame = y_frame or chart_frames(chart)[1]
    lines = len(title_lines(chart.y, "y"))
    return -(math.ceil(_left_margin(chart, y_frame)) - 2 - AXIS_TITLE_SIZE * LINE_SPACING * lines / 2)


def chart_margins(chart: Chart, frames: tuple[AxisFrame, AxisFrame] | None = None) -> Margins:
    """The plot area's margins: the widest y tick label and the y title on the left, half the last x tick label on
    the right, the x tick labels and title below.

    >>> chart_margins(Chart("c", Axis("hours"), Axis("USD", prefix="$"), (Series("s", (0, 1), (0, 17)),)))
    Margins(left=56, right=16, top=20, bottom=44)
    """
    x_frame, y_frame = frames or chart_frames(chart)
    last = x_frame.tick_text[-1] if x_frame.tick_text and x_frame.scale != "category" else ""
    right = max(16.0, CHAR_WIDTH * len(last) / 2 + 12)  # Plotly keeps about 12 px past half the label
    bottom = x_title_top(chart, x_frame) + AXIS_TITLE_SIZE * LINE_SPACING * len(title_lines(chart.x, "x")) + 2
    return Margins(math.ceil(_left_margin(chart, y_frame)), math.ceil(right), TOP, math.ceil(bottom))


def shows_legend(chart: Chart) -> bool:
    """Whether the chart names its series in a legend: asked for (the default), and more than nothing to name."""
    return chart.legend and bool(chart.series)


def legend_entries(chart: Chart) -> tuple[tuple[str, str, str, str, tuple[str, ...]], ...]:
    """Each series as its legend names it, in chart order: (name, colour, dash, marker, left out), where marker is
    "", "circle" or "diamond" and "left out" the point labels :func:`label_positions` found no room for.

    The legend is HTML under the chart (calculators/_html.py), the same at first paint and live, and wraps onto as
    many rows as the width needs: every series is named without hovering, however many there are, and so is every
    labelled point whose label would have covered another point.

    >>> legend_entries(Chart("c", Axis("x"), Axis("y"), (Series("EC2", (0,), (1,), style="line+markers"),)))
    (('EC2', '#3f51b5', 'solid', 'circle', ()),)
    """
    if not shows_legend(chart):
        return ()
    return tuple(
        (s.name, COLORWAY[i % len(COLORWAY)], s.dash, s.symbol if marker_radius(s) else "",
         tuple(str(text) for text, place in zip(s.labels, positions) if str(text) and place is None))
        for i, (s, positions) in enumerate(zip(chart.series, label_positions(chart)))
    )


# ── Which points get a label, and where: one rule for both renderers ─────────────────────────


def fraction_along(frame: AxisFrame, value) -> float:
    """Where a value sits along an axis, from 0 (low end) to 1 (high end); a category at the middle of its slot.

    >>> fraction_along(AxisFrame("log", (1, 100), (), ()), 10), fraction_along(AxisFrame("category", None, (0, 1), ("a", "b")), "b")
    (0.5, 0.75)
    """
    if frame.scale == "category":
        names = list(frame.tick_text)
        index = names.index(str(value)) if str(value) in names else 0
        return (index + 0.5) / max(len(names), 1)
    low, high = frame.range
    if frame.scale == "log":
        value, low, high = math.log10(max(float(value), 1e-300)), math.log10(low), math.log10(high)
    return (float(value) - low) / (high - low) if high > low else 0.5


def marker_radius(series: Series) -> float:
    """px radius of a series' point markers (0 for a line or bars): Plotly's marker size is a diameter."""
    return {"markers": 5.0, "line+markers": 3.5}.get(series.style, 0.0)


def text_offset(position: str, radius: float) -> tuple[float, float, str]:
    """(dx, dy, anchor) of a point label's baseline from its point, as Plotly places text on a scatter trace.

    Plotly sets text ``r = radius / 0.8 + 1`` px from a marker's centre (nothing without markers), right of it
    for "right", and its baseline at ``0.75 em`` below the point less ``r`` and one line for "top".

    >>> text_offset("top right", 5.0), text_offset("bottom center", 0.0)
    ((7.25, -10.25, 'start'), (0.0, 9.0, 'middle'))
    """
    vertical, horizontal = position.split(" ")
    r = radius / 0.8 + 1 if radius else 0.0
    dx = {"right": r, "left": -r}.get(horizontal, 0.0)
    dy = {"top": -0.25 * FONT_SIZE - r, "bottom": 0.75 * FONT_SIZE + r}.get(vertical, 0.25 * FONT_SIZE)
    return dx, dy, {"right": "start", "left": "end"}.get(horizontal, "middle")


def _text_box(x: float, y: float, text: str, dx: float, dy: float, anchor: str) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in px (y down) of a line of text whose baseline starts at (x + dx, y + dy)."""
    width = CHAR_WIDTH * len(text)
    left = x + dx - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    baseline = y + dy
    return left, baseline - 0.8 * FONT_SIZE, left + width, baseline + 0.25 * FONT_SIZE


def annotation_rises(chart: Chart) -> tuple[int, ...]:
    """px from each annotated point to its text, negative (the text above) unless the point is in the plot's
    top quarter, where the text goes below so that it stays in the chart.

    >>> annotation_rises(Chart("c", Axis("x"), Axis("y"), (Series("s", (0, 10), (0, 10)),),
    ...                        annotations=(Annotation(5, 5, "low"), Annotation(5, 9.5, "high"))))
    (-28, 28)
    """
    _, y_frame = chart_frames(chart)
    return tuple(ANNOTATION_RISE if fraction_along(y_frame, a.y) > 0.75 else -ANNOTATION_RISE for a in chart.annotations)


def annotation_box(x: float, y: float, text: str, rise: int, x_fraction: float) -> tuple[float, float, float, float]:
    """px box of an annotation's text: it reaches from its point towards the middle of the plot."""
    anchor = "start" if x_fraction < 0.5 else "end"
    baseline = y + rise - 4 if rise < 0 else y + rise + 0.8 * FONT_SIZE + 2
    return _text_box(x, 0.0, text, 0.0, baseline, anchor)


def _clashes(box, boxes, slack: float = 1.0) -> bool:
    return any(box[0] < b[2] - slack and b[0] < box[2] - slack and box[1] < b[3] - slack and b[1] < box[3] - slack
               for b in boxes)


def _choices(x_fraction: float) -> tuple[str, ...]:
    """The places to try for a label, best first: beside the point towards the middle, then away, then centred."""
    inward, outward = ("right", "left") if x_fraction < 0.5 else ("left", "right")
    return (f"top {inward}", f"bottom {inward}", f"middle {inward}", f"top {outward}", f"bottom {outward}",
            f"middle {outward}", "top center", "bottom center")


@_once
def label_positions(chart: Chart) -> tuple[tuple[str | None, ...], ...]:
    """Where each point label goes (one of :data:`TEXT_POSITIONS`, or :data:`HIDDEN` for none), per series.

    The one rule both renderers follow. A label is drawn only where, in every chart box a reader meets
    (:data:`BOXES`), it stays inside the plot and covers no point marker, no annotation and no label placed before
    it; of the places around its point (:func:`_choices`) the first that fits everywhere is taken. A label that fits
    nowhere is left out: its point keeps its name on hover and in the tables. Bars are labelled above their top.

    >>> chart = Chart("c", Axis("x"), Axis("y", range=(0, 4)),
    ...               (Series("s", (1, 1.3, 9), (2, 2, 2), "markers", labels=("a long one", "another", "far right")),))
    >>> label_positions(chart)
    (('top right', 'bottom right', 'top left'),)
    >>> crowd = Series("cloud", [x / 10 for x in range(10, 90)], [5 + (x % 7) / 10 for x in range(10, 90)], "markers")
    >>> label_positions(Chart("c", Axis("x"), Axis("y"), (crowd, Series("best", (5,), (5.3,), "markers", labels=("p4d",)))))
    ((), (None,))
    """
    frames = chart_frames(chart)
    x_frame, y_frame = frames
    margins = chart_margins(chart, frames)
    areas = [(w - margins.left - margins.right, h - margins.top - margins.bottom) for w, h in BOXES]
    points = [
        (fraction_along(x_frame, x), 1 - fraction_along(y_frame, y), radius, index, number)
        for index, series in enumerate(chart.series)
        if (radius := marker_radius(series))
        for number, (x, y) in enumerate(zip(series.x, series.y))
        if _plottable(x_frame, x) and _plottable(y_frame, y)
    ]
    # Every marker sorted along the x axis, an order every box shares (a label looks only at the markers under its
    # span); per box, the boxes of the annotations and of the labels placed so far.
    along = sorted(points)
    fractions = [fx for fx, *_ in along]
    placed: list[list[tuple]] = [[] for _ in areas]
    for a, rise in zip(chart.annotations, annotation_rises(chart)):
        fx, fy = fraction_along(x_frame, a.x), 1 - fraction_along(y_frame, a.y)
        for k, (w, h) in enumerate(areas):
            placed[k].append(annotation_box(fx * w, fy * h, a.text, rise, fx))
    widest = max((2 * r for *_, r, _, _ in points), default=0.0)
    out = []
    for index, series in enumerate(chart.series):
        if not series.labels or series.style == "bar":
            out.append(())
            continue
        radius = marker_radius(series)
        positions: list[str | None] = []
        for number, (x, y, text) in enumerate(zip(series.x, series.y, series.labels)):
            text = str(text)
            if not text or not (_plottable(x_frame, x) and _plottable(y_frame, y)):
                positions.append(None)
                continue
            fx, fy = fraction_along(x_frame, x), 1 - fraction_along(y_frame, y)
            chosen = None
            for choice in _choices(fx):
                dx, dy, anchor = text_offset(choice, radius)
                boxes = [_text_box(fx * w, fy * h, text, dx, dy, anchor) for w, h in areas]
                if all(_fits(box, w, h) and not _clashes(box, placed[k])
                       and not _covers_marker(box, (w, h), (along, fractions), widest, (index, number))
                       for k, (box, (w, h)) in enumerate(zip(boxes, areas))):
                    chosen = choice
                    for k, box in enumerate(boxes):
                        placed[k].append(box)
                    break
            positions.append(chosen)
        out.append(tuple(positions))
    return tuple(out)


def _plottable(frame: AxisFrame, value) -> bool:
    if frame.scale == "category":
        return True
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    low, high = frame.range
    return low <= value <= high and (frame.scale != "log" or value > 0)


def _fits(box, width: float, height: float) -> bool:
    return box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height


def _covers_marker(box, area: tuple[float, float], markers, widest: float, own) -> bool:
    """Whether a label's px box in a plot ``area`` (width, height) covers the marker of a point other than ``own``.

    ``markers`` holds the markers (x and y fractions, radius, series, point) sorted by x fraction, and those
    fractions: only the markers within ``widest`` px of the box's span are looked at (a marker reaches half that from
    its centre). The width is above 0: only a box that fits the plot is asked about.
    """
    (width, height), (along, fractions) = area, markers
    left, top, right, bottom = box
    start = bisect.bisect_left(fractions, (left - widest) / width)
    end = bisect.bisect_right(fractions, (right + widest) / width)
    # _clashes with no slack, against each marker's box (x - r, y - r, x + r, y + r), written out: this is the
    # innermost test of the label rule.
    return any((i, n) != own and left < fx * width + r and fx * width - r < right
               and top < fy * height + r and fy * height - r < bottom
               for fx, fy, r, i, n in along[start:end])


# ── Plotly ─────────────────────────────────────────────────────────────────────────────────

PLOTLY_MODES = {"line": "lines", "markers": "markers", "line+markers": "lines+markers"}


def _plotly_trace(series: Series, positions: tuple[str | None, ...]) -> dict:
    if series.style == "bar":
        trace = {"type": "bar", "name": series.name, "x": list(series.x), "y": [round(v, 4) for v in series.y]}
    else:
        mode = PLOTLY_MODES[series.style] + ("+text" if any(positions) else "")
        trace = {
            "type": "scatter",
            "mode": mode,
            "name": series.name,
            "x": [round(v, 6) if isinstance(v, float) else v for v in series.x],
            "y": [round(v, 4) for v in series.y],
            "line": {"dash": series.dash},
            "marker": {"symbol": series.symbol, "size": 2 * marker_radius(series) or 6},
        }
    if series.labels and series.style == "bar":
        trace["text"] = list(series.labels)
        trace["textposition"] = "outside"
    elif any(positions):
        # Only the labels the rule placed (label_positions); a point left without one keeps its name on hover.
        trace["text"] = [str(text) if place else "" for text, place in zip(series.labels, positions)]
        trace["textposition"] = [place or "top center" for place in positions]
    if series.hover or series.labels:
        trace["hovertext"] = [str(text) for text in (series.hover or series.labels)]
        trace["hoverinfo"] = "text" if series.hover else "x+y+text"
    return trace


def _plotly_axis(axis: Axis, frame: AxisFrame, ticks: tuple[tuple[str, ...], ...] | None = None) -> dict:
    # The title is an annotation at a set distance from the plot (to_plotly), not Plotly's axis title, which
    # Plotly places by the measured width of the tick labels: the first-paint drawing could not match it.
    out: dict = {
        "type": frame.scale,
        "automargin": True,  # only if a label is wider than the margins allow: the shape test would then fail
        "tickangle": 0,
        "tickfont": {"size": FONT_SIZE},
    }
    if frame.range is not None:
        low, high = frame.range
        out["range"] = [math.log10(low), math.log10(high)] if frame.scale == "log" else [low, high]
        out["tickmode"] = "array"
        out["tickvals"] = list(frame.ticks)
        out["ticktext"] = list(frame.tick_text)
    elif ticks is not None:
        out["tickmode"] = "array"
        out["tickvals"] = list(frame.tick_text)
        out["ticktext"] = ["<br>".join(lines) for lines in ticks]
    if ticks is not None:
        out["ticklabelstandoff"] = X_TICK_STANDOFF
    if axis.prefix:
        out["tickprefix"] = axis.prefix
    return out


def _title_annotations(chart: Chart, frames: tuple[AxisFrame, AxisFrame]) -> list[dict]:
    """The axis titles, at the px from the plot that the first-paint drawing uses."""
    x_frame, y_frame = frames
    common = {"xref": "paper", "yref": "paper", "showarrow": False, "font": {"size": AXIS_TITLE_SIZE}}
    return [
        {**common, "text": "<br>".join(title_lines(chart.x, "x")), "x": 0.5, "y": 0, "xanchor": "center",
         "yanchor": "top", "yshift": -x_title_top(chart, x_frame)},
        {**common, "text": "<br>".join(title_lines(chart.y, "y")), "x": 0, "y": 0.5, "xanchor": "center",
         "yanchor": "middle", "xshift": y_title_centre(chart, y_frame), "textangle": -90},
    ]


def to_plotly(chart: Chart) -> dict:
    """The Plotly figure dict of a chart: explicit ranges and ticks from :func:`axis_frame`, the margins of
    :func:`chart_margins`, and the point labels :func:`label_positions` placed.

    The chart's title and legend are not in the figure: they are HTML around the chart (calculators/_html.py),
    the same at first paint and live, and wrap at any width.

    >>> chart = Chart("c", Axis("x", scale="log"), Axis("y"), (Series("s", (1, 100), (5, 7), labels=("a", "b")),))
    >>> figure = to_plotly(chart)
    >>> figure["layout"]["xaxis"]["range"], figure["data"][0]["mode"], figure["layout"]["showlegend"]
    ([0.0, 2.0], 'lines+text', False)
    """
    frames = chart_frames(chart)
    x_frame, y_frame = frames
    margins = chart_margins(chart, frames)
    layout = {
        "colorway": list(COLORWAY),
        "font": {"size": FONT_SIZE},
        "xaxis": _plotly_axis(chart.x, x_frame, x_tick_lines(chart, x_frame)),
        "yaxis": _plotly_axis(chart.y, y_frame),
        "showlegend": False,
        "margin": {"l": margins.left, "r": margins.right, "t": margins.top, "b": margins.bottom},
        "hovermode": "closest",
    }
    layout["annotations"] = _title_annotations(chart, frames)
    if chart.annotations:
        # The text reaches from its point towards the middle of the plot, so one near an edge stays inside it.
        layout["annotations"] += [
            {"x": math.log10(a.x) if x_frame.scale == "log" else a.x,
             "y": math.log10(a.y) if y_frame.scale == "log" else a.y,
             "text": a.text, "showarrow": True, "arrowhead": 0, "ax": 0, "ay": rise,
             "xanchor": "left" if fraction_along(x_frame, a.x) < 0.5 else "right",
             "yanchor": "bottom" if rise < 0 else "top", "font": {"size": FONT_SIZE}}
            for a, rise in zip(chart.annotations, annotation_rises(chart))
        ]
    positions = label_positions(chart)
    return {"data": [_plotly_trace(s, p) for s, p in zip(chart.series, positions)], "layout": layout}

def auto_axis(title: str, values: Sequence[float], prefix: str = "", spread: float = 50.0) -> Axis:
    """An axis that turns logarithmic when its positive values span more than ``spread`` times.

    >>> auto_axis("USD", [1, 10]).scale, auto_axis("USD", [1, 1000]).scale
    ('linear', 'log')
    """
    positive = [v for v in _numbers(values) if v > 0]
    wide = bool(positive) and max(positive) > spread * min(positive)
    return Axis(title, scale="log" if wide else "linear", prefix=prefix)
