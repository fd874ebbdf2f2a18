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
from enum import StrEnum
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
    "LogEvent",
    "SyncSettings",
    "read_value",
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


class LogEvent(StrEnum):
    """What a sync log row is about, stored as ``details["event"]`` next to its facts.

    This layer knows no Qt, so ``message`` is an English sentence (it also goes
    to the log file); the log dialog words the event in the user's language
    from the facts (``ui/sync/wording.py``), so a code, once written, keeps its
    meaning and its facts' names: rows outlive the app version that wrote them.
    """

    #: A batch went up: ``applied``, ``duplicates``, ``rejected``, ``cursor``.
    PUSHED = "pushed"
    #: The server refused one op for good: ``op_type``, ``device_seq``, ``code``, ``op_id``.
    REFUSED = "refused"
    #: A manager queued a refused op again: ``op_type``, ``device_seq`` (the new one).
    REQUEUED = "requeued"
    #: The server's product, sent back with a refused edit, comes with the next pull.
    CURRENT_PRODUCT_LATER = "current_product_later"
    #: The server's product sent back with a refused edit could not be stored: ``error``.
    CURRENT_PRODUCT_NOT_STORED = "current_product_not_stored"
    #: Changes came down: ``changes``, ``cursor``.
    PULLED = "pulled"
    #: The catalog was loaded from a snapshot: ``rows``, ``seconds``, ``cursor``, ``reset``.
    BOOTSTRAP_DONE = "bootstrap_done"
    #: The pull cursor was too old: the catalog is loaded again.
    CURSOR_RESET = "cursor_reset"
    #: Pulling needs a newer app (pushing goes on): ``detail``.
    UPGRADE_REQUIRED = "upgrade_required"
    #: A pass failed and is retried: ``error_code``, ``retry_in_s``, ``detail``.
    FAILED = "failed"
    #: Syncing stopped until a person acts (revoked, cloned): ``error_code``, ``detail``.
    STOPPED = "stopped"
    #: The workstation (re-)enrolled: ``device_id``, ``workstation_code``,
    #: ``invoice_prefix``, ``renumbered``.
    ENROLLED = "enrolled"
    #: A manager changed the server settings: ``server_url``, ``verify_tls``.
    SETTINGS_CHANGED = "settings_changed"


def write_log(
    conn: Connection,
    kind: str,
    message: str,
    *,
    event: LogEvent,
    level: str = "info",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add a row to the sync log: ``event`` and its facts in ``details``, ``message`` in English.

    ``event`` is required so that every row can be worded in the user's
    language; ``message`` stays the English detail for the log file and for
    rows of a code this app does not know.
    """
    facts = {**(details or {}), "event": event.value}
    conn.execute(
        insert(SyncLogEntry).values(
            at=at or utcnow(), kind=kind, level=level, message=message, details=facts
        )
    )
