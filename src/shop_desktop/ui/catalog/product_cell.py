"""How a product's name is drawn in the results: thumbnail, name, and a smaller second line.

The second line (brand and SKU, :data:`~shop_desktop.ui.catalog.models.DETAIL_LINE_ROLE`)
tells apart products of the same name; both lines are cut with "…" to the
column, which stretches, so price and stock always stay in view.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from typing_extensions import override

from shop_desktop.ui.catalog.models import DETAIL_LINE_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex

#: Padding around the cell's content, in pixels.
_PAD = 4
#: The second line's size against the first.
_SECOND_LINE_SCALE = 0.85
_SECOND_LINE_COLOUR = "#5f6368"


def second_line_font(font: QFont) -> QFont:
    smaller = QFont(font)
    smaller.setPointSizeF(font.pointSizeF() * _SECOND_LINE_SCALE)
    return smaller


def product_row_height(font: QFont) -> int:
    """The height of a results row: two lines of text and the padding."""
    return QFontMetrics(font).height() + QFontMetrics(second_line_font(font)).height() + 3 * _PAD


class ProductCellDelegate(QStyledItemDelegate):
    """Thumbnail on the left, the name on top, brand and SKU below in grey."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name = opt.text
        # The style draws the background, selection and focus; the content is ours.
        opt.text = ""
        opt.icon = QIcon()
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect: QRect = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        side = rect.height()
        painter.save()
        picture = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(picture, QPixmap) and not picture.isNull():
            fitted = picture.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawPixmap(
                rect.left() + (side - fitted.width()) // 2,
                rect.top() + (side - fitted.height()) // 2,
                fitted,
            )
        text_rect = rect.adjusted(side + 2 * _PAD, 0, 0, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        first_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        font: QFont = opt.font
        metrics = QFontMetrics(font)
        painter.setFont(font)
        painter.setPen(first_colour)
        first = QRect(text_rect.left(), text_rect.top(), text_rect.width(), metrics.height())
        painter.drawText(
            first,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(str(name or ""), Qt.TextElideMode.ElideRight, first.width()),
        )
        detail = index.data(DETAIL_LINE_ROLE)
        if detail:
            small = second_line_font(font)
            small_metrics = QFontMetrics(small)
            painter.setFont(small)
            painter.setPen(first_colour if selected else QColor(_SECOND_LINE_COLOUR))
            second = QRect(
                text_rect.left(),
                first.bottom() + _PAD // 2,
                text_rect.width(),
                small_metrics.height(),
            )
            painter.drawText(
                second,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                small_metrics.elidedText(str(detail), Qt.TextElideMode.ElideRight, second.width()),
            )
        painter.restore()

    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        font: QFont = option.font
        height = product_row_height(font)
        # A modest width: the column stretches; the name is cut to whatever it gets.
        return QSize(QFontMetrics(font).averageCharWidth() * 16 + height, height)
