// Module Web Worker that runs the Python `calculators` package in Pyodide.
//
//   const worker = new Worker(new URL("javascripts/calculator-worker.mjs", base), { type: "module" });
//
// Worker -> page:
//   {type: "ready", seconds}              once Pyodide and `calculators` are loaded
//   {type: "failed", message}             once, if loading failed (requests then get errors)
//   {id, result}                          calculators.run(...) returned {"result": {...}}
//   {id, error: {field, message, errors}}  it returned {"error": {...}} (errors: every bad field), or something broke
// Page -> worker:
//   {id, calculator, inputs}              inputs: plain object, field name -> string | number
//
// Inputs are handed to Python as data (pyodide.toPy), never pasted into code.
// Nothing here knows about any particular calculator.

const PYODIDE_DIR = new URL("../assets/pyodide/", import.meta.url).href;

const BOOT_TIMEOUT_MS = 120_000; // far beyond a slow phone's start; only a stuck load gets here

// loadPyodide waits forever when one of its files cannot be fetched (it does not reject), so the
// worker watches its own fetches and fails the start as soon as a runtime file is missing.
let bootFailed = () => {};
const bootFailure = new Promise((_, reject) => {
  bootFailed = reject;
});
const nativeFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  const runtimeFile = url.startsWith(PYODIDE_DIR) ? url.slice(PYODIDE_DIR.length).split("?")[0] : null;
  let response;
  try {
    response = await nativeFetch(input, init);
  } catch (err) {
    if (runtimeFile) bootFailed(new Error(`could not fetch ${runtimeFile}: ${errorMessage(err)}`));
    throw err;
  }
  if (runtimeFile && !response.ok) bootFailed(new Error(`could not fetch ${runtimeFile}: HTTP ${response.status}`));
  return response;
};
let running = false; // set once Python is up
self.addEventListener("unhandledrejection", (event) => {
  if (running) return;
  // Pyodide leaves a failed download's rejection unhandled (sometimes more than once): it is this
  // start's failure, which the page's status line reports, so it is not also an uncaught error.
  event.preventDefault();
  bootFailed(event.reason);
});

/** Load Pyodide and the calculators wheel once; resolves to {pyodide, calculators, run, seconds}. */
async function loadCalculators() {
  const started = performance.now();
  // The lock file is revalidated, so a cached copy never names a wheel that is gone; it is
  // fetched while pyodide.mjs is imported.
  const [{ loadPyodide }, lockFileContents] = await Promise.all([
    import(`${PYODIDE_DIR}pyodide.mjs`),
    fetch(`${PYODIDE_DIR}pyodide-lock.json`, { cache: "no-cache" }).then((response) => response.text()),
  ]);
  const options = { indexURL: PYODIDE_DIR, lockFileContents, packageBaseUrl: PYODIDE_DIR };
  const snapshot = await cachedSnapshot();
  let pyodide = null;
  if (snapshot !== null) {
    try {
      pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });
    } catch (err) {
      pyodide = null; // a boot from scratch below
    }
  }
  if (pyodide === null) pyodide = await loadPyodide({ ...options, packages: ["calculators"] });
  // loadPyodide only logs a failed package load, so importing is the real check.
  // Keep the module proxy alive: `run` is borrowed from it.
  const calculators = pyodide.pyimport("calculators");
  const run = calculators.run;
  if (typeof run !== "function") {
    throw new Error("calculators.run is missing or not callable");
  }
  const seconds = (performance.now() - started) / 1000;
  return { pyodide, calculators, run, seconds };
}

/**
 * The memory snapshot of Python with `calculators` imported (tools/make_snapshot.mjs), if it is cached:
 * the site's service worker precaches it with the rest of the same build, so a repeat visit restores
 * Python in about a second. Never fetched from the network (31 MB; a first visit boots from scratch), and
 * fetched past the wrapper above, whose failed-download check it must not trip.
 */
async function cachedSnapshot() {
  try {
    const response = await nativeFetch(`${PYODIDE_DIR}calculators.snapshot`, { cache: "only-if-cached", mode: "same-origin" });
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch (err) {
    return null;
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
  ({ seconds }) => {
    running = true; // from now on a rejection belongs to a single request, which answers for itself
    self.postMessage({ type: "ready", seconds });
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
      ? out.error.errors.map((e) => ({ field: typeof e.field === "string" ? e.field : null, message: String(e.message ?? "") }))
      : [];
    return { id, error: { field, message: String(out.error.message ?? ""), errors } };
  }
  return { id, error: { field: null, message: "calculators.run returned neither 'result' nor 'error'" } };
}

/** Call calculators.run(name, inputs) with inputs passed as a Python dict. */
function callPython(pyodide, run, calculator, inputs) {
  const pyInputs = pyodide.toPy(inputs);
  let out;
  try {
    out = run(calculator, pyInputs);
    if (out === null || out === undefined || typeof out.toJs !== "function") {
      return out;
    }
    return out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
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
    if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) {
      throw new Error("request inputs must be an object");
    }
    return toReply(id, callPython(pyodide, run, calculator, inputs));
  } catch (err) {
    console.error("calculator worker:", err);
    return { id, error: { field: null, message: errorMessage(err) } };
  }
}

self.addEventListener("message", async (event) => {
  self.postMessage(await handle(event.data));
});
