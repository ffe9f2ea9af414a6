// Writes DIR/calculators.snapshot: a Pyodide memory snapshot taken right after `calculators` is imported
// and every calculator has run once, so a worker that restores it is ready in about a second instead of
// booting Python, unpacking the wheel and importing (notes/bench.md, "Memory snapshot"). The worker restores
// it on a first visit too, unless the reader saves data or the connection is slow.
//
//   node tools/make_snapshot.mjs DIR        (tools/build_runtime.py runs it; DIR = the served assets/pyodide)
//
// Pyodide's snapshot API is private (loadPyodide's _makeSnapshot/_loadSnapshot, makeMemorySnapshot), so
// this checks its own output: the snapshot is restored here and every calculator is run from it. Two
// limits shape it. A snapshot holds Python's memory but not its file system, so the wheel is unpacked
// with zipfile (not loadPackage, whose JavaScript objects the snapshot refuses: "Unexpected hiwire
// entry") and everything calculators reads from files (pricing.json) is read and cached before it is
// taken. And it is made under Node for a browser: it works with the pinned Pyodide (314.0.7), and the
// worker falls back to a normal boot if restoring fails.

import fs from "node:fs";

import { scriptArguments, servedPyodide } from "./served_pyodide.mjs";

const [dir] = scriptArguments("make_snapshot.mjs", "PYODIDE_DIR");
const { loadPyodide, indexURL, lockFileContents, options } = await servedPyodide(dir);
const wheel = JSON.parse(lockFileContents).packages.calculators.file_name;

const WARM = `
import importlib, pkgutil, site, zipfile
zipfile.ZipFile("/tmp/calculators.whl").extractall(site.getsitepackages()[0])
import calculators
for module in pkgutil.walk_packages(calculators.__path__, "calculators."):
    importlib.import_module(module.name)
for name, calculator in calculators.CALCULATORS.items():
    out = calculators.run(name, {})
    assert "result" in out, (name, out)
    for filler in calculator.fillers:  # a pasted text's path too, so a first paste is no slower than a keystroke
        calculators.fill(name, filler.name, "{}")
`;
const CHECK = `
import calculators
sorted(name for name in calculators.CALCULATORS if "result" not in calculators.run(name, {}))
`;

const maker = await loadPyodide({ ...options, _makeSnapshot: true });
maker.FS.writeFile("/tmp/calculators.whl", fs.readFileSync(indexURL + wheel));
maker.runPython(WARM);
const snapshot = maker.makeMemorySnapshot();

const restored = await loadPyodide({ ...options, _loadSnapshot: snapshot });
const failed = restored.runPython(CHECK).toJs();
if (failed.length) {
  console.error(`make_snapshot: calculators that fail from the snapshot: ${failed.join(", ")}`);
  process.exit(1);
}
fs.writeFileSync(indexURL + "calculators.snapshot", snapshot);
console.log(`make_snapshot: ${indexURL}calculators.snapshot, ${(snapshot.length / 1e6).toFixed(1)} MB`);
