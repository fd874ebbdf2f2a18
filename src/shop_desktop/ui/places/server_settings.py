"""Settings → Server: where the central server is, and enrolling this workstation with it.

Managers only: enrolling replaces this workstation's identity (a new device
id and invoice series) and turning TLS verification off lets anyone on the
network pose as the server, so neither is a cashier's decision. Everything
that talks to the server, the keyring or the database runs on a worker;
enrolment also loads the server's catalog, which can take a while, so it
shows a progress window that can be cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_desktop.data.models import Role
from shop_desktop.services.sync.credentials import (
    KeyringTokenStore,
    TokenStore,
    TokenStoreUnavailable,
)
from shop_desktop.services.sync.engine import (
    read_enrolment,
    save_sync_settings,
)
from shop_desktop.services.sync.protocol import ServerAnswerInvalid
from shop_desktop.services.sync.server_state import ServerState, read_server_state
from shop_desktop.services.sync.state import SyncSettings
from shop_desktop.services.sync.transport import (
    INVALID_ANSWER,
    RATE_LIMITED,
    SERVER_BUSY,
    SERVER_ERROR,
    TLS_FAILED,
    BadEnrolmentCode,
    DeviceCloned,
    DeviceRevoked,
    Retryable,
    SyncFailure,
    UpgradeRequired,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.i18n import say
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.wording import sync_problem
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})

#: What an enrolment can be refused with; the server's or the network's answer, not a bug.
ENROL_REFUSALS: tuple[type[Exception], ...] = (
    BadEnrolmentCode,
    Retryable,
    ServerAnswerInvalid,
    UpgradeRequired,
    DeviceRevoked,
    DeviceCloned,
    TokenStoreUnavailable,
    SyncFailure,
)
_RED = "#b3261e"
_GREEN = "#0d652d"


@dataclass(frozen=True)
class FirstEnrolment:
    """A first enrolment made a new database file for the server's shop."""

    path: Path


class TlsWarning(QMessageBox):
    """ "Are you sure?" before TLS verification is turned off, saying why it is dangerous."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Turn off certificate checks?"))
        self.setText(
            self.tr(
                "Without certificate checks, anyone on the network can pretend to be the"
                " server: they could read this workstation's sales and its key, and send it"
                " false prices. Only turn this off for a test server. If your server uses its"
                " own certificate authority, choose its CA file instead."
            )
        )
        self.turn_off = self.addButton(
            self.tr("Turn checks off"), QMessageBox.ButtonRole.AcceptRole
        )
        self.keep = self.addButton(self.tr("Keep checks on"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep)

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool:
        box = cls(parent)
        box.exec()
        return box.clickedButton() is box.turn_off


class ServerSettings(QGroupBox):
    """Server address, TLS, enrolment, and what this workstation is to the server."""

    #: A :class:`ServerState` after it was read (tests wait on it).
    state_loaded = Signal(object)
    #: After a successful enrolment.
    enrolled = Signal()
    #: A first enrolment made the shop's own database file (its path): the
    #: app moves to it at the next log-out.
    shop_database_ready = Signal(object)
    #: A failure sentence shown to the manager (tests read it).
    problem = Signal(str)

    def __init__(
        self,
        context: ShopContext,
        controller: SyncController | None = None,
        parent: QWidget | None = None,
        tokens: TokenStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverSettings")
        self.context = context
        self.controller: SyncController | None = None
        self.tokens: TokenStore = tokens or KeyringTokenStore()
        self.may_edit = context.staff.role in MANAGERS
        self.state: ServerState | None = None
        self.last_op: BackgroundOp[Any] | None = None
        self._build()
        if controller is not None:
            self.set_controller(controller)
        self.retranslate()
        self.load()

    def set_controller(self, controller: SyncController) -> None:
        """Follow and drive the app's sync controller (the main window owns it)."""
        self.controller = controller
        # A bound slot, not a lambda: Qt drops it when this page is deleted.
        controller.status_changed.connect(self._on_status_changed)
        self._show_state_line()

    # --- building ---------------------------------------------------------------

    def _build(self) -> None:
        self.url = QLineEdit()
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://shop.example.com")
        self.verify_tls = QCheckBox()
        self.verify_tls.setObjectName("verifyTls")
        self.verify_tls.setChecked(True)
        self.verify_tls.toggled.connect(self._tls_toggled)
        self.ca_file = QLineEdit()
        self.ca_file.setObjectName("caFile")
        self.choose_ca = QPushButton()
        self.choose_ca.clicked.connect(self._choose_ca_file)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveServer")
        self.save_button.clicked.connect(self.save)
        self.code = QLineEdit()
        self.code.setObjectName("enrolmentCode")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX")
        self.enrol_button = QPushButton()
        self.enrol_button.setObjectName("enrol")
        self.enrol_button.clicked.connect(self.enrol)
        self.code.returnPressed.connect(self.enrol)
        self.message = QLabel()
        self.message.setObjectName("serverMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.values: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        self._lay_out()
        self._allow_editing(self.may_edit)

    def _lay_out(self) -> None:
        # Each layout is attached before it is filled (see places/base.py on why).
        layout = QVBoxLayout(self)
        self.manager_note = QLabel()
        self.manager_note.setWordWrap(True)
        self.manager_note.setVisible(not self.may_edit)
        layout.addWidget(self.manager_note)
        form = QFormLayout()
        layout.addLayout(form)
        form.setHorizontalSpacing(24)
        ca_row = QHBoxLayout()
        save_row = QHBoxLayout()
        code_row = QHBoxLayout()
        self._url_label = QLabel()
        self._url_label.setBuddy(self.url)
        self._ca_label = QLabel()
        self._code_label = QLabel()
        self._code_label.setBuddy(self.code)
        form.addRow(self._url_label, self.url)
        form.addRow("", self.verify_tls)
        form.addRow(self._ca_label, ca_row)
        form.addRow("", save_row)
        form.addRow(self._code_label, code_row)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.choose_ca)
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.enrol_button)
        for key in ("state", "device", "branch", "workstation", "invoice_prefix"):
            name = QLabel()
            value = QLabel("…")
            value.setObjectName(f"server_{key}")
            value.setWordWrap(True)
            self.names[key] = name
            self.values[key] = value
            form.addRow(name, value)
        self.log_button = QPushButton()
        self.log_button.setObjectName("syncLog")
        self.log_button.clicked.connect(self.open_log)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        layout.addLayout(buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.log_button)

    def _allow_editing(self, allowed: bool) -> None:
        for widget in (self.url, self.ca_file, self.code):
            widget.setReadOnly(not allowed)
        for control in (
            self.verify_tls,
            self.choose_ca,
            self.save_button,
            self.enrol_button,
            self.log_button,
        ):
            control.setEnabled(allowed)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Server"))
        self._url_label.setText(self.tr("Server &address"))
        self.verify_tls.setText(self.tr("Check the server's certificate (TLS)"))
        self._ca_label.setText(self.tr("CA file (own certificate authority)"))
        self.ca_file.setPlaceholderText(self.tr("Empty: the system's certificate authorities"))
        self.choose_ca.setText(self.tr("Choose…"))
        self.save_button.setText(self.tr("Save server settings"))
        self._code_label.setText(self.tr("Enrolment &code"))
        self.enrol_button.setText(self.tr("Enrol"))
        self.log_button.setText(self.tr("Sync log…"))
        self.manager_note.setText(self.tr("Only a manager can change the server settings."))
        names = {
            "state": self.tr("Sync"),
            "device": self.tr("Device ID"),
            "branch": self.tr("Branch"),
            "workstation": self.tr("Workstation"),
            "invoice_prefix": self.tr("Invoice series"),
        }
        for key, label in self.names.items():
            label.setText(names[key])
        if self.state is not None:
            self._show_state(self.state)

    # --- reading and saving ---------------------------------------------------

    def load(self) -> BackgroundOp[ServerState]:
        database = self.context.database

        def read(_job: Job) -> ServerState:
            return read_server_state(database)

        op: BackgroundOp[ServerState] = BackgroundOp(self, op=read, success=self._show_state)
        self.last_op = op
        return op.run()

    def _show_state(self, state: ServerState) -> None:
        self.state = state
        if not self.url.text():
            self.url.setText(state.settings.server_url)
        self.ca_file.setText(self.ca_file.text() or (state.settings.ca_file or ""))
        self.verify_tls.blockSignals(True)
        self.verify_tls.setChecked(state.settings.verify_tls)
        self.verify_tls.blockSignals(False)
        not_enrolled = self.tr("(not enrolled)")
        self.values["device"].setText(state.device_id or not_enrolled)
        self.values["branch"].setText(state.branch or not_enrolled)
        self.values["workstation"].setText(state.workstation or not_enrolled)
        self.values["invoice_prefix"].setText(state.invoice_prefix or not_enrolled)
        self._show_state_line()
        self.state_loaded.emit(state)

    def _on_status_changed(self, _status: object) -> None:
        self._show_state_line()

    def _show_state_line(self) -> None:
        if self.controller is None:
            enrolled = self.state is not None and self.state.enrolled
            self.values["state"].setText(
                self.tr("Enrolled") if enrolled else self.tr("Not connected to a server")
            )
            return
        status = self.controller.status
        sentences = {
            "not_enrolled": self.tr("Not connected to a server"),
            "idle": self.tr("Online") if status.online else self.tr("Offline"),
            "syncing": self.tr("Syncing…"),
            "offline": self.tr("Offline"),
            "revoked": self.tr(
                "This workstation's access was revoked. Enrol it again with a new code."
            ),
            "cloned": self.tr(
                "This database was copied from another workstation. Enrol it again with a"
                " new code; nothing waiting is lost."
            ),
            "upgrade_required": self.tr("Update the app to receive catalog changes."),
        }
        line = sentences.get(status.state) or self.tr("Unknown")
        if status.error_code and status.error_code != status.state:
            # Worded from the code: ``last_error`` is English, for the log only.
            line = f"{line}\n{sync_problem(status.error_code)}"
        self.values["state"].setText(line)

    def settings(self) -> SyncSettings | None:
        """The settings as typed, or ``None`` (and a sentence) when the address is not one."""
        text = self.url.text().strip()
        url = QUrl(text)
        if not text or url.scheme() not in {"http", "https"} or not url.host():
            self._tell(
                lambda: self.tr(
                    "Type the server's address starting with https:// (for example"
                    " https://shop.example.com)."
                ),
                ok=False,
            )
            return None
        ca_file = self.ca_file.text().strip() or None
        return SyncSettings(
            server_url=text.rstrip("/"), verify_tls=self.verify_tls.isChecked(), ca_file=ca_file
        )

    def save(self) -> BackgroundOp[None] | None:
        if not self.may_edit:
            return None
        settings = self.settings()
        if settings is None:
            return None
        database = self.context.database

        def write(_job: Job) -> None:
            save_sync_settings(database, settings)

        op: BackgroundOp[None] = BackgroundOp(self, op=write, success=self._saved)
        self.last_op = op
        return op.run()

    def _saved(self, _none: None) -> None:
        self._tell(lambda: self.tr("Server settings saved."), ok=True)
        if self.controller is not None:
            self.controller.engine_changed()

    # --- TLS --------------------------------------------------------------------

    def _tls_toggled(self, checked: bool) -> None:
        if checked or not self.may_edit:
            return
        if not TlsWarning.ask(self):
            self.verify_tls.blockSignals(True)
            self.verify_tls.setChecked(True)
            self.verify_tls.blockSignals(False)

    def _choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the CA file"),
            self.ca_file.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_file.setText(path)

    # --- enrolling --------------------------------------------------------------

    def enrol(self) -> BackgroundOp[Any] | None:
        """Enrol with the typed code: a new device id and invoice series, then the catalog."""
        if not self.may_edit or (self.last_op is not None and self.last_op.outcome is None):
            return None
        settings = self.settings()
        if settings is None:
            return None
        code = self.code.text().strip().upper()
        if not code:
            self._tell(lambda: self.tr("Type the enrolment code the office gave you."), ok=False)
            return None
        database = self.context.database
        tokens = self.tokens
        device_name = self.context.staff.workstation_code

        def run(job: Job) -> Any:
            from shop_desktop.services.sync.enrol import (
                enrol,
                enrol_database,
                new_shop_database_path,
            )

            if read_enrolment(database) is None:
                # The first enrolment: the server's shop goes into a new file
                # (see new_shop_database_path); the demo shop stays as it was.
                target = new_shop_database_path(database.path)
                enrol(
                    target,
                    settings,
                    code,
                    tokens,
                    device_name=device_name,
                    cancelled=job.state.is_cancel_requested,
                )
                return FirstEnrolment(target)
            save_sync_settings(database, settings)
            return enrol_database(
                database,
                settings,
                code,
                tokens,
                device_name=device_name,
                cancelled=job.state.is_cancel_requested,
            )

        if self.controller is not None:
            self.controller.stop()
        self.enrol_button.setEnabled(False)
        self.message.setVisible(False)
        op: BackgroundOp[Any] = BackgroundOp(self, op=run, success=self._enrolled)
        op.failure(self._enrol_refused, *ENROL_REFUSALS)
        op.after_failure(self._enrol_stopped)
        op.if_cancelled(self._enrol_cancelled)
        op.with_progress(
            self.tr("Enrolling this workstation and loading the catalog from the server…"),
            cancellable=True,
        )
        op.finished.connect(self._enrol_ended)
        self.last_op = op
        return op.run()

    def _enrolled(self, result: object) -> None:
        self.code.clear()
        if isinstance(result, FirstEnrolment):
            self.context.preferences.database_path = result.path
            self._tell(
                lambda: self.tr(
                    "This workstation is enrolled and the server's shop is in a new database:"
                    " {path}. Log out to start working on it (staff log in with the server's"
                    " accounts); the demo shop is kept as it was."
                ).format(path=str(result.path)),
                ok=True,
            )
            self.enrolled.emit()
            self.shop_database_ready.emit(result.path)
            return
        self._tell(
            lambda: self.tr("This workstation is enrolled and has the server's catalog."), ok=True
        )
        self.enrolled.emit()
        if self.controller is not None:
            self.controller.engine_changed()
            self.controller.start()
        self.context.notify_changed(frozenset({"catalog", "members", "staff"}))
        self.load()

    def _enrol_refused(self, exc: Exception) -> None:
        log.warning("enrolment failed: %r", exc)
        self._tell(lambda: self.enrol_failure_sentence(exc), ok=False)

    def _enrol_stopped(self) -> None:
        # Whatever stopped the enrolment, the workstation syncs on as before.
        if self.controller is not None:
            self.controller.start()

    def _enrol_cancelled(self) -> None:
        # Only loading the catalog can be stopped; by then the server has
        # enrolled this workstation, and the next sync loads the rest.
        self._tell(
            lambda: self.tr(
                "Loading the catalog was stopped. This workstation is enrolled; the catalog"
                " is loaded by the next sync."
            ),
            ok=False,
        )
        self.load()
        if self.controller is not None:
            self.controller.start()

    def _enrol_ended(self) -> None:
        self.enrol_button.setEnabled(self.may_edit)

    def enrol_failure_sentence(self, exc: BaseException) -> str:
        """What went wrong (one of :data:`ENROL_REFUSALS`) in a manager's words."""
        if isinstance(exc, BadEnrolmentCode):
            return self.tr(
                "The enrolment code was not accepted: it is wrong, already used or expired."
                " Ask the office for a new code."
            )
        if isinstance(exc, Retryable):
            return self._unreachable_sentence(exc)
        if isinstance(exc, ServerAnswerInvalid):
            return self._garbage_sentence()
        if isinstance(exc, UpgradeRequired):
            return self.tr("The server needs a newer version of this app. Update it, then enrol.")
        if isinstance(exc, DeviceRevoked | DeviceCloned):
            return self.tr("The server refused this workstation. Ask the office for a new code.")
        if isinstance(exc, TokenStoreUnavailable):
            return self.tr(
                "The system keyring cannot be used, so this workstation's key cannot be kept."
                " Unlock or set up the keyring, then enrol again."
            )
        return self.tr(
            "The server refused the enrolment. The details were written to the sync log."
        )

    def _unreachable_sentence(self, exc: Retryable) -> str:
        cause = exc.__cause__
        if isinstance(cause, requests.exceptions.SSLError) or exc.code == TLS_FAILED:
            return self.tr(
                "The server's certificate could not be verified, so nothing was sent. Check"
                " the address, or choose the CA file of your own certificate authority."
            )
        if isinstance(cause, ServerAnswerInvalid) or exc.code == INVALID_ANSWER:
            return self._garbage_sentence()
        if exc.code in {SERVER_ERROR, SERVER_BUSY, RATE_LIMITED}:
            return self.tr(
                "The server is having trouble right now and did not enrol this workstation."
                " Try again in a few minutes."
            )
        return self.tr(
            "The server cannot be reached at {url}. Check the address and the network, then"
            " try again."
        ).format(url=self.url.text().strip())

    def _garbage_sentence(self) -> str:
        return self.tr(
            "Something answered at this address, but not like a Shop Desktop server. Check"
            " the address."
        )

    # --- the rest -----------------------------------------------------------------

    def open_log(self) -> None:
        from shop_desktop.ui.sync.log_dialog import SyncLogDialog

        self.log_dialog = SyncLogDialog.open_for(self.context, self.controller, self)

    def _tell(self, sentence: Callable[[], str], *, ok: bool) -> None:
        """Say ``sentence()`` under the form (and again in the new language after a switch)."""
        say(self.message, sentence)
        self.message.setStyleSheet(f"color: {_GREEN if ok else _RED};")
        self.message.setVisible(True)
        if not ok:
            self.problem.emit(self.message.text())
