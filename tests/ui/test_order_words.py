"""How the Orders place words an order's state and its money, in both languages.

A paid sale whose invoice was voided is "Voided", and its money reads after the
refund rows: "refund owed" while a card refund is still to be made at the
terminal, "refunded" once the cash went back: never "cancelled · paid".
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from pytestqt.qtbot import QtBot
from tests.shop_rows import one
from tests.ui.test_orders_place import draft_of, find, number_of

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.domain.tender import Tender
from shop_desktop.services.checkout import commit_sale
from shop_desktop.services.orders import void_invoice
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.orders.models import PAID, STATUS
from shop_desktop.ui.places.orders import OrdersPlace

WAIT_MS = 20_000


def voided_sale(db: Database, staff_id: uuid.UUID, method: PaymentMethod) -> uuid.UUID:
    """A take-away sale paid whole by ``method``, then voided with a manager's approval."""
    draft = draft_of(db, staff_id, OrderKind.TAKE_AWAY, paid=True)
    total = draft.total_minor
    if method is PaymentMethod.CARD:
        paid = Tender(PaymentMethod.CARD, total, reference="A1B2C3", card_last4="4242")
    else:
        paid = Tender(PaymentMethod.CASH, total, total)
    with db.session() as session:
        order_id = commit_sale(session, dataclasses.replace(draft, payments=(paid,))).order_id
    with db.session() as session:
        void_invoice(session, order_id, "客人退貨", staff_id=staff_id, approved_by=staff_id)
    return order_id


@pytest.fixture
def orders(qtbot: QtBot, staff_context: object) -> OrdersPlace:
    context: ShopContext = staff_context("manager")  # type: ignore[operator]
    place = OrdersPlace(context)
    qtbot.addWidget(place)
    place.resize(1400, 900)
    place.show()
    qtbot.waitExposed(place)
    qtbot.waitUntil(lambda: place.model.rowCount() > 0, timeout=WAIT_MS)
    return place


def row_words(place: OrdersPlace) -> tuple[str, str]:
    model = place.model
    return (model.index(0, STATUS).data(), model.index(0, PAID).data())


@pytest.mark.parametrize(
    ("method", "refund_row", "english", "chinese"),
    [
        (PaymentMethod.CARD, "owed", ("Voided", "Refund owed", "refund owed"), ("作廢", "待退款")),
        (PaymentMethod.CASH, "done", ("Voided", "Refunded", "refunded"), ("作廢", "已退款")),
    ],
    ids=["card-refund-owed", "cash-refunded"],
)
def test_a_voided_sale_says_where_the_money_is(
    qtbot: QtBot,
    orders: OrdersPlace,
    method: PaymentMethod,
    refund_row: str,
    english: tuple[str, str, str],
    chinese: tuple[str, str],
) -> None:
    context = orders.context
    db = context.database
    order_id = voided_sale(db, context.staff.staff_id, method)
    assert one(db, "SELECT status FROM refunds WHERE order_id = ?", order_id.hex) == refund_row
    find(qtbot, orders, number_of(db, order_id))

    status, money = english[0], english[1]
    assert row_words(orders) == (status, money)
    heading = orders.detail.heading.text()
    assert f"· {status} · {english[2]}" in heading
    assert "Cancelled" not in heading
    assert "paid" not in heading.replace("unpaid", "")

    i18n.switch_language(i18n.ZH_TW)
    qtbot.waitUntil(lambda: row_words(orders) == chinese, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: chinese[0] in orders.detail.heading.text(), timeout=WAIT_MS)


def test_a_paid_sale_is_paid_with_its_invoice(qtbot: QtBot, orders: OrdersPlace) -> None:
    context = orders.context
    db = context.database
    draft = draft_of(db, context.staff.staff_id, OrderKind.TAKE_AWAY, paid=True)
    with db.session() as session:
        order_id = commit_sale(session, draft).order_id
    find(qtbot, orders, number_of(db, order_id))
    assert row_words(orders) == ("Completed", "Paid")
    invoice = one(db, "SELECT invoice_no FROM orders WHERE id = ?", order_id.hex)
    assert orders.detail.heading.text().endswith(f"· Completed · paid, invoice {invoice}")
