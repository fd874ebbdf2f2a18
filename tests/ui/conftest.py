"""Fixtures for the Qt tests: an offscreen screen, isolated folders, no stray threads."""

from __future__ import annotations

import os

# Before anything imports Qt: no real display is needed (or touched).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from PySide6.QtCore import QStandardPaths, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from shop_desktop.app import LaunchOptions
from shop_desktop.data.db import Database
from shop_desktop.services.auth import StaffSession, log_in
from shop_desktop.ui import i18n
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.fonts import ensure_chinese_font
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.tasks import BackgroundOp

# Settings or data a test forgets to redirect land in a throw-away test
# location, never in the developer's own ~/.local/share.
QStandardPaths.setTestModeEnabled(True)

_HERE = Path(__file__).resolve().parent

# The offscreen platform cannot resize-hint or raise windows and says so as a
# Qt warning; that is the test screen's limit, not the application's (a popup,
# such as the search suggestions, asks to grab the keyboard).
OFFSCREEN_LIMITS = (
    r"This plugin does not support ((propagateSizeHints|raise)\(\)|grabbing the keyboard)"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS))


@pytest.fixture(scope="session", autouse=True)
def _chinese_font(qapp: QApplication) -> None:
    """Chinese text measures and draws as it does in the app, with or without a system CJK font."""
    ensure_chinese_font()


@pytest.fixture(autouse=True)
def _english_and_no_leftover_work(qtbot: QtBot) -> Iterator[None]:
    """Start each test in English; end it with every background op delivered."""
    i18n.switch_language(i18n.EN)
    yield

    def all_delivered() -> bool:
        # A result delivered now may start a follow-up op: cancel that too.
        BackgroundOp.cancel_all()
        QThreadPool.globalInstance().waitForDone(50)
        return not BackgroundOp.running()

    # Results still queued for the GUI thread are delivered here, not in the
    # next test.
    qtbot.waitUntil(all_delivered, timeout=20_000)
    i18n.switch_language(i18n.EN)


StartShop = Callable[..., ShopDesktop]


@pytest.fixture
def start_shop(tmp_path: Path) -> Iterator[StartShop]:
    """Start the whole client (without ``app.exec()``); shut down at teardown."""
    started: list[ShopDesktop] = []

    def start(**options: object) -> ShopDesktop:
        options.setdefault("data_dir", tmp_path / "data")
        options.setdefault("language", i18n.EN)
        desktop = ShopDesktop(LaunchOptions(**options))  # type: ignore[arg-type]
        started.append(desktop)
        desktop.start()
        return desktop

    yield start
    for desktop in started:
        desktop.shut_down()


def _staff_at(database: Database, username: str) -> StaffSession:
    # The demo users' passwords are their names.
    with database.session() as session:
        return log_in(session, username, username)


@pytest.fixture
def shop_context(demo_db: Database, tmp_path: Path) -> ShopContext:
    """A logged-in context over the demo shop, as the main window gets it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return ShopContext(
        database=demo_db,
        staff=_staff_at(demo_db, "manager"),
        preferences=Preferences(data_dir),
        data_dir=data_dir,
        log_file=data_dir / "logs" / "shop-desktop.log",
    )


class Dialogs:
    """Answers the next modal dialog of a kind once it is up: ``exec()`` blocks the test."""

    @staticmethod
    def answer(kind: type[QWidget], act: Callable[[Any], object]) -> None:
        def attempt() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, kind):
                act(dialog)
            else:
                QTimer.singleShot(20, attempt)

        QTimer.singleShot(0, attempt)

    @classmethod
    def type_in(cls, kind: type[QWidget], value: str) -> None:
        """Type into the dialog's ``edit`` field and press OK."""

        def act(dialog: Any) -> None:
            edit = dialog.edit
            assert isinstance(edit, QLineEdit)
            edit.setText(value)
            dialog.accept()

        cls.answer(kind, act)


@pytest.fixture
def dialogs() -> type[Dialogs]:
    return Dialogs


class StaffContext(Protocol):
    def __call__(self, username: str) -> ShopContext: ...


@pytest.fixture
def staff_context(demo_db: Database, tmp_path: Path) -> StaffContext:
    """A context over the demo shop for one of its staff (password = user name)."""

    def make(username: str) -> ShopContext:
        data_dir = tmp_path / f"data-{username}"
        data_dir.mkdir(exist_ok=True)
        return ShopContext(
            database=demo_db,
            staff=_staff_at(demo_db, username),
            preferences=Preferences(data_dir),
            data_dir=data_dir,
            log_file=None,
        )

    return make
