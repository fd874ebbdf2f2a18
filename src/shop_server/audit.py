"""The server's copy of every till's audit chain: stored as it arrives, checked as it arrives.

A till sends runs of its chain (``audit.entries`` ops, ``shop_shared.ops``) in
chain order, each entry as the exact text its hash was taken over. Each run is
checked against what the server already holds for that chain -- the next
``seq``, the last hash -- with the till's own rule
(``shop_shared.audit_chain.check_chain``). Whatever arrives is kept (a break is
evidence, not something to throw away) and a break is flagged for a manager
(``audit_break``), once, where it starts. An entry whose ``seq`` the server
already holds with another hash is a fork -- two files wrote the same link, a
copied till -- and is flagged instead of stored. ``shop-server audit verify``
walks the stored chains again (:func:`verify_chains`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, func, select

from shop_server import schema as s
from shop_shared.audit_chain import EMPTY_HEAD, GENESIS, ChainBreak, ChainHead, check_chain

__all__ = ["AuditEntriesIn", "ChainReport", "store_entries", "verify_chains"]

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
AUDIT_BREAK = "audit_break"


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EntryIn(_Loose):
    seq: int = Field(ge=1, le=2**62)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    at: str = Field(max_length=40)
    staff_id: str | None = Field(default=None, max_length=32)
    workstation_id: str | None = Field(default=None, max_length=32)
    action: str = Field(max_length=200)
    entity: str = Field(max_length=200)
    entity_id: str = Field(max_length=200)
    details: str = Field(max_length=64_000)


class AuditEntriesIn(_Loose):
    device_id: str = Field(pattern=_HEX32.pattern)
    entries: list[EntryIn] = Field(max_length=5000)


class ChainRefused(Exception):
    """The run cannot belong to the pushing device (refused, not flagged)."""


def _head(conn: Connection, chain: str) -> ChainHead:
    e = s.audit_entries
    row = conn.execute(
        select(e.c.seq, e.c.hash)
        .where(e.c.chain_device_id == chain)
        .order_by(e.c.seq.desc())
        .limit(1)
    ).first()
    return ChainHead(chain, 0, GENESIS) if row is None else ChainHead(chain, row.seq, row.hash)


def _may_push_for(conn: Connection, device_id: str, workstation_id: str, chain: str) -> bool:
    """The chain is the pushing device's, or an earlier enrolment's of the same workstation."""
    if uuid.UUID(device_id).hex == chain:
        return True
    d = s.devices
    owner = conn.execute(select(d.c.workstation_id).where(d.c.id == str(uuid.UUID(chain)))).scalar()
    return owner == workstation_id


def _row(entry: EntryIn, chain: str) -> tuple[Any, ...]:
    return (
        entry.seq,
        chain,
        entry.seq,
        entry.prev_hash,
        entry.hash,
        entry.at,
        entry.staff_id,
        entry.workstation_id,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.details,
    )


@dataclass(frozen=True)
class Stored:
    """What one run did: entries stored, already held, and the flags it raised."""

    stored: int
    already_held: int
    flags: list[dict[str, Any]]

    def result(self, chain: str) -> dict[str, Any]:
        return {
            "device_id": chain,
            "stored": self.stored,
            "already_held": self.already_held,
            "breaks": [f["data"] for f in self.flags],
        }


def store_entries(
    conn: Connection,
    run: AuditEntriesIn,
    *,
    device_id: str,
    workstation_id: str,
    received_at: datetime,
) -> Stored:
    """Check ``run`` against the stored chain, store it, and say what to flag."""
    chain = run.device_id
    if not _may_push_for(conn, device_id, workstation_id, chain):
        raise ChainRefused
    head = _head(conn, chain)
    entries = sorted(run.entries, key=lambda e: e.seq)
    held = {
        row.seq: row.hash
        for row in conn.execute(
            select(s.audit_entries.c.seq, s.audit_entries.c.hash).where(
                s.audit_entries.c.chain_device_id == chain,
                s.audit_entries.c.seq.in_([e.seq for e in entries if e.seq <= head.seq]),
            )
        )
    }
    flags: list[dict[str, Any]] = []
    new: list[EntryIn] = []
    already = 0
    for entry in entries:
        if entry.seq in held:
            if held[entry.seq] == entry.hash:
                already += 1
            else:
                flags.append(_flag(chain, entry.seq, "fork", _FORK))
        elif entry.seq > head.seq:
            new.append(entry)
        else:
            flags.append(_flag(chain, entry.seq, "late_entry", _LATE))
    if new:
        broken, _, _ = check_chain(
            (_row(e, chain) for e in new),
            ChainHead(chain, head.seq, head.hash) if head.seq else EMPTY_HEAD,
            any_first_prev=head.seq == 0,
        )
        if broken is not None:
            flags.append(_flag(chain, broken.seq, broken.problem, broken.detail))
        conn.execute(
            s.audit_entries.insert(),
            [
                e.model_dump()
                | {
                    "chain_device_id": chain,
                    "pushed_by": device_id,
                    "received_at": received_at,
                }
                for e in new
            ],
        )
    return Stored(len(new), already, flags)


_FORK = "the server holds another entry with this sequence number (a copied workstation)"
_LATE = "an entry older than the chain's end arrived that the server never had"


def _flag(chain: str, seq: int | None, problem: str, detail: str) -> dict[str, Any]:
    where = f"entry {seq}" if seq is not None else "its end"
    return {
        "kind": AUDIT_BREAK,
        "entity": "audit_chain",
        "entity_id": chain,
        "message": f"The audit trail of device {chain} is broken at {where}: {detail}.",
        "data": {"chain_device_id": chain, "seq": seq, "problem": problem},
    }


# --- checking the stored copy -----------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    chain_device_id: str
    entries: int
    head: ChainHead
    broken: ChainBreak | None


def _stored_rows(conn: Connection, chain: str) -> Iterator[tuple[Any, ...]]:
    e = s.audit_entries
    result = conn.execution_options(yield_per=5000).execute(
        select(
            e.c.seq,
            e.c.chain_device_id,
            e.c.seq,
            e.c.prev_hash,
            e.c.hash,
            e.c.at,
            e.c.staff_id,
            e.c.workstation_id,
            e.c.action,
            e.c.entity,
            e.c.entity_id,
            e.c.details,
        )
        .where(e.c.chain_device_id == chain)
        .order_by(e.c.seq)
    )
    for row in result:
        yield tuple(row)


def verify_chains(conn: Connection, chain: str | None = None) -> list[ChainReport]:
    """Walk every stored chain (or ``chain``) from its first entry; one report each.

    A chain's first entry may link to anything (a re-enrolled till's new chain
    continues its old one), but must be ``seq`` 1.
    """
    e = s.audit_entries
    query = select(e.c.chain_device_id, func.count()).group_by(e.c.chain_device_id)
    if chain is not None:
        query = query.where(e.c.chain_device_id == chain)
    reports = []
    for device, _count in conn.execute(query.order_by(e.c.chain_device_id)).all():
        broken, head, entries = check_chain(
            _stored_rows(conn, device), EMPTY_HEAD, any_first_prev=True
        )
        reports.append(ChainReport(device, entries, head, broken))
    return reports
