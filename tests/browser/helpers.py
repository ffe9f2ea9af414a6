"""Helpers for the browser tests: what CPython computes for a widget, and inputs worth trying."""

from __future__ import annotations

import json

import pytest

import calculators
from calculators import CalculatorError
from tests.browser._site import Widget, first_copies

# ── What CPython says ────────────────────────────────────────────────────────────────────


def cpython(widget: Widget, changes: dict | None = None):
    """The Result CPython computes for the widget's defaults with `changes` applied."""
    inputs = {**widget.defaults, **(changes or {})}
    return calculators.calculate(widget.calculator, inputs)


def value_texts(result) -> list[str]:
    return [value.text for value in result.values]


def table_texts(result) -> list[str]:
    return [text for table in result.tables for row in table.texts for text in row]


def text_of(number: float) -> str:
    """A number as a reader would type it."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def default_text(widget: Widget, name: str) -> str:
    """A field's default as the form shows it (an input's text as built, e.g. 124,000,000)."""
    field = next(field for field in widget.fields if field.name == name)
    if field.tag == "input" and field.shown:
        return field.shown
    default = widget.defaults[name]
    return text_of(default) if isinstance(default, (int, float)) else str(default)


def candidates(widget: Widget, field) -> list[str]:
    """Values to try for a field: other choices, or numbers near the default within its bounds."""
    default = widget.defaults.get(field.name)
    if field.tag == "select":
        return [option for option in field.options if option != str(default)]
    if not isinstance(default, (int, float)):
        return []
    numbers = [default * 2, default + 1, default / 2, default - 1, (field.minimum or 0) + 1, 1]
    within = [
        n
        for n in numbers
        if (field.minimum is None or n >= field.minimum) and (field.maximum is None or n <= field.maximum)
    ]
    return [text_of(n) for n in dict.fromkeys(within) if n != default]


def changes_that_matter(widget: Widget) -> list[tuple[str, str]]:
    """(field, value) pairs CPython accepts and that change at least one result value, first field first."""
    base = value_texts(cpython(widget))
    found = []
    for field in widget.fields:
        for value in candidates(widget, field):
            try:
                texts = value_texts(cpython(widget, {field.name: value}))
            except CalculatorError:
                continue
            if texts != base:
                found.append((field.name, value))
                break
    return found


def changes_worth_checking(widget: Widget) -> list[tuple[str, str]]:
    """changes_that_matter, all of them on a calculator's first widget; on a further copy, the first of
    them and those of the fields whose default its page sets differently (the page glue is one generic
    path, so a copy adds only its own defaults to what the first widget proved)."""
    changes = changes_that_matter(widget)
    first = first_copies()[widget.calculator]
    if widget == first:
        return changes
    own = {name for name, value in widget.defaults.items() if first.defaults.get(name) != value}
    return changes[:1] + [(name, value) for name, value in changes[1:] if name in own]


def change_that_matters(widget: Widget) -> tuple[str, str]:
    found = changes_that_matter(widget)
    if not found:
        pytest.fail(f"{widget.test_id}: no single input change alters a result value")
    return found[0]


def numeric_field(widget: Widget, minimum_at_least: float | None = None):
    """The first number field (optionally one whose lower bound is at least `minimum_at_least`)."""
    for field in widget.fields:
        numeric = field.tag == "input" and isinstance(widget.defaults.get(field.name), (int, float))
        bounded = minimum_at_least is None or (field.minimum is not None and field.minimum >= minimum_at_least)
        if numeric and bounded:
            return field
    return None


def set_field(visit, widget: Widget, name: str, value: str) -> None:
    """Change one input the way a reader does."""
    control = visit.field(widget, name)
    if control.evaluate("el => el.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


def read_download(download) -> str:
    with open(download.path(), encoding="utf-8") as handle:
        return handle.read()


def read_json_download(download) -> dict:
    return json.loads(read_download(download))


# ── Moving between pages ─────────────────────────────────────────────────────────────────


def follow_link(page, url: str) -> None:
    """Go to url the way a reader's click does, through Material's instant navigation, and wait for its content."""
    page.evaluate(
        """href => {
            document.querySelector("article").setAttribute("data-previous-page", "");
            const link = document.createElement("a");
            link.href = href;
            link.textContent = "next page";
            document.querySelector("article").appendChild(link);
            link.click();
        }""",
        url,
    )
    page.wait_for_function("() => !document.querySelector('article[data-previous-page]')")
    page.wait_for_load_state()
