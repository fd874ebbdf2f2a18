"""The server's own check of who did what in each op a till pushes.

A till enforces the permission matrix (``shop_shared.permissions``) before it writes,
but its staff table is a file on the till: whoever edits it could make a cashier an
administrator there. So the server checks every privileged op again, against *its*
staff table, before applying it: the person named in the op (and the approver, when
one is named) must exist here, be active, be allowed at the pushing device's branch,
and have the right within their limits. An op that fails is refused
(``not_permitted``: recorded, answered, shown to a manager; the queue goes on) and
flagged.

Each op type's check is in :data:`CHECKS`; an op type with none needs no right
(a sale, parking a cart). Other areas register theirs with :func:`check_for`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from shop_server import schema as s
from shop_shared import ops
from shop_shared.permissions import (
    Limits,
    Permission,
    PermissionDenied,
    StaffRights,
    can_approve,
    require_approved,
)

NOT_PERMITTED = "not_permitted"


class NotPermitted(Exception):
    """The op asks for something its staff member may not do; ``message`` says what."""

    def __init__(self, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}


@dataclass(frozen=True)
class Person:
    """A staff row as the matrix needs it, and where they may work."""

    id: str
    username: str
    rights: StaffRights
    branch_id: str | None


def person(conn: Connection, staff_id: object) -> Person | None:
    """The staff member ``staff_id`` as this server holds them, or None."""
    if not isinstance(staff_id, str) or not staff_id:
        return None
    u = s.staff_users.c
    row = conn.execute(
        select(
            u.id,
            u.username,
            u.role,
            u.active,
            u.branch_id,
            u.max_discount_bp,
            u.max_price_override_bp,
            u.max_refund_minor,
            u.max_cash_out_minor,
        ).where(u.id == staff_id)
    ).first()
    if row is None:
        return None
    limits = Limits(
        discount_bp=row.max_discount_bp,
        price_override_bp=row.max_price_override_bp,
        refund_minor=row.max_refund_minor,
        cash_out_minor=row.max_cash_out_minor,
    )
    return Person(row.id, row.username, StaffRights(row.role, limits, row.active), row.branch_id)


def _working_here(conn: Connection, staff_id: object, branch_id: str, what: str) -> Person:
    found = person(conn, staff_id)
    if found is None:
        raise NotPermitted(f"The {what} named in this op is not on the server's staff list.")
    if not found.rights.active:
        raise NotPermitted(f"The {what} named in this op ({found.username}) is disabled.")
    if found.branch_id is not None and found.branch_id != branch_id:
        raise NotPermitted(
            f"The {what} named in this op ({found.username}) may not work at this branch."
        )
    return found


def require(
    conn: Connection,
    branch_id: str,
    permission: Permission,
    staff_id: object,
    approved_by: object = None,
    *,
    amount: int | None = None,
) -> None:
    """Raise :class:`NotPermitted` unless ``staff_id`` may do ``permission`` at
    ``branch_id`` (for ``amount``), alone or approved by ``approved_by``."""
    actor = _working_here(conn, staff_id, branch_id, "staff member")
    approver = None
    if approved_by:
        approver = _working_here(conn, approved_by, branch_id, "approver")
    try:
        require_approved(
            actor.rights,
            permission,
            None if approver is None else approver.rights,
            amount_minor=amount,
        )
    except PermissionDenied as refused:
        who = actor.username if approver is None else f"{actor.username} / {approver.username}"
        raise NotPermitted(
            f"{who}: {refused}",
            {"permission": permission.value, "reason": refused.reason, "staff_id": actor.id},
        ) from None


# --- the checks, per op type ----------------------------------------------------------


def _order(conn: Connection, branch_id: str, payload: Mapping[str, Any]) -> None:
    """A sale needs no right; an approver it names must be one who may approve."""
    approver_id = payload.get("approved_by")
    if not approver_id:
        return
    approver = _working_here(conn, approver_id, branch_id, "approver")
    if not can_approve(approver.rights, Permission.DISCOUNT):
        raise NotPermitted(f"{approver.username} may not approve discounts or prices.")


def _cancellation(conn: Connection, branch_id: str, payload: Mapping[str, Any]) -> None:
    """Voiding a paid order (it has a credit note) is a void and a refund of its total."""
    note = payload.get("credit_note")
    if not isinstance(note, Mapping):
        return  # an unpaid order cancelled: nothing to refund
    event = payload.get("event")
    staff_id = event.get("staff_id") if isinstance(event, Mapping) else None
    approver = note.get("approved_by")
    total = note.get("total_minor")
    require(conn, branch_id, Permission.VOID, staff_id, approver)
    require(
        conn,
        branch_id,
        Permission.REFUND,
        staff_id,
        approver,
        amount=total if isinstance(total, int) else None,
    )


_PRICE_FIELDS = frozenset({"price_minor", "member_price_minor"})


def _product_edit(conn: Connection, branch_id: str, payload: Mapping[str, Any]) -> None:
    staff_id = payload.get("staff_id")
    require(conn, branch_id, Permission.EDIT_CATALOG, staff_id)
    edited = payload.get("changes")
    if isinstance(edited, Mapping) and _PRICE_FIELDS & set(edited):
        require(conn, branch_id, Permission.EDIT_PRICES, staff_id)


def _member_update(conn: Connection, branch_id: str, payload: Mapping[str, Any]) -> None:
    staff_id = payload.get("staff_id")
    if staff_id is not None:  # older tills did not say who
        require(conn, branch_id, Permission.EDIT_MEMBERS, staff_id)


def _staff_edit(conn: Connection, branch_id: str, payload: Mapping[str, Any]) -> None:
    require(conn, branch_id, Permission.EDIT_STAFF, payload.get("edited_by"))


Check = Callable[[Connection, str, Mapping[str, Any]], None]

#: What each op type must pass before it is applied.
CHECKS: dict[str, Check] = {
    ops.ORDER_COMPLETED: _order,
    ops.ORDER_TAKEN: _order,
    ops.ORDER_CANCELLED: _cancellation,
    ops.PRODUCT_EDIT: _product_edit,
    ops.MEMBER_UPDATE: _member_update,
    ops.STAFF_EDIT: _staff_edit,
}


def check_for(op_type: str, check: Check) -> None:
    """Register the check of an op type another area adds (cash movements, shifts)."""
    CHECKS[op_type] = check


def check_op(conn: Connection, branch_id: str, op_type: str, payload: Mapping[str, Any]) -> None:
    """Raise :class:`NotPermitted` when the op's staff may not do what it records."""
    check = CHECKS.get(op_type)
    if check is not None:
        check(conn, branch_id, payload)
