"""Server rows into the local tables: the one place that maps the wire to SQLite.

Pull pages and bootstrap pages carry the client models' columns by name (ids
as text, enums by value, times ISO-8601). Both are applied here with plain
``executemany`` statements built from the models' tables, not ORM objects:
a bootstrap brings a million products, and an object per row would cost far
more than SQLite needs to store them. Values are converted to exactly what
SQLAlchemy itself stores (32-hex ids, naive-UTC times, JSON text), so the
ORM reads them back as if it had written them.

Upserts are ``INSERT ... ON CONFLICT (key) DO UPDATE``, never ``INSERT OR
REPLACE``: a replace deletes first, and the delete would cascade to the
product's barcodes, stock and search key.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from itertools import repeat
from typing import Any, Protocol

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, Uuid

from shop_desktop.data.models import (
    Base,
    Brand,
    Category,
    Coupon,
    DeliveryRule,
    Member,
    ParkedCart,
    Product,
    Promotion,
    StaffUser,
    StockLevel,
    TaxClass,
    Workstation,
    table_of,
)
from shop_desktop.data.models import Branch as BranchModel
from shop_desktop.data.types import UTCDateTime
from shop_shared.ops import MEMBER_UPDATE, ORDER_OPS, PRODUCT_EDIT, STAFF_EDIT

__all__ = [
    "ENTITY_MODELS",
    "MASTER_TABLES",
    "AlchemySql",
    "MalformedId",
    "RawSql",
    "Sql",
    "apply_changes_of_entity",
    "pending_member_ids",
    "pending_product_ids",
    "pending_staff_ids",
    "refresh_points",
    "restore_invoice_prefix",
]

#: Pulled entities and the client tables they fill, in the server's apply order.
ENTITY_MODELS: dict[str, type[Base]] = {
    "branch": BranchModel,
    "workstation": Workstation,
    "tax_class": TaxClass,
    "category": Category,
    "brand": Brand,
    "staff_user": StaffUser,
    "member": Member,
    "product": Product,
    "promotion": Promotion,
    "coupon": Coupon,
    "delivery_rule": DeliveryRule,
    "stock_level": StockLevel,
    "parked_cart": ParkedCart,
}

#: The downstream cache a too-old cursor empties (children first). Never orders,
#: the outbox or local ledgers: they hold what this workstation owns.
#: Rows that orders or ledgers point at (products, members, staff, coupons)
#: are kept and overwritten by the new snapshot instead; parked carts may be
#: this till's own, not yet sent.
MASTER_TABLES = ("stock_levels", "product_barcodes", "delivery_rules")

#: Local columns the server never overwrites.
_LOCAL_COLUMNS = {"products": frozenset({"popularity"})}

#: Text ids in the wire, stored as 32 hex characters by ``Uuid``.
_OP_TYPES_WITH_ORDERS = tuple(sorted(ORDER_OPS))


class Sql(Protocol):
    """What applying needs from a connection: run a statement, or run one for many rows."""

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class AlchemySql:
    """Statements on a SQLAlchemy connection (pull: inside the engine's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        result = self.conn.exec_driver_sql(sql, tuple(params))
        return [tuple(r) for r in result.fetchall()] if result.returns_rows else []

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.conn.exec_driver_sql(sql, [tuple(r) for r in rows])


class RawSql:
    """Statements on a plain ``sqlite3`` connection (bootstrap: its own fast connection)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.conn.executemany(sql, rows)


# --- values ---------------------------------------------------------------------


class MalformedId(ValueError):
    """A value sent as an id is not one: the row is refused, never stored."""

    def __init__(self, value: object) -> None:
        super().__init__(f"{value!r} is not an id")


#: Ids as the server writes them (``str(uuid)``), one per line: a whole column
#: is checked by one match instead of a ``uuid.UUID()`` per value.
_CANONICAL_IDS = re.compile(
    r"(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\n)*"
)


def _hex(value: Any) -> str | None:
    """The stored form of an id (32 lowercase hex digits), as ``Uuid`` writes it."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value)
    if len(text) == 36 and _CANONICAL_IDS.fullmatch(text + "\n"):
        return text.replace("-", "").lower()
    try:
        # Other spellings uuid accepts (no dashes, braces, urn:uuid:).
        return uuid.UUID(text).hex
    except ValueError:
        raise MalformedId(value) from None


def _hex_column(values: list[Any]) -> list[Any]:
    """:func:`_hex` of a whole column; the common all-canonical case in one pass."""
    if all(type(v) is str for v in values):
        joined = "\n".join(values)
        if _CANONICAL_IDS.fullmatch(joined + "\n"):
            converted = joined.replace("-", "").lower().split("\n")
            if len(converted) == len(values):  # no value hid a line break
                return converted
    return [_hex(v) for v in values]


def _sqlite_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _utc_time(value: Any) -> str | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return _sqlite_time(moment)


def _wall_time(value: Any) -> str | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return _sqlite_time(moment.replace(tzinfo=None))


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)[:10]).isoformat()


def _flag(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _json(value: Any) -> str:
    return json.dumps(value)


def _plain(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, int | str):
        return value.value  # an enum member given as a default
    return value


def _converter(column: Any) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _utc_time
    if isinstance(kind, Uuid):
        return _hex
    if isinstance(kind, DateTime):
        return _wall_time
    if isinstance(kind, Date):
        return _day
    if isinstance(kind, Boolean):
        return _flag
    if isinstance(kind, JSON):
        return _json
    return None


def _default_maker(column: Any) -> Callable[[], Any] | None:
    """What fills a column the server left out, stored as SQLAlchemy would store it."""
    default = column.default
    if default is None:
        return None
    convert = _converter(column)

    def make() -> Any:
        value = _plain(default.arg(None) if default.is_callable else default.arg)
        return convert(value) if convert is not None else value

    return make


class _Filler:
    """A column the server left out, filled from its Python-side default.

    A constant is computed once; a computed default (``utcnow``, an empty
    dict) once per page, since a page's rows arrive at the same moment; but
    a key or unique column (``new_id``) gets its own value on every row.
    """

    def __init__(self, column: Any, make: Callable[[], Any]) -> None:
        self.make = make
        self.per_row = bool(column.primary_key or column.unique)
        self.constant = not column.default.is_callable
        self.value = make() if self.constant else None

    def column(self, count: int) -> Iterable[Any]:
        if self.constant:
            return repeat(self.value, count)
        if self.per_row:
            return [self.make() for _ in range(count)]
        return repeat(self.make(), count)


def _convert_column(convert: Callable[[Any], Any], name: str, values: list[Any]) -> list[Any]:
    try:
        if convert is _hex:
            return _hex_column(values)
        return [convert(v) for v in values]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: {exc}") from exc


class _Statement:
    """An upsert for one table and one set of wire columns, built once and cached."""

    def __init__(self, table: Table, wire_columns: tuple[str, ...]) -> None:
        columns = table.columns
        local = _LOCAL_COLUMNS.get(table.name, frozenset())
        self.positions = [
            i for i, name in enumerate(wire_columns) if name in columns and name not in local
        ]
        names = [wire_columns[i] for i in self.positions]
        self.converters = [
            (n, name, conv)
            for n, name in enumerate(names)
            if (conv := _converter(columns[name])) is not None
        ]
        # Columns the server left out that have only a Python-side default
        # (SQLite fills server_default ones itself).
        self.fillers = [
            (name, _Filler(columns[name], make))
            for name in columns.keys()  # noqa: SIM118 - a ColumnCollection
            if name not in names
            and columns[name].server_default is None
            and (make := _default_maker(columns[name])) is not None
        ]
        keys = [c.name for c in table.primary_key.columns]
        self.key_positions = [names.index(k) for k in keys if k in names]
        self.complete_key = len(self.key_positions) == len(keys)
        all_names = names + [name for name, _ in self.fillers]
        updates = [n for n in names if n not in keys]
        marks = ", ".join("?" for _ in all_names)
        action = (
            "DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in updates)
            if updates
            else "DO NOTHING"
        )
        self.sql = (
            f"INSERT INTO {table.name} ({', '.join(all_names)}) VALUES ({marks})"
            f" ON CONFLICT ({', '.join(keys)}) {action}"
        )

    def values(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """The statement's parameters for ``rows``, converted column by column.

        Column-wise, so each conversion is one comprehension (or one match for
        a column of ids) rather than Python work per cell.
        """
        columns: list[Iterable[Any]] = [[row[i] for row in rows] for i in self.positions]
        for n, name, convert in self.converters:
            columns[n] = _convert_column(convert, name, list(columns[n]))
        columns.extend(filler.column(len(rows)) for _, filler in self.fillers)
        return list(zip(*columns, strict=True))


@cache
def _statement(table_name: str, wire_columns: tuple[str, ...]) -> _Statement:
    table = Base.metadata.tables[table_name]
    return _Statement(table, wire_columns)


# --- pending local ops ----------------------------------------------------------------


def _pending_ids(sql: Sql, op_type: str, field: str) -> set[str]:
    rows = sql.run(
        "SELECT json_extract(payload, ?) FROM outbox WHERE status = 'pending' AND op_type = ?",
        (f"$.{field}", op_type),
    )
    return {h for (value,) in rows if value and (h := _hex(value))}


def pending_product_ids(sql: Sql) -> set[str]:
    """Products with a catalog edit not yet accepted: pulled rows must not undo it."""
    return _pending_ids(sql, PRODUCT_EDIT, "product_id")


def pending_member_ids(sql: Sql) -> set[str]:
    """Members with a profile change not yet sent: pulled rows must not undo it."""
    return _pending_ids(sql, MEMBER_UPDATE, "member_id")


def pending_staff_ids(sql: Sql) -> set[str]:
    """Staff with an administrator's edit not yet sent: pulled rows must not undo it."""
    return _pending_ids(sql, STAFF_EDIT, "staff_id")


# --- applying -------------------------------------------------------------------------


def _barcodes(value: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item in value or []:
        if isinstance(item, str):
            found.append((item, "ean13"))
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            found.append((item["code"], str(item.get("kind") or "ean13")))
        else:
            raise ValueError(f"a barcode must be a code or {{code, kind}}: {item!r}")
    return found


def apply_changes_of_entity(
    sql: Sql,
    entity: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    deleted: Iterable[str] = (),
    skip: set[str] | frozenset[str] = frozenset(),
) -> set[str]:
    """Upsert ``rows`` (each in ``columns`` order) and delete ``deleted`` ids of one entity.

    Rows whose id is in ``skip`` (hex ids with pending local ops) are left
    as they are here. Returns the hex ids of products touched (for the
    search index). Unknown entities are ignored: a newer server may send
    more than this client keeps. Raises ``ValueError``/``KeyError`` on a
    row that cannot be stored; the caller treats it as an invalid answer.
    """
    if entity == "points_balance":
        refresh_points(sql, columns, rows)
        return set()
    model = ENTITY_MODELS.get(entity)
    if model is None:
        return set()
    table = table_of(model)
    wire = tuple(columns)
    statement = _statement(table.name, wire)
    if not statement.complete_key:
        raise ValueError(f"{entity}: rows without their key {statement.key_positions}")
    id_at = wire.index("id") if "id" in wire else None
    barcodes_at = wire.index("barcodes") if entity == "product" and "barcodes" in wire else None
    page = list(rows)
    for row in page:
        if len(row) != len(wire):
            raise ValueError(f"{entity}: a row of {len(row)} values for {len(wire)} columns")
    ids: list[str | None] = []
    if id_at is not None:
        ids = _convert_column(_hex, "id", [row[id_at] for row in page])
        if skip:
            kept = [n for n, row_id in enumerate(ids) if row_id not in skip]
            page = [page[n] for n in kept]
            ids = [ids[n] for n in kept]
    sql.many(statement.sql, statement.values(page))
    touched: set[str] = set()
    if entity == "product":
        touched = {row_id for row_id in ids if row_id is not None}
    if barcodes_at is not None and touched:
        # A page may hold several versions of a product: its last row says which
        # barcodes it has now (an earlier row's removed code must not come back).
        latest = {row_id: row for row, row_id in zip(page, ids, strict=True) if row_id}
        codes = [
            (code, row_id, kind)
            for row_id, row in latest.items()
            for code, kind in _barcodes(row[barcodes_at])
        ]
        ordered = sorted(touched)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            sql.run(f"DELETE FROM product_barcodes WHERE product_id IN ({marks})", chunk)
        sql.many(
            "INSERT INTO product_barcodes (code, product_id, kind) VALUES (?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET product_id = excluded.product_id,"
            " kind = excluded.kind",
            codes,
        )
    gone = [h for i in deleted if (h := _hex(i)) is not None and h not in skip]
    if gone:
        _delete(sql, table, gone)
        if entity == "product":
            touched.update(gone)
    return touched


def _delete(sql: Sql, table: Table, hex_ids: list[str]) -> None:
    # Rows that old orders point at (products, members, staff) are switched
    # off rather than deleted: history keeps its references.
    key = [c.name for c in table.primary_key.columns]
    if key != ["id"]:
        return
    if "active" in table.columns:
        sql.many(f"UPDATE {table.name} SET active = 0 WHERE id = ?", [[h] for h in hex_ids])
    else:
        sql.many(f"DELETE FROM {table.name} WHERE id = ?", [[h] for h in hex_ids])


#: Points this till recorded that the server has not seen: those of unsent sales (all
#: the order's entries) and of unsent cancellations (the reversals their payload lists).
_UNSENT_POINTS = f"""
    SELECT member_id, coalesce(sum(delta), 0) FROM (
        SELECT p.member_id, p.delta FROM points_entries p
        JOIN outbox o ON replace(json_extract(o.payload, '$.id'), '-', '') = p.order_id
        WHERE o.status = 'pending' AND o.op_type IN {_OP_TYPES_WITH_ORDERS!r}
        UNION ALL
        SELECT p.member_id, p.delta FROM outbox o, json_each(o.payload, '$.points') m
        JOIN points_entries p ON p.id = lower(replace(json_extract(m.value, '$.id'), '-', ''))
        WHERE o.status = 'pending' AND o.op_type = 'order.cancelled' AND m.type = 'object'
    ) GROUP BY member_id
"""


def refresh_points(sql: Sql, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The server's balance plus points changed here that it has not seen yet."""
    wire = list(columns)
    member_at, points_at = wire.index("member_id"), wire.index("points")
    unsent = dict(sql.run(_UNSENT_POINTS))
    updates: list[Sequence[Any]] = []
    for row in rows:
        member = _hex(row[member_at])
        points = row[points_at]
        if not isinstance(points, int) or isinstance(points, bool):
            raise ValueError(f"points_balance: points {points!r}")
        updates.append([points + int(unsent.get(member, 0)), member])
    sql.many("UPDATE members SET points = ? WHERE id = ?", updates)


def restore_invoice_prefix(sql: Sql, workstation_id: uuid.UUID, prefix: str) -> None:
    """Keep this enrolment's own invoice series, whatever the pulled workstation row said."""
    sql.run(
        "UPDATE workstations SET invoice_prefix = ? WHERE id = ? AND invoice_prefix != ?",
        (prefix, workstation_id.hex, prefix),
    )
