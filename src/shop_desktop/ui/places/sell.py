"""Sell 銷售: the counter — scan, build the cart, take payment."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QLabel, QSplitter, QWidget
from typing_extensions import override

from shop_desktop.services.counts import count_orders
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.catalog.scanner import ScanDetector
from shop_desktop.ui.context import CATALOG, ORDERS, ShopContext
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.places.orders import start_of_local_day
from shop_desktop.ui.sell.register import Register
from shop_desktop.ui.tasks import JobSession

#: A scan problem stays up long enough to be read from arm's length.
BANNER_MS = 8_000


class SellPlace(SummaryPlace):
    key = "sell"
    watches = frozenset({ORDERS, CATALOG})

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # Loud on purpose: the cashier is looking at the customer, not the screen.
        self.banner = QLabel()
        self.banner.setObjectName("scanBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#scanBanner { background: #fce8e6; color: #a50e0e; border: 1px solid #f28b82;"
            " border-radius: 6px; padding: 10px 14px; font-weight: bold; font-size: 14pt; }"
        )
        self.banner.setVisible(False)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(BANNER_MS)
        self._banner_timer.timeout.connect(self.hide_banner)
        self.body.addWidget(self.banner)
        self.notice = QLabel()
        self.notice.setObjectName("saleNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel#saleNotice { background: #e6f4ea; color: #0d652d; border: 1px solid #81c995;"
            " border-radius: 6px; padding: 10px 14px; font-weight: bold; font-size: 14pt; }"
        )
        self.notice.setVisible(False)
        self.body.addWidget(self.notice)
        staff = context.staff
        self.browser = CatalogBrowser(
            context.database, branch_id=staff.branch_id, currency_code=staff.currency_code
        )
        self.register = Register(context)
        self._sized = False
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.body.addWidget(self.splitter, 1)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.register)
        # The cart is what the cashier watches: it gets as much room as the shelf.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # Explicit minimums (not the panes' size hints) keep the window usable
        # on a small tablet screen; the splitter gives the room back when there is some.
        self.browser.setMinimumWidth(220)
        self.register.setMinimumWidth(280)
        layout = self.layout()
        if isinstance(layout, QBoxLayout):
            # The browser, not the blank space under it, takes the height.
            layout.setStretchFactor(self.body, 1)
            layout.setStretch(layout.count() - 1, 0)
        self.scanner = ScanDetector(self)
        self.scanner.scanned.connect(self.browser.scan)
        self.browser.scan_failed.connect(self.show_banner)
        self.browser.product_scanned.connect(self.hide_banner)
        self.browser.product_scanned.connect(
            lambda _product_id, result: self.register.add_scanned(result)
        )
        self.browser.product_chosen.connect(self.register.add_product)
        self.register.problem.connect(self.show_banner)
        self.register.notice.connect(self.show_notice)

    def title(self) -> str:
        return self.tr("Sell")

    def description(self) -> str:
        return self.tr(
            "Scan or search products, build the customer's cart, and take payment "
            "in cash, by card or by mobile wallet."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.register.retranslate()

    def refresh(self) -> None:
        super().refresh()
        self.browser.refresh()

    def fact_keys(self) -> tuple[str, ...]:
        return ("today_here",)

    def fact_labels(self) -> dict[str, str]:
        return {"today_here": self.tr("Orders today at this workstation")}

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        workstation_id = self.context.staff.workstation_id

        def count(session: JobSession) -> dict[str, int]:
            since = start_of_local_day()
            return {"today_here": count_orders(session, since=since, workstation_id=workstation_id)}

        return count

    # --- scanning ---------------------------------------------------------

    def show_banner(self, message: str) -> None:
        self.notice.setVisible(False)
        self.banner.setText(message)
        self.banner.setVisible(True)
        self._banner_timer.start()
        QApplication.beep()

    def hide_banner(self) -> None:
        self._banner_timer.stop()
        self.banner.setVisible(False)

    def show_notice(self, message: str) -> None:
        self.hide_banner()
        self.notice.setText(message)
        self.notice.setVisible(True)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        # Scans count only at the counter: elsewhere digits are just digits.
        self.scanner.set_active(True)
        if not self._sized:
            # First time on screen: the cart gets close to half the width.
            self._sized = True
            width = max(self.splitter.width(), 2)
            self.splitter.setSizes([width * 11 // 20, width * 9 // 20])
        super().showEvent(event)

    @override
    def hideEvent(self, event: QHideEvent) -> None:
        self.scanner.set_active(False)
        super().hideEvent(event)
