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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, NamedTuple

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
    "merge_deltas",
    "needs_manager",
    "payment_deltas",
    "sale_deltas",
    "void_deltas",
]

#: The payment method whose money is in the drawer (``PaymentMethod.CASH.value``).
CASH = "cash"

#: New Taiwan dollar notes and coins, largest first (TWD has no minor digits).
TWD_DENOMINATIONS: tuple[int, ...] = (2000, 1000, 500, 200, 100, 50, 10, 5, 1)

#: A variance (either way) beyond this needs a manager's reveal and note: NT$100.
DEFAULT_VARIANCE_THRESHOLD_MINOR = 100


class Bucket(StrEnum):
    SALES = "sales"
    TENDER = "tender"
    STAFF = "staff"
    TAX = "tax"
    DISCOUNT = "discount"
    REFUND = "refund"
    VOID = "void"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"


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


# --- reading the totals ------------------------------------------------------------


@dataclass(frozen=True)
class ShiftTotals:
    """A shift's running totals, read back (see the module docstring for each)."""

    sales_count: int = 0
    sales_minor: int = 0
    discount_minor: int = 0
    void_count: int = 0
    void_minor: int = 0
    cash_in_minor: int = 0
    cash_out_minor: int = 0
    cash_in_count: int = 0
    cash_out_count: int = 0
    #: method -> (amount, number of payments)
    tenders: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: method -> (amount, number of refunds)
    refunds: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: staff id hex -> (amount, number of sales)
    staff: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: rate in basis points -> tax
    taxes: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int, int]]) -> ShiftTotals:
        """From (bucket, key, amount, count) rows as stored."""
        one: dict[str, tuple[int, int]] = {}
        keyed: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        for bucket, key, amount_minor, number in rows:
            if bucket in (Bucket.TENDER, Bucket.REFUND, Bucket.STAFF, Bucket.TAX):
                keyed[bucket][key] = (amount_minor, number)
            else:
                one[bucket] = (amount_minor, number)

        def amount(bucket: Bucket) -> int:
            return one.get(bucket, (0, 0))[0]

        def count(bucket: Bucket) -> int:
            return one.get(bucket, (0, 0))[1]

        return cls(
            sales_count=count(Bucket.SALES),
            sales_minor=amount(Bucket.SALES),
            discount_minor=amount(Bucket.DISCOUNT),
            void_count=count(Bucket.VOID),
            void_minor=amount(Bucket.VOID),
            cash_in_minor=amount(Bucket.CASH_IN),
            cash_out_minor=amount(Bucket.CASH_OUT),
            cash_in_count=count(Bucket.CASH_IN),
            cash_out_count=count(Bucket.CASH_OUT),
            tenders=dict(sorted(keyed[Bucket.TENDER].items())),
            refunds=dict(sorted(keyed[Bucket.REFUND].items())),
            staff=dict(sorted(keyed[Bucket.STAFF].items())),
            taxes={int(k): v[0] for k, v in sorted(keyed[Bucket.TAX].items(), key=_rate)},
        )

    @property
    def refund_minor(self) -> int:
        return sum(amount for amount, _ in self.refunds.values())

    @property
    def net_sales_minor(self) -> int:
        """Sales less the invoices voided."""
        return self.sales_minor - self.void_minor

    @property
    def tax_minor(self) -> int:
        return sum(self.taxes.values())

    def net_tender(self, method: str) -> int:
        """Money kept per method: taken less given back."""
        return self.tenders.get(method, (0, 0))[0] - self.refunds.get(method, (0, 0))[0]

    def expected_cash(self, float_minor: int) -> int:
        """What the drawer should hold: the float, cash kept, cash in, less cash out."""
        return float_minor + self.net_tender(CASH) + self.cash_in_minor - self.cash_out_minor

    def to_json(self) -> dict[str, Any]:
        return {
            "sales_count": self.sales_count,
            "sales_minor": self.sales_minor,
            "discount_minor": self.discount_minor,
            "void_count": self.void_count,
            "void_minor": self.void_minor,
            "cash_in_minor": self.cash_in_minor,
            "cash_out_minor": self.cash_out_minor,
            "cash_in_count": self.cash_in_count,
            "cash_out_count": self.cash_out_count,
            "tenders": {k: list(v) for k, v in self.tenders.items()},
            "refunds": {k: list(v) for k, v in self.refunds.items()},
            "staff": {k: list(v) for k, v in self.staff.items()},
            "taxes": {str(k): v for k, v in self.taxes.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShiftTotals:
        def pairs(name: str) -> dict[str, tuple[int, int]]:
            return {k: (int(v[0]), int(v[1])) for k, v in data.get(name, {}).items()}

        return cls(
            sales_count=int(data.get("sales_count", 0)),
            sales_minor=int(data.get("sales_minor", 0)),
            discount_minor=int(data.get("discount_minor", 0)),
            void_count=int(data.get("void_count", 0)),
            void_minor=int(data.get("void_minor", 0)),
            cash_in_minor=int(data.get("cash_in_minor", 0)),
            cash_out_minor=int(data.get("cash_out_minor", 0)),
            cash_in_count=int(data.get("cash_in_count", 0)),
            cash_out_count=int(data.get("cash_out_count", 0)),
            tenders=pairs("tenders"),
            refunds=pairs("refunds"),
            staff=pairs("staff"),
            taxes={int(k): int(v) for k, v in data.get("taxes", {}).items()},
        )

    def __add__(self, other: ShiftTotals) -> ShiftTotals:
        """Two shifts' totals together (a branch's day)."""

        def add(a: Mapping[Any, tuple[int, int]], b: Mapping[Any, tuple[int, int]]) -> Any:
            out = dict(a)
            for k, (amount_minor, number) in b.items():
                was = out.get(k, (0, 0))
                out[k] = (was[0] + amount_minor, was[1] + number)
            return dict(sorted(out.items()))

        taxes = dict(self.taxes)
        for rate, tax in other.taxes.items():
            taxes[rate] = taxes.get(rate, 0) + tax
        return ShiftTotals(
            sales_count=self.sales_count + other.sales_count,
            sales_minor=self.sales_minor + other.sales_minor,
            discount_minor=self.discount_minor + other.discount_minor,
            void_count=self.void_count + other.void_count,
            void_minor=self.void_minor + other.void_minor,
            cash_in_minor=self.cash_in_minor + other.cash_in_minor,
            cash_out_minor=self.cash_out_minor + other.cash_out_minor,
            cash_in_count=self.cash_in_count + other.cash_in_count,
            cash_out_count=self.cash_out_count + other.cash_out_count,
            tenders=add(self.tenders, other.tenders),
            refunds=add(self.refunds, other.refunds),
            staff=add(self.staff, other.staff),
            taxes=dict(sorted(taxes.items())),
        )


def _rate(item: tuple[str, tuple[int, int]]) -> int:
    return int(item[0])


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


def needs_manager(variance_minor: int, threshold_minor: int) -> bool:
    """Whether a variance (over or short) is beyond what a cashier may close with alone."""
    return abs(variance_minor) > threshold_minor
