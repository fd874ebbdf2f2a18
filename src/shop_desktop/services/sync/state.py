"""What the sync engine remembers between passes, kept in the database file.

Settings, the pull cursor and the last outcome live in ``local_state`` (one
JSON value per key), so the engine runs from just the database path and the
keyring, and :func:`~shop_desktop.services.sync.engine.SyncEngine.status` is
one cheap read from any thread. The token is *not* here (see credentials).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from shop_desktop.data.models import LocalState, SyncLogEntry
from shop_desktop.data.types import utcnow

__all__ = [
    "CURSOR_KEY",
    "ENROLMENT_KEY",
    "SETTINGS_KEY",
    "STATE_KEY",
    "EngineState",
    "Enrolment",
    "SyncSettings",
    "read_value",
    "take_write_lock",
    "write_log",
    "write_value",
]

SETTINGS_KEY = "sync_settings"
CURSOR_KEY = "sync_cursor"
STATE_KEY = "sync_state"
ENROLMENT_KEY = "sync_enrolment"


@dataclass(frozen=True)
class SyncSettings:
    """How to reach the server. TLS verification is on unless a manager turns it off."""

    server_url: str = ""
    verify_tls: bool = True
    #: A CA bundle for a server whose certificate a private CA signed.
    ca_file: str | None = None


@dataclass(frozen=True)
class Enrolment:
    """What the server said at enrolment, which pulled rows must not overwrite."""

    device_id: uuid.UUID
    branch_id: uuid.UUID
    workstation_id: uuid.UUID
    #: This enrolment's own invoice series prefix (``<workstation prefix>-<n>``).
    invoice_prefix: str


@dataclass
class EngineState:
    """The outcome of the last pass, for the status bar (JSON in local_state)."""

    state: str = "idle"
    online: bool = False
    last_success_at: str | None = None
    clock_skew_seconds: float | None = None
    last_error: str = ""
    #: What ``last_error`` is about, for the screens to word (see ``SyncStatus.error_code``).
    error_code: str = ""
    next_attempt_at: str | None = None
    #: Retryable failures in a row: the backoff exponent.
    failures: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> EngineState:
        if not value:
            return cls()
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def time(self, name: str) -> datetime | None:
        text = getattr(self, name)
        return None if not text else datetime.fromisoformat(text)


#: A write that changes nothing: SQLite takes its write lock for it, waiting (busy
#: timeout) for another writer, as ``checkout.lock_device_counters`` does for a sale.
_NO_OP_WRITE = "UPDATE device_identity SET next_device_seq = next_device_seq"


def take_write_lock(conn: Connection) -> None:
    """Make the caller's transaction a writer before it reads anything.

    A transaction that reads first and writes later holds a read snapshot; if a
    sale commits in between, SQLite cannot upgrade it and fails at once with
    "database is locked" (the busy timeout does not help). Taking the lock first
    makes a concurrent sale wait for this transaction instead, and vice versa.
    """
    conn.exec_driver_sql(_NO_OP_WRITE)


def read_value(conn: Connection, key: str) -> dict[str, Any] | None:
    value = conn.execute(select(LocalState.value).where(LocalState.key == key)).scalar()
    return dict(value) if isinstance(value, dict) else None


def write_value(conn: Connection, key: str, value: dict[str, Any] | None) -> None:
    if value is None:
        conn.execute(delete(LocalState).where(LocalState.key == key))
        return
    done = conn.execute(update(LocalState).where(LocalState.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(LocalState).values(key=key, value=value))


def write_log(
    conn: Connection,
    kind: str,
    message: str,
    *,
    level: str = "info",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    conn.execute(
        insert(SyncLogEntry).values(
            at=at or utcnow(), kind=kind, level=level, message=message, details=details or {}
        )
    )
