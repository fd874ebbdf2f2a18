"""Where the application writes what happened: a rotating file in the data folder.

The file is what a shop owner sends when something went wrong, so it gets
everything from INFO up; the terminal only gets warnings. Qt's own messages
are routed into the same log.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

LOG_FILE_NAME = "shop-desktop.log"
LOG_FILE_BYTES = 1_000_000
LOG_FILE_COUNT = 5

_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


class ShopLog:
    """The handlers this run added, so they can be taken off again at exit."""

    def __init__(self, log_file: Path | None, handlers: list[logging.Handler]) -> None:
        #: None when the data folder could not hold a log (read-only, full).
        self.log_file = log_file
        self._handlers = handlers
        self._previous_qt_handler: Any = None
        self._qt_logger = logging.getLogger("qt")

    def route_qt_messages(self) -> None:
        self._previous_qt_handler = qInstallMessageHandler(self._on_qt_message)

    def _on_qt_message(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        self._qt_logger.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
        # Keep Qt's previous handler informed too (a test harness watches it).
        if self._previous_qt_handler is not None:
            self._previous_qt_handler(kind, context, message)

    def close(self) -> None:
        qInstallMessageHandler(self._previous_qt_handler)
        self._previous_qt_handler = None
        root = logging.getLogger()
        for handler in self._handlers:
            root.removeHandler(handler)
            handler.close()
        self._handlers.clear()


def start_logging(data_dir: Path) -> ShopLog:
    """Log to ``<data>/logs/shop-desktop.log`` (1 MB x 5) and warnings to stderr."""
    root = logging.getLogger()
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    handlers: list[logging.Handler] = []
    log_file: Path | None = data_dir / "logs" / LOG_FILE_NAME
    assert log_file is not None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        print(f"shop-desktop: cannot write the log file {log_file}: {exc}", file=sys.stderr)
        log_file = None
    else:
        to_file.setLevel(logging.INFO)
        to_file.setFormatter(logging.Formatter(_FORMAT))
        handlers.append(to_file)
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.setLevel(logging.WARNING)
    to_terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers.append(to_terminal)
    for handler in handlers:
        root.addHandler(handler)
    return ShopLog(log_file, handlers)
