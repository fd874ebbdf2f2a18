"""Which promotions a bill gets: stacking, the search over exclusive deals, order promotions.

Steps 2-4 of the package docstring.  ``_Search.best`` starts from the stackable
promotions alone and tries each exclusive deal greedily, keeping one only when
the bill's discounts as a whole add up to more; order promotions are settled
over their lines only when the outcome needs the shares, not just the savings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shop_desktop.domain.money import WHOLE_BP, half_up
from shop_desktop.domain.pricing.coupons import Coupon
from shop_desktop.domain.pricing.discounts import (
    _COUPLED,
    _Applied,
    _Apply,
    _Cart,
    _Grant,
    _grant,
    _order_saving,
    _percent_off,
)
from shop_desktop.domain.pricing.promotions import Promotion


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
                off = min(rest, half_up(rest * bp, WHOLE_BP) if bp else minor)
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
                left[i] -= min(left[i], half_up(left[i] * bp, WHOLE_BP) if bp else minor)
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
        skipped (greedy, see the package docstring).  ``incremental=False``
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
