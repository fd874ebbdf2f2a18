"""The tender rules: what the counter, paying an order and the service's own check all obey."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop_desktop.domain.money import HKD, TWD, USD
from shop_desktop.domain.tender import (
    WALLETS,
    PaymentMethod,
    Tender,
    TenderList,
    TenderProblem,
    TenderRefused,
    amount_typed,
    check_credit_balance,
    check_unpaid,
    quick_cash,
    settle,
)

CASH, CARD, ALIPAY, WECHAT, CREDIT = (
    PaymentMethod.CASH,
    PaymentMethod.CARD,
    PaymentMethod.ALIPAY,
    PaymentMethod.WECHAT,
    PaymentMethod.STORE_CREDIT,
)


def refused(take: Callable[[], object]) -> TenderRefused:
    with pytest.raises(TenderRefused) as caught:
        take()
    return caught.value


# --- at the counter, one tender at a time -------------------------------------------


def test_the_amount_is_what_is_still_to_pay_unless_typed() -> None:
    bill = TenderList(1000)
    assert bill.take_cash().tenders == (Tender(CASH, 1000, tendered_minor=1000),)
    part = bill.take_card(300, approval_code="A1")
    assert part.remaining_minor == 700
    assert part.take_wallet(ALIPAY, 700, transaction_id="T1", out_trade_no="o1").is_paid
    assert part.wallet_charge(None, WECHAT) == 700


def test_cash_above_what_is_left_gives_change_and_below_it_pays_part() -> None:
    bill = TenderList(1000).take_card(600, approval_code="A1")
    paid = bill.take_cash(1000)
    assert paid.tenders[-1] == Tender(CASH, 400, tendered_minor=1000)
    assert paid.change_minor == 600
    assert paid.is_paid
    part = bill.take_cash(150)
    assert part.remaining_minor == 250
    assert part.change_minor == 0


def test_nothing_is_taken_once_the_total_is_paid() -> None:
    paid = TenderList(500).take_cash(500)
    for take in (
        paid.take_cash,
        lambda: paid.take_card(None, approval_code="A1"),
        lambda: paid.wallet_charge(None, ALIPAY),
        paid.take_store_credit,
    ):
        assert refused(take).reason is TenderProblem.NOTHING_LEFT


@pytest.mark.parametrize("amount", [0, -1])
def test_an_amount_must_be_above_zero(amount: int) -> None:
    bill = TenderList(500, member=True, credit_balance_minor=1000)
    for take in (
        lambda: bill.take_cash(amount),
        lambda: bill.take_card(amount, approval_code="A1"),
        lambda: bill.wallet_charge(amount, ALIPAY),
        lambda: bill.take_store_credit(amount),
    ):
        assert refused(take).reason is TenderProblem.BAD_AMOUNT


@pytest.mark.parametrize("method", [CARD, ALIPAY, CREDIT])
def test_only_cash_may_be_more_than_is_left(method: PaymentMethod) -> None:
    bill = TenderList(500, member=True, credit_balance_minor=10_000)
    takes = {
        CARD: lambda: bill.take_card(501, approval_code="A1"),
        ALIPAY: lambda: bill.take_wallet(ALIPAY, 501, transaction_id="T", out_trade_no="o"),
        CREDIT: lambda: bill.take_store_credit(501),
    }
    said = refused(takes[method])
    assert said.reason is TenderProblem.MORE_THAN_LEFT
    assert said.detail == {"method": method, "excess": 1}


def test_a_card_needs_the_approval_code_and_keeps_only_four_digits() -> None:
    bill = TenderList(500)
    assert refused(lambda: bill.take_card(None, approval_code=" ")).reason is (
        TenderProblem.NO_APPROVAL_CODE
    )
    for digits in ("424", "42424", "42a4", "４２４２", "4242 4242 4242 4242"):
        with pytest.raises(TenderRefused) as said:
            bill.take_card(None, approval_code="A1", last4=digits)
        assert said.value.reason is TenderProblem.BAD_CARD_DIGITS, digits
    card = bill.take_card(None, approval_code=" A1B2 ", last4="4242").tenders[0]
    assert card == Tender(CARD, 500, reference="A1B2", card_last4="4242")
    assert bill.take_card(None, approval_code="A1").tenders[0].card_last4 == ""


def test_a_wallet_keeps_its_transaction_and_our_trade_number() -> None:
    bill = TenderList(800).take_cash(300)
    assert bill.wallet_charge(None, ALIPAY) == 500
    taken = bill.take_wallet(WECHAT, 500, transaction_id="4200001", out_trade_no="abc01")
    assert taken.wallet_tenders == (Tender(WECHAT, 500, reference="4200001", out_trade_no="abc01"),)
    with pytest.raises(ValueError, match="not a mobile wallet"):
        bill.wallet_charge(None, CARD)
    assert {ALIPAY, WECHAT} == WALLETS


def test_store_credit_needs_a_member_and_what_the_member_has() -> None:
    assert refused(lambda: TenderList(500).take_store_credit()).reason is (
        TenderProblem.STORE_CREDIT_NEEDS_MEMBER
    )
    # Still looking the balance up: nothing to spend yet.
    assert refused(lambda: TenderList(500, member=True).take_store_credit()).reason is (
        TenderProblem.STORE_CREDIT_SHORT
    )
    bill = TenderList(500, member=True, credit_balance_minor=300)
    first = bill.take_store_credit(200)
    # The usual amount is what is left of the balance, not of the bill.
    assert first.take_store_credit().tenders[-1] == Tender(CREDIT, 100)
    said = refused(lambda: first.take_store_credit(101))
    assert said.reason is TenderProblem.STORE_CREDIT_SHORT
    assert said.detail == {"missing": 1, "balance": 300}
    assert bill.take_store_credit().tenders == (Tender(CREDIT, 300),)


def test_a_tender_taken_off_again_is_still_to_pay() -> None:
    bill = TenderList(900).take_cash(100).take_card(200, approval_code="A1").take_cash(100)
    card = bill.tenders[1]
    assert bill.without(card).tenders == (bill.tenders[0], bill.tenders[2])
    assert bill.without(card).remaining_minor == 700


def test_a_typed_amount() -> None:
    assert amount_typed("", TWD) is None
    assert amount_typed("  ", TWD) is None
    assert amount_typed("1,250", TWD) == 1250
    assert amount_typed("１２", TWD) == 12
    assert amount_typed("12.50", USD) == 1250
    for text in ("abc", "0", "-5", "12.5", "1" * 40):
        with pytest.raises(TenderRefused) as said:
            amount_typed(text, TWD)
        assert said.value.reason is TenderProblem.BAD_AMOUNT, text


def test_quick_cash_is_exact_then_the_next_round_notes() -> None:
    assert quick_cash(1234, TWD) == [1234, 1300, 1500, 2000]
    assert quick_cash(1000, TWD) == [1000]
    assert quick_cash(12_345, HKD) == [12_345, 20_000, 50_000, 100_000]


# --- a whole list, as the service checks it before writing ------------------------------


def test_settle_returns_the_change_each_tender_gives() -> None:
    tenders = [Tender(CARD, 700, reference="A1", card_last4="4242"), Tender(CASH, 300, 500)]
    assert settle(tenders, total_minor=1000, member=False) == [0, 200]


@pytest.mark.parametrize(
    ("tenders", "problem", "detail"),
    [
        ([Tender(CARD, 1000, card_last4="42424")], TenderProblem.BAD_CARD_DIGITS, {"payment": 0}),
        ([Tender(CASH, 1000, card_last4="4242")], TenderProblem.BAD_CARD_DIGITS, {"payment": 0}),
        (
            [Tender(CASH, 1000), Tender(CARD, 0)],
            TenderProblem.BAD_AMOUNT,
            {"payment": 1, "amount_minor": 0},
        ),
        (
            [Tender(CASH, 1000, 999)],
            TenderProblem.TENDER_BELOW_AMOUNT,
            {"payment": 0, "missing": 1},
        ),
        ([Tender(CARD, 1000, 1050)], TenderProblem.CHANGE_NOT_CASH, {"payment": 0, "excess": 50}),
        ([Tender(CARD, 880)], TenderProblem.UNDERPAID, {"missing": 120}),
        ([], TenderProblem.UNDERPAID, {"missing": 1000}),
        ([Tender(CARD, 1000), Tender(CASH, 20)], TenderProblem.OVERPAID, {"excess": 20}),
        ([Tender(CREDIT, 1000)], TenderProblem.STORE_CREDIT_NEEDS_MEMBER, {}),
    ],
)
def test_settle_refuses_a_list_that_breaks_a_rule(
    tenders: list[Tender], problem: TenderProblem, detail: dict[str, object]
) -> None:
    said = refused(lambda: settle(tenders, total_minor=1000, member=False))
    assert said.reason is problem
    assert said.detail.items() >= detail.items()
    assert str(said)  # a plain sentence for the log and the server


def test_an_unpaid_order_has_no_payment_and_store_credit_is_checked_against_the_balance() -> None:
    check_unpaid([])
    said = refused(lambda: check_unpaid([Tender(CASH, 30), Tender(CARD, 20)]))
    assert (said.reason, said.detail) == (TenderProblem.OVERPAID, {"excess": 50})
    check_credit_balance([Tender(CREDIT, 30), Tender(CASH, 100)], 30)
    said = refused(lambda: check_credit_balance([Tender(CREDIT, 31)], 30))
    assert (said.reason, said.detail) == (
        TenderProblem.STORE_CREDIT_SHORT,
        {"missing": 1, "balance": 30},
    )


# --- properties: any way the cashier splits a bill ------------------------------------

METHODS = list(PaymentMethod)

steps = st.lists(
    st.tuples(
        st.sampled_from(METHODS),
        st.one_of(st.none(), st.integers(min_value=-5, max_value=30_000)),
    ),
    max_size=12,
)


def _take(bill: TenderList, method: PaymentMethod, amount: int | None) -> TenderList:
    if method is CASH:
        return bill.take_cash(amount)
    if method is CARD:
        return bill.take_card(amount, approval_code="A1", last4="4242")
    if method in WALLETS:
        charged = bill.wallet_charge(amount, method)
        return bill.take_wallet(method, charged, transaction_id="T", out_trade_no="o")
    return bill.take_store_credit(amount)


# No deadline: a loaded machine must not fail a rule that holds.
@settings(deadline=None)
@given(
    total=st.integers(min_value=1, max_value=20_000),
    member=st.booleans(),
    balance=st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
    tries=steps,
)
def test_split_tenders_add_up_and_only_cash_gives_change(
    total: int, member: bool, balance: int | None, tries: list[tuple[PaymentMethod, int | None]]
) -> None:
    bill = TenderList(total, member=member, credit_balance_minor=balance)
    for method, amount in tries:
        try:
            after = _take(bill, method, amount)
        except TenderRefused:
            continue  # a refusal takes nothing
        assert after.tenders[: len(bill.tenders)] == bill.tenders
        assert len(after.tenders) == len(bill.tenders) + 1
        bill = after
        # What is paid and what is left add up to the total; nothing pays more than is left.
        assert bill.paid_minor + bill.remaining_minor == total
        assert 0 <= bill.remaining_minor <= total
        for tender in bill.tenders:
            assert tender.amount_minor > 0
            assert tender.change_minor >= 0
            if tender.method is not CASH:
                assert tender.change_minor == 0
                assert tender.tendered_minor is None
        assert bill.change_minor == sum(t.change_minor for t in bill.tenders)
        spent = sum(t.amount_minor for t in bill.tenders if t.method is CREDIT)
        assert spent <= (balance or 0)
    if bill.is_paid:
        # What the counter took is what the service accepts, change for change.
        assert bill.settle() == [t.change_minor for t in bill.tenders]
        assert sum(t.amount_minor for t in bill.tenders) == total
    else:
        assert refused(bill.settle).reason is TenderProblem.UNDERPAID


@settings(deadline=None)
@given(
    total=st.integers(min_value=0, max_value=5_000),
    tenders=st.lists(
        st.builds(
            Tender,
            method=st.sampled_from(METHODS),
            amount_minor=st.integers(min_value=-10, max_value=3_000),
            tendered_minor=st.one_of(st.none(), st.integers(min_value=-10, max_value=6_000)),
            card_last4=st.sampled_from(["", "4242", "42a4"]),
        ),
        max_size=6,
    ),
    member=st.booleans(),
)
def test_a_settled_list_pays_the_total_exactly_with_change_from_cash_only(
    total: int, tenders: list[Tender], member: bool
) -> None:
    try:
        changes = settle(tenders, total_minor=total, member=member)
    except TenderRefused:
        return
    assert sum(t.amount_minor for t in tenders) == total
    assert len(changes) == len(tenders)
    for tender, change in zip(tenders, changes, strict=True):
        assert change >= 0
        assert change == tender.change_minor
        if tender.method is not CASH:
            assert change == 0
        if tender.card_last4:
            assert tender.method is CARD
