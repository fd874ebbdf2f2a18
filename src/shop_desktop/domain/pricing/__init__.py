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
   unit (``money.line_gross_minor``).  An overridden line takes no promotions at
   all (the staff has set the price), but a staff discount still applies to it.

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
   ``net x rate / (1 + rate)`` (HALF_UP, ``money.tax_in_gross_bp``, as
   ``money.tax_from_inclusive``), tax-exclusive lines add ``net x rate``
   (``money.tax_on_net_bp``).  ``Bill.taxes`` groups them by
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

Where each part lives
=====================
* ``promotions`` -- what the shop offers: kinds, targets, schedules, tiers.
* ``coupons`` -- coupons and the checks that refuse one before pricing.
* ``delivery`` -- delivery rules.
* ``stored`` -- promotions and delivery rules as stored and synced (JSON).
* ``cart_lines`` -- what the engine is given: the lines, checked, and the context.
* ``limits`` -- the limits of a sale and the checks of a rule's fields.
* ``engine`` -- ``price_cart``: step 1, matching promotions to lines, coupons.
* ``discounts`` -- how each kind takes money off and a saving is shared over lines.
* ``deal_search`` -- which promotions the bill gets (steps 2-4).
* ``totals`` -- tax, delivery fee and cash rounding (steps 5-7), the bill built.
* ``bill`` -- the bill as returned and kept with the order.

Every rounding is the shop's one half-up rule in ``domain.money``.  The few
inner parts that tests hold against a plain or public counterpart (``_price``,
``_allocate``, ``_settle`` ...) are importable from here too, outside ``__all__``.
"""

from __future__ import annotations

from shop_desktop.domain.money import WHOLE_BP
from shop_desktop.domain.pricing.bill import (
    MANUAL_CODE,
    AppliedDiscount,
    Bill,
    BillLine,
    TaxLine,
)
from shop_desktop.domain.pricing.bill import _applied_discount as _applied_discount
from shop_desktop.domain.pricing.bill import _bill_line as _bill_line
from shop_desktop.domain.pricing.cart_lines import (
    CartLine,
    InvalidCart,
    InvalidCartReason,
    PricingContext,
)
from shop_desktop.domain.pricing.cart_lines import _check_cart as _check_cart
from shop_desktop.domain.pricing.cart_lines import _check_line as _check_line
from shop_desktop.domain.pricing.coupons import Coupon, CouponRejection
from shop_desktop.domain.pricing.deal_search import _Entry as _Entry
from shop_desktop.domain.pricing.deal_search import _order_savings as _order_savings
from shop_desktop.domain.pricing.deal_search import _OrderStep as _OrderStep
from shop_desktop.domain.pricing.deal_search import _settle as _settle
from shop_desktop.domain.pricing.delivery import DeliveryKind, DeliveryRule, DeliveryUnavailable
from shop_desktop.domain.pricing.discounts import _allocate as _allocate
from shop_desktop.domain.pricing.discounts import _order_promotion as _order_promotion
from shop_desktop.domain.pricing.engine import _price as _price
from shop_desktop.domain.pricing.engine import price_cart
from shop_desktop.domain.pricing.limits import (
    MAX_CART_LINES,
    MAX_LINE_MINOR,
    MAX_QTY_MILLI,
    MAX_UNIT_PRICE_MINOR,
)
from shop_desktop.domain.pricing.promotions import (
    Promotion,
    PromotionKind,
    Schedule,
    Target,
    Tier,
    is_active,
)
from shop_desktop.domain.pricing.stored import (
    delivery_rule_from_json,
    delivery_rule_to_json,
    promotion_from_json,
    promotion_to_json,
)

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
