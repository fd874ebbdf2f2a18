"""A new (or reset) workstation fills its catalog from the server's snapshot.

SYNC.md: "a new workstation starts fast": not by replaying the change log
but from a bulk snapshot in columnar pages (keyset by id), then the cursor
the snapshot was taken at. A million products must arrive in two minutes on
this machine, so pages are applied on a plain ``sqlite3`` connection with
``executemany`` (see :mod:`apply`), the next page is fetched while the
current one is written, and the durability settings are relaxed for the
load: until the cursor is written at the end, a crash only means starting
the bootstrap again (the outbox and orders are never touched here).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shop_desktop.data import search_index
from shop_desktop.data.db import BUSY_TIMEOUT_MS
from shop_desktop.services.sync.apply import (
    ENTITY_MODELS,
    MASTER_TABLES,
    RawSql,
    apply_changes_of_entity,
    pending_member_ids,
    pending_product_ids,
    restore_invoice_prefix,
)
from shop_desktop.services.sync.protocol import (
    BootstrapPage,
    ServerAnswerInvalid,
    parse_bootstrap_page,
    parse_bootstrap_plan,
)
from shop_desktop.services.sync.state import CURSOR_KEY, ENROLMENT_KEY, LogEvent
from shop_desktop.services.sync.transport import Retryable, Transport
from shop_desktop.services.tasks import Cancelled

__all__ = ["PAGE_ROWS", "BootstrapResult", "bootstrap", "reset_downstream_cache"]

#: Rows per page asked of the server: big enough that HTTP costs little per row.
PAGE_ROWS = 5000
#: Pages per SQLite transaction during the load.
PAGES_PER_COMMIT = 4


@dataclass(frozen=True)
class BootstrapResult:
    cursor: int
    rows: dict[str, int]
    #: From the first request until the catalog is in and the cursor written.
    seconds: float


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # A consistent snapshot arrives in key order, not in reference order (a
    # sub-category may come before its parent, across commits): references
    # are the server's to keep, as with a backup restore.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Per connection: the app's own connections keep synchronous=FULL. The
    # cursor is written last, so losing the load's last commits only means
    # loading again. OFF may also corrupt the file on a power cut: fine for
    # a new workstation's file (nothing in it but the enrolment; a damaged
    # file is refused when opened, and the till enrols again), never for one
    # holding sales -- a reset keeps NORMAL, which in WAL cannot corrupt.
    holds_sales = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM orders)"
    ).fetchone()[0]
    conn.execute(f"PRAGMA synchronous = {'NORMAL' if holds_sales else 'OFF'}")
    return conn


def _local_value(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM local_state WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    value = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return value if isinstance(value, dict) else None


def _write_local(conn: sqlite3.Connection, key: str, value: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO local_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )


def reset_downstream_cache(conn: sqlite3.Connection) -> None:
    """Forget the pulled snapshot (a too-old cursor): never orders, outbox or ledgers."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in MASTER_TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM local_state WHERE key = ?", (CURSOR_KEY,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def bootstrap(
    path: Path,
    transport: Transport,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[str], None] | None = None,
    page_rows: int = PAGE_ROWS,
    reset: bool = False,
) -> BootstrapResult:
    """Load the server's snapshot into the database at ``path`` and set the cursor.

    Raises the transport's failures (retry the whole bootstrap later) and
    :class:`~shop_desktop.services.tasks.Cancelled`.
    """
    started = time.perf_counter()
    plan = parse_bootstrap_plan(transport.get("/bootstrap"))
    conn = _connect(path)
    counts: dict[str, int] = {}
    try:
        if reset:
            reset_downstream_cache(conn)
        sql = RawSql(conn)
        skip_products = pending_product_ids(sql)
        skip_members = pending_member_ids(sql)
        series = _invoice_series(conn)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bootstrap-fetch") as pool:
            for entity in plan.entities:
                if entity not in ENTITY_MODELS and entity != "points_balance":
                    continue
                skip = (
                    skip_products
                    if entity == "product"
                    else (skip_members if entity == "member" else frozenset())
                )
                counts[entity] = _load_entity(
                    conn, transport, pool, entity, plan.snapshot_cursor, page_rows, skip,
                    cancelled, progress, series if entity == "workstation" else None,
                )  # fmt: skip
        _finish(conn, plan.snapshot_cursor, _LoadFacts(sum(counts.values()), started, reset))
    finally:
        conn.close()
    # The search index is not built here: the till can sell as soon as the
    # cursor is written (scan, SKU, and search of what is indexed so far),
    # and the index is then built in steps that never hold the write lock
    # for long (``search_index.build_in_steps``: by the start-up path, or by
    # the engine after a load it made). Built inside the load, it made a
    # million-product till wait 150 s instead of ~75 s before its first sale.
    return BootstrapResult(
        cursor=plan.snapshot_cursor,
        rows=counts,
        seconds=time.perf_counter() - started,
    )


def _invoice_series(conn: sqlite3.Connection) -> tuple[uuid.UUID, str] | None:
    """This enrolment's (workstation id, invoice prefix), which no loaded row may change."""
    enrolment = _local_value(conn, ENROLMENT_KEY)
    if enrolment is None:
        return None
    return uuid.UUID(enrolment["workstation_id"]), str(enrolment["invoice_prefix"])


def _fetch(
    transport: Transport, entity: str, after: str, limit: int, snapshot: int
) -> BootstrapPage:
    answer = transport.get(
        f"/bootstrap/{entity}",
        params={"after": after, "limit": limit, "snapshot_cursor": snapshot},
    )
    try:
        return parse_bootstrap_page(answer, entity)
    except ServerAnswerInvalid as exc:
        raise Retryable(exc.detail) from exc


def _load_entity(  # noqa: PLR0917 - one private call site
    conn: sqlite3.Connection,
    transport: Transport,
    pool: ThreadPoolExecutor,
    entity: str,
    snapshot: int,
    page_rows: int,
    skip: set[str] | frozenset[str],
    cancelled: Callable[[], bool],
    progress: Callable[[str], None] | None,
    series: tuple[uuid.UUID, str] | None = None,
) -> int:
    """All pages of one entity; the next page is on its way while this one is written.

    ``series`` (for workstation rows) is put back in the same transaction as each
    page: the server's row holds the workstation's base prefix, and a sale made
    while the load goes on (or after it failed) must number with this enrolment's.
    """
    sql = RawSql(conn)
    total = 0
    pending: Future[BootstrapPage] = pool.submit(_fetch, transport, entity, "", page_rows, snapshot)
    pages_in_transaction = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        while True:
            page = pending.result()
            if page.next_after is not None:
                pending = pool.submit(
                    _fetch, transport, entity, page.next_after, page_rows, snapshot
                )
            try:
                apply_changes_of_entity(sql, entity, page.columns, page.rows, skip=skip)
            except (ValueError, KeyError, TypeError) as exc:
                raise Retryable(f"bootstrap/{entity}: a row cannot be stored: {exc}") from exc
            if series is not None:
                restore_invoice_prefix(sql, *series)
            total += len(page.rows)
            pages_in_transaction += 1
            if pages_in_transaction >= PAGES_PER_COMMIT:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                pages_in_transaction = 0
            if progress is not None:
                progress(f"{entity}: {total:,}")
            if page.next_after is None:
                break
            if cancelled():
                pending.cancel()
                raise Cancelled
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return total


@dataclass(frozen=True)
class _LoadFacts:
    """What the log row of a finished load tells a manager."""

    rows: int
    #: ``time.perf_counter()`` when the load started.
    started: float
    reset: bool


def _finish(conn: sqlite3.Connection, cursor: int, facts: _LoadFacts) -> None:
    """The cursor last, with this enrolment's invoice series and synced movements."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        series = _invoice_series(conn)
        if series is not None:  # also mends a row left by an older app's failed load
            restore_invoice_prefix(RawSql(conn), *series)
        conn.execute(
            "UPDATE stock_movements SET synced = 1 WHERE synced = 0 AND ack_seq <= ?", (cursor,)
        )
        _write_local(conn, CURSOR_KEY, {"cursor": cursor})
        # Rows changed under the index: until it is built again, it is outdated
        # (so a start-up after a crash builds it, whatever the counts say).
        _write_local(conn, search_index.STATE_KEY, {"outdated": True})
        conn.execute(
            "INSERT INTO sync_log (at, kind, level, message, details)"
            " VALUES (?, 'bootstrap', 'info', ?, ?)",
            (
                datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                f"Catalog loaded from the server (cursor {cursor}).",
                json.dumps(
                    {
                        "event": LogEvent.BOOTSTRAP_DONE.value,
                        "cursor": cursor,
                        "rows": facts.rows,
                        "seconds": round(time.perf_counter() - facts.started, 1),
                        "reset": facts.reset,
                    }
                ),
            ),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
