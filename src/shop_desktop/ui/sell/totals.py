"""The whole bill, always in view: subtotal, every discount with its reason, tax, fees, total."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from shop_desktop.domain.money import Currency, Money
from shop_desktop.domain.pricing import Bill
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.sell.wording import coupon_rejection


class TotalsPanel(QFrame):
    def __init__(self, money: Currency, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._currency = money
        layout = QVBoxLayout(self)
        self.breakdown = QLabel()
        self.breakdown.setTextFormat(Qt.TextFormat.RichText)
        self.breakdown.setObjectName("billBreakdown")
        layout.addWidget(self.breakdown)
        self.total = QLabel()
        self.total.setObjectName("billTotal")
        font = QFont(self.total.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.total.setFont(font)
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.total)
        self.notes = QLabel()
        self.notes.setObjectName("billNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #a50e0e;")
        layout.addWidget(self.notes)
        self._rows: list[tuple[str, str]] = []
        self.show_bill(None)

    def _money(self, minor: int) -> str:
        return Money(minor, self._currency).format()

    def rows(self) -> list[tuple[str, str]]:
        """The breakdown as (label, amount) pairs, as shown."""
        return list(self._rows)

    def show_bill(self, bill: Bill | None) -> None:
        rows: list[tuple[str, str]] = []
        notes: list[str] = []
        if bill is None:
            rows.append((self.tr("Subtotal"), self._money(0)))
            total = 0
        else:
            rows.append((self.tr("Subtotal"), self._money(bill.subtotal_minor)))
            for discount in bill.discounts:
                reason = in_current_language(discount.name_zh, discount.name_en)
                if discount.coupon_code:
                    reason = self.tr("Coupon {code}: {reason}").format(
                        code=discount.coupon_code, reason=reason
                    )
                rows.append((reason, f"-{self._money(discount.amount_minor)}"))
            for tax in bill.taxes:
                rate = f"{tax.rate_bp / 100:g}%"
                if tax.inclusive:
                    label = self.tr("Tax {rate} (included)").format(rate=rate)
                else:
                    label = self.tr("Tax {rate} (added)").format(rate=rate)
                rows.append((label, self._money(tax.tax_minor)))
            if bill.delivery_fee_minor:
                rows.append((self.tr("Delivery fee"), self._money(bill.delivery_fee_minor)))
            if bill.rounding_minor:
                rows.append((self.tr("Rounding"), self._money(bill.rounding_minor)))
            total = bill.total_minor
            notes = [coupon_rejection(code, reason) for code, reason in bill.coupons_rejected]
        self._rows = rows
        cells = "".join(
            f"<tr><td>{html.escape(label)}</td>"
            f"<td align='right' style='padding-left:16px'>{html.escape(amount)}</td></tr>"
            for label, amount in rows
        )
        self.breakdown.setText(f"<table width='100%'>{cells}</table>")
        self.total.setText(self.tr("Total {amount}").format(amount=self._money(total)))
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
