"""Enter takes the typed tender and F9 completes: the change is on screen before the sale is done.

Driven by key events on the focused field, as a cashier at the counter does
(issue 12, item 1: Enter used both to take the cash and to complete the sale, so
the change was never shown).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.shop_rows import sql
from tests.ui.conftest import StaffContext
from tests.ui.test_sale import WAIT_MS, barcodes, counter, press, scan

from shop_desktop.data.db import Database
from shop_desktop.domain.money import Money
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.register import Register
from shop_desktop.ui.tasks import BackgroundOp


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def open_payment(qtbot: QtBot, cashier: ShopContext, demo_db: Database) -> CheckoutDialog:
    place = counter(qtbot, cashier)
    for code in barcodes(demo_db, 2):
        scan(qtbot, place, code)
    press(place.register.panel().table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: place.register.checkout_dialog is not None, timeout=WAIT_MS)
    dialog = place.register.checkout_dialog
    assert isinstance(dialog, CheckoutDialog)
    assert QTest.qWaitForWindowExposed(dialog)
    return dialog


def orders_written(demo_db: Database) -> int:
    return int(sql(demo_db, "SELECT count(*) FROM orders")[0][0])


def settled(qtbot: QtBot) -> None:
    """Whatever the keys started in the background has finished (a commit included)."""
    qtbot.waitUntil(lambda: not BackgroundOp.running(), timeout=WAIT_MS)
    QApplication.processEvents()


def test_enter_takes_the_cash_shows_the_change_and_only_f9_completes(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    before = orders_written(demo_db)
    dialog = open_payment(qtbot, cashier, demo_db)
    panel = dialog.tender_panel
    total = panel.remaining_minor
    handed = (total // 500 + 1) * 500  # a note bigger than the bill
    QTest.keyClicks(panel.cash_received, str(handed))
    press(panel.cash_received, Qt.Key.Key_Return)
    settled(qtbot)
    assert panel.remaining_minor == 0
    change = Money(handed - total, dialog.money).format()
    assert change in panel.change_label.text()
    assert panel.change_label.isVisible()
    # Enter again, anywhere: the sale is not completed behind the cashier's back.
    press(panel.cash_received, Qt.Key.Key_Return)
    press(dialog, Qt.Key.Key_Enter)
    settled(qtbot)
    assert dialog.isVisible()
    assert orders_written(demo_db) == before
    assert change in panel.change_label.text()
    register = dialog.parent()
    assert isinstance(register, Register)
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS) as done:
        press(dialog, Qt.Key.Key_F9)
    assert orders_written(demo_db) == before + 1
    (row,) = sql(
        demo_db,
        "SELECT tendered_minor, change_minor FROM payments WHERE order_id = ?",
        done.args[0].order_id.hex,
    )
    assert row == (handed, handed - total)


def test_enter_on_the_cards_last_digits_takes_the_card_and_only_f9_completes(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    before = orders_written(demo_db)
    dialog = open_payment(qtbot, cashier, demo_db)
    panel = dialog.tender_panel
    press(dialog, Qt.Key.Key_F2)
    QTest.keyClicks(panel.card_approval, "A12345")
    QTest.keyClicks(panel.card_last4, "4242")
    press(panel.card_last4, Qt.Key.Key_Return)
    settled(qtbot)
    assert panel.remaining_minor == 0
    assert len(panel.tenders) == 1
    press(panel.card_last4, Qt.Key.Key_Return)
    settled(qtbot)
    assert dialog.isVisible()
    assert orders_written(demo_db) == before
    assert QApplication.activeModalWidget() is dialog
    register = dialog.parent()
    assert isinstance(register, Register)
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS):
        press(dialog, Qt.Key.Key_F9)
    assert orders_written(demo_db) == before + 1
