"""Counting a drawer by notes and coins: one box per denomination and the total."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox, QWidget
from typing_extensions import override

from shop_desktop.domain.money import Money, currency
from shop_desktop.domain.shift import counted_total, denominations

#: More of one note or coin than any drawer holds (the service refuses more too).
MAX_PIECES = 100_000


class DenominationCounter(QWidget):
    """How many of each note and coin; Tab goes from one to the next, largest first."""

    #: The counted total (minor units) after any change.
    total_changed = Signal(int)

    def __init__(self, currency_code: str = "TWD", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency_code = currency_code
        self._money = currency(currency_code)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.boxes: dict[int, QSpinBox] = {}
        values = denominations(currency_code)
        per_column = (len(values) + 1) // 2
        for n, value in enumerate(values):
            box = QSpinBox()
            box.setRange(0, MAX_PIECES)
            box.setObjectName(f"count_{value}")
            box.setMinimumWidth(90)
            box.setMaximumWidth(140)
            box.valueChanged.connect(self._changed)
            label = QLabel(Money(value, self._money).format())
            label.setBuddy(box)
            row, column = n % per_column, (n // per_column) * 2
            grid.addWidget(label, row, column)
            grid.addWidget(box, row, column + 1)
            self.boxes[value] = box
        grid.setColumnStretch(4, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("countTotal")
        grid.addWidget(self.total_label, per_column, 0, 1, 4)
        self.retranslate()

    def counts(self) -> dict[int, int]:
        return {value: box.value() for value, box in self.boxes.items() if box.value()}

    @property
    def total_minor(self) -> int:
        return counted_total(self.counts(), self.currency_code)

    def clear(self) -> None:
        for box in self.boxes.values():
            box.setValue(0)

    def first_box(self) -> QSpinBox:
        return next(iter(self.boxes.values()))

    def retranslate(self) -> None:
        self.total_label.setText(
            self.tr("Counted: {amount}").format(
                amount=Money(self.total_minor, self._money).format()
            )
        )

    def _changed(self) -> None:
        self.retranslate()
        self.total_changed.emit(self.total_minor)

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
