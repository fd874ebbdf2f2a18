"""The branch's day: every till's Z reports of one business day, added together.

Tills send each shift's Z report as they made it (``shift.closed``); the server
never recomputes a till's figures, it adds them with the same rule the till
used (:class:`shop_shared.shift_totals.ShiftTotals`), so the day equals the sum
of its Z reports to the cent. Shifts still open (opened, no Z yet) are listed
apart: their figures are not in the day until they close.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from shop_server import schema as s
from shop_shared.shift_totals import ShiftTotals

__all__ = ["branch_day", "report_row"]


def report_row(report: Mapping[str, Any]) -> dict[str, Any]:
    """The columns a Z report fills (raising KeyError/TypeError/ValueError when it is not one)."""
    ShiftTotals.from_json(report["totals"])  # refuses a report whose figures do not parse
    return {
        "number": int(report["number"]),
        "currency_code": str(report["currency_code"])[:3],
        "opened_at": str(report["opened_at"])[:40],
        "float_minor": int(report["float_minor"]),
    }


def branch_day(conn: Connection, branch_id: str, day: str) -> dict[str, Any]:
    """The day of ``branch_id`` on ``day`` (YYYY-MM-DD): the sum of its closed shifts."""
    t = s.shifts
    rows = conn.execute(
        select(t)
        .where(t.c.branch_id == branch_id, t.c.business_day == day)
        .order_by(t.c.workstation_id, t.c.number)
    ).mappings()
    totals = ShiftTotals()
    closed: list[dict[str, Any]] = []
    still_open: list[dict[str, Any]] = []
    sums = {"float_minor": 0, "expected_cash_minor": 0, "counted_minor": 0, "variance_minor": 0}
    for row in rows:
        report = row["report"]
        if row["closed_at"] is None or not report:
            still_open.append(
                {
                    "shift_id": row["id"],
                    "workstation_id": row["workstation_id"],
                    "number": row["number"],
                    "opened_at": row["opened_at"],
                }
            )
            continue
        totals = totals + ShiftTotals.from_json(report["totals"])
        for name in sums:
            sums[name] += int(report.get(name) or 0)
        closed.append(
            {
                "shift_id": row["id"],
                "workstation_id": row["workstation_id"],
                "workstation_code": report.get("workstation_code", ""),
                "number": row["number"],
                "opened_at": row["opened_at"],
                "closed_at": row["closed_at"],
                "expected_cash_minor": report.get("expected_cash_minor"),
                "counted_minor": report.get("counted_minor"),
                "variance_minor": report.get("variance_minor"),
                "sales_minor": totals_of(report).sales_minor,
            }
        )
    return {
        "branch_id": branch_id,
        "day": day,
        "shifts": closed,
        "open_shifts": still_open,
        "totals": totals.to_json(),
        "net_sales_minor": totals.net_sales_minor,
        "tax_minor": totals.tax_minor,
        **sums,
    }


def totals_of(report: Mapping[str, Any]) -> ShiftTotals:
    return ShiftTotals.from_json(report["totals"])
