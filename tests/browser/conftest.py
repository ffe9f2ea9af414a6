"""Fixtures for the end-to-end tests: one served build, one Chromium, a fresh browser context per test.

Every test that takes `widget` runs once for each calculator widget on each page of the built
site (found by reading its HTML), so a new calculator or guide is covered without a new test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re

import pytest
from playwright.sync_api import expect

from tests.browser._site import REVEAL, SITE_DIR, Widget, first_copies, site_widgets, widgets_by_page
from tests.harness import launch_chromium, serve

LIVE_TIMEOUT_MS = 90_000  # Pyodide's first start takes a few seconds; a slow CI machine gets room


def pytest_collection_modifyitems(items):
    """Mark every test here as a browser test."""
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    """Stop before any test when `--dist loadgroup` would not group (pytest-dev/pytest-xdist#1386).

    xdist 3.8 groups a test by rewriting its node id, which pytest 9.2 no longer reads: the tests that
    share tabs then run on whichever worker is free and start Python again and again, silently.
    """
    if config.getoption("dist", "no") != "loadgroup":
        return
    import xdist

    if pytest.version_tuple[:2] >= (9, 2) and tuple(map(int, xdist.__version__.split(".")[:2])) <= (3, 8):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} with pytest-xdist {xdist.__version__} ignores xdist_group "
            "(pytest-dev/pytest-xdist#1386): install the versions in requirements/browser.txt"
        )


def pytest_generate_tests(metafunc):
    """Run a `widget` test once per widget of the built site, a `calculator_widget` test once per calculator
    (on its first widget) and a `page_widgets` test once per calculator page (with the page's widgets)."""
    wanted = {"widget", "calculator_widget", "page_widgets"} & set(metafunc.fixturenames)
    if wanted and not site_widgets():
        raise pytest.UsageError(f"no calculator widgets in {SITE_DIR}: build the site first (nox -s docs)")
    if "widget" in wanted:
        metafunc.parametrize("widget", site_widgets(), ids=[widget.test_id for widget in site_widgets()])
    if "calculator_widget" in wanted:
        firsts = list(first_copies().values())
        metafunc.parametrize("calculator_widget", firsts, ids=[widget.test_id for widget in firsts])
    if "page_widgets" in wanted:
        pages = widgets_by_page()
        metafunc.parametrize("page_widgets", pages.values(), ids=[path.strip("/") or "home" for path in pages])


@pytest.fixture(scope="session")
def origin():
    """The built site, served once for the whole run."""
    server = serve(SITE_DIR)
    yield server.origin
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One browser context and page, with everything it requested and logged."""

    page: object
    origin: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)

    def open(self, widget: Widget, query: str = "", wait_until: str = "load"):
        """Load the widget's page and bring the widget into view (its tab chosen, its block open)."""
        self.page.goto(self.origin + widget.path + query, wait_until=wait_until)
        self.reveal(widget)
        return self.page.locator(widget.selector)

    def reveal(self, widget: Widget) -> None:
        self.page.evaluate(REVEAL, widget.id)

    def wait_live(self, widget: Widget) -> None:
        """Wait until the widget is live and has no computation running."""
        self.page.wait_for_function(
            """id => {
                const el = document.getElementById(id);
                return el && el.classList.contains("calc--live") && el.getAttribute("aria-busy") !== "true";
            }""",
            arg=widget.id,
            timeout=LIVE_TIMEOUT_MS,
        )

    def expect_charts(self, widget: Widget, count: int) -> None:
        """Scroll to each of the widget's figures in turn (charts are drawn near the viewport) and expect `count` drawn."""
        figures = self.page.locator(f"{widget.selector} .calc__figure")
        for index in range(figures.count()):
            figures.nth(index).scroll_into_view_if_needed()
            expect(figures.nth(index).locator(".calc__plot")).to_have_class(re.compile(r"\bjs-plotly-plot\b"))
        expect(self.page.locator(f"{widget.selector} .calc__plot.js-plotly-plot")).to_have_count(count)

    def values(self, widget: Widget) -> list[str]:
        return self.page.locator(f"{widget.selector} .calc__value").all_text_contents()

    def table_cells(self, widget: Widget) -> list[str]:
        """Every cell of the widget's tables, its details opened first as a reader does: while they are folded, a live
        reply carries each table's first rows only (calculators/widget.js), and opening them brings the rest."""
        details = self.page.locator(f"{widget.selector} details.calc__details")
        if details.count() and not details.evaluate("el => el.open"):
            details.evaluate("el => { el.open = true; }")
        more = self.page.locator(f"{widget.selector} .calc__more")
        if more.count():  # a live reply's first rows: opening the details has asked Python for the rest
            expect(more).to_have_count(0)
            self.wait_live(widget)
        return self.page.locator(f"{widget.selector} .calc__table td").all_text_contents()

    def field(self, widget: Widget, name: str):
        """The field's control, its folded group opened first, as a reader opens it to reach the field."""
        selector = f'{widget.selector} [name="{name}"]'
        self.page.evaluate("s => { const d = document.querySelector(s)?.closest('details'); if (d) d.open = true; }", selector)
        return self.page.locator(selector)

    def error(self, widget: Widget, name: str):
        return self.page.locator(f'{widget.selector} .calc__field[data-field="{name}"] .calc__error')

    def status(self, widget: Widget) -> str:
        return self.page.locator(f"{widget.selector} .calc__status").text_content()

    def search(self) -> str:
        return self.page.evaluate("() => location.search")

    @property
    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if url.startswith(("http:", "https:", "ws:", "wss:")) and not url.startswith(self.origin + "/")
        ]

    def count_requests(self, suffix: str) -> int:
        return sum(1 for url in self.requests if url.split("?")[0].endswith(suffix))


def _record(page, origin: str) -> Visit:
    page.set_default_timeout(30_000)
    record = Visit(page=page, origin=origin)
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and record.console_errors.append(message.text))
    page.on("console", lambda message: "Content Security Policy" in message.text and record.csp_violations.append(message.text))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on("worker", lambda worker: record.workers.append(worker.url))
    return record


def _new_context(browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, color_scheme="light")


@pytest.fixture(scope="session")
def shared_context(browser):
    """One context for the tests that change no routes and no palette: its HTTP cache keeps Pyodide warm."""
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def visit(shared_context, origin):
    """A new page (with its own worker) that records requests and errors."""
    page = shared_context.new_page()
    record = _record(page, origin)
    yield record
    page.close()
    assert record.csp_violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def fresh_visit(browser, origin):
    """A page in a context of its own (own cache, storage and routes), for tests that block or change things."""
    context = _new_context(browser)
    record = _record(context.new_page(), origin)
    yield record
    context.close()
    assert record.csp_violations == [], "the page broke its Content-Security-Policy"
