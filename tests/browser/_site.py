"""The built site as the browser tests see it: the widgets found in its HTML.

Used by conftest.py, take_screenshots.py and the bench; the server and Chromium are tests/harness.py's.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = Path(os.environ.get("SITE_DIR", ROOT / "site")).resolve()

# JavaScript: show a widget that sits in a closed tab or a collapsed block (argument: its id).
REVEAL = """id => {
    for (let node = document.getElementById(id); node; node = node.parentElement) {
        if (node.classList.contains("tabbed-block")) {
            const index = [...node.parentElement.children].indexOf(node);
            const set = node.closest(".tabbed-set");
            const label = set && set.querySelector(`:scope > .tabbed-labels > label:nth-child(${index + 1})`);
            if (label) label.click();
        }
        if (node.tagName === "DETAILS") node.open = true;
    }
    const widget = document.getElementById(id);
    for (const fold of widget ? widget.querySelectorAll("details.calc__fold") : []) fold.open = true;
}"""


@dataclass(frozen=True)
class Field:
    """One form control of a widget, as the page declares it."""

    name: str
    tag: str  # "input" or "select"
    type: str
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[str, ...] = ()
    shown: str = ""  # an input's text as the built page shows it (large numbers grouped: 124,000,000)


@dataclass(frozen=True)
class Widget:
    """A `.calc[data-calc]` element of one built page."""

    path: str  # URL path of the page, e.g. "/guides/nanogpt-on-aws/"
    id: str
    calculator: str
    key: str  # its URL namespace: the calculator's name, -2, -3… for repeats on one page
    snapshot: str
    defaults: dict = field(hash=False)
    fields: tuple[Field, ...] = ()

    @property
    def test_id(self) -> str:
        return f"{self.path.strip('/') or 'home'}#{self.id}"

    @property
    def selector(self) -> str:
        return f'[id="{self.id}"]'


class _WidgetParser(HTMLParser):
    """Collects each widget's attributes and its form controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.widgets: list[dict] = []
        self._depth = 0  # div depth inside the current widget; 0 when outside one

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._depth == 0:
            if tag == "div" and "data-calc" in attributes and "calc" in (attributes.get("class") or "").split():
                self.widgets.append({"attrs": attributes, "fields": []})
                self._depth = 1
            return
        if tag == "div":
            self._depth += 1
        elif tag in ("input", "select") and attributes.get("name"):
            self.widgets[-1]["fields"].append({"tag": tag, **attributes, "options": []})
        elif tag == "option" and self.widgets[-1]["fields"]:
            self.widgets[-1]["fields"][-1]["options"].append(attributes.get("value", ""))

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "any") else None
    except ValueError:
        return None


def page_path(html_file: Path, site_dir: Path = SITE_DIR) -> str:
    """The URL path MkDocs serves an HTML file at."""
    relative = html_file.relative_to(site_dir).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def discover_widgets(site_dir: Path = SITE_DIR) -> list[Widget]:
    """Every widget on every page of the built site, in page order."""
    widgets = []
    for html_file in sorted(site_dir.rglob("*.html")):
        relative = html_file.relative_to(site_dir).as_posix()
        if relative.startswith("assets/") or relative == "404.html":
            continue
        text = html_file.read_text(encoding="utf-8")
        if "data-calc" not in text:
            continue
        parser = _WidgetParser()
        parser.feed(text)
        seen: dict[str, int] = {}
        for found in parser.widgets:
            attrs = found["attrs"]
            name = attrs["data-calc"]
            seen[name] = seen.get(name, 0) + 1
            widgets.append(
                Widget(
                    path=page_path(html_file, site_dir),
                    id=attrs["id"],
                    calculator=name,
                    key=name if seen[name] == 1 else f"{name}-{seen[name]}",
                    snapshot=attrs.get("data-pricing-snapshot", ""),
                    defaults=json.loads(attrs.get("data-calc-defaults") or "{}"),
                    fields=tuple(
                        Field(
                            name=item["name"],
                            tag=item["tag"],
                            type=item.get("type", "text") if item["tag"] == "input" else "select",
                            minimum=_number(item.get("min")),
                            maximum=_number(item.get("max")),
                            options=tuple(item["options"]),
                            shown=item.get("value", "") if item["tag"] == "input" else "",
                        )
                        for item in found["fields"]
                    ),
                )
            )
    return widgets


@functools.cache
def site_widgets() -> tuple[Widget, ...]:
    """The widgets of the build under SITE_DIR (none if it is not built)."""
    return tuple(discover_widgets(SITE_DIR)) if SITE_DIR.is_dir() else ()


def first_copies() -> dict[str, Widget]:
    """Each calculator's first widget in the site, by calculator: what a test needs once per calculator, not per copy."""
    firsts: dict[str, Widget] = {}
    for widget in site_widgets():
        firsts.setdefault(widget.calculator, widget)
    return firsts


def widgets_by_page() -> dict[str, tuple[Widget, ...]]:
    """Each calculator page's path and its widgets, in page order: what a test needs once per page."""
    pages: dict[str, list[Widget]] = {}
    for widget in site_widgets():
        pages.setdefault(widget.path, []).append(widget)
    return {path: tuple(widgets) for path, widgets in pages.items()}
