"""Open carts kept on the till's disk: per cashier and till, in tab order, none already gone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from tests.shop_rows import sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import PaymentMethod, Product
from shop_desktop.domain.cart import Cart
from shop_desktop.services.auth import StaffSession, log_in
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.coupons import CouponProblem
from shop_desktop.services.open_carts import reopen_carts, save_open_carts
from shop_desktop.services.parked_carts import park_cart, recall_parked_cart
from shop_desktop.services.sale import (
    cart_product,
    coupon_for_cart,
    load_pricing_rules,
    price,
    sale_draft,
)

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
WALL = datetime(2026, 11, 20, 14, 30)  # noqa: DTZ001 - shop wall time, as promotions read it


def staff(db: Database, name: str) -> StaffSession:
    with db.session() as session:
        return log_in(session, name, name)


def carts_of(db: Database, count: int) -> list[Cart]:
    with db.session() as session:
        ids = list(
            session.scalars(
                select(Product.id)
                .where(Product.active, Product.weighed.is_(False), Product.price_minor > 200)
                .order_by(Product.sku)
                .limit(count)
            )
        )
        carts = []
        for product_id in ids:
            cart = Cart()
            cart.add(cart_product(session, product_id))
            carts.append(cart)
    return carts


def save(db: Database, who: StaffSession, carts: list[Cart]) -> None:
    with db.session() as session:
        save_open_carts(
            session,
            workstation_id=who.workstation_id,
            staff_id=who.staff_id,
            carts=[cart.to_json() for cart in carts],
            now=NOW,
        )


def reopen(db: Database, who: StaffSession) -> list[uuid.UUID]:
    with db.session() as session:
        found = reopen_carts(
            session, workstation_id=who.workstation_id, staff_id=who.staff_id, at=WALL
        )
    return [item.cart.cart_id for item in found]


def test_the_saved_tabs_are_exactly_the_last_ones_in_order(demo_db: Database) -> None:
    cashier, supervisor = staff(demo_db, "cashier"), staff(demo_db, "supervisor")
    a, b, c = carts_of(demo_db, 3)
    save(demo_db, cashier, [a, b])
    save(demo_db, supervisor, [c])
    assert reopen(demo_db, cashier) == [a.cart_id, b.cart_id]
    save(demo_db, cashier, [b, a])
    assert reopen(demo_db, cashier) == [b.cart_id, a.cart_id]
    save(demo_db, cashier, [b])
    assert reopen(demo_db, cashier) == [b.cart_id]
    assert reopen(demo_db, supervisor) == [c.cart_id]
    save(demo_db, cashier, [])
    assert reopen(demo_db, cashier) == []
    assert sql(demo_db, "SELECT count(*) FROM open_carts") == [(1,)]
    # Nothing of it goes to the server.
    assert sql(demo_db, "SELECT count(*) FROM outbox WHERE op_type LIKE 'cart.%'") == [(0,)]


def test_a_cart_sold_or_parked_before_the_crash_does_not_come_back(demo_db: Database) -> None:
    cashier = staff(demo_db, "cashier")
    sold, parked, recalled, kept = carts_of(demo_db, 4)
    save(demo_db, cashier, [sold, parked, recalled, kept])
    with demo_db.session() as session:
        rules = load_pricing_rules(session)
        bill = price(sold, rules, currency_code=cashier.currency_code, at=WALL)
        cash = DraftPayment(PaymentMethod.CASH, bill.total_minor, tendered_minor=bill.total_minor)
        commit_sale(session, sale_draft(sold, bill, [cash], staff_id=cashier.staff_id))
        for cart in (parked, recalled):
            park_cart(
                session,
                cart_id=cart.cart_id,
                branch_id=cashier.branch_id,
                workstation_id=cashier.workstation_id,
                staff_id=cashier.staff_id,
                label="",
                payload=cart.to_json(),
                total_minor=0,
                now=NOW,
            )
        recall_parked_cart(
            session,
            recalled.cart_id,
            staff_id=cashier.staff_id,
            workstation_id=cashier.workstation_id,
            now=NOW,
        )
    assert reopen(demo_db, cashier) == [recalled.cart_id, kept.cart_id]


def test_coupons_are_looked_up_again(demo_db: Database) -> None:
    cashier = staff(demo_db, "cashier")
    (cart,) = carts_of(demo_db, 1)
    with demo_db.session() as session:
        cart.coupons["WELCOME100"] = coupon_for_cart(session, "WELCOME100", at=WALL, member_id=None)
    payload = cart.to_json()
    payload["coupon_codes"] = ["WELCOME100", "EXPIRED50"]
    with demo_db.session() as session:
        save_open_carts(
            session,
            workstation_id=cashier.workstation_id,
            staff_id=cashier.staff_id,
            carts=[payload],
        )
        (found,) = reopen_carts(
            session, workstation_id=cashier.workstation_id, staff_id=cashier.staff_id, at=WALL
        )
    assert list(found.cart.coupons) == ["WELCOME100"]
    assert [(exc.code, exc.reason) for exc in found.refused] == [
        ("EXPIRED50", CouponProblem.EXPIRED)
    ]
    assert [item.product.sku for item in found.cart.items] == [
        item.product.sku for item in cart.items
    ]


def test_an_unchanged_tab_is_not_written_again(demo_db: Database) -> None:
    cashier = staff(demo_db, "cashier")
    a, b = carts_of(demo_db, 2)
    save(demo_db, cashier, [a, b])
    with demo_db.session() as session:
        save_open_carts(
            session,
            workstation_id=cashier.workstation_id,
            staff_id=cashier.staff_id,
            carts=[a.to_json(), b.to_json()],
            now=datetime(2026, 11, 20, 7, 0, tzinfo=UTC),
        )
    assert sql(demo_db, "SELECT DISTINCT saved_at FROM open_carts") == [
        ("2026-11-20 06:30:00.000000",)
    ]
