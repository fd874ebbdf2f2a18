"""A shift's running totals as stored and as reported, shared by the till and the server.

The till keeps them (``shop_desktop.domain.shift`` says what each sale adds) and
sends them up in each Z report; the server adds the Z reports of every till of a
branch into the branch's day with the same :class:`ShiftTotals` (``+``). Standard
library only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["CASH", "Bucket", "ShiftTotals"]

#: The payment method whose money is in the drawer.
CASH = "cash"


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
