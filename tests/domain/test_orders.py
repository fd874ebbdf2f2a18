"""The order state machine: the paths each kind of order takes, and nothing else."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain.orders import (
    TERMINAL,
    TRANSITIONS,
    VOIDABLE,
    IllegalTransition,
    MissingDetail,
    OrderKind,
    OrderStatus,
    TransitionDetails,
    TransitionProblem,
    allowed_transitions,
    check_transition,
    initial_status,
    statuses_of,
)

S = OrderStatus
K = OrderKind
SHIP = TransitionDetails(paid=True, carrier="黑貓宅急便", tracking_no="9001-2345")
PAID = TransitionDetails(paid=True)
CANCEL = TransitionDetails(reason="客戶取消 customer changed their mind")


def walk(kind: OrderKind, start: OrderStatus, steps: list[OrderStatus]) -> list[OrderStatus]:
    """Apply each step the machine accepts (paid, with every detail); the statuses reached."""
    status, reached = start, [start]
    details = TransitionDetails(paid=True, reason="r", carrier="c", tracking_no="t", approved=True)
    for target in steps:
        try:
            check_transition(kind, status, target, details=details)
        except IllegalTransition:
            continue
        status = target
        reached.append(status)
    return reached


# --- the happy paths --------------------------------------------------------------


def test_a_paid_delivery_goes_through_every_step() -> None:
    path = [S.AWAITING_FULFILMENT, S.PICKING, S.SHIPPED, S.DELIVERED, S.COMPLETED]
    assert initial_status(K.DELIVERY, paid=True) is path[0]
    for here, there in itertools.pairwise(path):
        check_transition(K.DELIVERY, here, there, details=SHIP)


def test_cash_on_delivery_ships_unpaid_and_completes_only_once_paid() -> None:
    unpaid = TransitionDetails(carrier="郵局", tracking_no="EE123")
    assert initial_status(K.DELIVERY, paid=False) is S.AWAITING_PAYMENT
    check_transition(K.DELIVERY, S.AWAITING_PAYMENT, S.PICKING, details=unpaid)
    check_transition(K.DELIVERY, S.PICKING, S.SHIPPED, details=unpaid)
    check_transition(K.DELIVERY, S.SHIPPED, S.DELIVERED, details=unpaid)
    with pytest.raises(IllegalTransition) as refused:
        check_transition(K.DELIVERY, S.DELIVERED, S.COMPLETED, details=unpaid)
    assert refused.value.reason is TransitionProblem.UNPAID
    check_transition(K.DELIVERY, S.DELIVERED, S.COMPLETED, details=PAID)


def test_a_pick_up_is_collected_and_never_shipped() -> None:
    assert initial_status(K.PICK_UP, paid=True) is S.AWAITING_FULFILMENT
    check_transition(K.PICK_UP, S.AWAITING_FULFILMENT, S.PICKING, details=PAID)
    check_transition(K.PICK_UP, S.PICKING, S.DELIVERED, details=PAID)
    with pytest.raises(IllegalTransition) as refused:
        check_transition(K.PICK_UP, S.PICKING, S.SHIPPED, details=SHIP)
    assert refused.value.reason is TransitionProblem.NOT_FOR_KIND
    assert S.SHIPPED not in statuses_of(K.PICK_UP)


def test_pay_later_is_handed_over_only_against_payment() -> None:
    assert initial_status(K.PAY_LATER, paid=False) is S.AWAITING_PAYMENT
    unpaid = TransitionDetails()
    # Put together before the customer comes ...
    check_transition(K.PAY_LATER, S.AWAITING_PAYMENT, S.PICKING, details=unpaid)
    # ... but not collected before it is paid.
    with pytest.raises(IllegalTransition) as refused:
        check_transition(K.PAY_LATER, S.PICKING, S.DELIVERED, details=unpaid)
    assert refused.value.reason is TransitionProblem.UNPAID
    check_transition(K.PAY_LATER, S.PICKING, S.DELIVERED, details=PAID)
    # Being paid is what moves it from awaiting payment to awaiting fulfilment.
    with pytest.raises(IllegalTransition):
        check_transition(K.PAY_LATER, S.AWAITING_PAYMENT, S.AWAITING_FULFILMENT, details=unpaid)
    check_transition(K.PAY_LATER, S.AWAITING_PAYMENT, S.AWAITING_FULFILMENT, details=PAID)


def test_take_away_is_completed_at_checkout_and_can_only_be_voided() -> None:
    assert initial_status(K.TAKE_AWAY, paid=True) is S.COMPLETED
    assert allowed_transitions(K.TAKE_AWAY, S.COMPLETED) == frozenset({S.CANCELLED})
    assert allowed_transitions(K.TAKE_AWAY, S.CANCELLED) == frozenset()
    voided = TransitionDetails(paid=True, reason="刷錯 rung up wrongly", approved=True)
    check_transition(K.TAKE_AWAY, S.COMPLETED, S.CANCELLED, details=voided)


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        (TransitionDetails(paid=True, reason="r"), TransitionProblem.NOT_APPROVED),
        (TransitionDetails(paid=True, reason=" ", approved=True), TransitionProblem.MISSING_DETAIL),
        (TransitionDetails(paid=False, reason="r", approved=True), TransitionProblem.UNPAID),
    ],
)
def test_voiding_a_take_away_sale_needs_payment_a_reason_and_approval(
    details: TransitionDetails, reason: TransitionProblem
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition(K.TAKE_AWAY, S.COMPLETED, S.CANCELLED, details=details)
    assert refused.value.reason is reason


@pytest.mark.parametrize("kind", [K.PICK_UP, K.PAY_LATER, K.DELIVERY])
def test_only_a_take_away_sale_is_voided_once_completed(kind: OrderKind) -> None:
    everything = TransitionDetails(paid=True, reason="r", approved=True)
    with pytest.raises(IllegalTransition) as refused:
        check_transition(kind, S.COMPLETED, S.CANCELLED, details=everything)
    assert refused.value.reason is TransitionProblem.TERMINAL


@pytest.mark.parametrize("kind", [K.PICK_UP, K.PAY_LATER, K.DELIVERY])
def test_cancelling_a_paid_order_voids_its_invoice_so_needs_approval(kind: OrderKind) -> None:
    for status in statuses_of(kind) - TERMINAL - {S.SHIPPED, S.DELIVERED}:
        paid = TransitionDetails(paid=True, reason="缺貨")
        with pytest.raises(IllegalTransition) as refused:
            check_transition(kind, status, S.CANCELLED, details=paid)
        assert refused.value.reason is TransitionProblem.NOT_APPROVED
        approved = TransitionDetails(paid=True, reason="缺貨", approved=True)
        check_transition(kind, status, S.CANCELLED, details=approved)


@pytest.mark.parametrize(
    ("kind", "paid"), [(K.TAKE_AWAY, False), (K.PICK_UP, False), (K.PAY_LATER, True)]
)
def test_starts_a_kind_does_not_have_are_refused(kind: OrderKind, paid: bool) -> None:
    with pytest.raises(IllegalTransition) as refused:
        initial_status(kind, paid=paid)
    assert refused.value.reason is TransitionProblem.BAD_START


# --- refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "here", "there", "reason"),
    [
        (K.DELIVERY, S.AWAITING_FULFILMENT, S.SHIPPED, TransitionProblem.OUT_OF_ORDER),
        (K.DELIVERY, S.SHIPPED, S.PICKING, TransitionProblem.OUT_OF_ORDER),
        (K.DELIVERY, S.SHIPPED, S.CANCELLED, TransitionProblem.ALREADY_SHIPPED),
        (K.DELIVERY, S.DELIVERED, S.CANCELLED, TransitionProblem.ALREADY_SHIPPED),
        (K.DELIVERY, S.COMPLETED, S.CANCELLED, TransitionProblem.TERMINAL),
        (K.PICK_UP, S.CANCELLED, S.PICKING, TransitionProblem.TERMINAL),
        (K.PICK_UP, S.AWAITING_PAYMENT, S.PICKING, TransitionProblem.NOT_FOR_KIND),
        (K.TAKE_AWAY, S.COMPLETED, S.DELIVERED, TransitionProblem.TERMINAL),
        (K.TAKE_AWAY, S.CANCELLED, S.COMPLETED, TransitionProblem.TERMINAL),
        (K.PAY_LATER, S.OPEN, S.PICKING, TransitionProblem.NOT_FOR_KIND),
    ],
)
def test_steps_off_the_table_are_refused_with_a_reason(
    kind: OrderKind, here: OrderStatus, there: OrderStatus, reason: TransitionProblem
) -> None:
    everything = TransitionDetails(
        paid=True, reason="r", carrier="c", tracking_no="t", approved=True
    )
    with pytest.raises(IllegalTransition) as refused:
        check_transition(kind, here, there, details=everything)
    assert refused.value.reason is reason
    assert (refused.value.from_status, refused.value.to_status) == (here, there)


def test_shipping_needs_carrier_and_tracking_number() -> None:
    with pytest.raises(MissingDetail) as refused:
        check_transition(K.DELIVERY, S.PICKING, S.SHIPPED, details=TransitionDetails(paid=True))
    assert refused.value.missing == ("carrier", "tracking_no")
    assert refused.value.reason is TransitionProblem.MISSING_DETAIL
    blank_tracking = TransitionDetails(carrier="郵局", tracking_no="  ")
    with pytest.raises(MissingDetail) as refused:
        check_transition(K.DELIVERY, S.PICKING, S.SHIPPED, details=blank_tracking)
    assert refused.value.missing == ("tracking_no",)


@pytest.mark.parametrize("kind", [K.PICK_UP, K.PAY_LATER, K.DELIVERY])
def test_cancelling_needs_a_reason_and_works_from_every_status_before_shipping(
    kind: OrderKind,
) -> None:
    before_shipping = {s for s in statuses_of(kind) if s not in TERMINAL | {S.SHIPPED, S.DELIVERED}}
    assert before_shipping
    for status in before_shipping:
        with pytest.raises(MissingDetail) as refused:
            check_transition(kind, status, S.CANCELLED, details=TransitionDetails(reason=" "))
        assert refused.value.missing == ("reason",)
        check_transition(kind, status, S.CANCELLED, details=CANCEL)


# --- properties -------------------------------------------------------------------

kinds = st.sampled_from(list(OrderKind))
statuses = st.sampled_from(list(OrderStatus))
details = st.builds(
    TransitionDetails,
    paid=st.booleans(),
    reason=st.sampled_from(["", " ", "out of stock"]),
    carrier=st.sampled_from(["", "郵局"]),
    tracking_no=st.sampled_from(["", "T1"]),
    approved=st.booleans(),
)


@given(kinds, st.booleans(), st.lists(st.tuples(statuses, details), max_size=30))
def test_random_walks_stay_on_the_table(
    kind: OrderKind, paid: bool, steps: list[tuple[OrderStatus, TransitionDetails]]
) -> None:
    try:
        status = initial_status(kind, paid=paid)
    except IllegalTransition:
        return
    for target, given_details in steps:
        try:
            check_transition(kind, status, target, details=given_details)
        except IllegalTransition:
            continue
        assert target in allowed_transitions(kind, status)
        if status in TERMINAL:
            # The one way out of a terminal status: a void, paid, approved, with a reason.
            assert status in VOIDABLE.get(kind, frozenset())
            assert target is S.CANCELLED
            assert given_details.paid
            assert given_details.approved
            assert given_details.reason.strip()
        status = target
    assert status in statuses_of(kind)


@given(kinds, statuses, statuses, details)
def test_terminal_statuses_lead_nowhere(
    kind: OrderKind, terminal: OrderStatus, target: OrderStatus, given_details: TransitionDetails
) -> None:
    if terminal not in TERMINAL:
        return
    if terminal in VOIDABLE.get(kind, frozenset()) and target is S.CANCELLED:
        return  # a void: see test_voiding_a_take_away_sale_needs_payment_a_reason_and_approval
    with pytest.raises(IllegalTransition) as refused:
        check_transition(kind, terminal, target, details=given_details)
    assert refused.value.reason is TransitionProblem.TERMINAL


@given(kinds, statuses, statuses)
def test_accepted_steps_are_exactly_the_table(
    kind: OrderKind, here: OrderStatus, there: OrderStatus
) -> None:
    everything = TransitionDetails(
        paid=True, reason="r", carrier="c", tracking_no="t", approved=True
    )
    try:
        check_transition(kind, here, there, details=everything)
    except IllegalTransition:
        assert there not in allowed_transitions(kind, here)
    else:
        assert there in allowed_transitions(kind, here)


@given(kinds, st.lists(statuses, max_size=40))
def test_every_walk_ends_in_a_status_the_kind_has(
    kind: OrderKind, steps: list[OrderStatus]
) -> None:
    for start in (True, False):
        try:
            first = initial_status(kind, paid=start)
        except IllegalTransition:
            continue
        assert set(walk(kind, first, steps)) <= statuses_of(kind)


def test_every_status_of_a_kind_is_reachable_and_can_end() -> None:
    """No dead corner in the table: each status is reached from a start and reaches an end."""
    for kind, table in TRANSITIONS.items():
        starts = {s for paid in (True, False) for s in [_start(kind, paid)] if s is not None}
        reached, frontier = set(starts), list(starts)
        while frontier:
            for nxt in table[frontier.pop()]:
                if nxt not in reached:
                    reached.add(nxt)
                    frontier.append(nxt)
        assert reached == set(table), kind
        for status in table:
            assert status in TERMINAL or table[status], (kind, status)
        for status in TERMINAL & set(table):
            voids = {S.CANCELLED} if status in VOIDABLE.get(kind, frozenset()) else set()
            assert table[status] == frozenset(voids)


def _start(kind: OrderKind, paid: bool) -> OrderStatus | None:
    try:
        return initial_status(kind, paid=paid)
    except IllegalTransition:
        return None
