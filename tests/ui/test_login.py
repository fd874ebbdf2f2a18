"""The log-in dialog, driven by keyboard as at the counter."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import AuditEntry, StaffUser
from shop_desktop.services.passwords import hash_password
from shop_desktop.ui import i18n
from shop_desktop.ui.login import LoginDialog

WAIT_MS = 20_000


def open_dialog(qtbot: QtBot, database: Database) -> LoginDialog:
    dialog = LoginDialog(database)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.workstation_loaded, timeout=WAIT_MS):
        dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def try_to_log_in(qtbot: QtBot, dialog: LoginDialog, user: str, password: str) -> str:
    QTest.keyClicks(dialog.username, user)
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.password, password)
    with qtbot.waitSignal(dialog.login_refused, timeout=WAIT_MS) as refused:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    message: str = refused.args[0]
    return message


def test_shows_where_it_logs_in(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    assert dialog.workstation is not None
    text = dialog._where.text()
    assert dialog.workstation.branch_code in text
    assert dialog.workstation.branch_name_en in text
    assert dialog.workstation.workstation_code in text


def test_wrong_password_keeps_the_dialog_and_does_not_say_which(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = open_dialog(qtbot, demo_db)
    message = try_to_log_in(qtbot, dialog, "cashier", "not-the-password")

    assert message == "The user name or password is not correct."
    assert dialog.message.isVisible()
    assert dialog.message.text() == message
    assert dialog.isVisible()
    assert dialog.staff is None
    assert dialog.password.text() == ""
    assert dialog.username.text() == "cashier"

    dialog.username.clear()
    unknown = try_to_log_in(qtbot, dialog, "nobody", "cashier")
    assert unknown == message


def test_refused_attempts_are_kept_in_the_audit_log(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    try_to_log_in(qtbot, dialog, "cashier", "guess")
    with demo_db.session() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "login_failed" in actions


def test_other_branch_is_told_so(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    message = try_to_log_in(qtbot, dialog, "cashier2", "cashier2")
    assert message == (
        "This account belongs to another branch and cannot log in at this workstation."
    )
    assert dialog.isVisible()


def test_empty_fields_ask_for_both(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    with qtbot.waitSignal(dialog.login_refused) as refused:
        QTest.keyClick(dialog.username, Qt.Key.Key_Return)
    assert refused.args == ["Enter your user name and password."]


def test_right_password_logs_in(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    QTest.keyClicks(dialog.username, "manager")
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.password, "manager")
    with qtbot.waitSignal(dialog.staff_logged_in, timeout=WAIT_MS) as logged_in:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    staff = logged_in.args[0]
    assert staff.username == "manager"
    assert dialog.staff == staff
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def _give_up_after(milliseconds: int) -> QTimer:
    """Close a modal dialog the test failed to finish, so the test fails instead of hanging."""

    def give_up() -> None:
        # A bug box may be on top of the log-in dialog: close every dialog.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(give_up)
    timer.start(milliseconds)
    return timer


def test_ask_returns_the_staff_session(qtbot: QtBot, demo_db: Database) -> None:
    guard = _give_up_after(WAIT_MS)

    def type_credentials() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog) or dialog.workstation is None:
            QTimer.singleShot(20, type_credentials)
            return
        dialog.username.setText("supervisor")
        dialog.password.setText("supervisor")
        dialog.password.setFocus()
        dialog.submit()

    QTimer.singleShot(0, type_credentials)
    staff = LoginDialog.ask(None, demo_db)
    guard.stop()
    assert staff is not None
    assert staff.username == "supervisor"


def test_ask_returns_none_when_abandoned(qtbot: QtBot, demo_db: Database) -> None:
    guard = _give_up_after(WAIT_MS)

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, close)
            return
        dialog.reject()

    QTimer.singleShot(0, close)
    assert LoginDialog.ask(None, demo_db) is None
    guard.stop()


def test_language_switch_in_the_dialog_applies_at_once(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    assert dialog.log_in_button.text() == "Log in"
    dialog.language.choose(i18n.ZH_TW)
    qtbot.waitUntil(lambda: dialog.log_in_button.text() == "登入")
    assert dialog.workstation is not None
    assert dialog.workstation.branch_name_zh in dialog._where.text()
    dialog.language.choose(i18n.EN)
    qtbot.waitUntil(lambda: dialog.log_in_button.text() == "Log in")


def test_an_untouched_demo_shop_shows_its_logins(qtbot: QtBot, demo_db: Database) -> None:
    dialog = open_dialog(qtbot, demo_db)
    with qtbot.waitSignal(dialog.demo_checked, timeout=WAIT_MS):
        pass
    assert dialog.demo_hint.isVisible()
    assert "cashier / cashier" in dialog.demo_logins
    assert "manager / manager" in dialog.demo_logins
    assert "manager\u00a0/\u00a0manager" in dialog.demo_hint.text()
    # Only accounts that may log in at this branch are suggested.
    assert "cashier2" not in dialog.demo_hint.text()


def test_a_changed_demo_password_hides_the_hint(qtbot: QtBot, demo_db: Database) -> None:
    with demo_db.session() as session:
        manager = session.scalars(select(StaffUser).where(StaffUser.username == "manager")).one()
        manager.password_hash = hash_password("a real secret")
    dialog = open_dialog(qtbot, demo_db)
    with qtbot.waitSignal(dialog.demo_checked, timeout=WAIT_MS):
        pass
    assert not dialog.demo_hint.isVisible()
    assert dialog.demo_logins == ()


def test_a_database_without_a_workstation_cannot_log_in(
    qtbot: QtBot, migrated_db_path: Path
) -> None:
    database = open_database(migrated_db_path)
    try:
        dialog = open_dialog(qtbot, database)
        where = dialog.findChild(QLabel, "loginWhere")
        assert where is not None
        assert "not set up for a workstation" in where.text()
        assert not dialog.log_in_button.isEnabled()
        assert not [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
        dialog.close()
    finally:
        database.dispose()


def test_a_locked_database_is_shown_in_plain_words_and_log_in_can_be_tried_again(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = open_dialog(qtbot, demo_db)
    # Another program holds the write lock: the attempt's audit entry cannot be written.
    blocker = sqlite3.connect(demo_db.path)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        message = try_to_log_in(qtbot, dialog, "cashier", "cashier")
    finally:
        blocker.rollback()
        blocker.close()

    assert message == "Not logged in. Try again."
    boxes = [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    assert "in use by another program" in boxes[0].text()
    assert str(demo_db.path) in boxes[0].text()
    boxes[0].close()
    assert dialog.log_in_button.isEnabled()
    assert dialog.staff is None

    # Once the other program let go, the same log-in works.
    QTest.keyClicks(dialog.password, "cashier")
    with qtbot.waitSignal(dialog.staff_logged_in, timeout=WAIT_MS):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.staff is not None
