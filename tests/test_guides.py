"""The guides and notebooks as built: the notes' figures are on their pages and computed, links resolve,
nothing is fetched from another origin, no sentence is copied from a note, and the notebooks ran."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.conftest import ROOT
from tests.test_site_build import page

pytestmark = pytest.mark.build

# The shared tools sit beside the checkout (../shared); a checkout elsewhere falls back to the workplace's copy.
SEED_OVERLAP = next(
    (path for path in (ROOT.parent / "shared/tools/seed_overlap.py", Path("/work/shared/tools/seed_overlap.py")) if path.exists()),
    ROOT.parent / "shared/tools/seed_overlap.py",
)
SITE_URL = "https://cost-to-train.github.io/"
CDN_HOSTS = ("cdn.plot.ly", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com")
NOTEBOOKS = ("notebooks/reproduce-the-notes", "notebooks/rent-vs-buy-sensitivity")


def build_site(site_dir: Path, pricing_path: Path | None = None) -> subprocess.CompletedProcess:
    """A strict build run from ``site_dir``'s parent, so mkdocs-jupyter's cache (a relative folder) starts
    empty and every notebook runs against the pricing.json given, not a cached earlier run."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("CALCULATORS_PRICING", None)
    if pricing_path is not None:
        env["CALCULATORS_PRICING"] = str(pricing_path)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
               "--site-dir", str(site_dir)]
    return subprocess.run(command, cwd=site_dir.parent, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One strict build of the whole site from the real pricing.json."""
    root = tmp_path_factory.mktemp("guides")
    result = build_site(root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


# ── The notes' figures are on their guides ─────────────────────────────────────────────────

NOTE_FIGURES = {
    "guides/storage-and-training": (
        "$7.00/session",  # g5.xlarge at $1/h for 6 h + 1 h
        "$4.20/session",  # Lambda A10 at $0.60/h for 7 h
        "$10.00/month",  # 100 GB on ECR at $0.10
        "$20.00/month",  # 100 GB on Lambda at $0.20
        "$4.00/session",  # the note's pull charge: 4 × 10 GB × $0.10
        "$3.60/session",  # the same pulls at the $0.09 transfer price
        "$7.80/session",  # $4.20 + $3.60
        "$8.20/session",  # the note's $4.20 + $4
        "$2.80/session",  # pull budget: $7.00 - $4.20
    ),
    "guides/nanogpt-on-aws": ("$4.08", "$10.00", "$3,172.80", "$3,186.88", "$33.05/h", "$0.34/h"),
    "guides/gpu-instances-and-spot": ("$0.10/h", "$62.40", "2 min"),  # 96 h × $0.65/h on demand
    "guides/cloud-ml-platforms": ("$0.65/h", "$14.40/h", "$300.00", "$10.00", "$1.00", "4 min", "8 min", "7 h"),
    "guides/rent-or-buy": ("$0.75/h", "$2,000.00", "$2,160.00", "$2,300.00", "2,880 GPU-hours", "$0.023/GB-month"),
}


@pytest.mark.parametrize(
    ("path", "figure"), [(path, figure) for path, figures in NOTE_FIGURES.items() for figure in figures]
)
def test_each_figure_a_note_states_is_on_its_guide(site, path, figure):
    """The built guide prints the figure the note states (or the corrected figure the guide derives)."""
    assert figure in page(site, path)


FLOAT_NOISE = re.compile(r"\$[\d,]+\.\d{2,3}0(?![\d])")
"""A dollar amount with three or more decimals ending in 0: format_value never pads, so that is float noise."""


def test_no_amount_on_a_guide_prints_float_noise(site):
    """Amounts print as format_value means them ($3.60/session), never as float noise ($3.6000/session)."""
    noisy = {path: FLOAT_NOISE.findall(page(site, path)) for path in NOTE_FIGURES}
    assert not any(noisy.values()), noisy


# ── The figures are computed: change a price, every page that shows it changes ────────────

PRICE_CHANGES = [
    pytest.param(
        "/instances/p4d.24xlarge/on_demand", "note-nanogpt", 40.0,
        # 96 h × $40/h = $3,840.00; with $4.08 and $10.00 the plan totals $3,854.08
        {"guides/nanogpt-on-aws": ["$3,840.00", "$3,854.08"], "": ["$3,854.08"],
         "notebooks/reproduce-the-notes": ["$3,840.00"]},
        {"guides/nanogpt-on-aws": ["$3,172.80", "$3,186.88"], "": ["$3,186.88"]},
        id="p4d-note-price",
    ),
    pytest.param(
        "/instances/g5.xlarge/on_demand", "note-aws-dl", 1.5,
        # 7 h × $1.50/h = $10.50 a session; the pull budget grows to $10.50 - $4.20 = $6.30
        {"guides/storage-and-training": ["$10.50/session", "$6.30/session"],
         "notebooks/reproduce-the-notes": ["$10.50"]},
        {"guides/storage-and-training": ["$7.00/session", "$2.80/session"]},
        id="g5-note-price",
    ),
    pytest.param(
        "/instances/g3s.xlarge/on_demand", "note-desktop-2019", 1.0,
        # 2,880 GPU-hours × $1/h = $2,880.00 of cloud compute
        {"guides/rent-or-buy": ["$2,880.00", "$1.00/h"], "notebooks/reproduce-the-notes": ["$2,880.00"]},
        {"guides/rent-or-buy": ["$2,160.00", "$0.75/h (2019-06-07)"]},
        id="g3s-note-price",
    ),
    pytest.param(
        "/instances/g2.2xlarge/spot", "note-aws-gpu-2015", 0.2,
        # The 96 h job on spot: 96.21 expected hours × $0.20/h + $0.01 of S3 = $19.25
        {"guides/gpu-instances-and-spot": ["$0.20/h", "$19.25"], "notebooks/reproduce-the-notes": ["$0.20/h"]},
        {"guides/gpu-instances-and-spot": ["$9.63"]},
        id="g2-spot-note-price",
    ),
]


@pytest.mark.parametrize(("pointer", "source", "value", "present", "absent"), PRICE_CHANGES)
def test_changing_a_price_changes_every_page_that_shows_it(pricing_data, tmp_path, pointer, source, value,
                                                          present, absent):
    """A note's price changed in a copy of pricing.json changes the guide, the home page and the notebook."""
    quantity = pricing_data
    for key in pointer.strip("/").split("/"):
        quantity = quantity[key]
    observations = [o for o in quantity["observations"] if o["source"] == source]
    assert observations, f"{pointer} has no observation from {source}"
    for observation in observations:
        observation["value"] = value
    copy = tmp_path / "pricing.json"
    copy.write_text(json.dumps(pricing_data), encoding="utf-8")
    result = build_site(tmp_path / "site", copy)
    assert result.returncode == 0, result.stderr
    for path, texts in present.items():
        html = page(tmp_path / "site", path)
        for text in texts:
            assert text in html, (path, text)
    for path, texts in absent.items():
        html = page(tmp_path / "site", path)
        for text in texts:
            assert text not in html, (path, text)


# ── Links, anchors and origins ────────────────────────────────────────────────────────────


class _Collector(HTMLParser):
    """Every id, every <a href>, and every URL the page asks the browser to fetch."""

    FETCHED = {"script": "src", "img": "src", "iframe": "src", "link": "href", "source": "src", "video": "src",
               "audio": "src", "embed": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.fetched: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag in self.FETCHED and attrs.get(self.FETCHED[tag]):
            if tag == "link" and attrs.get("rel") == "canonical":
                return  # not fetched: it names the page's own address on the published site
            self.fetched.append((tag, attrs[self.FETCHED[tag]]))
        if tag == "iframe" and not attrs.get("src"):
            self.fetched.append((tag, attrs.get("srcdoc", "")))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _target(site: Path, page_path: Path, href: str) -> tuple[Path, str] | None:
    """The file an internal link points to and its fragment; None for a link to another site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if href.startswith(SITE_URL):
            return _target(site, page_path, "/" + href[len(SITE_URL):])
        return None
    base = "/" + page_path.relative_to(site).as_posix()
    resolved = urlsplit(urljoin(base, href))
    path = unquote(resolved.path)
    file = site / path.lstrip("/")
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, unquote(resolved.fragment)


def test_every_internal_link_and_anchor_resolves(site):
    """Each <a href> inside the site points to a built file, and its #fragment is an id on that page."""
    ids: dict[Path, set[str]] = {}
    broken = []
    for page_path in _pages(site):
        for href in _parse(page_path).links:
            if href.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = _target(site, page_path, href)
            if target is None:
                continue
            file, fragment = target
            if not file.exists():
                broken.append(f"{page_path.relative_to(site)}: {href} (no {file.relative_to(site)})")
                continue
            if fragment and file.suffix == ".html":
                known = ids.setdefault(file, _parse(file).ids)
                if fragment not in known:
                    broken.append(f"{page_path.relative_to(site)}: {href} (no id {fragment!r})")
    assert not broken, "\n".join(broken)


def test_no_page_fetches_anything_from_another_origin(site):
    """No <script src>, <link href>, <img src> or <iframe> in any page points to another origin."""
    foreign = []
    for page_path in _pages(site):
        for tag, url in _parse(page_path).fetched:
            parts = urlsplit(url)
            if tag == "iframe" or parts.scheme in ("http", "https") or url.startswith("//"):
                foreign.append(f"{page_path.relative_to(site)}: <{tag}> {url}")
    assert not foreign, "\n".join(foreign)


MERMAID_LOADER = re.compile(r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\".*?</script>",
                            re.DOTALL)
MERMAID_DIAGRAM = re.compile(r'class="[^"]*\bjp-Mermaid\b')


def test_no_page_names_a_cdn(site):
    """No built page mentions a CDN host (plotly.js comes from the site's own assets).

    nbconvert's page template carries a mermaid loader with a cdnjs URL that runs only when the notebook
    has mermaid diagrams; ours have none, so that dormant loader is set aside after checking so.
    """
    found = []
    for page_path in _pages(site):
        html = page_path.read_text(encoding="utf-8")
        if "jp-Notebook" in html:
            assert not MERMAID_DIAGRAM.search(html), f"{page_path}: a mermaid diagram would load mermaid from a CDN"
            html = MERMAID_LOADER.sub("", html)
        for host in CDN_HOSTS:
            if re.search(r"https?://" + re.escape(host), html):
                found.append(f"{page_path.relative_to(site)}: {host}")
    assert not found, "\n".join(found)


# ── Words and notebooks ───────────────────────────────────────────────────────────────────


@pytest.mark.skipif(not SEED_OVERLAP.exists(), reason="the shared seed-overlap tool is not available here")
def test_no_sentence_is_copied_from_a_note():
    """The seed-overlap check finds no run of ten or more words shared with a source note."""
    result = subprocess.run([sys.executable, str(SEED_OVERLAP)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "0 copied run(s)" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_each_notebook_page_is_built_with_its_outputs_and_no_errors(site, path):
    """The notebook ran at build: its page has outputs and none of them is an error."""
    html = page(site, path)
    assert html.count("jp-OutputArea-output") >= 3
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html.replace(
        '[data-mime-type="application/vnd.jupyter.stderr"]', "")
    assert "Traceback (most recent call last)" not in html
    assert "jp-OutputArea-executeResult" in html or "jp-RenderedHTML" in html


def test_reproduce_notebook_shows_the_notes_figures(site):
    """The reproduction table carries the notes' figures, recomputed."""
    html = page(site, "notebooks/reproduce-the-notes")
    for text in ("$3,172.80", "$3,186.88", "$4.08", "$7.80", "$2,160.00", "$14.40/h"):
        assert text in html, text


def test_sensitivity_notebook_draws_its_charts_with_the_sites_plotly(site):
    """The sweep's charts are plot boxes holding their figure, drawn by the site's page script (which loads the
    copy of plotly.js under assets/, in the page's palette), not inline Plotly calls or a CDN copy."""
    html = page(site, "notebooks/rent-vs-buy-sensitivity")
    assert html.count("data-chart-figure=") >= 2
    assert "Plotly.newPlot(" not in html and "cdn.plot.ly" not in html
    assert html.count('src="../../javascripts/calculators.js"') == 1
