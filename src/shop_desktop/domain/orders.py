"""Where an order can go next: the order kinds and the order state machine.

An order moves 待付款 AWAITING_PAYMENT -> 待發貨 AWAITING_FULFILMENT -> PICKING
-> 已發貨 SHIPPED -> DELIVERED -> COMPLETED, but not every kind of order takes
every step (:data:`TRANSITIONS` is the whole truth):

* TAKE_AWAY -- the customer walks out with the goods: COMPLETED at checkout,
  no step after that.
* PICK_UP -- paid at the counter, collected later: AWAITING_FULFILMENT ->
  PICKING -> DELIVERED -> COMPLETED. It never ships. While it is PICKING the
  goods are being put together and then wait at the counter ("ready");
  **DELIVERED means collected** (handed over at the counter). No separate
  READY/COLLECTED status: the stored status is a CHECK-constrained enum, and
  changing that constraint in SQLite means copying the ``orders`` table,
  which with foreign keys on deletes every order's lines (see migration
  0004). The UI words DELIVERED as "已取貨 collected" for pick-up orders.
* PAY_LATER -- reserved now, paid on collection: starts AWAITING_PAYMENT.
  Either it is paid first (-> AWAITING_FULFILMENT) or it is put together
  while unpaid (AWAITING_PAYMENT -> PICKING) and paid when the customer
  comes; it can be collected (DELIVERED) only once paid.
* DELIVERY -- sent to the customer: AWAITING_FULFILMENT when paid at the
  counter, AWAITING_PAYMENT when paid on delivery (cash on delivery), which
  may be picked and shipped unpaid; COMPLETED only once paid.

Payment is not a status of its own once goods start moving (a cash on
delivery parcel is SHIPPED *and* unpaid), so the checks take ``paid`` as a
fact about the order. Whatever the kind, COMPLETED needs the order paid.

CANCELLED is possible from every status before SHIPPED, with a reason;
after shipping the goods are out of the shop, and taking them back is a
return (after-sales), not a cancel. Cancelling a *paid* order voids its
invoice (a credit note is issued), so it also needs a manager's approval.

COMPLETED and CANCELLED are terminal, with one exception: a completed
take-away sale may be voided (-> CANCELLED) with a reason and a manager's
approval -- the customer brings the goods straight back, or the sale was
rung up wrongly, and the invoice must be cancelled by a credit note. That is
the only step out of a terminal status (:data:`VOIDABLE`); every other
completed order is corrected by a return.

Pure Python: the services layer applies these rules to stored orders.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "INITIAL_STATUSES",
    "TERMINAL",
    "TRANSITIONS",
    "VOIDABLE",
    "IllegalTransition",
    "MissingDetail",
    "OrderKind",
    "OrderStatus",
    "TransitionDetails",
    "TransitionProblem",
    "allowed_transitions",
    "check_transition",
    "initial_status",
    "statuses_of",
]


class OrderStatus(enum.Enum):
    #: Kept for orders still being built at the counter; no flow here uses it.
    OPEN = "open"
    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_FULFILMENT = "awaiting_fulfilment"
    PICKING = "picking"
    SHIPPED = "shipped"
    #: Delivered to the customer, or, for pick-up and pay-later, collected.
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderKind(enum.Enum):
    TAKE_AWAY = "take_away"
    PICK_UP = "pick_up"
    DELIVERY = "delivery"
    PAY_LATER = "pay_later"


_S = OrderStatus
_K = OrderKind

#: kind -> status -> the statuses it may go to next. Nothing else is allowed.
TRANSITIONS: Mapping[OrderKind, Mapping[OrderStatus, frozenset[OrderStatus]]] = {
    _K.TAKE_AWAY: {
        # Only a void (reason and approval): see VOIDABLE.
        _S.COMPLETED: frozenset({_S.CANCELLED}),
        _S.CANCELLED: frozenset(),
    },
    _K.PICK_UP: {
        _S.AWAITING_FULFILMENT: frozenset({_S.PICKING, _S.CANCELLED}),
        _S.PICKING: frozenset({_S.DELIVERED, _S.CANCELLED}),
        _S.DELIVERED: frozenset({_S.COMPLETED}),
        _S.COMPLETED: frozenset(),
        _S.CANCELLED: frozenset(),
    },
    _K.PAY_LATER: {
        _S.AWAITING_PAYMENT: frozenset({_S.AWAITING_FULFILMENT, _S.PICKING, _S.CANCELLED}),
        _S.AWAITING_FULFILMENT: frozenset({_S.PICKING, _S.CANCELLED}),
        _S.PICKING: frozenset({_S.DELIVERED, _S.CANCELLED}),
        _S.DELIVERED: frozenset({_S.COMPLETED}),
        _S.COMPLETED: frozenset(),
        _S.CANCELLED: frozenset(),
    },
    _K.DELIVERY: {
        _S.AWAITING_PAYMENT: frozenset({_S.AWAITING_FULFILMENT, _S.PICKING, _S.CANCELLED}),
        _S.AWAITING_FULFILMENT: frozenset({_S.PICKING, _S.CANCELLED}),
        _S.PICKING: frozenset({_S.SHIPPED, _S.CANCELLED}),
        _S.SHIPPED: frozenset({_S.DELIVERED}),
        _S.DELIVERED: frozenset({_S.COMPLETED}),
        _S.COMPLETED: frozenset(),
        _S.CANCELLED: frozenset(),
    },
}

#: Where an order of each kind starts: (paid at the counter, not paid).
INITIAL_STATUSES: Mapping[OrderKind, tuple[OrderStatus | None, OrderStatus | None]] = {
    _K.TAKE_AWAY: (_S.COMPLETED, None),
    _K.PICK_UP: (_S.AWAITING_FULFILMENT, None),
    _K.PAY_LATER: (None, _S.AWAITING_PAYMENT),
    _K.DELIVERY: (_S.AWAITING_FULFILMENT, _S.AWAITING_PAYMENT),
}

TERMINAL = frozenset({_S.COMPLETED, _S.CANCELLED})

#: The terminal statuses an order of a kind may still leave, only to be
#: voided (-> CANCELLED) with a reason and a manager's approval.
VOIDABLE: Mapping[OrderKind, frozenset[OrderStatus]] = {
    _K.TAKE_AWAY: frozenset({_S.COMPLETED}),
}


class TransitionProblem(enum.Enum):
    #: The order is COMPLETED or CANCELLED: nothing happens to it any more.
    TERMINAL = "terminal"
    #: This kind of order never has that status (a pick-up is never SHIPPED).
    NOT_FOR_KIND = "not_for_kind"
    #: The status exists for this kind, but not as the next step from here.
    OUT_OF_ORDER = "out_of_order"
    #: Shipped goods come back through a return (after-sales), not a cancel.
    ALREADY_SHIPPED = "already_shipped"
    #: The step needs the order paid first (collection, completion, fulfilment).
    UNPAID = "unpaid"
    #: The kind cannot start that way (a pick-up must be paid at the counter).
    BAD_START = "bad_start"
    #: A detail the step needs was not given (see ``MissingDetail.missing``).
    MISSING_DETAIL = "missing_detail"
    #: Voiding an invoice (cancelling a paid order) needs a manager's approval.
    NOT_APPROVED = "not_approved"


class IllegalTransition(Exception):
    """The order cannot go from ``from_status`` to ``to_status``; nothing was changed.

    ``reason`` is machine-readable: the UI words it in both languages.
    ``order_id`` is set by the services when one order of several is refused.
    """

    def __init__(
        self,
        reason: TransitionProblem,
        from_status: OrderStatus | None,
        to_status: OrderStatus,
        *,
        order_id: object = None,
    ) -> None:
        self.reason = reason
        self.from_status = from_status
        self.to_status = to_status
        self.order_id = order_id
        super().__init__(
            reason.value,
            None if from_status is None else from_status.value,
            to_status.value,
        )


class MissingDetail(IllegalTransition):
    """A step that needs details came without them.

    ``missing`` names the fields: ``("carrier", "tracking_no")`` for SHIPPED,
    ``("reason",)`` for CANCELLED.
    """

    def __init__(
        self,
        from_status: OrderStatus,
        to_status: OrderStatus,
        missing: tuple[str, ...],
        *,
        order_id: object = None,
    ) -> None:
        super().__init__(
            TransitionProblem.MISSING_DETAIL, from_status, to_status, order_id=order_id
        )
        self.missing = missing


@dataclass(frozen=True)
class TransitionDetails:
    """What the staff gave with the step, and whether the order is paid."""

    paid: bool = False
    reason: str = ""
    carrier: str = ""
    tracking_no: str = ""
    #: A supervisor or manager approved the step (checked by the services).
    approved: bool = False


def statuses_of(kind: OrderKind) -> frozenset[OrderStatus]:
    """Every status an order of this kind can ever have."""
    return frozenset(TRANSITIONS[kind])


def allowed_transitions(kind: OrderKind, status: OrderStatus) -> frozenset[OrderStatus]:
    """The statuses an order of ``kind`` may go to from ``status`` (payment aside)."""
    return TRANSITIONS[kind].get(status, frozenset())


def initial_status(kind: OrderKind, *, paid: bool) -> OrderStatus:
    """Where a new order starts: paid-now orders wait for fulfilment, unpaid for payment.

    Raises :class:`IllegalTransition` (BAD_START) for a start the kind does not
    have: an unpaid take-away or pick-up, a pay-later paid at once (that is a
    pick-up).
    """
    when_paid, when_unpaid = INITIAL_STATUSES[kind]
    status = when_paid if paid else when_unpaid
    if status is None:
        target = when_unpaid if paid else when_paid
        assert target is not None
        raise IllegalTransition(TransitionProblem.BAD_START, None, target)
    return status


def _needs_payment(kind: OrderKind, from_status: OrderStatus, to_status: OrderStatus) -> bool:
    if to_status is _S.COMPLETED:
        return True
    if from_status is _S.AWAITING_PAYMENT and to_status is _S.AWAITING_FULFILMENT:
        # Leaving "awaiting payment" for "awaiting fulfilment" *is* being paid.
        return True
    # Pay-later goods are handed over against payment.
    return kind is _K.PAY_LATER and to_status is _S.DELIVERED


def check_transition(
    kind: OrderKind,
    from_status: OrderStatus,
    to_status: OrderStatus,
    *,
    details: TransitionDetails,
) -> None:
    """Refuse any step the table or the step's conditions do not allow.

    Returns ``None`` when the order may go from ``from_status`` to
    ``to_status``; raises :class:`IllegalTransition` (or its
    :class:`MissingDetail`) saying why not.
    """
    table = TRANSITIONS[kind]
    if from_status in TERMINAL and (
        from_status not in VOIDABLE.get(kind, frozenset()) or to_status is not _S.CANCELLED
    ):
        raise IllegalTransition(TransitionProblem.TERMINAL, from_status, to_status)
    if from_status not in table or to_status not in table:
        raise IllegalTransition(TransitionProblem.NOT_FOR_KIND, from_status, to_status)
    if to_status not in table[from_status]:
        problem = (
            TransitionProblem.ALREADY_SHIPPED
            if to_status is _S.CANCELLED and from_status in (_S.SHIPPED, _S.DELIVERED)
            else TransitionProblem.OUT_OF_ORDER
        )
        raise IllegalTransition(problem, from_status, to_status)
    voiding = from_status in TERMINAL
    if (_needs_payment(kind, from_status, to_status) or voiding) and not details.paid:
        raise IllegalTransition(TransitionProblem.UNPAID, from_status, to_status)
    missing: tuple[str, ...] = ()
    if to_status is _S.SHIPPED:
        missing = tuple(
            name
            for name, value in (("carrier", details.carrier), ("tracking_no", details.tracking_no))
            if not value.strip()
        )
    elif to_status is _S.CANCELLED and not details.reason.strip():
        missing = ("reason",)
    if missing:
        raise MissingDetail(from_status, to_status, missing)
    if to_status is _S.CANCELLED and details.paid and not details.approved:
        # The invoice is voided by a credit note: not on the cashier's word alone.
        raise IllegalTransition(TransitionProblem.NOT_APPROVED, from_status, to_status)
