"""Loyalty points a member earns on a sale.

The rule is shared with the server, which applies it to an old client's order
that did not carry its points, so it lives in :mod:`shop_shared.points`; it is
re-exported here beside the till's other domain rules.
"""

from __future__ import annotations

from shop_shared.points import (
    POINT_EVERY_MAJOR_UNITS,
    POINTS_EARNED,
    POINTS_REVERSED,
    points_earned,
)

__all__ = ["POINTS_EARNED", "POINTS_REVERSED", "POINT_EVERY_MAJOR_UNITS", "points_earned"]
