"""``shop-admin bench checkout``: what pricing a big cart and committing a sale cost.

``bench_commit`` times realistic sales (20 lines, card and cash) committed to
a real database file with ``synchronous=FULL``: each commit waits for the
disk, as it must at the counter. ``SaleMaker`` makes those sales; the sync
benchmark and the crash harness (``tests/services/checkout_crash.py``) use
it too.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.bench.stats import peak_rss_mb, summary
from shop_desktop.data.db import open_database
from shop_desktop.data.models import (
    Coupon,
    CouponRedemption,
    DeviceIdentity,
    OrderKind,
    PaymentMethod,
    Product,
    Role,
    StaffUser,
    StoreCreditEntry,
    TaxClass,
    Workstation,
)
from shop_desktop.domain.money import line_gross_minor, tax_in_gross_bp, tax_on_net_bp
from shop_desktop.services.checkout import (
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.shifts import current_shift, open_shift

__all__ = [
    "CRASH_COUPON_OFF",
    "CRASH_COUPON_PREFIX",
    "DEMO_END",
    "SaleMaker",
    "bench_checkout",
    "bench_commit",
    "bench_pricing",
]

#: A pool of coupons a harness may add (``CRASH00001`` ... single use, and
#: ``CRASHMULTI``); ``SaleMaker`` spends them when the database has them.
CRASH_COUPON_PREFIX = "CRASH"
CRASH_COUPON_OFF = 30
DEMO_END = date(2026, 11, 20)


# --- realistic sales ------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    price: int
    weighed: bool
    rate: int
    inclusive: bool


@dataclass
class _Pick:
    """A line being made up: the item, how much, and what comes off it."""

    item: _Item
    qty_milli: int
    gross: int
    off: int = 0
    promotions: list[dict[str, Any]] = field(default_factory=list)


class SaleMaker:
    """Sales as the counter would hand them over for this database's shop.

    Every draft adds up (gross, discounts, tax inside or on top, payments,
    change) exactly as ``commit_sale`` checks it. Coupons come from the
    crash harness's pool (``CRASH...``) when there is one; store credit from
    members who have some.
    """

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        *,
        coupon_rate: float = 0.15,
        store_credit_rate: float = 0.1,
    ) -> None:
        self.rng = rng
        self.coupon_rate = coupon_rate
        self.store_credit_rate = store_credit_rate
        #: Drafts made so far: every 8th uses a coupon, and store credit
        #: four sales later, so even a short run tries both.
        self.made = 0
        identity = session.scalars(select(DeviceIdentity)).one()
        branch_id = session.get_one(Workstation, identity.workstation_id).branch_id
        self.items = [
            _Item(
                p.id, p.sku, p.name_zh, p.name_en, p.price_minor, p.weighed, t.rate_bp, t.inclusive
            )
            for p, t in session.execute(
                select(Product, TaxClass)
                .join(TaxClass, TaxClass.id == Product.tax_class_id)
                .where(Product.active.is_(True), Product.price_minor >= 10)
                .order_by(Product.sku)
                .limit(500)
            )
        ]
        if not self.items:
            raise ValueError("the database has no products to sell")
        self.staff_id = (
            session.scalars(
                select(StaffUser.id)
                .where(
                    StaffUser.role == Role.CASHIER,
                    (StaffUser.branch_id == branch_id) | StaffUser.branch_id.is_(None),
                )
                .order_by(StaffUser.username)
            ).first()
            or session.scalars(select(StaffUser.id).order_by(StaffUser.username)).one()
        )
        self.credit: dict[uuid.UUID, int] = {
            member: int(balance)
            for member, balance in session.execute(
                select(StoreCreditEntry.member_id, func.sum(StoreCreditEntry.amount_minor))
                .group_by(StoreCreditEntry.member_id)
                .having(func.sum(StoreCreditEntry.amount_minor) > 0)
                .order_by(StoreCreditEntry.member_id)
            )
        }
        used = select(CouponRedemption.id).where(CouponRedemption.coupon_id == Coupon.id)
        self.coupons = list(
            session.scalars(
                select(Coupon.code)
                .where(
                    Coupon.code.startswith(CRASH_COUPON_PREFIX),
                    Coupon.single_use.is_(True),
                    ~used.exists(),
                )
                .order_by(Coupon.code.desc())
            )
        )
        self.multi_coupon = session.scalar(
            select(Coupon.code).where(Coupon.code == f"{CRASH_COUPON_PREFIX}MULTI")
        )

    def draft(self, *, lines: int | None = None, card_and_cash: bool = False) -> SaleDraft:
        rng = self.rng
        count = lines or rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 8))
        picked = rng.sample(self.items, min(count, len(self.items)))
        picks = []
        for item in picked:
            qty = rng.randint(150, 2500) if item.weighed else 1000 * rng.choice((1, 1, 1, 2, 3, 6))
            pick = _Pick(item, qty, line_gross_minor(qty, item.price))
            if pick.gross >= 20 and rng.random() < 0.15:
                pick.off = pick.gross // 10
                pick.promotions.append({"code": "DEMO10", "amount_minor": pick.off})
            picks.append(pick)
        coupon = self._coupon(picks)
        draft_lines = []
        for pick in picks:
            item, net = pick.item, pick.gross - pick.off
            if item.inclusive:
                tax = tax_in_gross_bp(net, item.rate)
                total = net
            else:
                tax = tax_on_net_bp(net, item.rate)
                total = net + tax
            draft_lines.append(
                DraftLine(
                    product_id=item.id,
                    sku=item.sku,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    qty_milli=pick.qty_milli,
                    unit_price_minor=item.price,
                    discount_minor=pick.off,
                    tax_rate_bp=item.rate,
                    tax_minor=tax,
                    line_total_minor=total,
                    promotions=pick.promotions,
                )
            )
        total = sum(x.line_total_minor for x in draft_lines)
        member, payments = self._payments(total, card_and_cash)
        self.made += 1
        return SaleDraft(
            order_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            staff_id=self.staff_id,
            member_id=member,
            kind=OrderKind.TAKE_AWAY,
            lines=tuple(draft_lines),
            subtotal_minor=sum(pick.gross for pick in picks),
            discount_minor=sum(x.discount_minor for x in draft_lines),
            tax_minor=sum(x.tax_minor for x in draft_lines),
            delivery_fee_minor=0,
            rounding_minor=0,
            total_minor=total,
            payments=payments,
            coupon_codes=(coupon,) if coupon else (),
            pricing={"coupons_applied": [coupon] if coupon else [], "source": "sale-maker"},
        )

    def _coupon(self, picks: list[_Pick]) -> str | None:
        wanted = self.rng.random() < self.coupon_rate or (self.coupon_rate and self.made % 8 == 0)
        if not wanted or not (self.coupons or self.multi_coupon):
            return None
        for pick in picks:
            if pick.gross - pick.off >= CRASH_COUPON_OFF:
                code = self.coupons.pop() if self.coupons else self.multi_coupon
                assert code is not None
                pick.off += CRASH_COUPON_OFF
                pick.promotions.append(
                    {"code": "CRASH-30", "coupon_code": code, "amount_minor": CRASH_COUPON_OFF}
                )
                return code
        return None

    def _payments(
        self, total: int, card_and_cash: bool
    ) -> tuple[uuid.UUID | None, tuple[DraftPayment, ...]]:
        rng = self.rng
        if total == 0:
            return None, ()
        if card_and_cash and total >= 2:
            return None, self._card_and_cash(total)
        roll = rng.random()
        credit_turn = self.store_credit_rate and self.made % 8 == 4
        members = sorted(m for m, balance in self.credit.items() if balance > 0)
        if (roll < self.store_credit_rate or credit_turn) and members:
            member = rng.choice(members)
            spend = min(self.credit[member], max(1, total // 2))
            self.credit[member] -= spend
            rest = (self._cash(total - spend),) if total > spend else ()
            return member, (DraftPayment(PaymentMethod.STORE_CREDIT, spend), *rest)
        if roll < 0.5:
            return None, (self._cash(total),)
        if roll < 0.7:
            return None, (self._card(total),)
        if roll < 0.8:
            trade = f"2088{rng.randrange(10**16):016d}"
            return None, (DraftPayment(PaymentMethod.ALIPAY, total, reference=trade),)
        if total < 2:
            return None, (self._cash(total),)
        return None, self._card_and_cash(total)

    def _card_and_cash(self, total: int) -> tuple[DraftPayment, DraftPayment]:
        """Part on a card, the rest in cash; both at least one minor unit."""
        card = max(1, total * self.rng.randint(30, 70) // 100)
        return self._card(card), self._cash(total - card)

    def _cash(self, amount: int) -> DraftPayment:
        step = self.rng.choice((1, 100, 500, 1000))
        return DraftPayment(PaymentMethod.CASH, amount, tendered_minor=-(-amount // step) * step)

    def _card(self, amount: int) -> DraftPayment:
        rng = self.rng
        return DraftPayment(
            PaymentMethod.CARD,
            amount,
            reference=f"{rng.randrange(10**6):06d}",
            card_last4=f"{rng.randrange(10**4):04d}",
        )


# --- the commit benchmark --------------------------------------------------------


def bench_commit(db_path: Path, sales: int, *, seed: int = 0) -> dict[str, Any]:
    """Commit ``sales`` sales of 20 lines and two payments each; time each commit.

    A missing database is first built as a demo shop (2,000 products, no
    history). The time is from opening the session to the end of COMMIT,
    i.e. until the sale is on disk.
    """
    if sales < 1:
        raise ValueError("sales must be at least 1")
    if not db_path.exists():
        from shop_desktop.services.demo import build_demo

        build_demo(db_path, products=2000, members=200, days=0, seed=seed, end_date=DEMO_END)
    database = open_database(db_path)
    try:
        with database.session() as session:
            maker = SaleMaker(session, random.Random(seed), coupon_rate=0.0)
            # A till sells in an open shift, whose running totals each sale bumps (issue 13).
            if current_shift(session) is None:
                open_shift(session, maker.staff_id, {})
        times: list[float] = []
        for _ in range(sales):
            draft = maker.draft(lines=20, card_and_cash=True)
            started = time.perf_counter()
            with database.session() as session:
                commit_sale(session, draft)
            times.append(time.perf_counter() - started)
        with database.engine.connect() as conn:
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        database.dispose()
    return {
        "benchmark": "commit_sale",
        "db": str(db_path),
        "sales": sales,
        "lines_per_sale": 20,
        "payments_per_sale": 2,
        "synchronous": {2: "FULL", 3: "EXTRA"}.get(int(synchronous or 0), synchronous),
        "journal_mode": journal,
        **summary(times),
    }


# --- pricing and the whole command --------------------------------------------------


def bench_pricing(rounds: int = 2000, *, lines: int = 200, seed: int = 0) -> dict[str, Any]:
    """Price the sample cart (``lines`` lines, 50 promotions, a member, coupons) ``rounds`` times.

    A few warm-up rounds are not counted, as a till prices the same cart on
    every keystroke.
    """
    from shop_desktop.domain.pricing import price_cart
    from shop_desktop.domain.pricing_samples import sample_cart

    cart, context = sample_cart(n_lines=lines, seed=seed)
    for _ in range(20):
        bill = price_cart(cart, context)
    times: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        bill = price_cart(cart, context)
        times.append(time.perf_counter() - started)
    applied = {d.code for line in bill.lines for d in line.discounts}
    return {
        "benchmark": "price_cart",
        "lines": len(cart),
        "promotions": len(context.promotions),
        "promotions_applied": len(applied),
        "coupons": len(context.coupons),
        "total_minor": bill.total_minor,
        **summary(times),
    }


def bench_checkout(
    path: Path, *, sales: int, rounds: int, progress: Callable[[float, str], None]
) -> dict[str, Any]:
    """Pricing a 200-line cart with 50 promotions, and committing sales on a real file."""
    progress(0.0, "pricing")
    pricing = bench_pricing(rounds)
    progress(0.3, "committing sales")
    commit = bench_commit(path, sales)
    progress(1.0, "done")
    return {"pricing": pricing, "commit": commit, "peak_rss_mb": peak_rss_mb()}
