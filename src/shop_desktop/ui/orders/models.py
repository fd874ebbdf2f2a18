"""The order list: ids plus a row cache, a page of orders at a time, read on a worker.

A shop keeps years of orders, so the list never holds them all: it asks
:func:`~shop_desktop.services.orders.order_list` for one keyset page when the
view scrolls near the end (Qt's ``canFetchMore``/``fetchMore``), and every
filter is applied in SQL.
"""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QWidget
from typing_extensions import override

from shop_desktop.data.db import Database
from shop_desktop.domain.money import Money, currency
from shop_desktop.services.orders import OrderCursor, OrderFilter, OrderSummary, order_list
from shop_desktop.ui.orders.wording import kind_name, money_state, order_state
from shop_desktop.ui.tasks import BackgroundOp, Job

AnyIndex = QModelIndex | QPersistentModelIndex

#: Orders read per page: a screenful or three.
PAGE_SIZE = 100

#: The role under which every cell carries its order's id.
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

NUMBER, TIME, KIND, STATUS, CUSTOMER, TOTAL, PAID = range(7)


@dataclass(frozen=True)
class _Page:
    generation: int
    rows: list[OrderSummary]
    next: OrderCursor | None


def local_time(summary_at: Any) -> str:
    """A stored (UTC) time on the workstation's clock, to the minute."""
    return str(summary_at.astimezone().strftime("%Y-%m-%d %H:%M"))


def customer_of(row: OrderSummary) -> str:
    """The member's name, else whoever the goods go to."""
    return row.member_name or row.recipient_name or ""


class OrderListModel(QAbstractTableModel):
    """Orders matching a filter, newest first, loaded a page at a time in the background."""

    #: A page (or the first page after a new filter) was added.
    page_loaded = Signal()
    #: Loading failed; the text is for the status line.
    load_failed = Signal(str)

    def __init__(
        self,
        database: Database,
        *,
        currency_code: str,
        owner: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._currency = currency(currency_code)
        # Held weakly: the owner holds this model (see the catalog's list model).
        self._owner_ref = weakref.ref(owner) if owner is not None else None
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, OrderSummary] = {}
        self._filter: OrderFilter | None = None
        self._cursor: OrderCursor | None = None
        self._has_more = False
        self._fetching = False
        self._generation = 0
        #: The last op started, so tests and callers can wait on it.
        self.last_op: BackgroundOp[Any] | None = None

    @property
    def _owner(self) -> QWidget | None:
        return self._owner_ref() if self._owner_ref is not None else None

    @property
    def current_filter(self) -> OrderFilter | None:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._fetching

    def show(self, wanted: OrderFilter) -> None:
        """Start over with the orders this filter lets through."""
        self._generation += 1
        self.beginResetModel()
        self._ids = []
        self._rows = {}
        self._filter = wanted
        self._cursor = None
        self._has_more = True
        self._fetching = False
        self.endResetModel()
        self._fetch_page()

    def reload(self) -> None:
        """Read the same filter again (an order changed somewhere)."""
        if self._filter is not None:
            self.show(self._filter)

    def order_ids(self) -> list[uuid.UUID]:
        return list(self._ids)

    def order_id(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def summary(self, order_id: uuid.UUID) -> OrderSummary | None:
        return self._rows.get(order_id)

    def row_of(self, order_id: uuid.UUID) -> int:
        try:
            return self._ids.index(order_id)
        except ValueError:
            return -1

    def language_changed(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, PAID)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, PAID))

    # --- paging ---------------------------------------------------------------

    @override
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._fetching

    @override
    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch_page()

    def _fetch_page(self) -> None:
        wanted = self._filter
        if wanted is None:
            return
        self._fetching = True
        generation = self._generation
        cursor = self._cursor

        def load(job: Job) -> _Page:
            page = order_list(job.session, wanted, cursor, PAGE_SIZE)
            return _Page(generation, page.rows, page.next)

        self.last_op = (
            BackgroundOp(self._owner, op=load, success=self._add_page, database=self._database)
            .after_failure(lambda: self._stopped(generation))
            .run()
        )

    def _add_page(self, page: _Page) -> None:
        if page.generation != self._generation:
            return  # the answer to a filter nobody is looking at any more
        self._fetching = False
        self._cursor = page.next
        self._has_more = page.next is not None
        fresh = [row for row in page.rows if row.id not in self._rows]
        if fresh:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for row in fresh:
                self._ids.append(row.id)
                self._rows[row.id] = row
            self.endInsertRows()
        self.page_loaded.emit()

    def _stopped(self, generation: int) -> None:
        # The helper told the user what went wrong; the list stops asking for more.
        if generation != self._generation:
            return
        self._fetching = False
        self._has_more = False
        self.load_failed.emit(self.tr("The orders could not be loaded."))

    # --- the model --------------------------------------------------------------

    @override
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else PAID + 1

    @override
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        order_id = self._ids[index.row()]
        if role == ORDER_ID_ROLE:
            return order_id
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == TOTAL:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[order_id]
        if column == NUMBER:
            return row.number
        if column == TIME:
            return local_time(row.created_at)
        if column == KIND:
            return kind_name(row.kind)
        if column == STATUS:
            return order_state(row.status, row.kind, invoiced=row.invoice_no is not None)
        if column == CUSTOMER:
            return customer_of(row)
        if column == TOTAL:
            return Money(row.total_minor, self._currency).format()
        if column == PAID:
            # The invoice is issued exactly when the order is paid.
            return money_state(invoiced=row.invoice_no is not None, refund=row.refund)
        return None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            NUMBER: self.tr("Number"),
            TIME: self.tr("Time"),
            KIND: self.tr("Kind"),
            STATUS: self.tr("Status"),
            CUSTOMER: self.tr("Customer"),
            TOTAL: self.tr("Total"),
            PAID: self.tr("Payment"),
        }
        return titles.get(section)

    @override
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
