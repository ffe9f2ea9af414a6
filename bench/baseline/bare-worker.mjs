// Bare Pyodide boot in a module worker (bench/run.py): the site's Pyodide files and wheel, but Pyodide's
// own standard library, as the npm package ships it, not the site's trimmed copy.
// After "booted", a message {n} times n calls of calculators.run("pipeline", ...) with the conversions
// the site's worker does (toPy in, toJs out), with no page glue and no messaging in the timing.
const base = new URL("/assets/pyodide/", self.location.href).href;
const runtime = await (await fetch(base + "runtime.json")).json(); // names the site's content-hashed files
const { loadPyodide } = await import(base + runtime.core + "pyodide.mjs");
const pyodide = await loadPyodide({
  indexURL: base + runtime.core,
  lockFileContents: JSON.stringify(runtime.lock),
  packageBaseUrl: base,
  packages: ["calculators"],
  stdLibURL: new URL("python_stdlib.zip", self.location.href).href,
});
const calculators = pyodide.pyimport("calculators");
self.postMessage("booted");
self.onmessage = (event) => {
  const times = [];
  for (let i = 0; i < event.data.n; i++) {
    const t = performance.now();
    const inputs = pyodide.toPy({ train_hours: String(97 + i) });
    const out = calculators.run("pipeline", inputs);
    out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    out.destroy();
    inputs.destroy();
    times.push(performance.now() - t);
  }
  self.postMessage({ times });
};
