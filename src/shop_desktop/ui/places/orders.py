"""Orders 訂單: every order, its goods, payment and delivery state."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Order
from shop_desktop.ui.context import ORDERS
from shop_desktop.ui.places.base import SummaryPlace


def start_of_local_day(now: datetime | None = None) -> datetime:
    """Midnight of today on the workstation's clock, as an aware UTC time."""
    local = (now or datetime.now(UTC)).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def count_orders(
    session: Session, *, since: datetime | None = None, workstation_id: uuid.UUID | None = None
) -> int:
    query = select(func.count()).select_from(Order)
    if since is not None:
        query = query.where(Order.created_at >= since)
    if workstation_id is not None:
        query = query.where(Order.workstation_id == workstation_id)
    return session.scalar(query) or 0


class OrdersPlace(SummaryPlace):
    key = "orders"
    watches = frozenset({ORDERS})

    def title(self) -> str:
        return self.tr("Orders")

    def description(self) -> str:
        return self.tr(
            "Find any order, see its goods, payments and delivery, take payment for "
            "unpaid orders, and follow picking and shipping."
        )

    def fact_keys(self) -> tuple[str, ...]:
        return ("today", "total")

    def fact_labels(self) -> dict[str, str]:
        return {"today": self.tr("Orders today"), "total": self.tr("Orders in total")}

    def facts_query(self) -> Callable[[Session], dict[str, int]]:
        def count(session: Session) -> dict[str, int]:
            return {
                "today": count_orders(session, since=start_of_local_day()),
                "total": count_orders(session),
            }

        return count
