"""A committed sale as a printable document.

Everything printed comes from what the sale stored: the order's figures,
its lines (names and prices as sold), its payments, the bill as priced
(``orders.pricing``: discounts with their reasons, tax per rate), and the
branch, till and cashier. Nothing is re-priced.

The bill as priced is trusted only where it adds up to the order's own
totals; otherwise (an older order, a sale written by a tool) the breakdowns
are worked out from the lines, so a printed breakdown always adds up to the
printed total.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    Branch,
    CreditNote,
    Order,
    OrderLine,
    Product,
    StaffUser,
    Workstation,
)
from shop_desktop.domain.money import line_gross_minor
from shop_desktop.services.documents.model import (
    DocDiscount,
    DocLine,
    DocPayment,
    DocumentKind,
    SaleDocument,
    ShopInfo,
    TaxRow,
)

__all__ = [
    "DocumentError",
    "DocumentProblem",
    "UnknownOrder",
    "credit_note_number",
    "sale_document",
]


class DocumentProblem(Enum):
    """Why a sale's document cannot be printed; the UI words each one."""

    UNKNOWN_ORDER = "unknown_order"
    NOT_INVOICED = "not_invoiced"


class DocumentError(Exception):
    """The document asked for cannot be made. ``reason`` says why, ``order_id`` of what."""

    def __init__(self, reason: DocumentProblem, order_id: uuid.UUID) -> None:
        self.reason = reason
        self.order_id = order_id
        super().__init__(reason.value, str(order_id))


class UnknownOrder(DocumentError, LookupError):
    """No order with this id in this workstation's database."""

    def __init__(self, order_id: uuid.UUID) -> None:
        super().__init__(DocumentProblem.UNKNOWN_ORDER, order_id)


def credit_note_number(invoice_no: str) -> str:
    """A draft credit note's number (the invoice not voided yet): the invoice's, marked.

    A voided invoice's credit note has its own number from the workstation's
    series, stored in ``credit_notes``; :func:`sale_document` prints that one.
    """
    return f"CN-{invoice_no}"


def sale_document(
    session: Session,
    order_id: uuid.UUID,
    *,
    kind: DocumentKind,
    copy: bool = False,
    tz: tzinfo | None = None,
    buyer_name: str = "",
    document_no: str | None = None,
    void_reason: str = "",
) -> SaleDocument:
    """The receipt, invoice or credit note of a committed sale.

    ``tz`` is the shop's time zone (default: this workstation's local zone).
    ``buyer_name`` is the company name the customer gives for an invoice
    (the order keeps only the tax ID). For a credit note the number, the
    reason and the date are those of the stored :class:`CreditNote` when the
    invoice was voided; otherwise (a draft) ``document_no`` (default
    :func:`credit_note_number`) and ``void_reason`` say them.

    Raises :class:`UnknownOrder` for an id not in the database, and
    :class:`DocumentError` (NOT_INVOICED) for a credit note of an order
    that has no invoice number.
    """
    order = session.get(Order, order_id)
    if order is None:
        raise UnknownOrder(order_id)
    invoice_no = order.invoice_no or ""
    issued = order.completed_at or order.created_at
    if kind is DocumentKind.CREDIT_NOTE:
        if not invoice_no:
            raise DocumentError(DocumentProblem.NOT_INVOICED, order_id)
        stored = session.scalars(select(CreditNote).where(CreditNote.order_id == order_id)).first()
        if stored is not None:
            number = stored.number
            void_reason = void_reason or stored.reason
            issued = stored.created_at
        else:
            number = document_no or credit_note_number(invoice_no)
    else:
        number = document_no or invoice_no or order.number

    branch = session.get_one(Branch, order.branch_id)
    station = session.get_one(Workstation, order.workstation_id)
    staff = session.get(StaffUser, order.staff_id)
    pricing: Mapping[str, Any] = order.pricing if isinstance(order.pricing, Mapping) else {}
    lines = _doc_lines(session, order.lines)
    payments = tuple(
        DocPayment(
            method=p.method.value,
            amount_minor=p.amount_minor,
            tendered_minor=p.tendered_minor,
            change_minor=p.change_minor,
            reference=p.reference,
            card_last4=p.card_last4,
        )
        for p in sorted(order.payments, key=lambda p: (p.created_at, str(p.id)))
    )
    return SaleDocument(
        kind=kind,
        number=number,
        order_number=order.number,
        issued_at=issued.astimezone(tz),
        shop=ShopInfo(
            name_zh=branch.name_zh,
            name_en=branch.name_en,
            address=branch.address,
            phone=branch.phone,
            tax_id=branch.tax_id,
            branch_code=branch.code,
            workstation_code=station.code,
        ),
        cashier=staff.display_name if staff is not None else "",
        lines=lines,
        subtotal_minor=order.subtotal_minor,
        discounts=_discounts(pricing, lines, order.discount_minor),
        discount_minor=order.discount_minor,
        taxes=_taxes(pricing, lines, order.tax_minor),
        tax_minor=order.tax_minor,
        delivery_fee_minor=order.delivery_fee_minor,
        rounding_minor=order.rounding_minor,
        total_minor=order.total_minor,
        payments=payments,
        change_minor=sum(p.change_minor for p in payments),
        currency_code=order.currency_code,
        buyer_name=buyer_name,
        buyer_tax_id=order.buyer_tax_id,
        original_invoice_no=invoice_no if kind is DocumentKind.CREDIT_NOTE else "",
        copy=copy,
        void_reason=void_reason,
        note=order.note,
    )


def _doc_lines(session: Session, rows: Iterable[OrderLine]) -> tuple[DocLine, ...]:
    rows = list(rows)
    product_ids = {r.product_id for r in rows if r.product_id is not None}
    units: dict[uuid.UUID, str] = {}
    if product_ids:
        found = session.execute(
            select(Product.id, Product.unit).where(Product.id.in_(product_ids))
        ).all()
        units = {pid: unit for pid, unit in found}  # noqa: C416 - rows, not pairs, to mypy
    return tuple(
        DocLine(
            sku=r.sku,
            name_zh=r.name_zh,
            name_en=r.name_en,
            qty_milli=r.qty_milli,
            unit=units.get(r.product_id, "pc") if r.product_id is not None else "pc",
            unit_price_minor=r.unit_price_minor,
            discount_minor=r.discount_minor,
            discounts=_line_discounts(r.promotions),
            line_total_minor=r.line_total_minor,
            tax_rate_bp=r.tax_rate_bp,
            tax_minor=r.tax_minor,
        )
        for r in sorted(rows, key=lambda r: r.line_no)
    )


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def _reason(entry: Mapping[str, Any]) -> DocDiscount | None:
    """One discount as stored with a line or the bill; None when it has no amount."""
    amount = _int(entry.get("amount_minor"))
    if amount is None:
        # Demo history and older lines name it discount_minor.
        amount = _int(entry.get("discount_minor"))
    if amount is None:
        return None
    code = str(entry.get("coupon_code") or entry.get("code") or "")
    zh = str(entry.get("name_zh") or code)
    en = str(entry.get("name_en") or code)
    return DocDiscount(reason_zh=zh, reason_en=en, amount_minor=amount)


def _line_discounts(promotions: object) -> tuple[DocDiscount, ...]:
    if not isinstance(promotions, list):
        return ()
    found = (_reason(p) for p in promotions if isinstance(p, Mapping))
    return tuple(d for d in found if d is not None and d.amount_minor)


def _discounts(
    pricing: Mapping[str, Any], lines: Iterable[DocLine], total: int
) -> tuple[DocDiscount, ...]:
    """The sale's discounts by reason: the bill's own list, else the lines' reasons summed."""
    stored = pricing.get("discounts")
    if isinstance(stored, list) and all(isinstance(d, Mapping) for d in stored):
        parsed = [_reason(d) for d in stored]
        if all(d is not None for d in parsed):
            found = tuple(d for d in parsed if d is not None and d.amount_minor)
            if sum(d.amount_minor for d in found) == total:
                return found
    summed: dict[tuple[str, str], int] = {}
    for line in lines:
        for d in line.discounts:
            key = (d.reason_zh, d.reason_en)
            summed[key] = summed.get(key, 0) + d.amount_minor
    if sum(summed.values()) == total:
        return tuple(DocDiscount(zh, en, amount) for (zh, en), amount in summed.items() if amount)
    return (DocDiscount("折扣", "Discount", total),) if total else ()


def _taxes(pricing: Mapping[str, Any], lines: Iterable[DocLine], total: int) -> tuple[TaxRow, ...]:
    """Tax per rate: the bill's own table, else grouped from the lines."""
    stored = pricing.get("taxes")
    if isinstance(stored, list) and stored and all(isinstance(t, Mapping) for t in stored):
        rows: list[TaxRow] = []
        for t in stored:
            rate, net, tax = (_int(t.get(k)) for k in ("rate_bp", "net_minor", "tax_minor"))
            if rate is None or net is None or tax is None:
                break
            rows.append(TaxRow(rate, bool(t.get("inclusive", True)), net, tax))
        else:
            if sum(r.tax_minor for r in rows) == total:
                return tuple(rows)
    groups: dict[tuple[int, bool], list[int]] = {}
    for line in lines:
        gross = line_gross_minor(line.qty_milli, line.unit_price_minor)
        net = gross - line.discount_minor
        # A line's figures say how its tax was charged: inside the price when the
        # line costs its net, on top when it costs net + tax (as checkout checks).
        inclusive = line.line_total_minor == net
        group = groups.setdefault((line.tax_rate_bp, inclusive), [0, 0])
        group[0] += line.line_total_minor - line.tax_minor
        group[1] += line.tax_minor
    return tuple(
        TaxRow(rate, inclusive, net, tax)
        for (rate, inclusive), (net, tax) in sorted(groups.items())
        if net or tax
    )
