"""The notebooks: charts drawn by the site's Plotly.js from the chart vocabulary, one then-and-now chart per
note, numbers that come from pricing.json, and built pages that load nothing from another origin."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from calculators import calculate
from tests.conftest import ROOT

pytestmark = pytest.mark.build
# The build hooks sit beside the package, not in its wheel: inside Pyodide (which runs no build test) they are absent.
inline_script_hashes = pytest.importorskip("hooks.csp_hook").inline_script_hashes

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
REPRODUCE = ROOT / "docs" / "notebooks" / "reproduce-the-notes.ipynb"
SENSITIVITY = ROOT / "docs" / "notebooks" / "rent-vs-buy-sensitivity.ipynb"
NOTE_HEADINGS = (  # the five source notes, as the notebook titles their sections
    "AWS deep-learning notes",
    "Running nanoGPT on AWS",
    "Machine learning on AWS GPU instances (2015)",
    "Cost of Deep Learning",
    "Training ML models: AWS vs desktop (2019)",
)


class _Charts(HTMLParser):
    """The charts in a piece of HTML: each box's figure (data-chart-figure), its title (the HTML above the plot, which
    the figure no longer carries) and its figure's caption."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict] = []
        self.titles: list[str] = []
        self.captions: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-chart-figure" in attributes:
            self.figures.append(json.loads(attributes["data-chart-figure"]))
        if tag == "figcaption" or "calc__chart-title" in (attributes.get("class") or ""):
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None:
            return
        if tag == "figcaption":
            self.captions.append("".join(self._text))
        elif tag == "p":
            self.titles.append("".join(self._text))
        self._text = None


def chart_title(figure: dict) -> str:
    return figure["title"]


def axis_title(figure: dict, axis: str) -> str:
    """An axis title: an annotation set at a distance from the plot (calculators.charts), the y one turned."""
    titles = [a for a in figure["layout"].get("annotations", []) if a.get("xref") == "paper" and not a.get("showarrow")]
    return next(a["text"] for a in titles if (a.get("textangle") == -90) == (axis == "yaxis"))


def charts_in(markup: str) -> list[tuple[dict, str]]:
    """(figure dict, caption) of each chart in the HTML, however its attributes are quoted."""
    parser = _Charts()
    parser.feed(markup)
    for figure, title in zip(parser.figures, parser.titles, strict=True):
        figure["title"] = title
    return list(zip(parser.figures, parser.captions, strict=True))


def code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def execute(path: Path, monkeypatch, pricing_path: Path | None = None) -> dict:
    """Run a notebook in a fresh kernel against this checkout's calculators (and a pricing.json copy, if given)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if pricing_path is not None:
        monkeypatch.setenv("CALCULATORS_PRICING", str(pricing_path))
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def charts_by_section(notebook: dict) -> dict[str, list[tuple[dict, str]]]:
    """Each `## ` section's charts as (Plotly figure dict, caption), in order."""
    found: dict[str, list[tuple[dict, str]]] = {}
    section = ""
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            section = source.splitlines()[0][3:]
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{section}: {output.get('ename')}: {output.get('evalue')}"
            for chart in charts_in("".join(output.get("data", {}).get("text/html", ""))):
                found.setdefault(section, []).append(chart)
    return found


@pytest.fixture(scope="module")
def monkeymodule():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def reproduced(monkeymodule) -> dict[str, list[tuple[dict, str]]]:
    """The charts of "Reproduce the notes", executed against the real pricing.json."""
    return charts_by_section(execute(REPRODUCE, monkeymodule))


@pytest.fixture(scope="module")
def sensitivity(monkeymodule) -> dict[str, list[tuple[dict, str]]]:
    """The charts of the rent-or-buy notebook, executed against the real pricing.json."""
    return charts_by_section(execute(SENSITIVITY, monkeymodule))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_draws_no_figure_with_matplotlib_or_a_plotly_renderer(path):
    """No code cell imports matplotlib or draws a Plotly figure itself: charts go through chart_html."""
    sources = code_cells(path)
    for source in sources:
        assert not re.search(r"^\s*(import|from)\s+matplotlib|\bplt\.", source, re.MULTILINE), source[:80]
        assert not re.search(r"^\s*(import|from)\s+plotly|\.show\(\)", source, re.MULTILINE), source[:80]
    assert any("chart_html(" in source for source in sources)


def test_every_note_has_one_then_and_now_chart(reproduced):
    """Each of the five notes' sections has one chart: the note's prices beside today's, as two bar series."""
    for heading in NOTE_HEADINGS:
        sections = [name for name in reproduced if name.startswith(heading)]
        assert len(sections) == 1, heading
        (figure, caption), = reproduced[sections[0]]
        then, now = figure["data"]
        assert then["type"] == now["type"] == "bar" and then["x"] == now["x"]
        assert "today" in now["name"] and re.search(r"\b(19|20)\d\d\b", then["name"]), (then["name"], now["name"])


@pytest.mark.parametrize("notebook", ["reproduced", "sensitivity"])
def test_every_chart_has_a_title_axis_titles_with_units_and_a_one_sentence_caption(notebook, request):
    """A chart's title says something, both axes are titled (a numeric axis with its unit) and the caption is one sentence."""
    charts = [chart for section in request.getfixturevalue(notebook).values() for chart in section]
    assert len(charts) == {"reproduced": 5, "sensitivity": 2}[notebook]
    for figure, caption in charts:
        layout = figure["layout"]
        assert len(chart_title(figure)) > 20
        assert axis_title(figure, "xaxis") and axis_title(figure, "yaxis")
        for axis in ("xaxis", "yaxis"):
            if layout[axis]["type"] != "category":
                assert re.search(r"\((USD|GPU-hours|calendar days)[^)]*\)", axis_title(figure, axis).replace("<br>", " ")), layout[axis]
        assert caption.endswith(".") and not re.search(r"[.;]\s+[A-Z]", caption[:-1].replace("pricing.json", "")), caption


def test_then_and_now_bars_are_the_calculators_answers(reproduced):
    """The nanoGPT chart's bars are the pipeline calculator at the note's preset and at today's defaults."""
    (figure, _), = next(charts for name, charts in reproduced.items() if name.startswith("Running nanoGPT"))
    then, now = figure["data"]
    assert then["y"][-1] == pytest.approx(3186.88)  # the note's $4.08 + $10.00 + $3,172.80
    assert now["y"][-1] == pytest.approx(calculate("pipeline").value("total"), abs=1e-3)


def test_a_price_change_in_pricing_json_changes_the_charts(pricing_data, tmp_path, monkeypatch):
    """With the note's p4d.24xlarge at $40/h in a copy of pricing.json, the nanoGPT chart shows 96 h × $40."""
    for observation in pricing_data["instances"]["p4d.24xlarge"]["on_demand"]["observations"]:
        if observation["source"] == "note-nanogpt":
            observation["value"] = 40.0
    copy = tmp_path / "pricing.json"
    copy.write_text(json.dumps(pricing_data))
    charts = charts_by_section(execute(REPRODUCE, monkeypatch, copy))
    (figure, _), = next(found for name, found in charts.items() if name.startswith("Running nanoGPT"))
    then = figure["data"][0]
    assert then["y"][2] == pytest.approx(3840.0)  # training: 96 h × $40/h
    assert then["y"][3] == pytest.approx(3854.08)  # plus $4.08 preprocessing and $10.00 storage
    assert "$3,854.08" in chart_title(figure)


def test_sensitivity_chart_marks_the_planned_work_from_the_calculator(sensitivity):
    """The break-even chart's planned-work line sits at the note's planned GPU-hours (10 projects × 12 days × 24 h)."""
    (hours_chart, _), = sensitivity["Break-even in GPU-hours against the electricity price"]
    planned = next(trace for trace in hours_chart["data"] if trace["name"].startswith("planned work"))
    assert planned["y"] == [2880, 2880]


# ── The built pages ──────────────────────────────────────────────────────────────────────────────

LOADS = re.compile(r"<(script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"']?([^\"' >]+)|"
                   r"<link\b[^>]*\bhref=[\"']?([^\"' >]+)", re.IGNORECASE)
OTHER_ORIGIN = re.compile(r"^(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def built_notebooks(tmp_path_factory, monkeymodule) -> dict[str, str]:
    """The two notebook pages of one strict build (the notebooks executed by mkdocs-jupyter)."""
    from tests.test_site_build import build

    # The notebooks' kernel imports this checkout's calculators, whatever the environment has installed.
    monkeymodule.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    site = tmp_path_factory.mktemp("site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return {path.parent.name: path.read_text(encoding="utf-8") for path in (site / "notebooks").glob("*/index.html")}


def test_built_notebook_pages_load_nothing_from_another_origin(built_notebooks):
    """No script, stylesheet, image or frame of a notebook page comes from another origin (canonical links aside)."""
    assert set(built_notebooks) == {path.stem for path in NOTEBOOKS}
    for name, page in built_notebooks.items():
        for match in LOADS.finditer(page):
            tag_text = match.group(0)
            url = match.group(2) or match.group(3)
            if tag_text.lower().startswith("<link") and re.search(r"rel=[\"']?canonical", tag_text, re.IGNORECASE):
                continue
            assert not OTHER_ORIGIN.match(url), f"{name}: {tag_text}"
        assert "cdn.plot.ly" not in page and "require.js" not in page and "requirejs" not in page.lower()


def test_built_notebook_pages_carry_their_charts_and_allow_each_inline_script(built_notebooks):
    """The charts reach the page as data for the page script, and every inline script is in the page's CSP."""
    counts = {"reproduce-the-notes": 5, "rent-vs-buy-sensitivity": 2}
    for name, page in built_notebooks.items():
        assert len(charts_in(page)) == counts[name]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
        for digest in inline_script_hashes(page):
            assert digest in policy, name
