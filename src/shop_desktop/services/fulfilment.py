"""What the back office's fulfilment queue reads: where orders go, and its papers.

The queue itself is :func:`~shop_desktop.services.orders.fulfilment_queue`;
these read what the screen shows beside it (each order's requested date and
address) and assemble the picking list and the delivery notes it prints, so
the screen only renders frozen values.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Branch, OrderDelivery, Product
from shop_desktop.services.documents.model import (
    DeliveryLine,
    DeliveryNote,
    PickingList,
    PickItem,
    ShopInfo,
)
from shop_desktop.services.orders import order_detail, picking_items


@dataclass(frozen=True)
class Destination:
    """Where and by when a queued order's goods must go (blank for a counter order)."""

    requested_date: date | None
    address: str


def destinations(session: Session, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Destination]:
    """The requested date and address of each of these orders that has them.

    The queue is sorted by requested date, so the back office must see it to
    know why an order is at the top; the address lets a round be planned.
    """
    if not order_ids:
        return {}
    rows = session.execute(
        select(OrderDelivery.order_id, OrderDelivery.requested_date, OrderDelivery.address).where(
            OrderDelivery.order_id.in_(list(order_ids))
        )
    )
    return {order_id: Destination(when, address or "") for order_id, when, address in rows}


def shop_info(session: Session, branch_id: uuid.UUID) -> ShopInfo:
    """The branch as the papers name it (the seller block)."""
    branch = session.get_one(Branch, branch_id)
    return ShopInfo(
        name_zh=branch.name_zh,
        name_en=branch.name_en,
        address=branch.address,
        phone=branch.phone,
        tax_id=branch.tax_id,
        branch_code=branch.code,
    )


def picking_list(
    session: Session,
    order_ids: Sequence[uuid.UUID],
    branch_id: uuid.UUID,
    picker: str,
    now: datetime,
) -> PickingList:
    """The walk through the shelves for these orders; ``now`` is an aware time."""
    groups = picking_items(session, order_ids)
    product_ids = [item.product_id for group in groups for item in group.items if item.product_id]
    units = dict(
        session.execute(select(Product.id, Product.unit).where(Product.id.in_(product_ids))).all()
    )
    items = tuple(
        PickItem(
            location=group.location,
            sku=item.sku,
            name_zh=item.name_zh,
            name_en=item.name_en,
            qty_milli=item.qty_milli,
            unit=str((units.get(item.product_id) if item.product_id else None) or "pc"),
            order_numbers=tuple(number for number, _ in item.orders),
        )
        for group in groups
        for item in group.items
    )
    local = now.astimezone()
    return PickingList(
        batch_id=local.strftime("P%Y%m%d-%H%M"),
        created_at=local,
        items=items,
        shop=shop_info(session, branch_id),
        picker=picker,
    )


def delivery_note(
    session: Session, order_id: uuid.UUID, branch_id: uuid.UUID, now: datetime
) -> DeliveryNote:
    """The note that travels with one parcel; ``now`` is an aware time."""
    detail = order_detail(session, order_id)
    delivery = detail.delivery
    return DeliveryNote(
        order_number=detail.number,
        issued_at=now.astimezone(),
        shop=shop_info(session, branch_id),
        customer_name=delivery.recipient_name if delivery else (detail.member_name or ""),
        phone=delivery.phone if delivery else "",
        address=delivery.address if delivery else "",
        lines=tuple(
            DeliveryLine(line.sku, line.name_zh, line.name_en, line.qty_milli)
            for line in detail.lines
        ),
        requested_date=delivery.requested_date if delivery else None,
        carrier=delivery.carrier if delivery else "",
        tracking_number=delivery.tracking_no if delivery else "",
        note=detail.note,
    )
