"""The README's walk-throughs, done as written in a copy of the repository: adding a calculator touches only its
module, its guide page and the nav; adding a provider whose catalog format is known touches only pricing.json.

Each step is a block of the README after a marker ``<!-- how-to-add PATH [nav|merge] -->``: a new file's whole
text, a line for mkdocs.yml's nav, or entries to merge into pricing.json. The copy must build strictly, show the
new widget on its guide with the figure worked out here, offer the new provider in the cost-to-train form,
pass the registry's generic tests for the new calculator, and differ from the repository in those files only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.build

STEP = re.compile(r"<!-- how-to-add (?P<path>\S+)(?: (?P<how>nav|merge))? -->\s*```[a-z]*\n(?P<text>.*?)```", re.DOTALL)
WALKED = {"calculators/gpu_hours.py", "docs/guides/gpu-hours.md", "mkdocs.yml", "pricing.json"}
"""Every file the two walk-throughs may touch: a calculator's module, its guide and the nav; pricing.json."""


def readme_steps() -> list[tuple[str, str, str]]:
    """(path, how, text) of each walk-through step, in README order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(m.group("path"), m.group("how") or "file", m.group("text")) for m in STEP.finditer(text)]


def repository_files() -> list[str]:
    """The files of the working tree that git tracks or would track (what a fresh clone plus this change holds)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to know the repository's files")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def digests(root: Path) -> dict[str, str]:
    """sha256 of every file under root, except what a build or a test run writes (site/, caches)."""
    skipped = ("site/", ".cache/", ".pytest_cache/", ".hypothesis/")
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(skipped) and "__pycache__" not in relative:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def apply(step: tuple[str, str, str], repo: Path) -> None:
    """Do one step: write a new file, add a nav line under Guides, or merge entries into pricing.json."""
    path, how, text = step
    target = repo / path
    if how == "nav":
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        notebooks = next(i for i, line in enumerate(lines) if line.strip() == "- Notebooks:")
        lines[notebooks:notebooks] = [text if text.endswith("\n") else text + "\n"]
        target.write_text("".join(lines), encoding="utf-8")
    elif how == "merge":
        data = json.loads(target.read_text(encoding="utf-8"))
        for section, entries in json.loads(text).items():
            assert not set(entries) & set(data[section]), f"{section}: the walk-through must add, not replace"
            data[section].update(entries)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        assert not target.exists(), f"{path} exists already: the walk-through must add it"
        target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """A copy of the repository with every README step done and the site built: (copy, site, before, after)."""
    steps = readme_steps()
    assert {path for path, _, _ in steps} == WALKED, "the README's steps name other files than the walk-throughs"
    repo = tmp_path_factory.mktemp("repo")
    for name in repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    before = digests(repo)
    for step in steps:
        apply(step, repo)
    site = repo / "site"
    env = {key: value for key, value in os.environ.items() if key != "CALCULATORS_PRICING"}
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                           cwd=repo, env={**env, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    return repo, site, before, digests(repo)


def test_only_the_walked_files_change(walked):
    """Adding the calculator and the provider, then building, changes exactly the module, the guide, the nav and
    pricing.json: no registry list, hook, page script or test had to be edited."""
    repo, _, before, after = walked
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == WALKED


def test_the_new_calculators_widget_is_on_its_guide_with_its_figure(walked):
    """The guide has the gpu_hours widget, computed at build time: 10 h on a g5.xlarge at its newest price."""
    repo, site, _, _ = walked
    html = (site / "guides" / "gpu-hours" / "index.html").read_text(encoding="utf-8")
    assert 'data-calc="gpu_hours"' in html and 'name="hours"' in html
    pricing = json.loads((repo / "pricing.json").read_text(encoding="utf-8"))
    price = pricing["instances"]["g5.xlarge"]["on_demand"]["observations"][-1]["value"]
    assert f"${10 * price:,.2f}" in html
    assert "What some GPU-hours cost" in (site / "index.html").read_text(encoding="utf-8"), "the nav names the guide"


def test_the_new_provider_is_a_choice_of_the_cost_to_train_form(walked):
    """The provider filter offers Toy Cloud, the machine list its machine, and the pricing reference its price."""
    _, site, _, _ = walked
    html = (site / "guides" / "cost-to-train" / "index.html").read_text(encoding="utf-8")
    assert '<option value="toycloud">Toy Cloud</option>' in html
    assert '<option value="toycloud-1x-a10">' in html
    reference = (site / "reference" / "pricing" / "index.html").read_text(encoding="utf-8")
    assert 'id="instances-toycloud-1x-a10-on_demand"' in reference


def test_the_new_calculator_passes_the_registrys_own_tests(walked):
    """The generic tests every registered calculator gets (bounds, defaults, URL round trip, any valid input) run
    on gpu_hours in the copy with no test written for it."""
    repo, _, _, _ = walked
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/test_calculators.py", "-q", "-k", "gpu_hours",
                          "-p", "no:cacheprovider", "-p", "no:randomly"], cwd=repo, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert re.search(r"\b([5-9]|\d\d+) passed", run.stdout), run.stdout[-500:]
