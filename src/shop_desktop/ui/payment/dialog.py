"""The window around the tender panel: what every dialog that takes money has in common."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from typing_extensions import override

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.payment.tender_panel import Payable, TenderPanel


class PaymentDialog(QDialog):
    """Take money for something: the tender panel, Back (Esc) and a finish button (F9).

    A subclass says what the money is for: its own fields go in
    :attr:`details` (under the panel), its own buttons in :attr:`buttons`, and
    :meth:`complete` writes the payment through ``tender_panel.finish``.
    Leaving gives the wallet payments already taken back first.
    """

    def __init__(self, parent: QWidget | None, context: ShopContext, payable: Payable) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(780)
        self.context = context
        self.money = payable.currency
        outer = QVBoxLayout(self)
        self.tender_panel = TenderPanel(self, context, payable)
        outer.addWidget(self.tender_panel)
        self.details = QFormLayout()
        outer.addLayout(self.details)
        self.buttons = QHBoxLayout()
        outer.addLayout(self.buttons)
        self.back_button = QPushButton()
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        self.complete_button = QPushButton()
        # Never the default button: Enter takes the typed tender, and only F9 (or a
        # click) completes, so the change is on screen before the sale is done.
        self.complete_button.setAutoDefault(False)
        self.complete_button.clicked.connect(self.complete)
        self.buttons.addWidget(self.back_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.complete_button)
        QShortcut(QKeySequence("F9"), self).activated.connect(self.complete)
        self.tender_panel.use_buttons(self.complete_button, self.back_button)

    def complete(self) -> None:
        """Write what was paid for (F9, the finish button)."""
        raise NotImplementedError

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QDialog turns an Enter no field took into a click on a default button;
        # here Enter belongs to the tender fields alone.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    @override
    def reject(self) -> None:
        # A wallet payment already taken is given back before the dialog closes.
        self.tender_panel.give_back_wallets(then=super().reject)
