"""Every place, every tab, in both languages at 1366×768 (and 1920×1080): no text cut, none in
the other language.

The window is opened as a manager (who sees everything), with a cart and a
member at the counter, a search with one match, a delivery waiting in
Fulfilment and a voided order picked in Orders, then read as a person reads it
(:mod:`tests.ui.language_walk` says what counts as cut and what counts as the
other language). Each language is read fresh and once more after switching
live from the other, with every place already loaded in the first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from tests.ui.language_walk import Catalogue, Reader, shown_texts, stored_texts
from tests.ui.test_order_words import voided_sale
from tests.ui.test_orders_place import take

from shop_desktop.data.db import Database
from shop_desktop.data.models import Member, OrderKind, PaymentMethod, Product
from shop_desktop.domain.cart import CartMember
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.login import LoginDialog
from shop_desktop.ui.main_window import PLACES, MainWindow
from shop_desktop.ui.places.orders import OrdersPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.style import apply_shop_look
from shop_desktop.ui.sync.log_dialog import SyncLogDialog
from shop_desktop.ui.tasks import BackgroundOp

WAIT_MS = 20_000
TILL = QSize(1366, 768)
#: The small till the issue names, and the wide one.
TILLS = pytest.mark.parametrize("till", [TILL, QSize(1920, 1080)], ids=["1366x768", "1920x1080"])


@pytest.fixture
def reader(demo_db: Database) -> Reader:
    return Reader(Catalogue.read(), stored_texts(demo_db))


def settle(qtbot: QtBot) -> None:
    """Every load finished and every layout done: what a person would see after a moment."""
    qtbot.waitUntil(lambda: not BackgroundOp.running(), timeout=WAIT_MS)
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def open_till(qtbot: QtBot, context: ShopContext, till: QSize = TILL) -> MainWindow:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_shop_look(app)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(till)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot)
    return window


def fill_the_counter(qtbot: QtBot, window: MainWindow, database: Database) -> None:
    """Three lines and a member: the counter as it looks mid-sale."""
    sell = window.place(SellPlace.key)
    assert isinstance(sell, SellPlace)
    window.show_place(SellPlace.key)
    register = sell.register
    qtbot.waitUntil(lambda: register.rules is not None, timeout=WAIT_MS)
    with database.session() as session:
        products = list(
            session.scalars(
                select(Product.id)
                .where(Product.active, Product.price_minor > 0)
                .order_by(Product.sku)
                .limit(3)
            )
        )
        member = session.scalars(select(Member).where(Member.active).limit(1)).one()
        sku = session.scalars(select(Product.sku).where(Product.id == products[0])).one()
        cart_member = CartMember(
            member_id=member.id, code=member.code, name=member.name, level=member.level.value
        )
    for product_id in products:
        with qtbot.waitSignal(register.cart_changed, timeout=WAIT_MS):
            register.add_product(product_id)
    register.set_member(cart_member)
    # A search that finds one product: the shelf counts its matches.
    QTest.keyClicks(sell.browser.search, sku)
    qtbot.waitUntil(lambda: sell.browser.model.rowCount() == 1, timeout=WAIT_MS)
    settle(qtbot)


def pick_an_order(qtbot: QtBot, window: MainWindow) -> None:
    orders = window.place(OrdersPlace.key)
    assert isinstance(orders, OrdersPlace)
    window.show_place(OrdersPlace.key)
    qtbot.waitUntil(lambda: orders.model.rowCount() > 0, timeout=WAIT_MS)
    orders.table.selectRow(0)
    qtbot.waitUntil(lambda: orders.detail.order_id is not None, timeout=WAIT_MS)
    settle(qtbot)


def pages(qtbot: QtBot, window: MainWindow) -> Iterator[str]:
    """Show every place and every tab in it (tabs within tabs too); yield where we are."""
    for place_type in PLACES:
        window.show_place(place_type.key)
        settle(qtbot)
        yield place_type.key
        place = window.current_place()
        yield from _tabs_in(qtbot, place_type.key, place.findChildren(QTabWidget))


def _tabs_in(qtbot: QtBot, where: str, tab_widgets: list[QTabWidget]) -> Iterator[str]:
    for tabs in tab_widgets:
        if not tabs.isVisible():
            continue
        first = tabs.currentIndex()
        for index in range(tabs.count()):
            if not tabs.isTabVisible(index) or index == first:
                continue
            tabs.setCurrentIndex(index)
            settle(qtbot)
            yield f"{where} › {tabs.tabText(index)}"
        tabs.setCurrentIndex(first)
        settle(qtbot)


def walk(qtbot: QtBot, window: MainWindow, reader: Reader, language: str, till: QSize) -> list[str]:
    assert window.size() == till, f"the window does not fit the till: {window.size()}"
    problems: list[str] = []
    for page in pages(qtbot, window):
        problems.extend(f"[{page}] {p}" for p in reader.problems(shown_texts(window), language))
    return problems


def switch_in_settings(qtbot: QtBot, window: MainWindow, language: str) -> None:
    settings = window.place(SettingsPlace.key)
    assert isinstance(settings, SettingsPlace)
    window.show_place(SettingsPlace.key)
    settings.language.choose(language)
    assert i18n.current_language() == language
    settle(qtbot)


@TILLS
@pytest.mark.parametrize(
    ("first", "then"), [(i18n.ZH_TW, i18n.EN), (i18n.EN, i18n.ZH_TW)], ids=["zh-en", "en-zh"]
)
def test_every_place_reads_whole_and_in_one_language(
    qtbot: QtBot,
    shop_context: ShopContext,
    demo_db: Database,
    first: str,
    then: str,
    till: QSize,
) -> None:
    # A paid delivery waiting in Fulfilment; the newest order, picked in Orders, a
    # card sale voided with its refund still owed.
    take(demo_db, shop_context.staff.staff_id, OrderKind.DELIVERY, paid=True)
    voided_sale(demo_db, shop_context.staff.staff_id, PaymentMethod.CARD)
    reader = Reader(Catalogue.read(), stored_texts(demo_db))
    i18n.switch_language(first)
    window = open_till(qtbot, shop_context, till)
    fill_the_counter(qtbot, window, demo_db)
    pick_an_order(qtbot, window)
    problems = walk(qtbot, window, reader, first, till)
    # Switched live, with everything already loaded in the first language.
    switch_in_settings(qtbot, window, then)
    problems += [f"(after switching) {p}" for p in walk(qtbot, window, reader, then, till)]
    assert problems == [], "\n" + "\n".join(problems)


def test_the_reading_finds_cut_and_foreign_texts(
    qtbot: QtBot, shop_context: ShopContext, reader: Reader
) -> None:
    """What the walk relies on: a planted leftover, a cut label and data tell themselves apart."""
    window = open_till(qtbot, shop_context)
    member = shop_context.staff.display_name  # data, in whichever script it is written
    sell = window.place(SellPlace.key)
    assert isinstance(sell, SellPlace)
    planted = QLabel("作廢", sell)
    planted.setObjectName("plantedLeftover")
    cut = QLabel("Orders today at this workstation", sell)
    cut.setObjectName("plantedCut")
    cut.setFixedWidth(40)
    name = QLabel(member, sell)
    name.setObjectName("plantedName")
    for label in (planted, cut, name):
        label.move(0, 0)
        label.show()
    settle(qtbot)

    found = "\n".join(reader.problems(shown_texts(window), i18n.EN))
    assert "plantedLeftover: '作廢' is Chinese in English" in found
    assert "plantedCut: 'Orders today at this workstation' is cut" in found
    assert "plantedName" not in found

    planted.setText("Voided")
    cut.setText("")
    chinese = "\n".join(reader.problems(shown_texts(window), i18n.ZH_TW))
    assert "plantedLeftover: 'Voided' is English in Chinese" in chinese
    assert "plantedName" not in chinese


@pytest.mark.parametrize(
    ("first", "then"), [(i18n.ZH_TW, i18n.EN), (i18n.EN, i18n.ZH_TW)], ids=["zh-en", "en-zh"]
)
def test_the_log_in_and_the_sync_log_read_whole_and_in_one_language(
    qtbot: QtBot,
    shop_context: ShopContext,
    demo_db: Database,
    reader: Reader,
    first: str,
    then: str,
) -> None:
    """The windows around the places: the log-in (with a refusal on it) and the sync log."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_shop_look(app)
    i18n.switch_language(first)
    login = LoginDialog(demo_db)
    qtbot.addWidget(login)
    with qtbot.waitSignal(login.workstation_loaded, timeout=WAIT_MS):
        login.show()
    QTest.keyClicks(login.username, "cashier")
    QTest.keyClick(login.username, Qt.Key.Key_Return)
    QTest.keyClicks(login.password, "not-the-password")
    with qtbot.waitSignal(login.login_refused, timeout=WAIT_MS):
        QTest.keyClick(login.password, Qt.Key.Key_Return)
    log = SyncLogDialog(shop_context, None)
    qtbot.addWidget(log)
    log.resize(900, 600)
    log.show()
    qtbot.waitExposed(log)
    settle(qtbot)

    def read(language: str) -> list[str]:
        found: list[str] = []
        for dialog in (login, log):
            found += reader.problems(shown_texts(dialog), language)
            for tab in range(log.tabs.count()) if dialog is log else ():
                log.tabs.setCurrentIndex(tab)
                settle(qtbot)
                found += reader.problems(shown_texts(log), language)
        return found

    problems = read(first)
    i18n.switch_language(then)
    settle(qtbot)
    problems += [f"(after switching) {p}" for p in read(then)]
    assert problems == [], "\n" + "\n".join(problems)
