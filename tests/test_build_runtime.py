"""Tests for tools/build_runtime.py: the served standard library holds what the worker imports, and no more."""

from __future__ import annotations

import importlib.util
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
