"""The carts open in a till's tabs, kept on disk as they change.

A crash, a power cut or a log-out must not cost the cashier the carts being
rung up. The register saves every open cart (``Cart.to_json()``, as parking
does) shortly after each change, and the next log-in of the same cashier on
the same till opens them again. Unlike parking this stays on the till: it is
not queued for the server and no other till sees it.

A cart saved just before it was paid or parked may come back after a crash
that fell between the sale and the next save; such a cart is not reopened
(its id is already an order's, or a parked cart's still waiting).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import OpenCart, Order, ParkedCart
from shop_desktop.data.types import utcnow
from shop_desktop.domain.cart import Cart
from shop_desktop.services.coupons import CouponNotUsable
from shop_desktop.services.parked_carts import revive_cart

__all__ = ["ReopenedCart", "reopen_carts", "save_open_carts"]


@dataclass(frozen=True)
class ReopenedCart:
    cart: Cart
    #: Coupons it carried that can no longer be used, with the reason.
    refused: tuple[CouponNotUsable, ...]


def save_open_carts(
    session: Session,
    *,
    workstation_id: uuid.UUID,
    staff_id: uuid.UUID,
    carts: Sequence[dict[str, Any]],
    now: datetime | None = None,
) -> None:
    """Make the saved carts of this cashier at this till exactly ``carts``, in tab order.

    Each is a cart's JSON (``Cart.to_json()``); a tab that did not change is
    not written again, so saving after every change costs only the changed cart.
    """
    now = utcnow() if now is None else now
    ids = [uuid.UUID(str(payload["cart_id"])) for payload in carts]
    session.execute(
        delete(OpenCart)
        .where(
            OpenCart.workstation_id == workstation_id,
            OpenCart.staff_id == staff_id,
            OpenCart.id.not_in(ids),
        )
        .execution_options(synchronize_session=False)
    )
    for position, (cart_id, payload) in enumerate(zip(ids, carts, strict=True)):
        row = session.get(OpenCart, cart_id)
        if row is None:
            row = OpenCart(id=cart_id)
            session.add(row)
        elif (row.position, row.payload, row.staff_id) == (position, payload, staff_id):
            continue  # the tab did not change: nothing to write
        row.workstation_id = workstation_id
        row.staff_id = staff_id
        row.position = position
        row.payload = dict(payload)
        row.saved_at = now
    session.flush()


def reopen_carts(
    session: Session, *, workstation_id: uuid.UUID, staff_id: uuid.UUID, at: datetime
) -> list[ReopenedCart]:
    """The carts this cashier had open at this till, in tab order, coupons checked as of ``at``."""
    taken = or_(
        OpenCart.id.in_(select(Order.id)),
        OpenCart.id.in_(select(ParkedCart.id).where(ParkedCart.recalled_at.is_(None))),
    )
    rows = session.execute(
        select(OpenCart.payload, taken)
        .where(OpenCart.workstation_id == workstation_id, OpenCart.staff_id == staff_id)
        .order_by(OpenCart.position, OpenCart.saved_at)
    ).all()
    reopened: list[ReopenedCart] = []
    for payload, gone in rows:
        if gone:
            continue
        cart, refused = revive_cart(session, payload, at=at)
        reopened.append(ReopenedCart(cart, tuple(refused)))
    return reopened
