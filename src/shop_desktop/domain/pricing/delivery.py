"""Delivery rules: how the fee of a delivered order is worked out (step 6).

The fee itself is worked out with the bill's totals (``totals``), on the goods
total after discounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shop_desktop.domain.money import WHOLE_BP
from shop_desktop.domain.pricing.limits import MAX_LINE_MINOR, _bad, _check_int

__all__ = ["DeliveryKind", "DeliveryRule", "DeliveryUnavailable"]


class DeliveryKind(Enum):
    FLAT = "flat"
    FREE_ABOVE = "free_above"
    BY_WEIGHT = "by_weight"
    BY_ZONE = "by_zone"


@dataclass(frozen=True, slots=True)
class DeliveryRule:
    """How the delivery fee is worked out; the fee is tax-inclusive at ``tax_rate_bp``.

    FLAT: ``fee_minor``.  FREE_ABOVE: ``fee_minor`` unless the goods total after
    discounts reaches ``threshold_minor``.  BY_WEIGHT: ``fee_minor`` plus
    ``per_kg_minor`` per started kg.  BY_ZONE: the fee of the context's zone.
    """

    kind: DeliveryKind
    fee_minor: int = 0
    threshold_minor: int = 0
    per_kg_minor: int = 0
    zone_fees: tuple[tuple[str, int], ...] = ()
    tax_rate_bp: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, DeliveryKind):
            raise _bad("delivery kind", self.kind, "a DeliveryKind")
        _check_int(self.fee_minor, "delivery fee_minor", high=MAX_LINE_MINOR)
        _check_int(self.threshold_minor, "delivery threshold_minor")
        _check_int(self.per_kg_minor, "delivery per_kg_minor", high=MAX_LINE_MINOR)
        _check_int(self.tax_rate_bp, "delivery tax_rate_bp", high=WHOLE_BP)
        if not isinstance(self.zone_fees, tuple):
            raise _bad("delivery zone_fees", self.zone_fees, "a tuple of (zone, fee_minor)")
        for zone in self.zone_fees:
            if not (isinstance(zone, tuple) and len(zone) == 2 and isinstance(zone[0], str)):
                raise _bad("delivery zone", zone, "a (zone, fee_minor) pair")
            _check_int(zone[1], f"delivery fee of zone {zone[0]!r}", high=MAX_LINE_MINOR)
        if len({zone for zone, _ in self.zone_fees}) != len(self.zone_fees):
            raise ValueError(f"delivery zone_fees lists a zone twice: {self.zone_fees!r}")


class DeliveryUnavailable(ValueError):
    """The shop does not deliver to this zone (BY_ZONE has no fee for it)."""

    reason = "unknown_zone"

    def __init__(self, zone: str) -> None:
        super().__init__(f"no delivery fee for zone {zone!r}")
        self.zone = zone
