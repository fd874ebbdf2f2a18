"""A label that never decides how wide its window is.

A plain QLabel asks for the width of its whole text: a long member name, a
long printer message, and the window grows or the layout pushes its
neighbours off screen. This one shows what fits in at most ``lines`` lines,
cut with "…", and keeps the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QTextLayout
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget
from typing_extensions import override

#: Qt's own line break inside a paragraph (QTextLayout treats "\n" as a glyph).
_LINE_SEPARATOR = "\u2028"


def fit_lines(text: str, font: QFont, width: int, lines: int) -> str:
    """``text`` wrapped at ``width`` pixels, at most ``lines`` lines, the last cut with "…"."""
    metrics = QFontMetrics(font)
    if width <= 0 or lines <= 0:
        return ""
    if lines == 1:
        return metrics.elidedText(" ".join(text.split()), Qt.TextElideMode.ElideRight, width)
    source = text.replace("\n", _LINE_SEPARATOR)
    layout = QTextLayout(source, font)
    shown: list[str] = []
    layout.beginLayout()
    try:
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start = line.textStart()
            if len(shown) == lines - 1:
                rest = " ".join(source[start:].split())
                shown.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            shown.append(source[start : start + line.textLength()].strip())
    finally:
        layout.endLayout()
    return "\n".join(shown)


class ElidedLabel(QLabel):
    """Shows as much of its text as fits in ``lines`` lines; :meth:`full_text` is all of it."""

    def __init__(self, text: str = "", *, lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._lines = lines
        # For tests that look for cut words: this one is cut on purpose, whole in its tooltip.
        self.setProperty("elidedOnPurpose", True)
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)

    @override
    def setText(self, text: str) -> None:
        self._full = text
        self._fit()

    def full_text(self) -> str:
        """The whole text; :meth:`text` is what is on screen (with "…" where it was cut)."""
        return self._full

    @override
    def clear(self) -> None:
        self.setText("")

    def _fit(self) -> None:
        margins = self.contentsMargins()
        width = self.width() - margins.left() - margins.right() - 2 * self.margin()
        shown = fit_lines(self._full, self.font(), width, self._lines)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

    def _height(self) -> int:
        margins = self.contentsMargins()
        spacing = QFontMetrics(self.font()).lineSpacing()
        return self._lines * spacing + margins.top() + margins.bottom() + 2 * self.margin()

    @override
    def sizeHint(self) -> QSize:
        return QSize(QFontMetrics(self.font()).averageCharWidth() * 20, self._height())

    @override
    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height())

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._fit()
