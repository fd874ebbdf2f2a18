"""Selling below zero stock: allowed by default, refused when a manager turns it off.

Everything runs on a copy of the demo shop's real database. Each test sets
a product's on-hand itself (a server snapshot, every earlier local movement
of it marked as confirmed) and reads the outcome back with plain SQL, so
the expected figures come from the test's own arithmetic, not from the
code under test.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update
from tests.shop_rows import Item, demo_items, half_up, one, sql

from shop_desktop.data.catalog import product_rows
from shop_desktop.data.db import Database
from shop_desktop.data.models import (
    OrderKind,
    PaymentMethod,
    StockLevel,
    StockMovement,
    StockReason,
)
from shop_desktop.services.auth import StaffSession, log_in
from shop_desktop.services.checkout import (
    CheckoutError,
    CheckoutProblem,
    CommittedSale,
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.orders import DeliveryDetails, cancel_order, take_order
from shop_desktop.services.stock import (
    ALLOW_NEGATIVE_KEY,
    StockSettingRefused,
    allow_negative_stock,
    set_allow_negative_stock,
    shortfalls,
)

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
MILLI = 1000
WRITTEN = ("orders", "order_lines", "payments", "stock_movements", "outbox", "audit_log")


@dataclass(frozen=True)
class Shop:
    db: Database
    branch: uuid.UUID
    manager: StaffSession
    cashier: StaffSession
    pieces: list[Item]
    weighed: Item


@pytest.fixture
def shop(demo_db: Database) -> Shop:
    with demo_db.session() as session:
        manager = log_in(session, "manager", "manager")
        cashier = log_in(session, "cashier", "cashier")
    return Shop(
        db=demo_db,
        branch=manager.branch_id,
        manager=manager,
        cashier=cashier,
        pieces=demo_items(demo_db, weighed=False, limit=3),
        weighed=demo_items(demo_db, weighed=True, limit=3)[0],
    )


def on_hand_is(shop: Shop, item: Item, milli: int) -> None:
    """The server's snapshot says ``milli``, and it already counts every local movement."""
    with shop.db.session() as session:
        session.execute(
            update(StockMovement)
            .where(StockMovement.product_id == item.id, StockMovement.branch_id == shop.branch)
            .values(synced=True)
        )
        session.merge(StockLevel(branch_id=shop.branch, product_id=item.id, on_hand_milli=milli))


def on_hand(shop: Shop, item: Item) -> int:
    """Snapshot plus unconfirmed local movements, computed here in plain SQL."""
    level = sql(
        shop.db,
        "SELECT on_hand_milli FROM stock_levels WHERE branch_id = ? AND product_id = ?",
        shop.branch.hex,
        item.id.hex,
    )
    moved = one(
        shop.db,
        "SELECT coalesce(sum(qty_delta_milli), 0) FROM stock_movements"
        " WHERE branch_id = ? AND product_id = ? AND synced = 0",
        shop.branch.hex,
        item.id.hex,
    )
    return int(level[0][0] if level else 0) + int(moved)


def turn(shop: Shop, allowed: bool) -> None:
    with shop.db.session() as session:
        set_allow_negative_stock(session, allowed, shop.manager)


def line(item: Item, qty_milli: int) -> DraftLine:
    gross = half_up(qty_milli * item.price, MILLI)
    return DraftLine(
        product_id=item.id,
        sku=item.sku,
        name_zh=item.name_zh,
        name_en=item.name_en,
        qty_milli=qty_milli,
        unit_price_minor=item.price,
        discount_minor=0,
        tax_rate_bp=item.rate,
        tax_minor=half_up(gross * item.rate, 10_000 + item.rate),
        line_total_minor=gross,
        promotions=[],
    )


def draft(
    shop: Shop, lines: list[DraftLine], *, kind: OrderKind = OrderKind.TAKE_AWAY, paid: bool = True
) -> SaleDraft:
    total = sum(x.line_total_minor for x in lines)
    return SaleDraft(
        order_id=uuid.uuid4(),
        staff_id=shop.cashier.staff_id,
        member_id=None,
        kind=kind,
        lines=tuple(lines),
        subtotal_minor=total,
        discount_minor=0,
        tax_minor=sum(x.tax_minor for x in lines),
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=total,
        payments=(DraftPayment(PaymentMethod.CASH, total),) if paid else (),
    )


def sell(shop: Shop, sale: SaleDraft) -> CommittedSale:
    with shop.db.session() as session:
        return commit_sale(session, sale, now=NOW)


def refused(shop: Shop, sale: SaleDraft) -> list[dict[str, Any]]:
    """Commit ``sale`` expecting OUT_OF_STOCK with nothing written; returns the products named."""
    before = {t: one(shop.db, f"SELECT count(*) FROM {t}") for t in WRITTEN}
    counters = sql(shop.db, "SELECT next_invoice_no, next_device_seq FROM device_identity")
    with pytest.raises(CheckoutError) as caught:
        sell(shop, sale)
    assert caught.value.reason is CheckoutProblem.OUT_OF_STOCK
    assert {t: one(shop.db, f"SELECT count(*) FROM {t}") for t in WRITTEN} == before
    assert sql(shop.db, "SELECT next_invoice_no, next_device_seq FROM device_identity") == counters
    products: list[dict[str, Any]] = caught.value.detail["products"]
    return products


# --- the setting ---------------------------------------------------------------


def test_selling_below_zero_is_allowed_until_a_manager_turns_it_off(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 1 * MILLI)
    with shop.db.session() as session:
        assert allow_negative_stock(session) is True
    sale = sell(shop, draft(shop, [line(item, 3 * MILLI)]))
    assert not sale.repeated
    assert on_hand(shop, item) == -2 * MILLI

    turn(shop, False)
    with shop.db.session() as session:
        assert allow_negative_stock(session) is False
    assert refused(shop, draft(shop, [line(item, 1 * MILLI)]))


def test_a_manager_change_is_audited_and_a_cashier_cannot_change_it(shop: Shop) -> None:
    audits = "SELECT count(*) FROM audit_log WHERE action = 'setting_changed'"
    turn(shop, False)
    turn(shop, False)  # no change: no second row
    assert one(shop.db, audits) == 1
    staff_id, entity_id, details = sql(
        shop.db, "SELECT staff_id, entity_id, details FROM audit_log ORDER BY id DESC LIMIT 1"
    )[0]
    assert uuid.UUID(staff_id) == shop.manager.staff_id
    assert entity_id == ALLOW_NEGATIVE_KEY
    assert '"to": false' in details
    stored = "SELECT value FROM local_state WHERE key = ?"
    assert one(shop.db, stored, ALLOW_NEGATIVE_KEY) == '{"value": false}'

    with pytest.raises(StockSettingRefused), shop.db.session() as session:
        set_allow_negative_stock(session, True, shop.cashier)
    assert one(shop.db, audits) == 1
    assert one(shop.db, stored, ALLOW_NEGATIVE_KEY) == '{"value": false}'


# --- refusals -------------------------------------------------------------------


def test_a_refused_sale_writes_nothing_and_can_be_sold_once_allowed(shop: Shop) -> None:
    short, plenty = shop.pieces[0], shop.pieces[1]
    on_hand_is(shop, short, 1 * MILLI)
    on_hand_is(shop, plenty, 50 * MILLI)
    turn(shop, False)
    sale = draft(shop, [line(plenty, 2 * MILLI), line(short, 2 * MILLI)])
    (named,) = refused(shop, sale)
    assert named["product_id"] == str(short.id)
    assert (named["name_zh"], named["name_en"], named["sku"]) == (
        short.name_zh,
        short.name_en,
        short.sku,
    )
    assert (named["on_hand_milli"], named["wanted_milli"]) == (1 * MILLI, 2 * MILLI)
    assert on_hand(shop, short) == 1 * MILLI

    # The same draft (same order id) was not used up by the refusal.
    turn(shop, True)
    committed = sell(shop, sale)
    assert not committed.repeated
    assert on_hand(shop, short) == -1 * MILLI
    assert on_hand(shop, plenty) == 48 * MILLI


def test_exactly_the_last_piece_sells_and_then_none(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 2 * MILLI)
    turn(shop, False)
    sell(shop, draft(shop, [line(item, 2 * MILLI)]))
    assert on_hand(shop, item) == 0
    (named,) = refused(shop, draft(shop, [line(item, 1 * MILLI)]))
    assert named["on_hand_milli"] == 0


def test_lines_of_one_product_count_together(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 3 * MILLI)
    turn(shop, False)
    (named,) = refused(shop, draft(shop, [line(item, 2 * MILLI), line(item, 2 * MILLI)]))
    assert named["wanted_milli"] == 4 * MILLI
    sell(shop, draft(shop, [line(item, 2 * MILLI), line(item, 1 * MILLI)]))
    assert on_hand(shop, item) == 0


def test_unsynced_local_movements_count_and_confirmed_ones_do_not(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 5 * MILLI)
    with shop.db.session() as session:
        # Already inside the snapshot: must not be counted again.
        session.add(
            StockMovement(
                branch_id=shop.branch,
                product_id=item.id,
                qty_delta_milli=-3 * MILLI,
                reason=StockReason.ADJUSTMENT,
                synced=True,
            )
        )
        # Sold here, not yet confirmed by the server: counts.
        session.add(
            StockMovement(
                branch_id=shop.branch,
                product_id=item.id,
                qty_delta_milli=-4 * MILLI,
                reason=StockReason.SALE,
                synced=False,
            )
        )
    turn(shop, False)
    (named,) = refused(shop, draft(shop, [line(item, 2 * MILLI)]))
    assert named["on_hand_milli"] == 1 * MILLI
    sell(shop, draft(shop, [line(item, 1 * MILLI)]))
    assert on_hand(shop, item) == 0


def test_weighed_goods_count_in_grams(shop: Shop) -> None:
    item = shop.weighed
    on_hand_is(shop, item, 1_000)
    turn(shop, False)
    (named,) = refused(shop, draft(shop, [line(item, 1_250)]))
    assert (named["on_hand_milli"], named["wanted_milli"], named["weighed"]) == (1_000, 1_250, True)
    sell(shop, draft(shop, [line(item, 1_000)]))
    assert on_hand(shop, item) == 0
    refused(shop, draft(shop, [line(item, 10)]))


def test_shortfalls_use_the_on_hand_the_counter_shows(shop: Shop) -> None:
    item = shop.pieces[2]
    with shop.db.session() as session:
        shown = product_rows(session, [item.id], shop.branch)[item.id].on_hand_milli
        (short,) = shortfalls(session, [line(item, shown + 1)], shop.branch)
        assert short.on_hand_milli == shown
        assert shortfalls(session, [line(item, shown)], shop.branch) == []
    assert shown == on_hand(shop, item)


def test_two_tabs_cannot_both_sell_the_last_piece(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 1 * MILLI)
    turn(shop, False)
    barrier = threading.Barrier(2)
    sold: list[CommittedSale] = []
    refusals: list[CheckoutError] = []
    errors: list[BaseException] = []

    def tab() -> None:
        try:
            barrier.wait()
            sold.append(sell(shop, draft(shop, [line(item, 1 * MILLI)])))
        except CheckoutError as exc:
            refusals.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sold) == 1
    assert [r.reason for r in refusals] == [CheckoutProblem.OUT_OF_STOCK]
    assert on_hand(shop, item) == 0


# --- orders taken for later, and cancellations -----------------------------------


def test_an_order_is_refused_too_but_its_cancellation_never_is(shop: Shop) -> None:
    item = shop.pieces[0]
    on_hand_is(shop, item, 1 * MILLI)
    home = DeliveryDetails("林小姐", "0912-345-678", "台北市大安區復興南路一段 1 號")
    taken = draft(shop, [line(item, 3 * MILLI)], kind=OrderKind.DELIVERY, paid=False)
    with shop.db.session() as session:
        take_order(session, taken, home, now=NOW)
    assert on_hand(shop, item) == -2 * MILLI

    turn(shop, False)
    later = draft(shop, [line(item, 1 * MILLI)], kind=OrderKind.DELIVERY, paid=False)
    with pytest.raises(CheckoutError) as caught, shop.db.session() as session:
        take_order(session, later, home, now=NOW)
    assert caught.value.reason is CheckoutProblem.OUT_OF_STOCK
    assert one(shop.db, "SELECT count(*) FROM orders WHERE id = ?", later.order_id.hex) == 0

    # Putting stock back is never blocked, even while on-hand is below zero.
    with shop.db.session() as session:
        cancel_order(
            session, taken.order_id, "customer changed their mind", staff_id=shop.cashier.staff_id
        )
    assert on_hand(shop, item) == 1 * MILLI
