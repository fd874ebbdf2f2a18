"""The main window: one place per capability, picked from a list on the left.

Every place has two shortcuts, F2…F8 for the counter keyboard and Ctrl+1…7
for everyone else; the navigation tooltips and the Go menu show them.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QSize, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
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
from typing_extensions import override

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.icons import place_icon
from shop_desktop.ui.labels import in_current_language, role_name
from shop_desktop.ui.places.after_sales import AfterSalesPlace
from shop_desktop.ui.places.base import Place
from shop_desktop.ui.places.catalog import CatalogPlace
from shop_desktop.ui.places.members import MembersPlace
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.places.reports import ReportsPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.sign_out import record_sign_out
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.status_widget import SyncStatusWidget

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
    #: The key of the place now shown.
    place_shown = Signal(str)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._closing_for_logout = False
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
        self._shop_menu.addAction(self.log_out_action)
        self._shop_menu.addSeparator()
        self._shop_menu.addAction(self.quit_action)
        for action in (self.log_out_action, self.quit_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

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

    # --- leaving ----------------------------------------------------------

    def log_out(self) -> None:
        self._closing_for_logout = True
        self.close()

    def _restore_geometry(self) -> None:
        geometry = self.context.preferences.window_geometry(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.context.preferences.save_window_geometry(GEOMETRY_KEY, self.saveGeometry())
        sell = self.place(SellPlace.key)
        assert isinstance(sell, SellPlace)
        sell.register.leaving()  # open carts to disk, WAL folded: before the next log-in
        record_sign_out(self.context, "log_out" if self._closing_for_logout else "quit")
        self._clock.stop()
        self.sync.stop()
        event.accept()
        if self._closing_for_logout:
            self.logout_requested.emit()
        else:
            self.quit_requested.emit()
