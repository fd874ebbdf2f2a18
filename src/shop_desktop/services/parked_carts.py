"""Parking a cart: put a customer's shopping aside and ring it up later, at any till.

A customer who forgot their wallet, or goes back for one more thing, should
not hold up the queue. The cashier parks the cart; it is saved at once (it
survives closing the app) and queued for the server, which passes it on to
the branch's other tills, so it can be recalled wherever the customer comes
back. A recalled cart is marked, not deleted, so a second cashier trying to
recall it is told it has gone, and who took it.

Each change takes the write lock first (``outbox.lock_device_counters``),
so two recalls on one file cannot both succeed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from shop_desktop.data import models
from shop_desktop.data.models import OpenCart, StaffUser, Workstation
from shop_desktop.data.types import utcnow
from shop_desktop.domain.cart import Cart, coupon_codes_of
from shop_desktop.services.coupons import CouponNotUsable
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.sale import coupon_for_cart
from shop_shared.ops import CART_PARKED, CART_RECALLED

__all__ = [
    "CartToPark",
    "ParkedCart",
    "ParkedCartGone",
    "count_parked_by",
    "leaving_label",
    "list_parked_carts",
    "park_cart",
    "park_open_carts",
    "recall_parked_cart",
    "revive_cart",
]


@dataclass(frozen=True)
class ParkedCart:
    id: uuid.UUID
    label: str
    #: Who parked it, and at which till.
    staff_name: str
    workstation_code: str
    parked_at: datetime
    total_minor: int
    line_count: int
    #: The cart as the sell screen saved it.
    payload: dict[str, Any]


class ParkedCartGone(Exception):
    """The cart cannot be recalled: someone already did, or it never reached this till.

    ``reason`` is "recalled" or "unknown"; for "recalled", ``recalled_at``,
    ``recalled_by`` (a staff id) and ``recalled_workstation_id`` say when,
    by whom and where.
    """

    def __init__(
        self,
        cart_id: uuid.UUID,
        reason: str,
        *,
        recalled_at: datetime | None = None,
        recalled_by: uuid.UUID | None = None,
        recalled_workstation_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(reason, str(cart_id))
        self.cart_id = cart_id
        self.reason = reason
        self.recalled_at = recalled_at
        self.recalled_by = recalled_by
        self.recalled_workstation_id = recalled_workstation_id


def park_cart(
    session: Session,
    *,
    cart_id: uuid.UUID,
    branch_id: uuid.UUID,
    workstation_id: uuid.UUID,
    staff_id: uuid.UUID,
    label: str,
    payload: dict[str, Any],
    total_minor: int,
    now: datetime | None = None,
) -> None:
    """Save the cart for later and queue it for the branch's other tills.

    Parking the same ``cart_id`` again (a recalled cart put aside once more,
    or an edited one) replaces what was saved and makes it recallable again.
    """
    now = utcnow() if now is None else now
    identity = lock_device_counters(session)
    cart = session.get(models.ParkedCart, cart_id, populate_existing=True)
    if cart is None:
        cart = models.ParkedCart(id=cart_id)
        session.add(cart)
    cart.branch_id = branch_id
    cart.workstation_id = workstation_id
    cart.staff_id = staff_id
    cart.label = label
    cart.payload = payload
    cart.total_minor = total_minor
    cart.parked_at = now
    cart.recalled_at = None
    cart.recalled_by = None
    cart.recalled_workstation_id = None
    queue_for_server(
        session,
        identity,
        CART_PARKED,
        {
            "id": str(cart_id),
            "branch_id": str(branch_id),
            "workstation_id": str(workstation_id),
            "staff_id": str(staff_id),
            "label": label,
            "payload": payload,
            "total_minor": total_minor,
            "parked_at": now.isoformat(),
        },
        now=now,
    )
    session.flush()


@dataclass(frozen=True)
class CartToPark:
    """A cart still open in a tab when its cashier leaves: its JSON and its total."""

    payload: dict[str, Any]
    total_minor: int


def leaving_label(display_name: str, local_time: datetime) -> str:
    """The name a cart parked at log-out gets: who left it, and when ("王小明 14:32")."""
    return f"{display_name[:100]} {local_time:%H:%M}"


def park_open_carts(
    session: Session,
    carts: list[CartToPark],
    *,
    branch_id: uuid.UUID,
    workstation_id: uuid.UUID,
    staff_id: uuid.UUID,
    label: str,
    forget_every_open_cart: bool = True,
    now: datetime | None = None,
) -> None:
    """Park every cart a cashier leaves open and forget them as open tabs, together.

    One transaction: a crash before it commits leaves the carts as open tabs
    (reopened at the next log-in), after it they are parked, never both.
    Without ``forget_every_open_cart`` only the parked carts are forgotten
    (the others on disk were never reopened in this session).
    """
    now = utcnow() if now is None else now
    for cart in carts:
        park_cart(
            session,
            cart_id=uuid.UUID(str(cart.payload["cart_id"])),
            branch_id=branch_id,
            workstation_id=workstation_id,
            staff_id=staff_id,
            label=label,
            payload={**cart.payload, "label": label},
            total_minor=cart.total_minor,
            now=now,
        )
    forget = delete(OpenCart).where(
        OpenCart.workstation_id == workstation_id, OpenCart.staff_id == staff_id
    )
    if not forget_every_open_cart:
        forget = forget.where(
            OpenCart.id.in_([uuid.UUID(str(cart.payload["cart_id"])) for cart in carts])
        )
    session.execute(forget.execution_options(synchronize_session=False))


def count_parked_by(session: Session, branch_id: uuid.UUID, staff_id: uuid.UUID) -> int:
    """How many carts ``staff_id`` parked at the branch are still waiting."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(models.ParkedCart)
            .where(
                models.ParkedCart.branch_id == branch_id,
                models.ParkedCart.staff_id == staff_id,
                models.ParkedCart.recalled_at.is_(None),
            )
        )
        or 0
    )


def list_parked_carts(session: Session, branch_id: uuid.UUID) -> list[ParkedCart]:
    """Carts waiting at the branch, from any of its tills, newest first."""
    rows = session.execute(
        select(models.ParkedCart, StaffUser.display_name, Workstation.code)
        .join(StaffUser, StaffUser.id == models.ParkedCart.staff_id)
        .join(Workstation, Workstation.id == models.ParkedCart.workstation_id)
        .where(
            models.ParkedCart.branch_id == branch_id,
            models.ParkedCart.recalled_at.is_(None),
        )
        .order_by(models.ParkedCart.parked_at.desc(), models.ParkedCart.id)
    )
    return [_described(cart, staff_name, code) for cart, staff_name, code in rows]


def recall_parked_cart(
    session: Session,
    cart_id: uuid.UUID,
    *,
    staff_id: uuid.UUID,
    workstation_id: uuid.UUID,
    now: datetime | None = None,
) -> ParkedCart:
    """Take the cart back to the counter; raises :class:`ParkedCartGone` if it is not there."""
    now = utcnow() if now is None else now
    identity = lock_device_counters(session)
    taken = session.execute(
        update(models.ParkedCart)
        .where(models.ParkedCart.id == cart_id, models.ParkedCart.recalled_at.is_(None))
        .values(recalled_at=now, recalled_by=staff_id, recalled_workstation_id=workstation_id)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(
        select(models.ParkedCart, StaffUser.display_name, Workstation.code)
        .join(StaffUser, StaffUser.id == models.ParkedCart.staff_id)
        .join(Workstation, Workstation.id == models.ParkedCart.workstation_id)
        .where(models.ParkedCart.id == cart_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise ParkedCartGone(cart_id, "unknown")
    cart, staff_name, code = row
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ParkedCartGone(
            cart_id,
            "recalled",
            recalled_at=cart.recalled_at,
            recalled_by=cart.recalled_by,
            recalled_workstation_id=cart.recalled_workstation_id,
        )
    queue_for_server(
        session,
        identity,
        CART_RECALLED,
        {
            "id": str(cart_id),
            "recalled_at": now.isoformat(),
            "recalled_by": str(staff_id),
            "recalled_workstation_id": str(workstation_id),
        },
        now=now,
    )
    return _described(cart, staff_name, code)


def revive_cart(
    session: Session, payload: dict[str, Any], *, at: datetime
) -> tuple[Cart, list[CouponNotUsable]]:
    """A saved cart back at the counter, its coupons looked up again as of ``at``.

    A coupon that can no longer be used (expired, redeemed meanwhile) is left
    out and returned with the reason, for the cashier to be told.
    """
    cart = Cart.from_json(payload)
    refused: list[CouponNotUsable] = []
    member_id = None if cart.member is None else cart.member.member_id
    for code in coupon_codes_of(payload):
        try:
            cart.coupons[code] = coupon_for_cart(session, code, at=at, member_id=member_id)
        except CouponNotUsable as exc:
            refused.append(exc)
    return cart, refused


def _described(cart: models.ParkedCart, staff_name: str, workstation_code: str) -> ParkedCart:
    payload = dict(cart.payload)
    # The sell screen keeps its lines under "items"; a payload with "lines" counts too.
    lines = payload.get("items", payload.get("lines", ()))
    return ParkedCart(
        id=cart.id,
        label=cart.label,
        staff_name=staff_name,
        workstation_code=workstation_code,
        parked_at=cart.parked_at,
        total_minor=cart.total_minor,
        line_count=len(lines) if isinstance(lines, list) else 0,
        payload=payload,
    )
