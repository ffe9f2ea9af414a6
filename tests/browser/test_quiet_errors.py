"""Outputs that used to be wrong without saying so (issue 21, found by a sweep of typed values and shared links):
a refused link value that stuck, link text echoed whole, a link to a missing copy ignored in silence, and a check
across fields shown by a field the reader had not typed in."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import cpython, set_field, value_texts


def first(calculator: str):
    found = [widget for widget in site_widgets() if widget.calculator == calculator]
    if not found:
        pytest.skip(f"no {calculator} widget on the site")
    return found[0]


def test_a_refused_link_value_is_accepted_once_the_reader_retypes_it(visit):
    """A link's "1%0A2" shows as "12" (a text field drops the line break) and is refused as '1\\n2'; retyping 12 sends
    12, which is accepted (it used to send the link's text again, and be refused again)."""
    widget = first("spot")
    visit.open(widget, "?" + urlencode({f"{widget.key}.work_hours": "1\n2", "prices": widget.snapshot}))
    visit.wait_live(widget)
    expect(visit.error(widget, "work_hours")).to_contain_text("'1\\n2'")
    set_field(visit, widget, "work_hours", "12")
    expect(visit.error(widget, "work_hours")).to_be_hidden()
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(cpython(widget, {"work_hours": "12"})))
    assert visit.page_errors == []


def test_no_link_text_is_echoed_unbounded(visit):
    """A 10,000-character `prices=` value and a 5,000-character unknown field name are quoted in the status line in
    at most 40 characters each (they used to be copied whole)."""
    widget = first("pipeline")
    link = {f"{widget.key}.train_hours": "48", "prices": "2" * 10_000, f"{widget.key}.{'x' * 5000}": "1"}
    visit.open(widget, "?" + urlencode(link))
    visit.wait_live(widget)
    status = visit.status(widget)
    assert "This link was made with prices as of 2222" in status and "…" in status
    assert len(status) < 400, f"{len(status)} characters: {status[:200]}…"
    assert visit.page_errors == []


def test_a_link_to_a_copy_the_page_does_not_have_gets_a_notice(visit):
    """`cost_to_train-2.layers` on a page with one cost-to-train calculator is ignored, and the calculator's status
    says so (it used to be ignored in silence); so is a calculator the page does not show."""
    widget = first("cost_to_train")
    copies = [w for w in site_widgets() if w.path == widget.path and w.calculator == "cost_to_train"]
    stray = f"cost_to_train-{len(copies) + 1}"
    visit.open(widget, "?" + urlencode({f"{stray}.layers": "24", "no_such_calculator.hours": "3"}))
    visit.wait_live(widget)
    status = visit.status(widget)
    assert f"for {stray}" in status and "ignored" in status, status
    page_first = next(w for w in site_widgets() if w.path == widget.path)
    expect(visit.page.locator(f"{page_first.selector} .calc__status")).to_contain_text("a calculator this page does not have")
    assert visit.values(widget) == value_texts(cpython(widget))
    assert visit.page_errors == []


@pytest.mark.parametrize(("field", "typed", "about"), [("layers", "1e3", "parameters"), ("embedding", "1,000", "heads")])
def test_a_check_across_fields_is_shown_by_the_field_the_reader_typed(visit, field, typed, about):
    """Typing 1e3 layers (too many for 124M parameters) or a width of 1,000 (not a multiple of 12 heads) flags the
    field typed, with a message naming both fields, as well as the field it conflicts with (the field typed used to
    show nothing, the message sitting on "parameters" or "heads")."""
    widget = first("cost_to_train")
    visit.open(widget)
    visit.wait_live(widget)
    set_field(visit, widget, field, typed)
    for name in (field, about):
        expect(visit.error(widget, name)).to_be_visible()
        expect(visit.error(widget, name)).to_contain_text(f"('{field}')")
        expect(visit.field(widget, name)).to_have_attribute("aria-invalid", "true")
    assert visit.page_errors == []


def test_the_preset_list_names_the_case_the_fields_hold(visit):
    """The list opens on the values the fields hold (nanoGPT's run at today's prices), says "Your own values" once the
    reader edits a field, and names the starting values again after Reset."""
    widget = first("cost_to_train")
    visit.open(widget)
    visit.wait_live(widget)
    picker = visit.page.locator(f"{widget.selector} select[data-calc-presets]")
    opening = picker.evaluate("el => el.selectedOptions[0].text")
    assert opening != "Your own values"
    set_field(visit, widget, "steps", "7")
    expect(picker).to_have_value("")
    assert picker.evaluate("el => el.selectedOptions[0].text") == "Your own values"
    visit.page.locator(f"{widget.selector} button[type=reset]").click()
    expect(picker).not_to_have_value("")
    assert picker.evaluate("el => el.selectedOptions[0].text") == opening
