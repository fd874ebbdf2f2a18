"""Tests for shop_desktop.domain.money."""

from __future__ import annotations

import json
import operator
import pickle
from dataclasses import FrozenInstanceError
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain.money import (
    CNY,
    CURRENCIES,
    EUR,
    HKD,
    JPY,
    MAX_MINOR,
    TWD,
    USD,
    Currency,
    CurrencyMismatch,
    InvalidAmount,
    Money,
    RoundingRule,
    TaxSplit,
    UnknownCurrency,
    allocate,
    currency,
    split_evenly,
    split_tax_inclusive,
    tax_from_inclusive,
    tax_on_exclusive,
)

FIVE_PERCENT = Decimal("0.05")


def twd(minor: int) -> Money:
    return Money(minor, TWD)


def usd(minor: int) -> Money:
    return Money(minor, USD)


def reference_round(value: Decimal, places: int, rule: RoundingRule) -> Decimal:
    """Decimal's own rounding, with enough precision to be exact."""
    with localcontext(Context(prec=200)):
        return value.quantize(Decimal(f"1E-{places}"), rounding=rule.value)


# --- Currency ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exponent", "symbol", "cash_increment"),
    [
        ("TWD", 0, "NT$", 1),
        ("USD", 2, "$", 1),
        ("EUR", 2, "€", 1),
        ("CNY", 2, "¥", 1),
        ("HKD", 2, "HK$", 10),
        ("JPY", 0, "¥", 1),
    ],
)
def test_builtin_currencies(code: str, exponent: int, symbol: str, cash_increment: int) -> None:
    found = currency(code)
    assert (found.code, found.exponent, found.symbol, found.cash_increment) == (
        code,
        exponent,
        symbol,
        cash_increment,
    )
    assert CURRENCIES[code] is found


def test_currency_lookup_ignores_case_and_spaces() -> None:
    assert currency(" twd ") is TWD


def test_unknown_currency_is_a_value_error_naming_the_code() -> None:
    with pytest.raises(UnknownCurrency, match=r"unknown currency code 'XYZ' \(known: CNY, EUR"):
        currency("XYZ")
    assert issubclass(UnknownCurrency, ValueError)


def test_currency_lookup_rejects_non_str() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        currency(840)  # type: ignore[arg-type]


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        CURRENCIES["XTS"] = Currency("XTS", 2, "T")  # type: ignore[index]


def test_custom_currency() -> None:
    chf = Currency("CHF", 2, "CHF", cash_increment=5)
    assert str(Money(1234, chf)) == "CHF12.34"
    assert Money(1234, chf).round_to_cash() == Money(1235, chf)


def test_currency_identity_is_code_and_exponent() -> None:
    # A shop policy variant (5-cent cash rounding, other symbol) is still EUR.
    dutch_eur = Currency("EUR", 2, "EUR", cash_increment=5)
    assert dutch_eur == EUR
    assert hash(dutch_eur) == hash(EUR)
    assert Money(100, dutch_eur) + Money(1, EUR) == Money(101, EUR)
    assert Currency("TWD", 2, "NT$") != TWD


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "usd", "exponent": 2, "symbol": "$"}, "three letters A-Z"),
        ({"code": "US", "exponent": 2, "symbol": "$"}, "three letters A-Z"),
        ({"code": "USD", "exponent": 5, "symbol": "$"}, "between 0 and 4"),
        ({"code": "USD", "exponent": -1, "symbol": "$"}, "between 0 and 4"),
        ({"code": "USD", "exponent": 2, "symbol": ""}, "non-empty"),
        ({"code": "USD", "exponent": 2, "symbol": "U$1"}, "must not contain digits"),
        ({"code": "USD", "exponent": 2, "symbol": "US $"}, "must not contain digits"),
        ({"code": "USD", "exponent": 2, "symbol": "\u2460$"}, "must not contain digits"),
        ({"code": "USD", "exponent": 2, "symbol": "$", "cash_increment": 0}, "at least 1"),
    ],
)
def test_currency_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Currency(**kwargs)


@pytest.mark.parametrize("exponent", [2.0, True, Decimal(2)])
def test_currency_exponent_must_be_int(exponent: object) -> None:
    with pytest.raises(TypeError, match="exponent must"):
        Currency("USD", exponent, "$")  # type: ignore[arg-type]


def test_rounding_rules_are_decimal_modes() -> None:
    assert {rule.name: rule.value for rule in RoundingRule} == {
        "HALF_UP": "ROUND_HALF_UP",
        "HALF_EVEN": "ROUND_HALF_EVEN",
        "DOWN": "ROUND_DOWN",
        "UP": "ROUND_UP",
        "FLOOR": "ROUND_FLOOR",
        "CEILING": "ROUND_CEILING",
    }


# --- construction -----------------------------------------------------------


def test_money_holds_minor_units() -> None:
    price = Money(1250, USD)
    assert price.minor == 1250
    assert price.currency is USD
    assert Money.zero(JPY) == Money(0, JPY)


@pytest.mark.parametrize("minor", [12.5, Decimal(12), True, "12"])
def test_money_minor_must_be_int(minor: object) -> None:
    with pytest.raises(TypeError, match="minor must"):
        Money(minor, USD)  # type: ignore[arg-type]


def test_money_float_minor_message_points_to_from_decimal() -> None:
    with pytest.raises(TypeError, match=r"not a float \(12\.5\); for major units use Money.from"):
        Money(12.5, USD)  # type: ignore[arg-type]


def test_money_currency_must_be_currency() -> None:
    with pytest.raises(TypeError, match=r"use currency\('TWD'\)"):
        Money(1, "TWD")  # type: ignore[arg-type]


def test_money_range_fits_64_bit_columns() -> None:
    assert Money(MAX_MINOR, TWD).minor == 2**63 - 1
    assert Money(-MAX_MINOR, TWD).minor == -(2**63 - 1)
    with pytest.raises(OverflowError, match="out of range"):
        Money(MAX_MINOR + 1, TWD)
    with pytest.raises(OverflowError, match="out of range"):
        Money(MAX_MINOR, TWD) + twd(1)


def test_money_is_immutable_and_picklable() -> None:
    price = usd(1250)
    with pytest.raises(FrozenInstanceError):
        price.minor = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(price)) == price  # noqa: S301 - our own bytes


def test_repr_is_short() -> None:
    assert repr(usd(-305)) == "Money(-305, USD)"


# --- from_decimal -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rule", "minor"),
    [
        ("2.5", RoundingRule.HALF_UP, 3),
        ("-2.5", RoundingRule.HALF_UP, -3),
        ("2.5", RoundingRule.HALF_EVEN, 2),
        ("3.5", RoundingRule.HALF_EVEN, 4),
        ("2.4", RoundingRule.HALF_UP, 2),
        ("2.6", RoundingRule.HALF_EVEN, 3),
        ("2.9", RoundingRule.DOWN, 2),
        ("-2.9", RoundingRule.DOWN, -2),
        ("2.1", RoundingRule.UP, 3),
        ("-2.1", RoundingRule.UP, -3),
        ("-2.1", RoundingRule.FLOOR, -3),
        ("2.9", RoundingRule.FLOOR, 2),
        ("-2.9", RoundingRule.CEILING, -2),
        ("2.1", RoundingRule.CEILING, 3),
        ("7", RoundingRule.UP, 7),
    ],
)
def test_from_decimal_rounds_by_rule(value: str, rule: RoundingRule, minor: int) -> None:
    assert Money.from_decimal(Decimal(value), TWD, rule) == twd(minor)


def test_from_decimal_scales_to_minor_units() -> None:
    assert Money.from_decimal(Decimal("12.345"), USD) == usd(1235)
    assert Money.from_decimal(Decimal("12.345"), USD, RoundingRule.HALF_EVEN) == usd(1234)
    assert Money.from_decimal(12, USD) == usd(1200)
    assert Money.from_decimal("1234.5", TWD) == twd(1235)
    assert Money.from_decimal(Decimal("1E+3"), JPY) == Money(1000, JPY)


def test_from_decimal_ignores_the_callers_decimal_context() -> None:
    with localcontext(Context(prec=3)):
        assert Money.from_decimal(Decimal("123456.785"), USD) == usd(12345679)


def test_from_decimal_handles_extreme_exponents_quickly() -> None:
    tiny = Decimal("1E-999999999")
    assert Money.from_decimal(tiny, TWD) == twd(0)
    assert Money.from_decimal(tiny, TWD, RoundingRule.UP) == twd(1)
    assert Money.from_decimal(Decimal("-1E-999999999"), TWD, RoundingRule.FLOOR) == twd(-1)
    assert Money.from_decimal(Decimal("0E+999999999"), TWD) == twd(0)
    with pytest.raises(InvalidAmount, match="out of range"):
        Money.from_decimal(Decimal("1E+999999999"), TWD)


def test_from_decimal_rejects_float() -> None:
    with pytest.raises(TypeError, match=r"float \(0\.1\); use Decimal\('0\.1'\)"):
        Money.from_decimal(0.1, USD)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), "-inf"])
def test_from_decimal_rejects_non_finite(value: Decimal | str) -> None:
    with pytest.raises(InvalidAmount, match="must be finite"):
        Money.from_decimal(value, USD)


def test_from_decimal_rejects_bad_text_and_range() -> None:
    with pytest.raises(InvalidAmount, match="'12,50' is not a decimal number"):
        Money.from_decimal("12,50", USD)
    with pytest.raises(InvalidAmount, match="out of range"):
        Money.from_decimal(10**18, USD)


def test_from_decimal_rejects_non_rule_rounding() -> None:
    with pytest.raises(TypeError, match="must be a RoundingRule"):
        Money.from_decimal(1, USD, "ROUND_HALF_UP")  # type: ignore[arg-type]


# --- parse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency_", "minor"),
    [
        ("1,234.50", USD, 123450),
        ("1234.5", USD, 123450),
        ("-3.5", USD, -350),
        (".5", USD, 50),
        ("5.", USD, 500),
        ("+7", USD, 700),
        ("$12.50", USD, 1250),
        ("-$3.05", USD, -305),
        ("$-3.05", USD, -305),
        ("usd 3", USD, 300),
        ("NT$ 100", TWD, 100),
        ("nt$100", TWD, 100),
        ("TWD 1,000,000", TWD, 1000000),
        ("-NT$1,235", TWD, -1235),
        ("100.00", TWD, 100),
        ("12.500", USD, 1250),
        ("  42  ", TWD, 42),
        ("-0", TWD, 0),
        ("¥1,000", JPY, 1000),
        ("€0.99", EUR, 99),
        ("HK$12.30", HKD, 1230),
        ("\u22123.50", USD, -350),
        ("ＮＴ＄　１，２３４", TWD, 1234),
        ("１２．５０", USD, 1250),
    ],
)
def test_parse_accepts_typed_amounts(text: str, currency_: Currency, minor: int) -> None:
    assert Money.parse(text, currency_) == Money(minor, currency_)


@pytest.mark.parametrize(
    ("text", "currency_", "message"),
    [
        ("", USD, "amount is empty"),
        ("   ", USD, "amount is empty"),
        ("abc", USD, "'abc' is not an amount"),
        ("NaN", USD, "'NaN' is not an amount"),
        ("inf", USD, "'inf' is not an amount"),
        ("-Infinity", USD, "is not an amount"),
        ("1e5", USD, "is not an amount"),
        ("$", USD, "is not an amount"),
        (".", USD, "is not an amount"),
        ("-", USD, "is not an amount"),
        ("1,23", USD, "is not an amount"),
        ("1,2345", USD, "is not an amount"),
        (",123", USD, "is not an amount"),
        ("1.2.3", USD, "is not an amount"),
        ("12 34", USD, "is not an amount"),
        ("1_000", USD, "is not an amount"),
        ("100 TWD", TWD, "is not an amount"),
        ("0x10", USD, "is not an amount"),
        ("--5", USD, "two signs"),
        ("-$-5", USD, "two signs"),
        ("1.234", USD, r"too many decimal places for USD \(at most 2\)"),
        ("100.5", TWD, r"too many decimal places for TWD \(at most 0\)"),
        ("0.001", EUR, "too many decimal places"),
        ("€5", USD, r"is not in USD \(expected '\$', 'USD' or no symbol\)"),
        ("$5", TWD, "is not in TWD"),
        ("EUR 5", USD, "is not in USD"),
        ("9" * 20, TWD, "out of range"),
        ("1" * 31, TWD, r"too long \(31 characters, at most 30\)"),
    ],
)
def test_parse_rejects_bad_input(text: str, currency_: Currency, message: str) -> None:
    with pytest.raises(InvalidAmount, match=message):
        Money.parse(text, currency_)


def test_parse_rejects_non_str() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        Money.parse(12, USD)  # type: ignore[arg-type]


def test_invalid_amount_is_a_value_error() -> None:
    assert issubclass(InvalidAmount, ValueError)


# --- inspection -------------------------------------------------------------


def test_amount_is_exact_major_units() -> None:
    assert usd(1250).amount == Decimal("12.50")
    assert str(usd(1250).amount) == "12.50"
    assert str(usd(-5).amount) == "-0.05"
    assert str(twd(1235).amount) == "1235"
    with localcontext(Context(prec=2)):
        assert usd(123456789).amount == Decimal("1234567.89")


def test_truthiness_and_sign() -> None:
    assert not twd(0)
    assert twd(0).is_zero
    assert twd(-1)
    assert twd(-1).is_negative
    assert not twd(-1).is_positive
    assert twd(1).is_positive
    assert not twd(0).is_negative


# --- arithmetic -------------------------------------------------------------


def test_add_subtract_negate_abs() -> None:
    assert usd(150) + usd(75) == usd(225)
    assert usd(150) - usd(175) == usd(-25)
    assert -usd(25) == usd(-25)
    assert +usd(25) == usd(25)
    assert abs(usd(-25)) == usd(25)


@pytest.mark.parametrize(
    ("operation", "verb"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a <= b, "compare"),
        (lambda a, b: a > b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_mixing_currencies_raises(operation: Any, verb: str) -> None:
    with pytest.raises(CurrencyMismatch, match=f"cannot {verb} amounts in TWD and USD"):
        operation(twd(1), usd(1))
    assert issubclass(CurrencyMismatch, ValueError)


def test_mismatch_with_same_code_shows_exponents() -> None:
    cents_twd = Currency("TWD", 2, "NT$")
    with pytest.raises(CurrencyMismatch, match=r"exponent=0.*exponent=2"):
        twd(1) + Money(1, cents_twd)


def test_money_does_not_mix_with_numbers() -> None:
    with pytest.raises(TypeError):
        twd(1) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        operator.lt(twd(1), 1)
    with pytest.raises(TypeError):
        twd(1) * twd(2)  # type: ignore[operator]
    number: object = 1
    assert twd(1) != number


def test_multiply_by_int_and_decimal() -> None:
    assert usd(250) * 3 == usd(750)
    assert 3 * usd(250) == usd(750)
    assert usd(-250) * -2 == usd(500)
    # 1.250 kg at $3.99/kg = $4.9875
    assert usd(399) * Decimal("1.250") == usd(499)
    assert usd(399).times(Decimal("1.250"), RoundingRule.DOWN) == usd(498)
    assert twd(250).times(FIVE_PERCENT) == twd(13)
    assert twd(250).times(FIVE_PERCENT, RoundingRule.HALF_EVEN) == twd(12)
    assert twd(-250) * FIVE_PERCENT == twd(-13)
    assert twd(100) * Decimal("1E-999999999") == twd(0)


def test_multiply_rejects_float_bool_and_nan() -> None:
    with pytest.raises(TypeError, match=r"factor must not be a float \(1\.5\); use Decimal"):
        usd(100) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError, match="float"):
        1.5 * usd(100)  # type: ignore[operator]
    with pytest.raises(TypeError, match="factor must be an int or Decimal, got bool"):
        usd(100).times(True)
    with pytest.raises(ValueError, match="factor must be finite"):
        usd(100) * Decimal("NaN")


def test_multiply_overflow() -> None:
    with pytest.raises(OverflowError):
        twd(2) * Decimal("1E+999999999")
    with pytest.raises(OverflowError):
        twd(MAX_MINOR) * 2


def test_ordering_within_one_currency() -> None:
    amounts = [usd(300), usd(-5), usd(120)]
    assert sorted(amounts) == [usd(-5), usd(120), usd(300)]
    assert max(amounts) == usd(300)
    assert usd(1) <= usd(1) < usd(2)
    assert usd(2) >= usd(2) > usd(1)


def test_equality_and_hash() -> None:
    assert usd(100) == usd(100)
    assert usd(100) != Money(100, CNY)
    assert len({usd(100), usd(100), Money(100, CNY)}) == 2


def test_round_to_cash() -> None:
    assert Money(1234, HKD).round_to_cash() == Money(1230, HKD)
    assert Money(1235, HKD).round_to_cash() == Money(1240, HKD)
    assert Money(1235, HKD).round_to_cash(RoundingRule.DOWN) == Money(1230, HKD)
    assert Money(-1235, HKD).round_to_cash() == Money(-1240, HKD)
    assert Money(1225, HKD).round_to_cash(RoundingRule.HALF_EVEN) == Money(1220, HKD)
    assert twd(1235).round_to_cash() == twd(1235)


def test_sum() -> None:
    assert Money.sum([twd(1), twd(2), twd(3)], TWD) == twd(6)
    assert Money.sum([], USD) == usd(0)
    assert Money.sum((usd(n) for n in range(4)), USD) == usd(6)
    with pytest.raises(CurrencyMismatch, match="cannot sum amounts in TWD and USD"):
        Money.sum([twd(1), usd(1)], TWD)
    with pytest.raises(TypeError, match="can only sum Money, got int"):
        Money.sum([twd(1), 2], TWD)  # type: ignore[list-item]


# --- text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (twd(1235), "NT$1,235"),
        (twd(-1235), "-NT$1,235"),
        (twd(0), "NT$0"),
        (usd(1250), "$12.50"),
        (usd(-305), "-$3.05"),
        (usd(5), "$0.05"),
        (usd(123456789), "$1,234,567.89"),
        (Money(100000, JPY), "¥100,000"),
        (Money(99, EUR), "€0.99"),
        (Money(1230, HKD), "HK$12.30"),
        (Money(12345, Currency("KWD", 3, "KD")), "KD12.345"),
    ],
)
def test_str(money: Money, text: str) -> None:
    assert str(money) == text


def test_format_options() -> None:
    assert usd(-123456).format(show_symbol=False) == "-1,234.56"
    assert usd(-123456).format(grouping=False) == "-$1234.56"
    assert twd(1235).format(show_symbol=False, grouping=False) == "1235"
    assert f"[{usd(1250):>8}]" == "[  $12.50]"
    assert f"{twd(5)}" == "NT$5"


# --- JSON -------------------------------------------------------------------


def test_json_round_trip() -> None:
    price = twd(-1235)
    assert price.to_json() == {"minor": -1235, "currency": "TWD"}
    assert Money.from_json(json.loads(json.dumps(price.to_json()))) == price


def test_from_json_with_custom_currencies() -> None:
    kwd = Currency("KWD", 3, "KD")
    assert Money.from_json({"minor": 5, "currency": "KWD"}, {"KWD": kwd}.__getitem__) == Money(
        5, kwd
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"minor": 5}, "exactly 'minor' and 'currency'"),
        ({"minor": 5, "currency": "TWD", "note": "x"}, "exactly 'minor' and 'currency'"),
        ([5, "TWD"], "exactly 'minor' and 'currency'"),
        ({"minor": 5.0, "currency": "TWD"}, "'minor' must be an integer, got 5.0"),
        ({"minor": "5", "currency": "TWD"}, "'minor' must be an integer"),
        ({"minor": True, "currency": "TWD"}, "'minor' must be an integer"),
        ({"minor": 5, "currency": 901}, "'currency' must be a string"),
        ({"minor": 2**63, "currency": "TWD"}, "out of range"),
    ],
)
def test_from_json_rejects_malformed_payloads(payload: Any, message: str) -> None:
    with pytest.raises(InvalidAmount, match=message):
        Money.from_json(payload)


def test_from_json_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency, match="'XYZ'"):
        Money.from_json({"minor": 5, "currency": "XYZ"})


# --- allocate ---------------------------------------------------------------


def minors(parts: list[Money]) -> list[int]:
    return [part.minor for part in parts]


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (100, [1], [100]),
        (0, [3, 1], [0, 0]),
        (5, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]),
        (10, [3, 0, 7], [3, 0, 7]),
        (1, [0, 5, 0], [0, 1, 0]),
        (10, [0, 0, 0], [4, 3, 3]),
        # Shares 3.75, 3.75, 2.5: the largest remainders win, however many.
        (10, [3, 3, 2], [4, 4, 2]),
        # Shares .5, .5, 1, 1: one unit left, the tie goes to the earlier line.
        (3, [1, 1, 2, 2], [1, 0, 1, 1]),
        # Shares 1.5, 4.5, 4: remainders tie at .5, earlier first.
        (10, [Decimal("1.5"), Decimal("4.5"), 4], [2, 4, 4]),
        (100, [Decimal("0.333"), Decimal("0.667")], [33, 67]),
        (7, [Decimal("1E+3"), Decimal("1E-3")], [7, 0]),
    ],
)
def test_allocate_examples(total: int, weights: list[int | Decimal], expected: list[int]) -> None:
    parts = allocate(twd(total), weights)
    assert minors(parts) == expected
    assert all(part.currency is TWD for part in parts)


def test_allocate_discount_across_lines() -> None:
    # A $10.00 discount over lines of $19.99, $5.01 and $0.00.
    parts = allocate(usd(-1000), [1999, 501, 0])
    assert parts == [usd(-800), usd(-200), usd(0)]


def test_allocate_rejects_bad_weights() -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        allocate(twd(10), [])
    with pytest.raises(ValueError, match="must not be negative, got -1"):
        allocate(twd(10), [2, -1])
    with pytest.raises(ValueError, match="must not be negative"):
        allocate(twd(10), [Decimal("-0.5")])
    with pytest.raises(TypeError, match="weight must not be a float"):
        allocate(twd(10), [1, 0.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="weight must be finite"):
        allocate(twd(10), [Decimal("Infinity")])
    with pytest.raises(ValueError, match="too many orders of magnitude"):
        allocate(twd(10), [Decimal("1E-999999999"), Decimal("1E+999999999")])
    with pytest.raises(TypeError, match="total must be Money"):
        allocate(10, [1])  # type: ignore[arg-type]


def test_split_evenly() -> None:
    assert minors(split_evenly(twd(10), 3)) == [4, 3, 3]
    assert minors(split_evenly(twd(-10), 4)) == [-3, -3, -2, -2]
    assert minors(split_evenly(usd(1), 3)) == [1, 0, 0]
    assert split_evenly(usd(9), 1) == [usd(9)]
    with pytest.raises(ValueError, match="at least 1, got 0"):
        split_evenly(twd(10), 0)
    with pytest.raises(TypeError, match="parts must be an int"):
        split_evenly(twd(10), True)


# --- tax --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "rule", "tax"),
    [
        (105, RoundingRule.HALF_UP, 5),
        (1050, RoundingRule.HALF_UP, 50),
        (100, RoundingRule.HALF_UP, 5),  # 4.76
        (99, RoundingRule.HALF_UP, 5),  # 4.71
        (99, RoundingRule.DOWN, 4),
        (9, RoundingRule.HALF_UP, 0),  # 0.43
        (-100, RoundingRule.HALF_UP, -5),  # a refund mirrors the sale
        (0, RoundingRule.HALF_UP, 0),
    ],
)
def test_tax_from_inclusive(gross: int, rule: RoundingRule, tax: int) -> None:
    assert tax_from_inclusive(twd(gross), FIVE_PERCENT, rule) == twd(tax)


def test_tax_from_inclusive_ties_follow_the_rule() -> None:
    # At 5 % the tax is gross / 21, which never ends in exactly half a unit;
    # at 60 % it is 3 * gross / 8, so a gross of 12 holds exactly 4.5.
    rate = Decimal("0.6")
    assert tax_from_inclusive(twd(12), rate) == twd(5)
    assert tax_from_inclusive(twd(12), rate, RoundingRule.HALF_EVEN) == twd(4)
    assert tax_from_inclusive(twd(-12), rate) == twd(-5)
    assert tax_from_inclusive(twd(-12), rate, RoundingRule.FLOOR) == twd(-5)
    assert tax_from_inclusive(twd(-12), rate, RoundingRule.CEILING) == twd(-4)


def test_split_tax_inclusive() -> None:
    split = split_tax_inclusive(twd(1000), FIVE_PERCENT)
    assert split == TaxSplit(net=twd(952), tax=twd(48))
    assert split.net + split.tax == twd(1000)


def test_tax_on_exclusive() -> None:
    assert tax_on_exclusive(twd(95), FIVE_PERCENT) == twd(5)  # 4.75
    assert tax_on_exclusive(twd(90), FIVE_PERCENT) == twd(5)  # 4.5
    assert tax_on_exclusive(twd(90), FIVE_PERCENT, RoundingRule.HALF_EVEN) == twd(4)
    assert tax_on_exclusive(usd(1999), Decimal("0.0825")) == usd(165)  # 164.9175
    assert tax_on_exclusive(twd(100), Decimal(0)) == twd(0)
    assert tax_on_exclusive(twd(100), Decimal(1)) == twd(100)


@pytest.mark.parametrize("rate", [Decimal(5), Decimal("-0.05"), Decimal("NaN"), Decimal("1.01")])
def test_tax_rate_must_be_a_fraction(rate: Decimal) -> None:
    with pytest.raises(ValueError, match=r"fraction from 0 to 1 \(5 % is 0\.05\)"):
        tax_on_exclusive(twd(100), rate)
    with pytest.raises(ValueError, match="fraction from 0 to 1"):
        tax_from_inclusive(twd(100), rate)


def test_tax_rate_type_and_precision() -> None:
    with pytest.raises(TypeError, match=r"float \(0\.05\); use Decimal\('0\.05'\)"):
        tax_from_inclusive(twd(100), 0.05)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Decimal, got int"):
        tax_on_exclusive(twd(100), 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="more than 100 decimal places"):
        tax_on_exclusive(twd(100), Decimal("1E-999999999"))


# --- properties -------------------------------------------------------------

ANY_CURRENCY = st.sampled_from(sorted(CURRENCIES.values(), key=lambda c: c.code))
RULES = st.sampled_from(list(RoundingRule))
MINORS = st.integers(min_value=-(10**15), max_value=10**15)
WEIGHTS = st.lists(
    st.integers(min_value=0, max_value=10**6) | st.decimals(min_value=0, max_value=10**4, places=3),
    min_size=1,
    max_size=12,
)
DECIMALS = st.decimals(min_value=-(10**12), max_value=10**12)
RATES = st.decimals(min_value=0, max_value=1, places=4)


@given(MINORS, WEIGHTS)
def test_allocation_sums_to_total_and_parts_are_within_one_unit(
    total: int, weights: list[int | Decimal]
) -> None:
    parts = allocate(twd(total), weights)
    assert len(parts) == len(weights)
    assert Money.sum(parts, TWD) == twd(total)
    whole = sum(Fraction(w) for w in weights)
    for weight, part in zip(weights, parts, strict=True):
        exact = Fraction(total) * Fraction(weight) / whole if whole else Fraction(total, len(parts))
        assert abs(part.minor - exact) < 1
        if whole and weight == 0:
            assert part.is_zero


@given(MINORS, WEIGHTS, st.integers(min_value=1, max_value=1000))
def test_allocation_is_invariant_to_scaling_weights(
    total: int, weights: list[int | Decimal], factor: int
) -> None:
    scaled = [weight * factor for weight in weights]
    assert allocate(twd(total), scaled) == allocate(twd(total), weights)
    shifted = [Decimal(weight).scaleb(-5) for weight in weights]
    assert allocate(twd(total), shifted) == allocate(twd(total), weights)


@given(MINORS, WEIGHTS)
def test_allocation_of_a_negative_total_mirrors_the_positive(
    total: int, weights: list[int | Decimal]
) -> None:
    assert allocate(twd(-total), weights) == [-part for part in allocate(twd(total), weights)]


@given(ANY_CURRENCY, MINORS, MINORS, MINORS)
def test_addition_is_associative_and_commutative(c: Currency, a: int, b: int, d: int) -> None:
    x, y, z = Money(a, c), Money(b, c), Money(d, c)
    assert x + y == y + x
    assert (x + y) + z == x + (y + z)
    assert x + y - y == x
    assert x + Money.zero(c) == x
    assert x - x == Money.zero(c)


@given(ANY_CURRENCY, MINORS, MINORS)
def test_ordering_follows_minor_units(c: Currency, a: int, b: int) -> None:
    assert (Money(a, c) < Money(b, c)) == (a < b)
    assert (Money(a, c) == Money(b, c)) == (a == b)


@given(st.sampled_from([TWD, USD]), st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR))
def test_parse_round_trips_str(c: Currency, minor: int) -> None:
    money = Money(minor, c)
    assert Money.parse(str(money), c) == money
    assert Money.parse(money.format(show_symbol=False, grouping=False), c) == money


@given(DECIMALS)
def test_from_decimal_half_up_is_within_half_a_minor_unit(value: Decimal) -> None:
    for c in (TWD, USD):
        money = Money.from_decimal(value, c)
        assert abs(money.amount - value) <= Decimal("0.5") * Decimal(10) ** -c.exponent


@given(DECIMALS, ANY_CURRENCY, RULES)
def test_from_decimal_matches_decimal_quantize(
    value: Decimal, c: Currency, rule: RoundingRule
) -> None:
    assert Money.from_decimal(value, c, rule).amount == reference_round(value, c.exponent, rule)


@given(MINORS, st.decimals(min_value=-1000, max_value=1000), RULES)
def test_times_matches_decimal_quantize(minor: int, factor: Decimal, rule: RoundingRule) -> None:
    with localcontext(Context(prec=200)):
        product = Decimal(minor) * factor
    expected = reference_round(product, 0, rule)
    assert usd(minor).times(factor, rule).minor == int(expected)


@given(ANY_CURRENCY, MINORS)
def test_json_round_trips(c: Currency, minor: int) -> None:
    money = Money(minor, c)
    assert Money.from_json(money.to_json()) == money
    assert Money.from_json(json.loads(json.dumps(money.to_json()))) == money


@given(ANY_CURRENCY, MINORS, RATES, RULES)
def test_tax_from_inclusive_plus_net_is_gross(
    c: Currency, minor: int, rate: Decimal, rule: RoundingRule
) -> None:
    gross = Money(minor, c)
    tax = tax_from_inclusive(gross, rate, rule)
    net = gross - tax
    assert net + tax == gross
    assert split_tax_inclusive(gross, rate, rule) == (net, tax)
    exact = Fraction(minor) * Fraction(rate) / (1 + Fraction(rate))
    assert abs(tax.minor - exact) < 1
    if rule in (RoundingRule.HALF_UP, RoundingRule.HALF_EVEN):
        assert abs(tax.minor - exact) <= Fraction(1, 2)


@given(MINORS, RATES)
def test_tax_on_exclusive_is_net_times_rate(minor: int, rate: Decimal) -> None:
    assert tax_on_exclusive(twd(minor), rate) == twd(minor) * rate


@given(st.text(max_size=35), st.sampled_from([TWD, USD, HKD]))
def test_parse_raises_only_invalid_amount(text: str, c: Currency) -> None:
    try:
        money = Money.parse(text, c)
    except InvalidAmount:
        return
    assert money.currency == c


@given(st.from_regex(r"\A[-+]?(NT\$|TWD)? ?[-+]?[0-9,]{0,12}(\.[0-9]{0,3})?\Z"))
def test_parse_agrees_with_decimal_where_it_accepts(text: str) -> None:
    try:
        money = Money.parse(text, TWD)
    except InvalidAmount:
        return
    digits = text.replace("NT$", "").replace("TWD", "").replace(" ", "").replace(",", "")
    assert money.amount == Decimal(digits)
