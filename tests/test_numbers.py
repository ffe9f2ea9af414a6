"""Number text has one rule per language: Python's parse_number and the page script's parseNumber read the same
cases as the same numbers, and every number Python writes (grouped from 1,000) reads back as itself."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators import format_value, number_text, parse_number
from tests.conftest import ROOT

NUMBERS_JS = ROOT / "docs" / "javascripts" / "calculators" / "numbers.js"
URL_STATE_JS = ROOT / "docs" / "javascripts" / "calculators" / "url-state.js"

# (text, the number it stands for, or None when it is not number text), worked out by hand.
CASES = [
    ("124M", 124e6), ("10B", 10e9), ("1.5k", 1500.0), ("1.5K", 1500.0), ("2 T", 2e12), ("3G", 3e9),
    ("124,000,000", 124e6), ("1,234.5", 1234.5), ("1,000", 1000.0), ("-1,000", -1000.0), ("+7", 7.0),
    ("7", 7.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1E-3", 0.001), ("2.5e2k", 250_000.0),
    (" 42 ", 42.0), ("\t42\n", 42.0), ("1\t k", 1000.0), ("0", 0.0), ("-0.25", -0.25), ("007", 7.0),
    ("1,5", None), ("12,34,567", None), (",500", None), ("1,000,00", None), ("1 000", None), ("12X", None),
    ("3m", None), ("1kk", None), ("k", None), ("", None), ("   ", None), ("nan", None), ("inf", None),
    ("Infinity", None), ("-", None), ("1e", None), ("e5", None), ("0x10", None), ("1_000", None),
    ("١٢", None), ("１２", None), ("1\n2", None), ("12\u00a0", None), ("\u00a012", None), ("1.2.3", None),
    ("--1", None), ("1,000k", 1e6), ("1e400", math.inf), ("-1e400", -math.inf),
]
"""Among them the ones the two languages could read differently: a no-break space (JavaScript's trim strips
it, Python's strip too, the rule strips neither), full-width and Arabic-Indic digits, overflow to infinity."""


def test_python_reads_each_case_as_worked_out():
    """parse_number gives the number each case names, or None where the text names no number."""
    for text, expected in CASES:
        assert parse_number(text) == expected, text


def _node(script: str, data) -> object:
    if sys.platform == "emscripten" or shutil.which("node") is None:
        pytest.skip("needs Node.js to run the page script")
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(data),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def _in_json(number: float | None):
    """A parsed number as JSON can carry it: infinities as text, NaN (JavaScript's "no number") as None."""
    if number is None or number != number:
        return None
    return number if math.isfinite(number) else str(number)


def test_the_page_script_reads_every_case_as_python_does():
    """numbers.js's parseNumber, run under Node over the same cases, gives exactly Python's numbers."""
    script = f"""
import {{ parseNumber }} from {json.dumps(NUMBERS_JS.as_uri())};
let text = "";
for await (const chunk of process.stdin) text += chunk;
const show = (n) => (Number.isNaN(n) ? null : Number.isFinite(n) ? n : (n > 0 ? "inf" : "-inf"));
process.stdout.write(JSON.stringify(JSON.parse(text).map((t) => show(parseNumber(t)))));
"""
    texts = [text for text, _ in CASES]
    in_js = _node(script, texts)
    in_python = [_in_json(parse_number(text)) for text in texts]
    assert dict(zip(texts, in_js)) == dict(zip(texts, in_python))


def test_a_links_suffixed_value_equals_its_default_in_the_page_script():
    """url-state.js's changedInputs counts 1.5k as the default 1,500 and 124,000,000 as 124e6, so neither is
    written to a link; 1.6k and a text choice that differs are."""
    script = f"""
import {{ changedInputs }} from {json.dumps(URL_STATE_JS.as_uri())};
let text = "";
for await (const chunk of process.stdin) text += chunk;
const [inputs, defaults] = JSON.parse(text);
process.stdout.write(JSON.stringify(changedInputs(inputs, defaults)));
"""
    inputs = {"a": "1.5k", "b": "124,000,000", "c": "1.6k", "d": "flash", "e": "recompute", "f": "1,5"}
    defaults = {"a": 1500, "b": 124e6, "c": 1500, "d": "flash", "e": "flash", "f": 15}
    assert _node(script, [inputs, defaults]) == {"c": "1.6k", "e": "recompute", "f": "1,5"}


@pytest.mark.parametrize(("number", "text"), [
    (999, "999"), (1000, "1,000"), (1024, "1,024"), (124e6, "124,000,000"), (0.52, "0.52"),
    (12345.678, "12,345.678"), (-1500.5, "-1,500.5"), (1e-05, "1e-05"), (1e23, "1e+23"),
])
def test_numbers_are_written_grouped_from_a_thousand(number, text):
    """A field's text, a message's number and a tick are grouped by thousands from 1,000, as results are."""
    assert number_text(number) == text


def test_results_group_from_a_thousand_too():
    """format_value groups as number_text does: $1,024.00, 1,024 h, and 999 h ungrouped."""
    assert (format_value(1024, "USD"), format_value(1024, "h"), format_value(999, "h")) == ("$1,024.00", "1,024 h", "999 h")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_number_written_reads_back_as_itself(number):
    """Whatever the number, the text Python writes for it is read back by the same rule as exactly that number."""
    assert parse_number(number_text(number)) == number
