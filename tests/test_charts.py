"""The chart vocabulary: one chart, drawn the same by Plotly and by the first-paint SVG."""

from __future__ import annotations

import math
import re
import sys

import pytest

from calculators import CALCULATORS, CalculatorError, calculate
from calculators.charts import Axis, Chart, Series, to_plotly
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
    centres = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', render_svg(chart, "c"))]
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


def test_a_label_that_fits_nowhere_clear_is_drawn_by_neither_renderer():
    """Five points on one spot: once its four sides are taken, a label has no side inside the plot clear of the
    others, so it is left blank in Plotly and out of the first-paint SVG, while its point keeps its name on hover."""
    import sys
    from pathlib import Path

    from calculators.charts import HIDDEN, Axis, Chart, Series, label_positions, to_plotly

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
    from svg_chart import render_svg

    names = ("one", "two", "three", "four", "five", "low", "high")
    chart = Chart("c", Axis("x"), Axis("y"), (Series("s", (3, 3, 3, 3, 3, 9, 9), (5, 5, 5, 5, 5, 1, 9), "markers",
                                                     labels=names, hover=names),))
    positions = label_positions(chart)[0]
    hidden = [name for name, position in zip(names, positions) if position == HIDDEN]
    assert "five" in hidden and "one" not in hidden
    trace = to_plotly(chart)["data"][0]
    assert trace["text"] == ["" if name in hidden else name for name in names] and trace["hovertext"] == list(names)
    svg = render_svg(chart, "c")
    assert all((f">{name}</text>" in svg) == (name not in hidden) for name in names)


def test_a_point_label_keeps_clear_of_an_annotations_text():
    """A label whose first choice would sit on an annotation's text goes to another side (or is not drawn), in the
    nominal plot both renderers place labels in."""
    from calculators.charts import HIDDEN, Annotation, Axis, Chart, Series, _annotation_box, _clashes, _label_box, \
        chart_frames, label_positions, _fraction, _NOMINAL_PLOT

    chart = Chart("c", Axis("x"), Axis("y"), (Series("s", (1, 2, 10), (1, 6, 10), "markers", labels=("a", "under", "b")),),
                  annotations=(Annotation(2.05, 5.2, "a long annotation text"),))
    position = label_positions(chart)[0][1]
    x_frame, y_frame = chart_frames(chart)
    w, h = _NOMINAL_PLOT
    box = _label_box(_fraction(x_frame, 2) * w, (1 - _fraction(y_frame, 6)) * h, "under", position or "top right")
    assert position == HIDDEN or not _clashes(box, [_annotation_box(chart.annotations[0], x_frame, y_frame)])
    assert position != "top right"  # the side it would take with no annotation
    plain = Chart("c", chart.x, chart.y, chart.series)
    assert label_positions(plain)[0][1] == "top right"
