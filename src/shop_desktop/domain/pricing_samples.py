"""Deterministic sample promotions and a big cart, for the checkout benchmark and the demo.

``sample_cart()`` is the counter's worst everyday case: a 200-line
supermarket cart (a few weighed lines, mixed tax-inclusive and tax-exclusive
prices, member prices, a staff override and discounts) with a member attached,
two coupons entered and 50 promotions built from the cart's own products,
categories and brands, so that most of them actually match something.  The
same seed always gives the same cart, promotions and bill.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from shop_desktop.domain.money import TWD
from shop_desktop.domain.pricing import (
    CartLine,
    Coupon,
    PricingContext,
    Promotion,
    PromotionKind,
    Schedule,
    Target,
    Tier,
)

__all__ = ["SAMPLE_AT", "SAMPLE_MEMBER_LEVEL", "sample_cart", "sample_promotions"]

#: A Friday afternoon (naive local wall time, as the till keeps it).
SAMPLE_AT = datetime(2026, 11, 20, 15, 30)  # noqa: DTZ001 - local wall time by design
#: The member attached to the sample cart.
SAMPLE_MEMBER_LEVEL = "gold"

# The first six promotions, one of each kind; the store-wide 滿減 comes first.
_KINDS = (
    PromotionKind.SPEND_SAVE,
    PromotionKind.PERCENT_OFF,
    PromotionKind.AMOUNT_OFF,
    PromotionKind.BUY_X_GET_Y,
    PromotionKind.BUNDLE,
    PromotionKind.MEMBER_PRICE,
)
# How often each kind comes up after the first round of one of each: mostly
# percent and amount off, as in a real promotion calendar.
_KIND_WEIGHTS = {
    PromotionKind.PERCENT_OFF: 30,
    PromotionKind.AMOUNT_OFF: 20,
    PromotionKind.SPEND_SAVE: 10,
    PromotionKind.BUY_X_GET_Y: 15,
    PromotionKind.BUNDLE: 15,
    PromotionKind.MEMBER_PRICE: 10,
}
_NAMES = {
    PromotionKind.PERCENT_OFF: ("{n}折優惠", "{p}% off"),
    PromotionKind.AMOUNT_OFF: ("每件折{a}元", "{a} off each"),
    PromotionKind.SPEND_SAVE: ("滿{t}減{s}", "Spend {t}, save {s}"),
    PromotionKind.BUY_X_GET_Y: ("買{b}送{g}", "Buy {b} get {g}"),
    PromotionKind.BUNDLE: ("組合價{a}元", "Bundle for {a}"),
    PromotionKind.MEMBER_PRICE: ("會員{n}折", "Members {p}% off"),
}


def _schedule(rng: random.Random, at: datetime, number: int) -> Schedule:
    """Mostly running at ``at``; every tenth promotion is out of its days or hours."""
    today = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if number % 10 == 9:
        return rng.choice(
            [
                Schedule(ends_at=today - timedelta(days=1)),  # ended yesterday
                Schedule(starts_at=today + timedelta(days=7)),  # starts next week
                Schedule(weekdays=frozenset({(at.weekday() + 1) % 7})),  # tomorrow only
                Schedule(from_time=time(7, 0), until_time=time(9, 0)),  # breakfast hours
            ]
        )
    return rng.choice(
        [
            Schedule(),
            Schedule(),
            Schedule(starts_at=today - timedelta(days=3), ends_at=today + timedelta(days=4)),
            Schedule(weekdays=frozenset({at.weekday(), (at.weekday() + 1) % 7})),  # weekend-ish
            Schedule(from_time=time(12, 0), until_time=time(18, 0)),  # afternoon offer
            Schedule(from_time=time(22, 0), until_time=time(16, 0)),  # overnight window
        ]
    )


def _target(
    rng: random.Random,
    product_ids: Sequence[str],
    category_ids: Sequence[str],
    brand_ids: Sequence[str],
) -> Target:
    """A category, brand or handful of products (the one store-wide deal is made apart)."""
    roll = rng.random()
    if roll < 0.45 and category_ids:
        return Target(category_ids=frozenset(rng.sample(category_ids, min(2, len(category_ids)))))
    if roll < 0.75 and brand_ids:
        return Target(brand_ids=frozenset(rng.sample(brand_ids, min(2, len(brand_ids)))))
    return Target(product_ids=frozenset(rng.sample(product_ids, min(4, len(product_ids)))))


def sample_promotions(
    product_ids: Sequence[str],
    category_ids: Sequence[str],
    brand_ids: Sequence[str],
    *,
    count: int = 50,
    seed: int = 0,
    at: datetime = SAMPLE_AT,
) -> list[Promotion]:
    """``count`` promotions over these ids, the same for the same arguments.

    The first is the store-wide 滿減 (spend 1000 save 100, 3000 save 400) and
    the next five one of each other kind, so every kind is represented; the
    rest target a category, brand or a few products.  Most run at ``at``; every
    tenth does not (ended, not yet started, another day or hours).  About one in
    eight is exclusive, one in seven for gold/VIP members only and one in nine
    coupon-only.
    """
    if not product_ids:
        raise ValueError("sample promotions need at least one product id")
    rng = random.Random(seed)
    kinds = list(_KIND_WEIGHTS)
    weights = list(_KIND_WEIGHTS.values())
    promotions: list[Promotion] = []
    for number in range(count):
        kind = _KINDS[number] if number < len(_KINDS) else rng.choices(kinds, weights)[0]
        target = _target(rng, product_ids, category_ids, brand_ids)
        percent = rng.choice([5, 10, 12, 15, 20, 25, 30])
        amount = rng.choice([5, 10, 15, 20, 30])
        threshold = rng.choice([300, 500, 800, 1000, 2000])
        save = threshold // rng.choice([10, 20])
        if number == 0:
            target, threshold, save = Target(), 1000, 100
        buy, get = rng.choice([(1, 1), (2, 1), (3, 1), (2, 2)])
        bundle_ids = rng.sample(product_ids, min(rng.choice([2, 3]), len(product_ids)))
        bundle_price = rng.choice([99, 149, 199, 299])
        zh, en = _NAMES[kind]
        fill = {
            "n": f"{(100 - percent) // 10}" + (f"{(100 - percent) % 10}" if percent % 10 else ""),
            "p": percent,
            "a": bundle_price if kind is PromotionKind.BUNDLE else amount,
            "t": threshold,
            "s": save,
            "b": buy,
            "g": get,
        }
        promotions.append(
            Promotion(
                id=f"promo-{seed}-{number:03d}",
                code=f"P{seed}{number:03d}",
                name_zh=zh.format(**fill),
                name_en=en.format(**fill),
                kind=kind,
                target=target,
                schedule=_schedule(rng, at, number) if number else Schedule(),
                percent_bp=(
                    10_000
                    if kind is PromotionKind.BUY_X_GET_Y and rng.random() < 0.6
                    else percent * 100
                ),
                amount_minor=amount,
                tiers=(
                    (Tier(threshold, save), Tier(threshold * 3, save * 4))
                    if number == 0 or rng.random() < 0.5
                    else (Tier(threshold, save),)
                ),
                repeat=number != 0 and rng.random() < 0.3,
                buy_qty=buy,
                get_qty=get,
                bundle=tuple((pid, rng.choice([1, 1, 2])) for pid in bundle_ids),
                bundle_price_minor=bundle_price,
                member_levels=(
                    frozenset({"gold", "vip"})
                    if number % 7 == 3 or kind is PromotionKind.MEMBER_PRICE
                    else frozenset()
                ),
                priority=rng.choice([0, 0, 0, 1, 5, 10]),
                stackable=number % 8 != 5,
                coupon_only=number % 9 == 7,
            )
        )
    return promotions


def sample_cart(n_lines: int = 200, seed: int = 0) -> tuple[list[CartLine], PricingContext]:
    """A realistic cart of ``n_lines`` lines and its context at ``SAMPLE_AT``.

    A gold member is attached and the coupons for the first two coupon-only
    promotions are entered; the 50 promotions come from ``sample_promotions``
    over the cart's own ids.
    """
    if n_lines < 1:
        raise ValueError(f"a sample cart needs at least one line, got {n_lines}")
    rng = random.Random(seed)
    departments = [f"D{d:02d}" for d in range(8)]
    brands = [f"B{b:03d}" for b in range(40)]
    lines: list[CartLine] = []
    for number in range(n_lines):
        department = rng.choice(departments)
        aisle = f"{department}-{rng.randrange(5):02d}"
        shelf = f"{aisle}-{rng.randrange(4):02d}"
        weighed = rng.random() < 0.05
        price = rng.choice([15, 25, 35, 39, 49, 59, 79, 99, 129, 159, 199, 249, 399, 899])
        if weighed:
            price *= 3  # per kg
        exclusive = rng.random() < 0.15  # imported goods priced before tax
        lines.append(
            CartLine(
                line_id=f"L{number:04d}",
                product_id=f"SKU{seed}-{number:05d}",
                category_ids=frozenset({department, aisle, shelf}),
                brand_id=None if rng.random() < 0.15 else rng.choice(brands),
                qty_milli=(
                    rng.randrange(150, 2500)
                    if weighed
                    else 1000 * rng.choice([1, 1, 1, 2, 2, 3, 6])
                ),
                unit_price_minor=price,
                tax_rate_bp=0 if weighed else 500,  # fresh produce is tax-free
                tax_inclusive=not exclusive,
                member_price_minor=price * 9 // 10 if rng.random() < 0.2 else None,
                weight_grams=0 if weighed else rng.choice([100, 250, 500, 1000]),
                weighed=weighed,
                price_override_minor=price // 2 if number == 17 else None,
                manual_discount_bp=1000 if number == 42 else 0,
                manual_discount_minor=min(20, price) if number == 99 else 0,
            )
        )
    promotions = sample_promotions(
        [line.product_id for line in lines],
        # Aisles and shelves: a promotion on a whole department is rare.
        sorted({c for line in lines for c in line.category_ids if "-" in c}),
        sorted({line.brand_id for line in lines if line.brand_id is not None}),
        count=50,
        seed=seed,
        at=SAMPLE_AT,
    )
    coupon_only = [p for p in promotions if p.coupon_only]
    coupons = tuple(Coupon(code=f"CPN{p.code}", promotion=p) for p in coupon_only[:2])
    context = PricingContext(
        currency=TWD,
        at=SAMPLE_AT,
        promotions=tuple(promotions),
        member_level=SAMPLE_MEMBER_LEVEL,
        coupons=coupons,
    )
    return lines, context
