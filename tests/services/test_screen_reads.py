"""The small reads the screens moved out of ui/: counts, staff names, where orders go.

Checked against the demo shop's real database, read back with plain SQL.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime

from tests.shop_rows import one, sql

from shop_desktop.data.db import Database
from shop_desktop.services.auth import staff_names
from shop_desktop.services.counts import count_catalog, count_members, count_orders
from shop_desktop.services.fulfilment import Destination, destinations, shop_info
from shop_desktop.services.sync.server_state import read_server_state


def test_the_tiles_count_what_the_database_holds(demo_db: Database) -> None:
    with demo_db.session() as session:
        members = count_members(session)
        catalog = count_catalog(session)
        every_order = count_orders(session)
        since = datetime(2000, 1, 1, tzinfo=UTC)
        future = datetime(2999, 1, 1, tzinfo=UTC)
        none_yet = count_orders(session, since=future)
        nowhere = count_orders(session, since=since, workstation_id=uuid.uuid4())
    assert members == one(demo_db, "SELECT count(*) FROM members WHERE active")
    assert catalog == {
        "products": one(demo_db, "SELECT count(*) FROM products WHERE active"),
        "categories": one(demo_db, "SELECT count(*) FROM categories"),
    }
    assert every_order == one(demo_db, "SELECT count(*) FROM orders")
    assert (none_yet, nowhere) == (0, 0)


def test_staff_names_are_everyone_by_name(demo_db: Database) -> None:
    with demo_db.session() as session:
        names = staff_names(session)
    rows = sql(demo_db, "SELECT id, display_name FROM staff_users")
    assert sorted(names, key=lambda x: x[0]) == sorted(
        ((uuid.UUID(staff_id), name) for staff_id, name in rows), key=lambda x: x[0]
    )
    assert [name for _, name in names] == sorted(name for _, name in names)


def test_each_order_with_a_delivery_says_where_and_by_when(demo_db: Database) -> None:
    first, second, counter = (
        uuid.UUID(r[0]) for r in sql(demo_db, "SELECT id FROM orders LIMIT 3")
    )
    conn = sqlite3.connect(demo_db.path)
    try:
        conn.executemany(
            "INSERT INTO order_deliveries (order_id, recipient_name, phone, address,"
            " requested_date, carrier, tracking_no) VALUES (?, '', '', ?, ?, '', '')",
            [(first.hex, "台北市信義路五段 7 號", "2026-12-24"), (second.hex, "", None)],
        )
        conn.commit()
    finally:
        conn.close()
    with demo_db.session() as session:
        assert destinations(session, []) == {}
        where = destinations(session, [first, second, counter])
    assert where == {
        first: Destination(date(2026, 12, 24), "台北市信義路五段 7 號"),
        second: Destination(None, ""),
    }


def test_the_papers_name_the_branch(demo_db: Database) -> None:
    branch_id, code, name_zh = sql(demo_db, "SELECT id, code, name_zh FROM branches LIMIT 1")[0]
    with demo_db.session() as session:
        shop = shop_info(session, uuid.UUID(branch_id))
    assert (shop.branch_code, shop.name_zh) == (code, name_zh)


def test_a_workstation_never_enrolled_shows_only_its_settings(demo_db: Database) -> None:
    state = read_server_state(demo_db)
    assert state.enrolled is False
    assert state.device_id == ""
