"""A reader on a phone (390 x 844): every calculator of every page shows its answer on its first screen, and keeps
the answer in view while the reader edits the form, down to its last field.

The answer sentence, the headline figures and the status line (.calc__summary) come right after the calculator's
title and stay under the site's header while the form scrolls by (stylesheets/calculators.css).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calculators import CalculatorError
from tests.browser._site import Widget
from tests.browser.helpers import candidates, cpython, set_field, value_texts

PHONE = {"width": 390, "height": 844}
HEADER = 48  # px: Material's header (2.4rem), over the top of the page

# Where a widget's answer is, in viewport px, and the widget's top.
ANSWER = """sel => {
    const root = document.querySelector(sel);
    const answer = root.querySelector(".calc__answer").getBoundingClientRect();
    return {widget: root.getBoundingClientRect().top, top: answer.top, bottom: answer.bottom, height: answer.height};
}"""


@pytest.fixture
def phone(browser, origin):
    """A page in a phone-sized context of its own."""
    context = browser.new_context(viewport=PHONE, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, origin, errors
    context.close()


def last_field(widget: Widget):
    """The form's last field, and a value for it that CPython accepts and that differs from the one shown."""
    field = widget.fields[-1]
    for value in candidates(widget, field):
        try:
            cpython(widget, {field.name: value})
        except CalculatorError:
            continue
        return field, value
    pytest.fail(f"{widget.test_id}: no value CPython accepts for its last field {field.name}")


def test_each_answer_is_on_the_first_screen_and_stays_in_view_to_the_last_field(phone, page_widgets):
    """After live, each calculator's answer starts within one screen (844 px) of the calculator's top; after the
    reader scrolls to the form's last field and changes it, the new answer is in view, under the site's header."""
    page, origin, errors = phone
    page.goto(origin + page_widgets[0].path)
    problems = []
    for widget in page_widgets:
        page.evaluate("""id => {
            for (let node = document.getElementById(id); node; node = node.parentElement) {
                if (node.classList.contains("tabbed-block")) {
                    const index = [...node.parentElement.children].indexOf(node);
                    node.closest(".tabbed-set").querySelector(`:scope > .tabbed-labels > label:nth-child(${index + 1})`)?.click();
                }
                if (node.tagName === "DETAILS") node.open = true;
            }
        }""", widget.id)
        page.wait_for_function(
            "sel => { const r = document.querySelector(sel); return r.classList.contains('calc--live') && r.getAttribute('aria-busy') !== 'true'; }",
            arg=widget.selector,
            timeout=90_000,
        )
        page.evaluate("sel => { const r = document.querySelector(sel); window.scrollTo(0, r.getBoundingClientRect().top + scrollY - 60); }",
                      widget.selector)
        where = page.evaluate(ANSWER, widget.selector)
        if where["top"] - where["widget"] > PHONE["height"]:
            problems.append(f"#{widget.id}: the answer starts {where['top'] - where['widget']:.0f} px below the calculator's top")

        field, value = last_field(widget)
        set_field(page_visit(page), widget, field.name, value)  # opens its folded group and scrolls to it, as a reader
        page.locator(f'{widget.selector} [name="{field.name}"]').scroll_into_view_if_needed()
        expected = cpython(widget, {field.name: value})
        expect(page.locator(f"{widget.selector} .calc__value").first).to_have_text(value_texts(expected)[0])
        expect(page.locator(f"{widget.selector} .calc__answer")).to_have_text(expected.sentence)
        where = page.evaluate(ANSWER, widget.selector)
        if not (where["top"] >= HEADER - 1 and where["bottom"] <= PHONE["height"] and where["height"] > 0):
            problems.append(f"#{widget.id}: after its last field ({field.name}) changed, the answer is at "
                            f"{where['top']:.0f}-{where['bottom']:.0f} px, out of the {PHONE['height']} px screen")
    assert not problems, "\n".join(problems)
    assert errors == []


class page_visit:
    """The little of conftest's Visit that set_field needs, on a page of this module's own context."""

    def __init__(self, page):
        self.page = page

    def field(self, widget: Widget, name: str):
        selector = f'{widget.selector} [name="{name}"]'
        self.page.evaluate(
            "s => { for (let d = document.querySelector(s)?.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true; }",
            selector,
        )
        return self.page.locator(selector)


# The page title's box, and the bottom of the last line its text takes.
TITLE_LINES = """() => {
    const title = document.querySelector("article h1");
    const range = document.createRange();
    range.selectNodeContents(title.firstChild);
    const lines = [...range.getClientRects()];
    return {box: title.getBoundingClientRect().bottom, text: Math.max(...lines.map(r => r.bottom))};
}"""


def test_a_page_title_ends_where_its_text_ends(phone, page_widgets):
    """No empty line under a page's title on a phone (its hidden permalink sign used to wrap onto one, pushing the
    answer 40 px down on every guide)."""
    page, origin, errors = phone
    page.goto(origin + page_widgets[0].path)
    title = page.evaluate(TITLE_LINES)
    assert title["box"] - title["text"] < 8, f"{page_widgets[0].path}: {title['box'] - title['text']:.0f} px under the title's text"
    assert errors == []
