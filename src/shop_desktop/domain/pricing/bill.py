"""The bill: what the customer pays, line by line, with every amount off and its reason.

A ``Bill`` is what ``price_cart`` returns and what an order keeps
(``Bill.to_json``): the prices and promotions it was sold at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop_desktop.domain.money import Currency
from shop_desktop.domain.pricing.coupons import CouponRejection
from shop_desktop.domain.pricing.promotions import Promotion
from shop_desktop.domain.pricing.stored import promotion_to_json

__all__ = ["MANUAL_CODE", "AppliedDiscount", "Bill", "BillLine", "TaxLine"]


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """Money off for one reason: a promotion, a coupon, or the staff (``code`` "MANUAL")."""

    promotion_id: str | None
    code: str
    name_zh: str
    name_en: str
    amount_minor: int
    coupon_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "promotion_id": self.promotion_id,
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "amount_minor": self.amount_minor,
            "coupon_code": self.coupon_code,
        }


#: ``AppliedDiscount.code`` of a staff discount.
MANUAL_CODE = "MANUAL"


@dataclass(frozen=True, slots=True)
class BillLine:
    line_id: str
    qty_milli: int
    unit_price_minor: int
    gross_minor: int
    discount_minor: int
    discounts: tuple[AppliedDiscount, ...]
    tax_rate_bp: int
    tax_inclusive: bool
    tax_minor: int
    total_minor: int

    def to_json(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "qty_milli": self.qty_milli,
            "unit_price_minor": self.unit_price_minor,
            "gross_minor": self.gross_minor,
            "discount_minor": self.discount_minor,
            "discounts": [d.to_json() for d in self.discounts],
            "tax_rate_bp": self.tax_rate_bp,
            "tax_inclusive": self.tax_inclusive,
            "tax_minor": self.tax_minor,
            "total_minor": self.total_minor,
        }


@dataclass(frozen=True, slots=True)
class TaxLine:
    rate_bp: int
    inclusive: bool
    net_minor: int
    tax_minor: int


@dataclass(frozen=True, slots=True)
class Bill:
    """The priced cart.  ``promotions`` are the definitions of those that gave money off."""

    currency: Currency
    lines: tuple[BillLine, ...]
    subtotal_minor: int
    discounts: tuple[AppliedDiscount, ...]
    discount_minor: int
    tax_minor: int
    added_tax_minor: int
    taxes: tuple[TaxLine, ...]
    delivery_fee_minor: int
    rounding_minor: int
    total_minor: int
    coupons_applied: tuple[str, ...]
    coupons_rejected: tuple[tuple[str, CouponRejection], ...]
    promotions: tuple[Promotion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form stored with the order: the prices and promotions it was sold at."""
        return {
            "version": 1,
            "currency": self.currency.code,
            "lines": [line.to_json() for line in self.lines],
            "subtotal_minor": self.subtotal_minor,
            "discounts": [d.to_json() for d in self.discounts],
            "discount_minor": self.discount_minor,
            "tax_minor": self.tax_minor,
            "added_tax_minor": self.added_tax_minor,
            "taxes": [
                {
                    "rate_bp": t.rate_bp,
                    "inclusive": t.inclusive,
                    "net_minor": t.net_minor,
                    "tax_minor": t.tax_minor,
                }
                for t in self.taxes
            ],
            "delivery_fee_minor": self.delivery_fee_minor,
            "rounding_minor": self.rounding_minor,
            "total_minor": self.total_minor,
            "coupons_applied": list(self.coupons_applied),
            "coupons_rejected": [
                {"code": code, "reason": reason.value} for code, reason in self.coupons_rejected
            ],
            "promotions": [promotion_to_json(p) for p in self.promotions],
        }


# --- the engine's own constructors ----------------------------------------
#
# A frozen dataclass sets each field through ``object.__setattr__``: for the
# bill of a 200-line cart that was a quarter of the time it took to price it.
# The engine's values are right by construction, so it fills a plain
# twin that has the very same slots with ordinary stores and then switches the
# twin's class.  The result is an ordinary instance, equal to (and hashing as)
# one made by the public constructor, which still does everything it did.
# CPython allows the switch only between classes with the same slots (names,
# not order), so if the public classes ever change, it fails loudly (TypeError)
# instead of building something half-filled.


class _AppliedDiscountTwin:
    # Spelt out, not copied from AppliedDiscount: a field added there must fail
    # the class switch until _applied_discount sets it too.
    __slots__ = ("amount_minor", "code", "coupon_code", "name_en", "name_zh", "promotion_id")
    promotion_id: str | None
    code: str
    name_zh: str
    name_en: str
    amount_minor: int
    coupon_code: str | None


class _BillLineTwin:
    __slots__ = (  # spelt out, as in _AppliedDiscountTwin
        "discount_minor",
        "discounts",
        "gross_minor",
        "line_id",
        "qty_milli",
        "tax_inclusive",
        "tax_minor",
        "tax_rate_bp",
        "total_minor",
        "unit_price_minor",
    )
    line_id: str
    qty_milli: int
    unit_price_minor: int
    gross_minor: int
    discount_minor: int
    discounts: tuple[AppliedDiscount, ...]
    tax_rate_bp: int
    tax_inclusive: bool
    tax_minor: int
    total_minor: int


def _applied_discount(  # noqa: PLR0917 - the fields of AppliedDiscount, in order
    promotion_id: str | None,
    code: str,
    name_zh: str,
    name_en: str,
    amount_minor: int,
    coupon_code: str | None,
) -> AppliedDiscount:
    """``AppliedDiscount(...)`` for the engine's own values, without its per-field cost."""
    made = _AppliedDiscountTwin()
    made.promotion_id = promotion_id
    made.code = code
    made.name_zh = name_zh
    made.name_en = name_en
    made.amount_minor = amount_minor
    made.coupon_code = coupon_code
    made.__class__ = AppliedDiscount  # type: ignore[assignment]
    return made  # type: ignore[return-value]  # it is one now (typing.cast would cost a call)


def _bill_line(  # noqa: PLR0917 - the fields of BillLine, in order
    line_id: str,
    qty_milli: int,
    unit_price_minor: int,
    gross_minor: int,
    discount_minor: int,
    discounts: tuple[AppliedDiscount, ...],
    tax_rate_bp: int,
    tax_inclusive: bool,
    tax_minor: int,
    total_minor: int,
) -> BillLine:
    """``BillLine(...)`` for the engine's own values, without its per-field cost."""
    made = _BillLineTwin()
    made.line_id = line_id
    made.qty_milli = qty_milli
    made.unit_price_minor = unit_price_minor
    made.gross_minor = gross_minor
    made.discount_minor = discount_minor
    made.discounts = discounts
    made.tax_rate_bp = tax_rate_bp
    made.tax_inclusive = tax_inclusive
    made.tax_minor = tax_minor
    made.total_minor = total_minor
    made.__class__ = BillLine  # type: ignore[assignment]
    return made  # type: ignore[return-value]  # it is one now
