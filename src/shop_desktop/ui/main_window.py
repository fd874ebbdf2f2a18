"""The main window: one place per capability, picked from a list on the left.

Every place has two shortcuts, F2…F8 for the counter keyboard and Ctrl+1…7
for everyone else; the navigation tooltips and the Go menu show them.

Leaving loses nothing: logging out, another cashier taking over at the lock
screen and quitting park every cart with lines under the cashier's name and
the time, and say so (:meth:`Register.leaving`). Left alone for the time
set (``Preferences.lock_after_seconds``), or on Ctrl+L, the till locks over
the session; the carts stay.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QSize, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)
from shiboken6 import isValid
from typing_extensions import override

from shop_desktop.services.auth import StaffSession, record_lock
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.help import KeyboardHelp
from shop_desktop.ui.icons import place_icon
from shop_desktop.ui.labels import in_current_language, role_name
from shop_desktop.ui.login import LoginDialog
from shop_desktop.ui.places.after_sales import AfterSalesPlace
from shop_desktop.ui.places.base import Place
from shop_desktop.ui.places.catalog import CatalogPlace
from shop_desktop.ui.places.members import MembersPlace
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.places.reports import ReportsPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.sign_in import IdleWatch, PinDialog
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.status_widget import SyncStatusWidget
from shop_desktop.ui.tasks import BackgroundOp

#: In navigation order; the first is where a shift starts.
PLACES: tuple[type[Place], ...] = (
    SellPlace,
    OrdersPlace,
    MembersPlace,
    AfterSalesPlace,
    ReportsPlace,
    CatalogPlace,
    SettingsPlace,
)

GEOMETRY_KEY = "main"
BACKUP_MESSAGE_MS = 30_000


def place_shortcuts(index: int) -> list[QKeySequence]:
    return [
        QKeySequence(Qt.Key(Qt.Key.Key_F2.value + index)),
        QKeySequence(Qt.KeyboardModifier.ControlModifier.value | (Qt.Key.Key_1.value + index)),
    ]


class MainWindow(QMainWindow):
    """Where staff work after logging in."""

    logout_requested = Signal()
    quit_requested = Signal()
    #: Another cashier took over at the lock screen: their :class:`StaffSession`.
    cashier_switched = Signal(object)
    #: The till locked over the session (the lock screen is up).
    locked = Signal()
    #: The same person unlocked it.
    unlocked = Signal()
    #: The key of the place now shown.
    place_shown = Signal(str)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._closing_for_logout = False
        #: Who takes over once this window has closed (a switch at the lock screen).
        self._switching_to: StaffSession | None = None
        self._left = False
        #: Carts parked as this window closed, and the name they were parked under.
        self.parked_on_leaving = 0
        self.parked_label = ""
        #: The lock screen, while the till is locked.
        self.lock_screen: LoginDialog | None = None
        self._focus_before_lock: QWidget | None = None
        self.setObjectName("mainWindow")

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(24, 24))
        self.navigation.setSpacing(2)
        self.navigation.setUniformItemSizes(True)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.places: list[Place] = []
        self._place_actions: list[QAction] = []
        self._shop_menu = QMenu(self)
        self._go_menu = QMenu(self)
        self.menuBar().addMenu(self._shop_menu)
        self.menuBar().addMenu(self._go_menu)
        self._build_places()
        self._build_shop_menu()
        self._build_help_menu()
        self.navigation.currentRowChanged.connect(self._on_row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        #: Background sync with the central server (a pass at a time, on workers).
        self.sync = SyncController(context.database, parent=self)
        self._build_status_bar()
        self.idle_watch = IdleWatch(context.preferences.lock_after_seconds, self)
        self.idle_watch.idle.connect(self.lock)
        settings = self.place(SettingsPlace.key)
        assert isinstance(settings, SettingsPlace)
        settings.idle_lock.changed.connect(self.idle_watch.set_seconds)

        self.retranslate()
        self._restore_geometry()
        self.show_place(PLACES[0].key)
        self._connect_sync()

    def _build_places(self) -> None:
        for index, place_type in enumerate(PLACES):
            place = place_type(self.context)
            place.retranslate()
            self.places.append(place)
            self.stack.addWidget(place)
            item = QListWidgetItem(place_icon(place_type.key), "")
            item.setSizeHint(QSize(0, 44))
            self.navigation.addItem(item)
            action = QAction(self)
            action.setShortcuts(place_shortcuts(index))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(partial(self.show_place, place_type.key))
            self._place_actions.append(action)
            self._go_menu.addAction(action)
            self.addAction(action)

    def _build_shop_menu(self) -> None:
        self.log_out_action = QAction(self)
        self.log_out_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.log_out_action.triggered.connect(self.log_out)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.pin_action = QAction(self)
        self.pin_action.triggered.connect(self.set_my_pin)
        self._shop_menu.addAction(self.lock_action)
        self._shop_menu.addAction(self.pin_action)
        self._shop_menu.addAction(self.log_out_action)
        self._shop_menu.addSeparator()
        self._shop_menu.addAction(self.quit_action)
        for action in (self.lock_action, self.log_out_action, self.quit_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _build_help_menu(self) -> None:
        """Help → Keyboard (F1): every key of the counter and the payment window."""
        self._help_menu = QMenu(self)
        self.menuBar().addMenu(self._help_menu)
        self.keyboard_help: KeyboardHelp | None = None
        self.keyboard_action = QAction(self)
        self.keyboard_action.setShortcut(QKeySequence("F1"))
        self.keyboard_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.keyboard_action.triggered.connect(self.show_keyboard_help)
        self._help_menu.addAction(self.keyboard_action)
        self.addAction(self.keyboard_action)

    def show_keyboard_help(self) -> KeyboardHelp:
        if self.keyboard_help is None:
            self.keyboard_help = KeyboardHelp(self)
        self.keyboard_help.show()
        self.keyboard_help.raise_()
        self.keyboard_help.activateWindow()
        return self.keyboard_help

    def _build_status_bar(self) -> None:
        self.staff_label = QLabel()
        self.staff_label.setObjectName("statusStaff")
        self.branch_label = QLabel()
        self.branch_label.setObjectName("statusBranch")
        self.workstation_label = QLabel()
        self.workstation_label.setObjectName("statusWorkstation")
        self.sync_status = SyncStatusWidget(self.context, self.sync)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("statusClock")
        for label in (
            self.staff_label,
            self.branch_label,
            self.workstation_label,
            self.sync_status,
            self.clock_label,
        ):
            self.statusBar().addPermanentWidget(label)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()

    def _connect_sync(self) -> None:
        """Sync right after each sale, let Settings → Server drive the controller, start it."""
        sell = self.place(SellPlace.key)
        assert isinstance(sell, SellPlace)
        sell.register.sale_completed.connect(self.sync.sale_committed)
        sell.watch_sync(self.sync)
        settings = self.place(SettingsPlace.key)
        assert isinstance(settings, SettingsPlace)
        settings.server.set_controller(self.sync)
        settings.server.shop_database_ready.connect(self._offer_shop_database)
        self.sync.start()

    def _offer_shop_database(self, path: object) -> None:
        """After a first enrolment: log out now and continue on the server's shop?"""
        answer = QMessageBox.question(
            self,
            self.tr("Enrolled"),
            self.tr(
                "The server's shop is ready in {path}. Log out now and continue there? Staff"
                " log in with the accounts the server knows."
            ).format(path=str(path)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.log_out()

    # --- places -----------------------------------------------------------

    def show_place(self, key: str) -> None:
        for row, place in enumerate(self.places):
            if place.key == key:
                self.navigation.setCurrentRow(row)
                return
        raise KeyError(key)

    def current_place(self) -> Place:
        return self.places[self.stack.currentIndex()]

    def place(self, key: str) -> Place:
        for place in self.places:
            if place.key == key:
                return place
        raise KeyError(key)

    def _on_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.place_shown.emit(self.places[row].key)

    # --- texts ------------------------------------------------------------

    def retranslate(self) -> None:
        staff = self.context.staff
        branch = in_current_language(staff.branch_name_zh, staff.branch_name_en)
        self.setWindowTitle(
            self.tr("Shop Desktop — {branch} · {workstation}").format(
                branch=branch, workstation=staff.workstation_code
            )
        )
        self._shop_menu.setTitle(self.tr("&Shop"))
        self._go_menu.setTitle(self.tr("&Go"))
        self.log_out_action.setText(self.tr("&Log out"))
        self.quit_action.setText(self.tr("&Quit"))
        self.lock_action.setText(self.tr("Loc&k the till"))
        self.pin_action.setText(self.tr("Set my &PIN…"))
        self._help_menu.setTitle(self.tr("&Help"))
        self.keyboard_action.setText(self.tr("&Keyboard"))
        for row, place in enumerate(self.places):
            item = self.navigation.item(row)
            item.setText(place.title())
            keys = " · ".join(
                key.toString(QKeySequence.SequenceFormat.NativeText) for key in place_shortcuts(row)
            )
            item.setToolTip(self.tr("{place} ({keys})").format(place=place.title(), keys=keys))
            self._place_actions[row].setText(place.title())
        self.staff_label.setText(
            self.tr("{name} · {role}").format(name=staff.display_name, role=role_name(staff.role))
        )
        self.branch_label.setText(branch)
        self.branch_label.setToolTip(self.tr("Branch {code}").format(code=staff.branch_code))
        self.workstation_label.setText(staff.workstation_code)
        self.workstation_label.setToolTip(staff.workstation_name)
        if self.navigation.count():
            self.navigation.setFixedWidth(self._navigation_width())

    def _navigation_width(self) -> int:
        metrics = self.navigation.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(self.navigation.item(r).text())
                for r in range(self.navigation.count())
            ),
            default=0,
        )
        return max(180, widest + self.navigation.iconSize().width() + 56)

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _tick(self) -> None:
        self.clock_label.setText(QTime.currentTime().toString("HH:mm"))

    # --- notices ----------------------------------------------------------

    def tell_backup_made(self, backup: str) -> None:
        self.statusBar().showMessage(
            self.tr("Before updating, a copy of the database was saved as {path}.").format(
                path=backup
            ),
            BACKUP_MESSAGE_MS,
        )

    # --- locking ----------------------------------------------------------

    def lock(self) -> LoginDialog | None:
        """Lock the till over this session: the carts stay; a password or PIN opens it."""
        if self.lock_screen is not None or self._left:
            return self.lock_screen
        self.idle_watch.pause()
        #: Where the keys went before the lock: they go there again after it.
        self._focus_before_lock = QApplication.focusWidget()
        staff = self.context.staff
        BackgroundOp(
            self, op=lambda job: record_lock(job.session, staff), database=self.context.database
        ).run()
        screen = LoginDialog(
            self.context.database,
            preferences=self.context.preferences,
            locked_for=staff,
            parent=self,
        )
        screen.setModal(True)
        screen.staff_logged_in.connect(self._unlocked_by)
        self.lock_screen = screen
        screen.open()
        self.locked.emit()
        return screen

    def _unlocked_by(self, staff: StaffSession) -> None:
        screen, self.lock_screen = self.lock_screen, None
        if screen is not None:
            screen.deleteLater()
        if staff.staff_id == self.context.staff.staff_id:
            self.idle_watch.restart()
            self.activateWindow()
            before = self._focus_before_lock
            self._focus_before_lock = None
            if before is not None and isValid(before) and self.isAncestorOf(before):
                before.setFocus()
            self.unlocked.emit()
            return
        # Another cashier: this one's carts are parked as at a log-out, then they take over.
        self._switching_to = staff
        self.close()

    def set_my_pin(self) -> PinDialog:
        dialog = PinDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- leaving ----------------------------------------------------------

    def log_out(self) -> None:
        self._closing_for_logout = True
        self.close()

    def _restore_geometry(self) -> None:
        geometry = self.context.preferences.window_geometry(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)

    def parked_notice(self) -> str:
        """What to tell the next person at the till about the carts parked as this closed."""
        if not self.parked_on_leaving:
            return ""
        return self.tr(
            'Carts left open were parked as "{label}" ({count}). After logging in, F11 finds them.'
        ).format(label=self.parked_label, count=self.parked_on_leaving)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._left:
            event.accept()
            return
        self._left = True
        self.context.preferences.save_window_geometry(GEOMETRY_KEY, self.saveGeometry())
        self.idle_watch.stop_watching()
        sell = self.place(SellPlace.key)
        assert isinstance(sell, SellPlace)
        if self._switching_to is not None:
            how = "switch"
        elif self._closing_for_logout:
            how = "logout"
        else:
            how = "quit"
        # Open carts parked and the sign-out audited, WAL folded: before the next log-in.
        self.parked_on_leaving = sell.register.leaving(how)
        self.parked_label = sell.register.leaving_label
        self._clock.stop()
        self.sync.stop()
        event.accept()
        if self._switching_to is not None:
            self.cashier_switched.emit(self._switching_to)
        elif self._closing_for_logout:
            self.logout_requested.emit()
        else:
            self.quit_requested.emit()
