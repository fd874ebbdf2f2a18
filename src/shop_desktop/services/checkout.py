"""Committing a sale: everything about it in one transaction, or nothing.

A sale the customer walked out with must survive a crash or a power cut,
and a retry must never sell twice (SYNC.md). :func:`commit_sale` therefore
writes the order, its lines and payments, the stock it took, the coupons
and store credit it used, the invoice number and the outbox entry for the
server together, in the caller's transaction, and it checks everything
*before* writing anything, so a refused sale leaves no trace.

How to call it -- the caller owns the transaction, and the sale is confirmed
only when it commits::

    with db.session() as session:        # BEGIN; COMMIT when the block ends
        sale = commit_sale(session, draft)
    show_receipt(sale)                   # only now: the sale is on disk

Call it first in a fresh session. Its first statement takes SQLite's write
lock (a no-op update of the device counters, ``services.outbox``), so two
callers on one file -- two threads, or a till restarted after a crash racing
its own retry -- run one after the other, and the second one sees the first
one's order.
If it raises, the caller's block rolls back (``Database.session`` does); a
:class:`CheckoutError` is raised before anything was changed at all.

The order id is made by the till when the cart starts; committing the same
id again returns the first result with ``repeated=True`` and writes nothing.
Invoice numbers come from this workstation's series, bumped in the same
transaction, so they never repeat or skip.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    Base,
    CouponRedemption,
    Member,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PointsEntry,
    Product,
    StockMovement,
    StockReason,
    StoreCreditEntry,
    Workstation,
    table_of,
)
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.domain.money import MILLI, line_gross_minor, tax_in_gross_bp, tax_on_net_bp
from shop_desktop.domain.money import currency as currency_by_code
from shop_desktop.domain.permissions import Permission
from shop_desktop.domain.points import POINTS_EARNED, points_earned
from shop_desktop.domain.tender import (
    Tender,
    TenderProblem,
    TenderRefused,
    check_credit_balance,
    check_unpaid,
    settle,
)
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.coupons import (
    CouponNotUsable,
    CouponProblem,
    CouponRecord,
    find_coupon,
    normalize_code,
)
from shop_desktop.services.outbox import DeviceCounters, bump_counters, lock_counters, write_op
from shop_desktop.services.rights import require_staff
from shop_desktop.services.shifts import add_to_open_shift, sale_deltas_of
from shop_desktop.services.stock import allow_negative_stock, shortfalls
from shop_desktop.services.store_credit import store_credit_balance
from shop_shared.ops import ORDER_COMPLETED

__all__ = [
    "CheckoutError",
    "CheckoutProblem",
    "CommittedSale",
    "DraftLine",
    "DraftPayment",
    "OrderTaking",
    "SaleDraft",
    "check_store_credit",
    "check_tender",
    "commit_order",
    "commit_sale",
    "order_payload",
]


# --- what the counter hands over -------------------------------------------


@dataclass(frozen=True)
class DraftLine:
    """A line exactly as billed: the names and prices are copied into the order."""

    product_id: uuid.UUID | None
    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    unit_price_minor: int
    #: Everything off this line (promotions, coupons, staff discount).
    discount_minor: int
    tax_rate_bp: int
    #: Tax contained in (inclusive) or added to (exclusive) the line.
    tax_minor: int
    #: What the customer pays for the line: gross - discount (+ tax if exclusive).
    line_total_minor: int
    #: The discounts applied, with their reasons, as shown on the receipt.
    promotions: list[dict[str, Any]]
    note: str = ""


#: A payment as the counter hands it over: the tender rules' own :class:`Tender`.
DraftPayment = Tender


@dataclass(frozen=True)
class SaleDraft:
    #: Made by the till; committing the same id twice returns the first result.
    order_id: uuid.UUID
    staff_id: uuid.UUID
    member_id: uuid.UUID | None
    #: TAKE_AWAY through :func:`commit_sale`; the other kinds through
    #: ``services.orders.take_order`` (:func:`commit_order`).
    kind: OrderKind
    lines: tuple[DraftLine, ...]
    subtotal_minor: int
    discount_minor: int
    tax_minor: int
    delivery_fee_minor: int
    rounding_minor: int
    total_minor: int
    payments: tuple[DraftPayment, ...]
    coupon_codes: tuple[str, ...] = ()
    #: The bill as priced (``Bill.to_json()``), kept with the order.
    pricing: dict[str, Any] = field(default_factory=dict)
    buyer_tax_id: str = ""
    note: str = ""
    #: The supervisor or manager who approved an override on this sale.
    approved_by: uuid.UUID | None = None
    #: The deepest staff discount on any line (basis points of its catalog value):
    #: beyond the cashier's limit, ``approved_by`` must be allowed it (``services.rights``).
    manual_discount_bp: int = 0


@dataclass(frozen=True)
class CommittedSale:
    order_id: uuid.UUID
    number: str
    #: "" while the order is not paid: the invoice is issued when it is.
    invoice_no: str
    device_seq: int
    #: Cash to hand back.
    change_minor: int
    #: True when the order was already committed (a retry): nothing was written.
    repeated: bool


class CheckoutProblem(Enum):
    EMPTY = "empty"
    TOTALS_MISMATCH = "totals_mismatch"
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid"
    TENDER_BELOW_AMOUNT = "tender_below_amount"
    COUPON_USED = "coupon_used"
    COUPON_UNKNOWN = "coupon_unknown"
    STORE_CREDIT_SHORT = "store_credit_short"
    STORE_CREDIT_NEEDS_MEMBER = "store_credit_needs_member"
    BAD_CARD_DIGITS = "bad_card_digits"
    BAD_QUANTITY = "bad_quantity"
    #: Selling below zero is turned off here and the cart wants more than is on hand.
    OUT_OF_STOCK = "out_of_stock"


class CheckoutError(Exception):
    """The sale cannot be committed as it stands; nothing was written.

    ``reason`` says why; ``detail`` carries what the counter needs to say it:
    ``{"missing": 120}`` (UNDERPAID, STORE_CREDIT_SHORT, TENDER_BELOW_AMOUNT),
    ``{"excess": 20}`` (OVERPAID), ``{"coupon": "ABC", "coupon_problem":
    "expired"}`` (the coupon reasons), ``{"line": 2}`` / ``{"payment": 0}``
    for the line or payment concerned, ``{"field": ..., "expected": ...,
    "got": ...}`` for a total that does not add up, ``{"products": [...]}``
    (OUT_OF_STOCK: each ``services.stock.Shortfall.to_json()``).
    """

    def __init__(self, reason: CheckoutProblem, detail: Mapping[str, Any] | None = None) -> None:
        self.reason = reason
        self.detail: dict[str, Any] = dict(detail or {})
        super().__init__(reason.value, self.detail)


# --- committing ---------------------------------------------------------------
#
# commit_sale writes with SQLAlchemy Core on the session's connection, not
# with ORM objects and a flush: a 20-line sale is some 50 rows, and building,
# tracking and flushing them as ORM objects cost several times what SQLite
# needs to store them. The statements use the models' Table objects, so
# every value goes through the same column types (Uuid, UTCDateTime, JSON,
# the enums) as an ORM insert would, and the rows are the same.


_PRODUCTS = table_of(Product)
_ORDERS = table_of(Order)
_LINES = table_of(OrderLine)
_PAYMENTS = table_of(Payment)
_MOVEMENTS = table_of(StockMovement)
_REDEMPTIONS = table_of(CouponRedemption)
_CREDITS = table_of(StoreCreditEntry)
_POINTS = table_of(PointsEntry)
_MEMBERS = table_of(Member)

# Built once: SQLAlchemy then finds their compiled form in its cache at once.
_EARLIER_ORDER = select(_ORDERS.c.number, _ORDERS.c.invoice_no, _ORDERS.c.device_seq).where(
    _ORDERS.c.id == bindparam("order_id")
)
_EARLIER_CHANGE = select(func.coalesce(func.sum(_PAYMENTS.c.change_minor), 0)).where(
    _PAYMENTS.c.order_id == bindparam("order_id")
)
_WEIGHED = select(_PRODUCTS.c.id, _PRODUCTS.c.weighed).where(
    _PRODUCTS.c.id.in_(bindparam("ids", expanding=True))
)
_INSERT_ORDER = insert(_ORDERS)
_INSERT_LINES = insert(_LINES)
_INSERT_PAYMENTS = insert(_PAYMENTS)
_INSERT_MOVEMENTS = insert(_MOVEMENTS)
_INSERT_REDEMPTIONS = insert(_REDEMPTIONS)
_INSERT_CREDITS = insert(_CREDITS)
_INSERT_POINTS = insert(_POINTS)
_ADD_POINTS = (
    update(_MEMBERS)
    .where(_MEMBERS.c.id == bindparam("member"))
    .values(points=_MEMBERS.c.points + bindparam("delta"))
)


@dataclass(frozen=True)
class OrderTaking:
    """How an order that is not take-away is written (``services.orders.take_order``).

    Such an order is numbered from the device sequence (``<prefix>-O00000042``),
    not from the invoice series: Taiwan issues the invoice when the order is
    paid, so an unpaid order gets its invoice number only then, and a paid-now
    one gets it at once.
    """

    #: AWAITING_FULFILMENT (paid now) or AWAITING_PAYMENT (no payments at all).
    status: OrderStatus
    #: The outbox operation it becomes.
    op_type: str
    #: Added to the outbox payload (delivery details, the first event).
    payload_extra: Mapping[str, Any] = field(default_factory=dict)


def commit_sale(
    session: Session, draft: SaleDraft, *, now: datetime | None = None
) -> CommittedSale:
    """Write the sale and everything it changes, in the caller's transaction.

    Raises :class:`CheckoutError` (nothing written) when the draft is not a
    sale that adds up and can be paid as given; see the module docstring
    for how to call it. Take-away only: other kinds are taken by
    ``services.orders.take_order``.
    """
    return _commit(session, draft, None, now=now)


def commit_order(
    session: Session,
    draft: SaleDraft,
    taking: OrderTaking,
    *,
    now: datetime | None = None,
) -> CommittedSale:
    """Write an order that is not take-away, as :func:`commit_sale` writes a sale.

    The same checks, the same rows (stock is taken now), in the caller's
    transaction; idempotent by order id. An unpaid order (``taking.status``
    AWAITING_PAYMENT) must come with no payments and gets no invoice number.
    """
    if draft.kind is OrderKind.TAKE_AWAY:
        raise ValueError("take-away sales are committed by commit_sale")
    return _commit(session, draft, taking, now=now)


def _commit(
    session: Session,
    draft: SaleDraft,
    taking: OrderTaking | None,
    *,
    now: datetime | None,
) -> CommittedSale:
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError("commit_sale needs an aware time (utcnow())")
    # Whatever the caller left pending goes in first, as the ORM's autoflush
    # would have done; in a fresh session (the rule) this does nothing.
    if session.autoflush:
        session.flush()
    conn = session.connection()
    counters = lock_counters(conn)
    earlier = _committed(conn, draft.order_id)
    if earlier is not None:
        return earlier
    if taking is None and draft.kind is not OrderKind.TAKE_AWAY:
        raise ValueError(f"only take-away sales are committed here, not {draft.kind.value}")
    paid_now = taking is None or taking.status is not OrderStatus.AWAITING_PAYMENT

    _check_quantities(conn, draft)
    _check_figures(draft)
    if draft.manual_discount_bp:
        require_staff(
            session,
            draft.staff_id,
            Permission.DISCOUNT,
            approved_by=draft.approved_by,
            depth_bp=draft.manual_discount_bp,
        )
    changes = _tender(draft, paid_now=paid_now)
    coupons = _check_coupons(session, draft, now)
    check_store_credit(session, draft.payments, draft.member_id)

    if counters.station_id is None:
        # Cannot happen with foreign keys on; fail as a lookup of it would.
        session.get_one(Workstation, counters.workstation_id)
    _check_stock(session, draft, counters.branch_id)
    invoice_seq = counters.next_invoice_no
    invoice_no = f"{counters.invoice_prefix}-{invoice_seq:08d}" if paid_now else None
    # The order and its outbox entry share the device's next sequence number.
    seq = counters.next_device_seq
    number = invoice_no if taking is None else f"{counters.invoice_prefix}-O{seq:08d}"
    assert number is not None
    rows = _sale_rows(
        draft,
        counters,
        coupons,
        number=number,
        invoice_no=invoice_no,
        status=OrderStatus.COMPLETED if taking is None else taking.status,
        device_seq=seq,
        changes=changes,
        now=now,
    )
    # The order first: the rows below point at it and SQLite checks each
    # foreign key as the row goes in. A list of rows is one executemany.
    conn.execute(_INSERT_ORDER, rows.order)
    conn.execute(_INSERT_LINES, rows.lines)
    if rows.payments:
        conn.execute(_INSERT_PAYMENTS, rows.payments)
    if rows.movements:
        conn.execute(_INSERT_MOVEMENTS, rows.movements)
    if rows.redemptions:
        conn.execute(_INSERT_REDEMPTIONS, rows.redemptions)
    if rows.credits:
        conn.execute(_INSERT_CREDITS, rows.credits)
    _write_points(conn, rows.points)
    if paid_now:
        # The open shift's running totals, in the sale's own transaction (issue 13).
        add_to_open_shift(conn, counters.workstation_id, sale_deltas_of(draft))
    if draft.approved_by is not None:
        record_audit(
            conn,
            AuditFacts(
                at=now,
                staff_id=draft.approved_by,
                workstation_id=counters.station_id,
                action="override_approved",
                entity="order",
                entity_id=str(draft.order_id),
                details={"number": number, "cashier_id": str(draft.staff_id)},
            ),
        )
    write_op(
        conn,
        counters,
        ORDER_COMPLETED if taking is None else taking.op_type,
        _payload(rows) | dict(taking.payload_extra if taking else {}),
        device_seq=seq,
        now=now,
    )
    bump_counters(
        session,
        counters,
        device_seq=seq + 1,
        invoice_no=invoice_seq + 1 if paid_now else invoice_seq,
    )
    return CommittedSale(
        order_id=draft.order_id,
        number=number,
        invoice_no=invoice_no or "",
        device_seq=seq,
        change_minor=sum(changes),
        repeated=False,
    )


@dataclass(frozen=True)
class _SaleRows:
    """Every row the sale writes, as column values (the keys are column names)."""

    order: dict[str, Any]
    lines: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    movements: list[dict[str, Any]]
    #: With the code the customer handed over, for the outbox.
    redemptions: list[dict[str, Any]]
    codes: list[str]
    credits: list[dict[str, Any]]
    #: Points the member earns on the sale (one ``earn`` entry, or none).
    points: list[dict[str, Any]] = field(default_factory=list)


def _sale_rows(
    draft: SaleDraft,
    counters: DeviceCounters,
    coupons: Sequence[CouponRecord],
    *,
    number: str,
    invoice_no: str | None,
    status: OrderStatus,
    device_seq: int,
    changes: Sequence[int],
    now: datetime,
) -> _SaleRows:
    """The order with its lines and payments, copied from the draft as sold,
    and what it takes from the shelf, the coupons and the member's store credit."""
    order_id = draft.order_id
    order = {
        "id": order_id,
        "number": number,
        "branch_id": counters.branch_id,
        "workstation_id": counters.station_id,
        "staff_id": draft.staff_id,
        "member_id": draft.member_id,
        "kind": draft.kind,
        "status": status,
        "currency_code": counters.currency_code,
        "subtotal_minor": draft.subtotal_minor,
        "discount_minor": draft.discount_minor,
        "tax_minor": draft.tax_minor,
        "delivery_fee_minor": draft.delivery_fee_minor,
        "rounding_minor": draft.rounding_minor,
        "total_minor": draft.total_minor,
        "invoice_no": invoice_no,
        "buyer_tax_id": draft.buyer_tax_id,
        "note": draft.note,
        "created_at": now,
        "completed_at": now if status is OrderStatus.COMPLETED else None,
        "device_seq": device_seq,
        "pricing": dict(draft.pricing),
        "approved_by": draft.approved_by,
    }
    lines = [
        {
            "id": new_id(),
            "order_id": order_id,
            "line_no": n,
            "product_id": line.product_id,
            "sku": line.sku,
            "name_zh": line.name_zh,
            "name_en": line.name_en,
            "qty_milli": line.qty_milli,
            "unit_price_minor": line.unit_price_minor,
            "discount_minor": line.discount_minor,
            "tax_rate_bp": line.tax_rate_bp,
            "tax_minor": line.tax_minor,
            "line_total_minor": line.line_total_minor,
            "promotions": list(line.promotions),
            "note": line.note,
        }
        for n, line in enumerate(draft.lines, start=1)
    ]
    payments = [
        {
            "id": new_id(),
            "order_id": order_id,
            "method": p.method,
            "amount_minor": p.amount_minor,
            "tendered_minor": (
                (p.amount_minor if p.tendered_minor is None else p.tendered_minor)
                if p.method is PaymentMethod.CASH
                else None
            ),
            "change_minor": change,
            "reference": p.reference,
            "card_last4": p.card_last4,
            "created_at": now,
        }
        for p, change in zip(draft.payments, changes, strict=True)
    ]
    movements = [
        {
            "id": new_id(),
            "branch_id": counters.branch_id,
            "product_id": line.product_id,
            "qty_delta_milli": -line.qty_milli,
            "reason": StockReason.SALE,
            "order_id": order_id,
            "staff_id": draft.staff_id,
            "note": "",
            "created_at": now,
            "synced": False,
        }
        for line in draft.lines
        if line.product_id is not None
    ]
    redemptions = [
        {
            "id": new_id(),
            "coupon_id": coupon.id,
            "order_id": order_id,
            "workstation_id": counters.station_id,
            "redeemed_at": now,
        }
        for coupon in coupons
    ]
    credits = [
        {
            "id": new_id(),
            "member_id": draft.member_id,
            "amount_minor": -p.amount_minor,
            "order_id": order_id,
            "reason": "sale",
            "created_at": now,
        }
        for p in draft.payments
        if p.method is PaymentMethod.STORE_CREDIT
    ]
    return _SaleRows(
        order=order,
        lines=lines,
        payments=payments,
        movements=movements,
        redemptions=redemptions,
        codes=[coupon.code for coupon in coupons],
        credits=credits,
        points=_earned_points(draft, counters.currency_code, now),
    )


def _write_points(conn: Connection, points: list[dict[str, Any]]) -> None:
    """The points ledger entries, and the member's cached balance with them."""
    if not points:
        return
    conn.execute(_INSERT_POINTS, points)
    for entry in points:
        conn.execute(_ADD_POINTS, {"member": entry["member_id"], "delta": entry["delta"]})


def _earned_points(draft: SaleDraft, currency_code: str, now: datetime) -> list[dict[str, Any]]:
    """The member's ``earn`` entry for the sale (the shop's rule in ``domain.points``)."""
    if draft.member_id is None:
        return []
    earned = points_earned(draft.total_minor, currency_by_code(currency_code).exponent)
    if earned <= 0:
        return []
    return [
        {
            "id": new_id(),
            "member_id": draft.member_id,
            "order_id": draft.order_id,
            "delta": earned,
            "reason": POINTS_EARNED,
            "created_at": now,
        }
    ]


def _committed(conn: Connection, order_id: uuid.UUID) -> CommittedSale | None:
    row = conn.execute(_EARLIER_ORDER, {"order_id": order_id}).first()
    if row is None:
        return None
    change = conn.execute(_EARLIER_CHANGE, {"order_id": order_id}).scalar()
    return CommittedSale(
        order_id=order_id,
        number=row.number,
        invoice_no=row.invoice_no or "",
        device_seq=row.device_seq or 0,
        change_minor=int(change or 0),
        repeated=True,
    )


# --- the checks, all before anything is written --------------------------------


def _mismatch(**detail: Any) -> CheckoutError:
    return CheckoutError(CheckoutProblem.TOTALS_MISMATCH, detail)


def _check_quantities(conn: Connection, draft: SaleDraft) -> None:
    """Something to sell, in quantities that exist: whole pieces unless weighed."""
    if not draft.lines:
        raise CheckoutError(CheckoutProblem.EMPTY)
    product_ids = {line.product_id for line in draft.lines if line.product_id is not None}
    weighed: dict[uuid.UUID, bool] = (
        {row.id: row.weighed for row in conn.execute(_WEIGHED, {"ids": list(product_ids)})}
        if product_ids
        else {}
    )
    for i, line in enumerate(draft.lines):
        piece_goods = line.product_id is not None and not weighed.get(line.product_id, False)
        if line.qty_milli <= 0 or (piece_goods and line.qty_milli % MILLI):
            raise CheckoutError(
                CheckoutProblem.BAD_QUANTITY, {"line": i, "qty_milli": line.qty_milli}
            )


def _check_stock(session: Session, draft: SaleDraft, branch_id: uuid.UUID | None) -> None:
    """Enough on hand for every line, unless this till may sell below zero (the default).

    Read under the write lock taken first, so two tabs or a retry cannot
    both sell the last piece. Weighed goods count in milli units like pieces.
    """
    if branch_id is None or allow_negative_stock(session):
        return
    short = shortfalls(session, draft.lines, branch_id)
    if short:
        raise CheckoutError(
            CheckoutProblem.OUT_OF_STOCK, {"products": [s.to_json() for s in short]}
        )


def _check_figures(draft: SaleDraft) -> None:
    """Every figure of the bill adding up to the cent.

    A line does not say whether its tax was inside the price or added on
    top, but its figures do: line_total == net means inclusive (the tax is
    the part of net), line_total == net + tax means exclusive. The tax must
    then be what the rate gives, rounded half up, as the pricing engine and
    the invoice compute it.
    """
    gross_sum = discount_sum = tax_sum = total_sum = 0
    for i, line in enumerate(draft.lines):
        if line.unit_price_minor < 0 or line.tax_rate_bp < 0 or line.tax_minor < 0:
            raise _mismatch(line=i)
        gross = line_gross_minor(line.qty_milli, line.unit_price_minor)
        if not 0 <= line.discount_minor <= gross:
            raise _mismatch(line=i, field="discount_minor")
        net = gross - line.discount_minor
        added = line.line_total_minor - net
        rate = line.tax_rate_bp
        if added == 0:
            expected_tax = tax_in_gross_bp(net, rate)
        elif added == line.tax_minor:
            expected_tax = tax_on_net_bp(net, rate)
        else:
            raise _mismatch(line=i, field="line_total_minor")
        if line.tax_minor != expected_tax:
            raise _mismatch(line=i, field="tax_minor", expected=expected_tax, got=line.tax_minor)
        gross_sum += gross
        discount_sum += line.discount_minor
        tax_sum += line.tax_minor
        total_sum += line.line_total_minor

    def check(name: str, expected: int, got: int) -> None:
        if expected != got:
            raise _mismatch(field=name, expected=expected, got=got)

    check("subtotal_minor", gross_sum, draft.subtotal_minor)
    check("discount_minor", discount_sum, draft.discount_minor)
    if draft.delivery_fee_minor < 0:
        raise _mismatch(field="delivery_fee_minor", got=draft.delivery_fee_minor)
    # The order's tax may also hold the tax inside the delivery fee.
    if not tax_sum <= draft.tax_minor <= tax_sum + draft.delivery_fee_minor:
        raise _mismatch(field="tax_minor", expected=tax_sum, got=draft.tax_minor)
    check(
        "total_minor",
        total_sum + draft.delivery_fee_minor + draft.rounding_minor,
        draft.total_minor,
    )
    if draft.total_minor < 0:
        raise _mismatch(field="total_minor", got=draft.total_minor)


def check_tender(
    payments: Sequence[DraftPayment], *, total_minor: int, member: uuid.UUID | None
) -> list[int]:
    """Payments that cover ``total_minor`` exactly; returns the change per payment.

    The tender rules (``domain.tender.settle``), for a sale and for paying an
    order later: raises :class:`CheckoutError` when they are broken.
    """
    try:
        return settle(payments, total_minor=total_minor, member=member is not None)
    except TenderRefused as refused:
        raise _refused_tender(refused) from refused


def _tender(draft: SaleDraft, *, paid_now: bool) -> list[int]:
    """The change per payment of a paid sale; an unpaid order must have no payment at all."""
    if paid_now:
        return check_tender(draft.payments, total_minor=draft.total_minor, member=draft.member_id)
    try:
        check_unpaid(draft.payments)
    except TenderRefused as refused:
        raise _refused_tender(refused) from refused
    return []


#: How the service names a broken tender rule (its public reasons predate the rules' own).
_CHECKOUT_PROBLEM = {
    TenderProblem.BAD_CARD_DIGITS: CheckoutProblem.BAD_CARD_DIGITS,
    TenderProblem.TENDER_BELOW_AMOUNT: CheckoutProblem.TENDER_BELOW_AMOUNT,
    TenderProblem.CHANGE_NOT_CASH: CheckoutProblem.OVERPAID,
    TenderProblem.UNDERPAID: CheckoutProblem.UNDERPAID,
    TenderProblem.OVERPAID: CheckoutProblem.OVERPAID,
    TenderProblem.STORE_CREDIT_NEEDS_MEMBER: CheckoutProblem.STORE_CREDIT_NEEDS_MEMBER,
    TenderProblem.STORE_CREDIT_SHORT: CheckoutProblem.STORE_CREDIT_SHORT,
}


def _refused_tender(refused: TenderRefused) -> CheckoutError:
    detail = {k: v for k, v in refused.detail.items() if k in ("payment", "missing", "excess")}
    if refused.reason is TenderProblem.BAD_AMOUNT:
        return _mismatch(**detail, field="amount_minor", got=refused.detail.get("amount_minor"))
    if refused.reason is TenderProblem.STORE_CREDIT_SHORT:
        detail["balance"] = refused.detail.get("balance")
    return CheckoutError(_CHECKOUT_PROBLEM[refused.reason], detail)


def _check_coupons(session: Session, draft: SaleDraft, now: datetime) -> list[CouponRecord]:
    """Each coupon usable now, for this member, and not used before on this till."""
    records: list[CouponRecord] = []
    seen: set[str] = set()
    for typed in draft.coupon_codes:
        code = normalize_code(typed)
        if code in seen:
            raise CheckoutError(CheckoutProblem.COUPON_USED, {"coupon": code, "duplicate": True})
        seen.add(code)
        try:
            records.append(find_coupon(session, code, at=now, member_id=draft.member_id))
        except CouponNotUsable as exc:
            reason = (
                CheckoutProblem.COUPON_USED
                if exc.reason is CouponProblem.USED
                else CheckoutProblem.COUPON_UNKNOWN
            )
            raise CheckoutError(
                reason, {"coupon": exc.code, "coupon_problem": exc.reason.value}
            ) from exc
    return records


def check_store_credit(
    session: Session, payments: Sequence[DraftPayment], member: uuid.UUID | None
) -> None:
    """The member has the store credit these payments spend (CheckoutError if not)."""
    if member is None or not any(p.method is PaymentMethod.STORE_CREDIT for p in payments):
        return
    try:
        check_credit_balance(payments, store_credit_balance(session, member))
    except TenderRefused as refused:
        raise _refused_tender(refused) from refused


# --- what the server receives ---------------------------------------------------


def _id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def order_payload(
    order: Order,
    movements: Sequence[StockMovement],
    redemptions: Sequence[tuple[CouponRedemption, str]],
    credits: Sequence[StoreCreditEntry],
    points: Sequence[PointsEntry] = (),
) -> dict[str, Any]:
    """The completed order as the server stores it: every row the sale wrote, JSON-safe.

    The server never re-prices it (SYNC.md): lines carry their prices and
    promotions, ``pricing`` the whole bill. (``commit_sale`` makes the same
    payload from the rows it writes, with :func:`_payload`.)
    """
    return _payload(
        _SaleRows(
            order=_values(order),
            lines=[_values(line) for line in order.lines],
            payments=[_values(p) for p in order.payments],
            movements=[_values(m) for m in movements],
            redemptions=[_values(r) for r, _ in redemptions],
            codes=[code for _, code in redemptions],
            credits=[_values(c) for c in credits],
            points=[_values(p) for p in points],
        )
    )


def _values(row: Base) -> dict[str, Any]:
    """An ORM object's column values, keyed by column name as in :class:`_SaleRows`."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _payload(rows: _SaleRows) -> dict[str, Any]:
    """The outbox payload of a sale's rows (see :func:`order_payload`)."""
    order = rows.order
    created_at: datetime = order["created_at"]
    completed_at: datetime | None = order["completed_at"]
    return {
        "id": str(order["id"]),
        "number": order["number"],
        "invoice_no": order["invoice_no"],
        "branch_id": str(order["branch_id"]),
        "workstation_id": str(order["workstation_id"]),
        "staff_id": str(order["staff_id"]),
        "member_id": _id(order["member_id"]),
        "approved_by": _id(order["approved_by"]),
        "kind": order["kind"].value,
        "status": order["status"].value,
        "currency_code": order["currency_code"],
        "subtotal_minor": order["subtotal_minor"],
        "discount_minor": order["discount_minor"],
        "tax_minor": order["tax_minor"],
        "delivery_fee_minor": order["delivery_fee_minor"],
        "rounding_minor": order["rounding_minor"],
        "total_minor": order["total_minor"],
        "buyer_tax_id": order["buyer_tax_id"],
        "note": order["note"],
        "created_at": created_at.isoformat(),
        "completed_at": None if completed_at is None else completed_at.isoformat(),
        "device_seq": order["device_seq"],
        "pricing": order["pricing"],
        "lines": [
            {
                "id": str(line["id"]),
                "line_no": line["line_no"],
                "product_id": _id(line["product_id"]),
                "sku": line["sku"],
                "name_zh": line["name_zh"],
                "name_en": line["name_en"],
                "qty_milli": line["qty_milli"],
                "unit_price_minor": line["unit_price_minor"],
                "discount_minor": line["discount_minor"],
                "tax_rate_bp": line["tax_rate_bp"],
                "tax_minor": line["tax_minor"],
                "line_total_minor": line["line_total_minor"],
                "promotions": line["promotions"],
                "note": line["note"],
            }
            for line in rows.lines
        ],
        "payments": [
            {
                "id": str(p["id"]),
                "method": p["method"].value,
                "amount_minor": p["amount_minor"],
                "tendered_minor": p["tendered_minor"],
                "change_minor": p["change_minor"],
                "reference": p["reference"],
                "card_last4": p["card_last4"],
            }
            for p in rows.payments
        ],
        "coupons": [
            {"id": str(r["id"]), "coupon_id": str(r["coupon_id"]), "code": code}
            for r, code in zip(rows.redemptions, rows.codes, strict=True)
        ],
        "stock_movements": [
            {
                "id": str(m["id"]),
                "product_id": str(m["product_id"]),
                "qty_delta_milli": m["qty_delta_milli"],
                "reason": m["reason"].value,
            }
            for m in rows.movements
        ],
        "store_credit": [
            {
                "id": str(c["id"]),
                "member_id": str(c["member_id"]),
                "amount_minor": c["amount_minor"],
            }
            for c in rows.credits
        ],
        "points": [
            {
                "id": str(p["id"]),
                "member_id": str(p["member_id"]),
                "delta": p["delta"],
                "reason": p["reason"],
            }
            for p in rows.points
        ],
    }
