"""The runtime files of the built site, read from disk: the standard library it serves is compiled and trimmed.

The pages that use it are tested in Chromium by the rest of this folder.
"""

from __future__ import annotations

import ast
import hashlib
import json
import zipfile
from pathlib import Path

from tests.browser._site import ROOT, SITE_DIR


def test_the_served_stdlib_is_pyodides_compiled_and_trimmed_to_what_calculators_imports():
    """Fewer than half the npm package's modules, each one bytecode for one of them; every module calculators imports."""
    served = SITE_DIR / "assets" / "pyodide" / _manifest()["stdlib"]
    stock = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
    with zipfile.ZipFile(served) as compiled, zipfile.ZipFile(stock) as full:
        names = set(compiled.namelist())
        in_stock = set(full.namelist())
        modules = [name for name in names if name.endswith(".pyc")]
        assert modules and len(modules) < len([name for name in in_stock if name.endswith(".py")]) / 2
        assert not [name for name in names if name.endswith(".py")], "a module is served as source"
        assert not [name for name in modules if name.removesuffix("c") not in in_stock], "a module Pyodide lacks"
        for name in modules:
            # PEP 552 header: 4 bytes magic, then flags 0b01 = hash-based, not checked against a source.
            assert int.from_bytes(compiled.read(name)[4:8], "little") == 0b01, f"{name} is not unchecked-hash bytecode"
    named = imported_modules(ROOT / "calculators")
    files = [f for name in named for f in (f"{name}.py", f"{name}/__init__.py") if f in in_stock]
    assert len(files) >= 8, f"only {files} found for {named}: the test no longer sees the imports"
    missing = [f for f in files if f + "c" not in names]
    assert not missing, f"calculators imports these, the served zip lacks them: {missing}"


def _manifest() -> dict:
    return json.loads((SITE_DIR / "assets" / "pyodide" / "runtime.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_runtime_file_is_served_at_a_url_named_by_its_content():
    """Pyodide's core and the standard library each sit in a folder named by the hash of what it holds, the snapshot
    in one named by the hash of what it is made from, and the wheel in one named by its own hash: a URL changes exactly
    when what it serves does, so the browser may keep it for good and the service worker need not download it again
    (runtime.json, revalidated, names them)."""
    pyodide = SITE_DIR / "assets" / "pyodide"
    manifest = _manifest()
    core = [pyodide / manifest["core"] / name for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")]
    stdlib = pyodide / manifest["stdlib"]
    wheel = pyodide / manifest["lock"]["packages"]["calculators"]["file_name"]
    # the snapshot is named by what it is made from: its own bytes differ with Python's random seeds
    for folder, files in ((manifest["core"], core), (manifest["stdlib"], [stdlib]),
                          (manifest["snapshot"], [*core, stdlib, wheel])):
        digest = hashlib.sha256(b"".join(f.name.encode() + b"\0" + _sha256(f).encode() for f in files))
        assert folder.split("/")[0] == digest.hexdigest()[:12], f"{folder} is not named by the hash of {files}"
    assert wheel.parent.name == _sha256(wheel)[:12]
    assert sorted(p.name for p in pyodide.iterdir() if p.is_file()) == ["runtime.json"], "a runtime file at a plain URL"


def imported_modules(package: Path) -> set[str]:
    """Every module an import statement in the package names (dotted names as paths), other than its own."""
    names = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module)
    return {name.replace(".", "/") for name in names if name.split(".")[0] != package.name}
