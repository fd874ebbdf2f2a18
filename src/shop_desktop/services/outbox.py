"""This till's outbox: operations for the server, numbered by the device's counters.

Everything the workstation owns (sales, order steps, parked carts, catalog
edits, member changes) goes up to the server as an op in the ``outbox`` table,
written in the same transaction as the change it reports, so an op exists if
and only if its change does (SYNC.md). Ops are numbered by
``device_identity.next_device_seq``, without gaps and in the order they
happened; the server refuses a number it has seen with another op (a copied
database).

Every writer first takes SQLite's write lock -- a no-op update of the device
counters -- and only then reads them: two writers on one file (two tabs, a
sync pass, a till restarted after a crash racing its own retry) then run one
after the other, and what one reads cannot change before it commits. The
counters themselves (the device sequence, invoice and credit-note numbers) are
bumped in that same transaction.

Op names and payload versions are the protocol's (:mod:`shop_shared.ops`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    DeviceIdentity,
    OutboxEntry,
    OutboxStatus,
    Workstation,
    table_of,
)
from shop_desktop.data.types import new_id
from shop_desktop.services.auth import WorkstationNotSetUp
from shop_shared.ops import DEVICE_SEQ_REUSED
from shop_shared.ops import payload_version as current_version

__all__ = [
    "DeviceCounters",
    "bump_counters",
    "lock_counters",
    "lock_device_counters",
    "next_device_seq",
    "queue_for_server",
    "renumber_unsent",
    "take_write_lock",
    "write_op",
]


_DEVICE = table_of(DeviceIdentity)
_STATIONS = table_of(Workstation)
_OUTBOX = table_of(OutboxEntry)

# Built once: SQLAlchemy then finds their compiled form in its cache at once.
#: Changes nothing, but SQLite takes its write lock for it (waiting, with the busy
#: timeout, for another writer to finish).
_TAKE_WRITE_LOCK = update(_DEVICE).values(next_device_seq=_DEVICE.c.next_device_seq)
_READ_COUNTERS = select(
    _DEVICE.c.singleton,
    _DEVICE.c.device_id,
    _DEVICE.c.workstation_id,
    _DEVICE.c.next_device_seq,
    _DEVICE.c.next_invoice_no,
    _DEVICE.c.currency_code,
    _STATIONS.c.id.label("station_id"),
    _STATIONS.c.branch_id,
    _STATIONS.c.invoice_prefix,
).select_from(_DEVICE.outerjoin(_STATIONS, _STATIONS.c.id == _DEVICE.c.workstation_id))
_BUMP_COUNTERS = (
    update(_DEVICE)
    .where(_DEVICE.c.singleton == bindparam("row"))
    .values(next_invoice_no=bindparam("invoice_no"), next_device_seq=bindparam("device_seq"))
)
_INSERT_OP = insert(_OUTBOX)


def take_write_lock(conn: Connection) -> None:
    """Make the caller's transaction a writer before it reads anything.

    A transaction that reads first and writes later holds a read snapshot; if
    a sale commits in between, SQLite cannot upgrade it and fails at once with
    "database is locked" (the busy timeout does not help). Taking the lock
    first makes a concurrent sale wait for this transaction instead, and vice
    versa.
    """
    conn.execute(_TAKE_WRITE_LOCK)


# --- through the ORM: order steps, parked carts, catalog edits, member changes ---------


def lock_device_counters(session: Session) -> DeviceIdentity:
    """Take the database's write lock, then read this device's counters.

    What is read next cannot change before this transaction commits: counters
    are bumped once, a coupon is used once, an order id is committed once.
    """
    session.execute(
        update(DeviceIdentity)
        .values(next_device_seq=DeviceIdentity.next_device_seq)
        .execution_options(synchronize_session=False)
    )
    identity = session.scalars(
        select(DeviceIdentity).execution_options(populate_existing=True)
    ).one_or_none()
    if identity is None:
        raise WorkstationNotSetUp
    return identity


def next_device_seq(identity: DeviceIdentity) -> int:
    """Take the device's next sequence number (``identity`` from :func:`lock_device_counters`)."""
    seq = identity.next_device_seq
    identity.next_device_seq = seq + 1
    return seq


def queue_for_server(
    session: Session,
    identity: DeviceIdentity,
    op_type: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    payload_version: int | None = None,
) -> int:
    """Add an operation for the server to the outbox; returns its ``device_seq``.

    ``identity`` comes from :func:`lock_device_counters` in this transaction,
    so sequence numbers run without gaps in the order operations happened.
    The payload is at the protocol's current version of ``op_type`` unless
    ``payload_version`` says otherwise; an op the protocol does not know
    raises :class:`shop_shared.ops.UnknownOp` unless its version is given.
    """
    version = current_version(op_type) if payload_version is None else payload_version
    seq = next_device_seq(identity)
    session.add(
        OutboxEntry(
            device_id=identity.device_id,
            device_seq=seq,
            op_id=new_id(),
            op_type=op_type,
            payload_version=version,
            payload=payload,
            created_at=now,
        )
    )
    return seq


def renumber_unsent(conn: Connection, device_id: uuid.UUID) -> int:
    """Unsent ops in their original order, numbered 1.. under a new device id.

    For a database enrolled again (after a clone or a restore); returns how many
    there are, so the device's sequence goes on after them. Unsent means pending,
    and also refused as ``device_seq_reused``: the server did not record those,
    so they go again (same op ids) as any pending op.
    """
    unsent = (
        conn.execute(
            select(OutboxEntry.id)
            .where(
                (OutboxEntry.status == OutboxStatus.PENDING)
                | (
                    (OutboxEntry.status == OutboxStatus.REJECTED)
                    & (OutboxEntry.reject_code == DEVICE_SEQ_REUSED)
                )
            )
            .order_by(OutboxEntry.device_seq, OutboxEntry.id)
        )
        .scalars()
        .all()
    )
    for seq, entry_id in enumerate(unsent, start=1):
        conn.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(
                device_id=device_id,
                device_seq=seq,
                status=OutboxStatus.PENDING,
                reject_code="",
                last_error="",
            )
        )
    return len(unsent)


# --- through Core: the sale's commit ----------------------------------------------------
#
# commit_sale writes with Core on the session's connection (a 20-line sale is some
# 50 rows, and ORM objects cost several times what SQLite needs to store them); these
# are the same steps for it, with the same column types as an ORM write.


@dataclass(frozen=True)
class DeviceCounters:
    """This device's counters and workstation, read under the write lock."""

    singleton: int
    device_id: uuid.UUID
    workstation_id: uuid.UUID
    next_device_seq: int
    next_invoice_no: int
    currency_code: str
    #: None only if the workstation row is missing (the foreign key forbids it).
    station_id: uuid.UUID | None
    branch_id: uuid.UUID | None
    invoice_prefix: str | None


def lock_counters(conn: Connection) -> DeviceCounters:
    """:func:`lock_device_counters` for Core: the write lock, then the counters."""
    take_write_lock(conn)
    row = conn.execute(_READ_COUNTERS).one_or_none()
    if row is None:
        raise WorkstationNotSetUp
    return DeviceCounters(*row)


def write_op(
    conn: Connection,
    counters: DeviceCounters,
    op_type: str,
    payload: dict[str, Any],
    *,
    device_seq: int,
    now: datetime,
) -> None:
    """The outbox row of an op numbered ``device_seq`` (bumped by :func:`bump_counters`)."""
    conn.execute(
        _INSERT_OP,
        {
            "device_id": counters.device_id,
            "device_seq": device_seq,
            "op_id": new_id(),
            "op_type": op_type,
            "payload_version": current_version(op_type),
            "payload": payload,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
        },
    )


def bump_counters(
    session: Session, counters: DeviceCounters, *, device_seq: int, invoice_no: int
) -> None:
    """Store the next free device sequence and invoice numbers, in one statement."""
    session.connection().execute(
        _BUMP_COUNTERS,
        {"row": counters.singleton, "invoice_no": invoice_no, "device_seq": device_seq},
    )
    # A DeviceIdentity this session loaded earlier now holds old counters.
    stale = session.identity_map.get(Session.identity_key(DeviceIdentity, (counters.singleton,)))
    if stale is not None:
        session.expire(stale)
