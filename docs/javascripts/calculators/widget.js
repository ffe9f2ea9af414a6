// One calculator widget: its form, its status line, and the results Python sends back.
//
// The build (calculators/_form.py, through hooks/widgets.py) writes the widget as plain HTML: a form,
// the results computed in CPython and the figure dicts. Field names come from the form, defaults from
// data-calc-defaults, figures from data-calc-figures; everything shown is HTML that Python escaped, or
// text set with textContent. Nothing here knows about a particular calculator.
//
// Recomputing is latest-wins: a change is posted at once if no request of this widget is on its way;
// otherwise it waits for that reply, which is shown only if it answers the inputs the form has now
// (else the newest inputs are posted at once). A result for inputs the reader has since changed is
// never shown, and a burst of typing costs one request per reply, not one per keystroke.

import { drawWhenNear, forgetPlot } from "./charts.js";
import { downloadExport, exportData } from "./export.js";
import { changedInputs, readLink, writeLink } from "./url-state.js";

const PREVIEW_ROWS = 10; // of each table while the results' details are folded (the rest comes when opened)
const SLOW_START_MS = 20_000; // after this, say that loading is slow (a wasm fetch that fails can hang Pyodide)

const STATUS = {
  loading: "Loading the live calculator…",
  slow: "Still loading the live calculator: this is taking longer than usual.",
  live: "Live: results update as you type.",
  working: "Working…",
  invalid: "Showing the last valid results: correct the highlighted field to update them.",
  noExport: "Nothing to download yet: correct the highlighted field first.",
};

export class Widget {
  /** `root` is the widget's .calc element, `key` its URL key, `bridge` the runtime (bridge.js). */
  constructor(root, key, bridge) {
    this.root = root;
    this.key = key;
    this.bridge = bridge;
    this.name = root.dataset.calc;
    this.form = root.querySelector(".calc__form");
    this.lead = root.querySelector(".calc__lead"); // the answer and headline figures, above the form
    this.results = root.querySelector(".calc__results"); // the charts and the rest, under it
    this.status = root.querySelector(".calc__status");
    this.snapshot = root.dataset.pricingSnapshot || "";
    this.figures = parseJson(root.dataset.calcFigures) || {}; // an attribute: instant navigation keeps it whole
    this.fields = new Map(
      [...this.form.elements]
        .filter((el) => el.name && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))
        .map((el) => [el.name, el]),
    );
    const declared = parseJson(root.dataset.calcDefaults) || {};
    this.defaults = Object.fromEntries(
      [...this.fields].map(([name, el]) => [name, declared[name] ?? el.defaultValue]),
    );
    this.urlValues = new Map(); // field -> {raw, shown}: what a shared link said, sent to Python as given
    this.notice = "";
    this.live = false;
    this.stopped = false;
    this.inFlight = null; // the handling of this widget's request on its way to Python, if any
    this.shownFor = null; // the inputs whose result (or Python's error) the widget shows
    this.linkOutdated = false; // the form changed since the URL was last written
    this.lastGood = null;

    this.presetPicker = this.form.querySelector("select[data-calc-presets]");
    this.presets = (this.presetPicker && parseJson(this.presetPicker.dataset.calcPresets)) || {};
    this.fillers = [...this.form.querySelectorAll("[data-calc-filler]")];
    for (const filler of this.fillers) {
      filler.querySelector("[data-calc-fill-read]")?.addEventListener("click", () => this.readPasted(filler));
    }

    this.builtInputs = this.collect(); // what the build computed the results shown for
    this.applyLink();
    this.showFolded();
    this.form.addEventListener("input", (event) => this.changed(event));
    this.form.addEventListener("change", (event) => this.changed(event));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.compute();
    });
    this.form.addEventListener("reset", (event) => {
      event.preventDefault();
      this.reset();
    });
    // Opening the folded details shows every row: a reply made while they were folded holds each table's first rows.
    this.results.addEventListener(
      "toggle",
      (event) => {
        if (event.target.matches("details.calc__details") && event.target.open && this.results.querySelector(".calc__more")) {
          this.completeTables();
        }
      },
      true, // toggle does not bubble
    );
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
        if (!this.root.isConnected) return undefined;
        this.live = true;
        this.setState("live");
        this.setStatus(STATUS.live);
        // The build's results answer the form as built: Python runs at once only if a shared link or the reader
        // changed a field meanwhile. (A page of three widgets used to queue three runs before the reader's first
        // change; an export asks for its run when clicked.)
        if (this.urlValues.size === 0 && sameInputs(this.collect(), this.builtInputs)) {
          this.shownFor = this.builtInputs;
          return undefined;
        }
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

  changed(event) {
    if (event && event.target === this.presetPicker) {
      if (event.type === "change") this.applyPreset(this.presetPicker.value);
      return;
    }
    const filler = event && event.target.closest && event.target.closest("[data-calc-filler]");
    if (filler) {
      if (event.type === "change" && event.target.tagName === "SELECT") this.applyExample(filler, event.target.value);
      return; // the pasted text is read when the reader asks (readPasted), not as it is typed
    }
    // A field the reader edits no longer holds the link's text: what Python gets is what the field shows now (a
    // link's "1%0A2" shows as "12", and retyping 12 used to send "1\n2" again and be refused again).
    if (event && event.target && event.target.name) {
      this.urlValues.delete(event.target.name);
      this.lastEdited = event.target.name; // a check across fields is told by this field too (showError)
    }
    this.showFolded();
    this.linkOutdated = true;
    if (this.live) this.compute();
    else this.writeLinkIfOutdated(); // no request will write it
  }

  reset() {
    // An input's default text is the build's (large numbers grouped, as Python reads them); a select's, its value.
    for (const [name, el] of this.fields) el.value = el.tagName === "INPUT" ? el.defaultValue : String(this.defaults[name]);
    if (this.presetPicker) this.presetPicker.value = ""; // showFolded names the values put back
    for (const filler of this.fillers) {
      filler.querySelector("select").value = "";
      this.showFillerError(filler, "");
    }
    this.urlValues.clear();
    this.showFolded();
    this.notice = "";
    this.clearErrors();
    this.linkOutdated = true;
    this.writeLinkIfOutdated();
    this.compute();
  }

  /** Put a preset's values (as the build wrote them) in every field, then compute as for any change. */
  applyPreset(name) {
    const values = this.presets[name];
    if (!values) return;
    for (const [field, value] of Object.entries(values)) {
      const el = this.fields.get(field);
      if (el) el.value = value;
    }
    this.urlValues.clear();
    this.changed();
  }

  /** Put a filler's example (its field values, as the build wrote them) in the fields it names. */
  applyExample(filler, key) {
    const examples = parseJson(filler.dataset.calcFillExamples) || {};
    if (examples[key]) this.fillFields(filler, examples[key]);
  }

  /** Have Python read the pasted text with the filler; put the values in, or say what is wrong with the text. */
  async readPasted(filler) {
    const box = filler.querySelector("textarea");
    const text = box ? box.value : "";
    this.showFillerError(filler, "");
    if (!this.live) {
      this.setStatus(STATUS.loading);
      await this.firstResult;
      if (!this.live) return; // the status says why Python is not there
    }
    let reply;
    try {
      reply = await this.bridge.fill(this.name, filler.dataset.calcFiller, text);
    } catch (err) {
      this.showFillerError(filler, messageOf(err));
      return;
    }
    if (reply.values) this.fillFields(filler, reply.values);
    else this.showFillerError(filler, reply.error?.message || "This text could not be read.");
  }

  fillFields(filler, values) {
    for (const [field, value] of Object.entries(values)) {
      const el = this.fields.get(field);
      if (el) {
        el.value = value;
        this.urlValues.delete(field);
      }
    }
    this.showFillerError(filler, "");
    this.changed();
  }

  showFillerError(filler, message) {
    const box = filler.querySelector(".calc__error");
    const text = filler.querySelector("textarea");
    if (box) {
      box.textContent = message;
      box.hidden = !message;
    }
    if (text) text.toggleAttribute("aria-invalid", Boolean(message));
    if (message) for (let folded = text?.closest("details"); folded; folded = folded.parentElement?.closest("details")) folded.open = true;
  }

  /** Keep each folded group's summary showing its fields' values, and the preset list on "your own values" once they differ. */
  showFolded() {
    for (const item of this.form.querySelectorAll("[data-summary-for]")) {
      const el = this.fields.get(item.dataset.summaryFor);
      const shown = item.querySelector("b");
      if (!el || !shown) continue;
      shown.textContent = el.tagName === "SELECT" ? el.selectedOptions[0]?.text ?? el.value : el.value;
    }
    // The preset list names the case the fields hold: the entry whose values they are (the widget's own starting
    // values are one), else "Your own values".
    if (this.presetPicker) {
      const holds = (values) => Object.entries(values).every(([field, value]) => this.fields.get(field)?.value === value);
      const current = this.presets[this.presetPicker.value];
      if (!(current && holds(current))) {
        this.presetPicker.value = Object.keys(this.presets).find((name) => holds(this.presets[name])) || "";
      }
    }
    for (const filler of this.fillers) {
      const list = filler.querySelector("select");
      const example = (parseJson(filler.dataset.calcFillExamples) || {})[list.value];
      if (example && Object.entries(example).some(([field, value]) => this.fields.get(field)?.value !== value)) list.value = "";
    }
    // A field's "Source:" names where its default comes from; holding another value, the field hides it (CSS).
    const changed = changedInputs(this.collect(), this.defaults);
    for (const [name, el] of this.fields) {
      const field = el.closest(".calc__field");
      if (field && field.hasAttribute("data-changed") !== (name in changed)) field.toggleAttribute("data-changed", name in changed);
    }
  }

  // URL state (url-state.js)

  applyLink() {
    const { values, notes } = readLink(this.key, new Set(this.fields.keys()), this.snapshot);
    for (const [name, raw] of values) {
      const el = this.fields.get(name);
      el.value = raw; // a text field drops line breaks from what it shows; Python still sees `raw`
      this.urlValues.set(name, { raw, shown: el.value });
    }
    this.notice = notes.join(" ");
  }

  writeLinkIfOutdated() {
    if (!this.linkOutdated) return;
    this.linkOutdated = false;
    writeLink(this.key, changedInputs(this.collect(), this.defaults), this.snapshot);
  }

  // Computing: latest wins

  /**
   * Have Python compute the form as it is now: at once if no request of this widget is on its way,
   * else as soon as that reply is in. Resolves once the form's newest inputs have been handled.
   */
  compute() {
    if (!this.live || this.stopped) return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    if (this.shownFor && sameInputs(this.shownFor, this.collect())) {
      this.writeLinkIfOutdated(); // e.g. a `change` event after the `input` events already computed
      return Promise.resolve();
    }
    return this.post();
  }

  /** Python's whole tables for the inputs shown, now that the reader opened the details (no-op while computing). */
  completeTables() {
    if (!this.live || this.stopped) return;
    if (this.inFlight) this.inFlight.then(() => this.results.querySelector(".calc__more") && this.completeTables());
    else this.post();
  }

  /** Whether the results' details are folded: then each table comes with its first rows only. */
  tablesFolded() {
    const details = this.results.querySelector("details.calc__details");
    return Boolean(details && !details.open);
  }

  post() {
    this.writeLinkIfOutdated();
    const inputs = this.collect();
    this.setState("working");
    this.setStatus(STATUS.working);
    // What the page shows, not what only a download reads (export asks for that when clicked).
    const options = { data: false, ...(this.tablesFolded() && { rows: PREVIEW_ROWS }) };
    const handled = this.bridge.request(this.name, inputs, options).then(
      (data) => {
        this.inFlight = null;
        return this.receive(data, inputs);
      },
      (err) => {
        this.inFlight = null;
        if (!this.stopped) this.fail("The live calculator stopped", err);
      },
    );
    this.inFlight = handled;
    return handled;
  }

  receive(data, inputs) {
    if (this.stopped || !this.root.isConnected) return undefined;
    if (!sameInputs(inputs, this.collect())) {
      return this.post(); // the form changed while Python worked: this reply is stale and is not shown
    }
    this.writeLinkIfOutdated();
    this.shownFor = inputs;
    this.setState("live");
    if (data.result) {
      this.render(data.result, inputs);
    } else {
      this.showError(data.error || { field: null, message: "The calculator returned nothing." });
    }
    return undefined;
  }

  /** The numbers first (the results HTML), then each chart, updated in place in a later frame. */
  render(result, inputs) {
    this.clearErrors();
    const figures = Object.fromEntries((result.figures || []).map((figure) => [figure.name, figure.figure]));
    // A figure Python sent again as it was keeps the object charts.js already has, so it is not redrawn: many fields
    // move the numbers and not a chart, and a redraw costs a keystroke 10-30 ms.
    for (const [name, figure] of Object.entries(figures)) {
      const before = this.figures[name];
      if (before && JSON.stringify(before) === JSON.stringify(figure)) figures[name] = before;
    }
    this.swapResults(typeof result.html === "string" ? result.html : "", figures);
    this.figures = figures;
    this.draw();
    this.lastGood = { inputs }; // what a download asks Python for (export)
    this.setStatus(STATUS.live);
  }

  /**
   * Put the new results in, keeping open tables open and keeping each chart element that still
   * serves: one Plotly has drawn (Plotly.react then updates it instead of drawing anew), or a static
   * drawing from the build whose figure has not changed (so a chart not yet drawn never turns blank).
   */
  swapResults(html, figures) {
    const template = document.createElement("template");
    template.innerHTML = html; // escaped by Python (calculators/_html.py)
    const fresh = template.content;
    // The answer and the headline figures go above the form (render_lead), the rest under it (render_rest).
    const lead = document.createDocumentFragment();
    lead.append(...[...fresh.children].filter((el) => el.matches(".calc__answer, .calc__values--headline")));
    const kept = new Set();
    for (const figure of fresh.querySelectorAll("figure[data-figure]")) {
      const name = figure.dataset.figure;
      const old = this.plotOf(name);
      const placeholder = figure.querySelector(".calc__plot");
      const stillTrue = old && this.figures[name] === figures[name]; // render kept an unchanged figure's object
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
    this.forgetPlots((plot) => !kept.has(plot));
    if (this.lead) this.lead.replaceChildren(lead);
    else fresh.prepend(lead); // a page built before the lead had its own place
    this.results.replaceChildren(fresh);
    this.markStale(false);
  }

  /**
   * Flag each field an error names (Python reports every bad field at once); a message with no field goes to the
   * status. A check across fields (heads must divide the width) is about one field but also shown by the field the
   * reader has just changed, if it is one of those involved: the reader sees it where they typed.
   */
  showError({ field, message, errors }) {
    this.clearErrors();
    let flagged = 0;
    for (const error of errors && errors.length ? errors : [{ field, message }]) {
      const where = [error.field];
      if (this.lastEdited && this.lastEdited !== error.field && (error.related || []).includes(this.lastEdited)) {
        where.push(this.lastEdited);
      }
      for (const name of where) {
        const el = name ? this.fields.get(name) : undefined;
        const box = el ? el.closest(".calc__field")?.querySelector(".calc__error") : null;
        if (!el || !box) continue;
        box.textContent = box.textContent ? `${box.textContent} ${error.message}` : error.message;
        box.hidden = false;
        el.setAttribute("aria-invalid", "true");
        // A flagged field is never hidden: open its folded group, and the fold around the form if any.
        for (let folded = el.closest("details"); folded; folded = folded.parentElement?.closest("details")) folded.open = true;
        flagged += 1;
      }
    }
    this.setStatus(flagged ? STATUS.invalid : message);
    this.root.classList.add("calc--invalid");
    this.markStale(true);
  }

  /** Fade the results shown (the last valid ones) while an input is wrong; both the answer and the rest. */
  markStale(stale) {
    for (const part of [this.lead, this.results]) part?.classList.toggle("calc__results--stale", stale);
  }

  clearErrors() {
    for (const el of this.fields.values()) el.removeAttribute("aria-invalid");
    for (const box of this.root.querySelectorAll(".calc__error")) {
      box.textContent = "";
      box.hidden = true;
    }
    this.root.classList.toggle("calc--invalid", false); // unlike remove(), leaves the attribute untouched if absent
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

  // Charts (charts.js)

  plotOf(name) {
    return this.results.querySelector(`figure[data-figure="${CSS.escape(name)}"] .calc__plot`);
  }

  /** Hand each figure to charts.js, which draws it when it comes near the viewport. */
  draw() {
    for (const [name, figure] of Object.entries(this.figures)) {
      const plot = this.plotOf(name);
      if (plot && figure) drawWhenNear(plot, figure);
    }
  }

  forgetPlots(which = () => true) {
    for (const plot of this.results.querySelectorAll(".calc__plot")) {
      if (which(plot)) forgetPlot(plot);
    }
  }

  // Export (export.js): Python's data for the inputs of the last good result, labelled as Python labelled it

  async export(kind) {
    if (!this.lastGood && !this.stopped) {
      if (!this.live) this.setStatus(STATUS.loading);
      await this.firstResult;
      if (!this.lastGood && this.live) await this.post(); // the built results, computed again for their data
    }
    if (!this.lastGood) {
      if (!this.stopped) this.setStatus(STATUS.noExport); // if stopped, the status already says why
      return;
    }
    const { inputs } = this.lastGood;
    // A keystroke's reply holds what the page shows; the values, tables and labels of the download come now, for the
    // inputs whose results are shown.
    const reply = await this.bridge.request(this.name, inputs);
    if (!reply.result) {
      this.setStatus(`Download failed: ${reply.error?.message || "the calculator returned nothing."}`);
      return;
    }
    const result = reply.result;
    const declared = new Map((result.inputs || []).map((item) => [item.name, item]));
    const meta = {
      calculator: this.name,
      title: this.form.getAttribute("aria-label") || this.name,
      snapshot: this.snapshot,
      // Labels and units as Python declares them; each value as the reader typed it.
      // In the declaration's order, not the form's (whose groups put the advanced inputs last).
      inputs: [...declared.keys(), ...Object.keys(inputs)]
        .filter((name, index, names) => name in inputs && names.indexOf(name) === index)
        .map((name) => {
          const { label = name, unit = "" } = declared.get(name) || {};
          return { name, label, unit, value: inputs[name] };
        }),
    };
    // Named by the widget's URL key, so two copies of a calculator on one page download distinct files.
    downloadExport(kind, `${this.key}-${this.snapshot || "prices"}`, exportData(meta, result));
  }

  // State shown to the reader

  /**
   * The widget's state for CSS and for whoever waits on it: classes for the states it enters once (loading, live,
   * failed), and `aria-busy` alone for the one it enters on every keystroke (working). Any change to an element's
   * class restyles its whole subtree in Chrome (Material's `table:not([class])` rules make the class attribute a
   * dependency of every descendant): about 7 ms for a cost-to-train widget, twice a keystroke when it was a class.
   */
  setState(state) {
    this.root.classList.toggle("calc--loading", state === "loading");
    this.root.classList.toggle("calc--live", state === "live" || state === "working");
    this.root.classList.toggle("calc--failed", state === "failed");
    this.root.setAttribute("aria-busy", state === "working" ? "true" : "false");
  }

  setStatus(text) {
    if (this.status) this.status.textContent = this.notice ? `${text} ${this.notice}` : text;
  }

  /** The widget left the page (instant navigation): its late replies are ignored and its charts released. */
  dispose() {
    this.stopped = true;
    this.forgetPlots();
  }
}

function sameInputs(a, b) {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
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
