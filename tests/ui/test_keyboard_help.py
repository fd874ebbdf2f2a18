"""Help → Keyboard (F1) lists every key, and the README, the window and the real shortcuts agree.

The window is read back from its rows; the README's two key tables are parsed;
the shortcuts are collected from the widgets of a real main window and a real
payment window. A key added to one and not the others fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from tests.ui.keyboard import Keyboard, shows

from shop_desktop.domain.cart import Cart
from shop_desktop.services.sale import PricingRules, price
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.help import KEYS, KeyboardHelp, KeyWhere, where_title
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.register import local_now

README = Path(__file__).resolve().parents[2] / "README.md"

#: The README's table headers, and where their keys work.
README_TABLES = {"at the counter": KeyWhere.COUNTER, "in the payment window": KeyWhere.PAYMENT}


def readme_keys() -> set[tuple[str, str]]:
    """(where, key) for every key in the README's key tables."""
    found: set[tuple[str, str]] = set()
    where: KeyWhere | None = None
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            where = None
            continue
        if cells[0] in README_TABLES:
            where = README_TABLES[cells[0]]
            continue
        if where is None or re.fullmatch(r"-+", cells[0]):
            continue
        for key in cells[0].split(", "):
            found.add((where.value, key.strip("`")))
    return found


def test_f1_opens_the_keyboard_window_with_every_key_of_the_readme(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    window = MainWindow(shop_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    keys = Keyboard(qtbot, window)
    sell = window.place(SellPlace.key)
    assert isinstance(sell, SellPlace)
    keys.press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    keys.wait_focus(sell.browser.search)
    keys.press(Qt.Key.Key_F1)
    keys.wait_until(lambda: window.keyboard_help is not None and window.keyboard_help.isVisible())
    help_window = window.keyboard_help
    assert isinstance(help_window, KeyboardHelp)
    assert shows(help_window, "Complete the sale, once nothing is left to pay")

    titles = {where_title(where): where.value for where in KeyWhere}
    shown = {(titles[title], key) for title, key in help_window.shown_keys()}
    in_readme = readme_keys()
    assert len(in_readme) > 25
    assert shown - in_readme == set(), "in the window, missing from the README"
    assert in_readme - shown == set(), "in the README, missing from the window"

    # It has the keyboard; Esc closes it, and the keys are the counter's again.
    keys.wait_until(help_window.isActiveWindow)
    keys.press(Qt.Key.Key_Escape)
    keys.wait_until(lambda: not help_window.isVisible())
    keys.press(Qt.Key.Key_F9)  # the cart is empty: the counter says so
    keys.wait_shown(sell, "The cart is empty.")


def test_the_keyboard_window_follows_the_language(qtbot: QtBot) -> None:
    help_window = KeyboardHelp()
    qtbot.addWidget(help_window)
    english = help_window.shown_keys()
    i18n.switch_language(i18n.ZH_TW)
    # The same keys under the headings of the language now shown.
    titles = {where_title(where) for where in KeyWhere}
    assert titles.isdisjoint(title for title, _key in english)  # the catalogue has them
    # Qt posts the language change to top-level windows: it arrives with the event loop.
    qtbot.waitUntil(lambda: {title for title, _key in help_window.shown_keys()} == titles)
    assert {key for _title, key in help_window.shown_keys()} == {key for _t, key in english}


def bound(widgets: list[QWidget]) -> set[str]:
    """Every shortcut (portable text) bound by ``widgets`` and their children."""
    found: set[str] = set()
    for root in widgets:
        for shortcut in root.findChildren(QShortcut):
            found.add(shortcut.key().toString(QKeySequence.SequenceFormat.PortableText))
        for action in [*root.actions(), *root.findChildren(QAction)]:
            found.update(
                key.toString(QKeySequence.SequenceFormat.PortableText) for key in action.shortcuts()
            )
    found.discard("")
    return found


def listed(where: KeyWhere) -> set[str]:
    return {sequence for entry in KEYS if entry.where is where for sequence in entry.sequences}


def test_the_table_lists_exactly_the_shortcuts_of_the_counter_and_the_payment_window(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    window = MainWindow(shop_context)
    qtbot.addWidget(window)
    sell = window.place(SellPlace.key)
    # The main window's own actions (places, log out, quit, help), then the Sell place's.
    counter = bound([sell]) | {
        key.toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.actions()
        for key in action.shortcuts()
    }
    assert counter == listed(KeyWhere.COUNTER)

    bill = price(Cart(), PricingRules(), currency_code="TWD", at=local_now())
    dialog = CheckoutDialog(None, shop_context, Cart(), bill)
    qtbot.addWidget(dialog)
    assert bound([dialog]) == listed(KeyWhere.PAYMENT)
