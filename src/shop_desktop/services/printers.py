"""Getting paper out of the shop's printers: the thermal receipt printer and the office printer.

Two ways out, both blocking, so they run on a worker thread:

* :func:`send_raw` hands ESC/POS bytes straight to a receipt printer: on the
  network (``tcp://10.0.0.5:9100``, the printers' raw port) or plugged in
  (``/dev/usb/lp0``, ``COM3`` ...);
* :func:`print_pdf_file` hands a PDF to the operating system's spooler --
  CUPS' ``lp`` on Linux and macOS, the PDF viewer's print verb on Windows --
  because this application does not draw PDFs itself.

Whatever goes wrong becomes a :class:`PrinterError` with a machine-readable
:class:`PrinterProblem`; the system's own message is kept in ``detail`` for
the log, and the screens word the problem in the cashier's language.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "RAW_PORT",
    "PrinterError",
    "PrinterProblem",
    "print_pdf_file",
    "send_raw",
]

#: The port network receipt printers listen on for raw ESC/POS (JetDirect).
RAW_PORT = 9100

#: A receipt is a few kilobytes: a printer that takes longer than this to
#: accept it is not going to.
RAW_TIMEOUT = 5.0
#: ``lp`` only copies the file to the spooler; it returns within seconds.
SPOOLER_TIMEOUT = 30.0


class PrinterProblem(Enum):
    """Why a document did not reach the printer; the UI words each one."""

    #: No such printer, device or host.
    NOT_FOUND = "not_found"
    #: The printer is there but does not answer (switched off, cable out, port closed).
    OFFLINE = "offline"
    #: The printer or spooler said no (not accepting jobs, no permission).
    REFUSED = "refused"
    #: The printer did not take the data in time (paper out, jammed, busy).
    TIMEOUT = "timeout"
    #: This computer has no print system to hand a PDF to (``lp`` missing, CUPS not running).
    NO_SPOOLER = "no_spooler"


class PrinterError(Exception):
    """A document did not reach ``target``; ``reason`` says why, ``detail`` is the system's word."""

    def __init__(self, reason: PrinterProblem, target: str, detail: str = "") -> None:
        self.reason = reason
        self.target = target
        self.detail = detail
        super().__init__(reason.value, target, detail)


# --- raw bytes to a receipt printer ---------------------------------------------------


def send_raw(target: str, data: bytes, *, timeout: float = RAW_TIMEOUT) -> None:
    """Send ``data`` to the receipt printer at ``target``; raises :class:`PrinterError`.

    ``target`` is ``tcp://host[:port]`` (port 9100 when left out) or the
    path of the printer's device (or any file, which is how a printer is
    tried out without paper).
    """
    if target.startswith("tcp://"):
        _send_tcp(target, data, timeout)
    else:
        _send_device(target, data, timeout)


def _send_tcp(target: str, data: bytes, timeout: float) -> None:
    try:
        parts = urlsplit(target)
        host, port = parts.hostname, parts.port or RAW_PORT
    except ValueError as exc:  # a port that is not a number
        raise PrinterError(PrinterProblem.NOT_FOUND, target, str(exc)) from exc
    if not host:
        raise PrinterError(PrinterProblem.NOT_FOUND, target, "no host")
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(data)
            # Tell the printer the job is complete, so it prints without waiting.
            sock.shutdown(socket.SHUT_WR)
    except socket.gaierror as exc:
        raise PrinterError(PrinterProblem.NOT_FOUND, target, str(exc)) from exc
    except TimeoutError as exc:
        raise PrinterError(PrinterProblem.TIMEOUT, target, str(exc) or "timed out") from exc
    except OSError as exc:
        raise PrinterError(PrinterProblem.OFFLINE, target, str(exc)) from exc


def _send_device(target: str, data: bytes, timeout: float) -> None:
    # Not O_CREAT: a device that is not there is an unplugged printer, not a
    # file to make. Non-blocking so a printer that stops taking data (paper
    # out) ends in TIMEOUT instead of holding the worker forever.
    flags = os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError as exc:
        raise PrinterError(PrinterProblem.NOT_FOUND, target, str(exc)) from exc
    except PermissionError as exc:
        raise PrinterError(PrinterProblem.REFUSED, target, str(exc)) from exc
    except OSError as exc:
        raise PrinterError(_device_problem(exc), target, str(exc)) from exc
    try:
        _write_all(fd, data, time.monotonic() + timeout, target)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _write_all(fd: int, data: bytes, deadline: float, target: str) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            written = 0
        except OSError as exc:
            raise PrinterError(_device_problem(exc), target, str(exc)) from exc
        view = view[written:]
        if not view:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PrinterError(PrinterProblem.TIMEOUT, target, f"{len(view)} bytes not taken")
        if written == 0 and sys.platform != "win32":
            select.select([], [fd], [], min(remaining, 0.5))


def _device_problem(exc: OSError) -> PrinterProblem:
    if exc.errno in (errno.ENOENT, errno.ENXIO, errno.ENODEV, errno.EISDIR):
        return PrinterProblem.NOT_FOUND
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PrinterProblem.REFUSED
    if exc.errno in (errno.EAGAIN, errno.ETIMEDOUT):
        return PrinterProblem.TIMEOUT
    return PrinterProblem.OFFLINE


# --- a PDF through the system's spooler -----------------------------------------------

_REQUEST_ID = re.compile(r"request id is (\S+)")


def print_pdf_file(
    path: Path,
    *,
    printer: str | None,
    copies: int = 1,
    title: str = "",
    timeout: float = SPOOLER_TIMEOUT,
) -> str:
    """Queue the PDF at ``path`` on ``printer`` (None: the system's default printer).

    Returns the spooler's job id when it tells one (``"Counter-12"``), else
    ``""``. Once this returns the spooler has its own copy, so the file may
    be removed -- except on Windows, where the PDF viewer reads it later.
    """
    if copies < 1:
        raise ValueError("at least one copy")
    name = printer or "default"
    if sys.platform == "win32":
        _print_windows(path, printer, copies)
        return ""
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterError(PrinterProblem.NO_SPOOLER, name, "lp not found")
    command = [lp, "-n", str(copies)]
    if title:
        command += ["-t", title]
    if printer:
        command += ["-d", printer]
    command += ["--", str(path)]
    # CUPS' messages in English whatever the desktop's language, so they can
    # be told apart; they are kept for the log only.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run(  # noqa: S603 - our own arguments, no shell
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PrinterError(PrinterProblem.TIMEOUT, name, "lp did not return") from exc
    except OSError as exc:
        raise PrinterError(PrinterProblem.NO_SPOOLER, name, str(exc)) from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise PrinterError(_spooler_problem(detail), name, detail)
    found = _REQUEST_ID.search(done.stdout)
    return found.group(1) if found else ""


def _spooler_problem(message: str) -> PrinterProblem:
    """What CUPS' ``lp`` meant, from its (English) message."""
    text = message.lower()
    if (
        "unknown destination" in text
        or "does not exist" in text
        or "no default destination" in text
    ):
        return PrinterProblem.NOT_FOUND
    if "unable to connect" in text or "scheduler is not running" in text:
        return PrinterProblem.NO_SPOOLER
    if "timed out" in text:
        return PrinterProblem.TIMEOUT
    return PrinterProblem.REFUSED


def _print_windows(path: Path, printer: str | None, copies: int) -> None:  # pragma: no cover
    # Windows has no lp: the PDF viewer registered for .pdf prints it through
    # its "print" verb (the default printer) or "printto" (a named one).
    # Neither takes a copy count, so each copy is its own job.
    if sys.platform != "win32":
        raise PrinterError(PrinterProblem.NO_SPOOLER, printer or "default", "not Windows")
    for _ in range(copies):
        try:
            if printer:
                os.startfile(path, "printto", f'"{printer}"')  # noqa: S606 - the print verb, no shell
            else:
                os.startfile(path, "print")  # noqa: S606 - the print verb, no shell
        except OSError as exc:
            # 1155: no program is registered to print PDFs.
            reason = (
                PrinterProblem.NO_SPOOLER
                if getattr(exc, "winerror", None) == 1155
                else PrinterProblem.REFUSED
            )
            raise PrinterError(reason, printer or "default", str(exc)) from exc
