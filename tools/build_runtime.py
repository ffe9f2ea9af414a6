"""Put the browser runtime for the calculators into the site.

``nox -s docs`` runs it into ``docs/`` before ``mkdocs build``, which then copies it (so does
``mkdocs serve``); pointed at a built site, run it after the build, which empties the site directory:

    python tools/build_runtime.py --site-dir docs [--wheel-dir .cache/wheel]

It needs Python >= 3.12 with requirements/runtime.txt (``pyodide-lock[cli,wheel]``, whose
``pyodide lockfile add-wheels`` command is used here, and ``build``), plus ``node_modules``
from ``npm ci``.

Result::

    SITE/assets/pyodide/runtime.json       what the worker loads, by content-hashed URL, and the lock file
    SITE/assets/pyodide/<sha256[:12]>/pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm   (Pyodide's core)
    SITE/assets/pyodide/<sha256[:12]>/python_stdlib.zip     (trimmed to what the worker imports and
                                                             compiled: tools/stdlib_used.mjs, compile_stdlib.mjs)
    SITE/assets/pyodide/<sha256[:12]>/calculators.snapshot  (a memory snapshot, tools/make_snapshot.mjs)
    SITE/assets/pyodide/wheels/<sha256[:12]>/calculators-<version>-py3-none-any.whl
    SITE/assets/plotly/plotly.min.js

Every runtime file sits in a folder named after its content's hash, so its URL changes exactly when its
content does: a browser or a cache keeps it as long as it likes (the worker keeps each one in Cache
Storage as it downloads it, and the service worker answers from there), and a new build never pairs a
fresh lock file with a stale cached wheel (which would fail Pyodide's sha256 integrity check). Only
``runtime.json``, which names them, is revalidated. The lock file is pruned to the packages actually
served, so nothing in it points at a file that is missing. The tools that build these (stdlib_used,
compile_stdlib, make_snapshot) work on the plain layout first; ``hash_layout`` moves the files last.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Files of the npm "pyodide" package that a browser fetches at run time.
PYODIDE_RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
)
PYODIDE_LOCK = "pyodide-lock.json"
STDLIB_ZIP = "python_stdlib.zip"
PLOTLY_PACKAGE = "plotly.js-basic-dist-min"
PLOTLY_BUNDLE = "plotly-basic.min.js"
WHEEL_NAME = "calculators"
LOCK_TOOL_HINT = (
    "In a Python >= 3.12 environment run: pip install 'pyodide-lock[cli,wheel]==0.2.1' "
    "(pyodide-build alone lacks the [wheel] extra's pkginfo)."
)


class BuildError(RuntimeError):
    """A problem the user must fix; printed without a traceback."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", required=True, type=Path, help="built MkDocs site (site_dir)")
    parser.add_argument(
        "--wheel-dir",
        type=Path,
        default=None,
        help="also keep the built calculators wheel here (e.g. for the Pyodide test run)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=ROOT,
        help="directory with the calculators pyproject.toml (default: repo root)",
    )
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=ROOT / "node_modules",
        help="node_modules installed by `npm ci` (default: repo root's)",
    )
    return parser.parse_args(argv)


def pinned_npm_version(package: str) -> str | None:
    """Return the version package.json pins for ``package``, if any."""
    manifest = ROOT / "package.json"
    if not manifest.is_file():
        return None
    deps = json.loads(manifest.read_text(encoding="utf-8")).get("dependencies", {})
    return deps.get(package)


def npm_package_dir(node_modules: Path, package: str) -> Path:
    """Return node_modules/<package>, failing loudly if it is absent or stale."""
    package_dir = node_modules / package
    package_json = package_dir / "package.json"
    if not package_json.is_file():
        raise BuildError(
            f"{package_dir} is missing. Run `npm ci` in {ROOT} first "
            "(it installs the exact versions in package-lock.json)."
        )
    installed = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    pinned = pinned_npm_version(package)
    if pinned is not None and pinned != installed:
        raise BuildError(
            f"{package} {installed} is installed but package.json pins {pinned}. "
            "Run `npm ci` to reinstall node_modules."
        )
    return package_dir


def build_wheel(project_dir: Path, out_dir: Path) -> Path:
    """Build the calculators wheel with pypa/build and return its path."""
    if not (project_dir / "pyproject.toml").is_file():
        raise BuildError(f"No pyproject.toml in {project_dir}; cannot build the wheel.")
    if importlib.util.find_spec("build") is None:
        raise BuildError(f"pypa/build is not installed for {sys.executable}: pip install build")
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir), str(project_dir)]
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError("Building the calculators wheel failed (see output above).")
    wheels = sorted(out_dir.glob(f"{WHEEL_NAME}-*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"Expected one {WHEEL_NAME} wheel in {out_dir}, found {wheels}.")
    if not wheels[0].name.endswith("-py3-none-any.whl"):
        raise BuildError(f"{wheels[0].name} is not a pure-Python wheel; Pyodide cannot use it as is.")
    return wheels[0]


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def copy_pyodide_runtime(pyodide_dir: Path, dest: Path) -> None:
    """Copy the runtime files the browser loads from the npm package into ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in PYODIDE_RUNTIME_FILES:
        source = pyodide_dir / name
        if not source.is_file():
            raise BuildError(f"{source} is missing; the npm pyodide package looks broken. Run `npm ci`.")
        shutil.copy2(source, dest / name)


def place_wheel(wheel: Path, pyodide_dest: Path) -> Path:
    """Copy the wheel to pyodide_dest/wheels/<hash>/ and return its new path."""
    target_dir = pyodide_dest / "wheels" / sha256_of(wheel)[:12]
    target_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(wheel, target_dir / wheel.name))


def pyodide_cli_command() -> list[str]:
    """Return the command that runs `pyodide lockfile` from this interpreter."""
    needed = ("pyodide_cli", "pyodide_lock", "pkginfo", "packaging")
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise BuildError(
            f"`pyodide lockfile add-wheels` cannot run under {sys.executable} "
            f"(missing modules: {', '.join(missing)}). {LOCK_TOOL_HINT}"
        )
    return [sys.executable, "-m", "pyodide_cli"]


def register_wheel(source_lock: Path, wheel: Path, pyodide_dest: Path) -> Path:
    """Write pyodide_dest/pyodide-lock.json = source lock + ``wheel`` (relative path)."""
    output = pyodide_dest / PYODIDE_LOCK
    command = pyodide_cli_command() + [
        "lockfile", "add-wheels",
        "--input", str(source_lock),
        "--output", str(output),
        "--base-path", str(pyodide_dest),
        str(wheel),
    ]  # fmt: skip
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError("`pyodide lockfile add-wheels` failed (see output above).")
    return output


def prune_lock(lock_path: Path, pyodide_dest: Path) -> list[str]:
    """Drop lock entries whose file is not served from pyodide_dest; return kept names."""
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    kept = {name: spec for name, spec in lock["packages"].items() if (pyodide_dest / spec["file_name"]).is_file()}
    for name, spec in kept.items():
        missing = [dep for dep in spec.get("depends", []) if dep not in kept]
        if missing:
            raise BuildError(f"{name} depends on {missing}, which this site does not serve.")
    lock["packages"] = kept
    lock_path.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sorted(kept)


def check_lock_entry(lock_path: Path, wheel: Path, pyodide_dest: Path) -> None:
    """Fail unless the lock names the calculators wheel with its real sha256."""
    packages = json.loads(lock_path.read_text(encoding="utf-8"))["packages"]
    entry = packages.get(WHEEL_NAME)
    if entry is None:
        raise BuildError(f"{lock_path} has no '{WHEEL_NAME}' entry after add-wheels.")
    if (pyodide_dest / entry["file_name"]).resolve() != wheel.resolve():
        raise BuildError(f"Lock entry points at {entry['file_name']}, not {wheel}.")
    if entry["sha256"] != sha256_of(wheel):
        raise BuildError("Lock entry sha256 does not match the wheel.")


def node_command(script: str, *args: str) -> list[str]:
    """The command that runs tools/<script> under Node."""
    node = shutil.which("node")
    if node is None:
        raise BuildError(f"node is needed to run tools/{script}.")
    return [node, str(ROOT / "tools" / script), *args]


def node_json(script: str, *args: str) -> object:
    """Run tools/<script> under Node and return what it prints, read as JSON."""
    done = subprocess.run(node_command(script, *args), check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"tools/{script} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def trim_zip(path: Path, keep: Iterable[str]) -> tuple[int, int]:
    """Rewrite the zip at ``path`` with only the members named in ``keep``; return (kept, dropped).

    Members keep their names, dates and order; each is deflated at level 9. A name in ``keep`` that the
    zip lacks is a BuildError, as a module the worker imported must have come from somewhere.
    """
    wanted = set(keep)
    with zipfile.ZipFile(path) as source:
        members = source.infolist()
        missing = sorted(wanted - {member.filename for member in members})
        if missing:
            raise BuildError(f"{path.name} has no {', '.join(missing)}")
        kept = [(member, source.read(member)) for member in members if member.filename in wanted]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for member, data in kept:
            out.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return len(kept), len(members) - len(kept)


def prepare_stdlib(pyodide_dir: Path, pyodide_dest: Path) -> tuple[int, int]:
    """Serve only the standard-library files the worker imports (tools/stdlib_used.mjs), compiled.

    The zip is trimmed, then compiled to bytecode by the npm package's Pyodide (tools/compile_stdlib.mjs);
    then the worker's run again, from the served zip, proves it lacks nothing that run needs.
    Returns (files kept, files dropped).
    """
    zip_path = pyodide_dest / STDLIB_ZIP
    used = node_json("stdlib_used.mjs", str(pyodide_dest))
    counts = trim_zip(zip_path, used)
    node_json("compile_stdlib.mjs", str(pyodide_dir), str(zip_path))
    again = {name.removesuffix("c") for name in node_json("stdlib_used.mjs", str(pyodide_dest))}
    if again - set(used):
        raise BuildError(f"the served {STDLIB_ZIP} changed what Python imports: {sorted(again - set(used))}")
    return counts


def make_snapshot(pyodide_dest: Path) -> Path:
    """Write PYODIDE_DEST/calculators.snapshot, Python with `calculators` imported (tools/make_snapshot.mjs).

    The worker restores it instead of booting Python, on a first visit too unless the reader saves data or the
    connection is slow (docs/javascripts/calculator-worker.mjs).
    """
    subprocess.run(node_command("make_snapshot.mjs", str(pyodide_dest)), check=True, cwd=ROOT)
    return pyodide_dest / "calculators.snapshot"


RUNTIME_MANIFEST = "runtime.json"
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
SNAPSHOT = "calculators.snapshot"


def _content_hash(paths: Iterable[Path]) -> str:
    """12 hex digits naming a set of files: the sha256 of each one's name and sha256."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + sha256_of(path).encode())
    return digest.hexdigest()[:12]


def _hashed_folder(pyodide_dest: Path, names: Iterable[str], name: str | None = None) -> str:
    """Move the files ``names`` of pyodide_dest into a folder called ``name`` (by default, their contents' hash);
    return "<folder>/"."""
    names = tuple(names)
    folder = pyodide_dest / (name or _content_hash(pyodide_dest / n for n in names))
    folder.mkdir(exist_ok=True)
    for file_name in names:
        (pyodide_dest / file_name).replace(folder / file_name)
    return f"{folder.name}/"


def hash_layout(pyodide_dest: Path) -> dict:
    """Move the runtime into content-hashed folders and write runtime.json, which names them (and holds the
    lock file, whose wheel path is already hashed); return the manifest.

    Pyodide's core changes only with Pyodide, the standard library when the worker imports other modules, the
    snapshot with every change to calculators or pricing.json: each is downloaded again only when it changed.
    """
    lock_path = pyodide_dest / PYODIDE_LOCK
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    # The snapshot's bytes differ from one build to the next (Python seeds its hashes and `random` at start), its
    # behaviour does not: it is named after what it is made from, Pyodide, the standard library and the wheel, so
    # a build that changes none of them keeps its URL and a returning reader does not download it again.
    made_from = [pyodide_dest / name for name in (*CORE_FILES, STDLIB_ZIP)]
    made_from.append(pyodide_dest / lock["packages"][WHEEL_NAME]["file_name"])
    snapshot_folder = _content_hash(made_from)
    manifest = {
        "core": _hashed_folder(pyodide_dest, CORE_FILES),
        "stdlib": _hashed_folder(pyodide_dest, (STDLIB_ZIP,)) + STDLIB_ZIP,
        "snapshot": _hashed_folder(pyodide_dest, (SNAPSHOT,), snapshot_folder) + SNAPSHOT,
        "lock": lock,
    }
    lock_path.unlink()
    (pyodide_dest / RUNTIME_MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def runtime_files(pyodide_dest: Path) -> dict[str, Path]:
    """The served runtime by what it is: each core file by name, "stdlib", "snapshot" and "wheel" (tests, tools).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / RUNTIME_MANIFEST).write_text('{"core": "a1/", "stdlib": "b2/python_stdlib.zip", '
    ...         '"snapshot": "c3/calculators.snapshot", "lock": {"packages": {"calculators": {"file_name": "wheels/d4/c.whl"}}}}')
    ...     sorted(str(p.relative_to(tmp)) for p in runtime_files(Path(tmp)).values())
    ['a1/pyodide.asm.mjs', 'a1/pyodide.asm.wasm', 'a1/pyodide.mjs', 'b2/python_stdlib.zip', 'c3/calculators.snapshot', 'wheels/d4/c.whl']
    """
    manifest = json.loads((pyodide_dest / RUNTIME_MANIFEST).read_text(encoding="utf-8"))
    files = {name: pyodide_dest / manifest["core"] / name for name in CORE_FILES}
    files["stdlib"] = pyodide_dest / manifest["stdlib"]
    files["snapshot"] = pyodide_dest / manifest["snapshot"]
    files["wheel"] = pyodide_dest / manifest["lock"]["packages"][WHEEL_NAME]["file_name"]
    return files


def copy_plotly(plotly_dir: Path, site_dir: Path) -> Path:
    """Copy Plotly's basic min bundle to SITE/assets/plotly/plotly.min.js."""
    source = plotly_dir / PLOTLY_BUNDLE
    if not source.is_file():
        raise BuildError(f"{source} is missing; run `npm ci`.")
    dest = site_dir / "assets" / "plotly" / "plotly.min.js"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, dest)
    return dest


def report(site_dir: Path) -> None:
    """Print every file written and its size."""
    for sub in ("assets/pyodide", "assets/plotly"):
        for path in sorted((site_dir / sub).rglob("*")):
            if path.is_file():
                print(f"{path.stat().st_size:>12,}  {path.relative_to(site_dir)}")


def main(argv: list[str] | None = None) -> int:
    """Build the wheel and lay out the runtime under the site directory."""
    args = parse_args(argv)
    site_dir = args.site_dir.resolve()
    pyodide_dir = npm_package_dir(args.node_modules, "pyodide")
    plotly_dir = npm_package_dir(args.node_modules, PLOTLY_PACKAGE)
    pyodide_cli_command()  # fail before the slow build if the CLI is missing
    pyodide_dest = site_dir / "assets" / "pyodide"
    with tempfile.TemporaryDirectory(prefix="calculators-wheel-") as tmp:
        wheel = build_wheel(args.project_dir.resolve(), Path(tmp))
        if args.wheel_dir is not None:
            args.wheel_dir.mkdir(parents=True, exist_ok=True)
            for old in args.wheel_dir.glob(f"{WHEEL_NAME}-*.whl"):
                old.unlink()
            shutil.copy2(wheel, args.wheel_dir / wheel.name)
        copy_pyodide_runtime(pyodide_dir, pyodide_dest)
        served_wheel = place_wheel(wheel, pyodide_dest)
    lock_path = register_wheel(pyodide_dir / PYODIDE_LOCK, served_wheel, pyodide_dest)
    kept = prune_lock(lock_path, pyodide_dest)
    check_lock_entry(lock_path, served_wheel, pyodide_dest)
    kept_files, dropped_files = prepare_stdlib(pyodide_dir, pyodide_dest)
    print(f"{STDLIB_ZIP}: kept the {kept_files} files the worker imports (compiled), dropped {dropped_files}")
    make_snapshot(pyodide_dest)  # after trimming: the snapshot holds Python's index of the served zip
    manifest = hash_layout(pyodide_dest)
    copy_plotly(plotly_dir, site_dir)
    print(f"{RUNTIME_MANIFEST}: core {manifest['core']}, {manifest['stdlib']}, {manifest['snapshot']}; "
          f"lock file packages: {', '.join(kept)}")
    report(site_dir)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as error:
        print(f"build_runtime: error: {error}", file=sys.stderr)
        sys.exit(1)
