"""pricing.json: valid, complete for the notes, and loud about every way it can break."""

from __future__ import annotations

import copy
import json

import pytest

from calculators import CALCULATORS, PricingError, load_pricing
from calculators._pricing import Pricing, validation_errors
from calculators._schema import schema_errors
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "pricing.schema.json").read_text())


def _jsonschema():
    """The reference implementation; absent under Pyodide, where these comparisons are skipped."""
    return pytest.importorskip("jsonschema")


def test_pricing_json_is_valid_under_the_reference_jsonschema_implementation(pricing_data):
    """The real jsonschema library accepts the file, so the schema means what it says."""
    jsonschema = _jsonschema()
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(pricing_data)


def test_package_loader_accepts_the_file(pricing):
    """The loader the site uses reads the file without complaint."""
    assert pricing.snapshot_date == json.loads((ROOT / "pricing.json").read_text())["snapshot_date"]


BREAKAGES = [
    ("missing field", lambda d: d["instances"]["p4d.24xlarge"].pop("on_demand"), "/instances/p4d.24xlarge"),
    ("wrong unit", lambda d: d["instances"]["g5.xlarge"]["on_demand"].__setitem__("unit", "USD/GB"), "/instances/g5.xlarge/on_demand/unit"),
    ("negative price", lambda d: d["storage"]["ecr"]["price"]["observations"][0].__setitem__("value", -0.1), "/storage/ecr/price/observations/0/value"),
    ("text price", lambda d: d["storage"]["ecr"]["price"]["observations"][0].__setitem__("value", "0.10"), "/storage/ecr/price/observations/0/value"),
    ("unknown gpu", lambda d: d["instances"]["g5.xlarge"].__setitem__("gpu", "Z9000"), "/instances/g5.xlarge/gpu"),
    ("unknown source", lambda d: d["storage"]["ecr"]["price"]["observations"][0].__setitem__("source", "nowhere"), "/storage/ecr/price/observations/0"),
    ("bad date", lambda d: d["storage"]["ecr"]["price"]["observations"][0].__setitem__("as_of", "last week"), "/storage/ecr/price/observations/0/as_of"),
    ("unknown field", lambda d: d["storage"]["ecr"].__setitem__("colour", "red"), "/storage/ecr/colour"),
    ("empty history", lambda d: d["storage"]["ecr"]["price"].__setitem__("observations", []), "/storage/ecr/price/observations"),
]


@pytest.mark.parametrize("case, breaks, pointer", BREAKAGES, ids=[case for case, _, _ in BREAKAGES])
def test_broken_pricing_is_refused_with_the_json_path(pricing_data, case, breaks, pointer):
    """Each kind of damage raises PricingError whose message names the JSON path."""
    breaks(pricing_data)
    with pytest.raises(PricingError) as caught:
        Pricing(pricing_data, "broken.json")
    assert pointer in str(caught.value)


@pytest.mark.parametrize("case, breaks, pointer", BREAKAGES[:5], ids=[case for case, _, _ in BREAKAGES[:5]])
def test_small_checker_agrees_with_jsonschema_on_schema_breakages(pricing_data, case, breaks, pointer):
    """Where jsonschema rejects a broken copy, so does the stdlib checker, and vice versa."""
    jsonschema = _jsonschema()
    breaks(pricing_data)
    reference = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(pricing_data), key=str)
    ours = list(schema_errors(pricing_data, SCHEMA))
    assert bool(reference) == bool(ours)


def test_unreadable_and_non_json_files_are_refused_clearly(tmp_path):
    """A file that is not JSON is reported with its line and column, never a traceback from json."""
    broken = tmp_path / "pricing.json"
    broken.write_text('{"snapshot_date": ')
    with pytest.raises(PricingError, match=r"not JSON: .* line 1 column"):
        load_pricing(broken)
    with pytest.raises(PricingError, match="cannot read"):
        load_pricing(tmp_path / "missing.json")


def test_a_reference_to_an_unknown_entry_names_it(pricing):
    """Looking up an instance that is not in the file raises PricingError naming the pointer."""
    with pytest.raises(PricingError, match="/instances/p9.huge/on_demand"):
        pricing.value("/instances/p9.huge/on_demand")
    with pytest.raises(PricingError, match="no observation from source 'nobody'"):
        pricing.value("/instances/g5.xlarge/on_demand@nobody")


def test_current_value_is_the_newest_observation(pricing):
    """With a note's old price and a newer one, the newer is current and the old stays in history."""
    quantity = pricing.quantity("/instances/lambda-1x-a10/on_demand")
    assert quantity.value == 1.29  # Lambda's 1×A10 rate in SkyPilot catalog v8 (2026)
    assert quantity.from_source("skypilot-v7-lambda").value == 0.75  # the v7 catalog's rate, kept as history
    assert quantity.from_source("note-aws-dl").value == 0.60  # the AWS deep-learning note's rate
    assert quantity.observations[0].as_of <= quantity.observations[-1].as_of


def test_p5_shows_the_june_2025_price_cut(pricing):
    """p5.48xlarge's newest us-east-1 on-demand price is the post-cut 55.04; the pre-cut 98.32 stays as history, older."""
    quantity = pricing.quantity("/instances/p5.48xlarge/on_demand")
    assert (quantity.current.value, quantity.current.region) == (55.04, "us-east-1")
    old = quantity.from_source("skypilot-v7-aws")
    assert old.value == 98.32 and old.as_of < "2025-06" < quantity.current.as_of


def test_every_provider_is_a_key_of_providers(pricing_data):
    """Instances, storage and transfer name providers that /providers describes (the schema only checks the spelling)."""
    for section in ("instances", "storage", "transfer"):
        for name, entry in pricing_data[section].items():
            assert entry["provider"] in pricing_data["providers"], f"/{section}/{name}/provider"


@pytest.mark.parametrize("section", ["instances", "storage", "transfer"])
def test_the_loader_refuses_an_unknown_provider_naming_the_entry(pricing_data, section):
    """A provider that /providers does not describe is refused by the loader, with the entry's pointer."""
    data = copy.deepcopy(pricing_data)
    name = next(iter(data[section]))
    data[section][name]["provider"] = "nosuchcloud"
    with pytest.raises(PricingError) as error:
        Pricing(data, "test")
    assert f"/{section}/{name}/provider: 'nosuchcloud' is not a key of /providers" in str(error.value)


def test_catalog_names_map_to_one_provider_and_instance_types_are_unique(pricing_data):
    """A catalog's cloud name points at one provider, and a provider's instance_type names are unique."""
    for fmt in ("skypilot", "gpuhunt", "aws-price-list"):
        names = [entry["catalog_names"][fmt] for entry in pricing_data["providers"].values() if fmt in entry.get("catalog_names", {})]
        assert len(names) == len(set(names)), fmt
    seen = set()
    for key, entry in pricing_data["instances"].items():
        name = (entry["provider"], entry.get("instance_type", key))
        assert name not in seen, key
        seen.add(name)


def test_catalog_observations_carry_the_catalog_date(pricing_data):
    """A catalog source's observations are dated by the catalog version, not the day it was read."""
    dates = {key: source["catalog"]["date"] for key, source in pricing_data["sources"].items() if "catalog" in source}
    assert dates, "no catalog sources"

    def walk(node):
        if isinstance(node, dict) and "observations" in node:
            yield from node["observations"]
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)

    for obs in walk(pricing_data):
        if obs["source"] in dates:
            assert obs["as_of"] == dates[obs["source"]], obs
        if obs["source"].startswith("skypilot"):
            assert obs["source"] in dates, obs  # every SkyPilot snapshot now has an established date (a bound, said in its source)


def test_every_calculator_default_and_preset_resolves(pricing):
    """No calculator refers to an entry pricing.json lacks."""
    for calculator in CALCULATORS.values():
        calculator.defaults(pricing)
        for preset in calculator.presets:
            calculator.defaults(pricing, {"preset": preset})


def test_a_default_pointing_at_a_removed_instance_fails_with_its_path(pricing_data):
    """Removing an instance a calculator uses breaks its defaults with the instance's path in the message."""
    del pricing_data["instances"]["p4d.24xlarge"]
    broken = Pricing(pricing_data, "copy.json")
    with pytest.raises(PricingError, match="/instances/p4d.24xlarge/on_demand"):
        CALCULATORS["pipeline"].defaults(broken)


NOTE_INSTANCES = ["p4d.24xlarge", "g5.xlarge", "g3s.xlarge", "g2.2xlarge", "g2.8xlarge", "p2.16xlarge", "c5.2xlarge", "lambda-1x-a10"]
CURRENT_INSTANCES = ["p5.48xlarge", "p4de.24xlarge", "g6.xlarge", "g4dn.xlarge", "p3.2xlarge"]
NOTE_GPUS = ["A100-40GB", "V100-16GB", "A10G", "T4", "M60", "K520", "K80", "H100-SXM", "L4"]


@pytest.mark.parametrize("name", NOTE_INSTANCES + CURRENT_INSTANCES)
def test_instances_the_notes_and_today_need_have_prices_and_gpus(pricing, name):
    """Each instance the notes name, and each current pick, has an hourly price and a known GPU (or none)."""
    entry = pricing.section("instances")[name]
    assert pricing.value(f"/instances/{name}/on_demand") > 0
    assert entry["gpu"] is None or entry["gpu"] in pricing.section("gpus")


@pytest.mark.parametrize("name", NOTE_GPUS)
def test_gpus_have_memory_and_throughput(pricing, name):
    """Every GPU named has memory and an FP32 figure, and tensor GPUs a 16-bit figure."""
    assert pricing.value(f"/gpus/{name}/memory") > 0
    assert pricing.value(f"/gpus/{name}/fp32_tflops") > 0


def test_every_error_from_validation_is_a_pointer_message(pricing_data):
    """All problems are listed, each starting with its JSON pointer, not only the first."""
    pricing_data["storage"]["ecr"]["price"]["observations"][0]["value"] = -1
    pricing_data["transfer"]["aws-internet-out"]["price"]["unit"] = "W"
    problems = list(validation_errors(pricing_data))
    assert len(problems) >= 2
    assert all(problem.startswith("/") for problem in problems)


def _current_on_demand(pricing):
    """Each instance's newest on-demand observation (whether or not the site may use it as today's)."""
    return {name: pricing.quantity(f"/instances/{name}/on_demand").current for name in pricing.section("instances")}


def test_todays_on_demand_prices_are_dated_within_12_months_of_the_snapshot(pricing):
    """Every on-demand price the site uses as today's is at most 12 months older than snapshot_date: no exceptions."""
    from calculators import is_stale, today_prices

    used = [q for q in today_prices(pricing) if q.pointer.startswith("/instances/") and q.pointer.endswith("/on_demand")]
    assert len(used) >= 40
    stale = [q.pointer for q in used if is_stale(q.current.as_of, pricing.snapshot_date)]
    assert not stale, f"stale prices used as today's: {stale}"


def test_a_machine_with_no_price_today_is_left_out_of_todays_ranking_with_the_reason(pricing):
    """A machine whose newest on-demand price is over 12 months old, or which is retired, is not ranked today: the
    cost-to-train page lists it as left out, saying since when it is retired or when its price was last confirmed."""
    from calculators import is_stale
    from calculators.cost_to_train import CALCULATOR as COST, estimate_instances

    ranked, excluded = estimate_instances(COST.defaults(pricing), pricing)
    reasons = {item.instance: item.reason for item in excluded}
    for name, newest in _current_on_demand(pricing).items():
        entry = pricing.section("instances")[name]
        if entry.get("retired"):
            assert f"retired {entry['retired']['date']}" in reasons[name], name
        elif is_stale(newest.as_of, pricing.snapshot_date):
            assert f"price last confirmed {newest.as_of}" in reasons[name], name
    # The GCP rows of the 2025-11-27 catalog with no 2026 source: A2 (A100) machines, for one.
    assert reasons["a2-highgpu-8g"].startswith("price last confirmed 2025-11-27, 13 months before the snapshot")
    assert "a3-highgpu-8g" in {item.instance for item in ranked}  # confirmed on 2026-09-26


RETIRED = ["p2.xlarge", "p2.16xlarge", "g2.2xlarge", "g2.8xlarge", "g3s.xlarge", "p3.2xlarge", "p3.8xlarge",
           "p3.16xlarge", "p3dn.24xlarge", "rescale-gpu-worker", "gcp-cloud-ml-training-unit"]


@pytest.mark.parametrize("name", RETIRED)
def test_retired_machines_carry_a_dated_source(pricing, name):
    """Each machine no longer sold says since when, and which source says so; its prices stay as history."""
    retired = pricing.section("instances")[name]["retired"]
    assert len(retired["date"]) >= 7 and retired["date"] <= pricing.snapshot_date
    assert retired["source"] in pricing.sources
    assert pricing.quantity(f"/instances/{name}/on_demand").observations  # the then figures are kept


def test_no_retired_machine_is_in_todays_ranking_choices_or_prices(pricing):
    """Retired machines are in no ranking, no machine picker for today and no price used as today's, whatever the
    way to pay; price history still offers them."""
    from calculators import today_prices
    from calculators.cost_to_train import CALCULATOR as COST, estimate_instances, options
    from calculators._ways_to_pay import kinds_chosen
    from calculators.price_history import CALCULATOR as HISTORY

    ranked, _ = estimate_instances(COST.defaults(pricing), pricing)
    names = {item.instance for item in ranked} | {o.instance for o in options(ranked, kinds_chosen("all"))}
    assert not names & set(RETIRED)
    assert not {name for name, _ in COST.input("instance", pricing).choices} & set(RETIRED)
    assert not {q.pointer.split("/")[2] for q in today_prices(pricing) if q.pointer.startswith("/instances/")} & set(RETIRED)
    assert set(RETIRED) - {"rescale-gpu-worker", "gcp-cloud-ml-training-unit"} <= {
        name for name, _ in HISTORY.input("instance", pricing).choices}  # the two without a GPU model never were


def test_every_hourly_price_carries_its_offer_kind(pricing_data):
    """Every hourly price of a machine says how it is sold, in a kind its field allows; a commitment has a term."""
    from calculators._pricing import OFFER_FIELDS

    seen = set()
    for name, entry in pricing_data["instances"].items():
        for field, kinds in OFFER_FIELDS.items():
            if field in entry:
                offer = entry[field]["offer"]
                assert offer["kind"] in kinds, (name, field)
                assert offer["kind"] != "reserved" or offer["term_days"] in (365, 1095), (name, field)
                seen.add(offer["kind"])
    assert seen == {"on_demand", "spot", "capacity_block", "reserved", "reservation_only", "marketplace"}
    del pricing_data["instances"]["p5.48xlarge"]["spot"]["offer"]
    with pytest.raises(PricingError, match="/instances/p5.48xlarge/spot: missing required field 'offer'"):
        Pricing(pricing_data, "no-offer.json")


def test_an_offer_of_the_wrong_kind_for_its_field_is_refused(pricing_data):
    """A spot price cannot be sold on demand, and a reserved price needs its term."""
    pricing_data["instances"]["p5.48xlarge"]["spot"]["offer"] = {"kind": "on_demand"}
    pricing_data["instances"]["p4d.24xlarge"]["reserved_1y"]["offer"].pop("term_days")
    problems = list(validation_errors(pricing_data))
    assert any(p.startswith("/instances/p5.48xlarge/spot/offer/kind") for p in problems)
    assert "/instances/p4d.24xlarge/reserved_1y/offer: a reserved offer needs term_days" in problems


def test_gcp_reservation_only_machines_are_labelled_so(pricing):
    """GCP sells the A4 (B200) and A3 Ultra (H200) machines only by reservation or spot: their listed price says so."""
    for name in ("a4-highgpu-8g", "a3-ultragpu-8g"):
        assert pricing.quantity(f"/instances/{name}/on_demand").offer["kind"] == "reservation_only"
    assert pricing.quantity("/instances/a3-megagpu-8g/on_demand").offer["kind"] == "on_demand"


def test_nebius_prices_are_at_least_those_of_skypilot_pr_9829(pricing):
    """Nebius's rise of August 2026 is in: SkyPilot PR #9829 (2026-08-28) gave 8×B200 at $57.20 and 8×H200 at $36."""
    for name, floor in (("nebius-8x-b200", 57.2), ("nebius-8x-h200", 36.0)):
        newest = pricing.quantity(f"/instances/{name}/on_demand").current
        assert newest.value >= floor and newest.as_of >= "2026-08-28", name
    # nebius.com's $3.85 a GPU-hour for the H100 (2026-09-25): 8 × 3.85 = 30.80
    assert pricing.value("/instances/nebius-8x-h100/on_demand") == pytest.approx(30.8)


def test_current_hardware_has_current_prices_on_the_major_clouds_and_gpu_clouds(pricing):
    """At least 4 providers and 40 instance types have current on-demand prices, including the newest AWS machines,
    a GCP H100 and an Azure H100, and three GPU clouds besides Lambda."""
    from calculators import is_stale

    instances = pricing.section("instances")
    current = {name: obs for name, obs in _current_on_demand(pricing).items()
               if not is_stale(obs.as_of, pricing.snapshot_date)}
    providers = {instances[name]["provider"] for name in current}
    assert len(current) >= 40, sorted(current)
    assert len(providers) >= 4, providers
    assert {"aws", "gcp", "azure"} <= providers
    assert len(providers - {"aws", "gcp", "azure", "lambda"}) >= 3, providers
    for name in ("p5en.48xlarge", "p6-b200.48xlarge"):
        assert name in current, name
    assert any(name.startswith("g6e.") for name in current)
    for provider in ("gcp", "azure"):
        assert any(instances[name]["provider"] == provider and instances[name]["gpu"].startswith("H100")
                   for name in current if instances[name]["gpu"]), provider


def _references(calculator, preset=None):
    """The pricing references a calculator's inputs resolve for a preset (None: its defaults, the today view)."""
    specs = calculator.specs({"preset": preset} if preset else {})
    return [value for value in specs.values() if isinstance(value, str) and value.startswith("/")]


def test_no_calculators_today_view_reads_a_retired_or_stale_price(pricing):
    """Each calculator's defaults, and the guides' today presets, read no price of a retired machine and no price over
    12 months old as today's: a note's own figure is read pinned to its source (``@source``)."""
    from calculators import is_stale
    from calculators._pricing import retirement

    checked = 0
    for calculator in CALCULATORS.values():
        for preset in [None, *[name for name in calculator.presets if name.startswith("today")]]:
            for ref in _references(calculator, preset):
                if "@" in ref or not pricing.quantity(ref).unit.startswith("USD"):
                    continue
                checked += 1
                assert not retirement(pricing, ref), (calculator.name, preset, ref)
                assert not is_stale(pricing.quantity(ref).current.as_of, pricing.snapshot_date), (calculator.name, preset, ref)
    assert checked >= 15


def test_answers_worked_out_once_per_pricing_follow_the_pricing_they_were_asked_of(pricing, pricing_data):
    """A machine's GPUs and an offer's age are worked out once per Pricing object (per_pricing): an edited copy of
    the file gets its own answers, and the loaded file's answers are not changed by it."""
    from calculators._ways_to_pay import committed_offers
    from calculators._pricing import stale_offer
    from calculators.models.machines import machine

    pointer = "/instances/p4d.24xlarge/on_demand"
    before = machine(pricing, "p4d.24xlarge"), stale_offer(pricing, pointer, 12), committed_offers(pricing, "p4d.24xlarge", 12)
    for observation in pricing_data["instances"]["p4d.24xlarge"]["gpu_count"]["observations"]:
        observation["value"] = 4
    pricing_data["snapshot_date"] = "2030-01-01"
    edited = Pricing(pricing_data, "edited.json")
    assert machine(edited, "p4d.24xlarge").gpu_count == 4
    assert stale_offer(edited, pointer, 12).startswith("price last confirmed")
    assert committed_offers(edited, "p4d.24xlarge", 12) == ()
    assert (machine(pricing, "p4d.24xlarge"), stale_offer(pricing, pointer, 12),
            committed_offers(pricing, "p4d.24xlarge", 12)) == before
    assert before[0].gpu_count == 8 and before[1] == "" and before[2]


def test_a_calculators_defaults_follow_the_pricing_they_are_read_from(pricing, pricing_data):
    """calculate() keeps each calculator's resolved defaults per Pricing: an edited copy of the file resolves its
    own (here a dearer training machine), and the loaded file's stay as they were."""
    from calculators import calculate

    before = calculate("pipeline", pricing=pricing).value("train")
    hours = pricing.value("/assumptions/nanogpt-note/values/train_hours")
    for observation in pricing_data["instances"]["p4d.24xlarge"]["on_demand"]["observations"]:
        observation["value"] = 100.0
    edited = Pricing(pricing_data, "edited.json")
    assert calculate("pipeline", pricing=edited).value("train") == pytest.approx(100.0 * hours)
    assert calculate("pipeline", pricing=pricing).value("train") == before != calculate("pipeline", pricing=edited).value("train")
