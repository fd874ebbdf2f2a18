"""Master data down: change-log pages applied with their cursor, one transaction each.

SYNC.md: "pull never skips a change". Each page and the cursor after it are
committed together, so a crash between pages re-reads the next page and
never loses one. Rows with local changes the server has not accepted yet
(a product being edited, a member being updated) are left alone: the
server's answer to the edit decides them. Stock levels replace the
snapshot; local movements whose operation the server applied at or below
the cursor are then part of it and become ``synced``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from shop_desktop.data import search_index
from shop_desktop.data.db import Database
from shop_desktop.services.outbox import take_write_lock
from shop_desktop.services.sync.apply import (
    ENTITY_MODELS,
    AlchemySql,
    apply_changes_of_entity,
    pending_member_ids,
    pending_product_ids,
    pending_staff_ids,
    restore_invoice_prefix,
)
from shop_desktop.services.sync.protocol import Change, PullPage, ServerAnswerInvalid, parse_pull
from shop_desktop.services.sync.state import (
    CURSOR_KEY,
    Enrolment,
    read_value,
    write_value,
)
from shop_desktop.services.sync.transport import Retryable, Transport

__all__ = ["PULL_LIMIT", "CursorMoved", "PullResult", "apply_page", "pull_all"]

PULL_LIMIT = 1000
#: Entities in the order their rows may point at each other.
APPLY_ORDER = (*ENTITY_MODELS, "points_balance")


@dataclass(frozen=True)
class PullResult:
    changes: int
    cursor: int


def pull_all(
    db: Database,
    transport: Transport,
    cursor: int,
    enrolment: Enrolment | None,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    limit: int = PULL_LIMIT,
) -> PullResult:
    """Pull and apply pages until the server has no more (or the user cancels)."""
    total = 0
    while True:
        answer = transport.get("/pull", params={"cursor": cursor, "limit": limit})
        try:
            page = parse_pull(answer, after=cursor)
        except ServerAnswerInvalid as exc:
            raise Retryable(exc.detail) from exc
        try:
            with db.engine.begin() as conn:
                apply_page(conn, page, enrolment, after=cursor)
        except ServerAnswerInvalid as exc:
            raise Retryable(exc.detail) from exc
        except IntegrityError as exc:
            # Rows pointing at rows the server never sent: its data, not ours.
            raise Retryable(f"pull: the page does not fit together: {exc.orig}") from exc
        total += len(page.changes)
        cursor = page.cursor
        if not page.has_more or cancelled():
            return PullResult(changes=total, cursor=cursor)


def _grouped(changes: tuple[Change, ...]) -> list[tuple[str, str, tuple[str, ...], list[Change]]]:
    """Runs of (entity, op, columns) in apply order, each run in seq order."""
    runs: list[tuple[str, str, tuple[str, ...], list[Change]]] = []
    for entity in APPLY_ORDER:
        for change in changes:
            if change.entity != entity:
                continue
            columns = tuple(change.data) if change.op == "upsert" else ()
            if runs and runs[-1][:3] == (entity, change.op, columns):
                runs[-1][3].append(change)
            else:
                runs.append((entity, change.op, columns, [change]))
    return runs


def _with_id(change: Change) -> Change:
    keyed_by_id = change.entity not in ("stock_level", "points_balance")
    if change.op == "upsert" and keyed_by_id and "id" not in change.data:
        data = {"id": change.id, **change.data}
        return Change(change.seq, change.entity, change.id, change.op, data)
    return change


class CursorMoved(Retryable):
    """Another sync pass stored a different cursor while this page was on its way."""


def apply_page(
    conn: Connection, page: PullPage, enrolment: Enrolment | None, *, after: int
) -> None:
    """One page and its cursor, in the caller's transaction.

    ``after`` is the cursor the page was fetched after. Two passes at once (the
    app and ``shop-desktop sync``, two engines) could otherwise store an older
    page's cursor over a newer one and move the cursor back; the page is applied
    only if the stored cursor is still ``after``, read under the write lock.
    """
    take_write_lock(conn)
    stored = int((read_value(conn, CURSOR_KEY) or {}).get("cursor", 0))
    if stored != after:
        raise CursorMoved(f"pull: the cursor moved from {after} to {stored} meanwhile")
    # Rows may point at rows later in the page; SQLite checks at commit.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    sql = AlchemySql(conn)
    skip_products = pending_product_ids(sql)
    skip_members = pending_member_ids(sql)
    changes = tuple(_with_id(c) for c in page.changes)
    products = {
        uuid.UUID(c.id).hex
        for c in changes
        if c.entity == "product" and _is_id(c.id) and uuid.UUID(c.id).hex not in skip_products
    }
    product_ids = [uuid.UUID(h) for h in sorted(products)]
    search_index.unindex_products(conn, product_ids)
    try:
        for entity, op, columns, run in _grouped(changes):
            skip = skip_products if entity == "product" else (
                skip_members if entity == "member" else frozenset()
            )  # fmt: skip
            if entity == "staff_user":
                skip = pending_staff_ids(sql)
            if op == "delete":
                apply_changes_of_entity(
                    sql, entity, ("id",), [], deleted=[c.id for c in run], skip=skip
                )
            else:
                rows = [[c.data[name] for name in columns] for c in run]
                apply_changes_of_entity(sql, entity, columns, rows, skip=skip)
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerAnswerInvalid(f"pull: a change cannot be stored: {exc}") from exc
    search_index.index_products(conn, product_ids)
    if enrolment is not None and any(c.entity == "workstation" for c in changes):
        restore_invoice_prefix(sql, enrolment.workstation_id, enrolment.invoice_prefix)
    conn.exec_driver_sql(
        "UPDATE stock_movements SET synced = 1 WHERE synced = 0 AND ack_seq <= ?", (page.cursor,)
    )
    write_value(conn, CURSOR_KEY, {"cursor": page.cursor})


def _is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
