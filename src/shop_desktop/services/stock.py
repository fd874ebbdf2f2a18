"""Whether this till may sell more than it has on hand, and what a cart lacks.

A till keeps selling with no network (SYNC.md), and its on-hand is only the
server's last snapshot plus its own unsynced movements: another till may
have sold the same pieces meanwhile. So selling below zero is allowed by
default (the server flags negative stock after sync, ``shop-server flags``),
and a shop that would rather refuse such a sale turns it off here.

The setting belongs to this workstation, not the branch: it lives in
``local_state`` under :data:`ALLOW_NEGATIVE_KEY`, so each till reads it
without the server. Only a manager or administrator may change it, and
each change is written to the audit log.

:func:`shortfalls` counts stock exactly as the counter shows it
(``data.catalog.ON_HAND_SQL``: the snapshot plus unsynced local movements),
so a cashier is never refused a piece the screen says is there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from shop_desktop.data.catalog import ON_HAND_SQL
from shop_desktop.data.models import LocalState, Role, StaffUser
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.auth import StaffSession

__all__ = [
    "ALLOW_NEGATIVE_KEY",
    "DEFAULT_ALLOW_NEGATIVE",
    "Shortfall",
    "StockHere",
    "StockSettingRefused",
    "WantedLine",
    "allow_negative_stock",
    "runs_short",
    "set_allow_negative_stock",
    "shortfalls",
    "stock_here",
]

#: ``local_state`` key of this workstation's setting, stored as ``{"value": bool}``.
ALLOW_NEGATIVE_KEY = "stock/allow_negative"
#: Offline selling must never stop for a stale snapshot unless the shop says so.
DEFAULT_ALLOW_NEGATIVE = True
#: The roles that may change the setting.
MAY_CHANGE = frozenset({Role.MANAGER, Role.ADMIN})


class StockSettingRefused(Exception):
    """Someone who is not an active manager or administrator tried to change the setting."""


class WantedLine(Protocol):
    """A line that takes stock: ``checkout.DraftLine`` is one."""

    @property
    def product_id(self) -> uuid.UUID | None: ...

    @property
    def qty_milli(self) -> int: ...


@dataclass(frozen=True)
class Shortfall:
    """A product the cart wants more of than this branch has on hand."""

    product_id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    #: As the counter shows it; may already be below zero.
    on_hand_milli: int
    #: The cart's lines of this product together.
    wanted_milli: int
    unit: str
    weighed: bool

    def to_json(self) -> dict[str, Any]:
        """For ``CheckoutError.detail``: plain values the counter words."""
        return {
            "product_id": str(self.product_id),
            "sku": self.sku,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "on_hand_milli": self.on_hand_milli,
            "wanted_milli": self.wanted_milli,
            "unit": self.unit,
            "weighed": self.weighed,
        }


def runs_short(on_hand_milli: int, wanted_milli: int) -> bool:
    """Whether wanting this much takes the branch's stock below zero (the one rule for it)."""
    return wanted_milli > on_hand_milli


@dataclass(frozen=True)
class StockHere:
    """One product's stock at this branch as the counter shows it, and what the till does
    when a cart wants more: the counter warns as a product goes into the cart, and payment
    is refused only when selling below zero is turned off."""

    on_hand_milli: int
    allow_negative: bool


def stock_here(session: Session, product_id: uuid.UUID, branch_id: uuid.UUID) -> StockHere:
    """The on-hand :func:`shortfalls` would count, and this workstation's setting."""
    on_hand = session.execute(
        text(f"SELECT {ON_HAND_SQL} FROM products p WHERE p.id = :id"),
        {"id": product_id.hex, "branch": branch_id.hex},
    ).scalar()
    return StockHere(int(on_hand or 0), allow_negative_stock(session))


def allow_negative_stock(session: Session) -> bool:
    """This workstation's setting; anything unreadable counts as the default."""
    value = session.scalar(select(LocalState.value).where(LocalState.key == ALLOW_NEGATIVE_KEY))
    if isinstance(value, dict) and isinstance(value.get("value"), bool):
        return bool(value["value"])
    return DEFAULT_ALLOW_NEGATIVE


def set_allow_negative_stock(session: Session, value: bool, staff: StaffSession) -> None:
    """Turn selling below zero on or off, in the caller's transaction, with an audit row.

    The role is read again from the database, not taken from the login: a
    manager demoted or disabled since logging in may no longer change it.
    Raises :class:`StockSettingRefused` (nothing written) otherwise. Setting
    the value it already has writes nothing.
    """
    row = session.execute(
        select(StaffUser.role, StaffUser.active).where(StaffUser.id == staff.staff_id)
    ).first()
    if row is None or not row.active or row.role not in MAY_CHANGE:
        raise StockSettingRefused(staff.username)
    before = allow_negative_stock(session)
    if before == value:
        return
    state = session.get(LocalState, ALLOW_NEGATIVE_KEY)
    if state is None:
        session.add(LocalState(key=ALLOW_NEGATIVE_KEY, value={"value": value}))
    else:
        state.value = {"value": value}
    session.flush()
    record_audit(
        session.connection(),
        AuditFacts(
            action="setting_changed",
            staff_id=staff.staff_id,
            workstation_id=staff.workstation_id,
            entity="local_state",
            entity_id=ALLOW_NEGATIVE_KEY,
            details={"setting": ALLOW_NEGATIVE_KEY, "from": before, "to": value},
        ),
    )


_ON_HAND = text(
    "SELECT p.id, p.sku, p.name_zh, p.name_en, p.unit, p.weighed,"
    f" {ON_HAND_SQL}"
    " FROM products p WHERE p.id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def shortfalls(
    session: Session, lines: Iterable[WantedLine], branch_id: uuid.UUID
) -> list[Shortfall]:
    """The products these lines want more of than ``branch_id`` has, in line order.

    Several lines of one product count together; lines without a product
    (nothing on a shelf) take no stock. Read in the caller's transaction:
    after ``outbox.lock_device_counters`` no other sale on this file can
    take the same pieces before it commits.
    """
    wanted: dict[uuid.UUID, int] = {}
    for line in lines:
        if line.product_id is not None and line.qty_milli > 0:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.qty_milli
    if not wanted:
        return []
    found: dict[uuid.UUID, Shortfall] = {}
    params = {"ids": [pid.hex for pid in wanted], "branch": branch_id.hex}
    for r in session.execute(_ON_HAND, params):
        pid = uuid.UUID(hex=str(r[0]))
        on_hand = int(r[6])
        if runs_short(on_hand, wanted[pid]):
            found[pid] = Shortfall(
                product_id=pid,
                sku=r[1],
                name_zh=r[2],
                name_en=r[3],
                on_hand_milli=on_hand,
                wanted_milli=wanted[pid],
                unit=r[4],
                weighed=bool(r[5]),
            )
    return [found[pid] for pid in wanted if pid in found]
