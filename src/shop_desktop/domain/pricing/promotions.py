"""What the shop offers: promotion kinds, what they apply to, when they run, who may have them.

How each kind takes money off is step 2 of the package docstring; the
arithmetic itself is in ``discounts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import Enum

from shop_desktop.domain.money import WHOLE_BP
from shop_desktop.domain.pricing.limits import _bad, _check_ids, _check_int, _check_naive

__all__ = ["Promotion", "PromotionKind", "Schedule", "Target", "Tier", "is_active"]


class PromotionKind(Enum):
    """What a promotion gives; see the package docstring (step 2) for how each counts."""

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


# The kinds as plain globals: reading a member off an Enum class costs several
# times a global look-up, and the engine asks once per promotion and trial.
_PERCENT_OFF = PromotionKind.PERCENT_OFF
_AMOUNT_OFF = PromotionKind.AMOUNT_OFF
_SPEND_SAVE = PromotionKind.SPEND_SAVE
_BUNDLE = PromotionKind.BUNDLE
_MEMBER_PRICE = PromotionKind.MEMBER_PRICE


def _member_allows(promotion: Promotion, level: str | None) -> bool:
    """Whether a customer of member ``level`` (None: no member attached) may have it."""
    if promotion.member_levels:
        return level in promotion.member_levels
    return promotion.kind is not _MEMBER_PRICE or level is not None
