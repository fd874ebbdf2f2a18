"""What goes on a printed document, as plain values.

These are the documents the shop hands over or keeps: the till receipt, the
A4 invoice (with the buyer's 統一編號 when the customer asks for one), the
credit note that voids or reduces an invoice, and the warehouse's picking
list and delivery note. They hold figures exactly as sold -- integer minor
units, quantities in thousandths -- and names in both languages, so the
renderer only lays them out and never re-prices anything.

Nothing here reads the database, JSON or Qt: ``load.py`` fills them from a
committed order, and tests or benchmarks may build them by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from shop_desktop.domain.money import line_gross_minor

__all__ = [
    "DeliveryLine",
    "DeliveryNote",
    "DocDiscount",
    "DocLine",
    "DocPayment",
    "DocumentKind",
    "PickItem",
    "PickingList",
    "SaleDocument",
    "ShopInfo",
    "TaxRow",
    "payment_label",
]

#: Quantities are thousandths of a unit.
MILLI = 1000


class DocumentKind(Enum):
    """Which paper a sale is printed on."""

    RECEIPT = "receipt"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


#: How each payment method is named on paper, zh then en. The values are
#: ``PaymentMethod`` values of the sale; an unknown one is printed as stored.
_PAYMENT_LABELS: dict[str, tuple[str, str]] = {
    "cash": ("現金", "Cash"),
    "card": ("信用卡", "Card"),
    "alipay": ("支付寶", "Alipay"),
    "wechat": ("微信支付", "WeChat Pay"),
    "store_credit": ("購物金", "Store credit"),
}


def payment_label(method: str) -> tuple[str, str]:
    """The zh and en names of a payment method, as printed."""
    return _PAYMENT_LABELS.get(method, (method, method))


@dataclass(frozen=True, slots=True)
class ShopInfo:
    """The branch and till that issued the document (the seller block)."""

    name_zh: str
    name_en: str
    address: str = ""
    phone: str = ""
    #: The branch's own 統一編號.
    tax_id: str = ""
    branch_code: str = ""
    workstation_code: str = ""


@dataclass(frozen=True, slots=True)
class DocDiscount:
    """Money off for one reason (a promotion, a coupon, the staff), as the customer reads it."""

    reason_zh: str
    reason_en: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class DocLine:
    """A line as sold: names and prices copied from the order, never looked up again."""

    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    #: Unit of sale: "pc", "kg", "pack" ... a weighed unit prints its quantity with decimals.
    unit: str
    unit_price_minor: int
    #: Everything off this line, and why.
    discount_minor: int
    discounts: tuple[DocDiscount, ...]
    #: What the customer pays for the line (tax added on top included).
    line_total_minor: int
    #: 500 is 5 %.
    tax_rate_bp: int
    #: The tax inside (or added to) the line.
    tax_minor: int = 0

    @property
    def gross_minor(self) -> int:
        """Quantity x unit price, rounded half up to a minor unit (as the till billed it)."""
        return line_gross_minor(self.qty_milli, self.unit_price_minor)


@dataclass(frozen=True, slots=True)
class DocPayment:
    """One tender of the sale."""

    #: A ``PaymentMethod`` value: "cash", "card", "alipay", "wechat", "store_credit".
    method: str
    amount_minor: int
    #: Cash handed over; ``None`` for non-cash tenders.
    tendered_minor: int | None = None
    change_minor: int = 0
    #: Card approval code or wallet trade number.
    reference: str = ""
    #: Only the last four digits of a card are ever kept.
    card_last4: str = ""


@dataclass(frozen=True, slots=True)
class TaxRow:
    """Tax at one rate: the amount before tax (銷售額) and the tax on it (稅額)."""

    rate_bp: int
    #: True when the tax was inside the prices (Taiwan's usual 內含), False when added.
    inclusive: bool
    net_minor: int
    tax_minor: int


@dataclass(frozen=True, slots=True)
class SaleDocument:
    """A receipt, invoice or credit note of one sale.

    ``number`` is the document's own number (the invoice number for a
    receipt or invoice, the credit note's number for a credit note);
    ``original_invoice_no`` is the invoice a credit note corrects.
    ``issued_at`` is aware and is printed as the wall time of its own offset:
    the loader gives it in the shop's local time.
    """

    kind: DocumentKind
    number: str
    order_number: str
    issued_at: datetime
    shop: ShopInfo
    cashier: str
    lines: tuple[DocLine, ...]
    #: Sum of the lines' gross amounts, before any discount.
    subtotal_minor: int
    discounts: tuple[DocDiscount, ...]
    discount_minor: int
    taxes: tuple[TaxRow, ...]
    #: All tax, inside the prices or added on top.
    tax_minor: int
    delivery_fee_minor: int
    rounding_minor: int
    total_minor: int
    payments: tuple[DocPayment, ...]
    change_minor: int
    currency_code: str = "TWD"
    buyer_name: str = ""
    #: The buyer's 統一編號, when the customer asked for it on the invoice.
    buyer_tax_id: str = ""
    original_invoice_no: str = ""
    #: A reprint: marked 副本 COPY so it cannot pass for a second original.
    copy: bool = False
    #: Why a credit note voids or reduces the invoice.
    void_reason: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime")
        if self.kind is DocumentKind.CREDIT_NOTE and not self.original_invoice_no:
            raise ValueError("a credit note must name the invoice it corrects")

    @property
    def added_tax_minor(self) -> int:
        """Tax added on top of tax-exclusive prices (the rest is already inside them)."""
        return sum(t.tax_minor for t in self.taxes if not t.inclusive)


@dataclass(frozen=True, slots=True)
class PickItem:
    """Something to take off one shelf for one or more orders of a picking batch."""

    location: str
    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    unit: str = "pc"
    order_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PickingList:
    """A batch of orders to pick, walked shelf by shelf."""

    batch_id: str
    created_at: datetime
    items: tuple[PickItem, ...]
    shop: ShopInfo | None = None
    picker: str = ""

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be an aware datetime")

    def by_location(self) -> list[tuple[str, list[PickItem]]]:
        """The items grouped by location, locations and SKUs in walking (sorted) order."""
        groups: dict[str, list[PickItem]] = {}
        for item in sorted(self.items, key=lambda i: (i.location, i.sku)):
            groups.setdefault(item.location, []).append(item)
        return list(groups.items())

    @property
    def order_numbers(self) -> Sequence[str]:
        """Every order of the batch, once each, sorted."""
        return sorted({n for item in self.items for n in item.order_numbers})


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    """What goes into the parcel; a delivery note shows no prices."""

    sku: str
    name_zh: str
    name_en: str
    qty_milli: int
    unit: str = "pc"


@dataclass(frozen=True, slots=True)
class DeliveryNote:
    """The note that travels with a delivery and comes back signed."""

    order_number: str
    issued_at: datetime
    shop: ShopInfo
    customer_name: str
    phone: str
    address: str
    lines: tuple[DeliveryLine, ...]
    requested_date: date | None = None
    #: e.g. "黑貓宅急便 T-Cat"
    carrier: str = ""
    tracking_number: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime")
