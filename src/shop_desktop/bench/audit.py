"""``shop-admin bench audit``: how long checking a till's audit chain takes.

A small demo shop is built, then its chain is grown to ``entries`` entries of
the kinds a till writes (sign-ins, approvals, voids, catalog edits), hashed
with the same rule ``record_audit`` uses (``shop_shared.audit_chain``) and
written in bulk; then ``services.audit.verify_file`` -- what
``shop-admin audit verify`` runs -- is timed over the whole file.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shop_desktop.bench.checkout import DEMO_END
from shop_desktop.bench.stats import peak_rss_mb
from shop_desktop.services.audit import verify_file
from shop_shared.audit_chain import entry_hash, wire_details, wire_time

__all__ = ["bench_audit", "grow_chain"]

_INSERT = (
    "INSERT INTO audit_log (at, staff_id, workstation_id, action, entity, entity_id, details,"
    " device_id, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_CHUNK = 20_000


def _entries(
    rng: random.Random, staff: list[str], station: str, start: datetime, count: int
) -> Iterator[tuple[str, str | None, str | None, str, str, str, str]]:
    """Entries in wire form (at, staff_id, workstation_id, action, entity, entity_id, details)."""
    at = start
    for k in range(count):
        at += timedelta(seconds=rng.randint(1, 40), microseconds=rng.randrange(10**6))
        who = rng.choice(staff)
        roll = rng.random()
        details: dict[str, Any]
        if roll < 0.5:
            action, entity, entity_id, details = "login", "staff_user", who, {}
        elif roll < 0.7:
            what = f"line {k % 20 + 1}: discount {rng.randint(11, 40)}%"
            action, entity, entity_id = "approval", "staff_user", who
            details = {"what": what, "depth_bp": str(rng.randint(1100, 4000))}
        elif roll < 0.85:
            order = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            action, entity, entity_id = "override_approved", "order", order
            details = {"number": f"R1-{k:08d}", "cashier_id": str(uuid.UUID(rng.choice(staff)))}
        elif roll < 0.95:
            order = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            amount = rng.randint(10, 5000)
            action, entity, entity_id = "order_voided", "order", order
            details = {
                "number": f"R1-{k:08d}",
                "reason": "customer changed mind",
                "credit_note": f"R1-CN-{k:06d}",
                "refunds": [{"method": "cash", "amount_minor": amount}],
                "refunded_minor": amount,
                "approved_by": str(uuid.UUID(rng.choice(staff))),
            }
        else:
            product = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            price = rng.randint(10, 9000)
            action, entity, entity_id = "catalog_edit", "product", product
            details = {
                "product_id": product,
                "base_version": rng.randint(1, 9),
                "changes": {"price_minor": price},
                "before": {"price_minor": price + 10},
            }
        yield wire_time(at), who, station, action, entity, entity_id, wire_details(details)


def grow_chain(path: Path, entries: int, *, seed: int = 0) -> int:
    """Append ``entries`` entries to the chain of the till database at ``path``; the new length.

    They continue the chain from its head, under this file's device, exactly
    as ``record_audit`` would chain them, in one transaction.
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        device = conn.execute("SELECT device_id FROM device_identity").fetchone()[0]
        station = conn.execute("SELECT workstation_id FROM device_identity").fetchone()[0]
        staff = [row[0] for row in conn.execute("SELECT id FROM staff_users ORDER BY username")]
        head_device, seq, prev = conn.execute(
            "SELECT device_id, seq, hash FROM audit_head WHERE singleton = 1"
        ).fetchone()
        if head_device != device:
            seq = 0
        start = datetime.combine(DEMO_END, datetime.min.time(), UTC)
        rows: list[tuple[Any, ...]] = []
        for fields in _entries(rng, staff, station, start, entries):
            seq += 1
            digest = entry_hash(device, seq, prev, fields)
            rows.append((*fields, device, seq, prev, digest))
            prev = digest
            if len(rows) >= _CHUNK:
                conn.executemany(_INSERT, rows)
                rows.clear()
        if rows:
            conn.executemany(_INSERT, rows)
        conn.execute(
            "UPDATE audit_head SET device_id = ?, seq = ?, hash = ? WHERE singleton = 1",
            (device, seq, prev),
        )
        conn.execute("COMMIT")
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bench_audit(
    path: Path, *, entries: int, progress: Callable[[float, str], None]
) -> dict[str, Any]:
    """Build a till database with a chain of ``entries`` entries, then time checking it."""
    if entries < 1:
        raise ValueError("entries must be at least 1")
    from shop_desktop.services.demo import build_demo

    progress(0.0, "building a small demo shop")
    build_demo(path, products=100, members=10, days=0, seed=0, end_date=DEMO_END, replace=True)
    progress(0.1, f"writing {entries:,} audit entries")
    started = time.perf_counter()
    total = grow_chain(path, entries)
    built = time.perf_counter() - started
    progress(0.7, "checking the chain")
    started, cpu = time.perf_counter(), _cpu_seconds()
    report = verify_file(path)
    verified, verify_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    progress(1.0, "done")
    return {
        "benchmark": "audit_verify",
        "db": str(path),
        "entries": total,
        "ok": report.ok,
        "audit_build_s": round(built, 3),
        "audit_verify_s": round(verified, 3),
        #: CPU time of the check (this process and the one checking the first half): what
        #: it costs whatever else the machine runs; on two idle cores the wall time is
        #: about half of it.
        "audit_verify_cpu_s": round(verify_cpu, 3),
        "entries_per_s": round(total / verified) if verified else None,
        "db_mb": round(path.stat().st_size / 2**20, 1),
        "peak_rss_mb": peak_rss_mb(),
    }
