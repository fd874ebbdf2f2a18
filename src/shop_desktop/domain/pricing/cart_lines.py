"""What the engine is given: the cart's lines, and the context they are priced in.

``price_cart`` checks the lines first and refuses a cart it cannot price with
an ``InvalidCart`` whose reason the cashier is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from shop_desktop.domain.money import WHOLE_BP, Currency
from shop_desktop.domain.pricing.coupons import Coupon
from shop_desktop.domain.pricing.delivery import DeliveryRule
from shop_desktop.domain.pricing.limits import (
    MAX_CART_LINES,
    MAX_QTY_MILLI,
    MAX_UNIT_PRICE_MINOR,
    _bad,
    _check_naive,
)
from shop_desktop.domain.pricing.promotions import Promotion

__all__ = ["CartLine", "InvalidCart", "InvalidCartReason", "PricingContext"]


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the cart as the engine prices it (checked by ``price_cart``).

    ``weighed`` goods are sold by weight: ``unit_price_minor`` is per kg and the
    quantity is the weight; they have no whole units (no buy-X-get-Y, no
    bundles), and a fractional quantity is taken as weighed too.
    """

    line_id: str
    product_id: str
    category_ids: frozenset[str]  # the product's category AND all its ancestors
    brand_id: str | None
    qty_milli: int
    unit_price_minor: int
    tax_rate_bp: int  # 500 = 5 %
    tax_inclusive: bool
    member_price_minor: int | None = None
    weight_grams: int = 0  # per unit, for delivery by weight (weighed goods: the quantity)
    price_override_minor: int | None = None
    manual_discount_bp: int = 0
    manual_discount_minor: int = 0
    weighed: bool = False


class InvalidCartReason(Enum):
    """Why ``price_cart`` refused a cart; the UI words each one for the cashier."""

    BAD_QUANTITY = "bad_quantity"
    BAD_PRICE = "bad_price"
    BAD_DISCOUNT = "bad_discount"
    DUPLICATE_LINE_ID = "duplicate_line_id"
    TOO_LARGE = "too_large"
    BAD_TAX_RATE = "bad_tax_rate"


class InvalidCart(ValueError):
    """A cart the engine cannot price; ``reason`` says why, ``line_id`` which line (or None)."""

    def __init__(self, reason: InvalidCartReason, line_id: str | None = None) -> None:
        where = "" if line_id is None else f" on line {line_id!r}"
        super().__init__(f"cannot price the cart: {reason.value}{where}")
        self.reason = reason
        self.line_id = line_id


@dataclass(frozen=True, slots=True)
class PricingContext:
    """Everything besides the lines that decides the bill."""

    currency: Currency
    at: datetime  # naive local wall time, for schedules and coupon validity
    promotions: tuple[Promotion, ...] = ()
    member_level: str | None = None  # e.g. "gold"; None = no member attached
    coupons: tuple[Coupon, ...] = ()  # "already used" is checked by the caller
    delivery: DeliveryRule | None = None
    delivery_zone: str = ""
    cash_rounding: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.currency, Currency):
            raise _bad("currency", self.currency, "a Currency")
        if not isinstance(self.at, datetime):
            raise _bad("at", self.at, "a datetime")
        _check_naive(self.at, "at", datetime)


def _check_cart(lines: Sequence[CartLine]) -> None:
    """Raise InvalidCart for the first line (in cart order) the engine cannot price."""
    if len(lines) > MAX_CART_LINES:
        raise InvalidCart(InvalidCartReason.TOO_LARGE)
    seen: set[str] = set()
    for line in lines:
        line_id = line.line_id
        if line_id in seen:
            raise InvalidCart(InvalidCartReason.DUPLICATE_LINE_ID, line_id)
        seen.add(line_id)
        # Every check of _check_line at once; only a line failing one goes there
        # to find out which (and is refused there, with the first reason that fits).
        qty, unit = line.qty_milli, line.unit_price_minor
        member, override = line.member_price_minor, line.price_override_minor
        rate, weight = line.tax_rate_bp, line.weight_grams
        bp, minor = line.manual_discount_bp, line.manual_discount_minor
        if not (
            type(qty) is int
            and 0 < qty <= MAX_QTY_MILLI
            and type(unit) is int
            and 0 <= unit <= MAX_UNIT_PRICE_MINOR
            and (member is None or (type(member) is int and 0 <= member <= MAX_UNIT_PRICE_MINOR))
            and (
                override is None
                or (type(override) is int and 0 <= override <= MAX_UNIT_PRICE_MINOR)
            )
            and type(rate) is int
            and 0 <= rate <= WHOLE_BP
            and type(bp) is int
            and type(minor) is int
            and 0 <= bp <= WHOLE_BP
            and minor >= 0
            and not (bp and minor)
            and type(weight) is int
            and weight >= 0
        ):
            _check_line(line)


def _check_line(line: CartLine) -> None:
    """The checks of one line but its id, in the order their reasons are given."""
    line_id = line.line_id
    qty = line.qty_milli
    if type(qty) is not int or qty <= 0:
        raise InvalidCart(InvalidCartReason.BAD_QUANTITY, line_id)
    if qty > MAX_QTY_MILLI:
        raise InvalidCart(InvalidCartReason.TOO_LARGE, line_id)
    for price in (line.unit_price_minor, line.member_price_minor, line.price_override_minor):
        if price is None:
            continue
        if type(price) is not int or price < 0:
            raise InvalidCart(InvalidCartReason.BAD_PRICE, line_id)
        if price > MAX_UNIT_PRICE_MINOR:
            raise InvalidCart(InvalidCartReason.TOO_LARGE, line_id)
    rate = line.tax_rate_bp
    if type(rate) is not int or not 0 <= rate <= WHOLE_BP:
        raise InvalidCart(InvalidCartReason.BAD_TAX_RATE, line_id)
    bp, minor = line.manual_discount_bp, line.manual_discount_minor
    if (
        type(bp) is not int
        or type(minor) is not int
        or not 0 <= bp <= WHOLE_BP
        or minor < 0
        or (bp and minor)
    ):
        raise InvalidCart(InvalidCartReason.BAD_DISCOUNT, line_id)
    if type(line.weight_grams) is not int or line.weight_grams < 0:
        raise InvalidCart(InvalidCartReason.BAD_QUANTITY, line_id)
