"""The weekly price refresh behind .github/workflows/prices.yml: run the importer (`nox -s prices`) on each maintained
catalog, with its guards, and write the pull request's body from the importer's summary.

    python tools/refresh_prices.py [--pricing pricing.json] [--catalog FILE ...] [--summary FILE] [--github-output FILE]

Without ``--catalog`` it fetches, for each provider with a SkyPilot name in pricing.json, that provider's published
SkyPilot catalog, one provider at a time, so that a price the guards refuse (missing, zero, or more than 3x away from
the newest observation) holds back only its own provider's file. With ``--catalog`` it reads recorded files instead
(each dated by the ``sources.json`` beside it), which is how the tests run it, offline. No guard is ever forced.

It writes the summary (Markdown) to ``--summary`` and ``changed=true|false`` and ``refused=N`` to
``--github-output`` (the workflow's ``$GITHUB_OUTPUT``). Exit status: 0 whether or not anything changed or was
refused (the body says which), 2 when a catalog cannot be read or fetched.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from prices import cli  # noqa: E402  (tools/ is not a package; the importer lives beside this file)

FORMAT = "skypilot"
"""The maintained catalogs refreshed every week: SkyPilot's, the one every provider in pricing.json is read from."""


@dataclass(frozen=True)
class Run:
    """One importer run: what it was given, its exit status, and what it printed."""

    label: str
    status: int
    out: str
    err: str

    @property
    def refused(self) -> list[str]:
        """The importer's refusal lines (its guards), one per price held back."""
        return [line for line in self.err.splitlines() if line.startswith("refused  ")]


def run_importer(argv: list[str]) -> tuple[int, str, str]:
    """Run the importer's command line in this process (what ``nox -s prices -- ARGS`` runs) and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


def runs_to_make(pricing: Path, catalogs: list[str]) -> list[tuple[str, list[str]]]:
    """(label, importer arguments) for each run: one per recorded catalog, or one per provider online.

    >>> [label for label, _ in runs_to_make(ROOT / "pricing.json", [])][:3]
    ['aws', 'gcp', 'azure']
    >>> runs_to_make(ROOT / "pricing.json", ["x/lambda.csv"])[0][1][-2:]
    ['--catalog', 'x/lambda.csv']
    """
    common = ["--pricing", str(pricing), "--bump-snapshot"]
    if catalogs:
        return [(Path(location).name, common + ["--catalog", location]) for location in catalogs]
    data = json.loads(pricing.read_text(encoding="utf-8"))
    names = [entry["catalog_names"][FORMAT] for entry in data["providers"].values() if FORMAT in entry.get("catalog_names", {})]
    return [(name, common + ["--format", FORMAT, "--provider", name]) for name in names]


def summary_markdown(runs: list[Run], snapshot: str) -> str:
    """The pull request's body: per catalog, the importer's summary; then every refused price, and what to do.

    >>> print(summary_markdown([Run("lambda", 0, "lambda-1x-a10  on-demand  1.29 → 1.39\\n", "")], "2026-11-30"))
    ## Weekly price refresh
    <BLANKLINE>
    pricing.json's snapshot date is now 2026-11-30. The importer's guards refused nothing.
    <BLANKLINE>
    ### lambda (written)
    <BLANKLINE>
    ```
    lambda-1x-a10  on-demand  1.29 → 1.39
    ```
    """
    refused = [line for run in runs for line in run.refused]
    lines = ["## Weekly price refresh", "",
             f"pricing.json's snapshot date is now {snapshot}. " + (
                 f"The importer's guards refused {len(refused)} price(s); their catalogs were not written."
                 if refused else "The importer's guards refused nothing.")]
    for run in runs:
        state = {0: "written", 1: "held back: a price was refused"}.get(run.status, "not read")
        lines += ["", f"### {run.label} ({state})", "", "```", *(run.out.strip() or "no change").splitlines(), "```"]
        if run.status not in (0, 1):
            lines += ["", run.err.strip()]
    if refused:
        lines += ["", "### Refused", "", *[f"- {line.removeprefix('refused  ')}" for line in refused], "",
                  "Check each against a second dated source, then import it by hand with `--allow INSTANCE`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Refresh, write the summary and the workflow outputs; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pricing", type=Path, default=ROOT / "pricing.json")
    parser.add_argument("--catalog", action="append", default=[], metavar="FILE", help="a recorded catalog (repeatable)")
    parser.add_argument("--summary", type=Path, help="where to write the pull request's body (Markdown)")
    parser.add_argument("--github-output", type=Path, help="the workflow's $GITHUB_OUTPUT file")
    args = parser.parse_args(argv)
    before = args.pricing.read_text(encoding="utf-8")
    runs = [Run(label, *run_importer(importer_args)) for label, importer_args in runs_to_make(args.pricing, args.catalog)]
    after = args.pricing.read_text(encoding="utf-8")
    snapshot = json.loads(after)["snapshot_date"]
    body = summary_markdown(runs, snapshot)
    if args.summary:
        args.summary.write_text(body + "\n", encoding="utf-8")
    print(body)
    refused = sum(len(run.refused) for run in runs)
    if args.github_output:
        with args.github_output.open("a", encoding="utf-8") as output:
            output.write(f"changed={'true' if after != before else 'false'}\nrefused={refused}\n")
    return 2 if any(run.status not in (0, 1) for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
