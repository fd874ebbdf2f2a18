"""A product with nothing in stock here goes into the cart: the counter says so at once,
without stopping the sale, in words that match this till's "sell below zero" setting
(issue 12, item 11). Where selling below zero is off, payment is still refused."""

from __future__ import annotations

import uuid

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from tests.ui.conftest import StaffContext
from tests.ui.test_stock_policy_ui import a_product, manager_turns_it_off, on_hand_is

from shop_desktop.data.db import Database
from shop_desktop.domain.cart import MILLI
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.sell import SellPlace

WAIT_MS = 20_000


def sell_place(qtbot: QtBot, context: ShopContext) -> SellPlace:
    place = SellPlace(context)
    qtbot.addWidget(place)
    place.resize(1366, 700)
    place.show()
    assert QTest.qWaitForWindowExposed(place)
    qtbot.waitUntil(lambda: place.register.rules is not None, timeout=WAIT_MS)
    return place


def add(qtbot: QtBot, place: SellPlace, product_id: uuid.UUID) -> None:
    with qtbot.waitSignal(place.register.cart_changed, timeout=WAIT_MS):
        op = place.register.add_product(product_id)
    assert op.outcome == "succeeded", op.error


def test_nothing_in_stock_here_is_said_as_it_goes_into_the_cart(
    qtbot: QtBot, staff_context: StaffContext, demo_db: Database
) -> None:
    cashier = staff_context("cashier")
    product_id, name = a_product(demo_db)
    on_hand_is(cashier, product_id, 0)
    place = sell_place(qtbot, cashier)

    with qtbot.waitSignal(place.register.problem, timeout=WAIT_MS) as said:
        add(qtbot, place, product_id)
    assert said.args == [
        f"Not in stock here: {name} (0 on hand). You can still sell it; the stock count"
        " goes below zero."
    ]
    assert place.banner.isVisible()
    assert place.banner.text() == said.args[0]
    # A warning, not a refusal: the line is in the cart.
    assert [item.qty_milli for item in place.register.cart] == [MILLI]


def test_stock_running_out_in_the_cart_is_said_once_it_does(
    qtbot: QtBot, staff_context: StaffContext, demo_db: Database
) -> None:
    cashier = staff_context("cashier")
    product_id, name = a_product(demo_db)
    on_hand_is(cashier, product_id, 1 * MILLI)
    place = sell_place(qtbot, cashier)
    warnings: list[str] = []
    place.register.problem.connect(warnings.append)

    add(qtbot, place, product_id)  # the one on the shelf: nothing to say
    assert warnings == []
    assert not place.banner.isVisible()
    add(qtbot, place, product_id)
    assert warnings == [
        f"Only 1 of {name} in stock here. You can still sell it; the stock count goes below zero."
    ]
    assert [item.qty_milli for item in place.register.cart] == [2 * MILLI]


def test_where_selling_below_zero_is_off_the_warning_says_payment_will_be_refused(
    qtbot: QtBot, staff_context: StaffContext, demo_db: Database
) -> None:
    cashier = staff_context("cashier")
    product_id, name = a_product(demo_db)
    on_hand_is(cashier, product_id, -2 * MILLI)
    manager_turns_it_off(demo_db)
    i18n.switch_language(i18n.ZH_TW)
    place = sell_place(qtbot, cashier)

    with qtbot.waitSignal(place.register.problem, timeout=WAIT_MS) as said:
        add(qtbot, place, product_id)
    text = said.args[0]
    assert "-2" in text
    assert name not in text  # the Chinese name, in a Chinese sentence
    assert place.banner.text() == text

    # The refusal stays where it was: at payment, nothing is written.
    dialog = place.register.pay()
    assert dialog is not None
    dialog.tender_panel.take_cash(dialog.bill.total_minor)
    dialog.complete()
    qtbot.waitUntil(
        lambda: dialog.tender_panel.busy is None and bool(dialog.tender_panel.problem.text()),
        timeout=WAIT_MS,
    )
    assert dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: place.register.checkout_dialog is None, timeout=WAIT_MS)
