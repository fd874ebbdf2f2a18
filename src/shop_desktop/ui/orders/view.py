"""One order as the screens show it, read whole on a worker.

The detail screen must not touch SQLAlchemy objects on the GUI thread (a lazy
attribute would query the database there), so the worker copies what is shown
into these plain, frozen values.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    CreditNote,
    OrderKind,
    OrderStatus,
    PaymentMethod,
    RefundStatus,
    StaffUser,
)
from shop_desktop.services.orders import order_detail


@dataclass(frozen=True)
class PromotionView:
    name_zh: str
    name_en: str
    amount_minor: int


@dataclass(frozen=True)
class LineView:
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
class EventLine:
    at: datetime
    from_status: OrderStatus | None
    to_status: OrderStatus
    action: str
    staff_name: str
    reason: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class OrderView:
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
    lines: tuple[LineView, ...]
    payments: tuple[PaymentView, ...]
    refunds: tuple[RefundView, ...]
    delivery: DeliveryView | None
    events: tuple[EventLine, ...]
    #: The credit note that voided the invoice, if it was voided.
    credit_note_no: str | None = None

    @property
    def paid(self) -> bool:
        # The invoice is issued exactly when the order is paid.
        return self.invoice_no is not None


def _promotion(entry: object) -> PromotionView | None:
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


def load_order_view(session: Session, order_id: uuid.UUID) -> OrderView:
    """Everything the detail shows; raises ``OrderNotFound`` for an unknown id."""
    detail = order_detail(session, order_id)
    order = detail.order
    staff_ids = {order.staff_id} | {e.staff_id for e in detail.events}
    names = dict(
        session.execute(
            select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(staff_ids))
        ).all()
    )
    delivery = detail.delivery
    credit_note_no = session.scalars(
        select(CreditNote.number).where(CreditNote.order_id == order_id)
    ).first()
    return OrderView(
        id=order.id,
        number=order.number,
        invoice_no=order.invoice_no,
        kind=order.kind,
        status=order.status,
        currency_code=order.currency_code,
        created_at=order.created_at,
        member_id=order.member_id,
        member_name=detail.member_name,
        staff_name=names.get(order.staff_id, ""),
        subtotal_minor=order.subtotal_minor,
        discount_minor=order.discount_minor,
        tax_minor=order.tax_minor,
        delivery_fee_minor=order.delivery_fee_minor,
        total_minor=order.total_minor,
        note=order.note,
        lines=tuple(
            LineView(
                sku=line.sku,
                name_zh=line.name_zh,
                name_en=line.name_en,
                qty_milli=line.qty_milli,
                unit_price_minor=line.unit_price_minor,
                discount_minor=line.discount_minor,
                line_total_minor=line.line_total_minor,
                promotions=tuple(
                    p
                    for p in (_promotion(e) for e in (line.promotions or []))
                    if p is not None and p.amount_minor
                ),
            )
            for line in sorted(detail.lines, key=lambda x: x.line_no)
        ),
        payments=tuple(
            PaymentView(
                p.method,
                p.amount_minor,
                p.tendered_minor,
                p.change_minor,
                p.reference,
                p.card_last4,
                p.created_at,
            )
            for p in detail.payments
        ),
        refunds=tuple(
            RefundView(r.method, r.amount_minor, r.status, r.reason, r.created_at)
            for r in detail.refunds
        ),
        delivery=None
        if delivery is None
        else DeliveryView(
            recipient_name=delivery.recipient_name,
            phone=delivery.phone,
            address=delivery.address,
            requested_date=delivery.requested_date,
            carrier=delivery.carrier,
            tracking_no=delivery.tracking_no,
            shipped_at=delivery.shipped_at,
            delivered_at=delivery.delivered_at,
        ),
        events=tuple(
            EventLine(
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                action=e.action,
                staff_name=names.get(e.staff_id, ""),
                reason=e.reason,
                details=dict(e.details or {}),
            )
            for e in detail.events
        ),
        credit_note_no=credit_note_no,
    )
