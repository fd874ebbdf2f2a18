"""The background helper: work off the GUI thread, answers back on it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import delete, isValid
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shop_desktop.data.db import Database, DatabaseLocked
from shop_desktop.data.models import Member
from shop_desktop.services.tasks import Cancelled
from shop_desktop.ui import errors, i18n
from shop_desktop.ui.context import MEMBERS, ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job, ProgressWindow, status_in_language

WAIT_MS = 10_000


def _finish(qtbot: QtBot, op: BackgroundOp[Any]) -> None:
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()


def test_success_is_delivered_on_the_gui_thread(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, object] = {}

    def work(job: Job) -> int:
        seen["worker"] = threading.current_thread()
        return 6 * 7

    def done(answer: int) -> None:
        seen["answer"] = answer
        seen["callback"] = threading.current_thread()

    op = BackgroundOp(parent, op=work, success=done)
    _finish(qtbot, op)

    assert seen["answer"] == 42
    assert seen["callback"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()
    assert op.outcome == "succeeded"
    assert op.result == 42


def test_exception_goes_to_the_failure_callback(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    failures: list[BaseException] = []
    successes: list[object] = []

    def work(job: Job) -> None:
        raise ValueError("the scale sent nonsense")

    op = BackgroundOp(parent, op=work, success=successes.append).failure(failures.append)
    _finish(qtbot, op)

    assert successes == []
    assert len(failures) == 1
    assert isinstance(failures[0], ValueError)
    assert op.outcome == "failed"


def test_unhandled_exception_is_reported_as_a_bug(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    reported: list[tuple[BaseException, QWidget | None]] = []
    monkeypatch.setattr(errors, "report_exception", lambda exc, p=None: reported.append((exc, p)))

    def work(job: Job) -> None:
        raise KeyError("no such till")

    _finish(qtbot, BackgroundOp(parent, op=work))

    assert len(reported) == 1
    assert isinstance(reported[0][0], KeyError)
    assert reported[0][1] is parent


def test_database_trouble_is_shown_as_a_storage_error(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[BaseException] = []
    monkeypatch.setattr(errors, "show_storage_error", lambda p, exc: shown.append(exc))
    monkeypatch.setattr(errors, "report_exception", lambda exc, p=None: pytest.fail("a bug?"))

    def work(job: Job) -> None:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    _finish(qtbot, BackgroundOp(parent, op=work, database=demo_db))

    assert len(shown) == 1
    assert isinstance(shown[0], DatabaseLocked)
    assert shown[0].path == demo_db.path


class _Refused(Exception):
    """A refusal a screen expects, like CheckoutError or PermissionDenied."""


class _RefusedHarder(_Refused):
    pass


class _OtherRefusal(Exception):
    pass


def _boxes(parent: QWidget) -> list[QMessageBox]:
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def _close_boxes(parent: QWidget) -> None:
    for box in _boxes(parent):
        box.close()
    QApplication.processEvents()


def test_a_named_refusal_reaches_its_handler_and_nothing_else(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    refused: list[Exception] = []
    after: list[str] = []

    def work(job: Job) -> None:
        raise _RefusedHarder("that coupon was used yesterday")

    op = (
        BackgroundOp(parent, op=work)
        .failure(refused.append, _Refused, _OtherRefusal)
        .after_failure(lambda: after.append("screen put back"))
    )
    _finish(qtbot, op)

    assert len(refused) == 1
    assert isinstance(refused[0], _RefusedHarder)  # a subclass of a named refusal counts
    assert after == ["screen put back"]
    assert _boxes(parent) == []  # no storage box, no bug report


def test_the_first_handler_naming_the_refusal_answers_it(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    heard: list[str] = []

    def work(job: Job) -> None:
        raise _OtherRefusal("no")

    op = (
        BackgroundOp(parent, op=work)
        .failure(lambda exc: heard.append("refused"), _Refused)
        .failure(lambda exc: heard.append("other"), _OtherRefusal)
        .failure(lambda exc: heard.append("too late"), _OtherRefusal)
    )
    _finish(qtbot, op)
    assert heard == ["other"]


def test_an_unnamed_storage_error_gets_the_default_plain_words(
    qtbot: QtBot, demo_db: Database
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    refused: list[BaseException] = []
    after: list[str] = []

    def work(job: Job) -> None:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    op = (
        BackgroundOp(parent, op=work, database=demo_db)
        .failure(refused.append, _Refused)
        .after_failure(lambda: after.append("screen put back"))
    )
    _finish(qtbot, op)

    assert refused == []
    assert isinstance(op.error, DatabaseLocked)
    (box,) = _boxes(parent)
    assert box.windowTitle() == errors.storage_error_title()
    assert str(demo_db.path) in box.text()
    assert "another program" in box.text()
    assert after == ["screen put back"]
    _close_boxes(parent)


def test_an_unnamed_bug_is_reported_as_a_bug(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    refused: list[BaseException] = []
    after: list[str] = []
    reporter = errors.BugReporter(None)
    reporter.install()
    try:
        reported: list[tuple[str, str]] = []
        reporter.bug_reported.connect(lambda message, details: reported.append((message, details)))

        def work(job: Job) -> None:
            raise KeyError("no such till")

        op = (
            BackgroundOp(parent, op=work)
            .failure(refused.append, _Refused)
            .after_failure(lambda: after.append("screen put back"))
        )
        _finish(qtbot, op)
    finally:
        reporter.uninstall()

    assert refused == []
    assert after == ["screen put back"]
    ((message, details),) = reported
    assert message == errors.bug_message(None)
    assert "KeyError: 'no such till'" in details
    (box,) = _boxes(parent)
    assert box.icon() is QMessageBox.Icon.Critical
    assert "no such till" not in box.text()  # the traceback is in the details, not the text
    _close_boxes(parent)


def test_a_handler_naming_no_type_still_gets_every_failure(qtbot: QtBot, demo_db: Database) -> None:
    """The older form, kept for screens that word storage errors themselves."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    failures: list[BaseException] = []

    def locked(job: Job) -> None:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    _finish(qtbot, BackgroundOp(parent, op=locked, database=demo_db).failure(failures.append))
    assert len(failures) == 1
    assert isinstance(failures[0], DatabaseLocked)
    assert _boxes(parent) == []


def test_success_does_not_call_after_failure(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    after: list[str] = []
    op = BackgroundOp(parent, op=lambda job: 1).after_failure(lambda: after.append("no"))
    _finish(qtbot, op)
    assert op.outcome == "succeeded"
    assert after == []


def test_cancel_stops_the_op_and_is_not_an_error(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    cancelled: list[bool] = []
    failures: list[BaseException] = []
    successes: list[object] = []

    def work(job: Job) -> str:
        release.wait(WAIT_MS / 1000)
        job.state.check_cancelled()
        return "should not get here"

    op = (
        BackgroundOp(parent, op=work, success=successes.append)
        .failure(failures.append)
        .if_cancelled(lambda: cancelled.append(True))
    )
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()
        op.cancel()
        release.set()

    assert cancelled == [True]
    assert failures == []
    assert successes == []
    assert op.outcome == "cancelled"


def test_progress_window_cancel_button_stops_long_work(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    steps_done: list[int] = []
    progress: list[tuple[float, str]] = []

    def work(job: Job) -> None:
        for step in range(1_000_000):
            job.state.check_cancelled()
            job.state.set_progress(step / 1_000_000, "counting stock")
            steps_done.append(step)
            threading.Event().wait(0.001)

    op = BackgroundOp(parent, op=work).with_progress("Counting…", cancellable=True)
    op.progressed.connect(lambda fraction, status: progress.append((fraction, status)))
    op.run()

    def window() -> ProgressWindow | None:
        found = parent.findChildren(ProgressWindow)
        return found[0] if found and found[0].isVisible() else None

    qtbot.waitUntil(lambda: window() is not None, timeout=WAIT_MS)
    shown = window()
    assert shown is not None
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        shown.reject()  # what the Cancel button and Esc do

    assert op.outcome == "cancelled"
    assert progress
    assert progress[-1][1] == "counting stock"
    assert len(steps_done) < 1_000_000
    qtbot.waitUntil(lambda: not parent.findChildren(ProgressWindow), timeout=WAIT_MS)


def test_quick_work_shows_no_progress_window(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    op = BackgroundOp(parent, op=lambda job: 1).with_progress("Quick")
    _finish(qtbot, op)
    assert not [w for w in parent.findChildren(ProgressWindow) if w.isVisible()]


def test_op_gets_its_own_session_committed_on_success(qtbot: QtBot, demo_db: Database) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    sessions: list[tuple[Session, threading.Thread]] = []

    def add_member(job: Job) -> int:
        sessions.append((job.session, threading.current_thread()))
        job.session.add(Member(code="T-0001", name="測試會員"))
        job.session.flush()
        return job.session.scalar(select(func.count()).select_from(Member)) or 0

    first = BackgroundOp(parent, op=add_member, database=demo_db)
    _finish(qtbot, first)

    def read_member(job: Job) -> str | None:
        sessions.append((job.session, threading.current_thread()))
        return job.session.scalar(select(Member.name).where(Member.code == "T-0001"))

    second = BackgroundOp(parent, op=read_member, database=demo_db)
    _finish(qtbot, second)

    assert second.result == "測試會員"
    (session_a, thread_a), (session_b, thread_b) = sessions
    assert session_a is not session_b
    assert threading.main_thread() not in (thread_a, thread_b)


def test_failed_op_rolls_its_session_back(qtbot: QtBot, demo_db: Database) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def add_then_fail(job: Job) -> None:
        job.session.add(Member(code="T-0002", name="半途而廢"))
        job.session.flush()
        raise RuntimeError("printer jammed half-way")

    _finish(qtbot, BackgroundOp(parent, op=add_then_fail, database=demo_db).failure(lambda e: None))

    with demo_db.session() as session:
        assert session.scalar(select(Member).where(Member.code == "T-0002")) is None


def test_cancelled_op_rolls_its_session_back(qtbot: QtBot, demo_db: Database) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def add_then_cancel(job: Job) -> None:
        job.session.add(Member(code="T-0003", name="取消"))
        job.session.flush()
        raise Cancelled

    op = BackgroundOp(parent, op=add_then_cancel, database=demo_db)
    _finish(qtbot, op)

    assert op.outcome == "cancelled"
    with demo_db.session() as session:
        assert session.scalar(select(Member).where(Member.code == "T-0003")) is None


def test_op_without_database_has_no_session(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    failures: list[BaseException] = []
    _finish(qtbot, BackgroundOp(parent, op=lambda job: job.session).failure(failures.append))
    assert isinstance(failures[0], RuntimeError)


def test_parent_destroyed_before_completion_skips_callbacks(qtbot: QtBot) -> None:
    parent = QWidget()
    release = threading.Event()
    called: list[str] = []

    def work(job: Job) -> str:
        release.wait(WAIT_MS / 1000)
        return "late"

    op = (
        BackgroundOp(parent, op=work, success=lambda _: called.append("success"))
        .failure(lambda _: called.append("failure"))
        .with_progress("Slow")
    )
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()
        delete(parent)
        release.set()

    assert not isValid(parent)
    assert called == []
    assert op.outcome == "succeeded"


def test_write_announces_what_changed(
    qtbot: QtBot, shop_context: ShopContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def add_member(job: Job) -> None:
        job.session.add(Member(code="T-0004", name="新會員"))

    op = BackgroundOp(parent, op=add_member, database=shop_context.database).announcing(
        shop_context, MEMBERS
    )
    with qtbot.waitSignal(shop_context.data_changed, timeout=WAIT_MS) as changed:
        op.run()
    assert changed.args == [frozenset({MEMBERS})]


def test_failed_write_announces_nothing(qtbot: QtBot, shop_context: ShopContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    heard: list[object] = []
    shop_context.data_changed.connect(heard.append)

    def fail(job: Job) -> None:
        raise RuntimeError("no")

    op = (
        BackgroundOp(parent, op=fail, database=shop_context.database)
        .announcing(shop_context, MEMBERS)
        .failure(lambda e: None)
    )
    _finish(qtbot, op)
    assert heard == []


def test_storage_error_box_is_plain_words(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    errors.show_storage_error(parent, DatabaseLocked(tmp_path / "shop.db", "database is locked"))
    boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert str(tmp_path / "shop.db") in boxes[0].text()
    assert "another program" in boxes[0].text()
    boxes[0].close()
    QApplication.processEvents()


def test_status_lines_are_shown_only_in_a_language_they_exist_in() -> None:
    assert status_in_language("loading products") == "loading products"
    i18n.switch_language(i18n.ZH_TW)
    assert status_in_language("loading products") == ""
