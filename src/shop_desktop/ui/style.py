"""The shop's calm look, on top of Qt's Fusion style: few colours, generous spacing."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QStyleFactory

from shop_desktop.ui.i18n import set_up_fonts

SHOP_STYLE_SHEET = """
QListWidget#navigation {
    border: none;
    outline: 0;
    border-right: 1px solid palette(midlight);
    background: palette(window);
    padding: 8px 6px;
}
QListWidget#navigation::item {
    padding: 6px 10px;
    border-radius: 6px;
}
QListWidget#navigation::item:selected {
    background: palette(highlight);
    color: palette(highlighted-text);
    border: none;
}
QListWidget#navigation::item:hover:!selected {
    background: palette(midlight);
}
QLabel#placeDescription, QLabel#notAvailableNote {
    color: #5f6368;
}
QLabel#loginWhere {
    color: #3c4043;
}
QLabel#loginMessage[refused="true"] {
    color: #b3261e;
    font-weight: bold;
}
QLabel#loginDemoHint {
    color: #5f6368;
}
QLabel#loginNotice {
    background: #eef4fb;
    border: 1px solid #c6d8ee;
    border-radius: 4px;
    padding: 6px 8px;
}
QFrame#problemBanner {
    background: #fce8e6;
    border: 1px solid #f28b82;
    border-radius: 6px;
}
QFrame#problemBanner QLabel, QFrame#problemBanner QToolButton {
    color: #a50e0e;
}
QFrame#noticeBanner {
    background: #e6f4ea;
    border: 1px solid #81c995;
    border-radius: 6px;
}
QFrame#noticeBanner QLabel, QFrame#noticeBanner QToolButton {
    color: #0d652d;
}
QFrame#problemBanner QPushButton, QFrame#noticeBanner QPushButton {
    padding: 4px 12px;
}
QFrame#factTile {
    background: palette(base);
    border: 1px solid palette(midlight);
    border-radius: 8px;
}
QLabel#factName {
    color: #5f6368;
}
QStatusBar {
    border-top: 1px solid palette(midlight);
}
QStatusBar QLabel {
    color: #3c4043;
    padding: 2px 12px;
    border-left: 1px solid palette(midlight);
}
QGroupBox {
    font-weight: bold;
    background: palette(base);
    border: 1px solid palette(midlight);
    border-radius: 8px;
    margin-top: 1.6em;
    padding: 14px 16px 12px 16px;
}
QGroupBox::title {
    subcontrol-origin: margin;
    subcontrol-position: top left;
    left: 4px;
    padding: 0 4px 4px 4px;
}
QGroupBox QLabel {
    font-weight: normal;
}
QPushButton {
    padding: 6px 18px;
}
QLineEdit {
    padding: 4px 6px;
}
"""


def apply_shop_look(app: QApplication) -> None:
    """Fusion, the shop's style sheet and fonts; a second call changes nothing.

    Replacing the style under a style sheet deletes the style that live
    widgets still point to, so it is done once per application only.
    """
    if app.style().name().lower() != "fusion":
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    if app.styleSheet() != SHOP_STYLE_SHEET:
        app.setStyleSheet(SHOP_STYLE_SHEET)
    set_up_fonts(app)
