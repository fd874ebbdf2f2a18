"""The audit trail: who did what, when, written in the transaction of the action itself.

Every entry goes through :func:`record_audit`, so the rule for how an entry is made
and chained to the one before it lives in one place. Callers pass the connection of
the transaction that does the action: the entry commits with it, or not at all.

The trail is a hash chain per device (``shop_shared.audit_chain``): each entry
carries its device's next sequence number, the hash of the entry before it and
its own hash over its fields in wire form. The fields are stored as that very
text (not re-serialised by column types), so :func:`verify_file` reads text
and hashes it. The end of the chain is the one ``audit_head`` row, moved in the
same transaction: appending costs the same at the millionth entry.

The entries go up to the server in batches (:func:`queue_for_server`, an
``audit.entries`` op in the outbox), which checks each device's chain as it
arrives.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from shop_desktop.data.models import AuditEntry
from shop_desktop.data.types import utcnow
from shop_shared.audit_chain import (
    EMPTY_HEAD,
    GENESIS,
    ChainBreak,
    ChainHead,
    check_chain,
    entry_hash,
    wire_details,
    wire_time,
)
from shop_shared.ops import AUDIT_ENTRIES

__all__ = [
    "AuditFacts",
    "AuditReport",
    "queue_for_server",
    "record_audit",
    "verify_connection",
    "verify_file",
]


@dataclass(frozen=True)
class AuditFacts:
    """One thing worth keeping: ``action`` by ``staff_id`` (approved by ``approver_id``)."""

    action: str
    staff_id: uuid.UUID | None
    workstation_id: uuid.UUID | None
    entity: str = ""
    entity_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: The supervisor or manager who approved the action, when one did.
    approver_id: uuid.UUID | None = None
    at: datetime | None = None


# Plain SQL on the driver's cursor, on purpose: what is stored is exactly the text that
# was hashed (no column type re-serialises it), and three short statements on the
# cursor cost a few microseconds where SQLAlchemy's execution path costs some 40 each --
# this runs inside a sale's commit. The first statement takes SQLite's write lock (a
# reader's snapshot could not be upgraded if another writer committed meanwhile) and
# reads the head and this file's device together.
_TAKE_HEAD = (
    "UPDATE audit_head SET seq = seq WHERE singleton = 1"
    " RETURNING device_id, seq, hash, (SELECT device_id FROM device_identity)"
)
_NEW_HEAD = (
    "INSERT INTO audit_head (singleton, device_id, seq, hash, queued_id) VALUES (1, '', 0, ?, 0)"
)
_INSERT = (
    "INSERT INTO audit_log (at, staff_id, workstation_id, action, entity, entity_id, details,"
    " device_id, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_MOVE_HEAD = "UPDATE audit_head SET device_id = ?, seq = ?, hash = ? WHERE singleton = 1"


@event.listens_for(AuditEntry, "before_insert")
def _refuse_unchained(*_args: Any) -> None:
    """An entry added through the ORM would sit outside the chain: refuse it loudly."""
    raise TypeError("audit entries are written by services.audit.record_audit only")


def _hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def record_audit(conn: Connection, facts: AuditFacts) -> None:
    """Write ``facts`` to the audit log inside the caller's transaction, chained."""
    details = dict(facts.details)
    if facts.approver_id is not None:
        details["approved_by"] = str(facts.approver_id)
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    cursor = driver.cursor()
    try:
        head = cursor.execute(_TAKE_HEAD).fetchone()
        if head is None:  # a file whose schema was made without the migration's head row
            cursor.execute(_NEW_HEAD, (GENESIS,))
            head = cursor.execute(_TAKE_HEAD).fetchone()
        head_device, head_seq, head_hash, this_device = head
        device = this_device or ""
        # A till enrolled again has a new device id: its chain starts again at 1, linked
        # to the last entry of the old one.
        seq = head_seq + 1 if device == head_device else 1
        fields = (
            wire_time(facts.at or utcnow()),
            _hex(facts.staff_id),
            _hex(facts.workstation_id),
            facts.action[:48],
            facts.entity[:48],
            facts.entity_id[:64],
            wire_details(details),
        )
        digest = entry_hash(device, seq, head_hash, fields)
        cursor.execute(_INSERT, (*fields, device, seq, head_hash, digest))
        cursor.execute(_MOVE_HEAD, (device, seq, digest))
    finally:
        cursor.close()


# --- checking -------------------------------------------------------------------------

_ROWS_FROM = (
    "SELECT id, device_id, seq, prev_hash, hash, at, staff_id, workstation_id, action,"
    " entity, entity_id, details FROM audit_log"
)
_ROWS = f"{_ROWS_FROM} ORDER BY id"
_HEAD = "SELECT device_id, seq, hash FROM audit_head WHERE singleton = 1"


@dataclass(frozen=True)
class AuditReport:
    """What checking a till's chain found: how many entries held, and the first break."""

    entries: int
    head: ChainHead
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_connection(conn: sqlite3.Connection) -> AuditReport:
    """Check the chain of the file behind a plain ``sqlite3`` connection (read only)."""
    head = _read_head(conn)
    broken, end, count = check_chain(_rows(conn), EMPTY_HEAD, head=head)
    if broken is None and head is None:
        broken = ChainBreak(None, -1, "", "head_mismatch", "the chain's head row is missing")
    return AuditReport(count, end, broken)


def _read_head(conn: sqlite3.Connection) -> ChainHead | None:
    heads = conn.execute(_HEAD).fetchall()
    return ChainHead(*heads[0]) if len(heads) == 1 else None


def _rows(conn: sqlite3.Connection, after: int = 0, upto: int | None = None) -> Iterator[Any]:
    """The log in id order (ids in ``(after, upto]``); a row whose text is not even UTF-8
    comes as one with no device (so the check names it as malformed) and ends the walk."""
    last = after
    where = "WHERE id > ?" + ("" if upto is None else " AND id <= ?")
    bounds = (after,) if upto is None else (after, upto)
    try:
        for row in conn.execute(f"{_ROWS_FROM} {where} ORDER BY id", bounds):
            last = row[0]
            yield row
    except sqlite3.OperationalError:
        # Undecodable text (a byte changed by hand); find the row by its integer columns.
        rest = (last,) if upto is None else (last, upto)
        bad = conn.execute(f"SELECT id, seq FROM audit_log {where} ORDER BY id", rest).fetchall()
        for row_id, seq in bad:
            try:
                yield conn.execute(f"{_ROWS_FROM} WHERE id = ?", (row_id,)).fetchone()
            except sqlite3.OperationalError:
                yield (row_id, None, seq, None, None, None, None, None, None, None, None, None)
                return


#: From this many entries on, :func:`verify_file` checks the two halves in two processes.
SPLIT_FROM = 200_000


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_first_part(path: Path, upto: int) -> tuple[ChainBreak | None, ChainHead, int]:
    conn = _open_read_only(path)
    try:
        return check_chain(_rows(conn, 0, upto), EMPTY_HEAD)
    finally:
        conn.close()


def verify_file(path: Path, *, split_from: int = SPLIT_FROM) -> AuditReport:
    """Check the chain of the till database at ``path``, opened read only.

    A big log is checked in two halves at once (another process takes the
    first): the second half starts from the last entry of the first as it is
    stored, and the first half's check proves that entry. The answer is the
    same as one walk's: the first break in id order, and how many held before it.
    ``split_from``: from how many entries on (two cores pay off only for big logs).
    """
    conn = _open_read_only(path)
    try:
        count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        if count < max(split_from, 2):
            return verify_connection(conn)
        middle = conn.execute(
            "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET ?", (count // 2,)
        ).fetchone()[0]
        seam = conn.execute(
            "SELECT id, device_id, seq, hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
            (middle,),
        ).fetchone()
        if not (isinstance(seam[1], str) and isinstance(seam[2], int) and isinstance(seam[3], str)):
            return verify_connection(conn)  # the seam itself is damaged: one walk names it
        start = ChainHead(seam[1], seam[2], seam[3])
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            first = pool.submit(_check_first_part, path, seam[0])
            head = _read_head(conn)
            broken, end, later = check_chain(_rows(conn, seam[0]), start, head=head)
            early_break, early_end, early = first.result()
        if early_break is not None:
            return AuditReport(early, early_end, early_break)
        if broken is None and head is None:
            broken = ChainBreak(None, -1, "", "head_mismatch", "the chain's head row is missing")
        return AuditReport(early + later, end, broken)
    finally:
        conn.close()


# --- up to the server -------------------------------------------------------------------

#: Entries per op: some 400 bytes each, well inside the push's 2 MB request.
ENTRIES_PER_OP = 500

_UNQUEUED = text(
    "SELECT id, device_id, seq, prev_hash, hash, at, staff_id, workstation_id, action,"
    " entity, entity_id, details FROM audit_log"
    " WHERE id > (SELECT queued_id FROM audit_head WHERE singleton = 1) ORDER BY id LIMIT :n"
)
_MARK_QUEUED = text("UPDATE audit_head SET queued_id = :id WHERE singleton = 1")


def queue_for_server(session: Session, *, now: datetime, limit: int = 20) -> int:
    """Put audit entries not yet queued into the outbox, as ``audit.entries`` ops.

    In the caller's transaction (which the device counters' write lock makes the
    only writer); returns how many ops were queued. Each op carries up to
    :data:`ENTRIES_PER_OP` entries of one device's chain, in chain order, as
    the wire text they were hashed over. Entries written before the file had
    a device identity stay here: no server chain is theirs.
    """
    from shop_desktop.services.outbox import lock_device_counters
    from shop_desktop.services.outbox import queue_for_server as queue_op

    identity = lock_device_counters(session)
    conn = session.connection()
    queued = 0
    while queued < limit:
        rows = conn.execute(_UNQUEUED, {"n": ENTRIES_PER_OP}).all()
        if not rows:
            break
        device = rows[0][1]
        same = list(_same_device(rows, device))
        if device:
            queue_op(
                session,
                identity,
                AUDIT_ENTRIES,
                {"device_id": device, "entries": [_wire(row) for row in same]},
                now=now,
            )
            queued += 1
        conn.execute(_MARK_QUEUED, {"id": same[-1][0]})
    session.flush()
    return queued


def _same_device(rows: Sequence[Any], device: str) -> Iterator[Any]:
    for row in rows:
        if row[1] != device:
            return
        yield row


def _wire(row: Any) -> dict[str, Any]:
    return {
        "seq": row[2],
        "prev_hash": row[3],
        "hash": row[4],
        "at": row[5],
        "staff_id": row[6],
        "workstation_id": row[7],
        "action": row[8],
        "entity": row[9],
        "entity_id": row[10],
        "details": row[11],
    }
