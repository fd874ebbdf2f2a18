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
lock (a no-op update of the device counters), so two callers on one file --
two threads, or a till restarted after a crash racing its own retry -- run
one after the other, and the second one sees the first one's order.
If it raises, the caller's block rolls back (``Database.session`` does); a
:class:`CheckoutError` is raised before anything was changed at all.

The order id is made by the till when the cart starts; committing the same
id again returns the first result with ``repeated=True`` and writes nothing.
Invoice numbers come from this workstation's series, bumped in the same
transaction, so they never repeat or skip.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    AuditEntry,
    CouponRedemption,
    DeviceIdentity,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
    OutboxEntry,
    Payment,
    PaymentMethod,
    Product,
    StockMovement,
    StockReason,
    StoreCreditEntry,
    Workstation,
)
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.services.auth import WorkstationNotSetUp
from shop_desktop.services.coupons import (
    CouponNotUsable,
    CouponProblem,
    CouponRecord,
    find_coupon,
    normalize_code,
)
from shop_desktop.services.store_credit import store_credit_balance

__all__ = [
    "ORDER_COMPLETED",
    "PAYLOAD_VERSION",
    "CheckoutError",
    "CheckoutProblem",
    "CommittedSale",
    "DraftLine",
    "DraftPayment",
    "SaleDraft",
    "commit_sale",
    "lock_device_counters",
    "order_payload",
    "queue_for_server",
]

#: The outbox operation a completed sale becomes.
ORDER_COMPLETED = "order.completed"
PAYLOAD_VERSION = 1
#: Quantities are thousandths of a unit.
MILLI = 1000
#: Tax rates are basis points: 500 is 5 %.
BASIS = 10_000
_FOUR_DIGITS = re.compile(r"[0-9]{4}")


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


@dataclass(frozen=True)
class DraftPayment:
    method: PaymentMethod
    #: The amount applied to the order.
    amount_minor: int
    #: Cash handed over (>= amount); change = tendered - amount. Only cash gives change.
    tendered_minor: int | None = None
    #: Card approval code or wallet trade number.
    reference: str = ""
    #: The card's last four digits only; a full card number is never stored.
    card_last4: str = ""


@dataclass(frozen=True)
class SaleDraft:
    #: Made by the till; committing the same id twice returns the first result.
    order_id: uuid.UUID
    staff_id: uuid.UUID
    member_id: uuid.UUID | None
    #: TAKE_AWAY for now; pick-up and delivery come with their own flows.
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


@dataclass(frozen=True)
class CommittedSale:
    order_id: uuid.UUID
    number: str
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


class CheckoutError(Exception):
    """The sale cannot be committed as it stands; nothing was written.

    ``reason`` says why; ``detail`` carries what the counter needs to say it:
    ``{"missing": 120}`` (UNDERPAID, STORE_CREDIT_SHORT, TENDER_BELOW_AMOUNT),
    ``{"excess": 20}`` (OVERPAID), ``{"coupon": "ABC", "coupon_problem":
    "expired"}`` (the coupon reasons), ``{"line": 2}`` / ``{"payment": 0}``
    for the line or payment concerned, ``{"field": ..., "expected": ...,
    "got": ...}`` for a total that does not add up.
    """

    def __init__(self, reason: CheckoutProblem, detail: Mapping[str, Any] | None = None) -> None:
        self.reason = reason
        self.detail: dict[str, Any] = dict(detail or {})
        super().__init__(reason.value, self.detail)


# --- the device's counters and the outbox ------------------------------------


def lock_device_counters(session: Session) -> DeviceIdentity:
    """Take the database's write lock, then read this device's counters.

    The no-op UPDATE makes SQLite take the write lock now (waiting, with the
    busy timeout, for another writer to finish), so what is read next cannot
    change before this transaction commits: counters are bumped once, a
    coupon is used once, an order id is committed once.
    """
    session.execute(
        update(DeviceIdentity)
        .values(next_device_seq=DeviceIdentity.next_device_seq)
        .execution_options(synchronize_session=False)
    )
    identity = session.scalars(
        select(DeviceIdentity).execution_options(populate_existing=True)
    ).one_or_none()
    if identity is None:
        raise WorkstationNotSetUp
    return identity


def queue_for_server(
    session: Session,
    identity: DeviceIdentity,
    op_type: str,
    payload: dict[str, Any],
    *,
    now: datetime,
) -> int:
    """Add an operation for the server to the outbox; returns its ``device_seq``.

    ``identity`` comes from :func:`lock_device_counters` in this transaction,
    so sequence numbers run without gaps in the order operations happened.
    """
    seq = identity.next_device_seq
    identity.next_device_seq = seq + 1
    session.add(
        OutboxEntry(
            device_id=identity.device_id,
            device_seq=seq,
            op_id=new_id(),
            op_type=op_type,
            payload_version=PAYLOAD_VERSION,
            payload=payload,
            created_at=now,
        )
    )
    return seq


# --- committing ---------------------------------------------------------------


def commit_sale(
    session: Session, draft: SaleDraft, *, now: datetime | None = None
) -> CommittedSale:
    """Write the sale and everything it changes, in the caller's transaction.

    Raises :class:`CheckoutError` (nothing written) when the draft is not a
    sale that adds up and can be paid as given; see the module docstring
    for how to call it.
    """
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError("commit_sale needs an aware time (utcnow())")
    identity = lock_device_counters(session)
    earlier = _committed(session, draft.order_id)
    if earlier is not None:
        return earlier
    if draft.kind is not OrderKind.TAKE_AWAY:
        raise ValueError(f"only take-away sales are committed here, not {draft.kind.value}")

    _check_quantities(session, draft)
    _check_figures(draft)
    changes = _check_payments(draft)
    coupons = _check_coupons(session, draft, now)
    _check_store_credit(session, draft)

    station = session.get_one(Workstation, identity.workstation_id)
    invoice_seq = identity.next_invoice_no
    identity.next_invoice_no = invoice_seq + 1
    number = f"{station.invoice_prefix}-{invoice_seq:08d}"
    order = _order_row(draft, identity, station, number=number, changes=changes, now=now)
    session.add(order)
    # The order first: the rows below point at it and SQLite checks each
    # foreign key as the row goes in.
    session.flush()
    movements, redemptions, credits = _ledger_rows(draft, order, coupons, now)
    session.add_all(movements)
    session.add_all(r for r, _ in redemptions)
    session.add_all(credits)
    if draft.approved_by is not None:
        session.add(
            AuditEntry(
                at=now,
                staff_id=draft.approved_by,
                workstation_id=station.id,
                action="override_approved",
                entity="order",
                entity_id=str(order.id),
                details={"number": number, "cashier_id": str(draft.staff_id)},
            )
        )
    seq = queue_for_server(
        session,
        identity,
        ORDER_COMPLETED,
        order_payload(order, movements, redemptions, credits),
        now=now,
    )
    assert seq == order.device_seq, "the order and its outbox entry share one number"
    session.flush()
    return CommittedSale(
        order_id=order.id,
        number=number,
        invoice_no=number,
        device_seq=seq,
        change_minor=sum(changes),
        repeated=False,
    )


def _order_row(
    draft: SaleDraft,
    identity: DeviceIdentity,
    station: Workstation,
    *,
    number: str,
    changes: Sequence[int],
    now: datetime,
) -> Order:
    """The order with its lines and payments, copied from the draft as sold."""
    order = Order(
        id=draft.order_id,
        number=number,
        branch_id=station.branch_id,
        workstation_id=station.id,
        staff_id=draft.staff_id,
        member_id=draft.member_id,
        kind=draft.kind,
        status=OrderStatus.COMPLETED,
        currency_code=identity.currency_code,
        subtotal_minor=draft.subtotal_minor,
        discount_minor=draft.discount_minor,
        tax_minor=draft.tax_minor,
        delivery_fee_minor=draft.delivery_fee_minor,
        rounding_minor=draft.rounding_minor,
        total_minor=draft.total_minor,
        invoice_no=number,
        buyer_tax_id=draft.buyer_tax_id,
        note=draft.note,
        created_at=now,
        completed_at=now,
        # The number its outbox entry will take (see queue_for_server).
        device_seq=identity.next_device_seq,
        pricing=dict(draft.pricing),
        approved_by=draft.approved_by,
    )
    order.lines = [
        OrderLine(
            id=new_id(),
            line_no=n,
            product_id=line.product_id,
            sku=line.sku,
            name_zh=line.name_zh,
            name_en=line.name_en,
            qty_milli=line.qty_milli,
            unit_price_minor=line.unit_price_minor,
            discount_minor=line.discount_minor,
            tax_rate_bp=line.tax_rate_bp,
            tax_minor=line.tax_minor,
            line_total_minor=line.line_total_minor,
            promotions=list(line.promotions),
            note=line.note,
        )
        for n, line in enumerate(draft.lines, start=1)
    ]
    order.payments = [
        Payment(
            id=new_id(),
            method=p.method,
            amount_minor=p.amount_minor,
            tendered_minor=(
                (p.amount_minor if p.tendered_minor is None else p.tendered_minor)
                if p.method is PaymentMethod.CASH
                else None
            ),
            change_minor=change,
            reference=p.reference,
            card_last4=p.card_last4,
            created_at=now,
        )
        for p, change in zip(draft.payments, changes, strict=True)
    ]
    return order


def _ledger_rows(
    draft: SaleDraft, order: Order, coupons: Sequence[CouponRecord], now: datetime
) -> tuple[list[StockMovement], list[tuple[CouponRedemption, str]], list[StoreCreditEntry]]:
    """What the sale takes from the shelf, the coupons and the member's store credit."""
    movements = [
        StockMovement(
            id=new_id(),
            branch_id=order.branch_id,
            product_id=line.product_id,
            qty_delta_milli=-line.qty_milli,
            reason=StockReason.SALE,
            order_id=order.id,
            staff_id=order.staff_id,
            created_at=now,
            synced=False,
        )
        for line in draft.lines
        if line.product_id is not None
    ]
    redemptions = [
        (
            CouponRedemption(
                id=new_id(),
                coupon_id=coupon.id,
                order_id=order.id,
                workstation_id=order.workstation_id,
                redeemed_at=now,
            ),
            coupon.code,
        )
        for coupon in coupons
    ]
    credits = [
        StoreCreditEntry(
            id=new_id(),
            member_id=order.member_id,
            amount_minor=-p.amount_minor,
            order_id=order.id,
            reason="sale",
            created_at=now,
        )
        for p in draft.payments
        if p.method is PaymentMethod.STORE_CREDIT
    ]
    return movements, redemptions, credits


def _committed(session: Session, order_id: uuid.UUID) -> CommittedSale | None:
    row = session.execute(
        select(Order.number, Order.invoice_no, Order.device_seq).where(Order.id == order_id)
    ).first()
    if row is None:
        return None
    change = session.scalar(
        select(func.coalesce(func.sum(Payment.change_minor), 0)).where(Payment.order_id == order_id)
    )
    return CommittedSale(
        order_id=order_id,
        number=row.number,
        invoice_no=row.invoice_no or "",
        device_seq=row.device_seq or 0,
        change_minor=int(change or 0),
        repeated=True,
    )


# --- the checks, all before anything is written --------------------------------


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def _mismatch(**detail: Any) -> CheckoutError:
    return CheckoutError(CheckoutProblem.TOTALS_MISMATCH, detail)


def _check_quantities(session: Session, draft: SaleDraft) -> None:
    """Something to sell, in quantities that exist: whole pieces unless weighed."""
    if not draft.lines:
        raise CheckoutError(CheckoutProblem.EMPTY)
    product_ids = {line.product_id for line in draft.lines if line.product_id is not None}
    weighed: dict[uuid.UUID, bool] = dict(
        session.execute(
            select(Product.id, Product.weighed).where(Product.id.in_(product_ids))
        ).all()
    )
    for i, line in enumerate(draft.lines):
        piece_goods = line.product_id is not None and not weighed.get(line.product_id, False)
        if line.qty_milli <= 0 or (piece_goods and line.qty_milli % MILLI):
            raise CheckoutError(
                CheckoutProblem.BAD_QUANTITY, {"line": i, "qty_milli": line.qty_milli}
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
        gross = _half_up(line.qty_milli * line.unit_price_minor, MILLI)
        if not 0 <= line.discount_minor <= gross:
            raise _mismatch(line=i, field="discount_minor")
        net = gross - line.discount_minor
        added = line.line_total_minor - net
        rate = line.tax_rate_bp
        if added == 0:
            expected_tax = _half_up(net * rate, BASIS + rate)
        elif added == line.tax_minor:
            expected_tax = _half_up(net * rate, BASIS)
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


def _check_payments(draft: SaleDraft) -> list[int]:
    """Payments that cover the total exactly; returns the change per payment."""
    changes: list[int] = []
    paid = 0
    for i, p in enumerate(draft.payments):
        if p.card_last4 and (
            p.method is not PaymentMethod.CARD or not _FOUR_DIGITS.fullmatch(p.card_last4)
        ):
            raise CheckoutError(CheckoutProblem.BAD_CARD_DIGITS, {"payment": i})
        if p.amount_minor <= 0:
            raise _mismatch(payment=i, field="amount_minor", got=p.amount_minor)
        tendered = p.amount_minor if p.tendered_minor is None else p.tendered_minor
        if tendered < p.amount_minor:
            raise CheckoutError(
                CheckoutProblem.TENDER_BELOW_AMOUNT,
                {"payment": i, "missing": p.amount_minor - tendered},
            )
        if tendered > p.amount_minor and p.method is not PaymentMethod.CASH:
            # Change comes out of the cash drawer only.
            raise CheckoutError(
                CheckoutProblem.OVERPAID, {"payment": i, "excess": tendered - p.amount_minor}
            )
        changes.append(tendered - p.amount_minor)
        paid += p.amount_minor
    if paid < draft.total_minor:
        raise CheckoutError(CheckoutProblem.UNDERPAID, {"missing": draft.total_minor - paid})
    if paid > draft.total_minor:
        raise CheckoutError(CheckoutProblem.OVERPAID, {"excess": paid - draft.total_minor})
    if draft.member_id is None and any(
        p.method is PaymentMethod.STORE_CREDIT for p in draft.payments
    ):
        raise CheckoutError(CheckoutProblem.STORE_CREDIT_NEEDS_MEMBER)
    return changes


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


def _check_store_credit(session: Session, draft: SaleDraft) -> None:
    wanted = sum(p.amount_minor for p in draft.payments if p.method is PaymentMethod.STORE_CREDIT)
    if not wanted or draft.member_id is None:
        return
    balance = store_credit_balance(session, draft.member_id)
    if balance < wanted:
        raise CheckoutError(
            CheckoutProblem.STORE_CREDIT_SHORT, {"missing": wanted - balance, "balance": balance}
        )


# --- what the server receives ---------------------------------------------------


def _id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def order_payload(
    order: Order,
    movements: Sequence[StockMovement],
    redemptions: Sequence[tuple[CouponRedemption, str]],
    credits: Sequence[StoreCreditEntry],
) -> dict[str, Any]:
    """The completed order as the server stores it: every row the sale wrote, JSON-safe.

    The server never re-prices it (SYNC.md): lines carry their prices and
    promotions, ``pricing`` the whole bill.
    """
    return {
        "id": str(order.id),
        "number": order.number,
        "invoice_no": order.invoice_no,
        "branch_id": str(order.branch_id),
        "workstation_id": str(order.workstation_id),
        "staff_id": str(order.staff_id),
        "member_id": _id(order.member_id),
        "approved_by": _id(order.approved_by),
        "kind": order.kind.value,
        "status": order.status.value,
        "currency_code": order.currency_code,
        "subtotal_minor": order.subtotal_minor,
        "discount_minor": order.discount_minor,
        "tax_minor": order.tax_minor,
        "delivery_fee_minor": order.delivery_fee_minor,
        "rounding_minor": order.rounding_minor,
        "total_minor": order.total_minor,
        "buyer_tax_id": order.buyer_tax_id,
        "note": order.note,
        "created_at": order.created_at.isoformat(),
        "completed_at": None if order.completed_at is None else order.completed_at.isoformat(),
        "device_seq": order.device_seq,
        "pricing": order.pricing,
        "lines": [
            {
                "id": str(line.id),
                "line_no": line.line_no,
                "product_id": _id(line.product_id),
                "sku": line.sku,
                "name_zh": line.name_zh,
                "name_en": line.name_en,
                "qty_milli": line.qty_milli,
                "unit_price_minor": line.unit_price_minor,
                "discount_minor": line.discount_minor,
                "tax_rate_bp": line.tax_rate_bp,
                "tax_minor": line.tax_minor,
                "line_total_minor": line.line_total_minor,
                "promotions": line.promotions,
                "note": line.note,
            }
            for line in order.lines
        ],
        "payments": [
            {
                "id": str(p.id),
                "method": p.method.value,
                "amount_minor": p.amount_minor,
                "tendered_minor": p.tendered_minor,
                "change_minor": p.change_minor,
                "reference": p.reference,
                "card_last4": p.card_last4,
            }
            for p in order.payments
        ],
        "coupons": [
            {"id": str(r.id), "coupon_id": str(r.coupon_id), "code": code}
            for r, code in redemptions
        ],
        "stock_movements": [
            {
                "id": str(m.id),
                "product_id": str(m.product_id),
                "qty_delta_milli": m.qty_delta_milli,
                "reason": m.reason.value,
            }
            for m in movements
        ],
        "store_credit": [
            {"id": str(c.id), "member_id": str(c.member_id), "amount_minor": c.amount_minor}
            for c in credits
        ],
    }
