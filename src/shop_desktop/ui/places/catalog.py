"""Catalog 商品目錄: products, prices, barcodes and the category tree."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desktop.data.models import Category, Product
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.context import CATALOG, ShopContext
from shop_desktop.ui.places.base import SummaryPlace


def count_catalog(session: Session) -> dict[str, int]:
    products = session.scalar(select(func.count()).select_from(Product).where(Product.active))
    categories = session.scalar(select(func.count()).select_from(Category))
    return {"products": products or 0, "categories": categories or 0}


class CatalogPlace(SummaryPlace):
    key = "catalog"
    watches = frozenset({CATALOG})

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        staff = context.staff
        self.browser = CatalogBrowser(
            context.database, branch_id=staff.branch_id, currency_code=staff.currency_code
        )
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

    def facts_query(self) -> Callable[[Session], dict[str, int]]:
        return count_catalog
