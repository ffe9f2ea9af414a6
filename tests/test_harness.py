"""The one static server every browser run uses: it serves a built site as a static host would, rewrites the
sitemap to its own origin (so instant navigation follows links), serves mounted folders and names wasm and
module scripts by their types."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest

from tests.harness import CHROMIUM_ARGS, SiteHandler, serve

pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="Pyodide has no sockets to serve on")

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset><url><loc>https://example.org/costs/</loc></url><url><loc>https://example.org/costs/guides/spot/</loc></url></urlset>
"""


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    (tmp_path / "worker.mjs").write_text("export {};", encoding="utf-8")
    (tmp_path / "python.wasm").write_bytes(b"\0asm")
    return tmp_path


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers["Content-Type"]


def test_the_site_is_served_with_the_sitemap_pointing_at_this_server(site):
    """Pages come back as written; the sitemap's site_url (its shortest location) becomes this server's origin."""
    server = serve(site)
    try:
        assert fetch(server.origin + "/")[0] == b"<p>home</p>"
        sitemap = fetch(server.origin + "/sitemap.xml")[0].decode()
        assert f"<loc>{server.origin}/</loc>" in sitemap
        assert f"<loc>{server.origin}/guides/spot/</loc>" in sitemap
        assert "example.org" not in sitemap
    finally:
        server.shutdown()
        server.server_close()


def test_module_scripts_and_wasm_get_the_types_a_browser_insists_on(site):
    """A module worker must be text/javascript and streamed wasm application/wasm, whatever the OS's mime table says."""
    server = serve(site)
    try:
        assert fetch(server.origin + "/worker.mjs")[1] == "text/javascript"
        assert fetch(server.origin + "/python.wasm")[1] == "application/wasm"
    finally:
        server.shutdown()
        server.server_close()


def test_a_mount_serves_files_from_elsewhere_under_its_prefix(site, tmp_path_factory):
    """The bench mounts its baseline page at /bench-baseline/: a path under a mount is served by the mount's function."""
    elsewhere = tmp_path_factory.mktemp("baseline")
    (elsewhere / "bare.html").write_text("<p>bare</p>", encoding="utf-8")

    class Mounted(SiteHandler):
        mounts = {"/extra/": lambda path: elsewhere / Path(path).name}

    server = serve(site, Mounted)
    try:
        assert fetch(server.origin + "/extra/bare.html?x=1")[0] == b"<p>bare</p>"
        assert fetch(server.origin + "/")[0] == b"<p>home</p>"
    finally:
        server.shutdown()
        server.server_close()


def test_chromium_runs_headless_without_calling_home():
    """The launch arguments keep Chromium off the network except for the site (no sync, updates or QUIC)."""
    assert {"--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic"} <= set(CHROMIUM_ARGS)
