"""Rights at the screens, driven with real keys: a cashier's void is blocked until a
manager approves it in the one approval dialog, and an administrator edits staff in
Settings → Staff."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from tests.shop_rows import one, sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft, commit_sale
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.orders.detail import ReasonDialog
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.places.staff_settings import StaffDialog
from shop_desktop.ui.sell.dialogs import ApprovalDialog
from shop_desktop.ui.sell.register import Register

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.ui.conftest import Dialogs, StaffContext

WAIT_MS = 20_000


def sell(db: Database, seller: uuid.UUID) -> uuid.UUID:
    """A paid take-away sale of one piece, committed as the counter does."""
    pid, sku, zh, en, price = sql(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND t.rate_bp = 0 AND p.price_minor > 0 ORDER BY p.sku LIMIT 1",
    )[0]
    line = DraftLine(
        product_id=uuid.UUID(pid), sku=sku, name_zh=zh, name_en=en, qty_milli=1000,
        unit_price_minor=price, discount_minor=0, tax_rate_bp=0, tax_minor=0,
        line_total_minor=price, promotions=[],
    )  # fmt: skip
    draft = SaleDraft(
        order_id=uuid.uuid4(), staff_id=seller, member_id=None, kind=OrderKind.TAKE_AWAY,
        lines=(line,), subtotal_minor=price, discount_minor=0, tax_minor=0,
        delivery_fee_minor=0, rounding_minor=0, total_minor=price,
        payments=(DraftPayment(PaymentMethod.CASH, price, price),),
    )  # fmt: skip
    with db.session() as session:
        return commit_sale(session, draft).order_id


def type_into(edit: QLineEdit, text: str) -> None:
    """Real keys: focus, select all, type (replacing), as a person would."""
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(edit, text)


def focused(dialog: Any) -> QLineEdit:
    widget = QApplication.focusWidget() or dialog.focusWidget()
    assert isinstance(widget, QLineEdit)
    return widget


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def open_order(qtbot: QtBot, context: ShopContext, number: str) -> OrdersPlace:
    place = OrdersPlace(context)
    qtbot.addWidget(place)
    place.retranslate()
    place.resize(1366, 768)
    place.show()
    qtbot.waitExposed(place)
    qtbot.waitUntil(lambda: place.model.rowCount() > 0, timeout=WAIT_MS)
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
    return place


def test_a_cashiers_void_is_blocked_then_approved_by_a_manager(
    qtbot: QtBot, cashier: ShopContext, dialogs: type[Dialogs], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = cashier.database
    order_id = sell(db, cashier.staff.staff_id)
    number = str(one(db, "SELECT number FROM orders WHERE id = ?", order_id.hex))
    place = open_order(qtbot, cashier, number)
    detail = place.detail
    # No printer question in this test: the credit note is not printed.
    monkeypatch.setattr("shop_desktop.ui.orders.detail.confirm", lambda *_a: False)
    written = ("credit_notes", "refunds", "outbox")
    before = [one(db, f"SELECT count(*) FROM {t}") for t in written]
    seen: list[str] = []

    # Blocked: the approval dialog comes up; another cashier cannot approve; cancelled.
    def a_cashier_tries(dialog: ApprovalDialog) -> None:
        seen.append(dialog.explain.text())
        type_into(focused(dialog), "cashier2")
        QTest.keyClick(dialog.username, Qt.Key.Key_Tab)
        type_into(focused(dialog), "cashier2")
        QTest.keyClick(focused(dialog), Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
        seen.append(dialog.problem.text())
        QTest.keyClick(focused(dialog), Qt.Key.Key_Escape)

    dialogs.type_in(ReasonDialog, "刷錯了")
    dialogs.answer(ApprovalDialog, a_cashier_tries)
    with qtbot.waitSignal(detail.refused, timeout=WAIT_MS) as refused:
        QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    assert "Voiding invoice" in seen[0]
    assert seen[1] == "Only a supervisor or manager can approve this."
    assert "Not approved" in refused.args[0]
    assert [one(db, f"SELECT count(*) FROM {t}") for t in written] == before

    # Approved: the manager types their name and password at the till.
    def the_manager_approves(dialog: ApprovalDialog) -> None:
        type_into(focused(dialog), "manager")
        QTest.keyClick(dialog.username, Qt.Key.Key_Tab)
        type_into(focused(dialog), "manager")
        QTest.keyClick(focused(dialog), Qt.Key.Key_Return)

    dialogs.type_in(ReasonDialog, "刷錯了")
    dialogs.answer(ApprovalDialog, the_manager_approves)
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        QTest.mouseClick(detail.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: one(db, "SELECT status FROM orders WHERE id = ?", order_id.hex) == "cancelled",
        timeout=WAIT_MS,
    )
    manager = one(db, "SELECT id FROM staff_users WHERE username = 'manager'")
    assert one(db, "SELECT approved_by FROM credit_notes WHERE order_id = ?", order_id.hex) == (
        manager
    )
    # The audit has both people: the cashier who asked and the manager who approved.
    staff, details = sql(
        db, "SELECT staff_id, details FROM audit_log WHERE action = 'approval' ORDER BY id"
    )[-1]
    assert staff == cashier.staff.staff_id.hex
    assert str(uuid.UUID(manager)) in details


@pytest.fixture
def admin(staff_context: StaffContext) -> ShopContext:
    return staff_context("admin")


@pytest.fixture(autouse=True)
def _keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """Settings → Server reads the device token from the keyring: a test one."""
    return memory_keyring


def settings_place(qtbot: QtBot, context: ShopContext) -> SettingsPlace:
    place = SettingsPlace(context)
    qtbot.addWidget(place)
    place.retranslate()
    place.resize(1366, 768)
    place.show()
    qtbot.waitExposed(place)
    return place


def test_an_administrator_adds_staff_in_settings(
    qtbot: QtBot, admin: ShopContext, dialogs: type[Dialogs]
) -> None:
    place = settings_place(qtbot, admin)
    staff = place.staff
    assert staff is not None
    db = admin.database
    people = one(db, "SELECT count(*) FROM staff_users")
    qtbot.waitUntil(lambda: staff.table.rowCount() == people, timeout=WAIT_MS)

    def fill_in(dialog: StaffDialog) -> None:
        type_into(dialog.username, "amy")
        dialog.display_name.insert("林艾美")  # as an input method commits Chinese text
        dialog.role.setCurrentIndex(1)  # supervisor
        type_into(dialog.refund, "8,000")
        type_into(dialog.discount, "abc")
        QTest.keyClick(dialog.discount, Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
        type_into(dialog.discount, "15")
        type_into(dialog.password, "amy-secret")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    dialogs.answer(StaffDialog, fill_in)
    with qtbot.waitSignal(staff.staff_shown, timeout=WAIT_MS):
        QTest.mouseClick(staff.add_button, Qt.MouseButton.LeftButton)

    assert staff.table.rowCount() == people + 1
    role, discount, refund, active = sql(
        db,
        "SELECT role, max_discount_bp, max_refund_minor, active FROM staff_users"
        " WHERE username = 'amy'",
    )[0]
    assert (role, discount, refund, active) == ("supervisor", 1500, 8000, 1)
    [(payload,)] = sql(db, "SELECT payload FROM outbox WHERE op_type = 'staff.edit'")
    assert "amy-secret" not in payload
    assert "Saved" in staff.note.text()


def test_only_an_administrator_sees_the_staff_list(
    qtbot: QtBot, staff_context: StaffContext
) -> None:
    assert settings_place(qtbot, staff_context("manager")).staff is None


class DrawerPrinter:
    """A raw-port thermal printer on 127.0.0.1 that keeps every connection's bytes."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.target = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed at the end of the test
            while True:
                conn, _ = self.server.accept()
                with conn:
                    chunks = []
                    while chunk := conn.recv(65536):
                        chunks.append(chunk)
                    self.received.append(b"".join(chunks))


def test_the_drawer_opens_without_a_sale_only_with_a_managers_approval(
    qtbot: QtBot, cashier: ShopContext, dialogs: type[Dialogs]
) -> None:
    printer = DrawerPrinter()
    cashier.preferences.receipt_target = printer.target
    register = Register(cashier)
    qtbot.addWidget(register)
    register.show()
    qtbot.waitExposed(register)
    db = cashier.database
    problems: list[str] = []
    register.problem.connect(problems.append)

    dialogs.answer(ApprovalDialog, lambda dialog: QTest.keyClick(dialog, Qt.Key.Key_Escape))
    register.open_drawer_without_sale()
    assert "Not approved" in problems[-1]
    assert one(db, "SELECT count(*) FROM audit_log WHERE action = 'open_drawer'") == 0

    def the_supervisor_approves(dialog: ApprovalDialog) -> None:
        type_into(focused(dialog), "supervisor")
        QTest.keyClick(dialog.username, Qt.Key.Key_Tab)
        type_into(focused(dialog), "supervisor")
        QTest.keyClick(focused(dialog), Qt.Key.Key_Return)

    dialogs.answer(ApprovalDialog, the_supervisor_approves)
    with qtbot.waitSignal(register.printer.printed, timeout=WAIT_MS):
        register.open_drawer_without_sale()
    qtbot.waitUntil(lambda: bool(printer.received), timeout=WAIT_MS)
    printer.server.close()
    assert printer.received == [b"\x1bp\x00\x19\xfa"]  # the kick, and no receipt
    staff, details = sql(
        db, "SELECT staff_id, details FROM audit_log WHERE action = 'open_drawer'"
    )[0]
    supervisor = one(db, "SELECT id FROM staff_users WHERE username = 'supervisor'")
    assert staff == cashier.staff.staff_id.hex
    assert str(uuid.UUID(supervisor)) in details
