"""Recomputing as the reader types: the latest inputs win, numbers come first, and charts update in place.

A change is posted to Python at once unless a request of the same widget is on its way; a reply is shown
only if it answers the inputs the form has when it arrives (calculators/widget.js).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser._site import site_widgets
from tests.browser.helpers import changes_that_matter, cpython, default_text, table_texts, value_texts

# Counts one calculator's requests to the worker (once window.__traffic.calculator is set) and the most
# that were on their way at once.
COUNT_REQUESTS = """
(() => {
  const NativeWorker = window.Worker;
  const open = new Set();
  const traffic = (window.__traffic = { calculator: null, posted: 0, most: 0 });
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      super.addEventListener("message", (event) => open.delete(event.data && event.data.id));
    }
    postMessage(message, ...rest) {
      if (message && message.calculator === traffic.calculator && message.inputs && !message.warm) {  // computes, not the idle warm-up
        open.add(message.id);
        traffic.posted += 1;
        traffic.most = Math.max(traffic.most, open.size);
      }
      return super.postMessage(message, ...rest);
    }
  };
})();
"""

# Records, each time the widget's results are replaced, the numbers shown and what the field then holds.
RECORD_SHOWN = """
([selector, name]) => {
  const root = document.querySelector(selector);
  const field = root.querySelector(`[name="${name}"]`);
  const log = (window.__shown = { results: [], inputs: 0 });
  field.addEventListener("input", () => { log.inputs += 1; });
  new MutationObserver(() => {
    const texts = [...root.querySelectorAll(".calc__value")].map((el) => el.textContent);
    log.results.push({ value: field.value, texts });
  }).observe(root.querySelector(".calc__results"), { childList: true });
}
"""

PAGE_IDLE = "() => !document.querySelector('.calc--loading, .calc[aria-busy=true]')"


def typed_field(widget):
    """A number field and a value for it that CPython accepts and that changes a result."""
    numbers = {field.name for field in widget.fields if field.tag == "input"}
    found = [(name, value) for name, value in changes_that_matter(widget) if name in numbers]
    if not found:
        pytest.skip(f"{widget.calculator} has no number field whose change alters a result")
    return found[0]


def test_fast_typing_ends_with_cpythons_numbers_and_never_shows_a_stale_result(visit, calculator_widget):
    """Typing dozens of keys with no pause ends with CPython's numbers for the final inputs; every result shown on the
    way is CPython's for what the field held at that moment, and the widget never has two requests out at once.

    Once per calculator: the recompute path is the same generic code for every copy."""
    widget = calculator_widget
    name, final = typed_field(widget)
    start = default_text(widget, name)
    visit.page.add_init_script(COUNT_REQUESTS)
    visit.open(widget)
    visit.wait_live(widget)
    visit.page.wait_for_function(PAGE_IDLE)  # every widget of the page has had its first reply
    visit.page.evaluate("calculator => { window.__traffic.calculator = calculator; }", widget.calculator)
    visit.page.evaluate(RECORD_SHOWN, [widget.selector, name])

    keys = ["Backspace"] * len(start)
    for text in (start, final, start):
        keys += [*text, *["Backspace"] * len(text)]
    keys += [*final]
    control = visit.field(widget, name)
    control.focus()
    control.press("End")
    for key in keys:
        visit.page.keyboard.press(key)

    expected = cpython(widget, {name: final})
    expect(control).to_have_value(final)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
    visit.wait_live(widget)
    assert visit.values(widget) == value_texts(expected)
    assert visit.table_cells(widget) == table_texts(expected)
    assert f"{widget.key}.{name}={final}" in visit.search()

    shown = visit.page.evaluate("() => window.__shown")
    traffic = visit.page.evaluate("() => window.__traffic")
    assert shown["inputs"] == len(keys)
    assert shown["results"], "no result was shown"
    for value in dict.fromkeys(record["value"] for record in shown["results"]):
        texts = [record["texts"] for record in shown["results"] if record["value"] == value]
        assert all(t == value_texts(cpython(widget, {name: value})) for t in texts), f"a stale result shown for {value!r}"
    assert traffic["most"] == 1, "two requests of one widget were on their way at once"
    assert 1 <= traffic["posted"] <= len(keys)
    assert visit.page_errors == []


# Plotly.react on a chart it has drawn emits plotly_react and keeps the chart's element and its SVG;
# Plotly.newPlot (or a purge) would drop the listener and make a new SVG.
WATCH_CHART = """
plot => {
  const watch = (window.__chart = { plot, svg: plot.querySelector(".main-svg"), reacts: 0, reactAt: [], numbersAt: [] });
  plot.on("plotly_react", () => { watch.reacts += 1; watch.reactAt.push(performance.now()); });
  const results = plot.closest(".calc__results");
  new MutationObserver(() => watch.numbersAt.push(performance.now())).observe(results, { childList: true });
  return plot.data.map((trace) => trace.y);
}
"""


def widget_whose_chart_moves():
    """The first widget with a change that alters its first figure's data: (widget, field, value)."""
    for widget in site_widgets():
        built = cpython(widget)
        if not built.figures:
            continue
        for name, value in changes_that_matter(widget):
            if cpython(widget, {name: value}).figures[0].figure["data"] != built.figures[0].figure["data"]:
                return widget, name, value
    pytest.skip("no widget whose chart changes with one input")


def alike(shown, computed) -> bool:
    """The same nested lists, numbers equal to within float rounding (they crossed JSON and JavaScript)."""
    if isinstance(shown, (list, tuple)) and isinstance(computed, (list, tuple)):
        return len(shown) == len(computed) and all(alike(a, b) for a, b in zip(shown, computed))
    if isinstance(shown, (int, float)) and isinstance(computed, (int, float)):
        return math.isclose(shown, computed, rel_tol=1e-9, abs_tol=1e-12)
    return shown == computed


def test_a_chart_is_updated_in_place_with_plotly_react_after_the_numbers(visit):
    """After an input change the numbers update first; then the same chart element, with the same SVG, shows the new
    figure's data through Plotly.react, not a purge and a new plot."""
    widget, name, value = widget_whose_chart_moves()
    visit.open(widget)
    visit.wait_live(widget)
    visit.expect_charts(widget, len(cpython(widget).figures))
    plot = visit.page.locator(f"{widget.selector} .calc__figure").first.locator(".calc__plot")
    plot.scroll_into_view_if_needed()
    before = plot.evaluate(WATCH_CHART)

    expected = cpython(widget, {name: value})
    visit.field(widget, name).fill(value)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
    plot.scroll_into_view_if_needed()  # filling the field scrolled to it; a chart is drawn only near the viewport
    visit.page.wait_for_function("before => JSON.stringify(window.__chart.plot.data.map((t) => t.y)) !== JSON.stringify(before)", arg=before)

    watch = visit.page.evaluate(
        """() => {
            const w = window.__chart;
            const plot = w.plot;
            return {
                connected: plot.isConnected,
                sameSvg: plot.querySelector(".main-svg") === w.svg,
                reacts: w.reacts,
                reactAt: w.reactAt,
                numbersAt: w.numbersAt,
                data: plot.data.map(({ x, y }) => ({ x, y })),
            };
        }"""
    )
    assert watch["connected"], "the chart element was replaced"
    assert plot.evaluate("el => el === window.__chart.plot"), "the chart element was replaced"
    assert watch["sameSvg"], "the chart was drawn anew, not updated"
    assert watch["reacts"] >= 1
    assert watch["numbersAt"] and watch["numbersAt"][0] <= watch["reactAt"][0], "the chart changed before the numbers"
    traces = expected.figures[0].figure["data"]
    assert alike([[t["x"], t["y"]] for t in watch["data"]], [[t.get("x"), t.get("y")] for t in traces])
    assert visit.page_errors == []


def test_a_folded_table_comes_with_its_first_rows_and_whole_once_opened(visit):
    """While the results' details are folded, a reply carries each table's first 10 rows and a line saying how many
    more there are (cost to train's ranking of every plan was most of each keystroke's reply, unseen); opening the
    details brings every row, as CPython ranks them, and later replies keep them whole."""
    widgets = [w for w in site_widgets() if w.calculator == "cost_to_train" and cpython(w).tables[0].rows[10:]]
    if not widgets:
        pytest.skip("no cost_to_train widget with a table over 10 rows")
    widget = widgets[0]
    visit.open(widget)
    visit.wait_live(widget)
    name, value = changes_that_matter(widget)[0]
    visit.field(widget, name).fill(value) if visit.field(widget, name).evaluate("el => el.tagName") != "SELECT" else visit.field(widget, name).select_option(value)
    expected = cpython(widget, {name: value})
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
    visit.wait_live(widget)
    ranked = visit.page.locator(f"{widget.selector} details.calc__table").first.locator("tbody tr")
    expect(ranked).to_have_count(11)  # ten rows, and the line saying how many more
    more = len(expected.tables[0].rows) - 10
    expect(visit.page.locator(f"{widget.selector} .calc__more").first).to_contain_text(f"{more:,} more rows")
    visit.page.locator(f"{widget.selector} details.calc__details > summary").click()
    expect(visit.page.locator(f"{widget.selector} .calc__more")).to_have_count(0)
    expect(ranked).to_have_count(len(expected.tables[0].rows))
    assert visit.table_cells(widget) == table_texts(expected)
    assert visit.page_errors == []


def widget_with_a_still_chart():
    """The first widget with a change that moves a value but leaves its first figure as it was, and one that moves
    that figure: (widget, still change, moving change or None)."""
    for widget in site_widgets():
        built = cpython(widget)
        if not built.figures:
            continue
        still = moving = None
        for name, value in changes_that_matter(widget):
            same = cpython(widget, {name: value}).figures[0].figure == built.figures[0].figure
            if same and still is None:
                still = (name, value)
            if not same and moving is None:
                moving = (name, value)
        if still:
            return widget, still, moving
    pytest.skip("no widget with a change that leaves its chart as it was")


COUNT_PLOTTED = """plot => { window.__plotted = 0; plot.addEventListener("calc:plotted", () => { window.__plotted += 1; }); }"""


def test_a_chart_whose_figure_did_not_change_is_not_redrawn(visit):
    """A change that moves the numbers but not a chart leaves the chart as drawn (Plotly is not asked again); a change
    that moves the chart still redraws it, so the count below can see a redraw."""
    widget, (name, value), moving = widget_with_a_still_chart()
    visit.open(widget)
    visit.wait_live(widget)
    plot = visit.page.locator(f"{widget.selector} .calc__figure").first.locator(".calc__plot")
    plot.scroll_into_view_if_needed()
    expect(plot).to_have_class(re.compile(r"\bjs-plotly-plot\b"))
    plot.evaluate(COUNT_PLOTTED)

    visit.field(widget, name).fill(value)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(cpython(widget, {name: value})))
    plot.scroll_into_view_if_needed()
    visit.page.wait_for_timeout(500)  # many frames: a redraw would have happened
    assert visit.page.evaluate("() => window.__plotted") == 0, f"{widget.test_id}: {name}={value} redrew a chart that did not change"

    if moving is not None:
        moved, to = moving
        visit.field(widget, moved).fill(to)
        plot.scroll_into_view_if_needed()
        visit.page.wait_for_function("() => window.__plotted >= 1")
    assert visit.page_errors == []


def widget_with_two_moving_charts():
    """The first widget with a change that alters the data of two of its figures: (widget, field, value)."""
    for widget in site_widgets():
        built = cpython(widget)
        if len(built.figures) < 2:
            continue
        for name, value in changes_that_matter(widget):
            changed = cpython(widget, {name: value}).figures
            moved = [a.figure["data"] != b.figure["data"] for a, b in zip(changed, built.figures)]
            if sum(moved) >= 2:
                return widget, name, value
    pytest.skip("no widget with a change that moves two charts")


# Numbers the animation frames, and records the frame in which each chart of the widget reports a redraw.
FRAMES_OF_REDRAWS = """
root => {
  const log = (window.__redraws = { frame: 0, at: [] });
  const tick = () => { log.frame += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const plots = [...root.querySelectorAll(".calc__plot")];
  root.addEventListener("calc:plotted", (event) => log.at.push([plots.indexOf(event.target), log.frame]));
}
"""


def test_charts_in_view_are_redrawn_together_in_one_frame(visit):
    """A change that moves two charts the reader sees redraws both in the same animation frame: they never show
    answers to different inputs, and the page pays for one style, layout and paint, not one per chart."""
    widget, name, value = widget_with_two_moving_charts()
    visit.page.set_viewport_size({"width": 1280, "height": 1600})  # room for both charts at once
    visit.open(widget)
    visit.wait_live(widget)
    visit.expect_charts(widget, len(cpython(widget).figures))
    plots = visit.page.locator(f"{widget.selector} .calc__plot")
    plots.first.evaluate("el => el.scrollIntoView({ block: 'start' })")
    assert plots.nth(1).evaluate("el => el.getBoundingClientRect().bottom <= innerHeight"), "the second chart is not in view"
    visit.page.locator(widget.selector).evaluate(FRAMES_OF_REDRAWS)

    control = visit.field(widget, name)
    control.evaluate("(el, value) => { el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); }", value)
    visit.page.wait_for_function("() => new Set(window.__redraws.at.map(([plot]) => plot)).size >= 2")
    redraws = visit.page.evaluate("() => window.__redraws.at")
    frames = {plot: frame for plot, frame in redraws[:2]}
    assert set(frames) == {0, 1}, redraws
    assert frames[0] == frames[1], f"the two charts were redrawn in different frames: {redraws}"
    assert visit.page_errors == []


# Records every change of the widget element's class attribute and of aria-busy.
WATCH_STATE = """
root => {
  const log = (window.__state = { classes: [], busy: [] });
  new MutationObserver((records) => {
    for (const r of records) (r.attributeName === "class" ? log.classes : log.busy).push(root.getAttribute(r.attributeName));
  }).observe(root, { attributes: true, attributeFilter: ["class", "aria-busy"] });
}
"""


def test_a_keystroke_changes_no_class_on_the_widget_only_aria_busy(visit, calculator_widget):
    """While Python works on a keystroke the widget says so with aria-busy, and its class stays as it was: in Chrome a
    class change restyles the element's whole subtree (Material's `table:not([class])` rules), about 7 ms on a
    cost-to-train widget, twice a keystroke."""
    widget = calculator_widget
    name, value = typed_field(widget)
    visit.open(widget)
    visit.wait_live(widget)
    visit.page.wait_for_function(PAGE_IDLE)
    visit.page.locator(widget.selector).evaluate(WATCH_STATE)
    visit.field(widget, name).fill(value)
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(cpython(widget, {name: value})))
    visit.wait_live(widget)
    state = visit.page.evaluate("() => window.__state")
    assert state["busy"][:1] == ["true"] and state["busy"][-1] == "false", state
    assert state["classes"] == [], f"a keystroke changed the widget's class: {state['classes']}"
    assert visit.page_errors == []


# Counts Plotly.react calls per chart element, and the calc:plotted events the page sends, from the page's start.
COUNT_REACTS = """
(() => {
  const log = (window.__reacts = { reacts: new Map(), plotted: new Map() });
  document.addEventListener("calc:plotted", (event) => log.plotted.set(event.target, (log.plotted.get(event.target) || 0) + 1));
  let plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: () => plotly,
    set(value) {
      const react = value.react;
      value.react = function (plot, ...rest) {
        log.reacts.set(plot, (log.reacts.get(plot) || 0) + 1);
        return react.call(this, plot, ...rest);
      };
      plotly = value;
    },
  });
})();
"""


def test_plotly_is_warmed_by_redrawing_a_drawn_chart_unchanged_in_idle_time(fresh_visit):
    """Once a calculator's chart is drawn, idle time redraws it as it is a few times (so the reader's first changes
    run Plotly's compiled update path), with no calc:plotted, since nothing changed; the chart still shows the build's
    figure."""
    widget, _, _ = widget_whose_chart_moves()
    visit = fresh_visit
    visit.page.add_init_script(COUNT_REACTS)
    visit.open(widget)
    visit.wait_live(widget)
    plot = visit.page.locator(f"{widget.selector} .calc__figure").first.locator(".calc__plot")
    plot.scroll_into_view_if_needed()
    expect(plot).to_have_class(re.compile(r"\bjs-plotly-plot\b"))
    visit.page.wait_for_function("() => [...window.__reacts.reacts.values()].reduce((a, b) => a + b, 0) >= 3", timeout=15_000)
    visit.page.wait_for_timeout(1000)
    counts = plot.evaluate("el => [window.__reacts.reacts.get(el) || 0, window.__reacts.plotted.get(el) || 0]")
    warmed = visit.page.evaluate("() => [...document.querySelectorAll('.calc .calc__plot')].map((el) => (window.__reacts.reacts.get(el) || 0) - (window.__reacts.plotted.get(el) || 0))")
    assert counts[1] == 1, f"the chart was announced {counts[1]} times without a change"
    assert sum(warmed) >= 2, f"idle redraws per chart: {warmed}"
    shown = plot.evaluate("el => el.data.map(({ x, y }) => [x, y])")
    built = cpython(widget).figures[0].figure["data"]
    assert alike(shown, [[t.get("x"), t.get("y")] for t in built])
    assert visit.page_errors == []


# Records the options of each computing request to the worker and the keys of each reply's result.
RECORD_TRAFFIC = """
(() => {
  const NativeWorker = window.Worker;
  const log = (window.__requests = { sent: [], results: [] });
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      super.addEventListener("message", (event) => event.data && event.data.result && log.results.push(Object.keys(event.data.result).sort()));
    }
    postMessage(message, ...rest) {
      if (message && message.inputs && !message.warm) log.sent.push({ data: message.data ?? null });
      return super.postMessage(message, ...rest);
    }
  };
})();
"""


def test_a_keystrokes_reply_holds_what_the_page_shows_and_a_download_asks_for_the_rest(visit):
    """A change asks Python for the HTML and the figures only (data: false); the values and tables a download needs
    are asked for when it is clicked, and the file holds CPython's values for the inputs shown."""
    widget, name, value = widget_whose_chart_moves()
    visit.page.add_init_script(RECORD_TRAFFIC)
    visit.open(widget)
    visit.wait_live(widget)
    visit.field(widget, name).fill(value)
    expected = cpython(widget, {name: value})
    expect(visit.page.locator(f"{widget.selector} .calc__value")).to_have_text(value_texts(expected))
    visit.wait_live(widget)
    traffic = visit.page.evaluate("() => window.__requests")
    assert traffic["sent"] and all(request["data"] is False for request in traffic["sent"]), traffic["sent"]
    assert all(keys == ["figures", "html", "pricing_snapshot"] for keys in traffic["results"]), traffic["results"]

    with visit.page.expect_download() as info:
        visit.page.locator(f"{widget.selector} [data-calc-export=json]").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [v["value"] for v in data["values"]] == pytest.approx([v.value for v in expected.values])
    assert visit.page.evaluate("() => window.__requests.sent.at(-1)")["data"] is None
    assert visit.page_errors == []
