"""The workstation's sync code after the review: each test fails on the code before its fix.

Against the real server process (both backends) where the server takes part, and
on a real migrated SQLite file where only the till's side is concerned.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event
from tests import serverproc
from tests.sync.faultproxy import Fault, FaultProxy
from tests.sync.test_client_local import sale
from tests.sync.tills import (
    EnrolWorkstation,
    SyncServer,
    Workstation,
    sell,
    sql,
)

from shop_desktop.data import db as db_module
from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import Role
from shop_desktop.data.types import utcnow
from shop_desktop.services.checkout import commit_sale
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.sync.bootstrap import bootstrap
from shop_desktop.services.sync.catalog_edits import edit_product
from shop_desktop.services.sync.engine import (
    DATABASE_BUSY,
    SyncEngine,
    read_sync_log,
    rejected_ops,
    save_sync_settings,
)
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.protocol import Change, OpResult, PullPage, PushAnswer, parse_pull
from shop_desktop.services.sync.pull import CursorMoved, apply_page
from shop_desktop.services.sync.push import TOO_LARGE, apply_push_answer
from shop_desktop.services.sync.state import CURSOR_KEY, SyncSettings, read_value
from shop_desktop.services.sync.transport import Transport
from shop_desktop.services.tasks import Cancelled

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


def rows(db: Database, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def transport_of(ws: Workstation, url: str | None = None) -> Transport:
    """The till's own transport (its device token), to the server or to ``url``."""
    token = ws.tokens.get(ws.enrolment.device_id)
    assert token is not None
    return Transport(url or ws.settings.server_url, token=token)


def new_products(server: SyncServer, ws: Workstation, count: int) -> None:
    """``count`` new products at the server (admin catalog API), in a tax class the till has."""
    [(tax_class,)] = sql(ws, "SELECT id FROM tax_classes ORDER BY id LIMIT 1")
    products: list[dict[str, Any]] = []
    for i in range(count):
        pid = str(uuid.uuid4())
        products.append({
            "id": pid, "sku": f"R{pid[:12]}", "name_zh": f"新品{i}", "name_en": f"New {i}",
            "category_id": None, "brand_id": None, "tax_class_id": str(uuid.UUID(tax_class)),
            "price_minor": 100, "member_price_minor": None, "unit": "pc", "weighed": False,
            "description": "", "specs": {}, "active": True, "popularity": 0, "location": "",
            "barcodes": [],
        })  # fmt: skip
    serverproc.admin_post(
        server.server, "/api/v1/admin/catalog", {"entity": "product", "rows": products}
    )


def manager_of(db: Database) -> tuple[uuid.UUID, Role]:
    # One who works at this till's branch: the server checks where an editor may work.
    [(manager,)] = rows(
        db,
        "SELECT id FROM staff_users WHERE role = 'manager' AND (branch_id IS NULL OR branch_id ="
        " (SELECT w.branch_id FROM device_identity d JOIN workstations w"
        " ON w.id = d.workstation_id)) LIMIT 1",
    )
    return uuid.UUID(manager), Role.MANAGER


# --- 1. a repeated refusal answered as "duplicate" ----------------------------------------------


def test_a_duplicate_with_a_refusal_code_is_a_rejection_not_an_ack(demo_db: Database) -> None:
    with demo_db.session() as session:
        done = commit_sale(session, sale(demo_db, 1, member=False), now=NOW)
    [(op_id,)] = rows(demo_db, "SELECT op_id FROM outbox WHERE device_seq = ?", done.device_seq)
    answer = PushAnswer(
        cursor=77,
        server_time=NOW,
        results=(
            OpResult(uuid.UUID(op_id), done.device_seq, "duplicate", "invalid",
                     "The order does not add up.", {}),
        ),
    )  # fmt: skip
    with demo_db.engine.begin() as conn:
        counts = apply_push_answer(conn, answer, NOW)
    assert (counts.applied, counts.duplicates, counts.rejected) == (0, 0, 1)
    assert rows(demo_db, "SELECT status, reject_code, last_error FROM outbox WHERE op_id = ?",
                op_id) == [("rejected", "invalid", "The order does not add up.")]  # fmt: skip
    assert rows(demo_db, "SELECT count(*) FROM stock_movements WHERE ack_seq IS NOT NULL") == [(0,)]
    [refused] = rejected_ops(demo_db)
    assert refused.code == "invalid"


def test_a_refusal_whose_answer_was_lost_stays_refused(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    with ws.db.session() as session:
        identity = lock_device_counters(session)
        queue_for_server(session, identity, "bogus.op", {"x": 1}, now=utcnow(), payload_version=1)
    assert ws.engine.run_once().rejected == 1
    # The answer was lost: the till sends the same op again and hears the refusal again.
    sql(ws, "UPDATE outbox SET status = 'pending', reject_code = '', last_error = ''")
    again = ws.engine.run_once()
    assert (again.pushed, again.duplicates, again.rejected) == (0, 0, 1)
    [refused] = rejected_ops(ws.db)
    assert refused.code


# --- 2. a refused edit whose server row points at rows not pulled yet ---------------------------


def test_a_refused_edit_naming_unpulled_rows_keeps_the_refusal(demo_db: Database) -> None:
    [(product, sku, name_zh, name_en, tax_class, price)] = rows(
        demo_db,
        "SELECT id, sku, name_zh, name_en, tax_class_id, price_minor FROM products"
        " ORDER BY sku LIMIT 1",
    )
    pid = uuid.UUID(product)
    with demo_db.session() as session:
        seq = edit_product(session, pid, {"price_minor": price + 5}, manager_of(demo_db))
    [(op_id,)] = rows(demo_db, "SELECT op_id FROM outbox WHERE device_seq = ?", seq)
    # The server's row now: in a category this till has not pulled yet.
    current = {
        "id": str(pid), "sku": sku, "name_zh": name_zh, "name_en": name_en,
        "tax_class_id": str(uuid.UUID(tax_class)), "category_id": str(uuid.uuid4()),
        "price_minor": price + 9, "version": 4,
    }  # fmt: skip
    answer = PushAnswer(
        cursor=12,
        server_time=NOW,
        results=(OpResult(uuid.UUID(op_id), seq, "rejected", "stale_edit", "Stale.",
                          {"current": current}),),
    )  # fmt: skip
    with demo_db.engine.begin() as conn:
        counts = apply_push_answer(conn, answer, NOW)
    assert counts.rejected == 1
    assert rows(demo_db, "SELECT status, reject_code FROM outbox WHERE op_id = ?", op_id) == [
        ("rejected", "stale_edit")
    ]
    assert any("next catalog update" in r.message for r in read_sync_log(demo_db))
    # Nothing of the row was half stored; the pull brings it with its category.
    assert rows(demo_db, "SELECT price_minor FROM products WHERE id = ?", pid.hex) == [(price + 5,)]


# --- 3. the invoice series during (and after) a catalog load ------------------------------------


def test_a_failed_catalog_load_keeps_this_tills_invoice_series(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    workstation = ws.enrolment.workstation_id.hex
    mine = ws.enrolment.invoice_prefix
    base = sync_server.branches.invoice_prefixes[0][0]
    assert mine != base
    seen: list[str] = []
    ws.db.dispose()
    with pytest.raises(Cancelled):
        bootstrap(
            ws.path, transport_of(ws), page_rows=1, reset=True, progress=seen.append,
            cancelled=lambda: any(not p.startswith(("branch", "workstation")) for p in seen),
        )  # fmt: skip
    assert any(p.startswith("workstation") for p in seen)
    assert sql(ws, "SELECT invoice_prefix FROM workstations WHERE id = ?", workstation) == [(mine,)]


# --- 4. two versions of a product in one pull page ---------------------------------------------


def test_a_barcode_removed_in_a_later_version_in_the_same_page_is_gone(demo_db: Database) -> None:
    columns = ("id", "sku", "name_zh", "name_en", "tax_class_id", "price_minor")
    [found] = rows(demo_db, f"SELECT {', '.join(columns)} FROM products ORDER BY sku LIMIT 1")
    product = found[0]
    pid = str(uuid.UUID(product))
    row = dict(zip(columns, found, strict=True)) | {
        "id": pid,
        "tax_class_id": str(uuid.UUID(found[4])),
    }
    kept, removed = "4710000000017", "4710000000024"
    page = PullPage(
        cursor=9,
        has_more=False,
        changes=(
            Change(3, "product", pid, "upsert",
                   {**row, "barcodes": [{"code": kept, "kind": "ean13"},
                                        {"code": removed, "kind": "ean13"}]}),
            Change(4, "product", pid, "upsert",
                   {**row, "barcodes": [{"code": kept, "kind": "ean13"}]}),
        ),
    )  # fmt: skip
    with demo_db.engine.begin() as conn:
        apply_page(conn, page, None, after=0)
    assert rows(demo_db, "SELECT code FROM product_barcodes WHERE product_id = ?", product) == [
        (kept,)
    ]


# --- 5. sales go up even when the catalog cannot be loaded -------------------------------------


def test_sales_go_up_while_the_catalog_load_keeps_failing(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    order_id = sell(ws, 1)
    sql(ws, "DELETE FROM local_state WHERE key = ?", CURSOR_KEY)  # the catalog must load again
    with FaultProxy(sync_server.server.url) as proxy:
        save_sync_settings(ws.db, SyncSettings(server_url=proxy.url))
        proxy.plan(Fault("500", path_prefix="/api/v1/bootstrap"))
        report = ws.engine.run_once()
    assert report.status.state == "offline"
    assert (report.pushed, report.status.pending_ops) == (1, 0)
    assert sql(ws, "SELECT status FROM outbox WHERE json_extract(payload, '$.id') = ?",
               str(order_id)) == [("acked",)]  # fmt: skip


# --- 6. one op the server will never take -------------------------------------------------------


def test_an_op_too_large_for_the_server_is_refused_and_the_queue_goes_on(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    with ws.db.session() as session:
        identity = lock_device_counters(session)
        queue_for_server(session, identity, "cart.parked", {"note": "x" * (3 * 1024 * 1024)},
                         now=utcnow())  # fmt: skip
    sell(ws, 1)
    report = ws.engine.run_once()
    assert (report.pushed, report.rejected, report.status.state) == (1, 1, "idle")
    [refused] = rejected_ops(ws.db)
    assert (refused.op_type, refused.code) == ("cart.parked", TOO_LARGE)
    assert refused.sentence


# --- 7. a sale committing while a sync transaction is open ---------------------------------------


class ConcurrentSale:
    """Makes another connection write (as a sale does) just before the statement whose text
    starts with ``prefix`` runs in a sync transaction, once; records whether it could."""

    def __init__(self, db: Database, prefix: str) -> None:
        self.db = db
        self.prefix = prefix
        self.outcome = ""

    def __call__(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.outcome or not statement.lstrip().startswith(self.prefix):
            return
        other = sqlite3.connect(self.db.path, timeout=0, isolation_level=None)
        try:
            other.execute("UPDATE device_identity SET next_invoice_no = next_invoice_no + 0")
            self.outcome = "committed"
        except sqlite3.OperationalError as exc:
            self.outcome = f"waited: {exc}"  # the sync transaction held the write lock
        finally:
            other.close()

    @classmethod
    @contextlib.contextmanager
    def installed(cls, db: Database, prefix: str) -> Iterator[ConcurrentSale]:
        hook = cls(db, prefix)
        event.listen(db.engine, "before_cursor_execute", hook)
        try:
            yield hook
        finally:
            event.remove(db.engine, "before_cursor_execute", hook)


@pytest.mark.parametrize(
    "prefix",
    ["UPDATE outbox SET attempts", "UPDATE outbox SET status", "INSERT INTO products"],
    ids=["push-batch", "push-answer", "pull-page"],
)
def test_a_sale_committing_during_a_sync_transaction_does_not_break_the_pass(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation, prefix: str
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    if prefix.startswith("INSERT"):
        new_products(sync_server, ws, 2)
    else:
        sell(ws, 1)
    with ConcurrentSale.installed(ws.db, prefix) as hook:
        report = ws.engine.run_once()
        assert hook.outcome.startswith("waited"), hook.outcome
    assert (report.status.state, report.status.last_error) == ("idle", "")
    assert report.status.pending_ops == 0
    if prefix.startswith("INSERT"):
        assert report.pulled >= 2


def test_a_busy_database_is_a_retryable_failure_with_a_sentence(
    sync_server: SyncServer,
    enrolled_workstation: EnrolWorkstation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    sell(ws, 1)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 50)  # new connections wait 50 ms
    ws.db.engine.dispose()
    blocker = sqlite3.connect(ws.path, isolation_level=None)
    holding = threading.Event()

    def hold_the_lock(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not holding.is_set() and statement.startswith("UPDATE device_identity"):
            blocker.execute("BEGIN IMMEDIATE")  # another program holds the database
            holding.set()

    def let_go(context: Any) -> None:
        if holding.is_set() and blocker.in_transaction:
            blocker.execute("ROLLBACK")

    event.listen(ws.db.engine, "before_cursor_execute", hold_the_lock)
    event.listen(ws.db.engine, "handle_error", let_go)
    try:
        report = ws.engine.run_once()
    finally:
        event.remove(ws.db.engine, "before_cursor_execute", hold_the_lock)
        event.remove(ws.db.engine, "handle_error", let_go)
        blocker.close()
    assert holding.is_set()
    assert (report.status.state, report.status.last_error) == ("offline", DATABASE_BUSY)
    assert report.retry_after_seconds is not None
    assert report.status.pending_ops == 1
    assert ws.engine.run_once().pushed == 1


# --- 8. two edits of one product before syncing ------------------------------------------------


def test_two_offline_edits_of_a_product_both_land(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ids = sync_server.branches.workstation_ids
    a = enrolled_workstation(sync_server, ids[0][0])
    b = enrolled_workstation(sync_server, ids[1][0])
    [(product, price)] = sql(a, "SELECT id, price_minor FROM products ORDER BY sku LIMIT 1")
    pid = uuid.UUID(product)
    with a.db.session() as session:
        edit_product(session, pid, {"price_minor": price + 1}, manager_of(a.db))
    with a.db.session() as session:
        edit_product(session, pid, {"name_en": "Edited twice"}, manager_of(a.db))
    report = a.engine.run_once()
    # Both edits, and their audit entries as one op of this till's chain.
    assert (report.pushed, report.rejected) == (3, 0), rejected_ops(a.db)
    b.engine.run_once()
    for ws in (a, b):
        assert sql(ws, "SELECT price_minor, name_en FROM products WHERE id = ?", pid.hex) == [
            (price + 1, "Edited twice")
        ]
    [(version_a,)] = sql(a, "SELECT version FROM products WHERE id = ?", pid.hex)
    assert sql(b, "SELECT version FROM products WHERE id = ?", pid.hex) == [(version_a,)]


# --- 9. two passes at once ---------------------------------------------------------------------


def test_an_older_page_never_moves_the_cursor_back(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    assert ws.engine.run_once().status.state == "idle"
    with ws.db.engine.connect() as conn:
        before = int((read_value(conn, CURSOR_KEY) or {})["cursor"])
    new_products(sync_server, ws, 1)
    # One pass fetched a page after ``before`` ...
    older = parse_pull(transport_of(ws).get("/pull", params={"cursor": before}), after=before)
    assert older.cursor > before
    # ... while another pass (a second engine on the same file) got further first.
    new_products(sync_server, ws, 1)
    assert SyncEngine(ws.db, ws.tokens).run_once().pulled >= 1
    with ws.db.engine.connect() as conn:
        newer = int((read_value(conn, CURSOR_KEY) or {})["cursor"])
    assert newer > older.cursor
    with pytest.raises(CursorMoved), ws.db.engine.begin() as conn:
        apply_page(conn, older, None, after=before)
    with ws.db.engine.connect() as conn:
        assert read_value(conn, CURSOR_KEY) == {"cursor": newer}


# --- 10. a re-enrolled clone's refused ops ------------------------------------------------------


def test_ops_refused_as_reused_go_again_after_enrolling_again(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    ws.db.dispose()
    clone_path = ws.path.with_name("clone-again.db")
    clone_path.write_bytes(ws.path.read_bytes())
    clone_db = open_database(clone_path)
    try:
        clone = SyncEngine(clone_db, ws.tokens)
        clone_ws = Workstation(clone_path, clone_db, clone, ws.tokens, ws.settings, ws.enrolment)
        sell(ws, 1)
        assert ws.engine.run_once().pushed == 1
        order_id = sell(clone_ws, 2)
        first = clone.run_once()
        assert (first.status.state if first.status.state == "cloned"
                else clone.run_once().status.state) == "cloned"  # fmt: skip
        code = serverproc.enrolment_code(sync_server.server, str(ws.enrolment.workstation_id))
        result = enrol(clone_path, ws.settings, code, ws.tokens)
        assert result.device_id != ws.enrolment.device_id
        # No manager retries anything: the op the server never recorded simply goes.
        assert rejected_ops(clone_db) == []
        landed = clone.run_once()
        assert landed.status.state == "idle", landed.status.last_error
        assert (landed.pushed, landed.status.pending_ops, landed.status.rejected_ops) == (1, 0, 0)
        assert sql(clone_ws, "SELECT status FROM outbox WHERE json_extract(payload, '$.id') = ?",
                   str(order_id)) == [("acked",)]  # fmt: skip
    finally:
        clone_db.dispose()


# --- 11. points of an unsent cancellation ------------------------------------------------------


def test_an_unsent_cancellation_counts_in_a_pulled_points_balance(demo_db: Database) -> None:
    draft = sale(demo_db, 7, member=True)
    assert draft.member_id is not None
    member = draft.member_id
    [(before,)] = rows(demo_db, "SELECT points FROM members WHERE id = ?", member.hex)
    with demo_db.session() as session:
        commit_sale(session, draft, now=NOW)
    [(earned,)] = rows(demo_db, "SELECT delta FROM points_entries WHERE order_id = ?",
                       draft.order_id.hex)  # fmt: skip
    assert earned > 0
    # The sale reached the server (its balance has the points); the void has not.
    conn = sqlite3.connect(demo_db.path)
    conn.execute("UPDATE outbox SET status = 'acked'")
    conn.commit()
    conn.close()
    manager, _ = manager_of(demo_db)
    with demo_db.session() as session:
        void_invoice(session, draft.order_id, "wrong item", staff_id=manager,
                     approved_by=manager, now=NOW)  # fmt: skip
    [(cancel_payload,)] = rows(
        demo_db, "SELECT payload FROM outbox WHERE op_type = 'order.cancelled'"
    )
    assert [p["delta"] for p in json.loads(cancel_payload)["points"]] == [-earned]
    server_balance = before + earned
    page = PullPage(
        cursor=5,
        has_more=False,
        changes=(Change(5, "points_balance", str(member), "upsert",
                        {"member_id": str(member), "points": server_balance}),),
    )  # fmt: skip
    with demo_db.engine.begin() as conn2:
        apply_page(conn2, page, None, after=0)
    assert rows(demo_db, "SELECT points FROM members WHERE id = ?", member.hex) == [(before,)]
