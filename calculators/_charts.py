"""Plotly figure dicts, built without importing plotly (it is not in the browser's Python).

Each figure names its colorway, so the static drawing at first paint and Plotly's live chart use
the same colours; the page sets the theme's text and grid colours, so one figure serves the light
and the dark palette.
"""

from __future__ import annotations

from typing import Sequence


def line_chart(
    title: str,
    x_title: str,
    y_title: str,
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    markers: Sequence[tuple[str, float, float]] = (),
    y_prefix: str = "$",
) -> dict:
    """A chart of named cost curves, with optional marked points (break-evens).

    >>> fig = line_chart("Cost", "sessions", "USD", [("EC2", [0, 1], [10, 17])], [("break-even", 0.5, 13.5)])
    >>> [trace["name"] for trace in fig["data"]], fig["data"][1]["mode"]
    (['EC2', 'break-even'], 'markers+text')
    """
    data = [
        {"type": "scatter", "mode": "lines", "name": name, "x": list(xs), "y": [round(y, 4) for y in ys]}
        for name, xs, ys in series
    ]
    if markers:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "break-even",
                "x": [x for _, x, _ in markers],
                "y": [round(y, 4) for _, _, y in markers],
                "text": [label for label, _, _ in markers],
                "textposition": "top center",
                "marker": {"size": 11, "symbol": "diamond"},
            }
        )
    return {"data": data, "layout": _layout(title, x_title, y_title, y_prefix)}


def bar_chart(title: str, y_title: str, labels: Sequence[str], values: Sequence[float], y_prefix: str = "$") -> dict:
    """A bar chart of one value per label.

    >>> bar_chart("Cost by stage", "USD", ["train"], [3172.8])["data"][0]["type"]
    'bar'
    """
    data = [{"type": "bar", "x": list(labels), "y": [round(v, 4) for v in values], "name": y_title}]
    layout = _layout(title, "", y_title, y_prefix)
    layout["showlegend"] = False
    return {"data": data, "layout": layout}


COLORWAY = ["#3f51b5", "#e4572e", "#17a398", "#a06cd5", "#f2a541", "#19a7ce", "#d6336c", "#7cb518"]
"""Readable on white and on Material's slate background."""


def _layout(title: str, x_title: str, y_title: str, y_prefix: str) -> dict:
    return {
        "title": {"text": title},
        "colorway": COLORWAY,
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "tickprefix": y_prefix},
        "legend": {"orientation": "h", "y": -0.2},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "hovermode": "x unified",
    }
