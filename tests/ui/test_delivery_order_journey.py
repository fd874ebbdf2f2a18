"""A delivery order's whole life through the real windows, as one cashier would live it.

Taken at the counter (scanned, F9, delivery with address and requested date, left unpaid
for cash on delivery), then found in the Orders place by its number, paid, picked,
shipped, delivered and completed -- with the database read back with plain SQL after
every step, and a step the order may not take refused in words, changing nothing.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.shop_rows import sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, OrderStatus
from shop_desktop.domain.money import Money, currency
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.orders.detail import OrderDetailView, ShipDialog
from shop_desktop.ui.orders.models import STATUS as STATUS_COLUMN
from shop_desktop.ui.orders.pay import PayOrderDialog
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.checkout import CheckoutDialog

if TYPE_CHECKING:
    from tests.ui.conftest import Dialogs, StaffContext

WAIT_MS = 20_000
RECIPIENT = "林小姐"
PHONE = "0912-345-678"
ADDRESS = "台北市信義區松仁路100號5樓"
CARRIER = "黑貓宅急便"
TRACKING = "TC-987654321"


def barcodes(db: Database, count: int) -> list[str]:
    """Codes of piece goods with a price: what a cashier scans most."""
    return [
        str(row[0])
        for row in sql(
            db,
            "SELECT min(b.code) FROM product_barcodes b JOIN products p ON p.id = b.product_id"
            " WHERE p.active = 1 AND p.weighed = 0 AND p.price_minor BETWEEN 50 AND 600"
            " AND length(b.code) = 13 GROUP BY p.id ORDER BY p.sku LIMIT ?",
            count,
        )
    ]


def active(widget: QWidget) -> None:
    """Give the keyboard back to the widget's window: a closed dialog does not."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 2000)


def press(widget: QWidget, key: Qt.Key) -> None:
    active(widget)
    QTest.keyClick(widget, key)


def scan(qtbot: QtBot, place: SellPlace, code: str) -> None:
    """A keyboard-wedge scanner: digits typed fast, then Enter, into whatever has focus."""
    field = place.browser.search
    active(field)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=WAIT_MS)
    lines = len(place.register.cart)
    QTest.keyClicks(field, code)
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(place.register.cart) > lines, timeout=WAIT_MS)


def state(db: Database) -> dict[str, Any]:
    """Everything a refused step must leave as it was."""
    tables = ("orders", "payments", "stock_movements", "outbox", "order_events")
    out: dict[str, Any] = {t: sql(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    out["statuses"] = sql(db, "SELECT id, status, invoice_no FROM orders ORDER BY id")
    out["deliveries"] = sql(db, "SELECT * FROM order_deliveries ORDER BY order_id")
    return out


def events(db: Database, order_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """(from, to, action, staff id, at) of each step, in the order they happened."""
    return sql(
        db,
        "SELECT from_status, to_status, action, staff_id, at FROM order_events"
        " WHERE order_id = ? ORDER BY at, rowid",
        order_id.hex,
    )


def outbox(db: Database, order_id: uuid.UUID) -> list[tuple[str, int, dict[str, Any]]]:
    """(op type, device seq, payload) of every entry about this order, in sequence."""
    return [
        (op, seq, json.loads(payload))
        for op, seq, payload in sql(
            db,
            "SELECT op_type, device_seq, payload FROM outbox"
            " WHERE json_extract(payload, '$.order_id') = ? OR json_extract(payload, '$.id') = ?"
            " ORDER BY device_seq",
            str(order_id),
            str(order_id),
        )
    ]


def order_row(db: Database, order_id: uuid.UUID) -> dict[str, Any]:
    conn = sqlite3.connect(db.path)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id.hex,)).fetchone()
        return dict(row)
    finally:
        conn.close()


def click(qtbot: QtBot, detail: OrderDetailView, button: QWidget) -> None:
    """Click a step button and wait for the order to be read back as it now is."""
    assert button.isVisible()
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert detail.busy is None
    assert detail.message.text() == ""


def refused_step(
    qtbot: QtBot, db: Database, detail: OrderDetailView, attempt: Any, words: str
) -> None:
    """A step the order may not take: one plain sentence on screen, nothing written."""
    before = state(db)
    with qtbot.waitSignal(detail.refused, timeout=WAIT_MS) as refused:
        attempt()
    said = refused.args[0]
    assert words in said
    assert detail.message.text() == said
    assert "Traceback" not in said
    assert state(db) == before
    # The view reads the order back after a refusal: let it finish.
    qtbot.waitUntil(lambda: detail.loading is None or detail.loading.outcome is not None)


def after_step(
    db: Database,
    order_id: uuid.UUID,
    staff_id: uuid.UUID,
    step: tuple[str | None, str, str],
    op_type: str,
    seen: int,
) -> None:
    """The last event is this step by this person; one more outbox entry says the same."""
    rows = events(db, order_id)
    assert len(rows) == seen
    *_, (from_status, to_status, action, who, at) = rows
    assert (from_status, to_status, action) == step
    assert uuid.UUID(who) == staff_id
    assert at is not None
    assert all(earlier[4] <= at for earlier in rows)
    assert order_row(db, order_id)["status"] == to_status
    sent = outbox(db, order_id)
    assert len(sent) == seen
    op, _seq, payload = sent[-1]
    assert op == op_type
    assert payload["status"] == to_status
    # A new order carries its first event in a list; each later step carries its own.
    event = payload["events"][-1] if op_type == "order.taken" else payload["event"]
    assert (event["to_status"], event["action"], event["staff_id"]) == (
        to_status,
        action,
        str(staff_id),
    )
    # One device, one gapless sequence, in the order things happened.
    seqs = [seq for _, seq, _ in sent]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)


def test_a_delivery_order_goes_from_the_counter_to_completed(
    qtbot: QtBot, staff_context: StaffContext, demo_db: Database, dialogs: type[Dialogs]
) -> None:
    cashier = staff_context("cashier")
    staff_id = cashier.staff.staff_id
    db = demo_db
    window = MainWindow(cashier)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    window.activateWindow()

    # --- at the counter: scan, F9, a delivery left unpaid (cash on delivery) -----------
    sell = window.current_place()
    assert isinstance(sell, SellPlace)
    register = sell.register
    qtbot.waitUntil(lambda: register.rules is not None, timeout=WAIT_MS)
    codes = barcodes(db, 2)
    for code in codes:
        scan(qtbot, sell, code)
    assert len(register.cart) == 2
    bill = register.bill
    assert bill is not None
    total = bill.total_minor

    table = register.panel().table
    table.setFocus()
    press(table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: register.checkout_dialog is not None, timeout=WAIT_MS)
    checkout = register.checkout_dialog
    assert isinstance(checkout, CheckoutDialog)
    assert QTest.qWaitForWindowExposed(checkout)
    checkout.kind.setCurrentIndex(checkout.kind.findData(OrderKind.DELIVERY))
    assert checkout.address.isVisible()
    assert checkout.requested.isVisible()
    assert checkout.unpaid_button.isVisible()
    # QTest types ASCII only: Chinese arrives as the input method would commit it.
    checkout.recipient.setText(RECIPIENT)
    QTest.keyClicks(checkout.phone, PHONE)
    wanted = QDate.currentDate().addDays(2)
    checkout.requested.setDate(wanted)

    # No address: refused in words, nothing written, the dialog stays.
    before = state(db)
    QTest.mouseClick(checkout.unpaid_button, Qt.MouseButton.LeftButton)
    assert "needs an address" in checkout.tender_panel.problem.text()
    assert state(db) == before
    assert register.checkout_dialog is checkout

    checkout.address.setText(ADDRESS)
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS) as taken:
        QTest.mouseClick(checkout.unpaid_button, Qt.MouseButton.LeftButton)
    sale = taken.args[0]
    order_id: uuid.UUID = sale.order_id
    assert sale.invoice_no == ""  # issued when it is paid
    qtbot.waitUntil(lambda: register.checkout_dialog is None, timeout=WAIT_MS)
    assert register.cart.is_empty

    order = order_row(db, order_id)
    number = order["number"]
    assert order["kind"] == "delivery"
    assert order["status"] == "awaiting_payment"
    assert order["invoice_no"] is None
    assert order["total_minor"] == total
    assert uuid.UUID(order["staff_id"]) == staff_id
    assert sql(db, "SELECT count(*) FROM payments WHERE order_id = ?", order_id.hex) == [(0,)]
    assert sql(
        db,
        "SELECT recipient_name, phone, address, requested_date, carrier, tracking_no"
        " FROM order_deliveries WHERE order_id = ?",
        order_id.hex,
    ) == [(RECIPIENT, PHONE, ADDRESS, wanted.toString("yyyy-MM-dd"), "", "")]
    lines = sql(
        db, "SELECT product_id, qty_milli FROM order_lines WHERE order_id = ?", order_id.hex
    )
    assert len(lines) == 2
    # The goods are set aside when the order is taken, paid or not.
    moved = dict(
        sql(
            db,
            "SELECT product_id, sum(qty_delta_milli) FROM stock_movements WHERE order_id = ?"
            " GROUP BY product_id",
            order_id.hex,
        )
    )
    assert moved == {product: -qty for product, qty in lines}
    after_step(db, order_id, staff_id, (None, "awaiting_payment", "taken"), "order.taken", 1)
    assert outbox(db, order_id)[0][2]["delivery"]["address"] == ADDRESS

    # --- the Orders place (F3): find it by its number --------------------------------
    press(window, Qt.Key.Key_F3)
    place = window.current_place()
    assert isinstance(place, OrdersPlace)
    assert place.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: place.model.current_filter is not None, timeout=WAIT_MS)
    place.filters.text.setFocus()
    QTest.keyClicks(place.filters.text, number)
    QTest.keyClick(place.filters.text, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            place.model.current_filter is not None
            and place.model.current_filter.text == number
            and not place.model.loading
            and place.model.rowCount() == 1
        ),
        timeout=WAIT_MS,
    )
    detail = place.detail
    row = place.table.visualRect(place.model.index(0, 0))
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(place.table.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    shown = detail.order
    assert shown is not None
    assert shown.id == order_id
    assert shown.status is OrderStatus.AWAITING_PAYMENT
    assert not shown.paid
    assert detail.pay_button.isVisible()
    assert RECIPIENT in detail.body.toPlainText()
    assert ADDRESS in detail.body.toPlainText()

    # The back office's queue shows it: when and where it goes, unpaid said once.
    queue = place.fulfilment
    place.tabs.setCurrentWidget(queue)
    with qtbot.waitSignal(queue.queue_loaded, timeout=WAIT_MS):
        queue.refresh()
    (queued,) = [row for row, o in enumerate(queue.queue) if o.id == order_id]
    items = [queue.table.item(queued, c) for c in range(queue.table.columnCount())]
    cells = [item.text() if item is not None else "" for item in items]
    assert cells[:3] == [number, "Delivery", "Awaiting payment"]
    assert wanted.toString("yyyy-MM-dd") in cells
    assert RECIPIENT in cells
    assert ADDRESS in cells
    assert not queue.message.isVisible()
    place.tabs.setCurrentIndex(0)

    # Delivered before it has even left: not the next step.
    refused_step(
        qtbot, db, detail, lambda: detail.step_to(OrderStatus.DELIVERED), "not the next one"
    )

    # --- paid: the courier's cash is counted in, with change --------------------------
    def pay_cash(dialog: PayOrderDialog) -> None:
        try:
            handed = Money(total + 10 * 10**dialog.money.exponent, dialog.money)
            cash = dialog.tender_panel.cash_received
            cash.setText(handed.format(show_symbol=False, grouping=False))
            QTest.keyClick(cash, Qt.Key.Key_Return)
            assert dialog.tender_panel.remaining_minor == 0
            # All is paid, so that Enter may already have pressed the default button.
            if dialog.tender_panel.busy is None:
                QTest.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
        except BaseException:
            dialog.reject()  # a failed check must not leave the test waiting on the dialog
            raise

    dialogs.answer(PayOrderDialog, pay_cash)
    click(qtbot, detail, detail.pay_button)
    assert detail.order is not None
    assert detail.order.paid
    assert not detail.pay_button.isVisible()
    after_step(
        db, order_id, staff_id, ("awaiting_payment", "awaiting_fulfilment", "paid"), "order.paid", 2
    )
    invoice = order_row(db, order_id)["invoice_no"]
    assert invoice
    assert sql(
        db,
        "SELECT method, amount_minor, change_minor FROM payments WHERE order_id = ?",
        order_id.hex,
    ) == [("cash", total, 10 * 10 ** currency(cashier.staff.currency_code).exponent)]
    paid_entry = outbox(db, order_id)[-1][2]
    assert paid_entry["invoice_no"] == invoice
    assert [p["amount_minor"] for p in paid_entry["payments"]] == [total]

    # --- picked ----------------------------------------------------------------------
    click(qtbot, detail, detail.step_buttons[OrderStatus.PICKING])
    after_step(
        db,
        order_id,
        staff_id,
        ("awaiting_fulfilment", "picking", "advanced"),
        "order.status_changed",
        3,
    )

    # --- shipped: a parcel without a tracking number is refused, then shipped ---------
    def ship_without_tracking(dialog: ShipDialog) -> None:
        dialog.carrier.setText(CARRIER)
        dialog.accept()

    dialogs.answer(ShipDialog, ship_without_tracking)
    refused_step(
        qtbot,
        db,
        detail,
        lambda: QTest.mouseClick(
            detail.step_buttons[OrderStatus.SHIPPED], Qt.MouseButton.LeftButton
        ),
        "tracking number",
    )
    qtbot.waitUntil(detail.step_buttons[OrderStatus.SHIPPED].isEnabled, timeout=WAIT_MS)

    def ship(dialog: ShipDialog) -> None:
        dialog.carrier.setText(CARRIER)
        QTest.keyClicks(dialog.tracking, TRACKING)
        dialog.accept()

    dialogs.answer(ShipDialog, ship)
    click(qtbot, detail, detail.step_buttons[OrderStatus.SHIPPED])
    after_step(
        db, order_id, staff_id, ("picking", "shipped", "advanced"), "order.status_changed", 4
    )
    assert TRACKING in detail.body.toPlainText()
    carrier, tracking, shipped_at = sql(
        db,
        "SELECT carrier, tracking_no, shipped_at FROM order_deliveries WHERE order_id = ?",
        order_id.hex,
    )[0]
    assert (carrier, tracking) == (CARRIER, TRACKING)
    assert shipped_at is not None
    shipped_entry = outbox(db, order_id)[-1][2]
    assert shipped_entry["event"]["details"] == {"carrier": CARRIER, "tracking_no": TRACKING}
    assert shipped_entry["delivery"]["tracking_no"] == TRACKING

    # --- delivered, then completed -----------------------------------------------------
    click(qtbot, detail, detail.step_buttons[OrderStatus.DELIVERED])
    after_step(
        db, order_id, staff_id, ("shipped", "delivered", "advanced"), "order.status_changed", 5
    )
    assert sql(
        db, "SELECT delivered_at IS NOT NULL FROM order_deliveries WHERE order_id = ?", order_id.hex
    ) == [(1,)]
    click(qtbot, detail, detail.step_buttons[OrderStatus.COMPLETED])
    after_step(
        db, order_id, staff_id, ("delivered", "completed", "advanced"), "order.status_changed", 6
    )
    done = order_row(db, order_id)
    assert done["completed_at"] is not None
    assert done["invoice_no"] == invoice
    assert detail.order is not None
    assert detail.order.status is OrderStatus.COMPLETED
    assert not any(button.isVisible() for button in detail.step_buttons.values())
    assert not detail.cancel_button.isVisible()
    assert not detail.pay_button.isVisible()
    history = detail.body.toPlainText()
    assert cashier.staff.display_name in history

    # A closed order takes no more steps, however they are asked for.
    refused_step(qtbot, db, detail, lambda: detail.step_to(OrderStatus.DELIVERED), "already closed")
    # The list, read again after each write, says so too.
    qtbot.waitUntil(
        lambda: (
            not place.model.loading
            and place.model.rowCount() == 1
            and place.model.data(place.model.index(0, STATUS_COLUMN)) == "Completed"
        ),
        timeout=WAIT_MS,
    )
