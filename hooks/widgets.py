"""The ``calc:widget`` shortcode: a calculator's form and its results, computed now in CPython.

A reader sees the results at first paint; the page script makes the form live once Python starts in
the browser. The form HTML comes from the calculators package (``calculators.widget_html``); this
module gives it what only the build knows: where the page is, which copy of the calculator this is,
and the static drawing of each chart.
"""

from __future__ import annotations

from mkdocs.utils import get_relative_url

from calculators import Widget, get_calculator, widget_html
from svg_chart import render_svg


def widget(context, args: list[str], options: dict) -> str:
    """``calc:widget pipeline preset=nanogpt-note train_hours=48 form=folded``."""
    name = args[0]
    calculator = get_calculator(name)
    options = dict(options)
    layout = options.pop("form", "open")
    values = calculator.defaults(context.pricing, options)
    result = calculator.compute(values, context.pricing)
    return widget_html(Widget(
        calculator=calculator,
        pricing=context.pricing,
        specs=calculator.specs(options),
        values=values,
        result=result,
        uid=f"calc-{name}-{context.number}",
        reference_url=get_relative_url("reference/pricing/", context.page.url),
        layout=layout,
        copy=which_copy(name, context.number, context.widgets),
        drawings={figure.name: render_svg(figure.chart, figure.title) for figure in result.figures},
    ))


def which_copy(name: str, number: int, widgets: list[tuple[int, str]]) -> tuple[int, int] | None:
    """Which copy of its calculator the page's ``number``-th shortcode is, as (n, of); None if the page has one.

    A named form is a landmark, and a page's landmarks need distinct names. ``widgets`` lists the page's
    widget shortcodes as (place on the page, calculator).

    >>> which_copy("spot", 3, [(1, "spot"), (2, "pipeline"), (3, "spot")]), which_copy("pipeline", 2, [(2, "pipeline")])
    ((2, 2), None)
    """
    copies = [place for place, calculator in widgets if calculator == name]
    if len(copies) < 2 or number not in copies:
        return None
    return copies.index(number) + 1, len(copies)
