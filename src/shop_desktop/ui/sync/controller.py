"""When the workstation syncs: periodically, on demand, and right after a sale.

The engine (``services.sync.engine``) does one pass (hello, push, pull) per
call and blocks on the network and the OS keyring, so every pass and every
status read runs on a worker through :class:`~shop_desktop.ui.tasks.BackgroundOp`.
This controller only decides *when*: one pass at a time (a request made
while one runs is remembered and served right after it, never a second
request in flight — SYNC.md, "one request at a time per device"), the next
pass after the engine's own backoff (``retry_after_seconds``, with jitter)
or after the regular period, and nothing at all while the workstation is
revoked, cloned or not enrolled until someone asks.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from shop_desktop.data.db import Database, DatabaseLocked, DiskFull, StorageError
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import (
    DISK_FULL_CODE,
    STORAGE_BUSY,
    STORAGE_ERROR,
    SyncEngine,
    SyncReport,
    SyncStatus,
)
from shop_desktop.ui.sync.wording import PROGRAM_ERROR
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

#: The regular pause between passes when nothing asks for one sooner.
PERIOD_MS = 60_000
#: States in which a pass cannot help until a person acts (re-enrols, updates):
#: the timer then only re-reads the status, it does not knock on the server.
STUCK_STATES = frozenset({"not_enrolled", "revoked", "cloned"})

EngineFactory = Callable[[Database], SyncEngine]


def keyring_engine(database: Database) -> SyncEngine:
    """The engine the app uses: device token in the OS keyring."""
    return SyncEngine(database, KeyringTokenStore())


def _unknown_status() -> SyncStatus:
    # Shown until the first status read comes back from the worker.
    return SyncStatus(
        state="idle",
        online=False,
        pending_ops=0,
        rejected_ops=0,
        last_success_at=None,
        clock_skew_seconds=None,
        last_error="",
        next_attempt_at=None,
    )


class SyncController(QObject):
    """Runs sync passes off the GUI thread and tells everyone how sync is doing.

    Wiring (a few lines in the main window)::

        controller = SyncController(context.database, parent=window)
        register.sale_completed.connect(controller.sale_committed)
        controller.start()
    """

    #: The latest :class:`SyncStatus`; emitted after every pass and status read.
    status_changed = Signal(object)
    #: The :class:`SyncReport` of a finished pass (tests and the log dialog wait on it).
    pass_finished = Signal(object)
    #: A pass ended with an error that is not the network's (a bug or the disk).
    pass_failed = Signal(str)

    def __init__(
        self,
        database: Database,
        *,
        make_engine: EngineFactory = keyring_engine,
        period_ms: int = PERIOD_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._make_engine = make_engine
        self._engine: SyncEngine | None = None
        self._period_ms = period_ms
        self._status = _unknown_status()
        self._running: BackgroundOp[SyncReport] | None = None
        self._reading: BackgroundOp[SyncStatus] | None = None
        self._again = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    # --- what others read ---------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def busy(self) -> bool:
        """A pass is running now."""
        return self._running is not None

    @property
    def database(self) -> Database:
        return self._database

    def seconds_until_next_pass(self) -> float | None:
        """When the timer fires next, or ``None`` when it is not armed."""
        if not self._timer.isActive():
            return None
        return self._timer.remainingTime() / 1000

    # --- starting and stopping ------------------------------------------------

    def start(self) -> None:
        """Read the status now and run the first pass right away."""
        self._stopped = False
        self.sync_now()

    def stop(self) -> None:
        """At log-out or quit: no new pass; the running one is asked to stop."""
        self._stopped = True
        self._timer.stop()
        if self._running is not None:
            self._running.cancel()

    # --- asking for a pass ----------------------------------------------------

    @Slot()
    def sync_now(self) -> None:
        """Run a pass as soon as possible (after the one running, if any)."""
        if self._stopped:
            return
        if self._running is not None:
            self._again = True
            return
        self._run_pass()

    @Slot(object)
    def sale_committed(self, _sale: object = None) -> None:
        """After a sale: push it at once when online; offline, the backoff stands.

        Hammering an unreachable server after every sale would only make each
        sale's wait for the next pass longer; the periodic pass takes it.
        """
        if self._status.online or self._status.state == "idle":
            self.sync_now()
        else:
            self.refresh_status()

    @Slot()
    def refresh_status(self) -> None:
        """Re-read the status (counts, last sync) without talking to the server."""
        if self._reading is not None or self._stopped:
            return
        engine_for = self._engine_on_worker

        def read(_job: Job) -> SyncStatus:
            return engine_for().status()

        op: BackgroundOp[SyncStatus] = BackgroundOp(
            None, op=read, success=self._status_read, database=None
        )
        # A database problem is the pass's to report (in the status bar); a bug is a bug.
        op.failure(self._status_unreadable, StorageError)
        op.finished.connect(self._status_read_done)
        self._reading = op
        op.run()

    def engine_changed(self) -> None:
        """After enrolling again: the next pass builds a fresh engine (new device, token)."""
        self._engine = None
        self._timer.stop()
        self.sync_now()

    # --- the pass -------------------------------------------------------------

    def _engine_on_worker(self) -> SyncEngine:
        # Made on the first worker that needs it: building it may read the
        # database and settings. Passes never overlap, so one engine is used
        # by one thread at a time.
        if self._engine is None:
            self._engine = self._make_engine(self._database)
        return self._engine

    def _run_pass(self) -> None:
        self._timer.stop()
        self._again = False
        engine_for = self._engine_on_worker

        def run(job: Job) -> SyncReport:
            return engine_for().run_once(job.state.is_cancel_requested)

        op: BackgroundOp[SyncReport] = BackgroundOp(None, op=run, success=self._pass_done)
        op.failure(self._pass_stopped_by_storage, StorageError)
        op.after_failure(self._pass_stopped)
        op.finished.connect(self._pass_ended)
        self._running = op
        self._publish(dataclasses.replace(self._status, state="syncing"))
        op.run()

    def _pass_done(self, report: SyncReport) -> None:
        self._publish(report.status)
        self.pass_finished.emit(report)
        if report.retry_after_seconds is not None:
            self._schedule(report.retry_after_seconds * 1000)
        else:
            self._schedule(self._period_ms)

    def _pass_stopped_by_storage(self, exc: StorageError) -> None:
        # Named, not left to the helper's message box: a pass runs every few
        # minutes unattended, so the status bar carries the problem instead.
        from shop_desktop.ui.errors import describe_storage_error

        log.warning("sync pass stopped by the database: %s", exc)
        self._pass_stopped_with(describe_storage_error(exc), _storage_code(exc))

    def _pass_stopped(self) -> None:
        if self._status.state == "syncing":
            # Not a storage problem: a bug, which the helper reported as one.
            self._pass_stopped_with(
                self.tr(
                    "Sync stopped because of an error in the program; it was written to the log"
                    " file. Sales are kept and will be sent on the next try."
                ),
                PROGRAM_ERROR,
            )
        self._schedule(self._period_ms)

    def _pass_stopped_with(self, sentence: str, code: str) -> None:
        self._publish(
            dataclasses.replace(self._status, state="idle", last_error=sentence, error_code=code)
        )
        self.pass_failed.emit(sentence)

    @Slot()
    def _pass_ended(self) -> None:
        op = self._running
        self._running = None
        if op is not None and op.outcome == "cancelled":
            return
        if self._again and not self._stopped:
            self._run_pass()

    def _schedule(self, delay_ms: float) -> None:
        if self._stopped:
            return
        self._timer.start(max(0, round(delay_ms)))

    @Slot()
    def _on_timer(self) -> None:
        if self._status.state in STUCK_STATES:
            # Nothing a pass can do; keep an eye on the status (a re-enrolment
            # from the command line shows up here) and look again later.
            self.refresh_status()
            self._schedule(self._period_ms)
            return
        self.sync_now()

    # --- status ---------------------------------------------------------------

    def _status_read(self, status: SyncStatus) -> None:
        # A pass running now owns the status; its own answer comes soon.
        if self._running is None:
            self._publish(status)

    def _status_unreadable(self, exc: StorageError) -> None:
        log.warning("sync status could not be read: %r", exc)

    @Slot()
    def _status_read_done(self) -> None:
        self._reading = None

    def _publish(self, status: SyncStatus) -> None:
        self._status = status
        self.status_changed.emit(status)


def _storage_code(exc: StorageError) -> str:
    """The engine's code for a database problem, so the status bar words it the same way."""
    if isinstance(exc, DatabaseLocked):
        return STORAGE_BUSY
    if isinstance(exc, DiskFull):
        return DISK_FULL_CODE
    return STORAGE_ERROR


def seconds_since(moment: datetime, now: datetime | None = None) -> float:
    """Seconds from ``moment`` (aware) to now; never negative (clocks move)."""
    now = now or datetime.now(UTC)
    return max(0.0, (now - moment).total_seconds())
