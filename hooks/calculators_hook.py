"""MkDocs hook: turns calculator shortcodes in Markdown into forms, results and figures.

Shortcodes are HTML comments, so a page still reads as plain Markdown:

- ``<!-- calc:widget pipeline preset=nanogpt-note train_hours=48 -->`` on its own line:
  the calculator's form, generated from its input declarations, with its results and charts
  computed now in CPython, so a reader sees them at first paint.
- ``<!-- calc:value pipeline total preset=nanogpt-note -->``: one result value, as text.
- ``<!-- calc:price /instances/p4d.24xlarge/on_demand@note-nanogpt -->``: a figure from
  pricing.json with its unit; ``calc:asof`` gives its date and ``calc:source`` a link to its source.
- ``<!-- calc:then-now /instances/g5.xlarge/on_demand@note-aws-dl -->``: the note's figure with its
  date beside today's, e.g. "$1.00/h (2023) → $1.006/h (2026-11)".
- ``<!-- calc:snapshot -->``: the date pricing.json was last checked as a whole.
- ``<!-- calc:pricing-reference -->``: every figure in pricing.json, grouped, with sources and dates.

An unknown shortcode, calculator, field or pricing reference fails the build.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import sys
from html import escape
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

import calculators
from calculators import (
    ADVANCED,
    PRICING_ENV_VAR,
    CalculatorError,
    Input,
    clear_cache,
    figures_json,
    format_change,
    format_value,
    get_calculator,
    grouped,
    is_stale,
    load_pricing,
    months_between,
    number_text,
    render_results,
    today_prices,
)
from calculators.models.calibration import published_runs
from calculators.models.machines import largest_machine, most_gpus, price_change

sys.path.insert(0, str(Path(__file__).resolve().parent))  # MkDocs loads hooks by path, not as a package
from svg_chart import render_svg  # noqa: E402

SHORTCODE = re.compile(r"<!--\s*calc:([a-z-]+)\s*(.*?)\s*-->", re.DOTALL)
UNIT_TEXT = {"USD/h": "USD/h", "USD/GB-month": "USD per GB-month", "USD/GB": "USD/GB", "USD/kWh": "USD/kWh"}

_state: dict = {}

# Not under "mkdocs.": a stale price is worth a warning on every build, but it must not fail `mkdocs build --strict`.
log = logging.getLogger("calculators.build")
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

def stale_today(pricing) -> list[tuple[str, str, int]]:
    """Every price used as today's that is more than 12 months older than the snapshot: (pointer, as_of, months).

    >>> from calculators import load_pricing
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
    """Load and check pricing.json and every calculator's defaults and presets, or stop the build."""
    path = os.environ.get(PRICING_ENV_VAR) or str(Path(config.config_file_path).parent / "pricing.json")
    clear_cache()
    try:
        pricing = load_pricing(path)
        for calculator in calculators.CALCULATORS.values():
            calculator.defaults(pricing)
            for preset in calculator.presets:
                calculator.defaults(pricing, {"preset": preset})
    except CalculatorError as error:
        raise PluginError(f"pricing.json: {error} [at {error.field}]") from None
    _state["pricing"] = pricing
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
    """Replace every calc: shortcode on the page."""
    counter = iter(range(1, 10_000))

    def replace(match: re.Match) -> str:
        kind, args = match.group(1), match.group(2)
        try:
            return _render(kind, args, page, next(counter))
        except CalculatorError as error:
            raise PluginError(f"{page.file.src_path}: <!-- calc:{kind} {args} -->: {error}") from None

    return SHORTCODE.sub(replace, markdown)


# nbconvert's page template carries a Mermaid loader that imports from cdnjs when a notebook has a diagram.
# Ours have none, and no page may load anything from another origin, so it goes.
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid(?:(?!</script>).)*?</script>', re.DOTALL)
EMPTY_SCRIPT = re.compile(r'<script[^>]*\ssrc=""[^>]*>\s*</script>')
FOREIGN = re.compile(
    r'<(?:script|img|iframe|audio|video|source)\b[^>]*\ssrc="(?:https?:)?//[^"]*"'
    r'|<link\b[^>]*\srel="(?:stylesheet|preload|modulepreload|icon)"[^>]*\shref="(?:https?:)?//[^"]*"'
    r'|import\(\s*["\'](?:https?:)?//'
)


def on_post_page(output: str, page, config) -> str:
    """Drop nbconvert's CDN loaders, then refuse any page that would still load from another origin."""
    output = EMPTY_SCRIPT.sub("", MERMAID_LOADER.sub("", output))
    foreign = FOREIGN.search(output)
    if foreign:
        raise PluginError(f"{page.file.src_path} loads from another origin: {foreign.group(0)[:160]}")
    return output


def _render(kind: str, args: str, page, number: int) -> str:
    positional, options = parse_shortcode(kind, args)
    pricing = _state["pricing"]
    if kind == "widget":
        return _widget(positional[0], options, f"calc-{positional[0]}-{number}", page)
    if kind in ("value", "subject"):
        name, field = positional
        result = _calculate(name, options)
        for value in result.values:
            if value.name == field:
                if kind == "value":
                    return escape(value.text)
                if not value.subject:
                    raise CalculatorError(f"{name}'s value {field!r} names no subject", field)
                return escape(value.subject)
        raise CalculatorError(f"{name} has no result value {field!r}", field)
    if kind == "price":
        quantity, observation = pricing.quantity(positional[0]), pricing.observation(positional[0])
        return escape(format_value(observation.value, quantity.unit))
    if kind == "asof":
        return escape(pricing.observation(positional[0]).as_of)
    if kind == "source":
        source = pricing.sources[pricing.observation(positional[0]).source]
        title = escape(source["title"])
        return f'<a href="{escape(source["url"])}">{title}</a>' if "url" in source else title
    if kind == "then-now":
        return _then_now(pricing, positional[0])
    if kind == "snapshot":
        return escape(pricing.snapshot_date)
    if kind == "efficiency-presets":
        return _efficiency_presets(pricing)
    if kind == "change":
        change = price_change(pricing, positional[0])
        text = format_value(abs(change), "fraction")
        return escape("no change" if round(change, 4) == 0 else f"{'up' if change > 0 else 'down'} {text}")
    if kind == "largest":
        found = largest_machine(pricing, positional[0])
        if found is None:
            raise CalculatorError(f"no GPU machine of provider {positional[0]!r} in pricing.json", positional[0])
        return escape(found[0])
    if kind in ("most-gpus", "most-gpus-machine"):
        found = most_gpus(pricing, *positional)
        if found is None:
            raise CalculatorError(f"no {positional[1]} machine with {positional[0]} GPUs in pricing.json", positional[0])
        return escape(str(found[1]) if kind == "most-gpus" else found[0])
    if kind == "published-runs":
        return _published_runs(pricing)
    return _pricing_reference(pricing)  # parse_shortcode knows no other kind


def _source_link(pricing, source_id: str) -> str:
    """A link to a source, named by its title up to the first ';' or ' (' (the full title is its tooltip)."""
    source = pricing.sources[source_id]
    full = source["title"]
    short = re.split(r";| \(", full, maxsplit=1)[0].strip()
    title = f'<span title="{escape(full)}">{escape(short)}</span>' if short != full else escape(full)
    return f'<a href="{escape(source["url"])}">{title}</a>' if "url" in source else title


def _table_html(headers: tuple[str, ...], rows: list[tuple[str, ...]], caption: str) -> str:
    """A plain HTML table of already-escaped cells.

    Material wraps every plain table in its scrolling wrapper itself; a wrapper of our own around that one
    (an inline block as wide as the table) would make a phone's page scroll sideways.
    """
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _efficiency_presets(pricing) -> str:
    """Each efficiency preset: its name, its MFU, when to pick it, and where the figure comes from."""
    rows = []
    for name, entry in pricing.data.get("efficiency", {}).items():
        ref = f"/efficiency/{name}/values/mfu"
        observation = pricing.observation(ref)
        rows.append((escape(entry["label"]), escape(format_value(observation.value, "fraction")), escape(entry["advice"]),
                     f"{_source_link(pricing, observation.source)}<br><small>{escape(observation.note)}</small>"))
    return _table_html(("preset", "MFU", "pick it when", "source"), rows, "Efficiency presets")


def _published_runs(pricing) -> str:
    """The published runs the estimator is held to: published, estimated and the error, from the same data as the tests."""
    rows = []
    for check in published_runs(pricing):
        gpus = f"{check.gpu_count} × " if check.gpu_count else ""
        label = pricing.section("gpus")[check.gpu]["label"]
        preset = pricing.data["efficiency"][check.efficiency]["label"].split(" (")[0]
        unit = "h" if check.measure == "wall hours" else "GPU-hours"
        rows.append((
            escape(check.label), escape(f"{gpus}{label}"),
            escape(f"{preset}, {format_value(check.mfu, 'fraction')}"),
            escape(f"{format_value(check.published, unit)}"), escape(f"{format_value(check.estimated, unit)}"),
            escape(format_change(check.error)), _source_link(pricing, check.source),
        ))
    return _table_html(("run", "hardware", "preset, MFU", "published", "estimated", "error", "source"), rows,
                       "Published training runs against this estimate")


def _then_now(pricing, ref: str) -> str:
    """A source's old figure beside the current one, each with its date."""
    if "@" not in ref:
        raise CalculatorError(f"calc:then-now needs a reference pinned to a source, e.g. {ref}@note-aws-dl", ref)
    quantity = pricing.quantity(ref)
    then, now = pricing.observation(ref), quantity.current
    return escape(
        f"{format_value(then.value, quantity.unit)} ({then.as_of}) → {format_value(now.value, quantity.unit)} ({now.as_of})"
    )


# What each shortcode takes: its positional arguments, and whether it takes name=value options.
SHORTCODES = {
    "widget": (("calculator",), True),
    "value": (("calculator", "value name"), True),
    "subject": (("calculator", "value name"), True),
    "price": (("pricing reference",), False),
    "asof": (("pricing reference",), False),
    "source": (("pricing reference",), False),
    "then-now": (("pricing reference",), False),
    "snapshot": ((), False),
    "pricing-reference": ((), False),
    "efficiency-presets": ((), False),
    "change": (("pricing reference",), False),
    "largest": (("provider",), False),
    "most-gpus": (("GPU", "provider"), False),
    "most-gpus-machine": (("GPU", "provider"), False),
    "published-runs": ((), False),
}


def parse_shortcode(kind: str, args: str) -> tuple[list[str], dict[str, str]]:
    """Split a shortcode's arguments into positional ones and options, checking both against the kind.

    >>> parse_shortcode("widget", "pipeline preset=nanogpt-note train_hours=48")
    (['pipeline'], {'preset': 'nanogpt-note', 'train_hours': '48'})
    >>> parse_shortcode("value", "pipeline")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: calc:value takes a calculator and a value name, got 'pipeline'
    """
    if kind not in SHORTCODES:
        raise CalculatorError(f"Unknown shortcode: calc:{kind} (known: {', '.join(SHORTCODES)})")
    wanted, takes_options = SHORTCODES[kind]
    try:
        tokens = shlex.split(args)
    except ValueError as error:  # an unclosed quote
        raise CalculatorError(f"calc:{kind} arguments cannot be read ({error}): {args!r}") from None
    positional, options = [], {}
    for token in tokens:
        key, equals, value = token.partition("=")
        if not equals:
            positional.append(token)
        elif not key:
            raise CalculatorError(f"calc:{kind} option {token!r} has no name before '='")
        elif key in options:
            raise CalculatorError(f"calc:{kind} sets {key!r} twice")
        else:
            options[key] = value
    if len(positional) != len(wanted):
        needs = " and a ".join(wanted) if wanted else "no arguments"
        needs = f"a {needs}" if wanted else needs
        raise CalculatorError(f"calc:{kind} takes {needs}, got {args.strip()!r}")
    if options and not takes_options:
        raise CalculatorError(f"calc:{kind} takes no options, got {', '.join(options)}")
    return positional, options


def _calculate(name: str, options: dict):
    calculator = get_calculator(name)
    return calculator.compute(calculator.defaults(_state["pricing"], options), _state["pricing"])


WIDGET_LAYOUTS = ("open", "folded")
"""``form=folded`` on a widget shortcode folds its fields under a summary (the home page's answer comes first)."""


def _widget(name: str, options: dict, uid: str, page) -> str:
    calculator = get_calculator(name)
    pricing = _state["pricing"]
    options = dict(options)
    layout = options.pop("form", "open")
    if layout not in WIDGET_LAYOUTS:
        raise CalculatorError(f"form must be one of {', '.join(WIDGET_LAYOUTS)}: {layout!r}", "form")
    values = calculator.defaults(pricing, options)
    result = calculator.compute(values, pricing)
    specs = calculator.specs(options)
    reference = get_relative_url("reference/pricing/", page.url)
    fields = _preset_picker(calculator, uid) + "".join(
        _group(group, members, values, uid, specs, reference) for group, members in grouped(calculator.inputs_for(pricing))
    )
    defaults = escape(json.dumps(values, separators=(",", ":")))
    if layout == "folded":
        fields = (f'<details class="calc__fold"><summary>Change the run ({len(calculator.inputs)} fields)</summary>'
                  f"{fields}</details>")
    return (
        f'<div class="calc" id="{uid}" data-calc="{escape(name)}" data-calc-defaults="{defaults}" '
        f'data-pricing-snapshot="{escape(pricing.snapshot_date)}" '
        # An attribute, not a <script type="application/json">: instant navigation re-runs inline scripts.
        f'data-calc-figures="{escape(figures_json(result))}">'
        # aria-label is the title the page's exports carry; the form's accessible name comes from
        # aria-labelledby, which says which copy this is when a page has the calculator twice.
        f'<form class="calc__form" novalidate aria-label="{escape(calculator.title)}" aria-labelledby="{uid}-title">'
        f'<p class="calc__title" id="{uid}-title">{escape(calculator.title)}{_which_copy(name, uid, page)}</p>'
        f"{fields}"
        f'<div class="calc__actions"><button type="reset" class="md-button">Reset</button>'
        f'<button type="button" class="md-button" data-calc-export="csv">Download CSV</button>'
        f'<button type="button" class="md-button" data-calc-export="json">Download JSON</button></div>'
        f'<p class="calc__status" role="status" aria-live="polite">Computed when this page was built, '
        f"with prices as of {escape(pricing.snapshot_date)}.</p>"
        "<noscript><p class=\"calc__status\">Changing a field needs JavaScript: without it, these are the results "
        "computed when the page was built, and the buttons do nothing.</p></noscript></form>"
        f'<div class="calc__results" aria-live="polite">{render_results(result, _drawings(result), calculator.headline)}</div>'
        f"</div>\n"
    )


def _group(group: str, members: tuple[Input, ...], values: dict, uid: str, specs: dict, reference: str) -> str:
    """One group of fields: under its heading, or folded with its values in the summary if it is the advanced group."""
    fields = "".join(_field(item, values[item.name], uid, specs[item.name], reference, group) for item in members)
    fields = f'<div class="calc__fields">{fields}</div>'
    if not group:
        return fields
    if group == ADVANCED:
        shown = "".join(_summary_item(item, values[item.name]) for item in members)
        return (f'<details class="calc__group calc__group--advanced"><summary><span class="calc__group-title">'
                f'{escape(group)}</span> <span class="calc__group-values">{shown}</span></summary>{fields}</details>')
    return f'<fieldset class="calc__group"><legend>{escape(group)}</legend>{fields}</fieldset>'


def _summary_item(item: Input, value) -> str:
    """A folded field in its group's summary: its label and value, which the page script keeps up to date."""
    shown = dict(item.choices).get(value, value) if item.kind == "choice" else number_text(value)
    return f'<span data-summary-for="{escape(item.name)}">{escape(item.label)}: <b>{escape(str(shown))}</b></span>'


def _preset_picker(calculator, uid: str) -> str:
    """A list of the calculator's titled presets; picking one puts its values in every field (empty if it has none)."""
    if not calculator.preset_titles:
        return ""
    pricing = _state["pricing"]
    values = {
        name: {field: number_text(value) for field, value in calculator.defaults(pricing, {"preset": name}).items()}
        for name in calculator.preset_titles
    }
    options = '<option value="">Your own values (below)</option>' + "".join(
        f'<option value="{escape(name)}">{escape(title)}</option>' for name, title in calculator.preset_titles.items()
    )
    return (
        f'<div class="calc__field calc__preset"><label for="{uid}-preset">Start from</label>'
        f'<select id="{uid}-preset" data-calc-presets="{escape(json.dumps(values, separators=(",", ":")))}" '
        f'aria-describedby="{uid}-preset-help">{options}</select>'
        f'<small class="calc__help" id="{uid}-preset-help">Puts a published case in every field; change any of them '
        "after. Sources: the pricing reference.</small></div>"
    )


def _which_copy(name: str, uid: str, page) -> str:
    """Which copy of its calculator a widget is, e.g. ", 2 of 2", for screen readers; "" if the page has one.

    A named form is a landmark, and a page's landmarks need distinct names. The n-th shortcode of
    the page has the uid calc-<name>-<n>; page.markdown is the page's source while it is rendered.
    """
    shortcodes = enumerate(SHORTCODE.finditer(getattr(page, "markdown", None) or ""), start=1)
    copies = [n for n, match in shortcodes if match.group(1) == "widget" and match.group(2).split()[:1] == [name]]
    number = int(uid.rsplit("-", 1)[-1])
    if len(copies) < 2 or number not in copies:
        return ""
    return f'<span class="calc__which">, {copies.index(number) + 1} of {len(copies)}</span>'


def _drawings(result) -> dict[str, str]:
    """Static SVG of each figure, shown at first paint and kept when JavaScript is off."""
    return {figure.name: render_svg(figure.chart, figure.title) for figure in result.figures}


def label_under(label: str, group: str) -> str:
    """A field's label as shown under its group's heading: the group's name is not said twice.

    The declared label stays whole wherever it stands alone (exports, error messages, summaries).

    >>> label_under("Spot: time to write a checkpoint", "Spot")
    'Time to write a checkpoint'
    >>> label_under("Dataset size", "Data")
    'Dataset size'
    """
    prefix = f"{group}: "
    if not group or not label.startswith(prefix) or len(label) == len(prefix):
        return label
    rest = label[len(prefix):]
    return rest[0].upper() + rest[1:]


def _field(item: Input, value, uid: str, spec, reference: str, group: str = "") -> str:
    field_id = f"{uid}-{item.name}"
    described = f"{field_id}-help {field_id}-error"
    help_html = escape(item.help)
    if isinstance(spec, str) and spec.startswith("/"):
        help_html = f"{help_html} {_provenance(spec, reference)}".strip()
    if item.kind == "choice":
        opts = "".join(
            f'<option value="{escape(v)}"{" selected" if v == value else ""}>{escape(label)}</option>'
            for v, label in item.choices
        )
        control = f'<select id="{field_id}" name="{escape(item.name)}" aria-describedby="{described}">{opts}</select>'
    else:
        # Text, not type="number": the field shows exactly what was typed or linked (124M, 1.5k, even a typo),
        # and Python reads it and names what is wrong. Big counts get a keyboard with letters for the suffix.
        keyboard = "text" if (item.maximum or 0) >= 1e6 and not item.unit.startswith("USD") else "decimal"
        control = (
            f'<input id="{field_id}" name="{escape(item.name)}" type="text" inputmode="{keyboard}"'
            f' value="{number_text(value)}" autocomplete="off" spellcheck="false" required'
            f' aria-describedby="{described}">'
        )
    unit = f' <span class="calc__unit">{escape(UNIT_TEXT.get(item.unit, item.unit))}</span>' if item.unit else ""
    return (
        f'<div class="calc__field" data-field="{escape(item.name)}">'
        f'<label for="{field_id}">{escape(label_under(item.label, group))}{unit}</label>{control}'
        f'<small class="calc__help" id="{field_id}-help">{help_html}</small>'
        f'<small class="calc__error" id="{field_id}-error" role="alert" hidden></small></div>'
    )


def _provenance(ref: str, reference: str) -> str:
    """A short link to the pricing reference row a default came from, with its date."""
    pricing = _state["pricing"]
    observation = pricing.observation(ref)
    title = escape(pricing.sources[observation.source]["title"])
    anchor = _anchor(pricing.quantity(ref).pointer)
    return f'<a href="{reference}#{anchor}" title="{title}">pricing.json, {escape(observation.as_of)}</a>'



SECTION_TITLES = {
    "gpus": "GPUs",
    "instances": "Instances",
    "storage": "Storage",
    "transfer": "Data transfer",
    "electricity": "Electricity",
    "hardware": "Hardware to buy",
    "providers": "Provider terms",
    "assumptions": "Assumptions from the notes",
    "efficiency": "Efficiency presets",
    "runs": "Published training runs",
}


def _pricing_reference(pricing) -> str:
    """Every quantity in pricing.json, grouped by section, with each observation's source and date."""
    out = []
    for section, title in SECTION_TITLES.items():
        out.append(f"## {title}\n")
        rows = []
        for name, entry in pricing.data.get(section, {}).items():
            label = entry.get("label", name)
            fields = entry["values"] if "values" in entry else entry
            base = f"/{section}/{name}/values" if "values" in entry else f"/{section}/{name}"
            for field, node in fields.items():
                if isinstance(node, dict) and "observations" in node:
                    rows.extend(_reference_rows(pricing, pricing.quantity(f"{base}/{field}"), label, name, field, section))
        out.append(
            '<div class="md-typeset__table calc-pricing"><table><thead><tr>'
            '<th scope="col">entry</th><th scope="col">figure</th><th scope="col">value</th>'
            '<th scope="col">region</th><th scope="col">source</th><th scope="col">as of</th><th scope="col">age</th>'
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>\n"
        )
    return "\n".join(out)


def _reference_rows(pricing, quantity, label: str, name: str, field: str, section: str) -> list[str]:
    """Rows for one quantity, newest first; only a price (not a spec or an assumption) can go stale."""
    rows = []
    newest = quantity.current
    for observation in reversed(quantity.observations):
        source = pricing.sources[observation.source]
        link = escape(source["title"])
        if "url" in source:
            link = f'<a href="{escape(source["url"])}">{link}</a>'
        if observation is not newest:
            status = ' <span class="calc-badge">history</span>'
        elif quantity.unit.startswith("USD") and section != "assumptions" and is_stale(observation.as_of, pricing.snapshot_date):
            status = ' <span class="calc-badge calc-badge--stale" title="older than 12 months">stale</span>'
        else:
            status = ""
        value = format_value(observation.value, quantity.unit)
        if observation.low is not None and observation.high is not None:
            value += f" ({format_value(observation.low, quantity.unit)}–{format_value(observation.high, quantity.unit)})"
        note = f'<br><small>{escape(observation.note)}</small>' if observation.note else ""
        anchor = f' id="{escape(_anchor(quantity.pointer))}"' if observation is newest else ""
        rows.append(
            f"<tr{anchor}><td>{escape(label)}<br><code>{escape(name)}</code></td><td>{escape(field)}</td>"
            f"<td>{escape(value)}{status}</td><td>{escape(observation.region)}</td>"
            f"<td>{link}{note}</td><td>{escape(observation.as_of)}</td><td>{escape(_age(observation.as_of, pricing))}</td></tr>"
        )
    return rows


def _age(as_of: str, pricing) -> str:
    """How old a figure is at the snapshot, in words.

    >>> from types import SimpleNamespace
    >>> snapshot = SimpleNamespace(snapshot_date="2026-11-23")
    >>> _age("2026-11", snapshot), _age("2025-06", snapshot), _age("2015-11-22", snapshot)
    ('under a month', '17 months', '11 years')
    """
    months = months_between(as_of, pricing.snapshot_date)
    if months < 1:
        return "under a month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''}"
    return f"{months // 12} years"


def _anchor(pointer: str) -> str:
    """An HTML id for a pricing pointer, e.g. /instances/p4d.24xlarge/on_demand -> instances-p4d-24xlarge-on_demand."""
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", pointer.strip("/"))
