"""The chart vocabulary: one chart, drawn the same by Plotly and by the first-paint SVG."""

from __future__ import annotations

import math
import re
import sys

import pytest

from calculators import CALCULATORS, CalculatorError, calculate
from calculators.charts import (
    BOXES,
    CHAR_WIDTH,
    FONT_SIZE,
    Annotation,
    Axis,
    Chart,
    Series,
    chart_frames,
    chart_margins,
    fraction_along,
    label_positions,
    legend_entries,
    marker_radius,
    text_offset,
    to_plotly,
)
from calculators._html import render_results
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not (ROOT / "hooks").is_dir(), reason="build-time code is not staged for the Pyodide run")

CASES = [(name, None) for name in CALCULATORS] + [
    (name, preset) for name, calc in CALCULATORS.items() for preset in calc.presets
]


def _render_svg():
    sys.path.insert(0, str(ROOT / "hooks"))
    from svg_chart import render_svg

    return render_svg


def _svg_frame(svg: str, axis: str) -> tuple[str, tuple[float, float] | None]:
    scale = re.search(rf'data-{axis}-scale="([a-z]+)"', svg).group(1)
    text = re.search(rf'data-{axis}-range="([^"]*)"', svg).group(1)
    return scale, tuple(float(part) for part in text.split()) if text else None


def _plotly_frame(layout: dict, axis: str) -> tuple[str, tuple[float, float] | None]:
    spec = layout[f"{axis}axis"]
    if "range" not in spec:
        return spec["type"], None
    low, high = spec["range"]
    if spec["type"] == "log":
        low, high = 10**low, 10**high
    return spec["type"], (low, high)


@pytest.mark.parametrize("name, preset", CASES, ids=[f"{n}-{p or 'defaults'}" for n, p in CASES])
def test_first_paint_svg_and_plotly_agree_on_axes_and_traces(name, preset):
    """Every chart of every preset: the SVG and the Plotly figure have the same axis types, ranges and trace count."""
    render_svg = _render_svg()
    for figure in calculate(name, preset=preset).figures:
        svg = render_svg(figure.chart, figure.title)
        plotly = figure.figure
        for axis in ("x", "y"):
            svg_scale, svg_range = _svg_frame(svg, axis)
            plot_scale, plot_range = _plotly_frame(plotly["layout"], axis)
            assert svg_scale == plot_scale, (figure.name, axis)
            if plot_range is None:
                assert svg_range is None
            else:
                assert svg_range == pytest.approx(plot_range, rel=1e-6), (figure.name, axis)
        assert int(re.search(r'data-traces="(\d+)"', svg).group(1)) == len(plotly["data"])


def test_the_spot_pages_first_paint_chart_has_a_log_x_axis():
    """The spot chart's x axis (interruptions a month, spanning decades) is log in the first-paint drawing too."""
    render_svg = _render_svg()
    figure = calculate("spot").figures[0]
    assert _svg_frame(render_svg(figure.chart, figure.title), "x")[0] == "log"
    assert figure.figure["layout"]["xaxis"]["type"] == "log"


def test_a_log_axis_is_drawn_as_log_in_the_svg():
    """On a log axis 1, 10 and 100 sit at equal distances: 10 is halfway between 1 and 100, not near 1."""
    render_svg = _render_svg()
    chart = Chart("c", Axis("x", scale="log"), Axis("y"), (Series("s", (1, 10, 100), (1, 1, 1), style="markers"),))
    centres = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)%"', render_svg(chart, "c"))]
    assert len(centres) == 3
    assert centres[1] - centres[0] == pytest.approx(centres[2] - centres[1], abs=0.2)


def test_plotly_gets_the_log_range_in_decades():
    """Plotly's log range is in powers of ten; the SVG's is in data units; both describe 0.01 to 1,000."""
    chart = Chart("c", Axis("x", scale="log"), Axis("y"), (Series("s", (0.03, 250), (1, 2)),))
    assert to_plotly(chart)["layout"]["xaxis"]["range"] == pytest.approx([-2, 3])


@pytest.mark.parametrize(
    "make",
    [
        lambda: Series("s", (1,), (1,), style="area"),
        lambda: Series("s", (1,), (1,), dash="wiggly"),
        lambda: Series("s", (1, 2), (1,)),
        lambda: Axis("x", scale="symlog"),
        lambda: Axis("x", scale="log", range=(0, 10)),
    ],
)
def test_the_vocabulary_is_closed(make):
    """An option outside the vocabulary, or a series whose lengths disagree, is refused with a CalculatorError."""
    with pytest.raises(CalculatorError):
        make()


def test_a_chart_with_no_points_still_draws():
    """No data (nothing can hold the run) gives a drawable frame both ways, not an error."""
    render_svg = _render_svg()
    chart = Chart("empty", Axis("h", scale="log"), Axis("USD"), (Series("s", (), ()),))
    assert "<svg" in render_svg(chart, "empty")
    assert math.isfinite(to_plotly(chart)["layout"]["xaxis"]["range"][0])


FIGURES = [
    pytest.param(figure, id=f"{name}-{preset or 'defaults'}-{figure.name}")
    for name, preset in CASES
    for figure in calculate(name, preset=preset).figures
]


def _label_box(x, y, text, position, radius):
    """A label's px box (left, top, right, bottom; y down), worked out from Plotly's text placement: the text
    starts r = radius / 0.8 + 1 px beside its point, its baseline 0.75 em below the point, less r and one line
    for "top"; a 12 px line takes CHAR_WIDTH a character, 0.8 em above its baseline and 0.25 em below."""
    dx, dy, anchor = text_offset(position, radius)
    width = CHAR_WIDTH * len(text)
    left = x + dx - {"start": 0, "middle": width / 2, "end": width}[anchor]
    return left, y + dy - 0.8 * FONT_SIZE, left + width, y + dy + 0.25 * FONT_SIZE


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("figure", FIGURES)
def test_no_point_label_covers_a_point_or_another_label(figure):
    """In every chart box a reader meets (a 360 px phone to a 1,600 px desktop), each label that is drawn lies in
    the plot and covers no other point's marker and no other label."""
    chart = figure.chart
    x_frame, y_frame = chart_frames(chart)
    margins = chart_margins(chart)
    positions = label_positions(chart)
    for width, height in BOXES:
        w, h = width - margins.left - margins.right, height - margins.top - margins.bottom
        where = lambda x, y: (fraction_along(x_frame, x) * w, (1 - fraction_along(y_frame, y)) * h)  # noqa: E731
        markers = [(i, n, *where(x, y), marker_radius(s)) for i, s in enumerate(chart.series) if marker_radius(s)
                   for n, (x, y) in enumerate(zip(s.x, s.y))]
        labels = [(i, n, _label_box(*where(x, y), str(text), place, marker_radius(s)))
                  for i, (s, places) in enumerate(zip(chart.series, positions))
                  for n, (x, y, text, place) in enumerate(zip(s.x, s.y, s.labels, places)) if place]
        for i, n, box in labels:
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h, (width, box)
            for j, m, mx, my, r in markers:
                assert (i, n) == (j, m) or not _overlap(box, (mx - r, my - r, mx + r, my + r)), (width, i, n, j, m)
        for a, (_, _, one) in enumerate(labels):
            for _, _, other in labels[a + 1:]:
                assert not _overlap(one, other), (width, one, other)


def test_the_cost_to_train_labels_no_longer_sit_on_other_points():
    """The issue's case: on cost to train, the best trade-offs' labels sat on other points at 1,280 px. Where they
    have no room they are left off the plot and named in the legend instead, after their series."""
    figure = calculate("cost_to_train").figures[0]
    positions = label_positions(figure.chart)
    front = figure.chart.series[2]
    left_out = [str(text) for text, place in zip(front.labels, positions[2]) if place is None]
    entry = legend_entries(figure.chart)[2]
    assert entry[0] == front.name and list(entry[4]) == left_out
    html = render_results(calculate("cost_to_train"))
    for name in left_out:
        assert name in html.split('class="calc__legend"')[1].split("</ul>")[0]


@pytest.mark.parametrize("figure", FIGURES)
def test_the_svg_and_plotly_label_the_same_points(figure):
    """One rule for which points get labels: the first-paint drawing writes exactly the labels Plotly's traces carry."""
    render_svg = _render_svg()
    svg = render_svg(figure.chart, figure.title)
    data = svg.split('class="calc__svg-data"')[1]
    drawn = sorted(re.findall(r"<text [^>]*>([^<]*)</text>", data))
    carried = sorted(text for trace in figure.figure["data"] for text in trace.get("text", []) if text)
    assert drawn == carried


def test_a_chart_with_many_series_names_every_one_without_hover():
    """Price history has dozens of lines: each is named in the legend under the chart (HTML that wraps), where the
    legend used to be hidden above 8 series."""
    result = calculate("price_history")
    chart = result.figures[0].chart
    assert len(chart.series) > 8
    legend = render_results(result).split('class="calc__legend"')[1].split("</ul>")[0]
    assert legend.count("<li>") == len(chart.series)
    assert all(series.name in legend for series in chart.series)


def test_the_first_paint_drawing_is_drawn_at_the_page_size_not_scaled():
    """No viewBox scales the drawing down on a phone: its text is 12 px at any width, as Plotly's, and the plot
    area is the box less the margins Plotly's figure has."""
    render_svg = _render_svg()
    chart = calculate("spot").figures[0].chart
    svg = render_svg(chart, "spot")
    outer = re.findall(r'<svg class="calc__svg[^"]*"[^>]*>', svg)
    assert len(outer) == 2 and not any("viewBox" in tag for tag in outer)
    assert all(f'font-size="{FONT_SIZE}"' in tag for tag in outer)
    m = chart_margins(chart)
    assert f'style="left:{m.left}px;right:{m.right}px;top:{m.top}px;bottom:{m.bottom}px"' in svg
    layout = to_plotly(chart)["layout"]
    assert layout["margin"] == {"l": m.left, "r": m.right, "t": m.top, "b": m.bottom}


def test_an_annotation_near_the_top_goes_below_its_point():
    """An annotation keeps inside the chart: above its point, or below it when the point is in the plot's top quarter."""
    chart = Chart("c", Axis("x"), Axis("y"), (Series("s", (0, 10), (0, 10)),),
                  annotations=(Annotation(2, 9.8, "high"), Annotation(8, 2, "low")))
    ays = [a["ay"] for a in to_plotly(chart)["layout"]["annotations"] if "ay" in a]
    assert ays == [28, -28]


def test_a_label_that_fits_nowhere_clear_is_drawn_by_neither_renderer():
    """Nine points on one spot: once the places around it are taken, a label has none inside the plot clear of the
    others, so it is left blank in Plotly and out of the first-paint SVG, while its point keeps its name on hover."""
    import sys
    from pathlib import Path

    from calculators.charts import HIDDEN, Axis, Chart, Series, label_positions, to_plotly

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
    from svg_chart import render_svg

    names = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "apart")
    chart = Chart("c", Axis("x"), Axis("y"), (Series("s", (1,) * 9 + (9,), (5,) * 9 + (2,), "markers",
                                                     labels=names, hover=names),))
    positions = label_positions(chart)[0]
    hidden = [name for name, position in zip(names, positions) if position == HIDDEN]
    assert "nine" in hidden and "one" not in hidden and "apart" not in hidden
    trace = to_plotly(chart)["data"][0]
    assert trace["text"] == ["" if name in hidden else name for name in names] and trace["hovertext"] == list(names)
    svg = render_svg(chart, "c")
    assert all((f">{name}</text>" in svg) == (name not in hidden) for name in names)


def test_a_point_label_keeps_clear_of_an_annotations_text():
    """A label whose first choice would sit on an annotation's text goes to another side (or is not drawn), in every
    chart box both renderers place labels for."""
    from calculators.charts import BOXES, HIDDEN, Annotation, Axis, Chart, Series, _clashes, _text_box, \
        annotation_box, annotation_rises, chart_frames, chart_margins, fraction_along, label_positions, marker_radius, \
        text_offset

    series = Series("s", (1, 2, 10), (1, 6, 10), "markers", labels=("a", "under", "b"))
    plain = Chart("c", Axis("x"), Axis("y"), (series,))
    first_choice = label_positions(plain)[0][1]
    assert first_choice is not HIDDEN
    chart = Chart("c", plain.x, plain.y, plain.series, annotations=(Annotation(2.05, 5.6, "a long annotation text"),))
    position = label_positions(chart)[0][1]
    assert position != first_choice
    if position is HIDDEN:
        return
    x_frame, y_frame = chart_frames(chart)
    margins = chart_margins(chart)
    dx, dy, anchor = text_offset(position, marker_radius(series))
    [rise] = annotation_rises(chart)
    for width, height in BOXES:
        w, h = width - margins.left - margins.right, height - margins.top - margins.bottom
        fx, fy = fraction_along(x_frame, 2), 1 - fraction_along(y_frame, 6)
        ax, ay = fraction_along(x_frame, 2.05), 1 - fraction_along(y_frame, 5.6)
        label = _text_box(fx * w, fy * h, "under", dx, dy, anchor)
        assert not _clashes(label, [annotation_box(ax * w, ay * h, "a long annotation text", rise, ax)])
