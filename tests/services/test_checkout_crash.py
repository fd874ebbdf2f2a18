"""A confirmed sale survives kill -9, and a retry never duplicates (SYNC.md).

``crash_run`` (``checkout_crash.py``) starts ``crash_child.py`` with this
interpreter; its workers commit sales on real, migrated SQLite files and are
killed with SIGKILL a hundred times, each time at a phase the worker reported
and a seeded RNG chose: before the database is opened, during retries, before
a sale's BEGIN, between its statements, before its COMMIT, after its COMMIT.
So every figure below is the same for the same seed on any machine. Everything
the harness reports is then checked again here, with SQL of this test's own,
and the sales the children confirmed are committed once more after the
restarts: each must come back ``repeated`` and change nothing.

For a longer run, from the repository root:
``PYTHONPATH=src python -m tests.services.checkout_crash --kills 1000``.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.services.checkout_crash import (
    KILL_KINDS,
    crash_run,
    draft_from_json,
    draft_to_json,
    verify_database,
)

from shop_desktop.bench.checkout import SaleMaker, bench_commit
from shop_desktop.data.db import Database, open_database
from shop_desktop.services.checkout import commit_sale

#: The crash run is built once for the module, by the first test: it gets the time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

KILLS = 100
SEED = 7
CHILD = Path(__file__).with_name("crash_child.py")


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("crash")
    return crash_run(KILLS, workdir, seed=SEED, child_command=[sys.executable, str(CHILD)])


def rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def counts(path: Path) -> dict[str, Any]:
    tables = ("orders", "order_lines", "payments", "stock_movements", "outbox")
    out: dict[str, Any] = {t: rows(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    out["counters"] = rows(path, "SELECT next_invoice_no, next_device_seq FROM device_identity")
    return out


def test_the_harness_found_nothing_wrong(crashed: dict[str, Any]) -> None:
    assert crashed["problems"] == []
    assert crashed["kills"] == KILLS
    assert len(crashed["databases"]) >= 2
    # The kills landed everywhere a crash can: before the database was opened,
    # before a sale's BEGIN, between its statements, before and after its COMMIT.
    assert set(crashed["kills_at"]) == set(KILL_KINDS)
    assert sum(crashed["kills_at"].values()) == KILLS
    for kind in ("start", "retry", "before-begin", "statement", "before-commit", "after-commit"):
        assert crashed["kills_at"][kind] >= 1, kind
    # Most hit a sale being committed: those that died before its COMMIT rolled
    # back and were redone, those after it were on disk and came back repeated
    # (the harness reports a problem if either came back the other way).
    assert crashed["in_flight_kills"] >= KILLS // 4
    assert crashed["redone"] >= 1
    assert crashed["landed_unconfirmed"] >= 1
    assert (
        crashed["redone"] + crashed["landed_unconfirmed"] + crashed["in_flight_at_end"]
        == crashed["in_flight_kills"]
    )
    assert crashed["confirmed_sales"] >= KILLS // 2
    for db in crashed["databases"]:
        assert db["retried_confirmed"] >= 1
        assert db["torn_lines"] == 0
        assert db["verify"]["coupons_redeemed"] >= 1
        assert db["verify"]["store_credit_sales"] >= 1
        # Every other sale is a manager's override: its audit entry is chained in the
        # sale's transaction, and the chain holds after every kill (no problem above).
        assert db["verify"]["audit_entries"] >= 1


def test_every_confirmed_sale_is_there_and_whole(crashed: dict[str, Any]) -> None:
    for db in crashed["databases"]:
        path = Path(db["path"])
        assert rows(path, "PRAGMA integrity_check") == [("ok",)]
        assert rows(path, "PRAGMA foreign_key_check") == []
        invoices = dict(rows(path, "SELECT id, invoice_no FROM orders"))
        for order_id, invoice in db["confirmed"].items():
            assert invoices[uuid.UUID(order_id).hex] == invoice
        unpaid = rows(
            path,
            "SELECT o.id FROM orders o LEFT JOIN payments p ON p.order_id = o.id"
            " GROUP BY o.id HAVING coalesce(sum(p.amount_minor), 0) != max(o.total_minor)",
        )
        assert unpaid == []
        unbalanced = rows(
            path,
            "SELECT o.id FROM orders o WHERE o.total_minor != o.delivery_fee_minor"
            " + o.rounding_minor + (SELECT sum(line_total_minor) FROM order_lines l"
            " WHERE l.order_id = o.id)",
        )
        assert unbalanced == []
        stock = rows(
            path,
            "SELECT l.order_id FROM order_lines l GROUP BY l.order_id HAVING -sum(l.qty_milli)"
            " != (SELECT coalesce(sum(m.qty_delta_milli), 0) FROM stock_movements m"
            " WHERE m.order_id = l.order_id)",
        )
        assert stock == []
        coupons = rows(
            path,
            "SELECT o.id FROM orders o WHERE json_array_length(o.pricing, '$.coupons_applied')"
            " != (SELECT count(*) FROM coupon_redemptions r WHERE r.order_id = o.id)",
        )
        assert coupons == []


def test_numbers_run_without_gaps_and_orders_match_the_outbox(crashed: dict[str, Any]) -> None:
    for db in crashed["databases"]:
        path = Path(db["path"])
        orders = rows(path, "SELECT id, invoice_no, device_seq FROM orders")
        numbers = sorted(int(invoice.rsplit("-", 1)[1]) for _, invoice, _ in orders)
        assert numbers == list(range(1, len(orders) + 1))
        assert len({invoice.rsplit("-", 1)[0] for _, invoice, _ in orders}) == 1
        outbox = rows(path, "SELECT device_seq, op_type, payload FROM outbox ORDER BY device_seq")
        assert [seq for seq, _, _ in outbox] == list(range(1, len(outbox) + 1))
        assert counts(path)["counters"] == [(len(orders) + 1, len(outbox) + 1)]
        entries = Counter(
            (uuid.UUID(json.loads(payload)["id"]).hex, seq)
            for seq, op_type, payload in outbox
            if op_type == "order.completed"
        )
        assert set(entries.values()) == {1}
        assert set(entries) == {(order_id, seq) for order_id, _, seq in orders}


def test_recommitting_confirmed_sales_after_the_restarts_changes_nothing(
    crashed: dict[str, Any],
) -> None:
    for db in crashed["databases"]:
        path = Path(db["path"])
        assert db["sample_drafts"]
        before = counts(path)
        database = open_database(path)
        try:
            for data in db["sample_drafts"]:
                draft = draft_from_json(data)
                with database.session() as session:
                    result = commit_sale(session, draft)
                assert result.repeated
                assert result.invoice_no == db["confirmed"][str(draft.order_id)]
        finally:
            database.dispose()
        assert counts(path) == before


def test_the_checker_is_not_blind(crashed: dict[str, Any], tmp_path: Path) -> None:
    """Each kind of damage a crash could do is reported by ``verify_database``."""
    source = Path(crashed["databases"][0]["path"])
    confirmed = crashed["databases"][0]["confirmed"]
    assert verify_database(source, confirmed)["problems"] == []
    damage = {
        "lost sale": "DELETE FROM orders WHERE rowid = (SELECT max(rowid) FROM orders)",
        "lost payment": "DELETE FROM payments WHERE rowid = 1",
        "lost line": "DELETE FROM order_lines WHERE rowid = 1",
        "lost stock": "DELETE FROM stock_movements WHERE rowid = 1",
        "lost outbox entry": "DELETE FROM outbox WHERE device_seq = 1",
        "twice in outbox": "INSERT INTO outbox (device_id, device_seq, op_id, op_type,"
        " payload_version, payload, status, attempts, last_error, created_at)"
        " SELECT device_id, 100000, 'x', op_type, 1, payload, status, 0, '', created_at"
        " FROM outbox WHERE device_seq = 1",
        "invoice skipped": "UPDATE device_identity SET next_invoice_no = next_invoice_no + 1",
        "seq skipped": "UPDATE device_identity SET next_device_seq = next_device_seq + 1",
        "lost redemption": "DELETE FROM coupon_redemptions WHERE rowid = 1",
        "lost credit": "DELETE FROM store_credit_entries WHERE order_id IS NOT NULL"
        " AND rowid = (SELECT min(rowid) FROM store_credit_entries WHERE order_id IS NOT NULL)",
        "audit entry changed": "UPDATE audit_log SET details = replace(details, '-', '+')"
        " WHERE id = (SELECT min(id) FROM audit_log WHERE action = 'override_approved')",
        "audit entry lost": "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
    }
    for name, statement in damage.items():
        copy = tmp_path / f"{name.replace(' ', '-')}.db"
        shutil.copyfile(source, copy)
        conn = sqlite3.connect(copy)
        conn.execute(statement)
        conn.commit()
        conn.close()
        assert verify_database(copy, confirmed)["problems"], name


def test_made_up_sales_travel_as_json_and_commit(demo_db: Database) -> None:
    with demo_db.session() as session:
        maker = SaleMaker(session, random.Random(3), coupon_rate=0.0, store_credit_rate=0.3)
    methods: set[str] = set()
    for _ in range(40):
        draft = maker.draft()
        assert draft_from_json(json.loads(json.dumps(draft_to_json(draft)))) == draft
        with demo_db.session() as session:
            assert not commit_sale(session, draft).repeated
        methods.update(p.method.value for p in draft.payments)
    assert methods == {"cash", "card", "alipay", "store_credit"}


def test_bench_commit_commits_what_it_times(demo_db_path: Path) -> None:
    before = counts(demo_db_path)
    result = bench_commit(demo_db_path, 3)
    assert (result["n"], result["sales"], result["synchronous"]) == (3, 3, "FULL")
    assert result["journal_mode"] == "wal"
    after = counts(demo_db_path)
    assert after["orders"] - before["orders"] == 3
    assert after["order_lines"] - before["order_lines"] == 60
    assert after["payments"] - before["payments"] == 6


def test_the_same_seed_kills_at_the_same_phases(tmp_path: Path) -> None:
    """The kills follow the child's reported phases, not a clock: a run repeats exactly."""

    def figures(result: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in result.items() if k != "seconds"}
        out["databases"] = [{k: v for k, v in db.items() if k != "path"} for db in out["databases"]]
        return out

    command = [sys.executable, str(CHILD)]
    first = crash_run(12, tmp_path / "first", databases=2, seed=3, child_command=command)
    second = crash_run(12, tmp_path / "second", databases=2, seed=3, child_command=command)
    assert first["problems"] == []
    assert figures(first) == figures(second)
