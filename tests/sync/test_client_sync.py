"""The sync engine against the real server process (SQLite and PostgreSQL backends).

Offline sales reach the server exactly once; repeats are answered as
duplicates and counted once; stock and points come back down; a refused op
is kept and listed and does not block the others; a stale catalog edit is
refused and the server's row restored; revoked and cloned workstations stop
and say so, and a re-enrolled clone's ops land under its new series.
"""

from __future__ import annotations

import shutil
import uuid
from typing import Any

from tests import serverproc
from tests.sync.tills import (
    EnrolWorkstation,
    SyncServer,
    Workstation,
    device_get,
    first_member,
    sell,
    server_orders,
    sold_product,
    sql,
)

from shop_desktop.data.db import open_database
from shop_desktop.data.models import Role
from shop_desktop.data.types import utcnow
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.sync.catalog_edits import edit_product
from shop_desktop.services.sync.engine import (
    SyncEngine,
    read_sync_log,
    rejected_ops,
    retry_rejected,
)
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.members import update_member


def order_payloads(ws: Workstation, server: SyncServer) -> list[dict[str, Any]]:
    """The orders the server holds for the till's branch, as the till sent them."""
    return [o["payload"] for o in server_orders(ws, server)]


def test_offline_sale_reaches_the_server_exactly_once(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    assert sql(ws, "SELECT count(*) FROM products") == [(20,)]
    first = ws.engine.run_once()
    assert first.status.state == "idle", first.status.last_error
    assert first.status.clock_skew_seconds is not None
    [(stock_before,)] = sql(ws, "SELECT on_hand_milli FROM stock_levels WHERE branch_id = ? AND"
                            " product_id = (SELECT id FROM products ORDER BY sku LIMIT 1)",
                            ws.enrolment.branch_id.hex)  # fmt: skip

    sync_server.server.stop()
    try:
        order_id = sell(ws, 3, member=True)
        product, member = sold_product(ws), first_member(ws)
        offline = ws.engine.run_once()
        assert offline.status.state == "offline"
        assert offline.status.pending_ops == 1
        assert offline.retry_after_seconds is not None
        assert offline.status.last_error
    finally:
        sync_server.server.restart()

    back = ws.engine.run_once()
    assert (back.pushed, back.rejected, back.status.state) == (1, 0, "idle")
    assert back.status.pending_ops == 0
    mine = [o for o in order_payloads(ws, sync_server) if o["id"] == str(order_id)]
    assert len(mine) == 1
    # Stock and points came back down; the sale's movement is part of the snapshot now.
    [(stock_after,)] = sql(ws, "SELECT on_hand_milli FROM stock_levels WHERE branch_id = ? AND"
                           " product_id = ?", ws.enrolment.branch_id.hex, product)  # fmt: skip
    assert stock_after == stock_before - 3000
    assert sql(ws, "SELECT synced FROM stock_movements") == [(1,)]
    [(points,)] = sql(ws, "SELECT points FROM members WHERE id = ?", member)
    [(earned,)] = sql(ws, "SELECT delta FROM points_entries WHERE member_id = ?", member)
    assert points >= earned > 0

    # The answer was "lost": the same op goes again. The server answers duplicate.
    sql(ws, "UPDATE outbox SET status = 'pending'")
    sql(ws, "UPDATE stock_movements SET synced = 0, ack_seq = NULL")
    again = ws.engine.run_once()
    assert (again.pushed, again.duplicates) == (0, 1)
    assert len([o for o in order_payloads(ws, sync_server) if o["id"] == str(order_id)]) == 1
    [(stock_again,)] = sql(ws, "SELECT on_hand_milli FROM stock_levels WHERE branch_id = ? AND"
                           " product_id = ?", ws.enrolment.branch_id.hex, product)  # fmt: skip
    assert stock_again == stock_after
    assert sql(ws, "SELECT synced FROM stock_movements") == [(1,)]


def test_a_refused_op_is_kept_listed_and_blocks_nothing(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    with ws.db.session() as session:
        identity = lock_device_counters(session)
        # Not an op of the protocol, so its version is given: the server knows none.
        queue_for_server(session, identity, "bogus.op", {"x": 1}, now=utcnow(), payload_version=1)
    order_id = sell(ws, 1, member=False)
    report = ws.engine.run_once()
    assert (report.pushed, report.rejected) == (1, 1)
    assert report.status.rejected_ops == 1
    [refused] = rejected_ops(ws.db)
    assert refused.op_type == "bogus.op"
    assert refused.code
    assert refused.sentence
    assert [o["id"] for o in order_payloads(ws, sync_server)].count(str(order_id)) == 1

    retry_rejected(ws.db, refused.op_id)
    assert ws.engine.status().pending_ops == 1
    report = ws.engine.run_once()
    # Still unknown to the server: refused again, as a new op with the next sequence number.
    assert report.rejected == 1
    [again] = rejected_ops(ws.db)
    assert again.op_id != refused.op_id
    assert again.device_seq > refused.device_seq


def test_a_stale_catalog_edit_is_refused_and_the_server_row_restored(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ids = sync_server.branches.workstation_ids
    a = enrolled_workstation(sync_server, ids[0][0])
    b = enrolled_workstation(sync_server, ids[1][0])
    [(product, price)] = sql(a, "SELECT id, price_minor FROM products ORDER BY sku DESC LIMIT 1")
    pid = uuid.UUID(product)
    # Each till's own manager: a till holds only the staff of its branch.
    managers = [
        (
            uuid.UUID(sql(till, "SELECT id FROM staff_users WHERE role = 'manager'")[0][0]),
            Role.MANAGER,
        )
        for till in (a, b)
    ]
    with a.db.session() as session:
        edit_product(session, pid, {"price_minor": price + 10}, managers[0])
    with b.db.session() as session:
        edit_product(session, pid, {"price_minor": price + 20}, managers[1])
    assert a.engine.run_once().rejected == 0
    refused = b.engine.run_once()
    assert refused.rejected == 1
    [op] = rejected_ops(b.db)
    assert op.code == "stale_edit"
    assert sql(b, "SELECT price_minor FROM products WHERE id = ?", pid.hex) == [(price + 10,)]
    [(version_a,)] = sql(a, "SELECT version FROM products WHERE id = ?", pid.hex)
    assert sql(b, "SELECT version FROM products WHERE id = ?", pid.hex) == [(version_a,)]


def test_a_revoked_workstation_stops_and_says_so(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    serverproc.admin_post(
        sync_server.server, f"/api/v1/admin/devices/{ws.enrolment.device_id}/revoke", {}
    )
    report = ws.engine.run_once()
    assert report.status.state == "revoked"
    assert "revoked" in report.status.last_error


def test_a_cloned_workstation_is_caught_and_its_ops_land_after_enrolling_again(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    ws.db.dispose()
    clone_path = ws.path.with_name("clone.db")
    shutil.copyfile(ws.path, clone_path)
    clone_db = open_database(clone_path)
    try:
        clone = SyncEngine(clone_db, ws.tokens)
        sell(ws, 1, member=False)
        assert ws.engine.run_once().pushed == 1
        # The clone sells too, with the same device id and the same device_seq.
        clone_ws = type(ws)(clone_path, clone_db, clone, ws.tokens, ws.settings, ws.enrolment)
        sell(clone_ws, 2, member=False)
        first = clone.run_once()
        second = clone.run_once() if first.status.state != "cloned" else first
        assert second.status.state == "cloned"
        assert "enrol" in second.status.last_error
        # A manager enrols the clone again: new device id and series, op renumbered and sent.
        code = serverproc.enrolment_code(sync_server.server, str(ws.enrolment.workstation_id))
        result = enrol(clone_path, ws.settings, code, ws.tokens)
        assert result.device_id != ws.enrolment.device_id
        assert result.invoice_prefix != ws.enrolment.invoice_prefix
        # The refused copy (device_seq_reused) is kept; retry it under the new series.
        for op in rejected_ops(clone_db):
            retry_rejected(clone_db, op.op_id)
        landed = clone.run_once()
        assert landed.status.state == "idle", landed.status.last_error
        assert landed.status.pending_ops == 0
    finally:
        clone_db.dispose()


def test_member_fields_are_last_write_per_field(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ids = sync_server.branches.workstation_ids
    a = enrolled_workstation(sync_server, ids[0][0])
    b = enrolled_workstation(sync_server, ids[1][0])
    [(member,)] = sql(a, "SELECT id FROM members ORDER BY code DESC LIMIT 1")
    mid = uuid.UUID(member)
    with a.db.session() as session:
        update_member(session, mid, {"phone": "0911000111"})
    with b.db.session() as session:
        update_member(session, mid, {"email": "later@example.com"})
    assert a.engine.run_once().pushed == 1
    assert b.engine.run_once().pushed == 1
    a.engine.run_once()
    for ws in (a, b):
        assert sql(ws, "SELECT phone, email FROM members WHERE id = ?", mid.hex) == [
            ("0911000111", "later@example.com")
        ]


def test_a_too_old_cursor_reloads_the_catalog_and_keeps_the_outbox(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    hello = device_get(ws, sync_server, "/api/v1/hello")
    # The seeded server's log starts above 0, so cursor 0 is below its floor.
    assert hello["cursor_floor"] > 0
    sell(ws, 1, member=False)
    sell(ws, 1, member=False)
    sql(ws, "UPDATE local_state SET value = '{\"cursor\": 0}' WHERE key = 'sync_cursor'")
    sql(ws, "DELETE FROM stock_levels")
    report = ws.engine.run_once()
    assert (report.status.state, report.status.last_error) == ("idle", "")
    assert report.pushed == 2
    assert any("offline too long" in row.message for row in read_sync_log(ws.db))
    assert sql(ws, "SELECT count(*) FROM orders") == [(2,)]
    assert sql(ws, "SELECT count(*) FROM products") == [(20,)]
    assert sql(ws, "SELECT count(*) FROM stock_levels")[0][0] > 0
    assert sql(ws, "SELECT count(*) FROM outbox WHERE status = 'acked'") == [(2,)]
