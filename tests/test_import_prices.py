"""Tests for tools/import_prices.py and tools/prices/: AWS offers, SkyPilot and gpuhunt catalogs into pricing.json.

Every test runs offline on small fixtures (tests/fixtures/aws-price-list, skypilot, gpuhunt) against a
temporary pricing file whose instances are fixed here, so the tests do not move when pricing.json's
prices are refreshed.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
import urllib.error
from pathlib import Path

import pytest

from calculators import load_pricing
from calculators._pricing import Pricing

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "import_prices.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BULK = FIXTURES / "aws-price-list" / "ec2-offer-index.json"
QUERY = FIXTURES / "aws-price-list" / "get-products-response.json"
SKY_AWS = FIXTURES / "skypilot" / "aws-vms.csv"
SKY_GCP = FIXTURES / "skypilot" / "gcp-vms.csv"
SKY_RUNPOD = FIXTURES / "skypilot" / "runpod-vms.csv"
HUNT_AWS = FIXTURES / "gpuhunt" / "aws.csv"
HUNT_LAMBDA = FIXTURES / "gpuhunt" / "lambdalabs.csv"

if not TOOL.exists() or sys.platform == "emscripten":  # the Pyodide run has neither tools/ nor subprocesses
    pytest.skip("tools/import_prices.py runs at build time, in CPython only", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("import_prices", TOOL)
import_prices = importlib.util.module_from_spec(_spec)
sys.modules["import_prices"] = import_prices
_spec.loader.exec_module(import_prices)  # puts tools/ on sys.path, so the package imports below work

from prices import catalog as catalog_module
from prices import gpuhunt, matching, skypilot
from prices.catalog import CatalogError


def _obs(value, source, as_of, region="us-east-1", **extra):
    return dict({"value": value, "region": region, "source": source, "as_of": as_of}, **extra)


def _usd(*observations, kind="on_demand"):
    return {"unit": "USD/h", "offer": {"kind": kind}, "observations": list(observations)}


def _count(value):
    return {"unit": "count", "observations": [_obs(value, "skypilot-v7-aws", "2025-05", "global")]}


INSTANCES = {
    "p4d.24xlarge": {"label": "p4d", "provider": "aws", "gpu": "A100-40GB", "gpu_count": _count(8),
                     "on_demand": _usd(_obs(33.05, "note-nanogpt", "2024"), _obs(32.7726, "skypilot-v7-aws", "2025-05")),
                     "spot": _usd(_obs(7.352, "skypilot-v7-aws", "2025-05", low=5.0933, high=9.6107), kind="spot")},
    "p5.48xlarge": {"label": "p5", "provider": "aws", "gpu": "H100-SXM", "gpu_count": _count(8),
                    "on_demand": _usd(_obs(98.32, "skypilot-v7-aws", "2025-05")),
                    "spot": _usd(_obs(25.6597, "skypilot-v7-aws", "2025-05"), kind="spot")},
    "g5.xlarge": {"label": "g5", "provider": "aws", "gpu": "A10G", "gpu_count": _count(1),
                  "on_demand": _usd(_obs(1.0, "note-aws-dl", "2023"), _obs(1.006, "skypilot-v7-aws", "2025-05"))},
    "g4dn.xlarge": {"label": "g4dn", "provider": "aws", "gpu": "T4", "gpu_count": _count(1),
                    "on_demand": _usd(_obs(0.526, "skypilot-v7-aws", "2025-05"))},
    "c5.2xlarge": {"label": "c5", "provider": "aws", "gpu": None, "gpu_count": _count(0),
                   "on_demand": _usd(_obs(0.34, "skypilot-v7-aws", "2025-05"))},
    "lambda-1x-a10": {"label": "Lambda 1x A10", "provider": "lambda", "instance_type": "gpu_1x_a10", "gpu": "A10",
                      "gpu_count": _count(1), "on_demand": _usd(_obs(0.75, "skypilot-v7-lambda", "2024-11-16"))},
}
GPUS = {  # the GPUs the fixtures name, with the aliases the matching reads
    "H100-SXM": ["H100", "H100 SXM"], "H100-PCIe": ["H100 PCIe"], "A100-40GB": ["A100", "A100 40GB"],
    "A100-80GB": ["A100-80GB", "A100"], "A10G": ["A10G"], "A10": ["A10"], "T4": ["T4"], "L40S": ["L40S"], "B200": ["B200"],
}
MEMORY = {"H100-SXM": 80, "H100-PCIe": 80, "A100-40GB": 40, "A100-80GB": 80, "A10G": 24, "A10": 24, "T4": 16, "L40S": 48, "B200": 180}
PROVIDERS = {
    "aws": {"label": "Amazon Web Services", "catalog_names": {"skypilot": "aws", "gpuhunt": "aws"}, "catalog_regions": ["us-east-1"]},
    "gcp": {"label": "Google Cloud", "catalog_names": {"skypilot": "gcp"}, "catalog_regions": ["us-central1", "us-east4"]},
    "lambda": {"label": "Lambda Cloud", "catalog_names": {"skypilot": "lambda", "gpuhunt": "lambdalabs"}},
    "runpod": {"label": "RunPod", "catalog_regions": ["US"]},
}


def small_pricing() -> dict:
    """The real file's sources and other sections, with the instances, GPUs and providers fixed above."""
    data = json.loads((ROOT / "pricing.json").read_text(encoding="utf-8"))
    data["snapshot_date"] = "2026-11-23"
    for section in ("runs", "throughput", "fabrics"):  # estimator data, dated after this snapshot; no price in it
        data.pop(section, None)
    data["instances"] = copy.deepcopy(INSTANCES)
    for key, aliases in GPUS.items():
        data["gpus"][key] = {"label": f"NVIDIA {key}", "aliases": aliases,
                             "memory": {"unit": "GB", "observations": [_obs(MEMORY[key], "reference-figures", "2026-11", "global")]},
                             "fp32_tflops": {"unit": "TFLOPS", "observations": [_obs(1, "reference-figures", "2026-11", "global")]}}
    for key, entry in PROVIDERS.items():
        data["providers"][key] = dict(data["providers"].get(key, {}), **entry)
    for name in ("note-nanogpt", "note-aws-dl", "skypilot-v7-aws", "skypilot-v7-lambda", "reference-figures"):
        data["sources"].setdefault(name, {"title": name})
    return data


@pytest.fixture
def pricing_file(tmp_path):
    """A temporary pricing file (valid for the loader) that the tool is pointed at."""
    path = tmp_path / "pricing.json"
    data = small_pricing()
    Pricing(data, "small pricing")  # valid for the loader (not load_pricing: it caches by path)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run(capsys, *args):
    """Run the tool's main() and return (exit status, stdout, stderr)."""
    status = import_prices.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def offer_with(tmp_path, **usd_by_sku):
    """A copy of the bulk offer fixture with some SKUs' on-demand price text replaced."""
    offer = json.loads(BULK.read_text(encoding="utf-8"))
    for sku, usd in usd_by_sku.items():
        for term in offer["terms"]["OnDemand"][sku].values():
            for dimension in term["priceDimensions"].values():
                dimension["pricePerUnit"]["USD"] = usd
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer, indent=2), encoding="utf-8")
    return path


def has_line(out: str, *cells: str) -> bool:
    """True when some line of ``out`` holds the cells in order, separated by any spacing."""
    pattern = r"\s+".join(re.escape(cell) for cell in cells)
    return any(re.search(pattern, line) for line in out.splitlines())


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def observations(path, name, field="on_demand"):
    """The observations of one instance's price in a pricing file."""
    return read(path)["instances"][name][field]["observations"]


AWS_ONLY = ["--only", "p4d.24xlarge", "--only", "p5.48xlarge", "--only", "g5.xlarge", "--only", "g4dn.xlarge",
            "--only", "c5.2xlarge"]
NEW_P4D = {"value": 21.9576, "region": "us-east-1", "source": "aws-price-list-2026-11-01", "as_of": "2026-11-01",
           "note": "On-demand Linux, shared tenancy, SKU P4DLINUXUSE1AAAA, offer version 20261101000000"}


# --- format detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "fmt"), [(BULK, "aws-price-list"), (QUERY, "aws-price-list"), (SKY_AWS, "skypilot"),
                                           (SKY_GCP, "skypilot"), (SKY_RUNPOD, "skypilot"), (HUNT_AWS, "gpuhunt"),
                                           (HUNT_LAMBDA, "gpuhunt")])
def test_format_is_told_from_the_header(path, fmt):
    """Each fixture's format is recognised from its first bytes, whatever its column order."""
    assert catalog_module.detect_format(path.read_text(encoding="utf-8")) == fmt


def test_unknown_header_asks_for_format(tmp_path, pricing_file, capsys):
    """A CSV in no known format stops with status 2 and names --format."""
    path = tmp_path / "prices.csv"
    path.write_text("name,cost\nx,1\n", encoding="utf-8")
    status, _, err = run(capsys, "--catalog", path, "--pricing", pricing_file, "--as-of", "2026-11-01")
    assert status == 2 and "--format" in err and "Traceback" not in err


# --- AWS Price List ---------------------------------------------------------------------------------


def test_bulk_offer_keeps_only_the_plain_linux_price():
    """Windows, RHEL, dedicated, host, SQL, capacity-reservation and storage products are ignored."""
    from prices import aws_offer
    catalog = aws_offer.parse(BULK.read_text(encoding="utf-8"), str(BULK))
    east = {(row.instance, row.on_demand, row.detail) for row in catalog.rows if row.region == "us-east-1"}
    assert east == {("p4d.24xlarge", 21.9576, "SKU P4DLINUXUSE1AAAA"), ("p5.48xlarge", 55.04, "SKU P5XLINUXUSE1BBBB"),
                    ("g5.xlarge", 1.006, "SKU G5XLINUXUSE1CCCC"), ("g4dn.xlarge", 0.526, "SKU G4DNLINUXUSE1DDD"),
                    ("c5.2xlarge", 0.34, "SKU C52XLINUXUSE1EEE")}
    assert catalog.date == "2026-11-01" and catalog.version == "20261101000000"


def test_get_products_response_gives_the_same_prices():
    """The Query API's PriceList of JSON strings yields the same prices as the bulk file."""
    from prices import aws_offer
    catalog = aws_offer.parse(QUERY.read_text(encoding="utf-8"), str(QUERY))
    assert sorted((row.instance, row.on_demand) for row in catalog.rows if row.region == "us-east-1") == [
        ("g5.xlarge", 1.006), ("p4d.24xlarge", 21.9576), ("p5.48xlarge", 55.04)]
    assert catalog.date == "2026-11-01"


def test_unknown_json_is_an_error(tmp_path, pricing_file, capsys):
    """A JSON file in neither AWS layout stops the tool with status 2."""
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    status, _, err = run(capsys, "--offer", path, "--pricing", pricing_file)
    assert status == 2 and "neither a bulk offer file" in err


def test_offer_appends_changes_keeps_history_and_records_the_offer(pricing_file, capsys):
    """p4d and p5 gain an observation from the offer; older ones stay; the source names the offer's version and date."""
    before = read(pricing_file)
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *AWS_ONLY)
    assert status == 0, out
    after = read(pricing_file)
    assert observations(pricing_file, "p4d.24xlarge") == before["instances"]["p4d.24xlarge"]["on_demand"]["observations"] + [NEW_P4D]
    assert observations(pricing_file, "p5.48xlarge")[-1]["value"] == 55.04
    assert observations(pricing_file, "p5.48xlarge")[0]["value"] == 98.32
    for name in ("g5.xlarge", "g4dn.xlarge", "c5.2xlarge"):
        old = before["instances"][name]["on_demand"]["observations"]
        new = after["instances"][name]["on_demand"]["observations"]
        assert new[:-1] == old, f"{name}: history changed"
        assert (new[-1]["value"], new[-1]["as_of"], new[-1]["source"]) == (old[-1]["value"], "2026-11-01", "aws-price-list-2026-11-01"), \
            f"{name}: the unchanged price is not confirmed at the offer's date"
    source = after["sources"]["aws-price-list-2026-11-01"]
    assert source["catalog"] == {"name": "aws-price-list", "version": "20261101000000", "date": "2026-11-01",
                                 "file": "ec2-offer-index.json"}
    assert source["published"] == "2026-11-01"
    loaded = load_pricing(pricing_file)
    assert loaded.value("/instances/p4d.24xlarge/on_demand") == 21.9576
    assert loaded.value("/instances/p4d.24xlarge/on_demand@note-nanogpt") == 33.05


def test_file_keeps_key_order_and_two_space_indent(pricing_file, capsys):
    """The rewritten file is 2-space indented JSON with every key in its old place and the source appended."""
    before = read(pricing_file)
    run(capsys, "--offer", BULK, "--pricing", pricing_file, *AWS_ONLY)
    text = pricing_file.read_text(encoding="utf-8")
    after = json.loads(text)
    assert text == json.dumps(after, indent=2, ensure_ascii=False) + "\n"
    assert list(after) == list(before)
    assert list(after["instances"]) == list(before["instances"])
    assert list(after["sources"]) == list(before["sources"]) + ["aws-price-list-2026-11-01"]


def test_a_second_run_changes_nothing(pricing_file, capsys):
    """Importing the same offer again changes nothing, byte for byte."""
    run(capsys, "--offer", BULK, "--pricing", pricing_file, *AWS_ONLY)
    first = pricing_file.read_bytes()
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *AWS_ONLY)
    assert status == 0 and "nothing to change" in out and "5 unchanged" in out
    assert pricing_file.read_bytes() == first


def test_as_of_overrides_the_publication_date(pricing_file, capsys):
    """--as-of dates the new observations and names the source."""
    run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2026-11-20")
    assert observations(pricing_file, "p4d.24xlarge")[-1]["as_of"] == "2026-11-20"
    assert observations(pricing_file, "p4d.24xlarge")[-1]["source"] == "aws-price-list-2026-11-20"


def test_as_of_after_the_snapshot_needs_bump_snapshot(pricing_file, capsys):
    """A date after snapshot_date is an error unless --bump-snapshot moves the snapshot forward."""
    before = pricing_file.read_bytes()
    args = ["--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2099-01-01"]
    status, _, err = run(capsys, *args)
    assert status == 2 and "after snapshot_date" in err
    assert pricing_file.read_bytes() == before
    status, _, _ = run(capsys, *args, "--bump-snapshot")
    assert status == 0 and load_pricing(pricing_file).snapshot_date == "2099-01-01"


def test_dry_run_writes_nothing(pricing_file, capsys):
    """--dry-run prints the summary and leaves the file alone."""
    before = pricing_file.read_bytes()
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *AWS_ONLY, "--dry-run")
    assert status == 0 and "dry run" in out
    assert has_line(out, "p4d.24xlarge", "on-demand", "32.7726 → 21.9576", "-33.0%", "us-east-1")
    assert pricing_file.read_bytes() == before


def test_missing_price_is_refused_and_nothing_written(pricing_file, capsys):
    """An instance of the catalog's provider that the catalog lacks stops the import, named with its newest price."""
    data = read(pricing_file)
    data["instances"]["p3.2xlarge"] = {"label": "p3", "provider": "aws", "gpu": None, "gpu_count": _count(1),
                                       "on_demand": _usd(_obs(3.06, "skypilot-v7-aws", "2025-05"))}
    pricing_file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--offer", BULK, "--pricing", pricing_file)
    assert status == 1
    assert "p3.2xlarge: no on-demand price in the catalog; newest is 3.06 USD/h (skypilot-v7-aws, 2025-05)" in err
    assert pricing_file.read_bytes() == before
    assert list(pricing_file.parent.iterdir()) == [pricing_file]
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--allow", "p3.2xlarge")
    assert status == 0 and "skipped: p3.2xlarge: no on-demand price" in out
    assert observations(pricing_file, "p3.2xlarge") == [_obs(3.06, "skypilot-v7-aws", "2025-05")]


@pytest.mark.parametrize(("usd", "shown", "problem"), [
    ("0.0000000000", "0.0", "is zero"),
    ("100.0000000000", "100.0", "is more than 3x"),  # 100 / 32.7726 = 3.05
    ("10.0000000000", "10.0", "is more than 3x"),  # 32.7726 / 10 = 3.28
])
def test_zero_or_far_off_price_is_refused(tmp_path, pricing_file, usd, shown, problem, capsys):
    """A zero price, or one more than 3x from the newest, is refused with both prices named."""
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--offer", offer_with(tmp_path, P4DLINUXUSE1AAAA=usd), "--pricing", pricing_file, *AWS_ONLY)
    assert status == 1
    assert f"p4d.24xlarge: catalog on-demand price {shown} USD/h {problem}" in err
    assert "32.7726 USD/h (skypilot-v7-aws, 2025-05)" in err
    assert pricing_file.read_bytes() == before


def test_close_price_within_3x_is_accepted(tmp_path, pricing_file, capsys):
    """A price 2.9x the newest is a normal change."""
    status, _, _ = run(capsys, "--offer", offer_with(tmp_path, P4DLINUXUSE1AAAA="95.0000000000"), "--pricing", pricing_file,
                       "--only", "p4d.24xlarge")
    assert status == 0 and observations(pricing_file, "p4d.24xlarge")[-1]["value"] == 95.0


@pytest.mark.parametrize("usd", ["0.0000000000", "100.0000000000"])
def test_force_accepts_zero_and_far_off_prices(tmp_path, pricing_file, usd, capsys):
    """With --force a refused price is appended and the file still validates."""
    status, _, _ = run(capsys, "--offer", offer_with(tmp_path, P4DLINUXUSE1AAAA=usd), "--pricing", pricing_file, *AWS_ONLY, "--force")
    assert status == 0
    assert load_pricing(pricing_file).value("/instances/p4d.24xlarge/on_demand") == float(usd)


def test_allow_permits_only_the_named_instance(tmp_path, pricing_file, capsys):
    """--allow lets one machine through; another refused machine still stops the import."""
    offer = offer_with(tmp_path, P4DLINUXUSE1AAAA="0.0000000000", P5XLINUXUSE1BBBB="400.0000000000")
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--offer", offer, "--pricing", pricing_file, *AWS_ONLY, "--allow", "p4d.24xlarge")
    assert status == 1 and "p5.48xlarge: catalog on-demand price 400.0 USD/h is more than 3x" in err and "p4d.24xlarge" not in err
    assert pricing_file.read_bytes() == before
    status, _, _ = run(capsys, "--offer", offer, "--pricing", pricing_file, *AWS_ONLY, "--allow", "p4d.24xlarge", "--allow", "p5.48xlarge")
    assert status == 0 and observations(pricing_file, "p5.48xlarge")[-1]["value"] == 400.0


def test_unknown_instance_name_is_an_error(pricing_file, capsys):
    """--only with a name not in pricing.json stops the tool."""
    status, _, err = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p9.mega")
    assert status == 2 and "p9.mega" in err


def test_invalid_result_is_never_written(pricing_file):
    """write_validated refuses a document the loader rejects and leaves the old file in place."""
    from prices import update
    before = pricing_file.read_bytes()
    broken = json.loads(before)
    broken["instances"]["p4d.24xlarge"]["on_demand"]["observations"].append(dict(NEW_P4D, source="nobody"))
    with pytest.raises(CatalogError, match="not be valid"):
        update.write_validated(broken, pricing_file)
    assert pricing_file.read_bytes() == before
    assert list(pricing_file.parent.iterdir()) == [pricing_file]


# --- SkyPilot ---------------------------------------------------------------------------------------


def test_skypilot_refresh_appends_post_cut_prices_and_keeps_the_old_as_history(pricing_file, capsys):
    """p5.48xlarge gets the catalog's 55.04 dated by the catalog, not today; 98.32 stays as history."""
    status, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file)
    assert status == 0, out
    p5 = observations(pricing_file, "p5.48xlarge")
    assert [(obs["value"], obs["as_of"]) for obs in p5] == [(98.32, "2025-05"), (55.04, "2025-08-18")]
    assert p5[-1]["source"] == "skypilot-v8-aws-2025-08-18" and p5[-1]["region"] == "us-east-1"
    loaded = load_pricing(pricing_file)
    assert loaded.value("/instances/p5.48xlarge/on_demand") == 55.04
    assert loaded.value("/instances/p5.48xlarge/on_demand@skypilot-v7-aws") == 98.32


def test_skypilot_spot_is_the_midpoint_of_the_zone_range(pricing_file, capsys):
    """Spot = midpoint of the us-east-1 zones' range; a zone whose spot equals on-demand (no spot capacity) is left out."""
    run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file)
    spot = observations(pricing_file, "p5.48xlarge", "spot")[-1]
    assert (spot["value"], spot["low"], spot["high"]) == (18.0, 17.6289, 18.3711)
    assert spot["note"] == "midpoint of the lowest-highest spot price over 3 zone rows"
    assert observations(pricing_file, "p5.48xlarge", "spot")[0]["value"] == 25.6597


def test_skypilot_source_records_catalog_version_commit_and_date(pricing_file, capsys):
    """The sources entry names the catalog, its version, commit, path and date (from sources.json beside the file)."""
    run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file)
    source = read(pricing_file)["sources"]["skypilot-v8-aws-2025-08-18"]
    assert source["catalog"] == {"name": "skypilot", "version": "v8", "commit": "00148f2af3672e2229b4f7bf8157d5a3f36e3c35",
                                 "date": "2025-08-18", "repo": "skypilot-org/skypilot-catalog", "path": "catalogs/v8/aws/vms.csv"}
    assert source["url"] == ("https://github.com/skypilot-org/skypilot-catalog/blob/"
                             "00148f2af3672e2229b4f7bf8157d5a3f36e3c35/catalogs/v8/aws/vms.csv")
    assert source["published"] == "2025-08-18"


def test_summary_shows_old_new_change_and_source(pricing_file, capsys):
    """The summary names the catalog and source, then each change with old → new and the percentage."""
    _, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--dry-run")
    assert "skypilot v8 aws (commit 00148f2, 2025-08-18) -> source skypilot-v8-aws-2025-08-18" in out
    assert has_line(out, "instance", "price", "old → new (USD/h)", "change", "region")
    assert has_line(out, "p5.48xlarge", "on-demand", "98.32 → 55.04", "-44.0%", "us-east-1")
    assert has_line(out, "p4d.24xlarge", "on-demand", "32.7726 → 21.957642", "-33.0%", "us-east-1")
    assert has_line(out, "g5.xlarge", "spot", "new → 0.43765", "new", "us-east-1")
    assert "3 confirmed at this catalog's date" in out


def test_a_same_price_in_a_later_catalog_is_recorded_once_at_the_later_date(pricing_file, capsys):
    """An unchanged price gains the catalog's date (so its age shows it is current), and a second run adds nothing."""
    before = observations(pricing_file, "g5.xlarge")
    run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file)
    after = observations(pricing_file, "g5.xlarge")
    assert after[:-1] == before
    assert (after[-1]["value"], after[-1]["as_of"]) == (before[-1]["value"], "2025-08-18")
    status, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file)
    assert status == 0 and observations(pricing_file, "g5.xlarge") == after
    assert "confirmed at this catalog's date" not in out


def test_new_instance_from_a_catalog_row_needs_only_data(pricing_file, capsys):
    """--add g6e.xlarge creates the instance: GPU through the L40S alias, provider, counts, sizes and both prices."""
    status, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add", "g6e.xlarge")
    assert status == 0, out
    entry = read(pricing_file)["instances"]["g6e.xlarge"]
    assert entry["provider"] == "aws" and entry["gpu"] == "L40S"
    assert entry["label"] == "Amazon Web Services g6e.xlarge (1× NVIDIA L40S)"
    assert entry["gpu_count"]["observations"][0]["value"] == 1 and entry["vcpus"]["observations"][0]["value"] == 4
    assert entry["memory"] == {"unit": "GiB", "observations": [_obs(32, "skypilot-v8-aws-2025-08-18", "2025-08-18", "global")]}
    assert entry["on_demand"]["observations"][0]["value"] == 1.861
    assert (entry["spot"]["observations"][0]["low"], entry["spot"]["observations"][0]["high"]) == (0.9154, 1.1975)
    assert has_line(out, "g6e.xlarge", "on-demand", "new → 1.861", "new")
    assert load_pricing(pricing_file).value("/instances/g6e.xlarge/on_demand") == 1.861


def test_gpu_memory_chooses_between_entries_sharing_an_alias(pricing_file, capsys):
    """p4de's A100-80GB row (81920 MiB) maps to A100-80GB, not to the 40 GB entry that also has the alias A100."""
    run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add", "p4de.24xlarge")
    assert read(pricing_file)["instances"]["p4de.24xlarge"]["gpu"] == "A100-80GB"
    assert matching.gpu_key({"gpus": small_pricing()["gpus"]}, "A100", [40.0]) == ("A100-40GB", "")


def test_unknown_gpu_alias_is_reported_clearly(pricing_file, capsys):
    """A row whose GPU no /gpus entry knows is named with the fix; an explicit --add of it is refused."""
    status, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add-all", "--dry-run")
    assert status == 0
    assert ("not added: p6-b300.48xlarge: catalog GPU 'B300' (268.594 GiB) is not a key or alias of any /gpus entry: "
            "add it to a GPU's aliases in pricing.json") in out
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add", "p6-b300.48xlarge")
    assert status == 1 and "p6-b300.48xlarge: catalog GPU 'B300'" in err
    assert pricing_file.read_bytes() == before


def test_add_all_creates_every_known_gpu_instance_once(pricing_file, capsys):
    """--add-all adds g6e and p4de (GPUs known), not the CPU-only c5 row (already known) nor B300; a rerun adds nothing."""
    run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add-all")
    names = set(read(pricing_file)["instances"])
    assert {"g6e.xlarge", "p4de.24xlarge"} <= names and "p6-b300.48xlarge" not in names
    first = pricing_file.read_bytes()
    status, out, _ = run(capsys, "--catalog", SKY_AWS, "--pricing", pricing_file, "--add-all")
    assert status == 0 and "nothing to change" in out and pricing_file.read_bytes() == first


def test_gcp_host_and_gpu_rows_are_joined(pricing_file, capsys):
    """a3-highgpu-8g = host VM row + 8×H100 row of the same zone; a4's zero host price adds nothing; n1 hosts are left out."""
    status, out, _ = run(capsys, "--catalog", SKY_GCP, "--pricing", pricing_file, "--as-of", "2025-11-27", "--add-all")
    assert status == 0, out
    instances = read(pricing_file)["instances"]
    a3 = instances["a3-highgpu-8g"]
    assert a3["gpu"] == "H100-SXM" and a3["gpu_count"]["observations"][0]["value"] == 8 and a3["provider"] == "gcp"
    on_demand = a3["on_demand"]["observations"][0]
    assert (on_demand["value"], on_demand["region"], on_demand["as_of"]) == (87.83247, "us-east4", "2025-11-27")  # 9.46006 + 78.37241
    assert "host VM + GPU rows" in on_demand["note"]
    assert a3["spot"]["observations"][0]["value"] == 20.04446
    assert instances["a4-highgpu-8g"]["on_demand"]["observations"][0]["value"] == 90.216
    assert "n1-standard-8" not in instances
    comment = read(pricing_file)["sources"]["skypilot-v8-gcp-2025-11-27"]["comment"]
    assert "given with --as-of" in comment and "2025-11-27 to 2026-05" in comment


def test_runpod_spot_copy_of_on_demand_is_not_a_spot_price_and_gpu_model_is_used(pricing_file, capsys):
    """RunPod copies the on-demand price into SpotPrice (no spot); its GpuInfo name 'H100 PCIe' picks H100-PCIe."""
    status, out, _ = run(capsys, "--catalog", SKY_RUNPOD, "--pricing", pricing_file, "--add-all")
    assert status == 0, out
    entry = read(pricing_file)["instances"]["8x_H100_SECURE"]
    assert entry["gpu"] == "H100-PCIe" and "spot" not in entry
    assert entry["on_demand"]["observations"][0]["value"] == 23.12
    assert read(pricing_file)["instances"]["1x_A100-80GB_SECURE"]["gpu"] == "A100-80GB"  # memory read as GB


def test_catalog_without_a_date_is_refused(tmp_path, pricing_file, capsys):
    """An undated catalog needs --as-of; the error says it is the catalog's date, not today's."""
    copy_ = tmp_path / "vms.csv"
    copy_.write_text(SKY_AWS.read_text(encoding="utf-8"), encoding="utf-8")
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--catalog", copy_, "--provider", "aws", "--pricing", pricing_file)
    assert status == 2 and "the catalog has no date" in err and "--as-of" in err and "not today's date" in err
    assert len(err.strip().splitlines()) == 1 and pricing_file.read_bytes() == before
    status, _, _ = run(capsys, "--catalog", copy_, "--provider", "aws", "--pricing", pricing_file, "--as-of", "2025-09-01")
    assert status == 0 and observations(pricing_file, "p5.48xlarge")[-1]["as_of"] == "2025-09-01"


def test_unknown_provider_is_reported(tmp_path, pricing_file, capsys):
    """A catalog whose cloud is no key of /providers nor a catalog_names entry stops with the fix named."""
    status, _, err = run(capsys, "--catalog", SKY_AWS, "--provider", "oci", "--pricing", pricing_file)
    assert status == 2 and "provider 'oci' is not a key of /providers" in err


# --- gpuhunt ----------------------------------------------------------------------------------------


def test_gpuhunt_rows_pair_on_demand_and_spot():
    """The spot row of an offer becomes the spot price of the on-demand row."""
    catalog = gpuhunt.parse(HUNT_AWS.read_text(encoding="utf-8"), str(HUNT_AWS), "aws")
    rows = {row.instance: row for row in catalog.rows}
    assert (rows["p5.48xlarge"].on_demand, rows["p5.48xlarge"].spot) == (55.04, 17.9)
    assert rows["g5.xlarge"].spot is None and rows["g6e.xlarge"].gpu_memory == (48.0,)


def test_gpuhunt_version_is_the_date_and_the_source(pricing_file, capsys):
    """A gpuhunt version YYYYMMDD-run dates the observations and is recorded in the source."""
    status, out, _ = run(capsys, "--catalog", HUNT_AWS, "--catalog-version", "20251120-57", "--pricing", pricing_file,
                         "--add", "g6e.xlarge")
    assert status == 0, out
    assert observations(pricing_file, "p5.48xlarge")[-1] == _obs(55.04, "gpuhunt-aws-2025-11-20", "2025-11-20",
                                                                 note="on-demand price of 1 row")
    assert read(pricing_file)["instances"]["g6e.xlarge"]["spot"]["observations"][0]["value"] == 0.92
    assert read(pricing_file)["sources"]["gpuhunt-aws-2025-11-20"]["catalog"] == {
        "name": "gpuhunt", "version": "20251120-57", "date": "2025-11-20", "file": "aws.csv"}


def test_gpuhunt_provider_name_maps_through_catalog_names(pricing_file, capsys):
    """lambdalabs.csv refreshes the Lambda instance whose instance_type is gpu_1x_a10, and adds the B200 machine."""
    status, out, _ = run(capsys, "--catalog", HUNT_LAMBDA, "--as-of", "2026-05-18", "--pricing", pricing_file, "--add-all")
    assert status == 0, out
    assert [obs["value"] for obs in observations(pricing_file, "lambda-1x-a10")] == [0.75, 1.29]
    machines = read(pricing_file)["instances"]
    assert any(m.get("instance_type", name) == "gpu_8x_b200_sxm6" and m["provider"] == "lambda" for name, m in machines.items())
    assert has_line(out, "lambda-1x-a10", "on-demand", "0.75 → 1.29", "+72.0%")


def test_gpuhunt_without_version_is_refused(pricing_file, capsys):
    """A gpuhunt file whose version is unknown has no date: refused until --as-of or --catalog-version."""
    status, _, err = run(capsys, "--catalog", HUNT_AWS, "--pricing", pricing_file)
    assert status == 2 and "no date" in err


# --- online -----------------------------------------------------------------------------------------


def test_online_fetch_fails_with_one_line(monkeypatch, pricing_file, capsys):
    """Without --catalog the published catalog is fetched; with no network that is one line, status 2, no traceback."""
    def refuse(*args, **kwargs):
        raise urllib.error.URLError(OSError(101, "Network is unreachable"))

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    status, _, err = run(capsys, "--pricing", pricing_file, "--provider", "aws")
    assert status == 2
    assert err.startswith("error: cannot fetch https://api.github.com/repos/skypilot-org/skypilot-catalog/commits")
    assert "Offline? Download the catalog and pass --catalog FILE" in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, "--pricing", pricing_file, "--format", "gpuhunt", "--provider", "aws")
    assert status == 2 and "dstack-gpu-pricing" in err and len(err.strip().splitlines()) == 1


def test_command_line_runs_as_a_script(pricing_file):
    """`python tools/import_prices.py --catalog ... --dry-run` works; an unreachable URL is one line on stderr."""
    done = subprocess.run([sys.executable, str(TOOL), "--catalog", str(SKY_AWS), "--pricing", str(pricing_file), "--dry-run"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "p5.48xlarge" in done.stdout and "dry run" in done.stdout
    done = subprocess.run([sys.executable, str(TOOL), "--catalog", "http://127.0.0.1:9/vms.csv", "--pricing", str(pricing_file)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stderr.startswith("error: cannot fetch http://127.0.0.1:9/vms.csv")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


# --- units ------------------------------------------------------------------------------------------


def test_skypilot_reader_quirks():
    """Vast's 0.00 spot is no spot; Vast's total GPU memory and RunPod's GB-in-MiB both match the per-GPU memory."""
    text = ("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region\n"
            "2x-H200-32-65536,H200,2,32,64.0,\"{'Gpus': [{'Name': 'H200', 'Count': 2, 'MemoryInfo': {'SizeInMiB': 287542}}]}\","
            "5.18,0.00,\"Michigan, US, NA\"\n")
    row = skypilot.parse(text, "vast.csv", "vast").rows[0]
    assert row.spot is None and row.region == "Michigan, US, NA"
    assert 140.0 < row.gpu_memory[1] < 141.0
