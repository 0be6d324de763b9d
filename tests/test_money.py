"""bridge.money: Odoo's half-up rounding, floats read as the Decimal the user saw, exact JSON, no floats.

Rounding cases are Odoo's own (odoo/odoo 17.0 odoo/addons/base/tests/test_float.py, test_rounding_02/03).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest

from bridge.money import check_no_floats, float_round, json_dumps, json_loads, to_decimal


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (2.675, 2, "2.68"),  # the double is 2.67499999999999982…: Python's round() gives 2.67
        (-2.675, 2, "-2.68"),
        (2.674, 2, "2.67"),
        (1.005, 2, "1.01"),  # the double is 1.00499999999999989…
        (-1.005, 2, "-1.01"),
        (0.005, 2, "0.01"),
        (-0.005, 2, "-0.01"),
        (0.0049, 2, "0.00"),
        (0.001, 2, "0.00"),
        (6.6 * 0.175, 2, "1.16"),  # 1.1549999999999998 after the multiplication: Odoo's epsilon tips it
        (-6.6 * 0.175, 2, "-1.16"),
        (0.5, 0, "1"),
        (-0.5, 0, "-1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),  # half up, not half even
        (2.6735, 3, "2.674"),
        (-2.6745, 3, "-2.675"),
        (2.6744, 3, "2.674"),
        (357.4555, 3, "357.456"),
        (-357.4555, 3, "-357.456"),
        (457.4554, 3, "457.455"),
    ],
)
def test_float_round_rounds_half_up_as_odoo_does(value, digits, expected):
    result = float_round(value, precision_digits=digits)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected) and str(result).lstrip("-") == expected.lstrip("-")


def test_float_round_gives_the_same_answer_for_a_float_and_for_its_decimal():
    for value in (2.675, -2.675, 1.005, 6.6 * 0.175, 357.4555):
        assert float_round(value, precision_digits=2) == float_round(Decimal(repr(value)), precision_digits=2)


def test_float_rounds_epsilon_tips_a_value_a_hair_below_the_tie_as_odoo_does():
    # What a float computation leaves of 1.005: Odoo rounds it up, plain half-up would not.
    assert float_round(Decimal("1.0049999999999999"), precision_digits=2) == Decimal("1.01")
    assert float_round(Decimal("1.0049999999999"), precision_digits=2) == Decimal("1.00")


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        (-457.4554, "0.05", "-457.45"),
        (457.444, "0.5", "457.50"),
        (457.3, "5", "455"),
        (457.5, "5", "460"),
        (457.1, "3", "456"),
        (1.3, "0.5", "1.5"),
    ],
)
def test_float_round_rounds_to_a_rounding_unit_such_as_a_coin(value, rounding, expected):
    assert float_round(value, precision_rounding=Decimal(rounding)) == Decimal(expected)


def test_float_round_passes_odoos_extended_float_range_test():
    # Cloves Almeida's test on bug #882036, as in Odoo's test_rounding_03.
    fractions = [0.0, 0.015, 0.01499, 0.675, 0.67499, 0.4555, 0.4555, 0.45555]
    expecteds = [".00", ".02", ".01", ".68", ".67", ".46", ".456", ".4556"]
    precisions = [2, 2, 2, 2, 2, 2, 3, 4]
    failures = []
    for magnitude in range(7):
        for frac, exp, prec in zip(fractions, expecteds, precisions, strict=True):
            for sign in (-1, 1):
                for x in range(0, 10000, 97):
                    n = x * 10**magnitude
                    f = sign * (n + frac)
                    expected = ("-" if f != 0 and sign == -1 else "") + str(n) + exp
                    got = float_round(f, precision_digits=prec)
                    if got != Decimal(expected) or f"{got:.{prec}f}".lstrip("-") != expected.lstrip("-"):
                        failures.append((f, prec, str(got), expected))
    assert failures == []


def test_float_round_needs_exactly_one_precision():
    with pytest.raises(ValueError):
        float_round(1.25, precision_digits=2, precision_rounding=Decimal("0.01"))
    with pytest.raises(ValueError):
        float_round(1.25)
    with pytest.raises(ValueError):
        float_round(1.25, precision_rounding=Decimal("0"))
    with pytest.raises(ValueError):
        float_round(1.25, precision_rounding=Decimal("-0.1"))


def test_to_decimal_reads_a_float_as_the_number_the_user_saw_not_its_binary_expansion():
    assert to_decimal(0.1) == Decimal("0.1") and Decimal(0.1) != Decimal("0.1")
    assert str(to_decimal(19.99)) == "19.99"
    assert to_decimal(100.0) == Decimal(100)
    assert to_decimal(3) == Decimal(3)
    assert to_decimal("2.50") == Decimal("2.50")
    assert to_decimal(Decimal("7.125")) == Decimal("7.125")


def test_to_decimal_with_digits_rounds_as_odoo_does():
    assert to_decimal(2.675, digits=2) == Decimal("2.68")
    assert str(to_decimal(19.9, digits=2)) == "19.90"


@pytest.mark.parametrize("bad", [True, None, float("nan"), float("inf"), "abc", [1]])
def test_to_decimal_refuses_what_is_not_a_finite_number(bad):
    with pytest.raises((TypeError, ValueError)):
        to_decimal(bad)


def test_json_dumps_writes_decimals_as_numbers_with_their_exact_digits():
    text = json_dumps({"a": Decimal("12345678901234567.89"), "b": Decimal("0.10"), "c": Decimal("1E+3")})
    assert text == '{"a":12345678901234567.89,"b":0.10,"c":1000}'
    assert json.loads(text, parse_float=str)["a"] == "12345678901234567.89"  # a number, digits intact
    assert float(Decimal("12345678901234567.89")) != Decimal("12345678901234567.89")  # float would lose


def test_json_dumps_writes_everything_else_as_the_json_module_does():
    value = {"s": 'quote " and ü', "i": 3, "f": 1.5, "t": True, "n": None, "l": [1, (2, 3)], 7: "int key"}
    assert json.loads(json_dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan")])
def test_json_dumps_refuses_numbers_json_cannot_carry(bad):
    with pytest.raises(ValueError):
        json_dumps({"amount": bad})


def test_json_dumps_names_what_it_cannot_write():
    with pytest.raises(TypeError, match=r"set at \['lines'\]\[0\]"):
        json_dumps({"lines": [{1, 2}]})


def test_json_loads_reads_numbers_with_a_fraction_as_decimal():
    body = json_loads('{"Total": 1234567.8912, "Count": 3, "Rate": 1e-7}')
    assert body == {"Total": Decimal("1234567.8912"), "Count": 3, "Rate": Decimal("1E-7")}
    assert isinstance(body["Total"], Decimal) and isinstance(body["Count"], int)
    assert json_loads(json_dumps(body)) == body


@dataclass(frozen=True)
class Line:
    description: str
    amount: object


@dataclass(frozen=True)
class Invoice:
    number: str
    total: object
    lines: tuple = ()


def test_check_no_floats_accepts_decimals_ints_and_text():
    check_no_floats(Invoice("INV-1", Decimal("10.00"), (Line("Work", Decimal("10.00")), Line("Free", 0))))


def test_check_no_floats_names_the_field_holding_a_float():
    with pytest.raises(TypeError, match=r"Invoice\.total is a float \(10\.0\)"):
        check_no_floats(Invoice("INV-1", 10.0))


def test_check_no_floats_finds_a_float_in_nested_tuples_and_dataclasses():
    invoice = Invoice("INV-1", Decimal("3.50"), (Line("a", Decimal("1.00")), Line("b", 2.5)))
    with pytest.raises(TypeError, match=r"Invoice\.lines\[1\]\.amount is a float"):
        check_no_floats(invoice)
