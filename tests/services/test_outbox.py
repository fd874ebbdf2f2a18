"""The till's outbox on a real database: gapless numbering, the protocol's versions, renumbering."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shop_desktop.data.db import Database, open_database
from shop_desktop.services.auth import WorkstationNotSetUp
from shop_desktop.services.outbox import (
    lock_counters,
    lock_device_counters,
    queue_for_server,
    renumber_unsent,
)
from shop_shared.ops import (
    CART_PARKED,
    DEVICE_SEQ_REUSED,
    MEMBER_UPDATE,
    PAYLOAD_VERSIONS,
    PRODUCT_EDIT,
    UnknownOp,
)

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def sql(path: Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def _next_seq(db: Database) -> int:
    [(seq,)] = sql(db.path, "SELECT next_device_seq FROM device_identity")
    return int(seq)


def test_ops_are_numbered_without_gaps_at_the_protocols_version(demo_db: Database) -> None:
    first = _next_seq(demo_db)
    with demo_db.session() as session:
        identity = lock_device_counters(session)
        seqs = [
            queue_for_server(session, identity, op, {"n": i}, now=NOW)
            for i, op in enumerate((CART_PARKED, MEMBER_UPDATE, PRODUCT_EDIT))
        ]

    assert seqs == [first, first + 1, first + 2]
    assert _next_seq(demo_db) == first + 3
    rows = sql(
        demo_db.path,
        "SELECT device_seq, op_type, payload_version, status FROM outbox"
        " WHERE device_seq >= ? ORDER BY device_seq",
        first,
    )
    assert rows == [
        (first, CART_PARKED, PAYLOAD_VERSIONS[CART_PARKED], "pending"),
        (first + 1, MEMBER_UPDATE, PAYLOAD_VERSIONS[MEMBER_UPDATE], "pending"),
        (first + 2, PRODUCT_EDIT, PAYLOAD_VERSIONS[PRODUCT_EDIT], "pending"),
    ]


def test_an_op_outside_the_protocol_is_refused_and_nothing_is_numbered(
    demo_db: Database,
) -> None:
    first = _next_seq(demo_db)
    before = sql(demo_db.path, "SELECT count(*) FROM outbox")

    def queue_a_misspelt_op() -> None:
        with demo_db.session() as session:
            identity = lock_device_counters(session)
            queue_for_server(session, identity, "cart.parkd", {}, now=NOW)

    with pytest.raises(UnknownOp):
        queue_a_misspelt_op()

    assert _next_seq(demo_db) == first
    assert sql(demo_db.path, "SELECT count(*) FROM outbox") == before


def test_a_database_that_is_no_workstation_has_no_counters(migrated_db_path: Path) -> None:
    db = open_database(migrated_db_path)
    try:
        with db.session() as session, pytest.raises(WorkstationNotSetUp):
            lock_device_counters(session)
        with db.session() as session, pytest.raises(WorkstationNotSetUp):
            lock_counters(session.connection())
    finally:
        db.dispose()


def test_renumbering_keeps_the_order_of_unsent_ops_and_leaves_the_rest(
    demo_db: Database,
) -> None:
    with demo_db.session() as session:
        identity = lock_device_counters(session)
        seqs = [
            queue_for_server(session, identity, CART_PARKED, {"n": n}, now=NOW) for n in range(5)
        ]
    # The ops: acknowledged, refused as a reused number, pending, refused as stale, pending.
    acked, reused, _, stale, _ = seqs
    sql(demo_db.path, "UPDATE outbox SET status = 'acked' WHERE device_seq = ?", acked)
    sql(
        demo_db.path,
        "UPDATE outbox SET status = 'rejected', reject_code = ? WHERE device_seq = ?",
        DEVICE_SEQ_REUSED,
        reused,
    )
    sql(
        demo_db.path,
        "UPDATE outbox SET status = 'rejected', reject_code = 'stale_edit' WHERE device_seq = ?",
        stale,
    )
    sql(demo_db.path, "UPDATE outbox SET status = 'acked' WHERE device_seq < ?", acked)
    new_device = uuid.uuid4()

    with demo_db.session() as session:
        count = renumber_unsent(session.connection(), new_device)

    assert count == 3
    rows = sql(
        demo_db.path,
        "SELECT json_extract(payload, '$.n'), device_id, device_seq, status, reject_code"
        " FROM outbox WHERE device_id = ? ORDER BY device_seq",
        new_device.hex,
    )
    assert rows == [
        (1, new_device.hex, 1, "pending", ""),
        (2, new_device.hex, 2, "pending", ""),
        (4, new_device.hex, 3, "pending", ""),
    ]
    # A refusal for another reason stays for a manager; an acknowledged op stays as it was.
    others = sql(
        demo_db.path,
        "SELECT json_extract(payload, '$.n'), device_seq, status FROM outbox"
        " WHERE op_type = ? AND device_id != ? ORDER BY device_seq",
        CART_PARKED,
        new_device.hex,
    )
    assert others == [(0, acked, "acked"), (3, stale, "rejected")]
