"""Every dialog of the counter opens with the cursor in its first field, the value selected.

Opened as a cashier opens them, by their shortcuts on the Sell place; the check
reads the widget the dialog gives the keyboard to, then types over the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from tests.ui.conftest import StaffContext
from tests.ui.test_sale import WAIT_MS, barcodes, counter, press, scan

from shop_desktop.data.db import Database
from shop_desktop.domain.cart import MILLI
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sell.dialogs import (
    ApprovalDialog,
    CouponDialog,
    DiscountDialog,
    MemberDialog,
    NoteDialog,
    PriceDialog,
    QuantityDialog,
    RecallDialog,
)


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def check_focus_then_close(
    seen: list[str], field: Callable[[Any], QLineEdit], typed: str | None = None
) -> Callable[[Any], None]:
    def act(dialog: Any) -> None:
        edit = field(dialog)
        # The widget the window gives the keyboard to (the offscreen platform has no
        # window manager, so the dialog may not be the active window yet).
        focused = dialog.focusWidget()
        seen.append(
            f"{type(dialog).__name__}: focus={focused is edit}"
            f" selected={edit.selectedText() == edit.text()}"
        )
        if typed is None:
            dialog.reject()
            return
        QTest.keyClicks(edit, typed)  # replaces the selected value
        QTest.keyClick(edit, Qt.Key.Key_Return)

    return act


SHORTCUTS = [
    (QuantityDialog, Qt.Key.Key_U, lambda d: d.edit),
    (DiscountDialog, Qt.Key.Key_D, lambda d: d.edit),
    (PriceDialog, Qt.Key.Key_R, lambda d: d.edit),
    (NoteDialog, Qt.Key.Key_N, lambda d: d.edit),
    (CouponDialog, Qt.Key.Key_K, lambda d: d.edit),
]


@pytest.mark.parametrize(
    ("kind", "key", "field"), SHORTCUTS, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_line_dialog_opens_in_its_field(
    qtbot: QtBot,
    cashier: ShopContext,
    demo_db: Database,
    dialogs: Any,
    kind: type[QDialog],
    key: Qt.Key,
    field: Callable[[Any], QLineEdit],
) -> None:
    place = counter(qtbot, cashier)
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    table = place.register.panel().table
    table.setFocus()
    table.selectRow(0)
    seen: list[str] = []
    dialogs.answer(kind, check_focus_then_close(seen, field))
    press(table, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [f"{kind.__name__}: focus=True selected=True"]


def test_ctrl_u_then_a_number_and_enter_sets_the_quantity(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, dialogs: Any
) -> None:
    place = counter(qtbot, cashier)
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    table = place.register.panel().table
    table.setFocus()
    table.selectRow(0)
    seen: list[str] = []
    dialogs.answer(QuantityDialog, check_focus_then_close(seen, lambda d: d.edit, "3"))
    press(table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: place.register.cart.items[0].qty_milli == 3 * MILLI, timeout=WAIT_MS)
    assert seen == ["QuantityDialog: focus=True selected=True"]


@pytest.mark.parametrize(
    ("kind", "key"), [(MemberDialog, Qt.Key.Key_F12), (RecallDialog, Qt.Key.Key_F11)]
)
def test_member_and_recall_open_in_their_search_line(
    qtbot: QtBot,
    cashier: ShopContext,
    demo_db: Database,
    dialogs: Any,
    kind: type[QDialog],
    key: Qt.Key,
) -> None:
    place = counter(qtbot, cashier)
    if kind is RecallDialog:
        # Something to recall: park a cart first (F10).
        scan(qtbot, place, barcodes(demo_db, 1)[0])
        press(place.register.panel().table, Qt.Key.Key_F10)
        qtbot.waitUntil(lambda: len(place.register.cart) == 0, timeout=WAIT_MS)
    seen: list[str] = []
    dialogs.answer(kind, check_focus_then_close(seen, lambda d: d.edit))
    press(place.register.panel().table, key)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [f"{kind.__name__}: focus=True selected=True"]


def test_the_approval_dialog_opens_in_the_managers_name(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, dialogs: Any
) -> None:
    place = counter(qtbot, cashier)
    scan(qtbot, place, barcodes(demo_db, 1)[0])
    table = place.register.panel().table
    table.setFocus()
    table.selectRow(0)
    seen: list[str] = []

    def discount_beyond_the_limit(dialog: DiscountDialog) -> None:
        dialog.percent.setChecked(True)
        dialog.edit.setText("90")
        dialogs.answer(ApprovalDialog, check_focus_then_close(seen, lambda d: d.username))
        dialog.accept()

    dialogs.answer(DiscountDialog, discount_beyond_the_limit)
    press(table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == ["ApprovalDialog: focus=True selected=True"]
