"""A database path with no file yet: build a demo shop there, enrol with a server, or quit.

``shop-desktop --db NEW_PATH`` (or settings naming a file that is gone) must
never make an empty database whose log-in can only stay grey. This asks what
the file should become. Enrolling creates the file, gets this workstation's
identity from the server and loads the server's shop into it, on a worker
with a progress window; if the server refuses, the file it started is
removed, so the next start asks again.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.services.sync.credentials import (
    KeyringTokenStore,
    TokenStore,
    TokenStoreUnavailable,
)
from shop_desktop.services.sync.protocol import ServerAnswerInvalid
from shop_desktop.services.sync.state import SyncSettings
from shop_desktop.services.sync.transport import (
    BadEnrolmentCode,
    DeviceCloned,
    DeviceRevoked,
    Retryable,
    SyncFailure,
    UpgradeRequired,
)
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

#: What an enrolment can be refused with: the server's or the network's answer, not a bug.
REFUSALS: tuple[type[Exception], ...] = (
    BadEnrolmentCode,
    Retryable,
    ServerAnswerInvalid,
    UpgradeRequired,
    DeviceRevoked,
    DeviceCloned,
    TokenStoreUnavailable,
    SyncFailure,
)


def enrol_new_file(
    path: Path, settings: SyncSettings, code: str, tokens: TokenStore, job: Job
) -> Path:
    """Enrol a new database file at ``path`` and load the shop; stopped or refused, no file.

    A file enrolled but without the server's shop (stopped while loading it)
    would have nobody to log in, and is new, so nothing of value is lost
    with it; the next start asks again.
    """
    from shop_desktop.services.sync.enrol import enrol

    try:
        enrol(
            path,
            settings,
            code,
            tokens,
            device_name=socket.gethostname() or None,
            cancelled=job.state.is_cancel_requested,
        )
    except BaseException:
        for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return path


class FirstRunDialog(QDialog):
    """What the new database file at ``path`` should become."""

    #: The cashier chose a demo shop (the start-up path builds it).
    demo_chosen = Signal()
    #: The file was enrolled and holds the server's shop (its path).
    enrolled = Signal(object)
    #: A refusal was shown (tests read it).
    problem = Signal(str)

    def __init__(
        self, path: Path, *, tokens: TokenStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.path = path
        self.tokens: TokenStore = tokens or KeyringTokenStore()
        self.last_op: BackgroundOp[Path] | None = None

        self._heading = QLabel()
        font = QFont(self._heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self._heading.setFont(font)
        self._where = QLabel()
        self._where.setWordWrap(True)
        self._where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.demo_button = QPushButton()
        self.demo_button.setObjectName("firstRunDemo")
        self.demo_button.clicked.connect(self._choose_demo)
        self._demo_hint = QLabel()
        self._demo_hint.setWordWrap(True)

        self._server_box = self._build_server_box()

        self.message = QLabel()
        self.message.setObjectName("firstRunMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setVisible(False)

        self.quit_button = QPushButton()
        self.quit_button.setObjectName("firstRunQuit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(self._heading)
        layout.addWidget(self._where)
        layout.addSpacing(4)
        layout.addWidget(self.demo_button)
        layout.addWidget(self._demo_hint)
        layout.addSpacing(4)
        layout.addWidget(self._server_box)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.retranslate()
        # The first choice has the focus: Enter on it builds the demo shop. No
        # button is the dialog's default, so Enter in the server fields never does.
        self.demo_button.setFocus()

    def _build_server_box(self) -> QGroupBox:
        box = QGroupBox()
        self.url = QLineEdit()
        self.url.setObjectName("firstRunServer")
        self.url.setPlaceholderText("https://shop.example.com")
        self.code = QLineEdit()
        self.code.setObjectName("firstRunCode")
        self.enrol_button = QPushButton()
        self.enrol_button.setObjectName("firstRunEnrol")
        self.enrol_button.clicked.connect(self.enrol)
        self.url.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self.enrol)
        self._url_label = QLabel()
        self._url_label.setBuddy(self.url)
        self._code_label = QLabel()
        self._code_label.setBuddy(self.code)
        form = QFormLayout(box)
        form.addRow(self._url_label, self.url)
        form.addRow(self._code_label, self.code)
        form.addRow("", self.enrol_button)
        return box

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New shop database — Shop Desktop"))
        self._heading.setText(self.tr("There is no shop database here yet"))
        self._where.setText(
            self.tr("{path} does not exist. What should it become?").format(path=self.path)
        )
        self.demo_button.setText(self.tr("Build a &demo shop here"))
        self._demo_hint.setText(
            self.tr(
                "Products, members, staff and a month of sales to try things out; log in as"
                " cashier/cashier or manager/manager."
            )
        )
        self._server_box.setTitle(self.tr("Or enrol this workstation with the shop's server"))
        self._url_label.setText(self.tr("&Server address"))
        self._code_label.setText(self.tr("Enrolment &code"))
        self.enrol_button.setText(self.tr("&Enrol and load the shop"))
        self.quit_button.setText(self.tr("&Quit"))

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- choices ---------------------------------------------------------------

    def _choose_demo(self) -> None:
        if self._busy():
            return
        self.demo_chosen.emit()
        self.accept()

    def _busy(self) -> bool:
        return self.last_op is not None and self.last_op.outcome is None

    def enrol(self) -> BackgroundOp[Path] | None:
        """Enrol the new file with the typed server and code (on a worker, with progress)."""
        if self._busy():
            return None
        text = self.url.text().strip()
        url = QUrl(text)
        if not text or url.scheme() not in {"http", "https"} or not url.host():
            self._refuse(
                self.tr(
                    "Type the server's address starting with https:// (for example"
                    " https://shop.example.com)."
                ),
                self.url,
            )
            return None
        code = self.code.text().strip().upper()
        if not code:
            self._refuse(self.tr("Type the enrolment code the office gave you."), self.code)
            return None
        settings = SyncSettings(server_url=text.rstrip("/"), verify_tls=True)
        path, tokens = self.path, self.tokens
        self.message.setVisible(False)
        self._set_enabled(False)
        op: BackgroundOp[Path] = BackgroundOp(
            self,
            op=lambda job: enrol_new_file(path, settings, code, tokens, job),
            success=self._enrolled,
        )
        op.failure(self._enrol_refused, *REFUSALS)
        op.if_cancelled(self._enrol_cancelled)
        op.after_failure(lambda: self._set_enabled(True))
        op.with_progress(
            self.tr("Enrolling this workstation and loading the shop from the server…"),
            cancellable=True,
        )
        self.last_op = op
        return op.run()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.demo_button, self.url, self.code, self.enrol_button):
            widget.setEnabled(enabled)

    def _enrol_cancelled(self) -> None:
        self._set_enabled(True)
        self._refuse(
            self.tr(
                "Enrolment stopped and the new file was removed. If the server already took"
                " the code, ask the office for a new one."
            ),
            self.code,
        )

    def _enrolled(self, path: Path) -> None:
        self.enrolled.emit(path)
        self.accept()

    def _enrol_refused(self, exc: Exception) -> None:
        log.warning("first enrolment refused: %r", exc)
        self._refuse(self.refusal_sentence(exc), self.code)

    def refusal_sentence(self, exc: BaseException) -> str:
        if isinstance(exc, BadEnrolmentCode):
            return self.tr(
                "The enrolment code was not accepted: it is wrong, already used or expired."
                " Ask the office for a new code."
            )
        if isinstance(exc, Retryable):
            return self.tr(
                "The server at {url} could not be reached. Check the address and the network,"
                " then try again."
            ).format(url=self.url.text().strip())
        if isinstance(exc, UpgradeRequired):
            return self.tr("The server needs a newer version of this app. Update it, then enrol.")
        if isinstance(exc, TokenStoreUnavailable):
            return self.tr(
                "The system keyring is not available, so this workstation's key cannot be kept."
                " Unlock or install a keyring, then try again."
            )
        return self.tr("The server refused this workstation. Ask the office for a new code.")

    def _refuse(self, text: str, focus: QLineEdit) -> None:
        self.message.setText(text)
        self.message.setVisible(True)
        focus.setFocus()
        focus.selectAll()
        self.problem.emit(text)
