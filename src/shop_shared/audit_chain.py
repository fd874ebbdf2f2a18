"""The audit trail's hash chain: how an entry is hashed and how a chain is checked.

Written once for the till (``shop-admin audit verify``, ``services.audit``) and
the server (which checks each device's chain as it arrives and offers
``shop-server audit verify``), so both hash exactly the same bytes.

An entry is hashed in its **wire form**: the text the till stores, byte for
byte -- ids as 32 lower-case hex digits (how SQLite keeps a UUID), the time as
naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` and the details as JSON text. The
till stores those strings as they are and sends them up as they are, and the
server stores them as they arrive; nobody re-serialises anything, so checking
a chain is reading text and hashing it, and changing any byte of a stored row
changes its hash.

Each device keeps one chain: entry ``seq`` n+1 carries the SHA-256 of entry n
(``prev_hash``); the first entry of a file carries :data:`GENESIS`. When a till
is enrolled again it gets a new device id and starts a new chain at ``seq`` 1,
linked to the last entry of the one before it (``prev_hash`` is that entry's hash).

Standard library only: the server imports this too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

__all__ = [
    "CHAIN_VERSION",
    "EMPTY_HEAD",
    "ENTRY_FIELDS",
    "GENESIS",
    "ChainBreak",
    "ChainHead",
    "canonical",
    "check_chain",
    "entry_hash",
    "wire_details",
    "wire_time",
]

#: Part of every hashed entry, so a later change of the rule cannot pass for this one.
CHAIN_VERSION: Final = "shop-audit/1"

#: The ``prev_hash`` of the first entry of a file.
GENESIS: Final = "0" * 64

#: The fields of an entry, in the order they are hashed (after :data:`CHAIN_VERSION`).
ENTRY_FIELDS: Final = (
    "device_id",
    "seq",
    "prev_hash",
    "at",
    "staff_id",
    "workstation_id",
    "action",
    "entity",
    "entity_id",
    "details",
)

_sha256 = hashlib.sha256
_VERSION_PART: Final = f"{len(CHAIN_VERSION)}:{CHAIN_VERSION}"


def wire_time(at: datetime) -> str:
    """An aware time in the chain's form: naive UTC with microseconds, as SQLite keeps it."""
    if at.tzinfo is None:
        raise ValueError("an audit entry needs an aware time (utcnow())")
    return f"{at.astimezone(UTC).replace(tzinfo=None):%Y-%m-%d %H:%M:%S.%f}"


def wire_details(details: dict[str, Any]) -> str:
    """The details as the JSON text that is stored and hashed: keys sorted at every level.

    ASCII only (``json.dumps``' default): no control character or NUL ever
    appears raw in it.
    """
    return json.dumps(details, sort_keys=True)


def canonical(device_id: str, seq: int, prev_hash: str, fields: Sequence[Any]) -> str:
    """The text an entry's hash is taken over: every field as a netstring, in order.

    :data:`CHAIN_VERSION`, ``device_id``, ``seq``, ``prev_hash``, then
    ``fields`` (at, staff_id, workstation_id, action, entity, entity_id,
    details), each as ``<length>:<text>`` (length in characters) and ``-``
    for ``None``: self-delimiting, so no two different entries give the same
    text.
    """
    # One f-string, no calls: this runs for every entry of a million-entry check.
    at, staff, station, action, entity, entity_id, details = fields
    seq_text = str(seq)
    return (
        f"{_VERSION_PART}{len(device_id)}:{device_id}{len(seq_text)}:{seq_text}"
        f"{len(prev_hash)}:{prev_hash}"
        f"{'-' if at is None else f'{len(at)}:{at}'}"
        f"{'-' if staff is None else f'{len(staff)}:{staff}'}"
        f"{'-' if station is None else f'{len(station)}:{station}'}"
        f"{'-' if action is None else f'{len(action)}:{action}'}"
        f"{'-' if entity is None else f'{len(entity)}:{entity}'}"
        f"{'-' if entity_id is None else f'{len(entity_id)}:{entity_id}'}"
        f"{'-' if details is None else f'{len(details)}:{details}'}"
    )


def entry_hash(device_id: str, seq: int, prev_hash: str, fields: Sequence[str | None]) -> str:
    """The SHA-256 (hex) of an entry's :func:`canonical` text, as UTF-8."""
    return _sha256(canonical(device_id, seq, prev_hash, fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """Where a chain stands: its device, last ``seq`` and last hash (``seq`` 0: empty)."""

    device_id: str
    seq: int
    hash: str


EMPTY_HEAD: Final = ChainHead("", 0, GENESIS)


@dataclass(frozen=True)
class ChainBreak:
    """The first link that does not hold.

    ``seq`` is the sequence number stored in the broken entry (``None`` when it
    is not even a number, or when the break is the end of the chain);
    ``position`` the entry's place in the order it was read (its row id on the
    till, its ``seq`` on the server); ``problem`` a code and ``detail`` a
    sentence for the person who reads the report.
    """

    seq: int | None
    position: int
    device_id: str
    problem: str
    detail: str

    def describe(self) -> str:
        where = f"entry seq {self.seq}" if self.seq is not None else "the chain's end"
        device = f" of device {self.device_id}" if self.device_id else ""
        return f"{where}{device} (row {self.position}): {self.detail}"


#: Problem codes.
HASH_MISMATCH: Final = "hash_mismatch"
PREV_MISMATCH: Final = "prev_hash_mismatch"
SEQ_GAP: Final = "seq_out_of_order"
MALFORMED: Final = "malformed"
HEAD_MISMATCH: Final = "head_mismatch"

#: An entry as read: position, device_id, seq, prev_hash, hash, then the seven other
#: wire fields (at, staff_id, workstation_id, action, entity, entity_id, details).
Row = Sequence[Any]


def check_chain(
    rows: Iterable[Row],
    start: ChainHead = EMPTY_HEAD,
    *,
    any_first_prev: bool = False,
    head: ChainHead | None = None,
) -> tuple[ChainBreak | None, ChainHead, int]:
    """Walk ``rows`` in chain order from ``start``; the first break, the new head, the count.

    A row continues the chain when it has the device of the row before and the
    next ``seq``, or a new device and ``seq`` 1 (a till enrolled again); its
    ``prev_hash`` is the hash of the row before, and its own hash is the
    SHA-256 of its canonical text. ``any_first_prev``: the very first row may
    link to anything (the server, meeting a device's chain whose first entry
    continues another device's). ``head``: what the last row must be (the
    till's head row), so deleting the newest entries is caught too.
    """
    device, seq, prev = start.device_id, start.seq, start.hash
    count = 0
    sha = _sha256
    free_prev = any_first_prev
    for row in rows:
        row_device, row_seq, row_prev, row_hash = row[1], row[2], row[3], row[4]
        try:
            text: str | None = canonical(row_device, row_seq, row_prev, row[5:12])
        except (TypeError, ValueError):
            text = None
        if text is None or row_seq.__class__ is not int or row_device.__class__ is not str:
            problem, detail = MALFORMED, "a field is missing or of the wrong kind"
        elif row_device == device and row_seq != seq + 1:
            problem, detail = (
                SEQ_GAP,
                f"sequence number {row_seq} follows {seq}; expected {seq + 1}",
            )
        elif row_device != device and row_seq != 1:
            problem = SEQ_GAP
            detail = f"a chain of device {row_device} starts at {row_seq}; expected 1"
        elif row_prev != prev and not free_prev:
            problem, detail = PREV_MISMATCH, "it does not carry the hash of the entry before it"
        elif sha(text.encode()).hexdigest() != row_hash:
            problem, detail = HASH_MISMATCH, "its contents do not match its hash (it was changed)"
        else:
            device, seq, prev = row_device, row_seq, row_hash
            count += 1
            free_prev = False
            continue
        return _break(row, problem, detail), ChainHead(device, seq, prev), count
    end = ChainHead(device, seq, prev)
    if head is not None and head != end:
        if head.device_id == device and head.seq > seq:
            detail = f"the chain ends at {seq} but entries up to {head.seq} were written"
        else:
            detail = f"the chain ends at {seq} with another hash than the one recorded last"
        return ChainBreak(None, -1, device, HEAD_MISMATCH, detail), end, count
    return None, end, count


def _break(row: Row, problem: str, detail: str) -> ChainBreak:
    seq = row[2] if isinstance(row[2], int) else None
    device = row[1] if isinstance(row[1], str) else ""
    position = row[0] if isinstance(row[0], int) else -1
    return ChainBreak(seq, position, device, problem, detail)
