"""Committing a sale on the demo shop's real database: written once, adding up to the cent.

Every expected figure here is worked out by hand from the products' prices
(gross = qty x price rounded half up, tax inside an inclusive price =
net x rate / (1 + rate) rounded half up); the database is read back with
plain SQL, not through the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from tests.shop_rows import half_up, one, sql

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import (
    Coupon,
    OrderKind,
    PaymentMethod,
    Promotion,
    StockLevel,
    StockMovement,
    StoreCreditEntry,
)
from shop_desktop.domain.money import HKD
from shop_desktop.domain.pricing import DeliveryKind, DeliveryRule, price_cart
from shop_desktop.domain.pricing_samples import sample_cart
from shop_desktop.services.auth import log_in
from shop_desktop.services.checkout import (
    CheckoutError,
    CheckoutProblem,
    CommittedSale,
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.coupons import shop_wall_time
from shop_desktop.services.stock import set_allow_negative_stock
from shop_desktop.services.store_credit import store_credit_balance

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
TABLES = (
    "orders", "order_lines", "payments", "stock_movements", "outbox", "coupon_redemptions",
    "store_credit_entries", "audit_log", "parked_carts", "promotions", "coupons",
)  # fmt: skip


@dataclass(frozen=True)
class Item:
    id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    price: int
    rate: int
    weighed: bool


@dataclass(frozen=True)
class Shop:
    db: Database
    cashier: uuid.UUID
    manager: uuid.UUID
    branch: uuid.UUID
    workstation: uuid.UUID
    prefix: str
    members: list[uuid.UUID]
    pieces: list[Item]
    weighed: Item


def hexid(value: uuid.UUID) -> str:
    return value.hex


def items(db: Database, where: str) -> list[Item]:
    return [
        Item(uuid.UUID(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]))
        for r in sql(
            db,
            "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp, p.weighed"
            f" FROM products p JOIN tax_classes t ON t.id = p.tax_class_id WHERE {where}"
            " ORDER BY p.sku LIMIT 8",
        )
    ]


@pytest.fixture
def shop(demo_db: Database) -> Shop:
    db = demo_db
    station, branch, prefix = sql(
        db,
        "SELECT w.id, w.branch_id, w.invoice_prefix FROM device_identity d"
        " JOIN workstations w ON w.id = d.workstation_id",
    )[0]
    return Shop(
        db=db,
        cashier=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'cashier'")),
        manager=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'manager'")),
        branch=uuid.UUID(branch),
        workstation=uuid.UUID(station),
        prefix=prefix,
        # Members the demo gave no store credit, so balances start at zero.
        members=[
            uuid.UUID(r[0])
            for r in sql(
                db,
                "SELECT id FROM members WHERE id NOT IN"
                " (SELECT member_id FROM store_credit_entries) ORDER BY code",
            )
        ],
        pieces=items(db, "NOT p.weighed AND p.price_minor > 30 AND t.rate_bp = 500"),
        weighed=items(db, "p.weighed")[0],
    )


def line(item: Item, qty_milli: int, discount: int = 0, *, exclusive: bool = False) -> DraftLine:
    gross = half_up(qty_milli * item.price, 1000)
    net = gross - discount
    if exclusive:
        tax = half_up(net * item.rate, 10_000)
        total = net + tax
    else:
        tax = half_up(net * item.rate, 10_000 + item.rate)
        total = net
    promotions = [{"code": "STAFF", "amount_minor": discount}] if discount else []
    return DraftLine(
        product_id=item.id,
        sku=item.sku,
        name_zh=item.name_zh,
        name_en=item.name_en,
        qty_milli=qty_milli,
        unit_price_minor=item.price,
        discount_minor=discount,
        tax_rate_bp=item.rate,
        tax_minor=tax,
        line_total_minor=total,
        promotions=promotions,
    )


def draft(
    shop: Shop,
    lines: list[DraftLine],
    payments: list[DraftPayment] | None = None,
    *,
    delivery: int = 0,
    rounding: int = 0,
    **fields: Any,
) -> SaleDraft:
    total = sum(x.line_total_minor for x in lines) + delivery + rounding
    if payments is None:
        payments = [DraftPayment(PaymentMethod.CASH, total, -(-total // 100) * 100)]
    return SaleDraft(
        order_id=fields.pop("order_id", uuid.uuid4()),
        staff_id=shop.cashier,
        member_id=fields.pop("member_id", None),
        kind=OrderKind.TAKE_AWAY,
        lines=tuple(lines),
        subtotal_minor=sum(half_up(x.qty_milli * x.unit_price_minor, 1000) for x in lines),
        discount_minor=sum(x.discount_minor for x in lines),
        tax_minor=sum(x.tax_minor for x in lines),
        delivery_fee_minor=delivery,
        rounding_minor=rounding,
        total_minor=total,
        payments=tuple(payments),
        **fields,
    )


def commit(shop: Shop, sale: SaleDraft, now: datetime = NOW) -> CommittedSale:
    with shop.db.session() as session:
        return commit_sale(session, sale, now=now)


def state(db: Database) -> dict[str, Any]:
    """Everything a refused sale must leave as it was."""
    out: dict[str, Any] = {t: one(db, f"SELECT count(*) FROM {t}") for t in TABLES}
    out["counters"] = sql(db, "SELECT next_invoice_no, next_device_seq FROM device_identity")
    out["stock"] = one(db, "SELECT coalesce(sum(qty_delta_milli), 0) FROM stock_movements")
    return out


def add_coupon(
    db: Database,
    code: str,
    *,
    single_use: bool = True,
    max_uses: int | None = None,
    member_id: uuid.UUID | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    active: bool = True,
) -> uuid.UUID:
    with db.session() as session:
        promotion = Promotion(
            code=f"P-{code}", kind="amount_off", rule={"code": f"P-{code}", "amount_minor": 10}
        )
        session.add(promotion)
        session.flush()
        coupon = Coupon(
            code=code,
            promotion_id=promotion.id,
            single_use=single_use,
            max_uses=max_uses,
            member_id=member_id,
            valid_from=valid_from,
            valid_until=valid_until,
            active=active,
        )
        session.add(coupon)
        session.flush()
        return coupon.id


def give_credit(db: Database, member_id: uuid.UUID, amount: int) -> None:
    with db.session() as session:
        session.add(StoreCreditEntry(member_id=member_id, amount_minor=amount, reason="top_up"))


# --- a sale, written once ---------------------------------------------------------


def test_commit_writes_everything_once_and_adds_up(shop: Shop) -> None:
    db = shop.db
    a, b = shop.pieces[0], shop.pieces[1]
    lines = [line(a, 2000, discount=10), line(b, 1000), line(shop.weighed, 1234)]
    total = sum(x.line_total_minor for x in lines)
    card = total // 3
    cash = total - card
    coupon_id = add_coupon(db, "THANKYOU")
    member = shop.members[0]
    sale = draft(
        shop,
        lines,
        [
            DraftPayment(PaymentMethod.CARD, card, reference="123456", card_last4="4242"),
            DraftPayment(PaymentMethod.CASH, cash, tendered_minor=cash + 1000 - cash % 1000),
        ],
        member_id=member,
        coupon_codes=("thankyou",),
        pricing={"coupons_applied": ["THANKYOU"], "discounts": [{"code": "STAFF", "amount": 10}]},
        buyer_tax_id="12345675",
        note="gift wrap",
    )
    before = state(db)
    [(next_invoice, next_seq)] = before["counters"]
    result = commit(shop, sale)

    number = f"{shop.prefix}-{next_invoice:08d}"
    assert result == CommittedSale(
        order_id=sale.order_id,
        number=number,
        invoice_no=number,
        device_seq=next_seq,
        change_minor=1000 - cash % 1000,
        repeated=False,
    )
    after = state(db)
    assert after["counters"] == [(next_invoice + 1, next_seq + 1)]
    grew = {t: after[t] - before[t] for t in TABLES}
    assert grew == {
        "orders": 1, "order_lines": 3, "payments": 2, "stock_movements": 3, "outbox": 1,
        "coupon_redemptions": 1, "store_credit_entries": 0, "audit_log": 0, "parked_carts": 0,
        "promotions": 0, "coupons": 0,
    }  # fmt: skip
    assert after["stock"] - before["stock"] == -(2000 + 1000 + 1234)

    [order] = sql(
        db,
        "SELECT number, invoice_no, status, kind, subtotal_minor, discount_minor, tax_minor,"
        " delivery_fee_minor, rounding_minor, total_minor, member_id, staff_id, device_seq,"
        " created_at, completed_at, buyer_tax_id, note, pricing, approved_by, branch_id,"
        " workstation_id, currency_code FROM orders WHERE id = ?",
        hexid(sale.order_id),
    )
    gross = [half_up(2000 * a.price, 1000), b.price, half_up(1234 * shop.weighed.price, 1000)]
    assert order[:10] == (
        number, number, "completed", "take_away", sum(gross), 10,
        sum(x.tax_minor for x in lines), 0, 0, total,
    )  # fmt: skip
    assert order[10:17] == (
        member.hex, shop.cashier.hex, next_seq, "2026-11-20 06:30:00.000000",
        "2026-11-20 06:30:00.000000", "12345675", "gift wrap",
    )  # fmt: skip
    assert json.loads(order[17]) == sale.pricing
    assert order[18:] == (None, shop.branch.hex, shop.workstation.hex, "TWD")

    rows = sql(
        db,
        "SELECT line_no, product_id, sku, qty_milli, unit_price_minor, discount_minor,"
        " tax_rate_bp, tax_minor, line_total_minor FROM order_lines WHERE order_id = ?"
        " ORDER BY line_no",
        hexid(sale.order_id),
    )
    assert rows == [
        (n, x.product_id.hex if x.product_id else None, x.sku, x.qty_milli, x.unit_price_minor,
         x.discount_minor, x.tax_rate_bp, x.tax_minor, x.line_total_minor)
        for n, x in enumerate(lines, start=1)
    ]  # fmt: skip
    # Inclusive 5 % tax, worked out by hand for each line.
    for (_, _, _, _, _, off, rate, tax, line_total), g in zip(rows, gross, strict=True):
        assert line_total == g - off
        assert tax == half_up(line_total * rate, 10_000 + rate)

    payments = sql(
        db,
        "SELECT method, amount_minor, tendered_minor, change_minor, reference, card_last4"
        " FROM payments WHERE order_id = ? ORDER BY method",
        hexid(sale.order_id),
    )
    assert payments == [
        ("card", card, None, 0, "123456", "4242"),
        ("cash", cash, cash + 1000 - cash % 1000, 1000 - cash % 1000, "", ""),
    ]
    assert sum(p[1] for p in payments) == total

    moves = sql(
        db,
        "SELECT product_id, qty_delta_milli, reason, branch_id, staff_id, synced"
        " FROM stock_movements WHERE order_id = ? ORDER BY qty_delta_milli",
        hexid(sale.order_id),
    )
    assert moves == sorted(
        [(x.product_id.hex, -x.qty_milli, "sale", shop.branch.hex, shop.cashier.hex, 0)
         for x in lines if x.product_id],
        key=lambda m: m[1],
    )  # fmt: skip
    assert sql(
        db,
        "SELECT coupon_id, workstation_id FROM coupon_redemptions WHERE order_id = ?",
        hexid(sale.order_id),
    ) == [(coupon_id.hex, shop.workstation.hex)]


def test_outbox_payload_is_the_order_as_written(shop: Shop) -> None:
    """The server gets exactly the rows the sale wrote: compared with what SQL reads back."""
    db = shop.db
    member = shop.members[1]
    give_credit(db, member, 500)
    add_coupon(db, "PAYLOAD1")
    lines = [line(shop.pieces[2], 3000, discount=7), line(shop.weighed, 250)]
    total = sum(x.line_total_minor for x in lines)
    sale = draft(
        shop,
        lines,
        [
            DraftPayment(PaymentMethod.STORE_CREDIT, 100),
            DraftPayment(PaymentMethod.CASH, total - 100, tendered_minor=total),
        ],
        member_id=member,
        coupon_codes=("PAYLOAD1",),
        pricing={"coupons_applied": ["PAYLOAD1"]},
        approved_by=shop.manager,
    )
    result = commit(shop, sale)
    [(op_type, version, seq, device_id, payload_text, status)] = sql(
        db,
        "SELECT op_type, payload_version, device_seq, device_id, payload, status FROM outbox"
        " WHERE device_seq = ?",
        result.device_seq,
    )
    assert (op_type, version, seq, status) == ("order.completed", 2, result.device_seq, "pending")
    assert device_id == one(db, "SELECT device_id FROM device_identity")
    payload = json.loads(payload_text)

    def u(value: str | None) -> str | None:
        return None if value is None else str(uuid.UUID(value))

    def t(value: str) -> str:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()

    oid = hexid(sale.order_id)
    [o] = sql(
        db,
        "SELECT id, number, invoice_no, branch_id, workstation_id, staff_id, member_id,"
        " approved_by, kind, status, currency_code, subtotal_minor, discount_minor, tax_minor,"
        " delivery_fee_minor, rounding_minor, total_minor, buyer_tax_id, note, created_at,"
        " completed_at, device_seq, pricing FROM orders WHERE id = ?",
        oid,
    )
    expected = {
        "id": u(o[0]), "number": o[1], "invoice_no": o[2], "branch_id": u(o[3]),
        "workstation_id": u(o[4]), "staff_id": u(o[5]), "member_id": u(o[6]),
        "approved_by": u(o[7]), "kind": o[8], "status": o[9], "currency_code": o[10],
        "subtotal_minor": o[11], "discount_minor": o[12], "tax_minor": o[13],
        "delivery_fee_minor": o[14], "rounding_minor": o[15], "total_minor": o[16],
        "buyer_tax_id": o[17], "note": o[18], "created_at": t(o[19]), "completed_at": t(o[20]),
        "device_seq": o[21], "pricing": json.loads(o[22]),
        "lines": [
            {"id": u(r[0]), "line_no": r[1], "product_id": u(r[2]), "sku": r[3], "name_zh": r[4],
             "name_en": r[5], "qty_milli": r[6], "unit_price_minor": r[7], "discount_minor": r[8],
             "tax_rate_bp": r[9], "tax_minor": r[10], "line_total_minor": r[11],
             "promotions": json.loads(r[12]), "note": r[13]}
            for r in sql(db, "SELECT id, line_no, product_id, sku, name_zh, name_en, qty_milli,"
                         " unit_price_minor, discount_minor, tax_rate_bp, tax_minor,"
                         " line_total_minor, promotions, note FROM order_lines WHERE order_id = ?"
                         " ORDER BY line_no", oid)
        ],
        "payments": [
            {"id": u(r[0]), "method": r[1], "amount_minor": r[2], "tendered_minor": r[3],
             "change_minor": r[4], "reference": r[5], "card_last4": r[6]}
            for r in sql(db, "SELECT id, method, amount_minor, tendered_minor, change_minor,"
                         " reference, card_last4 FROM payments WHERE order_id = ? ORDER BY rowid",
                         oid)
        ],
        "coupons": [
            {"id": u(r[0]), "coupon_id": u(r[1]), "code": r[2]}
            for r in sql(db, "SELECT r.id, r.coupon_id, c.code FROM coupon_redemptions r"
                         " JOIN coupons c ON c.id = r.coupon_id WHERE r.order_id = ?", oid)
        ],
        "stock_movements": [
            {"id": u(r[0]), "product_id": u(r[1]), "qty_delta_milli": r[2], "reason": r[3]}
            for r in sql(db, "SELECT id, product_id, qty_delta_milli, reason FROM stock_movements"
                         " WHERE order_id = ? ORDER BY rowid", oid)
        ],
        "store_credit": [
            {"id": u(r[0]), "member_id": u(r[1]), "amount_minor": r[2]}
            for r in sql(db, "SELECT id, member_id, amount_minor FROM store_credit_entries"
                         " WHERE order_id = ?", oid)
        ],
        "points": [
            {"id": u(r[0]), "member_id": u(r[1]), "delta": r[2], "reason": r[3]}
            for r in sql(db, "SELECT id, member_id, delta, reason FROM points_entries"
                         " WHERE order_id = ?", oid)
        ],
    }  # fmt: skip
    assert payload == expected
    # And the rows are what the sale said.
    assert payload["store_credit"][0]["amount_minor"] == -100
    assert [m["qty_delta_milli"] for m in payload["stock_movements"]] == [-3000, -250]
    assert payload["approved_by"] == str(shop.manager)
    assert payload["coupons"][0]["code"] == "PAYLOAD1"
    # A member's sale earns points, written with the sale and sent with it.
    assert len(payload["points"]) == 1
    assert payload["points"][0]["reason"] == "earn"
    assert payload["points"][0]["delta"] > 0


def test_exclusive_tax_and_delivery_fee_add_up(shop: Shop) -> None:
    item = shop.pieces[3]
    lines = [line(item, 3000, exclusive=True), line(shop.pieces[4], 1000)]
    # A delivery fee of 100 with 5 % tax inside it; cash rounding of -1.
    delivery_tax = half_up(100 * 500, 10_500)
    sale = draft(shop, lines, delivery=100, rounding=-1)
    sale = dataclasses.replace(sale, tax_minor=sale.tax_minor + delivery_tax)
    result = commit(shop, sale)
    [(total, tax)] = sql(
        shop.db, "SELECT total_minor, tax_minor FROM orders WHERE id = ?", hexid(result.order_id)
    )
    added = lines[0].tax_minor
    assert added == half_up(3 * item.price * 500, 10_000) > 0
    assert total == 3 * item.price + added + shop.pieces[4].price + 100 - 1
    assert tax == lines[0].tax_minor + lines[1].tax_minor + delivery_tax


def test_a_card_only_sale_gives_no_change(shop: Shop) -> None:
    sale = draft(shop, [line(shop.pieces[0], 1000)])
    total = sale.total_minor
    sale = dataclasses.replace(
        sale, payments=(DraftPayment(PaymentMethod.CARD, total, tendered_minor=total),)
    )
    assert commit(shop, sale).change_minor == 0


def test_approval_is_recorded_in_the_audit_log(shop: Shop) -> None:
    sale = draft(shop, [line(shop.pieces[0], 1000, discount=20)], approved_by=shop.manager)
    result = commit(shop, sale)
    assert sql(
        shop.db,
        "SELECT staff_id, workstation_id, action, entity, entity_id, at FROM audit_log"
        " WHERE entity = 'order'",
    ) == [
        (
            shop.manager.hex,
            shop.workstation.hex,
            "override_approved",
            "order",
            str(result.order_id),
            "2026-11-20 06:30:00.000000",
        )
    ]
    assert one(shop.db, "SELECT approved_by FROM orders WHERE id = ?", hexid(result.order_id)) == (
        shop.manager.hex
    )


def test_invoice_numbers_and_device_seq_run_without_gaps(shop: Shop) -> None:
    [(first_invoice, first_seq)] = state(shop.db)["counters"]
    numbers = []
    for k in range(4):
        if k == 2:
            refused = draft(shop, [line(shop.pieces[0], 1000)])
            refused = dataclasses.replace(refused, total_minor=refused.total_minor + 1)
            with pytest.raises(CheckoutError):
                commit(shop, refused)
        result = commit(shop, draft(shop, [line(shop.pieces[k], 1000)]))
        numbers.append((result.invoice_no, result.device_seq))
    assert numbers == [(f"{shop.prefix}-{first_invoice + k:08d}", first_seq + k) for k in range(4)]
    seqs = [r[0] for r in sql(shop.db, "SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


# --- a retry never duplicates -----------------------------------------------------


def test_a_repeat_commit_is_a_noop(shop: Shop, demo_db_path: Path) -> None:
    sale = draft(shop, [line(shop.pieces[0], 2000)])
    first = commit(shop, sale)
    before = state(shop.db)
    again = commit(shop, sale)
    assert again == dataclasses.replace(first, repeated=True)
    assert state(shop.db) == before

    # After a restart, and with the draft changed meanwhile (a till retrying
    # with what it had on screen): still the first sale, untouched.
    shop.db.dispose()
    reopened = open_database(demo_db_path)
    try:
        changed = dataclasses.replace(
            sale,
            payments=(DraftPayment(PaymentMethod.CARD, sale.total_minor),),
            coupon_codes=("NO-SUCH-COUPON",),
        )
        with reopened.session() as session:
            later = commit_sale(session, changed, now=NOW + timedelta(hours=1))
        assert later == again
        assert state(reopened) == before
    finally:
        reopened.dispose()


def test_two_tills_threads_committing_one_order_write_it_once(shop: Shop) -> None:
    """The write lock is taken before the "already committed?" question."""
    sale = draft(shop, [line(shop.pieces[1], 1000)])
    barrier = threading.Barrier(2)
    results: list[CommittedSale] = []
    errors: list[BaseException] = []

    def till() -> None:
        try:
            barrier.wait()
            results.append(commit(shop, sale))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=till) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.repeated for r in results) == [False, True]
    assert results[0].invoice_no == results[1].invoice_no
    assert one(shop.db, "SELECT count(*) FROM orders WHERE id = ?", hexid(sale.order_id)) == 1
    assert one(shop.db, "SELECT count(*) FROM payments WHERE order_id = ?", hexid(sale.order_id))


# --- refusals write nothing -------------------------------------------------------


Spoil = Callable[[Shop, SaleDraft], SaleDraft]


def _replace_line(sale: SaleDraft, **changes: Any) -> SaleDraft:
    first = dataclasses.replace(sale.lines[0], **changes)
    return dataclasses.replace(sale, lines=(first, *sale.lines[1:]))


def _paid(sale: SaleDraft, *payments: DraftPayment) -> SaleDraft:
    return dataclasses.replace(sale, payments=payments)


def _credit_short(shop: Shop, sale: SaleDraft) -> SaleDraft:
    give_credit(shop.db, shop.members[2], 30)
    return _paid(
        dataclasses.replace(sale, member_id=shop.members[2]),
        DraftPayment(PaymentMethod.STORE_CREDIT, 31),
        DraftPayment(PaymentMethod.CASH, sale.total_minor - 31),
    )


def _coupon_used(shop: Shop, sale: SaleDraft) -> SaleDraft:
    add_coupon(shop.db, "ONCE")
    commit(shop, draft(shop, [line(shop.pieces[5], 1000)], coupon_codes=("ONCE",)))
    return dataclasses.replace(sale, coupon_codes=("once",))


def _coupon_expired(shop: Shop, sale: SaleDraft) -> SaleDraft:
    add_coupon(shop.db, "OLD", valid_until=shop_wall_time(NOW))
    return dataclasses.replace(sale, coupon_codes=("OLD",))


def _coupon_twice(shop: Shop, sale: SaleDraft) -> SaleDraft:
    add_coupon(shop.db, "TWICE", single_use=False)
    return dataclasses.replace(sale, coupon_codes=("TWICE", "twice"))


def _tax_wrong(shop: Shop, sale: SaleDraft) -> SaleDraft:
    spoiled = _replace_line(sale, tax_minor=sale.lines[0].tax_minor + 1)
    return dataclasses.replace(spoiled, tax_minor=sale.tax_minor + 1)


def _total_short(shop: Shop, sale: SaleDraft) -> SaleDraft:
    less = dataclasses.replace(sale, total_minor=sale.total_minor - 1)
    return _paid(less, DraftPayment(PaymentMethod.CASH, less.total_minor))


def _discount_too_big(shop: Shop, sale: SaleDraft) -> SaleDraft:
    gross = sale.lines[0].unit_price_minor * sale.lines[0].qty_milli // 1000
    return _replace_line(sale, discount_minor=gross + 1, line_total_minor=-1, tax_minor=0)


def _out_of_stock(shop: Shop, sale: SaleDraft) -> SaleDraft:
    """Selling below zero turned off; on hand is what the good sale takes, one more is short."""
    item = shop.pieces[0]
    with shop.db.session() as session:
        session.execute(
            update(StockMovement).where(StockMovement.product_id == item.id).values(synced=True)
        )
        session.merge(StockLevel(branch_id=shop.branch, product_id=item.id, on_hand_milli=2000))
        set_allow_negative_stock(session, False, log_in(session, "manager", "manager"))
    return draft(shop, [line(item, 3000)])


CASES: dict[str, tuple[Spoil, CheckoutProblem, dict[str, Any]]] = {
    "empty": (
        lambda shop, sale: dataclasses.replace(
            sale, lines=(), subtotal_minor=0, tax_minor=0, total_minor=0, payments=()
        ),
        CheckoutProblem.EMPTY,
        {},
    ),
    "zero quantity": (
        lambda shop, sale: _replace_line(sale, qty_milli=0),
        CheckoutProblem.BAD_QUANTITY,
        {"line": 0, "qty_milli": 0},
    ),
    "negative quantity": (
        lambda shop, sale: _replace_line(sale, qty_milli=-1000),
        CheckoutProblem.BAD_QUANTITY,
        {"line": 0, "qty_milli": -1000},
    ),
    "half a piece": (
        lambda shop, sale: _replace_line(sale, qty_milli=1500),
        CheckoutProblem.BAD_QUANTITY,
        {"line": 0, "qty_milli": 1500},
    ),
    "total one more": (
        lambda shop, sale: dataclasses.replace(sale, total_minor=sale.total_minor + 1),
        CheckoutProblem.TOTALS_MISMATCH,
        {"field": "total_minor"},
    ),
    "total one less, paid so": (_total_short, CheckoutProblem.TOTALS_MISMATCH, {}),
    "subtotal off": (
        lambda shop, sale: dataclasses.replace(sale, subtotal_minor=sale.subtotal_minor - 1),
        CheckoutProblem.TOTALS_MISMATCH,
        {"field": "subtotal_minor"},
    ),
    "discount not summed": (
        lambda shop, sale: dataclasses.replace(sale, discount_minor=sale.discount_minor + 5),
        CheckoutProblem.TOTALS_MISMATCH,
        {"field": "discount_minor"},
    ),
    "line total off": (
        lambda shop, sale: _replace_line(sale, line_total_minor=sale.lines[0].line_total_minor - 1),
        CheckoutProblem.TOTALS_MISMATCH,
        {"line": 0},
    ),
    "tax off by one": (_tax_wrong, CheckoutProblem.TOTALS_MISMATCH, {"line": 0}),
    "order tax off": (
        lambda shop, sale: dataclasses.replace(sale, tax_minor=sale.tax_minor - 1),
        CheckoutProblem.TOTALS_MISMATCH,
        {"field": "tax_minor"},
    ),
    "discount above gross": (_discount_too_big, CheckoutProblem.TOTALS_MISMATCH, {"line": 0}),
    "payment of nothing": (
        lambda shop, sale: _paid(
            sale,
            DraftPayment(PaymentMethod.CASH, sale.total_minor),
            DraftPayment(PaymentMethod.CARD, 0),
        ),
        CheckoutProblem.TOTALS_MISMATCH,
        {"payment": 1},
    ),
    "underpaid": (
        lambda shop, sale: _paid(sale, DraftPayment(PaymentMethod.CARD, sale.total_minor - 120)),
        CheckoutProblem.UNDERPAID,
        {"missing": 120},
    ),
    "no payment": (
        lambda shop, sale: _paid(sale),
        CheckoutProblem.UNDERPAID,
        {"missing": "total"},
    ),
    "overpaid": (
        lambda shop, sale: _paid(
            sale,
            DraftPayment(PaymentMethod.CARD, sale.total_minor),
            DraftPayment(PaymentMethod.CASH, 20, tendered_minor=20),
        ),
        CheckoutProblem.OVERPAID,
        {"excess": 20},
    ),
    "change from a card": (
        lambda shop, sale: _paid(
            sale,
            DraftPayment(
                PaymentMethod.CARD, sale.total_minor, tendered_minor=sale.total_minor + 50
            ),
        ),
        CheckoutProblem.OVERPAID,
        {"payment": 0, "excess": 50},
    ),
    "cash below amount": (
        lambda shop, sale: _paid(
            sale,
            DraftPayment(PaymentMethod.CASH, sale.total_minor, tendered_minor=sale.total_minor - 1),
        ),
        CheckoutProblem.TENDER_BELOW_AMOUNT,
        {"payment": 0, "missing": 1},
    ),
    "five card digits": (
        lambda shop, sale: _paid(
            sale, DraftPayment(PaymentMethod.CARD, sale.total_minor, card_last4="42424")
        ),
        CheckoutProblem.BAD_CARD_DIGITS,
        {"payment": 0},
    ),
    "letters for digits": (
        lambda shop, sale: _paid(
            sale, DraftPayment(PaymentMethod.CARD, sale.total_minor, card_last4="42a4")
        ),
        CheckoutProblem.BAD_CARD_DIGITS,
        {"payment": 0},
    ),
    "full-width digits": (
        lambda shop, sale: _paid(
            sale, DraftPayment(PaymentMethod.CARD, sale.total_minor, card_last4="４２４２")
        ),
        CheckoutProblem.BAD_CARD_DIGITS,
        {"payment": 0},
    ),
    "card digits on cash": (
        lambda shop, sale: _paid(
            sale, DraftPayment(PaymentMethod.CASH, sale.total_minor, card_last4="4242")
        ),
        CheckoutProblem.BAD_CARD_DIGITS,
        {"payment": 0},
    ),
    "coupon unknown": (
        lambda shop, sale: dataclasses.replace(sale, coupon_codes=("NOPE",)),
        CheckoutProblem.COUPON_UNKNOWN,
        {"coupon": "NOPE", "coupon_problem": "unknown"},
    ),
    "coupon expired": (
        _coupon_expired,
        CheckoutProblem.COUPON_UNKNOWN,
        {"coupon": "OLD", "coupon_problem": "expired"},
    ),
    "coupon used": (
        _coupon_used,
        CheckoutProblem.COUPON_USED,
        {"coupon": "ONCE", "coupon_problem": "used"},
    ),
    "coupon twice in one sale": (
        _coupon_twice,
        CheckoutProblem.COUPON_USED,
        {"coupon": "TWICE", "duplicate": True},
    ),
    "store credit without member": (
        lambda shop, sale: _paid(sale, DraftPayment(PaymentMethod.STORE_CREDIT, sale.total_minor)),
        CheckoutProblem.STORE_CREDIT_NEEDS_MEMBER,
        {},
    ),
    "store credit short": (
        _credit_short,
        CheckoutProblem.STORE_CREDIT_SHORT,
        {"missing": 1, "balance": 30},
    ),
    "out of stock": (_out_of_stock, CheckoutProblem.OUT_OF_STOCK, {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_refused_and_nothing_is_written(shop: Shop, case: str) -> None:
    spoil, problem, detail = CASES[case]
    good = draft(shop, [line(shop.pieces[0], 2000, discount=15), line(shop.pieces[1], 1000)])
    bad = spoil(shop, good)
    before = state(shop.db)
    # The caller swallows the error and lets its block commit: still nothing
    # may have changed, because nothing was written before the checks.
    with shop.db.session() as session, pytest.raises(CheckoutError) as refused:
        commit_sale(session, bad, now=NOW)
    assert refused.value.reason is problem
    if detail.get("missing") == "total":
        detail = {"missing": good.total_minor}
    assert refused.value.detail.items() >= detail.items()
    assert state(shop.db) == before
    assert one(shop.db, "SELECT count(*) FROM orders WHERE id = ?", hexid(bad.order_id)) == 0
    # The same sale, put right, goes through with the next number.
    assert commit(shop, good).invoice_no == f"{shop.prefix}-{before['counters'][0][0]:08d}"


def test_every_problem_has_a_case() -> None:
    assert {problem for _, problem, _ in CASES.values()} == set(CheckoutProblem)


def test_other_kinds_of_order_are_not_taken_here(shop: Shop) -> None:
    sale = dataclasses.replace(draft(shop, [line(shop.pieces[0], 1000)]), kind=OrderKind.DELIVERY)
    before = state(shop.db)
    with pytest.raises(ValueError, match="delivery"):
        commit(shop, sale)
    assert state(shop.db) == before


# --- store credit -----------------------------------------------------------------


def test_store_credit_is_spent_once(shop: Shop) -> None:
    member = shop.members[3]
    give_credit(shop.db, member, 300)
    with shop.db.session() as session:
        assert store_credit_balance(session, member) == 300
    sale = draft(shop, [line(shop.pieces[0], 1000)], member_id=member)
    total = sale.total_minor
    spend = min(200, total)
    sale = _paid(
        sale,
        DraftPayment(PaymentMethod.STORE_CREDIT, spend),
        *([DraftPayment(PaymentMethod.CASH, total - spend)] if total > spend else []),
    )
    commit(shop, sale)
    commit(shop, sale)  # a retry spends nothing more
    with shop.db.session() as session:
        assert store_credit_balance(session, member) == 300 - spend
    assert sql(
        shop.db,
        "SELECT amount_minor, reason, order_id FROM store_credit_entries"
        " WHERE member_id = ? AND order_id IS NOT NULL",
        member.hex,
    ) == [(-spend, "sale", sale.order_id.hex)]
    # Another sale for more than is left is refused.
    more = draft(shop, [line(shop.pieces[1], 3000)], member_id=member)
    more = _paid(
        more,
        DraftPayment(PaymentMethod.STORE_CREDIT, 300 - spend + 1),
        DraftPayment(PaymentMethod.CASH, more.total_minor - (300 - spend + 1)),
    )
    with pytest.raises(CheckoutError) as short:
        commit(shop, more)
    assert short.value.reason is CheckoutProblem.STORE_CREDIT_SHORT
    assert short.value.detail == {"missing": 1, "balance": 300 - spend}


# --- any consistent sale adds up -----------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_consistent_sale_is_written_as_billed(shop: Shop, data: st.DataObject) -> None:
    catalog = [*shop.pieces, shop.weighed]
    chosen = data.draw(st.lists(st.sampled_from(catalog), min_size=1, max_size=6))
    lines = []
    for item in chosen:
        qty = (
            data.draw(st.integers(1, 5000))
            if item.weighed
            else 1000 * data.draw(st.integers(1, 12))
        )
        gross = half_up(qty * item.price, 1000)
        off = data.draw(st.integers(0, gross))
        lines.append(line(item, qty, off, exclusive=data.draw(st.booleans())))
    rounding = data.draw(st.integers(-2, 2))
    total = sum(x.line_total_minor for x in lines) + rounding
    if total < 0:
        rounding -= total
        total = 0
    card = data.draw(st.integers(0, total))
    tendered = data.draw(st.integers(total - card, total - card + 2000))
    payments = [DraftPayment(PaymentMethod.CARD, card, card_last4="0001")] if card else []
    if total - card:
        payments.append(DraftPayment(PaymentMethod.CASH, total - card, tendered_minor=tendered))
    sale = draft(shop, lines, payments, rounding=rounding)
    before = state(shop.db)
    result = commit(shop, sale)
    assert result.change_minor == (tendered - (total - card) if total - card else 0)
    after = state(shop.db)
    assert after["stock"] - before["stock"] == -sum(x.qty_milli for x in lines)
    assert after["orders"] - before["orders"] == 1
    assert after["counters"] == [(before["counters"][0][0] + 1, before["counters"][0][1] + 1)]
    oid = hexid(sale.order_id)
    [(stored_total, subtotal, discount, tax)] = sql(
        shop.db,
        "SELECT total_minor, subtotal_minor, discount_minor, tax_minor FROM orders WHERE id = ?",
        oid,
    )
    added = sum(
        x.line_total_minor - half_up(x.qty_milli * x.unit_price_minor, 1000) + x.discount_minor
        for x in lines
    )
    assert stored_total == subtotal - discount + added + rounding == total
    assert tax == sum(x.tax_minor for x in lines)
    assert one(shop.db, "SELECT sum(amount_minor) FROM payments WHERE order_id = ?", oid) == (
        total or None
    )
    assert one(
        shop.db, "SELECT json_extract(payload, '$.total_minor') FROM outbox WHERE device_seq = ?",
        result.device_seq,
    ) == total  # fmt: skip


# --- bills from the pricing engine --------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("extras", ["plain", "delivery and cash rounding"])
def test_a_bill_from_the_pricing_engine_commits_as_priced(
    shop: Shop, seed: int, extras: str
) -> None:
    """The checks here and the engine agree to the cent: promotions, coupons, weighed
    goods, tax inside and on top, a delivery fee with its own tax, cash rounding."""
    cart, context = sample_cart(n_lines=40, seed=seed)
    if extras != "plain":
        context = dataclasses.replace(
            context,
            currency=HKD,  # a 10-cent coin: the total really is rounded
            cash_rounding=True,
            delivery=DeliveryRule(DeliveryKind.FLAT, fee_minor=95, tax_rate_bp=500),
        )
    bill = price_cart(cart, context)
    assert bill.discount_minor > 0
    assert bill.added_tax_minor > 0
    lines = [
        DraftLine(
            product_id=None,
            sku=billed.line_id,
            name_zh=billed.line_id,
            name_en=billed.line_id,
            qty_milli=billed.qty_milli,
            unit_price_minor=billed.unit_price_minor,
            discount_minor=billed.discount_minor,
            tax_rate_bp=billed.tax_rate_bp,
            tax_minor=billed.tax_minor,
            line_total_minor=billed.total_minor,
            promotions=[{"code": d.code, "amount_minor": d.amount_minor} for d in billed.discounts],
        )
        for billed in bill.lines
    ]
    sale = SaleDraft(
        order_id=uuid.uuid4(),
        staff_id=shop.cashier,
        member_id=None,
        kind=OrderKind.TAKE_AWAY,
        lines=tuple(lines),
        subtotal_minor=bill.subtotal_minor,
        discount_minor=bill.discount_minor,
        tax_minor=bill.tax_minor,
        delivery_fee_minor=bill.delivery_fee_minor,
        rounding_minor=bill.rounding_minor,
        total_minor=bill.total_minor,
        payments=(DraftPayment(PaymentMethod.CARD, bill.total_minor),),
        pricing=bill.to_json(),
    )
    result = commit(shop, sale)
    [(total, pricing)] = sql(
        shop.db, "SELECT total_minor, pricing FROM orders WHERE id = ?", hexid(result.order_id)
    )
    assert total == bill.total_minor
    assert json.loads(pricing) == bill.to_json()
