"""A member's profile changed at the counter: applied here, sent as ``member.update``.

Member profile fields are last-write-wins per field in server-arrival order
(SYNC.md), so only the fields that changed travel, with the time they
changed on this till (for the record; the server orders by arrival).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy.orm import Session

from shop_desktop.data.models import Member, MemberLevel
from shop_desktop.data.types import utcnow
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_shared.ops import MEMBER_UPDATE

__all__ = ["MEMBER_FIELDS", "MemberUpdateRefused", "update_member"]

MEMBER_FIELDS = frozenset(
    {"name", "phone", "email", "level", "birthday", "home_branch_id", "marketing_opt_in", "active"}
)


class MemberUpdateRefused(Exception):
    NOT_FOUND = "not_found"
    UNKNOWN_FIELD = "unknown_field"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _wire(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _model_value(field: str, value: Any) -> Any:
    if field == "level" and isinstance(value, str):
        return MemberLevel(value)
    if field == "birthday" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if field == "home_branch_id" and isinstance(value, str):
        return uuid.UUID(value)
    return value


def update_member(session: Session, member_id: uuid.UUID, changes: dict[str, Any]) -> int | None:
    """Apply the changed fields and queue them; the op's ``device_seq``, None if unchanged."""
    unknown = set(changes) - MEMBER_FIELDS
    if unknown:
        raise MemberUpdateRefused(MemberUpdateRefused.UNKNOWN_FIELD, ", ".join(sorted(unknown)))
    identity = lock_device_counters(session)
    member = session.get(Member, member_id)
    if member is None:
        raise MemberUpdateRefused(MemberUpdateRefused.NOT_FOUND, str(member_id))
    wanted = {f: _model_value(f, v) for f, v in changes.items()}
    changed = {f: v for f, v in wanted.items() if getattr(member, f) != v}
    if not changed:
        return None
    for field, value in changed.items():
        setattr(member, field, value)
    now = utcnow()
    payload = {
        "member_id": str(member_id),
        "changes": {f: _wire(v) for f, v in changed.items()},
        "changed_at": now.isoformat(),
    }
    seq = queue_for_server(session, identity, MEMBER_UPDATE, payload, now=now)
    session.flush()
    return seq
