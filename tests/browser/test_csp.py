"""Every page carries a Content-Security-Policy that allows only the site itself, and breaks none of it:
as built, once its calculators are live, and after instant navigation to the next page.

Every browser test also fails if its page logs a CSP violation (tests/browser/conftest.py); this file
walks every page on purpose, and shows the policy is enforced at all.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import follow_link
from tests.browser.test_accessibility import ALL_LIVE, LIVE_TIMEOUT_MS, PAGES, WIDGET_PAGES, page_id

pytestmark = pytest.mark.browser

POLICY = """() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || ''"""


@pytest.mark.parametrize("path", PAGES, ids=[page_id(path) for path in PAGES])
def test_page_has_a_same_origin_policy_and_breaks_none_of_it(visit, path):
    """The policy allows scripts only from the site (plus WebAssembly and hashed inline scripts); none is refused."""
    visit.page.goto(visit.origin + path)
    policy = visit.page.evaluate(POLICY)
    assert "default-src 'self'" in policy and "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    if path in WIDGET_PAGES:
        visit.page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
        visit.page.locator(".calc__plot").first.scroll_into_view_if_needed()
        visit.page.locator(".calc__plot .main-svg").first.wait_for(timeout=30_000)
    assert visit.csp_violations == []


def test_instant_navigation_between_calculator_pages_breaks_no_policy(visit):
    """Going from one calculator page to the next by instant navigation, every inline script still runs."""
    first, second = WIDGET_PAGES[0], WIDGET_PAGES[1]
    visit.page.goto(visit.origin + first)
    visit.page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    follow_link(visit.page, visit.origin + second)
    visit.page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    assert visit.page.evaluate("() => location.pathname") == second
    assert visit.csp_violations == []


def test_the_policy_is_enforced(fresh_visit):
    """A script the site did not ship (here one injected inline) is refused: the policy is not decoration."""
    page = fresh_visit.page
    page.goto(fresh_visit.origin + "/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.appendChild(script);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === true") is False
    assert fresh_visit.csp_violations, "the browser logged no violation for the injected script"
    fresh_visit.csp_violations.clear()  # expected here; the fixture fails any other test that logs one
