"""Telling the person at the counter what went wrong, in two kinds.

Known, environmental problems with the database file (damaged, too new,
read-only, disk full, locked) become one plain sentence with the file and
what to do. Anything else is a bug: the full traceback goes to the log file
and the screen says only that something went wrong, where it was recorded,
and that the data is safe — every write runs in a transaction
(``Database.session()`` rolls back on error), so nothing is half-saved.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from shop_desktop.data.db import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseNotOurs,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    DiskFull,
    StorageError,
)

log = logging.getLogger(__name__)

ExcepthookType = Callable[[type[BaseException], BaseException, TracebackType | None], object]
ThreadHookType = Callable[[threading.ExceptHookArgs], object]


def describe_storage_error(exc: StorageError) -> str:
    """One translated sentence: what is wrong with which file, and what to do."""
    if isinstance(exc, DatabaseCorrupt):
        text = QCoreApplication.translate(
            "Errors",
            "The database file {path} is damaged or is not a Shop Desktop database. "
            "It was left untouched. Restore a backup, or move the file away to start fresh.",
        )
    elif isinstance(exc, DatabaseNotOurs):
        text = QCoreApplication.translate(
            "Errors",
            "The file {path} is a database, but not a Shop Desktop one. It was left "
            "untouched. Choose another file, or move this one away to start fresh.",
        )
    elif isinstance(exc, DatabaseTooNew):
        text = QCoreApplication.translate(
            "Errors",
            "The database file {path} was written by a newer version of Shop Desktop. "
            "Update this app to open it. The file was left untouched.",
        )
    elif isinstance(exc, DatabaseUnreadable):
        text = QCoreApplication.translate(
            "Errors",
            "The database file {path} cannot be read. Check that it is a file and that "
            "this user account may read it. The file was left untouched.",
        )
    elif isinstance(exc, DatabaseReadOnly):
        text = QCoreApplication.translate(
            "Errors",
            "The database file {path} or its folder cannot be written. Check the "
            "permissions of the file and its folder, and that the disk is not read-only.",
        )
    elif isinstance(exc, DiskFull):
        text = QCoreApplication.translate(
            "Errors",
            "The disk holding {path} is full. Free some space, then try again. "
            "Nothing was saved half-way.",
        )
    elif isinstance(exc, DatabaseLocked):
        text = QCoreApplication.translate(
            "Errors",
            "The database file {path} is in use by another program. Close other copies "
            "of Shop Desktop or programs using the file, then try again.",
        )
    else:
        text = QCoreApplication.translate("Errors", "The database file {path} cannot be used.")
    return text.format(path=exc.path)


def storage_error_title() -> str:
    return QCoreApplication.translate("Errors", "Shop Desktop cannot use the database")


def show_storage_error(parent: QWidget | None, exc: StorageError) -> None:
    """Tell the user about a known database problem without stopping the screen."""
    log.warning("storage problem: %s", exc)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        storage_error_title(),
        describe_storage_error(exc),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def bug_message(log_file: Path | None) -> str:
    """The short, translated text shown for a bug: never the traceback itself."""
    if log_file is None:
        return QCoreApplication.translate(
            "Errors",
            "Something went wrong. The error could not be written to a log file; "
            "“Show Details” describes it. Your data is safe: unfinished changes were not saved.",
        )
    return QCoreApplication.translate(
        "Errors",
        "Something went wrong. The error was recorded in {log_file}. "
        "Your data is safe: unfinished changes were not saved.",
    ).format(log_file=log_file)


class BugReporter(QObject):
    """The exception hook: log the traceback, show a short message, carry on.

    Installed as :data:`sys.excepthook` (which PySide6 also calls for
    exceptions escaping slots and event handlers) and
    :data:`threading.excepthook`. The hooks it replaced are still called
    afterwards, so a terminal or a test harness sees the error too.
    """

    #: (message shown, traceback text) once a bug has been logged.
    bug_reported = Signal(str, str)
    _sig_from_other_thread = Signal(str)

    def __init__(self, log_file: Path | None) -> None:
        super().__init__()
        self.log_file = log_file
        self._previous_hook: ExcepthookType | None = None
        self._previous_thread_hook: ThreadHookType | None = None
        self._box: QMessageBox | None = None
        self._sig_from_other_thread.connect(
            self._show_from_other_thread, Qt.ConnectionType.QueuedConnection
        )

    def install(self) -> None:
        global _active  # noqa: PLW0603 - one exception hook per process
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        _active = self

    def uninstall(self) -> None:
        global _active  # noqa: PLW0603 - one exception hook per process
        if self._previous_hook is not None and sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        if (
            self._previous_thread_hook is not None
            and threading.excepthook == self._thread_excepthook
        ):
            threading.excepthook = self._previous_thread_hook
        if _active is self:
            _active = None

    @property
    def message_box(self) -> QMessageBox | None:
        """The bug message currently on screen, if any."""
        if self._box is not None and isValid(self._box) and self._box.isVisible():
            return self._box
        return None

    def report(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        parent: QWidget | None = None,
    ) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details.rstrip())
        if self._on_gui_thread():
            self._show(details, parent)
        else:
            self._sig_from_other_thread.emit(details)

    def _excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not issubclass(exc_type, KeyboardInterrupt):
            self.report(exc_type, exc, tb)
        if self._previous_hook is not None:
            self._previous_hook(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            self.report(args.exc_type, args.exc_value, args.exc_traceback)
        if self._previous_thread_hook is not None:
            self._previous_thread_hook(args)

    @staticmethod
    def _on_gui_thread() -> bool:
        app = QCoreApplication.instance()
        return app is not None and QThread.currentThread() is app.thread()

    @Slot(str)
    def _show_from_other_thread(self, details: str) -> None:
        self._show(details, None)

    def _show(self, details: str, parent: QWidget | None) -> None:
        message = bug_message(self.log_file)
        self.bug_reported.emit(message, details)
        if self.message_box is not None:
            return  # one box at a time: a storm of errors must not bury the screen
        if parent is not None and not isValid(parent):
            parent = None
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("Errors", "Shop Desktop"),
            message,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._box = box
        box.open()


_active: BugReporter | None = None
# Used before the hook is installed (or after it is removed); kept so the
# message box it shows is not garbage-collected away.
_fallback: BugReporter | None = None


def report_exception(exc: BaseException, parent: QWidget | None = None) -> None:
    """Report ``exc`` as a bug through the installed hook (or a stand-in)."""
    global _fallback  # noqa: PLW0603 - created once, on first need
    reporter = _active
    if reporter is None:
        if _fallback is None:
            _fallback = BugReporter(None)
        reporter = _fallback
    reporter.report(type(exc), exc, exc.__traceback__, parent)
