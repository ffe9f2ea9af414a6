"""Tests for tools/build_runtime.py: the served standard library holds what the worker imports, and no more."""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "build_runtime.py"

if not TOOL.exists() or sys.platform == "emscripten":  # the Pyodide run has neither tools/ nor Node
    pytest.skip("tools/build_runtime.py runs at build time, in CPython only", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("build_runtime", TOOL)
build_runtime = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_runtime)

MEMBERS = {
    "json/__init__.py": b"from .decoder import JSONDecoder\n" * 50,
    "json/decoder.py": b"class JSONDecoder: pass\n" * 50,
    "email/message.py": b"class Message: pass\n" * 50,
    "typing.py": b"Any = object()\n" * 50,
}


@pytest.fixture
def stdlib_zip(tmp_path):
    path = tmp_path / "python_stdlib.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in MEMBERS.items():
            out.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 2, 3, 4, 6)), data)
    return path


def test_trimming_keeps_the_named_files_byte_for_byte_and_drops_the_rest(stdlib_zip):
    keep = ["typing.py", "json/__init__.py", "json/decoder.py"]
    assert build_runtime.trim_zip(stdlib_zip, keep) == (3, 1)
    with zipfile.ZipFile(stdlib_zip) as trimmed:
        assert [member.filename for member in trimmed.infolist()] == ["json/__init__.py", "json/decoder.py", "typing.py"]
        for name in keep:
            assert trimmed.read(name) == MEMBERS[name]
        assert trimmed.getinfo("typing.py").date_time == (2025, 1, 2, 3, 4, 6)
        assert all(member.compress_type == zipfile.ZIP_DEFLATED for member in trimmed.infolist())
        assert trimmed.testzip() is None


def test_a_file_the_zip_lacks_fails_the_build_and_leaves_the_zip_whole(stdlib_zip):
    before = stdlib_zip.read_bytes()
    with pytest.raises(build_runtime.BuildError, match="has no csv.py"):
        build_runtime.trim_zip(stdlib_zip, ["typing.py", "csv.py"])
    assert stdlib_zip.read_bytes() == before


def _runtime(folder: Path, wasm: bytes = b"\0asm core", snapshot: bytes = b"memory") -> Path:
    folder.mkdir()
    for name in build_runtime.CORE_FILES:
        (folder / name).write_bytes(wasm if name.endswith(".wasm") else name.encode())
    (folder / "python_stdlib.zip").write_bytes(b"PK stdlib")
    (folder / "calculators.snapshot").write_bytes(snapshot)
    (folder / "wheels" / "0123456789ab").mkdir(parents=True)
    (folder / "wheels" / "0123456789ab" / "calculators-0.1.0-py3-none-any.whl").write_bytes(b"PK wheel")
    lock = {"packages": {"calculators": {"file_name": "wheels/0123456789ab/calculators-0.1.0-py3-none-any.whl"}}}
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    return folder


def test_the_runtime_is_served_at_urls_named_by_its_content(tmp_path):
    """Each part of the runtime moves into a folder named by its content's hash (the snapshot: by the hash of what it
    is made from), and runtime.json (which holds the lock file) names them: a URL changes exactly when what it serves
    does, so a cache may keep it for good."""
    one = _runtime(tmp_path / "one")
    manifest = build_runtime.hash_layout(one)
    assert not (one / "pyodide-lock.json").exists() and manifest["lock"]["packages"]["calculators"]
    assert json.loads((one / "runtime.json").read_text()) == manifest
    files = build_runtime.runtime_files(one)
    assert all(path.is_file() for path in files.values())
    assert files["pyodide.asm.wasm"].read_bytes() == b"\0asm core"
    assert {path.parent.name for path in files.values()} >= {manifest["core"].rstrip("/")}
    assert sorted(p.name for p in one.iterdir() if p.is_file()) == ["runtime.json"]

    # the same Pyodide and wheel: a snapshot whose bytes differ (Python's random seeds) keeps its URL
    two = build_runtime.hash_layout(_runtime(tmp_path / "two", snapshot=b"memory, seeded differently"))
    assert two == manifest

    # a new wheel (a price change): the snapshot made from it gets a new URL, Pyodide's core keeps its own
    three = _runtime(tmp_path / "three")
    (three / "wheels" / "0123456789ab" / "calculators-0.1.0-py3-none-any.whl").write_bytes(b"PK wheel, new prices")
    changed = build_runtime.hash_layout(three)
    assert changed["core"] == manifest["core"] and changed["stdlib"] == manifest["stdlib"]
    assert changed["snapshot"] != manifest["snapshot"]
