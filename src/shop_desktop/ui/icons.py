"""The places' icons: simple line drawings in one style, drawn rather than shipped.

Qt's standard icons come from several unrelated sets (folders, media
buttons, a Qt logo); a cashier scanning the navigation should see one calm
family. Each icon is drawn on a 24-unit grid in the text colour, and again
in the highlighted-text colour for the selected row.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

_GRID = 24.0
_SIZES = (24, 32, 48)


def _cart(p: QPainter) -> None:
    path = QPainterPath(QPointF(2, 4))
    path.lineTo(5, 4)
    path.lineTo(7.5, 15)
    path.lineTo(18.5, 15)
    path.lineTo(21, 7)
    path.lineTo(6, 7)
    p.drawPath(path)
    p.drawEllipse(QPointF(9, 19), 1.6, 1.6)
    p.drawEllipse(QPointF(17, 19), 1.6, 1.6)


def _receipt(p: QPainter) -> None:
    path = QPainterPath(QPointF(5, 2.5))
    path.lineTo(19, 2.5)
    path.lineTo(19, 21)
    for step in range(7):
        x = 19 - (step + 1) * 2
        path.lineTo(x, 19.5 if step % 2 == 0 else 21)
    path.lineTo(5, 2.5)
    p.drawPath(path)
    for y in (7.5, 11, 14.5):
        p.drawLine(QPointF(8.5, y), QPointF(15.5, y))


def _person(p: QPainter) -> None:
    p.drawEllipse(QPointF(12, 8), 4, 4)
    path = QPainterPath(QPointF(4, 21))
    path.cubicTo(4, 15, 8, 14, 12, 14)
    path.cubicTo(16, 14, 20, 15, 20, 21)
    p.drawPath(path)


def _return(p: QPainter) -> None:
    path = QPainterPath()
    path.arcMoveTo(QRectF(4, 4, 16, 16), 150)
    path.arcTo(QRectF(4, 4, 16, 16), 150, -300)
    p.drawPath(path)
    tip = QPointF(12 + 8 * math.cos(math.radians(150)), 12 - 8 * math.sin(math.radians(150)))
    p.drawLine(tip, tip + QPointF(0.5, -4.5))
    p.drawLine(tip, tip + QPointF(4.5, 0.5))


def _chart(p: QPainter) -> None:
    p.drawLine(QPointF(3, 21), QPointF(21, 21))
    p.drawRect(QRectF(5, 13, 3.5, 8))
    p.drawRect(QRectF(10.25, 8, 3.5, 13))
    p.drawRect(QRectF(15.5, 4, 3.5, 17))


def _tag(p: QPainter) -> None:
    path = QPainterPath(QPointF(3, 3))
    path.lineTo(12, 3)
    path.lineTo(21, 12)
    path.lineTo(12, 21)
    path.lineTo(3, 12)
    path.closeSubpath()
    p.drawPath(path)
    p.drawEllipse(QPointF(8, 8), 1.6, 1.6)


def _gear(p: QPainter) -> None:
    centre = QPointF(12, 12)
    path = QPainterPath()
    teeth = 8
    for tooth in range(teeth * 2):
        angle = math.pi * 2 * tooth / (teeth * 2)
        radius = 9.5 if tooth % 2 == 0 else 7
        for offset in (-0.18, 0.18):
            point = centre + QPointF(
                radius * math.cos(angle + offset), radius * math.sin(angle + offset)
            )
            if path.elementCount() == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
    path.closeSubpath()
    p.drawPath(path)
    p.drawEllipse(centre, 3, 3)


DRAWINGS: dict[str, Callable[[QPainter], None]] = {
    "sell": _cart,
    "orders": _receipt,
    "members": _person,
    "after_sales": _return,
    "reports": _chart,
    "catalog": _tag,
    "settings": _gear,
}


def _pixmap(draw: Callable[[QPainter], None], size: int, colour: QColor) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / _GRID, size / _GRID)
    pen = QPen(colour, 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    draw(painter)
    painter.end()
    return pixmap


def place_icon(name: str) -> QIcon:
    """The icon of the place called ``name``, for normal and selected rows."""
    draw = DRAWINGS[name]
    palette = QApplication.palette()
    normal = palette.color(QPalette.ColorRole.WindowText)
    normal.setAlpha(200)
    selected = palette.color(QPalette.ColorRole.HighlightedText)
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_pixmap(draw, size, normal), QIcon.Mode.Normal)
        icon.addPixmap(_pixmap(draw, size, selected), QIcon.Mode.Selected)
    return icon
