"""Property tests for the pricing engine: what must hold for any cart and any rules."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop_desktop.domain.money import HKD, TWD, Money, allocate
from shop_desktop.domain.pricing import (
    MAX_CART_LINES,
    MAX_QTY_MILLI,
    MAX_UNIT_PRICE_MINOR,
    WHOLE_BP,
    Bill,
    CartLine,
    Coupon,
    CouponRejection,
    DeliveryKind,
    DeliveryRule,
    InvalidCart,
    InvalidCartReason,
    PricingContext,
    Promotion,
    PromotionKind,
    Schedule,
    Target,
    Tier,
    _allocate,
    _check_cart,
    _check_line,
    _Entry,
    _order_promotion,
    _order_savings,
    _OrderStep,
    _price,
    _settle,
    price_cart,
    promotion_from_json,
    promotion_to_json,
)

AT = datetime.fromisoformat("2026-11-20T15:30")  # a Friday afternoon
PRODUCTS = ("P1", "P2", "P3", "P4")
CATEGORIES = ("C1", "C2", "C3")
BRANDS = ("B1", "B2")
LEVELS = ("gold", "silver")
# Few codes, so that the same coupon is entered twice now and then.
CODES = ("A", "B", "C", " a")

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies -------------------------------------------------------------


@st.composite
def cart_lines(draw: st.DrawFn) -> list[CartLine]:
    count = draw(st.integers(0, 7))
    lines = []
    for number in range(count):
        weighed = draw(st.booleans()) and draw(st.booleans())
        qty = draw(st.integers(1, 3000)) if weighed else 1000 * draw(st.integers(1, 6))
        # Shop prices repeat; equal lines are where ties (and order effects) hide.
        unit_price = draw(st.sampled_from([0, 35, 99, 100]) | st.integers(0, 1500))
        manual = draw(st.sampled_from(["none", "none", "bp", "minor"]))
        lines.append(
            CartLine(
                line_id=f"L{number}",
                product_id=draw(st.sampled_from(PRODUCTS)),
                category_ids=draw(st.frozensets(st.sampled_from(CATEGORIES), max_size=2)),
                brand_id=draw(st.sampled_from((*BRANDS, None))),
                qty_milli=qty,
                unit_price_minor=unit_price,
                tax_rate_bp=draw(st.sampled_from([0, 500, 1000])),
                tax_inclusive=draw(st.booleans()),
                member_price_minor=draw(st.none() | st.integers(0, unit_price + 50)),
                weight_grams=draw(st.sampled_from([0, 250, 1200])),
                price_override_minor=draw(st.none() | st.none() | st.integers(0, 1500)),
                manual_discount_bp=draw(st.integers(1, WHOLE_BP)) if manual == "bp" else 0,
                manual_discount_minor=draw(st.integers(1, 800)) if manual == "minor" else 0,
                weighed=weighed,
            )
        )
    return lines


@st.composite
def targets(draw: st.DrawFn) -> Target:
    if draw(st.integers(0, 3)) == 0:
        return Target()
    return Target(
        product_ids=draw(st.frozensets(st.sampled_from(PRODUCTS), max_size=2)),
        category_ids=draw(st.frozensets(st.sampled_from(CATEGORIES), max_size=1)),
        brand_ids=draw(st.frozensets(st.sampled_from(BRANDS), max_size=1)),
    )


def schedules() -> st.SearchStrategy[Schedule]:
    return st.sampled_from(
        [
            Schedule(),
            Schedule(),
            Schedule(),
            Schedule(ends_at=AT),  # just ended
            Schedule(starts_at=AT - timedelta(days=1), ends_at=AT + timedelta(days=1)),
            Schedule(weekdays=frozenset({AT.weekday()})),
            Schedule(weekdays=frozenset({0, 1})),
            Schedule(from_time=time(22), until_time=time(16)),  # overnight, running
        ]
    )


CROWDING_KINDS = (
    PromotionKind.BUY_X_GET_Y,
    PromotionKind.BUNDLE,
    PromotionKind.SPEND_SAVE,
    PromotionKind.PERCENT_OFF,
)


@st.composite
def promotions(draw: st.DrawFn, number: int = 0, *, crowding: bool = False) -> Promotion:
    """Any promotion; ``crowding`` ones all run now and fight over the same few products."""
    kind = draw(st.sampled_from(CROWDING_KINDS if crowding else tuple(PromotionKind)))
    # Only the fields the kind reads are drawn: the rest keep their defaults.
    fields: dict[str, Any] = {}
    if kind in (PromotionKind.PERCENT_OFF, PromotionKind.MEMBER_PRICE, PromotionKind.BUY_X_GET_Y):
        fields["percent_bp"] = draw(st.integers(1, WHOLE_BP))
    if kind is PromotionKind.AMOUNT_OFF:
        fields["amount_minor"] = draw(st.integers(1, 400))
    if kind is PromotionKind.SPEND_SAVE:
        tier = st.builds(Tier, st.integers(1, 3000), st.integers(0, 600))
        fields["tiers"] = tuple(draw(st.lists(tier, min_size=1, max_size=2)))
        fields["repeat"] = draw(st.booleans())
    if kind is PromotionKind.BUY_X_GET_Y:
        fields["buy_qty"] = draw(st.integers(1, 3))
        fields["get_qty"] = draw(st.integers(1, 2))
    if kind is PromotionKind.BUNDLE:
        products = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2, unique=True))
        fields["bundle"] = tuple((p, draw(st.integers(1, 2))) for p in products)
        fields["bundle_price_minor"] = draw(st.integers(0, 800))
    if crowding:
        few = st.frozensets(st.sampled_from(PRODUCTS[:3]), min_size=1, max_size=2)
        fields["target"] = draw(st.just(Target()) | st.builds(Target, few))
        fields["stackable"] = draw(st.booleans())
    else:
        fields["target"] = draw(targets())
        fields["schedule"] = draw(schedules())
        fields["member_levels"] = draw(st.frozensets(st.sampled_from(LEVELS), max_size=1))
        fields["stackable"] = draw(st.integers(0, 3)) > 0
        fields["coupon_only"] = draw(st.integers(0, 5)) == 0
    return Promotion(
        id=f"promo-{number}",
        code=f"P{number}",
        name_zh="優惠",
        name_en="Deal",
        kind=kind,
        priority=draw(st.integers(0, 2)),
        **fields,
    )


@st.composite
def promotion_lists(draw: st.DrawFn) -> tuple[Promotion, ...]:
    count = draw(st.integers(0, 6))
    return tuple(draw(promotions(number)) for number in range(count))


@st.composite
def coupon_lists(draw: st.DrawFn) -> tuple[Coupon, ...]:
    count = draw(st.integers(0, 3))
    coupons = []
    for number in range(count):
        promotion = draw(promotions(100 + number))
        coupons.append(
            Coupon(
                code=draw(st.sampled_from(CODES)),
                promotion=replace(promotion, coupon_only=draw(st.booleans())),
                valid_from=draw(st.sampled_from([None, AT, AT + timedelta(hours=1)])),
                valid_until=draw(st.sampled_from([None, AT, AT + timedelta(hours=1)])),
                min_spend_minor=draw(st.sampled_from([0, 0, 500, 2000])),
            )
        )
    return tuple(coupons)


def deliveries() -> st.SearchStrategy[DeliveryRule | None]:
    return st.sampled_from(
        [
            None,
            DeliveryRule(DeliveryKind.FLAT, fee_minor=100, tax_rate_bp=500),
            DeliveryRule(DeliveryKind.FREE_ABOVE, fee_minor=80, threshold_minor=1500),
            DeliveryRule(DeliveryKind.BY_WEIGHT, fee_minor=50, per_kg_minor=25, tax_rate_bp=1000),
            DeliveryRule(DeliveryKind.BY_ZONE, zone_fees=(("", 60), ("north", 90))),
        ]
    )


@st.composite
def contexts(draw: st.DrawFn) -> PricingContext:
    return PricingContext(
        currency=draw(st.sampled_from([TWD, HKD])),
        at=AT,
        promotions=draw(promotion_lists()),
        member_level=draw(st.sampled_from([None, *LEVELS])),
        coupons=draw(coupon_lists()),
        delivery=draw(deliveries()),
        cash_rounding=draw(st.booleans()),
    )


@st.composite
def crowded_carts(draw: st.DrawFn) -> tuple[list[CartLine], PricingContext]:
    """Look-alike lines under overlapping deals: ties in value, units counted together,
    exclusive deals breaking up a buy-X-get-Y -- where order effects and re-pricing
    mistakes would hide."""
    lines = [
        CartLine(
            line_id=f"L{number}",
            product_id=draw(st.sampled_from(PRODUCTS[:3])),
            category_ids=frozenset({"C1"}),
            brand_id="B1",
            qty_milli=1000 * draw(st.integers(1, 3)),
            unit_price_minor=draw(st.sampled_from([20, 30, 100])),
            tax_rate_bp=500,
            tax_inclusive=True,
            manual_discount_bp=draw(st.sampled_from([0, 0, 0, 1000])),
        )
        for number in range(draw(st.integers(2, 7)))
    ]
    count = draw(st.integers(2, 5))
    deals = tuple(draw(promotions(number, crowding=True)) for number in range(count))
    return lines, PricingContext(currency=TWD, at=AT, promotions=deals)


def any_carts() -> st.SearchStrategy[tuple[list[CartLine], PricingContext]]:
    return st.tuples(cart_lines(), contexts()) | crowded_carts()


# --- invariants -------------------------------------------------------------


def assert_invariants(bill: Bill, lines: list[CartLine], context: PricingContext) -> None:
    assert [line.line_id for line in bill.lines] == [line.line_id for line in lines]
    assert (
        bill.subtotal_minor
        - bill.discount_minor
        + bill.added_tax_minor
        + bill.delivery_fee_minor
        + bill.rounding_minor
        == bill.total_minor
    )
    assert (
        sum(line.total_minor for line in bill.lines) + bill.delivery_fee_minor + bill.rounding_minor
        == bill.total_minor
    )
    assert bill.subtotal_minor == sum(line.gross_minor for line in bill.lines)
    assert bill.discount_minor == sum(line.discount_minor for line in bill.lines)
    for line, cart_line in zip(bill.lines, lines, strict=True):
        assert 0 <= line.discount_minor <= line.gross_minor
        assert sum(d.amount_minor for d in line.discounts) == line.discount_minor
        assert all(d.amount_minor > 0 for d in line.discounts)
        assert line.tax_minor >= 0
        assert line.total_minor >= 0
        if cart_line.price_override_minor is not None:
            # The staff set the price: nothing but their own discount.
            assert all(d.promotion_id is None for d in line.discounts)
    # Order-wide reasons add up per promotion/coupon across the lines.
    per_reason: Counter[tuple[str | None, str, str | None]] = Counter()
    for line in bill.lines:
        for d in line.discounts:
            per_reason[(d.promotion_id, d.code, d.coupon_code)] += d.amount_minor
    assert {(d.promotion_id, d.code, d.coupon_code): d.amount_minor for d in bill.discounts} == (
        dict(per_reason)
    )
    assert sum(d.amount_minor for d in bill.discounts) == bill.discount_minor
    # Each line lists its reasons in the bill's order: line promotions, staff, order ones.
    rank = {(d.promotion_id, d.code, d.coupon_code): n for n, d in enumerate(bill.discounts)}
    for line in bill.lines:
        ranks = [rank[(d.promotion_id, d.code, d.coupon_code)] for d in line.discounts]
        assert ranks == sorted(ranks)
        assert len(set(ranks)) == len(ranks)
    # Taxes add up to the lines (plus the delivery fee's tax) exactly.
    assert sum(t.tax_minor for t in bill.taxes) == bill.tax_minor
    assert sum(t.net_minor + t.tax_minor for t in bill.taxes) == (
        sum(line.total_minor for line in bill.lines) + bill.delivery_fee_minor
    )
    assert bill.added_tax_minor == sum(
        line.tax_minor for line in bill.lines if not line.tax_inclusive
    )
    assert (
        min(
            (bill.tax_minor, bill.added_tax_minor, bill.delivery_fee_minor, bill.total_minor),
            default=0,
        )
        >= 0
    )
    if context.cash_rounding:
        assert bill.total_minor % context.currency.cash_increment == 0
    else:
        assert bill.rounding_minor == 0
    # Every coupon entered is either applied or explained, in the order entered.
    assert len(bill.coupons_applied) + len(bill.coupons_rejected) == len(context.coupons)
    explained = list(bill.coupons_applied) + [code for code, _ in bill.coupons_rejected]
    assert sorted(explained) == sorted(c.code for c in context.coupons)
    applied_codes = {d.coupon_code for d in bill.discounts if d.coupon_code is not None}
    assert applied_codes == set(bill.coupons_applied)
    # A line an exclusive deal holds carries that deal alone (and the staff's discount).
    exclusive_ids = {p.id for p in bill.promotions if not p.stackable}
    for line in bill.lines:
        held = [d for d in line.discounts if d.promotion_id in exclusive_ids]
        if held:
            others = [d for d in line.discounts if d.promotion_id is not None]
            assert len(others) == 1


def price_checked(lines: list[CartLine], context: PricingContext) -> Bill:
    bill = price_cart(lines, context)
    assert_invariants(bill, lines, context)
    return bill


# --- properties -------------------------------------------------------------


@SETTINGS
@given(any_carts())
def test_every_bill_adds_up(case: tuple[list[CartLine], PricingContext]) -> None:
    price_checked(*case)


@SETTINGS
@given(any_carts(), st.randoms(use_true_random=False))
def test_the_order_of_the_lines_does_not_matter(
    case: tuple[list[CartLine], PricingContext], rng: random.Random
) -> None:
    lines, context = case
    bill = price_checked(lines, context)
    shuffled = lines.copy()
    rng.shuffle(shuffled)
    again = price_checked(shuffled, context)
    assert {line.line_id: line for line in again.lines} == {
        line.line_id: line for line in bill.lines
    }
    assert replace(again, lines=bill.lines) == bill


@SETTINGS
@given(any_carts())
def test_repricing_only_what_a_deal_touches_gives_the_plain_answer(
    case: tuple[list[CartLine], PricingContext],
) -> None:
    lines, context = case
    assert price_cart(lines, context) == _price(lines, context, incremental=False)


@SETTINGS
@given(any_carts())
def test_exclusive_deals_never_leave_the_customer_worse_off(
    case: tuple[list[CartLine], PricingContext],
) -> None:
    lines, context = case
    plain = replace(context, coupons=())
    stack_only = replace(plain, promotions=tuple(p for p in plain.promotions if p.stackable))
    assert price_cart(lines, plain).discount_minor >= price_cart(lines, stack_only).discount_minor


@SETTINGS
@given(cart_lines(), contexts())
def test_promotions_never_make_the_customer_pay_more(
    lines: list[CartLine], context: PricingContext
) -> None:
    # Without delivery: a discount may drop the goods below free delivery.
    priced = replace(context, delivery=None)
    bare = replace(priced, promotions=(), coupons=())
    assert price_cart(lines, priced).total_minor <= price_cart(lines, bare).total_minor


@SETTINGS
@given(cart_lines(), contexts(), st.data())
def test_a_coupon_entered_twice_is_rejected_as_duplicate_once(
    lines: list[CartLine], context: PricingContext, data: st.DataObject
) -> None:
    if not context.coupons:
        return
    repeated = data.draw(st.sampled_from(context.coupons))
    once = price_checked(lines, context)
    twice = price_checked(lines, replace(context, coupons=(*context.coupons, repeated)))
    assert twice.coupons_rejected == (
        *once.coupons_rejected,
        (repeated.code, CouponRejection.DUPLICATE),
    )
    assert replace(twice, coupons_rejected=once.coupons_rejected) == once


@SETTINGS
@given(cart_lines(), contexts())
def test_the_stored_bill_is_plain_json(lines: list[CartLine], context: PricingContext) -> None:
    bill = price_checked(lines, context)
    data = bill.to_json()
    assert json.loads(json.dumps(data)) == data
    assert [promotion_from_json(p) for p in data["promotions"]] == list(bill.promotions)


@given(promotions())
def test_promotions_round_trip_through_json(promotion: Promotion) -> None:
    data = json.loads(json.dumps(promotion_to_json(promotion)))
    assert promotion_from_json(data) == promotion


@given(
    st.integers(0, 10**9),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=20).filter(any),
)
def test_order_savings_are_shared_exactly_as_money_allocate_does(
    total: int, weights: list[int]
) -> None:
    expected = [share.minor for share in allocate(Money(total, TWD), weights)]
    assert _allocate(total, weights) == expected
    assert _allocate(total, weights, sum(weights)) == expected


@st.composite
def order_stages(draw: st.DrawFn) -> tuple[list[_OrderStep], list[int]]:
    """Order promotions over overlapping lines, on what line promotions left of them."""
    size = draw(st.integers(1, 10))
    line_left = draw(st.lists(st.integers(0, 2000), min_size=size, max_size=size))
    steps: list[_OrderStep] = []
    for key in range(draw(st.integers(1, 5))):
        kinds = [PromotionKind.SPEND_SAVE, PromotionKind.AMOUNT_OFF, PromotionKind.PERCENT_OFF]
        kind = draw(st.sampled_from(kinds))
        goods = max(sum(line_left), 1)
        thresholds = st.integers(1, 3000) | st.sampled_from([goods, goods + 1])
        tiers = draw(st.lists(st.builds(Tier, thresholds, st.integers(0, 400)), min_size=1))
        promotion = Promotion(
            id=f"o{key}",
            code=f"O{key}",
            name_zh="",
            name_en="",
            kind=kind,
            tiers=tuple(tiers),
            repeat=draw(st.booleans()),
            amount_minor=draw(st.integers(1, 500)),
            percent_bp=draw(st.integers(1, WHOLE_BP)),
        )
        lines = tuple(sorted(draw(st.sets(st.integers(0, size - 1), min_size=1))))
        entry = _Entry(promotion, None, True, lines, frozenset(lines), key, _order_promotion)
        steps.append((entry, lines, frozenset(lines)))
    return steps, line_left


@settings(max_examples=500, deadline=None)
@given(order_stages())
def test_order_savings_told_without_sharing_them_out_are_exact(
    case: tuple[list[_OrderStep], list[int]],
) -> None:
    steps, line_left = case
    left, grants = _settle(steps, line_left)
    quick = _order_savings(steps, line_left)
    if quick is not None:
        saved, gave = quick
        assert saved == sum(line_left) - sum(left)
        assert gave == [key for key, _, _ in grants]
    if len(steps) == 1:
        assert quick is not None  # nothing comes before it: nothing is uncertain


# --- refusing a cart: the quick check says what the line-by-line one says ---


#: Values no quantity, price, rate or discount may be, whatever the type hints say.
NOT_WHOLE_NUMBERS = st.sampled_from([None, True, False, 1.5, "7"])


@st.composite
def rough_lines(draw: st.DrawFn) -> CartLine:
    """A line whose values sit on the limits, now and then one step past or of the wrong type."""

    def value(good: list[int], bad: list[int]) -> Any:
        if draw(st.integers(0, 9)):
            return draw(st.sampled_from(good))
        return draw(st.sampled_from(bad) | st.integers(-2, 10**13) | NOT_WHOLE_NUMBERS)

    def price() -> Any:
        return value([0, 1, 99, MAX_UNIT_PRICE_MINOR], [-1, MAX_UNIT_PRICE_MINOR + 1])

    return CartLine(
        line_id=draw(st.sampled_from(["L1", "L2", "L3", "L4"])),
        product_id="P1",
        category_ids=frozenset({"C1"}),
        brand_id=None,
        qty_milli=value([1, 1000, MAX_QTY_MILLI], [0, -1, MAX_QTY_MILLI + 1]),
        unit_price_minor=price(),
        tax_rate_bp=value([0, 500, WHOLE_BP], [-1, WHOLE_BP + 1]),
        tax_inclusive=draw(st.booleans()),
        member_price_minor=None if draw(st.booleans()) else price(),
        weight_grams=value([0, 250], [-1]),
        price_override_minor=None if draw(st.booleans()) else price(),
        manual_discount_bp=value([0, 0, 0, 1000, WHOLE_BP], [-1, WHOLE_BP + 1]),
        manual_discount_minor=value([0, 0, 0, 5], [-1]),
        weighed=draw(st.booleans()),
    )


def refusal(check: Any, lines: list[CartLine]) -> tuple[InvalidCartReason, str | None] | None:
    try:
        check(lines)
    except InvalidCart as exc:
        return exc.reason, exc.line_id
    return None


def line_by_line(lines: list[CartLine]) -> None:
    """The checks one line after the other, the first reason that fits."""
    if len(lines) > MAX_CART_LINES:
        raise InvalidCart(InvalidCartReason.TOO_LARGE)
    seen: set[str] = set()
    for line in lines:
        if line.line_id in seen:
            raise InvalidCart(InvalidCartReason.DUPLICATE_LINE_ID, line.line_id)
        seen.add(line.line_id)
        _check_line(line)


@settings(max_examples=400, deadline=None)
@given(st.lists(rough_lines(), max_size=4))
def test_the_quick_cart_check_refuses_exactly_what_the_full_one_does(
    lines: list[CartLine],
) -> None:
    assert refusal(_check_cart, lines) == refusal(line_by_line, lines)
