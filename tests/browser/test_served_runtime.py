"""The runtime files of the built site, read from disk: the standard library it serves is compiled and trimmed.

The pages that use it are tested in Chromium by the rest of this folder.
"""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

from tests.browser._site import ROOT, SITE_DIR


def test_the_served_stdlib_is_pyodides_compiled_and_trimmed_to_what_calculators_imports():
    """Fewer than half the npm package's modules, each one bytecode for one of them; every module calculators imports."""
    served = SITE_DIR / "assets" / "pyodide" / "python_stdlib.zip"
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
