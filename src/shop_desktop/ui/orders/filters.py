"""The bar above the order list: what the back office narrows the orders to.

Every change becomes one :class:`~shop_desktop.services.orders.OrderFilter`;
typing waits a moment (or Enter) so a search is not run per key press.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, OrderStatus, PaymentMethod
from shop_desktop.services.auth import staff_names
from shop_desktop.services.orders import OrderFilter
from shop_desktop.ui.orders.wording import kind_name, method_name, status_name
from shop_desktop.ui.tasks import BackgroundOp, Job

#: Typing pauses this long before the list is searched again.
TYPING_PAUSE_MS = 300

#: Statuses offered in the filter, in the order an order meets them.
LISTED_STATUSES = (
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.AWAITING_FULFILMENT,
    OrderStatus.PICKING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.CANCELLED,
)


def local_day_start(day: QDate) -> datetime:
    """Midnight starting ``day`` on the workstation's clock, as an aware UTC time."""
    naive = datetime.combine(day.toPython(), time())  # type: ignore[arg-type]
    return naive.astimezone().astimezone(UTC)


class OrderFilters(QWidget):
    """Status, kind, dates, staff, payment method and text: one filter out."""

    #: Emitted with the new :class:`OrderFilter`.
    filter_changed = Signal(object)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self.text = QLineEdit()
        self.text.setObjectName("orderSearch")
        self.text.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.kind = QComboBox()
        self.method = QComboBox()
        self.staff = QComboBox()
        for combo in (self.status, self.kind, self.method, self.staff):
            # Each language's words have their own width: the box follows them.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.use_from = QCheckBox()
        self.date_from = QDateEdit(QDate.currentDate().addDays(-30))
        self.use_until = QCheckBox()
        self.date_until = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.apply)
        self._staff: list[tuple[uuid.UUID, str]] = []

        # Two rows, so the place still fits a small till screen.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        first, second = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(first)
        rows.addLayout(second)
        first.addWidget(self.text, 2)
        for widget in (self.status, self.kind, self.method):
            first.addWidget(widget)
        for later in (self.staff, self.use_from, self.date_from, self.use_until, self.date_until):
            second.addWidget(later)
        second.addStretch(1)
        self.retranslate()

        self.text.textChanged.connect(lambda _text: self._typing.start())
        self.text.returnPressed.connect(self.apply)
        for combo in (self.status, self.kind, self.method, self.staff):
            combo.currentIndexChanged.connect(lambda _i: self.apply())
        for box in (self.use_from, self.use_until):
            box.toggled.connect(lambda _on: self.apply())
        for edit in (self.date_from, self.date_until):
            edit.dateChanged.connect(lambda _d: self.apply())
        self.staff_loading: BackgroundOp[list[tuple[uuid.UUID, str]]] | None = None

    def load_staff(self) -> None:
        def load(job: Job) -> list[tuple[uuid.UUID, str]]:
            return staff_names(job.session)

        self.staff_loading = BackgroundOp(
            self, op=load, success=self._show_staff, database=self._database
        ).run()

    def _show_staff(self, staff: list[tuple[uuid.UUID, str]]) -> None:
        self._staff = staff
        self._fill_staff()

    def _fill_staff(self) -> None:
        chosen = self.staff.currentData()
        self.staff.blockSignals(True)
        self.staff.clear()
        self.staff.addItem(self.tr("Any staff"), None)
        for staff_id, name in self._staff:
            self.staff.addItem(name, staff_id)
        found = self.staff.findData(chosen) if chosen is not None else 0
        self.staff.setCurrentIndex(max(found, 0))
        self.staff.blockSignals(False)

    def retranslate(self) -> None:
        self.text.setPlaceholderText(self.tr("Order number, customer or product"))
        self.use_from.setText(self.tr("From"))
        self.use_until.setText(self.tr("Until"))
        for combo, everything, choices in (
            (
                self.status,
                self.tr("Any status"),
                [(status_name(s), s) for s in LISTED_STATUSES],
            ),
            (self.kind, self.tr("Any kind"), [(kind_name(k), k) for k in OrderKind]),
            (
                self.method,
                self.tr("Any payment"),
                [(method_name(m), m) for m in PaymentMethod],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, value in choices:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)
        self._fill_staff()

    def current(self) -> OrderFilter:
        status = self.status.currentData()
        kind = self.kind.currentData()
        method = self.method.currentData()
        staff = self.staff.currentData()
        created_from = local_day_start(self.date_from.date()) if self.use_from.isChecked() else None
        # "Until" a day includes that whole day.
        created_until = (
            local_day_start(self.date_until.date()) + timedelta(days=1)
            if self.use_until.isChecked()
            else None
        )
        return OrderFilter(
            statuses=frozenset({status}) if isinstance(status, OrderStatus) else frozenset(),
            kinds=frozenset({kind}) if isinstance(kind, OrderKind) else frozenset(),
            created_from=created_from,
            created_until=created_until,
            staff_id=staff if isinstance(staff, uuid.UUID) else None,
            payment_method=method if isinstance(method, PaymentMethod) else None,
            text=self.text.text().strip(),
        )

    def apply(self) -> None:
        self._typing.stop()
        self.filter_changed.emit(self.current())
