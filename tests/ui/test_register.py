"""The register: carts in tabs, line changes with their limits, approval, undo, parking."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from shop_desktop.data.db import Database
from shop_desktop.domain.cart import MILLI
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sell.dialogs import (
    ApprovalDialog,
    DiscountDialog,
    PriceDialog,
    QuantityDialog,
)
from shop_desktop.ui.sell.register import Register

WAIT_MS = 20_000

if TYPE_CHECKING:
    from tests.ui.conftest import Dialogs, StaffContext


def products(database: Database, count: int, *, weighed: bool = False) -> list[uuid.UUID]:
    with database.session() as session:
        rows = session.execute(
            text(
                "SELECT id FROM products WHERE active = 1 AND weighed = :w AND price_minor > 0"
                " ORDER BY sku LIMIT :n"
            ),
            {"w": weighed, "n": count},
        ).scalars()
        return [uuid.UUID(hex=str(r)) for r in rows]


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def open_register(qtbot: QtBot, context: ShopContext) -> Register:
    register = Register(context)
    qtbot.addWidget(register)
    register.resize(700, 700)
    register.show()
    assert QTest.qWaitForWindowExposed(register)
    qtbot.waitUntil(lambda: register.rules is not None, timeout=WAIT_MS)
    return register


@pytest.fixture
def register(qtbot: QtBot, cashier: ShopContext) -> Register:
    return open_register(qtbot, cashier)


def add(qtbot: QtBot, register: Register, product_id: uuid.UUID) -> None:
    with qtbot.waitSignal(register.cart_changed, timeout=WAIT_MS):
        op = register.add_product(product_id)
    assert op.outcome == "succeeded", op.error


def shown_total(register: Register) -> str:
    return register.panel().totals.total.text()


def test_lines_and_the_bill_follow_every_change(
    qtbot: QtBot, register: Register, demo_db: Database
) -> None:
    first, second = products(demo_db, 2)
    add(qtbot, register, first)
    add(qtbot, register, first)
    add(qtbot, register, second)
    cart, bill = register.cart, register.bill
    assert bill is not None
    assert [i.qty_milli for i in cart] == [2 * MILLI, MILLI]
    assert register.panel().model.rowCount() == 2
    assert bill.total_minor == sum(line.total_minor for line in bill.lines)
    assert str(bill.total_minor) in shown_total(register).replace(",", "")
    # + and - on the cart table step the current line.
    table = register.panel().table
    table.setFocus()
    table.selectRow(0)
    QTest.keyClick(table, Qt.Key.Key_Plus)
    assert register.cart.items[0].qty_milli == 3 * MILLI
    QTest.keyClick(table, Qt.Key.Key_Minus)
    QTest.keyClick(table, Qt.Key.Key_Minus)
    QTest.keyClick(table, Qt.Key.Key_Minus)  # would be zero: refused, the line stays
    assert register.cart.items[0].qty_milli == MILLI
    # Undo walks back through the changes.
    register.undo()
    assert register.cart.items[0].qty_milli == 2 * MILLI
    register.remove_line()
    assert len(register.cart) == 1


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0", "cannot be zero"),
        ("-2", "cannot be negative"),
        ("1.5", "by the piece"),
        ("99999999", "too large"),
        ("two", "Type a number"),
    ],
)
def test_a_bad_quantity_is_explained_and_changes_nothing(
    qtbot: QtBot,
    register: Register,
    demo_db: Database,
    typed: str,
    problem: str,
    dialogs: type[Dialogs],
) -> None:
    (product,) = products(demo_db, 1)
    add(qtbot, register, product)
    before = register.cart.to_json()
    seen: list[str] = []

    def fill(dialog: QuantityDialog) -> None:
        dialog.edit.setText(typed)
        dialog.accept()
        seen.append(dialog.problem.text())
        assert dialog.isVisible()  # still open for another try
        dialog.reject()

    dialogs.answer(QuantityDialog, fill)
    register.change_quantity()
    assert seen
    assert problem in seen[0]
    assert register.cart.to_json() == before


def test_a_weight_is_typed_for_weighed_goods(
    qtbot: QtBot, register: Register, demo_db: Database, dialogs: type[Dialogs]
) -> None:
    (apples,) = products(demo_db, 1, weighed=True)
    dialogs.type_in(QuantityDialog, "1.25")
    add(qtbot, register, apples)
    assert [i.qty_milli for i in register.cart] == [1250]


def test_a_discount_beyond_the_cashiers_limit_needs_a_manager(
    qtbot: QtBot, register: Register, demo_db: Database, dialogs: type[Dialogs]
) -> None:
    (product,) = products(demo_db, 1)
    add(qtbot, register, product)
    before = register.cart.to_json()
    problems: list[str] = []
    register.problem.connect(problems.append)

    # Refused: the manager does not come.
    dialogs.type_in(DiscountDialog, "10")
    dialogs.answer(ApprovalDialog, lambda d: d.reject())
    register.discount_line()
    assert register.cart.to_json() == before
    assert problems
    assert "Not approved" in problems[-1]

    # Wrong password, then the supervisor's own.
    def approve(dialog: ApprovalDialog) -> None:
        dialog.username.setText("supervisor")
        dialog.password.setText("wrong")
        dialog.accept()
        qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
        assert "Wrong user name or password" in dialog.problem.text()
        dialog.password.setText("supervisor")
        dialog.accept()

    dialogs.type_in(DiscountDialog, "10")
    dialogs.answer(ApprovalDialog, approve)
    register.discount_line()
    (item,) = register.cart.items
    assert item.manual_discount_bp == 1000
    assert item.approved_by is not None
    bill = register.bill
    assert bill is not None
    assert any(d.promotion_id is None for d in bill.lines[0].discounts)


def test_a_price_override_beyond_any_limit_is_refused(
    qtbot: QtBot, register: Register, demo_db: Database, dialogs: type[Dialogs]
) -> None:
    (product,) = products(demo_db, 1)
    add(qtbot, register, product)
    before = register.cart.to_json()

    def too_deep(dialog: ApprovalDialog) -> None:
        # The supervisor may give 10 %; selling at 0 is 100 %.
        dialog.username.setText("supervisor")
        dialog.password.setText("supervisor")
        dialog.accept()
        qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
        assert "beyond that manager's own limit" in dialog.problem.text()
        dialog.reject()

    dialogs.type_in(PriceDialog, "0")
    dialogs.answer(ApprovalDialog, too_deep)
    register.change_price()
    assert register.cart.to_json() == before


def test_carts_in_tabs(qtbot: QtBot, register: Register, demo_db: Database) -> None:
    first, second = products(demo_db, 2)
    add(qtbot, register, first)
    problems: list[str] = []
    register.problem.connect(problems.append)
    register.close_cart(0)
    assert register.tabs.count() == 1  # not closed: it has items
    assert problems
    register.new_cart()
    add(qtbot, register, second)
    assert register.tabs.count() == 2
    assert [len(p.cart) for p in register.panels()] == [1, 1]
    register.tabs.setCurrentIndex(0)
    assert register.cart.items[0].product.product_id == first


def test_a_parked_cart_survives_a_restart_and_is_recalled_once(
    qtbot: QtBot, register: Register, cashier: ShopContext, demo_db: Database
) -> None:
    first, second = products(demo_db, 2)
    add(qtbot, register, first)
    add(qtbot, register, second)
    register.set_member(None)
    parked_json = register.cart.to_json()
    cart_id = register.cart.cart_id
    with qtbot.waitSignal(register.notice, timeout=WAIT_MS):
        register.park()
    assert all(p.cart.cart_id != cart_id for p in register.panels())

    # Another register (as after a restart) over the same file.
    register.close()
    again = open_register(qtbot, cashier)
    with qtbot.waitSignal(again.cart_changed, timeout=WAIT_MS):
        again.recall_cart(cart_id)
    qtbot.waitUntil(lambda: again.cart.cart_id == cart_id, timeout=WAIT_MS)
    recalled = again.cart.to_json()
    assert recalled["items"] == parked_json["items"]
    problems: list[str] = []
    again.problem.connect(problems.append)
    op = again.recall_cart(cart_id)
    qtbot.waitUntil(lambda: op.outcome is not None, timeout=WAIT_MS)
    assert problems
    assert "already recalled" in problems[-1]


def test_paying_for_an_empty_cart_is_refused(register: Register) -> None:
    problems: list[str] = []
    register.problem.connect(problems.append)
    assert register.pay() is None
    assert problems == ["The cart is empty."]


def choose_delivery(register: Register, code: str, zone: str = "") -> None:
    panel = register.panel()
    panel.delivery.setCurrentIndex(panel.delivery.findData(code))
    panel.zone.setText(zone)
    panel.delivery.activated.emit(panel.delivery.currentIndex())


def test_a_delivery_fee_is_on_the_bill_and_its_zone_must_exist(
    qtbot: QtBot, register: Register, demo_db: Database
) -> None:
    (product,) = products(demo_db, 1)
    add(qtbot, register, product)
    bill = register.bill
    assert bill is not None
    without = bill.total_minor
    choose_delivery(register, "FLAT100")
    bill = register.bill
    assert bill is not None
    assert bill.delivery_fee_minor == 100
    assert bill.total_minor == without + 100
    assert ("Delivery fee", "NT$100") in register.panel().totals.rows()

    problems: list[str] = []
    register.problem.connect(problems.append)
    choose_delivery(register, "ZONE", "NOWHERE")
    assert register.panel().zone.isVisible()
    assert problems
    assert "no delivery to zone NOWHERE" in problems[-1]
    assert register.pay() is None  # not payable while the zone has no fee
    choose_delivery(register, "ZONE", "KNH")
    bill = register.bill
    assert bill is not None
    assert bill.delivery_fee_minor == 300
    register.undo()
    register.undo()
    bill = register.bill
    assert bill is not None
    assert bill.delivery_fee_minor == 100
