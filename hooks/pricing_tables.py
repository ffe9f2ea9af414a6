"""Tables of pricing.json's estimator data for the cost-to-train guide: the efficiency presets, and the
published runs the estimate is held to (the same data tests/test_calibration.py checks)."""

from __future__ import annotations

from html import escape

from calculators import format_change, format_value
from calculators.models.calibration import published_runs
from markup import source_link, table_html


def efficiency_presets(pricing) -> str:
    """Each efficiency preset: its name, its MFU, when to pick it, and where the figure comes from."""
    rows = []
    for name, entry in pricing.data.get("efficiency", {}).items():
        observation = pricing.observation(f"/efficiency/{name}/values/mfu")
        rows.append((escape(entry["label"]), escape(format_value(observation.value, "fraction")), escape(entry["advice"]),
                     f"{source_link(pricing, observation.source, short=True)}<br><small>{escape(observation.note)}</small>"))
    return table_html(("preset", "MFU", "pick it when", "source"), rows, "Efficiency presets")


def published_runs_table(pricing) -> str:
    """The published runs the estimator is held to: published, estimated and the error."""
    rows = []
    for check in published_runs(pricing):
        gpus = f"{check.gpu_count} × " if check.gpu_count else ""
        label = pricing.section("gpus")[check.gpu]["label"]
        preset = pricing.data["efficiency"][check.efficiency]["label"].split(" (")[0]
        unit = "h" if check.measure == "wall hours" else "GPU-hours"
        rows.append((
            escape(check.label), escape(f"{gpus}{label}"),
            escape(f"{preset}, {format_value(check.mfu, 'fraction')}"),
            escape(format_value(check.published, unit)), escape(format_value(check.estimated, unit)),
            escape(format_change(check.error)), source_link(pricing, check.source, short=True),
        ))
    return table_html(("run", "hardware", "preset, MFU", "published", "estimated", "error", "source"), rows,
                      "Published training runs against this estimate")
