// Compiles the served python_stdlib.zip to bytecode, in place: each module's .py becomes a .pyc, so a
// first visit no longer compiles the standard library while Python starts (about 2.5 times faster under
// Node; notes/bench.md, "Compiled standard library").
//
//   node tools/compile_stdlib.mjs PYODIDE_DIR ZIP    (tools/build_runtime.py runs it, after trimming)
//
// PYODIDE_DIR is the npm package's Pyodide: the bytecode must come from the same Python that will run
// it (3.14 inside Pyodide, not the build's CPython), and its full standard library has py_compile. The
// .pyc files are "unchecked hash" ones (PEP 552), as no source sits beside them to check against.
// Two choices keep them small: no column ranges (PYTHONNODEBUGRANGES, which only shortens tracebacks
// by their ^^^ markers), and the standard library compiled as `python -OO` does (no docstrings, no
// asserts), which CPython supports; Pyodide's own packages keep both, as they are not promised to.

import fs from "node:fs";

import { scriptArguments, servedPyodide } from "./served_pyodide.mjs";

const [pyodideDir, zipPath] = scriptArguments("compile_stdlib.mjs", "PYODIDE_DIR", "ZIP");
const { loadPyodide, indexURL } = await servedPyodide(pyodideDir);
const pyodide = await loadPyodide({ indexURL, env: { PYTHONNODEBUGRANGES: "1" } });
pyodide.FS.writeFile("/tmp/source.zip", fs.readFileSync(zipPath));

const COMPILE = `
import os, py_compile, sys, zipfile

ZIP_PATH = next(entry for entry in sys.path if entry.endswith(".zip"))  # where the site's zip is mounted
KEEPS_DOCSTRINGS = ("pyodide/", "_pyodide/")

def compile_zip(source_path, out_path, work="/tmp/compile"):
    """Write out_path: source_path's members, each module as sourceless bytecode; return the count."""
    compiled = 0
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info)
            if not info.filename.endswith(".py"):
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                continue
            py_file = os.path.join(work, info.filename)
            os.makedirs(os.path.dirname(py_file), exist_ok=True)
            with open(py_file, "wb") as handle:
                handle.write(data)
            pyc_file = py_compile.compile(
                py_file,
                cfile=py_file + "c",
                dfile=f"{ZIP_PATH}/{info.filename}",  # the name tracebacks show, as for the source
                doraise=True,
                optimize=0 if info.filename.startswith(KEEPS_DOCSTRINGS) else 2,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            with open(pyc_file, "rb") as handle:
                member = zipfile.ZipInfo(info.filename + "c", info.date_time)
                out.writestr(member, handle.read(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            compiled += 1
    return compiled

compile_zip("/tmp/source.zip", "/tmp/compiled.zip")
`;
const compiled = pyodide.runPython(COMPILE);
fs.writeFileSync(zipPath, pyodide.FS.readFile("/tmp/compiled.zip"));
console.log(JSON.stringify({ compiled }));
