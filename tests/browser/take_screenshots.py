"""Screenshot a guide before and after its calculators go live, in the light and the dark scheme.

    SITE_DIR=site python tests/browser/take_screenshots.py [--page /guides/nanogpt-on-aws/] [--out screenshots]

Writes <name>-<scheme>-built.png (what a reader sees at first paint: the build's results and static
charts, with Python and Plotly held back), <name>-<scheme>-live.png (Python ready, Plotly charts) and
<name>-<scheme>-error.png (a bad input beside its field). screenshots/ is git-ignored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser._site import REVEAL, ROOT, SITE_DIR
from tests.harness import launch_chromium, serve


def widgets(page, stem: Path, drawn: bool) -> None:
    """One picture per widget, readable at full size; with `drawn`, after Plotly has drawn each of its charts."""
    page.add_style_tag(content=".md-header { position: absolute !important; }")  # no fixed header over the widget
    for index, widget in enumerate(page.locator(".calc").all(), start=1):
        shot = stem.with_name(f"{stem.name}-widget{index}.png")
        page.evaluate(REVEAL, widget.get_attribute("id"))
        if drawn:  # charts are drawn when they come near the viewport
            for plot in widget.locator(".calc__plot").all():
                plot.scroll_into_view_if_needed()
                plot.locator(".main-svg").first.wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        widget.screenshot(path=shot)
        print(shot)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="/guides/nanogpt-on-aws/")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.page.strip("/").split("/")[-1] or "home"

    from playwright.sync_api import sync_playwright

    server = serve(SITE_DIR)
    origin = server.origin
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": args.width, "height": 900}, color_scheme=scheme)
                context.route("**/assets/pyodide/**", lambda route: None)  # held: never answered
                context.route("**/assets/plotly/**", lambda route: None)
                page = context.new_page()
                page.goto(origin + args.page, wait_until="domcontentloaded")  # held scripts delay "load"
                page.wait_for_selector(".calc")
                page.wait_for_timeout(500)
                shot = args.out / f"{name}-{scheme}-built.png"
                page.screenshot(path=shot, full_page=True)
                print(shot)
                widgets(page, args.out / f"{name}-{scheme}-built", drawn=False)
                context.close()

                context = browser.new_context(viewport={"width": args.width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                page.goto(origin + args.page)
                page.wait_for_function(
                    """() => [...document.querySelectorAll(".calc")].every(el =>
                        el.classList.contains("calc--live") && el.getAttribute("aria-busy") !== "true")""",
                    timeout=90_000,
                )
                page.wait_for_timeout(500)
                shot = args.out / f"{name}-{scheme}-live.png"
                page.screenshot(path=shot, full_page=True)
                print(shot)
                widgets(page, args.out / f"{name}-{scheme}-live", drawn=True)

                page.evaluate(REVEAL, page.locator(".calc").first.get_attribute("id"))
                first = page.locator(".calc").first.locator("input[type=number], input[inputmode]").first
                first.fill("-1")
                page.wait_for_selector(".calc__error:not([hidden])")
                page.wait_for_timeout(300)
                shot = args.out / f"{name}-{scheme}-error.png"
                page.locator(".calc").first.screenshot(path=shot)
                print(shot)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
