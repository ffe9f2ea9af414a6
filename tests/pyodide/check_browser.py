"""Smoke-check a built site's Pyodide runtime and calculator worker in headless Chromium.

    python tests/pyodide/check_browser.py --site-dir site [--call NAME JSON ...]

Serves SITE on 127.0.0.1, opens a blank page of that origin, and:
  1. calls loadPyodide() on the page with the self-hosted lock file and imports calculators;
  2. starts javascripts/calculator-worker.mjs as a module worker, waits for "ready",
     and sends each --call (plus a malformed request and an unknown calculator);
  3. fails if any request went to another origin or any same-origin request failed.

Needs: pip install playwright (its browser download is NOT used) and Debian's
/usr/bin/chromium (apt-get install -y chromium).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.harness import CHROMIUM, launch_chromium, serve  # noqa: E402

PAGE_PATH = "/__runtime_check__.html"

PAGE_SCRIPT = """
async ([calls]) => {
  const out = {};
  const t0 = performance.now();
  // URLs must be absolute: a relative lockFileURL gives a relative packageBaseUrl,
  // and loading the wheel then fails with "Failed to construct 'URL'".
  const base = new URL("/assets/pyodide/", location.href).href;
  const runtime = await (await fetch(base + "runtime.json")).json();  // the content-hashed files' names
  const { loadPyodide } = await import(base + runtime.core + "pyodide.mjs");
  const py = await loadPyodide({
    indexURL: base + runtime.core,
    stdLibURL: base + runtime.stdlib,
    lockFileContents: JSON.stringify(runtime.lock),
    packageBaseUrl: base,
    packages: ["calculators"],
  });
  out.mainThread = {
    seconds: (performance.now() - t0) / 1000,
    python: py.runPython("import sys, calculators; sys.version.split()[0]"),
    calculatorsFile: py.runPython("calculators.__file__"),
  };
  const worker = new Worker("/javascripts/calculator-worker.mjs", { type: "module" });
  const replies = new Map();
  const waiters = new Map();
  const first = new Promise((resolve) => {
    worker.onmessage = (e) => {
      const d = e.data;
      if (d.type === "ready" || d.type === "failed") { resolve(d); return; }
      if (waiters.has(d.id)) { waiters.get(d.id)(d); }
    };
    worker.onerror = (e) => resolve({ type: "worker-error", message: e.message });
  });
  out.workerStart = await first;
  const ask = (msg) => new Promise((resolve) => { waiters.set(msg.id, resolve); worker.postMessage(msg); });
  out.replies = [];
  let id = 1;
  for (const [calculator, inputs] of calls) {
    out.replies.push(await ask({ id: id++, calculator, inputs }));
  }
  out.unknown = await ask({ id: id++, calculator: "__no_such_calculator__", inputs: {} });
  out.malformed = await ask({ id: id++, inputs: {} });
  worker.terminate();
  return out;
}
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, required=True)
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds")
    for flag, outcome in (("--call", "a result"), ("--call-error", "an error")):
        parser.add_argument(
            flag,
            nargs=2,
            action="append",
            default=[],
            metavar=("NAME", "INPUTS_JSON"),
            help=f"send {{calculator: NAME, inputs: INPUTS_JSON}}; expect {outcome}",
        )
    return parser.parse_args(argv)


def run_checks(args: argparse.Namespace, origin: str) -> tuple[dict, list[str], list[str]]:
    """Drive Chromium; return (page result + served paths, foreign requests, failed requests)."""
    from playwright.sync_api import sync_playwright

    foreign: list[str] = []
    failed: list[str] = []
    served: list[str] = []
    calls = [[name, json.loads(inputs)] for name, inputs in args.call + args.call_error]
    with sync_playwright() as p:
        browser = launch_chromium(p, args.chromium)
        context = browser.new_context()

        def route(route_obj):
            url = route_obj.request.url
            if url == origin + PAGE_PATH:
                return route_obj.fulfill(content_type="text/html", body="<!doctype html><title>check</title>")
            if not url.startswith(origin + "/"):
                foreign.append(url)
                return route_obj.abort()
            served.append(url[len(origin) :])
            return route_obj.continue_()

        context.route("**/*", route)
        context.on("requestfailed", lambda r: failed.append(r.url))
        context.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page = context.new_page()
        page.on("console", lambda m: print(f"[console.{m.type}] {m.text}", file=sys.stderr))
        page.set_default_timeout(args.timeout * 1000)
        page.goto(origin + PAGE_PATH)
        result = page.evaluate(PAGE_SCRIPT, [calls])
        browser.close()
    result["served"] = served
    return result, foreign, failed


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print a JSON report; exit 1 on any failure."""
    args = parse_args(argv)
    server = serve(args.site_dir.resolve())
    origin = server.origin
    try:
        result, foreign, failed = run_checks(args, origin)
    finally:
        server.shutdown()
    print(json.dumps(result, indent=2))
    problems = []
    if result["workerStart"].get("type") != "ready":
        problems.append(f"worker did not become ready: {result['workerStart']}")
    expected = ["result"] * len(args.call) + ["error"] * len(args.call_error)
    for want, reply in zip(expected, result["replies"]):
        if want not in reply:
            problems.append(f"expected {want} for request {reply.get('id')}, got {reply}")
    if "error" not in result["unknown"]:
        problems.append("unknown calculator did not give an error")
    if result["malformed"].get("error", {}).get("field", "x") is not None:
        problems.append("malformed request did not give {field: null} error")
    if foreign:
        problems.append(f"requests to other origins: {foreign}")
    if failed:
        problems.append(f"failed requests: {failed}")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    print("browser runtime check:", "FAILED" if problems else "OK", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
