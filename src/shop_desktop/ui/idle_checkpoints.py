"""Folding the database's WAL back when the till is idle, instead of inside a sale's commit.

SQLite's own checkpoint runs inside whichever commit crosses its threshold,
so every few sales one customer waits for it. The till turns that off
(:meth:`Database.fold_wal_when_idle`) and checkpoints here, on a worker:
after a quiet spell with no sale, after every so many sales when it is never
quiet, and when the cashier logs out or quits. So the WAL never grows without
bound, and no sale's commit pays for it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from shop_desktop.data.db import Database, StorageError, WalCheckpoint
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

#: Seconds without a sale before the WAL is folded back.
IDLE_MS = 20_000
#: On a till that never rests, fold after this many sales all the same (about 40 pages each).
EVERY_SALES = 25


class IdleCheckpoints(QObject):
    """Checkpoints for one open database, timed by the sales of the register that owns it."""

    #: A checkpoint finished: the :class:`WalCheckpoint` it reported.
    checkpointed = Signal(object)

    def __init__(
        self,
        database: Database,
        owner: QWidget,
        *,
        idle_ms: int = IDLE_MS,
        every_sales: int = EVERY_SALES,
    ) -> None:
        super().__init__(owner)
        self._database = database
        self._owner = owner
        self._every_sales = every_sales
        self._sales = 0
        self._running = False
        database.fold_wal_when_idle()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.checkpoint_now)
        self._idle.start()

    def sale_committed(self) -> None:
        """Another sale: the quiet spell starts again, unless it is time anyway."""
        self._sales += 1
        if self._sales >= self._every_sales:
            self.checkpoint_now()
        else:
            self._idle.start()

    def checkpoint_now(self) -> None:
        """Fold the WAL back now, on a worker (one at a time)."""
        self._idle.stop()
        if self._running:
            return
        self._running = True
        self._sales = 0
        database = self._database

        def fold(_job: Job) -> WalCheckpoint:
            return database.checkpoint()

        def skipped(exc: StorageError) -> None:
            # The next sale meets the same disk and says so; housekeeping stays quiet.
            log.warning("WAL checkpoint skipped: %s", exc)

        (
            BackgroundOp(self._owner, op=fold, success=self._done)
            .failure(skipped, StorageError)
            .after_failure(self._finished)
            .run()
        )

    def _done(self, result: WalCheckpoint) -> None:
        log.debug("WAL checkpoint: %s", result)
        self._finished()
        self.checkpointed.emit(result)

    def _finished(self) -> None:
        self._running = False
        # While the till rests, keep folding what sync and the like write meanwhile.
        self._idle.start()

    def stop(self) -> None:
        self._idle.stop()
