"""Number text, read and written in one place: what a field, a link or a message says a number is.

Reading. A field or a link holds text: ASCII digits with a decimal point and an exponent, thousands
optionally grouped with commas (``124,000,000``), and one suffix (``124M``, ``10B``, ``1.5k``). A comma
anywhere else (``1,5``) is refused, not guessed at. The page script reads the same text with the same
rule (``docs/javascripts/calculators/numbers.js``; ``tests/test_numbers.py`` runs both over one list of
cases), so a link's ``1.5k`` is the default 1,500 in the browser as in Python.

Writing. Whole parts are grouped by thousands with commas from 1,000 up, everywhere a number is shown:
results (:func:`format_value`), the text a field is built with, messages and chart ticks
(:func:`number_text`).
"""

from __future__ import annotations

import math
import re

__all__ = ["SUFFIXES", "format_change", "format_range", "format_value", "number_text", "parse_number", "round_significant",
           "unknown_suffix"]

SUFFIXES = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}
"""What a number may end with: 124M is 124,000,000, 10B ten billion, 1.5k 1,500."""

NUMBER_TEXT = re.compile(
    r"([-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)[ \t]*([kKMBGT])?"
)
"""ASCII digits only, so a number reads the same in the field, the URL and Python (numbers.js holds the same pattern)."""

SPACE = " \t\n\r\f\v"
"""What is stripped from both ends of the text; JavaScript's ``trim`` strips more, so numbers.js names these too."""

_SUFFIXED_WORD = re.compile(r"([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))[ \t]*([A-Za-z]+)")


def parse_number(text: str) -> float | None:
    """The number a piece of text stands for, or None if it is not number text.

    Text too large for a float stands for an infinite number; the caller refuses it.

    >>> parse_number(" 124M "), parse_number("1.5k"), parse_number("124,000,000"), parse_number("1e3")
    (124000000.0, 1500.0, 124000000.0, 1000.0)
    >>> parse_number("1,5"), parse_number("12X"), parse_number("nan"), parse_number("")
    (None, None, None, None)
    >>> parse_number("1e400")
    inf
    """
    match = NUMBER_TEXT.fullmatch(text.strip(SPACE))
    if match is None:
        return None
    return float(match.group(1).replace(",", "")) * SUFFIXES[match.group(2) or ""]


def unknown_suffix(text: str) -> str | None:
    """The letters after a number that are not a suffix we know (``12X`` → ``X``), else None.

    >>> unknown_suffix("3m"), unknown_suffix("124M"), unknown_suffix("abc")
    ('m', None, None)
    """
    match = _SUFFIXED_WORD.fullmatch(text.strip(SPACE))
    if match is None or match.group(2) in SUFFIXES:
        return None
    return match.group(2)


def number_text(value: float | str) -> str:
    """A number as a field, a message or a chart tick writes it: grouped, exact, read back as the same number.

    Text (a choice) is returned as it is.

    >>> number_text(124_000_000.0), number_text(1024), number_text(0.52), number_text(12345.678)
    ('124,000,000', '1,024', '0.52', '12,345.678')
    >>> number_text(-3), number_text(-0.5), number_text(1e23), number_text(1e-05), number_text("flash")
    ('-3', '-0.5', '1e+23', '1e-05', 'flash')
    >>> all(parse_number(number_text(x)) == x for x in (1e15, 0.1 + 0.2, 123456.75, 7e-7))
    True
    """
    if isinstance(value, str):
        return value
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return f"{int(number):,}"
    text = repr(number)
    if "e" in text or "n" in text:  # exponent form, inf or nan: nothing to group
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    return f"{sign}{int(whole):,}.{fraction}"


def format_value(value: float, unit: str) -> str:
    """Format a result for display in its unit.

    Totals show cents; rates keep up to four decimals, so $0.023 per GB-month is not rounded away.

    >>> format_value(3172.8, "USD"), format_value(4.2, "USD/session")
    ('$3,172.80', '$4.20/session')
    >>> format_value(0.023, "USD/GB-month"), format_value(1.006, "USD/h")
    ('$0.023/GB-month', '$1.006/h')
    >>> format_value(96, "h"), format_value(3.5714, "sessions/month"), format_value(8, "count")
    ('96 h', '3.57 sessions/month', '8')
    >>> format_value(0.142857, "ratio"), format_value(0.35, "fraction"), format_value(1234.5, "h")
    ('0.143×', '35%', '1,234.5 h')
    >>> format_value(4 * 10 * 0.09, "USD/session")  # 3.5999999999999996 in binary
    '$3.60/session'
    >>> format_value(-0.0, "h"), format_value(-1e-12, "USD")
    ('0 h', '$0.00')
    """
    value = round(value, 9) + 0.0  # float noise must not decide the decimals; + 0.0 turns -0.0 into 0.0
    if unit.startswith("USD"):
        sign = "-" if value < 0 else ""
        per = unit[3:]
        decimals = 2 if not per or round(value, 2) == value else _decimals(abs(value))
        return f"{sign}${abs(value):,.{decimals}f}{per}"
    if unit == "fraction":
        return f"{value:.0%}" if round(value, 2) == value else f"{value:.1%}"
    if unit == "ratio":
        return f"{_rounded(value, 3)}×"
    text = _rounded(value, 2)
    return text if unit in ("", "count") else f"{text} {unit}"


def format_change(change: float) -> str:
    """A relative change with its sign, as a share: '+210.8%', '-0.8%', '0%'.

    >>> format_change(2.108), format_change(-0.008), format_change(0.0), format_change(-1e-12)
    ('+210.8%', '-0.8%', '0%', '0%')
    """
    text = format_value(change, "fraction")
    return text if text.startswith("-") or round(change, 9) == 0 else f"+{text}"


def _decimals(value: float) -> int:
    """Decimals (2 to 4) needed to show a rate without rounding it away."""
    for decimals in (3, 4):
        if round(value, decimals) == value:
            return decimals
    return 4


def _rounded(value: float, decimals: int) -> str:
    """A result rounded for reading: whole numbers whole, 100 and up to one decimal, smaller ones to ``decimals``."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{1 if abs(value) >= 100 else decimals}f}"


_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def round_significant(value: float, figures: int) -> float:
    """``value`` rounded to ``figures`` significant figures (0 stays 0).

    >>> round_significant(960_814.2, 3), round_significant(93.82, 3), round_significant(0.4249, 2)
    (961000.0, 93.8, 0.42)
    >>> round_significant(0, 3)
    0
    """
    return round(value, _significant_digits(value, figures)) if value else value


def _significant_digits(value: float, figures: int) -> int:
    """The decimal places that keep ``figures`` significant figures of a non-zero ``value`` (negative: tens, ...)."""
    return figures - 1 - math.floor(math.log10(abs(value)))


def _two_figures(value: float, dollars: bool) -> str:
    """A value to two significant figures, as a range writes it: $2.1M, $850k, $2,400, 26, 3.9, 0.42."""
    if value == 0:
        return "$0" if dollars else "0"
    digits = _significant_digits(value, 2)
    rounded = round(value, digits)
    if dollars and abs(rounded) >= 1e4:
        for scale, suffix in _SCALES:
            if abs(rounded) >= scale:
                return f"${_two_figures(rounded / scale, False)}{suffix}"
    text = f"{rounded:,.{max(0, digits)}f}"
    return f"${text}" if dollars else text


def format_range(low: float, high: float, unit: str) -> str:
    """A low–high range to two significant figures, as an answer gives an uncertain estimate.

    >>> format_range(2.134e6, 2.71e6, "USD"), format_range(2140, 2390, "USD"), format_range(25.6, 31.2, "days")
    ('$2.1M–$2.7M', '$2,100–$2,400', '26–31 days')
    >>> format_range(3.94, 4.31, "h"), format_range(849_000, 1_020_000, "USD"), format_range(4.04, 4.01, "days")
    ('3.9–4.3 h', '$850k–$1.0M', '4.0 days')
    """
    dollars = unit == "USD"
    first, last = _two_figures(low, dollars), _two_figures(high, dollars)
    text = first if first == last else f"{first}–{last}"
    return text if dollars else f"{text} {unit}"
