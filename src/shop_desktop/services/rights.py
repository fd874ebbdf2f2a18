"""Checking the permission matrix against the staff table, in the services.

The screens hide what a person may not do, but the rule is enforced here, before a
service writes anything: a service calls :func:`require_staff` with the person doing
the action and, when one approved it on the spot, the supervisor or manager. Both are
read from this till's ``staff_users`` (the server checks the same op again against its
own table: ``shop_server.rights``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shop_desktop.data.models import StaffUser
from shop_desktop.domain.permissions import (
    Limits,
    Permission,
    PermissionDenied,
    StaffRights,
    require_approved,
)
from shop_desktop.services.audit import AuditFacts, record_audit


def limits_of(user: StaffUser) -> Limits:
    """A staff row's own limits (``None`` columns: the role's)."""
    return Limits(
        discount_bp=user.max_discount_bp,
        price_override_bp=user.max_price_override_bp,
        refund_minor=user.max_refund_minor,
        cash_out_minor=user.max_cash_out_minor,
    )


def rights_of_user(user: StaffUser) -> StaffRights:
    return StaffRights(user.role.value, limits_of(user), user.active)


#: Someone the staff table does not hold: may do nothing.
_NOBODY = StaffRights("cashier", Limits(), active=False)


def staff_rights(session: Session, staff_id: uuid.UUID | None) -> StaffRights:
    """The rights of ``staff_id`` as this till's staff table has them."""
    user = None if staff_id is None else session.get(StaffUser, staff_id)
    return _NOBODY if user is None else rights_of_user(user)


def require_staff(
    session: Session,
    staff_id: uuid.UUID | None,
    permission: Permission,
    *,
    approved_by: uuid.UUID | None = None,
    amount_minor: int | None = None,
    depth_bp: int | None = None,
) -> None:
    """Raise :class:`PermissionDenied` unless ``staff_id`` may do this, alone or approved
    by ``approved_by``. Reads both people from the staff table, never from the caller."""
    approver = None if approved_by is None else staff_rights(session, approved_by)
    require_approved(
        staff_rights(session, staff_id),
        permission,
        approver,
        amount_minor=amount_minor,
        depth_bp=depth_bp,
    )


@dataclass(frozen=True)
class PrivilegedAct:
    """Something privileged done at the till that writes nothing else (a reprint, the
    drawer opened without a sale): checked, then kept in the audit log."""

    permission: Permission
    staff_id: uuid.UUID
    workstation_id: uuid.UUID | None
    approved_by: uuid.UUID | None = None
    entity: str = ""
    entity_id: str = ""


def record_privileged(session: Session, act: PrivilegedAct) -> None:
    """Check ``act`` against the matrix and record it, in the caller's transaction.

    Raises :class:`PermissionDenied` (and records nothing) when it is not allowed.
    """
    from shop_desktop.services.outbox import take_write_lock  # outbox imports auth

    take_write_lock(session.connection())
    require_staff(session, act.staff_id, act.permission, approved_by=act.approved_by)
    record_audit(
        session.connection(),
        AuditFacts(
            action=act.permission.value,
            staff_id=act.staff_id,
            workstation_id=act.workstation_id,
            entity=act.entity,
            entity_id=act.entity_id,
            approver_id=act.approved_by,
        ),
    )


__all__ = [
    "PermissionDenied",
    "PrivilegedAct",
    "limits_of",
    "record_privileged",
    "require_staff",
    "rights_of_user",
    "staff_rights",
]
