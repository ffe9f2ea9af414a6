// Module Web Worker that runs the Python `calculators` package in Pyodide.
//
//   const worker = new Worker(new URL("javascripts/calculator-worker.mjs", base), { type: "module" });
//
// Worker -> page:
//   {type: "ready", seconds, restored}    once Pyodide and `calculators` are loaded (restored: from the snapshot)
//   {type: "failed", message}             once, if loading failed (requests then get errors)
//   {id, result}                          calculators.run(...) returned {"result": {...}}
//   {id, error: {field, message, errors}}  it returned {"error": {...}} (errors: every bad field, each with the
//                                         other fields a check across fields involves, `related`), or something broke
// Page -> worker:
//   {id, calculator, inputs[, rows][, data]} inputs: plain object, field name -> string | number; rows: each
//                                         table's first rows only in the results HTML (the page's details are
//                                         folded); data: false leaves out what only a download reads (values,
//                                         tables, notes, inputs: calculators.run(..., data=False))
//   {id, calculator, warm: true[, inputs]} run it once with these inputs (else its defaults), drop the answer,
//                                         answer {id, warmed: true} (idle time)
//
// Inputs are handed to Python as data (pyodide.toPy), never pasted into code.
// Nothing here knows about any particular calculator.

const PYODIDE_DIR = new URL("../assets/pyodide/", import.meta.url).href;
const MANIFEST_URL = `${PYODIDE_DIR}runtime.json`; // names the content-hashed runtime files (tools/build_runtime.py)
const RUNTIME_CACHE = "calc-runtime"; // the service worker answers from it too (tools/build_sw.mjs)

const BOOT_TIMEOUT_MS = 120_000; // far beyond a slow phone's start; only a stuck load gets here

// loadPyodide waits forever when one of its files cannot be fetched (it does not reject), so the
// worker watches its own fetches and fails the start as soon as a runtime file is missing. A runtime file
// that arrives is kept in Cache Storage as it is read (its URL names its content, so it never goes stale):
// the service worker, registered once Python is live, answers the next visit from there, and nothing is
// downloaded twice.
let bootFailed = () => {};
const bootFailure = new Promise((_, reject) => {
  bootFailed = reject;
});
const nativeFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  const runtimeFile = url.startsWith(PYODIDE_DIR) ? url.split("?")[0].split("/").pop() : null;
  let response;
  try {
    response = await nativeFetch(input, init);
  } catch (err) {
    if (runtimeFile) bootFailed(new Error(`could not fetch ${runtimeFile}: ${errorMessage(err)}`));
    throw err;
  }
  if (runtimeFile && !response.ok) bootFailed(new Error(`could not fetch ${runtimeFile}: HTTP ${response.status}`));
  if (runtimeFile && url !== MANIFEST_URL) keep(url, response);
  return response;
};
let running = false; // set once Python is up
let dumps = null; // Python's json.dumps, once Python is up
self.addEventListener("unhandledrejection", (event) => {
  if (running) return;
  // Pyodide leaves a failed download's rejection unhandled (sometimes more than once): it is this
  // start's failure, which the page's status line reports, so it is not also an uncaught error.
  event.preventDefault();
  bootFailed(event.reason);
});

/** Put a copy of a runtime file's response in the runtime cache, unless it came from there (or cannot be kept). */
function keep(url, response) {
  if (!response.ok || response.status !== 200 || typeof caches === "undefined") return;
  const copy = response.clone();
  caches
    .open(RUNTIME_CACHE)
    .then(async (cache) => {
      if (!(await cache.match(url))) await cache.put(url, copy);
    })
    .catch(() => {}); // a full or refused cache only means the next visit downloads it again
}

/**
 * Whether to restore Python from the memory snapshot made at build time (about a second) instead of booting it
 * (several seconds of a phone's CPU). The snapshot is about 5 MB compressed, the boot's own files (the standard
 * library and the wheel) about 1.2 MB: a reader who asked the browser to save data, or on a connection the
 * browser rates slow (2g, 3g), boots instead, and gets the snapshot later, for the next visit.
 */
function restoreFirst() {
  const connection = self.navigator && self.navigator.connection;
  if (!connection) return true;
  return !connection.saveData && !/^(slow-2g|2g|3g)$/.test(connection.effectiveType || "");
}

/** The runtime's manifest: revalidated on every visit, so a new build's files are found by their new names. */
async function runtimeManifest() {
  const response = await fetch(MANIFEST_URL, { cache: "no-cache" });
  return response.json();
}

/** Load Pyodide and the calculators package once; resolves to {pyodide, calculators, run, seconds, restored}. */
async function loadCalculators() {
  const started = performance.now();
  const manifest = await runtimeManifest();
  const core = `${PYODIDE_DIR}${manifest.core}`;
  const snapshotURL = `${PYODIDE_DIR}${manifest.snapshot}`;
  // Asked for at once, so it downloads while Pyodide's script is imported and its wasm is fetched.
  const snapshot = restoreFirst() ? fetchSnapshot(snapshotURL, { cache: "default" }) : Promise.resolve(null);
  const [{ loadPyodide }, { default: createPyodideModule }] = await Promise.all([
    importKept(`${core}pyodide.mjs`),
    importKept(`${core}pyodide.asm.mjs`),
  ]);
  const options = {
    createPyodideModule, // Pyodide would import it again by URL
    indexURL: core,
    stdLibURL: `${PYODIDE_DIR}${manifest.stdlib}`,
    lockFileContents: JSON.stringify(manifest.lock),
    packageBaseUrl: PYODIDE_DIR,
  };
  let pyodide = null;
  const memory = (await snapshot) || (await fetchSnapshot(snapshotURL, { cache: "only-if-cached", mode: "same-origin" }));
  if (memory !== null) {
    try {
      pyodide = await loadPyodide({ ...options, _loadSnapshot: memory });
    } catch (err) {
      pyodide = null; // a boot from scratch below
    }
  }
  const restored = pyodide !== null;
  if (pyodide === null) pyodide = await loadPyodide({ ...options, packages: ["calculators"] });
  // loadPyodide only logs a failed package load, so importing is the real check.
  // Keep the module proxy alive: `run` is borrowed from it.
  const calculators = pyodide.pyimport("calculators");
  const run = calculators.run;
  if (typeof run !== "function") {
    throw new Error("calculators.run is missing or not callable");
  }
  const json = pyodide.pyimport("json"); // kept alive: `dumps` is borrowed from it, as `run` from calculators
  dumps = json.dumps;
  const seconds = (performance.now() - started) / 1000;
  return { pyodide, calculators, json, run, seconds, restored, manifest };
}

/**
 * A runtime script, imported from the bytes the worker fetched (and so kept in the runtime cache) rather than by its
 * URL: an import is not a fetch the worker can keep, and the service worker's precache would download it again.
 */
async function importKept(url) {
  const response = await fetch(url);
  const objectURL = URL.createObjectURL(new Blob([await response.arrayBuffer()], { type: "text/javascript" }));
  try {
    return await import(objectURL);
  } finally {
    URL.revokeObjectURL(objectURL);
  }
}

/**
 * The memory snapshot of Python with `calculators` imported and every calculator run once
 * (tools/make_snapshot.mjs), or null. Fetched past the wrapper above, whose failed-download check it must not
 * trip: a missing or broken snapshot only means Python boots from scratch. Kept in the runtime cache.
 */
async function fetchSnapshot(url, init) {
  try {
    const response = await nativeFetch(url, init);
    if (!response.ok) return null;
    keep(url, response);
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    return null;
  }
}

/**
 * Once Python answers, in the background: fetch the snapshot for the next visit if this one booted without it
 * (never when the reader saves data), and drop the cached files of older builds.
 */
async function tidyRuntimeCache({ manifest, restored }) {
  if (typeof caches === "undefined") return;
  const snapshotURL = `${PYODIDE_DIR}${manifest.snapshot}`;
  const urls = [
    ...["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"].map((name) => `${PYODIDE_DIR}${manifest.core}${name}`),
    `${PYODIDE_DIR}${manifest.stdlib}`,
    snapshotURL,
    ...Object.values(manifest.lock.packages || {}).map((entry) => `${PYODIDE_DIR}${entry.file_name}`),
  ];
  const connection = self.navigator && self.navigator.connection;
  const saveData = Boolean(connection && connection.saveData);
  try {
    const cache = await caches.open(RUNTIME_CACHE);
    for (const old of await cache.keys()) if (!urls.includes(old.url)) await cache.delete(old);
    if (!restored && !saveData && !(await cache.match(snapshotURL))) await fetchSnapshot(snapshotURL, { cache: "default" });
  } catch (err) {
    // the next visit downloads what is missing
  }
}

const ready = Promise.race([
  loadCalculators(),
  bootFailure,
  new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`Python did not finish loading within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
  }),
]);
ready.then(
  (loaded) => {
    running = true; // from now on a rejection belongs to a single request, which answers for itself
    self.postMessage({ type: "ready", seconds: loaded.seconds, restored: loaded.restored });
    setTimeout(() => tidyRuntimeCache(loaded), 2000); // after the page's first replies
  },
  (err) => {
    console.error("calculator worker: loading Python failed", err);
    self.postMessage({ type: "failed", message: errorMessage(err) });
  },
);

/** A one-line message for an error; a Python traceback is reduced to its exception line
 * (Pyodide may append hint lines after it, such as a link to its FAQ). */
function errorMessage(err) {
  if (err && err.constructor && err.constructor.name === "PythonError") {
    const lines = String(err.message).trim().split("\n");
    const exception = lines.filter((line) => /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b/.test(line)).pop();
    return exception || lines[lines.length - 1];
  }
  return err instanceof Error ? err.message : String(err);
}

/** Turn what calculators.run returned (already converted to JS) into a reply. */
function toReply(id, out) {
  if (out && typeof out === "object" && "result" in out) {
    return { id, result: out.result };
  }
  if (out && typeof out === "object" && out.error && typeof out.error === "object") {
    const field = typeof out.error.field === "string" ? out.error.field : null;
    const errors = Array.isArray(out.error.errors)
      ? out.error.errors.map((e) => ({
          field: typeof e.field === "string" ? e.field : null,
          message: String(e.message ?? ""),
          related: Array.isArray(e.related) ? e.related.filter((name) => typeof name === "string") : [],
        }))
      : [];
    return { id, error: { field, message: String(out.error.message ?? ""), errors } };
  }
  return { id, error: { field: null, message: "calculators.run returned neither 'result' nor 'error'" } };
}

/** Call calculators.run(name, inputs) with inputs passed as a Python dict (and rows, and data: false, if given). */
function callPython(pyodide, run, calculator, inputs, rows, data) {
  const pyInputs = pyodide.toPy(inputs);
  const options = {};
  if (Number.isInteger(rows) && rows >= 0) options.rows = rows;
  if (data === false) options.data = false;
  let out;
  try {
    out = run.callKwargs(calculator, pyInputs, options);
    if (out === null || out === undefined || typeof out.toJs !== "function") {
      return out;
    }
    // As JSON text, read back here: converting the reply object by object (toJs) took longer than the calculation
    // for a ranked table of every machine (2,000 cells) and a chart of 120 points. A reply JSON cannot hold (an
    // infinity: a calculator's bug) falls back to toJs.
    try {
      return JSON.parse(dumps.callKwargs(out, { allow_nan: false }));
    } catch (err) {
      return out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    }
  } finally {
    if (out && typeof out.destroy === "function") out.destroy();
    if (pyInputs && typeof pyInputs.destroy === "function") pyInputs.destroy();
  }
}

/** Call calculators.fill(name, filler, text): the fields a pasted text fills, or the error that names what is wrong. */
function callFill(pyodide, calculators, calculator, { filler, text }) {
  if (typeof filler !== "string" || typeof text !== "string") throw new Error("a fill request needs a filler and a text");
  const out = calculators.fill(calculator, filler, text);
  try {
    const reply = out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    return reply.values ? { values: reply.values } : { error: toReply(null, reply).error };
  } finally {
    out.destroy();
  }
}

/** Answer one request (compute, or read a text with a filler); never throws. */
async function handle(data) {
  const id = data ? data.id : undefined;
  try {
    const { pyodide, calculators, run } = await ready;
    const { calculator, inputs } = data;
    if (typeof calculator !== "string") {
      throw new Error("request has no calculator name");
    }
    if (data.fill) return { id, ...callFill(pyodide, calculators, calculator, data.fill) };
    if (data.warm) {
      // The form's inputs, as a change sends them: the reader's first change then runs code Python has run before.
      const given = inputs !== null && typeof inputs === "object" && !Array.isArray(inputs) ? inputs : {};
      callPython(pyodide, run, calculator, given, 10, false);
      return { id, warmed: true };
    }
    if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) {
      throw new Error("request inputs must be an object");
    }
    return toReply(id, callPython(pyodide, run, calculator, inputs, data.rows, data.data));
  } catch (err) {
    console.error("calculator worker:", err);
    return { id, error: { field: null, message: errorMessage(err) } };
  }
}

self.addEventListener("message", async (event) => {
  self.postMessage(await handle(event.data));
});
