"""Time a reader's waits on every calculator page of the built site, in headless Chromium.

    python bench/run.py --site-dir site [--runs 2] [--keystrokes 40] [--pages nanogpt,rent] [--sw both]

Serves SITE (plus bench/baseline/ at /bench-baseline/) on 127.0.0.1. The calculator pages are found by
reading the built HTML (tests/browser/_site.py's site_widgets()). In each run, for each page:
  stock     stock Pyodide from npm, unmodified, booting one line of Python on the main thread, fresh context;
  bare      a bare Pyodide boot in a module worker (loadPyodide + our wheel, nothing else), fresh context;
  cold      the page in a fresh context (empty cache): every widget live; a reader's first change answered;
            bytes fetched before live, and over the whole first visit (service worker and its precache included);
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
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/ and tests/ are folders of the repository, not installed packages

from bench.measure import COMPRESSION, BenchError, BenchServer, measure_bare, measure_page, measure_stock  # noqa: E402
from bench.report import print_report, summarise_page, targets  # noqa: E402
from tests.harness import CHROMIUM, launch_chromium, start  # noqa: E402


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
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per wait")
    parser.add_argument("--sw-timeout", type=float, default=60.0, help="seconds to wait for the service worker")
    args = parser.parse_args(argv)
    for needed in ("assets/pyodide/runtime.json", "assets/plotly/plotly.min.js"):
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

    server = start(BenchServer(site))
    origin = server.origin
    modes = ["on", "off"] if args.sw == "both" else [args.sw]
    results: dict = {
        "runs": args.runs,
        "sw": args.sw,
        "samples": {p: [] for p in pages},
        "bare": {p: [] for p in pages},
        "stock": {p: [] for p in pages},
    }
    results["loadavg_start"] = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p, args.chromium)
            results["chromium"] = browser.version
            try:
                for run in range(args.runs):
                    for path, widgets in pages.items():
                        print(f"run {run + 1}/{args.runs} {path}: stock boot", end="", flush=True)
                        stock = measure_stock(browser, origin, args)
                        results["stock"][path].append(stock)
                        print(", bare boot", end="", flush=True)
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
                            sample["stock_ms"] = stock
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
    summary = [summarise_page(path, results["samples"][path], results["bare"][path], results["stock"][path]) for path in pages]
    summary.sort(key=lambda s: -(s["chart_p95_ms"] or s["numbers_p95_ms"] or 0))
    checks = targets(summary)
    results["summary"] = {
        "pages": summary,
        "compression": COMPRESSION,
        "targets": [{"target": n, "pass": ok, "detail": d} for n, ok, d in checks],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print_report(results, summary, checks, COMPRESSION)
    print(f"\nall figures: {args.out}")
    for path, samples in results["samples"].items():
        for sample in samples:
            for err in sample["errors"]:
                print(f"  note: {path} (service worker {sample['sw']}): {err}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
