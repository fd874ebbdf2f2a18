"""Starting and stopping the desktop client.

The steps, each of which touches the disk on a worker, never the GUI thread:

1. data folder, log file, exception hook, settings, language;
2. choose the database file (``--db``, else the settings, else ``shop.db``
   in the data folder); with nothing configured and no file there, build a
   demo shop in it so there is something to try (cancellable, with progress);
   a configured path with no file asks first: a demo shop there, enrolling
   with the shop's server, or quitting (``ui/first_run.py``), after checking
   that its folder can be written;
3. open it (checking, backing up and migrating as needed); a file that
   cannot be used is explained and left untouched, and the run ends with
   exit code 2; a missing or outdated search index starts building on its
   own thread, in short write transactions, and nothing waits for it;
4. the log-in dialog, then the main window; logging out comes back to 4.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
from shiboken6 import isValid

from shop_desktop.data import search_index
from shop_desktop.data.db import (
    Database,
    DatabaseReadOnly,
    StorageError,
    check_database_file,
    open_database,
)
from shop_desktop.services.auth import StaffSession
from shop_desktop.services.recommendations import refresh_co_purchases
from shop_desktop.ui import errors
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.i18n import switch_language
from shop_desktop.ui.logging_setup import ShopLog, start_logging
from shop_desktop.ui.login import LoginDialog
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.search_progress import SearchIndexProgress
from shop_desktop.ui.style import apply_shop_look
from shop_desktop.ui.tasks import BackgroundOp, Job

if TYPE_CHECKING:
    from shop_desktop.app import LaunchOptions
    from shop_desktop.services.demo import DemoSummary
    from shop_desktop.ui.first_run import FirstRunDialog

log = logging.getLogger(__name__)

ORGANIZATION = "ShopDesktop"
APPLICATION = "Shop Desktop"
DATABASE_FILE_NAME = "shop.db"

#: How long the status bar says which carts the last cashier's switch parked.
PARKED_MESSAGE_MS = 30_000

EXIT_OK = 0
EXIT_BUG = 1
EXIT_DATABASE_UNUSABLE = 2


def default_data_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


class ShopDesktop(QObject):
    """The running client, from the first check to the last window.

    :meth:`start` returns at once; everything after happens in the event
    loop. :attr:`ended` carries the exit code (the caller quits the loop).
    """

    ended = Signal(int)
    #: The :class:`LoginDialog` now on screen.
    login_shown = Signal(object)
    #: The :class:`MainWindow` now on screen.
    main_window_shown = Signal(object)
    #: The :class:`~shop_desktop.ui.first_run.FirstRunDialog` now on screen.
    first_run_shown = Signal(object)
    #: The search index build of the open database started (its BackgroundOp).
    search_index_building = Signal(object)
    #: The search index of the open database is complete (built, or found current).
    search_index_ready = Signal()

    def __init__(self, options: LaunchOptions) -> None:
        super().__init__()
        self.options = options
        self.exit_code: int | None = None
        self.data_dir = options.data_dir or Path()
        self.database_path: Path | None = None
        self.database: Database | None = None
        self.preferences: Preferences | None = None
        self.login_dialog: LoginDialog | None = None
        self.first_run_dialog: FirstRunDialog | None = None
        self.main_window: MainWindow | None = None
        self.context: ShopContext | None = None
        self.reporter: errors.BugReporter | None = None
        self.shop_log: ShopLog | None = None
        self._backup_notice = ""
        #: The database file the settings named when this run chose its file;
        #: a different one later means a first enrolment made the shop's own.
        self._settled_preference: Path | None = None
        self._shut_down = False
        #: The database file whose search index is being built, and how far it is.
        self._search_build: Path | None = None
        self._search_progress = 0.0
        self._search_indicator: SearchIndexProgress | None = None
        #: Co-purchase counts wait for the index build (both write, and each
        #: would refuse the other's read-then-write transaction).
        self._learn_after_build = False

    # --- 1. the workstation's own folder ----------------------------------

    def start(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication), "ShopDesktop needs a QApplication"
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        # Windows come and go (log-in, main window, log out); only quitting
        # or abandoning the log-in ends the run.
        app.setQuitOnLastWindowClosed(False)
        apply_shop_look(app)

        self.data_dir = (self.options.data_dir or default_data_dir()).expanduser()
        folder_problem = ""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            folder_problem = exc.strerror or str(exc)
        self.shop_log = start_logging(self.data_dir)
        self.shop_log.route_qt_messages()
        self.reporter = errors.BugReporter(self.shop_log.log_file)
        self.reporter.install()
        self.preferences = Preferences(self.data_dir)
        switch_language(self.options.language or self.preferences.language)
        log.info("Shop Desktop starting; data folder %s", self.data_dir)

        if folder_problem:
            log.error("data folder %s cannot be created: %s", self.data_dir, folder_problem)
            QMessageBox.critical(
                None,
                self.tr("Shop Desktop cannot start"),
                self.tr(
                    "The data folder {path} cannot be created ({reason}). Check that the "
                    "disk is writable, or choose another folder with --data-dir."
                ).format(path=self.data_dir, reason=folder_problem),
            )
            self.finish(EXIT_DATABASE_UNUSABLE)
            return

        # --- 2. which database ---------------------------------------------
        self._settled_preference = self.preferences.database_path
        configured = self.options.db or self._settled_preference
        self.database_path = (configured or self.data_dir / DATABASE_FILE_NAME).expanduser()
        if configured is None and not self.database_path.exists():
            self._build_demo(self.database_path)
        elif not self.database_path.exists():
            self._ask_what_to_make(self.database_path)
        else:
            self._open_database(self.database_path)

    # --- 2b. a configured path with no file yet ----------------------------

    def _ask_what_to_make(self, path: Path) -> None:
        """Check the place can hold a database, then offer a demo shop or enrolment there."""

        def check(_job: Job) -> None:
            check_database_file(path)
            # The folder may not exist yet: the nearest one that does must be writable.
            folder = path.parent
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent
            if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
                raise DatabaseReadOnly(path, f"folder {folder} is not writable")

        (
            BackgroundOp(None, op=check, success=lambda _none: self._show_first_run(path))
            .failure(self._start_failed)
            .run()
        )

    def _show_first_run(self, path: Path) -> None:
        from shop_desktop.ui.first_run import FirstRunDialog

        if self._shut_down:
            return
        dialog = FirstRunDialog(path)
        dialog.demo_chosen.connect(lambda: self._first_run_answered(path, demo=True))
        dialog.enrolled.connect(lambda _path: self._first_run_answered(path, demo=False))
        dialog.rejected.connect(self._first_run_abandoned)
        self.first_run_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.first_run_shown.emit(dialog)

    def _first_run_answered(self, path: Path, *, demo: bool) -> None:
        self._drop_first_run_dialog()
        if demo:
            self._build_demo(path)
        else:
            log.info("enrolled %s with the server", path)
            self._open_database(path)

    def _first_run_abandoned(self) -> None:
        self._drop_first_run_dialog()
        self.finish(EXIT_OK)

    def _drop_first_run_dialog(self) -> None:
        dialog, self.first_run_dialog = self.first_run_dialog, None
        if dialog is not None:
            dialog.rejected.disconnect(self._first_run_abandoned)
            dialog.close()
            dialog.deleteLater()

    def _build_demo(self, path: Path) -> None:
        options = self.options
        log.info("no database yet: building a demo shop in %s", path)

        def build(job: Job) -> DemoSummary:
            from shop_desktop.services.demo import build_demo

            # A folder that cannot be written is found before anything is made.
            check_database_file(path)
            return build_demo(
                path,
                products=options.demo_products,
                members=options.demo_members,
                days=options.demo_days,
                state=job.state,
            )

        (
            BackgroundOp(None, op=build, success=lambda _summary: self._open_database(path))
            .failure(self._start_failed)
            .if_cancelled(self._demo_cancelled)
            .with_progress(self.tr("Building a demo shop to try things out…"), cancellable=True)
            .run()
        )

    def _demo_cancelled(self) -> None:
        log.info("demo build cancelled; nothing to open")
        if self.options.db is not None or self._settled_preference is not None:
            # Asked for at the first-run choice: back to it.
            assert self.database_path is not None
            self._show_first_run(self.database_path)
            return
        self.finish(EXIT_OK)

    # --- 3. open it -------------------------------------------------------

    def _open_database(self, path: Path) -> None:
        (
            BackgroundOp(None, op=lambda _job: open_database(path), success=self._database_opened)
            .failure(self._start_failed)
            .with_progress(self.tr("Opening the shop's database…"))
            .run()
        )

    def _database_opened(self, database: Database) -> None:
        if self._shut_down:
            database.dispose()
            return
        self.database = database
        log.info("database %s open", database.path)
        if database.backup_path is not None:
            self._backup_notice = self.tr(
                "Before updating the database, a copy was saved as {path}."
            ).format(path=database.backup_path)
        if self.options.build_search_index:
            self.build_search_index()
        self.show_login()

    def build_search_index(self) -> BackgroundOp[int | None] | None:
        """Build the open database's search index in the background if it is missing or outdated.

        Nothing waits for it: the log-in takes the write lock first and so
        waits at most one short step; the cashier sells at once (scans and
        codes need no index) and search takes the slower path, with a note,
        until it is done. The build runs on a thread of its own, so the
        screens' pool stays free, and stops at its next step when the app
        quits (it starts over at the next start). Returns the op, or None if
        one is already building this file.
        """
        database = self.database
        assert database is not None
        if self._search_build == database.path:
            return None  # still building since an earlier start or log-in
        path = database.path

        def build_if_needed(job: Job) -> int | None:
            return search_index.build_in_steps_if_needed(path, job.state)

        def built(count: int | None) -> None:
            if count is not None:
                log.info("search index built: %d products", count)
            if self.database is not None and self.database.path == path:
                # Searches on screen notice by themselves and ask again (CatalogBrowser).
                self.search_index_ready.emit()

        def superseded(_exc: search_index.BuildSuperseded) -> None:
            log.info("search index: a later build took over")

        def failed(exc: StorageError) -> None:
            # Selling goes on without it (search keeps the slower path); the next start tries again.
            log.warning("search index not built: %s", exc)

        def done() -> None:
            if self._search_build == path:
                self._search_build = None
                self._drop_search_indicator()
                if self._learn_after_build and self.context is not None:
                    self._learn_from_history()
                self._learn_after_build = False

        self._search_build = path
        self._search_progress = 0.0
        building: BackgroundOp[int | None] = BackgroundOp(None, op=build_if_needed, success=built)
        building.failure(superseded, search_index.BuildSuperseded).failure(failed, StorageError)
        building.progressed.connect(
            lambda fraction, _status: self._search_progressed(path, fraction)
        )
        building.finished.connect(done)
        building.on_own_thread().run()
        if self.main_window is not None:
            self._show_search_indicator(self.main_window)
        self.search_index_building.emit(building)
        return building

    def _search_progressed(self, path: Path, fraction: float) -> None:
        if self._search_build != path:
            return
        self._search_progress = fraction
        if self._search_indicator is not None and isValid(self._search_indicator):
            self._search_indicator.show_progress(fraction)

    def _show_search_indicator(self, window: MainWindow) -> None:
        """While the index is built, the status bar says so (and how far it is)."""
        if self._search_build is None or self._search_build != window.context.database.path:
            return
        indicator = SearchIndexProgress()
        indicator.show_progress(self._search_progress)
        window.statusBar().addWidget(indicator)
        self._search_indicator = indicator

    def _drop_search_indicator(self) -> None:
        indicator, self._search_indicator = self._search_indicator, None
        if indicator is not None and isValid(indicator):
            indicator.hide()
            indicator.deleteLater()

    def _start_failed(self, exc: BaseException) -> None:
        if isinstance(exc, StorageError):
            log.warning("cannot use the database: %s", exc)
            QMessageBox.critical(
                None, errors.storage_error_title(), errors.describe_storage_error(exc)
            )
            self.finish(EXIT_DATABASE_UNUSABLE)
            return
        log.error("starting failed", exc_info=exc)
        log_file = self.shop_log.log_file if self.shop_log else None
        QMessageBox.critical(
            None, self.tr("Shop Desktop cannot start"), errors.bug_message(log_file)
        )
        self.finish(EXIT_BUG)

    # --- 4. who is working ------------------------------------------------

    def show_login(self, parked: str = "") -> None:
        assert self.database is not None
        notice = "\n".join(text for text in (parked, self._backup_notice) if text)
        dialog = LoginDialog(self.database, preferences=self.preferences, notice=notice)
        dialog.staff_logged_in.connect(self._logged_in)
        dialog.rejected.connect(self._login_abandoned)
        self.login_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.login_shown.emit(dialog)

    def _login_abandoned(self) -> None:
        self.login_dialog = None
        self.finish(EXIT_OK)

    def _logged_in(self, staff: StaffSession) -> None:
        assert self.database is not None
        assert self.preferences is not None
        log.info("%s logged in at %s", staff.username, staff.workstation_code)
        if self.login_dialog is not None:
            self.login_dialog.rejected.disconnect(self._login_abandoned)
            self.login_dialog.deleteLater()
            self.login_dialog = None
        self.context = ShopContext(
            database=self.database,
            staff=staff,
            preferences=self.preferences,
            data_dir=self.data_dir,
            log_file=self.shop_log.log_file if self.shop_log else None,
        )
        window = MainWindow(self.context)
        window.logout_requested.connect(self._logged_out)
        window.cashier_switched.connect(self._switched)
        window.quit_requested.connect(self.quit)
        self.main_window = window
        window.show()
        window.raise_()
        window.activateWindow()
        if self.database.backup_path is not None and self._backup_notice:
            window.tell_backup_made(str(self.database.backup_path))
            self._backup_notice = ""
        self._show_search_indicator(window)
        self.main_window_shown.emit(window)
        if self._search_build == self.database.path:
            self._learn_after_build = True
        else:
            self._learn_from_history()

    def _learn_from_history(self) -> None:
        """Count what sells together from orders not yet counted, quietly."""

        def refresh(job: Job) -> int:
            return refresh_co_purchases(job.session, job.state)

        BackgroundOp(
            None,
            op=refresh,
            success=lambda read: log.info("co-purchases: %d new orders counted", read),
            database=self.database,
        ).failure(lambda exc: log.warning("co-purchases not refreshed: %s", exc)).run()

    def _logged_out(self) -> None:
        if self.context is not None:
            log.info("%s logged out", self.context.staff.username)
        parked = ""
        if self.main_window is not None:
            parked = self.main_window.parked_notice()
            self.main_window.deleteLater()
            self.main_window = None
        self._search_indicator = None  # went with the window
        self.context = None
        if self._move_to_chosen_database():
            return
        self.show_login(parked)

    def _switched(self, staff: StaffSession) -> None:
        """Another cashier took over at the lock screen: their window, told what was parked."""
        parked = ""
        if self.context is not None:
            log.info("%s took over from %s", staff.username, self.context.staff.username)
        if self.main_window is not None:
            parked = self.main_window.parked_notice()
            self.main_window.deleteLater()
            self.main_window = None
        self.context = None
        self._logged_in(staff)
        if parked and self.main_window is not None:
            self.main_window.statusBar().showMessage(parked, PARKED_MESSAGE_MS)

    def _move_to_chosen_database(self) -> bool:
        """After a first enrolment the settings name the shop's own file: open it instead.

        Between log-outs no window uses the database, so it can be closed here;
        opening the new one follows the start-up path (checks, migration,
        search index, then the login).
        """
        assert self.preferences is not None
        chosen = self.preferences.database_path
        if chosen is None or chosen == self._settled_preference or self.database is None:
            return False
        self._settled_preference = chosen
        if chosen == self.database.path:
            return False
        log.info("moving from %s to %s", self.database.path, chosen)
        self.database.dispose()
        self.database = None
        self.database_path = chosen
        self._open_database(chosen)
        return True

    # --- the end ----------------------------------------------------------

    def quit(self) -> None:
        self.finish(EXIT_OK)

    def finish(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        self.shut_down()
        self.ended.emit(code)

    def shut_down(self) -> None:
        """Close windows, stop background work, let go of the database and log."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.main_window is not None:
            window = self.main_window
            self.main_window = None
            window.quit_requested.disconnect(self.quit)
            window.close()
            window.deleteLater()
        if self.login_dialog is not None:
            dialog = self.login_dialog
            self.login_dialog = None
            dialog.rejected.disconnect(self._login_abandoned)
            dialog.close()
            dialog.deleteLater()
        self._drop_first_run_dialog()
        # The search index build stops at its next step and starts over next time.
        BackgroundOp.cancel_all()
        # Workers hold sessions on the database about to be disposed.
        BackgroundOp.wait_for_workers()
        if self.database is not None:
            self.database.dispose()
            self.database = None
        log.info("Shop Desktop stopped")
        if self.reporter is not None:
            self.reporter.uninstall()
        if self.shop_log is not None:
            self.shop_log.close()


def run(options: LaunchOptions) -> int:
    """Run the client until it quits; returns the process exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    desktop = ShopDesktop(options)
    desktop.ended.connect(app.exit)
    # Ctrl+C in the terminal: Python only sees the signal when it runs, so a
    # timer hands it the thread now and then.
    signal.signal(signal.SIGINT, lambda *_: desktop.quit())
    wake_python = QTimer()
    wake_python.timeout.connect(lambda: None)
    wake_python.start(500)
    QTimer.singleShot(0, desktop.start)
    code = app.exec()
    wake_python.stop()
    desktop.shut_down()
    return desktop.exit_code if desktop.exit_code is not None else code
