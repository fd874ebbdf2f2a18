"""Printing receipts and documents: the one place the screens print from.

A document is rendered, written and sent on a worker (:class:`BackgroundOp`),
never on the GUI thread: ``lp`` or a printer's socket can take seconds. A
printer problem never touches the sale -- the sale was committed before
anything is printed, and printing only reads it -- so a failure is one
plain sentence (:attr:`DocumentPrinter.failed`) after which the cashier can
print again or save the document as PDF.

Where paper comes out is this till's setting (:class:`Preferences`): a
thermal receipt printer (``printing/receipt_target``) gets ESC/POS bytes and
can open the cash drawer; without one, the PDF receipt goes to the receipt
printer or the system's default printer through the spooler.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal, SignalInstance
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from shop_desktop.services.documents import DocumentKind, render_receipt, sale_document
from shop_desktop.services.documents.load import DocumentError, DocumentProblem
from shop_desktop.services.escpos import receipt_escpos
from shop_desktop.services.printers import (
    PrinterError,
    PrinterProblem,
    print_pdf_file,
    send_raw,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

__all__ = ["PRINT_REFUSALS", "DocumentPrinter", "PrintFailure", "describe_print_failure"]

#: The columns of the thermal roll (80 mm, the printer's standard font).
RECEIPT_COLUMNS = 48
#: PDFs handed to the spooler are kept this long: on Windows the PDF viewer
#: reads the file after we return, so it cannot be removed at once.
_SPOOL_KEEP_SECONDS = 24 * 3600

MakePdf = Callable[[Job], bytes]


@dataclass(frozen=True)
class PrintFailure:
    """What did not print, worded, and what the screen can offer instead.

    ``print_again`` sends the same document the same way again;
    ``save_as_pdf`` asks where and writes it as a PDF (None when saving was
    what failed).
    """

    sentence: str
    print_again: Callable[[], object] | None
    save_as_pdf: Callable[[], object] | None


#: What printing can fail with that is the printer's, the file's or the sale's, not a bug.
PRINT_REFUSALS: tuple[type[Exception], ...] = (PrinterError, DocumentError, OSError)


def describe_print_failure(exc: BaseException) -> str | None:
    """One translated sentence for a known printing problem (:data:`PRINT_REFUSALS`)."""
    if isinstance(exc, PrinterError):
        return _describe_printer_error(exc)
    if isinstance(exc, DocumentError):
        if exc.reason is DocumentProblem.NOT_INVOICED:
            return QCoreApplication.translate(
                "Printing", "This sale has no invoice number, so there is no invoice to print."
            )
        return QCoreApplication.translate(
            "Printing", "This sale cannot be found in this till's database. Nothing was printed."
        )
    if isinstance(exc, OSError):
        where = exc.filename or ""
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            text = QCoreApplication.translate(
                "Printing",
                "The PDF could not be saved: {path} cannot be written. Choose another folder.",
            )
        elif exc.errno == errno.ENOSPC:
            text = QCoreApplication.translate(
                "Printing", "The PDF could not be saved: the disk holding {path} is full."
            )
        else:
            text = QCoreApplication.translate(
                "Printing", "The PDF could not be saved to {path}. Choose another folder."
            )
        return text.format(path=where)
    return None


def _describe_printer_error(exc: PrinterError) -> str:
    printer = (
        exc.target
        if exc.target != "default"
        else QCoreApplication.translate("Printing", "the default printer")
    )
    if exc.reason is PrinterProblem.NOT_FOUND:
        text = QCoreApplication.translate(
            "Printing",
            "The printer {printer} cannot be found. Check its name or address in Settings.",
        )
    elif exc.reason is PrinterProblem.OFFLINE:
        text = QCoreApplication.translate(
            "Printing",
            "The printer {printer} does not answer. Check that it is switched on and connected.",
        )
    elif exc.reason is PrinterProblem.REFUSED:
        text = QCoreApplication.translate(
            "Printing",
            "The printer {printer} refused the document. Check that it is ready to accept jobs.",
        )
    elif exc.reason is PrinterProblem.TIMEOUT:
        text = QCoreApplication.translate(
            "Printing",
            "The printer {printer} did not take the document in time. "
            "Check its paper and that it is not jammed.",
        )
    else:
        text = QCoreApplication.translate(
            "Printing", "This computer has no printing system to send the document to."
        )
    still_safe = QCoreApplication.translate(
        "Printing", "The sale is saved. Print again, or save the document as PDF."
    )
    return f"{text.format(printer=printer)} {still_safe}"


class DocumentPrinter(QObject):
    """Prints and saves documents for one screen, and says how it went.

    Connect :attr:`printed`, :attr:`saved` and :attr:`failed` to the screen's
    notice area; every call returns the running op (tests wait on its
    ``finished``), or None when the user cancelled a dialog.
    """

    #: A short translated notice: "Sent to <printer>."
    printed = Signal(str)
    #: A short translated notice: "Saved as <path>."
    saved = Signal(str)
    #: A translated sentence: what went wrong and that the sale is safe.
    failed = Signal(str)
    #: The same failure as a :class:`PrintFailure`, with its actions, for a banner.
    print_failed = Signal(object)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._window = parent

    # --- dialogs, as hooks tests can answer -----------------------------------------

    @classmethod
    def ask_printer(
        cls, parent: QWidget | None, *, printer: str, title: str
    ) -> tuple[str, int] | None:
        """The printer and number of copies the user chose, or None if they cancelled."""
        chosen = QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer:
            chosen.setPrinterName(printer)
        chosen.setDocName(title)
        dialog = QPrintDialog(chosen, parent)
        dialog.setWindowTitle(
            QCoreApplication.translate("Printing", "Print {title}").format(title=title)
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return chosen.printerName(), max(1, chosen.copyCount())

    @classmethod
    def ask_save_path(cls, parent: QWidget | None, suggested_name: str) -> Path | None:
        """Where the user wants the PDF, or None if they cancelled."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            parent,
            QCoreApplication.translate("Printing", "Save as PDF"),
            str(Path(folder) / suggested_name),
            QCoreApplication.translate("Printing", "PDF documents (*.pdf)"),
        )
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")

    # --- printing ---------------------------------------------------------------------

    def print_document(
        self,
        make_pdf: MakePdf,
        *,
        title: str,
        ask: bool = False,
        printer: str | None = None,
    ) -> BackgroundOp[object] | None:
        """Render with ``make_pdf`` (on the worker) and send it to a system printer.

        ``ask``: let the user choose the printer and copies first (None if
        they cancel); otherwise quick print to ``printer`` -- e.g.
        ``preferences.invoice_printer`` -- or the default printer.
        """
        chosen = printer or None
        copies = 1
        if ask:
            answer = self.ask_printer(
                self._window, printer=chosen or _default_printer(), title=title
            )
            if answer is None:
                return None
            chosen, copies = answer[0] or None, answer[1]
        spool = self._context.data_dir / "printing"
        shown = (
            chosen
            or _default_printer()
            or QCoreApplication.translate("Printing", "the default printer")
        )

        def op(job: Job) -> object:
            pdf = make_pdf(job)
            _spool_and_print(pdf, spool, printer=chosen, copies=copies, title=title)
            return None

        return self._start(
            op,
            QCoreApplication.translate("Printing", "Sent to {printer}.").format(printer=shown),
            self.printed,
            again=lambda: self.print_document(make_pdf, title=title, printer=chosen),
            as_pdf=lambda: self.save_pdf(make_pdf, suggested_name=_file_name(title)),
        )

    def print_receipt(
        self, order_id: uuid.UUID, *, copy: bool = False, open_drawer: bool = False
    ) -> BackgroundOp[object]:
        """Print a committed sale's receipt at this till; ``copy`` marks a reprint.

        With a thermal printer set up the receipt goes as ESC/POS and
        ``open_drawer`` kicks its cash drawer. Otherwise the PDF receipt goes
        to the receipt printer (or the default one), and no drawer can open.
        """
        preferences = self._context.preferences
        target = preferences.receipt_target

        def make_pdf(job: Job) -> bytes:
            doc = sale_document(job.session, order_id, kind=DocumentKind.RECEIPT, copy=copy)
            return render_receipt(doc)

        if not target:
            op = self.print_document(
                make_pdf,
                title=QCoreApplication.translate("Printing", "Receipt"),
                printer=preferences.receipt_printer or None,
            )
            assert op is not None  # no dialog, so nothing to cancel
            return op

        def send(job: Job) -> object:
            doc = sale_document(job.session, order_id, kind=DocumentKind.RECEIPT, copy=copy)
            data = receipt_escpos(doc, width_chars=RECEIPT_COLUMNS, open_drawer=open_drawer)
            send_raw(target, data)
            return None

        return self._start(
            send,
            QCoreApplication.translate("Printing", "Sent to {printer}.").format(printer=target),
            self.printed,
            again=lambda: self.print_receipt(order_id, copy=copy, open_drawer=open_drawer),
            as_pdf=lambda: self.save_pdf(
                make_pdf,
                suggested_name=_file_name(QCoreApplication.translate("Printing", "Receipt")),
            ),
        )

    def save_pdf(self, make_pdf: MakePdf, *, suggested_name: str) -> BackgroundOp[object] | None:
        """Ask where, then render with ``make_pdf`` and write the PDF there (on the worker)."""
        path = self.ask_save_path(self._window, suggested_name)
        if path is None:
            return None

        def op(job: Job) -> object:
            _write_whole(path, make_pdf(job))
            return None

        return self._start(
            op,
            QCoreApplication.translate("Printing", "Saved as {path}.").format(path=path),
            self.saved,
            again=lambda: self.save_pdf(make_pdf, suggested_name=suggested_name),
        )

    # --- the work -------------------------------------------------------------------

    def _start(
        self,
        op: Callable[[Job], object],
        notice: str,
        signal: SignalInstance,
        *,
        again: Callable[[], object] | None = None,
        as_pdf: Callable[[], object] | None = None,
    ) -> BackgroundOp[object]:
        said: list[str] = []

        def done(_: object) -> None:
            signal.emit(notice)

        def tell(sentence: str) -> None:
            self.failed.emit(sentence)
            self.print_failed.emit(PrintFailure(sentence, again, as_pdf))

        def refused(exc: Exception) -> None:
            log.warning("printing failed: %r", exc)
            said.append(describe_print_failure(exc) or str(exc))
            tell(said[-1])

        def not_printed() -> None:
            # A storage problem or a bug was shown by the helper; the counter
            # still hears that the sale itself is safe.
            if not said:
                tell(
                    QCoreApplication.translate(
                        "Printing", "The document could not be printed. The sale is saved."
                    )
                )

        return (
            BackgroundOp(self._window, op=op, success=done, database=self._context.database)
            .failure(refused, *PRINT_REFUSALS)
            .after_failure(not_printed)
            .run()
        )


def _file_name(title: str) -> str:
    """A file name for a document saved instead of printed: its title and the time."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in title).strip("-") or "document"
    return f"{safe}-{stamp}.pdf"


def _default_printer() -> str:
    return QPrinterInfo.defaultPrinterName()


def _write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader never finds half a PDF there."""
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        # The cashier chose ``path``; the hidden partial file means nothing to them.
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _spool_and_print(
    pdf: bytes, spool: Path, *, printer: str | None, copies: int, title: str
) -> None:
    spool.mkdir(parents=True, exist_ok=True)
    _forget_old_spool_files(spool)
    with tempfile.NamedTemporaryFile(dir=spool, suffix=".pdf", delete=False) as handle:
        handle.write(pdf)
        path = Path(handle.name)
    try:
        print_pdf_file(path, printer=printer, copies=copies, title=title)
    finally:
        if sys.platform != "win32":
            # lp has given the spooler its own copy by the time it returns.
            with contextlib.suppress(OSError):
                path.unlink()


def _forget_old_spool_files(spool: Path) -> None:
    cutoff = time.time() - _SPOOL_KEEP_SECONDS
    for old in spool.glob("*.pdf"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
