"""Settings 設定: the screens' language, selling below zero stock, and where this
workstation keeps things."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import Role
from shop_desktop.services.stock import (
    StockSettingRefused,
    allow_negative_stock,
    set_allow_negative_stock,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, switch_language
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.places.base import Place
from shop_desktop.ui.places.server_settings import ServerSettings
from shop_desktop.ui.places.wallet_settings import WalletSettings
from shop_desktop.ui.sign_in import IdleLockSetting
from shop_desktop.ui.tasks import BackgroundOp, Job

#: Who may change how this workstation sells (the service checks again).
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})


class LanguageChoice(QComboBox):
    """繁體中文 / English, each named in itself; applies at once and is remembered."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code in LANGUAGES:
            self.addItem(LANGUAGE_NAMES[code], code)
        self.show_current()
        self.activated.connect(self._on_activated)

    def show_current(self) -> None:
        index = self.findData(current_language())
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)

    def choose(self, code: str) -> None:
        """Switch to ``code`` as if the user picked it (keyboard users and tests)."""
        self.setCurrentIndex(self.findData(code))
        self._on_activated(self.currentIndex())

    def _on_activated(self, index: int) -> None:
        code = self.itemData(index)
        if isinstance(code, str) and code != current_language():
            switch_language(code)
            self.language_chosen.emit(code)

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # Another screen may have switched; keep showing the truth.
            self.show_current()
        super().changeEvent(event)


class StockSettings(QGroupBox):
    """Whether this till may sell more than it has on hand (allowed by default).

    Offline, on-hand is the server's last snapshot plus this till's own
    sales, so refusing a sale can stop the counter for stock another till
    already received; the server reports negative stock after sync. A
    manager may still turn it off. The value lives in the database, so it is
    read and written on a worker; a click applies at once.
    """

    #: After the setting was read or written: the value now in force.
    setting_shown = Signal(bool)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.may_edit = context.staff.role in MANAGERS
        layout = QVBoxLayout(self)
        self.allow_negative = QCheckBox()
        self.allow_negative.setObjectName("allow_negative_stock")
        # Until the stored value is read, nobody can change it.
        self.allow_negative.setEnabled(False)
        self.allow_negative.clicked.connect(self.choose)
        layout.addWidget(self.allow_negative)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.last_op: BackgroundOp[bool] | None = None
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Stock"))
        self.allow_negative.setText(self.tr("Allow selling below zero stock (reported after sync)"))
        if not self.may_edit:
            self.note.setText(self.tr("Only a manager can change this."))

    def load(self) -> BackgroundOp[bool]:
        def read(job: Job) -> bool:
            return allow_negative_stock(job.session)

        op: BackgroundOp[bool] = BackgroundOp(
            self, op=read, success=self._show, database=self.context.database
        )
        self.last_op = op
        return op.run()

    def choose(self, allowed: bool) -> BackgroundOp[bool] | None:
        """Store ``allowed`` (a click, or a test); the box shows what was stored."""
        if not self.may_edit:
            return None
        staff = self.context.staff
        self.allow_negative.setEnabled(False)
        self.note.clear()

        def write(job: Job) -> bool:
            set_allow_negative_stock(job.session, allowed, staff)
            return allowed

        op: BackgroundOp[bool] = BackgroundOp(
            self, op=write, success=self._show, database=self.context.database
        )
        op.failure(self._refused, StockSettingRefused)
        # Reading again puts the box back to what is really stored.
        op.after_failure(self._read_again)
        self.last_op = op
        return op.run()

    def _show(self, allowed: bool) -> None:
        self.allow_negative.setChecked(allowed)
        self.allow_negative.setEnabled(self.may_edit)
        self.setting_shown.emit(allowed)

    def _read_again(self) -> None:
        self.load()

    def _refused(self, _refused: StockSettingRefused) -> None:
        self.note.setText(self.tr("Only a manager can change this."))


class SettingsPlace(Place):
    key = "settings"

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.language = LanguageChoice()
        self.language.language_chosen.connect(self._remember_language)
        self._appearance = QGroupBox()
        appearance = QFormLayout(self._appearance)
        appearance.setHorizontalSpacing(24)
        appearance.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.language.setMinimumWidth(200)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language)
        appearance.addRow(self._language_label, self.language)

        self._about = QGroupBox()
        about = QFormLayout(self._about)
        about.setVerticalSpacing(10)
        about.setHorizontalSpacing(24)
        self._info_names: dict[str, QLabel] = {}
        self._info_values: dict[str, QLabel] = {}
        for key in ("database", "data_dir", "log_file", "branch", "workstation", "device"):
            name = QLabel()
            value = QLabel()
            value.setObjectName(f"info_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self._info_names[key] = name
            self._info_values[key] = value
            about.addRow(name, value)
        self.stock = StockSettings(context)
        self.wallets = WalletSettings(context)
        self.server = ServerSettings(context)
        self.idle_lock = IdleLockSetting(context)
        # Settings grow longer than a small screen: they scroll, the window does not.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body.addWidget(scroll, 1)
        self.body_takes_the_height()
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(inside)
        column.addWidget(self._appearance)
        column.addWidget(self.stock)
        column.addWidget(self.idle_lock)
        column.addWidget(self.wallets)
        column.addWidget(self.server)
        column.addWidget(self._about)
        column.addStretch(1)

    def title(self) -> str:
        return self.tr("Settings")

    def description(self) -> str:
        return self.tr(
            "The language of the screens, whether this workstation sells below zero stock, the"
            " mobile wallets' merchant details, the central server this workstation syncs with,"
            " and where it keeps its data."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self._appearance.setTitle(self.tr("Appearance"))
        self._language_label.setText(self.tr("&Language"))
        self._about.setTitle(self.tr("This workstation"))
        self.stock.retranslate()
        self.wallets.retranslate()
        self.server.retranslate()
        self.idle_lock.retranslate()
        names = {
            "database": self.tr("Database file"),
            "data_dir": self.tr("Data folder"),
            "log_file": self.tr("Log file"),
            "branch": self.tr("Branch"),
            "workstation": self.tr("Workstation"),
            "device": self.tr("Device ID"),
        }
        staff = self.context.staff
        branch = in_current_language(staff.branch_name_zh, staff.branch_name_en)
        log_file = self.context.log_file
        values = {
            "database": str(self.context.database.path),
            "data_dir": str(self.context.data_dir),
            "log_file": str(log_file)
            if log_file
            else self.tr("(not written: folder not writable)"),
            "branch": f"{branch} ({staff.branch_code})",
            "workstation": f"{staff.workstation_name} ({staff.workstation_code})",
            "device": str(staff.device_id),
        }
        for key, name in self._info_names.items():
            name.setText(names[key])
            self._info_values[key].setText(values[key])

    def _remember_language(self, code: str) -> None:
        self.context.preferences.language = code
