"""The change to hand back, in large type, until the next customer starts.

The payment window closes as soon as the sale is written; the cashier is
counting coins by then, so the change stays on the counter, over the next
(empty) cart, readable from arm's length. It goes when the next customer
starts: an item scanned or added, another cart, a member, a recall.

An overlay, not a row in a layout: showing it never moves or resizes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget
from typing_extensions import override

from shop_desktop.domain.money import Currency, Money


@dataclass(frozen=True)
class _Shown:
    number: str
    change_minor: int
    received_minor: int
    money: Currency


class ChangeDue(QFrame):
    """ "Change NT$241" over the cart; :meth:`show_change` puts it up, :meth:`next_customer`
    takes it down."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("changeDuePanel")
        self.setStyleSheet(
            "QFrame#changeDuePanel { background: #e6f4ea; border: 2px solid #34a853;"
            " border-radius: 10px; }"
            " QLabel { color: #0d652d; background: transparent; border: none; }"
        )
        # Clicks go to the cart underneath: the overlay only shows.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.amount = QLabel()
        self.amount.setObjectName("changeDue")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont(self.amount.font())
        big.setPointSizeF(big.pointSizeF() * 3.2)
        big.setBold(True)
        self.amount.setFont(big)
        layout.addWidget(self.amount)
        self.detail = QLabel()
        self.detail.setObjectName("changeDueDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        middle = QFont(self.detail.font())
        middle.setPointSizeF(middle.pointSizeF() * 1.3)
        self.detail.setFont(middle)
        layout.addWidget(self.detail)
        self.hint = QLabel()
        self.hint.setObjectName("changeDueHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._shown: _Shown | None = None
        self.setVisible(False)

    def show_change(
        self, *, number: str, change_minor: int, received_minor: int, money: Currency
    ) -> None:
        self._shown = _Shown(number, change_minor, received_minor, money)
        self.retranslate()
        self.setVisible(True)
        self.raise_()

    def next_customer(self) -> None:
        self._shown = None
        self.setVisible(False)

    def place_over(self, area: QRect) -> None:
        """Cover ``area`` of the parent (the cart), whatever the window's size."""
        self.setGeometry(area)

    def retranslate(self) -> None:
        shown = self._shown
        if shown is None:
            return
        money = shown.money
        self.amount.setText(
            self.tr("Change {amount}").format(amount=Money(shown.change_minor, money).format())
        )
        self.detail.setText(
            self.tr("Sale {number} · received {received}").format(
                number=shown.number, received=Money(shown.received_minor, money).format()
            )
        )
        self.hint.setText(self.tr("Scan or add the next item to start the next customer."))

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
