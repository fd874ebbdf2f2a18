"""The audit trail goes up with the outbox; the real server checks each chain as it arrives.

Against the real server process on SQLite and PostgreSQL: a till's entries
reach the server once, in chain order, and ``shop-server audit verify`` finds
its copy whole; an entry changed on the till before it went up is stored
(evidence) and flagged as a break where it starts, and both ``shop-admin
audit verify`` (the till's file) and ``shop-server audit verify`` (the
server's copy) name that link.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from typing import Any

from tests import serverproc
from tests.sync.tills import EnrolWorkstation, SyncServer, Workstation, sql

from shop_desktop.services.audit import AuditFacts, record_audit
from shop_shared.ops import AUDIT_ENTRIES


def cli(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def write(ws: Workstation, count: int, start: int = 0) -> None:
    [(staff,)] = sql(ws, "SELECT id FROM staff_users ORDER BY username LIMIT 1")
    for k in range(start, start + count):
        with ws.db.session() as session:
            record_audit(
                session.connection(),
                AuditFacts(
                    action="approval",
                    staff_id=uuid.UUID(staff),
                    workstation_id=ws.enrolment.workstation_id,
                    entity="staff_user",
                    entity_id=staff,
                    details={"what": f"第 {k} 行: 折扣 25%", "depth_bp": "2500"},
                ),
            )


def audit_flags(server: SyncServer, chain: str) -> list[dict[str, Any]]:
    flags = serverproc.admin_get(server.server, "/api/v1/admin/flags?after=0")["flags"]
    return [f for f in flags if f["kind"] == "audit_break" and f["entity_id"] == chain]


def test_the_chain_reaches_the_server_and_a_changed_entry_is_flagged(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    chain = ws.enrolment.device_id.hex
    write(ws, 3)
    first = ws.engine.run_once()
    assert first.status.state == "idle", first.status.last_error
    assert first.status.pending_ops == 0
    assert sql(ws, "SELECT count(*) FROM outbox WHERE op_type = ?", AUDIT_ENTRIES) == [(1,)]

    url = sync_server.server.database_url
    held = cli("shop_server.cli", "audit", "verify", "--database-url", url, "--device", chain)
    assert held.returncode == 0, held.stderr
    assert f"{chain}: ok, 3 entries" in held.stdout
    assert audit_flags(sync_server, chain) == []

    # Someone edits an entry in the till's file before it went up.
    write(ws, 3, start=3)
    conn = sqlite3.connect(ws.path)
    conn.execute("UPDATE audit_log SET details = replace(details, '25%', '5%') WHERE seq = 5")
    conn.commit()
    conn.close()
    till = cli("shop_desktop.admin", "audit", "verify", "--db", str(ws.path))
    assert till.returncode == 1
    assert "entry seq 5" in till.stdout

    second = ws.engine.run_once()
    assert second.status.state == "idle", second.status.last_error
    assert (second.rejected, second.status.pending_ops) == (0, 0)
    [flag] = audit_flags(sync_server, chain)
    assert flag["data"] == {"chain_device_id": chain, "seq": 5, "problem": "hash_mismatch"}
    assert flag["device_id"] == str(ws.enrolment.device_id)

    copy = cli("shop_server.cli", "audit", "verify", "--database-url", url, "--device", chain)
    assert copy.returncode == 2
    assert "BROKEN at entry seq 5" in copy.stdout
    assert "4 entries before it hold" in copy.stdout

    # The entries after the break still chain onto what the server holds: no new flag.
    write(ws, 2, start=6)
    third = ws.engine.run_once()
    assert third.status.state == "idle", third.status.last_error
    assert len(audit_flags(sync_server, chain)) == 1
