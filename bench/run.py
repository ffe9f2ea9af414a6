"""Time a reader's waits on every calculator page of the built site, in headless Chromium.

    python bench/run.py --site-dir site [--runs 2] [--keystrokes 40] [--pages nanogpt,rent] [--sw both]

Serves SITE (plus bench/baseline/ at /bench-baseline/) on 127.0.0.1. The calculator pages are found by
reading the built HTML (tests/browser/_site.py's site_widgets()). In each run, for each page:
  bare      a bare Pyodide boot in a module worker (loadPyodide + our wheel, nothing else), fresh context;
  cold      the page in a fresh context (empty cache): every widget live; bytes fetched before live;
  keys      N keystrokes in one number field of the page's first widget with a chart (type "1" at the
            end, Backspace, ...), each timed from its keydown to the new numbers in the DOM and to the
            chart painted (the widget's `calc:plotted` event, then the next frame);
  repeat    the same URL again in the same context (a new document, warm HTTP cache; with --sw on, the
            site's service worker installed): every widget live.
Pages are printed slowest first; every target is checked against the worst page for that figure. Writes
every figure as JSON; exits 1 only if a page failed (a missed target is a finding, not an error).
Needs playwright and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The bare boot's standard library: Pyodide's own, as the npm package ships it (the site serves a copy
# trimmed to what its worker imports, tools/stdlib_used.mjs).
STOCK_STDLIB = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"


def baseline_file(url_path: str) -> Path:
    """The file a /bench-baseline/ URL path serves: bench/baseline/NAME, or the stock python_stdlib.zip."""
    name = Path(url_path.split("?")[0][len("/bench-baseline/") :]).name or "index.html"
    return STOCK_STDLIB if name == STOCK_STDLIB.name else HERE / "baseline" / name


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TARGET_NUMBERS_P95_MS = 50.0
TARGET_CHART_P95_MS = 100.0
TARGET_REPEAT_LIVE_MS = 1000.0
TARGET_COLD_RATIO = 0.8  # cold live / bare worker boot
TARGET_WIRE_BYTES = 5_000_000

try:  # compressed sizes: brotli (quality 11) if installed, gzip -9 always
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

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
          if (e.data && e.data.type === "ready") B.ready = performance.now(); else B.replies += 1;
        });
      }
    }
  };
  Native.prototype.postMessage = function (...args) {
    if (this.__calc) B.posts += 1;
    return post.apply(this, args);
  };
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("controllerchange", () => { B.controlled = performance.now(); });
  const check = () => {
    const roots = document.querySelectorAll(".calc[data-calc]");
    if (B.marks.value === undefined && document.querySelector(".calc[data-calc] .calc__value")) B.marks.value = performance.now();
    if (roots.length && [...roots].every((r) => r.classList.contains("calc--live"))) {
      B.marks.live = performance.now();
      mo.disconnect();
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
    if (!swapped || t.numbers !== null || root.classList.contains("calc--working")) return;
    t.numbers = performance.now();
    if (!hasChart) finish();
  };
  const mo = new MutationObserver((records) => {
    if (records.some((r) => r.target === results && r.type === "childList")) swapped = true;
    if (root.classList.contains("calc--invalid")) { stop(); reject(new Error(`invalid input: ${input.value}`)); return; }
    check();
  });
  mo.observe(results, { childList: true });
  mo.observe(root, { attributes: true, attributeFilter: ["class"] });
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


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Path):
        self.log: list[dict] = []  # {path, status, bytes (headers + body as sent), end: epoch ms}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))


class _Counting:
    """Wraps a handler's wfile to count the bytes sent."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


class Handler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def log_message(self, format, *args):
        """Quiet."""

    def translate_path(self, path):
        if path.split("?")[0].startswith("/bench-baseline/"):
            return str(baseline_file(path))
        return super().translate_path(path)

    def do_GET(self):
        """As SimpleHTTPRequestHandler, but sitemap.xml names this server's origin instead of site_url.

        Material's instant navigation follows only links listed in sitemap.xml, and it maps the sitemap's
        site_url onto the page's host WITHOUT its port (tests/browser/_site.py does the same rewrite).
        """
        if self.path.split("?")[0] != "/sitemap.xml":
            return super().do_GET()
        text = Path(self.translate_path("/sitemap.xml")).read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", text)
        if locations:
            origin = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}/"
            text = text.replace(min(locations, key=len), origin)  # the shortest <loc> is site_url itself
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
    if path.startswith("/bench-baseline/"):
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


def wire(server: Server, site: Path, first: int, until_epoch: float, since_epoch: float = 0.0) -> dict:
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


def new_context(browser, args, service_workers: str = "block"):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers=service_workers)
    context.add_init_script(INIT_JS)
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


SETTLED = "() => { const B = window.__bench; return B.marks.live !== undefined && B.replies >= B.posts && !document.querySelector('.calc--working'); }"


def visit(page, url: str, args, errors: list[str]) -> dict:
    """Open url and wait until every widget is live and its first live results are in; times from navigation start."""
    page.goto(url, wait_until="commit")
    wait_for(page, SETTLED, "every widget live", args.timeout, errors)
    return page.evaluate("""() => ({
        origin: performance.timeOrigin,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        value: window.__bench.marks.value ?? null,
        live: window.__bench.marks.live,
        ready: window.__bench.ready ?? null,
        workerCreated: window.__bench.workerCreated ?? null,
    })""")


def pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))], 1)


def choose_field(page, widget) -> tuple[str, str] | None:
    """The first text field of the widget where typing "1" at the end gives valid inputs that change a value.

    Checked with CPython (tests/browser/helpers.py), so every keystroke of the bench has new numbers to show.
    """
    from calculators import CalculatorError
    from tests.browser.helpers import cpython, value_texts

    shown = page.evaluate(
        "sel => Object.fromEntries([...document.querySelectorAll(sel + ' form.calc__form input[type=text][name]')].map(i => [i.name, i.value]))",
        widget.selector,
    )
    base = value_texts(cpython(widget))
    for name, value in shown.items():
        if not re.fullmatch(r"\d+(\.\d+)?", value):
            continue
        try:
            if value_texts(cpython(widget, {name: value + "1"})) != base:
                return name, value
        except CalculatorError:
            continue
    return None


def keystrokes(page, widget, n: int, args) -> dict:
    """n keystrokes in one field, alternately "1" at the end and Backspace, each waited for in full."""
    from playwright.sync_api import Error as PlaywrightError

    chosen = choose_field(page, widget)
    if chosen is None:
        return {"field": None}
    name, _ = chosen
    # Charts are drawn near the viewport: bring this one into view and wait until Plotly has drawn it, so
    # that each keystroke redraws it, as for a reader looking at it.
    page.evaluate(
        "sel => document.querySelector(sel + ' .calc__plot')?.scrollIntoView({block: 'center'})", widget.selector
    )
    page.wait_for_function(
        "sel => { const p = document.querySelector(sel + ' .calc__plot'); return !p || p.querySelector('.main-svg'); }",
        arg=widget.selector,
        timeout=args.timeout * 1000,
    )
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
    browser, server: Server, origin: str, site: Path, widgets: list, args, sw_mode: str, keys: int
) -> dict:
    """Cold visit, keystrokes, repeat visit of one page in one fresh context."""
    context, page, errors, requests = new_context(browser, args, "allow" if sw_mode == "on" else "block")
    try:
        first_log = len(server.log)
        cold = visit(page, origin + widgets[0].path, args, errors)
        out = {
            "sw": sw_mode,
            "cold_live_ms": round(cold["live"], 1),
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


def measure_bare(browser, origin: str, args) -> float:
    """A bare Pyodide boot (loadPyodide + our wheel) in a module worker, fresh context: ms from navigation start."""
    context, page, errors, _ = new_context(browser, args)
    try:
        page.goto(f"{origin}/bench-baseline/bare-worker.html", wait_until="commit")
        wait_for(page, "() => window.__bareBoot !== undefined", "bare Pyodide boot", args.timeout, errors)
        return round(page.evaluate("window.__bareBoot"), 1)
    finally:
        context.close()


# ── Report ────────────────────────────────────────────────────────────────────────────────────────


def summarise_page(path: str, samples: list[dict], bares: list[float]) -> dict:
    """One page over every run and service-worker mode: keystrokes pooled, visit figures as medians."""
    numbers = [x for s in samples for x in s.get("keys", {}).get("numbers_ms", [])]
    charts = [x for s in samples for x in s.get("keys", {}).get("chart_ms", [])]

    def med(key, mode=None):
        values = [s[key] for s in samples if s.get(key) is not None and (mode is None or s["sw"] == mode)]
        return round(statistics.median(values), 1) if values else None

    ratios = [s["cold_live_ms"] / s["bare_ms"] for s in samples if s.get("bare_ms")]
    keyed = next((s["keys"] for s in samples if s.get("keys", {}).get("field")), {})
    wire_gzip = [s["wire_before_live"]["gzip"] for s in samples]
    wire_br = [s["wire_before_live"]["brotli"] for s in samples if s["wire_before_live"]["brotli"] is not None]
    return {
        "page": path,
        "widget": keyed.get("widget"),
        "field": keyed.get("field"),
        "keystrokes": len(numbers),
        "numbers_p50_ms": pct(numbers, 50),
        "numbers_p95_ms": pct(numbers, 95),
        "chart_p50_ms": pct(charts, 50),
        "chart_p95_ms": pct(charts, 95),
        "cold_live_ms": med("cold_live_ms"),
        "bare_ms": round(statistics.median(bares), 1) if bares else None,
        "cold_ratio": round(statistics.median(ratios), 2) if ratios else None,
        "repeat_live_sw_ms": med("repeat_live_ms", "on"),
        "repeat_live_nosw_ms": med("repeat_live_ms", "off"),
        "sw_active_ms": med("sw_active_ms", "on"),
        "wire_gzip": int(statistics.median(wire_gzip)) if wire_gzip else None,
        "wire_brotli": int(statistics.median(wire_br)) if wire_br else None,
        "wire_sent": int(statistics.median(s["wire_before_live"]["sent"] for s in samples)),
    }


def fmt_ms(v) -> str:
    return "-" if v is None else (f"{v:.0f}" if v >= 10 else f"{v:.1f}")


def fmt_ratio(v) -> str:
    return "-" if v is None else f"{v:.2f}"


def fmt_mb(v) -> str:
    return "-" if v is None else f"{v / 1e6:.2f}"


def targets(pages: list[dict]) -> list[tuple[str, bool | None, str]]:
    """Each target against the worst page for that figure."""

    def worst(key):
        have = [p for p in pages if p.get(key) is not None]
        return max(have, key=lambda p: p[key]) if have else None

    out = []
    for label, key, limit, show in (
        ("keystroke -> numbers p95", "numbers_p95_ms", TARGET_NUMBERS_P95_MS, lambda v: f"{v:.0f} ms"),
        ("keystroke -> chart painted p95", "chart_p95_ms", TARGET_CHART_P95_MS, lambda v: f"{v:.0f} ms"),
        ("repeat visit live (service worker)", "repeat_live_sw_ms", TARGET_REPEAT_LIVE_MS, lambda v: f"{v:.0f} ms"),
        (
            "repeat visit live (no service worker)",
            "repeat_live_nosw_ms",
            TARGET_REPEAT_LIVE_MS,
            lambda v: f"{v:.0f} ms",
        ),
        ("cold live / bare worker boot", "cold_ratio", TARGET_COLD_RATIO, lambda v: f"{v:.2f}x"),
        ("on the wire before live (gzip -9)", "wire_gzip", TARGET_WIRE_BYTES, lambda v: f"{v / 1e6:.2f} MB"),
        ("on the wire before live (brotli q11)", "wire_brotli", TARGET_WIRE_BYTES, lambda v: f"{v / 1e6:.2f} MB"),
    ):
        page = worst(key)
        if page is None:
            continue
        value = page[key]
        ok = value <= limit
        miss = "" if ok else f"; over by {show(value - limit)}"
        out.append((f"{label} <= {show(limit)}", ok, f"worst {show(value)} on {page['page']}{miss}"))
    return out


def print_report(results: dict, pages: list[dict], checks) -> None:
    load = " / ".join(", ".join(f"{x:.2f}" for x in results[k]) for k in ("loadavg_start", "loadavg_end"))
    print(
        f"\nChromium {results['chromium']}, {results['cpus']} CPUs, load average at start / end: {load}; "
        f"{results['runs']} run(s), service worker: {results['sw']}; compressed: gzip -9"
        + (" and brotli q11" if brotli else " (brotli not installed)")
    )
    head = (
        f"{'page':34} {'field':18} {'n':>4} {'num p50/p95':>12} {'chart p50/p95':>14} {'cold':>6} {'bare':>6} "
        f"{'ratio':>6} {'rep SW':>7} {'rep noSW':>8} {'gz MB':>6} {'br MB':>6}"
    )
    print(head)
    for p in pages:
        print(
            f"{p['page']:34} {p['field']!s:18} {p['keystrokes']:>4} "
            f"{fmt_ms(p['numbers_p50_ms']) + '/' + fmt_ms(p['numbers_p95_ms']):>12} "
            f"{fmt_ms(p['chart_p50_ms']) + '/' + fmt_ms(p['chart_p95_ms']):>14} "
            f"{fmt_ms(p['cold_live_ms']):>6} {fmt_ms(p['bare_ms']):>6} "
            f"{fmt_ratio(p['cold_ratio']):>6} "
            f"{fmt_ms(p['repeat_live_sw_ms']):>7} {fmt_ms(p['repeat_live_nosw_ms']):>8} "
            f"{fmt_mb(p['wire_gzip']):>6} {fmt_mb(p['wire_brotli']):>6}"
        )
    print("(ms; pages slowest first by keystroke -> chart p95; cold/repeat = every widget live, from navigation start)")
    print("\ntargets (worst page for each figure):")
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, required=True, help="a built site with the runtime (nox -s docs)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keystrokes", type=int, default=40, help="keystrokes timed per page and run (0: none)")
    parser.add_argument("--pages", default="", help="comma-separated substrings of the page paths to measure")
    parser.add_argument(
        "--sw",
        choices=("on", "off", "both"),
        default="both",
        help="service worker allowed (repeat visit from its cache), blocked, or both (keystrokes in 'on' only)",
    )
    parser.add_argument("--out", type=Path, default=Path(".cache/bench/results.json"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per wait")
    parser.add_argument("--sw-timeout", type=float, default=60.0, help="seconds to wait for the service worker")
    args = parser.parse_args(argv)
    for needed in ("assets/pyodide/pyodide.asm.wasm", "assets/plotly/plotly.min.js"):
        if not (args.site_dir / needed).is_file():
            parser.error(f"{args.site_dir / needed} is missing: build the site with its runtime first (nox -s docs)")
    if args.runs < 1 or args.keystrokes < 0:
        parser.error("--runs must be >= 1 and --keystrokes >= 0")
    if args.sw != "off" and not (args.site_dir / "sw.js").is_file():
        print(f"bench: {args.site_dir / 'sw.js'} not built: measuring without a service worker", file=sys.stderr)
        args.sw = "off"
    return args


def calculator_pages(site: Path, only: str) -> dict[str, list]:
    """Page path -> its widgets, in site order, from the built HTML (tests/browser/_site.py)."""
    os.environ["SITE_DIR"] = str(site)
    sys.path.insert(0, str(ROOT))
    from tests.browser._site import site_widgets

    pages: dict[str, list] = {}
    for widget in site_widgets():
        pages.setdefault(widget.path, []).append(widget)
    wanted = [s for s in only.split(",") if s]
    return {p: w for p, w in pages.items() if not wanted or any(s in p for s in wanted)}


def main(argv=None) -> int:
    args = parse_args(argv)
    site = args.site_dir.resolve()
    pages = calculator_pages(site, args.pages)
    if not pages:
        print(f"bench: no calculator pages in {site} match {args.pages!r}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    server = Server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    modes = ["on", "off"] if args.sw == "both" else [args.sw]
    results: dict = {
        "runs": args.runs,
        "sw": args.sw,
        "samples": {p: [] for p in pages},
        "bare": {p: [] for p in pages},
    }
    results["loadavg_start"] = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            results["chromium"] = browser.version
            try:
                for run in range(args.runs):
                    for path, widgets in pages.items():
                        print(f"run {run + 1}/{args.runs} {path}: bare boot", end="", flush=True)
                        bare = measure_bare(browser, origin, args)
                        results["bare"][path].append(bare)
                        for mode in modes:
                            print(f", visit (service worker {mode})", end="", flush=True)
                            sample = measure_page(
                                browser,
                                server,
                                origin,
                                site,
                                widgets,
                                args,
                                mode,
                                args.keystrokes if mode == modes[0] else 0,
                            )
                            sample["bare_ms"] = bare
                            sample["loadavg"] = os.getloadavg()
                            results["samples"][path].append(sample)
                        print(f"  (load {os.getloadavg()[0]:.2f})", flush=True)
            finally:
                browser.close()
    except BenchError as exc:
        print(f"\nbench: {exc}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
    results["loadavg_end"] = os.getloadavg()
    results["cpus"] = os.cpu_count()
    summary = [summarise_page(path, results["samples"][path], results["bare"][path]) for path in pages]
    summary.sort(key=lambda s: -(s["chart_p95_ms"] or s["numbers_p95_ms"] or 0))
    checks = targets(summary)
    results["summary"] = {
        "pages": summary,
        "compression": "gzip -9" + (" and brotli q11" if brotli else ""),
        "targets": [{"target": n, "pass": ok, "detail": d} for n, ok, d in checks],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print_report(results, summary, checks)
    print(f"\nall figures: {args.out}")
    for path, samples in results["samples"].items():
        for sample in samples:
            for err in sample["errors"]:
                print(f"  note: {path} (service worker {sample['sw']}): {err}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
