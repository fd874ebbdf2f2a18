"""The shift's rules: running totals add up whatever the sales, the count is judged by
denomination, and two shifts' totals add as their sales would."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain.shift import (
    TWD_DENOMINATIONS,
    CountProblem,
    CountRefused,
    ShiftTotals,
    cash_delta,
    counted_total,
    fewest_pieces,
    merge_deltas,
    needs_manager,
    sale_deltas,
    void_deltas,
)

METHODS = ("cash", "card", "alipay", "store_credit")
#: (payments, taxes per rate, cashier, discount, voided afterwards)
Sale = tuple[list[tuple[str, int]], list[tuple[int, int]], str, int, bool]
amounts = st.integers(min_value=0, max_value=10**7)
sales = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(METHODS), amounts), min_size=1, max_size=3),
        st.lists(st.tuples(st.sampled_from((0, 500, 1000)), amounts), min_size=1, max_size=4),
        st.sampled_from(("a" * 32, "b" * 32)),
        amounts,
        st.booleans(),
    ),
    max_size=30,
)


def _totals(sold: list[Sale]) -> ShiftTotals:
    rows: dict[tuple[str, str], list[int]] = {}
    for payments, taxes, staff, discount, voided in sold:
        total = sum(a for _, a in payments)
        deltas = sale_deltas(
            total_minor=total, discount_minor=discount, staff_key=staff,
            payments=payments, taxes=taxes,
        )  # fmt: skip
        if voided:
            deltas += void_deltas(total_minor=total, refunds=payments)
        for d in merge_deltas(deltas):
            row = rows.setdefault((d.bucket.value, d.key), [0, 0])
            row[0] += d.amount_minor
            row[1] += d.number
    return ShiftTotals.from_rows((b, k, a, n) for (b, k), (a, n) in rows.items())


@given(sales)
def test_running_totals_equal_the_sums_of_the_sales(sold: list[Sale]) -> None:
    t = _totals(sold)
    assert t.sales_count == len(sold)
    assert t.sales_minor == sum(sum(a for _, a in p) for p, *_ in sold)
    assert t.void_count == sum(1 for *_, voided in sold if voided)
    assert t.discount_minor == sum(s[3] for s in sold)
    tenders: Counter[str] = Counter()
    refunds: Counter[str] = Counter()
    for payments, _taxes, _staff, _discount, voided in sold:
        for method, amount in payments:
            tenders[method] += amount
            if voided:
                refunds[method] += amount
    for method in METHODS:
        assert t.net_tender(method) == tenders[method] - refunds[method]
    assert t.expected_cash(500) == 500 + tenders["cash"] - refunds["cash"]
    assert t.tax_minor == sum(x for _, taxes, *_ in sold for _, x in taxes)
    assert ShiftTotals.from_json(t.to_json()) == t


@given(sales, sales)
def test_two_shifts_add_up_as_their_sales_together(one: list[Sale], two: list[Sale]) -> None:
    assert _totals(one) + _totals(two) == _totals(one + two)


@given(st.integers(min_value=0, max_value=10**8))
def test_fewest_pieces_count_back_to_the_amount(amount: int) -> None:
    pieces = fewest_pieces(amount)
    assert counted_total(pieces) == amount
    # Never five NT$1 coins where a NT$5 coin would do, and so on up the notes.
    assert all(
        pieces.get(v, 0) * v < bigger
        for v, bigger in zip(TWD_DENOMINATIONS[1:], TWD_DENOMINATIONS, strict=False)
    )


def test_a_count_by_denomination() -> None:
    assert counted_total({2000: 1, 500: 3, 5: 2, 1: 4}) == 3514
    assert TWD_DENOMINATIONS == (2000, 1000, 500, 200, 100, 50, 10, 5, 1)
    with pytest.raises(CountRefused) as refused:
        counted_total({20: 1})
    assert refused.value.reason is CountProblem.UNKNOWN_DENOMINATION
    with pytest.raises(CountRefused) as refused:
        counted_total({100: -1})
    assert refused.value.reason is CountProblem.BAD_QUANTITY
    with pytest.raises(CountRefused):
        cash_delta(into_drawer=False, amount_minor=0)


def test_the_variance_threshold_is_either_way() -> None:
    assert not needs_manager(100, 100)
    assert needs_manager(101, 100)
    assert needs_manager(-101, 100)
    assert not needs_manager(-100, 100)
