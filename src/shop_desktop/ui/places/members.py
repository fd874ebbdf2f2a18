"""Members 會員: registered customers, levels, points and coupons."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Member
from shop_desktop.ui.context import MEMBERS
from shop_desktop.ui.places.base import SummaryPlace


def count_members(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Member).where(Member.active)) or 0


class MembersPlace(SummaryPlace):
    key = "members"
    watches = frozenset({MEMBERS})

    def title(self) -> str:
        return self.tr("Members")

    def description(self) -> str:
        return self.tr(
            "Look up and register members, see their level and points, and apply their coupons."
        )

    def fact_keys(self) -> tuple[str, ...]:
        return ("members",)

    def fact_labels(self) -> dict[str, str]:
        return {"members": self.tr("Members")}

    def facts_query(self) -> Callable[[Session], dict[str, int]]:
        return lambda session: {"members": count_members(session)}
