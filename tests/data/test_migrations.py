"""The models and the Alembic migrations describe the same schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from shop_desktop.data.db import (
    alembic_config,
    create_sqlite_engine,
    current_revision,
    downgrade,
    head_revision,
    known_revisions,
    upgrade,
)
from shop_desktop.data.models import Base
from shop_desktop.data.search_index import include_in_schema_comparison


def test_models_and_migrations_agree(migrated_db_path: Path) -> None:
    engine = create_sqlite_engine(migrated_db_path)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_name": include_in_schema_comparison},
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_empty_to_head_and_back(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "shop.db")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables

    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}, "downgrade left tables"

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_every_revision_steps_up_and_down(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "shop.db")
    upgrade(engine, "0001_catalog")
    assert current_revision(engine) == "0001_catalog"
    assert "orders" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "orders" in inspect(engine).get_table_names()
    downgrade(engine, "0001_catalog")
    assert "orders" not in inspect(engine).get_table_names()
    assert "products" in inspect(engine).get_table_names()
    engine.dispose()


def test_connection_settings_are_durable(migrated_db_path: Path) -> None:
    engine = create_sqlite_engine(migrated_db_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # 2 is FULL: each commit is fsynced before it is reported done.
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_checkout_revision_keeps_existing_sales_both_ways(tmp_path: Path) -> None:
    """0004 adds two columns to orders in place: a sale's lines and payments stay put.

    (Copying the table, as batch mode would, drops the old one, and with
    foreign keys on that cascades to every order's lines and payments.)
    """
    engine = create_sqlite_engine(tmp_path / "shop.db")
    upgrade(engine, "0003_catalog_search")
    names = ("branch", "station", "tax", "staff", "product", "order")
    ids = {name: f"{n:032x}" for n, name in enumerate(names, start=1)}
    ids["at"] = "2026-11-20 01:00:00.000000"
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO branches VALUES (:branch, 'B01', '店', 'Shop', '', '', '', 1, :at, :at)",
            "INSERT INTO workstations VALUES (:station, :branch, 'R1', 'R1', 'B01R1', 1, :at, :at)",
            "INSERT INTO tax_classes VALUES (:tax, 'TX5', '稅', 'Tax', 500, 1)",
            "INSERT INTO staff_users VALUES (:staff, 'c', 'C', 'x', 'cashier', NULL, 0, 'zh_TW',"
            " 1, NULL, :at, :at)",
            "INSERT INTO products (id, sku, name_zh, name_en, category_id, brand_id, tax_class_id,"
            " price_minor, member_price_minor, unit, weighed, description, specs, active,"
            " created_at, updated_at) VALUES (:product, 'P1', '品', 'Item', NULL, NULL, :tax, 50,"
            " NULL, 'pc', 0, '', '{}', 1, :at, :at)",
            "INSERT INTO orders (id, number, branch_id, workstation_id, staff_id, member_id, kind,"
            " status, currency_code, subtotal_minor, discount_minor, tax_minor,"
            " delivery_fee_minor, rounding_minor, total_minor, invoice_no, buyer_tax_id, note,"
            " created_at, completed_at, device_seq) VALUES (:order, 'B01R1-00000001', :branch,"
            " :station, :staff, NULL, 'take_away', 'completed', 'TWD', 50, 0, 2, 0, 0, 50,"
            " 'B01R1-00000001', '', '', :at, :at, 1)",
            "INSERT INTO order_lines VALUES ('a' || :order, :order, 1, :product, 'P1', '品',"
            " 'Item', 1000, 50, 0, 500, 2, 50, '[]', '')",
            "INSERT INTO payments VALUES ('b' || :order, :order, 'cash', 50, 100, 50, '', '', :at)",
        ):
            conn.exec_driver_sql(statement, ids)

    def sale() -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.exec_driver_sql(
                    "SELECT o.number, l.sku, p.amount_minor FROM orders o"
                    " JOIN order_lines l ON l.order_id = o.id JOIN payments p ON p.order_id = o.id"
                )
            ]

    assert sale() == [("B01R1-00000001", "P1", 50)]
    upgrade(engine)
    assert sale() == [("B01R1-00000001", "P1", 50)]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pricing, approved_by FROM orders").one() == ("{}", None)
    downgrade(engine, "0003_catalog_search")
    assert sale() == [("B01R1-00000001", "P1", 50)]
    assert "pricing" not in {c["name"] for c in inspect(engine).get_columns("orders")}
    engine.dispose()


def test_orders_revision_keeps_products_and_their_barcodes_both_ways(tmp_path: Path) -> None:
    """0005 adds products.location in place: barcodes (ON DELETE CASCADE) stay put."""
    engine = create_sqlite_engine(tmp_path / "shop.db")
    upgrade(engine, "0004_checkout")
    ids = {"tax": f"{1:032x}", "product": f"{2:032x}", "at": "2026-11-20 01:00:00.000000"}
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO tax_classes VALUES (:tax, 'TX5', '稅', 'Tax', 500, 1)",
            "INSERT INTO products (id, sku, name_zh, name_en, category_id, brand_id, tax_class_id,"
            " price_minor, member_price_minor, unit, weighed, description, specs, active,"
            " created_at, updated_at) VALUES (:product, 'P1', '品', 'Item', NULL, NULL, :tax, 50,"
            " NULL, 'pc', 0, '', '{}', 1, :at, :at)",
            "INSERT INTO product_barcodes VALUES ('4710000000001', :product, 'ean13')",
        ):
            conn.exec_driver_sql(statement, ids)

    def barcodes() -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql("SELECT code FROM product_barcodes")]

    upgrade(engine)
    assert barcodes() == [("4710000000001",)]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT location FROM products").one() == ("",)
    downgrade(engine, "0004_checkout")
    assert barcodes() == [("4710000000001",)]
    assert "location" not in {c["name"] for c in inspect(engine).get_columns("products")}
    assert "order_events" not in inspect(engine).get_table_names()
    engine.dispose()


def test_revisions_read_from_the_files_are_alembics() -> None:
    # Opening a database reads them without importing Alembic; they must agree.
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
