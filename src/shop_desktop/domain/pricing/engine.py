"""The engine that prices a cart: ``price_cart(lines, context)`` gives the ``Bill``.

Pure and deterministic (see the package docstring for every rule): it puts
the lines in ``line_id`` order, works out unit prices and gross (step 1),
finds the lines each promotion matches in one pass over the cart, screens the
coupons, lets ``deal_search`` choose the promotions (steps 2-4) and hands the
outcome to ``totals`` for tax, delivery and cash rounding (steps 5-7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from shop_desktop.domain.money import line_gross_minor
from shop_desktop.domain.pricing.bill import Bill
from shop_desktop.domain.pricing.cart_lines import (
    CartLine,
    InvalidCart,
    InvalidCartReason,
    PricingContext,
    _check_cart,
)
from shop_desktop.domain.pricing.coupons import Coupon, CouponRejection, _screen_coupons
from shop_desktop.domain.pricing.deal_search import _Entry, _numbered, _Outcome, _Search
from shop_desktop.domain.pricing.discounts import _LINE_APPLY_BY_ID, _Cart, _order_promotion
from shop_desktop.domain.pricing.limits import MAX_LINE_MINOR
from shop_desktop.domain.pricing.promotions import (
    _AMOUNT_OFF,
    _BUNDLE,
    _PERCENT_OFF,
    _SPEND_SAVE,
    Promotion,
    _member_allows,
)
from shop_desktop.domain.pricing.totals import _bill

__all__ = ["price_cart"]


def price_cart(lines: Sequence[CartLine], context: PricingContext) -> Bill:
    """Price the cart under the context's rules (see the package docstring).

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
        gross = line_gross_minor(line.qty_milli, price)
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
    verdicts = _screen_coupons(
        context.coupons, {p.id for p in running}, at=context.at, member_level=context.member_level
    )
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
