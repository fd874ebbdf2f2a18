"""The sync engine the app drives: one pass at a time, and a cheap status.

One pass (``docs/sync-protocol.md``, client rules): ``hello`` (clock skew)
→ push until the outbox is empty → pull until the server has no more. The
UI calls :meth:`SyncEngine.run_once` on a worker thread (the keyring and the
network can block) every 60 s, on demand and after a sale, and
:meth:`SyncEngine.status` whenever it likes: status is one read of the
database, so it also works from another thread or process.

A failure that may pass (no network, 5xx, 429, an answer that makes no
sense) is retried after ``min(300, 2**n) * uniform(0.5, 1.5)`` seconds or
the server's ``Retry-After``; one that needs a person (revoked, cloned,
upgrade needed) stops syncing and says so for a manager.

This layer knows no Qt, so it cannot speak the user's language: each
outcome is a stable ``error_code`` that the screens word (``ui/sync/wording.py``),
plus ``last_error``, an English sentence for the sync log and the log file.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import requests
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from shop_desktop.data import search_index
from shop_desktop.data.db import Database, DatabaseLocked, DiskFull, classify_sqlite_error
from shop_desktop.data.models import DeviceIdentity, OutboxEntry, OutboxStatus, SyncLogEntry
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.services.audit import queue_for_server as queue_audit_entries
from shop_desktop.services.outbox import lock_device_counters, next_device_seq
from shop_desktop.services.sync.bootstrap import bootstrap
from shop_desktop.services.sync.credentials import TokenStore, TokenStoreUnavailable
from shop_desktop.services.sync.protocol import ServerAnswerInvalid, parse_hello
from shop_desktop.services.sync.pull import pull_all
from shop_desktop.services.sync.push import push_all
from shop_desktop.services.sync.state import (
    CURSOR_KEY,
    ENROLMENT_KEY,
    SETTINGS_KEY,
    STATE_KEY,
    EngineState,
    Enrolment,
    LogEvent,
    SyncSettings,
    read_value,
    write_log,
    write_value,
)
from shop_desktop.services.sync.transport import (
    INVALID_ANSWER,
    RETRY_CODES,
    CursorTooOld,
    DeviceCloned,
    DeviceRevoked,
    Forbidden,
    PayloadTooLarge,
    Retryable,
    ServerRefused,
    SyncFailure,
    Transport,
    UpgradeRequired,
)
from shop_desktop.services.tasks import Cancelled
from shop_shared.ops import (
    CART_PARKED,
    CART_RECALLED,
    MEMBER_UPDATE,
    ORDER_OPS,
    ORDER_STEP_OPS,
    PRODUCT_EDIT,
)

__all__ = [
    "DISK_FULL_CODE",
    "ERROR_CODES",
    "KEYRING",
    "NO_ACCESS_KEY",
    "STORAGE_BUSY",
    "STORAGE_ERROR",
    "OpNotRejected",
    "RejectedOp",
    "SyncEngine",
    "SyncLogRow",
    "SyncReport",
    "SyncSettings",
    "SyncStatus",
    "backoff_seconds",
    "clear_engine_state",
    "read_enrolment",
    "read_sync_log",
    "rejected_ops",
    "retry_rejected",
    "save_sync_settings",
    "sync_settings",
]

#: The codes a pass can leave in ``SyncStatus.error_code`` besides the transport's
#: (``SyncFailure.code`` and the ``Retryable`` kinds): the screens word each one.
KEYRING = "keyring"
NO_ACCESS_KEY = "no_token"
STORAGE_BUSY = "storage_busy"
DISK_FULL_CODE = "disk_full"
STORAGE_ERROR = "storage_error"
#: Every code a pass can leave in ``SyncStatus.error_code`` (the UI words each one).
ERROR_CODES = frozenset(
    {
        KEYRING,
        NO_ACCESS_KEY,
        STORAGE_BUSY,
        DISK_FULL_CODE,
        STORAGE_ERROR,
        *RETRY_CODES,
        *(
            failure.code
            for failure in (
                DeviceRevoked,
                DeviceCloned,
                Forbidden,
                UpgradeRequired,
                CursorTooOld,
                ServerRefused,
                PayloadTooLarge,
            )
        ),
    }
)

State = Literal[
    "not_enrolled", "idle", "syncing", "offline", "revoked", "cloned", "upgrade_required"
]
MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class SyncStatus:
    state: State
    online: bool
    pending_ops: int
    rejected_ops: int
    last_success_at: datetime | None
    clock_skew_seconds: float | None
    #: An English sentence for the sync log and the log file; "" when all is well.
    last_error: str
    next_attempt_at: datetime | None
    #: What went wrong, as a stable code the screens word in the user's language
    #: (never show ``last_error`` instead): one of :data:`ERROR_CODES`, or ""
    #: when all is well.
    error_code: str = ""


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    duplicates: int
    rejected: int
    pulled: int
    status: SyncStatus
    #: Wait this long before the next pass: backoff with jitter, or the server's Retry-After.
    retry_after_seconds: float | None


@dataclass(frozen=True)
class SyncLogRow:
    id: int
    at: datetime
    kind: str
    level: str
    message: str
    details: dict[str, Any]


@dataclass(frozen=True)
class RejectedOp:
    op_id: uuid.UUID
    op_type: str
    device_seq: int
    code: str
    #: The server's sentence.
    sentence: str
    created_at: datetime
    #: What the op was about, in English ("order S01-00000012, total 250"), for the
    #: log file; the screens word it from the facts below instead.
    summary: str
    #: The order's number (order ops), else None.
    number: str | None = None
    #: The order's total in minor units (ops that carry it), else None.
    total_minor: int | None = None
    #: The currency of ``total_minor``: the order's, else this workstation's.
    currency_code: str | None = None
    #: The fields a product or member edit changed (wire names), else empty.
    changed_fields: tuple[str, ...] = ()


class OpNotRejected(Exception):
    """retry_rejected was given an op that is not (or no longer) rejected."""


def backoff_seconds(failures: int, rng: random.Random) -> float:
    """``min(300, 2**n) * uniform(0.5, 1.5)``: spread out, so tills do not retry in step."""
    return min(MAX_BACKOFF, 2.0 ** max(failures, 0)) * rng.uniform(0.5, 1.5)


# --- settings ---------------------------------------------------------------------------


def sync_settings(db: Database) -> SyncSettings:
    """The server URL and TLS options (empty URL: not set up)."""
    with db.engine.connect() as conn:
        value = read_value(conn, SETTINGS_KEY) or {}
    return SyncSettings(
        server_url=str(value.get("server_url") or ""),
        verify_tls=bool(value.get("verify_tls", True)),
        ca_file=value.get("ca_file") or None,
    )


def save_sync_settings(db: Database, settings: SyncSettings) -> None:
    with db.engine.begin() as conn:
        write_value(
            conn,
            SETTINGS_KEY,
            {
                "server_url": settings.server_url.strip(),
                "verify_tls": settings.verify_tls,
                "ca_file": settings.ca_file,
            },
        )
        write_log(
            conn,
            "settings",
            f"Sync settings changed: server {settings.server_url or '(none)'}, "
            f"TLS verification {'on' if settings.verify_tls else 'OFF'}.",
            event=LogEvent.SETTINGS_CHANGED,
            level="info" if settings.verify_tls else "warning",
            details={"server_url": settings.server_url, "verify_tls": settings.verify_tls},
        )


def read_enrolment(db: Database) -> Enrolment | None:
    with db.engine.connect() as conn:
        value = read_value(conn, ENROLMENT_KEY)
    if not value:
        return None
    return Enrolment(
        device_id=uuid.UUID(value["device_id"]),
        branch_id=uuid.UUID(value["branch_id"]),
        workstation_id=uuid.UUID(value["workstation_id"]),
        invoice_prefix=str(value["invoice_prefix"]),
    )


# --- reading for a manager --------------------------------------------------------------


def read_sync_log(db: Database, limit: int = 200) -> list[SyncLogRow]:
    """The newest ``limit`` entries of the sync log, newest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                SyncLogEntry.id,
                SyncLogEntry.at,
                SyncLogEntry.kind,
                SyncLogEntry.level,
                SyncLogEntry.message,
                SyncLogEntry.details,
            )
            .order_by(SyncLogEntry.id.desc())
            .limit(limit)
        ).all()
    return [SyncLogRow(r.id, r.at, r.kind, r.level, r.message, dict(r.details or {})) for r in rows]


def _summary(op_type: str, payload: dict[str, Any]) -> str:
    if op_type in ORDER_OPS or op_type in ORDER_STEP_OPS:
        number = payload.get("number") or payload.get("order_id") or payload.get("id") or "?"
        total = payload.get("total_minor")
        return f"order {number}" + (f", total {total}" if isinstance(total, int) else "")
    if op_type == PRODUCT_EDIT:
        fields = ", ".join(sorted((payload.get("changes") or {}).keys()))
        return f"product {payload.get('product_id', '?')}: {fields}"
    if op_type == MEMBER_UPDATE:
        fields = ", ".join(sorted((payload.get("changes") or {}).keys()))
        return f"member {payload.get('member_id', '?')}: {fields}"
    if op_type in (CART_PARKED, CART_RECALLED):
        return f"parked cart {payload.get('id') or payload.get('cart_id') or '?'}"
    return op_type


def _order_number(payload: dict[str, Any]) -> str | None:
    number = payload.get("number")
    return number if isinstance(number, str) and number else None


def _total_minor(payload: dict[str, Any]) -> int | None:
    total = payload.get("total_minor")
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _changed_fields(payload: dict[str, Any]) -> tuple[str, ...]:
    changes = payload.get("changes")
    return tuple(sorted(str(name) for name in changes)) if isinstance(changes, dict) else ()


def rejected_ops(db: Database) -> list[RejectedOp]:
    """Operations the server refused for good, oldest first: kept for a manager to read.

    Each carries the facts of its payload the screens need to say what it was
    (number, total, currency), so that no English summary reaches a person.
    """
    with db.engine.connect() as conn:
        own_currency = conn.execute(select(DeviceIdentity.currency_code)).scalar()
        rows = conn.execute(
            select(
                OutboxEntry.op_id,
                OutboxEntry.op_type,
                OutboxEntry.device_seq,
                OutboxEntry.reject_code,
                OutboxEntry.last_error,
                OutboxEntry.created_at,
                OutboxEntry.payload,
            )
            .where(OutboxEntry.status == OutboxStatus.REJECTED)
            .order_by(OutboxEntry.id)
        ).all()
    return [_rejected_op(r, own_currency) for r in rows]


def _rejected_op(row: Any, own_currency: str | None) -> RejectedOp:
    payload = dict(row.payload or {})
    return RejectedOp(
        op_id=row.op_id,
        op_type=row.op_type,
        device_seq=row.device_seq,
        code=row.reject_code,
        sentence=row.last_error,
        created_at=row.created_at,
        summary=_summary(row.op_type, payload),
        number=_order_number(payload),
        total_minor=_total_minor(payload),
        currency_code=str(payload.get("currency_code") or own_currency or "") or None,
        changed_fields=_changed_fields(payload),
    )


def retry_rejected(db: Database, op_id: uuid.UUID) -> None:
    """Queue a refused operation again, after whatever made the server refuse it was fixed.

    The server keeps its answer per ``op_id`` (a repeat gets the same
    refusal), so the op goes again as a new op: a new ``op_id`` and the
    device's next ``device_seq``. Nothing was applied the first time, so
    this cannot count anything twice.
    """
    with db.session() as session:
        identity = lock_device_counters(session)
        entry = session.scalars(select(OutboxEntry).where(OutboxEntry.op_id == op_id)).one_or_none()
        if entry is None or entry.status is not OutboxStatus.REJECTED:
            raise OpNotRejected(str(op_id))
        seq = next_device_seq(identity)
        old = entry.op_id
        entry.op_id = new_id()
        entry.device_id = identity.device_id
        entry.device_seq = seq
        entry.status = OutboxStatus.PENDING
        entry.reject_code = ""
        entry.last_error = ""
        write_log(
            session.connection(),
            "push",
            f"{entry.op_type} queued again by a manager.",
            event=LogEvent.REQUEUED,
            details={
                "old_op_id": str(old),
                "op_id": str(entry.op_id),
                "device_seq": seq,
                "op_type": entry.op_type,
            },
        )


# --- the engine ---------------------------------------------------------------------------

DATABASE_BUSY = (
    "Another program kept this workstation's database busy; syncing will try again shortly."
)
DISK_FULL = "The disk is full; free some space so sales can be sent to the server."
DATABASE_TROUBLE = "This workstation's database could not be written; sync will try again."


def _storage_problem(db: Database, exc: BaseException) -> tuple[str, str] | None:
    """(code, log sentence) for a database error the environment caused, or None for a bug."""
    cause = exc.orig if isinstance(exc, OperationalError) and exc.orig is not None else exc
    known = classify_sqlite_error(db.path, cause)
    if known is None:
        return None
    if isinstance(known, DatabaseLocked):
        return STORAGE_BUSY, DATABASE_BUSY
    if isinstance(known, DiskFull):
        return DISK_FULL_CODE, DISK_FULL
    return STORAGE_ERROR, DATABASE_TROUBLE


class SyncEngine:
    """Syncs one workstation database with its server; one pass at a time."""

    def __init__(
        self,
        db: Database,
        tokens: TokenStore,
        *,
        http: requests.Session | None = None,
        now: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.tokens = tokens
        self.http = http
        self.now = now
        self.rng = rng or random.Random()
        self._pass = threading.Lock()
        self._running = False
        #: This pass loaded the catalog (first load, or again after a 410): build the index.
        self._catalog_loaded = False

    # -- status --------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """What the status bar shows: one read of the database, no network."""
        with self.db.engine.connect() as conn:
            identity = conn.execute(select(DeviceIdentity.device_id)).scalar()
            settings = read_value(conn, SETTINGS_KEY) or {}
            enrolled = read_value(conn, ENROLMENT_KEY) is not None
            engine_state = EngineState.from_json(read_value(conn, STATE_KEY))
            counts = dict(
                conn.execute(
                    select(OutboxEntry.status, func.count())
                    .where(OutboxEntry.status != OutboxStatus.ACKED)
                    .group_by(OutboxEntry.status)
                ).all()
            )
        state: State
        if identity is None or not enrolled or not settings.get("server_url"):
            state = "not_enrolled"
        elif self._running:
            state = "syncing"
        else:
            state = engine_state.state  # type: ignore[assignment]
        return SyncStatus(
            state=state,
            online=engine_state.online and state != "not_enrolled",
            pending_ops=int(counts.get(OutboxStatus.PENDING, 0)),
            rejected_ops=int(counts.get(OutboxStatus.REJECTED, 0)),
            last_success_at=engine_state.time("last_success_at"),
            clock_skew_seconds=engine_state.clock_skew_seconds,
            last_error=engine_state.last_error,
            next_attempt_at=engine_state.time("next_attempt_at"),
            error_code=engine_state.error_code if engine_state.last_error else "",
        )

    # -- one pass ------------------------------------------------------------------------

    def run_once(self, cancelled: Callable[[], bool] = lambda: False) -> SyncReport:
        """hello → push → pull; never raises for what the network or server did."""
        with self._pass:
            self._running = True
            try:
                report = self._run(cancelled)
            finally:
                self._running = False
            # The status as it stands now that the pass is over.
            return SyncReport(
                pushed=report.pushed,
                duplicates=report.duplicates,
                rejected=report.rejected,
                pulled=report.pulled,
                status=self.status(),
                retry_after_seconds=report.retry_after_seconds,
            )

    def _run(self, cancelled: Callable[[], bool]) -> SyncReport:
        counts = {"pushed": 0, "duplicates": 0, "rejected": 0, "pulled": 0}
        settings = sync_settings(self.db)
        enrolment = read_enrolment(self.db)
        with self.db.engine.connect() as conn:
            device_id = conn.execute(select(DeviceIdentity.device_id)).scalar()
            previous = EngineState.from_json(read_value(conn, STATE_KEY))
        if device_id is None or enrolment is None or not settings.server_url:
            return self._report(counts, None)
        if previous.state in ("revoked", "cloned"):
            # Nothing to try until a person enrols this workstation again.
            return self._report(counts, None)
        try:
            token = self.tokens.get(device_id)
        except TokenStoreUnavailable as exc:
            return self._failed(
                previous, KEYRING, "The system keyring is locked or missing; unlock it to sync.",
                exc, counts,
            )  # fmt: skip
        if not token:
            self._save(
                previous,
                state="revoked",
                online=False,
                last_error="This workstation has no access key; enrol it again.",
                error_code=NO_ACCESS_KEY,
            )
            return self._report(counts, None)
        transport = Transport(
            settings.server_url,
            token=token,
            verify_tls=settings.verify_tls,
            ca_file=settings.ca_file,
            http=self.http,
        )
        try:
            skew = self._hello(transport)
            previous.clock_skew_seconds = skew
            previous.online = True
            # The audit trail's newest entries join the outbox, behind what is queued.
            with self.db.session() as session:
                queue_audit_entries(session, now=self.now())
            # Sales first: a catalog load that keeps failing must not keep them here.
            pushed = push_all(self.db, transport, device_id, now=self.now, cancelled=cancelled)
            counts.update(pushed=pushed.applied, duplicates=pushed.duplicates,
                          rejected=pushed.rejected)  # fmt: skip
            self._catalog_loaded = self._ensure_bootstrapped(transport, cancelled)
            upgrade = self._pull(transport, enrolment, cancelled, counts)
            if self._catalog_loaded:
                _build_search_index(self.db, cancelled)
        except (OperationalError, sqlite3.OperationalError) as exc:
            storage = _storage_problem(self.db, exc)
            if storage is None:
                raise  # not the disk or a busy database: a bug, reported as one
            code, sentence = storage
            return self._failed(previous, code, sentence, exc, counts)
        except Cancelled:
            return self._report(counts, None)
        except Retryable as exc:
            return self._failed(
                previous, exc.code, exc.sentence, exc, counts, retry_after=exc.retry_after
            )
        except DeviceRevoked as exc:
            self._stop(previous, "revoked", exc)
            return self._report(counts, None)
        except DeviceCloned as exc:
            self._stop(previous, "cloned", exc)
            return self._report(counts, None)
        except SyncFailure as exc:
            return self._failed(
                previous, exc.code, exc.sentence, exc, counts, state="idle", online=True
            )
        previous.failures = 0
        self._save(
            previous,
            state="upgrade_required" if upgrade else "idle",
            online=True,
            last_success_at=self.now().isoformat(),
            last_error=UpgradeRequired.sentence if upgrade else "",
            error_code=UpgradeRequired.code if upgrade else "",
            next_attempt_at=None,
        )
        return self._report(counts, None)

    def _hello(self, transport: Transport) -> float:
        sent = self.now()
        raw = transport.get("/hello")
        received = self.now()
        try:
            hello = parse_hello(raw)
        except ServerAnswerInvalid as exc:
            raise Retryable(exc.detail) from exc
        middle = sent + (received - sent) / 2
        return (hello.server_time - middle).total_seconds()

    def _ensure_bootstrapped(self, transport: Transport, cancelled: Callable[[], bool]) -> bool:
        """Load the catalog if it never was; True when it was loaded now."""
        with self.db.engine.connect() as conn:
            cursor = read_value(conn, CURSOR_KEY)
        if cursor is not None:
            return False
        bootstrap(self.db.path, transport, cancelled=cancelled)
        return True

    def _pull(
        self,
        transport: Transport,
        enrolment: Enrolment,
        cancelled: Callable[[], bool],
        counts: dict[str, int],
    ) -> bool:
        """Pull to the end; True when the server wants a newer app for pulling."""
        for _ in range(2):
            with self.db.engine.connect() as conn:
                value = read_value(conn, CURSOR_KEY) or {}
            cursor = int(value.get("cursor", 0))
            try:
                result = pull_all(self.db, transport, cursor, enrolment, cancelled=cancelled)
            except UpgradeRequired as exc:
                self._log("pull", exc.sentence, event=LogEvent.UPGRADE_REQUIRED, level="warning",
                          details={"detail": exc.detail})  # fmt: skip
                return True
            except CursorTooOld:
                self._log(
                    "pull", CursorTooOld.sentence, event=LogEvent.CURSOR_RESET, level="warning"
                )
                bootstrap(self.db.path, transport, cancelled=cancelled, reset=True)
                self._catalog_loaded = True
                continue
            counts["pulled"] += result.changes
            if result.changes:
                self._log("pull", f"Received {result.changes} changes from the server.",
                          event=LogEvent.PULLED,
                          details={"changes": result.changes, "cursor": result.cursor})  # fmt: skip
            return False
        raise Retryable(
            "the server's cursor floor moved past a fresh snapshot twice", code=INVALID_ANSWER
        )

    # -- outcomes ------------------------------------------------------------------------

    def _failed(
        self,
        previous: EngineState,
        code: str,
        sentence: str,
        exc: BaseException,
        counts: dict[str, int],
        *,
        retry_after: float | None = None,
        state: str = "offline",
        online: bool = False,
    ) -> SyncReport:
        previous.failures += 1
        delay = (
            retry_after if retry_after is not None else backoff_seconds(previous.failures, self.rng)
        )
        try:
            self._save(
                previous,
                state=state,
                online=online,
                last_error=sentence,
                error_code=code,
                next_attempt_at=(self.now() + timedelta(seconds=delay)).isoformat(),
            )
            self._log(
                "error",
                sentence,
                event=LogEvent.FAILED,
                level="warning",
                details={
                    "error_code": code, "detail": str(exc), "kind": type(exc).__name__,
                    "code": code, "retry_in_s": round(delay, 1),
                },
            )  # fmt: skip
        except OperationalError:
            # The database is still busy or full: the caller retries after ``delay``
            # all the same; the state is written by a later pass.
            pass
        return self._report(counts, delay)

    def _stop(self, previous: EngineState, state: str, exc: SyncFailure) -> None:
        self._save(previous, state=state, online=True, last_error=exc.sentence,
                   error_code=exc.code, next_attempt_at=None)  # fmt: skip
        self._log("error", exc.sentence, event=LogEvent.STOPPED, level="error",
                  details={"error_code": exc.code, "detail": exc.detail,
                           "code": exc.code})  # fmt: skip

    def _save(self, previous: EngineState, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(previous, name, value)
        with self.db.engine.begin() as conn:
            write_value(conn, STATE_KEY, previous.to_json())

    def _log(
        self,
        kind: str,
        message: str,
        *,
        event: LogEvent,
        level: str = "info",
        details: dict[str, Any] | None = None,
    ) -> None:
        with self.db.engine.begin() as conn:
            write_log(conn, kind, message, event=event, level=level, details=details, at=self.now())

    def _report(self, counts: dict[str, int], retry_after: float | None) -> SyncReport:
        return SyncReport(
            pushed=counts["pushed"],
            duplicates=counts["duplicates"],
            rejected=counts["rejected"],
            pulled=counts["pulled"],
            status=self.status(),
            retry_after_seconds=retry_after,
        )


class _CancelOnly:
    """The index build's progress, for a pass that reports none but can be cancelled."""

    def __init__(self, cancelled: Callable[[], bool]) -> None:
        self.cancelled = cancelled

    def set_progress(self, fraction: float, status: str = "") -> None:
        pass

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled


def _build_search_index(db: Database, cancelled: Callable[[], bool]) -> None:
    """After a catalog load in this pass: the till already sells; now make search fast.

    In short write transactions (sales and later passes go on meanwhile); a
    build cut short is made again by the next start-up.
    """
    # Superseded: the start-up path started building it after this pass did.
    with contextlib.suppress(search_index.BuildSuperseded):
        search_index.build_in_steps(db.path, _CancelOnly(cancelled))


def clear_engine_state(db: Database) -> None:
    """Forget revoked/cloned and the backoff (after enrolling again)."""
    with db.engine.begin() as conn:
        write_value(conn, STATE_KEY, None)
