"""Every calculator widget on every built page, in Chromium: built results first, then live ones that match CPython.

Each test runs once per widget found in the built site's HTML (see conftest.py), its id naming the page
and the widget, e.g. ``guides/nanogpt-on-aws#calc-pipeline-4``; a test about the page as a whole (before
Python, Python failing, requests and errors) runs once per calculator page, over its widgets.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from calculators import CalculatorError, get_calculator, load_pricing
from tests.browser._site import site_widgets
from tests.browser.helpers import (
    change_that_matters,
    changes_that_matter,
    changes_worth_checking,
    cpython,
    default_text,
    numeric_field,
    read_download,
    read_json_download,
    set_field,
    table_texts,
    value_texts,
)

STALE = re.compile(r"\bcalc__results--stale\b")


def csv_section(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """The rows under `header`, up to the next blank line."""
    start = rows.index(header) + 1
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def spreadsheet_safe(text: str) -> str:
    """A CSV cell as the export writes it: text a spreadsheet would read as a formula gets a leading '."""
    try:
        float(text)
        return text
    except ValueError:
        return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def exported_header(table) -> list[str]:
    """The header an export gives a table: each column's heading, with its unit where it has one."""
    return [column.header for column in table.columns]


def expect_results(visit, widget, result) -> None:
    """The widget shows exactly the value texts, table cells and charts of `result`."""
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(result))
    assert visit.table_cells(widget) == table_texts(result)
    visit.expect_charts(widget, len(result.figures))


def test_results_and_charts_show_before_python_is_ready(fresh_visit, page_widgets):
    """While Pyodide is still downloading, each widget of the page shows the build's numbers and each chart the build's
    drawing: Plotly waits for Python, whose start it would slow, and the drawing has the live chart's shape."""
    visit = fresh_visit
    held = []
    visit.page.context.route("**/assets/pyodide/**", lambda route: held.append(route))  # never answered here
    visit.open(page_widgets[0])
    for widget in page_widgets:
        visit.reveal(widget)
        built = cpython(widget)
        assert visit.values(widget) == value_texts(built), widget.id
        assert visit.table_cells(widget) == table_texts(built), widget.id
        expect(visit.page.locator(f"{widget.selector} .calc__plot > .calc__drawing")).to_have_count(len(built.figures))
        expect(visit.page.locator(f"{widget.selector} .calc__plot.js-plotly-plot")).to_have_count(0)
        expect(visit.page.locator(widget.selector)).to_have_class(re.compile(r"\bcalc--loading\b"))
        assert "Loading the live calculator" in visit.status(widget)
    assert held, "the worker never asked for Pyodide"


# Counts the computations the page asks the calculator worker for (not Material's search worker, nor the idle warm-up).
COUNT_POSTS = """
(() => {
  window.__posts = 0;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      this.calculator = /calculator-worker/.test(String(url));
    }
  };
  const post = NativeWorker.prototype.postMessage;
  NativeWorker.prototype.postMessage = function (message, ...rest) {
    if (this.calculator && message && message.inputs && !message.warm) window.__posts += 1; // computes, not the idle warm-up
    return post.call(this, message, ...rest);
  };
})();
"""


def test_python_is_asked_nothing_until_the_reader_changes_something(fresh_visit, page_widgets):
    """A page opened without a shared link posts nothing to Python when it goes live: the build's results already
    answer the form as built (a guide with three widgets used to queue three runs ahead of the reader's first change,
    which then waited for them). The reader's first change is posted at once and answered as CPython answers it."""
    visit = fresh_visit
    visit.page.add_init_script(COUNT_POSTS)
    visit.open(page_widgets[0])
    for widget in page_widgets:
        visit.reveal(widget)
        visit.wait_live(widget)
    visit.page.wait_for_timeout(300)
    assert visit.page.evaluate("() => window.__posts") == 0
    widget = page_widgets[0]
    visit.reveal(widget)
    name, value = change_that_matters(widget)
    set_field(visit, widget, name, value)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(cpython(widget, {name: value})))
    assert visit.page_errors == []


def test_each_input_change_gives_the_numbers_cpython_gives(visit, widget):
    """For every input that moves a result, the live page prints what calculators.calculate prints for the same inputs
    (on a further copy of a calculator: one input, and those its page sets differently)."""
    changes = changes_worth_checking(widget)
    assert changes, f"no single input change alters a result value of {widget.calculator}"
    visit.open(widget)
    visit.wait_live(widget)
    expect(visit.page.locator(f"{widget.selector} .calc__status")).to_have_text("Live: results update as you type.")
    for name, value in changes:
        set_field(visit, widget, name, value)
        expect_results(visit, widget, cpython(widget, {name: value}))
        assert f"{widget.key}.{name}=" in visit.search(), "a changed input is not in the URL"
        assert f"prices={widget.snapshot}" in visit.search(), "the URL does not say which prices it was made with"
        # Put it back without waiting: the next change's result (checked above) is CPython's only if it was.
        set_field(visit, widget, name, default_text(widget, name))
    expect_results(visit, widget, cpython(widget))
    visit.wait_live(widget)
    assert visit.search() == "", "inputs back at their defaults should leave no URL parameters"


def test_bad_inputs_show_the_fields_error_and_keep_the_last_results(visit, widget):
    """Empty, negative, overflowing and non-numeric input each put an error by the field and dim, not drop, the results."""
    field = numeric_field(widget, minimum_at_least=0) or numeric_field(widget)
    if field is None:
        pytest.skip(f"{widget.calculator} has no number field")
    visit.open(widget)
    visit.wait_live(widget)
    good = visit.values(widget)
    control = visit.field(widget, field.name)
    error = visit.error(widget, field.name)
    results = visit.page.locator(f"{widget.selector} .calc__results")
    bad_values = ["", "1e309", "text"]
    if field.minimum is not None and field.minimum > -1:
        bad_values.append("-1")
    for bad in bad_values:
        control.fill("")
        if bad:  # in one piece, as a paste: typed key by key, a valid prefix (1, 1e3) would rightly be computed first
            control.focus()
            visit.page.keyboard.insert_text(bad)
        expect(error, f"no error shown for {bad!r}").to_be_visible()
        expect(error).not_to_have_text("")
        if bad == "-1":
            expect(error).to_contain_text(", not -1")  # says what the field accepts, then the value
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(results).to_have_class(STALE)
        assert visit.values(widget) == good, f"{bad!r} changed the results shown"

        control.fill(default_text(widget, field.name))
        expect(error).to_be_hidden()
        expect(control).not_to_have_attribute("aria-invalid", "true")
        expect(results).not_to_have_class(STALE)


def test_a_shared_link_restores_the_inputs(visit, widget):
    """A URL carrying changed inputs opens with those inputs in the form and CPython's results for them."""
    changes = dict(changes_that_matter(widget)[:2])
    try:
        expected = cpython(widget, changes)
    except CalculatorError:  # two changes that are fine alone but not together: share one
        changes = dict([next(iter(changes.items()))])
        expected = cpython(widget, changes)
    query = urlencode({**{f"{widget.key}.{name}": value for name, value in changes.items()}, "prices": widget.snapshot})
    visit.open(widget, f"?{query}")
    visit.wait_live(widget)
    for name, value in changes.items():
        expect(visit.field(widget, name)).to_have_value(value)
    expect_results(visit, widget, expected)
    assert "This link was made" not in visit.status(widget)


def test_a_link_made_with_other_prices_says_so(visit, widget):
    """A shared link from another pricing snapshot names both dates in the status line."""
    name, value = change_that_matters(widget)
    query = urlencode({f"{widget.key}.{name}": value, "prices": "1999-01-01"})
    visit.open(widget, f"?{query}")
    visit.wait_live(widget)
    expect(visit.page.locator(f"{widget.selector} .calc__status")).to_contain_text(
        f"This link was made with prices as of 1999-01-01; this page uses prices as of {widget.snapshot}."
    )


def test_a_tampered_link_shows_pythons_error_for_the_field(visit, widget):
    """A URL value that is not a number reaches Python as written, and its message shows by the field."""
    field = numeric_field(widget)
    if field is None:
        pytest.skip(f"{widget.calculator} has no number field")
    visit.open(widget, "?" + urlencode({f"{widget.key}.{field.name}": "<b>ten</b>", "prices": widget.snapshot}))
    visit.wait_live(widget)
    error = visit.error(widget, field.name)
    expect(error).to_be_visible()
    expect(error).to_contain_text("'<b>ten</b>'")  # as text: never parsed as HTML
    assert visit.page.locator(f"{widget.selector} .calc__error b").count() == 0
    expect(visit.field(widget, field.name)).to_have_attribute("aria-invalid", "true")
    assert visit.values(widget) == value_texts(cpython(widget))


def test_a_link_with_several_bad_fields_flags_every_one_and_shows_what_it_holds(visit, widget):
    """Up to three bad number fields in a shared link: each shows exactly the linked text and its own message."""
    numbers = [f for f in widget.fields if f.tag == "input" and isinstance(widget.defaults.get(f.name), (int, float))][:3]
    if len(numbers) < 2:
        pytest.skip(f"{widget.calculator} has fewer than two number fields")
    bad = {field.name: f"{index + 2}X" for index, field in enumerate(numbers)}
    visit.open(widget, "?" + urlencode({**{f"{widget.key}.{k}": v for k, v in bad.items()}, "prices": widget.snapshot}))
    visit.wait_live(widget)
    for name, text in bad.items():
        expect(visit.field(widget, name)).to_have_value(text)  # the field shows what the link holds
        expect(visit.error(widget, name)).to_contain_text("'X' is not a suffix we know")
        expect(visit.field(widget, name)).to_have_attribute("aria-invalid", "true")
    assert visit.values(widget) == value_texts(cpython(widget))


def test_reset_restores_the_guide_defaults_and_clears_the_link(visit, widget):
    """Reset puts back the guide's inputs and results and removes the widget's parameters from the URL."""
    name, value = change_that_matters(widget)
    visit.open(widget, "?" + urlencode({f"{widget.key}.{name}": value, "prices": widget.snapshot}))
    visit.wait_live(widget)
    expect(visit.field(widget, name)).to_have_value(value)
    visit.page.locator(f"{widget.selector} button[type=reset]").click()
    expect_results(visit, widget, cpython(widget))
    for field in widget.fields:
        shown = visit.field(widget, field.name).input_value()
        default = widget.defaults[field.name]
        if isinstance(default, (int, float)):
            assert float(shown.replace(",", "")) == pytest.approx(default), field.name  # large numbers show grouped
        else:
            assert shown == default, field.name
    assert visit.search() == ""
    assert "This link was made" not in visit.status(widget)


def test_downloads_hold_the_inputs_and_the_results(visit, widget):
    """Download CSV and Download JSON give the inputs, every value and every table of the results shown.

    The file is named by the widget's URL key (pipeline, pipeline-2…), so two copies on a page never share a name.
    """
    name, value = change_that_matters(widget)
    expected = cpython(widget, {name: value})
    visit.open(widget)
    visit.wait_live(widget)
    set_field(visit, widget, name, value)
    expect_results(visit, widget, expected)
    visit.wait_live(widget)

    with visit.page.expect_download() as info:
        visit.page.locator(f"{widget.selector} [data-calc-export=json]").click()
    data = read_json_download(info.value)
    assert info.value.suggested_filename == f"{widget.key}-{widget.snapshot}.json"
    assert data["calculator"] == widget.calculator
    assert data["pricing_snapshot"] == widget.snapshot
    assert {item["name"]: item["value"] for item in data["inputs"]}[name] == value
    declared = get_calculator(widget.calculator).inputs_for(load_pricing())
    assert [(i["name"], i["label"], i["unit"]) for i in data["inputs"]] == [(i.name, i.label, i.unit) for i in declared]
    assert [(v["name"], v["unit"]) for v in data["values"]] == [(v.name, v.unit) for v in expected.values]
    assert [v["value"] for v in data["values"]] == pytest.approx([v.value for v in expected.values])
    assert [(t["title"], t["columns"]) for t in data["tables"]] == [(t.title, exported_header(t)) for t in expected.tables]
    for table in data["tables"]:
        assert all(len(row) == len(table["columns"]) for row in table["rows"]), table["name"]

    with visit.page.expect_download() as info:
        visit.page.locator(f"{widget.selector} [data-calc-export=csv]").click()
    assert info.value.suggested_filename == f"{widget.key}-{widget.snapshot}.csv"
    rows = list(csv.reader(io.StringIO(read_download(info.value))))
    shown = csv_section(rows, ["value", "label", "value", "unit", "text"])
    assert [row[0] for row in shown] == [v.name for v in expected.values]
    assert [(row[1], row[3], row[4]) for row in shown] == [
        (spreadsheet_safe(v.label), spreadsheet_safe(v.unit), spreadsheet_safe(v.text)) for v in expected.values
    ]
    assert [float(row[2]) for row in shown] == pytest.approx([v.value for v in expected.values])
    inputs = {row[0]: row[2] for row in csv_section(rows, ["input", "label", "value", "unit"])}
    assert inputs[name] == value
    for table in expected.tables:
        header_at = rows.index([table.title]) + 1
        assert rows[header_at] == exported_header(table), table.name
        assert len(csv_section(rows, [table.title])) == 1 + len(table.rows), table.name


def test_every_column_the_page_shows_is_exported_with_the_text_the_page_shows(visit):
    """Each table's CSV section has a header for every column the page shows, in its order, and a text column's
    cells read as the page's cells (the ranking's GPUs, spot outcomes and notes), on the cost-to-train widget."""
    widget = next((w for w in site_widgets() if w.calculator == "cost_to_train"), None)
    if widget is None:
        pytest.skip("no cost-to-train widget on the site")
    visit.open(widget)
    visit.wait_live(widget)
    with visit.page.expect_download() as info:
        visit.page.locator(f"{widget.selector} [data-calc-export=csv]").click()
    rows = list(csv.reader(io.StringIO(read_download(info.value))))
    declared = {table.name: table for table in cpython(widget).tables}
    visit.table_cells(widget)  # the details opened, as a reader opens them to see every row
    for name in ("ranked", "providers", "excluded"):
        table = visit.page.locator(f'{widget.selector} details[data-table="{name}"]')
        title = table.locator("caption").text_content()
        headings = table.locator("thead th").all_text_contents()
        page_rows = [row.locator("td").all_text_contents() for row in table.locator("tbody tr").all()]
        header, *cells = csv_section(rows, [title])
        where = [next(i for i, h in enumerate(header) if h == heading or h.startswith(f"{heading} (")) for heading in headings]
        assert where == sorted(where), f"{name}: the export keeps the page's column order"
        assert len(cells) == len(page_rows), name
        words = [i for i, column in zip(where, declared[name].shown) if not column.unit]  # text columns
        assert words, name
        for exported, shown in zip(cells, page_rows):
            for column in words:
                text = shown[where.index(column)]
                assert exported[column] in (spreadsheet_safe(text), "" if text == "—" else None), (name, header[column])


def test_the_page_talks_only_to_its_own_origin_and_logs_no_errors(visit, page_widgets):
    """Loading, then in each widget computing, a bad input and a download, make no request to another origin and
    log no error; Python starts once for the page."""
    visit.open(page_widgets[0])
    for widget in page_widgets:
        name, value = change_that_matters(widget)
        visit.reveal(widget)
        visit.wait_live(widget)
        set_field(visit, widget, name, value)
        expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(
            value_texts(cpython(widget, {name: value}))
        )
        field = numeric_field(widget, minimum_at_least=0)
        if field is not None:
            visit.field(widget, field.name).fill("-1")
            expect(visit.error(widget, field.name)).to_be_visible()
        with visit.page.expect_download():
            visit.page.locator(f"{widget.selector} [data-calc-export=csv]").click()
        visit.wait_live(widget)
    assert visit.count_requests("pyodide.asm.wasm") == 1
    assert visit.foreign_requests == []
    assert visit.console_errors == []
    assert visit.page_errors == []


def test_when_python_cannot_load_the_built_results_stay(fresh_visit, page_widgets):
    """If Pyodide fails to load, each widget's status line says so and the build's results and charts stay."""
    visit = fresh_visit
    visit.page.context.route("**/assets/pyodide/*/pyodide.mjs", lambda route: route.abort())
    visit.open(page_widgets[0])
    for widget in page_widgets:
        visit.reveal(widget)
        expect(visit.page.locator(widget.selector)).to_have_class(re.compile(r"\bcalc--failed\b"), timeout=60_000)
        status = visit.page.locator(f"{widget.selector} .calc__status")
        expect(status).to_contain_text("The live calculator could not start")
        expect(status).to_contain_text(
            f"The results shown were computed when this page was built, with prices as of {widget.snapshot}."
        )
        built = cpython(widget)
        assert visit.values(widget) == value_texts(built), widget.id
        visit.expect_charts(widget, len(built.figures))
        field = numeric_field(widget)
        if field is not None:  # editing now changes nothing and throws nothing
            visit.field(widget, field.name).fill("7")
            visit.page.wait_for_timeout(400)
            assert visit.values(widget) == value_texts(built), widget.id
    assert visit.page_errors == []
