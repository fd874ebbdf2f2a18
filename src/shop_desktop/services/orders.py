"""Orders that are not take-away: taking, paying, picking, shipping, cancelling, finding.

Every use case here is one step of an order (``domain.orders`` decides which
steps exist) and writes, in the caller's transaction, everything the step
changes together with an ``order_events`` row (who, when, why) and one
outbox entry per order for the server -- so a step is on disk whole or not
at all, and the server learns of it exactly once (SYNC.md). Each checks
before it writes: a refused step raises and leaves nothing behind.

Decisions, in the shop's terms:

* Stock is taken when the order is taken (the goods are promised to the
  customer), with the same SALE movements as a take-away sale.
* The invoice number is issued when the order is paid -- at once for a
  paid-now order, by :func:`pay_order` for pay-later and cash on delivery --
  because Taiwan issues the invoice on payment. The order number comes from
  the device sequence (``<prefix>-O00000042``) so it exists before payment.
* :func:`ship_orders` is all or nothing: a picking list is shipped as one
  batch, and a refused order (its id in ``IllegalTransition.order_id``)
  sends the whole batch back to be corrected, so no parcel is half booked.
* :func:`cancel_order` puts the goods back (RETURN movements), records a
  :class:`~shop_desktop.data.models.Refund` per payment -- DONE for cash
  and store credit (credited back to the member at once), OWED for card and
  wallets: the provider's refund API is not called here (out of scope) --
  and reverses the points the order earned. Coupons used stay used.
* A paid order's invoice keeps its number when the order is cancelled: it
  is voided by a :class:`~shop_desktop.data.models.CreditNote` with the next
  number of the workstation's own credit-note series (gapless, bumped in the
  same transaction), and only with a supervisor's or manager's approval.
  :func:`void_invoice` does this for paid orders, including a completed
  take-away sale; :func:`cancel_order` of a paid order goes the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    CreditNote,
    DeviceIdentity,
    Member,
    Order,
    OrderDelivery,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PointsEntry,
    Product,
    Refund,
    RefundStatus,
    StaffUser,
    StockMovement,
    StockReason,
    StoreCreditEntry,
    Workstation,
)
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.domain.orders import (
    IllegalTransition,
    TransitionDetails,
    check_transition,
    initial_status,
)
from shop_desktop.domain.permissions import Permission, PermissionDenied
from shop_desktop.domain.points import POINTS_EARNED, POINTS_REVERSED
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.checkout import (
    CommittedSale,
    DraftPayment,
    OrderTaking,
    SaleDraft,
    check_store_credit,
    check_tender,
    commit_order,
)
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.rights import require_staff
from shop_desktop.services.shifts import (
    add_to_open_shift,
    add_void_to_open_shift,
    sale_deltas_of,
)
from shop_shared.ops import ORDER_CANCELLED, ORDER_PAID, ORDER_STATUS_CHANGED, ORDER_TAKEN

__all__ = [
    "DeliveryDetails",
    "DeliveryView",
    "EventView",
    "OrderCursor",
    "OrderDetail",
    "OrderFilter",
    "OrderLineView",
    "OrderNotFound",
    "OrderPage",
    "OrderProblem",
    "OrderSummary",
    "PaidOrder",
    "PaymentView",
    "PickGroup",
    "PickItem",
    "PromotionView",
    "RefundView",
    "VoidedInvoice",
    "advance",
    "cancel_order",
    "fulfilment_queue",
    "order_detail",
    "order_list",
    "pay_order",
    "picking_items",
    "ship_orders",
    "take_order",
    "void_invoice",
]

#: Refunds given back on the spot; every other method is owed until its provider pays it.
_REFUNDED_AT_ONCE = frozenset({PaymentMethod.CASH, PaymentMethod.STORE_CREDIT})


class OrderProblem(Enum):
    #: No order with that id on this workstation.
    NOT_FOUND = "not_found"
    #: Paying an order that already has its invoice (paid).
    ALREADY_PAID = "already_paid"
    #: Paying a cancelled or completed order.
    CLOSED = "closed"
    #: A delivery order taken without an address to deliver to.
    NO_DELIVERY_ADDRESS = "no_delivery_address"
    #: Voiding the invoice of an order that has none (not paid).
    NOT_INVOICED = "not_invoiced"


class OrderNotFound(Exception):
    """The step cannot be taken on this order; nothing was written.

    ``reason`` is machine-readable (the UI words it); ``order_id`` says which.
    """

    def __init__(self, reason: OrderProblem, order_id: uuid.UUID) -> None:
        self.reason = reason
        self.order_id = order_id
        super().__init__(reason.value, str(order_id))


@dataclass(frozen=True)
class DeliveryDetails:
    """Where a delivery goes (or who collects a pick-up)."""

    recipient_name: str
    phone: str = ""
    address: str = ""
    requested_date: date | None = None


@dataclass(frozen=True)
class PaidOrder:
    order_id: uuid.UUID
    invoice_no: str
    status: OrderStatus
    change_minor: int
    #: True when this payment batch was already recorded: nothing was written.
    repeated: bool


# --- helpers shared by the steps ------------------------------------------------


def _aware(now: datetime | None) -> datetime:
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError("order steps need an aware time (utcnow())")
    return now


def _load(session: Session, order_id: uuid.UUID) -> Order:
    order = session.get(Order, order_id, populate_existing=True)
    if order is None:
        raise OrderNotFound(OrderProblem.NOT_FOUND, order_id)
    return order


def _delivery_json(delivery: OrderDelivery | None) -> dict[str, Any] | None:
    if delivery is None:
        return None
    return {
        "recipient_name": delivery.recipient_name,
        "phone": delivery.phone,
        "address": delivery.address,
        "requested_date": (
            None if delivery.requested_date is None else delivery.requested_date.isoformat()
        ),
        "carrier": delivery.carrier,
        "tracking_no": delivery.tracking_no,
        "shipped_at": None if delivery.shipped_at is None else delivery.shipped_at.isoformat(),
        "delivered_at": (
            None if delivery.delivered_at is None else delivery.delivered_at.isoformat()
        ),
    }


def _event_json(event: OrderEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "from_status": None if event.from_status is None else event.from_status.value,
        "to_status": event.to_status.value,
        "staff_id": str(event.staff_id),
        "at": event.at.isoformat(),
        "action": event.action,
        "reason": event.reason,
        "details": event.details,
    }


def _record(
    session: Session,
    identity: DeviceIdentity,
    order: Order,
    event: OrderEvent,
    op_type: str,
    *,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """The event row and the outbox entry telling the server about it."""
    session.add(event)
    payload: dict[str, Any] = {
        "order_id": str(order.id),
        "number": order.number,
        "status": order.status.value,
        "invoice_no": order.invoice_no,
        "event": _event_json(event),
        "delivery": _delivery_json(session.get(OrderDelivery, order.id)),
    }
    payload.update(extra or {})
    queue_for_server(session, identity, op_type, payload, now=now)


def _is_paid(order: Order) -> bool:
    # The invoice is issued exactly when the order is paid.
    return order.invoice_no is not None


# --- taking an order --------------------------------------------------------------


def take_order(
    session: Session,
    draft: SaleDraft,
    delivery: DeliveryDetails | None,
    *,
    now: datetime | None = None,
) -> CommittedSale:
    """Take a pick-up, delivery or pay-later order, in the caller's transaction.

    With payments it is paid now (invoice issued, AWAITING_FULFILMENT);
    without, it waits for payment (pay-later, cash on delivery). Checks as
    :func:`~shop_desktop.services.checkout.commit_sale` does (CheckoutError),
    refuses a start the kind does not have (IllegalTransition BAD_START) and
    a delivery without an address; idempotent by ``draft.order_id``.
    """
    now = _aware(now)
    if draft.kind is OrderKind.TAKE_AWAY:
        raise ValueError("take-away sales are committed by checkout.commit_sale")
    status = initial_status(draft.kind, paid=bool(draft.payments))
    if draft.kind is OrderKind.DELIVERY and (delivery is None or not delivery.address.strip()):
        raise OrderNotFound(OrderProblem.NO_DELIVERY_ADDRESS, draft.order_id)
    event = OrderEvent(
        id=new_id(),
        order_id=draft.order_id,
        from_status=None,
        to_status=status,
        staff_id=draft.staff_id,
        at=now,
        action="taken",
        reason="",
        details={"paid": bool(draft.payments)},
    )
    row = (
        None
        if delivery is None
        else OrderDelivery(
            order_id=draft.order_id,
            recipient_name=delivery.recipient_name,
            phone=delivery.phone,
            address=delivery.address,
            requested_date=delivery.requested_date,
            carrier="",
            tracking_no="",
        )
    )
    taking = OrderTaking(
        status=status,
        op_type=ORDER_TAKEN,
        payload_extra={"delivery": _delivery_json(row), "events": [_event_json(event)]},
    )
    sale = commit_order(session, draft, taking, now=now)
    if sale.repeated:
        return sale
    if row is not None:
        session.add(row)
    session.add(event)
    session.flush()
    return sale


# --- paying an order ----------------------------------------------------------------


def pay_order(
    session: Session,
    order_id: uuid.UUID,
    payments: Sequence[DraftPayment],
    *,
    staff_id: uuid.UUID,
    batch_id: uuid.UUID,
    now: datetime | None = None,
) -> PaidOrder:
    """Record the payment of an unpaid order and issue its invoice number.

    The payments must cover the total exactly, as at checkout (CheckoutError).
    An order awaiting payment moves on to AWAITING_FULFILMENT; one already
    being picked or shipped (pay-later put together in advance, cash on
    delivery) keeps its status. ``batch_id`` is made by the till when the
    customer starts paying: paying the same batch again returns the first
    result and writes nothing.
    """
    now = _aware(now)
    identity = lock_device_counters(session)
    earlier = session.get(OrderEvent, batch_id)
    if earlier is not None:
        order = _load(session, earlier.order_id)
        change = sum(p.change_minor for p in order.payments)
        return PaidOrder(order.id, order.invoice_no or "", order.status, change, repeated=True)
    order = _load(session, order_id)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.COMPLETED):
        raise OrderNotFound(OrderProblem.CLOSED, order_id)
    if _is_paid(order):
        raise OrderNotFound(OrderProblem.ALREADY_PAID, order_id)
    changes = check_tender(payments, total_minor=order.total_minor, member=order.member_id)
    check_store_credit(session, payments, order.member_id)
    before = order.status
    after = OrderStatus.AWAITING_FULFILMENT if before is OrderStatus.AWAITING_PAYMENT else before
    if after is not before:
        check_transition(order.kind, before, after, details=TransitionDetails(paid=True))

    station = session.get_one(Workstation, identity.workstation_id)
    invoice_no = f"{station.invoice_prefix}-{identity.next_invoice_no:08d}"
    identity.next_invoice_no += 1
    order.invoice_no = invoice_no
    order.status = after
    rows = []
    for p, change in zip(payments, changes, strict=True):
        payment = Payment(
            id=new_id(),
            order_id=order.id,
            method=p.method,
            amount_minor=p.amount_minor,
            tendered_minor=(
                (p.amount_minor if p.tendered_minor is None else p.tendered_minor)
                if p.method is PaymentMethod.CASH
                else None
            ),
            change_minor=change,
            reference=p.reference,
            card_last4=p.card_last4,
            created_at=now,
        )
        rows.append(payment)
        session.add(payment)
        if p.method is PaymentMethod.STORE_CREDIT and order.member_id is not None:
            session.add(
                StoreCreditEntry(
                    member_id=order.member_id,
                    amount_minor=-p.amount_minor,
                    order_id=order.id,
                    reason="sale",
                    created_at=now,
                )
            )
    event = OrderEvent(
        id=batch_id,
        order_id=order.id,
        from_status=before,
        to_status=after,
        staff_id=staff_id,
        at=now,
        action="paid",
        reason="",
        details={"invoice_no": invoice_no, "payments": [str(p.id) for p in rows]},
    )
    _record(
        session,
        identity,
        order,
        event,
        ORDER_PAID,
        now=now,
        extra={
            "payments": [
                {
                    "id": str(p.id),
                    "method": p.method.value,
                    "amount_minor": p.amount_minor,
                    "tendered_minor": p.tendered_minor,
                    "change_minor": p.change_minor,
                    "reference": p.reference,
                    "card_last4": p.card_last4,
                }
                for p in rows
            ]
        },
    )
    session.flush()
    # The invoice is issued now: the sale counts in this till's open shift (issue 13).
    deltas = sale_deltas_of(order, rows, staff_id=staff_id)
    add_to_open_shift(session.connection(), identity.workstation_id, deltas)
    return PaidOrder(order.id, invoice_no, after, sum(changes), repeated=False)


# --- moving an order along ------------------------------------------------------------


def advance(
    session: Session,
    order_id: uuid.UUID,
    to_status: OrderStatus,
    *,
    staff_id: uuid.UUID,
    reason: str = "",
    carrier: str = "",
    tracking_no: str = "",
    approved_by: uuid.UUID | None = None,
    now: datetime | None = None,
) -> OrderStatus:
    """Move an order one step (picking, shipped, delivered/collected, completed).

    Raises IllegalTransition (MissingDetail) for a step the order may not
    take; nothing is written then. CANCELLED goes through :func:`cancel_order`.
    """
    if to_status is OrderStatus.CANCELLED:
        cancel_order(session, order_id, reason, staff_id=staff_id, approved_by=approved_by, now=now)
        return OrderStatus.CANCELLED
    now = _aware(now)
    identity = lock_device_counters(session)
    _step(
        session,
        identity,
        _load(session, order_id),
        to_status,
        staff_id=staff_id,
        details=TransitionDetails(reason=reason, carrier=carrier, tracking_no=tracking_no),
        now=now,
    )
    session.flush()
    return to_status


def _step(
    session: Session,
    identity: DeviceIdentity,
    order: Order,
    to_status: OrderStatus,
    *,
    staff_id: uuid.UUID,
    details: TransitionDetails,
    now: datetime,
) -> None:
    before = order.status
    facts = TransitionDetails(
        paid=_is_paid(order),
        reason=details.reason,
        carrier=details.carrier,
        tracking_no=details.tracking_no,
    )
    try:
        check_transition(order.kind, before, to_status, details=facts)
    except IllegalTransition as exc:
        exc.order_id = order.id
        raise
    delivery = session.get(OrderDelivery, order.id)
    noted: dict[str, Any] = {}
    if to_status is OrderStatus.SHIPPED:
        if delivery is None:
            delivery = OrderDelivery(order_id=order.id, recipient_name="", phone="", address="")
            session.add(delivery)
        delivery.carrier = details.carrier.strip()
        delivery.tracking_no = details.tracking_no.strip()
        delivery.shipped_at = now
        noted = {"carrier": delivery.carrier, "tracking_no": delivery.tracking_no}
    elif to_status is OrderStatus.DELIVERED and delivery is not None:
        delivery.delivered_at = now
    if to_status is OrderStatus.COMPLETED:
        order.completed_at = now
    order.status = to_status
    session.flush()
    event = OrderEvent(
        id=new_id(),
        order_id=order.id,
        from_status=before,
        to_status=to_status,
        staff_id=staff_id,
        at=now,
        action="advanced",
        reason=details.reason,
        details=noted,
    )
    _record(session, identity, order, event, ORDER_STATUS_CHANGED, now=now)


def ship_orders(
    session: Session,
    shipments: Iterable[tuple[uuid.UUID, str, str]],
    staff_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> list[uuid.UUID]:
    """Mark a batch of picked orders SHIPPED, each with (order id, carrier, tracking no).

    All or nothing: every order is checked before any is written, and the
    first refused one raises IllegalTransition with its ``order_id`` set.
    Returns the ids shipped, in the order given.
    """
    now = _aware(now)
    identity = lock_device_counters(session)
    batch = list(shipments)
    orders = [_load(session, order_id) for order_id, _, _ in batch]
    for order, (_, carrier, tracking_no) in zip(orders, batch, strict=True):
        facts = TransitionDetails(paid=_is_paid(order), carrier=carrier, tracking_no=tracking_no)
        try:
            check_transition(order.kind, order.status, OrderStatus.SHIPPED, details=facts)
        except IllegalTransition as exc:
            exc.order_id = order.id
            raise
    for order, (_, carrier, tracking_no) in zip(orders, batch, strict=True):
        _step(
            session,
            identity,
            order,
            OrderStatus.SHIPPED,
            staff_id=staff_id,
            details=TransitionDetails(carrier=carrier, tracking_no=tracking_no),
            now=now,
        )
    session.flush()
    return [order.id for order in orders]


def _may_void(
    session: Session, order: Order, staff_id: uuid.UUID, approved_by: uuid.UUID | None
) -> bool:
    """Whether ``staff_id`` may void ``order`` and refund its total, alone or approved.

    The UI has already checked the approver's password (``auth.approve``, written to
    the audit log); this reads both people's rights from the staff table, so a stale
    or forged id cannot void (``services.rights``).
    """
    try:
        require_staff(session, staff_id, Permission.VOID, approved_by=approved_by)
        require_staff(
            session,
            staff_id,
            Permission.REFUND,
            approved_by=approved_by,
            amount_minor=order.total_minor,
        )
    except PermissionDenied:
        return False
    return True


@dataclass(frozen=True)
class VoidedInvoice:
    """What voiding an invoice wrote (or, when ``repeated``, had written before)."""

    order_id: uuid.UUID
    invoice_no: str
    credit_note_no: str
    refund_ids: tuple[uuid.UUID, ...]
    #: True when the invoice was already voided: nothing was written.
    repeated: bool


def void_invoice(
    session: Session,
    order_id: uuid.UUID,
    reason: str,
    *,
    staff_id: uuid.UUID,
    approved_by: uuid.UUID | None,
    now: datetime | None = None,
) -> VoidedInvoice:
    """Void a paid order's invoice with a credit note, in the caller's transaction.

    For a paid order that has not shipped, and for a completed take-away
    sale: the order is CANCELLED as :func:`cancel_order` does (goods back,
    refunds, points earned reversed) and a :class:`CreditNote` takes the next
    number of this workstation's credit-note series; the invoice keeps its
    number. ``approved_by`` is the supervisor or manager who approved it.

    Voiding an order that already has a credit note returns the first result
    (``repeated``) and writes nothing, so a retry after a lost answer is safe.
    Raises OrderNotFound (NOT_FOUND, NOT_INVOICED) or IllegalTransition
    (NOT_APPROVED, MissingDetail for no reason, ALREADY_SHIPPED, TERMINAL).
    """
    now = _aware(now)
    identity = lock_device_counters(session)
    earlier = session.scalars(select(CreditNote).where(CreditNote.order_id == order_id)).first()
    if earlier is not None:
        refund_ids = session.scalars(select(Refund.id).where(Refund.order_id == order_id)).all()
        return VoidedInvoice(
            order_id, earlier.invoice_no, earlier.number, tuple(refund_ids), repeated=True
        )
    order = _load(session, order_id)
    if not _is_paid(order):
        raise OrderNotFound(OrderProblem.NOT_INVOICED, order_id)
    refunds, note = _cancel(
        session, identity, order, reason, staff_id=staff_id, approved_by=approved_by, now=now
    )
    assert note is not None  # a paid order always gets one
    return VoidedInvoice(
        order.id, note.invoice_no, note.number, tuple(r.id for r in refunds), repeated=False
    )


def cancel_order(
    session: Session,
    order_id: uuid.UUID,
    reason: str,
    *,
    staff_id: uuid.UUID,
    approved_by: uuid.UUID | None = None,
    now: datetime | None = None,
) -> list[Refund]:
    """Cancel an order before it ships: goods back on the shelf, money owed back.

    A paid order's invoice is voided with a credit note on the way (see
    :func:`void_invoice`), which needs ``approved_by``. Returns the refunds
    recorded (one per payment). Raises IllegalTransition (ALREADY_SHIPPED
    after shipping: that is a return; MissingDetail without a reason;
    NOT_APPROVED for a paid order without approval); nothing is written then.
    """
    now = _aware(now)
    identity = lock_device_counters(session)
    order = _load(session, order_id)
    refunds, _ = _cancel(
        session, identity, order, reason, staff_id=staff_id, approved_by=approved_by, now=now
    )
    return refunds


def _cancel(
    session: Session,
    identity: DeviceIdentity,
    order: Order,
    reason: str,
    *,
    staff_id: uuid.UUID,
    approved_by: uuid.UUID | None,
    now: datetime,
) -> tuple[list[Refund], CreditNote | None]:
    """The one way an order is cancelled, voided or not; checks first, then writes."""
    before = order.status
    paid = _is_paid(order)
    facts = TransitionDetails(
        paid=paid, reason=reason, approved=paid and _may_void(session, order, staff_id, approved_by)
    )
    try:
        check_transition(order.kind, before, OrderStatus.CANCELLED, details=facts)
    except IllegalTransition as exc:
        exc.order_id = order.id
        raise
    reason = reason.strip()
    returned = _put_stock_back(session, order, staff_id=staff_id, now=now)
    refunds = _refund_payments(session, order, reason, staff_id=staff_id, now=now)
    points = _reverse_points(session, order, now=now)
    note = (
        _issue_credit_note(
            session, identity, order, reason, staff_id=staff_id, approved_by=approved_by, now=now
        )
        if paid
        else None
    )
    order.status = OrderStatus.CANCELLED
    session.flush()
    if note is not None:
        # A voided invoice and its refunds count in this till's open shift (issue 13).
        add_void_to_open_shift(
            session.connection(),
            identity.workstation_id,
            total_minor=order.total_minor,
            refunds=refunds,
        )
    details: dict[str, Any] = {"refunds": [str(r.id) for r in refunds]}
    if note is not None:
        details |= {"credit_note": note.number, "approved_by": str(approved_by)}
    event = OrderEvent(
        id=new_id(),
        order_id=order.id,
        from_status=before,
        to_status=OrderStatus.CANCELLED,
        staff_id=staff_id,
        at=now,
        action="voided" if note is not None else "cancelled",
        reason=reason,
        details=details,
    )
    _record(
        session,
        identity,
        order,
        event,
        ORDER_CANCELLED,
        now=now,
        extra={
            "refunds": [
                {
                    "id": str(r.id),
                    "payment_id": str(r.payment_id),
                    "method": r.method.value,
                    "amount_minor": r.amount_minor,
                    "status": r.status.value,
                }
                for r in refunds
            ],
            "stock_movements": [
                {
                    "id": str(m.id),
                    "product_id": str(m.product_id),
                    "qty_delta_milli": m.qty_delta_milli,
                    "reason": m.reason.value,
                }
                for m in returned
            ],
            "points": [
                {
                    "id": str(p.id),
                    "member_id": str(p.member_id),
                    "delta": p.delta,
                    "reason": p.reason,
                }
                for p in points
            ],
            "credit_note": None if note is None else _credit_note_json(note),
        },
    )
    session.flush()
    record_audit(
        session.connection(),
        AuditFacts(
            at=now,
            action="order_voided" if note is not None else "order_cancelled",
            staff_id=staff_id,
            workstation_id=identity.workstation_id,
            entity="order",
            entity_id=str(order.id),
            details={
                "number": order.number,
                "reason": reason,
                "credit_note": "" if note is None else note.number,
                "refunds": [
                    {"method": r.method.value, "amount_minor": r.amount_minor} for r in refunds
                ],
                "refunded_minor": sum(r.amount_minor for r in refunds),
            },
            approver_id=approved_by if note is not None else None,
        ),
    )
    return refunds, note


def _put_stock_back(
    session: Session, order: Order, *, staff_id: uuid.UUID, now: datetime
) -> list[StockMovement]:
    taken = session.scalars(
        select(StockMovement).where(
            StockMovement.order_id == order.id, StockMovement.reason == StockReason.SALE
        )
    ).all()
    returned = [
        StockMovement(
            id=new_id(),
            branch_id=m.branch_id,
            product_id=m.product_id,
            qty_delta_milli=-m.qty_delta_milli,
            reason=StockReason.RETURN,
            order_id=order.id,
            staff_id=staff_id,
            note="order cancelled",
            created_at=now,
            synced=False,
        )
        for m in taken
    ]
    session.add_all(returned)
    return returned


def _refund_payments(
    session: Session, order: Order, reason: str, *, staff_id: uuid.UUID, now: datetime
) -> list[Refund]:
    refunds = [
        Refund(
            id=new_id(),
            order_id=order.id,
            payment_id=p.id,
            method=p.method,
            amount_minor=p.amount_minor,
            status=RefundStatus.DONE if p.method in _REFUNDED_AT_ONCE else RefundStatus.OWED,
            reason=reason,
            staff_id=staff_id,
            created_at=now,
            settled_at=now if p.method in _REFUNDED_AT_ONCE else None,
        )
        for p in order.payments
        if p.amount_minor > 0
    ]
    session.add_all(refunds)
    for refund in refunds:
        if refund.method is PaymentMethod.STORE_CREDIT and order.member_id is not None:
            session.add(
                StoreCreditEntry(
                    member_id=order.member_id,
                    amount_minor=refund.amount_minor,
                    order_id=order.id,
                    reason="refund",
                    created_at=now,
                )
            )
    return refunds


def _reverse_points(session: Session, order: Order, *, now: datetime) -> list[PointsEntry]:
    """Take back the points the order earned (the ledger keeps one reversal per order)."""
    entries = session.scalars(select(PointsEntry).where(PointsEntry.order_id == order.id)).all()
    if any(e.reason == POINTS_REVERSED for e in entries):
        return []
    reversed_ = [
        PointsEntry(
            id=new_id(),
            member_id=e.member_id,
            order_id=order.id,
            delta=-e.delta,
            reason=POINTS_REVERSED,
            created_at=now,
        )
        for e in entries
        if e.reason == POINTS_EARNED and e.delta
    ]
    session.add_all(reversed_)
    for entry in reversed_:
        member = session.get(Member, entry.member_id)
        if member is not None:
            member.points += entry.delta
    return reversed_


def _issue_credit_note(
    session: Session,
    identity: DeviceIdentity,
    order: Order,
    reason: str,
    *,
    staff_id: uuid.UUID,
    approved_by: uuid.UUID | None,
    now: datetime,
) -> CreditNote:
    """The next number of this workstation's credit-note series, bumped in this transaction."""
    station = session.get_one(Workstation, identity.workstation_id)
    number = f"{station.invoice_prefix}-CN-{identity.next_credit_note_no:06d}"
    identity.next_credit_note_no += 1
    note = CreditNote(
        id=new_id(),
        number=number,
        order_id=order.id,
        invoice_no=order.invoice_no or "",
        total_minor=order.total_minor,
        tax_minor=order.tax_minor,
        reason=reason,
        staff_id=staff_id,
        approved_by=approved_by,
        created_at=now,
    )
    session.add(note)
    return note


def _credit_note_json(note: CreditNote) -> dict[str, Any]:
    return {
        "id": str(note.id),
        "number": note.number,
        "invoice_no": note.invoice_no,
        "total_minor": note.total_minor,
        "tax_minor": note.tax_minor,
        "reason": note.reason,
        "staff_id": str(note.staff_id),
        "approved_by": None if note.approved_by is None else str(note.approved_by),
        "created_at": note.created_at.isoformat(),
    }


# --- finding orders ------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilter:
    """What the back office narrows the order list to; empty means everything."""

    statuses: frozenset[OrderStatus] = frozenset()
    kinds: frozenset[OrderKind] = frozenset()
    #: Inclusive, on ``created_at`` (UTC, aware).
    created_from: datetime | None = None
    #: Exclusive.
    created_until: datetime | None = None
    member_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    payment_method: PaymentMethod | None = None
    #: Part of the order number, the customer's or recipient's name, or a product name.
    text: str = ""


@dataclass(frozen=True)
class OrderCursor:
    """Where the next page starts: after this order in newest-first order."""

    created_at: datetime
    order_id: uuid.UUID


@dataclass(frozen=True)
class OrderSummary:
    id: uuid.UUID
    number: str
    invoice_no: str | None
    kind: OrderKind
    status: OrderStatus
    total_minor: int
    created_at: datetime
    member_name: str | None
    recipient_name: str | None
    #: OWED while any refund is still owed to the customer, DONE once all are given back.
    refund: RefundStatus | None = None


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderSummary]
    #: Pass as ``after`` for the next page; ``None`` when this was the last.
    next: OrderCursor | None


def _summary(*row: Any) -> OrderSummary:
    """A listed order from its columns; the last two say whether a refund is owed, or any made."""
    (order_id, number, invoice_no, kind, status, total, created, member, recipient) = row[:9]
    owed, refunded = row[9:]
    return OrderSummary(
        id=order_id,
        number=number,
        invoice_no=invoice_no,
        kind=kind,
        status=status,
        total_minor=total,
        created_at=created,
        member_name=member,
        recipient_name=recipient,
        refund=RefundStatus.OWED if owed else RefundStatus.DONE if refunded else None,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(wanted: OrderFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.statuses:
        conditions.append(Order.status.in_(wanted.statuses))
    if wanted.kinds:
        conditions.append(Order.kind.in_(wanted.kinds))
    if wanted.created_from is not None:
        conditions.append(Order.created_at >= wanted.created_from)
    if wanted.created_until is not None:
        conditions.append(Order.created_at < wanted.created_until)
    if wanted.member_id is not None:
        conditions.append(Order.member_id == wanted.member_id)
    if wanted.staff_id is not None:
        conditions.append(Order.staff_id == wanted.staff_id)
    if wanted.payment_method is not None:
        conditions.append(
            exists().where(Payment.order_id == Order.id, Payment.method == wanted.payment_method)
        )
    text = wanted.text.strip()
    if text:
        pattern = _like(text)
        conditions.append(
            or_(
                Order.number.like(pattern, escape="\\"),
                Member.name.like(pattern, escape="\\"),
                OrderDelivery.recipient_name.like(pattern, escape="\\"),
                exists().where(
                    OrderLine.order_id == Order.id,
                    or_(
                        OrderLine.name_zh.like(pattern, escape="\\"),
                        OrderLine.name_en.like(pattern, escape="\\"),
                    ),
                ),
            )
        )
    return conditions


def order_list(
    session: Session,
    filter: OrderFilter,
    after: OrderCursor | None = None,
    limit: int = 100,
) -> OrderPage:
    """One page of orders, newest first, keyset-paged so page 500 is as fast as page 1."""
    query = (
        select(
            Order.id,
            Order.number,
            Order.invoice_no,
            Order.kind,
            Order.status,
            Order.total_minor,
            Order.created_at,
            Member.name,
            OrderDelivery.recipient_name,
            exists().where(Refund.order_id == Order.id, Refund.status == RefundStatus.OWED),
            exists().where(Refund.order_id == Order.id),
        )
        .outerjoin(Member, Member.id == Order.member_id)
        .outerjoin(OrderDelivery, OrderDelivery.order_id == Order.id)
    )
    query = query.where(*_conditions(filter))
    if after is not None:
        query = query.where(
            or_(
                Order.created_at < after.created_at,
                and_(Order.created_at == after.created_at, Order.id < after.order_id),
            )
        )
    query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit + 1)
    rows = [_summary(*row) for row in session.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = OrderCursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return OrderPage(rows=rows, next=cursor)


@dataclass(frozen=True)
class PromotionView:
    name_zh: str
    name_en: str
    amount_minor: int


@dataclass(frozen=True)
class OrderLineView:
    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    unit_price_minor: int
    discount_minor: int
    line_total_minor: int
    promotions: tuple[PromotionView, ...]


@dataclass(frozen=True)
class PaymentView:
    method: PaymentMethod
    amount_minor: int
    tendered_minor: int | None
    change_minor: int
    reference: str
    card_last4: str
    at: datetime


@dataclass(frozen=True)
class RefundView:
    method: PaymentMethod
    amount_minor: int
    status: RefundStatus
    reason: str
    at: datetime


@dataclass(frozen=True)
class DeliveryView:
    recipient_name: str
    phone: str
    address: str
    requested_date: date | None
    carrier: str
    tracking_no: str
    shipped_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class EventView:
    at: datetime
    from_status: OrderStatus | None
    to_status: OrderStatus
    action: str
    staff_name: str
    reason: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class OrderDetail:
    """One order whole, as plain frozen values: safe to hand to a screen on another thread."""

    id: uuid.UUID
    number: str
    invoice_no: str | None
    kind: OrderKind
    status: OrderStatus
    currency_code: str
    created_at: datetime
    member_id: uuid.UUID | None
    member_name: str | None
    staff_name: str
    subtotal_minor: int
    discount_minor: int
    tax_minor: int
    delivery_fee_minor: int
    total_minor: int
    note: str
    #: In line order, each with the promotions it was sold with.
    lines: tuple[OrderLineView, ...]
    payments: tuple[PaymentView, ...]
    refunds: tuple[RefundView, ...]
    delivery: DeliveryView | None
    events: tuple[EventView, ...]
    #: The credit note that voided the invoice, if it was voided.
    credit_note_no: str | None = None

    @property
    def paid(self) -> bool:
        # The invoice is issued exactly when the order is paid.
        return self.invoice_no is not None


def _promotion_view(entry: object) -> PromotionView | None:
    """One promotion as stored with the line; older lines call the amount discount_minor."""
    if not isinstance(entry, Mapping):
        return None
    amount = entry.get("amount_minor", entry.get("discount_minor"))
    if type(amount) is not int:
        return None
    code = str(entry.get("coupon_code") or entry.get("code") or "")
    return PromotionView(
        name_zh=str(entry.get("name_zh") or code),
        name_en=str(entry.get("name_en") or code),
        amount_minor=amount,
    )


def _line_view(line: OrderLine) -> OrderLineView:
    promotions = (_promotion_view(entry) for entry in (line.promotions or []))
    return OrderLineView(
        sku=line.sku,
        name_zh=line.name_zh,
        name_en=line.name_en,
        qty_milli=line.qty_milli,
        unit_price_minor=line.unit_price_minor,
        discount_minor=line.discount_minor,
        line_total_minor=line.line_total_minor,
        promotions=tuple(p for p in promotions if p is not None and p.amount_minor),
    )


def _delivery_view(delivery: OrderDelivery | None) -> DeliveryView | None:
    if delivery is None:
        return None
    return DeliveryView(
        recipient_name=delivery.recipient_name,
        phone=delivery.phone,
        address=delivery.address,
        requested_date=delivery.requested_date,
        carrier=delivery.carrier,
        tracking_no=delivery.tracking_no,
        shipped_at=delivery.shipped_at,
        delivered_at=delivery.delivered_at,
    )


def order_detail(session: Session, order_id: uuid.UUID) -> OrderDetail:
    """Everything the order screen shows: lines, payments, refunds, delivery, history.

    Raises :class:`OrderNotFound` for an unknown id. Nothing in the answer is
    an ORM object, so reading it later touches no database.
    """
    order = _load(session, order_id)
    events = session.scalars(
        select(OrderEvent)
        .where(OrderEvent.order_id == order_id)
        .order_by(OrderEvent.at, OrderEvent.id)
    ).all()
    refunds = session.scalars(
        select(Refund).where(Refund.order_id == order_id).order_by(Refund.created_at)
    ).all()
    staff_ids = {order.staff_id} | {event.staff_id for event in events}
    names = dict(
        session.execute(
            select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(staff_ids))
        ).all()
    )
    member = None if order.member_id is None else session.get(Member, order.member_id)
    credit_note_no = session.scalars(
        select(CreditNote.number).where(CreditNote.order_id == order_id)
    ).first()
    return OrderDetail(
        id=order.id,
        number=order.number,
        invoice_no=order.invoice_no,
        kind=order.kind,
        status=order.status,
        currency_code=order.currency_code,
        created_at=order.created_at,
        member_id=order.member_id,
        member_name=None if member is None else member.name,
        staff_name=names.get(order.staff_id, ""),
        subtotal_minor=order.subtotal_minor,
        discount_minor=order.discount_minor,
        tax_minor=order.tax_minor,
        delivery_fee_minor=order.delivery_fee_minor,
        total_minor=order.total_minor,
        note=order.note,
        lines=tuple(_line_view(line) for line in sorted(order.lines, key=lambda x: x.line_no)),
        payments=tuple(
            PaymentView(
                method=p.method,
                amount_minor=p.amount_minor,
                tendered_minor=p.tendered_minor,
                change_minor=p.change_minor,
                reference=p.reference,
                card_last4=p.card_last4,
                at=p.created_at,
            )
            for p in sorted(order.payments, key=lambda p: p.created_at)
        ),
        refunds=tuple(
            RefundView(r.method, r.amount_minor, r.status, r.reason, r.created_at) for r in refunds
        ),
        delivery=_delivery_view(session.get(OrderDelivery, order_id)),
        events=tuple(
            EventView(
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                action=e.action,
                staff_name=names.get(e.staff_id, ""),
                reason=e.reason,
                details=dict(e.details or {}),
            )
            for e in events
        ),
        credit_note_no=credit_note_no,
    )


def fulfilment_queue(session: Session, branch_id: uuid.UUID) -> list[OrderSummary]:
    """The branch's orders waiting for the back office, oldest (or due soonest) first.

    Paid orders awaiting fulfilment, orders being picked, and cash on
    delivery orders (delivery, unpaid), which are picked before payment.
    """
    waiting = or_(
        Order.status.in_((OrderStatus.AWAITING_FULFILMENT, OrderStatus.PICKING)),
        and_(Order.status == OrderStatus.AWAITING_PAYMENT, Order.kind == OrderKind.DELIVERY),
    )
    query = (
        select(
            Order.id,
            Order.number,
            Order.invoice_no,
            Order.kind,
            Order.status,
            Order.total_minor,
            Order.created_at,
            Member.name,
            OrderDelivery.recipient_name,
        )
        .outerjoin(Member, Member.id == Order.member_id)
        .outerjoin(OrderDelivery, OrderDelivery.order_id == Order.id)
        .where(Order.branch_id == branch_id, waiting)
        .order_by(
            OrderDelivery.requested_date.is_(None),
            OrderDelivery.requested_date,
            Order.created_at,
            Order.id,
        )
    )
    return [OrderSummary(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class PickItem:
    product_id: uuid.UUID | None
    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    #: (order number, quantity) so the picker can split the goods into parcels.
    orders: list[tuple[str, int]]


@dataclass(frozen=True)
class PickGroup:
    #: Shelf/bin code; "" for products whose place is not known.
    location: str
    items: list[PickItem]


def picking_items(session: Session, order_ids: Sequence[uuid.UUID]) -> list[PickGroup]:
    """What to take from the shelves for these orders, walk order: by location, then SKU."""
    if not order_ids:
        return []
    query = (
        select(
            func.coalesce(Product.location, ""),
            OrderLine.product_id,
            OrderLine.sku,
            OrderLine.name_zh,
            OrderLine.name_en,
            OrderLine.qty_milli,
            Order.number,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id.in_(list(order_ids)))
        .order_by(func.coalesce(Product.location, ""), OrderLine.sku, Order.number)
    )
    groups: dict[str, dict[str, PickItem]] = {}
    for location, product_id, sku, name_zh, name_en, qty, number in session.execute(query):
        items = groups.setdefault(location, {})
        item = items.get(sku)
        if item is None:
            items[sku] = PickItem(product_id, sku, name_zh, name_en, qty, [(number, qty)])
        else:
            item.orders.append((number, qty))
            items[sku] = PickItem(
                item.product_id,
                sku,
                item.name_zh,
                item.name_en,
                item.qty_milli + qty,
                item.orders,
            )
    return [PickGroup(location, list(items.values())) for location, items in groups.items()]
