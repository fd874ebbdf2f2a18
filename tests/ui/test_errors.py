"""Errors in words: storage problems explained, bugs logged and summarised."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from shop_desktop.data.db import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseNotOurs,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    DiskFull,
    StorageError,
)
from shop_desktop.ui import errors, i18n
from shop_desktop.ui.logging_setup import ShopLog, start_logging

PATH = Path("/srv/shop/shop.db")


@pytest.mark.parametrize(
    ("error_type", "words"),
    [
        (DatabaseCorrupt, "damaged or is not a Shop Desktop database"),
        (DatabaseNotOurs, "not a Shop Desktop one"),
        (DatabaseTooNew, "newer version of Shop Desktop"),
        (DatabaseUnreadable, "cannot be read"),
        (DatabaseReadOnly, "cannot be written"),
        (DiskFull, "is full"),
        (DatabaseLocked, "in use by another program"),
    ],
)
def test_each_storage_error_has_its_own_sentence(
    error_type: type[StorageError], words: str
) -> None:
    text = errors.describe_storage_error(error_type(PATH, "sqlite said something technical"))
    assert words in text
    assert str(PATH) in text
    assert "sqlite said" not in text


def test_files_left_alone_say_so() -> None:
    for error_type in (DatabaseCorrupt, DatabaseTooNew, DatabaseNotOurs):
        assert "untouched" in errors.describe_storage_error(error_type(PATH))


def test_storage_errors_are_translated() -> None:
    i18n.switch_language(i18n.ZH_TW)
    text = errors.describe_storage_error(DatabaseTooNew(PATH))
    assert "較新" in text
    assert str(PATH) in text


@pytest.fixture
def shop_log(tmp_path: Path) -> Iterator[ShopLog]:
    log = start_logging(tmp_path)
    yield log
    log.close()


@pytest.fixture
def reporter(shop_log: ShopLog) -> Iterator[errors.BugReporter]:
    reporter = errors.BugReporter(shop_log.log_file)
    yield reporter
    reporter.uninstall()
    box = reporter.message_box
    if box is not None:
        box.close()
        QApplication.processEvents()


def _raise_and_hook(message: str) -> None:
    try:
        raise ValueError(message)
    except ValueError:
        sys.excepthook(*sys.exc_info())


def test_exception_hook_logs_the_traceback_and_shows_a_short_message(
    qtbot: QtBot, shop_log: ShopLog, reporter: errors.BugReporter
) -> None:
    assert shop_log.log_file is not None
    with qtbot.capture_exceptions() as passed_on:
        reporter.install()
        assert sys.excepthook == reporter._excepthook
        with qtbot.waitSignal(reporter.bug_reported) as reported:
            _raise_and_hook("the till drawer is stuck")
        reporter.uninstall()

    logged = shop_log.log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "ValueError: the till drawer is stuck" in logged

    message, details = reported.args
    assert str(shop_log.log_file) in message
    assert "Your data is safe" in message
    assert "Traceback" not in message
    assert "the till drawer is stuck" in details

    box = reporter.message_box
    assert box is not None
    assert box.text() == message
    assert "Traceback" not in box.text()
    assert "the till drawer is stuck" in box.detailedText()
    # The hook it replaced still hears about it (here: pytest-qt).
    assert len(passed_on) == 1


def test_a_storm_of_errors_shows_one_box(
    qtbot: QtBot, shop_log: ShopLog, reporter: errors.BugReporter
) -> None:
    with qtbot.capture_exceptions():
        reporter.install()
        _raise_and_hook("first")
        first_box = reporter.message_box
        _raise_and_hook("second")
        reporter.uninstall()
    assert first_box is not None
    assert reporter.message_box is first_box
    assert shop_log.log_file is not None
    assert "ValueError: second" in shop_log.log_file.read_text(encoding="utf-8")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_exceptions_in_other_threads_are_reported_on_the_gui_thread(
    qtbot: QtBot, shop_log: ShopLog, reporter: errors.BugReporter
) -> None:
    def crash() -> None:
        raise RuntimeError("sync worker fell over")

    reporter.install()
    with qtbot.waitSignal(reporter.bug_reported) as reported:
        thread = threading.Thread(target=crash)
        thread.start()
        thread.join()
    reporter.uninstall()

    message, details = reported.args
    assert "sync worker fell over" in details
    assert "sync worker fell over" not in message
    assert reporter.message_box is not None
    assert shop_log.log_file is not None
    assert "RuntimeError: sync worker fell over" in shop_log.log_file.read_text(encoding="utf-8")


def test_bug_message_without_a_log_file_still_reassures() -> None:
    text = errors.bug_message(None)
    assert "Your data is safe" in text
