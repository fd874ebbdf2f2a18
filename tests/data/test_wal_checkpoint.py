"""The till's WAL is folded back when the till is idle, never inside a sale's commit.

Whether a commit checkpointed is read from the database file itself: a
checkpoint is the only thing that writes the main file in WAL mode, so its
bytes stay the same while the WAL holds every sale, and a copy of the main
file alone has the sales only once they were checkpointed.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import PaymentMethod, Product
from shop_desktop.domain.cart import Cart
from shop_desktop.services.auth import log_in
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.sale import cart_product, load_pricing_rules, price, sale_draft

#: More WAL pages than SQLite's own checkpoint threshold (1,000): about 40 pages a sale.
SALES = 30


def main_file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wal_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return 0
    page_size = int.from_bytes(wal.read_bytes()[8:12], "big")
    return (wal.stat().st_size - 32) // (page_size + 24)


def orders_in_main_file_alone(path: Path, copy: Path) -> int:
    """The orders a reader of the database file without its WAL sees."""
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        conn.close()


def sell(database: Database) -> Callable[[], None]:
    """A till ringing up three-line cash sales."""
    with database.session() as session:
        staff = log_in(session, "cashier", "cashier")
        ids = session.scalars(
            select(Product.id)
            .where(Product.active, Product.weighed.is_(False), Product.price_minor > 0)
            .order_by(Product.sku)
            .limit(3)
        )
        products = [cart_product(session, product_id) for product_id in ids]
        rules = load_pricing_rules(session)
    at = datetime(2026, 11, 20, 14, 30)  # noqa: DTZ001 - shop wall time, as promotions read it

    def one_sale() -> None:
        cart = Cart()
        for product in products:
            cart.add(product)
        bill = price(cart, rules, currency_code=staff.currency_code, at=at)
        cash = DraftPayment(PaymentMethod.CASH, bill.total_minor, tendered_minor=bill.total_minor)
        draft = sale_draft(cart, bill, [cash], staff_id=staff.staff_id)
        with database.session() as session:
            commit_sale(session, draft)

    return one_sale


@pytest.fixture
def till_db(demo_db_path: Path) -> Database:
    database = open_database(demo_db_path)
    # The template was checkpointed before it was copied: the file is the whole database.
    assert wal_pages(demo_db_path) == 0
    return database


def test_a_sale_commit_does_not_checkpoint_and_the_idle_step_folds_the_wal(
    till_db: Database, demo_db_path: Path, tmp_path: Path
) -> None:
    try:
        till_db.fold_wal_when_idle()
        one_sale = sell(till_db)
        orders_before = orders_in_main_file_alone(demo_db_path, tmp_path / "before.db")
        digest = main_file_digest(demo_db_path)
        for _ in range(SALES):
            one_sale()
        assert main_file_digest(demo_db_path) == digest, "a commit checkpointed"
        pages = wal_pages(demo_db_path)
        assert pages > 1000
        assert orders_in_main_file_alone(demo_db_path, tmp_path / "during.db") == orders_before

        folded = till_db.checkpoint()  # the till is idle
        assert not folded.busy
        assert folded.wal_frames == folded.checkpointed == pages
        assert main_file_digest(demo_db_path) != digest
        after = orders_in_main_file_alone(demo_db_path, tmp_path / "after.db")
        assert after == orders_before + SALES

        # The next sale writes the WAL from its start again: it does not grow on.
        one_sale()
        assert wal_pages(demo_db_path) == pages
        assert till_db.checkpoint().wal_frames < pages // 10
    finally:
        till_db.dispose()


def test_without_it_sqlite_checkpoints_inside_some_sale(
    till_db: Database, demo_db_path: Path
) -> None:
    """The measure above is not blind: the same sales on SQLite's own settings do write the file."""
    try:
        one_sale = sell(till_db)
        digest = main_file_digest(demo_db_path)
        for _ in range(SALES):
            one_sale()
        assert main_file_digest(demo_db_path) != digest
    finally:
        till_db.dispose()


def test_connections_opened_before_stop_checkpointing_too(till_db: Database) -> None:
    try:
        with till_db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        till_db.fold_wal_when_idle()
        till_db.fold_wal_when_idle()  # twice is the same as once
        with till_db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        with till_db.session() as session:
            assert session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    finally:
        till_db.dispose()
