"""Every page of the built site, in the light and the dark palette, has no axe-core violations.

Each page is checked as built (Python held back, and on calculator pages Plotly too: the numbers and
the static charts a reader sees at first paint) and, where it has calculators, again once they are
live and Plotly has drawn every chart. A widget in a closed tab is checked again once revealed.
axe-core comes from node_modules (`npm ci`), injected from disk: nothing is loaded from another origin.
One browser context per palette and state is reused across pages, and the live pages are reached by
instant navigation, so Pyodide starts once per palette.
"""

from __future__ import annotations

import pytest

from tests.browser._site import REVEAL, ROOT, SITE_DIR, page_path, site_widgets
from tests.browser.helpers import follow_link

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's data-md-color-scheme
PYODIDE = "**/assets/pyodide/**"
PLOTLY = "**/assets/plotly/**"
LIVE_TIMEOUT_MS = 90_000
SHOWN_TARGETS = 5  # elements listed per violation in a failure message

# JavaScript: run axe on the document, or on one element (argument: a selector or null); plain data back.
RUN_AXE = """async selector => {
    const context = selector ? {include: [selector]} : document;
    const results = await axe.run(context, {resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
    }));
}"""

# JavaScript: ids of the widgets a reader cannot see yet (in a closed tab or a collapsed block).
HIDDEN_WIDGETS = """() => [...document.querySelectorAll(".calc[data-calc]")]
    .filter(el => !el.checkVisibility())
    .map(el => el.id)"""

# JavaScript: true once every visible chart of the page (or of one widget) has been drawn by Plotly.
CHARTS_DRAWN = """id => {
    const scope = id ? document.getElementById(id) : document;
    const plots = [...scope.querySelectorAll(".calc__plot")].filter(el => el.checkVisibility());
    for (const plot of plots) {
        if (!plot.querySelector(".main-svg")) {
            plot.scrollIntoView({block: "center"});  // charts are drawn when near the viewport
            return false;
        }
    }
    return true;
}"""

ALL_LOADING = """() => [...document.querySelectorAll(".calc[data-calc]")].every(el =>
    el.classList.contains("calc--loading"))"""

ALL_LIVE = """() => [...document.querySelectorAll(".calc[data-calc]")].every(el =>
    el.classList.contains("calc--live") && el.getAttribute("aria-busy") !== "true")"""


def site_pages() -> list[str]:
    """The URL path of every HTML page of the build, the 404 page included."""
    if not SITE_DIR.is_dir():
        return []
    return [
        page_path(html_file)
        for html_file in sorted(SITE_DIR.rglob("*.html"))
        if not html_file.relative_to(SITE_DIR).as_posix().startswith("assets/")
    ]


PAGES = site_pages()
WIDGET_PAGES = sorted({widget.path for widget in site_widgets()})


def page_id(path: str) -> str:
    return path.strip("/") or "home"


def describe(violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, and the first elements with what is wrong."""
    lines = []
    for violation in violations:
        count = len(violation["nodes"])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}, {count} element(s)")
        for node in violation["nodes"][:SHOWN_TARGETS]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}\n        {summary}")
    return "\n".join(lines)


def axe_violations(page, within: str | None = None) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, within)


def check_page(page, scheme: str, what: str, ready=lambda page, widget_id: None) -> None:
    """axe finds nothing on the page as shown, nor in any widget hidden in a tab or block once revealed."""
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == SCHEMES[scheme], (
        f"the {scheme} palette did not apply"
    )
    ready(page, None)
    found = {"page": axe_violations(page)}
    for widget_id in page.evaluate(HIDDEN_WIDGETS):
        page.evaluate(REVEAL, widget_id)
        ready(page, widget_id)
        found[f"#{widget_id} (revealed)"] = axe_violations(page, f'[id="{widget_id}"]')
    report = "\n".join(f"in {where}:\n{describe(violations)}" for where, violations in found.items() if violations)
    assert not report, f"axe-core violations on {page.url} {what}, {scheme} palette:\n{report}"


# Under pytest-xdist (--dist loadgroup) one palette's tests run in one worker, so its live tab starts Python once.
@pytest.fixture(scope="module", params=[pytest.param(s, marks=pytest.mark.xdist_group(f"axe-{s}")) for s in SCHEMES])
def scheme(request) -> str:
    return request.param


@pytest.fixture(scope="module", autouse=True)
def _axe_is_installed():
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci`")


def _context(browser, scheme: str):
    # axe-core is injected as an inline script, which the site's CSP refuses: these contexts bypass it (test_csp.py
    # checks the policy itself).
    return browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)


@pytest.fixture(scope="module")
def built_tab(browser, scheme):
    """A page in the given palette whose requests for Pyodide never get an answer."""
    context = _context(browser, scheme)
    context.route(PYODIDE, lambda route: None)  # held: never answered
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def live_tab(browser, scheme):
    """A page in the given palette, kept across tests: one Pyodide start serves every page it moves to."""
    context = _context(browser, scheme)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES, ids=[page_id(path) for path in PAGES])
def test_page_as_built_has_no_axe_violations(built_tab, origin, scheme, path):
    """As first painted, before Python (and on calculator pages Plotly) arrives, axe finds no violation."""
    page = built_tab
    if path in WIDGET_PAGES:  # their charts keep the build's static SVG; a notebook's Plotly chart is drawn
        page.route(PLOTLY, lambda route: None)
    try:
        page.goto(origin + path, wait_until="domcontentloaded")  # held requests would delay "load"
        page.wait_for_function(ALL_LOADING)  # the page script has taken over every widget
        check_page(page, scheme, "as built")
    finally:
        page.unroute(PLOTLY)


def _charts_drawn(page, widget_id):
    page.wait_for_function(CHARTS_DRAWN, arg=widget_id, polling=250)


@pytest.mark.parametrize("path", WIDGET_PAGES, ids=[page_id(path) for path in WIDGET_PAGES])
def test_page_with_live_calculators_and_plotly_charts_has_no_axe_violations(live_tab, origin, scheme, path):
    """With its calculators live in Pyodide and every chart drawn by Plotly, the page has no axe violation."""
    page = live_tab
    if page.url.startswith(origin + "/"):
        follow_link(page, origin + path)  # Python is already running in this tab: no second boot
    else:
        page.goto(origin + path)
    page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    check_page(page, scheme, "with live calculators", ready=_charts_drawn)
