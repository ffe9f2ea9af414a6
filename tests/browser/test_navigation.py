"""Across pages and palettes: Python starts once per visit, and charts follow Material's colour scheme."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import change_that_matters, cpython, follow_link, set_field, value_texts


def navigate_instantly(visit, path: str) -> None:
    """Follow a same-site link the way a reader does, so Material's instant navigation handles it."""
    follow_link(visit.page, visit.origin + path)
    visit.page.wait_for_function("path => location.pathname === path", arg=path)


def first_widget_per_page():
    pages = {}
    for widget in site_widgets():
        pages.setdefault(widget.path, widget)
    return list(pages.values())


def test_python_starts_once_per_visit_across_instant_navigation(fresh_visit):
    """After instant navigation to another page with a widget, that widget goes live on the same worker: no second Pyodide."""
    visit = fresh_visit
    pages = first_widget_per_page()
    if not pages:
        pytest.skip("no widgets in the built site")
    first = pages[0]
    second = pages[1] if len(pages) > 1 else first
    visit.open(first)
    visit.wait_live(first)
    visit.page.evaluate("() => { window.__sameVisit = true; }")
    visit.page.locator(first.selector).evaluate("el => el.setAttribute('data-previous-page', '')")

    if second is first:  # one page with widgets: leave it and come back
        navigate_instantly(visit, "/" if first.path != "/" else "/404.html")
    navigate_instantly(visit, second.path)
    visit.page.wait_for_function(
        "id => { const el = document.getElementById(id); return el && !el.hasAttribute('data-previous-page'); }",
        arg=second.id,
    )
    visit.wait_live(second)
    visit.reveal(second)
    assert visit.page.evaluate("() => window.__sameVisit === true"), "that was a full page load, not instant navigation"

    name, value = change_that_matters(second)
    set_field(visit, second, name, value)
    expect(visit.page.locator(f"{second.selector} .calc__value")).to_have_text(
        value_texts(cpython(second, {name: value}))
    )
    visit.expect_charts(second, len(cpython(second).figures))

    assert [url for url in visit.workers if url.endswith("calculator-worker.mjs")] == [
        visit.origin + "/javascripts/calculator-worker.mjs"
    ]
    assert visit.count_requests("pyodide.asm.wasm") == 1
    assert visit.count_requests("plotly.min.js") == 1
    assert visit.page_errors == []
    assert visit.console_errors == []


def plot_colours(visit, widget) -> dict:
    return visit.page.locator(f"{widget.selector} .calc__plot.js-plotly-plot").first.evaluate(
        """plot => {
            const probe = document.createElement("span");
            document.body.appendChild(probe);
            probe.style.color = "var(--md-default-fg-color)";
            const fg = getComputedStyle(probe).color;
            probe.remove();
            return {font: plot._fullLayout.font.color, grid: plot._fullLayout.yaxis.gridcolor, page: fg};
        }"""
    )


def test_charts_follow_the_palette_toggle(fresh_visit):
    """Switching Material's palette to dark and back redraws the charts in the scheme's text colour."""
    visit = fresh_visit
    widget = next((w for w in site_widgets() if cpython(w).figures), None)
    if widget is None:
        pytest.skip("no widget with a chart")
    visit.open(widget)
    # Live first: Python's first reply replaces the results, charts included, and a chart measured or
    # scrolled to just before that is gone from the page (the race lost once Python started faster).
    visit.wait_live(widget)
    visit.expect_charts(widget, len(cpython(widget).figures))
    visit.page.locator(f"{widget.selector} .calc__figure").first.scroll_into_view_if_needed()
    light = plot_colours(visit, widget)
    assert light["font"] == light["page"]

    toggle = visit.page.locator("form[data-md-component=palette] label.md-header__button:visible")
    toggle.click()
    expect(visit.page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    visit.page.wait_for_function(
        """([selector, before]) => document.querySelector(selector + " .calc__plot.js-plotly-plot")._fullLayout.font.color !== before""",
        arg=[widget.selector, light["font"]],
    )
    dark = plot_colours(visit, widget)
    assert dark["font"] == dark["page"] != light["page"]
    assert dark["grid"] != light["grid"]

    visit.page.locator("form[data-md-component=palette] label.md-header__button:visible").click()
    expect(visit.page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    visit.page.wait_for_function(
        """([selector, before]) => document.querySelector(selector + " .calc__plot.js-plotly-plot")._fullLayout.font.color !== before""",
        arg=[widget.selector, dark["font"]],
    )
    assert plot_colours(visit, widget)["font"] == light["font"]
    assert visit.page_errors == []


def far_below_chart(visit):
    """The first widget figure that starts well past the half-screen margin within which charts are drawn."""
    for widget in site_widgets():
        if not cpython(widget).figures:
            continue
        visit.open(widget)
        visit.page.evaluate("() => window.scrollTo(0, 0)")
        figure = visit.page.locator(f"{widget.selector} .calc__figure").first
        if figure.evaluate("el => el.getBoundingClientRect().top / window.innerHeight") > 2.5:
            return widget, figure
    pytest.skip("no chart starts far enough below the first screen")


@pytest.mark.parametrize("python", ["loading", "live"])
def test_a_chart_far_below_the_fold_is_drawn_only_when_the_reader_nears_it(fresh_visit, python):
    """Plotly does no work for a figure the reader cannot see, nor before Python is up: the build's drawing (the
    same chart) stands in until Python is live and the figure nears the viewport."""
    visit = fresh_visit
    if python == "loading":
        held = []
        visit.page.context.route("**/assets/pyodide/**", lambda route: held.append(route))
    widget, figure = far_below_chart(visit)
    if python == "live":
        visit.wait_live(widget)
    visit.page.wait_for_timeout(1000)
    plot = figure.locator(".calc__plot")
    assert "js-plotly-plot" not in (plot.get_attribute("class") or "")
    assert plot.locator("svg.calc__svg").count() == 1, "the build's static drawing should stand in"
    figure.scroll_into_view_if_needed()
    if python == "loading":  # near the viewport, but Plotly waits for Python, whose start it would slow
        visit.page.wait_for_timeout(1500)
        assert "js-plotly-plot" not in (plot.get_attribute("class") or "")
        assert plot.locator("svg.calc__svg").count() == 1
        for route in held:
            route.continue_()
        visit.page.context.unroute("**/assets/pyodide/**")
        visit.wait_live(widget)
    expect(plot).to_have_class(re.compile(r"\bjs-plotly-plot\b"))
    assert visit.page_errors == []
