"""A whole sale by keyboard only, as issue 12 asks to be done: the first "done when".

Three items -- a barcode scan through the keyboard wedge, a search and Enter,
a quantity through Ctrl+U -- make a bill of exactly NT$259. Cash: 500 typed
and Enter shows "Change NT$241" before anything is written, and only F9
completes; the change then stays on the counter until the next item. Card:
approval code and last four digits, Enter takes the card but never completes;
the order's kind and the buyer's tax ID are still changed after the last
tender, and F9 completes. Each order is read back with SQL.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy import text
from tests.shop_rows import one, sql
from tests.ui.conftest import StaffContext
from tests.ui.keyboard import CTRL, Keyboard, screen_texts, shows
from tests.ui.test_sale import counter

from shop_desktop.data.db import Database
from shop_desktop.domain.cart import MILLI
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.dialogs import QuantityDialog

#: The bill: one scanned at NT$59, two searched for at NT$100.
SCANNED_PRICE = 59
SEARCHED_PRICE = 100
BILL = SCANNED_PRICE + 2 * SEARCHED_PRICE
assert BILL == 259


@dataclass(frozen=True)
class Goods:
    scanned_id: uuid.UUID
    scanned_code: str
    searched_id: uuid.UUID
    searched_sku: str


def untouched_by_promotions(database: Database) -> list[tuple[str, str, str]]:
    """(id, sku, barcode) of piece goods no promotion of the demo shop applies to."""
    categories: set[str] = set()
    brands: set[str] = set()
    for (rule,) in sql(database, "SELECT rule FROM promotions"):
        target = json.loads(rule).get("target", {})
        categories.update(uuid.UUID(c).hex for c in target.get("category_ids", []))
        brands.update(uuid.UUID(b).hex for b in target.get("brand_ids", []))
    # A promotion on a category covers the categories under it.
    tree = dict(sql(database, "SELECT id, parent_id FROM categories"))

    def promoted(category: str | None) -> bool:
        while category is not None:
            if category in categories:
                return True
            category = tree.get(category)
        return False

    found = []
    for pid, sku, category, brand, code in sql(
        database,
        "SELECT p.id, p.sku, p.category_id, p.brand_id, min(b.code) FROM products p"
        " JOIN product_barcodes b ON b.product_id = p.id"
        " WHERE p.active = 1 AND p.weighed = 0 AND length(b.code) = 13"
        " GROUP BY p.id ORDER BY p.sku",
    ):
        if not promoted(category) and brand not in brands:
            found.append((pid, sku, code))
    return found


@pytest.fixture
def goods(demo_db: Database) -> Goods:
    """Two products priced so the bill is NT$259, set before the counter opens."""
    candidates = untouched_by_promotions(demo_db)
    (a_id, _a_sku, a_code), (b_id, b_sku, _b_code) = candidates[3], candidates[11]
    with demo_db.session() as session:
        for pid, price in ((a_id, SCANNED_PRICE), (b_id, SEARCHED_PRICE)):
            session.execute(
                text(
                    "UPDATE products SET price_minor = :price, member_price_minor = NULL"
                    " WHERE id = :id"
                ),
                {"price": price, "id": pid},
            )
        session.commit()
    return Goods(uuid.UUID(hex=a_id), a_code, uuid.UUID(hex=b_id), b_sku)


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def ring_up(qtbot: QtBot, place: SellPlace, keys: Keyboard, goods: Goods) -> None:
    """Scan, search + Enter, Ctrl+U 2 Enter: a bill of NT$259 on screen."""
    register = place.register
    search = place.browser.search
    keys.press(Qt.Key.Key_F, CTRL)
    keys.wait_focus(search)

    keys.scan(goods.scanned_code)
    keys.wait_until(lambda: len(register.cart) == 1)
    assert keys.focused() is search

    keys.type_in(goods.searched_sku)
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: len(register.cart) == 2)
    assert keys.focused() is search

    # Ctrl+U straight from the search box: the line just added.
    with keys.in_dialog(QuantityDialog, "2", Qt.Key.Key_Return) as seen:
        keys.press(Qt.Key.Key_U, CTRL)
    first_field, dialog = seen
    assert isinstance(dialog, QuantityDialog)
    assert first_field is dialog.edit
    keys.wait_until(lambda: register.cart.items[1].qty_milli == 2 * MILLI)
    assert [(i.product.product_id, i.qty_milli) for i in register.cart.items] == [
        (goods.scanned_id, MILLI),
        (goods.searched_id, 2 * MILLI),
    ]
    keys.wait_shown(register, "Total NT$259")


def open_payment(keys: Keyboard) -> CheckoutDialog:
    keys.press(Qt.Key.Key_F9)
    dialog = keys.wait_modal(CheckoutDialog)
    assert isinstance(dialog, CheckoutDialog)
    return dialog


def orders(database: Database) -> int:
    return int(one(database, "SELECT count(*) FROM orders"))


def committed_lines(database: Database, order_id: str) -> list[tuple[str, int, int]]:
    return [
        (uuid.UUID(hex=pid).hex, qty, total)
        for pid, qty, total in sql(
            database,
            "SELECT product_id, qty_milli, line_total_minor FROM order_lines"
            " WHERE order_id = ? ORDER BY product_id",
            order_id,
        )
    ]


def test_a_keyboard_only_sale_paid_in_cash_shows_the_change_before_f9(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, goods: Goods
) -> None:
    place = counter(qtbot, cashier)
    keys = Keyboard(qtbot)
    ring_up(qtbot, place, keys, goods)
    before = orders(demo_db)

    dialog = open_payment(keys)
    panel = dialog.tender_panel
    assert keys.focused() is panel.cash_received
    # Nothing paid yet: F9 says what is missing, and "Complete" cannot be pressed.
    assert not dialog.complete_button.isEnabled()
    keys.press(Qt.Key.Key_F9)
    keys.wait_shown(dialog, "NT$259 is still to be paid.")
    keys.type_in("500")
    keys.press(Qt.Key.Key_Return)
    keys.wait_shown(dialog, "Change NT$241")
    assert panel.change_label.isVisible()
    assert dialog.complete_button.isEnabled()
    assert shows(dialog, "Still to pay NT$0")
    # Enter again takes nothing and completes nothing: the change stays up.
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert orders(demo_db) == before
    assert shows(dialog, "Change NT$241")

    keys.press(Qt.Key.Key_F9)
    keys.wait_until(lambda: orders(demo_db) == before + 1)
    keys.wait_until(lambda: not isValid(dialog) or not dialog.isVisible())
    # The change stays on the counter, in large type, over the next (empty) cart.
    register = place.register
    keys.wait_shown(register.change_due, "Change NT$241")
    assert register.change_due.isVisible()
    assert register.change_due.amount.font().pointSizeF() >= 2.5 * QApplication.font().pointSizeF()
    assert keys.focused() is place.browser.search

    order_id, total, kind = sql(
        demo_db, "SELECT id, total_minor, kind FROM orders ORDER BY rowid DESC LIMIT 1"
    )[0]
    assert (total, kind) == (BILL, "take_away")
    assert committed_lines(demo_db, order_id) == sorted(
        [
            (goods.scanned_id.hex, MILLI, SCANNED_PRICE),
            (goods.searched_id.hex, 2 * MILLI, 2 * SEARCHED_PRICE),
        ]
    )
    assert sql(
        demo_db,
        "SELECT method, amount_minor, tendered_minor, change_minor FROM payments"
        " WHERE order_id = ?",
        order_id,
    ) == [("cash", BILL, 500, 241)]

    # The next customer's first item takes the change down.
    keys.scan(goods.scanned_code)
    keys.wait_until(lambda: len(register.cart) == 1)
    assert not register.change_due.isVisible()
    assert not any("241" in shown for shown in screen_texts(register))


def test_a_keyboard_only_sale_by_card_completes_only_on_f9_with_kind_and_tax_id_changed_last(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, goods: Goods
) -> None:
    place = counter(qtbot, cashier)
    keys = Keyboard(qtbot)
    ring_up(qtbot, place, keys, goods)
    before = orders(demo_db)

    dialog = open_payment(keys)
    panel = dialog.tender_panel
    keys.press(Qt.Key.Key_F2)
    assert keys.focused() is panel.card_amount  # empty: what is still to pay
    keys.tab_to(panel.card_approval)
    keys.type_in("A12345")
    keys.tab_to(panel.card_last4)
    keys.type_in("4242")
    keys.press(Qt.Key.Key_Return)
    keys.wait_shown(dialog, "Still to pay NT$0")
    assert len(panel.tenders) == 1
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert orders(demo_db) == before

    # After the last tender the order is still the cashier's to change: pick-up later,
    # with the customer's name, and the buyer's tax ID.
    keys.tab_to(dialog.kind)
    assert dialog.kind.isEnabled()
    keys.press(Qt.Key.Key_Down)  # take away -> pick up later (paid now)
    keys.wait_until(dialog.recipient.isVisible)
    keys.tab_to(dialog.recipient)
    keys.type_in("Lin")
    keys.tab_to(dialog.buyer_tax_id)
    keys.type_in("12345675")
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert orders(demo_db) == before

    keys.press(Qt.Key.Key_F9)
    keys.wait_until(lambda: orders(demo_db) == before + 1)
    keys.wait_until(lambda: not isValid(dialog) or not dialog.isVisible())
    order_id, total, kind, tax_id = sql(
        demo_db,
        "SELECT id, total_minor, kind, buyer_tax_id FROM orders ORDER BY rowid DESC LIMIT 1",
    )[0]
    assert (total, kind, tax_id) == (BILL, "pick_up", "12345675")
    assert len(committed_lines(demo_db, order_id)) == 2
    assert sql(
        demo_db,
        "SELECT method, amount_minor, reference, card_last4, change_minor FROM payments"
        " WHERE order_id = ?",
        order_id,
    ) == [("card", BILL, "A12345", "4242", 0)]
    # No change to give: nothing stays over the next cart.
    assert not place.register.change_due.isVisible()
