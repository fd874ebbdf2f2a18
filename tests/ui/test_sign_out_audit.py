"""Signing out is in the audit trail: the log-out shortcut writes a chained entry."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from shop_desktop.services.audit import verify_file
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.main_window import MainWindow

WAIT_MS = 20_000


def sign_outs(context: ShopContext) -> list[tuple[str, str]]:
    conn = sqlite3.connect(context.database.path)
    try:
        return conn.execute(
            "SELECT staff_id, details FROM audit_log WHERE action = 'logout' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_logging_out_writes_a_chained_audit_entry(qtbot: QtBot, shop_context: ShopContext) -> None:
    window = MainWindow(shop_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    assert sign_outs(shop_context) == []
    focused = QApplication.focusWidget()
    assert focused is not None
    with qtbot.waitSignal(window.logout_requested, timeout=WAIT_MS):
        QTest.keyClick(
            focused,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    qtbot.waitUntil(lambda: len(sign_outs(shop_context)) == 1, timeout=WAIT_MS)
    [(staff_id, details)] = sign_outs(shop_context)
    assert staff_id == shop_context.staff.staff_id.hex
    assert details == '{"how": "log_out"}'
    assert verify_file(shop_context.database.path).ok
