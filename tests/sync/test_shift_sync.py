"""Shifts closed offline on two tills reach the real server, whose branch-day report is
the sum of both Z reports, to the cent."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from tests import serverproc
from tests.sync.tills import EnrolWorkstation, ShopLayout, SyncServer, Workstation, sell, sql

from shop_desktop.data.types import utcnow
from shop_desktop.domain.shift import ShiftTotals
from shop_desktop.services.shifts import ShiftReport, close_shift, move_cash, open_shift, x_report


@pytest.fixture(scope="module")
def shop_layout() -> ShopLayout:
    """One branch with two tills."""
    return ShopLayout(tills_per_branch=(2,), products=20)


def staff(ws: Workstation, role: str) -> uuid.UUID:
    [(found,)] = sql(ws, "SELECT id FROM staff_users WHERE role = ? ORDER BY username LIMIT 1",
                     role)  # fmt: skip
    return uuid.UUID(found)


def a_shift(ws: Workstation, sales: int, cash_in: int) -> ShiftReport:
    """Open a shift, sell ``sales`` times, put ``cash_in`` into the drawer, close it with
    the drawer counted as expected; the Z report."""
    cashier = staff(ws, "cashier")
    with ws.db.session() as session:
        open_shift(session, cashier, {1000: 2}, now=OPENED)
    for qty in range(1, sales + 1):
        sell(ws, qty)
    with ws.db.session() as session:
        move_cash(session, cashier, into_drawer=True, amount_minor=cash_in, reason="coins")
    with ws.db.session() as session:
        expected = x_report(session).expected_cash_minor
    with ws.db.session() as session:
        return close_shift(session, cashier, {1: expected})


OPENED = utcnow()


def test_two_tills_close_offline_and_the_branch_day_is_the_sum_of_their_z_reports(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    branch = sync_server.branches.branch_ids[0]
    first, second = (
        enrolled_workstation(sync_server, ws) for ws in sync_server.branches.workstation_ids[0]
    )
    day = OPENED.astimezone().date().isoformat()
    sync_server.server.stop()
    try:
        z1 = a_shift(first, 3, 50)
        z2 = a_shift(second, 2, 70)
        assert first.engine.run_once().status.state == "offline"
    finally:
        sync_server.server.restart()
    for ws in (first, second):
        result = ws.engine.run_once()
        assert (result.rejected, result.status.pending_ops) == (0, 0), result.status.last_error

    report = serverproc.admin_get(sync_server.server, f"/api/v1/admin/branches/{branch}/days/{day}")
    both = z1.totals + z2.totals
    assert ShiftTotals.from_json(report["totals"]) == both
    assert report["totals"]["sales_count"] == 5
    assert report["net_sales_minor"] == z1.totals.net_sales_minor + z2.totals.net_sales_minor
    assert report["expected_cash_minor"] == z1.expected_cash_minor + z2.expected_cash_minor
    assert report["counted_minor"] == (z1.counted_minor or 0) + (z2.counted_minor or 0)
    assert report["float_minor"] == 4000
    assert sorted(s["shift_id"] for s in report["shifts"]) == sorted(
        [str(z1.shift_id), str(z2.shift_id)]
    )
    assert report["open_shifts"] == []

    # The same from the command line, on the server's own database.
    shown = subprocess.run(
        [sys.executable, "-m", "shop_server.cli", "branch-day", branch, day,
         "--database-url", sync_server.server.database_url],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(shown.stdout.strip().splitlines()[-1])["totals"] == report["totals"]


def test_a_z_report_that_is_not_one_is_refused_and_the_day_is_unchanged(
    sync_server: SyncServer,
) -> None:
    branch = sync_server.branches.branch_ids[0]
    workstation = sync_server.branches.workstation_ids[0][0]
    device = serverproc.enrol(sync_server.server, workstation)
    day = "2026-01-02"
    shift_id = str(uuid.uuid4())
    bad = {"totals": {"sales_count": "many"}, "number": 1}
    ops = [
        {
            "op_id": str(uuid.uuid4()), "device_seq": 1, "op_type": "shift.closed",
            "payload_version": 1,
            "payload": {"id": shift_id, "branch_id": branch, "workstation_id": workstation,
                        "business_day": day, "closed_at": "2026-01-02T10:00:00+00:00",
                        "report": bad},
        }
    ]  # fmt: skip
    answer = serverproc.push(sync_server.server, device, ops)
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    shown = serverproc.admin_get(sync_server.server, f"/api/v1/admin/branches/{branch}/days/{day}")
    assert (shown["shifts"], shown["totals"]["sales_count"]) == ([], 0)
