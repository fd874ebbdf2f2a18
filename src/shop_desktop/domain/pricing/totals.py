"""Steps 5-7 of the package docstring: tax on each line, the delivery fee, cash rounding.

``_bill`` turns the chosen promotions (an ``_Outcome``) into the ``Bill``, in
the cart's own order, with every amount off listed under its reason.  Tax is
the shop's one rule from ``domain.money``: contained in a tax-inclusive net,
added to a tax-exclusive one, half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from shop_desktop.domain.money import half_up, tax_in_gross_bp, tax_on_net_bp
from shop_desktop.domain.pricing.bill import (
    MANUAL_CODE,
    AppliedDiscount,
    Bill,
    BillLine,
    TaxLine,
    _applied_discount,
    _bill_line,
)
from shop_desktop.domain.pricing.cart_lines import CartLine, PricingContext
from shop_desktop.domain.pricing.coupons import CouponRejection
from shop_desktop.domain.pricing.deal_search import _Entry, _Outcome
from shop_desktop.domain.pricing.delivery import DeliveryKind, DeliveryRule, DeliveryUnavailable
from shop_desktop.domain.pricing.discounts import _Cart

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
            if inclusive:
                tax = tax_in_gross_bp(net, rate)
                total, before_tax = net, net - tax
            else:
                tax = tax_on_net_bp(net, rate)
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
            tax = tax_in_gross_bp(fee, rate)  # the fee is tax-inclusive
            group = groups.setdefault((rate, True), [0, 0])
            group[0] += fee - tax
            group[1] += tax
            all_tax += tax

    due = goods + added_tax + fee
    rounding = 0
    if context.cash_rounding:
        step = context.currency.cash_increment
        rounding = half_up(due, step) * step - due

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
