"""The audit trail: every entry chained in its action's transaction, and any change caught.

The chain is checked by ``services.audit.verify_connection`` -- what ``shop-admin
audit verify`` runs -- over files the real services wrote; the damage is done
with plain SQL, the way someone with the file and a SQLite shell would.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from shop_desktop.bench.checkout import SaleMaker
from shop_desktop.data.db import Database, create_sqlite_engine, open_database, upgrade
from shop_desktop.data.models import AuditEntry, OutboxEntry, Role, StaffUser
from shop_desktop.services.audit import (
    ENTRIES_PER_OP,
    AuditFacts,
    queue_for_server,
    record_audit,
    verify_connection,
    verify_file,
)
from shop_desktop.services.auth import (
    ApprovalRefused,
    LoginFailed,
    approve_override,
    approve_override_or_refusal,
    log_in_or_refusal,
    this_workstation,
)
from shop_desktop.services.checkout import commit_sale
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.sync.catalog_edits import edit_product
from shop_shared.audit_chain import GENESIS, canonical, entry_hash
from shop_shared.ops import AUDIT_ENTRIES

#: The columns a person could change, as stored (``id`` is SQLite's row key).
COLUMNS = (
    "at",
    "staff_id",
    "workstation_id",
    "action",
    "entity",
    "entity_id",
    "details",
    "device_id",
    "seq",
    "prev_hash",
    "hash",
)


def staff(db: Database, username: str) -> uuid.UUID:
    with db.session() as session:
        return session.scalars(select(StaffUser.id).where(StaffUser.username == username)).one()


def chain(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, device_id, seq, prev_hash, hash, action FROM audit_log ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def write_entries(db: Database, count: int, seed: int = 1) -> None:
    """``count`` entries of assorted shapes, one transaction each, as actions write them."""
    rng = random.Random(seed)
    manager = staff(db, "manager")
    with db.session() as session:
        where = this_workstation(session)
    for k in range(count):
        facts = AuditFacts(
            action=rng.choice(("login", "approval", "order_voided", "catalog_edit")),
            staff_id=rng.choice((manager, None)),
            workstation_id=where.workstation_id,
            entity=rng.choice(("order", "product", "")),
            entity_id=str(uuid.UUID(int=rng.getrandbits(128))),
            details={"what": f"折扣 {k}%", "n": k, "nested": {"b": [1, "二"], "a": None}},
            approver_id=rng.choice((manager, None)),
        )
        with db.session() as session:
            record_audit(session.connection(), facts)


# --- what is logged, and that it is chained --------------------------------------------------


def test_actions_write_chained_entries_in_their_own_transaction(demo_db: Database) -> None:
    before = len(chain(demo_db.path))
    manager, cashier = staff(demo_db, "manager"), staff(demo_db, "cashier")
    with demo_db.session() as session:
        assert isinstance(log_in_or_refusal(session, "cashier", "wrong"), LoginFailed)
    with demo_db.session() as session:
        log_in_or_refusal(session, "cashier", "cashier")
    with demo_db.session() as session:
        approve_override(session, "manager", "manager", depth_bp=2000, what="line 1: 20%")
    with demo_db.session() as session:
        draft = SaleMaker(session, random.Random(5), coupon_rate=0.0).draft(lines=2)
    draft = dataclasses.replace(draft, approved_by=manager)
    with demo_db.session() as session:
        sale = commit_sale(session, draft)
    with demo_db.session() as session:
        void_invoice(session, sale.order_id, "wrong goods", staff_id=cashier, approved_by=manager)
    with demo_db.session() as session:
        product = draft.lines[0].product_id
        assert product is not None
        edit_product(session, product, {"price_minor": 4321}, (manager, Role.MANAGER))

    rows = chain(demo_db.path)[before:]
    assert [r[5] for r in rows] == [
        "login_failed",
        "login",
        "approval",
        "override_approved",
        "order_voided",
        "catalog_edit",
    ]
    report = verify_file(demo_db.path)
    assert report.ok, report.broken
    assert report.entries == len(chain(demo_db.path))
    everything = chain(demo_db.path)
    assert [r[2] for r in everything] == list(range(1, len(everything) + 1))
    for earlier, later in itertools.pairwise(everything):
        assert later[3] == earlier[4]
    assert everything[0][3] == GENESIS
    with demo_db.session() as session:
        voided = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "order_voided")
        ).one()
        edit = session.scalars(select(AuditEntry).where(AuditEntry.action == "catalog_edit")).one()
    # Both people of a void, what went back, and a price edit's old and new price.
    assert voided.staff_id == cashier
    assert voided.details["approved_by"] == str(manager)
    assert voided.details["refunded_minor"] == draft.total_minor
    assert edit.details["changes"] == {"price_minor": 4321}
    assert edit.details["before"]["price_minor"] != 4321


def test_a_refused_action_leaves_no_link_behind(demo_db: Database) -> None:
    write_entries(demo_db, 3)

    def fail_after_writing() -> None:
        with demo_db.session() as session:
            record_audit(session.connection(), AuditFacts("login", None, None))
            raise RuntimeError("the action failed after its entry was written")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    write_entries(demo_db, 2, seed=2)
    assert verify_file(demo_db.path).ok


def test_entries_read_back_through_the_model(demo_db: Database) -> None:
    """The wire text record_audit stores is what the typed columns read."""
    manager = staff(demo_db, "manager")
    with demo_db.session() as session:
        record_audit(
            session.connection(),
            AuditFacts("approval", manager, None, details={"what": "退貨"}, approver_id=manager),
        )
    with demo_db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert entry.staff_id == manager
    assert entry.details == {"what": "退貨", "approved_by": str(manager)}
    assert entry.at.tzinfo is not None


# --- damage is caught -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chained_db(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit") / "chained.db"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    try:
        write_entries(database, 14)
    finally:
        database.dispose()
    return path


@pytest.fixture
def damage(chained_db: Path) -> Iterator[sqlite3.Connection]:
    """A connection inside a transaction that is rolled back: each example starts clean."""
    conn = sqlite3.connect(chained_db, isolation_level=None)
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _row_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM audit_log ORDER BY id")]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_any_byte_of_any_row_is_caught(chained_db: Path, data: st.DataObject) -> None:
    conn = sqlite3.connect(chained_db, isolation_level=None)
    conn.execute("BEGIN")
    try:
        assert verify_connection(conn).ok
        ids = _row_ids(conn)
        row = data.draw(st.sampled_from(ids), label="row")
        column = data.draw(st.sampled_from(COLUMNS), label="column")
        stored = conn.execute(
            f"SELECT CAST({column} AS BLOB) FROM audit_log WHERE id = ?", (row,)
        ).fetchone()[0]
        assume(stored is not None and len(stored) > 0)
        at = data.draw(st.integers(0, len(stored) - 1), label="byte")
        new = data.draw(st.integers(0, 255).filter(lambda b: b != stored[at]), label="value")
        changed = stored[:at] + bytes([new]) + stored[at + 1 :]
        if column == "seq":
            try:
                value: Any = int(changed)
            except ValueError:
                value = changed.decode("latin-1")
            conn.execute("UPDATE audit_log SET seq = ? WHERE id = ?", (value, row))
        else:
            conn.execute(
                f"UPDATE audit_log SET {column} = CAST(? AS TEXT) WHERE id = ?", (changed, row)
            )
        report = verify_connection(conn)
        assert report.broken is not None
        assert report.broken.position == row
        assert report.entries == ids.index(row)
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@given(st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_deleting_any_row_is_caught(damage: sqlite3.Connection, data: st.DataObject) -> None:
    conn = damage
    conn.execute("SAVEPOINT example")
    ids = _row_ids(conn)
    row = data.draw(st.sampled_from(ids))
    conn.execute("DELETE FROM audit_log WHERE id = ?", (row,))
    report = verify_connection(conn)
    conn.execute("ROLLBACK TO example")
    assert report.broken is not None
    if row == ids[-1]:
        # The newest entry: the head row still says it was written.
        assert report.broken.problem == "head_mismatch"
    else:
        assert report.broken.position == ids[ids.index(row) + 1]


@given(st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_reordering_two_rows_is_caught(damage: sqlite3.Connection, data: st.DataObject) -> None:
    conn = damage
    conn.execute("SAVEPOINT example")
    ids = _row_ids(conn)
    first, second = sorted(data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2,
                                              unique=True)))  # fmt: skip
    # Swap every stored field of the two rows: each keeps its place, the other's contents.
    names = ", ".join(COLUMNS)
    a = conn.execute(f"SELECT {names} FROM audit_log WHERE id = ?", (first,)).fetchone()
    b = conn.execute(f"SELECT {names} FROM audit_log WHERE id = ?", (second,)).fetchone()
    sets = ", ".join(f"{c} = ?" for c in COLUMNS)
    conn.execute(f"UPDATE audit_log SET {sets} WHERE id = ?", (*b, first))
    conn.execute(f"UPDATE audit_log SET {sets} WHERE id = ?", (*a, second))
    report = verify_connection(conn)
    conn.execute("ROLLBACK TO example")
    assert report.broken is not None
    assert report.broken.position == first


def test_a_consistent_rewrite_of_the_head_is_still_caught_by_the_next_link(
    damage: sqlite3.Connection,
) -> None:
    """Changing an entry and re-hashing it breaks the link of the entry after it."""
    conn = damage
    ids = _row_ids(conn)
    target = ids[3]
    row = conn.execute(
        "SELECT device_id, seq, prev_hash, at, staff_id, workstation_id, 'nothing to see', entity,"
        " entity_id, details FROM audit_log WHERE id = ?",
        (target,),
    ).fetchone()
    rehashed = entry_hash(row[0], row[1], row[2], row[3:])
    conn.execute(
        "UPDATE audit_log SET action = 'nothing to see', hash = ? WHERE id = ?", (rehashed, target)
    )
    report = verify_connection(conn)
    assert report.broken is not None
    assert (report.broken.position, report.broken.problem) == (ids[4], "prev_hash_mismatch")


# --- history and new enrolments ------------------------------------------------------------


def test_the_migration_chains_entries_written_before_it(migrated_db_path: Path) -> None:
    path = migrated_db_path.with_name("old.db")
    engine = create_sqlite_engine(path)
    try:
        upgrade(engine, "0008_till_recovery")
        with engine.begin() as conn:
            for k in range(5):
                conn.execute(
                    text(
                        "INSERT INTO audit_log (at, action, entity, entity_id, details)"
                        " VALUES (:at, 'login', 'staff_user', '', :details)"
                    ),
                    {"at": f"2026-11-0{k + 1} 08:00:00.000000", "details": f'{{"k": {k}}}'},
                )
        upgrade(engine)
    finally:
        engine.dispose()
    report = verify_file(path)
    assert report.ok
    assert (report.entries, report.head.seq) == (5, 5)
    database = open_database(path)
    try:
        with database.session() as session:
            record_audit(session.connection(), AuditFacts("login", None, None))
    finally:
        database.dispose()
    assert [r[2] for r in chain(path)] == [1, 2, 3, 4, 5, 6]
    assert verify_file(path).ok


def test_a_new_device_id_starts_a_new_chain_linked_to_the_old(demo_db: Database) -> None:
    write_entries(demo_db, 3)
    old = chain(demo_db.path)
    new_device = uuid.uuid4()
    with demo_db.session() as session:
        session.execute(text("UPDATE device_identity SET device_id = :d"), {"d": new_device.hex})
    write_entries(demo_db, 2, seed=5)
    rows = chain(demo_db.path)
    assert [(r[1], r[2]) for r in rows[len(old) :]] == [(new_device.hex, 1), (new_device.hex, 2)]
    assert rows[len(old)][3] == old[-1][4]
    assert verify_file(demo_db.path).ok


# --- up to the server -----------------------------------------------------------------------


def test_entries_are_queued_for_the_server_once_in_chain_order(demo_db: Database) -> None:
    write_entries(demo_db, 7)
    total = len(chain(demo_db.path))
    with demo_db.session() as session:
        assert queue_for_server(session, now=_now()) == -(-total // ENTRIES_PER_OP)
    with demo_db.session() as session:
        assert queue_for_server(session, now=_now()) == 0
    write_entries(demo_db, 2, seed=9)
    with demo_db.session() as session:
        assert queue_for_server(session, now=_now()) == 1
        ops = session.scalars(
            select(OutboxEntry).where(OutboxEntry.op_type == AUDIT_ENTRIES).order_by(OutboxEntry.id)
        ).all()
    sent = [entry for op in ops for entry in op.payload["entries"]]
    rows = chain(demo_db.path)
    assert [(e["seq"], e["hash"]) for e in sent] == [(r[2], r[4]) for r in rows]
    last = ops[-1].payload
    assert last["device_id"] == rows[-1][1]
    # What goes up is the text the hash was taken over.
    entry = last["entries"][-1]
    fields = [entry[f] for f in ("at", "staff_id", "workstation_id", "action", "entity",
                                 "entity_id", "details")]  # fmt: skip
    assert entry_hash(last["device_id"], entry["seq"], entry["prev_hash"], fields) == entry["hash"]


def _now() -> Any:
    from shop_desktop.data.types import utcnow

    return utcnow()


# --- the canonical text ---------------------------------------------------------------------

_field = st.one_of(st.none(), st.text(max_size=12))


@given(
    st.tuples(st.text(max_size=8), st.integers(0, 10**6), st.text(max_size=8),
              st.lists(_field, min_size=7, max_size=7)),
    st.tuples(st.text(max_size=8), st.integers(0, 10**6), st.text(max_size=8),
              st.lists(_field, min_size=7, max_size=7)),
)  # fmt: skip
def test_different_entries_never_share_a_canonical_text(a: Any, b: Any) -> None:
    assume(a != b)
    assert canonical(a[0], a[1], a[2], a[3]) != canonical(b[0], b[1], b[2], b[3])


def test_refused_approvals_are_kept_when_returned(demo_db: Database) -> None:
    before = len(chain(demo_db.path))
    for username, password, depth in (
        ("supervisor", "wrong", 500),
        ("nobody", "x", 500),
        ("cashier", "cashier", 0),
        ("supervisor", "supervisor", 1001),
    ):
        with demo_db.session() as session:
            answer = approve_override_or_refusal(
                session, username, password, depth_bp=depth, what="line 2: 10%"
            )
        assert isinstance(answer, ApprovalRefused)
    with demo_db.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[before:]
    assert [(r.action, r.details["reason"]) for r in rows] == [
        ("approval_failed", "credentials"),
        ("approval_failed", "credentials"),
        ("approval_failed", "role"),
        ("approval_failed", "limit"),
    ]
    assert rows[1].staff_id is None
    assert rows[1].details["username"] == "nobody"
    assert verify_file(demo_db.path).ok


@pytest.mark.parametrize(
    "damage",
    [
        None,
        "UPDATE audit_log SET action = 'x' WHERE id = (SELECT min(id) + 2 FROM audit_log)",
        "UPDATE audit_log SET details = '{}' WHERE id = (SELECT max(id) - 2 FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT min(id) + 6 FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT min(id) + 7 FROM audit_log)",
        "UPDATE audit_log SET seq = 'seven' WHERE id = (SELECT min(id) + 6 FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        "DELETE FROM audit_head",
    ],
)
def test_checking_in_two_halves_answers_as_one_walk(
    chained_db: Path, tmp_path: Path, damage: str | None
) -> None:
    path = tmp_path / "copy.db"
    shutil.copyfile(chained_db, path)
    if damage is not None:
        conn = sqlite3.connect(path)
        conn.execute(damage)
        conn.commit()
        conn.close()
    whole = verify_file(path, split_from=10**9)
    halves = verify_file(path, split_from=2)
    assert (halves.ok, halves.entries, halves.broken) == (whole.ok, whole.entries, whole.broken)
    assert whole.ok is (damage is None)
    if whole.ok:
        assert halves.head == whole.head


def test_an_entry_added_through_the_orm_is_refused(demo_db: Database) -> None:
    with demo_db.session() as session:
        session.add(AuditEntry(action="login", staff_id=None, workstation_id=None))
        with pytest.raises(TypeError, match="record_audit"):
            session.flush()
        session.rollback()
    assert verify_file(demo_db.path).ok
