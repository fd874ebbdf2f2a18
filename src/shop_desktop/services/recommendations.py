"""Recommendations from order history: "often bought together" and
"members like this one also bought".

Co-purchase counts are kept in ``co_purchases`` and brought up to date
incrementally (only orders not seen before), on a worker, never at the
counter's expense. Both questions are then one indexed query.
"""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from shop_desktop.data.models import LocalState
from shop_desktop.services.tasks import TaskState

CURSOR_KEY = "co_purchases"
#: A huge order (a party's shopping) says little about what goes together,
#: and its pairs grow with the square of its lines.
MAX_LINES_PER_ORDER = 30
BATCH_ORDERS = 2000


def refresh_co_purchases(session: Session, state: TaskState | None = None) -> int:
    """Count product pairs of orders added since the last refresh; returns orders read."""
    cursor_row = session.get(LocalState, CURSOR_KEY)
    last = int(cursor_row.value.get("last_rowid", 0)) if cursor_row else 0
    total = int(
        session.execute(
            text("SELECT count(*) FROM orders WHERE rowid > :last AND status != 'cancelled'"),
            {"last": last},
        ).scalar_one()
    )
    read = 0
    while True:
        orders = session.execute(
            text(
                "SELECT rowid, id FROM orders WHERE rowid > :last AND status != 'cancelled'"
                " ORDER BY rowid LIMIT :n"
            ),
            {"last": last, "n": BATCH_ORDERS},
        ).all()
        if not orders:
            break
        lines = session.execute(
            text(
                "SELECT order_id, product_id FROM order_lines"
                " WHERE order_id IN :ids AND product_id IS NOT NULL"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": [str(o[1]) for o in orders]},
        ).all()
        by_order: dict[str, set[str]] = {}
        for order_id, product_id in lines:
            by_order.setdefault(str(order_id), set()).add(str(product_id))
        pairs: Counter[tuple[str, str]] = Counter()
        for products in by_order.values():
            chosen = sorted(products)[:MAX_LINES_PER_ORDER]
            for a, b in itertools.permutations(chosen, 2):
                pairs[(a, b)] += 1
        if pairs:
            session.execute(
                text(
                    "INSERT INTO co_purchases (product_id, other_id, orders) VALUES (:a, :b, :n)"
                    " ON CONFLICT (product_id, other_id) DO UPDATE SET orders = orders + :n"
                ),
                [{"a": a, "b": b, "n": n} for (a, b), n in pairs.items()],
            )
        last = int(orders[-1][0])
        read += len(orders)
        if state is not None:
            state.set_progress(read / max(total, 1), f"orders {read}/{total}")
            state.check_cancelled()
    if cursor_row is None:
        session.add(LocalState(key=CURSOR_KEY, value={"last_rowid": last}))
    else:
        cursor_row.value = {"last_rowid": last}
    return read


@dataclass(frozen=True)
class Suggestion:
    product_id: uuid.UUID
    #: Orders (or members) behind the suggestion: the strength of the evidence.
    support: int


def often_bought_with(
    session: Session, product_ids: Sequence[uuid.UUID], limit: int = 5
) -> list[Suggestion]:
    """What other customers bought together with these products (a cart or one item)."""
    if not product_ids:
        return []
    ids = [p.hex for p in product_ids]
    rows = session.execute(
        text(
            "SELECT c.other_id, sum(c.orders) AS n FROM co_purchases c"
            " JOIN products p ON p.id = c.other_id AND p.active = 1"
            " WHERE c.product_id IN :ids AND c.other_id NOT IN :ids"
            " GROUP BY c.other_id ORDER BY n DESC, c.other_id LIMIT :limit"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids, "limit": limit},
    ).all()
    return [Suggestion(uuid.UUID(hex=str(r[0])), int(r[1])) for r in rows]


def similar_members_bought(
    session: Session, member_id: uuid.UUID, limit: int = 5, neighbours: int = 50
) -> list[Suggestion]:
    """Products that members with the most purchases in common bought, and this one did not."""
    params: dict[str, Any] = {"member": member_id.hex, "k": neighbours, "limit": limit}
    rows = session.execute(
        text(
            """
            WITH mine AS (
                SELECT DISTINCT l.product_id FROM order_lines l
                JOIN orders o ON o.id = l.order_id
                WHERE o.member_id = :member AND l.product_id IS NOT NULL
            ),
            neighbours AS (
                SELECT o.member_id, count(DISTINCT l.product_id) AS shared
                FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.product_id IN (SELECT product_id FROM mine)
                  AND o.member_id IS NOT NULL AND o.member_id != :member
                GROUP BY o.member_id ORDER BY shared DESC LIMIT :k
            )
            SELECT l.product_id, count(DISTINCT o.member_id) AS n
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            JOIN products p ON p.id = l.product_id AND p.active = 1
            WHERE o.member_id IN (SELECT member_id FROM neighbours)
              AND l.product_id NOT IN (SELECT product_id FROM mine)
            GROUP BY l.product_id ORDER BY n DESC, l.product_id LIMIT :limit
            """
        ),
        params,
    ).all()
    return [Suggestion(uuid.UUID(hex=str(r[0])), int(r[1])) for r in rows]
