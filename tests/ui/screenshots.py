"""The README's screenshots, made again from a fresh demo shop: ``python -m tests.ui.screenshots``.

Run from the repository's root (offscreen, no display needed); it writes
``docs/screenshots/sell-cart.png`` (the Sell place at 1366×768 with a six-line
cart, a member, a coupon and a search typed) and ``docs/screenshots/checkout.png``
(the payment window showing the change for NT$500 cash). ``--size 1920x1080``
and ``--out DIR`` look at other tills without touching the README's images.

Not a test (pytest collects only ``test_*.py``): the layout tests build the
same counter through :func:`fill_the_counter` and check what this only shows.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDeadlineTimer, QStandardPaths
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import bindparam, text

from shop_desktop.data import search_index
from shop_desktop.data.db import Database, open_database
from shop_desktop.domain.cart import CartMember
from shop_desktop.services.auth import log_in
from shop_desktop.ui import i18n
from shop_desktop.ui.catalog.models import SearchSource
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.fonts import ensure_chinese_font
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.style import apply_shop_look

#: The same small demo shop the tests use (tests/conftest.py).
DEMO_END = date(2026, 11, 20)
LINES = 6
COUPON = "WELCOME100"
#: What the cashier has typed in the search box.
SEARCH = "tea"
CASH_MINOR = 500

Wait = Callable[[Callable[[], bool]], None]


def six_products(database: Database) -> list[str]:
    """SKUs of six piece goods a customer might buy, two of them drinks (on promotion)."""
    with database.session() as session:
        drinks = session.execute(
            text(
                "SELECT p.sku FROM products p JOIN categories c ON c.id = p.category_id"
                " LEFT JOIN categories up ON up.id = c.parent_id"
                " WHERE p.active = 1 AND p.weighed = 0 AND p.price_minor BETWEEN 25 AND 60"
                " AND (c.name_en LIKE '%Drink%' OR up.name_en LIKE '%Drink%')"
                " ORDER BY p.sku LIMIT 2"
            )
        ).scalars()
        chosen = [str(sku) for sku in drinks]
        others = session.execute(
            text(
                "SELECT sku FROM products WHERE active = 1 AND weighed = 0"
                " AND price_minor BETWEEN 25 AND 70 ORDER BY sku LIMIT :n"
            ),
            {"n": LINES * 2},
        ).scalars()
        for sku in others:
            if len(chosen) == LINES:
                break
            if sku not in chosen:
                chosen.append(str(sku))
        return chosen


def a_gold_member(database: Database) -> CartMember:
    with database.session() as session:
        row = session.execute(
            text("SELECT id, code, name, level FROM members WHERE level = 'gold' ORDER BY code")
        ).first()
    assert row is not None, "the demo shop has gold members"
    return CartMember(uuid.UUID(hex=str(row[0])), str(row[1]), str(row[2]), str(row[3]))


def product_ids(database: Database, skus: list[str]) -> list[uuid.UUID]:
    query = text("SELECT sku, id FROM products WHERE sku IN :skus").bindparams(
        bindparam("skus", expanding=True)
    )
    with database.session() as session:
        found = {
            str(sku): uuid.UUID(hex=str(pid)) for sku, pid in session.execute(query, {"skus": skus})
        }
    return [found[sku] for sku in skus]


def fill_the_counter(place: SellPlace, database: Database, wait: Wait) -> None:
    """Six lines, a gold member and coupon WELCOME100 in the cart; a search typed."""
    register = place.register
    wait(lambda: register.rules is not None)
    for product_id in product_ids(database, six_products(database)):
        before = len(register.cart)
        register.add_product(product_id)
        wait(lambda before=before: len(register.cart) > before)  # type: ignore[misc]
    register.set_member(a_gold_member(database))
    wait(lambda: register.cart.member is not None)
    register.add_coupon(COUPON)
    wait(lambda: COUPON in register.cart.coupons)
    browser = place.browser
    browser.search.setText(SEARCH)
    wait(
        lambda: (
            isinstance(browser.model.source, SearchSource)
            and browser.model.source.typed == SEARCH
            and browser.model.rowCount() > 0
        )
    )


def index_the_catalog(path: Path) -> None:
    """Build the search index now (the app builds it in the background after log-in)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        search_index.rebuild(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()


def open_counter(database: Database, data_dir: Path, size: tuple[int, int]) -> MainWindow:
    with database.session() as session:
        staff = log_in(session, "cashier", "cashier")
    context = ShopContext(
        database=database,
        staff=staff,
        preferences=Preferences(data_dir),
        data_dir=data_dir,
        log_file=None,
    )
    window = MainWindow(context)
    window.resize(*size)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.show_place(SellPlace.key)
    return window


def _wait(condition: Callable[[], bool], timeout_ms: int = 30_000) -> None:
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the counter did not get there in time")
        QTest.qWait(20)


def take_screenshots(out: Path, size: tuple[int, int]) -> list[Path]:
    from shop_desktop.services.demo import build_demo

    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shop.db"
        build_demo(path, products=400, members=60, days=3, seed=7, end_date=DEMO_END)
        index_the_catalog(path)
        database = open_database(path)
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        try:
            window = open_counter(database, data_dir, size)
            place = window.place(SellPlace.key)
            assert isinstance(place, SellPlace)
            fill_the_counter(place, database, _wait)
            # The search's pictures and rows are read on workers; let them land.
            _wait(lambda: not place.browser.model.loading)
            QTest.qWait(200)
            out.mkdir(parents=True, exist_ok=True)
            written.append(out / "sell-cart.png")
            window.grab().save(str(written[-1]))
            dialog = place.register.pay()
            assert isinstance(dialog, CheckoutDialog)
            QTest.qWaitForWindowExposed(dialog)
            dialog.tender_panel.take_cash(CASH_MINOR)
            _wait(lambda: dialog.tender_panel.change_minor > 0)
            QTest.qWait(100)
            written.append(out / "checkout.png")
            dialog.grab().save(str(written[-1]))
            dialog.reject()
            window.close()
        finally:
            database.dispose()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", default=i18n.EN, choices=[i18n.EN, i18n.ZH_TW])
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_shop_look(app)
    ensure_chinese_font()
    i18n.switch_language(args.language)
    for path in take_screenshots(args.out, (width, height)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
