"""Selling below zero stock at the counter and in Settings: a cashier is told which product
is short and how many are left; only a manager turns the setting on and off."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import text, update

from shop_desktop.data.db import Database
from shop_desktop.data.models import StockLevel, StockMovement
from shop_desktop.domain.cart import MILLI
from shop_desktop.services.auth import log_in
from shop_desktop.services.stock import ALLOW_NEGATIVE_KEY, set_allow_negative_stock
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.sell.register import Register

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.ui.conftest import StaffContext

WAIT_MS = 20_000
WRITTEN = ("orders", "order_lines", "payments", "stock_movements", "outbox")


def rows(database: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with database.session() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def counts(database: Database) -> dict[str, int]:
    return {t: int(rows(database, f"SELECT count(*) FROM {t}")[0][0]) for t in WRITTEN}


def stored_setting(database: Database) -> list[tuple[Any, ...]]:
    return rows(database, "SELECT value FROM local_state WHERE key = :k", k=ALLOW_NEGATIVE_KEY)


def a_product(database: Database) -> tuple[uuid.UUID, str]:
    (pid, name_en), *_ = rows(
        database,
        "SELECT id, name_en FROM products WHERE active = 1 AND weighed = 0"
        " AND price_minor > 0 ORDER BY sku LIMIT 1",
    )
    return uuid.UUID(hex=str(pid)), str(name_en)


def on_hand_is(context: ShopContext, product_id: uuid.UUID, milli: int) -> None:
    """The server's snapshot says ``milli`` and already counts every local movement."""
    branch = context.staff.branch_id
    with context.database.session() as session:
        session.execute(
            update(StockMovement)
            .where(StockMovement.product_id == product_id, StockMovement.branch_id == branch)
            .values(synced=True)
        )
        session.merge(StockLevel(branch_id=branch, product_id=product_id, on_hand_milli=milli))


def manager_turns_it_off(database: Database) -> None:
    with database.session() as session:
        manager = log_in(session, "manager", "manager")
        set_allow_negative_stock(session, False, manager)


def test_a_cashier_is_told_which_product_is_short_and_nothing_is_written(
    qtbot: QtBot, staff_context: StaffContext, demo_db: Database
) -> None:
    cashier = staff_context("cashier")
    product_id, name = a_product(demo_db)
    on_hand_is(cashier, product_id, 1 * MILLI)
    manager_turns_it_off(demo_db)

    register = Register(cashier)
    qtbot.addWidget(register)
    register.resize(700, 700)
    register.show()
    assert QTest.qWaitForWindowExposed(register)
    qtbot.waitUntil(lambda: register.rules is not None, timeout=WAIT_MS)
    for _ in range(2):
        with qtbot.waitSignal(register.cart_changed, timeout=WAIT_MS):
            op = register.add_product(product_id)
        assert op.outcome == "succeeded", op.error
    assert [item.qty_milli for item in register.cart] == [2 * MILLI]
    cart_before = register.cart.to_json()
    before = counts(demo_db)

    dialog = register.pay()
    assert dialog is not None
    dialog.tender_panel.take_cash(dialog.bill.total_minor)
    dialog.complete()
    qtbot.waitUntil(
        lambda: dialog.tender_panel.busy is None and bool(dialog.tender_panel.problem.text()),
        timeout=WAIT_MS,
    )
    said = dialog.tender_panel.problem.text()
    assert said.startswith("Not enough stock for ")
    assert f"{name} (only 1 left, 2 in the cart)" in said
    assert "Selling below zero stock is turned off" in said
    assert dialog.isVisible()
    assert counts(demo_db) == before

    dialog.reject()
    qtbot.waitUntil(lambda: register.checkout_dialog is None, timeout=WAIT_MS)
    assert register.cart.to_json() == cart_before


def open_settings(qtbot: QtBot, context: ShopContext) -> SettingsPlace:
    """The Settings place, once the stock setting has been read."""
    place = SettingsPlace(context)
    qtbot.addWidget(place)
    panel = place.stock
    qtbot.waitUntil(lambda: panel.last_op is not None and panel.last_op.outcome is not None)
    return place


def test_a_manager_turns_selling_below_zero_off_and_on(
    qtbot: QtBot,
    staff_context: StaffContext,
    demo_db: Database,
    memory_keyring: MemoryKeyring,
) -> None:
    manager = staff_context("manager")
    place = open_settings(qtbot, manager)
    panel = place.stock
    box = panel.allow_negative
    assert box.text() == "Allow selling below zero stock (reported after sync)"
    assert box.isEnabled()
    assert box.isChecked()  # today's behaviour until someone says otherwise

    with qtbot.waitSignal(panel.setting_shown, timeout=WAIT_MS) as shown:
        box.click()
    assert shown.args == [False]
    assert not box.isChecked()
    assert box.isEnabled()
    assert stored_setting(demo_db) == [('{"value": false}',)]
    audit = rows(
        demo_db,
        "SELECT staff_id, entity_id FROM audit_log WHERE action = 'setting_changed' ORDER BY id",
    )
    assert audit == [(manager.staff.staff_id.hex, ALLOW_NEGATIVE_KEY)]

    with qtbot.waitSignal(panel.setting_shown, timeout=WAIT_MS) as shown:
        box.click()
    assert shown.args == [True]
    assert box.isChecked()
    assert stored_setting(demo_db) == [('{"value": true}',)]

    # Another visit to Settings reads what was stored.
    manager_turns_it_off(demo_db)
    again = open_settings(qtbot, manager)
    assert not again.stock.allow_negative.isChecked()


def test_a_cashier_sees_the_setting_but_cannot_change_it(
    qtbot: QtBot,
    staff_context: StaffContext,
    demo_db: Database,
    memory_keyring: MemoryKeyring,
) -> None:
    manager_turns_it_off(demo_db)
    place = open_settings(qtbot, staff_context("cashier"))
    panel = place.stock
    box = panel.allow_negative
    assert not box.isChecked()
    assert not box.isEnabled()
    assert panel.note.text() == "Only a manager can change this."
    box.click()  # a disabled box ignores it
    assert panel.choose(True) is None
    assert not box.isChecked()
    assert stored_setting(demo_db) == [('{"value": false}',)]
