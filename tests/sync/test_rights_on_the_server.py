"""A till cannot raise its own rights by editing its SQLite file: the server checks.

A real till (enrolled through the client's own ``enrol``, staff loaded from the
server) and the real server process on loopback.
"""

from __future__ import annotations

import uuid

from tests.sync.tills import EnrolWorkstation, SyncServer, sell, server_orders, sql

from shop_desktop.data.models import Role
from shop_desktop.domain.permissions import Limits
from shop_desktop.services.auth import log_in
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.staff import StaffEdit, save_staff


def _staff(ws_rows: list[tuple[object, ...]]) -> uuid.UUID:
    [(staff_id,)] = ws_rows
    return uuid.UUID(str(staff_id))


def test_a_cashier_made_admin_in_the_tills_file_cannot_void_without_approval(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    cashier = _staff(sql(ws, "SELECT id FROM staff_users WHERE username = 'cashier1a'"))
    manager = _staff(sql(ws, "SELECT id FROM staff_users WHERE username = 'manager1'"))
    tampered, approved = sell(ws), sell(ws)
    first = ws.engine.run_once()
    assert (first.status.state, first.status.rejected_ops) == ("idle", 0)

    # Someone with the file edits the cashier's role: the till itself now lets them void.
    sql(ws, "UPDATE staff_users SET role = 'admin' WHERE id = ?", cashier.hex)
    with ws.db.session() as session:
        void_invoice(session, tampered, "自己作廢", staff_id=cashier, approved_by=None)
    # The honest way: the same cashier with a manager's approval.
    with ws.db.session() as session:
        void_invoice(session, approved, "刷錯了", staff_id=cashier, approved_by=manager)
    report = ws.engine.run_once()

    refused = sql(
        ws,
        "SELECT json_extract(payload, '$.order_id'), status, reject_code FROM outbox"
        " WHERE op_type = 'order.cancelled' ORDER BY device_seq",
    )
    assert [(status, code) for _, status, code in refused] == [
        ("rejected", "not_permitted"),
        ("acked", ""),
    ]
    assert report.status.rejected_ops == 1
    held = {o["id"]: o["status"] for o in server_orders(ws, sync_server)}
    assert held[str(tampered)] == "completed"  # the server still holds it as sold
    assert held[str(approved)] == "cancelled"


def test_an_administrators_staff_edit_reaches_the_other_tills(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ids = sync_server.branches.workstation_ids
    a = enrolled_workstation(sync_server, ids[0][0])
    b = enrolled_workstation(sync_server, ids[1][0])
    admin = _staff(sql(a, "SELECT id FROM staff_users WHERE username = 'admin'"))
    cashier = _staff(sql(a, "SELECT id FROM staff_users WHERE username = 'cashier1a'"))
    with a.db.session() as session:
        amy = save_staff(
            session,
            admin,
            StaffEdit(
                None,
                "amy",
                "林艾美",
                Role.SUPERVISOR,
                None,
                Limits(refund_minor=9_000),
                password="amy-pw1",
            ),
        )
    # A cashier made admin in this file: the till lets it through, the server will not.
    sql(a, "UPDATE staff_users SET role = 'admin' WHERE id = ?", cashier.hex)
    friend = _staff(sql(a, "SELECT id FROM staff_users WHERE username = 'cashier1b'"))
    with a.db.session() as session:
        save_staff(session, cashier, StaffEdit(friend, "cashier1b", "收銀員1B", Role.ADMIN, None))
    pushed = a.engine.run_once()
    assert pushed.status.rejected_ops == 1
    [(code,)] = sql(a, "SELECT reject_code FROM outbox WHERE status = 'rejected'")
    assert code == "not_permitted"

    b.engine.run_once()
    [(role, refund, pw_hash)] = sql(
        b, "SELECT role, max_refund_minor, password_hash FROM staff_users WHERE id = ?", amy.hex
    )
    assert (role, refund) == ("supervisor", 9_000)
    assert pw_hash.startswith("$argon2id$")
    with b.db.session() as session:
        assert log_in(session, "amy", "amy-pw1").role is Role.SUPERVISOR
    # The promotion never reached the server: a new till of the same branch loads a cashier.
    c = enrolled_workstation(sync_server, ids[0][0])
    assert sql(c, "SELECT role FROM staff_users WHERE id = ?", friend.hex) == [("cashier",)]
    assert sql(c, "SELECT role FROM staff_users WHERE id = ?", cashier.hex) == [("cashier",)]
