"""Settings 設定: the screens' language, and where this workstation keeps things."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
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

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, switch_language
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.places.base import Place
from shop_desktop.ui.places.server_settings import ServerSettings
from shop_desktop.ui.places.wallet_settings import WalletSettings


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
        self.wallets = WalletSettings(context)
        self.server = ServerSettings(context)
        # Settings grow longer than a small screen: they scroll, the window does not.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body.addWidget(scroll, 1)
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(inside)
        column.addWidget(self._appearance)
        column.addWidget(self.wallets)
        column.addWidget(self.server)
        column.addWidget(self._about)
        column.addStretch(1)

    def title(self) -> str:
        return self.tr("Settings")

    def description(self) -> str:
        return self.tr(
            "The language of the screens, the mobile wallets' merchant details, the central"
            " server this workstation syncs with, and where it keeps its data."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self._appearance.setTitle(self.tr("Appearance"))
        self._language_label.setText(self.tr("&Language"))
        self._about.setTitle(self.tr("This workstation"))
        self.wallets.retranslate()
        self.server.retranslate()
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
