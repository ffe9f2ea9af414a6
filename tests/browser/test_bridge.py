"""The bridge between the page and the worker: a reply to inputs since changed is never shown, and a failed start is reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import changes_that_matter, cpython, default_text, set_field, value_texts

# Replies to requests that carry window.__slow.value in window.__slow.field reach the page 800 ms late.
SLOW_REPLIES = """
(() => {
  const NativeWorker = window.Worker;
  const slow = new Set();
  window.Worker = class extends NativeWorker {
    postMessage(message, ...rest) {
      const rule = window.__slow;
      if (rule && message && message.inputs && message.inputs[rule.field] === rule.value) slow.add(message.id);
      return super.postMessage(message, ...rest);
    }
    addEventListener(type, listener, options) {
      if (type !== "message") return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (event) => {
        const late = event.data && slow.has(event.data.id);
        setTimeout(() => listener.call(this, event), late ? 800 : 0);
      }, options);
    }
  };
})();
"""


def test_a_late_reply_to_an_older_request_is_ignored(fresh_visit):
    """A reply that arrives after the reader changed the input again is not shown; the page shows the later input's result."""
    visit = fresh_visit
    widget = next((w for w in site_widgets() if len(changes_that_matter(w)) >= 1), None)
    if widget is None:
        pytest.skip("no widget with an input that changes its results")
    name, later = changes_that_matter(widget)[0]
    earlier = default_text(widget, name)
    visit.page.add_init_script(SLOW_REPLIES)
    visit.open(widget)
    visit.wait_live(widget)
    values = visit.page.locator(f"{widget.selector} .calc__value")
    visit.page.evaluate("rule => { window.__slow = rule; }", {"field": name, "value": earlier})

    set_field(visit, widget, name, later)
    expect(values).to_have_text(value_texts(cpython(widget, {name: later})))
    visit.wait_live(widget)
    visit.page.evaluate(
        """selector => {
            const root = document.querySelector(selector);
            window.__shown = [];
            new MutationObserver(() => {
                window.__shown.push([...root.querySelectorAll(".calc__value")].map((el) => el.textContent));
            }).observe(root.querySelector(".calc__results"), { childList: true });
        }""",
        widget.selector,
    )
    set_field(visit, widget, name, earlier)  # its reply will come 800 ms late
    visit.page.wait_for_timeout(300)  # that request is on its way (posted at once: none of this widget was out)
    set_field(visit, widget, name, later)  # this reply comes first
    expect(values).to_have_text(value_texts(cpython(widget, {name: later})))
    visit.page.wait_for_timeout(1200)  # the late reply has arrived too, and changed nothing
    assert visit.values(widget) == value_texts(cpython(widget, {name: later}))
    stale = value_texts(cpython(widget, {name: earlier}))
    assert stale not in visit.page.evaluate("() => window.__shown"), "the reply for inputs already changed was shown"
    assert visit.page_errors == []


@pytest.mark.parametrize(
    "blocked, says",
    [
        ("javascripts/calculator-worker.mjs", "the worker script could not be loaded"),
        ("assets/pyodide/*/pyodide.mjs", "pyodide.mjs"),
        ("assets/pyodide/runtime.json", "could not fetch runtime.json: Failed to fetch"),
        # loadPyodide itself would wait forever for these; the worker's own fetch check ends the wait.
        ("assets/pyodide/*/pyodide.asm.wasm", "could not fetch pyodide.asm.wasm"),
        ("assets/pyodide/*/python_stdlib.zip", "could not fetch python_stdlib.zip"),
    ],
)
def test_each_way_the_runtime_can_fail_to_load_is_reported(fresh_visit, blocked, says):
    """A missing worker script, Pyodide module, runtime manifest, wasm binary or standard library each ends in a status line that names the problem."""
    visit = fresh_visit
    widget = site_widgets()[0]
    visit.page.context.route(f"**/{blocked}", lambda route: route.abort())
    visit.open(widget)
    status = visit.page.locator(f"{widget.selector} .calc__status")
    expect(status).to_contain_text("The live calculator could not start", timeout=60_000)
    expect(status).to_contain_text(says)
    assert visit.values(widget) == value_texts(cpython(widget))
    assert visit.page_errors == []


def test_a_runtime_file_answered_with_404_fails_the_start_at_once(fresh_visit):
    """A server that answers 404 for the wasm binary gets a status line naming the file and the HTTP status, not an endless wait."""
    visit = fresh_visit
    widget = site_widgets()[0]
    visit.page.context.route("**/assets/pyodide/*/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="gone"))
    visit.open(widget)
    status = visit.page.locator(f"{widget.selector} .calc__status")
    expect(status).to_contain_text("could not fetch pyodide.asm.wasm: HTTP 404", timeout=30_000)
    assert visit.values(widget) == value_texts(cpython(widget))
    assert visit.page_errors == []


# Records the document's readyState when each calculator worker is created.
WORKER_BIRTHS = """
(() => {
  const NativeWorker = window.Worker;
  window.__births = [];
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (/calculator-worker/.test(String(url))) {
        // where the parser is: still loading, and (the script sits before them) no stylesheet reached yet
        window.__births.push([document.readyState, document.querySelectorAll("link[rel=stylesheet]").length]);
        this.addEventListener("message", (event) => {
          if (event.data && event.data.type === "ready") window.__ready = performance.now();
        });
      }
    }
  };
})();
"""


def test_python_starts_while_the_page_is_still_being_parsed(fresh_visit):
    """On a page with a calculator the worker is created from the page's head, before the HTML has been parsed and
    before the stylesheets (an inline script after a stylesheet waits for it to load), and only once."""
    visit = fresh_visit
    widget = site_widgets()[0]
    visit.page.add_init_script(WORKER_BIRTHS)
    visit.open(widget)
    visit.wait_live(widget)
    assert visit.page.evaluate("() => window.__births") == [["loading", 0]]
    assert visit.count_requests("pyodide.asm.wasm") == 1
    assert visit.page_errors == []


def test_the_search_index_waits_for_python(fresh_visit):
    """Material's search builds its index in a worker of its own as the page loads, which took a third of a second
    from Python's start on two cores: on a calculator page its index is requested once Python is up, and at once
    when the reader goes to the search box."""
    visit = fresh_visit
    widget = site_widgets()[0]
    asked = []
    visit.page.on("request", lambda r: r.url.endswith("/search/search_index.json") and asked.append(visit.page.evaluate("performance.now()")))
    visit.page.add_init_script(WORKER_BIRTHS)
    visit.open(widget)
    visit.wait_live(widget)
    visit.page.wait_for_function("() => window.__ready !== undefined")
    visit.page.wait_for_timeout(500)
    ready = visit.page.evaluate("() => window.__ready")
    assert asked and min(asked) >= ready - 50, f"the search index was asked for at {asked}, Python was up at {ready:.0f} ms"
    # before Python: going to the search box asks for it at once
    held = []
    visit.page.context.route("**/assets/pyodide/**", lambda route: held.append(route))  # never answered
    asked.clear()
    visit.page.goto(visit.origin + widget.path)
    visit.page.locator(".md-search__input").click()
    visit.page.wait_for_timeout(1000)
    assert asked, "the search box did not ask for its index"
    assert visit.page_errors == []


def test_a_page_without_a_calculator_starts_no_python(fresh_visit):
    """The guides' index and the pricing reference have no widget, so they create no worker and fetch no Pyodide."""
    visit = fresh_visit
    for path in ("/guides/", "/reference/pricing/"):
        visit.page.goto(visit.origin + path, wait_until="load")
        visit.page.wait_for_timeout(500)
    assert not [url for url in visit.workers if url.endswith("calculator-worker.mjs")]
    assert visit.count_requests("pyodide.asm.wasm") == 0
    assert visit.page_errors == []


# Records what the page asks the worker to warm up: each calculator's name and the inputs sent with it.
WARMED = """
(() => {
  window.__warmed = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.warm) window.__warmed.push([message.calculator, message.inputs ?? null]);
    return post.call(this, message, ...rest);
  };
})();
"""

# The first widget of each calculator on the page: its form's fields as text, as a change sends them.
FORM_TEXT = """
() => {
  const forms = {};
  for (const root of document.querySelectorAll(".calc[data-calc]")) {
    if (root.dataset.calc in forms) continue;
    const form = root.querySelector(".calc__form");
    forms[root.dataset.calc] = Object.fromEntries(
      [...form.elements].filter((el) => el.name && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)).map((el) => [el.name, el.value]),
    );
  }
  return forms;
}
"""


def test_each_calculator_is_warmed_up_with_its_forms_inputs_in_idle_time(fresh_visit):
    """Once live, in idle time, the page has Python run each of its calculators a few times (one at a time, the
    answer dropped) with the first widget's form as a change would send it: a run of the defaults alone left the
    reader's first change on cost to train waiting about 70 ms for Python, against 25 ms by the fifth."""
    visit = fresh_visit
    pages = {}
    for widget in site_widgets():
        pages.setdefault(widget.path, []).append(widget)
    path, widgets = max(pages.items(), key=lambda item: len({w.calculator for w in item[1]}))
    visit.page.add_init_script(WARMED)
    visit.open(widgets[0])
    visit.wait_live(widgets[0])
    names = sorted({w.calculator for w in widgets})
    visit.page.wait_for_function("n => window.__warmed.length >= n", arg=2 * len(names), timeout=15_000)
    visit.page.wait_for_timeout(1500)
    warmed = visit.page.evaluate("() => window.__warmed")
    forms = visit.page.evaluate(FORM_TEXT)
    runs = {name: sum(1 for each, _ in warmed if each == name) for name in names}
    assert sorted({each for each, _ in warmed}) == names
    assert len(set(runs.values())) == 1 and min(runs.values()) >= 2, runs
    for name, inputs in warmed:
        assert inputs == forms[name], f"{name} was warmed with {inputs}, not its form's inputs"
    assert visit.page_errors == []
