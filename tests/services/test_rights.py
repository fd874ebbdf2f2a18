"""Every privileged action, as every role, on the till's own services.

Only what the permission matrix (``shop_shared.permissions``) allows succeeds; the
rest raises and writes nothing. The people are the demo shop's staff, read from the
till's staff table by the services themselves.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

import pytest
from tests.shop_rows import half_up, one, sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, PaymentMethod, Role
from shop_desktop.domain.orders import IllegalTransition
from shop_desktop.domain.permissions import (
    APPROVABLE,
    Permission,
    PermissionDenied,
    StaffRights,
    allowed,
    can_approve,
)
from shop_desktop.services.auth import Approval, ApprovalRefused, ApprovalRequest, approve
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft, commit_sale
from shop_desktop.services.demo import DEMO_USERS
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.rights import PrivilegedAct, record_privileged, staff_rights
from shop_desktop.services.staff import StaffEdit, StaffEditRefused, save_staff
from shop_desktop.services.sync.catalog_edits import CatalogEditRefused, edit_product

ROLES = ("cashier", "supervisor", "manager", "admin")


def staff_id(db: Database, username: str) -> uuid.UUID:
    return uuid.UUID(str(one(db, "SELECT id FROM staff_users WHERE username = ?", username)))


def display_name(username: str) -> str:
    return next(u.display_name for u in DEMO_USERS if u.username == username)


def rights(db: Database, username: str) -> StaffRights:
    with db.session() as session:
        return staff_rights(session, staff_id(db, username))


def draft(
    db: Database, seller: uuid.UUID, *, price: int | None = None, discount_bp: int = 0
) -> SaleDraft:
    """A cash take-away sale of one product (at ``price`` if given), with a staff discount
    of ``discount_bp`` on the line when asked."""
    pid, sku, zh, en, catalog, rate = sql(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND t.inclusive AND p.price_minor >= 100 ORDER BY p.sku LIMIT 1",
    )[0]
    unit = catalog if price is None else price
    off = half_up(unit * discount_bp, 10_000)
    gross = unit - off
    tax = half_up(gross * rate, 10_000 + rate)
    line = DraftLine(
        product_id=uuid.UUID(pid), sku=sku, name_zh=zh, name_en=en, qty_milli=1000,
        unit_price_minor=unit, discount_minor=off, tax_rate_bp=rate, tax_minor=tax,
        line_total_minor=gross, promotions=[],
    )  # fmt: skip
    return SaleDraft(
        order_id=uuid.uuid4(), staff_id=seller, member_id=None, kind=OrderKind.TAKE_AWAY,
        lines=(line,), subtotal_minor=unit, discount_minor=off, tax_minor=tax,
        delivery_fee_minor=0, rounding_minor=0, total_minor=gross,
        payments=(DraftPayment(PaymentMethod.CASH, gross, gross),),
        manual_discount_bp=discount_bp,
    )  # fmt: skip


def sold(db: Database, seller: uuid.UUID, price: int) -> uuid.UUID:
    with db.session() as session:
        return commit_sale(session, draft(db, seller, price=price)).order_id


def writes(db: Database) -> tuple[int, ...]:
    """Counts of everything an action could write."""
    tables = ("orders", "credit_notes", "outbox", "audit_log", "staff_users")
    return tuple(one(db, f"SELECT count(*) FROM {t}") for t in tables)


def attempt(db: Database, action: Callable[[], object]) -> bool:
    """Run ``action``: True if it went through; False if refused, with nothing written."""
    before = writes(db)
    try:
        action()
    except (PermissionDenied, IllegalTransition, CatalogEditRefused):
        assert writes(db) == before
        return False
    return True


@pytest.mark.parametrize("username", ROLES)
def test_every_privileged_action_as_every_role(demo_db: Database, username: str) -> None:
    db = demo_db
    who = staff_id(db, username)
    mine = rights(db, username)
    cashier = staff_id(db, "cashier")
    [(product,)] = sql(db, "SELECT id FROM products WHERE NOT weighed ORDER BY sku LIMIT 1")
    where = one(db, "SELECT workstation_id FROM device_identity")
    station = uuid.UUID(str(where))
    outcomes: dict[str, tuple[bool, bool]] = {}

    def record(name: str, done: bool, expected: bool) -> None:
        outcomes[name] = (done, expected)

    for total in (1_000, 50_000):
        order = sold(db, cashier, total)

        def void(order: uuid.UUID = order) -> None:
            with db.session() as session:
                void_invoice(session, order, "test", staff_id=who, approved_by=None)

        expected = allowed(mine, Permission.VOID) and allowed(mine, Permission.REFUND, amount=total)
        record(f"void {total}", attempt(db, void), expected)

    for act in (Permission.REPRINT, Permission.OPEN_DRAWER):

        def privileged(act: Permission = act) -> None:
            with db.session() as session:
                record_privileged(session, PrivilegedAct(act, who, station))

        record(act.value, attempt(db, privileged), allowed(mine, act))

    def rename() -> None:
        with db.session() as session:
            edit_product(session, uuid.UUID(product), {"name_en": f"by {username}"},
                         (who, Role(mine.role)))  # fmt: skip

    record("edit catalog", attempt(db, rename), allowed(mine, Permission.EDIT_CATALOG))

    def reprice() -> None:
        with db.session() as session:
            price = one(db, "SELECT price_minor FROM products WHERE id = ?", product)
            edit_product(session, uuid.UUID(product), {"price_minor": price + 1},
                         (who, Role(mine.role)))  # fmt: skip

    record("edit prices", attempt(db, reprice), allowed(mine, Permission.EDIT_PRICES))

    def add_staff() -> None:
        with db.session() as session:
            save_staff(session, who, StaffEdit(None, f"new-{username}", "新人", Role.CASHIER,
                                               None, password="secret1"))  # fmt: skip

    record("edit staff", attempt(db, add_staff), allowed(mine, Permission.EDIT_STAFF))

    for depth in (500, 1_500, 2_500, 5_000):

        def discounted(depth: int = depth) -> None:
            with db.session() as session:
                commit_sale(session, draft(db, who, discount_bp=depth))

        expected = allowed(mine, Permission.DISCOUNT, amount=depth)
        record(f"discount {depth}", attempt(db, discounted), expected)

    wrong = {name: pair for name, pair in outcomes.items() if pair[0] != pair[1]}
    assert not wrong, wrong
    # The administrator may do everything; everyone else is refused something.
    results = {done for done, _ in outcomes.values()}
    assert results == {True} if username == "admin" else False in results


@pytest.mark.parametrize("username", ROLES)
def test_approving_on_the_spot_as_every_role(demo_db: Database, username: str) -> None:
    mine = rights(demo_db, username)
    cashier = staff_id(demo_db, "cashier")
    for permission in sorted(APPROVABLE, key=lambda p: p.value):
        for amount in (None, 1_000, 4_000, 50_000):
            request = ApprovalRequest(permission, "test", amount=amount, actor_id=cashier)
            expected = can_approve(mine, permission, amount=amount)
            with demo_db.session() as session:
                try:
                    approval: object = approve(session, username, username, request)
                except ApprovalRefused as refused:
                    approval = refused.reason
            if expected:
                assert approval == Approval(staff_id(demo_db, username), display_name(username))
            else:
                assert approval in {"role", "limit"}, (permission, amount, approval)


def test_an_approval_is_audited_with_both_people(demo_db: Database) -> None:
    cashier, manager = staff_id(demo_db, "cashier"), staff_id(demo_db, "manager")
    request = ApprovalRequest(Permission.REFUND, "refund order S-1", amount=900, actor_id=cashier)
    with demo_db.session() as session:
        approve(session, "manager", "manager", request)
    (staff, details) = sql(
        demo_db, "SELECT staff_id, details FROM audit_log WHERE action = 'approval'"
    )[-1]
    assert staff == cashier.hex
    assert f'"approved_by": "{manager}"' in details
    assert '"permission": "refund"' in details


def test_a_disabled_approver_or_a_forged_approver_id_does_not_count(demo_db: Database) -> None:
    cashier = staff_id(demo_db, "cashier")
    manager = staff_id(demo_db, "manager")
    order = sold(demo_db, cashier, 1_000)
    with demo_db.session() as session, pytest.raises(IllegalTransition):
        void_invoice(session, order, "x", staff_id=cashier, approved_by=uuid.uuid4())
    conn = sqlite3.connect(demo_db.path)
    conn.execute("UPDATE staff_users SET active = 0 WHERE id = ?", (manager.hex,))
    conn.commit()
    conn.close()
    with demo_db.session() as session, pytest.raises(IllegalTransition):
        void_invoice(session, order, "x", staff_id=cashier, approved_by=manager)


def test_staff_edits_are_checked_queued_and_audited_without_the_password(
    demo_db: Database,
) -> None:
    admin = staff_id(demo_db, "admin")
    with demo_db.session() as session:
        new = save_staff(session, admin, StaffEdit(None, "amy", "林艾美", Role.SUPERVISOR, None,
                                                   password="s3cret-pw"))  # fmt: skip
    [(payload,)] = sql(demo_db, "SELECT payload FROM outbox WHERE op_type = 'staff.edit'")
    assert "s3cret-pw" not in payload
    assert "$argon2id$" in payload
    [(details,)] = sql(demo_db, "SELECT details FROM audit_log WHERE action = 'staff_added'")
    assert "s3cret-pw" not in details
    assert "argon2" not in details
    for edit, reason in [
        (StaffEdit(None, "amy", "又一個", Role.CASHIER, None, password="123456"), "username_taken"),
        (StaffEdit(None, "bob", "鮑勃", Role.CASHIER, None, password="123"), "password"),
        (StaffEdit(admin, "admin", "王大同", Role.MANAGER, None), "self"),
    ]:
        with demo_db.session() as session, pytest.raises(StaffEditRefused) as refused:
            save_staff(session, admin, edit)
        assert refused.value.reason == reason
    with demo_db.session() as session:
        save_staff(session, admin, StaffEdit(new, "amy", "林艾美", Role.SUPERVISOR, None,
                                             active=False))  # fmt: skip
    assert one(demo_db, "SELECT active FROM staff_users WHERE id = ?", new.hex) == 0
    with demo_db.session() as session:
        assert not staff_rights(session, new).active
