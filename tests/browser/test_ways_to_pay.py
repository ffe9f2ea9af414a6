"""The cost-to-train guide's "commit, reserve or pay as you go" view, live in the page: the chosen machine's plan
priced every way it can be paid for, the break-even chart, and the price filter's other kinds, equal to CPython."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import cpython, set_field

pytestmark = pytest.mark.browser

WIDGET = next(w for w in site_widgets() if w.calculator == "cost_to_train" and w.path == "/guides/cost-to-train/")


def table_rows(visit, name):
    """The rows of one of the widget's tables, as the page shows them."""
    table = visit.page.locator(f'{WIDGET.selector} details[data-table="{name}"]')
    return [row.locator("td").all_text_contents() for row in table.locator("tbody tr").all()]


def expected_rows(result, name):
    return [list(row) for row in next(t for t in result.tables if t.name == name).texts]


def open_live(visit):
    visit.open(WIDGET)
    visit.wait_live(WIDGET)


def test_the_chosen_plan_is_priced_every_way_to_pay_like_cpython(visit):
    """At the defaults (p4d.24xlarge) the ways-to-pay table lists on demand, spot, a capacity block and a 1-year
    commitment with CPython's figures, and the break-even chart is drawn with one marker per committed offer."""
    open_live(visit)
    expected = cpython(WIDGET)
    rows = table_rows(visit, "payment")
    assert rows == expected_rows(expected, "payment")
    assert [row[0] for row in rows] == ["On demand", "Spot", "Capacity block", "1-year commitment"]
    plot = visit.page.locator(f"{WIDGET.selector} .calc__plot").nth(1)
    plot.scroll_into_view_if_needed()
    marks = next(f for f in expected.figures if f.name == "payment").figure["data"][-1]
    visit.page.wait_for_function(
        """([el, n]) => el.data && el.data.length === 5 && el.data[4].x.length === n""",
        arg=[plot.element_handle(), len(marks["x"])],
        timeout=30_000,
    )


def test_choosing_another_machine_prices_its_own_offers(visit):
    """p5.48xlarge has a capacity block but no dated commitment: its table has three ways to pay, as in CPython."""
    open_live(visit)
    set_field(visit, WIDGET, "instance", "p5.48xlarge")
    visit.wait_live(WIDGET)  # the answer is the same for any machine shown: wait for the reply, not for the text
    expected = cpython(WIDGET, {"instance": "p5.48xlarge"})
    expect(visit.page.locator(f"{WIDGET.selector} .calc__answer")).to_have_text(expected.sentence)
    rows = table_rows(visit, "payment")
    assert rows == expected_rows(expected, "payment")
    assert [row[0] for row in rows] == ["On demand", "Spot", "Capacity block"]


def test_capacity_blocks_only_ranks_capacity_block_options(visit):
    """With the filter on capacity blocks, every provider's cheapest and fastest option is a capacity block."""
    open_live(visit)
    set_field(visit, WIDGET, "price_kind", "capacity_block")
    expected = cpython(WIDGET, {"price_kind": "capacity_block"})
    expect(visit.page.locator(f"{WIDGET.selector} .calc__answer")).to_have_text(expected.sentence)
    rows = table_rows(visit, "providers")
    assert rows == expected_rows(expected, "providers")
    assert rows and all(row[1].endswith(" capacity block") and row[4].endswith(" capacity block") for row in rows)
