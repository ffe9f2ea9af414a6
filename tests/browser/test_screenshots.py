"""Every calculator page as a reader sees it, on a desktop (1280 px) and a phone (390 px), light and dark,
at first paint (Python and Plotly held back: the build's numbers and static SVG charts) and once live
(Python answering, Plotly's charts drawn): screenshots to look at, and the checks a reader needs.

Per size and palette two tabs serve every page: one whose requests for Pyodide and Plotly.js are never
answered (first paint, a cheap load), and one that starts Python once and moves between the calculator pages
by Material's instant navigation, as a reader does. What a page showed is measured once (``Tabs.look``) and
each test asserts one thing about it.

The PNGs go to $SCREENSHOT_DIR (default .cache/screenshots/): <page>-<size>-<scheme>-<state>.png for the
first screen and <page>-<size>-<scheme>-<state>-<widget>.png for each calculator with its charts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser._site import REVEAL, ROOT, site_widgets
from tests.browser.helpers import follow_link
from tests.browser.test_accessibility import ALL_LIVE, ALL_LOADING, LIVE_TIMEOUT_MS, page_id

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", ROOT / ".cache" / "screenshots"))
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
PAGES = sorted({widget.path for widget in site_widgets()})
SLACK = 1.0  # px: sub-pixel rounding of text boxes

# Grouped by size and palette: under pytest-xdist (--dist loadgroup) each group runs in one worker, on its tabs.
CASES = [
    pytest.param(path, size, scheme, id=f"{page_id(path)}-{size}-{scheme}", marks=pytest.mark.xdist_group(f"screens-{size}-{scheme}"))
    for size in SIZES
    for scheme in SCHEMES
    for path in PAGES
]

# JavaScript: everything the checks need about the page as shown, as plain data. Boxes are
# {left, top, right, bottom} in CSS px of the viewport (page coordinates for `answer` and `figures`).
MEASURE = r"""() => {
    const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const page = (r) => ({left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY});

    // The area an element is clipped to by the SVG clip-paths around it (userSpaceOnUse rects), in viewport px.
    const clipOf = (el) => {
        let area = null;
        for (let node = el; node && node instanceof SVGElement; node = node.parentElement) {
            if (node instanceof SVGSVGElement && node.ownerSVGElement && getComputedStyle(node).overflow !== "visible") {
                const r = box(node.getBoundingClientRect());  // a nested <svg> clips to its own box
                area = area ? {left: Math.max(area.left, r.left), top: Math.max(area.top, r.top),
                               right: Math.min(area.right, r.right), bottom: Math.min(area.bottom, r.bottom)} : r;
                continue;
            }
            const ref = node.getAttribute("clip-path");
            const match = ref && ref.match(/url\(["']?#([^"')]+)["']?\)/);
            const clip = match && document.getElementById(match[1]);
            const rect = clip && clip.querySelector("rect");
            if (!rect) continue;
            const matrix = node.getScreenCTM();
            const b = rect.getBBox();
            const corners = [[b.x, b.y], [b.x + b.width, b.y + b.height]].map(([x, y]) => {
                const p = new DOMPoint(x, y).matrixTransform(matrix);
                return [p.x, p.y];
            });
            const r = {left: Math.min(corners[0][0], corners[1][0]), top: Math.min(corners[0][1], corners[1][1]),
                       right: Math.max(corners[0][0], corners[1][0]), bottom: Math.max(corners[0][1], corners[1][1])};
            area = area ? {left: Math.max(area.left, r.left), top: Math.max(area.top, r.top),
                           right: Math.min(area.right, r.right), bottom: Math.min(area.bottom, r.bottom)} : r;
        }
        return area;
    };
    const shown = (el) => {
        if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
        for (let node = el; node && node instanceof SVGElement; node = node.parentElement) {
            const style = getComputedStyle(node);
            if (style.opacity === "0" || node.getAttribute("opacity") === "0") return false;
        }
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
    };
    const kindOf = (el) =>
        el.closest(".legend") || el.classList.contains("legendtext") ? "legend"
        : el.closest(".textpoint") || el.closest(".calc__svg-data") ? "point label"
        : el.closest(".annotation") ? "annotation"
        : el.closest(".calc__svg") ? "svg text"
        : "plotly text";

    const widgets = [];
    for (const root of document.querySelectorAll(".calc[data-calc]")) {
        if (!root.checkVisibility()) continue;
        const answer = root.querySelector(".calc__answer");
        const figures = [];
        for (const figure of root.querySelectorAll(".calc__figure")) {
            if (!figure.checkVisibility()) continue;
            const plot = figure.querySelector(".calc__plot");
            const plotly = plot.classList.contains("js-plotly-plot");
            const svg = plot.querySelector(".calc__drawing") || plot.querySelector("svg.main-svg");
            const texts = [];
            for (const text of plot.querySelectorAll("svg text")) {
                const words = text.textContent.trim();
                if (!words || !shown(text)) continue;
                // the size a reader sees: the font size, times any scaling of the drawing
                const ctm = text.getScreenCTM();
                const size = parseFloat(getComputedStyle(text).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
                texts.push({text: words, kind: kindOf(text), box: box(text.getBoundingClientRect()), clip: clipOf(text), size});
            }
            // The plot area (Plotly's from its layout), the tick labels' centres and the point markers, to compare
            // the first-paint drawing with the live chart.
            const frame = plot.getBoundingClientRect();
            let area = null;
            if (plotly && plot._fullLayout) {
                const size = plot._fullLayout._size;
                area = {left: frame.left + size.l, top: frame.top + size.t, right: frame.left + size.l + size.w, bottom: frame.top + size.t + size.h};
            } else if (plot.querySelector(".calc__area")) {
                area = box(plot.querySelector(".calc__area").getBoundingClientRect());
            }
            const ticks = [...plot.querySelectorAll(plotly ? ".xtick text, .ytick text" : ".calc__tick")]
                .filter(shown).map((t) => { const r = t.getBoundingClientRect(); return {text: t.textContent, x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2}; });
            const markers = [...plot.querySelectorAll(plotly ? ".scatterlayer .point" : ".calc__svg-data circle, .calc__svg-data polygon")]
                .filter(shown).map((m) => box(m.getBoundingClientRect()));
            figures.push({
                renderer: plotly ? "plotly" : (svg ? "svg" : "none"),
                box: page(figure.getBoundingClientRect()),
                svg: svg ? box(svg.getBoundingClientRect()) : null,
                plot: box(frame),
                area: area && {left: area.left - frame.left, top: area.top - frame.top, right: area.right - frame.left, bottom: area.bottom - frame.top},
                ticks: ticks.map((t) => ({...t, x: t.x - frame.left, y: t.y - frame.top})),
                markers,
                texts,
            });
        }
        widgets.push({
            id: root.id,
            answer: answer ? {
                text: answer.textContent.trim(),
                shown: answer.checkVisibility({opacityProperty: true, visibilityProperty: true}),
                box: page(answer.getBoundingClientRect()),
                overflows: answer.scrollWidth > answer.clientWidth + 1,
            } : null,
            figures,
        });
    }
    return {
        scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        viewport: document.documentElement.clientWidth,
        widgets,
    };
}"""

# JavaScript: true once every visible chart has been drawn by Plotly (scrolling each near the viewport in turn).
PLOTLY_DRAWN = """() => {
    for (const plot of document.querySelectorAll(".calc__plot")) {
        if (!plot.checkVisibility()) continue;
        if (!plot.querySelector(".main-svg")) {
            plot.scrollIntoView({block: "center"});
            return false;
        }
    }
    return true;
}"""

# JavaScript: the ids of the page's widgets; those hidden in a closed tab or block are revealed one at a time.
WIDGET_IDS = """() => [...document.querySelectorAll(".calc[data-calc]")].map(el => el.id)"""


@dataclass
class Looked:
    """What one page showed, at one size and in one palette, at first paint and live: state -> measurements."""

    path: str
    size: str
    scheme: str
    states: dict


def _settle(page) -> None:
    """Let layout and any pending Plotly redraw finish: two animation frames."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def _photograph_and_measure(page, stem: str, wait_drawn: bool) -> dict:
    """Every widget in turn: revealed, charts drawn (when `wait_drawn`), measured and photographed."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate(UNSTICK_SUMMARIES)
    page.evaluate("() => window.scrollTo(0, 0)")
    _settle(page)
    page.screenshot(path=SCREENSHOT_DIR / f"{stem}.png")
    measured = {"scrollWidth": 0, "viewport": 0, "widgets": {}}
    for widget_id in page.evaluate(WIDGET_IDS):
        page.evaluate(REVEAL, widget_id)
        if wait_drawn:
            page.wait_for_function(PLOTLY_DRAWN, polling=250)
        root = page.locator(f'[id="{widget_id}"]')
        root.scroll_into_view_if_needed()
        _settle(page)
        shown = page.evaluate(MEASURE)
        measured["scrollWidth"] = max(measured["scrollWidth"], shown["scrollWidth"])
        measured["viewport"] = shown["viewport"]
        for widget in shown["widgets"]:
            if widget["id"] == widget_id:
                measured["widgets"][widget_id] = widget
        root.screenshot(path=SCREENSHOT_DIR / f"{stem}-{widget_id}.png")  # its charts included
    return measured


# Material's fixed header would cover the top of each widget's picture.
UNPIN_HEADER = """addEventListener("DOMContentLoaded", () => {
    const header = document.querySelector(".md-header");
    if (header) header.style.setProperty("position", "absolute", "important");
})"""

# A calculator's summary sticks under the header on a phone (tests/browser/test_phone.py) and would be pictured
# wherever the capture left it. Added before each page's pictures: Material's instant navigation replaces the head,
# so a style added once at DOMContentLoaded is gone on the pages reached by a link.
UNSTICK_SUMMARIES = """() => {
    if (document.getElementById("unstick-summaries")) return;
    const style = document.createElement("style");
    style.id = "unstick-summaries";
    style.textContent = ".md-typeset .calc__summary { position: static !important; box-shadow: none !important; }";
    document.head.appendChild(style);
}"""


class Tabs:
    """Per size and palette, two tabs kept for the whole run: one whose requests for Pyodide and Plotly.js are
    never answered (each page stays at its first paint) and one that goes live once and then moves from page to
    page by instant navigation, so Python starts once per size and palette, not once per page."""

    def __init__(self, browser, origin: str) -> None:
        self.browser, self.origin = browser, origin
        self.contexts: list = []
        self.tabs: dict = {}
        self.looked: dict[tuple[str, str, str], Looked] = {}

    def _tab(self, size: str, scheme: str, held: bool):
        key = (size, scheme, held)
        if key not in self.tabs:
            context = self.browser.new_context(viewport=SIZES[size], color_scheme=scheme)
            self.contexts.append(context)
            if held:  # never answered: the page stays as first painted
                context.route("**/assets/pyodide/**", lambda route: None)
                context.route("**/assets/plotly/**", lambda route: None)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.add_init_script(UNPIN_HEADER)
            self.tabs[key] = page
        return self.tabs[key]

    def look(self, path: str, size: str, scheme: str) -> Looked:
        """Measure and photograph a page at first paint and live (once per worker)."""
        key = (path, size, scheme)
        if key in self.looked:
            return self.looked[key]
        stem = f"{page_id(path).replace('/', '-')}-{size}-{scheme}"
        for old in SCREENSHOT_DIR.glob(f"{stem}-*.png"):  # this page's pictures from earlier builds (widget ids change)
            old.unlink()

        page = self._tab(size, scheme, held=True)
        page.goto(self.origin + path, wait_until="domcontentloaded")  # held requests would delay "load"
        page.wait_for_function(ALL_LOADING)
        states = {"first-paint": _photograph_and_measure(page, f"{stem}-first-paint", wait_drawn=False)}

        page = self._tab(size, scheme, held=False)
        if page.url.startswith(self.origin + "/"):
            follow_link(page, self.origin + path)  # Python is already running in this tab: no second start
            page.wait_for_function("path => location.pathname === path", arg=path)
        else:
            page.goto(self.origin + path)
        page.wait_for_function(ALL_LIVE, timeout=LIVE_TIMEOUT_MS)
        states["live"] = _photograph_and_measure(page, f"{stem}-live", wait_drawn=True)
        self.looked[key] = Looked(path, size, scheme, states)
        return self.looked[key]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def tabs(browser, origin):
    kept = Tabs(browser, origin)
    yield kept
    kept.close()


@pytest.fixture
def looked(tabs, path, size, scheme) -> Looked:
    return tabs.look(path, size, scheme)


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["left"] >= outer["left"] - SLACK and inner["right"] <= outer["right"] + SLACK
            and inner["top"] >= outer["top"] - SLACK and inner["bottom"] <= outer["bottom"] + SLACK)


def _overlap(a: dict, b: dict) -> float:
    """The area two boxes share, in px²."""
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width * height if width > SLACK and height > SLACK else 0.0


@pytest.mark.parametrize("path, size, scheme", CASES)
def test_the_page_is_no_wider_than_the_screen(looked):
    """Nothing makes the reader scroll sideways: the document is no wider than the viewport, first paint and live."""
    for state, shown in looked.states.items():
        assert shown["scrollWidth"] <= shown["viewport"], (
            f"{looked.path} at {looked.size} ({state}) is {shown['scrollWidth']} px wide in a {shown['viewport']} px screen"
        )


@pytest.mark.parametrize("path, size, scheme", CASES)
def test_each_answer_is_shown_above_its_chart(looked):
    """Every calculator's one-sentence answer is shown whole, above the chart, first paint and live."""
    problems = []
    for state, shown in looked.states.items():
        assert shown["widgets"], f"no calculator on {looked.path}"
        for widget_id, widget in shown["widgets"].items():
            answer = widget["answer"]
            if answer is None or not answer["text"]:
                problems.append(f"{state} #{widget_id}: no answer sentence")
                continue
            if not answer["shown"] or answer["box"]["bottom"] - answer["box"]["top"] < 1:
                problems.append(f"{state} #{widget_id}: the answer is hidden")
            if answer["overflows"] or answer["box"]["right"] > shown["viewport"] + SLACK or answer["box"]["left"] < -SLACK:
                problems.append(f"{state} #{widget_id}: the answer runs past the screen")
            for figure in widget["figures"]:
                if answer["box"]["bottom"] > figure["box"]["top"] + SLACK:
                    problems.append(f"{state} #{widget_id}: the answer is not above its chart")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path, size, scheme", CASES)
def test_no_chart_text_is_cut_off(looked):
    """Every text of every chart (titles, ticks, labels, legend) lies inside its drawing and any clip around it."""
    problems = []
    for state, shown in looked.states.items():
        for widget_id, widget in shown["widgets"].items():
            for figure in widget["figures"]:
                expected = "plotly" if state == "live" else "svg"
                if figure["renderer"] != expected:
                    problems.append(f"{state} #{widget_id}: the chart is drawn by {figure['renderer']}, not {expected}")
                    continue
                for text in figure["texts"]:
                    if not _inside(text["box"], figure["svg"]):
                        problems.append(f"{state} #{widget_id}: {text['kind']} {text['text']!r} runs past the chart")
                    elif text["clip"] and not _inside(text["box"], text["clip"]):
                        problems.append(f"{state} #{widget_id}: {text['kind']} {text['text']!r} is clipped")
    assert not problems, f"{looked.path} at {looked.size}, {looked.scheme}:\n" + "\n".join(problems)


LABEL_KINDS = {"point label", "annotation", "legend"}


def overlapping_labels(texts: list[dict], kinds: set[str] = LABEL_KINDS) -> list[str]:
    """Pairs of texts whose boxes overlap, of which one at least is of `kinds`, described for a failure message.

    A label is checked against every other text of its chart: other labels, axis titles and tick labels.
    """
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if (a["kind"] in kinds or b["kind"] in kinds) and _overlap(a["box"], b["box"]):
                found.append(f"{a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}")
    return found


@pytest.mark.parametrize("path, size, scheme", [case for case in CASES if case.values[2] == "light"])
def test_chart_labels_and_legends_do_not_overlap(looked):
    """Live, at each size: no point label, annotation or legend entry of a Plotly chart overlaps another text of it
    (another label, an axis title, a tick label)."""
    problems = []
    for widget_id, widget in looked.states["live"]["widgets"].items():
        for figure in widget["figures"]:
            problems += [f"#{widget_id}: {line}" for line in overlapping_labels(figure["texts"])]
    assert not problems, f"{looked.path} at {looked.size}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path, size, scheme", [case for case in CASES if case.values[2] == "light"])
def test_first_paint_chart_texts_do_not_overlap(looked):
    """At first paint, no two texts of a static SVG chart (ticks, titles, labels, legend) overlap."""
    problems = []
    for widget_id, widget in looked.states["first-paint"]["widgets"].items():
        for figure in widget["figures"]:
            problems += [f"#{widget_id}: {line}" for line in overlapping_labels(figure["texts"], {"svg text", "point label"})]
    assert not problems, f"{looked.path} at {looked.size}:\n" + "\n".join(problems)


def _figures(looked: Looked, state: str):
    for widget_id, widget in looked.states[state]["widgets"].items():
        for index, figure in enumerate(widget["figures"]):
            yield widget_id, index, figure


@pytest.mark.parametrize("path, size, scheme", [case for case in CASES if case.values[2] == "light"])
def test_the_first_paint_chart_has_the_shape_of_the_live_one(looked):
    """At a phone's and a desktop's width, the first-paint drawing's plot area is where Plotly draws its own (within
    2 px each side), with the same tick labels at the same places (within 3 px): nothing moves when Plotly takes over."""
    problems = []
    live = {(w, i): f for w, i, f in _figures(looked, "live")}
    for widget_id, index, first in _figures(looked, "first-paint"):
        later = live.get((widget_id, index))
        if later is None or first["area"] is None or later["area"] is None:
            problems.append(f"#{widget_id} chart {index}: no plot area to compare")
            continue
        moved = {side: round(later["area"][side] - first["area"][side], 1) for side in ("left", "top", "right", "bottom")}
        if any(abs(d) > 2 for d in moved.values()):
            problems.append(f"#{widget_id} chart {index}: the plot area moves by {moved}")
        before = {t["text"]: t for t in first["ticks"]}
        after = {t["text"]: t for t in later["ticks"]}
        if set(before) != set(after):
            problems.append(f"#{widget_id} chart {index}: tick labels {sorted(before)} become {sorted(after)}")
        for text in set(before) & set(after):
            dx, dy = after[text]["x"] - before[text]["x"], after[text]["y"] - before[text]["y"]
            if abs(dx) > 3 or abs(dy) > 3:
                problems.append(f"#{widget_id} chart {index}: tick {text!r} moves by ({dx:.1f}, {dy:.1f}) px")
    assert not problems, f"{looked.path} at {looked.size}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path, size, scheme", [case for case in CASES if case.values[2] == "light"])
def test_first_paint_chart_text_is_as_large_as_the_live_charts(looked):
    """The first-paint drawing's text is 12 px or more as the reader sees it, on a phone too (it is not a fixed
    picture scaled down to the screen)."""
    small = [f"#{w} chart {i}: {t['text']!r} at {t['size']:.1f} px" for w, i, f in _figures(looked, "first-paint")
             for t in f["texts"] if t["size"] < 11.5]
    assert not small, f"{looked.path} at {looked.size}:\n" + "\n".join(small[:10])


@pytest.mark.parametrize("path, size, scheme", [case for case in CASES if case.values[2] == "light"])
def test_no_point_label_sits_on_a_point(looked):
    """First paint and live: no point label covers a point marker (its own sits beside it)."""
    problems = []
    for state in looked.states:
        for widget_id, index, figure in _figures(looked, state):
            for text in figure["texts"]:
                if text["kind"] != "point label":
                    continue
                for marker in figure["markers"]:
                    if _overlap(text["box"], marker) > 4:  # px²: anti-aliased edges touching are not covering
                        problems.append(f"{state} #{widget_id} chart {index}: {text['text']!r} covers a point")
                        break
    assert not problems, f"{looked.path} at {looked.size}:\n" + "\n".join(problems)
