"""Selling as a cashier would, at the Sell place, down to the rows written; and every way
a payment can go wrong leaving the cart as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from tests.ui.keyboard import Keyboard

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind
from shop_desktop.domain.cart import MILLI
from shop_desktop.domain.tender import PaymentMethod
from shop_desktop.services.wallets import WalletKind, WalletProvider, WalletTiming, make_provider
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.dialogs import CouponDialog, QuantityDialog
from shop_desktop.ui.sell.register import Register

if TYPE_CHECKING:
    from tests.services import wallet_gateway as gw
    from tests.ui.conftest import Dialogs, StaffContext
else:
    import wallet_gateway as gw  # loaded by path in tests/conftest.py

WAIT_MS = 20_000


def barcodes(database: Database, count: int) -> list[str]:
    """Codes of piece goods with a price: what a cashier scans most."""
    with database.session() as session:
        return [
            str(code)
            for code in session.execute(
                text(
                    "SELECT min(b.code) FROM product_barcodes b JOIN products p"
                    " ON p.id = b.product_id WHERE p.active = 1 AND p.weighed = 0"
                    " AND p.price_minor BETWEEN 50 AND 600 AND length(b.code) = 13"
                    " GROUP BY p.id ORDER BY p.sku LIMIT :n"
                ),
                {"n": count},
            ).scalars()
        ]


def wallets_at(
    gateway: gw.AlipayGateway | gw.WechatGateway, timing: WalletTiming = gw.TEST_TIMING
) -> Callable[[WalletKind], WalletProvider]:
    def provider(kind: WalletKind) -> WalletProvider:
        return make_provider(kind, gateway.settings(), timing=timing)

    return provider


def counter(qtbot: QtBot, context: ShopContext) -> SellPlace:
    place = SellPlace(context)
    qtbot.addWidget(place)
    place.resize(1400, 900)
    place.show()
    assert QTest.qWaitForWindowExposed(place)
    place.activateWindow()
    qtbot.waitUntil(lambda: place.register.rules is not None, timeout=WAIT_MS)
    return place


def scan(qtbot: QtBot, place: SellPlace, code: str) -> None:
    """A keyboard-wedge scanner: digits typed fast, then Enter, into whatever has focus."""
    field = place.browser.search
    if not place.isActiveWindow():
        place.activateWindow()
        QTest.qWaitForWindowActive(place, 2000)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=WAIT_MS)
    lines = len(place.register.cart)
    units = place.register.cart.units
    # Sent back to back, as a scanner does; the detector needs gaps under 40 ms, and
    # the harness sends the burst again when a busy machine held a key back longer.
    Keyboard(qtbot, place).scan(code)
    qtbot.waitUntil(
        lambda: len(place.register.cart) > lines or place.register.cart.units > units,
        timeout=WAIT_MS,
    )


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key as the cashier presses it: into the active window (a closed dialog hands it back)."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 2000)
    QTest.keyClick(widget, key, modifier)


def rows(database: Database, sql: str, **params: Any) -> list[dict[str, Any]]:
    with database.session() as session:
        return [dict(r._mapping) for r in session.execute(text(sql), params)]


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def test_a_cashier_sells_scan_quantity_coupon_cash_and_alipay(
    qtbot: QtBot,
    cashier: ShopContext,
    demo_db: Database,
    alipay_gateway: gw.AlipayGateway,
    dialogs: type[Dialogs],
) -> None:
    cashier.wallet_provider = wallets_at(alipay_gateway)
    place = counter(qtbot, cashier)
    register = place.register
    codes = barcodes(demo_db, 3)
    for code in codes:
        scan(qtbot, place, code)
    assert len(register.cart) == 3

    # The second line: three of them (Ctrl+U, type 3, Enter).
    table = register.panel().table
    table.setFocus()
    table.selectRow(1)
    dialogs.type_in(QuantityDialog, "3")
    press(table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: register.cart.items[1].qty_milli == 3 * MILLI, timeout=WAIT_MS)

    # A coupon (Ctrl+K): NT$100 off the whole order.
    dialogs.type_in(CouponDialog, "welcome100")
    press(table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "WELCOME100" in register.cart.coupons, timeout=WAIT_MS)
    bill = register.bill
    assert bill is not None
    assert bill.coupons_applied == ("WELCOME100",)
    assert any(d.coupon_code == "WELCOME100" and d.amount_minor == 100 for d in bill.discounts)
    assert any("Coupon WELCOME100: " in label for label, _ in register.panel().totals.rows())
    total = bill.total_minor
    assert total > 100

    # F9: pay 100 in cash, the rest by Alipay.
    press(table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: register.checkout_dialog is not None, timeout=WAIT_MS)
    dialog = register.checkout_dialog
    assert isinstance(dialog, CheckoutDialog)
    assert QTest.qWaitForWindowExposed(dialog)
    QTest.keyClicks(dialog.tender_panel.cash_received, "100")
    press(dialog.tender_panel.cash_received, Qt.Key.Key_Return)
    assert dialog.tender_panel.remaining_minor == total - 100
    press(dialog, Qt.Key.Key_F3)
    assert (
        dialog.tender_panel.wallet_code.hasFocus() or dialog.tender_panel.pages.currentIndex() == 2
    )
    alipay_code = gw.alipay_code("0")
    QTest.keyClicks(dialog.tender_panel.wallet_code, alipay_code)
    press(dialog.tender_panel.wallet_code, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            dialog.tender_panel.busy is None
            and bool(dialog.tender_panel.status.text() or dialog.tender_panel.problem.text())
        ),
        timeout=WAIT_MS,
    )
    assert dialog.tender_panel.problem.text() == ""
    assert len(dialog.tender_panel.tenders) == 2
    assert dialog.tender_panel.remaining_minor == 0
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS) as done:
        press(dialog, Qt.Key.Key_F9)
    sale = done.args[0]

    # What was written matches the bill to the cent.
    (order,) = rows(demo_db, "SELECT * FROM orders WHERE id = :id", id=sale.order_id.hex)
    assert order["total_minor"] == total
    assert order["subtotal_minor"] == bill.subtotal_minor
    assert order["discount_minor"] == bill.discount_minor
    assert order["tax_minor"] == bill.tax_minor
    assert order["status"] == "completed"
    assert order["invoice_no"] == sale.invoice_no
    lines = rows(
        demo_db,
        "SELECT * FROM order_lines WHERE order_id = :id ORDER BY line_no",
        id=sale.order_id.hex,
    )
    assert [line["line_total_minor"] for line in lines] == [b.total_minor for b in bill.lines]
    assert sum(line["line_total_minor"] for line in lines) == total
    assert [line["qty_milli"] for line in lines] == [MILLI, 3 * MILLI, MILLI]
    assert sum(line["discount_minor"] for line in lines) == bill.discount_minor
    payments = rows(
        demo_db,
        "SELECT method, amount_minor, tendered_minor, change_minor, reference FROM payments"
        " WHERE order_id = :id ORDER BY method",
        id=sale.order_id.hex,
    )
    trade = next(iter(alipay_gateway.trades.values()))
    assert payments == [
        {
            "method": "alipay",
            "amount_minor": total - 100,
            "tendered_minor": None,
            "change_minor": 0,
            "reference": trade.transaction_id,
        },
        {
            "method": "cash",
            "amount_minor": 100,
            "tendered_minor": 100,
            "change_minor": 0,
            "reference": "",
        },
    ]
    assert trade.status is gw.TradeStatus.PAID
    assert trade.auth_code == alipay_code
    assert trade.amount == f"{total - 100}.00"  # TWD has two decimals in ISO 4217
    moves = rows(
        demo_db,
        "SELECT product_id, qty_delta_milli, reason FROM stock_movements WHERE order_id = :id",
        id=sale.order_id.hex,
    )
    by_product = {m["product_id"]: m["qty_delta_milli"] for m in moves}
    assert by_product == {line["product_id"]: -line["qty_milli"] for line in lines}
    assert {m["reason"] for m in moves} == {"sale"}
    (outbox,) = rows(
        demo_db,
        "SELECT op_type, payload, device_seq FROM outbox WHERE payload LIKE :like",
        like=f"%{sale.order_id}%",
    )
    assert outbox["op_type"] == "order.completed"
    assert outbox["device_seq"] == sale.device_seq
    payload = json.loads(outbox["payload"])
    assert json.dumps(payload).count(str(total)) >= 1
    # The paid cart is gone; a fresh one waits.
    assert register.cart.is_empty
    assert register.checkout_dialog is None


def open_checkout(qtbot: QtBot, place: SellPlace, codes: list[str]) -> CheckoutDialog:
    for code in codes:
        scan(qtbot, place, code)
    dialog = place.register.pay()
    assert dialog is not None
    assert QTest.qWaitForWindowExposed(dialog)
    return dialog


def count(database: Database, table: str) -> int:
    return int(rows(database, f"SELECT count(*) AS n FROM {table}")[0]["n"])


def nothing_written(database: Database, before: dict[str, int]) -> bool:
    return {t: count(database, t) for t in before} == before


TABLES = ("orders", "order_lines", "payments", "stock_movements", "outbox", "coupon_redemptions")


def test_tender_below_the_total_is_refused_and_the_cart_stays(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 2))
    cart_before = place.register.cart.to_json()
    before = {t: count(demo_db, t) for t in TABLES}
    QTest.keyClicks(dialog.tender_panel.cash_received, "1")
    press(dialog.tender_panel.cash_received, Qt.Key.Key_Return)
    dialog.complete()
    assert "is still to be paid" in dialog.tender_panel.problem.text()
    assert not dialog.complete_button.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: place.register.checkout_dialog is None, timeout=WAIT_MS)
    assert place.register.cart.to_json() == cart_before
    assert nothing_written(demo_db, before)


def test_cash_above_the_total_gives_change(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    total = dialog.bill.total_minor
    dialog.tender_panel.take_cash(total + 1000)
    assert dialog.tender_panel.change_minor == 1000
    assert "Change" in dialog.tender_panel.change_label.text()
    notices: list[str] = []
    place.register.notice.connect(notices.append)
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS) as done:
        press(dialog, Qt.Key.Key_F9)
    assert done.args[0].change_minor == 1000
    assert notices
    assert "NT$1,000" in notices[-1]


@pytest.mark.parametrize(
    ("digit", "timing", "message"),
    [
        ("3", gw.TEST_TIMING, "declined the payment"),
        ("2", gw.SHORT_WAIT_TIMING, "did not confirm the payment in time"),
        ("8", gw.TEST_TIMING, "cannot trust"),
    ],
)
def test_a_failed_wallet_payment_is_explained_and_other_methods_still_work(
    qtbot: QtBot,
    cashier: ShopContext,
    demo_db: Database,
    alipay_gateway: gw.AlipayGateway,
    digit: str,
    timing: WalletTiming,
    message: str,
) -> None:
    cashier.wallet_provider = wallets_at(alipay_gateway, timing)
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 2))
    before = {t: count(demo_db, t) for t in TABLES}
    dialog.tender_panel.choose(PaymentMethod.ALIPAY)
    dialog.tender_panel.wallet_code.setText(gw.alipay_code(digit))
    dialog.tender_panel.take_wallet()
    qtbot.waitUntil(lambda: dialog.tender_panel.busy is None, timeout=WAIT_MS)
    assert message in dialog.tender_panel.problem.text()
    assert dialog.tender_panel.tenders == ()
    (trade,) = alipay_gateway.trades.values()
    assert trade.status is not gw.TradeStatus.PAID
    # Cash still works.
    dialog.tender_panel.take_cash(dialog.bill.total_minor)
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS):
        dialog.complete()
    assert count(demo_db, "orders") == before["orders"] + 1


def test_offline_wallets_are_refused_with_a_clear_message(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    settings = alipay_gateway.settings()
    closed = settings.__class__(
        **{**settings.__dict__, "gateway_url": "http://127.0.0.1:9/gateway.do"}
    )
    cashier.wallet_provider = lambda kind: make_provider(kind, closed, timing=gw.TEST_TIMING)
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    dialog.tender_panel.choose(PaymentMethod.ALIPAY)
    dialog.tender_panel.wallet_code.setText(gw.alipay_code("0"))
    dialog.tender_panel.take_wallet()
    qtbot.waitUntil(lambda: dialog.tender_panel.busy is None, timeout=WAIT_MS)
    assert "No connection to the payment provider" in dialog.tender_panel.problem.text()
    assert dialog.tender_panel.method_buttons[PaymentMethod.CASH].isEnabled()
    dialog.reject()


def test_an_unconfigured_wallet_says_so(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    # The workstation's real configuration: nothing set up in its settings.
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    dialog.tender_panel.choose(PaymentMethod.WECHAT)
    dialog.tender_panel.wallet_code.setText(gw.wechat_code("0"))
    dialog.tender_panel.take_wallet()
    qtbot.waitUntil(lambda: dialog.tender_panel.busy is None, timeout=WAIT_MS)
    assert "not set up on this workstation" in dialog.tender_panel.problem.text()
    dialog.reject()


def test_card_needs_an_approval_code_and_keeps_only_four_digits(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    dialog.tender_panel.choose(PaymentMethod.CARD)
    dialog.tender_panel.take_card()
    assert "approval code" in dialog.tender_panel.problem.text()
    dialog.tender_panel.card_approval.setText("A1B2C3")
    dialog.tender_panel.card_last4.setText("4242")
    dialog.tender_panel.take_card()
    assert dialog.tender_panel.remaining_minor == 0
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS) as done:
        dialog.complete()
    (payment,) = rows(
        demo_db,
        "SELECT reference, card_last4 FROM payments WHERE order_id = :id",
        id=done.args[0].order_id.hex,
    )
    assert payment == {"reference": "A1B2C3", "card_last4": "4242"}


def test_store_credit_needs_a_member(qtbot: QtBot, cashier: ShopContext, demo_db: Database) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    dialog.tender_panel.choose(PaymentMethod.STORE_CREDIT)
    dialog.tender_panel.take_store_credit()
    assert "needs a member" in dialog.tender_panel.problem.text()
    dialog.reject()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("EXPIRED50", "has expired"),
        ("NEWYEAR88", "not valid yet"),
        ("NOSUCHCODE", "No coupon has the code NOSUCHCODE"),
    ],
)
def test_a_coupon_that_cannot_be_used_is_explained(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, code: str, message: str
) -> None:
    place = counter(qtbot, cashier)
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    before = place.register.cart.to_json()
    problems: list[str] = []
    place.register.problem.connect(problems.append)
    op = place.register.add_coupon(code)
    assert op is not None
    qtbot.waitUntil(lambda: op.outcome is not None, timeout=WAIT_MS)
    assert problems
    assert message in problems[-1]
    assert place.banner.isVisible()
    assert message in place.banner.text()
    assert place.register.cart.to_json() == before


def test_a_single_use_coupon_cannot_be_used_twice(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    register: Register = place.register
    # SAVE150 needs NT$1,000: buy enough of one product.
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    line = register.cart.items[0]
    register.cart.set_quantity(line.line_id, 20 * MILLI)
    register.reprice()
    op = register.add_coupon("SAVE150")
    assert op is not None
    qtbot.waitUntil(lambda: "SAVE150" in register.cart.coupons, timeout=WAIT_MS)
    bill = register.bill
    assert bill is not None
    assert bill.coupons_applied == ("SAVE150",)
    dialog = register.pay()
    assert dialog is not None
    dialog.tender_panel.take_cash(bill.total_minor)
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS):
        dialog.complete()
    problems: list[str] = []
    register.problem.connect(problems.append)
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    op = register.add_coupon("SAVE150")
    assert op is not None
    qtbot.waitUntil(lambda: op.outcome is not None, timeout=WAIT_MS)
    assert problems
    assert "has already been used" in problems[-1]
    assert not register.cart.coupons


def test_a_delivery_order_is_taken_unpaid_at_the_counter(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 2))
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrderKind.DELIVERY))
    assert dialog.address.isVisible()
    assert dialog.unpaid_button.isVisible()
    dialog.recipient.setText("林小姐")
    dialog.phone.setText("0912345678")
    dialog.take_unpaid()
    assert "needs an address" in dialog.tender_panel.problem.text()
    dialog.address.setText("台北市信義區松仁路100號")
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS) as done:
        dialog.take_unpaid()
    sale = done.args[0]
    assert sale.invoice_no == ""  # issued when it is paid
    (order,) = rows(
        demo_db, "SELECT kind, status, total_minor FROM orders WHERE id = :id", id=sale.order_id.hex
    )
    assert order["kind"] == "delivery"
    assert order["status"] == "awaiting_payment"
    assert rows(demo_db, "SELECT * FROM payments WHERE order_id = :id", id=sale.order_id.hex) == []
    (delivery,) = rows(
        demo_db,
        "SELECT recipient_name, address FROM order_deliveries WHERE order_id = :id",
        id=sale.order_id.hex,
    )
    assert delivery == {"recipient_name": "林小姐", "address": "台北市信義區松仁路100號"}


def test_a_pick_up_order_is_paid_now_and_pay_later_cannot_take_payment(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    place = counter(qtbot, cashier)
    dialog = open_checkout(qtbot, place, barcodes(demo_db, 1))
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrderKind.PAY_LATER))
    dialog.recipient.setText("王先生")
    dialog.tender_panel.take_cash(dialog.bill.total_minor)
    dialog.complete()
    assert "paid when it is collected" in dialog.tender_panel.problem.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(OrderKind.PICK_UP))
    assert not dialog.unpaid_button.isVisible()
    with qtbot.waitSignal(place.register.sale_completed, timeout=WAIT_MS) as done:
        dialog.complete()
    sale = done.args[0]
    assert sale.invoice_no
    (order,) = rows(demo_db, "SELECT kind, status FROM orders WHERE id = :id", id=sale.order_id.hex)
    assert order == {"kind": "pick_up", "status": "awaiting_fulfilment"}
