"""Progress and cancellation for long work, without Qt.

Long-running services (demo build, import, reports, sync) take a
:class:`TaskState`; the UI's background helper hands them one wired to a
progress dialog, the command line one that prints. The shape follows
Orange3's ``TaskState``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user asked the work to stop; it stopped cleanly."""


class TaskState:
    def __init__(
        self,
        on_progress: Callable[[float, str], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def set_progress(self, fraction: float, status: str = "") -> None:
        """Report progress in [0, 1] with a short status line."""
        if self._on_progress is not None:
            self._on_progress(min(max(fraction, 0.0), 1.0), status)

    def request_cancel(self) -> None:
        self._cancel.set()

    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled
