"""Signing in at a till: PINs, the failed-attempt lock-out with back-off, and what is audited.

Everything runs on a migrated demo database file; the lock-out is read back after
the database is closed and opened again, as after a restart of the till.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from shop_desktop.data.db import Database, open_database
from shop_desktop.domain.cart import Cart
from shop_desktop.services.auth import (
    FAILURES_BEFORE_LOCKOUT,
    FIRST_LOCKOUT,
    LoginFailed,
    PinRefused,
    StaffSession,
    has_pin,
    log_in,
    pin_problem,
    record_sign_out,
    set_pin,
)
from shop_desktop.services.open_carts import reopen_carts, save_open_carts
from shop_desktop.services.parked_carts import (
    CartToPark,
    count_parked_by,
    list_parked_carts,
    park_open_carts,
)
from shop_desktop.services.sale import cart_product

NOW = datetime(2026, 12, 8, 6, 30, tzinfo=UTC)
WALL = datetime(2026, 12, 8, 14, 30)  # noqa: DTZ001 - shop wall time, as promotions read it


def attempt(db: Database, user: str, secret: str, at: datetime) -> StaffSession | LoginFailed:
    """One try at the till, committed even when refused, as the log-in dialog's op is."""
    with db.session() as session:
        try:
            return log_in(session, user, secret, now=at)
        except LoginFailed as refused:
            return refused


def actions(db: Database, username: str) -> list[str]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT a.action FROM audit_log a JOIN staff_users s ON s.id = a.staff_id"
                    " WHERE s.username = :u ORDER BY a.id"
                ),
                {"u": username},
            ).scalars()
        )


def fail_until_locked(db: Database, user: str, at: datetime) -> LoginFailed:
    reasons = []
    for _ in range(FAILURES_BEFORE_LOCKOUT):
        refused = attempt(db, user, "not the password", at)
        assert isinstance(refused, LoginFailed)
        reasons.append(refused.reason)
    assert reasons == ["credentials"] * (FAILURES_BEFORE_LOCKOUT - 1) + ["locked"]
    assert isinstance(refused, LoginFailed)
    return refused


def test_five_failures_lock_the_account_with_doubling_back_off_across_restarts(
    demo_db_path: Path,
) -> None:
    db = open_database(demo_db_path)
    try:
        locked = fail_until_locked(db, "cashier", NOW)
        assert locked.locked_until == NOW + FIRST_LOCKOUT
        # Locked: even the right password is refused, without being checked.
        early = attempt(db, "cashier", "cashier", NOW + FIRST_LOCKOUT - timedelta(seconds=1))
        assert isinstance(early, LoginFailed)
        assert early.reason == "locked"
    finally:
        db.dispose()

    # The till restarts (offline): the lock-out is on disk.
    db = open_database(demo_db_path)
    try:
        still = attempt(db, "cashier", "cashier", NOW + timedelta(seconds=10))
        assert isinstance(still, LoginFailed)
        assert still.reason == "locked"
        # Once it has run out, five more failures lock it twice as long.
        later = NOW + FIRST_LOCKOUT
        again = fail_until_locked(db, "cashier", later)
        assert again.locked_until == later + 2 * FIRST_LOCKOUT
        third = later + 2 * FIRST_LOCKOUT
        assert fail_until_locked(db, "cashier", third).locked_until == third + 4 * FIRST_LOCKOUT
        # Another person at the till is not affected.
        assert isinstance(attempt(db, "supervisor", "supervisor", third), StaffSession)
        # A success after the lock-out starts again from the first, short one.
        fourth = third + 4 * FIRST_LOCKOUT
        assert isinstance(attempt(db, "cashier", "cashier", fourth), StaffSession)
        assert fail_until_locked(db, "cashier", fourth).locked_until == fourth + FIRST_LOCKOUT
        log = actions(db, "cashier")
        assert log.count("account_locked") == 4
        assert log.count("login_failed") == 4 * FAILURES_BEFORE_LOCKOUT
        assert log.count("login_refused_locked") == 2
        assert log.count("login") == 1
    finally:
        db.dispose()


def test_a_pin_is_set_after_a_password_log_in_and_signs_in_like_the_password(
    demo_db: Database,
) -> None:
    with demo_db.session() as session:
        cashier = log_in(session, "cashier", "cashier", now=NOW)
    assert not cashier.by_pin
    bad_pins = [
        ("12a4", "format"),
        ("123", "format"),
        ("1234567", "format"),
        ("１２９３", "format"),  # full-width digits: not what a till's number pad types
        ("1111", "guessable"),
        ("4321", "guessable"),
    ]
    for bad, reason in bad_pins:
        assert pin_problem(bad) == reason
        with pytest.raises(PinRefused) as refused, demo_db.session() as session:
            set_pin(session, cashier, bad)
        assert refused.value.reason == reason
    with demo_db.session() as session:
        set_pin(session, cashier, "582931", now=NOW)
    with demo_db.session() as session:
        assert has_pin(session, cashier.staff_id)
    with demo_db.engine.connect() as conn:
        stored = conn.execute(text("SELECT pin_hash FROM staff_pins")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "582931" not in stored

    by_pin = attempt(demo_db, "cashier", "582931", NOW)
    assert isinstance(by_pin, StaffSession)
    assert by_pin.by_pin
    # The password still works; a wrong PIN is a failure like a wrong password.
    assert isinstance(attempt(demo_db, "cashier", "cashier", NOW), StaffSession)
    wrong = attempt(demo_db, "cashier", "582930", NOW)
    assert isinstance(wrong, LoginFailed)
    assert wrong.reason == "credentials"
    # Someone who came in with the PIN cannot set the next one.
    with pytest.raises(PinRefused) as refused, demo_db.session() as session:
        set_pin(session, by_pin, "730164")
    assert refused.value.reason == "by_pin"
    # Another person's PIN does not open this account.
    assert isinstance(attempt(demo_db, "supervisor", "582931", NOW), LoginFailed)
    assert actions(demo_db, "cashier") == ["login", "pin_set", "login", "login", "login_failed"]
    with demo_db.engine.connect() as conn:
        details = conn.execute(text("SELECT group_concat(details, ' ') FROM audit_log")).scalar()
        outbox = conn.execute(text("SELECT group_concat(payload, ' ') FROM outbox")).scalar()
    assert "582931" not in (details or "")
    assert "582931" not in (outbox or "")


def cart_with(db: Database, count: int) -> Cart:
    with db.session() as session:
        ids = session.execute(
            text(
                "SELECT id FROM products WHERE active = 1 AND weighed = 0 AND price_minor > 0"
                " ORDER BY sku LIMIT :n"
            ),
            {"n": count},
        ).scalars()
        cart = Cart()
        for product_id in ids:
            cart.add(cart_product(session, uuid.UUID(hex=str(product_id))))
    return cart


def test_carts_parked_at_leaving_are_not_reopened_and_a_crash_before_keeps_them(
    demo_db: Database,
) -> None:
    with demo_db.session() as session:
        cashier = log_in(session, "cashier", "cashier", now=NOW)
    carts = [cart_with(demo_db, 2), cart_with(demo_db, 1)]
    station, staff_id = cashier.workstation_id, cashier.staff_id
    with demo_db.session() as session:
        save_open_carts(
            session,
            carts=[cart.to_json() for cart in carts],
            workstation_id=station,
            staff_id=staff_id,
        )

    def leave(session: Session) -> None:
        park_open_carts(
            session,
            [CartToPark(cart.to_json(), 100) for cart in carts],
            branch_id=cashier.branch_id,
            label="陳小明 14:30",
            now=NOW,
            workstation_id=station,
            staff_id=staff_id,
        )
        record_sign_out(session, cashier, "logout", parked=len(carts), now=NOW)

    # The till dies inside the leaving transaction: nothing of it is kept, the tabs are.
    def dies_while_leaving() -> None:
        with demo_db.session() as session:
            leave(session)
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        dies_while_leaving()
    with demo_db.session() as session:
        assert len(reopen_carts(session, at=WALL, workstation_id=station, staff_id=staff_id)) == 2
        assert count_parked_by(session, cashier.branch_id, cashier.staff_id) == 0

    with demo_db.session() as session:
        leave(session)
    with demo_db.session() as session:
        assert reopen_carts(session, at=WALL, workstation_id=station, staff_id=staff_id) == []
        assert count_parked_by(session, cashier.branch_id, cashier.staff_id) == 2
        parked = list_parked_carts(session, cashier.branch_id)
    assert {(p.id, p.label, p.line_count) for p in parked} == {
        (carts[0].cart_id, "陳小明 14:30", 2),
        (carts[1].cart_id, "陳小明 14:30", 1),
    }
    assert actions(demo_db, "cashier")[-1] == "logout"
