"""The one static server and the one Chromium launcher for everything that drives the built site in a browser:
the browser tests (tests/browser), the runtime check (tests/pyodide/check_browser.py) and the bench (bench/).

Playwright is imported by its callers, never here, so this module imports anywhere the tests run.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, ClassVar

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium (Playwright's own browser download is never used); set CHROMIUM for another."""

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
"""Headless in a container, and quiet: no sandbox (root in CI), no GPU, no calls home, HTTP/1.1 only."""


def launch_chromium(playwright, executable: str = CHROMIUM):
    """Chromium, headless, with the arguments every caller uses."""
    return playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site quietly, as a static host would, with its sitemap rewritten to this server's origin.

    Material's instant navigation follows only links listed in sitemap.xml, and it maps the sitemap's
    site_url onto the page's host without its port: served from 127.0.0.1:<port>, every click would be
    a full page load. Rewriting the sitemap serves the build as if it were deployed at site_url.

    ``mounts`` maps a URL prefix to a function from a path under it to the file it serves (the bench's
    baseline page, for one); a subclass sets it.
    """

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }
    mounts: ClassVar[dict[str, Callable[[str], Path]]] = {}

    def log_message(self, format, *args):
        """Do not log each request."""

    def translate_path(self, path):
        bare = path.split("?")[0]
        for prefix, resolve in self.mounts.items():
            if bare.startswith(prefix):
                return str(resolve(bare))
        return super().translate_path(path)

    def do_GET(self):
        if self.path.split("?")[0] != "/sitemap.xml":
            return super().do_GET()
        text = Path(self.translate_path("/sitemap.xml")).read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", text)
        if locations:
            root = min(locations, key=len)  # the home page: site_url itself
            text = text.replace(f"<loc>{root}", f"<loc>{self.server.origin}/")
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    """A built site on 127.0.0.1 and a free port; ``origin`` is its URL without a trailing slash."""

    daemon_threads = True

    def __init__(self, site_dir: Path, handler: type[SiteHandler] = SiteHandler) -> None:
        super().__init__(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"


def serve(site_dir: Path, handler: type[SiteHandler] = SiteHandler) -> SiteServer:
    """Serve ``site_dir`` in a daemon thread until ``shutdown()`` (tests/test_harness.py serves a small site)."""
    return start(SiteServer(site_dir, handler))


def start(server: SiteServer) -> SiteServer:
    """Run a server (a SiteServer or a subclass of it) in a daemon thread; return it."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
