"""The service worker (sw.js, hooks/sw_hook.py): after one visit to a calculator page, the page comes back
and its calculators go live with the site's server stopped, and no page ever asks another origin for anything.

Each test serves the build on a server of its own, so it can stop it, and uses a context of its own
(service workers allowed), so the shared context of the other tests never holds this service worker.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser._site import SITE_DIR, site_widgets
from tests.browser.helpers import change_that_matters, cpython, value_texts
from tests.harness import SiteHandler, serve

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 90_000
SW_TIMEOUT_MS = 90_000  # registered once Python is live; it precaches the pages and scripts, not the runtime
ALL_LIVE = """() => {
    const roots = document.querySelectorAll(".calc[data-calc]");
    return roots.length > 0 && [...roots].every((r) => r.classList.contains("calc--live") && r.getAttribute("aria-busy") !== "true");
}"""


class CountingHandler(SiteHandler):
    """The tests' site handler, counting the 200 responses it sends per path (the bytes that crossed the network)."""

    def send_response(self, code, message=None):
        if code == 200:
            path = self.path.split("?")[0]
            self.server.sent[path] = self.server.sent.get(path, 0) + 1
        super().send_response(code, message)


@pytest.fixture
def own_site(browser):
    """A server of the test's own and a fresh context with service workers allowed: (page, origin, server, record)."""
    server = serve(SITE_DIR, CountingHandler)
    server.sent = {}
    origin = server.origin
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="allow")
    record = {"requests": [], "errors": [], "csp": []}
    context.on("request", lambda request: record["requests"].append(request.url))  # the service worker's too
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda error: record["errors"].append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and record["csp"].append(m.text))
    yield page, origin, server, record
    context.close()
    server.shutdown()
    server.server_close()


def calculator_page():
    widgets = [w for w in site_widgets() if cpython(w).figures] or list(site_widgets())
    if not widgets:
        pytest.fail(f"no calculator widgets in {SITE_DIR}: build the site first (nox -s docs)")
    return widgets[0]


def test_a_visited_calculator_page_goes_live_again_with_the_server_stopped(own_site):
    """Second visit with the server gone: the page, Pyodide and the wheel come from the service worker's cache, and a changed input is recomputed."""
    page, origin, server, record = own_site
    widget = calculator_page()
    page.goto(origin + widget.path)
    page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=SW_TIMEOUT_MS)

    server.shutdown()
    server.server_close()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(origin + widget.path)
    page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)

    name, value = change_that_matters(widget)
    field = page.locator(f'{widget.selector} [name="{name}"]')
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)
    expect(page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(cpython(widget, {name: value})))
    wasm = [r for r in responses if r.url.endswith("/pyodide.asm.wasm")]
    assert wasm and all(r.from_service_worker and r.ok for r in wasm)
    snapshot = [r for r in responses if r.url.endswith("/calculators.snapshot")]
    assert snapshot and all(r.from_service_worker and r.ok for r in snapshot), "Python did not restore the snapshot"

    assert [r.url for r in responses if not r.ok] == []
    assert record["errors"] == []
    assert record["csp"] == []


def test_no_request_leaves_the_site_and_the_runtime_crosses_the_network_once(own_site):
    """A first visit, the service worker's install and a second visit from its cache: every request goes to the
    site's own origin, and each runtime file (the memory snapshot included) is sent by the server once: the
    precache no longer downloads the runtime again, and the snapshot the first visit restores is the one kept."""
    page, origin, server, record = own_site
    widget = calculator_page()
    page.goto(origin + widget.path)
    page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=SW_TIMEOUT_MS)
    page.wait_for_timeout(3000)  # the worker's tidying of its cache, 2 s after Python is up
    page.goto(origin + widget.path)
    page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
    assert any(url.endswith("/sw.js") for url in record["requests"]), "the service worker was never fetched"
    foreign = [
        u
        for u in record["requests"]
        if u.startswith(("http:", "https:", "ws:", "wss:")) and not u.startswith(origin + "/")
    ]
    assert foreign == []
    assert record["csp"] == []
    runtime = {path: n for path, n in server.sent.items() if path.startswith("/assets/pyodide/") and not path.endswith("/runtime.json")}
    assert any(path.endswith("/calculators.snapshot") for path in runtime), "the first visit did not restore the snapshot"
    assert any(path.endswith("/pyodide.asm.wasm") for path in runtime)
    assert {path: n for path, n in runtime.items() if n > 1} == {}, "a runtime file was downloaded twice"
