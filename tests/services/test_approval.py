"""A manager's password at the till: who may approve how deep a discount, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop_desktop.data.db import Database
from shop_desktop.data.models import AuditEntry
from shop_desktop.services.auth import ApprovalRefused, approve_override


def audit_actions(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_supervisor_approves_within_their_own_limit(demo_db: Database) -> None:
    before = len(audit_actions(demo_db))
    with demo_db.session() as session:
        approval = approve_override(
            session, "supervisor", "supervisor", depth_bp=1000, what="10% on 鮮乳"
        )
    assert approval.display_name == "黃志偉"
    actions = audit_actions(demo_db)
    assert actions[before:] == ["approval"]


@pytest.mark.parametrize(
    ("username", "password", "depth", "reason"),
    [
        ("supervisor", "wrong", 500, "credentials"),
        ("nobody", "nobody", 500, "credentials"),
        ("cashier", "cashier", 0, "role"),
        ("supervisor", "supervisor", 1001, "limit"),
        ("manager", "manager", 3001, "limit"),
    ],
)
def test_approval_refused(
    demo_db: Database, username: str, password: str, depth: int, reason: str
) -> None:
    with demo_db.session() as session, pytest.raises(ApprovalRefused) as caught:
        approve_override(session, username, password, depth_bp=depth, what="test")
    assert caught.value.reason == reason


def test_an_administrator_has_no_limit(demo_db: Database) -> None:
    with demo_db.session() as session:
        approval = approve_override(session, "admin", "admin", depth_bp=10_000, what="free")
    assert approval.display_name == "王大同"
