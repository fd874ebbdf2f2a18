"""The few numbers each place of the main window shows on its tiles.

Plain counts over the local database, read on a worker each time a place is
shown or its data changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Category, Member, Order, Product


def count_members(session: Session) -> int:
    """Members who are still active."""
    return session.scalar(select(func.count()).select_from(Member).where(Member.active)) or 0


def count_catalog(session: Session) -> dict[str, int]:
    """Products on sale and categories, under the tiles' keys."""
    products = session.scalar(select(func.count()).select_from(Product).where(Product.active))
    categories = session.scalar(select(func.count()).select_from(Category))
    return {"products": products or 0, "categories": categories or 0}


def count_orders(
    session: Session, *, since: datetime | None = None, workstation_id: uuid.UUID | None = None
) -> int:
    """Orders taken since ``since`` (an aware time), at one workstation or anywhere."""
    query = select(func.count()).select_from(Order)
    if since is not None:
        query = query.where(Order.created_at >= since)
    if workstation_id is not None:
        query = query.where(Order.workstation_id == workstation_id)
    return session.scalar(query) or 0
