"""Members 會員: registered customers, levels, points and coupons."""

from __future__ import annotations

from collections.abc import Callable

from shop_desktop.services.counts import count_members
from shop_desktop.ui.context import MEMBERS
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.tasks import JobSession


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

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        return lambda session: {"members": count_members(session)}
