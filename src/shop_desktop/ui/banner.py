"""A banner: one loud sentence and the buttons that act on it, in a slot that never moves.

The counter's banners sit in a fixed slot (the place's one-line header, see
:class:`~shop_desktop.ui.places.base.Place`): a banner is two lines tall
whatever it says, cut with "…" (the whole text in the tooltip), so showing
one never resizes the window or pushes the cart down. A problem that has
something to do about it -- print again, save as PDF, open the sync log --
carries that action as a button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QWidget

from shop_desktop.ui.elided_label import ElidedLabel

PROBLEM = "problem"
NOTICE = "notice"


@dataclass(frozen=True)
class BannerAction:
    """A button on a banner: ``key`` names it for code and tests, ``label`` is translated."""

    key: str
    label: str
    run: Callable[[], object]


class Banner(QFrame):
    """A problem (red) or a notice (green): the message, its actions and a close button."""

    #: The cashier closed it, or acted on it (the action has run).
    dismissed = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"{kind}Banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        layout.setSpacing(8)
        self.message = ElidedLabel(lines=2)
        self.message.setObjectName("bannerMessage")
        font = QFont(self.message.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.message.setFont(font)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.message, 1)
        self._actions_row = QHBoxLayout()
        self._actions_row.setSpacing(6)
        layout.addLayout(self._actions_row)
        self.close_button = QToolButton()
        self.close_button.setObjectName("bannerClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        # Buttons on a banner never take the focus from the search box.
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.dismissed)
        layout.addWidget(self.close_button)
        self.buttons: dict[str, QPushButton] = {}

    def text(self) -> str:
        """The whole message (the screen may show it cut)."""
        return self.message.full_text()

    def show_message(self, text: str, actions: Sequence[BannerAction] = ()) -> None:
        self.message.setText(text)
        for button in self.buttons.values():
            self._actions_row.removeWidget(button)
            # Hidden at once: until it is deleted, its Alt+letter would clash with the new one's.
            button.hide()
            button.deleteLater()
        self.buttons = {}
        for action in actions:
            # Made on the banner, so its Alt+letter belongs to this window from the start.
            button = QPushButton(self)
            button.setText(action.label)
            button.setObjectName(f"banner_{action.key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, a=action: self._act(a))
            self._actions_row.addWidget(button)
            self.buttons[action.key] = button

    def set_close_tip(self, tip: str) -> None:
        self.close_button.setToolTip(tip)

    def _act(self, action: BannerAction) -> None:
        # Dismissed first: the action may bring up a banner of its own (it failed again).
        self.dismissed.emit()
        action.run()
