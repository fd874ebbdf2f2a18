"""Drive the till as a person at the keyboard does, and read what the screen shows.

Every key is a real key event (``QTest.keyClick``) sent where Qt would send
a key pressed on the keyboard: an open popup (the search suggestions) first,
else the focused widget (``QApplication.focusWidget()``) of the active
window, which is the modal dialog when one is up. So shortcuts, the
suggestions' own key handling, the keyboard-wedge scanner's detector and
each widget's ``keyPressEvent`` all run as at the counter; no slot is ever
called. What follows a key is waited for (``qtbot.waitUntil``), never slept
for; what is on screen is read from the visible widgets' texts.

A dialog opened with ``exec()`` (quantity, coupon, member, ...) does not
return control until it closes, so its keys are given beforehand:
``with keys.in_dialog(QuantityDialog, "2", Qt.Key.Key_Return): keys.press(...)``.

A plain module (not a conftest): ``from tests.ui.keyboard import Keyboard``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from shop_desktop.ui.catalog.scanner import BURST_GAP_S

#: Long enough for the slowest CI machine; a test that waits this long has failed.
WAIT_MS = 20_000
#: Tab presses tried before deciding a field cannot be reached by Tab.
MAX_TABS = 60

#: A key: a character to type, or a Qt key (optionally with modifiers).
Key = str | Qt.Key | tuple[Qt.Key, Qt.KeyboardModifier]

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class Keyboard:
    """The cashier's hands on the keyboard, and eyes on the screen."""

    def __init__(self, qtbot: QtBot, window: QWidget | None = None) -> None:
        """``window``: where the keys go first when no window is active yet."""
        self.qtbot = qtbot
        #: The window the last key went to, then the windows under it: a closed dialog
        #: hands the keyboard back to the window under it.
        self._windows: list[QWidget] = [] if window is None else [window]

    # --- where a key goes --------------------------------------------------------

    def target(self) -> QWidget:
        """The widget a key pressed now would reach, as Qt routes it."""
        popup = QApplication.activePopupWidget()
        if popup is not None:
            # Keys go to the open popup; a completer's popup hands on what it does not use.
            return popup.focusWidget() or popup
        window = QApplication.activeModalWidget() or QApplication.activeWindow()
        if window is None or not window.isVisible():
            # A dialog just closed (the offscreen platform may still call it active).
            window = self._window_handed_back()
        self._windows = _windows_from(window)
        self._activate(window)
        focus = QApplication.focusWidget()
        if focus is not None and focus.window() is window:
            return focus
        # The offscreen platform may be slow to report the window active: the
        # window's own focus widget is where its keys go.
        return window.focusWidget() or window

    def _window_handed_back(self) -> QWidget:
        """The window the keyboard returns to when the one it was in closed.

        A window manager gives it back to the window under the closed dialog;
        the offscreen test platform has none, so it is done here.
        """
        for window in self._windows:
            if isValid(window) and window.isVisible():
                return window
        raise AssertionError("no window is active and nothing has the focus")

    def _activate(self, window: QWidget) -> None:
        if QApplication.activeWindow() is window:
            return
        # Asked of the window itself: a closed dialog it was the transient parent of
        # may still hold the platform's focus, and then Qt counts the window as active
        # already (its shortcuts would not fire).
        handle = window.windowHandle()
        if handle is not None:
            handle.requestActivate()
        else:
            window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)

    def focused(self) -> QWidget | None:
        """The widget with the keyboard focus now."""
        return self.target()

    # --- keys ----------------------------------------------------------------------

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        QTest.keyClick(self.target(), key, modifier)

    def type_in(self, text: str) -> None:
        """Type ``text`` one character at a time, each to wherever the keyboard goes then."""
        for char in text:
            QTest.keyClicks(self.target(), char)

    def keys(self, keys: Sequence[Key]) -> None:
        for key in keys:
            if isinstance(key, str):
                self.type_in(key)
            elif isinstance(key, tuple):
                self.press(*key)
            else:
                self.press(key)

    def scan(self, code: str, attempts: int = 20) -> None:
        """A keyboard-wedge scanner: the digits back to back, then Enter, to the focused widget.

        A scanner sends its keys a few milliseconds apart, and the till tells a
        scan from typing by that (``BURST_GAP_S``). On a machine busy enough to
        hold a key back longer, what was sent is not a scanner's burst: the
        digits are taken back with Backspace (which the detector also sees)
        and the burst is sent again. That is the emulation repeating itself,
        never the test retrying an outcome.
        """
        # Half the detector's gap, measured around each key from before it was
        # sent to after it was handled: the detector's own gap is within that.
        limit = BURST_GAP_S / 2
        for _attempt in range(attempts):
            target = self.target()
            sent = 0
            previous_start: float | None = None
            burst = True
            for digit in code:
                start = time.monotonic()
                QTest.keyClicks(target, digit)
                sent += 1
                if previous_start is not None and time.monotonic() - previous_start > limit:
                    burst = False
                    break
                previous_start = start
            if burst and previous_start is not None and time.monotonic() - previous_start <= limit:
                QTest.keyClick(target, Qt.Key.Key_Return)
                return
            for _ in range(sent):
                QTest.keyClick(target, Qt.Key.Key_Backspace)
        raise AssertionError(f"this machine never sent {code} fast enough to be a scan")

    def tab_to(self, widget: QWidget) -> None:
        """Tab until ``widget`` has the focus, as a cashier moves between fields."""
        for _ in range(MAX_TABS):
            if self.target() is widget:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"{widget!r} cannot be reached with Tab")

    @contextmanager
    def in_dialog(self, kind: type[QWidget], *keys: Key) -> Iterator[list[QWidget]]:
        """Press ``keys`` in the next modal dialog of ``kind`` once it is up.

        For dialogs run with ``exec()``: the key that opens one returns only
        after it has closed, so its keys are waiting for it. The list it
        yields holds the widget that had the focus when the dialog came up
        (for checking where the cursor was), and the dialog itself.
        """
        seen: list[QWidget] = []
        timer = QTimer()
        timer.setInterval(10)

        def attempt() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None or not isinstance(dialog, kind) or seen:
                return
            timer.stop()
            self._activate(dialog)
            first = dialog.focusWidget()
            seen.extend([first if first is not None else dialog, dialog])
            self.keys(keys)

        timer.timeout.connect(attempt)
        timer.start()
        try:
            yield seen
            self.qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
        finally:
            timer.stop()

    # --- waiting ---------------------------------------------------------------------

    def wait_until(self, condition: Callable[[], object], timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    def wait_focus(self, widget: QWidget) -> None:
        """Wait until the keyboard goes to ``widget``."""
        self.wait_until(lambda: self.target() is widget)

    def wait_modal(self, kind: type[QWidget]) -> QWidget:
        """Wait for a modal window of ``kind`` and return it."""
        self.wait_until(lambda: isinstance(QApplication.activeModalWidget(), kind))
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        self._activate(dialog)
        return dialog

    def wait_shown(self, root: QWidget, text: str) -> None:
        """Wait until some visible text under ``root`` contains ``text``."""
        self.wait_until(lambda: shows(root, text))


def _windows_from(window: QWidget) -> list[QWidget]:
    """``window``, then the window it was opened over, and so on."""
    chain = [window]
    parent = window.parentWidget()
    while parent is not None:
        chain.append(parent.window())
        parent = chain[-1].parentWidget()
    return chain


# --- reading the screen ---------------------------------------------------------------


def screen_texts(root: QWidget) -> list[str]:
    """Every text a person sees under ``root``: labels, buttons, fields, tabs, combos, cells."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.text() or widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QAbstractItemView):
            texts.extend(cell_texts(widget))
    return [plain(text) for text in texts if text]


def cell_texts(view: QAbstractItemView) -> list[str]:
    """The texts of a view's cells, row by row."""
    model = view.model()
    if model is None:
        return []
    top = QModelIndex()
    # A list shows one column (and a list widget's model hides its column count).
    columns = [view.modelColumn()] if isinstance(view, QListView) else range(model.columnCount(top))
    return [
        str(model.index(row, column).data() or "")
        for row in range(model.rowCount(top))
        for column in columns
    ]


def plain(text: str) -> str:
    """Rich text as read: tags dropped, entities decoded, no-break spaces as spaces."""
    if "<" in text:
        from PySide6.QtGui import QTextDocumentFragment

        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("\xa0", " ")


def shows(root: QWidget, text: str) -> bool:
    """Some visible text under ``root`` contains ``text``."""
    return any(text in shown for shown in screen_texts(root))
