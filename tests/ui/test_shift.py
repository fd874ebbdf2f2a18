"""A cashier's shift on screen, with real keys: the float counted and the shift opened,
sales in cash and by card at the counter, a cash out approved by a manager, a void,
the blind count, and a Z report equal to SQL sums over the orders and payments,
the same figures read back from its PDF."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.pdf_reading import pdf_text
from tests.services.test_shifts import assert_report_matches_sql, drawer
from tests.shift_sql import shift_sums
from tests.shop_rows import one, sql
from tests.ui.conftest import Dialogs, StaffContext
from tests.ui.test_printing import Listener
from tests.ui.test_sale import WAIT_MS, barcodes, counter, press, scan

from shop_desktop.data.db import Database
from shop_desktop.domain.money import Money, currency
from shop_desktop.services.documents.shift_report import shift_report_pdf
from shop_desktop.services.escpos import CUT
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.shifts import ShiftReport
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.reports import ReportsPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.printing import DocumentPrinter
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.dialogs import ApprovalDialog
from shop_desktop.ui.shift.dialogs import CashDialog, CloseShiftDialog
from shop_desktop.ui.tasks import BackgroundOp


def settled(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not BackgroundOp.running(), timeout=WAIT_MS)
    QApplication.processEvents()


def shift_place(qtbot: QtBot, context: ShopContext) -> ReportsPlace:
    place = ReportsPlace(context)
    qtbot.addWidget(place)
    place.resize(1366, 768)
    with qtbot.waitSignal(place.shift.shift_loaded, timeout=WAIT_MS):
        place.show()
    assert QTest.qWaitForWindowExposed(place)
    place.activateWindow()
    return place


def type_count(box: Any, pieces: int) -> None:
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, str(pieces))


def sell(qtbot: QtBot, place: SellPlace, code: str, *, card: bool) -> str:
    """One sale at the counter, paid in cash (a note above the bill) or by card; its id."""
    scan(qtbot, place, code)
    press(place.register.panel().table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: place.register.checkout_dialog is not None, timeout=WAIT_MS)
    dialog = place.register.checkout_dialog
    assert isinstance(dialog, CheckoutDialog)
    assert QTest.qWaitForWindowExposed(dialog)
    panel = dialog.tender_panel
    if card:
        press(dialog, Qt.Key.Key_F2)
        QTest.keyClicks(panel.card_approval, "A12345")
        QTest.keyClicks(panel.card_last4, "4242")
        press(panel.card_last4, Qt.Key.Key_Return)
    else:
        QTest.keyClicks(panel.cash_received, str((panel.remaining_minor // 500 + 1) * 500))
        press(panel.cash_received, Qt.Key.Key_Return)
    settled(qtbot)
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS) as done:
        press(dialog, Qt.Key.Key_F9)
    return str(done.args[0].order_id.hex)


def test_a_shift_at_the_counter_from_float_to_z_report(
    qtbot: QtBot,
    staff_context: StaffContext,
    dialogs: type[Dialogs],
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cashier = staff_context("cashier")
    place = shift_place(qtbot, cashier)
    panel = place.shift
    assert panel.shift is None
    assert panel.float_box.isVisible()

    # The float: two NT$1,000 notes and five NT$100 notes.
    type_count(panel.counter.boxes[1000], 2)
    type_count(panel.counter.boxes[100], 5)
    assert "2,500" in panel.counter.total_label.text()
    panel.open_button.setFocus()
    with qtbot.waitSignal(panel.shift_loaded, timeout=WAIT_MS) as opened:
        QTest.keyClick(panel.open_button, Qt.Key.Key_Space)
    assert opened.args[0] is not None
    assert opened.args[0].float_minor == 2500
    assert "Shift 1" in panel.status.text()

    # Sales at the counter, in cash and by card; one is voided afterwards.
    counter_place = counter(qtbot, cashier)
    codes = barcodes(demo_db, 3)
    voided = sell(qtbot, counter_place, codes[0], card=False)
    sell(qtbot, counter_place, codes[1], card=True)
    sell(qtbot, counter_place, codes[2], card=False)
    manager = one(demo_db, "SELECT id FROM staff_users WHERE username = 'manager'")
    with demo_db.session() as session:
        void_invoice(
            session, uuid.UUID(voided), "wrong item", staff_id=cashier.staff.staff_id,
            approved_by=uuid.UUID(manager),
        )  # fmt: skip

    # A cash out: the cashier types amount and reason, a manager approves with a password.
    place.activateWindow()

    def approve(dialog: ApprovalDialog) -> None:
        QTest.keyClicks(dialog.username, "manager")
        QTest.keyClicks(dialog.password, "manager")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    def cash_out(dialog: CashDialog) -> None:
        QTest.keyClicks(dialog.amount, "300")
        QTest.keyClicks(dialog.reason, "to the bank")
        dialogs.answer(ApprovalDialog, approve)
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)

    dialogs.answer(CashDialog, cash_out)
    with qtbot.waitSignal(panel.notice, timeout=WAIT_MS) as said:
        QTest.keyClick(panel.cash_out_button, Qt.Key.Key_Space)
    assert "taken out of the drawer" in said.args[0]
    assert sql(demo_db, "SELECT amount_minor, into_drawer, approved_by FROM cash_movements") == [
        (300, 0, manager)
    ]

    # The blind count: NT$30 short, shown as such, never the expected amount.
    shift_hex = panel.shift.id.hex if panel.shift else ""
    expected = shift_sums(demo_db, shift_hex).expected_cash
    seen: dict[str, str] = {}

    def count(dialog: CloseShiftDialog) -> None:
        for value, pieces in drawer(expected - 30).items():
            if pieces:
                type_count(dialog.counter.boxes[value], pieces)
        QTest.keyClick(dialog.counter.boxes[1], Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(dialog.variance.text()), timeout=WAIT_MS)
        seen["variance"], seen["expected"] = dialog.variance.text(), dialog.expected.text()
        dialog.close_button.setFocus()
        QTest.keyClick(dialog.close_button, Qt.Key.Key_Space)

    roll = Listener()  # the till's thermal printer on a raw port
    cashier.preferences.receipt_target = roll.target
    dialogs.answer(CloseShiftDialog, count)
    with qtbot.waitSignal(panel.report_shown, timeout=WAIT_MS) as shown:
        QTest.keyClick(panel.close_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "Sent to" in panel.message.text(), timeout=WAIT_MS)
    assert "NT$30 short" in seen["variance"]
    assert seen["expected"] == ""
    z = shown.args[0]
    assert isinstance(z, ShiftReport)
    assert z.closed
    assert panel.shift is None

    # The Z report equals the sums taken straight from the orders and payments.
    assert_report_matches_sql(demo_db, z)
    assert (z.totals.sales_count, z.totals.void_count) == (3, 1)
    assert set(z.totals.tenders) == {"cash", "card"}
    assert z.variance_minor == -30
    sums = shift_sums(demo_db, z.shift_id.hex)
    money = currency("TWD")
    shown_text = panel.report_view.toPlainText()

    # Saved as PDF where the cashier chose, and read back.
    saved_at = tmp_path / "z.pdf"
    monkeypatch.setattr(DocumentPrinter, "ask_save_path", classmethod(lambda cls, *a: saved_at))
    with qtbot.waitSignal(panel.printer.saved, timeout=WAIT_MS):
        QTest.keyClick(panel.save_button, Qt.Key.Key_Space)
    text = " ".join(pdf_text(saved_at.read_bytes()).split())
    assert saved_at.read_bytes() == shift_report_pdf(z)
    for figure in (
        f"銷售總額 Sales {Money(sums.sales_minor, money).format()}",
        f"作廢金額 Voided {Money(sums.void_minor, money).format()}",
        f"應有現金 Expected cash {Money(sums.expected_cash, money).format()}",
        f"差額 Variance {Money(-30, money).format()}",
    ):
        assert figure in text
        assert figure.split()[-1] in shown_text

    # The Z report came off the thermal printer at the close: the same figures, in Big5.
    data = roll.wait()
    roll.server.close()
    assert data.endswith(CUT)
    assert Money(sums.expected_cash, money).format().encode("big5") in data
    assert Money(sums.sales_minor, money).format().encode("big5") in data
    assert "結班報表".encode("big5") in data
