"""Quick sign-in at a shared till: setting one's PIN, and locking the till when idle.

The lock screen itself is the log-in dialog locked over the session
(:class:`~shop_desktop.ui.login.LoginDialog` with ``locked_for``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import Role
from shop_desktop.services.auth import PinRefused, pin_problem, set_pin
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job

#: What counts as someone at the till: a key, a click, a touch, the wheel.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    """Says :attr:`idle` once nobody touched the application for ``seconds``.

    Watches every input event of the application (an event filter that only
    restarts a timer); ``seconds`` 0 means never.
    """

    idle = Signal()

    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_seconds(seconds)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def seconds(self) -> int:
        return self._timer.interval() // 1000

    def set_seconds(self, seconds: int) -> None:
        self._timer.setInterval(max(seconds, 0) * 1000)
        self.restart()

    def restart(self) -> None:
        if self._timer.interval() > 0:
            self._timer.start()
        else:
            self._timer.stop()

    def pause(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def stop_watching(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False


class PinDialog(QDialog):
    """Set one's own quick-switch PIN (4 to 6 digits), typed twice."""

    #: The PIN was stored (tests wait on it).
    pin_saved = Signal()

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.context = context
        self.op: BackgroundOp[None] | None = None
        digits = QRegularExpressionValidator(QRegularExpression("[0-9]{0,6}"), self)
        self.edit = QLineEdit()
        self.edit.setObjectName("pin")
        self.again = QLineEdit()
        self.again.setObjectName("pinAgain")
        for edit in (self.edit, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(6)
            edit.setValidator(digits)
        self._explain = QLabel()
        self._explain.setWordWrap(True)
        self._pin_label = QLabel()
        self._pin_label.setBuddy(self.edit)
        self._again_label = QLabel()
        self._again_label.setBuddy(self.again)
        self.message = QLabel()
        self.message.setObjectName("pinMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        form = QFormLayout()
        form.addRow(self._pin_label, self.edit)
        form.addRow(self._again_label, self.again)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.accepted.connect(self.submit)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._explain)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self._buttons)
        self.retranslate()
        self.edit.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My PIN"))
        self._explain.setText(
            self.tr(
                "A PIN of 4 to 6 digits lets you sign in quickly at this till and unlock it."
                " Your password still works."
            )
        )
        self._pin_label.setText(self.tr("&New PIN"))
        self._again_label.setText(self.tr("&Again"))

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)
        self.edit.clear()
        self.again.clear()
        self.edit.setFocus()

    def refusal_text(self, reason: str) -> str:
        if reason == "guessable":
            return self.tr(
                "That PIN is too easy to guess (one digit repeated, or a run like 1234)."
                " Choose another."
            )
        if reason == "by_pin":
            return self.tr("Log in with your password to set a PIN.")
        return self.tr("A PIN is 4 to 6 digits.")

    def submit(self) -> None:
        pin = self.edit.text()
        if pin != self.again.text():
            self._refuse(self.tr("The two PINs differ. Type the same PIN twice."))
            return
        problem = pin_problem(pin)
        if problem is not None:
            self._refuse(self.refusal_text(problem))
            return
        staff = self.context.staff
        self._buttons.setEnabled(False)

        def store(job: Job) -> None:
            set_pin(job.session, staff, pin)

        def refused(exc: PinRefused) -> None:
            self._refuse(self.refusal_text(exc.reason))

        self.op = (
            BackgroundOp(self, op=store, success=self._saved, database=self.context.database)
            .failure(refused, PinRefused)
            .after_failure(lambda: self._buttons.setEnabled(True))
            .run()
        )

    def _saved(self, _none: None) -> None:
        self._buttons.setEnabled(True)
        self.pin_saved.emit()
        self.accept()


#: Who may change how soon this till locks.
LOCK_SETTING_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


class IdleLockSetting(QGroupBox):
    """Settings: after how many idle minutes this till locks (0: never); managers change it."""

    #: The new idle time, in seconds.
    changed = Signal(int)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.minutes = QSpinBox()
        self.minutes.setObjectName("lockAfterMinutes")
        self.minutes.setRange(0, 240)
        self.minutes.setValue(round(context.preferences.lock_after_seconds / 60))
        self.minutes.setEnabled(context.staff.role in LOCK_SETTING_ROLES)
        self.minutes.valueChanged.connect(self._chosen)
        self._label = QLabel()
        self._label.setBuddy(self.minutes)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.setHorizontalSpacing(24)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self._label, self.minutes)
        form.addRow(self.note)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Locking"))
        self._label.setText(self.tr("Lock the till after (idle &minutes)"))
        self.minutes.setSpecialValueText(self.tr("Never"))
        if self.minutes.isEnabled():
            self.note.setText(
                self.tr("The cart stays; a password or PIN opens the till again (Ctrl+L locks it).")
            )
        else:
            self.note.setText(self.tr("Only a manager can change this."))

    def _chosen(self, minutes: int) -> None:
        self.context.preferences.lock_after_seconds = minutes * 60
        self.changed.emit(minutes * 60)
