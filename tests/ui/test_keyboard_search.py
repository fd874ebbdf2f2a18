"""The search box at the counter, by keyboard only (issue 12, item 5).

Enter adds the only or the highlighted result; with the suggestions open,
Down then Enter adds that product (the query stays); Esc closes the
suggestions first and clears the query second; after a product is added --
by Enter, a suggestion, a double-click or a scan -- the keys go to the search
box again. Every key is a real key event where Qt would send it
(:mod:`tests.ui.keyboard`).
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.shop_rows import one, sql
from tests.ui.conftest import StaffContext
from tests.ui.keyboard import CTRL, Keyboard
from tests.ui.test_sale import counter

from shop_desktop.data import search_index
from shop_desktop.data.db import Database
from shop_desktop.domain.cart import MILLI
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.dialogs import QuantityDialog
from shop_desktop.ui.tasks import BackgroundOp


@pytest.fixture
def cashier(staff_context: StaffContext, demo_db: Database) -> ShopContext:
    # Names are found through the search index, which the template ships empty.
    conn = sqlite3.connect(demo_db.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        search_index.rebuild(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return staff_context("cashier")


@pytest.fixture
def place(qtbot: QtBot, cashier: ShopContext) -> SellPlace:
    return counter(qtbot, cashier)


@pytest.fixture
def keys(qtbot: QtBot, place: SellPlace) -> Keyboard:
    keyboard = Keyboard(qtbot)
    keyboard.press(Qt.Key.Key_F, CTRL)
    keyboard.wait_focus(place.browser.search)
    return keyboard


def skus_in_cart(place: SellPlace) -> list[str]:
    return [item.product.sku for item in place.register.cart.items]


def test_enter_adds_the_only_result_and_the_cursor_stays_in_the_search(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    sku = one(demo_db, "SELECT sku FROM products WHERE weighed = 0 ORDER BY sku LIMIT 1 OFFSET 20")
    keys.type_in(sku)
    # At once, before the results are in: Enter counts when they come.
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: skus_in_cart(place) == [sku])
    search = place.browser.search
    assert keys.focused() is search
    assert search.selectedText() == sku  # typing replaces the query just used
    keys.type_in("x")
    assert search.text() == "x"


def test_enter_highlights_the_first_of_several_and_a_second_enter_adds_it(
    place: SellPlace, keys: Keyboard
) -> None:
    browser = place.browser
    keys.type_in("kuang chuan")
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: browser.highlighted_product() is not None)
    assert browser.model.rowCount() > 1
    assert place.register.cart.is_empty
    first = browser.model.product_id(0)
    assert browser.highlighted_product() == first
    assert keys.focused() is browser.search
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: not place.register.cart.is_empty)
    assert [item.product.product_id for item in place.register.cart.items] == [first]
    assert keys.focused() is browser.search


def suggestions_open(place: SellPlace) -> bool:
    return QApplication.activePopupWidget() is place.browser.suggestion_list


def test_down_then_enter_in_the_suggestions_adds_that_product_and_keeps_the_query(
    place: SellPlace, keys: Keyboard
) -> None:
    browser = place.browser
    keys.type_in("kuang")
    keys.wait_until(lambda: suggestions_open(place))
    # Nothing is highlighted until Down: the first line is a product, not a brand.
    assert not browser.suggestion_list.currentIndex().isValid()
    keys.press(Qt.Key.Key_Down)
    chosen = browser.suggestion_list.currentIndex()
    assert chosen.isValid()
    wanted_text = str(chosen.data())
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: not place.register.cart.is_empty)
    (item,) = place.register.cart.items
    assert item.product.sku in wanted_text
    assert item.product.name_en in wanted_text
    assert not suggestions_open(place)
    assert browser.search.text() == "kuang"  # the query was not replaced by the name
    assert keys.focused() is browser.search


def test_esc_closes_the_suggestions_first_then_clears_the_query(
    qtbot: QtBot, place: SellPlace, keys: Keyboard
) -> None:
    browser = place.browser
    keys.type_in("kuang")
    keys.wait_until(lambda: suggestions_open(place))
    keys.press(Qt.Key.Key_Escape)
    assert not suggestions_open(place)
    assert browser.search.text() == "kuang"
    keys.press(Qt.Key.Key_Escape)
    assert browser.search.text() == ""
    assert keys.focused() is browser.search
    # Suggestions still on their way for "kuang" must not pop up over the empty box.
    keys.type_in("ku")
    keys.press(Qt.Key.Key_Escape)  # closes them if they came, else clears
    keys.press(Qt.Key.Key_Escape)
    keys.wait_until(lambda: browser.search.text() == "")
    qtbot.waitUntil(lambda: not browser._complete_timer.isActive(), timeout=5_000)
    keys.wait_until(lambda: not browser.model.loading)
    assert not suggestions_open(place)


def test_enter_with_the_suggestions_open_and_none_highlighted_is_the_search_boxs(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    sku = one(demo_db, "SELECT sku FROM products WHERE weighed = 0 ORDER BY sku LIMIT 1 OFFSET 40")
    keys.type_in(sku[:-1])
    keys.type_in(sku[-1])
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: skus_in_cart(place) == [sku])
    assert not suggestions_open(place)


def test_after_a_double_click_or_a_scan_the_keys_go_to_the_search_box(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    browser = place.browser
    keys.wait_until(lambda: browser.model.rowCount() > 3 and not browser.model.loading)
    spot = browser.results.visualRect(browser.model.index(2, 0)).center()
    viewport = browser.results.viewport()
    # As a mouse sends a double-click: a click, then the second press as a double-click.
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    keys.wait_until(lambda: len(place.register.cart) == 1)
    assert keys.focused() is browser.search
    # Down into the results, Enter: added, and back in the search box.
    keys.press(Qt.Key.Key_Down)
    assert keys.focused() is browser.results
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: len(place.register.cart) == 2)
    assert keys.focused() is browser.search
    # A scan while the cart has the keys: the search box has them after.
    table = place.register.panel().table
    table.setFocus()
    keys.wait_focus(table)
    code = one(
        demo_db,
        "SELECT min(b.code) FROM product_barcodes b JOIN products p ON p.id = b.product_id"
        " WHERE p.weighed = 0 AND length(b.code) = 13 AND p.sku > 'P0000300'",
    )
    keys.scan(str(code))
    keys.wait_until(lambda: len(place.register.cart) == 3)
    assert keys.focused() is browser.search
    # Esc in the results goes back to the search box too.
    keys.press(Qt.Key.Key_Down)
    assert keys.focused() is browser.results
    keys.press(Qt.Key.Key_Escape)
    assert keys.focused() is browser.search


def test_the_counters_shortcuts_win_over_the_search_boxs_editing_keys(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    """Ctrl+Del, Ctrl+Z and Ctrl+U act on the cart even while the cursor is in the query
    (a line edit takes Ctrl+Z and Ctrl+Del for itself, and Ctrl+U on X11)."""
    sku = one(demo_db, "SELECT sku FROM products WHERE weighed = 0 ORDER BY sku LIMIT 1 OFFSET 60")
    keys.type_in(sku)
    keys.press(Qt.Key.Key_Return)
    keys.wait_until(lambda: skus_in_cart(place) == [sku])
    search = place.browser.search
    keys.type_in("kua")
    assert keys.focused() is search
    keys.press(Qt.Key.Key_Delete, CTRL)
    keys.wait_until(lambda: place.register.cart.is_empty)
    assert search.text() == "kua"
    keys.press(Qt.Key.Key_Z, CTRL)
    keys.wait_until(lambda: skus_in_cart(place) == [sku])
    assert search.text() == "kua"
    with keys.in_dialog(QuantityDialog, Qt.Key.Key_Escape) as seen:
        keys.press(Qt.Key.Key_U, CTRL)
    assert isinstance(seen[1], QuantityDialog)
    assert search.text() == "kua"


def test_a_scan_while_the_suggestions_are_open_adds_the_scanned_product(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    """The popup has the keys while it is open; the scanner's burst still counts."""
    browser = place.browser
    keys.type_in("kuang")
    keys.wait_until(lambda: suggestions_open(place))
    sku, code = sql(
        demo_db,
        "SELECT p.sku, min(b.code) FROM product_barcodes b JOIN products p"
        " ON p.id = b.product_id WHERE p.weighed = 0 AND length(b.code) = 13"
        " GROUP BY p.id ORDER BY p.sku LIMIT 1 OFFSET 80",
    )[0]
    keys.scan(str(code))
    keys.wait_until(lambda: skus_in_cart(place) == [sku])
    assert browser.search.text() == "kuang"  # the scanner's digits were taken back out
    assert not suggestions_open(place)
    assert keys.focused() is browser.search


def test_a_stray_enter_in_the_empty_search_box_adds_nothing(
    place: SellPlace, keys: Keyboard, demo_db: Database
) -> None:
    """After a scan its product is highlighted in the shelf; Enter with no query is no choice."""
    browser = place.browser
    keys.wait_until(lambda: browser.model.rowCount() > 3 and not browser.model.loading)
    shown = browser.model.product_id(2)
    assert shown is not None
    code = one(
        demo_db,
        "SELECT min(code) FROM product_barcodes WHERE product_id = ? AND length(code) = 13",
        shown.hex,
    )
    keys.scan(str(code))
    keys.wait_until(lambda: len(place.register.cart) == 1)
    assert browser.highlighted_product() == shown
    assert browser.search.text() == ""
    keys.press(Qt.Key.Key_Return)
    # Whatever the Enter started (an add would load the product first) has finished.
    keys.wait_until(lambda: not BackgroundOp.running())
    assert place.register.cart.items[0].qty_milli == MILLI
    assert len(place.register.cart) == 1
