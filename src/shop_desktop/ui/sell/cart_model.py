"""The cart as a table: one row per line, priced by the last bill."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from typing_extensions import override

from shop_desktop.domain.cart import MILLI, Cart, CartItem
from shop_desktop.domain.money import Currency, Money
from shop_desktop.domain.pricing import Bill, BillLine
from shop_desktop.ui.labels import in_current_language

AnyIndex = QModelIndex | QPersistentModelIndex

#: The role under which every cell carries its line's id.
LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

NAME, QTY, PRICE, DISCOUNT, TOTAL = range(5)


def quantity_text(item: CartItem) -> str:
    qty = item.qty_milli
    if item.product.weighed or qty % MILLI:
        return f"{qty / MILLI:.3f} {item.product.unit}"
    return f"{qty // MILLI:,}"


class CartModel(QAbstractTableModel):
    """Reads the cart and its bill; the cart panel calls :meth:`reload` after each change."""

    def __init__(self, cart: Cart, money: Currency) -> None:
        super().__init__()
        self.cart = cart
        self._currency = money
        self._lines: dict[str, BillLine] = {}

    def reload(self, cart: Cart, bill: Bill | None) -> None:
        self.beginResetModel()
        self.cart = cart
        self._lines = {} if bill is None else {line.line_id: line for line in bill.lines}
        self.endResetModel()

    def item_at(self, row: int) -> CartItem | None:
        items = self.cart.items
        return items[row] if 0 <= row < len(items) else None

    @override
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.cart.items)

    @override
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 5

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                NAME: self.tr("Item"),
                QTY: self.tr("Qty"),
                PRICE: self.tr("Price"),
                DISCOUNT: self.tr("Discount"),
                TOTAL: self.tr("Amount"),
            }.get(section)
        if role == Qt.ItemDataRole.TextAlignmentRole and section != NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _money(self, minor: int) -> str:
        return Money(minor, self._currency).format()

    @override
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.item_at(index.row())
        if item is None:
            return None
        column = index.column()
        if role == LINE_ID_ROLE:
            return item.line_id
        line = self._lines.get(item.line_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, line, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return self._whole_story(item, line)
        if role == Qt.ItemDataRole.ToolTipRole and column == DISCOUNT and line and line.discounts:
            return self._whole_story(item, line)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == DISCOUNT:
            return QColor("#137333")
        return None

    @staticmethod
    def name(item: CartItem) -> str:
        return in_current_language(item.product.name_zh, item.product.name_en)

    def _labels(self, item: CartItem, line: BillLine | None) -> list[str]:
        """The line's own promotions and its note.

        A coupon's share of the line is left out: the coupon is the cart's,
        shown once in the bill, not on every line it was spread over.
        """
        labels: list[str] = []
        if line is not None:
            for discount in line.discounts:
                label = in_current_language(discount.name_zh, discount.name_en)
                if discount.coupon_code is None and label not in labels:
                    labels.append(label)
        if item.note:
            labels.append(self.tr("Note: {note}").format(note=item.note))
        return labels

    def _whole_story(self, item: CartItem, line: BillLine | None) -> str:
        """The tooltip: the name, every discount with its amount, the note."""
        rows = [self.name(item)]
        if line is not None:
            rows.extend(
                f"{in_current_language(d.name_zh, d.name_en)}: -{self._money(d.amount_minor)}"
                for d in line.discounts
            )
        if item.note:
            rows.append(self.tr("Note: {note}").format(note=item.note))
        return "\n".join(rows)

    def _display(self, item: CartItem, line: BillLine | None, column: int) -> str | None:
        if column == NAME:
            # One line per row, whatever the line carries: its own promotions and
            # note follow the name and are cut with "…" by the view (the whole
            # story is the tooltip; every discount is in the bill below too).
            return " · ".join([self.name(item), *self._labels(item, line)])
        if column == QTY:
            return quantity_text(item)
        if line is None:
            return "…"
        if column == PRICE:
            text = self._money(line.unit_price_minor)
            if item.price_override_minor is not None:
                text = self.tr("{price} (set)").format(price=text)
            return text
        if column == DISCOUNT:
            return f"-{self._money(line.discount_minor)}" if line.discount_minor else ""
        if column == TOTAL:
            return self._money(line.total_minor)
        return None
