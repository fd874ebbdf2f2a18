"""What every place in the main window has: a title, a purpose, and a way to refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job, JobSession

_NOT_LOADED = "…"


class Place(QWidget):
    """One capability of the shop, shown when picked in the navigation."""

    #: Stable name used by code and tests ("sell", "orders", ...).
    key: ClassVar[str]
    #: Data areas (see :mod:`shop_desktop.ui.context`) whose change makes it reload.
    watches: ClassVar[frozenset[str]] = frozenset()
    #: Where the body needs every pixel (the counter): the title block is one line
    #: (:attr:`header_slot`: the title, then the facts), the description its tooltip.
    one_line_header: ClassVar[bool] = False

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = True
        self._title = QLabel()
        self._title.setObjectName("placeTitle")
        title_font = QFont(self._title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * (1.3 if self.one_line_header else 1.6))
        title_font.setBold(True)
        self._title.setFont(title_font)
        self._description = QLabel()
        self._description.setObjectName("placeDescription")
        self._description.setWordWrap(True)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        layout = QVBoxLayout(self)
        if self.one_line_header:
            self._build_one_line_header(layout)
        else:
            layout.setContentsMargins(28, 24, 28, 24)
            layout.setSpacing(8)
            layout.addWidget(self._title)
            layout.addWidget(self._description)
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            layout.addSpacing(8)
            layout.addWidget(line)
            layout.addSpacing(8)
        layout.addLayout(self.body)
        layout.addStretch(1)
        context.data_changed.connect(self._on_data_changed)

    def _build_one_line_header(self, layout: QVBoxLayout) -> None:
        """Title and facts on one line, in a slot a place may show a banner in instead."""
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(6)
        self.header_slot = QStackedWidget()
        self.header_slot.setObjectName("placeHeaderSlot")
        self.header_slot.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.header = QWidget()
        self.header.setObjectName("placeHeader")
        self.header_row = QHBoxLayout(self.header)
        self.header_row.setContentsMargins(4, 0, 4, 0)
        self.header_row.setSpacing(16)
        self.header_row.addWidget(self._title)
        # The purpose is for newcomers: it is the title's tooltip, not a line of its own.
        self._description.setVisible(False)
        self.header_slot.addWidget(self.header)
        layout.addWidget(self.header_slot)

    def body_takes_the_height(self) -> None:
        """Let the body (a table, tabs, scroll area), not blank space under it, take the height."""
        layout = self.layout()
        if isinstance(layout, QBoxLayout):
            layout.setStretchFactor(self.body, 1)
            layout.setStretch(layout.count() - 1, 0)

    def title(self) -> str:
        raise NotImplementedError

    def description(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        self._title.setText(self.title())
        self._description.setText(self.description())
        if self.one_line_header:
            self._title.setToolTip(self.description())

    def refresh(self) -> None:
        """Reload what the place shows from the database (in the background)."""
        self._stale = False

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        if not self._title.text():
            # Shown before anyone worded it (the main window does; a tool or test may not).
            self.retranslate()
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def _on_data_changed(self, areas: frozenset[str]) -> None:
        if not areas & self.watches:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True


def not_available_note() -> QLabel:
    """The line under places whose work arrives in a later version."""
    note = QLabel()
    note.setObjectName("notAvailableNote")
    note.setWordWrap(True)
    font = QFont(note.font())
    font.setItalic(True)
    note.setFont(font)
    return note


def not_available_text() -> str:
    return QCoreApplication.translate("Place", "This part is not available yet in this version.")


class SummaryPlace(Place):
    """A place that shows a few numbers counted in the database.

    Subclasses list their facts (:meth:`fact_labels`) and give a plain
    function of the job's session that counts them (:meth:`facts_query`); it runs
    on a worker thread, never on the GUI thread, and sees no widget.
    """

    #: Emitted with the counted facts after each load.
    facts_loaded = Signal(object)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._fact_names: dict[str, QLabel] = {}
        self._fact_values: dict[str, QLabel] = {}
        if self.one_line_header:
            self._facts_in_the_header()
        else:
            self._fact_tiles()
        self.facts: dict[str, int] | None = None
        self.loading: BackgroundOp[dict[str, int]] | None = None

    def _fact_tiles(self) -> None:
        # Attached before it is filled: widgets added to a parentless layout
        # were seen to crash PySide's garbage collection on worker threads.
        tiles = QHBoxLayout()
        self.body.addLayout(tiles)
        tiles.setSpacing(16)
        for key in self.fact_keys():
            tile = QFrame()
            tile.setObjectName("factTile")
            tile.setMinimumWidth(180)
            value = QLabel(_NOT_LOADED)
            value.setObjectName(f"fact_{key}")
            value_font = QFont(value.font())
            value_font.setPointSizeF(value_font.pointSizeF() * 2)
            value_font.setBold(True)
            value.setFont(value_font)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel()
            name.setObjectName("factName")
            name.setWordWrap(True)
            inside = QVBoxLayout(tile)
            inside.setContentsMargins(18, 14, 18, 14)
            inside.setSpacing(4)
            inside.addWidget(value)
            inside.addWidget(name)
            self._fact_names[key] = name
            self._fact_values[key] = value
            tiles.addWidget(tile)
        tiles.addStretch(1)

    def _facts_in_the_header(self) -> None:
        """Each fact as "57 orders today…" after the title, on the same line."""
        for key in self.fact_keys():
            value = QLabel(_NOT_LOADED)
            value.setObjectName(f"fact_{key}")
            value_font = QFont(value.font())
            value_font.setBold(True)
            value.setFont(value_font)
            name = QLabel()
            name.setObjectName("factName")
            pair = QHBoxLayout()
            pair.setSpacing(4)
            self.header_row.addLayout(pair)
            pair.addWidget(value)
            pair.addWidget(name)
            self._fact_names[key] = name
            self._fact_values[key] = value
        self.header_row.addStretch(1)

    def fact_keys(self) -> tuple[str, ...]:
        raise NotImplementedError

    def fact_labels(self) -> dict[str, str]:
        raise NotImplementedError

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        raise NotImplementedError

    def retranslate(self) -> None:
        super().retranslate()
        labels = self.fact_labels()
        for key, name in self._fact_names.items():
            name.setText(labels[key])

    def refresh(self) -> None:
        super().refresh()
        query = self.facts_query()

        def count(job: Job) -> dict[str, int]:
            return query(job.session)

        self.loading = BackgroundOp(
            self, op=count, success=self._show_facts, database=self.context.database
        ).run()

    def _show_facts(self, facts: dict[str, int]) -> None:
        self.facts = facts
        for key, value in self._fact_values.items():
            value.setText(f"{facts[key]:,}" if key in facts else _NOT_LOADED)
        self.facts_loaded.emit(facts)
