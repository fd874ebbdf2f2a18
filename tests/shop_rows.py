"""Reading a shop's database back with plain SQL, shared by service and UI tests.

Tests check what the code under test wrote by asking SQLite directly, never
through that code; these few helpers were copied into many test files, so
they live here once. A plain module (not a conftest): import it as
``from tests.shop_rows import sql, one, Item, demo_items``.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shop_desktop.data.db import Database


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, worked out with ``Decimal``.

    The tests' own arithmetic: it does not share the integer formula the code
    under test uses (``shop_shared.rounding``), so the two check each other.
    """
    exact = Decimal(numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Item:
    """A demo product as a test needs it to build a sale line: price and tax rate."""

    id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    price: int
    rate: int


def sql(db: Database, query: str, *args: object) -> list[tuple[Any, ...]]:
    """Every row of ``query``, on a connection of its own so nothing is shared with the app."""
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def one(db: Database, query: str, *args: object) -> Any:
    """The first column of the first row: a count, an id, a single figure."""
    return sql(db, query, *args)[0][0]


def demo_items(db: Database, weighed: bool, *, limit: int) -> list[Item]:
    """The first ``limit`` products by SKU, weighed or by the piece, priced above 30 minor units."""
    return [
        Item(uuid.UUID(r[0]), r[1], r[2], r[3], r[4], r[5])
        for r in sql(
            db,
            "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
            " JOIN tax_classes t ON t.id = p.tax_class_id"
            " WHERE p.weighed = ? AND p.price_minor > 30 ORDER BY p.sku LIMIT ?",
            int(weighed),
            limit,
        )
    ]
