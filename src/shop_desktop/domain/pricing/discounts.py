"""How each promotion kind takes money off, and how a saving is shared over lines.

Steps 2-4 of the package docstring, on plain ints: the engine calls these once
per promotion and trial on every keystroke, so they work on ``_Cart``'s lists
of minor units and never build a ``Money``.  Amounts are rounded by the shop's
one half-up rule from ``domain.money``; a saving is shared over its lines by
largest remainder (``_allocate``), as ``money.allocate`` shares Money.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shop_desktop.domain.money import WHOLE_BP, half_up, line_gross_minor
from shop_desktop.domain.pricing.promotions import (
    _AMOUNT_OFF,
    _SPEND_SAVE,
    Promotion,
    PromotionKind,
)

# Whole units of a line are compared by value per unit as an exact-enough
# integer: two different fractions a/b, c/d with b, d <= 10**6 units differ by
# at least 1e-12, which this scale keeps apart.
_UNIT_VALUE_SCALE_BITS = 41


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
            off = half_up(rest * bp, WHOLE_BP)
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
            off = min(rest, line_gross_minor(qty[i], amount))
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
        off = min(rest, half_up(rest * take * bp, units[i] * WHOLE_BP))
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
            taken.append((i, left[i] if take == units[i] else half_up(left[i] * take, units[i])))
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
    return half_up(base * p.percent_bp, WHOLE_BP)  # order-wide PERCENT_OFF coupon


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


_COUPLED: tuple[_Apply, ...] = (_buy_x_get_y, _bundle)
