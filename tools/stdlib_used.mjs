// Prints, as JSON, the files of Pyodide's python_stdlib.zip that the site's worker uses: what Python
// imports while it boots, loads the calculators wheel as the worker does (loadPyodide's `packages`),
// imports every calculators module and every standard-library module their source names (wherever the
// import statement sits), and answers each calculator with its defaults, each preset and a bad input,
// with the worker's conversions (toPy in, toJs out) and a Python error thrown into JavaScript.
//
//   node tools/stdlib_used.mjs DIR       (tools/build_runtime.py runs it; DIR = the served assets/pyodide)
//
// build_runtime.py keeps only these files in the served zip, then runs this again on the trimmed zip: a
// module the run needs and the zip lacks fails that second run, and so the build (notes/bench.md).

import { scriptArguments, servedPyodide } from "./served_pyodide.mjs";

const [dir] = scriptArguments("stdlib_used.mjs", "PYODIDE_DIR");
const { loadPyodide, options } = await servedPyodide(dir);
const pyodide = await loadPyodide({ ...options, packages: ["calculators"], stdout: () => {} });

const IMPORT_ALL = `
import ast, importlib, pkgutil, sys
import calculators

def _stdlib_names(package):
    """Top-level modules that the package's source imports, other than the package itself."""
    names = set()
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for node in ast.walk(ast.parse(open(module.__file__, encoding="utf-8").read())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module)
    return sorted(name for name in names if name.split(".")[0] != package.__name__)

for _name in _stdlib_names(calculators):
    importlib.import_module(_name)
`;
pyodide.runPython(IMPORT_ALL);

// Every calculator as the worker asks: defaults, each preset, and a bad value in its first field.
const calculators = pyodide.pyimport("calculators");
const cases = pyodide
  .runPython(`
import calculators
[
    (name, {}, preset)
    for name, calculator in calculators.CALCULATORS.items()
    for preset in [None, *calculator.presets]
] + [
    (name, {calculator.inputs_for(calculators.load_pricing())[0].name: "not a number"}, None)
    for name, calculator in calculators.CALCULATORS.items()
]
`)
  .toJs({ dict_converter: Object.fromEntries });
for (const [name, inputs, preset] of cases) {
  const pyInputs = pyodide.toPy(inputs);
  const out = calculators.run.callKwargs(name, pyInputs, { preset });
  const answer = out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  out.destroy();
  pyInputs.destroy();
  if (!answer.result && !(Object.keys(inputs).length && answer.error)) {
    console.error(`stdlib_used: ${name} ${JSON.stringify(inputs)} preset ${preset}: ${JSON.stringify(answer.error)}`);
    process.exit(1);
  }
}
try {
  pyodide.runPython("raise ValueError('a Python error, formatted for JavaScript')");
} catch (err) {
  if (!String(err.message).includes("ValueError")) throw err;
}

const used = pyodide.runPython(`
import json, sys
_zip = next(entry for entry in sys.path if entry.endswith(".zip")) + "/"
json.dumps(sorted(
    module.__file__[len(_zip):]
    for module in list(sys.modules.values())
    if (getattr(module, "__file__", None) or "").startswith(_zip)
))
`);
console.log(used);
