"""The cost-to-train guide answers "where?": the provider and GPU filters, the cheapest and fastest option at
each provider, and on demand against spot, live in the page and equal to CPython's answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import cpython, set_field

pytestmark = pytest.mark.browser

WIDGET = next(w for w in site_widgets() if w.calculator == "cost_to_train" and w.path == "/guides/cost-to-train/")


def provider_table(visit):
    """The rows of the widget's "Where" table, as the page shows them."""
    table = visit.page.locator(f'{WIDGET.selector} details[data-table="providers"]')
    return [row.locator("td").all_text_contents() for row in table.locator("tbody tr").all()]


def expected_rows(result):
    table = next(t for t in result.tables if t.name == "providers")
    return [list(row) for row in table.texts]


def open_live(visit):
    visit.open(WIDGET)
    visit.wait_live(WIDGET)


def test_per_provider_best_lists_every_provider_like_cpython(visit):
    """At the defaults the table has one row per provider, with its cheapest and fastest option, as CPython has."""
    open_live(visit)
    rows = provider_table(visit)
    assert rows == expected_rows(cpython(WIDGET))
    assert len(rows) >= 4


def test_the_provider_filter_keeps_one_provider(visit):
    """Choosing Lambda leaves only Lambda's machines in the ranking and one row in the per-provider table."""
    open_live(visit)
    set_field(visit, WIDGET, "provider_filter", "lambda")
    expected = cpython(WIDGET, {"provider_filter": "lambda"})
    expect(visit.page.locator(f"{WIDGET.selector} .calc__answer")).to_have_text(expected.sentence)
    rows = provider_table(visit)
    assert rows == expected_rows(expected) and len(rows) == 1 and rows[0][0].startswith("Lambda")


def test_the_gpu_filter_and_spot_only_answer_as_cpython_does(visit):
    """H100 on spot only: every option in the per-provider table is a spot option on an H100 machine."""
    open_live(visit)
    set_field(visit, WIDGET, "gpu_filter", "H100-SXM")
    set_field(visit, WIDGET, "price_kind", "spot")
    expected = cpython(WIDGET, {"gpu_filter": "H100-SXM", "price_kind": "spot"})
    expect(visit.page.locator(f"{WIDGET.selector} .calc__answer")).to_have_text(expected.sentence)
    rows = provider_table(visit)
    assert rows == expected_rows(expected)
    assert rows and all(row[1].endswith(" spot") and row[4].endswith(" spot") for row in rows)


def test_on_demand_only_drops_the_spot_points_from_the_chart(visit):
    """With on demand only, the live chart's spot trace is empty, as in CPython's figure."""
    open_live(visit)
    set_field(visit, WIDGET, "price_kind", "on_demand")
    expected = cpython(WIDGET, {"price_kind": "on_demand"})
    expect(visit.page.locator(f"{WIDGET.selector} .calc__answer")).to_have_text(expected.sentence)
    plot = visit.page.locator(f"{WIDGET.selector} .calc__plot").first
    plot.scroll_into_view_if_needed()
    visit.page.wait_for_function(
        """el => el.data && el.data.length === 3 && el.data[1].x.length === 0""",
        arg=plot.element_handle(),
        timeout=30_000,
    )
