"""MkDocs hook: every page loads from the site itself only, and says so in a Content-Security-Policy.

Each page is first checked as it is written (``on_post_page``): nbconvert's loaders that would fetch
from a CDN are dropped, and a page that still loads anything from another origin stops the build.

The policy goes into each page as a ``<meta http-equiv>`` tag, so any static host serves it. Inline
scripts (Material's and the head script that starts Python early) are allowed by their SHA-256 hashes.
Instant navigation runs the next page's inline scripts under the first page's policy, so every page
carries the hashes of every page's inline scripts: the hook works after the build, over the whole site.

Pyodide compiles WebAssembly (``'wasm-unsafe-eval'``); Plotly and Material set inline styles
(``style-src 'unsafe-inline'``); charts export images as data: and blob: URLs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
NOT_RUN = re.compile(r"""\stype=["']?(?!module|text/javascript|application/javascript)[^"'\s>]+""", re.IGNORECASE)
HEAD_START = re.compile(r"<head[^>]*>", re.IGNORECASE)
META_NAME = "Content-Security-Policy"

# nbconvert's page template carries a Mermaid loader that imports from cdnjs when a notebook has a diagram.
# Ours have none, and no page may load anything from another origin, so it goes.
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid(?:(?!</script>).)*?</script>', re.DOTALL)
EMPTY_SCRIPT = re.compile(r'<script[^>]*\ssrc=""[^>]*>\s*</script>')
FOREIGN = re.compile(
    r'<(?:script|img|iframe|audio|video|source)\b[^>]*\ssrc="(?:https?:)?//[^"]*"'
    r'|<link\b[^>]*\srel="(?:stylesheet|preload|modulepreload|icon)"[^>]*\shref="(?:https?:)?//[^"]*"'
    r'|import\(\s*["\'](?:https?:)?//'
)


def same_origin_only(html: str) -> str:
    """The page without nbconvert's CDN loaders; a PluginError if anything else still loads from another origin.

    >>> same_origin_only('<p>x</p><script src=""></script>')
    '<p>x</p>'
    >>> same_origin_only('<script src="https://cdn.example/x.js"></script>')
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: loads from another origin: <script src="https://cdn.example/x.js"
    """
    html = EMPTY_SCRIPT.sub("", MERMAID_LOADER.sub("", html))
    foreign = FOREIGN.search(html)
    if foreign:
        raise PluginError(f"loads from another origin: {foreign.group(0)[:160]}")
    return html


def on_post_page(output: str, page, config) -> str:
    """Drop nbconvert's CDN loaders, then refuse any page that would still load from another origin."""
    try:
        return same_origin_only(output)
    except PluginError as error:
        raise PluginError(f"{page.file.src_path} {error}") from None


def inline_script_hashes(html: str) -> set[str]:
    """The CSP hash sources of a page's inline scripts that a browser would run (not JSON data blocks).

    >>> sorted(inline_script_hashes('<script>a()</script><script type="application/json">{}</script>'))
    ["'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"]
    """
    found = set()
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs") or ""
        if re.search(r"\ssrc=", attrs, re.IGNORECASE) or NOT_RUN.search(attrs):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return found


def policy(hashes: set[str]) -> str:
    """The site's policy, with the inline scripts it allows.

    >>> policy({"'sha256-x'"}).split("; ")[1]
    "script-src 'self' 'wasm-unsafe-eval' 'sha256-x'"
    """
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(hashes)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def with_policy(html: str, content: str) -> str:
    """The page with the policy as the first element of its head (a meta policy covers only what follows it).

    >>> with_policy("<html><head><title>x</title></head></html>", "default-src 'self'")
    '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \\'self\\'"><title>x</title></head></html>'
    """
    html = re.sub(rf'<meta http-equiv="{META_NAME}"[^>]*>', "", html)
    tag = f'<meta http-equiv="{META_NAME}" content="{content}">'
    return HEAD_START.sub(lambda match: match.group(0) + tag, html, count=1)


def on_post_build(config) -> None:
    """Give every built page the site-wide policy."""
    pages = sorted(Path(config["site_dir"]).rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes = set().union(*(inline_script_hashes(text) for text in texts.values())) if texts else set()
    content = policy(hashes)
    for path, text in texts.items():
        path.write_text(with_policy(text, content), encoding="utf-8")
