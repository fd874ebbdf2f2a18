"""What the pricing engine accepts: the limits of a sale, and the checks of a rule's fields.

Promotions, coupons, delivery rules and the pricing context check their fields
when they are made (ValueError), so the engine never meets a rule that makes
no sense; the cart's lines are checked by ``price_cart`` itself
(``cart_lines``), with a reason the cashier is told.
"""

from __future__ import annotations

from datetime import datetime, time

__all__ = ["MAX_CART_LINES", "MAX_LINE_MINOR", "MAX_QTY_MILLI", "MAX_UNIT_PRICE_MINOR"]

#: Limits beyond which a cart is a runaway scanner or a typo, not a sale.  They
#: keep every amount of a bill far inside a signed 64-bit database column.
MAX_CART_LINES = 5_000
MAX_QTY_MILLI = 1_000_000_000  # a million units on one line
MAX_UNIT_PRICE_MINOR = 10**12
MAX_LINE_MINOR = 10**14


def _bad(what: str, value: object, expected: str) -> ValueError:
    return ValueError(f"{what} must be {expected}, got {value!r}")


def _check_int(value: object, what: str, low: int | None = 0, high: int | None = None) -> None:
    """Raise ValueError unless value is a plain int (not bool) within [low, high]."""
    if type(value) is not int:
        raise _bad(what, value, "a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low}" if low is not None else ""
        if high is not None:
            bounds = f"{bounds} to {high}" if bounds else f"at most {high}"
        raise _bad(what, value, f"a whole number {bounds}".rstrip())


def _check_ids(value: object, what: str) -> None:
    if not isinstance(value, frozenset) or not all(isinstance(v, str) and v for v in value):
        raise _bad(what, value, "a frozenset of non-empty strings")


def _check_naive(value: object, what: str, kind: type[datetime] | type[time]) -> None:
    """The till keeps naive local wall time; an aware value would not compare with it."""
    if value is None:
        return
    if not isinstance(value, kind):
        raise _bad(what, value, f"a {kind.__name__} or None")
    if value.tzinfo is not None:
        raise _bad(what, value, "naive local wall time (no time zone)")
