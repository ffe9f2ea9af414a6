"""The site build: strict, computed from pricing.json, and loud when pricing.json is broken."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.build


def build(site_dir: Path, pricing_path: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if pricing_path is not None:
        env["CALCULATORS_PRICING"] = str(pricing_path)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """One strict build of the site from the real pricing.json."""
    site = tmp_path_factory.mktemp("site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_strict_build_has_no_warnings(built_site):
    """mkdocs build --strict succeeds, which it does only with zero warnings."""
    assert (built_site / "index.html").exists()


def test_nanogpt_guide_shows_the_notes_figures_computed(built_site):
    """The nanoGPT guide prints $4.08, $10.00, $3,172.80 and $3,186.88, computed at build time."""
    html = page(built_site, "guides/nanogpt-on-aws")
    for text in ("$4.08", "$10.00", "$3,172.80", "$3,186.88"):
        assert text in html


def test_storage_guide_shows_the_notes_session_costs(built_site):
    """The storage guide prints the note's $7.00 and $4.20 session costs."""
    html = page(built_site, "guides/storage-and-training")
    for text in ("$7.00/session", "$4.20/session"):
        assert text in html


def test_a_price_change_in_pricing_json_changes_every_page_that_shows_it(pricing_data, tmp_path):
    """Changing the note's p4d price in a copy of pricing.json changes the figures built from it."""
    p4d = pricing_data["instances"]["p4d.24xlarge"]["on_demand"]["observations"]
    for observation in p4d:
        if observation["source"] == "note-nanogpt":
            observation["value"] = 40.0
    copy = tmp_path / "pricing.json"
    copy.write_text(json.dumps(pricing_data))
    result = build(tmp_path / "site", copy)
    assert result.returncode == 0, result.stderr
    html = page(tmp_path / "site", "guides/nanogpt-on-aws")
    assert "$3,840.00" in html  # 96 h × $40/h
    assert "$3,172.80" not in html


def test_a_broken_pricing_json_fails_the_build_naming_the_json_path(pricing_data, tmp_path):
    """A negative price makes the build fail, and the message carries the JSON path."""
    pricing_data["instances"]["g5.xlarge"]["on_demand"]["observations"][0]["value"] = -1
    copy = tmp_path / "pricing.json"
    copy.write_text(json.dumps(pricing_data))
    result = build(tmp_path / "site", copy)
    assert result.returncode != 0
    assert "/instances/g5.xlarge/on_demand/observations/0/value" in result.stderr + result.stdout


def test_a_default_pointing_at_a_missing_instance_fails_the_build(pricing_data, tmp_path):
    """Removing an instance a calculator uses makes the build fail and name it."""
    del pricing_data["instances"]["c5.2xlarge"]
    copy = tmp_path / "pricing.json"
    copy.write_text(json.dumps(pricing_data))
    result = build(tmp_path / "site", copy)
    assert result.returncode != 0
    assert "/instances/c5.2xlarge/on_demand" in result.stderr + result.stdout


def test_pricing_reference_lists_every_figure_with_its_source_and_date(built_site, pricing):
    """Each quantity in pricing.json has a row (anchored by its pointer) on the pricing reference page."""
    html = page(built_site, "reference/pricing")
    for quantity in pricing.quantities():
        anchor = quantity.pointer.strip("/").replace("/", "-").replace(".", "-")
        assert f'id="{anchor}"' in html, quantity.pointer


def test_pricing_reference_marks_prices_older_than_a_year_as_stale(built_site, pricing):
    """The Rescale worker's price, last seen in the 2017 note, is flagged stale; Lambda's 2026 8×H100 price is not."""
    html = page(built_site, "reference/pricing")
    rescale = html.split('id="instances-rescale-gpu-worker-on_demand"', 1)[1].split("</tr>", 1)[0]
    fresh = html.split('id="instances-lambda-8x-h100-on_demand"', 1)[1].split("</tr>", 1)[0]
    assert "stale" in rescale
    assert "stale" not in fresh


def test_a_notebook_that_raises_fails_the_build(tmp_path):
    """A notebook cell that raises stops the build, with the site's own mkdocs-jupyter settings (the plugin's default
    would publish the traceback as the page, and `nox -s docs` would succeed)."""
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    jupyter = next(plugin["mkdocs-jupyter"] for plugin in config["plugins"]
                   if isinstance(plugin, dict) and "mkdocs-jupyter" in plugin)
    docs = tmp_path / "docs"
    (docs / "notebooks").mkdir(parents=True)
    (docs / "index.md").write_text("# A site with one notebook\n", encoding="utf-8")
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["1 / 0"]}
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"cells": [cell], "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}
    (docs / "notebooks" / "raises.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "t", "plugins": [{"mkdocs-jupyter": jupyter}]}),
                                         encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                            cwd=tmp_path, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True)
    assert result.returncode != 0, "a notebook that raises was built"
    assert "ZeroDivisionError" in result.stderr + result.stdout
