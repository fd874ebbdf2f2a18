"""Reports 報表: sales, stock and customer figures, with charts."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.base import Place, not_available_note, not_available_text
from shop_desktop.ui.shift.panel import SHIFT, ShiftPanel


class ReportsPlace(Place):
    key = "reports"
    watches = frozenset({SHIFT})

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        #: The till's shift: float, cash in and out, X and Z reports (issue 13).
        self.shift = ShiftPanel(context)
        self.body.addWidget(self.shift, 1)
        self.body_takes_the_height()
        self._note = not_available_note()
        self.body.addWidget(self._note)

    def refresh(self) -> None:
        super().refresh()
        self.shift.refresh()

    def title(self) -> str:
        return self.tr("Reports")

    def description(self) -> str:
        return self.tr(
            "Sales, best and slow sellers, stock and customer behaviour, shown as charts "
            "and tables; shift X and Z reports."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self._note.setText(not_available_text())
