"""What the bench measures, in headless Chromium against the built site: a page's cold and repeat visits until
every widget is live, keystrokes to new numbers and a painted chart, a bare Pyodide boot, and the bytes the
server sent (with what a static host would send compressed). bench/run.py drives it; bench/report.py sums up.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.harness import SiteHandler, SiteServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The npm package as it ships: the stock boot loads all of it from /bench-baseline/stock/, and the bare boot its
# standard library (the site serves a copy trimmed to what its worker imports, tools/stdlib_used.mjs).
STOCK_PYODIDE = ROOT / "node_modules" / "pyodide"
STOCK_STDLIB = STOCK_PYODIDE / "python_stdlib.zip"
BASELINE_PREFIX = "/bench-baseline/"

try:  # compressed sizes: brotli (quality 11) if installed, gzip -9 always
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

COMPRESSION = "gzip -9" + (" and brotli q11" if brotli else " (brotli not installed)")


def baseline_file(url_path: str) -> Path:
    """The file a /bench-baseline/ URL path serves: stock/NAME from the npm package, the stock python_stdlib.zip,
    or bench/baseline/NAME."""
    rest = url_path.split("?")[0][len(BASELINE_PREFIX) :]
    name = Path(rest).name or "index.html"
    if rest.startswith("stock/"):
        return STOCK_PYODIDE / name
    return STOCK_STDLIB if name == STOCK_STDLIB.name else HERE / "baseline" / name


# Runs before any page script, in every document: posts to and replies from the calculator worker, when
# the first widget value is in the DOM, and when every widget of the page is live (performance.now()).
INIT_JS = r"""
(() => {
  const B = (window.__bench = { posts: 0, replies: 0, marks: {} });
  const Native = window.Worker;
  const post = Native.prototype.postMessage;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.__calc = /calculator-worker/.test(String(url));
      if (this.__calc) {
        B.workerCreated = performance.now();
        this.addEventListener("message", (e) => {
          if (e.data && e.data.type === "ready") { B.ready = performance.now(); B.restored = !!e.data.restored; } else B.replies += 1;
        });
      }
    }
  };
  Native.prototype.postMessage = function (...args) {
    if (this.__calc) B.posts += 1;
    return post.apply(this, args);
  };
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("controllerchange", () => { B.controlled = performance.now(); });
  // A reader's first change, made the moment every widget is live (window.__benchChange: {selector, field, value}):
  // marks.answer is when that widget's results are replaced by Python's answer to it.
  const change = () => {
    const spec = window.__benchChange;
    const root = spec && document.querySelector(spec.selector);
    const input = root && root.querySelector(`[name="${spec.field}"]`);
    if (!input) return;
    const results = root.querySelector(".calc__results");
    let swapped = false;
    const done = () => {
      if (!swapped || root.getAttribute("aria-busy") === "true") return;
      B.marks.answer = performance.now();
      watch.disconnect();
    };
    const watch = new MutationObserver((records) => {
      if (records.some((r) => r.target === results && r.type === "childList")) swapped = true;
      done();
    });
    watch.observe(results, { childList: true });
    watch.observe(root, { attributes: true, attributeFilter: ["class", "aria-busy"] });
    B.marks.changed = performance.now();
    input.value = spec.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const check = () => {
    const roots = document.querySelectorAll(".calc[data-calc]");
    if (B.marks.value === undefined && document.querySelector(".calc[data-calc] .calc__value")) B.marks.value = performance.now();
    if (roots.length && [...roots].every((r) => r.classList.contains("calc--live"))) {
      B.marks.live = performance.now();
      mo.disconnect();
      change();
    }
  };
  const mo = new MutationObserver(check);
  mo.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
})();
"""

# One keystroke in a text field: "1" typed at the end of the value, or the last character deleted, as the
# field's `input` event reports it (set without a real key press: Chromium scrolls a field that is typed into
# back into view, and the chart, further down, would leave the viewport and not be redrawn). Resolves with
# {key, numbers, chart} (performance.now() times): the input event, the widget's results replaced (new
# numbers), and its first chart's `calc:plotted` event followed by the next frame (the chart painted).
READER_PAUSE_MS = 500  # between scrolling to a chart and typing (keystrokes)

KEYSTROKE_JS = r"""
([selector, field, append, timeoutMs]) => new Promise((resolve, reject) => {
  const root = document.querySelector(selector);
  const input = root.querySelector(`[name="${field}"]`);
  const results = root.querySelector(".calc__results");
  const hasChart = !!root.querySelector(".calc__plot");
  const t = { key: null, numbers: null, chart: null };
  const stop = () => { mo.disconnect(); root.removeEventListener("calc:plotted", plotted); clearTimeout(timer); };
  const timer = setTimeout(() => { stop(); reject(new Error(`no answer within ${timeoutMs} ms: ${JSON.stringify(t)}`)); }, timeoutMs);
  const finish = () => { stop(); resolve(t); };
  let swapped = false;  // the results' children replaced: new numbers (an invalid input changes only classes)
  const check = () => {
    if (!swapped || t.numbers !== null || root.getAttribute("aria-busy") === "true") return;
    t.numbers = performance.now();
    if (!hasChart) finish();
  };
  const mo = new MutationObserver((records) => {
    if (records.some((r) => r.target === results && r.type === "childList")) swapped = true;
    if (root.classList.contains("calc--invalid")) { stop(); reject(new Error(`invalid input: ${input.value}`)); return; }
    check();
  });
  mo.observe(results, { childList: true });
  mo.observe(root, { attributes: true, attributeFilter: ["class", "aria-busy"] });
  const plotted = (e) => {
    if (t.numbers === null || e.target !== root.querySelector(".calc__plot")) return;
    requestAnimationFrame(() => setTimeout(() => { t.chart = performance.now(); finish(); }, 0));
  };
  root.addEventListener("calc:plotted", plotted);
  input.value = append ? input.value + "1" : input.value.slice(0, -1);
  t.key = performance.now();
  input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: append ? "insertText" : "deleteContentBackward", data: append ? "1" : null }));
})
"""


class BenchServer(SiteServer):
    """The tests' site server, with bench/baseline/ mounted and a log of every response and the bytes it sent."""

    def __init__(self, site: Path):
        self.log: list[dict] = []  # {path, status, bytes (headers + body as sent), end: epoch ms}
        self.lock = threading.Lock()
        super().__init__(site, CountingHandler)


class _Counting:
    """Wraps a handler's wfile to count the bytes sent."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


class CountingHandler(SiteHandler):
    """The site handler, logging each response's status and bytes to the server."""

    mounts = {BASELINE_PREFIX: baseline_file}

    def send_response(self, code, message=None):
        self._status = code
        super().send_response(code, message)

    def handle_one_request(self):
        self._status = None
        self.wfile = counter = _Counting(self.wfile)
        super().handle_one_request()
        self.wfile = counter.raw
        if counter.count and getattr(self, "path", None):
            with self.server.lock:
                self.server.log.append(
                    {"path": self.path, "status": self._status, "bytes": counter.count, "end": time.time() * 1000}
                )


# ── What a static host would send ─────────────────────────────────────────────────────────────────
@functools.cache
def compressed_size(site: Path, url_path: str) -> dict:
    """Sizes of the file a URL path serves: raw, gzip -9 and (if installed) brotli q11. Missing: zeros."""
    path = unquote(urlsplit(url_path).path)
    if path.startswith(BASELINE_PREFIX):
        file = baseline_file(path)
    else:
        file = site / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
    if not file.is_file():
        return {"raw": 0, "gzip": 0, "brotli": 0 if brotli else None}
    data = file.read_bytes()
    return {
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "brotli": len(brotli.compress(data, quality=11)) if brotli else None,
    }


def wire(server: BenchServer, site: Path, first: int, until_epoch: float, since_epoch: float = 0.0) -> dict:
    """Bytes of the 200 responses logged from index `first` that ended in [since, until], as sent and compressed."""
    with server.lock:
        entries = [
            e for e in server.log[first:] if since_epoch - 1 <= e["end"] <= until_epoch + 1 and e["status"] == 200
        ]
    sizes = [compressed_size(site, e["path"]) for e in entries]
    return {
        "responses": len(entries),
        "sent": sum(e["bytes"] for e in entries),
        "gzip": sum(s["gzip"] for s in sizes),
        "brotli": sum(s["brotli"] for s in sizes) if brotli else None,
        "files": sorted({e["path"] for e in entries}),
    }


# ── Measuring ─────────────────────────────────────────────────────────────────────────────────────


class BenchError(RuntimeError):
    """A page did not load or behave as expected; printed without a traceback."""


def new_context(browser, args, service_workers: str = "block", change: dict | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers=service_workers)
    context.add_init_script(INIT_JS)
    if change:  # the first visit only: a repeat visit is timed to live with the form as built
        context.add_init_script(f"if (!sessionStorage.getItem('bench-changed')) {{ sessionStorage.setItem('bench-changed', '1'); window.__benchChange = {json.dumps(change)}; }}")
    page = context.new_page()
    page.set_default_timeout(args.timeout * 1000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "favicon" not in (m.location or {}).get("url", "")
            and errors.append(f"console: {m.text} ({(m.location or {}).get('url')})")
        ),
    )
    requests: list[dict] = []
    # every response to the page and its workers, and whether the service worker served it (a handler that
    # asked each request for its response made a round trip per request, and failed once the context closed)
    page.on("response", lambda r: requests.append({"url": r.url, "sw": r.from_service_worker}))
    return context, page, errors, requests


def wait_for(page, expression: str, what: str, timeout_s: float, errors: list[str], arg=None) -> None:
    from playwright.sync_api import Error as PlaywrightError

    widgets = "() => [...document.querySelectorAll('.calc[data-calc]')].slice(0, 3).map(r => r.className + ': ' + (r.querySelector('.calc__status')?.textContent || ''))"
    try:  # stop early if a widget fails
        page.wait_for_function(
            f"arg => ({expression})(arg) || !!document.querySelector('.calc--failed')",
            arg=arg,
            timeout=timeout_s * 1000,
            polling=20,
        )
    except PlaywrightError as exc:  # TimeoutError is a subclass
        raise BenchError(
            f"{page.url}: {what} not reached in {timeout_s:.0f} s ({type(exc).__name__}); "
            f"widgets: {page.evaluate(widgets)}; errors: {[e[:300] for e in errors[-5:]]}"
        ) from None
    if page.evaluate("() => !!document.querySelector('.calc--failed')"):
        raise BenchError(
            f"{page.url}: a widget failed while waiting for {what}: {page.evaluate(widgets)}; errors: {[e[:300] for e in errors[-5:]]}"
        )


SETTLED = "() => { const B = window.__bench; return B.marks.live !== undefined && B.replies >= B.posts && !document.querySelector('.calc[aria-busy=true]'); }"


ANSWERED = "() => window.__bench.marks.answer !== undefined || !window.__benchChange"


def visit(page, url: str, args, errors: list[str]) -> dict:
    """Open url and wait until every widget is live, its first live results are in and (if a change was set up with
    `first_change`) the reader's first change is answered; times from navigation start."""
    page.goto(url, wait_until="commit")
    wait_for(page, SETTLED, "every widget live", args.timeout, errors)
    wait_for(page, ANSWERED, "the first change answered", args.timeout, errors)
    return page.evaluate("""() => ({
        origin: performance.timeOrigin,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        value: window.__bench.marks.value ?? null,
        live: window.__bench.marks.live,
        answer: window.__bench.marks.answer ?? null,
        ready: window.__bench.ready ?? null,
        restored: window.__bench.restored ?? null,
        workerCreated: window.__bench.workerCreated ?? null,
    })""")


def first_change(widget) -> dict | None:
    """The change a reader makes first, for the cold visit: "1" typed at the end of the first text field of the
    page's first widget where that gives valid inputs that change a figure (checked with CPython)."""
    from calculators import CalculatorError
    from tests.browser.helpers import cpython, value_texts

    base = value_texts(cpython(widget))
    for field in widget.fields:
        if field.tag != "input" or not re.fullmatch(r"[\d,]+(\.\d+)?", field.shown or ""):
            continue
        try:
            if value_texts(cpython(widget, {field.name: field.shown + "1"})) != base:
                return {"selector": widget.selector, "field": field.name, "value": field.shown + "1"}
        except CalculatorError:
            continue
    return None


def pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))], 1)


def choose_field(page, widget) -> tuple[str, str] | None:
    """The first text field of the widget where typing "1" at the end gives valid inputs that change a value and the
    widget's first chart.

    Checked with CPython (tests/browser/helpers.py), so every keystroke of the bench has new numbers and a new chart
    to show (a chart whose figure is unchanged is not redrawn, so a field that moves only numbers is timed by the
    numbers alone, and would leave "-> chart" nothing to wait for).
    """
    from calculators import CalculatorError
    from tests.browser.helpers import cpython, value_texts

    shown = page.evaluate(
        "sel => Object.fromEntries([...document.querySelectorAll(sel + ' form.calc__form input[type=text][name]')].map(i => [i.name, i.value]))",
        widget.selector,
    )
    built = cpython(widget)
    base = value_texts(built)
    for name, value in shown.items():
        if not re.fullmatch(r"\d+(\.\d+)?", value):
            continue
        try:
            typed = cpython(widget, {name: value + "1"})
        except CalculatorError:
            continue
        if value_texts(typed) != base and (not built.figures or typed.figures[0].figure != built.figures[0].figure):
            return name, value
    return None


def keystrokes(page, widget, n: int, args) -> dict:
    """n keystrokes in one field, alternately "1" at the end and Backspace, each waited for in full."""
    from playwright.sync_api import Error as PlaywrightError

    chosen = choose_field(page, widget)
    if chosen is None:
        return {"field": None}
    name, _ = chosen
    # Charts are drawn near the viewport: bring this one into view and wait until Plotly has drawn every chart of
    # the widget that is now in view (the scroll brings others in, drawn for the first time), then pause as a
    # reader does between scrolling and typing: the first keystroke is timed on its own, not on top of those
    # first draws, which a person could not type into (they made its first two keystrokes 60-100 ms slower).
    page.evaluate(
        "sel => document.querySelector(sel + ' .calc__plot')?.scrollIntoView({block: 'center'})", widget.selector
    )
    page.wait_for_function(
        """sel => [...document.querySelectorAll(sel + ' .calc__plot')].every((p) => {
             const box = p.getBoundingClientRect();
             return box.bottom <= 0 || box.top >= innerHeight || p.querySelector('.main-svg');
           })""",
        arg=widget.selector,
        timeout=args.timeout * 1000,
    )
    page.wait_for_timeout(READER_PAUSE_MS)
    rows = []
    for i in range(n):
        try:
            rows.append(page.evaluate(KEYSTROKE_JS, [widget.selector, name, i % 2 == 0, args.timeout * 1000]))
        except PlaywrightError as exc:
            raise BenchError(
                f"{page.url} {widget.id} field {name}, keystroke {i + 1}: {exc.message.splitlines()[0]}"
            ) from None
    numbers = [r["numbers"] - r["key"] for r in rows]
    charts = [r["chart"] - r["key"] for r in rows if r["chart"] is not None]
    return {
        "widget": widget.id,
        "field": name,
        "numbers_ms": [round(x, 1) for x in numbers],
        "chart_ms": [round(x, 1) for x in charts],
    }


def wait_service_worker(page, timeout_s: float) -> float | None:
    """ms from navigation start until the site's service worker is active (its precache complete), or None."""
    try:
        page.wait_for_function(
            "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            timeout=timeout_s * 1000,
            polling=50,
        )
    except Exception:  # noqa: BLE001 - no service worker on this site, or it did not install
        return None
    return page.evaluate("window.__bench.controlled ?? performance.now()")


def measure_page(
    browser, server: BenchServer, origin: str, site: Path, widgets: list, args, sw_mode: str, keys: int
) -> dict:
    """Cold visit (and the reader's first change), keystrokes, repeat visit of one page in one fresh context."""
    change = first_change(widgets[0])
    context, page, errors, requests = new_context(browser, args, "allow" if sw_mode == "on" else "block", change)
    try:
        first_log = len(server.log)
        cold = visit(page, origin + widgets[0].path, args, errors)
        out = {
            "sw": sw_mode,
            "cold_live_ms": round(cold["live"], 1),
            "cold_answer_ms": round(cold["answer"], 1) if cold["answer"] is not None else None,
            "cold_restored": cold["restored"],
            "first_change": change,
            "cold_value_in_dom_ms": round(cold["value"], 1) if cold["value"] is not None else None,
            "cold_fcp_ms": round(cold["fcp"], 1) if cold["fcp"] else None,
            "cold_worker_created_ms": round(cold["workerCreated"], 1) if cold["workerCreated"] else None,
            "cold_worker_ready_ms": round(cold["ready"], 1) if cold["ready"] else None,
            "wire_before_live": wire(server, site, first_log, cold["origin"] + cold["live"]),
        }
        if sw_mode == "on":
            # registered once Python is ready: what the server sent from then until the worker controls the page
            active = wait_service_worker(page, args.sw_timeout)
            out["sw_active_ms"] = round(active, 1) if active is not None else None
            out["sw_precache"] = (
                wire(server, site, first_log, cold["origin"] + active, cold["origin"] + cold["ready"])
                if active is not None and cold["ready"]
                else None
            )
            # The whole first visit: the page, its runtime, Plotly, the service worker and its precache, and what
            # the calculator worker fetches for its cache after live, until the server has been quiet for 3 s.
            out["first_visit_wire"] = wire(server, site, first_log, quiet(server, 3.0, args.sw_timeout))
        if keys:
            charted = [w for w in widgets if page.locator(f"{w.selector} .calc__plot").count()] or widgets
            out["keys"] = keystrokes(page, charted[0], keys, args)
        log_repeat, seen = len(server.log), len(requests)
        repeat = visit(page, origin + widgets[0].path, args, errors)
        out["repeat_live_ms"] = round(repeat["live"], 1)
        out["repeat_worker_ready_ms"] = round(repeat["ready"], 1) if repeat["ready"] else None
        out["repeat_wire"] = wire(server, site, log_repeat, repeat["origin"] + repeat["live"])
        out["repeat_requests"] = len(requests) - seen
        out["repeat_from_sw"] = sum(r["sw"] for r in requests[seen:])
        out["errors"] = errors
        return out
    finally:
        context.close()


def quiet(server: BenchServer, seconds: float, timeout_s: float) -> float:
    """Wait until the server has sent nothing for `seconds` (at most `timeout_s`); the epoch ms of its last response."""
    started = time.time()
    while time.time() - started < timeout_s:
        with server.lock:
            last = server.log[-1]["end"] if server.log else 0.0
        if time.time() * 1000 - last >= seconds * 1000:
            return last
        time.sleep(0.2)
    return time.time() * 1000


def _baseline_boot(browser, origin: str, args, page_name: str, mark: str, what: str) -> float:
    """Open a page of bench/baseline/ in a fresh context and read the boot time it records in ``window[mark]``."""
    context, page, errors, _ = new_context(browser, args)
    try:
        page.goto(f"{origin}/bench-baseline/{page_name}", wait_until="commit")
        wait_for(page, f"() => window.{mark} !== undefined", what, args.timeout, errors)
        return round(page.evaluate(f"window.{mark}"), 1)
    finally:
        context.close()


def measure_stock(browser, origin: str, args) -> float:
    """Stock Pyodide from npm, unmodified, booting one line of Python on the main thread, fresh context: ms from
    navigation start (bench/baseline/stock.html)."""
    return _baseline_boot(browser, origin, args, "stock.html", "__stockBoot", "stock Pyodide boot")


def measure_bare(browser, origin: str, args) -> float:
    """A bare Pyodide boot (loadPyodide + our wheel) in a module worker, fresh context: ms from navigation start."""
    return _baseline_boot(browser, origin, args, "bare-worker.html", "__bareBoot", "bare Pyodide boot")
