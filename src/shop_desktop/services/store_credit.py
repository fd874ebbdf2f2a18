"""A member's store credit: money the shop owes them, spent like cash at the counter.

Store credit is a ledger (``store_credit_entries``): + when given (a top-up
or a refund, arriving from the server), - when spent on a sale (written by
``checkout.commit_sale`` in the sale's transaction). The balance is the sum,
so entries made offline at two tills add up instead of overwriting each
other.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import StoreCreditEntry

__all__ = ["store_credit_balance"]


def store_credit_balance(session: Session, member_id: uuid.UUID) -> int:
    """What the member can still spend, in minor units (as this workstation knows it)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(StoreCreditEntry.amount_minor), 0)).where(
                StoreCreditEntry.member_id == member_id
            )
        )
        or 0
    )
