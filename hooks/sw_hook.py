"""MkDocs hook: the site's service worker, sw.js at the site's root (tools/build_sw.mjs, Workbox).

It precaches what a repeat visit needs (the pages, scripts and styles; the Pyodide runtime is kept by the
calculator worker as it downloads it, and answered from that cache), so a repeat visit starts Python from the
cache and a visited page works offline; javascripts/calculators.js registers it once Python is live. It is listed after
csp_hook.py, so the precache's content hashes are those of the pages as served. A build without the
Pyodide runtime (the unit tests' builds) gets no service worker: nothing in it could go live.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = Path("assets/pyodide/runtime.json")
log = logging.getLogger("mkdocs.hooks.sw")


def on_post_build(config) -> None:
    """Write sw.js into the built site."""
    site = Path(config["site_dir"])
    if not (site / RUNTIME).is_file():
        log.info("no Pyodide runtime in the site: no service worker")
        return
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "workbox-build").is_dir():
        raise RuntimeError("the service worker needs node and workbox-build: run `npm ci` (nox -s docs does)")
    subprocess.run([node, str(ROOT / "tools" / "build_sw.mjs"), str(site)], check=True, cwd=ROOT)
