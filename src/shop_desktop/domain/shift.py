"""The rules of a shift: what a drawer holds, what a sale adds, and how a count is judged.

A shift keeps **running totals**: every sale, payment, void, refund and cash
movement adds a few :class:`Delta` rows to its totals in the same transaction,
so an X report (mid-shift) and the Z report (at the close) read a handful of
rows whether the shift had 10 sales or 10,000. This module says which rows a
thing adds (:func:`sale_deltas`, :func:`payment_deltas`, :func:`void_deltas`,
:func:`cash_delta`) and what the rows mean (:class:`ShiftTotals`).

Totals, one bucket each, keyed as noted (amounts in integer minor units):

``sales``      "" -- the sales' totals, and how many sales
``tender``     payment method -- money taken per method (cash net of change)
``staff``      staff id (hex) -- each cashier's sales, and how many
``tax``        rate in basis points -- the tax in the lines at that rate
``discount``   "" -- everything taken off the lines
``refund``     payment method -- money given back per method
``void``       "" -- the totals of invoices voided, and how many
``cash_in``    "" -- cash put into the drawer during the shift
``cash_out``   "" -- cash taken out of the drawer during the shift

The drawer should hold ``float + cash taken - cash refunded + cash in - cash
out`` (:meth:`ShiftTotals.expected_cash`). The count is **blind**: the
cashier counts by denomination (:data:`TWD_DENOMINATIONS`) without seeing that
figure; the variance is shown after, and a variance beyond a threshold needs
a manager, who sees the expected cash and adds a note (:func:`needs_manager`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, NamedTuple

# The totals themselves are shared with the server, which adds up a branch's day.
from shop_shared.shift_totals import CASH as CASH  # noqa: PLC0414
from shop_shared.shift_totals import Bucket as Bucket  # noqa: PLC0414
from shop_shared.shift_totals import ShiftTotals as ShiftTotals  # noqa: PLC0414

__all__ = [
    "CASH",
    "DEFAULT_VARIANCE_THRESHOLD_MINOR",
    "TWD_DENOMINATIONS",
    "Bucket",
    "CountProblem",
    "CountRefused",
    "Delta",
    "ShiftTotals",
    "cash_delta",
    "counted_total",
    "denominations",
    "fewest_pieces",
    "merge_deltas",
    "needs_manager",
    "payment_deltas",
    "sale_deltas",
    "void_deltas",
]

#: New Taiwan dollar notes and coins, largest first (TWD has no minor digits).
TWD_DENOMINATIONS: tuple[int, ...] = (2000, 1000, 500, 200, 100, 50, 10, 5, 1)

#: A variance (either way) beyond this needs a manager's reveal and note: NT$100.
DEFAULT_VARIANCE_THRESHOLD_MINOR = 100


class Delta(NamedTuple):
    """What one thing adds to one running total."""

    bucket: Bucket
    key: str
    amount_minor: int
    #: How many things (sales, payments, ...) it adds.
    number: int


def merge_deltas(deltas: Iterable[Delta]) -> list[Delta]:
    """Deltas for the same total added together (one row each), in first-seen order."""
    merged: dict[tuple[Bucket, str], list[int]] = {}
    for d in deltas:
        row = merged.setdefault((d.bucket, d.key), [0, 0])
        row[0] += d.amount_minor
        row[1] += d.number
    return [Delta(b, k, amount, count) for (b, k), (amount, count) in merged.items()]


def sale_deltas(
    *,
    total_minor: int,
    discount_minor: int,
    staff_key: str,
    payments: Iterable[tuple[str, int]],
    taxes: Iterable[tuple[int, int]],
) -> list[Delta]:
    """What a sale adds: its total, its cashier, its payments, its tax per rate, its discount.

    ``payments`` are (method, amount applied to the sale) -- for cash, what
    stays in the drawer; ``taxes`` are (rate in basis points, tax) per line.
    """
    deltas = [
        Delta(Bucket.SALES, "", total_minor, 1),
        Delta(Bucket.STAFF, staff_key, total_minor, 1),
        Delta(Bucket.DISCOUNT, "", discount_minor, 0),
    ]
    deltas += payment_deltas(payments)
    deltas += [Delta(Bucket.TAX, str(rate), tax, 0) for rate, tax in taxes]
    return merge_deltas(deltas)


def payment_deltas(payments: Iterable[tuple[str, int]]) -> list[Delta]:
    """What payments add (also an order paid after it was taken)."""
    return merge_deltas(Delta(Bucket.TENDER, method, amount, 1) for method, amount in payments)


def void_deltas(*, total_minor: int, refunds: Iterable[tuple[str, int]]) -> list[Delta]:
    """What voiding an invoice adds: the void, and the money given back per method."""
    deltas = [Delta(Bucket.VOID, "", total_minor, 1)]
    deltas += [Delta(Bucket.REFUND, method, amount, 1) for method, amount in refunds]
    return merge_deltas(deltas)


def cash_delta(*, into_drawer: bool, amount_minor: int) -> Delta:
    """A cash movement (always a positive amount; the bucket says which way)."""
    if amount_minor <= 0:
        raise CountRefused(CountProblem.BAD_AMOUNT, {"amount_minor": amount_minor})
    return Delta(Bucket.CASH_IN if into_drawer else Bucket.CASH_OUT, "", amount_minor, 1)


# --- the count -----------------------------------------------------------------------


class CountProblem(Enum):
    #: A denomination this currency does not have.
    UNKNOWN_DENOMINATION = "unknown_denomination"
    #: A negative or absurd number of notes or coins.
    BAD_QUANTITY = "bad_quantity"
    #: A cash movement or float that is not a positive (or, for a float, zero) amount.
    BAD_AMOUNT = "bad_amount"


class CountRefused(ValueError):
    """A count or amount that cannot be right; ``detail`` names what."""

    def __init__(self, reason: CountProblem, detail: Mapping[str, Any] | None = None) -> None:
        self.reason = reason
        self.detail = dict(detail or {})
        super().__init__(reason.value, self.detail)


#: More than this many of one note or coin is a typing slip, not a drawer.
_MAX_PIECES = 100_000


def denominations(currency_code: str) -> tuple[int, ...]:
    """The notes and coins counted for ``currency_code``, in minor units, largest first.

    Only TWD has its own; any other currency is counted as one amount (a
    single "denomination" of one minor unit).
    """
    return TWD_DENOMINATIONS if currency_code == "TWD" else (1,)


def counted_total(counts: Mapping[int, int], currency_code: str = "TWD") -> int:
    """The cash counted: each denomination times how many of it."""
    known = denominations(currency_code)
    total = 0
    for value, pieces in counts.items():
        if value not in known:
            raise CountRefused(CountProblem.UNKNOWN_DENOMINATION, {"denomination": value})
        if not 0 <= pieces <= _MAX_PIECES and not (len(known) == 1 and pieces >= 0):
            raise CountRefused(CountProblem.BAD_QUANTITY, {"denomination": value})
        total += value * pieces
    return total


def fewest_pieces(amount_minor: int, currency_code: str = "TWD") -> dict[int, int]:
    """``amount_minor`` as the fewest notes and coins (what a drawer of that much holds)."""
    if amount_minor < 0:
        raise CountRefused(CountProblem.BAD_AMOUNT, {"amount_minor": amount_minor})
    pieces: dict[int, int] = {}
    for value in denominations(currency_code):
        pieces[value], amount_minor = divmod(amount_minor, value)
    return {value: n for value, n in pieces.items() if n}


def needs_manager(variance_minor: int, threshold_minor: int) -> bool:
    """Whether a variance (over or short) is beyond what a cashier may close with alone."""
    return abs(variance_minor) > threshold_minor
