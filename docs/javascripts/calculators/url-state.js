// URL state: ?<key>.<field>=<value>&prices=<snapshot>
//
// `key` is the calculator's name, then name-2, name-3… for repeats on one page, in page order. Only
// inputs that differ from the guide's defaults are written; `prices` is written while any widget
// parameter is present, so a link says which pricing snapshot it was made with.

import { parseNumber } from "./numbers.js";

const SNAPSHOT_PARAM = "prices";
const ECHO_MAX = 40; // characters of a link's own text quoted back to the reader
const WIDGET_PARAM = /^([a-z][a-z0-9_]*?)(?:-(\d+))?\.(.+)$/; // <name>[-<copy>].<field>

let pageKeys = [];

/** A link's text as quoted in a notice: at most ECHO_MAX characters, on one line. */
export function quoted(text) {
  const line = String(text).replace(/\s+/g, " ");
  return line.length > ECHO_MAX ? `${line.slice(0, ECHO_MAX - 1)}…` : line;
}

/** Every widget's URL key on this page (its calculator's name, with -2, -3… for repeats); remembered for writeLink. */
export function assignKeys(roots) {
  const seen = new Map();
  pageKeys = roots.map((root) => {
    const name = root.dataset.calc;
    const count = (seen.get(name) || 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}-${count}`;
  });
  return pageKeys;
}

/**
 * What the page's URL sets for the widget `key`: `values` (field -> the text as written) for the
 * fields in `fieldNames`, and `notes` for the reader: fields it does not have, and a link made with
 * other prices than `snapshot`.
 */
export function readLink(key, fieldNames, snapshot) {
  const params = new URLSearchParams(location.search);
  const prefix = `${key}.`;
  const values = new Map();
  const unknown = [];
  for (const [param, raw] of params) {
    if (!param.startsWith(prefix)) continue;
    const name = param.slice(prefix.length);
    if (fieldNames.has(name)) values.set(name, raw);
    else unknown.push(name);
  }
  const notes = [];
  const linkSnapshot = params.get(SNAPSHOT_PARAM);
  if (values.size && linkSnapshot && linkSnapshot !== snapshot) {
    notes.push(`This link was made with prices as of ${quoted(linkSnapshot)}; this page uses prices as of ${snapshot}.`);
  }
  if (unknown.length) {
    const named = unknown.slice(0, 5).map(quoted).join(", ") + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : "");
    notes.push(`This link sets inputs this calculator does not have (${named}); they were ignored.`);
  }
  notes.push(...strayCopies(key, params));
  return { values, notes };
}

/**
 * Notices for the link's widget parameters that no widget of this page reads: a copy the page does not have
 * (`cost_to_train-2.layers` where it has one), or a calculator it does not show. Each is told to the first widget
 * of that calculator, or, if the page has none, to the page's first widget.
 */
function strayCopies(key, params) {
  const stray = new Map(); // the link's key -> how many parameters it sets
  for (const param of params.keys()) {
    const match = WIDGET_PARAM.exec(param);
    if (!match) continue;
    const linkKey = match[2] ? `${match[1]}-${match[2]}` : match[1];
    if (!pageKeys.includes(linkKey)) stray.set(linkKey, (stray.get(linkKey) || 0) + 1);
  }
  const notes = [];
  for (const [linkKey, count] of stray) {
    const name = linkKey.replace(/-\d+$/, "");
    const copies = pageKeys.filter((other) => other === name || other.startsWith(`${name}-`)).length;
    const teller = copies ? name : pageKeys[0];
    if (key !== teller) continue;
    const what = `This link sets ${count === 1 ? "a value" : `${count} values`} for ${quoted(linkKey)}`;
    notes.push(
      copies
        ? `${what}, but this page has ${copies === 1 ? "one copy" : `${copies} copies`} of this calculator: ignored.`
        : `${what}, a calculator this page does not have: ignored.`,
    );
  }
  return notes;
}

/**
 * The inputs that differ from `defaults` (field -> default): numbers are compared as the numbers their
 * text stands for (numbers.js), so "1.5k" equals a default of 1500; anything else as text.
 */
export function changedInputs(inputs, defaults) {
  const changed = {};
  for (const [name, value] of Object.entries(inputs)) {
    const base = defaults[name];
    const same = typeof base === "number" ? parseNumber(value) === base : String(value) === String(base ?? "");
    if (!same) changed[name] = value;
  }
  return changed;
}

/** Put the widget `key`'s changed inputs in the URL, in place of what it had for that widget. */
export function writeLink(key, changed, snapshot) {
  const url = new URL(location.href);
  const params = url.searchParams;
  const prefix = `${key}.`;
  for (const param of [...params.keys()]) {
    if (param.startsWith(prefix)) params.delete(param);
  }
  for (const [name, value] of Object.entries(changed)) params.set(prefix + name, value);
  const anyWidget = [...params.keys()].some((param) => pageKeys.some((other) => param.startsWith(`${other}.`)));
  if (anyWidget) params.set(SNAPSHOT_PARAM, snapshot);
  else params.delete(SNAPSHOT_PARAM);
  replaceUrl(url);
}

function replaceUrl(url) {
  if (url.href === location.href) return;
  try {
    history.replaceState(history.state, "", url);
  } catch {
    // Some browsers limit how often the URL may change; the next change writes it again.
  }
}
