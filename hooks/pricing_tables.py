"""Tables of pricing.json's estimator data for the cost-to-train guide: the efficiency presets, the throughput
measurements, the cluster fabrics, and the published runs the estimate is held to (the same data
tests/test_calibration.py checks)."""

from __future__ import annotations

from html import escape

from calculators import format_change, format_value
from calculators._numbers import number_text, round_significant
from calculators._pricing import MEASURED
from calculators.models.calibration import published_runs
from calculators.models.throughput import mfu_points
from markup import source_link, table_html


def efficiency_presets(pricing) -> str:
    """Each efficiency preset: its name, its MFU, when to pick it, and where the figure comes from."""
    rows = []
    for name, entry in pricing.data.get("efficiency", {}).items():
        observation = pricing.observation(f"/efficiency/{name}/values/mfu")
        rows.append((escape(entry["label"]), escape(format_value(observation.value, "fraction")), escape(entry["advice"]),
                     f"{source_link(pricing, observation.source, short=True)}<br><small>{escape(observation.note)}</small>"))
    return table_html(("preset", "MFU", "pick it when", "source"), rows, "Efficiency presets")


def _gpu(pricing, key: str) -> str:
    return pricing.section("gpus")[key]["label"].replace("NVIDIA ", "")


def throughput_measurements(pricing) -> str:
    """Each measured row: the model and hardware, what the source measured, and the one-machine BF16 MFU it gives."""
    derived = {point.name: point.mfu for gpu in pricing.section("gpus") for moe in (False, True)
               for point in mfu_points(pricing, gpu, moe)}
    rows = []
    for name, entry in pricing.data.get("throughput", {}).items():
        base = f"/throughput/{name}/values"
        measured = (f"{format_value(pricing.value(base + '/tokens_per_second'), 'tokens/s')} a GPU"
                    if pricing.has(base + "/tokens_per_second") else f"MFU {format_value(pricing.value(base + '/mfu'), 'fraction')}")
        source = pricing.observation(f"{base}/gpu_count").source
        rows.append((escape(entry["label"]), escape(f"{number_text(pricing.value(base + '/gpu_count'))} × {_gpu(pricing, entry['gpu'])}"),
                     escape(entry["precision"]), escape(measured), escape(format_value(derived[name], "fraction")),
                     source_link(pricing, source, short=True)))
    return table_html(("measurement", "hardware", "precision", "measured", "MFU on one machine, BF16", "source"), rows,
                      "Measured training throughput")


def fabrics(pricing) -> str:
    """Each class of cluster network: what keeps per doubling of machines, at three cluster sizes, and its source."""
    rows = []
    for name, entry in pricing.data.get("fabrics", {}).items():
        observation = pricing.observation(f"/fabrics/{name}/per_doubling")
        share = observation.value
        sizes = " · ".join(f"{machines:,}: {format_value(share ** (machines.bit_length() - 1), 'fraction')}"
                           for machines in (8, 128, 2048))
        rows.append((escape(entry["label"]), escape(format_value(share, "fraction")), escape(sizes),
                     f"{source_link(pricing, observation.source, short=True)}<br><small>{escape(observation.note)}</small>"))
    return table_html(("fabric", "kept a doubling", "kept at 8 · 128 · 2,048 machines", "source"), rows,
                      "Cluster fabrics and their scaling")


def published_runs_table(pricing) -> str:
    """The published runs beside the estimate: published, estimated and the error, and whether the estimate is held to it."""
    rows, reasons = [], []
    for check in published_runs(pricing):
        gpus = f"{number_text(check.gpu_count)} × " if check.gpu_count else ""
        if check.efficiency == MEASURED:
            how = f"measured, {format_value(check.mfu, 'fraction')}"
        else:
            how = f"{pricing.data['efficiency'][check.efficiency]['label'].split(' (')[0]}, {format_value(check.mfu, 'fraction')}"
        if check.run.activations == "recompute":
            how += "; activations recomputed, a third more FLOPs"
        unit = "h" if check.measure == "wall hours" else "GPU-hours"
        # Three significant figures: the estimate is held to 25%, so more digits would claim more.
        estimated = f"{number_text(round_significant(check.estimated, 3))} {unit}"
        estimated += "" if check.counts_failures else ", failures left out as published"
        held = "yes" if check.held else f"no ({len(reasons) + 1})"
        if not check.held:
            reasons.append(f"<li><b>{escape(check.label)}</b>: {escape(check.why)}</li>")
        rows.append((
            escape(check.label), escape(f"{gpus}{_gpu(pricing, check.gpu)}"), escape(how),
            escape(format_value(check.published, unit)), escape(estimated),
            escape(format_change(check.error)), escape(held), source_link(pricing, check.source, short=True),
        ))
    table = table_html(("run", "hardware", "efficiency, MFU on one machine", "published", "estimated", "error",
                        "held to 25%", "source"), rows, "Published training runs against this estimate")
    return table + (f'\n<ol class="calc-reasons">{"".join(reasons)}</ol>' if reasons else "")
