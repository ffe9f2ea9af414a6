// Module Web Worker that runs the Python `calculators` package in Pyodide.
//
//   const worker = new Worker(new URL("javascripts/calculator-worker.mjs", base), { type: "module" });
//
// Worker -> page:
//   {type: "ready", seconds}              once Pyodide and `calculators` are loaded
//   {type: "failed", message}             once, if loading failed (requests then get errors)
//   {id, result}                          calculators.run(...) returned {"result": {...}}
//   {id, error: {field, message}}         it returned {"error": {...}}, or something broke
// Page -> worker:
//   {id, calculator, inputs}              inputs: plain object, field name -> string | number
//
// Inputs are handed to Python as data (pyodide.toPy), never pasted into code.
// Nothing here knows about any particular calculator.

const PYODIDE_DIR = new URL("../assets/pyodide/", import.meta.url).href;

/** Load Pyodide and the calculators wheel once; resolves to {pyodide, calculators, run, seconds}. */
async function loadCalculators() {
  const started = performance.now();
  const { loadPyodide } = await import(`${PYODIDE_DIR}pyodide.mjs`);
  // Revalidate the lock file so a cached copy never names a wheel that is gone.
  const lockResponse = await fetch(`${PYODIDE_DIR}pyodide-lock.json`, { cache: "no-cache" });
  if (!lockResponse.ok) {
    throw new Error(`pyodide-lock.json: HTTP ${lockResponse.status}`);
  }
  const pyodide = await loadPyodide({
    indexURL: PYODIDE_DIR,
    lockFileContents: await lockResponse.text(),
    packageBaseUrl: PYODIDE_DIR,
    packages: ["calculators"],
  });
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

const ready = loadCalculators();

ready.then(
  ({ seconds }) => self.postMessage({ type: "ready", seconds }),
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
    return { id, error: { field, message: String(out.error.message ?? "") } };
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

/** Answer one request; never throws. */
async function handle(data) {
  const id = data ? data.id : undefined;
  try {
    const { pyodide, run } = await ready;
    const { calculator, inputs } = data;
    if (typeof calculator !== "string") {
      throw new Error("request has no calculator name");
    }
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
