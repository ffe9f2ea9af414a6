// The bridge to Python: one module worker per visit (Pyodide + our wheel, see ../calculator-worker.mjs),
// and one request function whose replies are matched by id.
//
// The worker may already be running: on a page with a calculator the page's head starts it while the
// HTML is parsed (overrides/main.html) and keeps its early events; the bridge adopts it and replays them.

const WORKER_URL = new URL("../calculator-worker.mjs", import.meta.url);

let runtime = null;

/**
 * The visit's runtime, `{ready, request}`: started on the first call; later calls (and later pages,
 * after instant navigation) get the same one.
 */
export function getRuntime() {
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

  /** Post a message with a new id; return a promise of the reply that carries the same id. */
  function send(message) {
    const id = ++nextId;
    if (failure !== null) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  /** Compute: {calculator, inputs} in (and `options`: {rows, data}); {id, result} or {id, error} back. */
  const request = (calculator, inputs, options = {}) => send({ calculator, inputs, ...options });
  /** Run the calculator once with `inputs` (its defaults without) and drop the answer: {id, warmed} back. */
  const warm = (calculator, inputs) => send({ calculator, inputs, warm: true });
  /** Read a text with one of the calculator's fillers: {id, values} (field -> text) or {id, error} back. */
  const fill = (calculator, filler, text) => send({ calculator, fill: { filler, text } });

  return { ready, request, fill, warm };
}
