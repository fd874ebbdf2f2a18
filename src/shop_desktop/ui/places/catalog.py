"""Catalog 商品目錄: products, prices, barcodes and the category tree."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from shop_desktop.services.counts import count_catalog
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.context import CATALOG, ShopContext
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.tasks import JobSession


class CatalogPlace(SummaryPlace):
    key = "catalog"
    watches = frozenset({CATALOG})

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        staff = context.staff
        self.browser = CatalogBrowser(
            context.database, branch_id=staff.branch_id, currency_code=staff.currency_code
        )
        # Choosing a product here shows it; the cursor stays in the list.
        self.browser.back_to_search_after_choice = False
        self.body.addWidget(self.browser, 1)
        self.body_takes_the_height()
        # Without the scanner here, a scan problem is told in the status line.
        self.browser.scan_failed.connect(self.browser.status.setText)

    def title(self) -> str:
        return self.tr("Catalog")

    def description(self) -> str:
        return self.tr(
            "Browse and edit products, prices, barcodes, stock thresholds and categories."
        )

    def refresh(self) -> None:
        super().refresh()
        self.browser.refresh()

    def fact_keys(self) -> tuple[str, ...]:
        return ("products", "categories")

    def fact_labels(self) -> dict[str, str]:
        return {"products": self.tr("Products on sale"), "categories": self.tr("Categories")}

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        return count_catalog
