"""The status bar's note while the search index is built in the background.

The till sells meanwhile (scans and codes need no index) and search takes a
slower path that may miss products; this says how far the build is, so
nobody wonders why a search finds less than it will in a minute.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget
from typing_extensions import override

#: Steps of the bar (tenths of a per cent are more than anyone can see).
_STEPS = 100


class SearchIndexProgress(QWidget):
    """ "Building the search index" and a small bar, in the main window's status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchIndexProgress")
        self.label = QLabel()
        self.label.setObjectName("searchIndexProgressLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("searchIndexProgressBar")
        self.bar.setRange(0, _STEPS)
        self.bar.setValue(0)
        self.bar.setTextVisible(True)
        self.bar.setFormat("%p%")
        self.bar.setFixedWidth(120)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.retranslate()

    def show_progress(self, fraction: float) -> None:
        self.bar.setValue(round(min(max(fraction, 0.0), 1.0) * _STEPS))

    def retranslate(self) -> None:
        self.label.setText(self.tr("Building the search index"))
        self.setToolTip(
            self.tr(
                "Until the index is built, search may miss products and knows no pinyin."
                " Scanning and selling are not affected."
            )
        )

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
