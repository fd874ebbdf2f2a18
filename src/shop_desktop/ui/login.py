"""The log-in dialog: who is working at this till; also the lock screen.

The password (or the person's PIN) is checked on a worker (argon2 takes a
noticeable moment), and a failure never says whether the name or the secret
was wrong. Locked over a session (:attr:`LoginDialog.locked_for`), the same
dialog takes the password or PIN of the same person to go on, or another
cashier's, who then takes over the till; it cannot be closed without one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.db import Database
from shop_desktop.services.auth import (
    LoginFailed,
    StaffSession,
    WorkstationInfo,
    WorkstationNotSetUp,
    demo_logins,
    log_in_or_refusal,
    this_workstation,
)
from shop_desktop.ui.i18n import say
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.places.settings import LanguageChoice
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.tasks import BackgroundOp, Job


class LoginDialog(QDialog):
    """Ask for a user name and password and log the staff member in."""

    #: The :class:`StaffSession` of whoever just logged in.
    staff_logged_in = Signal(object)
    #: The message shown for a refused or failed attempt.
    login_refused = Signal(str)
    #: The branch and workstation were read (or found missing).
    workstation_loaded = Signal()
    #: Whether this is an untouched demo shop is known (see :attr:`demo_logins`).
    demo_checked = Signal()

    def __init__(
        self,
        database: Database,
        *,
        preferences: Preferences | None = None,
        notice: str = "",
        locked_for: StaffSession | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        #: The session the till is locked over, when this is the lock screen.
        self.locked_for = locked_for
        self._database = database
        self._preferences = preferences
        self.staff: StaffSession | None = None
        self.workstation: WorkstationInfo | None = None
        #: "name / password" of demo accounts, when this is an untouched demo shop.
        self.demo_logins: tuple[str, ...] = ()
        #: True once the workstation was read or found missing.
        self.workstation_checked = False
        #: Why the workstation cannot log anyone in, in the language of the moment.
        self._workstation_problem: Callable[[], str] | None = None
        #: False once the database turned out not to be set up for a workstation.
        self._may_log_in = True
        self.verification: BackgroundOp[StaffSession | LoginFailed] | None = None
        self._demo_check: BackgroundOp[tuple[str, ...]] | None = None

        self._heading = QLabel()
        heading_font = QFont(self._heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.5)
        heading_font.setBold(True)
        self._heading.setFont(heading_font)
        self._where = QLabel("…")
        self._where.setObjectName("loginWhere")
        self._where.setWordWrap(True)
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("loginDemoHint")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setVisible(False)
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_messages(notice)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(self._heading)
        layout.addWidget(self._where)
        layout.addSpacing(8)
        layout.addLayout(self._build_credentials())
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        layout.addWidget(self.demo_hint)
        layout.addSpacing(8)
        layout.addLayout(self._build_buttons())
        self.setMinimumWidth(520)

        # Enter anywhere presses the default Log in button (see submit).
        self.username.setFocus()
        if locked_for is not None:
            self._lock_over(locked_for)
        self.retranslate()
        self._load_workstation()

    def _build_messages(self, notice: str) -> None:
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.notice = QLabel(notice)
        self.notice.setObjectName("loginNotice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(notice))
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _lock_over(self, staff: StaffSession) -> None:
        self.setObjectName("lockScreen")
        self.username.setText(staff.username)
        self._quit_button.setVisible(False)
        self.password.setFocus()

    def _build_credentials(self) -> QFormLayout:
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self._username_label = QLabel()
        self._username_label.setBuddy(self.username)
        self._password_label = QLabel()
        self._password_label.setBuddy(self.password)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)
        form.addRow(self._username_label, self.username)
        form.addRow(self._password_label, self.password)
        return form

    def _build_buttons(self) -> QHBoxLayout:
        self.language = LanguageChoice()
        self.language.language_chosen.connect(self._remember_language)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language)
        self.log_in_button = QPushButton()
        self.log_in_button.setDefault(True)
        self.log_in_button.clicked.connect(self.submit)
        self._quit_button = QPushButton()
        self._quit_button.setAutoDefault(False)
        self._quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self._language_label)
        buttons.addWidget(self.language)
        buttons.addStretch(1)
        buttons.addWidget(self._quit_button)
        buttons.addWidget(self.log_in_button)
        return buttons

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        database: Database,
        preferences: Preferences | None = None,
    ) -> StaffSession | None:
        """Show the dialog modally; the staff session, or None if abandoned."""
        dialog = cls(database, preferences=preferences, parent=parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.staff
            return None
        finally:
            dialog.deleteLater()

    # --- texts ------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Log in — Shop Desktop"))
        self._heading.setText(self.tr("Log in"))
        self._username_label.setText(self.tr("&User name"))
        self._password_label.setText(self.tr("&Password or PIN"))
        self._language_label.setText(self.tr("Language"))
        self.log_in_button.setText(self.tr("Log in"))
        self._quit_button.setText(self.tr("Quit"))
        if self.locked_for is not None:
            self.setWindowTitle(self.tr("Locked — Shop Desktop"))
            self._heading.setText(self.tr("The till is locked"))
            self.log_in_button.setText(self.tr("Unlock"))
            self.notice.setText(
                self.tr(
                    "{name}'s carts stay as they are. {name}: enter your password or PIN to go"
                    " on. Another cashier: enter your own name; {name}'s carts are then parked."
                ).format(name=self.locked_for.display_name)
            )
            self.notice.setVisible(True)
        self._show_where()

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_where(self) -> None:
        where = self.workstation
        if where is not None:
            self._where.setText(
                self.tr("Branch {branch} ({code}) · Workstation {workstation}").format(
                    branch=in_current_language(where.branch_name_zh, where.branch_name_en),
                    code=where.branch_code,
                    workstation=where.workstation_code,
                )
            )
        elif self._workstation_problem is not None:
            self._where.setText(self._workstation_problem())
        self.demo_hint.setVisible(bool(self.demo_logins))
        if self.demo_logins:
            self.demo_hint.setText(
                self.tr("Demo shop: log in as {logins}.").format(
                    # A name and its password never break across lines.
                    logins=" · ".join(login.replace(" ", "\u00a0") for login in self.demo_logins)
                )
            )
        self._fit()

    def _fit(self) -> None:
        # Grow when a message or hint appears rather than squeeze the fields.
        if self.isVisible():
            self.adjustSize()

    def _show_message(self, text: Callable[[], str] | None, *, refused: bool = False) -> None:
        """Say ``text()`` (again in the new language after a switch); ``None`` says nothing."""
        say(self.message, text)
        self.message.setVisible(text is not None)
        self._fit()
        # The style sheet colours refusals; re-polish so the change shows.
        self.message.setProperty("refused", refused)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # --- the workstation --------------------------------------------------

    def _load_workstation(self) -> None:
        BackgroundOp(
            self,
            op=lambda job: this_workstation(job.session),
            success=self._workstation_read,
            database=self._database,
        ).failure(self._not_set_up, WorkstationNotSetUp).after_failure(
            self._workstation_unknown
        ).run()

    def _workstation_read(self, where: WorkstationInfo) -> None:
        self.workstation = where
        self._show_where()
        self.workstation_checked = True
        self.workstation_loaded.emit()
        if not self.isVisible():
            return  # already answered; nobody will read a hint
        branch_code = where.branch_code
        self._demo_check = BackgroundOp(
            self,
            op=lambda job: demo_logins(job.session, branch_code, job.state),
            success=self._demo_checked,
            database=self._database,
        ).run()

    def _demo_checked(self, logins: tuple[str, ...]) -> None:
        self.demo_logins = logins
        self._show_where()
        self.demo_checked.emit()

    @override
    def reject(self) -> None:
        # A locked till opens only to a password or PIN: Esc and the close button do nothing.
        if self.locked_for is None:
            super().reject()

    @override
    def done(self, result: int) -> None:
        # Nobody will read the hint once the dialog is gone.
        if self._demo_check is not None:
            self._demo_check.cancel()
        super().done(result)

    def _not_set_up(self, _refused: WorkstationNotSetUp) -> None:
        self._workstation_problem = lambda: self.tr(
            "This database is not set up for a workstation yet. "
            "Ask an administrator to enrol this workstation."
        )
        self._may_log_in = False
        self.log_in_button.setEnabled(False)

    def _workstation_unknown(self) -> None:
        # Not set up (said above), or a storage problem or bug the helper showed.
        if self._workstation_problem is None:
            self._workstation_problem = lambda: self.tr("The workstation could not be read.")
        self._show_where()
        self.workstation_checked = True
        self.workstation_loaded.emit()

    # --- logging in -------------------------------------------------------

    def submit(self) -> None:
        """Check the name and password; Enter after the name moves on to the password."""
        if not self.log_in_button.isEnabled():
            return
        username = self.username.text().strip()
        password = self.password.text()
        if username and not password and not self.password.hasFocus():
            self.password.setFocus()
            return
        if not username or not password:
            self._refuse(lambda: self.tr("Enter your user name and password."))
            return
        self._set_busy(True)
        self._show_message(lambda: self.tr("Checking…"))

        locked = self.locked_for
        action = "unlock" if locked is not None and locked.username == username else "login"

        def verify(job: Job) -> StaffSession | LoginFailed:
            return log_in_or_refusal(job.session, username, password, action=action)

        self.verification = (
            BackgroundOp(self, op=verify, success=self._verified, database=self._database)
            .failure(self._not_set_up, WorkstationNotSetUp)
            .after_failure(self._verification_stopped)
            .run()
        )

    def _set_busy(self, busy: bool) -> None:
        self.log_in_button.setEnabled(not busy and self._may_log_in)
        self.username.setEnabled(not busy)
        self.password.setEnabled(not busy)

    def _verified(self, answer: StaffSession | LoginFailed) -> None:
        self._set_busy(False)
        if isinstance(answer, LoginFailed):
            self._refuse(lambda: self._refusal_text(answer))
            return
        self.staff = answer
        self._show_message(None)
        self.password.clear()
        self.staff_logged_in.emit(answer)
        self.accept()

    def _verification_stopped(self) -> None:
        self._set_busy(False)
        if self._may_log_in:
            # The helper showed what went wrong; once it is solved, trying again works.
            self._refuse(lambda: self.tr("Not logged in. Try again."))
        else:
            self._workstation_unknown()
            if self._workstation_problem is not None:
                self._refuse(self._workstation_problem)

    def _refusal_text(self, refused: LoginFailed) -> str:
        reason = refused.reason
        if reason == "locked" and refused.locked_until is not None:
            until = refused.locked_until.astimezone()
            return self.tr(
                "Too many wrong attempts: this account is locked until {time}. Try again then,"
                " or ask a manager."
            ).format(time=f"{until:%H:%M:%S}")
        if reason == "inactive":
            return self.tr("This account is disabled. Ask a manager to enable it.")
        if reason == "branch":
            return self.tr(
                "This account belongs to another branch and cannot log in at this workstation."
            )
        return self.tr("The user name or password is not correct.")

    def _refuse(self, text: Callable[[], str]) -> None:
        self._show_message(text, refused=True)
        self.password.clear()
        if self.username.text().strip():
            self.password.setFocus()
        else:
            self.username.setFocus()
        self.login_refused.emit(self.message.text())

    def _remember_language(self, code: str) -> None:
        if self._preferences is not None:
            self._preferences.language = code
