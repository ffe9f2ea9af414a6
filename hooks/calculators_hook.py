"""MkDocs hook: reads pricing.json for the build, then turns each page's calc: shortcodes into HTML.

The shortcodes and what each writes are in ``hooks/shortcodes.py``. The hook keeps no state of its
own between events: every event reads the pricing file it names, which the loader caches.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

import calculators
from calculators import PRICING_ENV_VAR, CalculatorError, clear_cache, is_stale, load_pricing, months_between, today_prices

sys.path.insert(0, str(Path(__file__).resolve().parent))  # MkDocs loads hooks by path, not as a package
from shortcodes import render_page  # noqa: E402

# Not under "mkdocs.": a stale price is worth a warning on every build, but it must not fail `mkdocs build --strict`.
log = logging.getLogger("calculators.build")
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    log.addHandler(_handler)
    log.propagate = False


def pricing_path(config) -> str:
    """The pricing.json the site is built from: ``CALCULATORS_PRICING`` if set, else the one beside mkdocs.yml."""
    return os.environ.get(PRICING_ENV_VAR) or str(Path(config.config_file_path).parent / "pricing.json")


def stale_today(pricing) -> list[tuple[str, str, int]]:
    """Every price used as today's that is more than 12 months older than the snapshot: (pointer, as_of, months).

    >>> stale = stale_today(load_pricing())
    >>> all(months > 12 for _, _, months in stale)
    True
    """
    found = []
    for quantity in today_prices(pricing):  # calculators.TODAY_SECTIONS' USD prices
        as_of = quantity.current.as_of
        if is_stale(as_of, pricing.snapshot_date):
            found.append((quantity.pointer, as_of, months_between(as_of, pricing.snapshot_date)))
    return found


def on_config(config):
    """Load and check pricing.json and every calculator's defaults and presets, or stop the build; warn of stale prices."""
    clear_cache()  # `mkdocs serve` rebuilds after pricing.json changes
    try:
        pricing = load_pricing(pricing_path(config))
        for calculator in calculators.CALCULATORS.values():
            calculator.defaults(pricing)
            for preset in calculator.presets:
                calculator.defaults(pricing, {"preset": preset})
    except CalculatorError as error:
        raise PluginError(f"pricing.json: {error} [at {error.field}]") from None
    config.extra["pricing_snapshot"] = pricing.snapshot_date
    by_entry: dict[str, list[tuple[str, str, int]]] = {}
    for pointer, as_of, months in stale_today(pricing):
        entry, field = pointer.rsplit("/", 1)
        by_entry.setdefault(entry, []).append((field, as_of, months))
    for entry, fields in by_entry.items():
        oldest = max(fields, key=lambda item: item[2])
        log.warning("pricing.json: %s (%s) is used as today's price but dates from %s, %d months before the snapshot %s",
                    entry, ", ".join(field for field, _, _ in fields), oldest[1], oldest[2], pricing.snapshot_date)
    return config


def on_page_markdown(markdown, page, config, files):
    """Replace every calc: shortcode on the page, or stop the build naming the page, the shortcode and the problem."""
    try:
        return render_page(markdown, load_pricing(pricing_path(config)), page)
    except CalculatorError as error:
        raise PluginError(f"{page.file.src_path}: {error}") from None
