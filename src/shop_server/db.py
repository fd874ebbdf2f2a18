"""Engines, connection settings and migrations for the server's database.

PostgreSQL in production; SQLite for a one-command start. On SQLite every
write transaction starts with ``BEGIN IMMEDIATE`` (a separate engine), so
two writers queue for the lock instead of failing when a reader upgrades,
and readers never wait thanks to WAL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text

from shop_server.schema import server_state

#: Any fixed number: the advisory lock that lets only one instance migrate at a time.
MIGRATION_LOCK_KEY = 0x5E0C0001
DEFAULT_DATABASE_URL_NAME = "shop_server.db"


def default_database_url() -> str:
    """The environment's URL, else a SQLite file in the working directory."""
    url = os.environ.get("SHOP_SERVER_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_URL_NAME}"


def is_postgresql(url_or_engine: str | Engine | Connection) -> bool:
    if isinstance(url_or_engine, str):
        return url_or_engine.startswith("postgresql")
    return url_or_engine.dialect.name == "postgresql"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
    event.listen(engine, "connect", _sqlite_pragmas)

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is off; we emit BEGIN ourselves below.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass(frozen=True)
class Database:
    """The two doors to one database: ``reader`` for reads, ``writer`` for writes."""

    url: str
    reader: Engine
    writer: Engine

    @property
    def postgresql(self) -> bool:
        return is_postgresql(self.url)

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def open_database(url: str, *, pool_size: int = 8) -> Database:
    """Engines for ``url``; no migration (see :func:`migrate`)."""
    if is_postgresql(url):
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        return Database(url, engine, engine)
    return Database(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(database: Database) -> None:
    """Bring the database to the newest revision; safe with several instances starting.

    On PostgreSQL a session advisory lock makes the others wait until the
    first has migrated; they then find nothing to do.
    """
    with database.writer.connect() as conn:
        if database.postgresql:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()
        try:
            command.upgrade(_alembic_config(conn), "head")
            conn.commit()
            _ensure_state_row(conn)
            conn.commit()
        finally:
            if database.postgresql:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()


def _ensure_state_row(conn: Connection) -> None:
    if conn.execute(server_state.select().where(server_state.c.id == 1)).first() is None:
        conn.execute(server_state.insert().values(id=1, seq=0, floor=0))
