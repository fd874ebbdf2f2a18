"""Alembic environment for the workstation database.

Migrations run inside the app (``data.db.upgrade``) on a connection handed
over through ``config.attributes``; ``alembic`` on the command line works
too, given ``-x db=PATH``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from shop_desktop.data.models import Base
from shop_desktop.data.search_index import include_in_schema_comparison

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        include_name=include_in_schema_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    db = context.get_x_argument(as_dictionary=True).get("db")
    if not db:
        raise SystemExit("give the database with: alembic -x db=PATH ...")
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        _run(conn)
