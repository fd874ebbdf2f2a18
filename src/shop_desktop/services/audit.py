"""The audit trail: who did what, when, written in the transaction of the action itself.

Every entry goes through :func:`record_audit`, so the rule for how an entry is made
(and, later, chained to the one before it) lives in one place. Callers pass the
connection of the transaction that does the action: the entry commits with it, or
not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from shop_desktop.data.models import AuditEntry
from shop_desktop.data.types import utcnow

_INSERT = insert(AuditEntry.__table__)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AuditFacts:
    """One thing worth keeping: ``action`` by ``staff_id`` (approved by ``approver_id``)."""

    action: str
    staff_id: uuid.UUID | None
    workstation_id: uuid.UUID | None
    entity: str = ""
    entity_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: The supervisor or manager who approved the action, when one did.
    approver_id: uuid.UUID | None = None
    at: datetime | None = None


def record_audit(conn: Connection, facts: AuditFacts) -> None:
    """Write ``facts`` to the audit log inside the caller's transaction."""
    details = dict(facts.details)
    if facts.approver_id is not None:
        details["approved_by"] = str(facts.approver_id)
    conn.execute(
        _INSERT,
        {
            "at": facts.at or utcnow(),
            "staff_id": facts.staff_id,
            "workstation_id": facts.workstation_id,
            "action": facts.action[:48],
            "entity": facts.entity[:48],
            "entity_id": facts.entity_id[:64],
            "details": details,
        },
    )
