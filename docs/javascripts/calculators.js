// Makes the calculator widgets on a page live.
//
// The build (hooks/calculators_hook.py) writes each widget as plain HTML: a form, the results
// computed in CPython, and the figure dicts. This module only adds behaviour to that HTML:
//
//   - it runs one module worker per visit (Pyodide + our wheel, see calculator-worker.mjs): the
//     one the page's head started while the HTML was parsed (overrides/main.html), or its own;
//     once Python is ready it sends every change of the form to it and swaps in the results;
//   - it draws each figure with Plotly when the figure comes near the viewport, one figure per
//     animation frame, so drawing never competes with Python's start for the main thread (the
//     static drawing from the build stands in until then);
//   - it keeps the inputs that differ from the guide's defaults in the URL, and exports the
//     last good results as CSV or JSON.
//
// Nothing here knows about a particular calculator: field names come from the form, defaults
// from data-calc-defaults, figures from the embedded JSON, and everything shown is HTML that
// Python escaped (or text we set with textContent).

const WORKER_URL = new URL("calculator-worker.mjs", import.meta.url);
const PLOTLY_URL = new URL("../assets/plotly/plotly.min.js", import.meta.url);
const DEBOUNCE_MS = 150;
const SNAPSHOT_PARAM = "prices";
const PLOT_CONFIG = { displaylogo: false, responsive: true };
const SLOW_START_MS = 20_000; // after this, say that loading is slow (a wasm fetch that fails can hang Pyodide)

const STATUS = {
  loading: "Loading the live calculator…",
  slow: "Still loading the live calculator: this is taking longer than usual.",
  live: "Live: results update as you type.",
  working: "Working…",
  invalid: "Showing the last valid results: correct the highlighted field to update them.",
  noExport: "Nothing to download yet: correct the highlighted field first.",
};

// ── The bridge: one module worker per visit, requests matched by id ────────────────────────

let runtime = null;

/** Start the worker once; later calls (and later pages, after instant navigation) reuse it. */
function getRuntime() {
  if (runtime === null) runtime = startRuntime();
  return runtime;
}

function startRuntime() {
  const pending = new Map();
  let nextId = 0;
  let failure = null;
  let settle;
  const ready = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  ready.catch(() => {}); // every user of `ready` handles the failure itself

  const fail = (message) => {
    if (failure !== null) return;
    failure = new Error(message || "the calculator worker stopped");
    settle.reject(failure);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };

  const handlers = {
    message(event) {
      const data = event.data || {};
      if (data.type === "ready") {
        settle.resolve(data);
      } else if (data.type === "failed") {
        fail(data.message);
      } else if (pending.has(data.id)) {
        const { resolve } = pending.get(data.id);
        pending.delete(data.id);
        resolve(data);
      }
    },
    error(event) {
      event.preventDefault(); // reported in the widget's status line instead of as an uncaught error
      fail(event.message || "the worker script could not be loaded");
    },
    messageerror() {
      fail("a message from the worker could not be read");
    },
  };

  // The page template may have started the worker already, while the HTML was being parsed
  // (overrides/main.html); it kept the worker's early events for us.
  const early = window.calcEarlyWorker;
  delete window.calcEarlyWorker;
  let worker = null;
  try {
    worker = early ? early.worker : new Worker(WORKER_URL, { type: "module" });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (worker !== null) {
    for (const [type, handler] of Object.entries(handlers)) worker.addEventListener(type, handler);
    if (early) {
      early.stop();
      for (const event of early.events) handlers[event.type](event);
    }
  }

  /** Post {id, calculator, inputs}; return the id and a promise of {id, result} or {id, error}. */
  function request(calculator, inputs) {
    const id = ++nextId;
    if (failure !== null) return { id, reply: Promise.reject(failure) };
    const reply = new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, calculator, inputs });
    });
    return { id, reply };
  }

  return { ready, request };
}

// ── Plotly: loaded once, only on pages with a widget; charts follow Material's palette ─────

let plotlyPromise = null;

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (plotlyPromise === null) {
    keepPlotlyStylesAcrossNavigation();
    plotlyPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = PLOTLY_URL.href;
      script.async = true;
      script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("Plotly did not define window.Plotly")));
      script.onerror = () => reject(new Error(`could not load ${PLOTLY_URL.pathname}`));
      document.head.appendChild(script);
    });
    plotlyPromise.catch(() => {
      plotlyPromise = null; // try again on the next page
    });
  }
  return plotlyPromise;
}

/**
 * Plotly puts its shared CSS rules (via CSSOM, so not as text) in <style id="plotly.js-style-global">
 * in <head>. Material's instant navigation drops <head> elements the next page does not have,
 * which would lose those rules. Plotly reuses an existing element with that id, so give it one
 * in <body>, which instant navigation leaves alone.
 */
function keepPlotlyStylesAcrossNavigation() {
  const id = "plotly.js-style-global";
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.appendChild(document.createTextNode(""));
  document.body.appendChild(style);
}

let cachedTheme = null;

/** Material's colours for the current scheme; read once, and again only after a palette change. */
function currentTheme() {
  if (cachedTheme === null) cachedTheme = readTheme();
  return cachedTheme;
}

/** Material's colours for the current scheme, resolved by the browser to rgb()/rgba(). */
function readTheme() {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;pointer-events:none";
  document.body.appendChild(probe);
  const colour = (variable) => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const theme = {
    fg: colour("--md-default-fg-color"),
    light: colour("--md-default-fg-color--light"),
    lighter: colour("--md-default-fg-color--lighter"),
    lightest: colour("--md-default-fg-color--lightest"),
    bg: colour("--md-default-bg-color"),
    font: getComputedStyle(document.querySelector(".md-typeset") || document.body).fontFamily,
  };
  probe.remove();
  return theme;
}

/** A figure's layout with the page's colours and font; the calculator's own settings are kept. */
function themedLayout(layout, theme) {
  const out = {
    ...layout,
    autosize: true,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { ...layout.font, family: theme.font, color: theme.fg },
    legend: { ...layout.legend, bgcolor: "rgba(0,0,0,0)" },
    hoverlabel: {
      ...layout.hoverlabel,
      bgcolor: theme.bg,
      bordercolor: theme.lighter,
      font: { ...(layout.hoverlabel || {}).font, family: theme.font, color: theme.fg },
    },
    modebar: { ...layout.modebar, bgcolor: "rgba(0,0,0,0)", color: theme.lighter, activecolor: theme.fg },
  };
  const axes = new Set(["xaxis", "yaxis", ...Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key))]);
  for (const axis of axes) {
    // Thousands separators as in the values Python prints ($3,172.80), unless the figure says otherwise.
    out[axis] = {
      separatethousands: true,
      ...layout[axis],
      gridcolor: theme.lightest,
      zerolinecolor: theme.lighter,
      linecolor: theme.lighter,
    };
  }
  return out;
}

// ── URL state ──────────────────────────────────────────────────────────────────────────────

/** Every widget's URL key on this page: its calculator's name, with -2, -3… for repeats. */
function assignKeys(roots) {
  const seen = new Map();
  return roots.map((root) => {
    const name = root.dataset.calc;
    const count = (seen.get(name) || 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}-${count}`;
  });
}

let pageKeys = [];

function replaceUrl(url) {
  if (url.href === location.href) return;
  try {
    history.replaceState(history.state, "", url);
  } catch {
    // Some browsers limit how often the URL may change; the next change writes it again.
  }
}

// ── Exports ────────────────────────────────────────────────────────────────────────────────

function csvCell(value) {
  let text = value === undefined || value === null ? "" : String(value);
  // A cell a spreadsheet would read as a formula is kept as text.
  if (/^[=+\-@\t\r]/.test(text) && !Number.isFinite(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRows(rows) {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n");
}

function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ── One widget ─────────────────────────────────────────────────────────────────────────────

class Widget {
  constructor(root, key, bridge) {
    this.root = root;
    this.key = key;
    this.bridge = bridge;
    this.name = root.dataset.calc;
    this.form = root.querySelector(".calc__form");
    this.results = root.querySelector(".calc__results");
    this.status = root.querySelector(".calc__status");
    this.snapshot = root.dataset.pricingSnapshot || "";
    this.defaults = parseJson(root.dataset.calcDefaults) || {};
    this.figures = readEmbeddedFigures(root);
    this.fields = new Map(
      [...this.form.elements]
        .filter((el) => el.name && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))
        .map((el) => [el.name, el]),
    );
    this.urlValues = new Map(); // field -> {raw, shown}: what a shared link said, sent to Python as given
    this.notice = "";
    this.live = false;
    this.stopped = false;
    this.latestId = 0;
    this.lastGood = null;
    this.timer = 0;

    this.applyUrl();
    this.form.addEventListener("input", () => this.changed());
    this.form.addEventListener("change", () => this.changed());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.compute();
    });
    this.form.addEventListener("reset", (event) => {
      event.preventDefault();
      this.reset();
    });
    for (const button of root.querySelectorAll("[data-calc-export]")) {
      button.addEventListener("click", () => {
        this.export(button.dataset.calcExport).catch((err) => this.setStatus(`Download failed: ${messageOf(err)}`));
      });
    }

    this.setState("loading");
    this.setStatus(STATUS.loading);
    const slow = setTimeout(() => {
      if (!this.live && !this.stopped) this.setStatus(`${STATUS.slow} ${this.builtNote()}`);
    }, SLOW_START_MS);
    this.firstResult = bridge.ready.finally(() => clearTimeout(slow)).then(
      () => {
        if (!this.root.isConnected) return;
        this.live = true;
        this.setState("live");
        this.setStatus(STATUS.live);
        // One run straight away: it applies a shared link's inputs and gives the exports their data.
        return this.compute();
      },
      (err) => this.fail("The live calculator could not start", err),
    );
  }

  // The form

  /** Field name -> value as typed (a value from a shared link is passed on exactly as written). */
  collect() {
    const inputs = {};
    for (const [name, el] of this.fields) {
      const fromUrl = this.urlValues.get(name);
      inputs[name] = fromUrl && fromUrl.shown === el.value ? fromUrl.raw : el.value;
    }
    return inputs;
  }

  /** The inputs that differ from the guide's defaults. */
  changedInputs(inputs) {
    const changed = {};
    for (const [name, value] of Object.entries(inputs)) {
      const base = this.defaults[name];
      const same =
        typeof base === "number"
          ? String(value).trim() !== "" && Number(value) === base
          : String(value) === String(base ?? this.fields.get(name).defaultValue);
      if (!same) changed[name] = value;
    }
    return changed;
  }

  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.writeUrl();
      this.compute();
    }, DEBOUNCE_MS);
  }

  reset() {
    clearTimeout(this.timer);
    for (const [name, el] of this.fields) {
      el.value = name in this.defaults ? String(this.defaults[name]) : el.defaultValue;
    }
    this.urlValues.clear();
    this.notice = "";
    this.clearErrors();
    this.writeUrl();
    this.compute();
  }

  // URL state: ?<key>.<field>=<value>&prices=<snapshot>

  applyUrl() {
    const params = new URLSearchParams(location.search);
    const prefix = `${this.key}.`;
    const unknown = [];
    let any = false;
    for (const [param, raw] of params) {
      if (!param.startsWith(prefix)) continue;
      const name = param.slice(prefix.length);
      const el = this.fields.get(name);
      if (!el) {
        unknown.push(name);
        continue;
      }
      any = true;
      el.value = raw; // a number field shows "" for text that is not a number; Python still sees `raw`
      this.urlValues.set(name, { raw, shown: el.value });
    }
    const notes = [];
    const linkSnapshot = params.get(SNAPSHOT_PARAM);
    if (any && linkSnapshot && linkSnapshot !== this.snapshot) {
      notes.push(`This link was made with prices as of ${linkSnapshot}; this page uses prices as of ${this.snapshot}.`);
    }
    if (unknown.length) {
      notes.push(`This link sets inputs this calculator does not have (${unknown.join(", ")}); they were ignored.`);
    }
    this.notice = notes.join(" ");
  }

  writeUrl() {
    const url = new URL(location.href);
    const params = url.searchParams;
    const prefix = `${this.key}.`;
    for (const param of [...params.keys()]) {
      if (param.startsWith(prefix)) params.delete(param);
    }
    for (const [name, value] of Object.entries(this.changedInputs(this.collect()))) {
      params.set(prefix + name, value);
    }
    const anyWidget = [...params.keys()].some((param) => pageKeys.some((key) => param.startsWith(`${key}.`)));
    if (anyWidget) params.set(SNAPSHOT_PARAM, this.snapshot);
    else params.delete(SNAPSHOT_PARAM);
    replaceUrl(url);
  }

  // Computing

  /** Send the form to Python; resolves once this request's reply has been handled (or ignored). */
  compute() {
    if (!this.live || this.stopped) return Promise.resolve();
    const inputs = this.collect();
    for (const [name, el] of this.fields) {
      // A number field the browser cannot read gives "" whatever was typed; say what the browser says.
      if (el.validity && el.validity.badInput && !this.urlValues.has(name)) {
        this.latestId = -1; // a reply still on its way must not clear this error
        this.setState("live");
        this.showError({ field: name, message: el.validationMessage || "Enter a number." });
        return Promise.resolve();
      }
    }
    const { id, reply } = this.bridge.request(this.name, inputs);
    this.latestId = id;
    this.setState("working");
    this.setStatus(STATUS.working);
    return reply.then(
      (data) => this.receive(id, data, inputs),
      (err) => {
        if (id === this.latestId) this.fail("The live calculator stopped", err);
      },
    );
  }

  receive(id, data, inputs) {
    if (id !== this.latestId || !this.root.isConnected) return; // a newer request is on its way
    this.setState("live");
    if (data.result) {
      this.render(data.result, inputs);
    } else {
      this.showError(data.error || { field: null, message: "The calculator returned nothing." });
    }
  }

  render(result, inputs) {
    this.clearErrors();
    const figures = Object.fromEntries((result.figures || []).map((figure) => [figure.name, figure.figure]));
    this.swapResults(typeof result.html === "string" ? result.html : "", figures);
    this.figures = figures;
    this.draw();
    this.lastGood = { inputs, result };
    this.setStatus(STATUS.live);
  }

  /**
   * Put the new results in, keeping open tables open and keeping each chart element that still
   * serves: one Plotly has drawn (it updates instead of flashing), or a static drawing from the
   * build whose figure has not changed (so a chart not yet drawn never turns blank).
   */
  swapResults(html, figures) {
    const template = document.createElement("template");
    template.innerHTML = html; // escaped by Python (calculators/_html.py)
    const fresh = template.content;
    const kept = new Set();
    for (const figure of fresh.querySelectorAll("figure[data-figure]")) {
      const old = this.results.querySelector(`figure[data-figure="${CSS.escape(figure.dataset.figure)}"] .calc__plot`);
      const placeholder = figure.querySelector(".calc__plot");
      const name = figure.dataset.figure;
      const stillTrue = old && JSON.stringify(this.figures[name]) === JSON.stringify(figures[name]);
      if (old && placeholder && (old.classList.contains("js-plotly-plot") || stillTrue)) {
        old.setAttribute("aria-label", placeholder.getAttribute("aria-label") || "");
        placeholder.replaceWith(old);
        kept.add(old);
      }
    }
    for (const table of fresh.querySelectorAll("details[data-table]")) {
      const old = this.results.querySelector(`details[data-table="${CSS.escape(table.dataset.table)}"]`);
      if (old && old.open) table.open = true;
    }
    this.purgePlots((plot) => !kept.has(plot));
    this.results.replaceChildren(fresh);
    this.results.classList.remove("calc__results--stale");
  }

  showError({ field, message }) {
    this.clearErrors();
    const el = field ? this.fields.get(field) : undefined;
    const box = el ? el.closest(".calc__field")?.querySelector(".calc__error") : null;
    if (el && box) {
      box.textContent = message;
      box.hidden = false;
      el.setAttribute("aria-invalid", "true");
      this.setStatus(STATUS.invalid);
    } else {
      this.setStatus(message);
    }
    this.root.classList.add("calc--invalid");
    this.results.classList.add("calc__results--stale");
  }

  clearErrors() {
    for (const el of this.fields.values()) el.removeAttribute("aria-invalid");
    for (const box of this.root.querySelectorAll(".calc__error")) {
      box.textContent = "";
      box.hidden = true;
    }
    this.root.classList.remove("calc--invalid");
  }

  fail(what, err) {
    this.live = false;
    this.stopped = true;
    this.setState("failed");
    const kept = this.lastGood ? "The results shown are the last it computed." : this.builtNote();
    this.setStatus(`${what} (${messageOf(err)}). ${kept}`);
  }

  builtNote() {
    return this.snapshot
      ? `The results shown were computed when this page was built, with prices as of ${this.snapshot}.`
      : "The results shown were computed when this page was built.";
  }

  // Charts

  /** Ask for each figure to be drawn (when it comes near the viewport; see `charts`). */
  draw() {
    for (const [name, figure] of Object.entries(this.figures)) {
      const plot = this.results.querySelector(`figure[data-figure="${CSS.escape(name)}"] .calc__plot`);
      if (plot && figure) charts.want(plot, figure);
    }
  }

  purgePlots(which = () => true) {
    for (const plot of this.results.querySelectorAll(".calc__plot")) {
      if (which(plot)) charts.forget(plot);
    }
  }

  // Export

  async export(kind) {
    if (!this.lastGood && !this.stopped) {
      this.setStatus(STATUS.loading);
      await this.firstResult;
    }
    if (!this.lastGood) {
      if (!this.stopped) this.setStatus(STATUS.noExport); // if stopped, the status already says why
      return;
    }
    const data = this.exportData();
    const base = `${this.name}-${this.snapshot || "prices"}`;
    if (kind === "json") {
      download(`${base}.json`, "application/json", `${JSON.stringify(data, null, 2)}\n`);
    } else {
      download(`${base}.csv`, "text/csv;charset=utf-8", this.exportCsv(data));
    }
  }

  exportData() {
    const { inputs, result } = this.lastGood;
    return {
      calculator: this.name,
      title: this.form.getAttribute("aria-label") || this.name,
      page: location.href,
      pricing_snapshot: result.pricing_snapshot || this.snapshot,
      inputs: Object.entries(inputs).map(([name, value]) => ({ name, ...this.describeField(name), value })),
      values: (result.values || []).map(({ name, label, value, unit, text }) => ({ name, label, value, unit, text })),
      tables: (result.tables || []).map(({ name, title, columns, rows, data }) => ({
        name,
        title,
        columns,
        rows: data && data.length ? data : rows,
      })),
      notes: result.notes || [],
    };
  }

  exportCsv(data) {
    const parts = [
      csvRows([
        ["calculator", data.calculator],
        ["title", data.title],
        ["pricing_snapshot", data.pricing_snapshot],
        ["page", data.page],
      ]),
      csvRows([["input", "label", "value", "unit"], ...data.inputs.map((i) => [i.name, i.label, i.value, i.unit])]),
      csvRows([["value", "label", "value", "unit"], ...data.values.map((v) => [v.name, v.label, v.value, v.unit])]),
      ...data.tables.map((table) => csvRows([[table.title], table.columns, ...table.rows])),
    ];
    return `${parts.join("\r\n\r\n")}\r\n`;
  }

  describeField(name) {
    const el = this.fields.get(name);
    const label = el && el.id ? this.form.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    if (!label) return { label: name, unit: "" };
    const copy = label.cloneNode(true);
    const unit = copy.querySelector(".calc__unit");
    if (unit) unit.remove();
    return { label: copy.textContent.trim(), unit: unit ? unit.textContent.trim() : "" };
  }

  // State shown to the reader

  setState(state) {
    this.root.classList.toggle("calc--loading", state === "loading");
    this.root.classList.toggle("calc--live", state === "live" || state === "working");
    this.root.classList.toggle("calc--working", state === "working");
    this.root.classList.toggle("calc--failed", state === "failed");
    this.root.setAttribute("aria-busy", state === "working" ? "true" : "false");
  }

  setStatus(text) {
    if (this.status) this.status.textContent = this.notice ? `${text} ${this.notice}` : text;
  }

  dispose() {
    clearTimeout(this.timer);
    this.stopped = true;
    this.purgePlots();
  }
}

function drawPlot(Plotly, plot, figure, theme) {
  // Plotly writes into what it is given (ranges, uids), so it gets a copy.
  const copy = structuredClone(figure);
  Promise.resolve()
    .then(() => Plotly.react(plot, copy.data || [], themedLayout(copy.layout || {}, theme), PLOT_CONFIG))
    .catch(() => {
      // A figure Plotly cannot draw leaves its text alternative as the only rendering.
    });
}

/**
 * Draws figures with Plotly on the reader's schedule, not the page's: a figure is drawn once it is
 * within half a screen of the viewport, one figure per animation frame, and again only when its
 * figure or the palette changed. A figure in a closed tab or a collapsed block waits until it is
 * shown (so it is never drawn at zero size), and a figure far down the page costs nothing during
 * Python's start.
 */
const charts = {
  wanted: new Map(), // plot element -> figure dict still to draw
  drawn: new WeakMap(), // plot element -> {figure, theme} it shows
  near: new Set(), // plot elements within reach of the viewport
  sizes: new WeakMap(),
  frame: 0,
  visibility:
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => charts.moved(entries), { rootMargin: "50% 0px" })
      : null,
  // Plotly's own `responsive` follows the window only; follow each chart's own box too.
  resizer: typeof ResizeObserver === "function" ? new ResizeObserver((entries) => charts.resized(entries)) : null,

  want(plot, figure) {
    const shown = this.drawn.get(plot);
    if (shown && shown.figure === figure && shown.theme === currentTheme()) return;
    this.wanted.set(plot, figure);
    if (this.visibility) this.visibility.observe(plot);
    else this.near.add(plot);
    this.schedule();
  },

  forget(plot) {
    this.wanted.delete(plot);
    this.near.delete(plot);
    this.drawn.delete(plot);
    if (this.visibility) this.visibility.unobserve(plot);
    if (this.resizer) this.resizer.unobserve(plot);
    if (window.Plotly && plot.classList.contains("js-plotly-plot")) window.Plotly.purge(plot);
  },

  /** After a palette change: every chart on the page is drawn again in the new colours. */
  redrawAll() {
    for (const plot of document.querySelectorAll(".calc__plot.js-plotly-plot")) {
      const shown = this.drawn.get(plot);
      if (shown) this.want(plot, shown.figure);
    }
  },

  moved(entries) {
    for (const { target, isIntersecting } of entries) {
      if (isIntersecting) this.near.add(target);
      else this.near.delete(target);
    }
    this.schedule();
  },

  next() {
    for (const plot of this.wanted.keys()) {
      if (!plot.isConnected) {
        this.forget(plot);
      } else if (this.near.has(plot)) {
        return plot;
      }
    }
    return null;
  },

  schedule() {
    if (this.frame !== 0 || this.next() === null) return;
    this.frame = -1; // Plotly is loading
    loadPlotly().then(
      () => {
        this.frame = requestAnimationFrame(() => this.step());
      },
      () => {
        // No Plotly: the figures keep their static drawing and their text alternatives.
        this.frame = 0;
      },
    );
  },

  step() {
    this.frame = 0;
    const plot = this.next();
    if (plot === null) return;
    const figure = this.wanted.get(plot);
    this.wanted.delete(plot);
    const theme = currentTheme();
    if (!plot.classList.contains("js-plotly-plot")) plot.replaceChildren(); // drop the static stand-in
    this.drawn.set(plot, { figure, theme });
    drawPlot(window.Plotly, plot, figure, theme);
    if (this.resizer) this.resizer.observe(plot);
    this.schedule();
  },

  resized(entries) {
    if (!window.Plotly) return;
    for (const { target, contentRect } of entries) {
      const size = `${Math.round(contentRect.width)}x${Math.round(contentRect.height)}`;
      const before = this.sizes.get(target);
      this.sizes.set(target, size);
      if (before === undefined || before === size || contentRect.width === 0) continue;
      if (!target.isConnected || !target.classList.contains("js-plotly-plot")) continue;
      Promise.resolve()
        .then(() => window.Plotly.Plots.resize(target))
        .catch(() => {});
    }
  },
};

function readEmbeddedFigures(root) {
  // Preferred: an attribute, which survives Material's instant navigation untouched.
  if (root.dataset.calcFigures) return parseJson(root.dataset.calcFigures) || {};
  const script = root.querySelector("script.calc__figures") || root.querySelector(":scope > script:not([src])");
  return (script && parseJson(script.textContent)) || {};
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

// ── Page lifecycle: Material's document$ fires on the first load and after each instant navigation ──

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
  if (roots.length === 0) return;
  pageKeys = assignKeys(roots);
  const bridge = getRuntime();
  // Once Python is up, fetch Plotly in idle time, so a chart scrolled to later draws at once.
  bridge.ready.then(() => whenIdle(() => loadPlotly().catch(() => {})), () => {});
  roots.forEach((root, index) => {
    if (started.has(root)) return;
    started.add(root);
    try {
      const widget = new Widget(root, pageKeys[index], bridge);
      widgets.add(widget);
      widget.draw(); // the figures computed at build time, once they are near the viewport
    } catch (err) {
      console.error(`calculators: widget #${root.id} could not start:`, err); // the others still do
    }
  });
}

function onPaletteChange() {
  cachedTheme = null;
  charts.redrawAll();
}

function whenIdle(fn) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: 2000 });
  else setTimeout(fn, 200);
}

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
// which fires only after Material's bundle and the DOMContentLoaded handlers.
if (document.querySelector(".calc[data-calc]")) getRuntime();

new MutationObserver(safely(onPaletteChange)).observe(document.body, {
  attributes: true,
  attributeFilter: ["data-md-color-scheme"],
});

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(safely(onDocument));
} else {
  safely(onDocument)(); // without Material's bundle: this page only
}
