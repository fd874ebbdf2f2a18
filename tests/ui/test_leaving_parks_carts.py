"""Nothing is lost when a cashier leaves: log-out, quit and a switch at the lock screen park
every open cart under the cashier's name and the time, and the next log-in is told.

The whole client runs on a real demo database; keys are real key events on the
focused widget (Ctrl+Shift+L, typing the password, F11, Enter); what reached the
disk is read back with this test's own SQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.test_register import add, products
from tests.ui.test_startup import log_in_by_typing, wait_for_login
from tests.ui.test_till_recovery import register_of, reopened, saved, tabs

from shop_desktop.data.db import Database
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.dialogs import RecallDialog

if TYPE_CHECKING:
    from tests.ui.conftest import Dialogs

WAIT_MS = 60_000
StartShop = Callable[..., ShopDesktop]
#: "王小明 14:32": the cashier's name, then the time.
LABEL = re.compile(r"^(?P<name>.+) (?P<time>[0-2][0-9]:[0-5][0-9])$")


def parked_rows(path: Path) -> list[tuple[str, str, int, str]]:
    """Waiting parked carts: id, label, number of lines, who parked them (user name)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT p.id, p.label, json_array_length(p.payload, '$.items'), s.username"
            " FROM parked_carts p JOIN staff_users s ON s.id = p.staff_id"
            " WHERE p.recalled_at IS NULL ORDER BY p.parked_at, p.id"
        ).fetchall()
    finally:
        conn.close()
    return [(str(uuid.UUID(hex=i)), label, n, who) for i, label, n, who in rows]


def audit_actions(path: Path) -> list[tuple[str, str, dict[str, object]]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT a.action, coalesce(s.username, ''), a.details FROM audit_log a"
            " LEFT JOIN staff_users s ON s.id = a.staff_id ORDER BY a.id"
        ).fetchall()
    finally:
        conn.close()
    return [(action, who, json.loads(details)) for action, who, details in rows]


def press(
    widget: QWidget | None,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    assert widget is not None
    QTest.keyClick(widget, key, modifiers)


def focused(window: QWidget) -> QWidget:
    """The widget keys go to: the focused one, or the window when nothing has focus."""
    return QApplication.focusWidget() or window


def sell_notice(window: MainWindow) -> str:
    place = window.place(SellPlace.key)
    assert isinstance(place, SellPlace)
    return place.notice.text() if place.notice.isVisibleTo(place) else ""


def test_a_log_out_with_a_cart_parks_it_and_the_next_log_in_finds_it_with_f11(
    qtbot: QtBot,
    start_shop: StartShop,
    demo_db_path: Path,
    demo_db: Database,
    dialogs: type[Dialogs],
) -> None:
    first, second, third = products(demo_db, 3)
    desktop = start_shop(db=demo_db_path)
    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    register = reopened(qtbot, register_of(window))
    assert sell_notice(window) == ""  # nothing parked yet
    add(qtbot, register, first)
    add(qtbot, register, second)
    register.new_cart()
    add(qtbot, register, third)
    register.new_cart()  # an empty tab is nothing to park
    before = {cart_id: lines for cart_id, lines in tabs(register) if lines}
    assert len(before) == 2
    display_name = window.context.staff.display_name

    with qtbot.waitSignal(desktop.login_shown, timeout=WAIT_MS):
        press(
            focused(window),
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    # The log-in screen says the carts were parked, and under which name.
    dialog = wait_for_login(qtbot, desktop)
    assert dialog.notice.isVisibleTo(dialog)
    notice = dialog.notice.text()
    assert "(2)" in notice
    assert "F11" in notice
    label = notice.split('"')[1]
    found = LABEL.match(label)
    assert found is not None
    assert found["name"] == display_name

    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    register = reopened(qtbot, register_of(window))
    # Parked, not back as open tabs; and none of them is an open cart on disk any more.
    assert [lines for _, lines in tabs(register)] == [[]]
    assert saved(demo_db_path) == []
    rows = parked_rows(demo_db_path)
    assert {cart_id for cart_id, *_ in rows} == set(before)
    assert {(lbl, who) for _, lbl, _, who in rows} == {(label, "cashier")}
    assert {cart_id: n for cart_id, _, n, _ in rows} == {
        c: len(lines) for c, lines in before.items()
    }
    # The cashier is told, and F11 finds them.
    qtbot.waitUntil(lambda: "F11" in sell_notice(window), timeout=WAIT_MS)
    assert "2" in sell_notice(window)

    chosen: list[str] = []

    def pick(recall: RecallDialog) -> None:
        qtbot.waitUntil(lambda: recall.list.count() == 2, timeout=WAIT_MS)
        texts = [recall.list.item(row).text() for row in range(recall.list.count())]
        assert all(label in text for text in texts)
        chosen.append(str(recall.list.currentItem().data(Qt.ItemDataRole.UserRole)))
        press(focused(recall), Qt.Key.Key_Return)

    dialogs.answer(RecallDialog, pick)
    with qtbot.waitSignal(register.cart_changed, timeout=WAIT_MS):
        press(focused(window), Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: any(lines for _, lines in tabs(register)), timeout=WAIT_MS)
    back = {cart_id: lines for cart_id, lines in tabs(register) if lines}
    assert back == {chosen[0]: before[chosen[0]]}

    # The sign-out was audited with what it parked.
    outs = [
        (who, details) for action, who, details in audit_actions(demo_db_path) if action == "logout"
    ]
    assert outs == [("cashier", {"parked_carts": 2})]


def test_quitting_parks_the_open_carts_too(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, demo_db: Database
) -> None:
    (item,) = products(demo_db, 1)
    desktop = start_shop(db=demo_db_path)
    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    register = reopened(qtbot, register_of(window))
    add(qtbot, register, item)
    (cart_id,) = [cart_id for cart_id, lines in tabs(register) if lines]

    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS):
        press(focused(window), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    # Shut down: everything it wrote is on disk.
    assert [row[0] for row in parked_rows(demo_db_path)] == [cart_id]
    assert saved(demo_db_path) == []
    assert ("quit", "cashier", {"parked_carts": 1}) in audit_actions(demo_db_path)
