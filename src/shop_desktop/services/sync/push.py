"""The outbox up: bounded batches in ``device_seq`` order, one request at a time.

SYNC.md: "a retry never duplicates" (the server answers a repeated ``op_id``
with its first result), "one bad record never blocks the queue" (a rejected
op is marked, kept and listed, and the next batch goes on), "one request at
a time per device, in chunks" (this loop never has two pushes in flight).
The answer to a batch is applied in one SQLite transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, LargeBinary, bindparam, cast, func, select, text, update
from sqlalchemy.exc import IntegrityError

from shop_desktop.data import search_index
from shop_desktop.data.db import Database
from shop_desktop.data.models import OutboxEntry, OutboxStatus
from shop_desktop.services.outbox import take_write_lock
from shop_desktop.services.sync.apply import AlchemySql, apply_changes_of_entity
from shop_desktop.services.sync.protocol import (
    MAX_BATCH_BYTES,
    MAX_BATCH_OPS,
    PROTOCOL,
    OpResult,
    PushAnswer,
    ServerAnswerInvalid,
    parse_push,
)
from shop_desktop.services.sync.state import LogEvent, write_log
from shop_desktop.services.sync.transport import PayloadTooLarge, Retryable, Transport
from shop_shared.ops import PRODUCT_EDIT

__all__ = ["PushResult", "apply_push_answer", "next_batch", "push_all"]

TOO_LARGE = "too_large"
TOO_LARGE_SENTENCE = (
    "This operation is too big for the server to accept; it is kept here for a manager."
)


@dataclass(frozen=True)
class PushResult:
    applied: int
    duplicates: int
    rejected: int


@dataclass(frozen=True)
class _Op:
    op_id: uuid.UUID
    device_seq: int
    op_type: str
    payload_version: int
    created_at: datetime
    payload: dict[str, Any]

    def wire(self) -> dict[str, Any]:
        return {
            "op_id": str(self.op_id),
            "device_seq": self.device_seq,
            "op_type": self.op_type,
            "payload_version": self.payload_version,
            "created_at": self.created_at.isoformat(),
            "payload": self.payload,
        }


def next_batch(
    conn: Connection,
    device_id: uuid.UUID,
    *,
    max_ops: int = MAX_BATCH_OPS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> list[dict[str, Any]]:
    """The oldest pending ops as wire dicts: at most ``max_ops`` and ``max_bytes`` of JSON.

    One query reads the batch. An op's size is its stored payload's length
    plus its envelope: the payload is stored as ``json.dumps`` writes it,
    which is also how the request body encodes it (non-ASCII escaped), so
    the sum is what the server receives without encoding every op twice.
    One op bigger than ``max_bytes`` still goes alone (the server decides;
    ``push_all`` refuses it as ``too_large`` when the server answers 413).
    """
    rows = conn.execute(
        select(
            OutboxEntry.op_id,
            OutboxEntry.device_seq,
            OutboxEntry.op_type,
            OutboxEntry.payload_version,
            OutboxEntry.created_at,
            OutboxEntry.payload,
            func.length(cast(OutboxEntry.payload, LargeBinary)),
        )
        .where(OutboxEntry.status == OutboxStatus.PENDING, OutboxEntry.device_id == device_id)
        .order_by(OutboxEntry.device_seq)
        .limit(max_ops)
    )
    batch: list[dict[str, Any]] = []
    size = 0
    for *fields, payload_bytes in rows:
        wire = _Op(*fields).wire()
        cost = int(payload_bytes or 0) + _envelope_size(wire) + 1
        if batch and size + cost > max_bytes - 1024:
            break
        batch.append(wire)
        size += cost
    return batch


#: An op's JSON without its payload and its own values: what ``json.dumps`` adds around them.
_ENVELOPE_FRAME = len(
    json.dumps(
        {"op_id": "", "device_seq": "", "op_type": "", "payload_version": "", "created_at": "",
         "payload": None}
    )
) - 4  # device_seq and payload_version are numbers: no quotes  # fmt: skip
_PLAIN_TEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:+ ")


def _envelope_size(wire: dict[str, Any]) -> int:
    """The length of an op's JSON without its payload (whose size the database knows).

    Counted, not encoded: ``json.dumps`` of 200 small envelopes per batch was a
    fifth of the client's time in a backlog push. Text that JSON would escape
    (never in op ids, op types or ISO times, but the rule must hold) is encoded.
    """
    texts = (wire["op_id"], wire["op_type"], wire["created_at"])
    if not all(_PLAIN_TEXT.issuperset(t) for t in texts):
        return len(json.dumps({**wire, "payload": None}).encode())
    return (
        _ENVELOPE_FRAME
        + sum(len(t) for t in texts)
        + len(str(wire["device_seq"]))
        + len(str(wire["payload_version"]))
    )


def push_all(
    db: Database,
    transport: Transport,
    device_id: uuid.UUID,
    *,
    now: Callable[[], datetime],
    cancelled: Callable[[], bool] = lambda: False,
) -> PushResult:
    """Push batches until the outbox is empty; raises the transport's failures.

    A batch the server finds too large (413) goes again in halves; a single op
    it finds too large can never be sent, so it is refused here (kept, listed)
    and the queue goes on instead of sending it again forever.
    """
    applied = duplicates = rejected = 0
    max_ops = MAX_BATCH_OPS
    while not cancelled():
        with db.engine.begin() as conn:
            take_write_lock(conn)
            batch = next_batch(conn, device_id, max_ops=max_ops)
            if not batch:
                break
            conn.execute(
                update(OutboxEntry)
                .where(OutboxEntry.op_id.in_([uuid.UUID(op["op_id"]) for op in batch]))
                .values(attempts=OutboxEntry.attempts + 1)
            )
        body = {
            "protocol": PROTOCOL,
            "device_id": str(device_id),
            "sent_at": now().isoformat(),
            "ops": batch,
        }
        try:
            raw = transport.post("/push", body)
        except PayloadTooLarge:
            if len(batch) > 1:
                max_ops = max(1, len(batch) // 2)
                continue
            with db.engine.begin() as conn:
                take_write_lock(conn)
                rejected += _refuse_too_large(conn, batch[0], now())
            continue
        sent = {uuid.UUID(op["op_id"]) for op in batch}
        try:
            answer = parse_push(raw, sent)
        except ServerAnswerInvalid as exc:
            raise Retryable(exc.detail) from exc
        if not answer.results:
            raise Retryable("push: the server answered for none of the ops sent")
        with db.engine.begin() as conn:
            take_write_lock(conn)
            counts = apply_push_answer(conn, answer, now())
        applied += counts.applied
        duplicates += counts.duplicates
        rejected += counts.rejected
    return PushResult(applied=applied, duplicates=duplicates, rejected=rejected)


def apply_push_answer(conn: Connection, answer: PushAnswer, at: datetime) -> PushResult:
    """Mark each answered op acknowledged or rejected, in the caller's transaction.

    A few statements per answer, not per op: one read of the answered ops
    still pending, one update of the acknowledged ones and one of their
    stock movements. Only ops the server answered are touched, and only
    while still pending (a repeated answer changes nothing).

    A ``duplicate`` that carries a code repeats a refusal (the server's first
    answer, a rejection, was lost): it is a rejection, never an acknowledgement.
    """
    answered: dict[uuid.UUID, OpResult] = {}
    for result in answer.results:
        answered.setdefault(result.op_id, result)  # the first answer about an op counts
    op_types = _pending_op_types(conn, list(answered))
    acked: list[uuid.UUID] = []
    applied = duplicates = rejected = 0
    for op_id, result in answered.items():
        op_type = op_types.get(op_id)
        if op_type is None:
            continue
        if result.status == "rejected" or (result.status == "duplicate" and result.code):
            _reject(conn, result, op_type, at)
            rejected += 1
            continue
        acked.append(op_id)
        if result.status == "duplicate":
            duplicates += 1
        else:
            applied += 1
    for chunk in _chunks(acked):
        conn.execute(
            update(OutboxEntry)
            .where(OutboxEntry.op_id.in_(chunk), OutboxEntry.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.ACKED,
                acked_at=at,
                server_seq=answer.cursor,
                last_error="",
                reject_code="",
            )
        )
        _acknowledge_movements(conn, chunk, answer.cursor)
    if applied or duplicates or rejected:
        write_log(
            conn,
            "push",
            f"Sent {applied} operations ({duplicates} already there, {rejected} refused).",
            event=LogEvent.PUSHED,
            details={"cursor": answer.cursor, "applied": applied, "duplicates": duplicates,
                     "rejected": rejected},
            at=at,
        )  # fmt: skip
    return PushResult(applied=applied, duplicates=duplicates, rejected=rejected)


#: Ids per ``IN (...)``: far below SQLite's limit on bound parameters.
_IN_CHUNK = 500


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def _pending_op_types(conn: Connection, op_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The op type of each of ``op_ids`` still pending here (others were settled before)."""
    found: dict[uuid.UUID, str] = {}
    for chunk in _chunks(op_ids):
        rows = conn.execute(
            select(OutboxEntry.op_id, OutboxEntry.op_type).where(
                OutboxEntry.op_id.in_(chunk), OutboxEntry.status == OutboxStatus.PENDING
            )
        )
        found.update((op_id, op_type) for op_id, op_type in rows)
    return found


#: The stock movements carried in these ops' payloads, by the id the table stores
#: (32 hex digits; payloads hold ``str(uuid)``). Read by SQLite from the stored
#: payloads, so no payload is decoded in Python; anything not an object with a
#: text id simply matches no movement.
_ACKNOWLEDGE_MOVEMENTS = text(
    """
    UPDATE stock_movements SET ack_seq = :cursor
    WHERE ack_seq IS NULL AND id IN (
        SELECT lower(replace(json_extract(m.value, '$.id'), '-', ''))
        FROM outbox o, json_each(o.payload, '$.stock_movements') m
        WHERE o.op_id IN :op_ids AND m.type = 'object'
            AND json_type(m.value, '$.id') = 'text'
    )
    """
).bindparams(bindparam("op_ids", expanding=True))


_CONFIRM_REDEMPTIONS = text(
    """
    UPDATE coupon_redemptions SET confirmed = 1
    WHERE confirmed = 0 AND order_id IN (
        SELECT lower(replace(json_extract(o.payload, '$.id'), '-', ''))
        FROM outbox o
        WHERE o.op_id IN :op_ids AND o.op_type IN ('order.completed', 'order.taken')
            AND json_type(o.payload, '$.id') = 'text'
    )
    """
).bindparams(bindparam("op_ids", expanding=True))


def _acknowledge_movements(conn: Connection, op_ids: list[uuid.UUID], cursor: int) -> None:
    """The ops' stock movements are in the server's stock at or below ``cursor``;
    the coupons their sales used no longer count against the offline allowance."""
    params = {"cursor": cursor, "op_ids": [i.hex for i in op_ids]}
    conn.execute(_ACKNOWLEDGE_MOVEMENTS, params)
    conn.execute(_CONFIRM_REDEMPTIONS, params)


def _refuse_too_large(conn: Connection, op: dict[str, Any], at: datetime) -> int:
    """Refuse one op the server will never take (413 when sent alone); 1 if it was pending."""
    op_id = uuid.UUID(op["op_id"])
    if op_id not in _pending_op_types(conn, [op_id]):
        return 0
    result = OpResult(op_id, op["device_seq"], "rejected", TOO_LARGE, TOO_LARGE_SENTENCE, {})
    _reject(conn, result, op["op_type"], at)
    return 1


def _reject(conn: Connection, result: OpResult, op_type: str, at: datetime) -> None:
    code = result.code or "rejected"
    sentence = result.message or f"The server refused this operation ({code})."
    conn.execute(
        update(OutboxEntry)
        .where(OutboxEntry.op_id == result.op_id)
        .values(status=OutboxStatus.REJECTED, reject_code=code[:48], last_error=sentence)
    )
    write_log(
        conn,
        "push",
        f"The server refused {op_type} #{result.device_seq}: {sentence}",
        event=LogEvent.REFUSED,
        level="warning",
        details={
            "op_id": str(result.op_id),
            "op_type": op_type,
            "device_seq": result.device_seq,
            "code": code,
            "result": result.result,
        },
        at=at,
    )
    current = result.result.get("current")
    if op_type == PRODUCT_EDIT and isinstance(current, dict) and current:
        # The server wins on the catalog: its row replaces the refused edit.
        try:
            payload = conn.execute(
                select(OutboxEntry.payload).where(OutboxEntry.op_id == result.op_id)
            ).scalar_one()
            product_id = uuid.UUID(str(current.get("id") or payload["product_id"]))
            row = {**current, "id": str(product_id)}
            with conn.begin_nested():
                search_index.unindex_products(conn, [product_id])
                apply_changes_of_entity(
                    AlchemySql(conn), "product", tuple(row), [list(row.values())]
                )
                search_index.index_products(conn, [product_id])
        except IntegrityError:
            # It names a category, brand or tax class not pulled yet; this same
            # pass's pull brings them and the product (no longer skipped as edited).
            write_log(
                conn,
                "push",
                "The server's current product arrives with the next catalog update.",
                event=LogEvent.CURRENT_PRODUCT_LATER,
                details={"op_id": str(result.op_id)},
                at=at,
            )
        except (ValueError, KeyError, TypeError) as exc:
            write_log(
                conn,
                "push",
                f"The server's current product could not be stored: {exc}",
                event=LogEvent.CURRENT_PRODUCT_NOT_STORED,
                level="error",
                details={"op_id": str(result.op_id), "error": str(exc)},
                at=at,
            )
