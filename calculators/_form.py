"""A calculator's widget as HTML: its form, made from the declaration, around the results ``_html`` renders.

The build writes this into the page; the page script reads the field names from the form, the
defaults from ``data-calc-defaults`` and the figures from ``data-calc-figures``, and never needs to
know which calculator it is. Everything shown is escaped here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any, Mapping

from ._declare import ADVANCED, Calculator, Filler, Input, grouped
from ._errors import CalculatorError
from ._html import figures_json, render_lead, render_rest
from ._numbers import number_text
from ._pricing import Pricing
from ._result import Result

UNIT_TEXT = {"USD/h": "USD/h", "USD/GB-month": "USD per GB-month", "USD/GB": "USD/GB", "USD/kWh": "USD/kWh"}
"""A unit as a field's label says it, where that differs from the declaration's unit."""

WIDGET_LAYOUTS = ("open", "folded")
"""``form=folded`` on a widget shortcode folds its fields under a summary (the home page's answer comes first)."""


@dataclass(frozen=True)
class Widget:
    """One copy of a calculator on a page, computed at its page's defaults.

    ``uid`` is its element id; ``copy`` is (n, of) when the page has the calculator more than once;
    ``reference_url`` is the pricing reference page, relative to this page; ``drawings`` maps a
    figure's name to the static SVG shown until Plotly draws it.
    """

    calculator: Calculator
    pricing: Pricing
    specs: Mapping[str, Any]
    values: Mapping[str, Any]
    result: Result
    uid: str
    reference_url: str
    layout: str = "open"
    copy: tuple[int, int] | None = None
    drawings: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.layout not in WIDGET_LAYOUTS:
            raise CalculatorError(f"form must be one of {', '.join(WIDGET_LAYOUTS)}: {self.layout!r}", "form")


def widget_html(widget: Widget) -> str:
    """The whole widget: title, the answer and headline figures with the status line, the form, then the charts and
    every other result, all computed for its defaults.

    >>> from calculators import get_calculator, load_pricing
    >>> pricing, calculator = load_pricing(), get_calculator("pipeline")
    >>> values = calculator.defaults(pricing)
    >>> html = widget_html(Widget(calculator, pricing, calculator.specs(), values, calculator.compute(values, pricing),
    ...                           "calc-pipeline-1", "../reference/pricing/"))
    >>> html.startswith('<div class="calc" id="calc-pipeline-1" data-calc="pipeline"'), 'name="train_hours"' in html
    (True, True)
    """
    calculator, pricing, uid = widget.calculator, widget.pricing, widget.uid
    fields = _preset_picker(calculator, pricing, uid, widget.values) + "".join(_filler(filler, uid) for filler in calculator.fillers) + "".join(
        _group(widget, group, members) for group, members in grouped(calculator.inputs_for(pricing))
    )
    if widget.layout == "folded":
        fields = (f'<details class="calc__fold"><summary>Change the run ({len(calculator.inputs)} fields)</summary>'
                  f"{fields}</details>")
    defaults = escape(json.dumps(dict(widget.values), separators=(",", ":")))
    lead = render_lead(widget.result, calculator.headline)
    rest = render_rest(widget.result, dict(widget.drawings or {}), calculator.headline)
    return (
        f'<div class="calc" id="{uid}" data-calc="{escape(calculator.name)}" data-calc-defaults="{defaults}" '
        f'data-pricing-snapshot="{escape(pricing.snapshot_date)}" '
        # An attribute, not a <script type="application/json">: instant navigation re-runs inline scripts.
        f'data-calc-figures="{escape(figures_json(widget.result))}">'
        f'<p class="calc__title" id="{uid}-title">{escape(calculator.title)}{_which_copy(widget.copy)}</p>'
        # The answer and the headline figures come first, and stay in view on a phone while the reader edits the
        # form under them (stylesheets/calculators.css); the status line says whether they are live.
        f'<div class="calc__summary"><div class="calc__lead" aria-live="polite">{lead}</div>'
        f'<p class="calc__status" role="status" aria-live="polite">Computed when this page was built, '
        f"with prices as of {escape(pricing.snapshot_date)}.</p>"
        "<noscript><p class=\"calc__status\">Changing a field needs JavaScript: without it, these are the results "
        "computed when the page was built, and the buttons do nothing.</p></noscript></div>"
        # aria-label is the title the page's exports carry; the form's accessible name comes from
        # aria-labelledby, which says which copy this is when a page has the calculator twice.
        f'<form class="calc__form" novalidate aria-label="{escape(calculator.title)}" aria-labelledby="{uid}-title">'
        f"{fields}"
        f'<div class="calc__actions"><button type="reset" class="md-button">Reset</button>'
        f'<button type="button" class="md-button" data-calc-export="csv">Download CSV</button>'
        f'<button type="button" class="md-button" data-calc-export="json">Download JSON</button></div></form>'
        f'<div class="calc__results">{rest}</div>'
        f"</div>\n"
    )


def _which_copy(copy: tuple[int, int] | None) -> str:
    """", 2 of 2" for screen readers when a page has the calculator twice: a page's named forms need distinct names."""
    return "" if copy is None else f'<span class="calc__which">, {copy[0]} of {copy[1]}</span>'


def _group(widget: Widget, group: str, members: tuple[Input, ...]) -> str:
    """One group of fields: under its heading, or folded with its values in the summary if it is the advanced group."""
    fields = "".join(_field(widget, item, group) for item in members)
    fields = f'<div class="calc__fields">{fields}</div>'
    if not group:
        return fields
    if group == ADVANCED:
        shown = "".join(_summary_item(item, widget.values[item.name]) for item in members)
        return (f'<details class="calc__group calc__group--advanced"><summary><span class="calc__group-title">'
                f'{escape(group)}</span> <span class="calc__group-values">{shown}</span></summary>{fields}</details>')
    return f'<fieldset class="calc__group"><legend>{escape(group)}</legend>{fields}</fieldset>'


def _summary_item(item: Input, value: Any) -> str:
    """A folded field in its group's summary: its label and value, which the page script keeps up to date."""
    shown = dict(item.choices).get(value, value) if item.kind == "choice" else number_text(value)
    return f'<span data-summary-for="{escape(item.name)}">{escape(item.label)}: <b>{escape(str(shown))}</b></span>'


DEFAULTS_OPTION = "@defaults"
"""The preset list's entry for the values the widget opens with (not a preset name: those are words)."""


def _preset_picker(calculator: Calculator, pricing: Pricing, uid: str, held: Mapping[str, Any]) -> str:
    """A list of the calculator's titled presets; picking one puts its values in every field (empty if it has none).

    The list names the case the fields hold (``held``, what the widget opens with): the preset whose values they
    are, else the widget's own starting values (titled by the declaration's ``defaults_title`` when they are the
    calculator's defaults), else, once the reader has changed them, "Your own values" (the page keeps the choice
    in step as the reader edits, javascripts/calculators/widget.js).

    >>> from calculators import get_calculator, load_pricing
    >>> calculator, pricing = get_calculator("cost_to_train"), load_pricing()
    >>> html = _preset_picker(calculator, pricing, "c", calculator.defaults(pricing))
    >>> html.split(" selected>")[1].split("<")[0]
    'nanoGPT&#x27;s GPT-2 124M, on today&#x27;s machines and prices'
    >>> html = _preset_picker(calculator, pricing, "c", calculator.defaults(pricing, {"preset": "llama2-7b"}))
    >>> html.split(" selected>")[1].split("<")[0]
    'Llama 2 7B'
    """
    if not calculator.preset_titles:
        return ""
    raw = {name: calculator.defaults(pricing, {"preset": name}) for name in calculator.preset_titles}
    chosen = next((name for name, fields in raw.items() if dict(fields) == dict(held)), DEFAULTS_OPTION)
    pure = dict(held) == dict(calculator.defaults(pricing))
    start = calculator.defaults_title if pure and calculator.defaults_title else "The values this page starts from"
    raw = {DEFAULTS_OPTION: held, **raw}
    values = {name: {field: number_text(value) for field, value in fields.items()} for name, fields in raw.items()}
    titles = {DEFAULTS_OPTION: start, **calculator.preset_titles}
    if chosen != DEFAULTS_OPTION:  # the widget opens on a preset: that entry names its values
        del titles[DEFAULTS_OPTION], values[DEFAULTS_OPTION]
    options = '<option value="">Your own values</option>' + "".join(
        f'<option value="{escape(name)}"{" selected" if name == chosen else ""}>{escape(title)}</option>'
        for name, title in titles.items()
    )
    return (
        f'<div class="calc__field calc__preset"><label for="{uid}-preset">Start from</label>'
        f'<select id="{uid}-preset" data-calc-presets="{escape(json.dumps(values, separators=(",", ":")))}" '
        f'aria-describedby="{uid}-preset-help">{options}</select>'
        f'<small class="calc__help" id="{uid}-preset-help">Puts a published case in every field; change any of them '
        "after. Sources: the pricing reference.</small></div>"
    )


def _filler(filler: Filler, uid: str) -> str:
    """A list of the filler's examples and a box to paste a text into; either fills the fields it names.

    The examples' field values are written here, so picking one needs no Python; a pasted text is read by Python
    (``calculators.fill``) when the reader asks. Neither control has a name: neither is an input of the calculator.

    >>> from calculators import get_calculator
    >>> html = _filler(get_calculator("cost_to_train").fillers[0], "c")
    >>> 'data-calc-filler="model_config"' in html, '<textarea id="c-model_config-text"' in html, "Mistral 7B" in html
    (True, True, True)
    """
    base = f"{uid}-{filler.name}"
    examples = filler.examples()
    values = {key: {field: number_text(value) for field, value in fields.items()} for key, (_, fields) in examples.items()}
    options = '<option value="">Choose a model…</option>' + "".join(
        f'<option value="{escape(key)}">{escape(title)}</option>' for key, (title, _) in examples.items()
    )
    return (
        f'<div class="calc__field calc__filler" data-calc-filler="{escape(filler.name)}" '
        f'data-calc-fill-examples="{escape(json.dumps(values, separators=(",", ":")))}">'
        f'<label for="{base}">{escape(filler.label)}</label>'
        f'<select id="{base}" aria-describedby="{base}-help">{options}</select>'
        f'<details class="calc__paste"><summary>Paste a config.json</summary>'
        f'<label class="calc__visually-hidden" for="{base}-text">config.json text</label>'
        f'<textarea id="{base}-text" rows="4" maxlength="{filler.max_length}" spellcheck="false" autocomplete="off" '
        f'placeholder="{{&quot;num_hidden_layers&quot;: 32, &quot;hidden_size&quot;: 4096, …}}" '
        f'aria-describedby="{base}-help {base}-error"></textarea>'
        f'<button type="button" class="md-button" data-calc-fill-read>Use this config</button></details>'
        f'<small class="calc__help" id="{base}-help">{escape(filler.help)}</small>'
        f'<small class="calc__error" id="{base}-error" role="alert" hidden></small></div>'
    )


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


def _field(widget: Widget, item: Input, group: str) -> str:
    field_id = f"{widget.uid}-{item.name}"
    described = f"{field_id}-help {field_id}-error"
    value, spec = widget.values[item.name], widget.specs[item.name]
    help_html = escape(item.help)
    if isinstance(spec, str) and spec.startswith("/"):
        help_html = f"{help_html} {_provenance(widget.pricing, spec, widget.reference_url)}".strip()
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
            f' value="{escape(number_text(value))}" autocomplete="off" spellcheck="false" required'
            f' aria-describedby="{described}">'
        )
    shown_unit = unit_label(label_under(item.label, group), item.unit)
    unit = f' <span class="calc__unit">{escape(shown_unit)}</span>' if shown_unit else ""
    return (
        f'<div class="calc__field" data-field="{escape(item.name)}">'
        f'<label for="{field_id}">{escape(label_under(item.label, group))}{unit}</label>{control}'
        f'<small class="calc__help" id="{field_id}-help">{help_html}</small>'
        f'<small class="calc__error" id="{field_id}-error" role="alert" hidden></small></div>'
    )


def _provenance(pricing: Pricing, ref: str, reference_url: str) -> str:
    """Where a default comes from: the publication or catalog behind it, with the date it gives the value, as a link
    to the value's row in the pricing reference (the full title on hover). The page hides it once the field holds
    another value (a preset's, a config's or the reader's), as it is then no longer that source's figure."""
    observation = pricing.observation(ref)
    title = pricing.sources[observation.source]["title"]
    anchor = pricing.quantity(ref).anchor
    return (f'<span class="calc__source">Source: <a href="{reference_url}#{anchor}" title="{escape(title)}">'
            f"{escape(source_name(title))} ({escape(observation.as_of)})</a></span>")


def source_name(title: str, longest: int = 60) -> str:
    """A source's title, short enough for a field's help: without its parenthesis, and cut at its colon if still long.

    >>> source_name("SkyPilot catalog v7, AWS VMs (catalogs/v7/aws/vms.csv)")
    'SkyPilot catalog v7, AWS VMs'
    >>> source_name("AWS deep-learning notes: ECR pricing and storage/training scenarios (EC2 vs Lambda Cloud)")
    'AWS deep-learning notes'
    >>> source_name("Gist: p2 instance prices and us-east-1e spot prices (slavivanov)")
    'Gist: p2 instance prices and us-east-1e spot prices'
    """
    name = title.split(" (")[0].strip() or title
    if len(name) > longest and ": " in name:
        name = name.split(": ")[0]
    return name


def unit_label(label: str, unit: str) -> str:
    """The unit shown after a field's label: none when the label already says it ("Training machines", machines).

    >>> unit_label("Model parameters", "parameters"), unit_label("Training time", "h"), unit_label("Projects", "projects")
    ('', 'h', '')
    """
    text = UNIT_TEXT.get(unit, unit)
    words = label.lower().replace("(", " ").replace(")", " ").split()
    return "" if not text or text.lower() in words or " ".join(words).endswith(text.lower()) else text
