"""The counter's use cases around a cart: products in, prices out, a sale to commit.

The cart itself (:mod:`shop_desktop.domain.cart`) and the pricing engine
(:mod:`shop_desktop.domain.pricing`) are pure; this module feeds them from the
database (product snapshots, promotions, coupons, members) and turns a priced
cart and the tenders into the :class:`~shop_desktop.services.checkout.SaleDraft`
that :func:`~shop_desktop.services.checkout.commit_sale` writes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from shop_desktop.data.catalog import ScanResult
from shop_desktop.data.models import Member, OrderKind, Product, TaxClass
from shop_desktop.domain.cart import (
    MILLI,
    Cart,
    CartMember,
    CartProduct,
    manual_discount_depth_bp,
)
from shop_desktop.domain.money import Currency, currency, half_up
from shop_desktop.domain.pricing import (
    Bill,
    Coupon,
    DeliveryRule,
    PricingContext,
    Promotion,
    delivery_rule_from_json,
    price_cart,
    promotion_from_json,
)
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft
from shop_desktop.services.coupons import active_promotion_rules, delivery_rule_rows, find_coupon
from shop_desktop.services.stock import StockHere

log = logging.getLogger(__name__)

#: Members shown for one search at the counter.
MEMBER_MATCHES = 20


class ProductUnavailable(LookupError):
    """The product was deleted or deactivated since it was listed."""


def cart_product(session: Session, product_id: uuid.UUID) -> CartProduct:
    """A snapshot of the product as the cart prices it."""
    row = session.execute(
        select(Product, TaxClass)
        .join(TaxClass, TaxClass.id == Product.tax_class_id)
        .where(Product.id == product_id)
    ).first()
    if row is None or not row[0].active:
        raise ProductUnavailable(str(product_id))
    product, tax = row
    categories: list[str] = []
    if product.category_id is not None:
        # The category and its ancestors: a promotion on 乳品 covers 鮮乳.
        found = session.execute(
            text(
                "WITH RECURSIVE up(id, parent_id) AS ("
                " SELECT id, parent_id FROM categories WHERE id = :id"
                " UNION ALL SELECT c.id, c.parent_id FROM categories c"
                " JOIN up ON c.id = up.parent_id)"
                " SELECT id FROM up"
            ),
            {"id": product.category_id.hex},
        ).scalars()
        categories = [str(uuid.UUID(hex=str(c))) for c in found]
    return CartProduct(
        product_id=product.id,
        sku=product.sku,
        name_zh=product.name_zh,
        name_en=product.name_en,
        unit=product.unit,
        weighed=product.weighed,
        price_minor=product.price_minor,
        tax_rate_bp=tax.rate_bp,
        tax_inclusive=tax.inclusive,
        category_ids=frozenset(categories),
        brand_id=None if product.brand_id is None else str(product.brand_id),
        member_price_minor=product.member_price_minor or None,
    )


@dataclass(frozen=True)
class ScannedItem:
    """What a scan puts into the cart: the product, how much, and a label price if printed."""

    product: CartProduct
    qty_milli: int
    label_price_minor: int | None = None
    #: Stock here when it was read, for the counter's warning (``stock.stock_here``).
    stock: StockHere | None = None


def scanned_item(session: Session, scan: ScanResult) -> ScannedItem:
    """Turn a resolved scan into a cart line, reading weight or price off in-store labels."""
    product = cart_product(session, scan.product_id)
    embedded = scan.embedded
    if embedded is None:
        return ScannedItem(product, MILLI)
    if embedded.weight_milli is not None:
        return ScannedItem(product, max(embedded.weight_milli, 1))
    label_price = embedded.price_minor or 0
    if product.weighed and product.price_minor > 0:
        # The scale printed the price; the weight is what that price buys.
        grams = half_up(label_price * MILLI, product.price_minor)
        return ScannedItem(product, max(grams, 1), label_price)
    return ScannedItem(product, MILLI, label_price)


def find_members(session: Session, typed: str) -> list[CartMember]:
    """Members whose card code or phone starts with, or whose name contains, the text."""
    typed = typed.strip()
    if not typed:
        return []
    rows = session.scalars(
        select(Member)
        .where(
            Member.active.is_(True),
            or_(
                Member.code == typed.upper(),
                Member.phone.startswith(typed, autoescape=True),
                Member.code.startswith(typed.upper(), autoescape=True),
                Member.name.contains(typed, autoescape=True),
            ),
        )
        .order_by(Member.code)
        .limit(MEMBER_MATCHES)
    )
    return [CartMember(m.id, m.code, m.name, m.level.value) for m in rows]


@dataclass(frozen=True)
class DeliveryOption:
    rule_id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    rule: DeliveryRule


@dataclass(frozen=True)
class PricingRules:
    """The shop's active promotions and delivery rules, as the engine reads them."""

    promotions: tuple[Promotion, ...] = ()
    delivery: tuple[DeliveryOption, ...] = ()
    #: Codes of rules that could not be read (bad data from the server): skipped, logged.
    unreadable: tuple[str, ...] = ()

    def delivery_option(self, code: str) -> DeliveryOption | None:
        return next((d for d in self.delivery if d.code == code), None) if code else None


def load_pricing_rules(session: Session) -> PricingRules:
    """Every active promotion and delivery rule; a broken one is skipped, not fatal."""
    promotions: list[Promotion] = []
    unreadable: list[str] = []
    for rule in active_promotion_rules(session):
        try:
            promotion = promotion_from_json(rule)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("skipping unreadable promotion %r: %s", rule.get("code"), exc)
            unreadable.append(str(rule.get("code", "?")))
            continue
        if not promotion.coupon_only:
            promotions.append(promotion)
    delivery: list[DeliveryOption] = []
    for rule_id, code, name_zh, name_en, data in delivery_rule_rows(session):
        try:
            delivery.append(
                DeliveryOption(rule_id, code, name_zh, name_en, delivery_rule_from_json(data))
            )
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("skipping unreadable delivery rule %r: %s", code, exc)
            unreadable.append(code)
    return PricingRules(tuple(promotions), tuple(delivery), tuple(unreadable))


def coupon_for_cart(
    session: Session, code: str, *, at: datetime, member_id: uuid.UUID | None
) -> Coupon:
    """Look a typed or scanned coupon up; raises ``CouponNotUsable`` with the reason."""
    record = find_coupon(session, code, at=at, member_id=member_id)
    return Coupon(
        code=record.code,
        promotion=promotion_from_json(record.promotion_rule),
        valid_from=record.valid_from,
        valid_until=record.valid_until,
    )


def price(
    cart: Cart,
    rules: PricingRules,
    *,
    currency_code: str,
    at: datetime,
    cash_rounding: bool = False,
) -> Bill:
    """The whole bill for the cart now: fast enough for every keystroke.

    Raises ``DeliveryUnavailable`` when the cart's zone has no fee in its delivery rule.
    """
    delivery = rules.delivery_option(cart.delivery_code)
    context = PricingContext(
        currency=shop_currency(currency_code),
        at=at,
        promotions=rules.promotions,
        member_level=None if cart.member is None else cart.member.level,
        coupons=cart.coupon_list(),
        delivery=None if delivery is None else delivery.rule,
        delivery_zone=cart.delivery_zone,
        cash_rounding=cash_rounding,
    )
    return price_cart(cart.pricing_lines(), context)


def shop_currency(code: str) -> Currency:
    return currency(code)


def sale_draft(
    cart: Cart,
    bill: Bill,
    payments: Sequence[DraftPayment],
    *,
    staff_id: uuid.UUID,
    buyer_tax_id: str = "",
    note: str = "",
    kind: OrderKind = OrderKind.TAKE_AWAY,
) -> SaleDraft:
    """The sale exactly as billed: names and prices copied, promotions recorded per line."""
    by_line = {line.line_id: line for line in bill.lines}
    lines: list[DraftLine] = []
    approvers = {item.approved_by for item in cart if item.approved_by is not None}
    depths = [
        (
            manual_discount_depth_bp(
                item, discount_bp=item.manual_discount_bp, discount_minor=item.manual_discount_minor
            ),
            item.approved_by,
        )
        for item in cart
    ]
    deepest = max(depths, key=lambda pair: pair[0], default=(0, None))
    for item in cart:
        billed = by_line[item.line_id]
        promotions: list[dict[str, Any]] = [
            {
                "promotion_id": d.promotion_id,
                "code": d.code,
                "coupon_code": d.coupon_code,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "amount_minor": d.amount_minor,
            }
            for d in billed.discounts
        ]
        lines.append(
            DraftLine(
                product_id=item.product.product_id,
                sku=item.product.sku,
                name_zh=item.product.name_zh,
                name_en=item.product.name_en,
                qty_milli=billed.qty_milli,
                unit_price_minor=billed.unit_price_minor,
                discount_minor=billed.discount_minor,
                tax_rate_bp=billed.tax_rate_bp,
                tax_minor=billed.tax_minor,
                line_total_minor=billed.total_minor,
                promotions=promotions,
                note=item.note,
            )
        )
    return SaleDraft(
        order_id=cart.cart_id,
        staff_id=staff_id,
        member_id=None if cart.member is None else cart.member.member_id,
        kind=kind,
        lines=tuple(lines),
        subtotal_minor=bill.subtotal_minor,
        discount_minor=bill.discount_minor,
        tax_minor=bill.tax_minor,
        delivery_fee_minor=bill.delivery_fee_minor,
        rounding_minor=bill.rounding_minor,
        total_minor=bill.total_minor,
        payments=tuple(payments),
        coupon_codes=bill.coupons_applied,
        pricing=bill.to_json(),
        buyer_tax_id=buyer_tax_id,
        note=note,
        # One approver per sale is recorded on the order (the one of its deepest staff
        # discount, which the commit checks); each line's is in the audit log.
        approved_by=deepest[1] if deepest[1] is not None else min(approvers, default=None),
        manual_discount_bp=deepest[0],
    )
