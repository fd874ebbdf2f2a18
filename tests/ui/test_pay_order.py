"""Paying an order that was taken unpaid, with the counter's own tender panel: Alipay included.

The wallet is the simulated Alipay gateway on loopback (real signing, real
HTTP); the database is the demo shop's, read back with plain SQL.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from tests.shop_rows import one, sql
from tests.ui.test_orders_place import find, number_of, take

from shop_desktop.data.models import OrderKind
from shop_desktop.domain.tender import PaymentMethod
from shop_desktop.services.wallets import make_provider
from shop_desktop.ui.orders.pay import PayOrderDialog
from shop_desktop.ui.places.orders import OrdersPlace

if TYPE_CHECKING:
    from tests.services import wallet_gateway as gw
    from tests.ui.conftest import Dialogs, StaffContext
else:
    import wallet_gateway as gw  # loaded by path in tests/conftest.py

WAIT_MS = 20_000


@pytest.fixture
def back_office(
    qtbot: QtBot, staff_context: StaffContext, alipay_gateway: gw.AlipayGateway
) -> OrdersPlace:
    """The Orders place of a manager whose till takes Alipay through the simulated gateway."""
    manager = staff_context("manager")
    settings = alipay_gateway.settings()
    manager.wallet_provider = lambda kind: make_provider(kind, settings, timing=gw.TEST_TIMING)
    place = OrdersPlace(manager)
    qtbot.addWidget(place)
    place.retranslate()
    with qtbot.waitExposed(place):
        place.show()
    return place


def press(widget: QWidget, key: Qt.Key) -> None:
    """A key as the cashier presses it: into the active window."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 2000)
    QTest.keyClick(widget, key)


def open_payment(qtbot: QtBot, place: OrdersPlace, order_id: uuid.UUID) -> PayOrderDialog:
    """The order found in the Orders place, and its payment window open over it."""
    find(qtbot, place, number_of(place.context.database, order_id))
    order = place.detail.order
    assert order is not None
    assert not order.paid
    dialog = PayOrderDialog(place, place.context, order)
    dialog.open()
    assert QTest.qWaitForWindowExposed(dialog)
    return dialog


def pay_by_alipay(qtbot: QtBot, dialog: PayOrderDialog, code: str) -> None:
    """F3, scan the customer's code, Enter; the charge runs while the window stays live."""
    panel = dialog.tender_panel
    press(dialog, Qt.Key.Key_F3)
    assert panel.method is PaymentMethod.ALIPAY
    QTest.keyClicks(panel.wallet_code, code)
    press(panel.wallet_code, Qt.Key.Key_Return)
    assert panel.busy is not None  # on a worker: the GUI thread is not blocked
    assert not dialog.complete_button.isEnabled()
    qtbot.waitUntil(lambda: panel.busy is None, timeout=WAIT_MS)
    assert panel.problem.text() == ""


def test_an_unpaid_order_is_paid_by_alipay(
    qtbot: QtBot, back_office: OrdersPlace, alipay_gateway: gw.AlipayGateway
) -> None:
    db = back_office.context.database
    taken = take(db, back_office.context.staff.staff_id, OrderKind.PAY_LATER)
    total = one(db, "SELECT total_minor FROM orders WHERE id = ?", taken.order_id.hex)
    dialog = open_payment(qtbot, back_office, taken.order_id)
    panel = dialog.tender_panel
    assert panel.remaining_minor == total

    # The customer confirms in the app after the till asked twice.
    code = gw.alipay_code("1")
    pay_by_alipay(qtbot, dialog, code)
    (trade,) = alipay_gateway.trades.values()
    assert trade.status is gw.TradeStatus.PAID
    assert trade.auth_code == code
    assert trade.out_trade_no == f"{dialog.batch_id.hex[:26]}01"
    assert [(t.method, t.amount_minor, t.reference) for t in panel.tenders] == [
        (PaymentMethod.ALIPAY, total, trade.transaction_id)
    ]
    assert panel.remaining_minor == 0
    assert dialog.complete_button.isEnabled()

    with qtbot.waitSignal(dialog.order_paid, timeout=WAIT_MS) as recorded:
        press(dialog, Qt.Key.Key_F9)
    paid = recorded.args[0]
    assert paid.invoice_no
    assert paid.change_minor == 0
    assert not dialog.isVisible()

    # Written as a wallet payment with the provider's transaction id, and the invoice issued.
    assert sql(
        db,
        "SELECT method, amount_minor, tendered_minor, change_minor, reference, card_last4"
        " FROM payments WHERE order_id = ?",
        taken.order_id.hex,
    ) == [("alipay", total, None, 0, trade.transaction_id, "")]
    assert sql(db, "SELECT status, invoice_no FROM orders WHERE id = ?", taken.order_id.hex) == [
        ("awaiting_fulfilment", paid.invoice_no)
    ]
    (payload,) = [
        json.loads(p)
        for (p,) in sql(db, "SELECT payload FROM outbox WHERE op_type = 'order.paid'")
        if str(taken.order_id) in p
    ]
    assert [(p["method"], p["reference"]) for p in payload["payments"]] == [
        ("alipay", trade.transaction_id)
    ]


def test_a_wallet_payment_taken_off_or_left_behind_is_given_back(
    qtbot: QtBot,
    back_office: OrdersPlace,
    alipay_gateway: gw.AlipayGateway,
    dialogs: type[Dialogs],
) -> None:
    db = back_office.context.database
    taken = take(db, back_office.context.staff.staff_id, OrderKind.DELIVERY)
    dialog = open_payment(qtbot, back_office, taken.order_id)
    panel = dialog.tender_panel

    # Taken off the list (Delete): the money goes back to the customer at once.
    pay_by_alipay(qtbot, dialog, gw.alipay_code("0"))
    panel.tender_list.setCurrentRow(0)
    panel.tender_list.setFocus()
    press(panel.tender_list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.busy is None and not panel.tenders, timeout=WAIT_MS)
    first = alipay_gateway.trades[f"{dialog.batch_id.hex[:26]}01"]
    assert first.status is gw.TradeStatus.REFUNDED

    # Paid again (a trade number of its own), then the cashier leaves (Esc) and agrees
    # to give it back: nothing is recorded and the order still waits for payment.
    pay_by_alipay(qtbot, dialog, gw.alipay_code("0"))
    second = f"{dialog.batch_id.hex[:26]}02"
    assert alipay_gateway.trades[second].status is gw.TradeStatus.PAID
    dialogs.answer(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        press(dialog, Qt.Key.Key_Escape)
    assert alipay_gateway.trades[second].status is gw.TradeStatus.REFUNDED
    assert dialog.paid is None
    assert one(db, "SELECT count(*) FROM payments WHERE order_id = ?", taken.order_id.hex) == 0
    assert sql(db, "SELECT status, invoice_no FROM orders WHERE id = ?", taken.order_id.hex) == [
        ("awaiting_payment", None)
    ]
