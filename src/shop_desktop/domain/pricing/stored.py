"""Promotions and delivery rules as the database stores them and sync carries them (JSON).

Reading back refuses what the till does not understand (unknown keys, kinds or
values) rather than ignoring it: a rule read wrongly would price sales
silently wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from shop_desktop.domain.pricing.delivery import DeliveryKind, DeliveryRule
from shop_desktop.domain.pricing.limits import _bad
from shop_desktop.domain.pricing.promotions import (
    Promotion,
    PromotionKind,
    Schedule,
    Target,
    Tier,
)

__all__ = [
    "delivery_rule_from_json",
    "delivery_rule_to_json",
    "promotion_from_json",
    "promotion_to_json",
]

_PROMOTION_KEYS = frozenset(
    {
        "id",
        "code",
        "name_zh",
        "name_en",
        "kind",
        "target",
        "schedule",
        "percent_bp",
        "amount_minor",
        "tiers",
        "repeat",
        "buy_qty",
        "get_qty",
        "bundle",
        "bundle_price_minor",
        "member_levels",
        "priority",
        "stackable",
        "coupon_only",
    }
)
_PROMOTION_REQUIRED = ("id", "code", "name_zh", "name_en", "kind")
_TARGET_KEYS = frozenset({"product_ids", "category_ids", "brand_ids"})
_SCHEDULE_KEYS = frozenset({"starts_at", "ends_at", "weekdays", "from_time", "until_time"})
_TIER_KEYS = frozenset({"threshold_minor", "save_minor"})
_DELIVERY_KEYS = frozenset(
    {"kind", "fee_minor", "threshold_minor", "per_kg_minor", "zone_fees", "tax_rate_bp"}
)


def promotion_to_json(p: Promotion) -> dict[str, Any]:
    """The promotion as stored in the database and synced; ``promotion_from_json`` reads it back."""
    s = p.schedule
    return {
        "id": p.id,
        "code": p.code,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "kind": p.kind.value,
        "target": {
            "product_ids": sorted(p.target.product_ids),
            "category_ids": sorted(p.target.category_ids),
            "brand_ids": sorted(p.target.brand_ids),
        },
        "schedule": {
            "starts_at": None if s.starts_at is None else s.starts_at.isoformat(),
            "ends_at": None if s.ends_at is None else s.ends_at.isoformat(),
            "weekdays": sorted(s.weekdays),
            "from_time": None if s.from_time is None else s.from_time.isoformat(),
            "until_time": None if s.until_time is None else s.until_time.isoformat(),
        },
        "percent_bp": p.percent_bp,
        "amount_minor": p.amount_minor,
        "tiers": [
            {"threshold_minor": t.threshold_minor, "save_minor": t.save_minor} for t in p.tiers
        ],
        "repeat": p.repeat,
        "buy_qty": p.buy_qty,
        "get_qty": p.get_qty,
        "bundle": [[pid, n] for pid, n in p.bundle],
        "bundle_price_minor": p.bundle_price_minor,
        "member_levels": sorted(p.member_levels),
        "priority": p.priority,
        "stackable": p.stackable,
        "coupon_only": p.coupon_only,
    }


def _object(data: object, what: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _bad(what, data, "an object")
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        raise ValueError(f"unknown keys {unknown} in {what} (known: {sorted(keys)})")
    return data


def _strings(data: Mapping[str, Any], key: str, what: str) -> frozenset[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{what} {key}", value, "a list of strings")
    return frozenset(value)


def _moment(data: Mapping[str, Any], key: str, kind: type[datetime] | type[time]) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"schedule {key}", value, "an ISO 8601 text or null")
    try:
        return kind.fromisoformat(value)
    except ValueError:
        raise _bad(f"schedule {key}", value, "an ISO 8601 text or null") from None


def _pairs(data: Mapping[str, Any], key: str, what: str) -> tuple[tuple[str, int], ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(v, list | tuple) and len(v) == 2 and isinstance(v[0], str) for v in value
    ):
        raise _bad(f"{what} {key}", value, "a list of [text, number] pairs")
    return tuple((v[0], v[1]) for v in value)


def promotion_from_json(data: Mapping[str, Any]) -> Promotion:
    """Read a promotion written by ``promotion_to_json`` (or by hand, in that shape).

    Keys other than ``id``, ``code``, ``name_zh``, ``name_en`` and ``kind`` may
    be left out (defaults apply).  Bad data raises ValueError naming the
    promotion and the field; unknown keys are refused rather than ignored, since
    a rule the till does not understand must not price sales silently.
    """
    where = "promotion"
    if isinstance(data, Mapping) and isinstance(data.get("code"), str):
        where = f"promotion {data['code']!r}"
    try:
        data = _object(data, "the promotion", _PROMOTION_KEYS)
        missing = [key for key in _PROMOTION_REQUIRED if key not in data]
        if missing:
            raise ValueError(f"missing keys {missing}")
        try:
            kind = PromotionKind(data["kind"])
        except ValueError:
            known = [k.value for k in PromotionKind]
            raise ValueError(f"unknown kind {data['kind']!r} (known: {known})") from None
        target = _object(data.get("target", {}), "target", _TARGET_KEYS)
        schedule = _object(data.get("schedule", {}), "schedule", _SCHEDULE_KEYS)
        tiers = data.get("tiers", [])
        if not isinstance(tiers, list):
            raise _bad("tiers", tiers, "a list")
        weekdays = schedule.get("weekdays", [])
        if not isinstance(weekdays, list):
            raise _bad("schedule weekdays", weekdays, "a list of 0 (Monday) to 6")
        return Promotion(
            id=data["id"],
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            kind=kind,
            target=Target(
                product_ids=_strings(target, "product_ids", "target"),
                category_ids=_strings(target, "category_ids", "target"),
                brand_ids=_strings(target, "brand_ids", "target"),
            ),
            schedule=Schedule(
                starts_at=_moment(schedule, "starts_at", datetime),
                ends_at=_moment(schedule, "ends_at", datetime),
                weekdays=frozenset(weekdays),
                from_time=_moment(schedule, "from_time", time),
                until_time=_moment(schedule, "until_time", time),
            ),
            percent_bp=data.get("percent_bp", 0),
            amount_minor=data.get("amount_minor", 0),
            tiers=tuple(
                Tier(t.get("threshold_minor", 0), t.get("save_minor", 0))
                for t in (_object(t, "tier", _TIER_KEYS) for t in tiers)
            ),
            repeat=data.get("repeat", False),
            buy_qty=data.get("buy_qty", 0),
            get_qty=data.get("get_qty", 0),
            bundle=_pairs(data, "bundle", "promotion"),
            bundle_price_minor=data.get("bundle_price_minor", 0),
            member_levels=_strings(data, "member_levels", "promotion"),
            priority=data.get("priority", 0),
            stackable=data.get("stackable", True),
            coupon_only=data.get("coupon_only", False),
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {exc}") from None


def delivery_rule_to_json(r: DeliveryRule) -> dict[str, Any]:
    """The delivery rule as stored and synced; ``delivery_rule_from_json`` reads it back."""
    return {
        "kind": r.kind.value,
        "fee_minor": r.fee_minor,
        "threshold_minor": r.threshold_minor,
        "per_kg_minor": r.per_kg_minor,
        "zone_fees": [[zone, fee] for zone, fee in r.zone_fees],
        "tax_rate_bp": r.tax_rate_bp,
    }


def delivery_rule_from_json(data: Mapping[str, Any]) -> DeliveryRule:
    """Read a delivery rule; only ``kind`` is required.  Bad data raises ValueError."""
    try:
        data = _object(data, "the delivery rule", _DELIVERY_KEYS)
        if "kind" not in data:
            raise ValueError("missing key 'kind'")
        try:
            kind = DeliveryKind(data["kind"])
        except ValueError:
            known = [k.value for k in DeliveryKind]
            raise ValueError(f"unknown kind {data['kind']!r} (known: {known})") from None
        return DeliveryRule(
            kind=kind,
            fee_minor=data.get("fee_minor", 0),
            threshold_minor=data.get("threshold_minor", 0),
            per_kg_minor=data.get("per_kg_minor", 0),
            zone_fees=_pairs(data, "zone_fees", "delivery rule"),
            tax_rate_bp=data.get("tax_rate_bp", 0),
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"delivery rule: {exc}") from None
