"""The Orders place on the demo shop's real database, driven as the back office would.

The database is read back with plain SQL, not through the code under test.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from tests.pdf_reading import pdf_text
from tests.shop_rows import half_up, one, sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, OrderStatus, PaymentMethod
from shop_desktop.domain.money import Money
from shop_desktop.services.checkout import (
    CommittedSale,
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.orders import DeliveryDetails, advance, take_order
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.orders.detail import OrderDetailView, ReasonDialog, ShipDialog
from shop_desktop.ui.orders.filters import OrderFilters
from shop_desktop.ui.orders.models import OrderListModel
from shop_desktop.ui.orders.pay import PayOrderDialog
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.printing import DocumentPrinter
from shop_desktop.ui.sell.dialogs import ApprovalDialog

WAIT_MS = 15_000
#: Found before a test puts its own `lp` alone on PATH.
HOME = DeliveryDetails("林小姐", "0912-345-678", "台北市大安區復興南路一段 1 號")


def take(
    db: Database, staff_id: uuid.UUID, kind: OrderKind, *, paid: bool = False
) -> CommittedSale:
    """An order taken at the counter (two items, 5% tax), paid in cash or not."""
    with db.session() as session:
        return take_order(session, draft_of(db, staff_id, kind, paid=paid), HOME)


def draft_of(db: Database, staff_id: uuid.UUID, kind: OrderKind, *, paid: bool) -> SaleDraft:
    rows = sql(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND p.price_minor > 30 AND t.rate_bp = 500 ORDER BY p.sku LIMIT 2",
    )
    lines = []
    for pid, sku, zh, en, price, rate in rows:
        gross = price * 2
        tax = half_up(gross * rate, 10_000 + rate)
        lines.append(
            DraftLine(
                product_id=uuid.UUID(pid),
                sku=sku,
                name_zh=zh,
                name_en=en,
                qty_milli=2000,
                unit_price_minor=price,
                discount_minor=0,
                tax_rate_bp=rate,
                tax_minor=tax,
                line_total_minor=gross,
                promotions=[],
            )
        )
    total = sum(x.line_total_minor for x in lines)
    return SaleDraft(
        order_id=uuid.uuid4(),
        staff_id=staff_id,
        member_id=None,
        kind=kind,
        lines=tuple(lines),
        subtotal_minor=total,
        discount_minor=0,
        tax_minor=sum(x.tax_minor for x in lines),
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=total,
        payments=(DraftPayment(PaymentMethod.CASH, total, total),) if paid else (),
    )


def state(db: Database) -> dict[str, Any]:
    """Everything a refused step must leave as it was."""
    tables = ("orders", "payments", "stock_movements", "outbox", "order_events", "refunds")
    out: dict[str, Any] = {t: one(db, f"SELECT count(*) FROM {t}") for t in tables}
    out["statuses"] = sql(db, "SELECT id, status FROM orders ORDER BY id")
    out["deliveries"] = sql(db, "SELECT * FROM order_deliveries ORDER BY order_id")
    return out


def approve(dialogs: Any, username: str = "manager") -> None:
    """A manager types their password into the approval dialog (demo password = name)."""

    def act(dialog: ApprovalDialog) -> None:
        dialog.username.setText(username)
        dialog.password.setText(username)
        dialog.accept()

    dialogs.answer(ApprovalDialog, act)


def sell(db: Database, staff_id: uuid.UUID) -> uuid.UUID:
    """A take-away sale committed at the counter, paid in cash."""
    sale = draft_of(db, staff_id, OrderKind.TAKE_AWAY, paid=True)
    with db.session() as session:
        return commit_sale(session, sale).order_id


def number_of(db: Database, order_id: uuid.UUID) -> str:
    return str(one(db, "SELECT number FROM orders WHERE id = ?", order_id.hex))


@pytest.fixture
def manager(staff_context: Any) -> ShopContext:
    context: ShopContext = staff_context("manager")
    return context


@pytest.fixture
def cashier(staff_context: Any) -> ShopContext:
    context: ShopContext = staff_context("cashier")
    return context


@pytest.fixture
def place(qtbot: QtBot, manager: ShopContext) -> OrdersPlace:
    return shown_place(qtbot, manager)


@pytest.fixture
def cashier_place(qtbot: QtBot, cashier: ShopContext) -> OrdersPlace:
    return shown_place(qtbot, cashier)


def shown_place(qtbot: QtBot, context: ShopContext) -> OrdersPlace:
    shown = OrdersPlace(context)
    qtbot.addWidget(shown)
    shown.retranslate()
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: shown.model.rowCount() > 0, timeout=WAIT_MS)
    return shown


def find(qtbot: QtBot, place: OrdersPlace, number: str) -> None:
    """Type the number in the search field and open the one order found."""
    place.filters.text.setText(number)
    qtbot.waitUntil(
        lambda: (
            place.model.current_filter is not None
            and place.model.current_filter.text == number
            and not place.model.loading
            and place.model.rowCount() == 1
        ),
        timeout=WAIT_MS,
    )
    with qtbot.waitSignal(place.detail.loaded, timeout=WAIT_MS):
        place.table.selectRow(0)
    assert place.detail.order is not None
    assert place.detail.order.number == number


def shown_status(detail: OrderDetailView) -> OrderStatus | None:
    return None if detail.order is None else detail.order.status


def click_step(qtbot: QtBot, detail: OrderDetailView, status: OrderStatus) -> None:
    button = detail.step_buttons[status]
    assert button.isVisible(), status
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert detail.busy is None


def test_a_cash_on_delivery_order_from_search_to_completion(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext, dialogs: Any
) -> None:
    db = manager.database
    sale = take(db, manager.staff.staff_id, OrderKind.DELIVERY)
    order_id = sale.order_id
    number = number_of(db, order_id)
    total = one(db, "SELECT total_minor FROM orders WHERE id = ?", order_id.hex)
    find(qtbot, place, number)
    detail = place.detail
    assert place.model.data(place.model.index(0, 6)) == "Unpaid"
    assert detail.pay_button.isVisible()
    assert not detail.step_buttons[OrderStatus.SHIPPED].isVisible()

    def pay_cash(dialog: PayOrderDialog) -> None:
        try:
            # The customer hands over a little more than the total: change is given.
            handed = Money(total + 5 * 10**dialog.money.exponent, dialog.money)
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
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(detail.pay_button, Qt.MouseButton.LeftButton)
    assert detail.order is not None
    assert detail.order.paid
    assert detail.order.status is OrderStatus.AWAITING_FULFILMENT
    assert "Give" in detail.notice.text()

    click_step(qtbot, detail, OrderStatus.PICKING)

    def ship(dialog: ShipDialog) -> None:
        dialog.carrier.setText("黑貓宅急便")
        dialog.tracking.setText("TC-123456789")
        dialog.accept()

    dialogs.answer(ShipDialog, ship)
    click_step(qtbot, detail, OrderStatus.SHIPPED)
    assert "TC-123456789" in detail.body.toPlainText()
    click_step(qtbot, detail, OrderStatus.DELIVERED)
    click_step(qtbot, detail, OrderStatus.COMPLETED)
    assert shown_status(detail) is OrderStatus.COMPLETED
    assert not any(b.isVisible() for b in detail.step_buttons.values())
    assert not detail.cancel_button.isVisible()

    status, invoice, completed = sql(
        db, "SELECT status, invoice_no, completed_at FROM orders WHERE id = ?", order_id.hex
    )[0]
    assert status == "completed"
    assert invoice
    assert completed is not None
    assert sql(
        db, "SELECT method, amount_minor FROM payments WHERE order_id = ?", order_id.hex
    ) == [("cash", total)]
    assert sql(
        db,
        "SELECT carrier, tracking_no FROM order_deliveries WHERE order_id = ?",
        order_id.hex,
    ) == [("黑貓宅急便", "TC-123456789")]
    steps = sql(
        db,
        "SELECT from_status, to_status, action, staff_id FROM order_events WHERE order_id = ?"
        " ORDER BY at, rowid",
        order_id.hex,
    )
    assert [s[:3] for s in steps] == [
        (None, "awaiting_payment", "taken"),
        ("awaiting_payment", "awaiting_fulfilment", "paid"),
        ("awaiting_fulfilment", "picking", "advanced"),
        ("picking", "shipped", "advanced"),
        ("shipped", "delivered", "advanced"),
        ("delivered", "completed", "advanced"),
    ]
    assert {uuid.UUID(s[3]) for s in steps[1:]} == {manager.staff.staff_id}
    ops = [
        r[0]
        for r in sql(
            db,
            "SELECT op_type FROM outbox WHERE json_extract(payload, '$.order_id') = ?"
            " OR json_extract(payload, '$.id') = ? ORDER BY device_seq",
            str(order_id),
            str(order_id),
        )
    ]
    assert ops == ["order.taken", "order.paid"] + ["order.status_changed"] * 4
    history = detail.body.toPlainText()
    assert "Manager" in history or manager.staff.display_name in history


def test_a_step_already_taken_elsewhere_is_refused_and_changes_nothing(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext
) -> None:
    db = manager.database
    sale = take(db, manager.staff.staff_id, OrderKind.DELIVERY)
    find(qtbot, place, number_of(db, sale.order_id))
    # Another till starts picking it while this screen still shows it waiting.
    with db.session() as session:
        advance(session, sale.order_id, OrderStatus.PICKING, staff_id=manager.staff.staff_id)
    before = state(db)
    detail = place.detail
    with qtbot.waitSignal(detail.refused, timeout=WAIT_MS) as refused:
        QTest.mouseClick(detail.step_buttons[OrderStatus.PICKING], Qt.MouseButton.LeftButton)
    assert "not the next one" in refused.args[0]
    assert detail.message.text() == refused.args[0]
    assert "Traceback" not in detail.message.text()
    assert state(db) == before
    qtbot.waitUntil(
        lambda: detail.order is not None and detail.order.status is OrderStatus.PICKING,
        timeout=WAIT_MS,
    )


def test_cancelling_asks_why_puts_goods_back_and_shows_the_refund(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext, dialogs: Any
) -> None:
    db = manager.database
    sale = take(db, manager.staff.staff_id, OrderKind.DELIVERY, paid=True)
    order_id = sale.order_id
    stock_before = one(
        db, "SELECT sum(qty_delta_milli) FROM stock_movements WHERE order_id = ?", order_id.hex
    )
    assert stock_before < 0
    find(qtbot, place, number_of(db, order_id))
    detail = place.detail

    # Giving up at the question changes nothing.
    before = state(db)
    dialogs.answer(ReasonDialog, lambda dialog: dialog.reject())

    # A paid order is cancelled by voiding its invoice: a reason, then a manager's yes.
    assert not detail.cancel_button.isVisible()
    assert detail.void_button.isVisible()
    QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert state(db) == before
    dialogs.type_in(ReasonDialog, "客人改變主意")
    approve(dialogs)
    dialogs.answer(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.No).click())
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert detail.order is not None
    assert detail.order.status is OrderStatus.CANCELLED
    assert (
        one(db, "SELECT sum(qty_delta_milli) FROM stock_movements WHERE order_id = ?", order_id.hex)
        == 0
    )
    assert sql(
        db, "SELECT method, status, reason FROM refunds WHERE order_id = ?", order_id.hex
    ) == [("cash", "done", "客人改變主意")]
    shown = detail.body.toPlainText()
    assert "Refunds" in shown
    assert "refunded" in shown
    assert "客人改變主意" in shown
    assert not detail.cancel_button.isVisible()
    assert not detail.void_button.isVisible()
    note = one(db, "SELECT number FROM credit_notes WHERE order_id = ?", order_id.hex)
    assert f"Credit note {note}" in shown
    assert detail.credit_note_button.isVisible()


def test_the_list_filters_narrow_the_orders(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext
) -> None:
    db = manager.database
    pick_up = take(db, manager.staff.staff_id, OrderKind.PICK_UP, paid=True)
    filters = place.filters

    def shown_after(change: Any) -> set[uuid.UUID]:
        change()
        qtbot.waitUntil(
            lambda: place.model.current_filter == filters.current() and not place.model.loading,
            timeout=WAIT_MS,
        )
        while place.model.canFetchMore():
            place.model.fetchMore()
            qtbot.waitUntil(lambda: not place.model.loading, timeout=WAIT_MS)
        return set(place.model.order_ids())

    picking_up = shown_after(
        lambda: filters.kind.setCurrentIndex(filters.kind.findData(OrderKind.PICK_UP))
    )
    expected = {uuid.UUID(r[0]) for r in sql(db, "SELECT id FROM orders WHERE kind = 'pick_up'")}
    assert picking_up == expected
    assert pick_up.order_id in picking_up

    waiting = shown_after(
        lambda: filters.status.setCurrentIndex(
            filters.status.findData(OrderStatus.AWAITING_FULFILMENT)
        )
    )
    assert waiting == {
        uuid.UUID(r[0])
        for r in sql(
            db, "SELECT id FROM orders WHERE kind = 'pick_up' AND status = 'awaiting_fulfilment'"
        )
    }
    assert pick_up.order_id in waiting

    carded = shown_after(
        lambda: [
            filters.kind.setCurrentIndex(0),  # type: ignore[func-returns-value]
            filters.status.setCurrentIndex(0),  # type: ignore[func-returns-value]
            filters.method.setCurrentIndex(  # type: ignore[func-returns-value]
                filters.method.findData(PaymentMethod.CARD)
            ),
        ]
    )
    assert carded == {
        uuid.UUID(r[0])
        for r in sql(db, "SELECT DISTINCT order_id FROM payments WHERE method = 'card'")
    }
    assert pick_up.order_id not in carded


def test_the_order_list_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, manager: ShopContext
) -> None:
    filters = OrderFilters(manager.database)
    qtbot.addWidget(filters)
    model = OrderListModel(manager.database, currency_code=manager.staff.currency_code)
    model.show(filters.current())
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.loading, timeout=WAIT_MS)
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: not model.loading, timeout=WAIT_MS)
    QApplication.processEvents()
    qtmodeltester.check(model)


def test_the_back_office_picks_and_ships_a_batch_with_a_picking_list(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext, demo_db: Database, dialogs: Any
) -> None:
    from shop_desktop.ui.orders.fulfilment import BatchShipDialog, picking_list_pdf
    from shop_desktop.ui.tasks import BackgroundOp

    staff = manager.staff
    first = take(demo_db, staff.staff_id, OrderKind.DELIVERY, paid=True)
    second = take(demo_db, staff.staff_id, OrderKind.DELIVERY, paid=True)
    ids = [first.order_id, second.order_id]
    view = place.fulfilment
    place.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.queue_loaded, timeout=WAIT_MS):
        view.refresh()
    view.select(ids)
    assert set(view.selected_ids()) == set(ids)

    with qtbot.waitSignal(view.batch_done, timeout=WAIT_MS):
        view.start_picking()
    statuses = {one(demo_db, "SELECT status FROM orders WHERE id = ?", i.hex) for i in ids}
    assert statuses == {"picking"}

    # The picking list names both orders' goods.
    make = picking_list_pdf(ids, staff.branch_id, staff.display_name)
    op = BackgroundOp(view, op=make, database=demo_db).run()
    qtbot.waitUntil(lambda: op.outcome is not None, timeout=WAIT_MS)
    assert op.outcome == "succeeded", op.error
    pdf = op.result
    assert isinstance(pdf, bytes)
    text = pdf_text(pdf)
    skus = {
        row[0]
        for row in sql(
            demo_db, "SELECT sku FROM order_lines WHERE order_id IN (?, ?)", *(i.hex for i in ids)
        )
    }
    assert skus
    assert all(sku in text for sku in skus)

    with qtbot.waitSignal(view.queue_loaded, timeout=WAIT_MS):
        view.refresh()
    view.select(ids)

    def fill(dialog: BatchShipDialog) -> None:
        dialog.same_carrier.setText("黑貓宅急便")
        for row in range(len(dialog.orders)):
            dialog.set_row(row, "黑貓宅急便", f"TRK{row:06d}")
        dialog.accept()

    dialogs.answer(BatchShipDialog, fill)
    with qtbot.waitSignal(view.batch_done, timeout=WAIT_MS):
        view.ship()
    shipped = sql(
        demo_db,
        "SELECT o.status, d.carrier, d.tracking_no FROM orders o"
        " JOIN order_deliveries d ON d.order_id = o.id WHERE o.id IN (?, ?) ORDER BY d.tracking_no",
        *(i.hex for i in ids),
    )
    assert [row[0] for row in shipped] == ["shipped", "shipped"]
    assert {row[1] for row in shipped} == {"黑貓宅急便"}
    assert sorted(row[2] for row in shipped) == ["TRK000000", "TRK000001"]


# --- voiding and printing ------------------------------------------------------------


@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `lp` alone on PATH (CUPS is not on test machines); returns where it records calls.

    It fails while a file ``jammed`` is next to its record, as a refusing printer does.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "lp-calls.jsonl"
    script = bin_dir / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, pathlib, sys\n"
        f"record = pathlib.Path({str(record)!r})\n"
        "if (record.parent / 'jammed').exists():\n"
        "    print('lp: printer is not accepting jobs', file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "args = sys.argv[1:]\n"
        "data = open(args[-1], 'rb').read().decode('latin-1')\n"
        "with record.open('a') as out:\n"
        "    out.write(json.dumps({'args': args, 'data': data}) + '\\n')\n"
        "print('request id is Office-3 (1 file(s))')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(
        DocumentPrinter, "ask_printer", classmethod(lambda cls, *a, **k: ("Office_A4", 1))
    )
    return record


def printed(record: Path) -> list[tuple[list[str], str]]:
    """Each lp call: its arguments and the PDF's text (read back with PDFium)."""
    if not record.exists():
        return []
    out = []
    written = record.read_text(encoding="utf-8")
    # A call still being written (a PDF is a long line) is not one yet.
    for line in written[: written.rfind("\n") + 1].splitlines():
        call = json.loads(line)
        pdf = call["data"].encode("latin-1")
        text = pdf_text(pdf)
        out.append((call["args"], text))
    return out


def test_voiding_a_take_away_sale_prints_its_credit_note(
    qtbot: QtBot,
    cashier_place: OrdersPlace,
    cashier: ShopContext,
    manager: ShopContext,
    dialogs: Any,
    fake_lp: Path,
) -> None:
    # A cashier may not void alone: a manager approves it on the spot.
    place = cashier_place
    db = manager.database
    order_id = sell(db, cashier.staff.staff_id)
    invoice = one(db, "SELECT invoice_no FROM orders WHERE id = ?", order_id.hex)
    total = one(db, "SELECT total_minor FROM orders WHERE id = ?", order_id.hex)
    find(qtbot, place, number_of(db, order_id))
    detail = place.detail
    assert detail.void_button.isVisible()
    assert not detail.cancel_button.isVisible()

    # Without a manager's yes nothing happens.
    before = state(db)
    dialogs.type_in(ReasonDialog, "刷錯了")
    dialogs.answer(ApprovalDialog, lambda dialog: dialog.reject())
    with qtbot.waitSignal(detail.refused, timeout=WAIT_MS) as refused:
        QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert "Not approved" in refused.args[0]
    assert state(db) == before

    dialogs.type_in(ReasonDialog, "刷錯了")
    approve(dialogs)
    dialogs.answer(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 1, timeout=WAIT_MS)
    note, approver = sql(
        db, "SELECT number, approved_by FROM credit_notes WHERE order_id = ?", order_id.hex
    )[0]
    assert approver == manager.staff.staff_id.hex
    assert one(db, "SELECT status FROM orders WHERE id = ?", order_id.hex) == "cancelled"
    ((args, text),) = printed(fake_lp)
    assert args[:6] == ["-n", "1", "-t", f"Credit note {note}", "-d", "Office_A4"]
    assert "CREDIT NOTE" in text
    assert note in text
    assert invoice in text
    assert f"NT${total:,}" in text
    assert "刷錯了" in text
    qtbot.waitUntil(lambda: "Sent to Office_A4" in detail.notice.text(), timeout=WAIT_MS)
    assert "Invoice voided" in detail.body.toPlainText()

    # The credit note prints again from its own button.
    QTest.mouseClick(detail.credit_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 2, timeout=WAIT_MS)
    assert note in printed(fake_lp)[1][1]


def test_the_detail_prints_and_saves_the_invoice_and_reprints_the_receipt(
    qtbot: QtBot,
    place: OrdersPlace,
    manager: ShopContext,
    fake_lp: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = manager.database
    order_id = sell(db, manager.staff.staff_id)
    invoice = one(db, "SELECT invoice_no FROM orders WHERE id = ?", order_id.hex)
    total = one(db, "SELECT total_minor FROM orders WHERE id = ?", order_id.hex)
    names = [
        r[0] for r in sql(db, "SELECT name_zh FROM order_lines WHERE order_id = ?", order_id.hex)
    ]
    find(qtbot, place, number_of(db, order_id))
    detail = place.detail
    before = state(db)

    QTest.mouseClick(detail.invoice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 1, timeout=WAIT_MS)
    args, text = printed(fake_lp)[0]
    assert args[:4] == ["-n", "1", "-t", f"Invoice {invoice}"]
    assert invoice in text
    assert f"NT${total:,}" in text
    assert all(name in text for name in names)
    assert "副本" not in text

    target = tmp_path / "saved" / "invoice.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(DocumentPrinter, "ask_save_path", classmethod(lambda cls, *a: target))
    QTest.mouseClick(detail.save_pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"Saved as {target}" in detail.notice.text(), timeout=WAIT_MS)
    saved = pdf_text(target.read_bytes())
    assert invoice in saved

    QTest.mouseClick(detail.receipt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 2, timeout=WAIT_MS)
    args, receipt = printed(fake_lp)[1]
    assert args[:4] == ["-n", "1", "-t", "Receipt"]
    assert "副本" in receipt
    assert "COPY" in receipt

    # A printer that refuses: one sentence, nothing lost, and printing works again after.
    (fake_lp.parent / "jammed").touch()
    detail.notice.clear()
    QTest.mouseClick(detail.invoice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "The sale is saved" in detail.message.text(), timeout=WAIT_MS)
    assert "Traceback" not in detail.message.text()
    assert state(db) == before
    (fake_lp.parent / "jammed").unlink()
    QTest.mouseClick(detail.invoice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 3, timeout=WAIT_MS)
    assert state(db) == before


def test_the_fulfilment_tab_prints_a_delivery_note_per_parcel(
    qtbot: QtBot, place: OrdersPlace, manager: ShopContext, fake_lp: Path
) -> None:
    db = manager.database
    staff = manager.staff
    ids = [take(db, staff.staff_id, OrderKind.DELIVERY, paid=True).order_id for _ in range(2)]
    numbers = {number_of(db, i) for i in ids}
    view = place.fulfilment
    place.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.queue_loaded, timeout=WAIT_MS):
        view.refresh()
    view.select(ids)
    view.print_delivery_notes()
    qtbot.waitUntil(lambda: len(printed(fake_lp)) == 2, timeout=WAIT_MS)
    calls = printed(fake_lp)
    assert {args[3] for args, _ in calls} == {f"Delivery note {n}" for n in numbers}
    for args, text in calls:
        number = args[3].removeprefix("Delivery note ")
        assert number in text
        assert HOME.recipient_name in text
