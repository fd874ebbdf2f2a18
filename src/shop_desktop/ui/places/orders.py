"""Orders 訂單: every order, its goods, payment and delivery state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.services.counts import count_orders
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.orders.detail import OrderDetailView
from shop_desktop.ui.orders.filters import OrderFilters
from shop_desktop.ui.orders.fulfilment import FulfilmentView
from shop_desktop.ui.orders.models import OrderListModel
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.tasks import JobSession


def start_of_local_day(now: datetime | None = None) -> datetime:
    """Midnight of today on the workstation's clock, as an aware UTC time."""
    local = (now or datetime.now(UTC)).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


class OrdersPlace(SummaryPlace):
    """The order list with its filters and the picked order beside it; fulfilment on a tab."""

    key = "orders"
    watches = frozenset({ORDERS})

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        staff = context.staff
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self.body_takes_the_height()

        all_orders = QWidget()
        self.tabs.addTab(all_orders, "")
        self.filters = OrderFilters(context.database)
        self.model = OrderListModel(context.database, currency_code=staff.currency_code, owner=self)
        self.table = QTableView()
        self.table.setObjectName("orderList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setObjectName("orderListStatus")
        self.detail = OrderDetailView(context)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.status)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        inside = QVBoxLayout(all_orders)
        inside.addWidget(self.filters)
        inside.addWidget(splitter, 1)

        self.fulfilment = FulfilmentView(context)
        self.tabs.addTab(self.fulfilment, "")

        self.filters.filter_changed.connect(self.model.show)
        self._load_failed = False
        self.model.load_failed.connect(self._not_loaded)
        self.model.page_loaded.connect(self._count_shown)
        self.table.selectionModel().currentRowChanged.connect(self._picked)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Orders")

    def description(self) -> str:
        return self.tr(
            "Find any order, see its goods, payments and delivery, take payment for "
            "unpaid orders, and follow picking and shipping."
        )

    def retranslate(self) -> None:
        super().retranslate()
        if hasattr(self, "tabs"):
            self.tabs.setTabText(0, self.tr("All orders"))
            self.tabs.setTabText(1, self.tr("Fulfilment"))
        if hasattr(self, "_load_failed"):
            self._say_count()

    def _say_count(self) -> None:
        """How many orders the list shows, in the language of the moment (a switch re-says it)."""
        if self._load_failed:
            self.status.setText(self.tr("The orders could not be loaded."))
            return
        if self.model.current_filter is None or self.model.loading:
            return
        shown = self.model.rowCount()
        if self.model.canFetchMore():
            text = self.tr("%Ln order(s) shown, scroll for more", "", shown)
        else:
            text = self.tr("%Ln order(s)", "", shown)
        self.status.setText(text)

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "model"):
            self.filters.retranslate()
            self.model.language_changed()
            self.detail.retranslate()
            self.fulfilment.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        super().refresh()
        if self.model.current_filter is None:
            self.filters.load_staff()
            self.model.show(self.filters.current())
        else:
            self.model.reload()
        self.detail.reload()
        self.fulfilment.refresh()

    def _not_loaded(self, _said: str) -> None:
        self._load_failed = True
        self._say_count()

    def _count_shown(self) -> None:
        self._load_failed = False
        self._say_count()
        # The order being looked at stays picked when the list is read again.
        if self.detail.order_id is not None:
            row = self.model.row_of(self.detail.order_id)
            current = self.table.currentIndex()
            if row >= 0 and current.row() != row:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)

    def _picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.show_order(self.model.order_id(current.row()))

    def show_order(self, number_or_text: str) -> None:
        """Search the list for this text (an order number, a name)."""
        self.tabs.setCurrentIndex(0)
        self.filters.text.setText(number_or_text)
        self.filters.apply()

    def fact_keys(self) -> tuple[str, ...]:
        return ("today", "total")

    def fact_labels(self) -> dict[str, str]:
        return {"today": self.tr("Orders today"), "total": self.tr("Orders in total")}

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        def count(session: JobSession) -> dict[str, int]:
            return {
                "today": count_orders(session, since=start_of_local_day()),
                "total": count_orders(session),
            }

        return count
