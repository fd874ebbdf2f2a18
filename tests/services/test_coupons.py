"""Coupons at the counter: every answer a cashier can get, on a real migrated database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from tests.shop_rows import sql

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import (
    Coupon,
    DeliveryRule,
    OrderKind,
    PaymentMethod,
    Promotion,
)
from shop_desktop.services.checkout import (
    CheckoutError,
    CheckoutProblem,
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.coupons import (
    CouponNotUsable,
    CouponProblem,
    CouponRecord,
    active_promotion_rules,
    delivery_rule_rows,
    find_coupon,
    shop_wall_time,
)


def wall(year: int, month: int, day: int, hour: int = 0) -> datetime:
    """Shop wall-clock time: naive on purpose, as coupons and the pricing engine use it."""
    return datetime(year, month, day, hour, tzinfo=UTC).replace(tzinfo=None)


AT = wall(2026, 11, 20, 15)
RULE_KEYS = {
    "id", "code", "name_zh", "name_en", "kind", "target", "schedule", "percent_bp",
    "amount_minor", "tiers", "repeat", "buy_qty", "get_qty", "bundle", "bundle_price_minor",
    "member_levels", "priority", "stackable", "coupon_only",
}  # fmt: skip


@dataclass(frozen=True)
class Counter:
    """What a sale needs from the demo shop: a cashier, members, one product."""

    db: Database
    cashier: uuid.UUID
    members: list[uuid.UUID]
    product: tuple[uuid.UUID, str, int, int]


@pytest.fixture
def counter(demo_db: Database) -> Counter:
    [(cashier,)] = sql(demo_db, "SELECT id FROM staff_users WHERE username = 'cashier'")
    members = [uuid.UUID(r[0]) for r in sql(demo_db, "SELECT id FROM members ORDER BY code")]
    [(pid, sku, price, rate)] = sql(
        demo_db,
        "SELECT p.id, p.sku, p.price_minor, t.rate_bp FROM products p JOIN tax_classes t"
        " ON t.id = p.tax_class_id WHERE NOT p.weighed ORDER BY p.sku LIMIT 1",
    )
    return Counter(demo_db, uuid.UUID(cashier), members, (uuid.UUID(pid), sku, price, rate))


def sale(counter: Counter, *codes: str, member_id: uuid.UUID | None = None) -> SaleDraft:
    """A one-line cash sale using the coupons (their discount is not this module's business)."""
    pid, sku, price, rate = counter.product
    tax = (2 * price * rate + 10_000 + rate) // (2 * (10_000 + rate))
    return SaleDraft(
        order_id=uuid.uuid4(),
        staff_id=counter.cashier,
        member_id=member_id,
        kind=OrderKind.TAKE_AWAY,
        lines=(DraftLine(pid, sku, "品", "item", 1000, price, 0, rate, tax, price, []),),
        subtotal_minor=price,
        discount_minor=0,
        tax_minor=tax,
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=price,
        payments=(DraftPayment(PaymentMethod.CASH, price),),
        coupon_codes=codes,
    )


def sell(counter: Counter, draft: SaleDraft, at: datetime = AT) -> None:
    with counter.db.session() as session:
        commit_sale(session, draft, now=at.astimezone(UTC))


def add_coupon(db: Database, code: str, **fields: Any) -> uuid.UUID:
    promotion_fields = {
        k.removeprefix("promotion_"): fields.pop(k) for k in list(fields) if k.startswith("promo")
    }
    with db.session() as session:
        promotion = Promotion(
            code=f"P-{code}",
            kind="amount_off",
            rule={"code": f"P-{code}", "kind": "amount_off", "amount_minor": 50},
            **promotion_fields,
        )
        session.add(promotion)
        session.flush()
        coupon = Coupon(code=code, promotion_id=promotion.id, **fields)
        session.add(coupon)
        session.flush()
        return coupon.id


def find(
    db: Database, code: str, at: datetime = AT, member_id: uuid.UUID | None = None
) -> CouponRecord:
    with db.session() as session:
        return find_coupon(session, code, at=at, member_id=member_id)


def refused(
    db: Database, code: str, at: datetime = AT, member_id: uuid.UUID | None = None
) -> CouponProblem:
    with pytest.raises(CouponNotUsable) as caught:
        find(db, code, at, member_id)
    return caught.value.reason


# --- finding -------------------------------------------------------------------------


def test_codes_are_found_whatever_the_case_and_spaces(counter: Counter) -> None:
    db = counter.db
    coupon_id = add_coupon(db, "SPRING25", single_use=False)
    for typed in ("SPRING25", "spring25", "  Spring25\n"):
        record = find(db, typed)
        assert record == CouponRecord(
            id=coupon_id,
            code="SPRING25",
            promotion_rule={"code": "P-SPRING25", "kind": "amount_off", "amount_minor": 50},
            valid_from=None,
            valid_until=None,
            single_use=False,
            member_id=None,
        )


def test_unknown_and_empty_codes(counter: Counter) -> None:
    add_coupon(counter.db, "REAL1")
    assert refused(counter.db, "REAL2") is CouponProblem.UNKNOWN
    assert refused(counter.db, "   ") is CouponProblem.UNKNOWN
    with pytest.raises(CouponNotUsable) as caught:
        find(counter.db, " real2 ")
    assert caught.value.code == "REAL2"


def test_withdrawn_coupon_or_promotion(counter: Counter) -> None:
    add_coupon(counter.db, "OFF1", active=False)
    add_coupon(counter.db, "OFF2", promotion_active=False)
    assert refused(counter.db, "OFF1") is CouponProblem.INACTIVE
    assert refused(counter.db, "OFF2") is CouponProblem.INACTIVE


def test_validity_window_is_inclusive_then_exclusive(counter: Counter) -> None:
    start, stop = wall(2026, 11, 1), wall(2026, 12, 1)
    add_coupon(counter.db, "NOV", valid_from=start, valid_until=stop)
    tick = timedelta(microseconds=1)
    assert refused(counter.db, "NOV", start - tick) is CouponProblem.NOT_YET_VALID
    assert find(counter.db, "NOV", start).code == "NOV"
    assert find(counter.db, "NOV", stop - tick).valid_until == stop
    assert refused(counter.db, "NOV", stop) is CouponProblem.EXPIRED


def test_aware_times_are_the_shops_local_time(counter: Counter) -> None:
    stop = wall(2026, 12, 1)
    add_coupon(counter.db, "LOCAL", valid_until=stop)
    # The same instants as aware times, in UTC and in this machine's zone.
    just_before = (stop - timedelta(seconds=1)).astimezone()
    assert find(counter.db, "LOCAL", just_before.astimezone(UTC)).code == "LOCAL"
    assert refused(counter.db, "LOCAL", stop.astimezone().astimezone(UTC)) is (
        CouponProblem.EXPIRED
    )
    assert shop_wall_time(just_before.astimezone(UTC)) == stop - timedelta(seconds=1)


def test_a_members_coupon_is_for_that_member_only(counter: Counter) -> None:
    owner, other = counter.members[10], counter.members[11]
    add_coupon(counter.db, "BIRTHDAY", member_id=owner)
    assert find(counter.db, "BIRTHDAY", member_id=owner).member_id == owner
    assert refused(counter.db, "BIRTHDAY", member_id=other) is CouponProblem.OTHER_MEMBER
    assert refused(counter.db, "BIRTHDAY") is CouponProblem.OTHER_MEMBER


# --- used locally ------------------------------------------------------------------------


def test_single_use_coupon_is_used_once_on_this_till(counter: Counter) -> None:
    add_coupon(counter.db, "ONCE")
    first = sale(counter, "ONCE")
    sell(counter, first)
    assert refused(counter.db, "ONCE") is CouponProblem.USED
    with pytest.raises(CheckoutError) as second:
        sell(counter, sale(counter, "once"))
    assert second.value.reason is CheckoutProblem.COUPON_USED
    assert second.value.detail == {"coupon": "ONCE", "coupon_problem": "used"}
    # Retrying the first sale is not a second use.
    sell(counter, first)
    assert sql(counter.db, "SELECT count(*) FROM coupon_redemptions") == [(1,)]


def test_a_coupon_used_at_another_till_is_refused_once_the_server_says_so(
    counter: Counter,
) -> None:
    """The server's count of uses (pulled into ``coupons.uses``) counts as much as this till's."""
    add_coupon(counter.db, "ELSEWHERE", uses=1)
    assert refused(counter.db, "ELSEWHERE") is CouponProblem.USED
    add_coupon(counter.db, "THREE", single_use=False, max_uses=3, uses=2)
    sell(counter, sale(counter, "THREE"))
    # One use here, two counted by the server: the larger count (2) leaves one more.
    assert find(counter.db, "THREE").code == "THREE"
    with counter.db.session() as session:
        session.execute(text("UPDATE coupons SET uses = 3 WHERE code = 'THREE'"))
    assert refused(counter.db, "THREE") is CouponProblem.USED


def test_a_limited_multi_use_code_stops_at_its_limit(counter: Counter) -> None:
    add_coupon(counter.db, "TWO", single_use=False, max_uses=2)
    sell(counter, sale(counter, "TWO"))
    sell(counter, sale(counter, "TWO"))
    assert refused(counter.db, "TWO") is CouponProblem.USED
    add_coupon(counter.db, "MANY", single_use=False)
    for _ in range(5):
        sell(counter, sale(counter, "MANY"))
    assert find(counter.db, "MANY").code == "MANY"


@pytest.mark.parametrize(
    ("fields", "at", "problem"),
    [
        ({"valid_until": AT}, AT, CouponProblem.EXPIRED),
        ({"valid_from": AT + timedelta(days=1)}, AT, CouponProblem.NOT_YET_VALID),
        ({"active": False}, AT, CouponProblem.INACTIVE),
    ],
)
def test_checkout_refuses_what_the_lookup_refuses(
    counter: Counter, fields: dict[str, Any], at: datetime, problem: CouponProblem
) -> None:
    add_coupon(counter.db, "NOPE", **fields)
    with pytest.raises(CheckoutError) as caught:
        sell(counter, sale(counter, "NOPE"), at)
    assert caught.value.reason is CheckoutProblem.COUPON_UNKNOWN
    assert caught.value.detail == {"coupon": "NOPE", "coupon_problem": problem.value}
    assert isinstance(caught.value.__cause__, CouponNotUsable)
    assert sql(counter.db, "SELECT count(*) FROM coupon_redemptions") == [(0,)]


def test_checkout_refuses_another_members_coupon(counter: Counter) -> None:
    owner = counter.members[20]
    add_coupon(counter.db, "MINE", member_id=owner)
    with pytest.raises(CheckoutError) as caught:
        sell(counter, sale(counter, "MINE", member_id=counter.members[21]))
    assert caught.value.detail["coupon_problem"] == "other_member"
    sell(counter, sale(counter, "MINE", member_id=owner))
    assert sql(counter.db, "SELECT count(*) FROM coupon_redemptions") == [(1,)]


# --- promotions and delivery rules ---------------------------------------------------------


@pytest.fixture
def rules_db(migrated_db_path: Path) -> Iterator[Database]:
    db = open_database(migrated_db_path)
    yield db
    db.dispose()


def test_active_promotion_rules_in_priority_order(rules_db: Database) -> None:
    with rules_db.session() as session:
        for code, priority, active in (("LOW", 1, True), ("HIGH", 9, True), ("OFF", 99, False)):
            session.add(
                Promotion(
                    code=code,
                    kind="percent_off",
                    rule={"code": code, "coupon_only": code == "LOW"},
                    priority=priority,
                    active=active,
                )
            )
        session.add(Promotion(code="ALSO9", kind="amount_off", rule={"code": "ALSO9"}, priority=9))
    with rules_db.session() as session:
        assert active_promotion_rules(session) == [
            {"code": "ALSO9"},
            {"code": "HIGH", "coupon_only": False},
            {"code": "LOW", "coupon_only": True},
        ]


def test_delivery_rules_in_the_counters_order(rules_db: Database) -> None:
    with rules_db.session() as session:
        session.add_all(
            [
                DeliveryRule(
                    code="B", name_zh="乙", name_en="B", rule={"kind": "flat"}, position=2
                ),
                DeliveryRule(code="A", name_zh="甲", name_en="A", rule={"kind": "x"}, position=1),
                DeliveryRule(
                    code="C", name_zh="丙", name_en="C", rule={}, position=0, active=False
                ),
            ]
        )
    with rules_db.session() as session:
        rows = delivery_rule_rows(session)
    assert [(code, zh, en, rule) for _, code, zh, en, rule in rows] == [
        ("A", "甲", "A", {"kind": "x"}),
        ("B", "乙", "B", {"kind": "flat"}),
    ]
    assert all(isinstance(row[0], uuid.UUID) for row in rows)


# --- the demo shop's coupons ------------------------------------------------------------------


def test_the_demo_shop_has_a_coupon_for_every_answer(counter: Counter) -> None:
    db = counter.db
    [(first_member,)] = sql(
        db, "SELECT member_id FROM coupons WHERE code = 'GIFT200' AND member_id IS NOT NULL"
    )
    owner = uuid.UUID(first_member)
    assert find(db, "welcome100").promotion_rule["amount_minor"] == 100
    assert find(db, "VIP95").promotion_rule["percent_bp"] == 500
    assert find(db, "SAVE150").single_use
    assert find(db, "DRINK20").promotion_rule["target"]["category_ids"]
    assert find(db, "GIFT200", member_id=owner).member_id == owner
    assert refused(db, "EXPIRED50") is CouponProblem.EXPIRED
    assert refused(db, "NEWYEAR88") is CouponProblem.NOT_YET_VALID
    assert refused(db, "GIFT200", member_id=counter.members[-1]) is CouponProblem.OTHER_MEMBER
    assert sql(db, "SELECT count(*) FROM coupon_redemptions") == [(0,)]

    with db.session() as session:
        rules = active_promotion_rules(session)
        delivery = delivery_rule_rows(session)
    assert all(set(rule) == RULE_KEYS for rule in rules)
    ordinary = {r["kind"] for r in rules if not r["coupon_only"]}
    assert {"spend_save", "percent_off", "buy_x_get_y"} <= ordinary
    for rule in rules:
        uuid.UUID(rule["id"])
        assert all(uuid.UUID(c) for c in rule["target"]["category_ids"])
    assert [code for _, code, _, _, _ in delivery] == ["FLAT100", "FREE1500", "ZONE"]
    balances = sql(
        db, "SELECT sum(amount_minor) FROM store_credit_entries GROUP BY member_id ORDER BY 1"
    )
    assert [b for (b,) in balances] == [300, 500, 800, 1000, 2000]
