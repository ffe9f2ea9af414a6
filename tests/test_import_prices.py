"""Tests for tools/import_prices.py: reading the AWS Price List and appending prices to pricing.json."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from calculators import load_pricing

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "import_prices.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "aws-price-list"
BULK = FIXTURES / "ec2-offer-index.json"
QUERY = FIXTURES / "get-products-response.json"

if not TOOL.exists() or sys.platform == "emscripten":  # the Pyodide run has neither tools/ nor subprocesses
    pytest.skip("tools/import_prices.py runs at build time, in CPython only", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("import_prices", TOOL)
import_prices = importlib.util.module_from_spec(_spec)
sys.modules["import_prices"] = import_prices  # dataclasses look their module up while the file runs
_spec.loader.exec_module(import_prices)

# The machines the fixture prices; the other AWS machines in pricing.json are missing from it.
IN_FIXTURE = ["p4d.24xlarge", "p5.48xlarge", "g5.xlarge", "g4dn.xlarge", "c5.2xlarge"]
ONLY_FIXTURE = [arg for name in IN_FIXTURE for arg in ("--only", name)]

NEW_P4D = {
    "value": 21.9576,
    "region": "us-east-1",
    "source": "aws-price-list",
    "as_of": "2026-11-01",
    "note": "On-demand Linux, shared tenancy, SKU P4DLINUXUSE1AAAA, offer version 20261101000000",
}
NEW_P5 = dict(NEW_P4D, value=55.04, note="On-demand Linux, shared tenancy, SKU P5XLINUXUSE1BBBB, offer version 20261101000000")


@pytest.fixture
def pricing_file(tmp_path):
    """A temporary copy of pricing.json, the file the tool is pointed at."""
    path = tmp_path / "pricing.json"
    path.write_text((ROOT / "pricing.json").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def run(capsys, *args):
    """Run the tool's main() and return (exit status, stdout, stderr)."""
    status = import_prices.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def offer_with(tmp_path, **usd_by_sku):
    """A copy of the bulk fixture with some SKUs' on-demand price text replaced."""
    offer = json.loads(BULK.read_text(encoding="utf-8"))
    for sku, usd in usd_by_sku.items():
        for term in offer["terms"]["OnDemand"][sku].values():
            for dimension in term["priceDimensions"].values():
                dimension["pricePerUnit"]["USD"] = usd
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer, indent=2), encoding="utf-8")
    return path


def observations(path, name):
    """The on-demand observations of one instance in a pricing file."""
    return json.loads(path.read_text(encoding="utf-8"))["instances"][name]["on_demand"]["observations"]


# --- reading the offer ------------------------------------------------------------------------


def test_bulk_offer_keeps_only_the_plain_linux_price():
    """Windows, RHEL, dedicated, host, SQL, capacity-reservation and other-region decoys are ignored."""
    offer = import_prices.parse_offer(json.loads(BULK.read_text(encoding="utf-8")), "us-east-1")
    assert [(p.value, p.sku) for p in offer.prices["p4d.24xlarge"]] == [(21.9576, "P4DLINUXUSE1AAAA")]
    assert {name: [p.value for p in found] for name, found in offer.prices.items()} == {
        "p4d.24xlarge": [21.9576], "p5.48xlarge": [55.04], "g5.xlarge": [1.006], "g4dn.xlarge": [0.526], "c5.2xlarge": [0.34],
    }
    assert offer.publication_date == "2026-11-01T00:00:00Z" and offer.version == "20261101000000"


def test_region_selects_the_region_code():
    """Asking for us-west-2 finds the Oregon product instead."""
    offer = import_prices.parse_offer(json.loads(BULK.read_text(encoding="utf-8")), "us-west-2")
    assert [p.value for p in offer.prices["p4d.24xlarge"]] == [25.0]


def test_get_products_response_gives_the_same_prices():
    """The Query API's PriceList of JSON strings yields the same prices as the bulk file."""
    offer = import_prices.parse_offer(json.loads(QUERY.read_text(encoding="utf-8")), "us-east-1")
    assert {name: [p.value for p in found] for name, found in offer.prices.items()} == {
        "p4d.24xlarge": [21.9576], "p5.48xlarge": [55.04], "g5.xlarge": [1.006],
    }
    assert offer.publication_date == "2026-11-01T00:00:00Z"


def test_unknown_format_is_an_error(tmp_path, pricing_file, capsys):
    """A JSON file in neither format stops the tool with status 2."""
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    status, _, err = run(capsys, "--offer", path, "--pricing", pricing_file)
    assert status == 2 and "neither a bulk offer file" in err


# --- appending --------------------------------------------------------------------------------


def test_changed_prices_are_appended_and_history_kept(pricing_file, capsys):
    """p4d and p5 gain an aws-price-list observation; their older observations stay; the file validates."""
    before = json.loads(pricing_file.read_text(encoding="utf-8"))
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *ONLY_FIXTURE)
    assert status == 0, out
    after = json.loads(pricing_file.read_text(encoding="utf-8"))
    assert observations(pricing_file, "p4d.24xlarge") == before["instances"]["p4d.24xlarge"]["on_demand"]["observations"] + [NEW_P4D]
    assert observations(pricing_file, "p5.48xlarge") == before["instances"]["p5.48xlarge"]["on_demand"]["observations"] + [NEW_P5]
    for name in ("g5.xlarge", "g4dn.xlarge", "c5.2xlarge"):
        assert after["instances"][name] == before["instances"][name]
    assert after["sources"]["aws-price-list"]["title"].startswith("AWS Price List")
    loaded = load_pricing(pricing_file)
    assert loaded.value("/instances/p4d.24xlarge/on_demand") == 21.9576
    assert loaded.value("/instances/p4d.24xlarge/on_demand@note-nanogpt") == 33.05


def test_file_keeps_key_order_and_two_space_indent(pricing_file, capsys):
    """The rewritten file is 2-space indented JSON with every key in its old place."""
    before = json.loads(pricing_file.read_text(encoding="utf-8"))
    run(capsys, "--offer", BULK, "--pricing", pricing_file, *ONLY_FIXTURE)
    text = pricing_file.read_text(encoding="utf-8")
    after = json.loads(text)
    assert text == json.dumps(after, indent=2, ensure_ascii=False) + "\n"
    assert list(after) == list(before)
    assert list(after["instances"]) == list(before["instances"])
    assert list(after["sources"]) == list(before["sources"]) + ["aws-price-list"]


def test_unchanged_prices_are_skipped(pricing_file, capsys):
    """A second run over the same offer changes nothing, byte for byte."""
    run(capsys, "--offer", BULK, "--pricing", pricing_file, *ONLY_FIXTURE)
    first = pricing_file.read_bytes()
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *ONLY_FIXTURE)
    assert status == 0 and "nothing to change" in out
    assert "unchanged p4d.24xlarge: 21.9576 USD/h" in out
    assert pricing_file.read_bytes() == first


def test_query_api_response_appends_the_same_observation(pricing_file, capsys):
    """Importing the GetProducts response appends the same p4d observation as the bulk file."""
    status, _, _ = run(capsys, "--offer", QUERY, "--pricing", pricing_file, "--only", "p4d.24xlarge")
    assert status == 0
    assert observations(pricing_file, "p4d.24xlarge")[-1] == NEW_P4D


def test_as_of_overrides_the_publication_date(pricing_file, capsys):
    """--as-of dates the new observations."""
    run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2026-11-20")
    assert observations(pricing_file, "p4d.24xlarge")[-1]["as_of"] == "2026-11-20"


def test_as_of_after_the_snapshot_needs_bump_snapshot(pricing_file, capsys):
    """A date after snapshot_date is an error unless --bump-snapshot moves the snapshot forward."""
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2099-01-01")
    assert status == 2 and "after snapshot_date" in err
    assert pricing_file.read_bytes() == before
    status, _, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2099-01-01",
                       "--bump-snapshot")
    assert status == 0
    assert load_pricing(pricing_file).snapshot_date == "2099-01-01"


def test_dry_run_writes_nothing(pricing_file, capsys):
    """--dry-run reports the appends and leaves the file alone."""
    before = pricing_file.read_bytes()
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, *ONLY_FIXTURE, "--dry-run")
    assert status == 0 and "append    p4d.24xlarge: 32.7726 -> 21.9576 USD/h" in out and "dry run" in out
    assert pricing_file.read_bytes() == before


def test_a_second_price_change_adds_history_and_one_source(tmp_path, pricing_file, capsys):
    """Two imports with different prices leave both observations and a single source entry."""
    run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p4d.24xlarge")
    later = offer_with(tmp_path, P4DLINUXUSE1AAAA="20.0000000000")
    status, _, _ = run(capsys, "--offer", later, "--pricing", pricing_file, "--only", "p4d.24xlarge", "--as-of", "2026-11-22")
    assert status == 0
    values = [obs["value"] for obs in observations(pricing_file, "p4d.24xlarge")]
    assert values[-2:] == [21.9576, 20.0]
    assert list(json.loads(pricing_file.read_text(encoding="utf-8"))["sources"]).count("aws-price-list") == 1
    assert load_pricing(pricing_file).value("/instances/p4d.24xlarge/on_demand") == 20.0


# --- refusals -----------------------------------------------------------------------------------


def test_missing_price_is_refused_and_nothing_written(pricing_file, pricing, capsys):
    """Machines absent from the offer stop the import, named with their newest price."""
    before = pricing_file.read_bytes()
    status, _, err = run(capsys, "--offer", BULK, "--pricing", pricing_file)
    assert status == 1
    newest = pricing.value("/instances/p3.2xlarge/on_demand")
    assert f"p3.2xlarge: no price in the offer; newest is {newest} USD/h" in err
    assert pricing_file.read_bytes() == before
    assert list(pricing_file.parent.iterdir()) == [pricing_file]


@pytest.mark.parametrize(
    ("usd", "shown", "problem"),
    [
        ("0.0000000000", "0.0", "is zero"),
        ("100.0000000000", "100.0", "is more than 3x"),  # 100 / 32.7726 = 3.05
        ("10.0000000000", "10.0", "is more than 3x"),  # 32.7726 / 10 = 3.28
    ],
)
def test_zero_or_far_off_price_is_refused(tmp_path, pricing_file, usd, shown, problem, capsys):
    """A zero price, or one more than 3x from the newest, is refused with both prices named."""
    before = pricing_file.read_bytes()
    offer = offer_with(tmp_path, P4DLINUXUSE1AAAA=usd)
    status, _, err = run(capsys, "--offer", offer, "--pricing", pricing_file, *ONLY_FIXTURE)
    assert status == 1
    assert f"p4d.24xlarge: offer price {shown} USD/h {problem}" in err
    assert "32.7726 USD/h (skypilot-v7-aws" in err
    assert pricing_file.read_bytes() == before


def test_close_price_within_3x_is_accepted(tmp_path, pricing_file, capsys):
    """A price 2.9x the newest is a normal change."""
    offer = offer_with(tmp_path, P4DLINUXUSE1AAAA="95.0000000000")  # 95 / 32.7726 = 2.90
    status, _, _ = run(capsys, "--offer", offer, "--pricing", pricing_file, "--only", "p4d.24xlarge")
    assert status == 0 and observations(pricing_file, "p4d.24xlarge")[-1]["value"] == 95.0


@pytest.mark.parametrize("usd", ["0.0000000000", "100.0000000000"])
def test_force_accepts_zero_and_far_off_prices(tmp_path, pricing_file, usd, capsys):
    """With --force a refused price is appended and the file still validates."""
    offer = offer_with(tmp_path, P4DLINUXUSE1AAAA=usd)
    status, _, _ = run(capsys, "--offer", offer, "--pricing", pricing_file, *ONLY_FIXTURE, "--force")
    assert status == 0
    assert observations(pricing_file, "p4d.24xlarge")[-1]["value"] == float(usd)
    assert load_pricing(pricing_file).value("/instances/p4d.24xlarge/on_demand") == float(usd)


def test_force_skips_missing_prices_and_appends_the_rest(pricing_file, pricing, capsys):
    """With --force missing machines are skipped, their prices untouched, and the found ones appended."""
    status, out, _ = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--force")
    assert status == 0 and "skip      p3.2xlarge: no price in the offer" in out
    loaded = load_pricing(pricing_file)
    assert loaded.value("/instances/p3.2xlarge/on_demand") == pricing.value("/instances/p3.2xlarge/on_demand")
    assert loaded.value("/instances/p4d.24xlarge/on_demand") == 21.9576


def test_allow_permits_only_the_named_instance(tmp_path, pricing_file, capsys):
    """--allow lets one machine through; another refused machine still stops the import."""
    before = pricing_file.read_bytes()
    offer = offer_with(tmp_path, P4DLINUXUSE1AAAA="0.0000000000", P5XLINUXUSE1BBBB="400.0000000000")
    status, _, err = run(capsys, "--offer", offer, "--pricing", pricing_file, *ONLY_FIXTURE, "--allow", "p4d.24xlarge")
    assert status == 1 and "p5.48xlarge: offer price 400.0 USD/h is more than 3x" in err and "p4d.24xlarge" not in err
    assert pricing_file.read_bytes() == before
    status, _, _ = run(capsys, "--offer", offer, "--pricing", pricing_file, *ONLY_FIXTURE,
                       "--allow", "p4d.24xlarge", "--allow", "p5.48xlarge")
    assert status == 0
    assert observations(pricing_file, "p5.48xlarge")[-1]["value"] == 400.0


def test_unknown_instance_name_is_an_error(pricing_file, capsys):
    """--only or --allow with a name not in pricing.json stops the tool."""
    status, _, err = run(capsys, "--offer", BULK, "--pricing", pricing_file, "--only", "p9.mega")
    assert status == 2 and "p9.mega" in err


def test_invalid_result_is_never_written(pricing_file):
    """write_validated refuses a document the loader rejects and leaves the old file in place."""
    before = pricing_file.read_bytes()
    broken = copy.deepcopy(json.loads(before))
    broken["instances"]["p4d.24xlarge"]["on_demand"]["observations"].append(dict(NEW_P4D, source="nobody"))
    with pytest.raises(import_prices.OfferError, match="not be valid"):
        import_prices.write_validated(broken, pricing_file)
    assert pricing_file.read_bytes() == before
    assert list(pricing_file.parent.iterdir()) == [pricing_file]


def test_command_line_runs_as_a_script(pricing_file):
    """`python tools/import_prices.py --offer ... --dry-run` works from the command line."""
    done = subprocess.run(
        [sys.executable, str(TOOL), "--offer", str(BULK), "--pricing", str(pricing_file), "--only", "p4d.24xlarge", "--dry-run"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "append    p4d.24xlarge" in done.stdout
