"""After-sales 售後服務: returns, exchanges, complaints and service records."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.base import Place, not_available_note, not_available_text


class AfterSalesPlace(Place):
    key = "after_sales"

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._note = not_available_note()
        self.body.addWidget(self._note)

    def title(self) -> str:
        return self.tr("After-sales")

    def description(self) -> str:
        return self.tr(
            "Take returns and exchanges from start to refund, and record complaints, "
            "suggestions and customer service contacts."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self._note.setText(not_available_text())
