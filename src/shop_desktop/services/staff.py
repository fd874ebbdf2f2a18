"""An administrator's staff list: add, disable, reset a password, role, branch, limits.

An edit is applied here and queued for the server as ``staff.edit`` (the server
applies it only if the editor is an administrator in *its* staff list, and sends the
row down to the other tills through the change log). A password travels only as its
argon2id hash; the audit log records which fields changed, never a password.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Branch, Role, StaffUser
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.domain.permissions import Limits, Permission
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.passwords import hash_password
from shop_desktop.services.rights import limits_of, require_staff
from shop_shared.ops import STAFF_EDIT

#: The shortest password an administrator may set.
MIN_PASSWORD = 6


class StaffEditRefused(ValueError):
    """An edit that cannot be saved; ``reason`` says why for the UI to word."""

    USERNAME = "username"
    USERNAME_TAKEN = "username_taken"
    DISPLAY_NAME = "display_name"
    PASSWORD = "password"  # noqa: S105 - a reason code, not a password
    LIMIT = "limit"
    NOT_FOUND = "not_found"
    #: An administrator may not disable or demote themselves (nobody would be left).
    SELF = "self"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StaffRow:
    """One person as the Staff page shows them."""

    staff_id: uuid.UUID
    username: str
    display_name: str
    role: Role
    branch_id: uuid.UUID | None
    limits: Limits
    active: bool


@dataclass(frozen=True)
class BranchChoice:
    branch_id: uuid.UUID
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class StaffEdit:
    """What the administrator typed. ``staff_id`` None: a new person.

    ``password`` empty keeps the current one (a new person needs one); ``branch_id``
    None: every branch.
    """

    staff_id: uuid.UUID | None
    username: str
    display_name: str
    role: Role
    branch_id: uuid.UUID | None
    limits: Limits = field(default_factory=Limits)
    active: bool = True
    password: str = ""


def staff_list(session: Session) -> list[StaffRow]:
    users = session.scalars(select(StaffUser).order_by(StaffUser.username))
    return [
        StaffRow(u.id, u.username, u.display_name, u.role, u.branch_id, limits_of(u), u.active)
        for u in users
    ]


def branch_choices(session: Session) -> list[BranchChoice]:
    rows = session.scalars(select(Branch).order_by(Branch.code))
    return [BranchChoice(b.id, b.code, b.name_zh, b.name_en) for b in rows]


def _check(edit: StaffEdit, *, new: bool) -> None:
    if not edit.username.strip() or len(edit.username.strip()) > 64:
        raise StaffEditRefused(StaffEditRefused.USERNAME)
    if not edit.display_name.strip() or len(edit.display_name.strip()) > 120:
        raise StaffEditRefused(StaffEditRefused.DISPLAY_NAME)
    if (new or edit.password) and len(edit.password) < MIN_PASSWORD:
        raise StaffEditRefused(StaffEditRefused.PASSWORD)
    limits = edit.limits
    for value in (
        limits.discount_bp,
        limits.price_override_bp,
        limits.refund_minor,
        limits.cash_out_minor,
    ):
        if value is not None and value < 0:
            raise StaffEditRefused(StaffEditRefused.LIMIT)
    for bp in (limits.discount_bp, limits.price_override_bp):
        if bp is not None and bp > 10_000:
            raise StaffEditRefused(StaffEditRefused.LIMIT)


def _wire(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Role):
        return value.value
    return value


def save_staff(session: Session, editor_id: uuid.UUID, edit: StaffEdit) -> uuid.UUID:
    """Apply ``edit`` here, queue it for the server, and audit it; the person's id.

    Raises ``PermissionDenied`` unless ``editor_id`` may edit staff, and
    :class:`StaffEditRefused` for what cannot be saved; nothing is written then.
    """
    identity = lock_device_counters(session)
    require_staff(session, editor_id, Permission.EDIT_STAFF)
    new = edit.staff_id is None
    _check(edit, new=new)
    user = None if new else session.get(StaffUser, edit.staff_id)
    if not new and user is None:
        raise StaffEditRefused(StaffEditRefused.NOT_FOUND)
    username = edit.username.strip()
    clash = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.username == username, StaffUser.id != (edit.staff_id or new_id()))
    )
    if clash:
        raise StaffEditRefused(StaffEditRefused.USERNAME_TAKEN)
    if edit.staff_id == editor_id and (not edit.active or edit.role is not Role.ADMIN):
        raise StaffEditRefused(StaffEditRefused.SELF)
    wanted: dict[str, Any] = {
        "username": username,
        "display_name": edit.display_name.strip(),
        "role": edit.role,
        "branch_id": edit.branch_id,
        "max_discount_bp": edit.limits.discount_bp or 0,
        "max_price_override_bp": edit.limits.price_override_bp,
        "max_refund_minor": edit.limits.refund_minor,
        "max_cash_out_minor": edit.limits.cash_out_minor,
        "active": edit.active,
    }
    if edit.password:
        wanted["password_hash"] = hash_password(edit.password)
    if user is None:
        user = StaffUser(id=edit.staff_id or new_id(), locale="zh_TW", **wanted)
        session.add(user)
        changed = dict(wanted)
    else:
        changed = {k: v for k, v in wanted.items() if getattr(user, k) != v}
        for key, value in changed.items():
            setattr(user, key, value)
    session.flush()
    if not changed:
        return user.id
    now = utcnow()
    payload = {
        "staff_id": str(user.id),
        "edited_by": str(editor_id),
        "changes": {k: _wire(v) for k, v in changed.items()},
    }
    queue_for_server(session, identity, STAFF_EDIT, payload, now=now)
    # Which fields changed, and to what, but never a password or its hash.
    told = {k: _wire(v) for k, v in changed.items() if k != "password_hash"}
    if "password_hash" in changed:
        told["password"] = "reset" if not new else "set"
    record_audit(
        session.connection(),
        AuditFacts(
            action="staff_added" if new else "staff_changed",
            staff_id=editor_id,
            workstation_id=identity.workstation_id,
            entity="staff_user",
            entity_id=str(user.id),
            details=told,
            at=now,
        ),
    )
    return user.id
