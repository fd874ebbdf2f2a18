"""The models and the Alembic migrations describe the same schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from shop_desktop.data.db import (
    create_sqlite_engine,
    current_revision,
    downgrade,
    head_revision,
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
