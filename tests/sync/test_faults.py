"""Everything that goes wrong between a till and the server, through the real engine.

The server is the real process (SQLite and PostgreSQL backends); faults are
injected by ``FaultProxy`` between it and the workstation, or by killing a
process outright. After each fault the next pass must land every sale
exactly once: a retry is answered ``duplicate`` and nothing is counted
twice, nothing is marked acknowledged that the server did not answer for,
and the status bar says what happened in a sentence.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from tests import serverproc
from tests.sync.faultproxy import Fault, FaultKind, FaultProxy
from tests.sync.tills import (
    EnrolWorkstation,
    SyncServer,
    Workstation,
    device_get,
    first_member,
    member_points,
    orders_on_server,
    sell,
    server_orders,
    sql,
)

from shop_desktop.data.db import open_database
from shop_desktop.data.types import utcnow
from shop_desktop.services.sync import transport
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import (
    SyncEngine,
    read_sync_log,
    rejected_ops,
    retry_rejected,
    save_sync_settings,
)
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.state import SyncSettings

RETRYABLE_SENTENCE = transport.Retryable.sentence


# --- helpers ------------------------------------------------------------------------------


def count_on_server(ws: Workstation, server: SyncServer, order_ids: set[uuid.UUID]) -> int:
    """How many of the server's orders are these (a duplicate counts twice)."""
    return sum(uuid.UUID(str(o["id"])) in order_ids for o in server_orders(ws, server))


def orders_in_server_db(server: SyncServer) -> int:
    """Orders in the server's database, read directly (the server may be dead)."""
    url = server.server.database_url
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
        row = pg.execute("SELECT count(*) FROM orders").fetchone()
        assert row is not None
        return int(row[0])


def through(ws: Workstation, url: str) -> None:
    """Point the workstation at ``url`` (the proxy, or the server again)."""
    save_sync_settings(ws.db, SyncSettings(server_url=url))


@pytest.fixture
def proxy(sync_server: SyncServer) -> Iterator[FaultProxy]:
    with FaultProxy(sync_server.server.url) as running:
        yield running


# --- retryable answers -------------------------------------------------------------------------

#: Faults after which the server has the batch (it committed) but the till does not know.
COMMITTED: set[FaultKind] = {"lost", "slow", "garbage", "truncated", "wrong_shape"}


def test_every_retryable_fault_keeps_the_sale_and_the_next_pass_lands_it_once(
    sync_server: SyncServer,
    enrolled_workstation: EnrolWorkstation,
    proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    through(ws, proxy.url)
    # A client time-out shorter than the proxy's "slow" hold (the answer comes after it).
    monkeypatch.setattr(transport, "READ_TIMEOUT", 1.0)
    assert ws.engine.run_once().status.state == "idle"
    faults: list[Fault] = [
        Fault("lost"), Fault("reset"), Fault("500"), Fault("503"), Fault("429", retry_after=7),
        Fault("slow", delay=2.5), Fault("garbage"), Fault("truncated"), Fault("wrong_shape"),
    ]  # fmt: skip
    sold: set[uuid.UUID] = set()
    for fault in faults:
        order = sell(ws, member=True)
        sold.add(order)
        proxy.plan(fault)
        failed = ws.engine.run_once()
        assert proxy.pending_faults == 0, fault.kind
        assert failed.status.state == "offline", fault.kind
        assert failed.status.last_error == RETRYABLE_SENTENCE, fault.kind
        assert failed.status.pending_ops == 1, fault.kind  # nothing marked acked wrongly
        assert sql(ws, "SELECT status FROM outbox ORDER BY id DESC LIMIT 1") == [("pending",)]
        assert failed.retry_after_seconds is not None
        if fault.kind == "429":
            assert failed.retry_after_seconds == 7  # the server's Retry-After, not the backoff
        on_server = count_on_server(ws, sync_server, {order})
        assert on_server == (1 if fault.kind in COMMITTED else 0), fault.kind
        landed = ws.engine.run_once()
        assert landed.status.state == "idle", (fault.kind, landed.status.last_error)
        assert landed.status.last_error == ""
        assert landed.status.pending_ops == 0
        if fault.kind in COMMITTED:
            assert (landed.pushed, landed.duplicates) == (0, 1), fault.kind
        else:
            assert (landed.pushed, landed.duplicates) == (1, 0), fault.kind
        assert count_on_server(ws, sync_server, {order}) == 1, fault.kind
    time.sleep(2.6)  # let the proxy's held "slow" answer finish before it closes
    # Points and stock counted once for every sale, whatever the fault.
    member = first_member(ws)
    points = member_points(ws, sync_server, member)
    mine = [e for e in points["entries"] if e["order_id"] and uuid.UUID(e["order_id"]) in sold]
    assert len(mine) == len(sold)
    assert sql(ws, "SELECT count(*) FROM stock_movements WHERE synced = 0") == [(0,)]


def test_one_push_in_flight_even_when_two_passes_are_asked_at_once(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation, proxy: FaultProxy
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    through(ws, proxy.url)
    orders = {sell(ws) for _ in range(450)}  # three batches of at most 200
    threads = [threading.Thread(target=ws.engine.run_once) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert proxy.max_pushes_in_flight == 1
    assert len([s for s in proxy.seen if s[1].startswith("/api/v1/push")]) == 3
    assert ws.engine.status().pending_ops == 0
    assert count_on_server(ws, sync_server, orders) == len(orders)


# --- processes killed -------------------------------------------------------------------------


def test_server_killed_mid_batch_leaves_no_partial_batch(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation, proxy: FaultProxy
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    through(ws, proxy.url)
    orders = {sell(ws, member=True) for _ in range(200)}  # one big batch
    before = orders_in_server_db(sync_server)
    passed: list[Any] = []
    pushing = threading.Thread(target=lambda: passed.append(ws.engine.run_once()))
    pushing.start()
    deadline = time.monotonic() + 30
    while not any(s[1].startswith("/api/v1/push") for s in proxy.seen):
        assert time.monotonic() < deadline
        time.sleep(0.001)
    sync_server.server.kill()  # no clean shutdown: SIGKILL to the whole process group
    pushing.join(timeout=60)
    try:
        [report] = passed
        assert report.status.state == "offline"
        assert report.status.pending_ops == 200
        # All or nothing: the batch is one server transaction.
        assert orders_in_server_db(sync_server) - before in (0, 200)
    finally:
        sync_server.server.restart()
    landed = ws.engine.run_once()
    assert landed.status.state == "idle", landed.status.last_error
    assert landed.pushed + landed.duplicates == 200
    assert count_on_server(ws, sync_server, orders) == 200


CHILD = textwrap.dedent(
    """
    import sys, uuid
    from pathlib import Path
    from shop_desktop.data.db import open_database
    from shop_desktop.services.sync.engine import SyncEngine

    class Tokens:
        def get(self, device_id): return sys.argv[2]
        def set(self, device_id, token): pass
        def delete(self, device_id): pass

    SyncEngine(open_database(Path(sys.argv[1])), Tokens()).run_once()
    print("PASS OVER", flush=True)
    """
)


def test_client_killed_between_send_and_acknowledge_counts_nothing_twice(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation, proxy: FaultProxy
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    orders = {sell(ws, 2, member=True) for _ in range(5)}
    through(ws, proxy.url)
    token = ws.tokens.get(ws.enrolment.device_id)
    assert token is not None
    # The server commits, then the proxy holds the answer; the till dies meanwhile.
    proxy.plan(Fault("slow", delay=4.0))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws.path), token],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.monotonic() + 60
        while count_on_server(ws, sync_server, orders) < len(orders):
            assert child.poll() is None, "the child finished before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        assert child.stdout is not None
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert sql(ws, "SELECT status, count(*) FROM outbox GROUP BY status") == [("pending", 5)]
    # The proxy's held answer goes nowhere; let it finish before the next push.
    assert proxy.wait_until_no_push(timeout=60), "the proxy never let go of the held answer"
    fresh = SyncEngine(open_database(ws.path), ws.tokens)
    try:
        again = fresh.run_once()
    finally:
        fresh.db.dispose()
    assert again.status.state == "idle", again.status.last_error
    assert (again.pushed, again.duplicates) == (0, 5)
    assert count_on_server(ws, sync_server, orders) == 5
    member = first_member(ws)
    points = member_points(ws, sync_server, member)
    earned = [e for e in points["entries"] if e["order_id"] and uuid.UUID(e["order_id"]) in orders]
    assert len(earned) == 5
    assert sql(ws, "SELECT points FROM members WHERE id = ?", member) == [(points["points"],)]


# --- time, versions, refusals -------------------------------------------------------------------


def test_a_clock_a_day_ahead_is_measured_and_reorders_nothing(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    ahead = SyncEngine(ws.db, ws.tokens, now=lambda: utcnow() + timedelta(days=1))
    first = sell(ws, now=utcnow() + timedelta(days=1))  # sold while the clock was wrong
    second = sell(ws, now=utcnow())  # the clock was fixed: "earlier" than the first
    report = ahead.run_once()
    assert report.status.state == "idle", report.status.last_error
    assert report.status.clock_skew_seconds is not None
    assert abs(abs(report.status.clock_skew_seconds) - 86_400) < 60
    assert (report.pushed, report.rejected) == (2, 0)
    held = [uuid.UUID(str(o["id"])) for o in server_orders(ws, sync_server)]
    assert held.index(first) < held.index(second)  # device_seq order, not the clock's


def test_an_old_clients_v1_order_still_in_the_outbox_lands(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    order = sell(ws, 3, member=True)
    # As the previous release wrote it: payload version 1, no "points" (earned by the server).
    sql(ws, "UPDATE outbox SET payload_version = 1, payload = json_remove(payload, '$.points')")
    [(payload,)] = sql(ws, "SELECT payload FROM outbox")
    assert "points" not in json.loads(payload)
    report = ws.engine.run_once()
    assert (report.pushed, report.rejected) == (1, 0), report.status.last_error
    [held] = [o for o in server_orders(ws, sync_server) if uuid.UUID(str(o["id"])) == order]
    [(member, total)] = sql(ws, "SELECT member_id, total_minor FROM orders")
    points = member_points(ws, sync_server, member)
    earned = [e for e in points["entries"] if e["order_id"] == held["id"]]
    assert [e["delta"] for e in earned] == [total // 100]


def test_a_permanently_refused_op_is_kept_and_the_rest_lands(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    refused_order = sell(ws)
    # A newer app's payload version, unknown to this server: refused for good.
    sql(ws, "UPDATE outbox SET payload_version = 99")
    behind = {sell(ws), sell(ws)}
    report = ws.engine.run_once()
    assert (report.pushed, report.rejected) == (2, 1)
    assert report.status.rejected_ops == 1
    [refused] = rejected_ops(ws.db)
    assert refused.code == "unsupported_version"
    assert refused.sentence
    assert count_on_server(ws, sync_server, behind) == 2
    assert count_on_server(ws, sync_server, {refused_order}) == 0
    # The manager fixes the cause and queues it again: it lands, once.
    sql(ws, "UPDATE outbox SET payload_version = 2 WHERE status = 'rejected'")
    retry_rejected(ws.db, refused.op_id)
    again = ws.engine.run_once()
    assert (again.pushed, again.rejected, again.status.rejected_ops) == (1, 0, 0)
    assert count_on_server(ws, sync_server, {refused_order}) == 1


def test_a_cloned_workstation_is_caught_re_enrols_and_never_repeats_an_invoice(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    ws.engine.run_once()
    clone_path = ws.path.with_name("cloned-till.db")
    ws.db.dispose()
    sql(ws, "PRAGMA wal_checkpoint(TRUNCATE)")
    clone_path.write_bytes(ws.path.read_bytes())
    original = {sell(ws), sell(ws)}
    # The copy runs on another machine: its own keyring, holding the copied token.
    clone_tokens = KeyringTokenStore(service="shop-desktop-other-machine")
    token = ws.tokens.get(ws.enrolment.device_id)
    assert token is not None
    clone_tokens.set(ws.enrolment.device_id, token)
    clone_db = open_database(clone_path)
    try:
        clone = SyncEngine(clone_db, clone_tokens)
        clone_ws = Workstation(clone_path, clone_db, clone, clone_tokens, ws.settings,
                               ws.enrolment)  # fmt: skip
        cloned = {sell(clone_ws), sell(clone_ws)}
        assert ws.engine.run_once().pushed == 2
        caught = clone.run_once()
        if caught.status.state != "cloned":
            caught = clone.run_once()
        assert caught.status.state == "cloned"
        assert "enrol this workstation again" in caught.status.last_error
        assert clone.run_once().status.state == "cloned"  # stays stopped until re-enrolled
        code = serverproc.enrolment_code(sync_server.server, str(ws.enrolment.workstation_id))
        again = enrol(clone_path, ws.settings, code, clone_tokens)
        assert again.device_id != ws.enrolment.device_id
        assert again.invoice_prefix != ws.enrolment.invoice_prefix
        for op in rejected_ops(clone_db):
            retry_rejected(clone_db, op.op_id)
        later = sell(clone_ws)
        landed = clone.run_once()
        assert landed.status.state == "idle", landed.status.last_error
        assert landed.status.pending_ops == 0
        [(prefix_used,)] = sql(clone_path, "SELECT invoice_no FROM orders WHERE id = ?", later.hex)
        assert prefix_used.startswith(again.invoice_prefix)
        # The original shares the device id: it is stopped too, until it enrols again.
        assert ws.engine.run_once().status.state == "cloned"
        new_token = clone_tokens.get(again.device_id)
        assert new_token is not None
    finally:
        clone_db.dispose()
    held = orders_on_server(sync_server.server.url, new_token, ws.enrolment.branch_id)
    # The clone's sales before it was caught carry invoice numbers the original also
    # issued (printed receipts: they cannot be renumbered). They were real sales, so
    # they must reach the server (kept and flagged, as a coupon's second use is), not
    # be refused for good. Every number issued since enrolling again is new.
    every = original | cloned | {later}
    landed_ids = [uuid.UUID(str(o["id"])) for o in held]
    assert sorted(o.hex for o in every - set(landed_ids)) == [], "cloned sales never landed"
    assert all(landed_ids.count(o) == 1 for o in every)
    fresh = [o["invoice_no"] for o in held if o["invoice_no"].startswith(again.invoice_prefix)]
    others = [o["invoice_no"] for o in held if not o["invoice_no"].startswith(again.invoice_prefix)]
    assert fresh
    assert not set(fresh) & set(others)
    assert len(fresh) == len(set(fresh))


def test_a_too_old_cursor_reloads_the_catalog_and_never_the_outbox(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[1][0])
    assert ws.engine.run_once().status.state == "idle"
    orders = {sell(ws), sell(ws)}
    # Meanwhile the catalog changes and the server compacts its log past this till's cursor.
    serverproc.add_products(sync_server.server, 2)
    serverproc.admin_post(sync_server.server, "/api/v1/admin/change-log/compact", {})
    serverproc.add_products(sync_server.server, 1)
    report = ws.engine.run_once()
    assert (report.status.state, report.status.last_error) == ("idle", "")
    assert report.pushed == 2
    assert count_on_server(ws, sync_server, orders) == 2
    assert sql(ws, "SELECT count(*) FROM orders") == [(2,)]
    assert sql(ws, "SELECT status, count(*) FROM outbox GROUP BY status") == [("acked", 2)]
    hello = device_get(ws, sync_server, "/api/v1/hello")
    [(cursor,)] = sql(ws, "SELECT json_extract(value, '$.cursor') FROM local_state"
                      " WHERE key = 'sync_cursor'")  # fmt: skip
    assert cursor >= hello["cursor_floor"]
    assert any(row.message == transport.CursorTooOld.sentence for row in read_sync_log(ws.db))
