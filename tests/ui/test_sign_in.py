"""Quick sign-in at a shared till, on the whole client over a real demo database.

A cashier sets a PIN from the Shop menu, the till locks when left alone (the cart
stays) and opens to that PIN; another cashier takes over at the lock screen, which
parks the first one's carts; five wrong passwords lock the account. Keys are real
key events on the focused widget. Neither the password nor the PIN is ever in the
log file or the outbox.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.test_leaving_parks_carts import LABEL, audit_actions, parked_rows
from tests.ui.test_register import add, products
from tests.ui.test_startup import log_in_by_typing, wait_for_login
from tests.ui.test_till_recovery import register_of, reopened, tabs

from shop_desktop.data.db import Database
from shop_desktop.services.auth import FAILURES_BEFORE_LOCKOUT
from shop_desktop.services.passwords import hash_password
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.login import LoginDialog
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.sign_in import PinDialog

if TYPE_CHECKING:
    from tests.ui.conftest import StaffContext

WAIT_MS = 60_000
StartShop = Callable[..., ShopDesktop]
PIN = "582931"
PASSWORD = "Tr1cky-Pass-905"
WRONG = "Wr0ng-Secret-771"


def focused(window: QWidget) -> QWidget:
    return QApplication.focusWidget() or window


def type_secret(qtbot: QtBot, screen: LoginDialog, secret: str) -> None:
    """Type into the password field (focused, as the screen opens) and press Enter."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.password, timeout=WAIT_MS)
    QTest.keyClicks(screen.password, secret)
    QTest.keyClick(screen.password, Qt.Key.Key_Return)


def set_pin_by_keys(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    dialog = window.set_my_pin()
    assert isinstance(dialog, PinDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.edit, timeout=WAIT_MS)
    QTest.keyClicks(dialog.edit, pin)
    QTest.keyClick(dialog.edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.again
    QTest.keyClicks(dialog.again, pin)
    with qtbot.waitSignal(dialog.pin_saved, timeout=WAIT_MS):
        QTest.keyClick(dialog.again, Qt.Key.Key_Return)


def test_idle_till_locks_keeps_the_cart_and_opens_to_the_same_persons_pin(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, demo_db: Database, tmp_path: Path
) -> None:
    (item,) = products(demo_db, 1)
    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE staff_users SET password_hash = ? WHERE username = 'admin'",
            (hash_password(PASSWORD),),
        )
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    Preferences(data_dir).lock_after_seconds = 3600
    desktop = start_shop(db=demo_db_path, data_dir=data_dir)
    window = log_in_by_typing(qtbot, desktop, "admin", PASSWORD)
    assert window.idle_watch.seconds == 3600  # the till's setting
    register = reopened(qtbot, register_of(window))
    # A PIN that is too easy is refused in words; a good one is stored.
    dialog = window.set_my_pin()
    QTest.keyClicks(dialog.edit, "1234")
    QTest.keyClick(dialog.edit, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.again, "1234")
    QTest.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.message.isVisibleTo(dialog)
    assert "easy to guess" in dialog.message.text()
    dialog.reject()
    set_pin_by_keys(qtbot, window, PIN)
    add(qtbot, register, item)
    before = tabs(register)
    window.idle_watch.set_seconds(1)

    # Left alone, the till locks over the session; the cart stays.
    qtbot.waitUntil(lambda: window.lock_screen is not None, timeout=WAIT_MS)
    screen = window.lock_screen
    assert screen is not None
    qtbot.waitExposed(screen)
    assert screen.username.text() == "admin"
    # Esc does not get past it.
    QTest.keyClick(focused(screen), Qt.Key.Key_Escape)
    assert screen.isVisible()
    with qtbot.waitSignal(screen.login_refused, timeout=WAIT_MS):
        type_secret(qtbot, screen, WRONG)
    assert window.lock_screen is screen
    with qtbot.waitSignal(window.unlocked, timeout=WAIT_MS):
        type_secret(qtbot, screen, PIN)
    assert window.lock_screen is None
    assert desktop.main_window is window
    assert tabs(register) == before
    window.idle_watch.set_seconds(0)  # no second lock while the test goes on
    # The keys go back to the till.
    qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()), timeout=WAIT_MS)

    actions = [(action, who) for action, who, _ in audit_actions(demo_db_path)]
    assert ("pin_set", "admin") in actions
    assert ("till_locked", "admin") in actions
    assert actions.index(("till_locked", "admin")) < actions.index(("unlock", "admin"))
    assert ("login_failed", "admin") in actions

    # Quit, so the log is complete: neither secret is in it, nor in the outbox.
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS):
        QTest.keyClick(focused(window), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    log_text = (data_dir / "logs" / "shop-desktop.log").read_text(encoding="utf-8")
    assert "admin logged in" in log_text  # the log was written to
    conn = sqlite3.connect(demo_db_path)
    try:
        outbox = " ".join(str(p) for (p,) in conn.execute("SELECT payload FROM outbox"))
        audit = " ".join(str(d) for (d,) in conn.execute("SELECT details FROM audit_log"))
    finally:
        conn.close()
    assert outbox  # the cart parked at quitting went to the outbox
    for secret in (PIN, WRONG, PASSWORD):
        assert secret not in log_text
        assert secret not in outbox
        assert secret not in audit


def test_another_cashier_takes_over_at_the_lock_screen_and_the_first_ones_carts_are_parked(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, demo_db: Database
) -> None:
    (item,) = products(demo_db, 1)
    desktop = start_shop(db=demo_db_path)
    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    register = reopened(qtbot, register_of(window))
    add(qtbot, register, item)
    (cart_id,) = [cart_id for cart_id, lines in tabs(register) if lines]
    name = window.context.staff.display_name

    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        QTest.keyClick(focused(window), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = window.lock_screen
    assert screen is not None
    qtbot.waitExposed(screen)
    assert name in screen.notice.text()
    # The supervisor types their own name over the locked cashier's, then their password.
    screen.username.setFocus()
    screen.username.selectAll()
    QTest.keyClicks(screen.username, "supervisor")
    QTest.keyClick(screen.username, Qt.Key.Key_Return)
    with qtbot.waitSignal(desktop.main_window_shown, timeout=WAIT_MS) as shown:
        type_secret(qtbot, screen, "supervisor")
    new_window = shown.args[0]
    assert isinstance(new_window, MainWindow)
    assert new_window.context.staff.username == "supervisor"
    other = reopened(qtbot, register_of(new_window))
    assert [lines for _, lines in tabs(other)] == [[]]
    # The cashier's cart was parked under their name and the time, and the newcomer told.
    ((parked_id, label, lines, who),) = parked_rows(demo_db_path)
    assert (parked_id, lines, who) == (cart_id, 1, "cashier")
    found = LABEL.match(label)
    assert found is not None
    assert found["name"] == name
    assert label in new_window.statusBar().currentMessage()
    actions = [(action, who, details) for action, who, details in audit_actions(demo_db_path)]
    # The supervisor's sign-in is checked first; the cashier's carts are parked once it passed.
    said = [(action, who) for action, who, _ in actions]
    assert said.index(("login", "supervisor")) < said.index(("switch", "cashier"))
    assert ("switch", "cashier", {"parked_carts": 1}) in actions


def test_five_wrong_passwords_lock_the_account_and_say_until_when(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path
) -> None:
    desktop = start_shop(db=demo_db_path)
    dialog = wait_for_login(qtbot, desktop)
    QTest.keyClicks(dialog.username, "cashier")
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)
    messages = []
    for _ in range(FAILURES_BEFORE_LOCKOUT + 1):
        qtbot.waitUntil(dialog.password.isEnabled, timeout=WAIT_MS)
        QTest.keyClicks(dialog.password, WRONG)
        with qtbot.waitSignal(dialog.login_refused, timeout=WAIT_MS) as refused:
            QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        messages.append(refused.args[0])
    assert messages[0] == "The user name or password is not correct."
    assert messages[FAILURES_BEFORE_LOCKOUT - 2] == messages[0]
    assert messages[FAILURES_BEFORE_LOCKOUT - 1].startswith("Too many wrong attempts")
    # Locked: the right password is refused too, with the same words.
    qtbot.waitUntil(dialog.password.isEnabled, timeout=WAIT_MS)
    QTest.keyClicks(dialog.password, "cashier")
    with qtbot.waitSignal(dialog.login_refused, timeout=WAIT_MS) as refused:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert refused.args[0].startswith("Too many wrong attempts")
    assert desktop.main_window is None


def test_a_manager_sets_the_idle_time_in_settings_and_it_applies_at_once(
    qtbot: QtBot, staff_context: StaffContext
) -> None:
    for user, may in (("cashier", False), ("manager", True)):
        context = staff_context(user)
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        settings = window.place(SettingsPlace.key)
        assert isinstance(settings, SettingsPlace)
        spin = settings.idle_lock.minutes
        assert spin.isEnabled() is may
        assert spin.value() == 5  # the default: five minutes
        if not may:
            assert settings.idle_lock.note.text() == "Only a manager can change this."
            window.close()
            continue
        window.show_place(SettingsPlace.key)
        spin.setFocus()
        spin.selectAll()
        QTest.keyClicks(spin, "12")
        assert context.preferences.lock_after_seconds == 12 * 60
        assert window.idle_watch.seconds == 12 * 60
        QTest.keyClick(spin, Qt.Key.Key_PageDown)  # ten minutes less, then the least: never
        QTest.keyClick(spin, Qt.Key.Key_PageDown)
        assert spin.text() == "Never"
        assert not window.idle_watch.running
        window.close()
