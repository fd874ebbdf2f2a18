"""Points earned on a sale (shop_shared.points): whole units of the order's currency."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain import money
from shop_desktop.domain import points as domain_points
from shop_shared.currencies import MINOR_DIGITS, UnknownCurrencyCode, minor_digits
from shop_shared.points import points_earned


def test_one_point_per_full_hundred_dollars_of_twd() -> None:
    assert points_earned(750, minor_digits("TWD")) == 7
    assert points_earned(99, minor_digits("TWD")) == 0
    assert points_earned(100, minor_digits("TWD")) == 1


def test_a_currency_with_cents_counts_whole_dollars_not_cents() -> None:
    # US$750.00 is 75,000 cents: 7 points, not 750.
    assert points_earned(75_000, minor_digits("USD")) == 7
    assert points_earned(9_999, minor_digits("USD")) == 0


def test_a_refund_sized_total_earns_nothing() -> None:
    assert points_earned(-500, 0) == 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        points_earned(True, 0)
    with pytest.raises(ValueError, match="exponent"):
        points_earned(100, 5)


@given(st.integers(0, 10**12), st.sampled_from(sorted(MINOR_DIGITS)))
def test_points_never_depend_on_how_many_minor_digits_are_written(
    major_cents: int, code: str
) -> None:
    """The same amount written in minor units of its currency earns the same points."""
    exponent = minor_digits(code)
    total_minor = major_cents * 10**exponent // 100
    assert points_earned(total_minor, exponent) == points_earned(major_cents // 100, 0)


def test_the_till_and_the_server_know_the_same_minor_digits() -> None:
    assert {code: c.exponent for code, c in money.CURRENCIES.items()} == dict(MINOR_DIGITS)


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrencyCode):
        minor_digits("XYZ")


def test_the_domain_module_re_exports_the_shared_rule() -> None:
    assert domain_points.points_earned is points_earned
