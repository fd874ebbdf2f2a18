"""Printing a real sale from the screens: to a receipt printer on loopback, to `lp`, to a PDF file.

The sale is committed to the demo shop's database first; printing only reads
it, and a printer that fails must leave it exactly as it was. The `lp` is a
script on PATH that records what it was given (CUPS is not on test machines).
"""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from tests.pdf_reading import pdf_text

from shop_desktop.data.db import Database
from shop_desktop.data.models import Order, PaymentMethod, Product, StaffUser, TaxClass
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.money import TWD
from shop_desktop.domain.pricing import PricingContext, price_cart
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.documents import (
    DocumentKind,
    render_invoice,
    render_receipt,
    sale_document,
)
from shop_desktop.services.sale import cart_product, sale_draft
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.printing import DocumentPrinter
from shop_desktop.ui.tasks import Job

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
#: The pricing engine works in the shop's wall time (Taipei, UTC+8).
WALL_TIME = NOW.replace(tzinfo=None) + timedelta(hours=8)
INIT_AND_CHINESE = b"\x1b@\x1c&"
DRAWER = b"\x1bp\x00\x19\xfa"
CUT = b"\x1dVB\x00"


def commit_a_sale(db: Database) -> tuple[uuid.UUID, str]:
    """Two products paid in cash; returns (order id, order number)."""
    with db.session() as session:
        ids = session.scalars(
            select(Product.id)
            .join(TaxClass, TaxClass.id == Product.tax_class_id)
            .where(~Product.weighed, Product.price_minor > 30, TaxClass.rate_bp == 500)
            .order_by(Product.sku)
            .limit(2)
        ).all()
        cashier = session.scalars(select(StaffUser.id).where(StaffUser.username == "cashier")).one()
        cart = Cart()
        for pid in ids:
            cart.add(cart_product(session, pid), 1000)
    bill = price_cart(cart.pricing_lines(), PricingContext(currency=TWD, at=WALL_TIME))
    tendered = -(-bill.total_minor // 1000) * 1000
    draft = sale_draft(
        cart, bill, [DraftPayment(PaymentMethod.CASH, bill.total_minor, tendered)], staff_id=cashier
    )
    with db.session() as session:
        sale = commit_sale(session, draft, now=NOW)
    with db.session() as session:
        return sale.order_id, session.get_one(Order, sale.order_id).number


def sale_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a sale is made of, read with plain SQL."""
    conn = sqlite3.connect(db.path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("orders", "order_lines", "payments", "stock_movements", "outbox")
        }
    finally:
        conn.close()


class Listener:
    """A raw-port receipt printer on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.target = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.received = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        self.received = b"".join(chunks)

    def wait(self) -> bytes:
        self._thread.join(timeout=10)
        return self.received


@pytest.fixture
def listener() -> Iterator[Listener]:
    printer = Listener()
    yield printer
    printer.server.close()


def closed_port_target() -> str:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `lp` alone on PATH; returns the file where it records each call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "lp-calls.jsonl"
    script = bin_dir / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "data = open(args[-1], 'rb').read().decode('latin-1')\n"
        f"with open({str(record)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'args': args, 'data': data}) + '\\n')\n"
        "print('request id is Office-3 (1 file(s))')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return record


def lp_calls(record: Path) -> list[dict[str, Any]]:
    if not record.exists():
        return []
    written = record.read_text(encoding="utf-8")
    # A call still being written (a PDF is a long line) is not one yet.
    return [json.loads(line) for line in written[: written.rfind("\n") + 1].splitlines()]


def invoice_of(order_id: uuid.UUID) -> Any:
    def make_pdf(job: Job) -> bytes:
        return render_invoice(sale_document(job.session, order_id, kind=DocumentKind.INVOICE))

    return make_pdf


# --- the receipt printer at the counter ---------------------------------------------------


def test_a_receipt_goes_to_the_thermal_printer_and_opens_the_drawer(
    qtbot: QtBot, shop_context: ShopContext, listener: Listener
) -> None:
    order_id, number = commit_a_sale(shop_context.database)
    shop_context.preferences.receipt_target = listener.target
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.printed, timeout=10_000) as sent:
        printer.print_receipt(order_id, open_drawer=True)
    assert sent.args == [f"Sent to {listener.target}."]
    data = listener.wait()
    assert data.startswith(INIT_AND_CHINESE + DRAWER)
    assert number.encode("ascii") in data
    assert "謝謝光臨".encode("big5") in data
    assert data.endswith(CUT)


def test_a_reprint_is_marked_copy_and_leaves_the_drawer_shut(
    qtbot: QtBot, shop_context: ShopContext, listener: Listener
) -> None:
    order_id, _ = commit_a_sale(shop_context.database)
    shop_context.preferences.receipt_target = listener.target
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        printer.print_receipt(order_id, copy=True)
    data = listener.wait()
    assert DRAWER not in data
    assert "副本 COPY".encode("big5") in data


def test_a_printer_that_does_not_answer_fails_in_words_and_the_sale_is_untouched(
    qtbot: QtBot, shop_context: ShopContext, listener: Listener
) -> None:
    db = shop_context.database
    order_id, number = commit_a_sale(db)
    before = sale_rows(db)
    shop_context.preferences.receipt_target = closed_port_target()
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.failed, timeout=10_000) as failed:
        printer.print_receipt(order_id, open_drawer=True)
    (sentence,) = failed.args
    assert "does not answer" in sentence
    assert "The sale is saved" in sentence
    assert sale_rows(db) == before
    # Once the printer is back, the same receipt prints.
    shop_context.preferences.receipt_target = listener.target
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        printer.print_receipt(order_id)
    assert number.encode("ascii") in listener.wait()
    assert sale_rows(db) == before


def test_an_unknown_order_is_said_so(qtbot: QtBot, shop_context: ShopContext) -> None:
    shop_context.preferences.receipt_target = closed_port_target()
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.failed, timeout=10_000) as failed:
        printer.print_receipt(uuid.uuid4())
    assert "cannot be found in this till's database" in failed.args[0]


def test_without_a_thermal_printer_the_pdf_receipt_goes_to_the_receipt_printer(
    qtbot: QtBot, shop_context: ShopContext, fake_lp: Path, tmp_path: Path
) -> None:
    order_id, number = commit_a_sale(shop_context.database)
    shop_context.preferences.receipt_printer = "Counter_Laser"
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.printed, timeout=20_000) as sent:
        printer.print_receipt(order_id)
    assert sent.args == ["Sent to Counter_Laser."]
    (call,) = lp_calls(fake_lp)
    assert call["args"][:6] == ["-n", "1", "-t", "Receipt", "-d", "Counter_Laser"]
    assert number in pdf_text(call["data"].encode("latin-1"))
    # The spooler has its own copy; ours is not left lying around.
    assert list((shop_context.data_dir / "printing").glob("*.pdf")) == []


# --- PDFs to system printers and files ----------------------------------------------------


def test_an_invoice_is_quick_printed_through_lp(
    qtbot: QtBot, shop_context: ShopContext, fake_lp: Path, tmp_path: Path
) -> None:
    order_id, number = commit_a_sale(shop_context.database)
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.printed, timeout=20_000) as sent:
        printer.print_document(invoice_of(order_id), title="Invoice", printer="Office_A4")
    assert sent.args == ["Sent to Office_A4."]
    (call,) = lp_calls(fake_lp)
    assert call["args"][:-1] == ["-n", "1", "-t", "Invoice", "-d", "Office_A4", "--"]
    assert number in pdf_text(call["data"].encode("latin-1"))


def test_the_print_dialog_chooses_printer_and_copies(
    qtbot: QtBot, shop_context: ShopContext, fake_lp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, _ = commit_a_sale(shop_context.database)
    asked: list[str] = []

    def choose(parent: object, *, printer: str, title: str) -> tuple[str, int]:
        asked.append(title)
        return "Back_Office", 2

    monkeypatch.setattr(
        DocumentPrinter, "ask_printer", classmethod(lambda cls, *a, **k: choose(*a, **k))
    )
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.printed, timeout=20_000):
        printer.print_document(invoice_of(order_id), title="Invoice", ask=True)
    assert asked == ["Invoice"]
    (call,) = lp_calls(fake_lp)
    assert call["args"][:-1] == ["-n", "2", "-t", "Invoice", "-d", "Back_Office", "--"]


def test_cancelling_the_print_dialog_prints_nothing(
    shop_context: ShopContext, fake_lp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DocumentPrinter, "ask_printer", classmethod(lambda cls, *a, **k: None))
    printer = DocumentPrinter(shop_context)
    assert printer.print_document(invoice_of(uuid.uuid4()), title="Invoice", ask=True) is None
    assert lp_calls(fake_lp) == []


def test_no_printing_system_is_said_so(
    qtbot: QtBot, shop_context: ShopContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, _ = commit_a_sale(shop_context.database)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.failed, timeout=20_000) as failed:
        printer.print_document(invoice_of(order_id), title="Invoice")
    assert "no printing system" in failed.args[0]


def test_save_pdf_writes_the_document_where_the_user_chose(
    qtbot: QtBot, shop_context: ShopContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, number = commit_a_sale(shop_context.database)
    target = tmp_path / "out" / "receipt.pdf"
    target.parent.mkdir()
    suggested: list[str] = []

    def answer(parent: object, name: str) -> Path:
        suggested.append(name)
        return target

    monkeypatch.setattr(DocumentPrinter, "ask_save_path", classmethod(lambda cls, *a: answer(*a)))

    def make_pdf(job: Job) -> bytes:
        return render_receipt(sale_document(job.session, order_id, kind=DocumentKind.RECEIPT))

    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.saved, timeout=20_000) as saved:
        printer.save_pdf(make_pdf, suggested_name=f"{number}.pdf")
    assert suggested == [f"{number}.pdf"]
    assert saved.args == [f"Saved as {target}."]
    assert number in pdf_text(target.read_bytes())
    assert [p.name for p in target.parent.iterdir()] == ["receipt.pdf"]


def test_a_folder_that_cannot_be_written_fails_in_words(
    qtbot: QtBot, shop_context: ShopContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, _ = commit_a_sale(shop_context.database)
    missing = tmp_path / "gone" / "receipt.pdf"
    monkeypatch.setattr(DocumentPrinter, "ask_save_path", classmethod(lambda cls, *a: missing))
    printer = DocumentPrinter(shop_context)
    with qtbot.waitSignal(printer.failed, timeout=20_000) as failed:
        printer.save_pdf(invoice_of(order_id), suggested_name="x.pdf")
    assert failed.args == [f"The PDF could not be saved to {missing}. Choose another folder."]
    assert not missing.exists()
