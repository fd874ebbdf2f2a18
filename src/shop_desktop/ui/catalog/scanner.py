"""The keyboard-wedge scanner: telling a scan from a person typing.

A wedge scanner "types" the digits and Enter much faster than anyone can,
into whatever widget has focus. :class:`ScanDetector` watches every key
press in the application while it is switched on; a burst of digits whose
presses all came less than :data:`BURST_GAP_S` apart, ended by Enter, is a
scan. The digits already went into the focused line edit by then, so its
text is put back as it was before the burst; the Enter is swallowed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from shiboken6 import isValid
from typing_extensions import override

from shop_desktop.data.catalog import UnknownBarcode
from shop_desktop.domain.barcodes import InvalidBarcode, clean_scan

#: Scanners send a key every few milliseconds; people rarely beat 80 ms.
BURST_GAP_S = 0.040
#: EAN-8 is the shortest code a till meets.
MIN_SCAN_DIGITS = 8

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _Undo:
    """How the focused line edit looked before the burst started typing into it."""

    edit: QLineEdit
    text: str
    cursor: int


class ScanDetector(QObject):
    """An application-wide key filter that recognises scanner bursts."""

    #: The digits of a recognised scan.
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._digits: list[str] = []
        self._last_press = 0.0
        self._undo: _Undo | None = None
        self._active = False

    @property
    def active(self) -> bool:
        return self._active

    def set_active(self, active: bool) -> None:
        app = QCoreApplication.instance()
        if app is None or active == self._active:
            return
        self._active = active
        self._reset()
        if active:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def _reset(self) -> None:
        self._digits = []
        self._undo = None

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        # A key event travels window → focus widget → its parents, and an
        # application filter sees every stop: count it once, at the widget
        # that has focus (or the window, when nothing has).
        focus = QApplication.focusWidget()
        popup = QApplication.activePopupWidget()
        if popup is not None and watched is popup and focus is not None:
            # An open popup (the search suggestions) gets the keys first and hands
            # them to the field it belongs to directly, past this filter: count
            # them here, for that field.
            if popup.focusProxy() is not focus:
                return False
            watched = focus
        elif focus is not None:
            if watched is not focus:
                return False
        elif not (isinstance(watched, QWidget) and watched.isWindow()):
            return False
        # A dialog over the counter (a payment code, a coupon) takes its own
        # scans: only keys in the window the detector belongs to count.
        owner = self.parent()
        if (
            isinstance(owner, QWidget)
            and isinstance(watched, QWidget)
            and watched.window() is not owner.window()
        ):
            return False
        return self._key_pressed(watched, event)

    def _key_pressed(self, watched: QObject, event: QKeyEvent) -> bool:
        now = time.monotonic()
        fast = now - self._last_press < BURST_GAP_S
        self._last_press = now
        text = event.text()
        if event.key() in _ENTER:
            digits = "".join(self._digits)
            burst = fast and len(digits) >= MIN_SCAN_DIGITS
            undo = self._undo
            self._reset()
            if not burst:
                return False
            if undo is not None and isValid(undo.edit) and undo.edit.text().endswith(digits):
                # Put back what the cashier had typed; the digits were the scanner's.
                undo.edit.setText(undo.text)
                undo.edit.setCursorPosition(undo.cursor)
            self.scanned.emit(digits)
            return True
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if len(text) == 1 and text.isascii() and text.isdigit() and not plain:
            if not fast or not self._digits:
                self._digits = []
                self._undo = (
                    _Undo(watched, watched.text(), watched.cursorPosition())
                    if isinstance(watched, QLineEdit)
                    else None
                )
            self._digits.append(text)
            return False
        self._reset()
        return False


def scan_problem(exc: BaseException, scanned: str) -> str | None:
    """A short sentence for the cashier about a scan that found nothing, or None."""
    code = clean_scan(scanned) or scanned

    if isinstance(exc, UnknownBarcode):
        return QCoreApplication.translate("ScanProblem", "No product has barcode {code}.").format(
            code=exc.code
        )
    if isinstance(exc, InvalidBarcode):
        if exc.reason == "check_digit":
            return QCoreApplication.translate(
                "ScanProblem", "Barcode {code} has a wrong check digit — scan again."
            ).format(code=code)
        if exc.reason == "length":
            return QCoreApplication.translate(
                "ScanProblem", "Barcode {code} has the wrong number of digits — scan again."
            ).format(code=code)
        if exc.reason == "empty":
            return QCoreApplication.translate("ScanProblem", "The scan was empty — scan again.")
        return QCoreApplication.translate(
            "ScanProblem", "Barcode {code} is not made of digits — scan again."
        ).format(code=code)
    return None
