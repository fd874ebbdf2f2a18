"""Client-side rules that need no server: points earned on a sale, the offline
allowance of single-use coupons, and a pull page applied with its cursor."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.shop_rows import half_up

from shop_desktop.data.db import Database
from shop_desktop.data.models import Coupon, OrderKind, PaymentMethod, Promotion
from shop_desktop.domain.points import points_earned
from shop_desktop.services.checkout import (
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.coupons import CouponNotUsable, CouponProblem, find_coupon
from shop_desktop.services.sync.protocol import Change, OpResult, PullPage, PushAnswer
from shop_desktop.services.sync.pull import apply_page
from shop_desktop.services.sync.push import apply_push_answer
from shop_desktop.services.sync.state import CURSOR_KEY, read_value

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


def rows(db: Database, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def sale(db: Database, qty: int, *, member: bool, coupons: tuple[str, ...] = ()) -> SaleDraft:
    [(product, sku, zh, en, price, rate)] = rows(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.weighed = 0 AND t.inclusive = 1"
        " AND p.price_minor > 0 ORDER BY p.sku LIMIT 1",
    )
    [(staff,)] = rows(db, "SELECT id FROM staff_users ORDER BY username LIMIT 1")
    [(member_id,)] = rows(db, "SELECT id FROM members ORDER BY code LIMIT 1")
    gross = price * qty
    line = DraftLine(
        product_id=uuid.UUID(product), sku=sku, name_zh=zh, name_en=en, qty_milli=qty * 1000,
        unit_price_minor=price, discount_minor=0, tax_rate_bp=rate,
        tax_minor=half_up(gross * rate, 10_000 + rate), line_total_minor=gross, promotions=[],
    )  # fmt: skip
    return SaleDraft(
        order_id=uuid.uuid4(), staff_id=uuid.UUID(staff),
        member_id=uuid.UUID(member_id) if member else None, kind=OrderKind.TAKE_AWAY,
        lines=(line,), subtotal_minor=gross, discount_minor=0, tax_minor=line.tax_minor,
        delivery_fee_minor=0, rounding_minor=0, total_minor=gross,
        payments=(DraftPayment(PaymentMethod.CASH, gross),), coupon_codes=coupons,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("total", "exponent", "points"),
    [(0, 0, 0), (99, 0, 0), (100, 0, 1), (1999, 0, 19), (9999, 2, 0), (10000, 2, 1), (-5, 0, 0)],
)
def test_one_point_per_full_hundred(total: int, exponent: int, points: int) -> None:
    assert points_earned(total, exponent) == points


def test_a_member_sale_earns_points_in_its_transaction(demo_db: Database) -> None:
    draft = sale(demo_db, 7, member=True)
    assert draft.member_id is not None
    [(before,)] = rows(demo_db, "SELECT points FROM members WHERE id = ?", draft.member_id.hex)
    with demo_db.session() as session:
        done = commit_sale(session, draft, now=NOW)
    expected = draft.total_minor // 100  # TWD has no minor digits
    assert expected > 0
    assert rows(demo_db, "SELECT delta, reason FROM points_entries WHERE order_id = ?",
                draft.order_id.hex) == [(expected, "earn")]  # fmt: skip
    assert rows(demo_db, "SELECT points FROM members WHERE id = ?", draft.member_id.hex) == [
        (before + expected,)
    ]
    [(version, payload)] = rows(
        demo_db, "SELECT payload_version, payload FROM outbox WHERE device_seq = ?", done.device_seq
    )
    assert version == 2
    [entry] = json.loads(payload)["points"]
    assert (entry["member_id"], entry["delta"], entry["reason"]) == (
        str(draft.member_id), expected, "earn",
    )  # fmt: skip
    # A sale without a member earns nothing and says so.
    other = sale(demo_db, 1, member=False)
    with demo_db.session() as session:
        done = commit_sale(session, other, now=NOW)
    [(payload,)] = rows(demo_db, "SELECT payload FROM outbox WHERE device_seq = ?", done.device_seq)
    assert json.loads(payload)["points"] == []


def _coupon(db: Database, code: str) -> None:
    with db.session() as session:
        promotion = Promotion(
            code=f"P-{code}", kind="amount_off", rule={"code": f"P-{code}", "amount_minor": 10}
        )
        session.add(promotion)
        session.flush()
        session.add(Coupon(code=code, promotion_id=promotion.id, single_use=True))


def test_unconfirmed_single_use_coupons_have_an_allowance(demo_db: Database) -> None:
    for code in ("ONE1", "ONE2", "ONE3"):
        _coupon(demo_db, code)
    with demo_db.session() as session:
        session.execute(
            Coupon.__table__.update().values(active=True)  # type: ignore[attr-defined]
        )
    with demo_db.session() as session:
        commit_sale(session, sale(demo_db, 1, member=False, coupons=("ONE1",)), now=NOW)
    with demo_db.session() as session:
        with pytest.raises(CouponNotUsable) as refused:
            find_coupon(session, "ONE2", at=NOW, member_id=None, allowance=1)
        assert refused.value.reason is CouponProblem.OFFLINE_ALLOWANCE_USED
        # Within a bigger allowance (the default, 20) the next one is fine.
        assert find_coupon(session, "ONE2", at=NOW, member_id=None).code == "ONE2"
    # A refusal keeps it counted (the sale is not settled on the server)...
    [(op_id, seq)] = rows(
        demo_db, "SELECT op_id, device_seq FROM outbox WHERE op_type = 'order.completed'"
    )
    op = uuid.UUID(op_id)

    def answer(status: str, code: str = "") -> PushAnswer:
        return PushAnswer(42, NOW, (OpResult(op, seq, status, code, "", {}),))

    with demo_db.engine.begin() as conn:
        apply_push_answer(conn, answer("rejected", "invalid"), NOW)
    with demo_db.session() as session, pytest.raises(CouponNotUsable):
        find_coupon(session, "ONE2", at=NOW, member_id=None, allowance=1)
    # ...once the server acknowledged the sale (the real push answer path), it is free again.
    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE outbox SET status = 'pending'")
        apply_push_answer(conn, answer("applied"), NOW)
    assert rows(demo_db, "SELECT confirmed FROM coupon_redemptions") == [(1,)]
    with demo_db.session() as session:
        assert find_coupon(session, "ONE2", at=NOW, member_id=None, allowance=1).code == "ONE2"


def test_a_pull_page_is_applied_with_its_cursor_and_skips_pending_edits(
    demo_db: Database,
) -> None:
    [(brand, name)] = rows(demo_db, "SELECT id, name_en FROM brands ORDER BY name_en LIMIT 1")
    [(product, price)] = rows(demo_db, "SELECT id, price_minor FROM products ORDER BY sku LIMIT 1")
    # A pending local edit of the product: the pulled row must not undo it.
    conn = sqlite3.connect(demo_db.path)
    [(device,)] = conn.execute("SELECT device_id FROM device_identity").fetchall()
    conn.execute(
        "INSERT INTO outbox (device_id, device_seq, op_id, op_type, payload_version, payload,"
        " status, attempts, last_error, created_at, reject_code)"
        " VALUES (?, 999999, ?, 'catalog.product_edit', 1, ?, 'pending', 0, '', ?, '')",
        (device, uuid.uuid4().hex, json.dumps({"product_id": str(uuid.UUID(product))}),
         "2026-11-20 06:30:00.000000"),
    )  # fmt: skip
    conn.commit()
    conn.close()
    page = PullPage(
        cursor=42,
        has_more=False,
        changes=(
            Change(1, "brand", str(uuid.UUID(brand)), "upsert",
                   {"id": str(uuid.UUID(brand)), "name_zh": "新", "name_en": name + " X"}),
            Change(2, "product", str(uuid.UUID(product)), "upsert",
                   {"id": str(uuid.UUID(product)), "price_minor": price + 1}),
        ),
    )  # fmt: skip
    with demo_db.engine.begin() as conn2:
        apply_page(conn2, page, None, after=0)
    assert rows(demo_db, "SELECT name_en FROM brands WHERE id = ?", brand) == [(name + " X",)]
    assert rows(demo_db, "SELECT price_minor FROM products WHERE id = ?", product) == [(price,)]
    with demo_db.engine.connect() as conn3:
        assert read_value(conn3, CURSOR_KEY) == {"cursor": 42}
