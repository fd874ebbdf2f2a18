"""Orders taken, paid, picked, shipped and cancelled on the demo shop's real database.

The database is read back with plain SQL, not through the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.shop_rows import Item, half_up, one, sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, OrderStatus, PaymentMethod
from shop_desktop.domain.orders import IllegalTransition, MissingDetail, TransitionProblem
from shop_desktop.services.checkout import (
    CheckoutError,
    CheckoutProblem,
    CommittedSale,
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.orders import (
    DeliveryDetails,
    OrderFilter,
    OrderNotFound,
    OrderProblem,
    advance,
    cancel_order,
    fulfilment_queue,
    order_detail,
    order_list,
    pay_order,
    picking_items,
    ship_orders,
    take_order,
    void_invoice,
)

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
S = OrderStatus
HOME = DeliveryDetails("林小姐", "0912-345-678", "台北市大安區復興南路一段 1 號")


@dataclass(frozen=True)
class Shop:
    db: Database
    cashier: uuid.UUID
    manager: uuid.UUID
    branch: uuid.UUID
    prefix: str
    items: list[Item]


def write(db: Database, query: str, *args: object) -> None:
    conn = sqlite3.connect(db.path)
    try:
        conn.execute(query, args)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def shop(demo_db: Database) -> Shop:
    db = demo_db
    branch, prefix = sql(
        db,
        "SELECT w.branch_id, w.invoice_prefix FROM device_identity d"
        " JOIN workstations w ON w.id = d.workstation_id",
    )[0]
    rows = sql(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND p.price_minor > 30 AND t.rate_bp = 500 ORDER BY p.sku LIMIT 4",
    )
    return Shop(
        db=db,
        cashier=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'cashier'")),
        manager=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'manager'")),
        branch=uuid.UUID(branch),
        prefix=prefix,
        items=[Item(uuid.UUID(r[0]), *r[1:]) for r in rows],
    )


def line(item: Item, qty_milli: int) -> DraftLine:
    gross = (2 * qty_milli * item.price + 1000) // 2000
    tax = half_up(gross * item.rate, 10_000 + item.rate)
    return DraftLine(
        product_id=item.id,
        sku=item.sku,
        name_zh=item.name_zh,
        name_en=item.name_en,
        qty_milli=qty_milli,
        unit_price_minor=item.price,
        discount_minor=0,
        tax_rate_bp=item.rate,
        tax_minor=tax,
        line_total_minor=gross,
        promotions=[],
    )


def draft(
    shop: Shop, kind: OrderKind, lines: list[DraftLine], payments: list[DraftPayment] | None
) -> SaleDraft:
    total = sum(x.line_total_minor for x in lines)
    return SaleDraft(
        order_id=uuid.uuid4(),
        staff_id=shop.cashier,
        member_id=None,
        kind=kind,
        lines=tuple(lines),
        subtotal_minor=total,
        discount_minor=0,
        tax_minor=sum(x.tax_minor for x in lines),
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=total,
        payments=tuple(payments or ()),
    )


def cash(amount: int) -> DraftPayment:
    return DraftPayment(PaymentMethod.CASH, amount, amount)


def take(
    shop: Shop, sale: SaleDraft, delivery: DeliveryDetails | None = HOME, at: datetime = NOW
) -> CommittedSale:
    with shop.db.session() as session:
        return take_order(session, sale, delivery, now=at)


def state(db: Database) -> dict[str, Any]:
    """Everything a refused step must leave as it was."""
    tables = ("orders", "payments", "stock_movements", "outbox", "order_events", "refunds")
    out: dict[str, Any] = {t: one(db, f"SELECT count(*) FROM {t}") for t in tables}
    out["statuses"] = sql(db, "SELECT id, status FROM orders ORDER BY id")
    out["counters"] = sql(db, "SELECT next_invoice_no, next_device_seq FROM device_identity")
    out["deliveries"] = sql(db, "SELECT * FROM order_deliveries ORDER BY order_id")
    return out


def events(db: Database, order_id: uuid.UUID) -> list[tuple[Any, ...]]:
    return sql(
        db,
        "SELECT from_status, to_status, action FROM order_events WHERE order_id = ?"
        " ORDER BY at, rowid",
        order_id.hex,
    )


def outbox_ops(db: Database, order_id: uuid.UUID) -> list[str]:
    return [
        r[0]
        for r in sql(
            db,
            "SELECT op_type FROM outbox WHERE json_extract(payload, '$.id') = ?"
            " OR json_extract(payload, '$.order_id') = ? ORDER BY device_seq",
            str(order_id),
            str(order_id),
        )
    ]


# --- a cash-on-delivery order, end to end ------------------------------------------


def test_a_delivery_order_from_taking_to_completion(shop: Shop) -> None:
    db = shop.db
    a, b = shop.items[0], shop.items[1]
    sale = draft(shop, OrderKind.DELIVERY, [line(a, 2000), line(b, 1000)], None)
    invoice_before = one(db, "SELECT next_invoice_no FROM device_identity")
    stock_before = one(db, "SELECT coalesce(sum(qty_delta_milli), 0) FROM stock_movements")

    taken = take(shop, sale)
    assert taken.invoice_no == ""
    assert taken.number == f"{shop.prefix}-O{taken.device_seq:08d}"
    order = sql(db, "SELECT status, invoice_no, kind FROM orders WHERE id = ?", sale.order_id.hex)
    assert order == [("awaiting_payment", None, "delivery")]
    assert one(db, "SELECT count(*) FROM payments WHERE order_id = ?", sale.order_id.hex) == 0
    # Stock is promised to the customer when the order is taken.
    stock_after = one(db, "SELECT coalesce(sum(qty_delta_milli), 0) FROM stock_movements")
    assert stock_after == stock_before - 3000
    # No invoice number was used up by an unpaid order.
    assert one(db, "SELECT next_invoice_no FROM device_identity") == invoice_before
    assert sql(
        db,
        "SELECT recipient_name, address FROM order_deliveries WHERE order_id = ?",
        sale.order_id.hex,
    ) == [(HOME.recipient_name, HOME.address)]

    with db.session() as session:
        paid = pay_order(
            session,
            sale.order_id,
            [cash(sale.total_minor)],
            staff_id=shop.cashier,
            batch_id=uuid.uuid4(),
            now=NOW + timedelta(hours=1),
        )
    assert paid.invoice_no == f"{shop.prefix}-{invoice_before:08d}"
    assert paid.status is S.AWAITING_FULFILMENT
    with db.session() as session:
        advance(session, sale.order_id, S.PICKING, staff_id=shop.cashier)
    assert [o.id for o in _queue(shop)] == [sale.order_id]
    with db.session() as session:
        ship_orders(session, [(sale.order_id, "黑貓宅急便", "9001-2345-6789")], shop.cashier)
    assert sql(
        db,
        "SELECT carrier, tracking_no, shipped_at IS NOT NULL FROM order_deliveries"
        " WHERE order_id = ?",
        sale.order_id.hex,
    ) == [("黑貓宅急便", "9001-2345-6789", 1)]
    with db.session() as session:
        advance(session, sale.order_id, S.DELIVERED, staff_id=shop.cashier)
    with db.session() as session:
        advance(session, sale.order_id, S.COMPLETED, staff_id=shop.cashier)

    assert one(db, "SELECT status FROM orders WHERE id = ?", sale.order_id.hex) == "completed"
    assert one(db, "SELECT completed_at IS NOT NULL FROM orders WHERE id = ?", sale.order_id.hex)
    assert events(db, sale.order_id) == [
        (None, "awaiting_payment", "taken"),
        ("awaiting_payment", "awaiting_fulfilment", "paid"),
        ("awaiting_fulfilment", "picking", "advanced"),
        ("picking", "shipped", "advanced"),
        ("shipped", "delivered", "advanced"),
        ("delivered", "completed", "advanced"),
    ]
    assert outbox_ops(db, sale.order_id) == [
        "order.taken",
        "order.paid",
        *["order.status_changed"] * 4,
    ]
    # Outbox sequence numbers stay gapless across all the steps.
    seqs = [r[0] for r in sql(db, "SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))

    detail = _detail(shop, sale.order_id)
    assert [ln.sku for ln in detail.lines] == [a.sku, b.sku]
    assert [p.amount_minor for p in detail.payments] == [sale.total_minor]
    assert [e.to_status for e in detail.events][-1] is S.COMPLETED
    assert detail.delivery is not None
    assert detail.delivery.tracking_no == "9001-2345-6789"


def _queue(shop: Shop) -> list[Any]:
    with shop.db.session() as session:
        return fulfilment_queue(session, shop.branch)


def _detail(shop: Shop, order_id: uuid.UUID) -> Any:
    with shop.db.session() as session:
        detail = order_detail(session, order_id)
        session.expunge_all()
        return detail


# --- refusals ----------------------------------------------------------------------


def test_illegal_steps_are_refused_and_nothing_is_written(shop: Shop) -> None:
    db = shop.db
    pick_up = draft(shop, OrderKind.PICK_UP, [line(shop.items[0], 1000)], None)
    pick_up = _with_payment(pick_up)
    take(shop, pick_up, DeliveryDetails("王先生", "0988"))
    before = state(db)

    with pytest.raises(IllegalTransition) as refused, db.session() as session:
        advance(session, pick_up.order_id, S.SHIPPED, staff_id=shop.cashier, carrier="c")
    assert refused.value.reason is TransitionProblem.NOT_FOR_KIND
    assert state(db) == before

    with pytest.raises(IllegalTransition) as refused, db.session() as session:
        advance(session, pick_up.order_id, S.COMPLETED, staff_id=shop.cashier)
    assert refused.value.reason is TransitionProblem.OUT_OF_ORDER
    assert state(db) == before

    delivery = draft(shop, OrderKind.DELIVERY, [line(shop.items[1], 1000)], None)
    take(shop, _with_payment(delivery))
    with db.session() as session:
        advance(session, delivery.order_id, S.PICKING, staff_id=shop.cashier)
    before = state(db)
    # One order of the batch lacks its tracking number: none is shipped.
    batch = [(delivery.order_id, "郵局", ""), (pick_up.order_id, "郵局", "1")]
    with pytest.raises(MissingDetail) as missing, db.session() as session:
        ship_orders(session, batch, shop.cashier)
    assert missing.value.missing == ("tracking_no",)
    assert missing.value.order_id == delivery.order_id
    assert state(db) == before
    batch = [(delivery.order_id, "郵局", "1"), (pick_up.order_id, "郵局", "2")]
    with pytest.raises(IllegalTransition) as refused, db.session() as session:
        ship_orders(session, batch, shop.cashier)
    assert refused.value.order_id == pick_up.order_id
    assert state(db) == before

    with db.session() as session:
        ship_orders(session, [(delivery.order_id, "郵局", "EE1")], shop.cashier)
    before = state(db)
    with pytest.raises(IllegalTransition) as refused, db.session() as session:
        cancel_order(session, delivery.order_id, "客戶不要了", staff_id=shop.cashier)
    assert refused.value.reason is TransitionProblem.ALREADY_SHIPPED
    assert state(db) == before


def test_an_order_cannot_complete_before_it_is_paid(shop: Shop) -> None:
    sale = draft(shop, OrderKind.PAY_LATER, [line(shop.items[0], 1000)], None)
    take(shop, sale, None)
    with shop.db.session() as session:
        advance(session, sale.order_id, S.PICKING, staff_id=shop.cashier)
    before = state(shop.db)
    with pytest.raises(IllegalTransition) as refused, shop.db.session() as session:
        advance(session, sale.order_id, S.DELIVERED, staff_id=shop.cashier)
    assert refused.value.reason is TransitionProblem.UNPAID
    assert state(shop.db) == before


def test_unpaid_orders_take_no_part_payment_and_pick_up_must_be_paid(shop: Shop) -> None:
    before = state(shop.db)
    sale = draft(shop, OrderKind.PICK_UP, [line(shop.items[0], 1000)], None)
    with pytest.raises(IllegalTransition) as refused:
        take(shop, sale)
    assert refused.value.reason is TransitionProblem.BAD_START
    paid_later = draft(shop, OrderKind.PAY_LATER, [line(shop.items[0], 1000)], [cash(10)])
    with pytest.raises(IllegalTransition):
        take(shop, paid_later)
    assert state(shop.db) == before


def _with_payment(sale: SaleDraft) -> SaleDraft:
    return SaleDraft(**{**sale.__dict__, "payments": (cash(sale.total_minor),)})


# --- cancelling -----------------------------------------------------------------------


def test_cancelling_puts_stock_back_and_records_refunds(shop: Shop) -> None:
    db = shop.db
    a = shop.items[2]
    sale = draft(shop, OrderKind.PICK_UP, [line(a, 3000)], None)
    card = DraftPayment(PaymentMethod.CARD, 20, reference="A1", card_last4="4242")
    sale = SaleDraft(**{**sale.__dict__, "payments": (card, cash(sale.total_minor - 20))})
    taken = take(shop, sale, DeliveryDetails("陳先生"))
    stock = "SELECT sum(qty_delta_milli) FROM stock_movements WHERE product_id = ?"
    on_hand = one(db, stock, a.id.hex)

    before = state(db)
    with pytest.raises(MissingDetail), db.session() as session:
        cancel_order(session, sale.order_id, "  ", staff_id=shop.cashier, approved_by=shop.manager)
    # A paid order's invoice is voided: not without a manager, and not by a cashier.
    for approver in (None, shop.cashier):
        with pytest.raises(IllegalTransition) as refused, db.session() as session:
            cancel_order(
                session, sale.order_id, "缺貨", staff_id=shop.cashier, approved_by=approver
            )
        assert refused.value.reason is TransitionProblem.NOT_APPROVED
    assert state(db) == before
    with db.session() as session:
        refunds = cancel_order(
            session,
            sale.order_id,
            "缺貨 out of stock",
            staff_id=shop.cashier,
            approved_by=shop.manager,
        )
    assert len(refunds) == 2

    after = one(db, stock, a.id.hex)
    assert after == on_hand + 3000
    assert sql(
        db,
        "SELECT reason, qty_delta_milli FROM stock_movements WHERE order_id = ?"
        " ORDER BY qty_delta_milli",
        sale.order_id.hex,
    ) == [("sale", -3000), ("return", 3000)]
    assert sorted(
        sql(
            db,
            "SELECT method, amount_minor, status FROM refunds WHERE order_id = ?",
            sale.order_id.hex,
        )
    ) == [("card", 20, "owed"), ("cash", sale.total_minor - 20, "done")]
    # The invoice stays: a credit note, not a deleted number, corrects it.
    assert sql(db, "SELECT status, invoice_no FROM orders WHERE id = ?", sale.order_id.hex) == [
        ("cancelled", taken.invoice_no)
    ]
    assert events(db, sale.order_id)[-1] == ("awaiting_fulfilment", "cancelled", "voided")
    assert outbox_ops(db, sale.order_id) == ["order.taken", "order.cancelled"]
    assert sql(
        db,
        "SELECT number, invoice_no, approved_by FROM credit_notes WHERE order_id = ?",
        sale.order_id.hex,
    ) == [(f"{shop.prefix}-CN-000001", taken.invoice_no, shop.manager.hex)]


def test_cancelling_an_unpaid_order_needs_no_approval_and_issues_no_credit_note(
    shop: Shop,
) -> None:
    db = shop.db
    sale = draft(shop, OrderKind.PAY_LATER, [line(shop.items[0], 1000)], None)
    take(shop, sale, None)
    with db.session() as session:
        assert cancel_order(session, sale.order_id, "客人沒來", staff_id=shop.cashier) == []
    assert one(db, "SELECT status FROM orders WHERE id = ?", sale.order_id.hex) == "cancelled"
    assert one(db, "SELECT count(*) FROM credit_notes") == 0
    assert one(db, "SELECT next_credit_note_no FROM device_identity") == 1
    assert events(db, sale.order_id)[-1] == ("awaiting_payment", "cancelled", "cancelled")


# --- voiding an invoice ---------------------------------------------------------------


def sell_at_the_counter(shop: Shop, member: str | None = None) -> SaleDraft:
    """A take-away sale paid in cash, committed as checkout does."""
    sale = draft(
        shop, OrderKind.TAKE_AWAY, [line(shop.items[0], 2000), line(shop.items[1], 1000)], None
    )
    sale = SaleDraft(
        **{
            **sale.__dict__,
            "payments": (cash(sale.total_minor),),
            "member_id": None if member is None else uuid.UUID(member),
        }
    )
    with shop.db.session() as session:
        commit_sale(session, sale, now=NOW)
    return sale


def earned_points(db: Database, order_id: uuid.UUID, member: str) -> int:
    """The points the sale earned; written here when checkout does not earn points yet."""
    found = sql(
        db,
        "SELECT delta FROM points_entries WHERE order_id = ? AND reason = 'earn'",
        order_id.hex,
    )
    if found:
        return int(found[0][0])
    write(
        db,
        "INSERT INTO points_entries (id, member_id, order_id, delta, reason, created_at)"
        " VALUES (?, ?, ?, 7, 'earn', '2026-11-20 06:30:00.000000')",
        uuid.uuid4().hex,
        member,
        order_id.hex,
    )
    write(db, "UPDATE members SET points = points + 7 WHERE id = ?", member)
    return 7


def test_voiding_a_take_away_sale_issues_a_credit_note_and_undoes_the_sale(shop: Shop) -> None:
    db = shop.db
    member = one(db, "SELECT id FROM members ORDER BY id LIMIT 1")
    stock = "SELECT coalesce(sum(qty_delta_milli), 0) FROM stock_movements"
    on_hand = one(db, stock)
    sale = sell_at_the_counter(shop, member)
    invoice = one(db, "SELECT invoice_no FROM orders WHERE id = ?", sale.order_id.hex)
    earned = earned_points(db, sale.order_id, member)
    points_before_void = one(db, "SELECT points FROM members WHERE id = ?", member)
    counters = sql(db, "SELECT next_invoice_no, next_credit_note_no FROM device_identity")[0]

    with db.session() as session:
        voided = void_invoice(
            session,
            sale.order_id,
            "刷錯了 rung up wrongly",
            staff_id=shop.cashier,
            approved_by=shop.manager,
            now=NOW + timedelta(minutes=5),
        )
    assert not voided.repeated
    assert voided.invoice_no == invoice
    assert voided.credit_note_no == f"{shop.prefix}-CN-{counters[1]:06d}"
    # The invoice keeps its number; the credit note takes the next of its own series.
    assert sql(db, "SELECT status, invoice_no FROM orders WHERE id = ?", sale.order_id.hex) == [
        ("cancelled", invoice)
    ]
    assert sql(db, "SELECT next_invoice_no, next_credit_note_no FROM device_identity") == [
        (counters[0], counters[1] + 1)
    ]
    assert sql(
        db,
        "SELECT number, invoice_no, total_minor, tax_minor, reason, staff_id, approved_by"
        " FROM credit_notes WHERE order_id = ?",
        sale.order_id.hex,
    ) == [
        (
            voided.credit_note_no,
            invoice,
            sale.total_minor,
            sale.tax_minor,
            "刷錯了 rung up wrongly",
            shop.cashier.hex,
            shop.manager.hex,
        )
    ]
    assert one(db, stock) == on_hand
    assert sql(
        db, "SELECT method, amount_minor, status FROM refunds WHERE order_id = ?", sale.order_id.hex
    ) == [("cash", sale.total_minor, "done")]
    assert sql(
        db,
        "SELECT delta FROM points_entries WHERE order_id = ? AND reason = 'reverse'",
        sale.order_id.hex,
    ) == [(-earned,)]
    assert one(db, "SELECT points FROM members WHERE id = ?", member) == points_before_void - earned
    assert events(db, sale.order_id)[-1] == ("completed", "cancelled", "voided")

    (payload,) = [
        json.loads(r[0])
        for r in sql(
            db,
            "SELECT payload FROM outbox WHERE op_type = 'order.cancelled'"
            " AND json_extract(payload, '$.order_id') = ?",
            str(sale.order_id),
        )
    ]
    assert payload["status"] == "cancelled"
    assert payload["invoice_no"] == invoice
    assert payload["credit_note"]["number"] == voided.credit_note_no
    assert payload["credit_note"]["total_minor"] == sale.total_minor
    assert payload["credit_note"]["approved_by"] == str(shop.manager)
    assert [r["amount_minor"] for r in payload["refunds"]] == [sale.total_minor]
    assert sorted(m["qty_delta_milli"] for m in payload["stock_movements"]) == [1000, 2000]
    assert [(p["member_id"], p["delta"], p["reason"]) for p in payload["points"]] == [
        (str(uuid.UUID(member)), -earned, "reverse")
    ]

    # A retry after a lost answer writes nothing and answers the same.
    before = state(db)
    with db.session() as session:
        again = void_invoice(
            session, sale.order_id, "again", staff_id=shop.cashier, approved_by=shop.manager
        )
    assert again.repeated
    assert (again.credit_note_no, again.refund_ids) == (voided.credit_note_no, voided.refund_ids)
    assert state(db) == before


def test_credit_note_numbers_run_on_without_gaps(shop: Shop) -> None:
    db = shop.db
    sales = [sell_at_the_counter(shop) for _ in range(3)]
    first = one(db, "SELECT next_credit_note_no FROM device_identity")
    for sale in sales:
        with db.session() as session:
            void_invoice(
                session, sale.order_id, "r", staff_id=shop.cashier, approved_by=shop.manager
            )
    numbers = [r[0] for r in sql(db, "SELECT number FROM credit_notes ORDER BY number")]
    assert numbers == [f"{shop.prefix}-CN-{n:06d}" for n in range(first, first + 3)]


def test_voids_that_may_not_happen_are_refused_and_write_nothing(shop: Shop) -> None:
    db = shop.db
    sold = sell_at_the_counter(shop)
    unpaid = draft(shop, OrderKind.DELIVERY, [line(shop.items[0], 1000)], None)
    take(shop, unpaid)
    shipped = draft(shop, OrderKind.DELIVERY, [line(shop.items[1], 1000)], None)
    shipped = _with_payment(shipped)
    take(shop, shipped)
    with db.session() as session:
        advance(session, shipped.order_id, S.PICKING, staff_id=shop.cashier)
        advance(
            session,
            shipped.order_id,
            S.SHIPPED,
            staff_id=shop.cashier,
            carrier="郵局",
            tracking_no="EE1",
        )
    before = state(db)
    notes = one(db, "SELECT next_credit_note_no FROM device_identity")

    def refused(order_id: uuid.UUID, approver: uuid.UUID | None, reason: str = "r") -> Exception:
        with pytest.raises((IllegalTransition, OrderNotFound)) as caught, db.session() as session:
            void_invoice(session, order_id, reason, staff_id=shop.cashier, approved_by=approver)
        return caught.value

    not_approved = refused(sold.order_id, shop.cashier)
    assert isinstance(not_approved, IllegalTransition)
    assert not_approved.reason is TransitionProblem.NOT_APPROVED
    no_reason = refused(sold.order_id, shop.manager, " ")
    assert isinstance(no_reason, MissingDetail)
    gone = refused(shipped.order_id, shop.manager)
    assert isinstance(gone, IllegalTransition)
    assert gone.reason is TransitionProblem.ALREADY_SHIPPED
    nothing_to_void = refused(unpaid.order_id, shop.manager)
    assert isinstance(nothing_to_void, OrderNotFound)
    assert nothing_to_void.reason is OrderProblem.NOT_INVOICED
    unknown = refused(uuid.uuid4(), shop.manager)
    assert isinstance(unknown, OrderNotFound)
    assert unknown.reason is OrderProblem.NOT_FOUND
    assert state(db) == before
    assert one(db, "SELECT next_credit_note_no FROM device_identity") == notes


# --- paying later ----------------------------------------------------------------------


def test_pay_later_gets_the_next_invoice_number_when_paid(shop: Shop) -> None:
    db = shop.db
    waiting = draft(shop, OrderKind.PAY_LATER, [line(shop.items[0], 1000)], None)
    take(shop, waiting, None)
    with db.session() as session:
        first = commit_sale(
            session,
            SaleDraft(
                **{
                    **_with_payment(
                        draft(shop, OrderKind.PICK_UP, [line(shop.items[1], 1000)], None)
                    ).__dict__,
                    "kind": OrderKind.TAKE_AWAY,
                }
            ),
            now=NOW,
        )
    batch = uuid.uuid4()

    with pytest.raises(CheckoutError) as short, db.session() as session:
        pay_order(session, waiting.order_id, [cash(1)], staff_id=shop.cashier, batch_id=batch)
    assert short.value.reason is CheckoutProblem.UNDERPAID
    with db.session() as session:
        paid = pay_order(
            session,
            waiting.order_id,
            [cash(waiting.total_minor)],
            staff_id=shop.cashier,
            batch_id=batch,
        )
    seq = int(first.invoice_no.rsplit("-", 1)[1])
    assert paid.invoice_no == f"{shop.prefix}-{seq + 1:08d}"
    assert not paid.repeated

    before = state(db)
    with db.session() as session:
        again = pay_order(
            session,
            waiting.order_id,
            [cash(waiting.total_minor)],
            staff_id=shop.cashier,
            batch_id=batch,
        )
    assert again.repeated
    assert again.invoice_no == paid.invoice_no
    assert state(db) == before


# --- finding orders -------------------------------------------------------------------


def test_order_list_filters_and_pages(shop: Shop) -> None:
    db = shop.db
    a, b = shop.items[0], shop.items[3]
    ids = []
    for n in range(5):
        sale = draft(shop, OrderKind.DELIVERY, [line(a if n % 2 else b, 1000)], None)
        if n < 2:
            sale = _with_payment(sale)
        take(shop, sale, DeliveryDetails(f"收件人{n}", address="台中"), NOW + timedelta(minutes=n))
        ids.append(sale.order_id)

    def listed(wanted: OrderFilter, limit: int = 100) -> list[uuid.UUID]:
        found, after = [], None
        with db.session() as session:
            while True:
                page = order_list(session, wanted, after=after, limit=limit)
                found += [row.id for row in page.rows]
                if page.next is None:
                    return found
                after = page.next

    delivery = frozenset({OrderKind.DELIVERY})
    assert listed(OrderFilter(kinds=delivery)) == ids[::-1]
    assert listed(OrderFilter(kinds=delivery), limit=2) == ids[::-1]
    assert listed(OrderFilter(statuses=frozenset({S.AWAITING_PAYMENT}))) == ids[:1:-1]
    assert listed(OrderFilter(kinds=delivery, payment_method=PaymentMethod.CASH)) == ids[1::-1]
    assert listed(OrderFilter(text="收件人3")) == [ids[3]]
    assert listed(OrderFilter(kinds=delivery, text=a.name_zh)) == [ids[3], ids[1]]
    assert listed(
        OrderFilter(
            kinds=delivery,
            created_from=NOW + timedelta(minutes=1),
            created_until=NOW + timedelta(minutes=3),
        )
    ) == [ids[2], ids[1]]
    assert listed(OrderFilter(kinds=delivery, staff_id=uuid.uuid4())) == []
    number = one(db, "SELECT number FROM orders WHERE id = ?", ids[4].hex)
    assert listed(OrderFilter(text=number)) == [ids[4]]
    # "_" is a character to look for, not LIKE's any-one-character.
    assert listed(OrderFilter(kinds=delivery, text="收件人_")) == []


def test_picking_list_is_grouped_by_shelf_location(shop: Shop) -> None:
    db = shop.db
    a, b, c = shop.items[0], shop.items[1], shop.items[2]
    write(db, "UPDATE products SET location = 'B-02' WHERE id = ?", a.id.hex)
    write(db, "UPDATE products SET location = 'A-01' WHERE id IN (?, ?)", b.id.hex, c.id.hex)
    first = _with_payment(draft(shop, OrderKind.PICK_UP, [line(a, 1000), line(b, 2000)], None))
    second = _with_payment(draft(shop, OrderKind.PICK_UP, [line(a, 3000), line(c, 1000)], None))
    n1 = take(shop, first).number
    n2 = take(shop, second).number

    with db.session() as session:
        groups = picking_items(session, [first.order_id, second.order_id])
    assert [g.location for g in groups] == ["A-01", "B-02"]
    assert [(i.sku, i.qty_milli) for i in groups[0].items] == sorted([(b.sku, 2000), (c.sku, 1000)])
    assert [(i.sku, i.qty_milli, i.orders) for i in groups[1].items] == [
        (a.sku, 4000, sorted([(n1, 1000), (n2, 3000)]))
    ]


# --- what the screens get: frozen views, no ORM objects ------------------------------


def _no_orm_objects(value: object, path: str = "detail") -> None:
    """Every value reachable from ``value`` is plain: no SQLAlchemy instance anywhere."""
    assert not hasattr(value, "_sa_instance_state"), f"{path} is an ORM object"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _no_orm_objects(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            _no_orm_objects(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_orm_objects(item, f"{path}[{key!r}]")


def test_order_detail_is_frozen_plain_values_read_whole(shop: Shop) -> None:
    db = shop.db
    a, b = shop.items[0], shop.items[1]
    sale = draft(shop, OrderKind.DELIVERY, [line(a, 2000), line(b, 1000)], None)
    take(shop, sale)
    with db.session() as session:
        pay_order(
            session,
            sale.order_id,
            [cash(sale.total_minor)],
            staff_id=shop.cashier,
            batch_id=uuid.uuid4(),
            now=NOW,
        )
    with db.session() as session:
        advance(session, sale.order_id, S.PICKING, staff_id=shop.manager)
        advance(
            session,
            sale.order_id,
            S.SHIPPED,
            staff_id=shop.manager,
            carrier="黑貓",
            tracking_no="9001",
        )

    with db.session() as session:
        detail = order_detail(session, sale.order_id)
    # The session is gone: everything must already be in the answer.

    _no_orm_objects(detail)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detail.status = S.CANCELLED  # type: ignore[misc]
    number, invoice_no, total = sql(
        db, "SELECT number, invoice_no, total_minor FROM orders WHERE id = ?", sale.order_id.hex
    )[0]
    assert (detail.number, detail.invoice_no, detail.total_minor) == (number, invoice_no, total)
    assert detail.paid
    assert detail.status is S.SHIPPED
    assert detail.staff_name == one(
        db, "SELECT display_name FROM staff_users WHERE id = ?", shop.cashier.hex
    )
    assert [(x.sku, x.qty_milli) for x in detail.lines] == [(a.sku, 2000), (b.sku, 1000)]
    assert [(p.method, p.amount_minor) for p in detail.payments] == [
        (PaymentMethod.CASH, sale.total_minor)
    ]
    assert detail.delivery is not None
    assert (detail.delivery.recipient_name, detail.delivery.carrier) == (
        HOME.recipient_name,
        "黑貓",
    )
    manager_name = one(db, "SELECT display_name FROM staff_users WHERE id = ?", shop.manager.hex)
    assert [(e.to_status, e.staff_name) for e in detail.events][-2:] == [
        (S.PICKING, manager_name),
        (S.SHIPPED, manager_name),
    ]
    assert detail.refunds == ()
    assert detail.credit_note_no is None


def test_order_detail_of_an_unknown_order_is_refused(shop: Shop) -> None:
    with pytest.raises(OrderNotFound), shop.db.session() as session:
        order_detail(session, uuid.uuid4())
