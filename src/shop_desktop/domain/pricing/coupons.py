"""Coupons the cashier enters, and the checks that refuse one before anything is priced.

The order of the checks, and the two refusals that need the bill itself
(MIN_SPEND, NOT_STACKABLE / NOTHING_TO_APPLY, given by ``engine``), are in the
package docstring under "Coupons".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from shop_desktop.domain.pricing.limits import _bad, _check_int, _check_naive
from shop_desktop.domain.pricing.promotions import Promotion, _member_allows

__all__ = ["Coupon", "CouponRejection"]


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


def _coupon_timing(coupon: Coupon, at: datetime) -> CouponRejection | None:
    """Why the coupon is not valid at ``at`` (its dates, its promotion's schedule), or None."""
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


def _screen_coupons(
    coupons: Sequence[Coupon], running: set[str], *, at: datetime, member_level: str | None
) -> list[CouponRejection | None]:
    """Coupon verdicts that need no pricing, in the order entered (None = still in).

    ``running`` holds the ids of promotions already counting; a coupon that
    gets in adds its promotion's id, so a second coupon for it is a duplicate.
    """
    verdicts: list[CouponRejection | None] = []
    codes: set[str] = set()
    for coupon in coupons:
        code = coupon.code.strip().upper()
        if code in codes:
            verdicts.append(CouponRejection.DUPLICATE)
            continue
        codes.add(code)
        verdict = _coupon_timing(coupon, at)
        if verdict is None and not _member_allows(coupon.promotion, member_level):
            verdict = CouponRejection.NOT_FOR_MEMBER
        if verdict is None and coupon.promotion.id in running:
            verdict = CouponRejection.DUPLICATE  # one promotion counts once
        if verdict is None:
            running.add(coupon.promotion.id)
        verdicts.append(verdict)
    return verdicts
