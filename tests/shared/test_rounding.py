"""The shop's one half-up rule on plain integers (shop_shared.rounding)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain import money
from shop_shared import rounding
from shop_shared.rounding import (
    MILLI,
    WHOLE_BP,
    half_up,
    line_gross_minor,
    tax_in_gross_bp,
    tax_on_net_bp,
)

amounts = st.integers(0, 10**12)
rates = st.integers(0, WHOLE_BP)


def _exact(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / Decimal(denominator)).quantize(0, rounding=ROUND_HALF_UP))


def test_halves_go_up_and_the_rest_to_the_nearest() -> None:
    assert [half_up(n, 10) for n in (0, 4, 5, 14, 15, 16)] == [0, 0, 1, 1, 2, 2]
    assert half_up(7, 1) == 7


@given(st.integers(0, 10**15), st.integers(1, 10**9))
def test_half_up_is_decimal_round_half_up(numerator: int, denominator: int) -> None:
    assert half_up(numerator, denominator) == _exact(numerator, denominator)


@given(st.integers(0, 10**7), amounts)
def test_a_line_gross_is_quantity_times_price_rounded_half_up(qty_milli: int, price: int) -> None:
    assert line_gross_minor(qty_milli, price) == half_up(qty_milli * price, MILLI)


def test_a_weighed_line_rounds_half_a_dollar_up() -> None:
    # 1.250 kg at NT$58: 72.5 -> 73; 0.333 kg at NT$3: 0.999 -> 1.
    assert line_gross_minor(1250, 58) == 73
    assert line_gross_minor(333, 3) == 1


@given(amounts, rates)
def test_inclusive_tax_agrees_with_money(gross: int, rate_bp: int) -> None:
    rate = Decimal(rate_bp) / WHOLE_BP
    expected = money.tax_from_inclusive(money.Money(gross, money.TWD), rate).minor
    assert tax_in_gross_bp(gross, rate_bp) == expected
    assert expected == half_up(gross * rate_bp, WHOLE_BP + rate_bp)


@given(amounts, rates)
def test_added_tax_agrees_with_money(net: int, rate_bp: int) -> None:
    rate = Decimal(rate_bp) / WHOLE_BP
    expected = money.tax_on_exclusive(money.Money(net, money.TWD), rate).minor
    assert tax_on_net_bp(net, rate_bp) == expected
    assert expected == half_up(net * rate_bp, WHOLE_BP)


def test_taiwan_vat_on_a_hundred_dollars() -> None:
    assert tax_in_gross_bp(105, 500) == 5  # NT$105 with 5 % VAT inside
    assert tax_in_gross_bp(100, 500) == 5  # 4.76 -> 5
    assert tax_on_net_bp(100, 500) == 5


def test_the_till_finds_the_one_rule_beside_money() -> None:
    """domain.money re-exports the shared functions; it has no copy of its own."""
    for name in rounding.__all__:
        assert getattr(money, name) is getattr(rounding, name)
