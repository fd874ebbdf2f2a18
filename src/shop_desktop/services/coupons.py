"""Coupons, promotions and delivery rules as the counter reads them.

The server owns promotions (SYNC.md: the server wins); this workstation keeps
a copy and only reads it here. What a promotion *does* is the pricing
engine's business: these functions hand over the stored rule dicts
(``domain.pricing.promotion_from_json`` reads them) and answer the one
question the engine leaves to the caller: may this coupon be used here, now,
by this customer?

Coupon validity is the shop's wall-clock time (naive), as promotion
schedules are; an aware ``at`` is turned into this machine's local time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    Coupon,
    CouponRedemption,
    DeliveryRule,
    LocalState,
    Promotion,
)

__all__ = [
    "DEFAULT_OFFLINE_ALLOWANCE",
    "OFFLINE_ALLOWANCE_KEY",
    "CouponNotUsable",
    "CouponProblem",
    "CouponRecord",
    "active_promotion_rules",
    "coupon_uses",
    "delivery_rule_rows",
    "find_coupon",
    "normalize_code",
    "offline_allowance",
    "shop_wall_time",
    "unconfirmed_single_use",
]


class CouponProblem(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    #: Withdrawn: the coupon or its promotion was switched off.
    INACTIVE = "inactive"
    #: Issued to another member (or to a member, and no member is attached).
    OTHER_MEMBER = "other_member"
    #: Too many single-use coupons redeemed here that the server has not
    #: confirmed yet (offline): more would risk many second uses.
    OFFLINE_ALLOWANCE_USED = "offline_allowance_used"


#: Single-use coupons this workstation may redeem before the server confirms them.
DEFAULT_OFFLINE_ALLOWANCE = 20
#: ``local_state`` key of a per-device setting ``{"value": n}`` overriding it.
OFFLINE_ALLOWANCE_KEY = "coupon_offline_allowance"

# Redemptions of single-use coupons whose sale the server has not acknowledged
# yet (``confirmed`` is set by the sync push when the sale's op is acked): an
# indexed count, however long the till has been offline.
_UNCONFIRMED_SINGLE_USE = text(
    "SELECT count(*) FROM coupon_redemptions r"
    " JOIN coupons c ON c.id = r.coupon_id AND c.single_use = 1"
    " WHERE r.confirmed = 0"
)


class CouponNotUsable(Exception):
    """The coupon cannot be used on this sale; ``reason`` says why, ``code`` which one."""

    def __init__(self, reason: CouponProblem, code: str) -> None:
        super().__init__(reason.value, code)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class CouponRecord:
    id: uuid.UUID
    code: str
    #: The promotion the coupon gives, as ``promotion_to_json`` wrote it.
    promotion_rule: dict[str, Any]
    #: Shop wall-clock time (naive), inclusive.
    valid_from: datetime | None
    #: Shop wall-clock time (naive), exclusive.
    valid_until: datetime | None
    single_use: bool
    member_id: uuid.UUID | None


def normalize_code(code: str) -> str:
    """Coupon codes are stored upper-cased; typed or scanned ones are matched so."""
    return code.strip().upper()


def shop_wall_time(at: datetime) -> datetime:
    """``at`` as the shop's naive wall-clock time (aware times are made local)."""
    if at.tzinfo is None:
        return at
    return at.astimezone().replace(tzinfo=None)


def coupon_uses(session: Session, coupon_id: uuid.UUID) -> int:
    """Sales known to have used the coupon: this workstation's own, or the
    server's count over every till (pulled), whichever is more.

    The larger of the two, not the sum: the server's count already includes
    this till's synced sales. A use at another till that has not reached
    the server yet is caught there (a second use is kept and flagged).
    """
    here = session.scalar(
        select(func.count())
        .select_from(CouponRedemption)
        .where(CouponRedemption.coupon_id == coupon_id)
    )
    everywhere = session.scalar(select(Coupon.uses).where(Coupon.id == coupon_id))
    return max(int(here or 0), int(everywhere or 0))


def offline_allowance(session: Session) -> int:
    """This device's allowance of unconfirmed single-use coupons (setting, else the default)."""
    value = session.scalar(select(LocalState.value).where(LocalState.key == OFFLINE_ALLOWANCE_KEY))
    if isinstance(value, dict):
        number = value.get("value")
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            return number
    return DEFAULT_OFFLINE_ALLOWANCE


def unconfirmed_single_use(session: Session) -> int:
    """Single-use coupons redeemed here that the server has not acknowledged yet."""
    return int(session.scalar(_UNCONFIRMED_SINGLE_USE) or 0)


def find_coupon(
    session: Session,
    code: str,
    *,
    at: datetime,
    member_id: uuid.UUID | None,
    allowance: int | None = None,
) -> CouponRecord:
    """The coupon with this code, if it may be used at ``at`` for this customer.

    Raises :class:`CouponNotUsable`. "Used" counts only this workstation's
    sales: a coupon used offline at another till is caught by the server
    (SYNC.md keeps such a sale and flags it). To bound that risk, a
    single-use coupon is refused (OFFLINE_ALLOWANCE_USED) once ``allowance``
    (default: :func:`offline_allowance`) single-use coupons redeemed here
    still wait for the server's acknowledgement.
    """
    wanted = normalize_code(code)
    row = (
        session.execute(
            select(Coupon, Promotion)
            .join(Promotion, Promotion.id == Coupon.promotion_id)
            .where(Coupon.code == wanted)
        ).first()
        if wanted
        else None
    )
    if row is None:
        raise CouponNotUsable(CouponProblem.UNKNOWN, wanted)
    coupon, promotion = row
    when = shop_wall_time(at)
    if not coupon.active or not promotion.active:
        raise CouponNotUsable(CouponProblem.INACTIVE, coupon.code)
    if coupon.valid_from is not None and when < coupon.valid_from:
        raise CouponNotUsable(CouponProblem.NOT_YET_VALID, coupon.code)
    if coupon.valid_until is not None and when >= coupon.valid_until:
        raise CouponNotUsable(CouponProblem.EXPIRED, coupon.code)
    if coupon.member_id is not None and coupon.member_id != member_id:
        raise CouponNotUsable(CouponProblem.OTHER_MEMBER, coupon.code)
    limit = 1 if coupon.single_use else coupon.max_uses
    if limit is not None and coupon_uses(session, coupon.id) >= limit:
        raise CouponNotUsable(CouponProblem.USED, coupon.code)
    if coupon.single_use:
        most = offline_allowance(session) if allowance is None else allowance
        if unconfirmed_single_use(session) >= most:
            raise CouponNotUsable(CouponProblem.OFFLINE_ALLOWANCE_USED, coupon.code)
    return CouponRecord(
        id=coupon.id,
        code=coupon.code,
        promotion_rule=dict(promotion.rule),
        valid_from=coupon.valid_from,
        valid_until=coupon.valid_until,
        single_use=coupon.single_use,
        member_id=coupon.member_id,
    )


def active_promotion_rules(session: Session) -> list[dict[str, Any]]:
    """Rules of the promotions switched on, highest priority first.

    Coupon-only promotions are included (a coupon points at one); whether a
    promotion runs at this hour is the engine's call, from its schedule.
    """
    rules = session.scalars(
        select(Promotion.rule)
        .where(Promotion.active.is_(True))
        .order_by(Promotion.priority.desc(), Promotion.code)
    )
    return [dict(rule) for rule in rules]


def delivery_rule_rows(
    session: Session,
) -> list[tuple[uuid.UUID, str, str, str, dict[str, Any]]]:
    """Active delivery rules as (id, code, name_zh, name_en, rule), in the counter's order."""
    rows = session.execute(
        select(
            DeliveryRule.id,
            DeliveryRule.code,
            DeliveryRule.name_zh,
            DeliveryRule.name_en,
            DeliveryRule.rule,
        )
        .where(DeliveryRule.active.is_(True))
        .order_by(DeliveryRule.position, DeliveryRule.code)
    )
    return [(r.id, r.code, r.name_zh, r.name_en, dict(r.rule)) for r in rows]
