"""Inputs are declared once and checked in one place, with plain messages that name the field, what it accepts and the value."""

from __future__ import annotations

import pytest

from calculators import CalculatorError, Input, calculate, get_calculator, run

HOURS = Input("hours", "Training hours", "h", 6, minimum=0, maximum=10_000)
NODES = Input("nodes", "Machines", "machines", 1, minimum=1, maximum=100, integer=True)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "is empty: type a number between 0 and 10,000 h"),
        ("   ", "is empty: type a number between 0 and 10,000 h"),
        ("abc", "must be a number between 0 and 10,000 h, not 'abc'"),
        ("nan", "must be a finite number, not 'nan'"),
        ("1e309", "must be a finite number"),
        ("-inf", "must be a finite number"),
        ("-3", "must be between 0 and 10,000 h, not -3"),
        ("20000", "must be between 0 and 10,000 h, not 20,000"),
        ("1e23", "must be between 0 and 10,000 h, not 1e+23"),
        (None, "must be a number, not None"),
        (True, "must be a number, not True"),
        ([1], "must be a number, not [1]"),
    ],
)
def test_bad_numbers_are_refused_with_field_limit_and_value(raw, message):
    """Every kind of bad number raises CalculatorError naming the field."""
    with pytest.raises(CalculatorError) as caught:
        HOURS.parse(raw)
    assert message in str(caught.value)
    assert caught.value.field == "hours"
    assert str(caught.value).startswith("Training hours ")
    assert "'hours'" not in str(caught.value) and ">=" not in str(caught.value), "the message reads like code"


@pytest.mark.parametrize(("item", "bad", "words"), [
    (Input("price", "Price", "USD/h", 1, minimum=0, maximum=1000), "1e30", "between 0 and 1,000 USD/h"),
    (Input("size", "Size", "GB", 1, minimum=1), "0.5", "at least 1 GB"),
    (Input("share", "Share", "fraction", 0.5, minimum=0, maximum=1), "2", "between 0 and 1"),
    (Input("delta", "Change", "h", 0, minimum=None, maximum=5), "6", "at most 5 h"),
    (NODES, "0", "a whole number between 1 and 100 machines"),
])
def test_a_message_says_in_words_what_the_field_accepts(item, bad, words):
    """Each kind of bound reads as words with the field's unit: between, at least, at most, a whole number."""
    assert item.allowed() == words
    with pytest.raises(CalculatorError, match=f"must be {words}, not "):
        item.parse(bad)


def test_a_long_bad_value_is_cut_in_the_message():
    """A pasted value of any length is shown cut at 40 characters, so a link cannot flood the page."""
    with pytest.raises(CalculatorError) as caught:
        HOURS.parse("x" * 5000)
    assert len(str(caught.value)) < 120 and "…" in str(caught.value)


def test_large_numbers_may_be_grouped_with_commas_but_a_decimal_comma_is_refused():
    """124,000,000 reads as 124 million, as the field shows it; 1,5 is ambiguous and refused."""
    item = Input("parameters", "Model parameters", "parameters", 1, maximum=1e13)
    assert item.parse("124,000,000") == 124e6 and item.parse("1,234.5") == 1234.5
    for text in ("1,5", "12,34,567", ",500"):
        with pytest.raises(CalculatorError, match="must be a number"):
            item.parse(text)


def test_whole_number_inputs_refuse_fractions():
    """An integer input says it wants a whole number."""
    with pytest.raises(CalculatorError, match="must be a whole number, not 2.5"):
        NODES.parse("2.5")
    assert NODES.parse("3") == 3


def test_text_from_a_form_or_url_is_parsed_like_a_number():
    """Surrounding spaces and exponent notation are accepted."""
    assert HOURS.parse(" 7.5 ") == 7.5
    assert HOURS.parse("1e2") == 100


def test_choices_refuse_unknown_values():
    """A choice input accepts only its listed values."""
    precision = Input("precision", "Precision", "", "bf16", choices=(("bf16", "BF16"), ("fp32", "FP32")))
    assert precision.parse("fp32") == "fp32"
    with pytest.raises(CalculatorError, match="must be one of bf16, fp32, not '<script>'"):
        precision.parse("<script>")


def test_a_bad_choice_among_many_is_not_answered_with_the_whole_list():
    """A dropdown with many choices says how many there are instead of listing every id."""
    machine = Input("machine", "Machine", "", "m0", choices=tuple((f"m{i}", f"Machine {i}") for i in range(23)))
    with pytest.raises(CalculatorError) as caught:
        machine.parse("nope")
    assert str(caught.value) == "Machine must be one of the 23 choices in its list, not 'nope'"


def test_unknown_input_is_an_error_not_ignored(pricing):
    """An input the calculator does not declare is refused, never dropped."""
    with pytest.raises(CalculatorError, match="has no input 'trian_hours'") as caught:
        calculate("pipeline", {"trian_hours": 3})
    assert caught.value.field == "trian_hours"


def test_unknown_calculator_and_preset_are_named():
    """Asking for a calculator or preset that does not exist says which exist."""
    with pytest.raises(CalculatorError, match="unknown calculator 'pipe'"):
        get_calculator("pipe")
    with pytest.raises(CalculatorError, match="no preset 'nope'"):
        calculate("pipeline", preset="nope")


def test_run_returns_errors_as_data_for_the_page():
    """The page's entry point never raises for bad input; it returns the field and message."""
    answer = run("pipeline", {"train_hours": "1e309"})
    message = answer["error"]["message"]
    assert answer == {"error": {"field": "train_hours", "message": message,
                                "errors": [{"field": "train_hours", "message": message}]}}
    assert "finite" in message
    assert run("no_such", {})["error"]["field"] is None


def test_every_bad_field_is_reported_at_once():
    """Three bad fields in one request (a tampered link) come back as three errors, each naming its field."""
    answer = run("pipeline", {"train_hours": "-1", "train_price": "abc", "preprocess_hours": "5X"})
    errors = answer["error"]["errors"]
    assert [error["field"] for error in errors] == ["train_hours", "train_price", "preprocess_hours"]
    assert "must be between 0 and" in errors[0]["message"] and "must be a number" in errors[1]["message"]
    assert "'X' is not a suffix we know" in errors[2]["message"]
    assert answer["error"]["field"] == "train_hours"


def test_run_returns_values_with_display_text_and_html():
    """A good run returns numbers, their text and the rendered results."""
    answer = run("pipeline", {"train_hours": "10", "train_price": "2"})["result"]
    values = {value["name"]: value for value in answer["values"]}
    assert values["train"]["value"] == pytest.approx(20.0)  # 10 h × $2/h
    assert values["train"]["text"] == "$20.00"
    assert "$20.00" in answer["html"]


@pytest.mark.parametrize(("text", "number"), [("124M", 124e6), ("10B", 10e9), ("1.5k", 1500), ("2 T", 2e12),
                                              ("7", 7), (".5", 0.5), ("1e3", 1000)])
def test_number_fields_understand_k_m_b_t_suffixes(text, number):
    """124M, 10B, 1.5k and 2 T are read as the numbers they name, as typed in a form or put in a URL."""
    item = Input("parameters", "Model parameters", "parameters", 1, maximum=1e13)
    assert item.parse(text) == pytest.approx(number)


def test_a_suffixed_parameter_count_reaches_the_calculator():
    """'1.5B' in the parameters field prices a 1.5-billion-parameter model (GPT-2 XL's shape)."""
    answer = run("cost_to_train", {"parameters": "1.5B", "layers": 48, "embedding": 1600, "heads": 25})
    assert "error" not in answer
    assert calculate("cost_to_train", {"parameters": "1.5B", "layers": 48, "embedding": 1600, "heads": 25}).value(
        "state_memory") == pytest.approx(16 * 1.5e9 / 1e9)


@pytest.mark.parametrize(("text", "message"), [("12X", "'X' is not a suffix we know"), ("3m", "'m' is not a suffix we know"),
                                               ("1,5", "must be a number"), ("١٢", "must be a number")])
def test_a_bad_suffix_or_foreign_digits_get_a_message_naming_them(text, message):
    """A suffix other than k, M, B or T is named in the message; digits that are not ASCII are refused."""
    with pytest.raises(CalculatorError, match=message):
        Input("parameters", "Model parameters", "parameters", 1, maximum=1e13).parse(text)
