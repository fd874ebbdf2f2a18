"""Loyalty points a member earns on a sale.

The shop's rule: one point per full NT$100 of the order total. Totals are
integer minor units, so "NT$100" is ``100 * 10**exponent`` minor units of
the currency (100 for TWD, which has no minor digits; 10,000 for a
currency with two). Points are whole and never negative.

The till earns them in the sale's transaction; the server applies the same
rule to an old client's order that did not carry its points (payload v1).
"""

from __future__ import annotations

from typing import Final

__all__ = ["POINTS_EARNED", "POINTS_REVERSED", "POINT_EVERY_MAJOR_UNITS", "points_earned"]

#: One point per this many whole units of the currency.
POINT_EVERY_MAJOR_UNITS: Final = 100

#: The points ledger's reasons: earned by a sale, taken back by its void.
POINTS_EARNED: Final = "earn"
POINTS_REVERSED: Final = "reverse"


def points_earned(total_minor: int, exponent: int) -> int:
    """Points for an order of ``total_minor`` in a currency with ``exponent`` minor digits."""
    if isinstance(total_minor, bool) or not isinstance(total_minor, int):
        raise TypeError(f"total_minor must be an int, got {type(total_minor).__name__}")
    if not 0 <= exponent <= 4:
        raise ValueError(f"exponent must be between 0 and 4, got {exponent}")
    unit: int = POINT_EVERY_MAJOR_UNITS * int(10**exponent)
    return max(total_minor, 0) // unit
