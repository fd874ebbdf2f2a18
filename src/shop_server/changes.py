"""The change log: what devices pull, ordered by a counter handed out under a lock.

``seq`` numbers are taken from the one-row ``server_state`` counter while
holding a transaction-scoped lock (``pg_advisory_xact_lock`` on PostgreSQL;
SQLite serialises writers anyway), taken just before the rows are written
and held until commit. So a transaction that got seq N commits before any
other can take N+1, and a reader never sees N+1 before N (SYNC.md: pull
never skips a change).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, text, update

from shop_server import schema as s

#: Any fixed number, distinct from the migration lock's.
CHANGE_LOG_LOCK_KEY = 0x5E0C0002


@dataclass(frozen=True)
class Change:
    """One row of the change log before it has its seq."""

    entity: str
    entity_id: str
    data: Mapping[str, Any]
    branch_id: str | None = None
    #: Visible to ``branch_id`` only, not to its neighbours (parked carts).
    private: bool = False
    op: str = "upsert"


#: Entity name -> (table, the columns sent, in order). ``product`` adds ``barcodes``.
ENTITIES: dict[str, tuple[Table, tuple[str, ...]]] = {
    "branch": (
        s.branches,
        ("id", "code", "name_zh", "name_en", "address", "phone", "tax_id", "active"),
    ),
    "workstation": (
        s.workstations,
        ("id", "branch_id", "code", "name", "invoice_prefix", "active"),
    ),
    "tax_class": (s.tax_classes, ("id", "code", "name_zh", "name_en", "rate_bp", "inclusive")),
    "category": (
        s.categories,
        ("id", "parent_id", "code", "name_zh", "name_en", "depth", "sort_order"),
    ),
    "brand": (s.brands, ("id", "name_zh", "name_en")),
    "staff_user": (
        s.staff_users,
        (
            "id",
            "username",
            "display_name",
            "password_hash",
            "role",
            "branch_id",
            "max_discount_bp",
            "locale",
            "active",
        ),
    ),
    "member": (
        s.members,
        (
            "id",
            "code",
            "name",
            "phone",
            "email",
            "level",
            "birthday",
            "home_branch_id",
            "points",
            "marketing_opt_in",
            "active",
        ),
    ),
    "product": (
        s.products,
        (
            "id",
            "sku",
            "name_zh",
            "name_en",
            "category_id",
            "brand_id",
            "tax_class_id",
            "price_minor",
            "member_price_minor",
            "unit",
            "weighed",
            "description",
            "specs",
            "active",
            "popularity",
            "location",
            "version",
        ),
    ),
    "promotion": (s.promotions, ("id", "code", "kind", "rule", "active", "priority")),
    "coupon": (
        s.coupons,
        (
            "id",
            "code",
            "promotion_id",
            "valid_from",
            "valid_until",
            "single_use",
            "max_uses",
            "member_id",
            "active",
            "uses",
        ),
    ),
    "delivery_rule": (
        s.delivery_rules,
        ("id", "code", "name_zh", "name_en", "rule", "active", "position"),
    ),
    "stock_level": (
        s.stock_levels,
        ("branch_id", "product_id", "on_hand_milli", "low_stock_milli"),
    ),
    "points_balance": (s.members, ("member_id", "points")),
    "parked_cart": (
        s.parked_carts,
        (
            "id",
            "branch_id",
            "workstation_id",
            "staff_id",
            "label",
            "payload",
            "total_minor",
            "parked_at",
            "recalled_at",
            "recalled_by",
            "recalled_workstation_id",
        ),
    ),
}

#: The order a client applies entities in (parents before children).
APPLY_ORDER: tuple[str, ...] = tuple(ENTITIES)


def now() -> datetime:
    return datetime.now(UTC)


def head(conn: Connection) -> tuple[int, int]:
    """(last seq handed out, floor): committed state as this transaction sees it."""
    row = conn.execute(select(s.server_state.c.seq, s.server_state.c.floor)).one()
    return int(row.seq), int(row.floor)


def lock_log(conn: Connection) -> None:
    """Take the log lock until commit, so counters taken now are seen in commit order.

    Only PostgreSQL needs it (SQLite lets one writer in at a time). Taking it again in
    the same transaction is harmless; it is released at commit or rollback.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})


def append(conn: Connection, changes: Sequence[Change]) -> int:
    """Write ``changes`` with consecutive seqs under the log lock; the last seq (the head).

    Call it as late as possible in the transaction: the lock is held until commit.
    With nothing to write, answers the current head without locking.
    """
    if not changes:
        return head(conn)[0]
    lock_log(conn)
    last = int(
        conn.execute(
            update(s.server_state)
            .where(s.server_state.c.id == 1)
            .values(seq=s.server_state.c.seq + len(changes))
            .returning(s.server_state.c.seq)
        ).scalar_one()
    )
    first = last - len(changes) + 1
    at = now()
    conn.execute(
        s.change_log.insert(),
        [
            {
                "seq": first + i,
                "entity": c.entity,
                "entity_id": c.entity_id,
                "branch_id": c.branch_id,
                "private": c.private,
                "op": c.op,
                "data": dict(c.data),
                "at": at,
            }
            for i, c in enumerate(changes)
        ],
    )
    return last


def bump_floor(conn: Connection) -> int:
    """Make every cursor handed out so far too old (after a bulk load that wrote no log).

    Devices then get ``410 cursor_too_old`` and bootstrap again, so nothing
    loaded behind the log's back is missed.
    """
    last = append(conn, [Change("server", "floor", {})])
    conn.execute(update(s.server_state).where(s.server_state.c.id == 1).values(floor=last))
    return last


def compact(conn: Connection) -> int:
    """Drop log rows superseded by a later row of the same entity; raise the floor. The floor."""
    last, _ = head(conn)
    log = s.change_log
    later = log.alias("later")
    newest = (
        select(func.max(later.c.seq))
        .where(later.c.entity == log.c.entity, later.c.entity_id == log.c.entity_id)
        .scalar_subquery()
    )
    conn.execute(log.delete().where(log.c.seq < newest))
    conn.execute(update(s.server_state).where(s.server_state.c.id == 1).values(floor=last))
    return last


def jsonable(value: Any) -> Any:
    """A column value as it travels: times as ISO text, everything else as is."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def entity_data(entity: str, row: Mapping[Any, Any]) -> dict[str, Any]:
    """The pull/bootstrap shape of one row (``row`` has the table's columns by name)."""
    if entity == "points_balance":
        return {"member_id": row["id"], "points": row["points"]}
    _, columns = ENTITIES[entity]
    return {name: jsonable(row[name]) for name in columns}


def entity_key(entity: str, data: Mapping[str, Any]) -> str:
    if entity == "stock_level":
        return f"{data['branch_id']}:{data['product_id']}"
    if entity == "points_balance":
        return str(data["member_id"])
    return str(data["id"])


def barcodes_of(conn: Connection, product_ids: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """Each product's barcodes, ``[{"code", "kind"}]``, for the ids given."""
    ids = list(product_ids)
    found: dict[str, list[dict[str, str]]] = {pid: [] for pid in ids}
    for start in range(0, len(ids), 5000):
        rows = conn.execute(
            select(s.product_barcodes).where(
                s.product_barcodes.c.product_id.in_(ids[start : start + 5000])
            )
        )
        for row in rows:
            found[row.product_id].append({"code": row.code, "kind": row.kind})
    return found


def product_changes(conn: Connection, product_ids: Sequence[str]) -> list[Change]:
    """Log rows for products as they are now (with barcodes)."""
    rows = conn.execute(select(s.products).where(s.products.c.id.in_(product_ids))).mappings()
    data = [entity_data("product", row) for row in rows]
    codes = barcodes_of(conn, [d["id"] for d in data])
    return [Change("product", d["id"], d | {"barcodes": codes[d["id"]]}) for d in data]


#: Entities whose rows go only to the tills of their own branch (never to neighbours);
#: a row with no branch goes everywhere. Staff rows carry password hashes: a hash
#: comes down only to the tills of the branches its person may work at.
BRANCH_PRIVATE: frozenset[str] = frozenset({"parked_cart", "staff_user"})


def row_changes(conn: Connection, entity: str, ids: Sequence[str]) -> list[Change]:
    """Log rows for ``ids`` of a by-id entity as they are now."""
    if entity == "product":
        return product_changes(conn, ids)
    table, _ = ENTITIES[entity]
    rows = conn.execute(select(table).where(table.c.id.in_(ids))).mappings()
    out = []
    for row in rows:
        data = entity_data(entity, row)
        branch = row["branch_id"] if entity in BRANCH_PRIVATE else None
        out.append(
            Change(entity, entity_key(entity, data), data, branch, private=branch is not None)
        )
    return out


def staff_withdrawals(
    conn: Connection, moves: Mapping[str, tuple[str | None, str | None]]
) -> list[Change]:
    """Tell the tills that lose a person (moved to another branch) to forget the hash.

    ``moves`` maps a staff id to (branch before, branch after). The branch left
    behind (every branch, when the person could work anywhere before) gets the
    row disabled and without its hash; logged before the row itself, so the
    new branch's tills, which see both, end with the real one.
    """
    out = []
    for staff_id, (before, after) in moves.items():
        if before == after or after is None:
            continue
        row = conn.execute(select(s.staff_users).where(s.staff_users.c.id == staff_id)).mappings()
        for found in row:
            data = entity_data("staff_user", found) | {
                "password_hash": "",
                "active": False,
                "branch_id": before,
            }
            out.append(Change("staff_user", staff_id, data, before, private=before is not None))
    return out


def stock_changes(conn: Connection, keys: Iterable[tuple[str, str]]) -> list[Change]:
    """Log rows for (branch, product) stock levels as they are now, in key order."""
    out = []
    t = s.stock_levels
    for branch_id, product_id in sorted(keys):
        row = (
            conn.execute(select(t).where(t.c.branch_id == branch_id, t.c.product_id == product_id))
            .mappings()
            .first()
        )
        if row is not None:
            data = entity_data("stock_level", row)
            out.append(Change("stock_level", entity_key("stock_level", data), data, branch_id))
    return out
