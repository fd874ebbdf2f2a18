"""Shifts at the service level: running totals kept in each sale's transaction, cash
movements with approval, the blind count and its variance, and the Z report, each
checked against sums taken straight from the orders, payments and refunds in SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from tests.shift_sql import shift_sums
from tests.shop_rows import Item, half_up, one, sql

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.domain.shift import TWD_DENOMINATIONS, ShiftTotals
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft, commit_sale
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.shifts import (
    ShiftError,
    ShiftProblem,
    ShiftReport,
    check_count,
    close_shift,
    current_shift,
    move_cash,
    open_shift,
    shift_report,
    x_report,
)
from shop_shared.ops import SHIFT_CLOSED, SHIFT_OPENED


@dataclass
class Shop:
    db: Database
    cashier: uuid.UUID
    manager: uuid.UUID
    items: list[Item]


@pytest.fixture
def shop(demo_db: Database) -> Shop:
    db = demo_db
    rows = sql(
        db,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND p.price_minor > 30 AND t.inclusive ORDER BY t.rate_bp, p.sku",
    )
    by_rate: dict[int, Item] = {}
    for r in rows:
        by_rate.setdefault(r[5], Item(uuid.UUID(r[0]), *r[1:]))
    return Shop(
        db=db,
        cashier=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'cashier'")),
        manager=uuid.UUID(one(db, "SELECT id FROM staff_users WHERE username = 'manager'")),
        items=list(by_rate.values()),
    )


def line(item: Item, qty: int, discount: int = 0) -> DraftLine:
    gross = qty * item.price
    net = gross - discount
    return DraftLine(
        product_id=item.id, sku=item.sku, name_zh=item.name_zh, name_en=item.name_en,
        qty_milli=qty * 1000, unit_price_minor=item.price, discount_minor=discount,
        tax_rate_bp=item.rate, tax_minor=half_up(net * item.rate, 10_000 + item.rate),
        line_total_minor=net, promotions=[],
    )  # fmt: skip


def sell(shop: Shop, lines: list[DraftLine], pay: list[tuple[PaymentMethod, int]]) -> uuid.UUID:
    """A take-away sale paid as ``pay`` says; the last payment takes what is left (cash
    handed over rounded up to the next hundred)."""
    total = sum(x.line_total_minor for x in lines)
    payments: list[DraftPayment] = []
    left = total
    for i, (method, asked) in enumerate(pay):
        amount = left if i == len(pay) - 1 else asked
        left -= amount
        if method is PaymentMethod.CASH:
            payments.append(DraftPayment(method, amount, (amount // 100 + 1) * 100))
        else:
            payments.append(DraftPayment(method, amount, reference="A1", card_last4="4242"))
    draft = SaleDraft(
        order_id=uuid.uuid4(), staff_id=shop.cashier, member_id=None, kind=OrderKind.TAKE_AWAY,
        lines=tuple(lines), subtotal_minor=sum(x.qty_milli // 1000 * x.unit_price_minor
                                               for x in lines),
        discount_minor=sum(x.discount_minor for x in lines),
        tax_minor=sum(x.tax_minor for x in lines), delivery_fee_minor=0, rounding_minor=0,
        total_minor=total, payments=tuple(payments),
    )  # fmt: skip
    with shop.db.session() as session:
        commit_sale(session, draft)
    return draft.order_id


def drawer(amount: int) -> dict[int, int]:
    """``amount`` as the fewest notes and coins."""
    counts: dict[int, int] = {}
    for value in TWD_DENOMINATIONS:
        counts[value], amount = divmod(amount, value)
    return counts


def assert_report_matches_sql(db: Database, report: ShiftReport) -> None:
    sums = shift_sums(db, report.shift_id.hex)
    t = report.totals
    assert (t.sales_count, t.sales_minor, t.discount_minor) == (
        sums.sales_count, sums.sales_minor, sums.discount_minor,
    )  # fmt: skip
    assert {k: v[0] for k, v in t.tenders.items()} == sums.tenders
    assert {k: v[0] for k, v in t.refunds.items()} == sums.refunds
    assert (t.void_count, t.void_minor) == (sums.void_count, sums.void_minor)
    assert dict(t.taxes) == sums.taxes
    assert {k: v[0] for k, v in t.staff.items()} == sums.staff
    assert (t.cash_in_minor, t.cash_out_minor) == (sums.cash_in_minor, sums.cash_out_minor)
    assert report.expected_cash_minor == sums.expected_cash


def test_a_shift_from_float_to_z_report_adds_up_to_the_cent(shop: Shop) -> None:
    a, b = shop.items[0], shop.items[-1]
    sell(shop, [line(a, 1)], [(PaymentMethod.CASH, 0)])  # before any shift: in none
    with shop.db.session() as session:
        view = open_shift(session, shop.cashier, {1000: 2, 500: 1, 100: 3, 5: 2})
    assert (view.number, view.float_minor) == (1, 2810)

    cash_sale = sell(shop, [line(a, 3), line(b, 1, discount=7)], [(PaymentMethod.CASH, 0)])
    sell(shop, [line(b, 2)], [(PaymentMethod.CARD, 0)])
    sell(shop, [line(a, 1), line(b, 1)], [(PaymentMethod.CARD, 20), (PaymentMethod.CASH, 0)])
    with shop.db.session() as session:
        move_cash(session, shop.cashier, into_drawer=True, amount_minor=500, reason="coins")
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        move_cash(session, shop.cashier, into_drawer=False, amount_minor=300, reason="bank")
    assert refused.value.reason is ShiftProblem.NEEDS_APPROVAL
    with shop.db.session() as session:
        move_cash(
            session, shop.cashier, into_drawer=False, amount_minor=300, reason="bank",
            approved_by=shop.manager,
        )  # fmt: skip
    with shop.db.session() as session:
        void_invoice(
            session, cash_sale, "wrong items", staff_id=shop.cashier, approved_by=shop.manager
        )

    with shop.db.session() as session:
        x = x_report(session)
    assert_report_matches_sql(shop.db, x)
    assert x.totals.sales_count == 3  # not the sale made before the shift
    assert x.totals.void_count == 1
    expected = x.expected_cash_minor

    # The blind count: the cashier learns only how far off the drawer is.
    with shop.db.session() as session:
        outcome = check_count(session, drawer(expected - 30))
    assert (outcome.variance_minor, outcome.needs_manager) == (-30, False)
    with shop.db.session() as session:
        z = close_shift(session, shop.cashier, drawer(expected - 30))
    assert z.closed
    assert (z.counted_minor, z.variance_minor) == (expected - 30, -30)
    assert_report_matches_sql(shop.db, z)
    assert z.totals == x.totals

    # Kept whole, and on its way to the server after the open.
    with shop.db.session() as session:
        assert current_shift(session) is None
        assert shift_report(session, z.shift_id) == z
    ops = [r[0] for r in sql(shop.db, "SELECT op_type FROM outbox ORDER BY device_seq")]
    assert ops.index(SHIFT_OPENED) < ops.index(SHIFT_CLOSED)
    actions = {r[0] for r in sql(shop.db, "SELECT action FROM audit_log")}
    assert {"shift_opened", "cash_in", "cash_out", "shift_closed"} <= actions


def test_a_variance_beyond_the_threshold_closes_only_with_a_manager_and_a_note(
    shop: Shop,
) -> None:
    with shop.db.session() as session:
        open_shift(session, shop.cashier, {1000: 1})
    sell(shop, [line(shop.items[0], 2)], [(PaymentMethod.CASH, 0)])
    with shop.db.session() as session:
        expected = x_report(session).expected_cash_minor
    short = drawer(expected - 500)
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        close_shift(session, shop.cashier, short)
    assert refused.value.reason is ShiftProblem.NEEDS_MANAGER
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        close_shift(session, shop.cashier, short, approved_by=shop.manager)
    assert refused.value.reason is ShiftProblem.NO_REASON
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        close_shift(session, shop.cashier, short, note="lost", approved_by=shop.cashier)
    assert refused.value.reason is ShiftProblem.NEEDS_MANAGER
    assert one(shop.db, "SELECT count(*) FROM shifts WHERE closed_at IS NULL") == 1
    with shop.db.session() as session:
        z = close_shift(session, shop.cashier, short, note="NT$500 note missing",
                        approved_by=shop.manager)  # fmt: skip
    assert (z.variance_minor, z.variance_note) == (-500, "NT$500 note missing")
    assert z.variance_approved_by_name


def test_one_open_shift_per_till_and_counts_that_cannot_be_right(shop: Shop) -> None:
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        x_report(session)
    assert refused.value.reason is ShiftProblem.NO_OPEN_SHIFT
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        open_shift(session, shop.cashier, {300: 1})
    assert refused.value.detail["count_problem"] == "unknown_denomination"
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        open_shift(session, shop.cashier, {100: -1})
    assert refused.value.detail["count_problem"] == "bad_quantity"
    with shop.db.session() as session:
        open_shift(session, shop.cashier, {})
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        open_shift(session, shop.cashier, {100: 1})
    assert refused.value.reason is ShiftProblem.ALREADY_OPEN
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        move_cash(session, shop.cashier, into_drawer=True, amount_minor=100, reason="  ")
    assert refused.value.reason is ShiftProblem.NO_REASON
    with shop.db.session() as session, pytest.raises(ShiftError) as refused:
        move_cash(session, shop.cashier, into_drawer=True, amount_minor=0, reason="x")
    assert refused.value.reason is ShiftProblem.BAD_COUNT
    assert one(shop.db, "SELECT count(*) FROM cash_movements") == 0


def test_report_reads_running_totals_not_the_sales(shop: Shop) -> None:
    """The X report of a shift is what its totals rows say: rows are a handful, whatever
    the number of sales (the bench measures the time; this checks the reading)."""
    with shop.db.session() as session:
        open_shift(session, shop.cashier, {})
    for _ in range(12):
        sell(shop, [line(shop.items[0], 1)], [(PaymentMethod.CASH, 0)])
    rows = one(shop.db, "SELECT count(*) FROM shift_totals")
    sell(shop, [line(shop.items[0], 1)], [(PaymentMethod.CASH, 0)])
    assert one(shop.db, "SELECT count(*) FROM shift_totals") == rows
    with shop.db.session() as session:
        assert x_report(session).totals.sales_count == 13
    stored = sql(shop.db, "SELECT bucket, key, amount_minor, count FROM shift_totals")
    assert ShiftTotals.from_rows(stored).sales_count == 13


def test_the_z_report_on_paper_says_the_same_figures(shop: Shop) -> None:
    from tests.pdf_reading import pdf_text

    from shop_desktop.domain.money import Money, currency
    from shop_desktop.services.documents.shift_report import (
        report_rows,
        shift_report_escpos,
        shift_report_pdf,
    )
    from shop_desktop.services.escpos import CUT

    with shop.db.session() as session:
        open_shift(session, shop.cashier, {1000: 1, 100: 2})
    sell(shop, [line(shop.items[0], 2)], [(PaymentMethod.CASH, 0)])
    sell(shop, [line(shop.items[-1], 1)], [(PaymentMethod.CARD, 0)])
    with shop.db.session() as session:
        x = x_report(session)
        z = close_shift(session, shop.cashier, drawer(x.expected_cash_minor + 40))
    sums = shift_sums(shop.db, z.shift_id.hex)

    def money(minor: int) -> str:
        return Money(minor, currency("TWD")).format()

    text = " ".join(pdf_text(shift_report_pdf(z)).split())
    for figure in (
        f"交易筆數 Number of sales {sums.sales_count}",
        f"銷售總額 Sales {money(sums.sales_minor)}",
        f"現金 Cash (1) {money(sums.tenders['cash'])}",
        f"信用卡 Card (1) {money(sums.tenders['card'])}",
        f"應有現金 Expected cash {money(sums.expected_cash)}",
        f"實點現金 Counted cash {money(sums.expected_cash + 40)}",
        f"差額 Variance {money(40)}",
        *(f"營業稅 VAT {rate // 100}% {money(tax)}" for rate, tax in sums.taxes.items()),
    ):
        assert figure in text
    assert "Z REPORT" in text
    # The mid-shift report never shows what the drawer should hold (the count is blind).
    assert not any("Expected" in row.label for row in report_rows(x))
    roll = shift_report_escpos(z)
    assert roll.endswith(CUT)
    for row in report_rows(z):
        if row.figure:
            assert row.figure.encode("big5", "replace") in roll


def test_parked_carts_and_unpaid_orders_are_listed_at_the_close_and_an_order_paid_counts(
    shop: Shop,
) -> None:
    from tests.services.test_orders import HOME

    from shop_desktop.services.orders import pay_order, take_order
    from shop_desktop.services.parked_carts import park_cart

    station, branch = sql(
        shop.db, "SELECT w.id, w.branch_id FROM device_identity d JOIN workstations w"
        " ON w.id = d.workstation_id",
    )[0]  # fmt: skip
    with shop.db.session() as session:
        open_shift(session, shop.cashier, {})
    waiting = [line(shop.items[0], 1)]
    total = waiting[0].line_total_minor

    def unpaid() -> SaleDraft:
        return SaleDraft(
            order_id=uuid.uuid4(), staff_id=shop.cashier, member_id=None,
            kind=OrderKind.DELIVERY, lines=tuple(waiting), subtotal_minor=total,
            discount_minor=0, tax_minor=waiting[0].tax_minor, delivery_fee_minor=0,
            rounding_minor=0, total_minor=total, payments=(),
        )  # fmt: skip

    kept, paid_later = unpaid(), unpaid()
    with shop.db.session() as session:
        take_order(session, kept, HOME)
        take_order(session, paid_later, HOME)
        park_cart(
            session, cart_id=uuid.uuid4(), branch_id=uuid.UUID(branch),
            workstation_id=uuid.UUID(station), staff_id=shop.cashier, label="桌 3",
            payload={"lines": []}, total_minor=180,
        )  # fmt: skip
    with shop.db.session() as session:
        pay_order(
            session, paid_later.order_id, [DraftPayment(PaymentMethod.CARD, total, reference="A",
                                                        card_last4="1111")],
            staff_id=shop.cashier, batch_id=uuid.uuid4(),
        )  # fmt: skip
    with shop.db.session() as session:
        z = close_shift(session, shop.cashier, drawer(x_report(session).expected_cash_minor))
    # Taken unpaid, then paid: a sale of the shift when its invoice is issued.
    assert (z.totals.sales_count, z.totals.tenders) == (1, {"card": (total, 1)})
    listed = {(o.kind, o.reference, o.total_minor) for o in z.open_orders}
    kept_number = one(shop.db, "SELECT number FROM orders WHERE id = ?", kept.order_id.hex)
    assert listed == {("parked_cart", "桌 3", 180), ("unpaid_order", kept_number, total)}
