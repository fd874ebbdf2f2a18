"""The back office's queue: orders to pick and ship, several at a time.

The queue is small (what this branch still has to send out), so it is read
whole into a table. Staff tick the orders of one round, mark them picking,
print one picking list for the round, then ship them as one batch -- each with
its own carrier and tracking number -- and print the delivery notes. Shipping
is all or nothing (:func:`~shop_desktop.services.orders.ship_orders`): a
refused order names itself and nothing of the batch is booked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import OrderKind, OrderStatus
from shop_desktop.domain.money import Money, currency
from shop_desktop.services.documents import render_delivery_note, render_picking_list
from shop_desktop.services.fulfilment import (
    Destination,
    delivery_note,
    destinations,
    picking_list,
)
from shop_desktop.services.orders import (
    OrderSummary,
    advance,
    fulfilment_queue,
    ship_orders,
)
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.i18n import say
from shop_desktop.ui.orders.models import customer_of, local_time
from shop_desktop.ui.orders.wording import ORDER_REFUSALS, kind_name, refusal, status_name
from shop_desktop.ui.tasks import BackgroundOp, Job

NUMBER, KIND, STATUS, REQUESTED, CUSTOMER, ADDRESS, TOTAL, TAKEN = range(8)

#: The role under which the first cell keeps the order's id.
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _MessageLine(QLabel):
    """A one-sentence message that takes no room on screen while it says nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setVisible(False)

    @override
    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    @override
    def clear(self) -> None:
        super().clear()
        self.setVisible(False)


def picking_list_pdf(
    order_ids: list[uuid.UUID], branch_id: uuid.UUID, picker: str
) -> Callable[[Job], bytes]:
    """Renders, on a worker, the walk through the shelves for these orders."""

    def make(job: Job) -> bytes:
        now = datetime.now(UTC)
        return render_picking_list(picking_list(job.session, order_ids, branch_id, picker, now))

    return make


def delivery_note_pdf(order_id: uuid.UUID, branch_id: uuid.UUID) -> Callable[[Job], bytes]:
    """Renders, on a worker, the note that travels with one parcel."""

    def make(job: Job) -> bytes:
        now = datetime.now(UTC)
        return render_delivery_note(delivery_note(job.session, order_id, branch_id, now))

    return make


class BatchShipDialog(QDialog):
    """One row per parcel: the carrier (filled from the first) and its tracking number."""

    def __init__(self, parent: QWidget | None, orders: list[OrderSummary]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ship %n order(s)", "", len(orders)))
        self.setModal(True)
        self.orders = orders
        self.table = QTableWidget(len(orders), 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Order"), self.tr("Carrier"), self.tr("Tracking number")]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.same_carrier = QLineEdit()
        self.same_carrier.setPlaceholderText(self.tr("Carrier for every parcel"))
        self.same_carrier.textChanged.connect(self._fill_carrier)
        for row, order in enumerate(orders):
            number = QTableWidgetItem(order.number)
            number.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, QTableWidgetItem(""))
            self.table.setItem(row, 2, QTableWidgetItem(""))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.same_carrier)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def _fill_carrier(self, text: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 1)
            if item is not None:
                item.setText(text)

    def set_row(self, row: int, carrier: str, tracking: str) -> None:
        for column, text in ((1, carrier), (2, tracking)):
            item = self.table.item(row, column)
            if item is not None:
                item.setText(text)

    def shipments(self) -> list[tuple[uuid.UUID, str, str]]:
        out = []
        for row, order in enumerate(self.orders):
            carrier, tracking = (self.table.item(row, c) for c in (1, 2))
            out.append(
                (
                    order.id,
                    carrier.text().strip() if carrier else "",
                    tracking.text().strip() if tracking else "",
                )
            )
        return out

    @classmethod
    def ask(
        cls, parent: QWidget | None, orders: list[OrderSummary]
    ) -> list[tuple[uuid.UUID, str, str]] | None:
        dialog = cls(parent, orders)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.shipments()
        finally:
            dialog.deleteLater()


#: What a queue read brings back: the orders, and where each one goes.
_Queue = tuple[list[OrderSummary], dict[uuid.UUID, Destination]]


class FulfilmentView(QWidget):
    """The branch's queue of orders to pick and ship."""

    #: Emitted after the queue was read.
    queue_loaded = Signal(object)
    #: Emitted with the sentence shown when a batch step was refused.
    refused = Signal(str)
    #: Emitted after a batch step was written.
    batch_done = Signal()

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.queue: list[OrderSummary] = []
        self.destinations: dict[uuid.UUID, Destination] = {}
        self.loading: BackgroundOp[_Queue] | None = None
        self._generation = 0
        self.busy: BackgroundOp[Any] | None = None
        self.table = QTableWidget(0, TAKEN + 1)
        self.table.setObjectName("fulfilmentQueue")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Every column as wide as what it holds; the address takes what is left
        # (and is the one shortened, with its whole text in the tooltip).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ADDRESS, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.picking_button = QPushButton()
        self.picking_button.clicked.connect(self.start_picking)
        self.list_button = QPushButton()
        self.list_button.clicked.connect(self.print_picking_list)
        self.ship_button = QPushButton()
        self.ship_button.clicked.connect(self.ship)
        self.notes_button = QPushButton()
        self.notes_button.clicked.connect(self.print_delivery_notes)
        self.message = _MessageLine()
        self.message.setObjectName("fulfilmentProblem")
        self.message.setStyleSheet("color: #a50e0e; font-weight: bold;")
        self.notice = _MessageLine()
        self.notice.setObjectName("fulfilmentNotice")
        buttons = QHBoxLayout()
        for button in (self.picking_button, self.list_button, self.ship_button, self.notes_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Number"),
                self.tr("Kind"),
                self.tr("Status"),
                self.tr("Requested date"),
                self.tr("Customer"),
                self.tr("Address"),
                self.tr("Total"),
                self.tr("Taken"),
            ]
        )
        self.picking_button.setText(self.tr("Start picking"))
        self.list_button.setText(self.tr("Picking list…"))
        self.ship_button.setText(self.tr("Ship…"))
        self.notes_button.setText(self.tr("Delivery notes…"))
        self._fill()

    # --- the queue ----------------------------------------------------------------

    def refresh(self) -> None:
        branch = self.context.staff.branch_id
        # Only the newest load is shown: an older one still on its way (started when
        # the place opened, say) must not replace it with a queue from before.
        self._generation += 1
        generation = self._generation

        def load(job: Job) -> _Queue:
            queue = fulfilment_queue(job.session, branch)
            return queue, destinations(job.session, [order.id for order in queue])

        def loaded(result: _Queue) -> None:
            if generation == self._generation:
                self._loaded(result)

        self.loading = BackgroundOp(
            self, op=load, success=loaded, database=self.context.database
        ).run()

    def _loaded(self, loaded: _Queue) -> None:
        queue, where = loaded
        chosen = set(self.selected_ids())
        self.queue = queue
        self.destinations = where
        self._fill()
        for row, order in enumerate(queue):
            if order.id in chosen:
                self.table.selectRow(row)
        self.queue_loaded.emit(queue)

    def _fill(self) -> None:
        money = currency(self.context.staff.currency_code)
        self.table.clearSelection()
        self.table.setRowCount(len(self.queue))
        for row, order in enumerate(self.queue):
            where = self.destinations.get(order.id, Destination(None, ""))
            cells = {
                NUMBER: order.number,
                KIND: kind_name(order.kind),
                STATUS: self._status_text(order),
                REQUESTED: where.requested_date.isoformat() if where.requested_date else "",
                CUSTOMER: customer_of(order),
                ADDRESS: where.address,
                TOTAL: Money(order.total_minor, money).format(),
                TAKEN: local_time(order.created_at),
            }
            for column, text in cells.items():
                item = QTableWidgetItem(text)
                if column == NUMBER:
                    item.setData(ORDER_ID_ROLE, order.id)
                if column == ADDRESS:
                    item.setToolTip(text)
                if column == TOTAL:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)

    def _status_text(self, order: OrderSummary) -> str:
        """The status, and "unpaid" where the status alone does not say so (cash on delivery)."""
        status = status_name(order.status, order.kind)
        if order.invoice_no or order.status is OrderStatus.AWAITING_PAYMENT:
            return status
        return status + " · " + self.tr("unpaid")

    def select(self, order_ids: list[uuid.UUID]) -> None:
        """Tick these orders (and only these)."""
        self.table.clearSelection()
        for row, order in enumerate(self.queue):
            if order.id in order_ids:
                self.table.selectRow(row)

    def selected(self) -> list[OrderSummary]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.queue[row] for row in rows if 0 <= row < len(self.queue)]

    def selected_ids(self) -> list[uuid.UUID]:
        return [order.id for order in self.selected()]

    # --- batch steps --------------------------------------------------------------

    def _chosen(self) -> list[OrderSummary] | None:
        chosen = self.selected()
        if not chosen:
            say(self.message, lambda: self.tr("Tick the orders first."))
            return None
        return chosen

    def _refuse(self, exc: Exception, orders: list[OrderSummary]) -> None:
        currency_code = self.context.staff.currency_code
        culprit = getattr(exc, "order_id", None)
        number = next((o.number for o in orders if o.id == culprit), None)

        def said() -> str:
            problem = refusal(exc, currency_code) or str(exc)
            if number is None:
                return problem
            return self.tr("Order {number}: {problem} Nothing in this batch was changed.").format(
                number=number, problem=problem
            )

        say(self.message, said)
        self.refused.emit(self.message.text())

    def _write(
        self, orders: list[OrderSummary], op: Callable[[Job], object], done: Callable[[], str]
    ) -> None:
        if self.busy is not None:
            return
        self.message.clear()
        self.notice.clear()

        def written(_result: object) -> None:
            self.busy = None
            say(self.notice, done)
            self.batch_done.emit()
            self.refresh()

        def refused(exc: Exception) -> None:
            self._refuse(exc, orders)

        def put_back() -> None:
            # Whatever went wrong, the queue is shown as it really is now.
            self.busy = None
            self.refresh()

        self.busy = (
            BackgroundOp(self, op=op, success=written, database=self.context.database)
            .failure(refused, *ORDER_REFUSALS)
            .after_failure(put_back)
            .announcing(self.context, ORDERS)
        )
        self.busy.run()

    def start_picking(self) -> None:
        orders = self._chosen()
        if orders is None:
            return
        waiting = [o for o in orders if o.status is not OrderStatus.PICKING]
        staff_id = self.context.staff.staff_id
        ids = [o.id for o in waiting]

        def pick(job: Job) -> None:
            # One transaction: a refused order leaves the others as they were too.
            for order_id in ids:
                advance(job.session, order_id, OrderStatus.PICKING, staff_id=staff_id)

        self._write(orders, pick, lambda: self.tr("%n order(s) are being picked.", "", len(ids)))

    def ship(self) -> None:
        orders = self._chosen()
        if orders is None:
            return
        not_shipped = [o for o in orders if o.kind is not OrderKind.DELIVERY]
        if not_shipped:
            number = not_shipped[0].number
            say(
                self.message,
                lambda: self.tr("Order {number} is collected at the counter, not shipped.").format(
                    number=number
                ),
            )
            return
        shipments = BatchShipDialog.ask(self, orders)
        if shipments is None:
            return
        staff_id = self.context.staff.staff_id

        def ship(job: Job) -> list[uuid.UUID]:
            return ship_orders(job.session, shipments, staff_id)

        self._write(orders, ship, lambda: self.tr("%n order(s) shipped.", "", len(orders)))

    # --- documents ----------------------------------------------------------------

    def _printer(self) -> Any:
        import importlib

        try:
            # Imported when used: the printing module is written alongside this one.
            printing = importlib.import_module("shop_desktop.ui.printing")
        except ImportError:
            say(self.message, lambda: self.tr("Printing is not set up on this workstation yet."))
            return None
        printer = printing.DocumentPrinter(self.context, self)
        printer.printed.connect(self.notice.setText)
        printer.saved.connect(self.notice.setText)
        printer.failed.connect(self.message.setText)
        return printer

    def print_picking_list(self) -> None:
        orders = self._chosen()
        if orders is None:
            return
        printer = self._printer()
        if printer is None:
            return
        staff = self.context.staff
        make = picking_list_pdf([o.id for o in orders], staff.branch_id, staff.display_name)
        printer.print_document(make, title=self.tr("Picking list"), ask=True)

    def print_delivery_notes(self) -> None:
        orders = self._chosen()
        if orders is None:
            return
        printer = self._printer()
        if printer is None:
            return
        for order in orders:
            make = delivery_note_pdf(order.id, self.context.staff.branch_id)
            title = self.tr("Delivery note {number}").format(number=order.number)
            printer.print_document(make, title=title, ask=False)
