// Makes the calculator widgets on a page live. The entry module: it only wires the parts together.
//
//   calculators/bridge.js     the visit's one module worker (Pyodide + our wheel), requests matched by id
//   calculators/widget.js     one widget: form, status line, latest-wins recompute, applying results
//   calculators/url-state.js  the inputs that differ from the guide's defaults, kept in the URL
//   calculators/export.js     the last good result as CSV or JSON, labelled as Python labelled it
//   calculators/charts.js     Plotly: loaded once, Material's colours, drawn near the viewport
//
// overrides/main.html loads this module on every page (outside Material's swapped container), so it
// runs once per visit; Material's document$ calls onDocument on the first load and after every
// instant navigation. A page with no `.calc[data-calc]` and no chart (`.calc__plot[data-chart-figure]`)
// loads nothing more.

import { getRuntime } from "./calculators/bridge.js";
import { drawWhenNear, holdPlotlyUntil, loadPlotly, paletteChanged, whenIdle } from "./calculators/charts.js";
import { assignKeys } from "./calculators/url-state.js";
import { Widget } from "./calculators/widget.js";

const widgets = new Set();
const started = new WeakSet();

function onDocument() {
  for (const widget of widgets) {
    if (!widget.root.isConnected) {
      widget.dispose();
      widgets.delete(widget);
    }
  }
  const roots = [...document.querySelectorAll(".calc[data-calc]")];
  if (roots.length === 0) {
    drawCharts();
    return;
  }
  const keys = assignKeys(roots);
  const bridge = getRuntime();
  holdPlotlyUntil(bridge.ready); // the build's drawings stand in until Python is up
  drawCharts();
  // Once Python is up, fetch Plotly in idle time, so a chart scrolled to later draws at once; then
  // register the service worker, whose precache downloads must not compete with Python's start.
  bridge.ready.then(
    () =>
      whenIdle(() => {
        loadPlotly().catch(() => {});
        registerServiceWorker();
        warm(bridge, [...widgets].filter((widget) => widget.root.isConnected));
      }),
    () => {},
  );
  roots.forEach((root, index) => {
    if (started.has(root)) return;
    started.add(root);
    try {
      const widget = new Widget(root, keys[index], bridge);
      widgets.add(widget);
      widget.draw(); // the figures computed at build time, once they are near the viewport
    } catch (err) {
      console.error(`calculators: widget #${root.id} could not start:`, err); // the others still do
    }
  });
}

/**
 * Charts outside a calculator (a notebook's output, from Python's chart_html): each box carries its
 * figure in data-chart-figure and is drawn like a calculator's chart, in the page's colours.
 */
function drawCharts() {
  for (const plot of document.querySelectorAll(".calc__plot[data-chart-figure]")) {
    if (started.has(plot)) continue;
    started.add(plot);
    try {
      drawWhenNear(plot, JSON.parse(plot.dataset.chartFigure));
    } catch (err) {
      console.error("calculators: a chart could not be read:", err); // its caption still says what it shows
    }
  }
}

/**
 * The site's service worker (sw.js at the site root, written at build time by hooks/sw_hook.py) precaches
 * the pages and Python's runtime: a later visit starts from the cache, and a visited page works offline.
 */
function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || navigator.serviceWorker.controller) return;
  // The precache downloads the runtime and the snapshot again (about 50 MB before compression): a reader
  // who asked the browser to save data gets the network only.
  if (navigator.connection && navigator.connection.saveData) return;
  navigator.serviceWorker.register(new URL("../sw.js", import.meta.url)).catch(() => {
    // no service worker (a build without the runtime, a host or browser that refuses it): the network, as before
  });
}

/**
 * In idle time after live, have Python run each calculator of the page a few times with its first widget's form as
 * it stands (as a change sends it: text, every field), the answer dropped: the browser compiles Python's wasm in two
 * tiers, the faster only for code that has run often, and Python specialises its bytecode as it runs it. With one
 * run of the defaults, a reader's first change on cost to train still waited about 70 ms for Python, against 25 ms
 * by the fifth; with these, 25-45 ms from the first (notes/bench.md). One run at a time, so a reader's change
 * waits for one run at most.
 */
async function warm(bridge, pageWidgets) {
  const firsts = new Map();
  for (const widget of pageWidgets) if (!firsts.has(widget.name)) firsts.set(widget.name, widget);
  for (let run = 0; run < WARM_RUNS; run += 1) {
    for (const [name, widget] of firsts) {
      try {
        await bridge.warm(name, widget.collect());
      } catch {
        return; // Python stopped: the widgets say so
      }
    }
  }
}

const WARM_RUNS = 8;

function safely(fn) {
  return (...args) => {
    try {
      fn(...args);
    } catch (err) {
      console.error("calculators:", err);
    }
  };
}

// Python starts as soon as this module runs (right after the HTML is parsed), not from document$,
// which fires only after Material's bundle and the DOMContentLoaded handlers. On a page with a
// calculator the head has started the worker already, and this adopts it.
if (document.querySelector(".calc[data-calc]")) getRuntime();

new MutationObserver(safely(paletteChanged)).observe(document.body, {
  attributes: true,
  attributeFilter: ["data-md-color-scheme"],
});

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(safely(onDocument));
} else {
  safely(onDocument)(); // without Material's bundle: this page only
}
