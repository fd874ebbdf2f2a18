"""A shift's figures summed straight from the orders, payments and refunds, in SQL.

The tests' own reckoning of what a Z report must say: it reads the sales a till
made between a shift's opening and closing times (as stored in ``shifts``),
never the running totals the code under test keeps, so the two check each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.shop_rows import sql

from shop_desktop.data.db import Database


@dataclass(frozen=True)
class ShiftSums:
    sales_count: int
    sales_minor: int
    discount_minor: int
    #: method -> amount kept from sales (cash net of change)
    tenders: dict[str, int]
    #: method -> amount given back
    refunds: dict[str, int]
    void_count: int
    void_minor: int
    #: rate_bp -> tax in the lines
    taxes: dict[int, int]
    #: staff id hex -> sales total
    staff: dict[str, int]
    cash_in_minor: int
    cash_out_minor: int
    float_minor: int

    @property
    def expected_cash(self) -> int:
        return (
            self.float_minor
            + self.tenders.get("cash", 0)
            - self.refunds.get("cash", 0)
            + self.cash_in_minor
            - self.cash_out_minor
        )


def shift_sums(db: Database, shift_id_hex: str) -> ShiftSums:
    """Sums over what the shift's till wrote between its opening and its close (or now)."""
    [(station, opened, closed, float_minor)] = sql(
        db,
        "SELECT workstation_id, opened_at, coalesce(closed_at, '9999-12-31'), float_minor"
        " FROM shifts WHERE id = ?",
        shift_id_hex,
    )
    window = "o.workstation_id = ? AND o.created_at >= ? AND o.created_at <= ?"
    args = (station, opened, closed)
    [(count, total, discount)] = sql(
        db,
        "SELECT count(*), coalesce(sum(o.total_minor), 0), coalesce(sum(o.discount_minor), 0)"
        f" FROM orders o WHERE {window} AND o.invoice_no IS NOT NULL",
        *args,
    )
    tenders = dict(
        sql(
            db,
            "SELECT p.method, sum(p.amount_minor) FROM payments p JOIN orders o"
            f" ON o.id = p.order_id WHERE {window} GROUP BY p.method",
            *args,
        )
    )
    refunds = dict(
        sql(
            db,
            "SELECT r.method, sum(r.amount_minor) FROM refunds r JOIN orders o"
            " ON o.id = r.order_id WHERE o.workstation_id = ? AND r.created_at >= ?"
            " AND r.created_at <= ? GROUP BY r.method",
            *args,
        )
    )
    [(void_count, void_minor)] = sql(
        db,
        "SELECT count(*), coalesce(sum(c.total_minor), 0) FROM credit_notes c"
        " JOIN orders o ON o.id = c.order_id WHERE o.workstation_id = ?"
        " AND c.created_at >= ? AND c.created_at <= ?",
        *args,
    )
    taxes = {
        int(rate): tax
        for rate, tax in sql(
            db,
            "SELECT l.tax_rate_bp, sum(l.tax_minor) FROM order_lines l JOIN orders o"
            f" ON o.id = l.order_id WHERE {window} AND o.invoice_no IS NOT NULL"
            " GROUP BY l.tax_rate_bp",
            *args,
        )
    }
    staff = dict(
        sql(
            db,
            f"SELECT o.staff_id, sum(o.total_minor) FROM orders o WHERE {window}"
            " AND o.invoice_no IS NOT NULL GROUP BY o.staff_id",
            *args,
        )
    )
    [(cash_in, cash_out)] = sql(
        db,
        "SELECT coalesce(sum(CASE WHEN into_drawer THEN amount_minor END), 0),"
        " coalesce(sum(CASE WHEN NOT into_drawer THEN amount_minor END), 0)"
        " FROM cash_movements WHERE shift_id = ?",
        shift_id_hex,
    )
    return ShiftSums(
        sales_count=count,
        sales_minor=total,
        discount_minor=discount,
        tenders=tenders,
        refunds=refunds,
        void_count=void_count,
        void_minor=void_minor,
        taxes=taxes,
        staff=staff,
        cash_in_minor=cash_in,
        cash_out_minor=cash_out,
        float_minor=float_minor,
    )
