"""The sync corner of the status bar: is the till connected, and is anything stuck?

A cashier glances at it to know whether sales are reaching the office; a
manager sees at once when the server refused something (the red count,
which opens the sync log) or when this computer's clock is off.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget
from typing_extensions import override

from shop_desktop.data.models import Role
from shop_desktop.services.sync.engine import SyncStatus
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sync.controller import SyncController, seconds_since
from shop_desktop.ui.sync.wording import sync_problem

#: |clock skew| from this many seconds up is worth telling (and colouring).
SKEW_WARNING_SECONDS = 60.0
#: The "… ago" text is refreshed this often.
AGE_REFRESH_MS = 20_000
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})

_GREEN = "#0d652d"
_GREY = "#5f6368"
_AMBER = "#b06000"
_RED = "#b3261e"


def _dot(colour: str, size: int = 12) -> QPixmap:
    """A filled circle: the light that says connected (green) or not."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QPointF(size / 2, size / 2), size / 2 - 1, size / 2 - 1)
    painter.end()
    return pixmap


class SyncStatusWidget(QWidget):
    """Light + state, pending ops, last sync, clock skew, refused ops, and "Sync now"."""

    #: The manager clicked the refused-ops count (the log dialog opens too).
    log_requested = Signal()

    def __init__(
        self, context: ShopContext, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.context = context
        self.controller = controller
        self.may_read_log = context.staff.role in MANAGERS
        self.light = QLabel()
        self.light.setObjectName("syncLight")
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("syncPending")
        self.last_label = QLabel()
        self.last_label.setObjectName("syncLast")
        self.skew_label = QLabel()
        self.skew_label.setObjectName("syncSkew")
        self.skew_label.setStyleSheet(f"color: {_AMBER}; font-weight: bold;")
        self.rejected_button = QToolButton()
        self.rejected_button.setObjectName("syncRejected")
        self.rejected_button.setAutoRaise(True)
        self.rejected_button.setStyleSheet(f"color: {_RED}; font-weight: bold;")
        self.rejected_button.clicked.connect(self.open_log)
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setAutoRaise(True)
        self.sync_button.clicked.connect(controller.sync_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(8)
        for widget in (
            self.light,
            self.state_label,
            self.pending_label,
            self.last_label,
            self.skew_label,
            self.rejected_button,
            self.sync_button,
        ):
            layout.addWidget(widget)
        self.log_dialog: QWidget | None = None
        self._ages = QTimer(self)
        self._ages.timeout.connect(self._show_age)
        self._ages.start(AGE_REFRESH_MS)
        controller.status_changed.connect(self.show_status)
        self.show_status(controller.status)

    # --- showing ----------------------------------------------------------------

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        self._show_state(status)
        self.pending_label.setText(self.tr("Pending: {count}").format(count=status.pending_ops))
        self.pending_label.setToolTip(
            self.tr("Sales and changes waiting to be sent to the server.")
        )
        self._show_age()
        self._show_skew(status.clock_skew_seconds)
        self._show_rejected(status.rejected_ops)
        self.sync_button.setText(self.tr("Sync now"))
        self.sync_button.setEnabled(status.state not in {"syncing", "not_enrolled"})
        # Not set up: the last sync and "Sync now" would only be noise.
        enrolled = status.state != "not_enrolled"
        self.last_label.setVisible(enrolled)
        self.sync_button.setVisible(enrolled)
        self.sync_button.setToolTip(self.tr("Send waiting sales and fetch changes now."))

    def _show_state(self, status: SyncStatus) -> None:
        texts = {
            "not_enrolled": (self.tr("Not connected to a server"), _GREY),
            "idle": (self.tr("Online"), _GREEN) if status.online else (self.tr("Offline"), _GREY),
            "syncing": (self.tr("Syncing…"), _GREEN if status.online else _GREY),
            "offline": (self.tr("Offline"), _GREY),
            "revoked": (self.tr("Access revoked"), _RED),
            "cloned": (self.tr("Enrol again"), _RED),
            "upgrade_required": (self.tr("Update needed"), _AMBER),
        }
        text, colour = texts.get(status.state, (status.state, _GREY))
        self.light.setPixmap(_dot(colour))
        self.state_label.setText(text)
        self.state_label.setToolTip(self._state_sentence(status))
        self.light.setToolTip(self.state_label.toolTip())

    def _state_sentence(self, status: SyncStatus) -> str:
        """The whole story for the tooltip: what the state means and what to do."""
        sentences = {
            "not_enrolled": self.tr(
                "This workstation is not connected to a central server. A manager can enrol it"
                " in Settings → Server."
            ),
            "revoked": self.tr(
                "This workstation's access was revoked at the server. Sales are kept here;"
                " a manager must enrol it again in Settings → Server."
            ),
            "cloned": self.tr(
                "This database was copied from another workstation, so the server stopped"
                " taking its sales. Enrol this workstation again in Settings → Server;"
                " nothing waiting is lost."
            ),
            "upgrade_required": self.tr(
                "Sales are still sent, but catalog changes cannot be received until this app"
                " is updated."
            ),
            "offline": self.tr(
                "Syncing is paused. Selling goes on; sales are sent when syncing works again."
            ),
        }
        sentence = sentences.get(status.state, "")
        # The state's own sentence already tells revoked, cloned and update needed.
        if status.error_code and status.error_code != status.state:
            # Worded from the code: ``last_error`` is English, for the log only.
            sentence = f"{sentence}\n{sync_problem(status.error_code)}".strip()
        if status.next_attempt_at is not None and status.state == "offline":
            when = status.next_attempt_at.astimezone().strftime("%H:%M:%S")
            sentence += "\n" + self.tr("Next try at {time}.").format(time=when)
        return sentence

    def _show_age(self) -> None:
        status = getattr(self, "_status", None)
        if status is None:
            return
        last = status.last_success_at
        if last is None:
            self.last_label.setText(self.tr("Last sync: never"))
            self.last_label.setToolTip(self.tr("No sync has succeeded yet."))
            return
        self.last_label.setText(
            self.tr("Last sync: {age}").format(age=self.age_text(seconds_since(last)))
        )
        exact = last.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        self.last_label.setToolTip(self.tr("Last successful sync: {time}").format(time=exact))

    def age_text(self, seconds: float) -> str:
        """ "just now", "5 min ago", "3 h ago", "2 days ago"."""
        if seconds < 60:
            return self.tr("just now")
        minutes = int(seconds // 60)
        if minutes < 60:
            return self.tr("{n} min ago").format(n=minutes)
        hours = minutes // 60
        if hours < 48:
            return self.tr("{n} h ago").format(n=hours)
        return self.tr("%n day(s) ago", "", hours // 24)

    def _show_skew(self, skew: float | None) -> None:
        if skew is None or abs(skew) < SKEW_WARNING_SECONDS:
            self.skew_label.setVisible(False)
            self.skew_label.clear()
            return
        amount = self.duration_text(abs(skew))
        if skew > 0:
            text = self.tr("Clock {amount} slow").format(amount=amount)
        else:
            text = self.tr("Clock {amount} fast").format(amount=amount)
        self.skew_label.setText(text)
        self.skew_label.setToolTip(
            self.tr(
                "This computer's clock differs from the server's by {amount}. Sales keep their"
                " order, but receipts and reports show this computer's time: set the clock."
            ).format(amount=amount)
        )
        self.skew_label.setVisible(True)

    def duration_text(self, seconds: float) -> str:
        minutes = round(seconds / 60)
        if minutes < 120:
            return self.tr("{n} min").format(n=minutes)
        hours = round(seconds / 3600)
        if hours < 48:
            return self.tr("{n} h").format(n=hours)
        return self.tr("%n day(s)", "", round(seconds / 86400))

    def _show_rejected(self, count: int) -> None:
        self.rejected_button.setVisible(count > 0)
        self.rejected_button.setText(self.tr("Refused: {count}").format(count=count))
        if self.may_read_log:
            self.rejected_button.setToolTip(
                self.tr("The server refused some operations. Click to read why and send again.")
            )
        else:
            self.rejected_button.setToolTip(
                self.tr(
                    "The server refused some operations. Ask a manager to look at the sync log."
                )
            )
        self.rejected_button.setEnabled(self.may_read_log)

    # --- acting -----------------------------------------------------------------

    def open_log(self) -> None:
        """The sync log, on the refused ops' tab (managers only)."""
        if not self.may_read_log:
            return
        from shop_desktop.ui.sync.log_dialog import SyncLogDialog

        self.log_requested.emit()
        dialog = SyncLogDialog.open_for(self.context, self.controller, self, tab="rejected")
        self.log_dialog = dialog

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_status"):
            self.show_status(self._status)
        super().changeEvent(event)
