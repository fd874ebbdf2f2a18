"""The catalog browser: models, search as you type, filters, sorting, detail, scanning."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from shop_desktop.data import catalog, search_index
from shop_desktop.data.catalog import CatalogFilter, SortOrder
from shop_desktop.data.db import Database
from shop_desktop.domain.barcodes import with_check_digit
from shop_desktop.services.auth import WorkstationInfo, this_workstation
from shop_desktop.services.recommendations import often_bought_with, refresh_co_purchases
from shop_desktop.ui import i18n
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.catalog.models import (
    PLACEHOLDER,
    CategoryModel,
    ProductListModel,
    SearchSource,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.catalog import CatalogPlace
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.tasks import BackgroundOp

WAIT_MS = 20_000


@pytest.fixture
def database(demo_db: Database) -> Database:
    """The demo shop with its search index built (the template ships it empty)."""
    conn = sqlite3.connect(demo_db.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        search_index.rebuild(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return demo_db


@pytest.fixture
def here(database: Database) -> WorkstationInfo:
    with database.session() as session:
        return this_workstation(session)


@pytest.fixture
def browser(qtbot: QtBot, database: Database, here: WorkstationInfo) -> CatalogBrowser:
    widget = CatalogBrowser(database, branch_id=here.branch_id, currency_code=here.currency_code)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    wait_loaded(qtbot, widget.model)
    return widget


def wait_loaded(qtbot: QtBot, model: ProductListModel) -> None:
    qtbot.waitUntil(lambda: not model.loading and model.source is not None, timeout=WAIT_MS)


def every_browse_id(
    database: Database, filter_: CatalogFilter, order: SortOrder
) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    after = None
    with database.session() as session:
        while True:
            page = catalog.browse(session, filter_, order, after=after, name_column="name_en")
            ids.extend(page.ids)
            if page.next is None:
                return ids
            after = page.next


def load_everything(qtbot: QtBot, model: ProductListModel) -> None:
    while True:
        wait_loaded(qtbot, model)
        if not model.canFetchMore():
            return
        model.fetchMore()


def first_search_page(database: Database, typed: str) -> list[uuid.UUID]:
    with database.session() as session:
        return list(dict.fromkeys(catalog.search(session, typed, CatalogFilter()).ids))


# --- models -------------------------------------------------------------------


def test_product_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, database: Database, here: WorkstationInfo
) -> None:
    model = ProductListModel(database, branch_id=here.branch_id, currency_code=here.currency_code)
    model.show_browse(CatalogFilter(), SortOrder.NAME)
    wait_loaded(qtbot, model)
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    wait_loaded(qtbot, model)
    model.show_search("tea", CatalogFilter())
    wait_loaded(qtbot, model)
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    wait_loaded(qtbot, model)


def test_category_model_passes_the_model_tester(qtmodeltester: Any, database: Database) -> None:
    model = CategoryModel()
    with database.session() as session:
        nodes = catalog.category_tree(session)
    model.set_categories(nodes)
    qtmodeltester.check(model)
    top_level = [n for n in nodes if n.parent_id is None]
    # "All products" first, then the top-level categories.
    assert model.rowCount() == len(top_level) + 1
    assert model.category_id(model.index_of(nodes[-1].id)) == nodes[-1].id


def test_rows_show_names_prices_and_stock(
    qtbot: QtBot, browser: CatalogBrowser, database: Database, here: WorkstationInfo
) -> None:
    model = browser.model
    first = model.product_id(0)
    assert first is not None
    with database.session() as session:
        row = catalog.product_rows(session, [first], here.branch_id)[first]
    assert model.index(0, 0).data() == row.name_en
    assert model.index(0, 2).data().replace(",", "").endswith(str(row.price_minor))
    assert model.index(0, 4).data() == row.sku


def test_fetch_more_loads_every_product_once(
    qtbot: QtBot, database: Database, here: WorkstationInfo
) -> None:
    model = ProductListModel(database, branch_id=here.branch_id, currency_code=here.currency_code)
    model.show_browse(CatalogFilter(), SortOrder.NAME)
    wait_loaded(qtbot, model)
    assert model.rowCount() == 100
    assert model.canFetchMore()
    load_everything(qtbot, model)
    ids = model.product_ids()
    assert len(ids) == len(set(ids))
    assert ids == every_browse_id(database, CatalogFilter(), SortOrder.NAME)


def test_search_pages_never_repeat_a_product(
    qtbot: QtBot, database: Database, here: WorkstationInfo
) -> None:
    model = ProductListModel(database, branch_id=here.branch_id, currency_code=here.currency_code)
    model.show_search("sh", CatalogFilter())
    load_everything(qtbot, model)
    ids = model.product_ids()
    assert len(ids) > 50
    assert len(ids) == len(set(ids))


def test_a_newer_query_wins_over_an_older_one(
    qtbot: QtBot, database: Database, here: WorkstationInfo
) -> None:
    model = ProductListModel(database, branch_id=here.branch_id, currency_code=here.currency_code)
    model.show_search("tea", CatalogFilter())
    model.show_search("茶", CatalogFilter())
    wait_loaded(qtbot, model)
    qtbot.waitUntil(lambda: not BackgroundOp.running(), timeout=WAIT_MS)
    assert model.product_ids() == first_search_page(database, "茶")


# --- searching ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["茶", "cha", "Gre", "P00000"])
def test_typing_shows_matching_products(
    qtbot: QtBot, browser: CatalogBrowser, database: Database, typed: str
) -> None:
    expected = first_search_page(database, typed)
    assert expected, typed
    browser.search.setFocus()
    if typed.isascii():
        QTest.keyClicks(browser.search, typed)
    else:
        # QTest types ASCII only; Chinese arrives committed by the input method.
        browser.search.insert(typed)
    qtbot.waitUntil(
        lambda: (
            isinstance(browser.model.source, SearchSource)
            and browser.model.source.typed == typed
            and not browser.model.loading
        ),
        timeout=WAIT_MS,
    )
    assert browser.model.product_ids()[: len(expected)] == expected
    assert "match" in browser.status.text()


def test_escape_clears_the_search_and_shows_the_shelf_again(
    qtbot: QtBot, browser: CatalogBrowser, database: Database
) -> None:
    browser.search.setText("茶")
    browser.apply()
    wait_loaded(qtbot, browser.model)
    QTest.keyClick(browser.search, Qt.Key.Key_Escape)
    assert browser.search.text() == ""
    qtbot.waitUntil(
        lambda: not isinstance(browser.model.source, SearchSource) and not browser.model.loading,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: browser.status.text() == "400 products", timeout=WAIT_MS)


@pytest.mark.parametrize(
    "hostile",
    ['"', "'; DROP TABLE products; --", "NEAR", "tea NEAR(milk)", "a OR b*", "x" * 10_000, "🍵😀"],
)
def test_hostile_text_is_just_text(qtbot: QtBot, browser: CatalogBrowser, hostile: str) -> None:
    failures: list[str] = []
    browser.model.load_failed.connect(failures.append)
    browser.search.setText(hostile)
    browser.apply()
    wait_loaded(qtbot, browser.model)
    assert failures == []
    assert browser.status.text()


def test_down_moves_into_the_results_and_enter_chooses(
    qtbot: QtBot, browser: CatalogBrowser
) -> None:
    browser.focus_search()
    QTest.keyClick(browser.search, Qt.Key.Key_Down)
    assert browser.results.hasFocus()
    first = browser.model.product_id(0)
    with qtbot.waitSignal(browser.product_chosen, timeout=WAIT_MS) as chosen:
        QTest.keyClick(browser.results, Qt.Key.Key_Return)
    assert chosen.args == [first]


# --- filters and sorting ------------------------------------------------------------


def _busy_category_and_brand(database: Database) -> tuple[uuid.UUID, uuid.UUID]:
    with database.session() as session:
        row = session.execute(
            text(
                "SELECT c.parent_id, p.brand_id FROM products p"
                " JOIN categories c ON c.id = p.category_id"
                " WHERE c.parent_id IS NOT NULL AND p.brand_id IS NOT NULL"
                " GROUP BY c.parent_id, p.brand_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
    return uuid.UUID(hex=str(row[0])), uuid.UUID(hex=str(row[1]))


@pytest.mark.parametrize("order", list(SortOrder))
def test_filters_and_sort_orders_show_what_sql_says(
    qtbot: QtBot,
    browser: CatalogBrowser,
    database: Database,
    here: WorkstationInfo,
    order: SortOrder,
) -> None:
    category, brand = _busy_category_and_brand(database)
    browser.categories.setCurrentIndex(browser.category_model.index_of(category))
    qtbot.waitUntil(lambda: browser.brand_row(brand) > 0, timeout=WAIT_MS)
    browser.brand.setCurrentIndex(browser.brand_row(brand))
    browser.min_price.setText("1")
    browser.max_price.setText("100000")
    browser.sort.setCurrentIndex(browser.sort_row(order))
    browser.apply()
    model = browser.model
    load_everything(qtbot, model)
    wanted = CatalogFilter(
        category_id=category, brand_id=brand, min_price_minor=1, max_price_minor=100000
    )
    expected = every_browse_id(database, wanted, order)
    assert expected
    assert model.product_ids() == expected

    browser.in_stock.setChecked(True)
    load_everything(qtbot, model)
    in_stock = CatalogFilter(
        category_id=category,
        brand_id=brand,
        min_price_minor=1,
        max_price_minor=100000,
        in_stock_at=here.branch_id,
    )
    assert model.product_ids() == every_browse_id(database, in_stock, order)


def test_a_price_that_is_not_a_price_only_shows_a_hint(
    qtbot: QtBot, browser: CatalogBrowser
) -> None:
    before = browser.model.product_ids()
    source = browser.model.source
    browser.min_price.setText("twelve")
    browser.apply()
    assert browser.price_hint.isVisible()
    assert browser.price_hint.text()
    assert browser.model.source is source
    assert browser.model.product_ids() == before
    browser.min_price.setText("12")
    browser.apply()
    assert not browser.price_hint.isVisible()


# --- detail -------------------------------------------------------------------------


def test_detail_shows_the_stock_of_every_branch(
    qtbot: QtBot, browser: CatalogBrowser, database: Database, here: WorkstationInfo
) -> None:
    product = browser.model.product_id(3)
    assert product is not None
    with qtbot.waitSignal(browser.detail.detail_shown, timeout=WAIT_MS):
        browser.results.setCurrentIndex(browser.model.index(3, 0))
    with database.session() as session:
        detail = catalog.product_detail(session, product, here.branch_id)
    assert detail is not None
    shown = browser.detail.stock_rows()
    assert len(shown) == len(detail.stock) == 3
    assert "(here)" in shown[0][0]
    for (name, amount), branch in zip(shown, detail.stock, strict=True):
        assert branch.name_en in name
        assert float(amount.replace(",", "")) == branch.on_hand_milli / 1000
    assert browser.detail.sku.text() == detail.row.sku
    assert browser.detail.image.text() == "No picture"


def test_detail_lists_what_is_often_bought_together(
    qtbot: QtBot, browser: CatalogBrowser, database: Database
) -> None:
    with database.session() as session:
        refresh_co_purchases(session)
        anchor = session.execute(
            text(
                "SELECT product_id FROM co_purchases GROUP BY product_id"
                " ORDER BY sum(orders) DESC, product_id LIMIT 1"
            )
        ).scalar_one()
        expected = often_bought_with(session, [uuid.UUID(hex=str(anchor))], limit=5)
    assert expected
    with qtbot.waitSignal(browser.detail.detail_shown, timeout=WAIT_MS):
        browser.detail.show_product(uuid.UUID(hex=str(anchor)))
    shown = [
        browser.detail.together.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(browser.detail.together.count())
    ]
    assert shown == [s.product_id for s in expected]
    # Activating a suggestion shows that product.
    with qtbot.waitSignal(browser.detail.detail_shown, timeout=WAIT_MS):
        browser.detail.together.itemActivated.emit(browser.detail.together.item(0))
    assert browser.detail.detail is not None
    assert browser.detail.detail.row.id == expected[0].product_id


# --- scanning at the counter ---------------------------------------------------------


@pytest.fixture
def counter(
    qtbot: QtBot, database: Database, shop_context: ShopContext
) -> tuple[SellPlace, QLineEdit]:
    place = SellPlace(shop_context)
    note = QLineEdit("note")
    note.setObjectName("someOtherField")
    place.body.insertWidget(0, note)
    qtbot.addWidget(place)
    place.resize(1200, 800)
    place.show()
    qtbot.waitExposed(place)
    wait_loaded(qtbot, place.browser.model)
    place.activateWindow()
    note.setFocus()
    note.setCursorPosition(len(note.text()))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is note, timeout=WAIT_MS)
    return place, note


def _barcode_of(database: Database, product: uuid.UUID) -> str:
    with database.session() as session:
        return str(
            session.execute(
                text("SELECT code FROM product_barcodes WHERE product_id = :id LIMIT 1"),
                {"id": product.hex},
            ).scalar_one()
        )


@pytest.mark.parametrize("focus", ["other field", "search box"])
def test_a_scan_selects_the_product_and_leaves_no_digits(
    qtbot: QtBot, counter: tuple[SellPlace, QLineEdit], database: Database, focus: str
) -> None:
    place, note = counter
    if focus == "search box":
        note = place.browser.search
        note.setText("note")
        place.browser.apply()
        # "note" finds nothing; the shelf comes back for the scan to select in.
        note.clear()
        place.browser.apply()
        wait_loaded(qtbot, place.browser.model)
        note.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is note, timeout=WAIT_MS)
    product = place.browser.model.product_id(5)
    assert product is not None
    code = _barcode_of(database, product)
    with qtbot.waitSignal(place.browser.product_scanned, timeout=WAIT_MS) as scanned:
        QTest.keyClicks(note, code)  # back to back, as a scanner sends them
        QTest.keyClick(note, Qt.Key.Key_Return)
    assert scanned.args[0] == product
    assert note.text() == ("note" if focus == "other field" else "")
    assert place.browser.selected_product() == product
    assert not place.banner.isVisible()
    qtbot.waitUntil(lambda: place.browser.detail.detail is not None, timeout=WAIT_MS)
    detail = place.browser.detail.detail
    assert detail is not None
    assert detail.row.id == product
    # The restored field re-fires the search timer; that must not undo the selection.
    timer = place.browser._search_timer
    qtbot.waitUntil(lambda: not timer.isActive(), timeout=WAIT_MS)
    wait_loaded(qtbot, place.browser.model)
    assert place.browser.selected_product() == product


def test_slow_typing_is_not_a_scan(
    qtbot: QtBot, counter: tuple[SellPlace, QLineEdit], database: Database
) -> None:
    place, note = counter
    product = place.browser.model.product_id(5)
    assert product is not None
    code = _barcode_of(database, product)
    scans: list[str] = []
    place.scanner.scanned.connect(scans.append)
    QTest.keyClicks(note, code, Qt.KeyboardModifier.NoModifier, 60)
    QTest.keyClick(note, Qt.Key.Key_Return)
    assert scans == []
    assert note.text() == "note" + code


@pytest.mark.parametrize("problem", ["check_digit", "unknown", "length"])
def test_a_bad_scan_shows_the_banner_and_changes_nothing(
    qtbot: QtBot, counter: tuple[SellPlace, QLineEdit], database: Database, problem: str
) -> None:
    place, note = counter
    browser = place.browser
    browser.results.setCurrentIndex(browser.model.index(2, 0))
    selected = browser.selected_product()
    ids = browser.model.product_ids()
    note.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is note, timeout=WAIT_MS)
    if problem == "check_digit":
        good = _barcode_of(database, ids[0])
        code = good[:-1] + str((int(good[-1]) + 1) % 10)
        expected = f"Barcode {code} has a wrong check digit — scan again."
    elif problem == "unknown":
        code = with_check_digit("479999999999")
        expected = f"No product has barcode {code}."
    else:
        code = "4710000000"
        expected = f"Barcode {code} has the wrong number of digits — scan again."
    with qtbot.waitSignal(browser.scan_failed, timeout=WAIT_MS):
        QTest.keyClicks(note, code)  # back to back, as a scanner sends them
        QTest.keyClick(note, Qt.Key.Key_Return)
    assert place.banner.isVisible()
    assert place.banner.text() == expected
    assert note.text() == "note"
    assert browser.selected_product() == selected
    assert browser.model.product_ids() == ids


def test_a_barcode_typed_into_the_search_box_is_a_scan(
    qtbot: QtBot, browser: CatalogBrowser, database: Database
) -> None:
    product = browser.model.product_id(7)
    assert product is not None
    code = _barcode_of(database, product)
    browser.search.setText(code)
    with qtbot.waitSignal(browser.product_scanned, timeout=WAIT_MS) as scanned:
        QTest.keyClick(browser.search, Qt.Key.Key_Return)
    assert scanned.args[0] == product


def test_the_scanner_listens_only_while_the_counter_is_shown(
    qtbot: QtBot, counter: tuple[SellPlace, QLineEdit]
) -> None:
    place, _note = counter
    assert place.scanner.active
    place.hide()
    assert not place.scanner.active
    place.show()
    assert place.scanner.active


# --- cache, suggestions, language ------------------------------------------------


def test_rows_dropped_from_the_cache_show_placeholders_then_come_back(
    qtbot: QtBot, browser: CatalogBrowser
) -> None:
    model = browser.model
    name = model.index(0, 0).data()
    model.forget_rows()
    assert model.index(0, 0).data() == PLACEHOLDER
    qtbot.waitUntil(lambda: model.index(0, 0).data() == name, timeout=WAIT_MS)


def test_suggestions_come_from_the_search(qtbot: QtBot, browser: CatalogBrowser) -> None:
    browser.search.setFocus()
    QTest.keyClicks(browser.search, "cha")
    completions = browser.completer.model()
    qtbot.waitUntil(lambda: completions.rowCount() > 0, timeout=WAIT_MS)


def test_names_follow_the_language(
    qtbot: QtBot, browser: CatalogBrowser, database: Database, here: WorkstationInfo
) -> None:
    model = browser.model
    # The shelf is sorted by name, so it is read again in Chinese order.
    with qtbot.waitSignal(model.modelReset, timeout=WAIT_MS):
        i18n.switch_language(i18n.ZH_TW)
    wait_loaded(qtbot, model)
    with database.session() as session:
        expected = catalog.browse(session, CatalogFilter(), SortOrder.NAME, name_column="name_zh")
    assert model.product_ids()[:100] == list(expected.ids)
    first = model.product_id(0)
    assert first is not None
    row = model.cached_row(first)
    assert row is not None
    assert model.index(0, 0).data() == row.name_zh
    assert browser.category_model.index(0, 0).data() == "全部商品"


def test_ctrl_f_finds_the_search_box_of_the_place_shown(
    qtbot: QtBot, database: Database, shop_context: ShopContext
) -> None:
    window = MainWindow(shop_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    for key in ("sell", "catalog"):
        window.show_place(key)
        place = window.place(key)
        assert isinstance(place, SellPlace | CatalogPlace)
        window.navigation.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.navigation, timeout=WAIT_MS)
        QTest.keyClick(window.navigation, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is place.browser.search
        wait_loaded(qtbot, place.browser.model)
