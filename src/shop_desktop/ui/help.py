"""Help → Keyboard (F1): every key of the counter and the payment window, from one table.

:data:`KEYS` is the one list of the till's keys. The window shows it; the
README's key tables list the same keys (``tests/ui/test_keyboard_help.py``
compares them, and compares the table with the shortcuts the counter and the
payment window really have), so the three cannot drift apart. A new shortcut
goes into :data:`KEYS` and the README together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

#: The translation context of the table's texts (``.ts`` files and the brief's TSV).
CONTEXT = "KeyboardHelp"


def _noop(marked: object) -> str:
    """A text marked with ``QT_TRANSLATE_NOOP("KeyboardHelp", ...)`` where it is written (lupdate
    reads it there, with its context spelled out), translated in :data:`CONTEXT` where shown."""
    return str(marked)


class KeyWhere(Enum):
    """Where a key works: at the counter (the main window), or in the payment window."""

    COUNTER = "counter"
    PAYMENT = "payment"


@dataclass(frozen=True)
class KeyEntry:
    #: The keys as printed on the keyboard, as the window and the README show them.
    keys: tuple[str, ...]
    #: What they do, in English (translated in :data:`CONTEXT` when shown).
    does: str
    where: KeyWhere
    #: The shortcuts Qt binds for it (portable text); empty when a widget reads the key
    #: itself (Enter, Esc, Down, + and - on the cart).
    sequences: tuple[str, ...] = ()


def _places() -> tuple[str, ...]:
    return tuple(f"F{n}" for n in range(2, 9)) + tuple(f"Ctrl+{n}" for n in range(1, 8))


C = KeyWhere.COUNTER
P = KeyWhere.PAYMENT

KEYS: tuple[KeyEntry, ...] = (
    KeyEntry(("F1",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "This list of keys")), C, ("F1",)),
    KeyEntry(
        ("Ctrl+F",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp", "Back to the search box, its text selected (Ctrl+F works anywhere)"
            )
        ),
        C,
        ("Ctrl+F",),
    ),
    KeyEntry(
        ("Enter",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "In the search box: add the only result, or the highlighted one (with several, the"
                " first is highlighted and a second Enter adds it); a barcode typed by hand is"
                " looked up. In the suggestions or the results: add that product",
            )
        ),
        C,
    ),
    KeyEntry(
        ("Down",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "From the search box: into the suggestions when they are open,"
                " else into the results",
            )
        ),
        C,
    ),
    KeyEntry(
        ("Esc",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Close the suggestions; pressed again, clear the search. From the results: back to"
                " the search box",
            )
        ),
        C,
    ),
    KeyEntry(
        ("+", "-"),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "On the cart: one more, one less of the line")),
        C,
    ),
    KeyEntry(
        ("Ctrl+U",),
        _noop(
            QT_TRANSLATE_NOOP("KeyboardHelp", "Quantity of the line (a weight for weighed goods)")
        ),
        C,
        ("Ctrl+U",),
    ),
    KeyEntry(
        ("Ctrl+D",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp", "Discount on the line (beyond your limit a manager approves it)"
            )
        ),
        C,
        ("Ctrl+D",),
    ),
    KeyEntry(
        ("Ctrl+R",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Another price for the line (beyond your limit a manager approves it)",
            )
        ),
        C,
        ("Ctrl+R",),
    ),
    KeyEntry(
        ("Ctrl+N",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Note on the line")), C, ("Ctrl+N",)
    ),
    KeyEntry(
        ("Ctrl+Del",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Remove the line")), C, ("Ctrl+Del",)
    ),
    KeyEntry(
        ("Ctrl+Z",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Undo the last change to the cart")),
        C,
        ("Ctrl+Z",),
    ),
    KeyEntry(
        ("F12",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Attach a member (card, phone or name)")),
        C,
        ("F12",),
    ),
    KeyEntry(("Ctrl+K",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Add a coupon")), C, ("Ctrl+K",)),
    KeyEntry(
        ("Ctrl+T",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Another cart, in a new tab")),
        C,
        ("Ctrl+T",),
    ),
    KeyEntry(
        ("F10",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Park the cart (it survives a restart)")),
        C,
        ("F10",),
    ),
    KeyEntry(
        ("F11",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Recall a parked cart")), C, ("F11",)
    ),
    KeyEntry(("F9",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Pay")), C, ("F9",)),
    KeyEntry(
        ("F2–F8", "Ctrl+1–7"),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Go to a place: Sell, Orders, Members, After-sales, Reports, Catalog, Settings",
            )
        ),
        C,
        _places(),
    ),
    KeyEntry(
        ("Ctrl+Shift+L",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Log out")), C, ("Ctrl+Shift+L",)
    ),
    KeyEntry(
        ("Ctrl+L",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Lock the till (the cart stays)")),
        C,
        ("Ctrl+L",),
    ),
    KeyEntry(("Ctrl+Q",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Quit")), C, ("Ctrl+Q",)),
    KeyEntry(("F1",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Cash")), P, ("F1",)),
    KeyEntry(("F2",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Card")), P, ("F2",)),
    KeyEntry(("F3",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Alipay")), P, ("F3",)),
    KeyEntry(("F4",), _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "WeChat Pay")), P, ("F4",)),
    KeyEntry(
        ("F5",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Store credit (a member's balance)")),
        P,
        ("F5",),
    ),
    KeyEntry(
        ("Enter",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Take the amount typed (nothing typed: what is still to pay). Enter never"
                " completes the sale: the change is shown first",
            )
        ),
        P,
    ),
    KeyEntry(
        ("Tab",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Next field: approval code, last four digits, then the order's kind and the"
                " buyer's tax ID, which can be changed until the sale is completed",
            )
        ),
        P,
    ),
    KeyEntry(
        ("Del",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "On the payments taken: remove the selected one")),
        P,
        ("Del",),
    ),
    KeyEntry(
        ("F9",),
        _noop(QT_TRANSLATE_NOOP("KeyboardHelp", "Complete the sale, once nothing is left to pay")),
        P,
        ("F9",),
    ),
    KeyEntry(
        ("Esc",),
        _noop(
            QT_TRANSLATE_NOOP(
                "KeyboardHelp",
                "Back to the cart (wallet payments already taken are given back first)",
            )
        ),
        P,
    ),
)


@cache
def counter_shortcuts() -> frozenset[str]:
    """The counter's shortcuts with a modifier (portable text): a field must not take them."""
    return frozenset(
        sequence
        for entry in KEYS
        if entry.where is KeyWhere.COUNTER
        for sequence in entry.sequences
        if "+" in sequence
    )


def where_title(where: KeyWhere) -> str:
    if where is KeyWhere.COUNTER:
        return QCoreApplication.translate("KeyboardHelp", "At the counter")
    return QCoreApplication.translate("KeyboardHelp", "In the payment window")


class KeyboardHelp(QDialog):
    """The window F1 opens: the keys of :data:`KEYS`, by where they work. Esc closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboardHelp")
        self.resize(780, 640)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("keyboardHelpKeys")
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Always there, so it never narrows the text after the rows were measured.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Long explanations wrap; each row is as tall as its text, whatever the width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Keyboard"))
        self.intro.setText(
            self.tr(
                "Everything at the counter can be done from the keyboard. A barcode scanner"
                " works anywhere in the Sell place. Esc closes this window."
            )
        )
        self.table.setHorizontalHeaderLabels([self.tr("Key"), self.tr("What it does")])
        self.table.clearSpans()
        self.table.setRowCount(0)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for where in KeyWhere:
            row = self.table.rowCount()
            self.table.insertRow(row)
            heading = QTableWidgetItem(where_title(where))
            heading.setFont(bold)
            self.table.setItem(row, 0, heading)
            self.table.setSpan(row, 0, 1, 2)
            for entry in KEYS:
                if entry.where is not where:
                    continue
                row = self.table.rowCount()
                self.table.insertRow(row)
                keys = QTableWidgetItem(", ".join(entry.keys))
                keys.setFont(bold)
                self.table.setItem(row, 0, keys)
                self.table.setItem(
                    row, 1, QTableWidgetItem(QCoreApplication.translate(CONTEXT, entry.does))
                )
        self.table.resizeRowsToContents()

    def shown_keys(self) -> set[tuple[str, str]]:
        """(where, key) for every key the window lists, read back from its rows."""
        found: set[tuple[str, str]] = set()
        where = ""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is None:
                continue
            if self.table.columnSpan(row, 0) == 2:
                where = item.text()
                continue
            for key in item.text().split(", "):
                found.add((where, key))
        return found

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()
