"""The build hook's shortcodes: what an author writes either renders from the calculators or stops the build
with a message naming the page, the shortcode and the problem."""

from __future__ import annotations

import importlib.util
import json
from html import escape
import logging
import re
import sys
from types import SimpleNamespace

import pytest

from calculators import calculate, format_value
from tests.conftest import PRICING_PATH, ROOT

pytestmark = pytest.mark.build  # imports mkdocs, which the Pyodide run does not have

mkdocs_exceptions = pytest.importorskip("mkdocs.exceptions")


@pytest.fixture(scope="module")
def hook():
    """hooks/calculators_hook.py loaded by path, as MkDocs loads it, with pricing.json read by on_config."""
    spec = importlib.util.spec_from_file_location("calculators_hook_under_test", ROOT / "hooks" / "calculators_hook.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.on_config(SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), extra={}))
    return module


CONFIG = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), extra={})


def render(hook, markdown: str, src_path: str = "guides/example.md") -> str:
    page = SimpleNamespace(file=SimpleNamespace(src_path=src_path), url=src_path.replace(".md", "/"))
    return hook.on_page_markdown(markdown, page, CONFIG, None)


def test_a_value_shortcode_prints_what_the_calculator_computes(hook):
    """`calc:value` puts the calculator's own display text for one result into the sentence."""
    expected = format_value(calculate("pipeline", preset="nanogpt-note").value("total"), "USD")
    assert render(hook, "Total: <!-- calc:value pipeline total preset=nanogpt-note -->.") == f"Total: {expected}."


def test_a_quoted_option_value_keeps_its_spaces(hook):
    """Options are read like a shell line, so a quoted value may hold spaces (and then fails on its own merits)."""
    with pytest.raises(mkdocs_exceptions.PluginError, match="must be a number between 0 and 100,000 h, not 'twelve hours'"):
        render(hook, '<!-- calc:widget pipeline train_hours="twelve hours" -->')


@pytest.mark.parametrize(
    "shortcode, says",
    [
        ("<!-- calc:widget -->", "calc:widget takes a calculator, got ''"),
        ("<!-- calc:value pipeline -->", "calc:value takes a calculator and a value name, got 'pipeline'"),
        ("<!-- calc:value pipeline total extra -->", "calc:value takes a calculator and a value name"),
        ("<!-- calc:price -->", "calc:price takes a pricing reference"),
        ("<!-- calc:snapshot 2026 -->", "calc:snapshot takes no arguments, got '2026'"),
        ("<!-- calc:price /storage/ecr/price region=us -->", "calc:price takes no options, got region"),
        ("<!-- calc:widget pipeline train_hours=1 train_hours=2 -->", "calc:widget sets 'train_hours' twice"),
        ("<!-- calc:widget pipeline =3 -->", "option '=3' has no name"),
        ('<!-- calc:widget pipeline preset="nanogpt-note -->', "arguments cannot be read"),
        ("<!-- calc:chart pipeline -->", "Unknown shortcode: calc:chart"),
        ("<!-- calc:widget no_such_calculator -->", "unknown calculator 'no_such_calculator'"),
        ("<!-- calc:widget pipeline no_such_input=3 -->", "has no input 'no_such_input'"),
        ("<!-- calc:widget pipeline preset=no-such-preset -->", "has no preset 'no-such-preset'"),
        ("<!-- calc:value pipeline no_such_value -->", "pipeline has no result value 'no_such_value'"),
        ("<!-- calc:price /instances/no-such-instance/on_demand -->", "no-such-instance"),
        ("<!-- calc:then-now /instances/g5.xlarge/on_demand -->", "needs a reference pinned to a source"),
    ],
)
def test_a_malformed_shortcode_stops_the_build_naming_page_and_problem(hook, shortcode, says):
    """A shortcode with missing, extra or unknown arguments raises PluginError with the page, the shortcode and why."""
    with pytest.raises(mkdocs_exceptions.PluginError) as raised:
        render(hook, f"Some text.\n\n{shortcode}\n", src_path="guides/broken.md")
    message = str(raised.value)
    assert message.startswith("guides/broken.md: <!-- calc:"), message
    assert says in message


def test_the_hook_reads_the_pricing_file_the_site_uses(hook):
    """on_config loads the repository's pricing.json and exposes its snapshot date to the templates."""
    config = SimpleNamespace(config_file_path=str(PRICING_PATH.parent / "mkdocs.yml"), extra={})
    hook.on_config(config)
    assert config.extra["pricing_snapshot"] == json.loads(PRICING_PATH.read_text(encoding="utf-8"))["snapshot_date"]


def test_the_build_warns_naming_a_today_price_older_than_twelve_months(hook, tmp_path, monkeypatch):
    """A newest price used as today's more than 12 months before the snapshot is named in a build warning; a fresh one
    is not, and neither is a machine's stale price, which the planner leaves out instead of using (test_pricing)."""
    data = json.loads(PRICING_PATH.read_text(encoding="utf-8"))
    data["electricity"]["texas"]["price"]["observations"] = [
        {"value": 0.15, "region": "US-TX", "source": "reference-figures", "as_of": "2024-01"}
    ]
    data["instances"]["g6.xlarge"]["on_demand"]["observations"] = [
        {"value": 0.8, "region": "us-east-1", "source": "reference-figures", "as_of": "2024-01"}
    ]
    path = tmp_path / "pricing.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("CALCULATORS_PRICING", str(path))
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler = Collect()
    hook.log.addHandler(handler)
    try:
        hook.on_config(SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), extra={}))
    finally:
        hook.log.removeHandler(handler)
        monkeypatch.delenv("CALCULATORS_PRICING")
        hook.on_config(SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), extra={}))
    named = [m for m in messages if "/electricity/texas (price" in m]
    assert named and "2024-01" in named[0]
    assert not any("/instances/g6.xlarge" in m for m in messages)
    fresh = data["instances"]["p5.48xlarge"]["on_demand"]["observations"][-1]["as_of"]
    if not hook.is_stale(fresh, data["snapshot_date"]):
        assert not any("/instances/p5.48xlarge (on_demand" in m for m in messages)


def test_the_pricing_reference_shows_each_prices_age(hook):
    """Every row of the pricing reference says how old its figure is at the snapshot."""
    html = render(hook, "<!-- calc:pricing-reference -->", "reference/pricing.md")
    assert '<th scope="col">age</th>' in html
    assert "11 years" in html  # the 2015 note's prices


def test_the_published_runs_table_shows_every_run_from_the_tests_data(hook):
    """calc:published-runs lists each run of pricing.json with the estimate and error the calibration tests check."""
    from calculators import load_pricing
    from calculators.models.calibration import published_runs

    html = render(hook, "<!-- calc:published-runs -->", "guides/cost-to-train.md")
    for check in published_runs(load_pricing()):
        assert check.label.split(" (")[0] in html
        assert f"{check.error:+.1%}" in html or f"{check.error:+.0%}" in html  # 10.4% or, when whole, 10%
    assert html.count("<tr>") == len(published_runs(load_pricing())) + 1
    not_held = [check for check in published_runs(load_pricing()) if not check.held]
    assert not_held and html.count("<li>") == len(not_held)
    for number, check in enumerate(not_held, 1):
        assert f"no ({number})" in html and escape(check.why) in html
    # A run estimated as it trained, or compared as it was published, says so in its row.
    rows = {check.name: next(row for row in html.split("<tr>") if escape(check.label) in row)
            for check in published_runs(load_pricing())}
    for check in published_runs(load_pricing()):
        assert ("activations recomputed" in rows[check.name]) == (check.run.activations == "recompute")
        assert ("failures left out" in rows[check.name]) == (not check.counts_failures)
        # The estimate, held to 25%, is written to three significant figures at most (961,000 GPU-hours, 93.8 h).
        cells = re.findall(r"<td>(.*?)</td>", rows[check.name])
        estimated = cells[4].split(" ")[0].replace(",", "").replace(".", "").strip("0")
        assert estimated and len(estimated) <= 3, cells[4]


def test_the_throughput_and_fabric_tables_show_every_row_and_what_each_gives(hook):
    """calc:throughput-measurements lists each measured row with the one-machine MFU it gives; calc:fabrics each
    class of network with its share kept a doubling and at 2,048 machines (0.9575^11 = 62% for the RDMA class)."""
    from calculators import load_pricing
    from calculators.models.throughput import mfu_points

    pricing = load_pricing()
    html = render(hook, "<!-- calc:throughput-measurements -->", "guides/cost-to-train.md")
    rows = pricing.data["throughput"]
    assert html.count("<tr>") == len(rows) + 1
    point = next(p for p in mfu_points(pricing, "H100-SXM", False) if p.name == "llama3-70b-h100-64")
    assert format_value(point.mfu, "fraction") in html and "866.8 tokens/s a GPU" in html
    html = render(hook, "<!-- calc:fabrics -->", "guides/cost-to-train.md")
    assert html.count("<tr>") == len(pricing.data["fabrics"]) + 1
    assert "2,048: 62.0%" in html and "assumption" in html


def test_the_efficiency_presets_table_gives_each_presets_mfu_and_advice(hook):
    """calc:efficiency-presets lists every preset with its MFU as a percentage and when to pick it."""
    from calculators import load_pricing

    html = render(hook, "<!-- calc:efficiency-presets -->", "guides/cost-to-train.md")
    for name, entry in load_pricing().data["efficiency"].items():
        assert escape(entry["advice"]) in html
        assert format_value(load_pricing().value(f"/efficiency/{name}/values/mfu"), "fraction") in html


def test_today_facts_are_computed_from_pricing(hook):
    """calc:largest, calc:most-gpus(-machine) and calc:change answer from pricing.json, worked out again here."""
    from calculators import load_pricing

    pricing = load_pricing()
    aws = [n for n, e in pricing.section("instances").items() if e.get("provider") == "aws" and e.get("gpu")]

    def compute(name):
        entry = pricing.section("instances")[name]
        gpu = entry["gpu"]
        peak = next(pricing.value(f"/gpus/{gpu}/{f}") for f in ("bf16_tflops", "fp16_tflops", "fp32_tflops")
                    if pricing.has(f"/gpus/{gpu}/{f}"))
        return pricing.value(f"/instances/{name}/gpu_count") * peak

    assert render(hook, "<!-- calc:largest aws -->") == max(aws, key=compute)
    a100 = [n for n in aws if pricing.section("instances")[n]["gpu"] == "A100-40GB"]
    most = max(pricing.value(f"/instances/{n}/gpu_count") for n in a100)
    assert render(hook, "<!-- calc:most-gpus A100-40GB aws -->") == str(int(most))
    assert render(hook, "<!-- calc:most-gpus-machine A100-40GB aws -->") in a100
    then = pricing.value("/instances/p4d.24xlarge/on_demand@note-nanogpt")
    now = pricing.value("/instances/p4d.24xlarge/on_demand")
    text = render(hook, "<!-- calc:change /instances/p4d.24xlarge/on_demand@note-nanogpt -->")
    assert text.startswith("down" if now < then else "up") and format_value(abs(now / then - 1), "fraction") in text


def test_a_today_fact_with_no_answer_stops_the_build(hook):
    """Asking for a machine the price list does not have fails loudly, naming the page and the shortcode."""
    with pytest.raises(mkdocs_exceptions.PluginError, match="no aws machine with K9000 GPUs"):
        render(hook, "<!-- calc:most-gpus K9000 aws -->")
    with pytest.raises(mkdocs_exceptions.PluginError, match="pinned to a source"):
        render(hook, "<!-- calc:change /instances/p4d.24xlarge/on_demand -->")


def test_a_folded_widget_keeps_its_fields_under_a_summary_and_its_answer_first(hook):
    """form=folded puts the fields in a closed disclosure; the results (answer first) are unchanged."""
    html = render(hook, "<!-- calc:widget pipeline form=folded -->", "index.md")
    assert '<details class="calc__fold"><summary>Change the run' in html
    assert html.index('class="calc__fold"') < html.index('name="train_hours"') < html.index("</details>")
    assert 'class="calc__answer"' in html
    with pytest.raises(mkdocs_exceptions.PluginError, match="form must be one of"):
        render(hook, "<!-- calc:widget pipeline form=sideways -->", "index.md")


def test_a_long_form_is_grouped_and_its_advanced_inputs_are_folded_with_their_values(hook):
    """Cost to train: headings Model, Cluster, Data, Hardware and price, Spot; the advanced inputs in a closed
    disclosure whose summary shows each one's value; every declared input in exactly one group."""
    from html.parser import HTMLParser

    from calculators import ADVANCED, get_calculator, load_pricing

    html = render(hook, "<!-- calc:widget cost_to_train -->")
    legends = [part.split("</legend>")[0] for part in html.split("<legend>")[1:]]
    assert legends == ["Model", "Cluster", "Data", "Hardware and price", "Spot"]
    folded = html[html.index('class="calc__group calc__group--advanced"'):]
    folded = folded[:folded.index("</details>")]
    assert "<details" not in folded and " open" not in folded.split(">")[0], "the advanced group starts folded"
    calculator = get_calculator("cost_to_train")
    pricing = load_pricing()
    values = calculator.defaults(pricing)
    advanced = [item for item in calculator.inputs_for(pricing) if item.group == ADVANCED]
    assert advanced, "cost to train declares advanced inputs"
    summary = folded[:folded.index("</summary>")]
    for item in advanced:
        shown = dict(item.choices).get(values[item.name], values[item.name]) if item.choices else values[item.name]
        assert f'data-summary-for="{item.name}">{escape(item.label)}: <b>{escape(str(shown))}</b>' in summary
        assert f'name="{item.name}"' in folded, f"{item.name} is not inside the folded group"

    class Names(HTMLParser):
        names: list = []

        def handle_starttag(self, tag, attrs):
            if tag in ("input", "select") and dict(attrs).get("name"):
                self.names.append(dict(attrs)["name"])

    parser = Names()
    parser.names = []
    parser.feed(html)
    assert sorted(parser.names) == sorted(item.name for item in calculator.inputs), "an input is missing or drawn twice"


def test_a_field_under_its_groups_heading_does_not_repeat_the_group_name(hook):
    """Under the "Spot" heading a label reads "Monthly interruption rate"; exports and errors keep the whole label."""
    from calculators import get_calculator, load_pricing, run

    html = render(hook, "<!-- calc:widget cost_to_train -->")
    spot = html[html.index("<legend>Spot</legend>"):]
    spot = spot[:spot.index("</fieldset>")]
    calculator = get_calculator("cost_to_train")
    prefixed = [item for item in calculator.inputs_for(load_pricing()) if item.group == "Spot" and item.label.startswith("Spot: ")]
    assert prefixed, "cost to train no longer has a Spot field labelled 'Spot: ...'"
    labels = [part.split("<")[0] for part in spot.split("<label for=")[1:]]
    labels = [label.split(">", 1)[1].strip() for label in labels]
    for item in prefixed:
        shown = item.label.removeprefix("Spot: ")
        assert shown[0].upper() + shown[1:] in labels, f"{item.name}: {labels}"
    assert not [label for label in labels if label.startswith("Spot")]
    exported = {entry["name"]: entry["label"] for entry in run("cost_to_train")["result"]["inputs"]}
    assert all(exported[item.name] == item.label for item in prefixed)


def test_the_preset_picker_offers_each_titled_preset_with_the_values_python_gives_it(hook):
    """Each titled preset is an option, and the values the page would put in the fields are the preset's defaults."""
    from calculators import get_calculator, load_pricing

    html = render(hook, "<!-- calc:widget cost_to_train -->")
    calculator = get_calculator("cost_to_train")
    start = html.index("data-calc-presets=")
    data = json.loads(html[start:].split('"', 2)[1].replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'"))
    # the values the widget opens with come first (the list names them while the fields hold them), then each preset
    assert list(data) == ["@defaults", *calculator.preset_titles]
    for name, title in calculator.preset_titles.items():
        assert f'<option value="{name}">{escape(title)}</option>' in html
        expected = calculator.defaults(load_pricing(), {"preset": name})
        assert {field: float(text.replace(",", "")) if isinstance(expected[field], (int, float)) else text
                for field, text in data[name].items()} == pytest.approx(expected)
    plain = render(hook, "<!-- calc:widget pipeline -->")
    assert "data-calc-presets" not in plain, "a calculator without titled presets gets no picker"


def test_large_whole_numbers_are_shown_grouped_and_read_back_exactly(hook):
    """The parameters field shows 124,000,000 (not 124000000), and Python reads that text as the same number."""
    from calculators import get_calculator, load_pricing

    html = render(hook, "<!-- calc:widget cost_to_train -->")
    calculator = get_calculator("cost_to_train")
    default = calculator.defaults(load_pricing())["parameters"]
    shown = f"{int(default):,}"
    assert "," in shown and f'name="parameters" type="text" inputmode="text" value="{shown}"' in html
    assert calculator.input("parameters").parse(shown) == default


def test_every_widget_tells_a_reader_without_javascript_what_they_see(hook):
    """A noscript note says the results are the build's and that changing a field needs JavaScript."""
    html = render(hook, "<!-- calc:widget pipeline -->", "guides/example.md")
    assert "<noscript>" in html and "needs JavaScript" in html


def test_the_policy_allows_each_inline_script_by_its_hash_and_nothing_else_inline():
    """csp_hook hashes every inline script a browser runs (not JSON blocks, not external scripts), into the head."""
    spec = importlib.util.spec_from_file_location("csp_hook_under_test", ROOT / "hooks" / "csp_hook.py")
    csp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csp)
    page = ('<html><head><meta charset="utf-8"><script>boot()</script><script type="module">go()</script>'
            '<script src="x.js"></script><script type="application/json">{"a": 1}</script></head></html>')
    hashes = csp.inline_script_hashes(page)
    assert len(hashes) == 2
    out = csp.with_policy(page, csp.policy(hashes))
    assert out.index("Content-Security-Policy") < out.index("<script>")
    assert "'unsafe-inline'" not in out.split("script-src", 1)[1].split(";", 1)[0]
    assert csp.with_policy(out, "default-src 'none'").count("Content-Security-Policy") == 1


def test_the_pricing_reference_gives_each_providers_last_confirmed_date_and_single_sources(hook):
    """The page opens with every provider's newest confirmed price date; rows say retired, single source, or which
    source a price differs from."""
    html = render(hook, "<!-- calc:pricing-reference -->", "reference/pricing.md")
    assert "When each provider&#x27;s prices were last confirmed" in html or "When each provider's prices were last confirmed" in html
    assert "<td>Nebius AI Cloud</td><td>2026-09-25</td>" in html  # nebius.com, read by silybench on 2026-09-25
    assert "retired 2025-10-31" in html  # the g3s.xlarge (AWS's G3 end of life)
    assert ">single source</span>" in html  # e.g. Texas electricity, one 2026 source
    assert "differs from skypilot-v8-nebius-2026-05-18 (2026-05-18) by -23%" in html  # 44.00 before the rise, 57.20 after
