"""Pricing: what the customer pays for a cart under the shop's rules.

``price_cart(lines, context)`` is pure and deterministic: the same cart, rules
and moment always give the same bill, whatever order the lines were scanned
in.  It runs on every keystroke at the counter, so it works in integer minor
units and basis points throughout and indexes the cart once per call; its cost
is polynomial in lines x promotions (a 200-line cart with 50 promotions prices
in a few milliseconds).

How a bill is worked out
========================
Every line is handled in the order of its ``line_id`` internally, which is what
makes the bill independent of the cart's order.

1. **Unit price.**  A staff price override wins; else the product's member price
   when a member is attached and it is lower than the catalog price; else the
   catalog price.  ``gross = unit price x quantity``, rounded HALF_UP to a minor
   unit.  An overridden line takes no promotions at all (the staff has set the
   price), but a staff discount still applies to it.

2. **Line promotions** (percent off, amount off, buy X get Y, bundle, member
   price).  A promotion takes part when it is active at ``context.at`` (its
   schedule), the attached member's level is one it allows, and it is not
   coupon-only -- unless it came with a coupon the cashier entered.

   * *Stackable* promotions apply one after another, highest ``priority`` first,
     equal priorities by promotion id (then coupon code) so the result never
     depends on the order they were loaded in.  Each works on what is left of a
     line after the ones before it, and never takes more than is left.
   * *Exclusive* promotions (``stackable=False``, "cannot be combined with other
     offers") compete.  An exclusive deal claims every line it matches: a
     claimed line gets that deal and nothing else -- no other line promotion, no
     order promotion, and it does not count towards spend thresholds.  The engine
     keeps a deal only if the bill's discounts as a whole (line, staff and order
     ones, tax aside) then add up to more.  Choosing
     the best set of overlapping deals is a set-packing problem, so the search
     is greedy and polynomial: candidates are tried from the biggest saving on
     its own down (then priority, then id); one whose lines are already claimed
     by an accepted deal is skipped; the rest is accepted only when it strictly
     raises the total discount of the best bill so far.  The bill is
     therefore never worse than the stackable promotions alone, though an
     unusual mix of overlapping exclusive deals may miss the very best
     combination.

   How each kind counts (on what is left of the matching lines):

   * ``PERCENT_OFF`` / ``MEMBER_PRICE``: ``percent_bp`` of each line, HALF_UP.
     A member-price promotion with no ``member_levels`` is for any member.
   * ``AMOUNT_OFF``: ``amount_minor`` per unit, ``amount x qty_milli / 1000``
     HALF_UP, so weighed goods get it per kg.
   * ``BUY_X_GET_Y``: whole units of the matching lines are pooled; every full
     ``buy_qty + get_qty`` units give ``get_qty`` units at ``percent_bp`` off, and
     the discounted units are the cheapest ones in the pool.
   * ``BUNDLE``: as many complete sets as the cart holds (whole units; the
     bundle's own products, not ``target``) are sold for ``bundle_price_minor``
     each; the sets take the dearest units first.  The saving is shared over the
     units used in proportion to their value.
   Weighed goods (``weighed`` or a fractional quantity) have no whole units, so
   they take no part in buy-X-get-Y or bundles.

3. **Staff discount** on a line (``manual_discount_bp`` or
   ``manual_discount_minor``, not both) after its promotions, on what is left.

4. **Order promotions**: ``SPEND_SAVE`` (滿減: the best tier reached counts; with
   ``repeat`` every full threshold saves again, 每滿1000減100), and coupons whose
   promotion is ``SPEND_SAVE`` or an ``AMOUNT_OFF`` / ``PERCENT_OFF`` with an
   empty target (once off the order, not per unit).  They count on what is left
   of their matching lines after steps 2-3, stack in priority order like line
   promotions (an exclusive one competes as in step 2), and each saving is
   shared over its lines in proportion to what is left of them by largest
   remainder -- the same rule as ``money.allocate`` -- so the lines add up to
   the cent.  A coupon whose promotion is a line kind applies in step 2 instead.

5. **Tax** per line on its net after all discounts: tax-inclusive lines contain
   ``net x rate / (1 + rate)`` (HALF_UP, as ``money.tax_from_inclusive``),
   tax-exclusive lines add ``net x rate``.  ``Bill.taxes`` groups them by
   (rate, inclusive) and adds up to the lines exactly.

6. **Delivery** from the rule on the goods total after discounts and before
   added tax (and the goods' weight); the fee is tax-inclusive at the rule's
   own rate and shows in ``Bill.taxes``.  An empty cart has no delivery fee.

7. **Cash rounding** last: the total to the currency's cash increment, HALF_UP.

Coupons
=======
A coupon is checked in this order and rejected with the first reason that
fits: the same code entered before, ignoring case and spaces (DUPLICATE);
outside its own validity or its promotion's schedule (NOT_YET_VALID /
EXPIRED); the member level not allowed (NOT_FOR_MEMBER); its promotion already
running automatically or given by an earlier coupon (DUPLICATE: one promotion
counts once); ``min_spend_minor`` above the goods total after automatic
promotions and staff discounts, before any coupon (MIN_SPEND).  A coupon that
passes takes part in steps 2 or 4 with its promotion's priority and
stackability.  If it then saves nothing it is rejected as NOT_STACKABLE when an
exclusive deal beat it (or claimed its lines), else NOTHING_TO_APPLY.  Whether a
coupon was already used is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import Enum
from typing import Any, cast

from shop_desktop.domain.money import Currency

__all__ = [
    "MANUAL_CODE",
    "MAX_CART_LINES",
    "MAX_LINE_MINOR",
    "MAX_QTY_MILLI",
    "MAX_UNIT_PRICE_MINOR",
    "WHOLE_BP",
    "AppliedDiscount",
    "Bill",
    "BillLine",
    "CartLine",
    "Coupon",
    "CouponRejection",
    "DeliveryKind",
    "DeliveryRule",
    "DeliveryUnavailable",
    "InvalidCart",
    "InvalidCartReason",
    "PricingContext",
    "Promotion",
    "PromotionKind",
    "Schedule",
    "Target",
    "TaxLine",
    "Tier",
    "delivery_rule_from_json",
    "delivery_rule_to_json",
    "is_active",
    "price_cart",
    "promotion_from_json",
    "promotion_to_json",
]

#: Basis points in a whole: 10000 bp = 100 %.
WHOLE_BP = 10_000
#: Limits beyond which a cart is a runaway scanner or a typo, not a sale.  They
#: keep every amount of a bill far inside a signed 64-bit database column.
MAX_CART_LINES = 5_000
MAX_QTY_MILLI = 1_000_000_000  # a million units on one line
MAX_UNIT_PRICE_MINOR = 10**12
MAX_LINE_MINOR = 10**14

# Whole units of a line are compared by value per unit as an exact-enough
# integer: two different fractions a/b, c/d with b, d <= 10**6 units differ by
# at least 1e-12, which this scale keeps apart.
_UNIT_VALUE_SCALE_BITS = 41


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded HALF_UP, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def _bad(what: str, value: object, expected: str) -> ValueError:
    return ValueError(f"{what} must be {expected}, got {value!r}")


def _check_int(value: object, what: str, low: int | None = 0, high: int | None = None) -> None:
    """Raise ValueError unless value is a plain int (not bool) within [low, high]."""
    if type(value) is not int:
        raise _bad(what, value, "a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low}" if low is not None else ""
        if high is not None:
            bounds = f"{bounds} to {high}" if bounds else f"at most {high}"
        raise _bad(what, value, f"a whole number {bounds}".rstrip())


def _check_ids(value: object, what: str) -> None:
    if not isinstance(value, frozenset) or not all(isinstance(v, str) and v for v in value):
        raise _bad(what, value, "a frozenset of non-empty strings")


def _check_naive(value: object, what: str, kind: type[datetime] | type[time]) -> None:
    """The till keeps naive local wall time; an aware value would not compare with it."""
    if value is None:
        return
    if not isinstance(value, kind):
        raise _bad(what, value, f"a {kind.__name__} or None")
    if value.tzinfo is not None:
        raise _bad(what, value, "naive local wall time (no time zone)")


# --- promotions -------------------------------------------------------------


class PromotionKind(Enum):
    """What a promotion gives; see the module docstring for how each counts."""

    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    SPEND_SAVE = "spend_save"
    BUY_X_GET_Y = "buy_x_get_y"
    BUNDLE = "bundle"
    MEMBER_PRICE = "member_price"


@dataclass(frozen=True, slots=True)
class Target:
    """What a promotion applies to: lines matching any of the ids; all empty = the whole cart."""

    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    brand_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _check_ids(self.product_ids, "target product_ids")
        _check_ids(self.category_ids, "target category_ids")
        _check_ids(self.brand_ids, "target brand_ids")

    @property
    def whole_cart(self) -> bool:
        return not (self.product_ids or self.category_ids or self.brand_ids)


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a promotion runs; all None/empty = always.

    ``[starts_at, ends_at)`` bounds the campaign; ``weekdays`` (0 = Monday) and
    the daily window ``[from_time, until_time)`` narrow it.  A window that ends
    before it starts runs over midnight (22:00-02:00), and its small hours belong
    to the day it started: a Friday-night window still runs at 01:00 on Saturday.
    """

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    weekdays: frozenset[int] = frozenset()
    from_time: time | None = None
    until_time: time | None = None

    def __post_init__(self) -> None:
        _check_naive(self.starts_at, "schedule starts_at", datetime)
        _check_naive(self.ends_at, "schedule ends_at", datetime)
        _check_naive(self.from_time, "schedule from_time", time)
        _check_naive(self.until_time, "schedule until_time", time)
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValueError(
                f"schedule ends_at ({self.ends_at}) must be after starts_at ({self.starts_at})"
            )
        if not isinstance(self.weekdays, frozenset) or not all(
            type(d) is int and 0 <= d <= 6 for d in self.weekdays
        ):
            raise _bad("schedule weekdays", self.weekdays, "a frozenset of 0 (Monday) to 6")
        if self.from_time is not None and self.from_time == self.until_time:
            raise ValueError(f"schedule daily window {self.from_time}-{self.until_time} is empty")

    def covers(self, at: datetime) -> bool:
        """Whether the schedule runs at this local wall time."""
        if (self.starts_at is not None and at < self.starts_at) or (
            self.ends_at is not None and at >= self.ends_at
        ):
            return False
        day = at.weekday()
        start, until = self.from_time, self.until_time
        if start is not None or until is not None:
            now = at.time()
            if start is not None and until is not None and until < start:
                if now < until:
                    day = (day - 1) % 7  # the small hours of yesterday's window
                elif now < start:
                    return False
            elif (start is not None and now < start) or (until is not None and now >= until):
                return False
        return not self.weekdays or day in self.weekdays


@dataclass(frozen=True, slots=True)
class Tier:
    """One step of a 滿減: spend at least ``threshold_minor``, save ``save_minor``."""

    threshold_minor: int
    save_minor: int

    def __post_init__(self) -> None:
        _check_int(self.threshold_minor, "tier threshold_minor", low=1)
        _check_int(self.save_minor, "tier save_minor")


_ALWAYS = Schedule()
_EVERYTHING = Target()


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion as the shop defines it; ``kind`` says which fields count.

    Construction checks the values (ValueError), so a promotion the engine
    receives always makes sense: e.g. a buy-X-get-Y needs ``buy_qty``,
    ``get_qty`` and a ``percent_bp`` from 1 to 10000 (10000 = free).
    """

    id: str
    code: str
    name_zh: str
    name_en: str
    kind: PromotionKind
    target: Target = _EVERYTHING
    schedule: Schedule = _ALWAYS
    percent_bp: int = 0
    amount_minor: int = 0
    tiers: tuple[Tier, ...] = ()
    repeat: bool = False
    buy_qty: int = 0
    get_qty: int = 0
    bundle: tuple[tuple[str, int], ...] = ()
    bundle_price_minor: int = 0
    member_levels: frozenset[str] = frozenset()
    priority: int = 0
    stackable: bool = True
    coupon_only: bool = False

    def __post_init__(self) -> None:  # noqa: PLR0912 - one check per field, in field order
        for name in ("id", "code"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise _bad(f"promotion {name}", value, "a non-empty string")
        for name in ("name_zh", "name_en"):
            if not isinstance(getattr(self, name), str):
                raise _bad(f"promotion {name}", getattr(self, name), "a string")
        if not isinstance(self.kind, PromotionKind):
            raise _bad("promotion kind", self.kind, "a PromotionKind")
        if not isinstance(self.target, Target):
            raise _bad("promotion target", self.target, "a Target")
        if not isinstance(self.schedule, Schedule):
            raise _bad("promotion schedule", self.schedule, "a Schedule")
        _check_int(self.percent_bp, "percent_bp", high=WHOLE_BP)
        _check_int(self.amount_minor, "amount_minor")
        if not isinstance(self.tiers, tuple) or not all(isinstance(t, Tier) for t in self.tiers):
            raise _bad("tiers", self.tiers, "a tuple of Tier")
        _check_int(self.buy_qty, "buy_qty")
        _check_int(self.get_qty, "get_qty")
        if not isinstance(self.bundle, tuple):
            raise _bad("bundle", self.bundle, "a tuple of (product_id, qty)")
        for part in self.bundle:
            if not (isinstance(part, tuple) and len(part) == 2 and isinstance(part[0], str)):
                raise _bad("bundle part", part, "a (product_id, qty) pair")
            _check_int(part[1], f"bundle qty of {part[0]!r}", low=1)
        if len({pid for pid, _ in self.bundle}) != len(self.bundle):
            raise ValueError(f"bundle lists a product twice: {self.bundle!r}")
        _check_int(self.bundle_price_minor, "bundle_price_minor")
        _check_ids(self.member_levels, "member_levels")
        _check_int(self.priority, "priority", low=None)
        for name in ("repeat", "stackable", "coupon_only"):
            if not isinstance(getattr(self, name), bool):
                raise _bad(name, getattr(self, name), "True or False")
        self._check_kind()

    def _check_kind(self) -> None:
        """The fields the kind needs, so a promotion never silently gives nothing."""
        kind = self.kind
        if kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE) and not self.percent_bp:
            raise ValueError(f"{kind.value} needs percent_bp from 1 to {WHOLE_BP}")
        if kind is PromotionKind.AMOUNT_OFF and not self.amount_minor:
            raise ValueError("amount_off needs amount_minor of at least 1")
        if kind is PromotionKind.SPEND_SAVE and not self.tiers:
            raise ValueError("spend_save needs at least one tier")
        if kind is PromotionKind.BUY_X_GET_Y and not (
            self.buy_qty and self.get_qty and self.percent_bp
        ):
            raise ValueError(
                "buy_x_get_y needs buy_qty and get_qty of at least 1 and percent_bp "
                f"from 1 to {WHOLE_BP} ({WHOLE_BP} = free)"
            )
        if kind is PromotionKind.BUNDLE and not self.bundle:
            raise ValueError("bundle needs at least one (product_id, qty)")


def is_active(promotion: Promotion, at: datetime) -> bool:
    """Whether the promotion's schedule runs at ``at`` (naive local wall time)."""
    return promotion.schedule.covers(at)


@dataclass(frozen=True, slots=True)
class Coupon:
    """A coupon the cashier entered; its promotion is usually ``coupon_only``."""

    code: str
    promotion: Promotion
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    min_spend_minor: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise _bad("coupon code", self.code, "a non-empty string")
        if not isinstance(self.promotion, Promotion):
            raise _bad("coupon promotion", self.promotion, "a Promotion")
        _check_naive(self.valid_from, "coupon valid_from", datetime)
        _check_naive(self.valid_until, "coupon valid_until", datetime)
        _check_int(self.min_spend_minor, "coupon min_spend_minor")


class CouponRejection(Enum):
    """Why a coupon entered at the counter gave nothing; the UI words each one."""

    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MIN_SPEND = "min_spend"
    NOTHING_TO_APPLY = "nothing_to_apply"
    DUPLICATE = "duplicate"
    NOT_FOR_MEMBER = "not_for_member"
    NOT_STACKABLE = "not_stackable"  # lost to a better exclusive deal


# --- delivery ---------------------------------------------------------------


class DeliveryKind(Enum):
    FLAT = "flat"
    FREE_ABOVE = "free_above"
    BY_WEIGHT = "by_weight"
    BY_ZONE = "by_zone"


@dataclass(frozen=True, slots=True)
class DeliveryRule:
    """How the delivery fee is worked out; the fee is tax-inclusive at ``tax_rate_bp``.

    FLAT: ``fee_minor``.  FREE_ABOVE: ``fee_minor`` unless the goods total after
    discounts reaches ``threshold_minor``.  BY_WEIGHT: ``fee_minor`` plus
    ``per_kg_minor`` per started kg.  BY_ZONE: the fee of the context's zone.
    """

    kind: DeliveryKind
    fee_minor: int = 0
    threshold_minor: int = 0
    per_kg_minor: int = 0
    zone_fees: tuple[tuple[str, int], ...] = ()
    tax_rate_bp: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, DeliveryKind):
            raise _bad("delivery kind", self.kind, "a DeliveryKind")
        _check_int(self.fee_minor, "delivery fee_minor", high=MAX_LINE_MINOR)
        _check_int(self.threshold_minor, "delivery threshold_minor")
        _check_int(self.per_kg_minor, "delivery per_kg_minor", high=MAX_LINE_MINOR)
        _check_int(self.tax_rate_bp, "delivery tax_rate_bp", high=WHOLE_BP)
        if not isinstance(self.zone_fees, tuple):
            raise _bad("delivery zone_fees", self.zone_fees, "a tuple of (zone, fee_minor)")
        for zone in self.zone_fees:
            if not (isinstance(zone, tuple) and len(zone) == 2 and isinstance(zone[0], str)):
                raise _bad("delivery zone", zone, "a (zone, fee_minor) pair")
            _check_int(zone[1], f"delivery fee of zone {zone[0]!r}", high=MAX_LINE_MINOR)
        if len({zone for zone, _ in self.zone_fees}) != len(self.zone_fees):
            raise ValueError(f"delivery zone_fees lists a zone twice: {self.zone_fees!r}")


class DeliveryUnavailable(ValueError):
    """The shop does not deliver to this zone (BY_ZONE has no fee for it)."""

    reason = "unknown_zone"

    def __init__(self, zone: str) -> None:
        super().__init__(f"no delivery fee for zone {zone!r}")
        self.zone = zone


# --- the cart and its context -----------------------------------------------


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


# --- the bill ---------------------------------------------------------------


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


# --- the engine -------------------------------------------------------------

# The kinds as plain globals: reading a member off an Enum class costs several
# times a global look-up, and the engine asks once per promotion and trial.
_PERCENT_OFF = PromotionKind.PERCENT_OFF
_AMOUNT_OFF = PromotionKind.AMOUNT_OFF
_SPEND_SAVE = PromotionKind.SPEND_SAVE
_BUNDLE = PromotionKind.BUNDLE
_MEMBER_PRICE = PromotionKind.MEMBER_PRICE


class _Cart:
    """The cart's lines in line_id order, as plain lists of ints for the hot loops."""

    __slots__ = ("gross", "manual", "product_ids", "qty", "units")

    def __init__(self) -> None:
        self.gross: list[int] = []
        self.qty: list[int] = []
        self.units: list[int] = []  # whole units that can take part in deals; 0 if none
        self.product_ids: list[str] = []
        self.manual: list[tuple[int, int, int]] = []  # (line, bp, minor)


#: Per line, the (entry key, money off) pairs that explain its discount.
_Applied = list[list[tuple[int, int]]]
#: An order promotion's saving as shared out: (entry key, its lines, each line's share).
_Grant = tuple[int, Sequence[int], list[int]]
#: Applying a promotion to some lines: lowers ``left`` and records why in ``applied``.
_Apply = Callable[[Promotion, Sequence[int], list[int], _Cart, int, _Applied], None]


def _percent_off(  # noqa: PLR0917 - one shape for every kind, called in the hot loop
    p: Promotion, lines: Sequence[int], left: list[int], cart: _Cart, key: int, applied: _Applied
) -> None:
    bp = p.percent_bp
    for i in lines:
        rest = left[i]
        if rest:
            off = (2 * rest * bp + WHOLE_BP) // (2 * WHOLE_BP)
            if off:
                left[i] = rest - off
                applied[i].append((key, off))


def _amount_off(  # noqa: PLR0917 - one shape for every kind, called in the hot loop
    p: Promotion, lines: Sequence[int], left: list[int], cart: _Cart, key: int, applied: _Applied
) -> None:
    # Per unit, or per kg of weighed goods: amount x qty_milli / 1000.
    amount, qty = p.amount_minor, cart.qty
    for i in lines:
        rest = left[i]
        if rest:
            off = min(rest, (2 * amount * qty[i] + 1000) // 2000)
            if off:
                left[i] = rest - off
                applied[i].append((key, off))


def _buy_x_get_y(  # noqa: PLR0917 - one shape for every kind, called in the hot loop
    p: Promotion, lines: Sequence[int], left: list[int], cart: _Cart, key: int, applied: _Applied
) -> None:
    units = cart.units
    pool = [i for i in lines if units[i] and left[i]]
    free = sum(units[i] for i in pool) // (p.buy_qty + p.get_qty) * p.get_qty
    if not free:
        return
    # The cheapest units are the discounted ones.
    pool.sort(key=lambda i: ((left[i] << _UNIT_VALUE_SCALE_BITS) // units[i], i))
    bp = p.percent_bp
    for i in pool:
        take = min(units[i], free)
        rest = left[i]
        off = min(rest, _half_up(rest * take * bp, units[i] * WHOLE_BP))
        if off:
            left[i] = rest - off
            applied[i].append((key, off))
        free -= take
        if not free:
            break


def _bundle(  # noqa: PLR0917 - one shape for every kind, called in the hot loop
    p: Promotion, lines: Sequence[int], left: list[int], cart: _Cart, key: int, applied: _Applied
) -> None:
    units, product_ids = cart.units, cart.product_ids
    by_product: dict[str, list[int]] = {}
    for i in lines:
        if units[i] and left[i]:
            by_product.setdefault(product_ids[i], []).append(i)
    sets = min(sum(units[i] for i in by_product.get(pid, ())) // need for pid, need in p.bundle)
    if not sets:
        return
    taken: list[tuple[int, int]] = []  # (line, value of the units the sets use)
    for pid, need in p.bundle:
        want = need * sets
        # The dearest units go into the sets: the bigger saving for the customer.
        for i in sorted(
            by_product[pid], key=lambda i: (-((left[i] << _UNIT_VALUE_SCALE_BITS) // units[i]), i)
        ):
            take = min(units[i], want)
            taken.append((i, left[i] if take == units[i] else _half_up(left[i] * take, units[i])))
            want -= take
            if not want:
                break
    saving = sum(value for _, value in taken) - sets * p.bundle_price_minor
    if saving <= 0:
        return
    for (i, _), off in zip(taken, _allocate(saving, [v for _, v in taken]), strict=True):
        if off:
            left[i] -= off
            applied[i].append((key, off))


def _order_saving(p: Promotion, base: int) -> int:
    """What an order promotion saves on ``base`` (what is left of its lines)."""
    kind = p.kind
    if kind is _SPEND_SAVE:
        best = 0
        for tier in p.tiers:
            if base >= tier.threshold_minor:
                times = base // tier.threshold_minor if p.repeat else 1
                best = max(best, tier.save_minor * times)
        return min(best, base)
    if kind is _AMOUNT_OFF:
        return min(p.amount_minor, base)
    return _half_up(base * p.percent_bp, WHOLE_BP)  # order-wide PERCENT_OFF coupon


def _grant(p: Promotion, lines: Sequence[int], left: list[int]) -> list[int] | None:
    """An order promotion on ``lines``: lowers ``left``, returns each line's share (None: 0)."""
    weights = [left[i] for i in lines]
    base = sum(weights)
    saving = _order_saving(p, base)
    if not saving:
        return None
    shares = _allocate(saving, weights, base)
    for i, off in zip(lines, shares, strict=True):
        left[i] -= off
    return shares


def _order_promotion(  # noqa: PLR0917 - one shape for every kind, called in the hot loop
    p: Promotion, lines: Sequence[int], left: list[int], cart: _Cart, key: int, applied: _Applied
) -> None:
    shares = _grant(p, lines, left)
    if shares is not None:
        for i, off in zip(lines, shares, strict=True):
            if off:
                applied[i].append((key, off))


def _allocate(total: int, weights: Sequence[int], whole: int | None = None) -> list[int]:
    """``money.allocate`` on plain ints: shares of total (>= 0) by weights (>= 0, sum > 0).

    Largest remainder; leftover units go to the largest remainders, the earlier
    index first on ties.  Kept in step with money.allocate by a test; this
    version skips building a Money per share, which the hot path cannot afford.
    ``whole`` is ``sum(weights)`` when the caller has it already.
    """
    if whole is None:
        whole = sum(weights)
    result = [total * w // whole for w in weights]
    leftover = total - sum(result)
    if leftover:
        remainders = [total * w % whole for w in weights]
        # A stable sort, reversed, keeps the earlier index first among equal remainders.
        ranked = sorted(range(len(remainders)), key=remainders.__getitem__, reverse=True)
        for i in ranked[:leftover]:
            result[i] += 1
    return result


_LINE_APPLY: dict[PromotionKind, _Apply] = {
    PromotionKind.PERCENT_OFF: _percent_off,
    PromotionKind.AMOUNT_OFF: _amount_off,
    PromotionKind.MEMBER_PRICE: _percent_off,
    PromotionKind.BUY_X_GET_Y: _buy_x_get_y,
    PromotionKind.BUNDLE: _bundle,
}
#: The same, by the kind's identity: an Enum member hashes in Python, an id in C.
_LINE_APPLY_BY_ID: dict[int, _Apply] = {id(kind): apply for kind, apply in _LINE_APPLY.items()}


@dataclass(slots=True, eq=False)
class _Entry:
    """A promotion taking part in this bill, from the shop's list or from a coupon."""

    promotion: Promotion
    coupon: Coupon | None
    order_level: bool
    lines: tuple[int, ...] = ()
    line_set: frozenset[int] = frozenset()
    key: int = 0  # application order; also the order discounts are listed in
    apply: _Apply = _percent_off

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        code = "" if self.coupon is None else self.coupon.code
        return (self.order_level, -self.promotion.priority, self.promotion.id, code)


#: An order promotion taking part in an outcome: its entry, and its lines in
#: line order and as a set.
_OrderStep = tuple["_Entry", Sequence[int], frozenset[int]]


def _settle(steps: Sequence[_OrderStep], line_left: list[int]) -> tuple[list[int], list[_Grant]]:
    """The order promotions one after another: what is left of each line, and their grants."""
    left = line_left.copy()
    grants: list[_Grant] = []
    for entry, lines, _ in steps:
        shares = _grant(entry.promotion, lines, left)
        if shares is not None:
            grants.append((entry.key, lines, shares))
    return left, grants


def _order_savings(
    steps: Sequence[_OrderStep], line_left: Sequence[int]
) -> tuple[int, list[int]] | None:
    """What the order promotions save together and the keys of those saving anything,
    if that is certain without sharing each saving out over its lines (else None).

    ``_settle`` gives the same, sharing every saving out.  A step's base is what
    is left of its lines, so it depends on the shares earlier steps took from
    the lines they have in common -- and only there.  Those shares are merely
    bounded here: with weight w of base b, a saving s gives w a share of
    ``s * w // b`` or one more.  So each such line carries a range, a step's
    base a range, and its saving is certain when it is the same at both ends
    of that range, as no saving falls when the base grows.  Mostly it is: a
    spend-and-save tier rarely sits within a few cents of the base.
    """
    at = line_left.__getitem__
    low: dict[int, int] = {}  # line -> the least that can be left of it, where uncertain
    high: dict[int, int] = {}  # ... and the most
    saved = 0
    gave: list[int] = []
    for k, (entry, lines, line_set) in enumerate(steps):
        base_high = base_low = sum(map(at, lines))
        if low and not line_set.isdisjoint(low):
            for i, least in low.items():
                if i in line_set:
                    base_low -= at(i) - least
                    base_high -= at(i) - high[i]
        saving = _order_saving(entry.promotion, base_high)
        if saving != _order_saving(entry.promotion, base_low):
            return None
        if not saving:
            continue
        saved += saving
        gave.append(entry.key)
        # The lines later steps count: only there does this step's sharing matter.
        shared: set[int] = set()
        for _, _, later_set in steps[k + 1 :]:
            shared |= line_set & later_set
        for i in shared:
            least, most = low.get(i, at(i)), high.get(i, at(i))
            share_low = saving * least // base_high
            share_high = min(saving * most // base_low + 1, most)
            low[i], high[i] = max(least - share_high, 0), most - share_low
    return saved, gave


@dataclass(slots=True, eq=False)
class _Outcome:
    """One way of pricing the cart: what is left of each line and why.

    Line promotions and staff discounts (``line_*``) are kept apart from order
    promotions (``order_steps``) so that a trial deal re-prices only the lines
    it can change.  The per-line lists are shared between outcomes: never mutate.
    Trials are compared by ``saving`` alone, so how the order promotions share
    their savings out over the lines is worked out (``settle``) only when needed.
    """

    line_left: list[int]  # after line promotions and staff discounts
    line_applied: _Applied  # per line: (entry key, money off)
    order_steps: list[_OrderStep]  # in the order they apply
    order_gave: list[int]  # keys of the order promotions that save anything
    goods: int  # what is left of the whole cart after every promotion
    saving: int
    winners: tuple[_Entry, ...]
    claimed: frozenset[int]  # the lines the winners hold
    settled: tuple[list[int], list[_Grant]] | None = None  # see settle()

    def settle(self) -> tuple[list[int], list[_Grant]]:
        """What is left of each line after the order promotions too, and their grants."""
        if self.settled is None:
            self.settled = _settle(self.order_steps, self.line_left)
        return self.settled

    def all_applied(self) -> _Applied:
        """Per line, every (entry key, money off): line promotions and staff, then order ones."""
        _, grants = self.settle()
        if not grants:
            return self.line_applied
        applied = list(map(list.copy, self.line_applied))
        for key, lines, shares in grants:
            for i, off in zip(lines, shares, strict=True):
                if off:
                    applied[i].append((key, off))
        return applied

    def gave(self, entry: _Entry) -> bool:
        """Whether the entry took anything off (it can only act on its own lines)."""
        key = entry.key
        if entry.order_level:
            return key in self.order_gave
        applied = self.line_applied
        return any(k == key for i in entry.lines for k, _ in applied[i])


_COUPLED: tuple[_Apply, ...] = (_buy_x_get_y, _bundle)


def _unclaimed(entry: _Entry, claimed: frozenset[int]) -> _OrderStep:
    """The entry on its lines that no accepted exclusive deal holds."""
    if entry.line_set.isdisjoint(claimed):
        return entry, entry.lines, entry.line_set
    rest = entry.line_set - claimed
    return entry, sorted(rest), rest  # entry.lines is in line order: the same list


class _Search:
    """The greedy search over exclusive deals of rule 2, for one set of entries."""

    def __init__(self, cart: _Cart, entries: Sequence[_Entry], manual_key: int) -> None:
        self.cart = cart
        self.entries = entries
        self.manual_key = manual_key
        self.line_stack = [e for e in entries if e.promotion.stackable and not e.order_level]
        self.order_stack = [e for e in entries if e.promotion.stackable and e.order_level]
        #: Stack entries whose lines are priced together (buy-X-get-Y, bundles).
        self.coupled = [e for e in self.line_stack if e.apply in _COUPLED]
        self.subtotal = sum(cart.gross)

    def _line_stage(
        self,
        lines: Sequence[int] | None,
        claimed: frozenset[int],
        deals: Sequence[_Entry],
        left: list[int],
        applied: _Applied,
    ) -> None:
        """Line promotions and staff discounts on ``lines``, from gross.

        ``lines`` None is the whole cart: ``left`` and ``applied`` are then filled anew.

        Stack entries skip claimed lines; the line-level ``deals`` act on their own lines.
        """
        cart = self.cart
        if lines is None:
            lines = range(len(cart.gross))
            wanted = None
            left[:] = cart.gross
            applied[:] = [[] for _ in lines]
        else:
            wanted = set(lines) - claimed
            gross = cart.gross
            for i in lines:
                left[i] = gross[i]
                applied[i] = []
        for entry in self.line_stack:
            if wanted is None:
                chosen: Sequence[int] = entry.lines
            elif entry.line_set.isdisjoint(wanted):
                continue
            else:
                chosen = [i for i in entry.lines if i in wanted]
            entry.apply(entry.promotion, chosen, left, cart, entry.key, applied)
        for deal in deals:
            if not deal.order_level:
                deal.apply(deal.promotion, deal.lines, left, cart, deal.key, applied)
        manual_key = self.manual_key
        everywhere = wanted is None
        touched = set(lines) if not everywhere else None
        for i, bp, minor in cart.manual:
            if everywhere or i in touched:  # type: ignore[operator]
                rest = left[i]
                off = min(rest, _half_up(rest * bp, WHOLE_BP) if bp else minor)
                if off:
                    left[i] = rest - off
                    applied[i].append((manual_key, off))

    def _finish(
        self,
        line_left: list[int],
        line_applied: _Applied,
        winners: tuple[_Entry, ...],
        claimed: frozenset[int],
        stack_steps: list[_OrderStep] | None = None,
    ) -> _Outcome:
        """Order promotions on top of a line stage: the stack, then order-level deals.

        ``stack_steps`` are the order stack on its unclaimed lines, if the caller has them.
        """
        if stack_steps is None:
            stack_steps = [_unclaimed(entry, claimed) for entry in self.order_stack]
        steps = stack_steps + [(w, w.lines, w.line_set) for w in winners if w.order_level]
        # The savings alone decide between trials: the shares line by line are
        # worked out for the bill (settle), or here if the savings need them.
        settled = None
        quick = _order_savings(steps, line_left)
        if quick is None:
            settled = left, grants = _settle(steps, line_left)
            goods = sum(left)
            gave = [key for key, _, _ in grants]
        else:
            saved, gave = quick
            goods = sum(line_left) - saved
        return _Outcome(
            line_left,
            line_applied,
            steps,
            gave,
            goods,
            self.subtotal - goods,
            winners,
            claimed,
            settled,
        )

    def stack_only(self) -> _Outcome:
        left: list[int] = []
        applied: _Applied = []
        self._line_stage(None, frozenset(), (), left, applied)
        return self._finish(left, applied, (), frozenset())

    def priced(self, winners: tuple[_Entry, ...]) -> _Outcome:
        """The plain way, from scratch, with these deals holding their lines.

        ``with_deal`` must give the same; tests hold it to that (``_price``).
        """
        n = len(self.cart.gross)
        claimed = frozenset().union(*(w.line_set for w in winners))
        left = [0] * n
        applied: _Applied = [[] for _ in range(n)]
        self._line_stage(range(n), claimed, winners, left, applied)
        return self._finish(left, applied, winners, claimed)

    def with_deal(self, base: _Outcome, deal: _Entry) -> _Outcome | None:
        """``base`` plus one more exclusive deal, or None if that cannot save more than base.

        Only the lines the deal can affect are re-priced: its own lines and,
        through buy-X-get-Y and bundles (whose units are counted together), every
        line sharing such a promotion with them.
        """
        claimed = base.claimed | deal.line_set
        affected = set(deal.line_set)
        grown = True
        while grown:
            grown = False
            for entry in self.coupled:
                if not affected.isdisjoint(entry.line_set):
                    more = entry.line_set - affected - claimed
                    if more:
                        affected |= more
                        grown = True
        left = base.line_left.copy()
        applied = base.line_applied.copy()
        self._line_stage(sorted(affected), claimed, (deal,), left, applied)
        winners = (*base.winners, deal)
        # Order promotions save no more than they would on what the line stage
        # left (their savings grow with the spend), so a hopeless deal is
        # dropped before the costlier exact order stage.
        ceiling = self.subtotal - sum(left)
        at = left.__getitem__
        stack_steps = [_unclaimed(entry, claimed) for entry in self.order_stack]
        for entry, lines, _ in stack_steps:
            ceiling += _order_saving(entry.promotion, sum(map(at, lines)))
        for winner in winners:
            if winner.order_level:
                ceiling += _order_saving(winner.promotion, sum(map(at, winner.lines)))
        if ceiling <= base.saving:
            return None
        return self._finish(left, applied, winners, claimed, stack_steps)

    def alone(self, entry: _Entry) -> int:
        """What an exclusive deal saves on its lines with nothing else (but staff discounts)."""
        left = self.cart.gross.copy()
        if entry.order_level:
            for i, bp, minor in self.cart.manual:
                left[i] -= min(left[i], _half_up(left[i] * bp, WHOLE_BP) if bp else minor)
        # Only the entry's own lines can change.
        at = left.__getitem__
        before = sum(map(at, entry.lines))
        scratch: _Applied = [[]] * len(left)  # the reasons are not wanted here
        entry.apply(entry.promotion, entry.lines, left, self.cart, entry.key, scratch)
        return before - sum(map(at, entry.lines))

    def best(self, *, incremental: bool = True) -> tuple[_Outcome, dict[int, int]]:
        """The chosen pricing, and each exclusive deal's saving on its own.

        Deals are tried from the biggest saving alone down; one is kept only if
        it lowers the whole bill, and one whose lines an accepted deal holds is
        skipped (greedy, see the module docstring).  ``incremental=False``
        prices every trial from scratch: slower, the reference for tests.
        """
        best = self.stack_only()
        alone = {
            e.key: self.alone(e) for e in self.entries if not e.promotion.stackable and e.lines
        }
        candidates = sorted(
            (e for e in self.entries if alone.get(e.key, 0) > 0),
            key=lambda e: (-alone[e.key], -e.promotion.priority, e.promotion.id, e.key),
        )
        for entry in candidates:
            if best.claimed.isdisjoint(entry.line_set):
                if incremental:
                    trial = self.with_deal(best, entry)
                else:
                    trial = self.priced((*best.winners, entry))
                if trial is not None and trial.saving > best.saving:
                    best = trial
        return best, alone


def _numbered(entries: list[_Entry]) -> tuple[list[_Entry], int]:
    """Entries in application order, keyed so; returns the key of staff discounts.

    Keys also order the discounts listed on a line and on the bill: line
    promotions by priority, then the staff discount, then order promotions.
    """
    entries.sort(key=lambda e: e.sort_key)
    manual_key = sum(1 for e in entries if not e.order_level)
    for key, e in enumerate(entries):
        e.key = key + 1 if e.order_level else key
    return entries, manual_key


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


def _member_allows(promotion: Promotion, level: str | None) -> bool:
    if promotion.member_levels:
        return level in promotion.member_levels
    return promotion.kind is not _MEMBER_PRICE or level is not None


def _coupon_timing(coupon: Coupon, at: datetime) -> CouponRejection | None:
    schedule = coupon.promotion.schedule
    if (coupon.valid_from is not None and at < coupon.valid_from) or (
        schedule.starts_at is not None and at < schedule.starts_at
    ):
        return CouponRejection.NOT_YET_VALID
    if (coupon.valid_until is not None and at >= coupon.valid_until) or (
        schedule.ends_at is not None and at >= schedule.ends_at
    ):
        return CouponRejection.EXPIRED
    if not schedule.covers(at):
        return CouponRejection.NOT_YET_VALID  # outside its days or hours: not now
    return None


def price_cart(lines: Sequence[CartLine], context: PricingContext) -> Bill:
    """Price the cart under the context's rules (see the module docstring).

    Raises InvalidCart for a line the engine cannot price and
    DeliveryUnavailable when delivery by zone has no fee for the zone.
    """
    return _price(lines, context, incremental=True)


def _price(lines: Sequence[CartLine], context: PricingContext, *, incremental: bool) -> Bill:
    """``price_cart``; ``incremental=False`` re-prices each trial deal from scratch (tests)."""
    _check_cart(lines)
    order = sorted(range(len(lines)), key=lambda k: lines[k].line_id)
    canon = [lines[k] for k in order]
    cart, unit_prices, eligible = _index_cart(canon, context.member_level)
    at, member = context.at, context.member_level
    running = [
        p
        for p in context.promotions
        if not p.coupon_only and _member_allows(p, member) and p.schedule.covers(at)
    ]
    matching = _matcher(canon, eligible, [*running, *(c.promotion for c in context.coupons)])
    outcome, verdicts, by_key = _apply_promotions(
        cart, running, matching, context, incremental=incremental
    )
    return _bill(
        context,
        canon=canon,
        order=order,
        cart=cart,
        unit_prices=unit_prices,
        outcome=outcome,
        verdicts=verdicts,
        by_key=by_key,
    )


def _index_cart(
    canon: Sequence[CartLine], member: str | None
) -> tuple[_Cart, list[int], list[int]]:
    """Step 1: unit prices and gross; also the lines promotions may touch (not overridden)."""
    cart = _Cart()
    cart.qty = [line.qty_milli for line in canon]
    cart.product_ids = [line.product_id for line in canon]
    cart.units = [
        0 if line.weighed or q % 1000 else q // 1000
        for line, q in zip(canon, cart.qty, strict=True)
    ]
    unit_prices: list[int] = []
    eligible: list[int] = []
    gross_minor = cart.gross
    manual = cart.manual
    for i, line in enumerate(canon):
        override = line.price_override_minor
        if override is not None:
            price = override  # the staff set it: no promotions on this line
        else:
            price = line.unit_price_minor
            member_price = line.member_price_minor
            if member is not None and member_price is not None and member_price < price:
                price = member_price
            eligible.append(i)
        gross = (2 * price * line.qty_milli + 1000) // 2000
        if gross > MAX_LINE_MINOR:
            raise InvalidCart(InvalidCartReason.TOO_LARGE, line.line_id)
        unit_prices.append(price)
        gross_minor.append(gross)
        if line.manual_discount_bp or line.manual_discount_minor:
            manual.append((i, line.manual_discount_bp, line.manual_discount_minor))
    return cart, unit_prices, eligible


def _index_ids(
    index: dict[str, list[int]] | dict[str | None, list[int]], ids: Iterable[str], slot: int
) -> None:
    for key in ids:
        index.setdefault(key, []).append(slot)


class _PromotionIndex:
    """Promotions by the product, category and brand ids they name, each in a slot."""

    __slots__ = ("by_brand", "by_category", "by_product", "slots", "whole_cart")

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.slots: dict[int, int] = {}  # id(promotion) -> its slot
        self.whole_cart: list[int] = []
        self.by_product: dict[str, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        self.by_brand: dict[str | None, list[int]] = {}  # a line's brand may be None: no key
        slots = self.slots
        for p in promotions:
            if id(p) in slots:
                continue
            slot = slots[id(p)] = len(slots)
            target = p.target
            if p.kind is _BUNDLE:
                _index_ids(self.by_product, (pid for pid, _ in p.bundle), slot)
            elif target.whole_cart:
                self.whole_cart.append(slot)
            else:
                _index_ids(self.by_product, target.product_ids, slot)
                _index_ids(self.by_category, target.category_ids, slot)
                _index_ids(self.by_brand, target.brand_ids, slot)


def _matcher(
    canon: Sequence[CartLine], eligible: Sequence[int], promotions: Iterable[Promotion]
) -> Callable[[Promotion], tuple[int, ...]]:
    """The lines each promotion matches, in line order, found in one pass over the cart.

    Promotions are indexed by the product, category and brand ids they name, so
    each line costs a few dictionary look-ups however many promotions there are.
    """
    index = _PromotionIndex(promotions)
    slots = index.slots
    found: list[list[int]] = [[] for _ in slots]
    product_hits, brand_hits = index.by_product.get, index.by_brand.get
    category_hits = index.by_category.get if index.by_category else None
    for i in eligible:
        line = canon[i]
        hits = product_hits(line.product_id)
        if category_hits is not None:
            for category in line.category_ids:
                more = category_hits(category)
                if more is not None:
                    hits = more if hits is None else hits + more
        more = brand_hits(line.brand_id)
        if more is not None:
            hits = more if hits is None else hits + more
        if hits is not None:
            for slot in hits:
                lines = found[slot]
                if not lines or lines[-1] != i:  # matched twice (e.g. by category and brand)
                    lines.append(i)
    everything = tuple(eligible)
    result = [tuple(lines) for lines in found]
    for slot in index.whole_cart:
        result[slot] = everything
    return lambda p: result[slots[id(p)]]


def _screen_coupons(context: PricingContext, running: set[str]) -> list[CouponRejection | None]:
    """Coupon verdicts that need no pricing, in the order entered (None = still in).

    ``running`` holds the ids of promotions already counting; a coupon that
    gets in adds its promotion's id, so a second coupon for it is a duplicate.
    """
    verdicts: list[CouponRejection | None] = []
    codes: set[str] = set()
    for coupon in context.coupons:
        code = coupon.code.strip().upper()
        if code in codes:
            verdicts.append(CouponRejection.DUPLICATE)
            continue
        codes.add(code)
        verdict = _coupon_timing(coupon, context.at)
        if verdict is None and not _member_allows(coupon.promotion, context.member_level):
            verdict = CouponRejection.NOT_FOR_MEMBER
        if verdict is None and coupon.promotion.id in running:
            verdict = CouponRejection.DUPLICATE  # one promotion counts once
        if verdict is None:
            running.add(coupon.promotion.id)
        verdicts.append(verdict)
    return verdicts


def _apply_promotions(
    cart: _Cart,
    running: Sequence[Promotion],
    matching: Callable[[Promotion], tuple[int, ...]],
    context: PricingContext,
    *,
    incremental: bool,
) -> tuple[_Outcome, list[CouponRejection | None], dict[int, _Entry | None]]:
    """Steps 2-4 and the coupons' verdicts (None = applied), one per coupon entered.

    ``running`` are the shop's promotions in force now for this customer.
    """

    def entry(promotion: Promotion, coupon: Coupon | None) -> _Entry:
        kind = promotion.kind
        order_level = kind is _SPEND_SAVE or (
            coupon is not None
            and (kind is _AMOUNT_OFF or kind is _PERCENT_OFF)
            and promotion.target.whole_cart
        )
        apply = _order_promotion if order_level else _LINE_APPLY_BY_ID[id(kind)]
        found = matching(promotion)
        return _Entry(promotion, coupon, order_level, found, frozenset(found), 0, apply)

    automatic = [entry(p, None) for p in running]
    verdicts = _screen_coupons(context, {p.id for p in running})
    accepted = [(i, c) for i, c in enumerate(context.coupons) if verdicts[i] is None]
    outcome: _Outcome | None = None
    if any(coupon.min_spend_minor for _, coupon in accepted):
        # Minimum spend is what the goods cost with everything but coupons.
        outcome, _ = _Search(cart, *_numbered(automatic.copy())).best(incremental=incremental)
        goods = outcome.goods
        for index, coupon in accepted:
            if coupon.min_spend_minor > goods:
                verdicts[index] = CouponRejection.MIN_SPEND
        accepted = [(index, coupon) for index, coupon in accepted if verdicts[index] is None]
    from_coupons = {index: entry(coupon.promotion, coupon) for index, coupon in accepted}
    entries, manual_key = _numbered(automatic + list(from_coupons.values()))
    alone: dict[int, int] = {}
    if outcome is None or from_coupons:
        outcome, alone = _Search(cart, entries, manual_key).best(incremental=incremental)

    claimed = outcome.claimed
    for index, e in from_coupons.items():
        if outcome.gave(e):
            continue
        if e.promotion.stackable:
            lost = not claimed.isdisjoint(e.line_set)
        else:
            lost = alone.get(e.key, 0) > 0
        verdicts[index] = (
            CouponRejection.NOT_STACKABLE if lost else CouponRejection.NOTHING_TO_APPLY
        )
    by_key: dict[int, _Entry | None] = {e.key: e for e in entries}
    by_key[manual_key] = None
    return outcome, verdicts, by_key


# --- building the bill -----------------------------------------------------
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


#: What an AppliedDiscount says besides the amount: promotion id, code, names, coupon code.
_Reason = tuple[str | None, str, str, str, str | None]
_MANUAL_REASON: _Reason = (None, MANUAL_CODE, "店員折扣", "Staff discount", None)


def _reason(entry: _Entry | None) -> _Reason:
    """The reason shown for an amount off; None is the staff's own discount."""
    if entry is None:
        return _MANUAL_REASON
    p, coupon = entry.promotion, entry.coupon
    if coupon is None:
        return (p.id, p.code, p.name_zh, p.name_en, None)
    return (p.id, coupon.code, p.name_zh, p.name_en, coupon.code)


class _Taxed:
    """Step 5 over the lines: the bill's lines in cart order and what they add up to."""

    __slots__ = ("added_tax", "all_tax", "groups", "lines", "totals")

    def __init__(
        self,
        canon: Sequence[CartLine],
        *,
        order: Sequence[int],
        unit_prices: Sequence[int],
        gross: Sequence[int],
        outcome: _Outcome,
        reasons: Mapping[int, _Reason],
    ) -> None:
        # In cart order; every place is filled, as ``order`` is a permutation.
        bill_lines = cast(list[BillLine], [None] * len(canon))
        #: (rate, inclusive) -> [net before tax, tax]
        groups: dict[tuple[int, bool], list[int]] = {}
        #: Per entry key (they run from 0, one per reason), the money it took off.
        keys = max(reasons, default=-1) + 1
        totals = [0] * keys
        added_tax = all_tax = 0
        applied, lefts = outcome.all_applied(), outcome.settle()[0]
        # Per entry key, its reasons by amount: each is made once and shared, as
        # carts repeat prices a lot and the reasons are immutable.
        made: list[dict[int, AppliedDiscount]] = [{} for _ in range(keys)]
        whole = WHOLE_BP
        for i, line in enumerate(canon):
            net = lefts[i]
            # Already in key order: each stage applies its entries in key order, and
            # a claimed line carries only its deal and the staff discount.
            pairs = applied[i]
            if pairs:
                found: list[AppliedDiscount] = []
                for key, off in pairs:
                    totals[key] += off
                    reason = made[key].get(off)
                    if reason is None:
                        pid, code, name_zh, name_en, coupon_code = reasons[key]
                        reason = made[key][off] = _applied_discount(
                            pid, code, name_zh, name_en, off, coupon_code
                        )
                    found.append(reason)
                discounts: tuple[AppliedDiscount, ...] = tuple(found)
            else:
                discounts = ()
            rate, inclusive = line.tax_rate_bp, line.tax_inclusive
            if inclusive:  # _half_up, inlined: this runs once per line
                tax = (2 * net * rate + whole + rate) // (2 * (whole + rate))
                total, before_tax = net, net - tax
            else:
                tax = (2 * net * rate + whole) // (2 * whole)
                total, before_tax = net + tax, net
                added_tax += tax
            all_tax += tax
            group = groups.get((rate, inclusive))
            if group is None:
                group = groups[rate, inclusive] = [0, 0]
            group[0] += before_tax
            group[1] += tax
            bill_lines[order[i]] = _bill_line(
                line.line_id,
                line.qty_milli,
                unit_prices[i],
                gross[i],
                gross[i] - net,
                discounts,
                rate,
                inclusive,
                tax,
                total,
            )
        self.lines = tuple(bill_lines)
        self.groups = groups
        self.totals = totals
        self.added_tax = added_tax
        self.all_tax = all_tax


def _bill(
    context: PricingContext,
    *,
    canon: Sequence[CartLine],
    order: Sequence[int],
    cart: _Cart,
    unit_prices: Sequence[int],
    outcome: _Outcome,
    verdicts: Sequence[CouponRejection | None],
    by_key: Mapping[int, _Entry | None],
) -> Bill:
    """Steps 5-7 -- tax, delivery, cash rounding -- and the bill in cart order."""
    reasons = {key: _reason(entry) for key, entry in by_key.items()}
    taxed = _Taxed(
        canon,
        order=order,
        unit_prices=unit_prices,
        gross=cart.gross,
        outcome=outcome,
        reasons=reasons,
    )
    groups, totals = taxed.groups, taxed.totals
    added_tax, all_tax = taxed.added_tax, taxed.all_tax
    goods = outcome.goods

    fee = 0
    rule = context.delivery
    if rule is not None and canon:
        fee = _delivery_fee(rule, goods, canon, context.delivery_zone)
        if fee:
            rate = rule.tax_rate_bp
            tax = _half_up(fee * rate, WHOLE_BP + rate)
            group = groups.setdefault((rate, True), [0, 0])
            group[0] += fee - tax
            group[1] += tax
            all_tax += tax

    due = goods + added_tax + fee
    rounding = 0
    if context.cash_rounding:
        step = context.currency.cash_increment
        rounding = _half_up(due, step) * step - due

    keys = [key for key, total in enumerate(totals) if total]  # every amount off is > 0
    discounts_by_key = []
    for k in keys:
        pid, code, name_zh, name_en, coupon_code = reasons[k]
        discounts_by_key.append(
            _applied_discount(pid, code, name_zh, name_en, totals[k], coupon_code)
        )
    return Bill(
        currency=context.currency,
        lines=taxed.lines,
        subtotal_minor=sum(cart.gross),
        discounts=tuple(discounts_by_key),
        discount_minor=sum(totals),
        tax_minor=all_tax,
        added_tax_minor=added_tax,
        taxes=tuple(TaxLine(r, inc, n, t) for (r, inc), (n, t) in sorted(groups.items())),
        delivery_fee_minor=fee,
        rounding_minor=rounding,
        total_minor=due + rounding,
        coupons_applied=tuple(
            c.code for c, v in zip(context.coupons, verdicts, strict=True) if v is None
        ),
        coupons_rejected=tuple(
            (c.code, v) for c, v in zip(context.coupons, verdicts, strict=True) if v is not None
        ),
        promotions=tuple(
            {id(e.promotion): e.promotion for k in keys if (e := by_key[k]) is not None}.values()
        ),
    )


def _delivery_fee(rule: DeliveryRule, goods: int, lines: Iterable[CartLine], zone: str) -> int:
    kind = rule.kind
    if kind is DeliveryKind.FLAT:
        return rule.fee_minor
    if kind is DeliveryKind.FREE_ABOVE:
        return 0 if goods >= rule.threshold_minor else rule.fee_minor
    if kind is DeliveryKind.BY_WEIGHT:
        grams = 0
        for line in lines:
            if line.weight_grams:
                grams += -(-line.weight_grams * line.qty_milli // 1000)
            elif line.weighed:
                grams += line.qty_milli  # sold by the kg: the quantity is the weight
        return rule.fee_minor + rule.per_kg_minor * -(-grams // 1000)
    for name, fee in rule.zone_fees:
        if name == zone:
            return fee
    raise DeliveryUnavailable(zone)


# --- JSON: promotions and delivery rules as stored and synced ---------------

_PROMOTION_KEYS = frozenset(
    {
        "id",
        "code",
        "name_zh",
        "name_en",
        "kind",
        "target",
        "schedule",
        "percent_bp",
        "amount_minor",
        "tiers",
        "repeat",
        "buy_qty",
        "get_qty",
        "bundle",
        "bundle_price_minor",
        "member_levels",
        "priority",
        "stackable",
        "coupon_only",
    }
)
_PROMOTION_REQUIRED = ("id", "code", "name_zh", "name_en", "kind")
_TARGET_KEYS = frozenset({"product_ids", "category_ids", "brand_ids"})
_SCHEDULE_KEYS = frozenset({"starts_at", "ends_at", "weekdays", "from_time", "until_time"})
_TIER_KEYS = frozenset({"threshold_minor", "save_minor"})
_DELIVERY_KEYS = frozenset(
    {"kind", "fee_minor", "threshold_minor", "per_kg_minor", "zone_fees", "tax_rate_bp"}
)


def promotion_to_json(p: Promotion) -> dict[str, Any]:
    """The promotion as stored in the database and synced; ``promotion_from_json`` reads it back."""
    s = p.schedule
    return {
        "id": p.id,
        "code": p.code,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "kind": p.kind.value,
        "target": {
            "product_ids": sorted(p.target.product_ids),
            "category_ids": sorted(p.target.category_ids),
            "brand_ids": sorted(p.target.brand_ids),
        },
        "schedule": {
            "starts_at": None if s.starts_at is None else s.starts_at.isoformat(),
            "ends_at": None if s.ends_at is None else s.ends_at.isoformat(),
            "weekdays": sorted(s.weekdays),
            "from_time": None if s.from_time is None else s.from_time.isoformat(),
            "until_time": None if s.until_time is None else s.until_time.isoformat(),
        },
        "percent_bp": p.percent_bp,
        "amount_minor": p.amount_minor,
        "tiers": [
            {"threshold_minor": t.threshold_minor, "save_minor": t.save_minor} for t in p.tiers
        ],
        "repeat": p.repeat,
        "buy_qty": p.buy_qty,
        "get_qty": p.get_qty,
        "bundle": [[pid, n] for pid, n in p.bundle],
        "bundle_price_minor": p.bundle_price_minor,
        "member_levels": sorted(p.member_levels),
        "priority": p.priority,
        "stackable": p.stackable,
        "coupon_only": p.coupon_only,
    }


def _object(data: object, what: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _bad(what, data, "an object")
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        raise ValueError(f"unknown keys {unknown} in {what} (known: {sorted(keys)})")
    return data


def _strings(data: Mapping[str, Any], key: str, what: str) -> frozenset[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{what} {key}", value, "a list of strings")
    return frozenset(value)


def _moment(data: Mapping[str, Any], key: str, kind: type[datetime] | type[time]) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"schedule {key}", value, "an ISO 8601 text or null")
    try:
        return kind.fromisoformat(value)
    except ValueError:
        raise _bad(f"schedule {key}", value, "an ISO 8601 text or null") from None


def _pairs(data: Mapping[str, Any], key: str, what: str) -> tuple[tuple[str, int], ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(v, list | tuple) and len(v) == 2 and isinstance(v[0], str) for v in value
    ):
        raise _bad(f"{what} {key}", value, "a list of [text, number] pairs")
    return tuple((v[0], v[1]) for v in value)


def promotion_from_json(data: Mapping[str, Any]) -> Promotion:
    """Read a promotion written by ``promotion_to_json`` (or by hand, in that shape).

    Keys other than ``id``, ``code``, ``name_zh``, ``name_en`` and ``kind`` may
    be left out (defaults apply).  Bad data raises ValueError naming the
    promotion and the field; unknown keys are refused rather than ignored, since
    a rule the till does not understand must not price sales silently.
    """
    where = "promotion"
    if isinstance(data, Mapping) and isinstance(data.get("code"), str):
        where = f"promotion {data['code']!r}"
    try:
        data = _object(data, "the promotion", _PROMOTION_KEYS)
        missing = [key for key in _PROMOTION_REQUIRED if key not in data]
        if missing:
            raise ValueError(f"missing keys {missing}")
        try:
            kind = PromotionKind(data["kind"])
        except ValueError:
            known = [k.value for k in PromotionKind]
            raise ValueError(f"unknown kind {data['kind']!r} (known: {known})") from None
        target = _object(data.get("target", {}), "target", _TARGET_KEYS)
        schedule = _object(data.get("schedule", {}), "schedule", _SCHEDULE_KEYS)
        tiers = data.get("tiers", [])
        if not isinstance(tiers, list):
            raise _bad("tiers", tiers, "a list")
        weekdays = schedule.get("weekdays", [])
        if not isinstance(weekdays, list):
            raise _bad("schedule weekdays", weekdays, "a list of 0 (Monday) to 6")
        return Promotion(
            id=data["id"],
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            kind=kind,
            target=Target(
                product_ids=_strings(target, "product_ids", "target"),
                category_ids=_strings(target, "category_ids", "target"),
                brand_ids=_strings(target, "brand_ids", "target"),
            ),
            schedule=Schedule(
                starts_at=_moment(schedule, "starts_at", datetime),
                ends_at=_moment(schedule, "ends_at", datetime),
                weekdays=frozenset(weekdays),
                from_time=_moment(schedule, "from_time", time),
                until_time=_moment(schedule, "until_time", time),
            ),
            percent_bp=data.get("percent_bp", 0),
            amount_minor=data.get("amount_minor", 0),
            tiers=tuple(
                Tier(t.get("threshold_minor", 0), t.get("save_minor", 0))
                for t in (_object(t, "tier", _TIER_KEYS) for t in tiers)
            ),
            repeat=data.get("repeat", False),
            buy_qty=data.get("buy_qty", 0),
            get_qty=data.get("get_qty", 0),
            bundle=_pairs(data, "bundle", "promotion"),
            bundle_price_minor=data.get("bundle_price_minor", 0),
            member_levels=_strings(data, "member_levels", "promotion"),
            priority=data.get("priority", 0),
            stackable=data.get("stackable", True),
            coupon_only=data.get("coupon_only", False),
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {exc}") from None


def delivery_rule_to_json(r: DeliveryRule) -> dict[str, Any]:
    """The delivery rule as stored and synced; ``delivery_rule_from_json`` reads it back."""
    return {
        "kind": r.kind.value,
        "fee_minor": r.fee_minor,
        "threshold_minor": r.threshold_minor,
        "per_kg_minor": r.per_kg_minor,
        "zone_fees": [[zone, fee] for zone, fee in r.zone_fees],
        "tax_rate_bp": r.tax_rate_bp,
    }


def delivery_rule_from_json(data: Mapping[str, Any]) -> DeliveryRule:
    """Read a delivery rule; only ``kind`` is required.  Bad data raises ValueError."""
    try:
        data = _object(data, "the delivery rule", _DELIVERY_KEYS)
        if "kind" not in data:
            raise ValueError("missing key 'kind'")
        try:
            kind = DeliveryKind(data["kind"])
        except ValueError:
            known = [k.value for k in DeliveryKind]
            raise ValueError(f"unknown kind {data['kind']!r} (known: {known})") from None
        return DeliveryRule(
            kind=kind,
            fee_minor=data.get("fee_minor", 0),
            threshold_minor=data.get("threshold_minor", 0),
            per_kg_minor=data.get("per_kg_minor", 0),
            zone_fees=_pairs(data, "zone_fees", "delivery rule"),
            tax_rate_bp=data.get("tax_rate_bp", 0),
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"delivery rule: {exc}") from None
