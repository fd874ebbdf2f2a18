"""The counter on a real till's screen: everything the cashier needs in view, nothing moves.

At 1366×768 and 1920×1080, with a six-line cart, a member and a coupon, every
cart line is on screen on one text line, the results show price and stock
without scrolling sideways, products of the same name can be told apart, and
a banner -- a bad scan, a refusal, a receipt that did not print, a sync
problem, a parked cart -- takes its slot without moving the cart or growing
the window, and offers what can be done about it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from tests.ui.screenshots import fill_the_counter, index_the_catalog
from tests.ui.test_printing import Listener, closed_port_target, commit_a_sale

from shop_desktop.data.db import Database
from shop_desktop.data.models import Product
from shop_desktop.services.sync.engine import SyncStatus
from shop_desktop.ui.catalog.models import (
    DETAIL_LINE_ROLE,
    NAME,
    PRICE,
    STOCK,
    SearchSource,
)
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.printing import DocumentPrinter
from shop_desktop.ui.sync.log_dialog import SyncLogDialog

if TYPE_CHECKING:
    from tests.ui.conftest import StaffContext

WAIT_MS = 20_000
TILLS = [(1366, 768), (1920, 1080)]


@pytest.fixture
def indexed_db(demo_db: Database) -> Database:
    """The demo shop with its search index built (the template ships it empty)."""
    index_the_catalog(demo_db.path)
    return demo_db


OpenTill = Callable[[str, tuple[int, int]], tuple[MainWindow, SellPlace]]


@pytest.fixture
def till(qtbot: QtBot, indexed_db: Database, staff_context: StaffContext) -> OpenTill:
    """Open the main window for a user at a screen size; returns (window, Sell place)."""

    def open_till(username: str, size: tuple[int, int]) -> tuple[MainWindow, SellPlace]:
        window = MainWindow(staff_context(username))
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        assert QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        place = window.place(SellPlace.key)
        assert isinstance(place, SellPlace)
        window.show_place(SellPlace.key)
        qtbot.waitUntil(lambda: place.register.rules is not None, timeout=WAIT_MS)
        # The first sync pass is over (not enrolled: nothing to tell, and the status
        # bar has hidden "Sync now") before a test measures anything.
        qtbot.waitUntil(
            lambda: window.sync.status.state == "not_enrolled" and not window.sync.busy,
            timeout=WAIT_MS,
        )
        # The status bar settles 4 px lower at the clock's first tick (its own
        # business, not a banner's): measure after it.
        with qtbot.waitSignal(window._clock.timeout, timeout=WAIT_MS):
            pass
        QApplication.processEvents()
        return window, place

    return open_till


def waiter(qtbot: QtBot) -> Callable[[Callable[[], bool]], None]:
    def wait(condition: Callable[[], bool]) -> None:
        qtbot.waitUntil(condition, timeout=WAIT_MS)

    return wait


def inside(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def where(widget: QWidget) -> QRect:
    """The widget's rectangle in its window's coordinates."""
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("size", TILLS, ids=["1366x768", "1920x1080"])
def test_six_lines_a_member_and_a_coupon_and_the_results_all_fit(
    qtbot: QtBot,
    till: OpenTill,
    indexed_db: Database,
    size: tuple[int, int],
) -> None:
    window, place = till("cashier", size)
    fill_the_counter(place, indexed_db, waiter(qtbot))
    register = place.register
    cart = register.cart
    assert len(cart) == 6
    assert cart.member is not None
    assert list(cart.coupons) == ["WELCOME100"]
    bill = register.bill
    assert bill is not None
    assert any(line.discounts for line in bill.lines)  # promotion labels are there to show
    QApplication.processEvents()

    # The window kept its size: nothing asked for more room than the till has.
    assert (window.width(), window.height()) == size

    # Every cart line on screen, each on one text line.
    table = register.panel().table
    viewport = table.viewport().rect()
    line_height = table.fontMetrics().lineSpacing()
    for row in range(len(cart)):
        index = register.panel().model.index(row, 0)
        assert inside(table.visualRect(index), viewport), f"cart line {row} is not in view"
        assert table.rowHeight(row) < 2 * line_height
        assert "\n" not in str(index.data())
        # Every discount of the line, with its amount, is in the name's tooltip.
        tip = str(index.data(Qt.ItemDataRole.ToolTipRole))
        for discount in bill.lines[row].discounts:
            assert discount.name_en in tip
    assert not table.horizontalScrollBar().isVisible()
    # The member and the coupon are on screen too, on one line.
    assert place.register.panel().member_line.isVisible()
    assert "WELCOME100" in register.panel().member_line.full_text()
    assert where(register.panel().member_line).bottom() <= window.height()

    # The results: the price and the stock here of every row shown, no sideways scrolling.
    results = place.browser.results
    model = place.browser.model
    assert model.rowCount() > 0
    shown = results.viewport().rect()
    for column in (NAME, PRICE, STOCK):
        cell = results.visualRect(model.index(0, column))
        assert inside(cell, shown), f"column {column} is not in view"
    assert model.index(0, PRICE).data().startswith("NT$")
    assert results.horizontalScrollBar().maximum() == 0
    assert not results.horizontalScrollBar().isVisible()
    assert model.index(0, NAME).data(Qt.ItemDataRole.DecorationRole) is not None

    # The title block is one line: the results and the cart start right under it.
    title_line = place.header_slot.height()
    assert title_line < 4 * line_height
    assert where(place.browser).top() - where(place.header_slot).bottom() < 3 * line_height

    # Everything fits above the status bar.
    status_bar = window.statusBar()
    assert where(register).bottom() < where(status_bar).top()


def test_products_of_the_same_name_are_told_apart(
    qtbot: QtBot, till: OpenTill, indexed_db: Database
) -> None:
    # Three products named alike, as a 200k catalog has them.
    with indexed_db.session() as session:
        products = session.scalars(select(Product).order_by(Product.sku).limit(3)).all()
        for product in products:
            product.name_en = "Aluminium Foil Eco 45cm"
            product.name_zh = "鋁箔紙 經濟 45cm"
        skus = {product.sku for product in products}
        session.commit()
    _window, place = till("cashier", TILLS[0])
    browser = place.browser
    browser.search.setText("aluminium foil eco")
    model = browser.model
    qtbot.waitUntil(
        lambda: isinstance(model.source, SearchSource) and model.rowCount() >= 3, timeout=WAIT_MS
    )
    rows = [
        r
        for r in range(model.rowCount())
        if model.index(r, NAME).data() == "Aluminium Foil Eco 45cm"
    ]
    assert len(rows) == 3
    second_lines = [model.index(r, NAME).data(DETAIL_LINE_ROLE) for r in rows]
    assert len(set(second_lines)) == 3
    for line in second_lines:
        assert any(sku in line for sku in skus)


def test_a_picture_on_disk_becomes_the_thumbnail(
    qtbot: QtBot,
    till: OpenTill,
    indexed_db: Database,
    tmp_path: Path,
) -> None:
    from PySide6.QtGui import QColor, QImage, QPixmap

    picture = tmp_path / "tea.png"
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff0000"))
    assert image.save(str(picture))
    with indexed_db.session() as session:
        product = session.scalars(select(Product).where(Product.name_en.like("%Tea%"))).first()
        assert product is not None
        product_id = product.id
    conn = sqlite3.connect(indexed_db.path)
    try:
        conn.execute(
            "INSERT INTO product_images (id, product_id, path, position) VALUES (?, ?, ?, 0)",
            (uuid.uuid4().hex, product_id.hex, str(picture)),
        )
        conn.commit()
    finally:
        conn.close()
    _window, place = till("cashier", TILLS[0])
    model = place.browser.model
    place.browser.search.setText("tea")
    qtbot.waitUntil(lambda: model.row_of(product_id) >= 0, timeout=WAIT_MS)
    index = model.index(model.row_of(product_id), NAME)

    def red_thumbnail() -> bool:
        shown = index.data(Qt.ItemDataRole.DecorationRole)
        if not isinstance(shown, QPixmap):
            return False
        pixel = shown.toImage().pixelColor(shown.width() // 2, shown.height() // 2)
        return pixel.red() > 200 and pixel.green() < 50 and shown.width() > shown.height()

    qtbot.waitUntil(red_thumbnail, timeout=WAIT_MS)


# --- banners ---------------------------------------------------------------------------


def geometry(window: MainWindow, place: SellPlace) -> tuple[object, ...]:
    register = place.register
    return (
        window.size(),
        where(register),
        where(register.panel().table),
        where(place.browser.results),
        where(window.statusBar()),
    )


def tops(window: MainWindow, place: SellPlace) -> tuple[object, ...]:
    """Where the cart and the results start (the status bar below may change on its own)."""
    register = place.register
    return (
        window.size(),
        where(register).topLeft(),
        where(register).width(),
        where(register.panel().table).topLeft(),
        where(place.browser.results).topLeft(),
    )


def test_banners_never_move_the_cart_or_grow_the_window(
    qtbot: QtBot, till: OpenTill, indexed_db: Database
) -> None:
    window, place = till("cashier", TILLS[0])
    fill_the_counter(place, indexed_db, waiter(qtbot))
    QApplication.processEvents()
    before = geometry(window, place)
    assert place.header_slot.currentWidget() is place.header

    # A code nobody knows, typed and entered: the scan banner.
    search = place.browser.search
    search.setFocus()
    search.setText("4710000000000")
    with qtbot.waitSignal(place.browser.scan_failed, timeout=WAIT_MS):
        QTest.keyClick(search, Qt.Key.Key_Return)
    assert place.banner.isVisible()
    QApplication.processEvents()
    assert geometry(window, place) == before

    # A long refusal, many lines' worth: cut to the slot, whole in the tooltip.
    long = " ".join(["The printer the default printer does not answer."] * 12)
    place.register.problem.emit(long)
    QApplication.processEvents()
    assert place.banner.text() == long
    assert place.banner.message.text().endswith("…")
    assert place.banner.message.toolTip() == long
    assert geometry(window, place) == before

    # Good news takes the same slot; a passing problem covers it, then it is back.
    place.register.notice.emit("Sale 0001 done. Change: NT$241")
    QApplication.processEvents()
    assert place.notice.isVisible()
    assert not place.banner.isVisible()
    assert geometry(window, place) == before
    place.show_banner("No product has barcode 4710000000000.")
    assert place.banner.isVisible()
    place.hide_banner()
    assert place.notice.isVisible()

    # Closed: the title line is back, still nothing moved.
    place.notice.close_button.click()
    assert place.header_slot.currentWidget() is place.header
    assert geometry(window, place) == before


def test_the_parked_notice_goes_when_the_cart_is_recalled(
    qtbot: QtBot, till: OpenTill, indexed_db: Database
) -> None:
    _window, place = till("cashier", TILLS[0])
    register = place.register
    fill_the_counter(place, indexed_db, waiter(qtbot))
    cart_id = register.cart.cart_id
    register.panel().table.setFocus()
    with qtbot.waitSignal(register.notice, timeout=WAIT_MS):
        QTest.keyClick(register.panel().table, Qt.Key.Key_F10)
    assert place.notice.isVisible()
    assert "parked" in place.notice.text()
    assert register.cart.is_empty
    # The notice stays while nothing else happens...
    register.cart_changed.emit()
    assert place.notice.isVisible()
    # ...and goes when the parked cart is back on screen.
    op = register.recall_cart(cart_id)
    qtbot.waitUntil(lambda: op.outcome is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: register.cart.cart_id == cart_id, timeout=WAIT_MS)
    assert not place.notice.isVisible()
    assert place.header_slot.currentWidget() is place.header


def test_the_change_notice_stays_until_the_next_customer_starts(
    qtbot: QtBot, till: OpenTill, indexed_db: Database
) -> None:
    _window, place = till("cashier", TILLS[0])
    register = place.register
    place.register.notice.emit("Sale 0001 done. Change: NT$241")
    assert place.notice.isVisible()
    register.cart_changed.emit()
    assert place.notice.isVisible()
    fill_the_counter(place, indexed_db, waiter(qtbot))
    assert not place.notice.isVisible()


# --- a receipt that did not print ---------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[Listener]:
    printer = Listener()
    yield printer
    printer.server.close()


def test_a_receipt_that_did_not_print_offers_print_again_and_save_as_pdf(
    qtbot: QtBot,
    till: OpenTill,
    indexed_db: Database,
    listener: Listener,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, place = till("cashier", TILLS[0])
    context = place.context
    order_id, number = commit_a_sale(indexed_db)
    context.preferences.receipt_target = closed_port_target()
    before = geometry(window, place)
    printer = place.register.printer

    with qtbot.waitSignal(printer.print_failed, timeout=WAIT_MS):
        printer.print_receipt(order_id, open_drawer=True)
    assert place.banner.isVisible()
    assert "does not answer" in place.banner.text()
    assert set(place.banner.buttons) == {"print_again", "save_pdf"}
    assert geometry(window, place) == before
    # A passing problem (a bad scan) covers it for a while; the receipt's stays underneath.
    place.show_banner("No product has the code 123.")
    place.hide_banner()
    assert "does not answer" in place.banner.text()

    # The printer is back: print again (Alt+R, the cashier's hands stay on the keys)
    # sends the same receipt, and the banner goes.
    context.preferences.receipt_target = listener.target
    search = place.browser.search
    search.setFocus()
    again = place.banner.buttons["print_again"]
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is search and not again.visibleRegion().isEmpty(),
        timeout=WAIT_MS,
    )
    with qtbot.waitSignal(printer.printed, timeout=WAIT_MS):
        QTest.keyClick(search, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is search
    assert number.encode("ascii") in listener.wait()
    assert not place.banner.isVisible()

    # Out of paper again: save it as PDF instead.
    context.preferences.receipt_target = closed_port_target()
    with qtbot.waitSignal(printer.print_failed, timeout=WAIT_MS):
        printer.print_receipt(order_id)
    target = tmp_path / "receipt.pdf"
    monkeypatch.setattr(DocumentPrinter, "ask_save_path", classmethod(lambda cls, *a: target))
    with qtbot.waitSignal(printer.saved, timeout=WAIT_MS):
        place.banner.buttons["save_pdf"].click()
    assert target.read_bytes().startswith(b"%PDF")
    assert not place.banner.isVisible()


# --- sync problems --------------------------------------------------------------------------


def _status(**changes: object) -> SyncStatus:
    values: dict[str, object] = {
        "state": "idle",
        "online": True,
        "pending_ops": 0,
        "rejected_ops": 0,
        "last_success_at": None,
        "clock_skew_seconds": None,
        "last_error": "",
        "next_attempt_at": None,
        "error_code": "",
    }
    values.update(changes)
    return SyncStatus(**values)  # type: ignore[arg-type]


def test_a_sync_problem_offers_the_sync_log_to_a_manager(qtbot: QtBot, till: OpenTill) -> None:
    window, place = till("manager", TILLS[0])
    # The status bar shows "Refused: 2" too (a little taller): compare where things start.
    before = tops(window, place)
    # Offline is no banner: selling goes on and sync retries by itself.
    window.sync.status_changed.emit(
        _status(state="offline", online=False, error_code="unreachable")
    )
    assert not place.banner.isVisible()

    window.sync.status_changed.emit(_status(rejected_ops=2))
    assert place.banner.isVisible()
    assert "refused" in place.banner.text()
    assert set(place.banner.buttons) == {"sync_log"}
    assert tops(window, place) == before
    place.banner.buttons["sync_log"].click()
    dialog = place.sync_log
    assert isinstance(dialog, SyncLogDialog)
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 1  # the refused operations
    dialog.close()
    assert not place.banner.isVisible()

    # The same count again is not news; access revoked is, and goes once fixed.
    window.sync.status_changed.emit(_status(rejected_ops=2))
    assert not place.banner.isVisible()
    window.sync.status_changed.emit(_status(state="revoked", error_code="revoked", rejected_ops=2))
    assert place.banner.isVisible()
    assert "revoked" in place.banner.text()
    window.sync.status_changed.emit(_status(rejected_ops=2))
    assert not place.banner.isVisible()


def test_a_cashier_is_told_to_ask_a_manager(qtbot: QtBot, till: OpenTill) -> None:
    window, place = till("cashier", TILLS[0])
    window.sync.status_changed.emit(_status(error_code="disk_full"))
    assert place.banner.isVisible()
    assert "Ask a manager" in place.banner.text()
    assert place.banner.buttons == {}


def test_the_sell_place_alone_has_its_title_and_facts_on_one_line(
    qtbot: QtBot, staff_context: StaffContext
) -> None:
    place = SellPlace(staff_context("cashier"))
    qtbot.addWidget(place)
    place.resize(*TILLS[0])
    with qtbot.waitSignal(place.facts_loaded, timeout=WAIT_MS):
        place.show()
    assert place._title.text() == "Sell"
    assert place._title.toolTip().startswith("Scan or search products")
    value = place.findChild(QLabel, "fact_today_here")
    assert value is not None
    assert value.text().isdigit()
    line = place.header.height()
    assert line < 3 * place.fontMetrics().lineSpacing()
    # Title and fact side by side, not stacked.
    assert abs(where(value).center().y() - where(place._title).center().y()) < line
