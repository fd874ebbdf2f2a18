"""Recommendations from the demo shop's real order history."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter

from sqlalchemy import select, text

from shop_desktop.data.db import Database
from shop_desktop.data.models import CoPurchase, Order, OrderLine
from shop_desktop.services.recommendations import (
    MAX_LINES_PER_ORDER,
    often_bought_with,
    refresh_co_purchases,
    similar_members_bought,
)


def brute_force_pairs(db: Database) -> Counter[tuple[str, str]]:
    with db.session() as s:
        rows = s.execute(
            text(
                "SELECT l.order_id, l.product_id FROM order_lines l JOIN orders o"
                " ON o.id = l.order_id WHERE o.status != 'cancelled'"
            )
        ).all()
    by_order: dict[str, set[str]] = {}
    for order_id, product_id in rows:
        by_order.setdefault(str(order_id), set()).add(str(product_id))
    pairs: Counter[tuple[str, str]] = Counter()
    for products in by_order.values():
        for a, b in itertools.permutations(sorted(products)[:MAX_LINES_PER_ORDER], 2):
            pairs[(a, b)] += 1
    return pairs


def stored_pairs(db: Database) -> Counter[tuple[str, str]]:
    with db.session() as s:
        return Counter(
            {(c.product_id.hex, c.other_id.hex): c.orders for c in s.scalars(select(CoPurchase))}
        )


def test_refresh_counts_every_pair_once(demo_db: Database) -> None:
    with demo_db.session() as s:
        read = refresh_co_purchases(s)
        orders = s.scalar(text("SELECT count(*) FROM orders"))
    assert read == orders
    expected = brute_force_pairs(demo_db)
    assert expected  # the demo has multi-line orders
    assert stored_pairs(demo_db) == expected

    with demo_db.session() as s:
        assert refresh_co_purchases(s) == 0  # nothing new: nothing counted twice
    assert stored_pairs(demo_db) == expected


def test_refresh_is_incremental(demo_db: Database) -> None:
    with demo_db.session() as s:
        refresh_co_purchases(s)
        template = s.scalars(select(Order).limit(1)).one()
        products = [
            uuid.UUID(hex=str(r[0]))
            for r in s.execute(text("SELECT id FROM products ORDER BY sku LIMIT 2"))
        ]
        order = Order(
            number="TEST-1",
            branch_id=template.branch_id,
            workstation_id=template.workstation_id,
            staff_id=template.staff_id,
            kind=template.kind,
            status=template.status,
            currency_code="TWD",
            subtotal_minor=20,
            total_minor=20,
        )
        for n, pid in enumerate(products, start=1):
            order.lines.append(
                OrderLine(
                    line_no=n,
                    product_id=pid,
                    sku="X",
                    name_zh="X",
                    name_en="X",
                    qty_milli=1000,
                    unit_price_minor=10,
                    line_total_minor=10,
                )
            )
        s.add(order)
    before = stored_pairs(demo_db)
    with demo_db.session() as s:
        assert refresh_co_purchases(s) == 1
    after = stored_pairs(demo_db)
    a, b = products[0].hex, products[1].hex
    assert after[(a, b)] == before[(a, b)] + 1
    assert after[(b, a)] == before[(b, a)] + 1
    assert after == brute_force_pairs(demo_db)


def test_often_bought_with_ranks_by_orders(demo_db: Database) -> None:
    with demo_db.session() as s:
        refresh_co_purchases(s)
    pairs = brute_force_pairs(demo_db)
    (anchor, _other), _n = pairs.most_common(1)[0]
    partners = Counter({b: n for (a, b), n in pairs.items() if a == anchor})
    with demo_db.session() as s:
        suggestions = often_bought_with(s, [uuid.UUID(hex=anchor)], limit=3)
    assert suggestions
    assert suggestions[0].support == partners.most_common(1)[0][1]
    assert all(s.product_id.hex != anchor for s in suggestions)
    supports = [s.support for s in suggestions]
    assert supports == sorted(supports, reverse=True)


def test_similar_members_suggest_what_this_member_has_not_bought(demo_db: Database) -> None:
    with demo_db.session() as s:
        member = s.execute(
            text(
                "SELECT member_id FROM orders WHERE member_id IS NOT NULL"
                " GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1"
            )
        ).scalar_one()
        member_id = uuid.UUID(hex=str(member))
        bought = {
            str(r[0])
            for r in s.execute(
                text(
                    "SELECT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id"
                    " WHERE o.member_id = :m"
                ),
                {"m": member_id.hex},
            )
        }
        suggestions = similar_members_bought(s, member_id, limit=5)
    assert bought
    assert suggestions  # the demo's members overlap in what they buy
    for suggestion in suggestions:
        assert suggestion.product_id.hex not in bought
        assert suggestion.support >= 1


def test_nothing_in_nothing_out(demo_db: Database) -> None:
    with demo_db.session() as s:
        assert often_bought_with(s, []) == []
        assert similar_members_bought(s, uuid.uuid4()) == []
