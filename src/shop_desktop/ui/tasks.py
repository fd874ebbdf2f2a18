"""Running database and other slow work off the GUI thread: the one way to do it.

Every screen starts its queries and writes with :class:`BackgroundOp`, after
Anki's ``QueryOp``/``CollectionOp``::

    BackgroundOp(self, op=lambda job: count_members(job.session), success=self._show_count,
                 database=context.database).run()

The op runs on a pool thread. If it touches ``job.session`` it gets a
:class:`~sqlalchemy.orm.Session` of its own, opened in that thread and
committed when the op returns (rolled back when it raises), so a session
never crosses threads and nothing is half-written. Long work reports through
``job.state``, a Qt-free :class:`~shop_desktop.services.tasks.TaskState`
wired to a progress window. The result, or the exception, comes back to the
GUI thread by a queued signal; :class:`Cancelled` is not an error.

A screen names the refusals it answers itself (``.failure(handler,
IllegalTransition)``); every other failure gets the one default handling:
a :class:`~shop_desktop.data.db.StorageError` is shown in plain words, and
anything else is reported as a bug. So no screen re-checks storage errors.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid
from sqlalchemy.orm import Session
from typing_extensions import override

from shop_desktop.data.db import Database, StorageError, classify_sqlite_error
from shop_desktop.services.tasks import Cancelled, TaskState
from shop_desktop.ui.i18n import EN, current_language

if TYPE_CHECKING:
    from shop_desktop.ui.context import ShopContext

log = logging.getLogger(__name__)

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)

#: What ``job.session`` is: screens that pass a session-taking service
#: function around type it with this, never by importing SQLAlchemy.
JobSession: TypeAlias = Session

#: A progress window appears only for work that takes longer than this, so
#: quick queries do not flash a dialog.
PROGRESS_DELAY_MS = 400

# A progress bar cannot show more than this many steps; finer reports would
# only flood the GUI thread's event queue.
_PROGRESS_STEPS = 1000


class Job:
    """What an op receives on the worker thread.

    Screens hand ``job.session`` straight to a service, so this helper is
    the only module under ``ui/`` that knows SQLAlchemy.
    """

    def __init__(self, state: TaskState, database: Database | None, stack: contextlib.ExitStack):
        self.state = state
        self._database = database
        self._stack = stack
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """This op's own session, begun on first use; committed when the op returns."""
        if self._session is None:
            if self._database is None:
                raise RuntimeError("this op was started without a database")
            self._session = self._stack.enter_context(self._database.session())
        return self._session


class _Postman(QObject):
    """Carries workers' news to the GUI thread; one for the whole application.

    Workers never hold a reference to a per-op Qt object: if a worker thread
    dropped the last reference, Python would destroy that object on the
    wrong thread. Results wait in :data:`_mailbox` (the worker lets go of
    them before it signals) and only the op's number crosses by signal.
    """

    sig_progress = Signal(int, float, str)
    sig_done = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.sig_progress.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self.sig_done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)

    @Slot(int, float, str)
    def _deliver_progress(self, number: int, fraction: float, status: str) -> None:
        op = BackgroundOp._by_number.get(number)
        if op is not None:
            op._on_progress(fraction, status)

    @Slot(int)
    def _deliver_done(self, number: int) -> None:
        with _mailbox_lock:
            outcome, value = _mailbox.pop(number)
        op = BackgroundOp._by_number.get(number)
        if op is not None:
            op._on_done(outcome, value)


_postman: _Postman | None = None
_long_work: QThreadPool | None = None
_mailbox: dict[int, tuple[str, object]] = {}
_mailbox_lock = threading.Lock()
_numbers = itertools.count(1)


def _long_work_pool() -> QThreadPool:
    """Threads for work that takes minutes, apart from the screens' pool (see ``on_own_thread``)."""
    global _long_work  # noqa: PLW0603 - created once, on the GUI thread, never destroyed
    if _long_work is None:
        _long_work = QThreadPool()
        _long_work.setMaxThreadCount(4)
    return _long_work


def _the_postman() -> _Postman:
    global _postman  # noqa: PLW0603 - created once, on the GUI thread, never destroyed
    if _postman is None:
        _postman = _Postman()
    return _postman


class _ProgressReports:
    """Turns TaskState reports into at most a few signals a second (worker side)."""

    def __init__(self, number: int, postman: _Postman) -> None:
        self._number = number
        self._postman = postman
        self._last = (-1, "", 0.0)

    def __call__(self, fraction: float, status: str) -> None:
        step = round(fraction * _PROGRESS_STEPS)
        last_step, last_status, last_time = self._last
        now = time.monotonic()
        if step == last_step and status == last_status:
            return
        if status == last_status and now - last_time < 0.05 and step < _PROGRESS_STEPS:
            return
        self._last = (step, status, now)
        self._postman.sig_progress.emit(self._number, fraction, status)


class _Worker:
    """The op's side on the pool thread: a plain object, not a ``QRunnable``.

    A traceback keeps its frames (and so this object) alive until Python's
    garbage collector frees them, on whatever thread it runs; a Qt wrapper
    freed that late, after the pool already deleted its C++ half, crashes.
    """

    def __init__(
        self,
        number: int,
        op: Callable[[Job], Any],
        database: Database | None,
        state: TaskState,
        postman: _Postman,
    ) -> None:
        self._number = number
        self._op: Callable[[Job], Any] | None = op
        self._database = database
        self._state = state
        self._postman = postman

    def run(self) -> None:
        outcome = self._work()
        with _mailbox_lock:
            _mailbox[self._number] = outcome
        # Nothing of the op's (result, exception, closure) is left in this
        # thread now, so the GUI thread is the one that lets go of it.
        del outcome
        self._postman.sig_done.emit(self._number)

    def _work(self) -> tuple[str, object]:
        op, self._op = self._op, None
        assert op is not None
        try:
            with contextlib.ExitStack() as stack:
                return ("succeeded", op(Job(self._state, self._database, stack)))
        except Cancelled:
            return ("cancelled", None)
        except BaseException as exc:  # every failure must reach the GUI thread
            return ("failed", self._known(exc))

    def _known(self, exc: BaseException) -> BaseException:
        # SQLAlchemy wraps sqlite3's "database is locked" or "disk is full";
        # those are the user's environment, not bugs, so they are shown as such.
        if self._database is None or isinstance(exc, StorageError):
            return exc
        original = getattr(exc, "orig", None)
        if isinstance(original, BaseException):
            known = classify_sqlite_error(self._database.path, original)
            if known is not None:
                known.__cause__ = exc
                return known
        return exc


def _spent(job: Job) -> Any:
    raise RuntimeError("this op has already run")


def status_in_language(status: str) -> str:
    """An op's status line if it can be said in the screens' language, else nothing.

    Services below ``ui`` cannot translate, so they report in English; a
    line is shown in Chinese only when the catalogue has it ("TaskStatus"),
    and otherwise the bar alone tells the progress.
    """
    translated = QCoreApplication.translate("TaskStatus", status)
    if translated != status or current_language() == EN:
        return translated
    return ""


class ProgressWindow(QDialog):
    """A calm progress window: a status line, a bar and, if allowed, Cancel."""

    sig_cancel_requested = Signal()

    def __init__(self, parent: QWidget | None, label: str, *, cancellable: bool) -> None:
        super().__init__(parent)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(460)
        self._cancellable = cancellable
        self._finished = False
        self._label = QLabel(label)
        self._label.setWordWrap(True)
        self._status = QLabel("")
        self._status.setWordWrap(True)
        self._status.setVisible(False)
        self._bar = QProgressBar()
        self._bar.setRange(0, 0)  # busy until the op reports a fraction
        self._bar.setTextVisible(True)
        self._bar.setFormat("%p%")
        self._buttons = QDialogButtonBox()
        self._cancel = self._buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self._cancel.setVisible(cancellable)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self._label)
        layout.addWidget(self._bar)
        layout.addWidget(self._status)
        layout.addWidget(self._buttons)
        self.setWindowTitle(self.tr("Please wait"))

    def show_progress(self, fraction: float, status: str) -> None:
        if self._bar.maximum() == 0:
            self._bar.setRange(0, _PROGRESS_STEPS)
        self._bar.setValue(round(fraction * _PROGRESS_STEPS))
        if self._cancel.isEnabled():
            self._status.setText(status_in_language(status))
            self._status.setVisible(bool(self._status.text()))

    @override
    def reject(self) -> None:
        # Esc and Cancel ask the op to stop; the window stays until it has.
        if self._cancellable and self._cancel.isEnabled():
            self._cancel.setEnabled(False)
            self._status.setText(self.tr("Stopping…"))
            self._status.setVisible(True)
            self.sig_cancel_requested.emit()

    def close_finished(self) -> None:
        self._finished = True
        self.close()
        self.deleteLater()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished:
            event.accept()
        else:
            event.ignore()
            self.reject()

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setWindowTitle(self.tr("Please wait"))
            self._cancel.setText(self.tr("Cancel"))
        super().changeEvent(event)


class BackgroundOp(QObject, Generic[T]):
    """One piece of work run off the GUI thread, with callbacks on the GUI thread.

    Build it, chain the options, then :meth:`run` it::

        BackgroundOp(parent, op=fn, success=cb, database=db)
            .failure(on_refused, CheckoutError, PermissionDenied)
            .after_failure(put_the_screen_back)
            .with_progress(label, cancellable=True)
            .run()

    ``op`` gets a :class:`Job` (``job.session``, ``job.state``). ``success``
    gets the op's return value. A failure handler gets only the refusals it
    names; every other exception gets the default handling: a
    :class:`StorageError` is shown in plain words, anything else is reported
    as a bug. If ``parent`` is destroyed first, the callbacks are skipped.
    """

    #: Emitted on the GUI thread after the callbacks ran, whatever the outcome.
    finished = Signal()
    #: Progress as reported by the op, on the GUI thread.
    progressed = Signal(float, str)

    _by_number: ClassVar[dict[int, BackgroundOp[Any]]] = {}

    def __init__(
        self,
        parent: QWidget | None,
        *,
        op: Callable[[Job], T],
        success: Callable[[T], None] | None = None,
        database: Database | None = None,
    ) -> None:
        # No Qt parent: the op must outlive a window closed while it works.
        super().__init__()
        self._parent = parent
        self._op = op
        self._success = success
        self._database = database
        #: (the refusals named, their handler), in the order they were added.
        self._failures: list[tuple[tuple[type[BaseException], ...], Callable[[Any], None]]] = []
        self._after_failure: Callable[[], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._progress_label: str | None = None
        self._cancellable = False
        self._own_thread = False
        self._announce: tuple[ShopContext, frozenset[str]] | None = None
        self._progress_window: ProgressWindow | None = None
        self._number = next(_numbers)
        self._postman = _the_postman()
        self.state = TaskState(on_progress=_ProgressReports(self._number, self._postman))
        #: "succeeded", "failed" or "cancelled" once finished.
        self.outcome: str | None = None
        self.result: T | None = None
        self.error: BaseException | None = None

    # --- building -------------------------------------------------------

    def failure(self, handler: Callable[[E], None], *refusals: type[E]) -> BackgroundOp[T]:
        """Let ``handler`` answer the refusals named; anything else gets the default handling.

        ``.failure(self._refused, IllegalTransition, OrderNotFound)``: the
        handler sees only those (and their subclasses); a storage error is
        still shown in plain words and a bug still reported as a bug. Call it
        again to add handlers; the first that names an exception answers it.

        Naming no type hands the handler every failure, storage errors and
        bugs included, to word and report itself (the older form).
        """
        self._failures.append((refusals or (BaseException,), handler))
        return self

    def after_failure(self, callback: Callable[[], None]) -> BackgroundOp[T]:
        """Called after any failure was answered or reported: to put the screen back."""
        self._after_failure = callback
        return self

    def if_cancelled(self, callback: Callable[[], None]) -> BackgroundOp[T]:
        """Called when the op stopped because cancelling was requested."""
        self._on_cancelled = callback
        return self

    def with_progress(self, label: str, *, cancellable: bool = False) -> BackgroundOp[T]:
        """Show a progress window if the op takes longer than a moment."""
        self._progress_label = label
        self._cancellable = cancellable
        return self

    def on_own_thread(self) -> BackgroundOp[T]:
        """Run apart from the shared pool: for work that takes minutes (the search index).

        The shared pool has a thread per core (two on a till); a long op there
        would make every search and sale wait for the one thread left.
        """
        self._own_thread = True
        return self

    def announcing(self, context: ShopContext, *areas: str) -> BackgroundOp[T]:
        """After success, tell every screen that these areas of data changed."""
        self._announce = (context, frozenset(areas))
        return self

    def run(self) -> BackgroundOp[T]:
        """Start the op; returns self so a caller (or test) can wait on :attr:`finished`."""
        BackgroundOp._by_number[self._number] = self
        if self._progress_label is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, self._show_progress_window)
        worker = _Worker(self._number, self._op, self._database, self.state, self._postman)
        pool = _long_work_pool() if self._own_thread else QThreadPool.globalInstance()
        pool.start(worker.run)
        return self

    def cancel(self) -> None:
        """Ask the op to stop at its next check."""
        self.state.request_cancel()

    # --- for shutdown and tests -------------------------------------------

    @classmethod
    def running(cls) -> frozenset[BackgroundOp[Any]]:
        return frozenset(cls._by_number.values())

    @classmethod
    def cancel_all(cls) -> None:
        for op in list(cls._by_number.values()):
            op.cancel()

    @classmethod
    def wait_for_workers(cls) -> None:
        """Block until every worker thread is idle (at shutdown, after :meth:`cancel_all`)."""
        QThreadPool.globalInstance().waitForDone()
        if _long_work is not None:
            _long_work.waitForDone()

    # --- GUI side ---------------------------------------------------------

    def _parent_alive(self) -> bool:
        return self._parent is None or isValid(self._parent)

    @Slot()
    def _show_progress_window(self) -> None:
        if self.outcome is not None or self._progress_label is None or not self._parent_alive():
            return
        window = ProgressWindow(self._parent, self._progress_label, cancellable=self._cancellable)
        window.sig_cancel_requested.connect(self.cancel)
        self._progress_window = window
        window.show()

    def _on_progress(self, fraction: float, status: str) -> None:
        self.progressed.emit(fraction, status)
        if self._progress_window is not None and isValid(self._progress_window):
            self._progress_window.show_progress(fraction, status)

    def _on_done(self, outcome: str, value: object) -> None:
        self.outcome = outcome
        if self._progress_window is not None and isValid(self._progress_window):
            self._progress_window.close_finished()
        self._progress_window = None
        try:
            if outcome == "succeeded":
                self.result = value  # type: ignore[assignment]  # the op's own T
                self._deliver_success(value)
            elif outcome == "failed":
                assert isinstance(value, BaseException)
                self.error = value
                self._deliver_failure(value)
            elif self._on_cancelled is not None and self._parent_alive():
                self._on_cancelled()
        finally:
            BackgroundOp._by_number.pop(self._number, None)
            self._let_go()
            self.finished.emit()

    def _let_go(self) -> None:
        # The callbacks are usually bound methods of the widget that started
        # the op, and widgets often keep their last op: drop the references
        # so no Qt object is left in a cycle for the garbage collector.
        self._op = _spent
        self._success = None
        self._failures = []
        self._after_failure = None
        self._on_cancelled = None
        self._announce = None
        self._parent = None

    def _deliver_success(self, value: object) -> None:
        if self._announce is not None:
            context, areas = self._announce
            if isValid(context):
                context.notify_changed(areas)
        if self._success is not None and self._parent_alive():
            self._success(value)  # type: ignore[arg-type]  # the op's own T

    def _deliver_failure(self, exc: BaseException) -> None:
        from shop_desktop.ui import errors

        if not self._parent_alive():
            # Nobody is left to tell; the log still gets the whole story.
            log.error("background work failed after its window closed", exc_info=exc)
            return
        handler = next(
            (handler for refusals, handler in self._failures if isinstance(exc, refusals)), None
        )
        if handler is not None:
            handler(exc)
        elif isinstance(exc, StorageError):
            errors.show_storage_error(self._parent, exc)
        else:
            errors.report_exception(exc, self._parent)
        if self._after_failure is not None:
            self._after_failure()
