"""Printer transports against real things: a loopback TCP listener, files, FIFOs, `lp` on PATH.

The `lp` here is a small script standing in for CUPS' (CUPS is not on the
test machines): it records the arguments and the file it was given, or
fails with CUPS' own messages, so what we hand the spooler is checked.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from shop_desktop.services.printers import (
    PrinterError,
    PrinterProblem,
    print_pdf_file,
    send_raw,
)

PDF = b"%PDF-1.4\n% a receipt\n%%EOF\n"


class Listener:
    """A raw-port receipt printer on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
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

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    printer = Listener()
    yield printer
    printer.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return int(s.getsockname()[1])


def test_bytes_reach_a_network_printer_whole(listener: Listener) -> None:
    data = bytes(range(256)) * 300  # larger than one segment, every byte value
    send_raw(f"tcp://127.0.0.1:{listener.port}", data)
    assert listener.wait() == data


def test_a_closed_port_is_an_offline_printer() -> None:
    target = f"tcp://127.0.0.1:{closed_port()}"
    with pytest.raises(PrinterError) as caught:
        send_raw(target, b"x")
    assert caught.value.reason is PrinterProblem.OFFLINE
    assert caught.value.target == target
    assert caught.value.detail  # the system's own words, for the log


def test_an_unknown_host_is_not_found() -> None:
    with pytest.raises(PrinterError) as caught:
        send_raw("tcp://no-such-printer.invalid:9100", b"x")
    assert caught.value.reason is PrinterProblem.NOT_FOUND


def test_a_bad_port_is_not_found() -> None:
    with pytest.raises(PrinterError) as caught:
        send_raw("tcp://127.0.0.1:nine", b"x")
    assert caught.value.reason is PrinterProblem.NOT_FOUND


def test_bytes_reach_a_device_file(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    send_raw(str(device), b"\x1b@hello\n")
    assert device.read_bytes() == b"\x1b@hello\n"


def test_a_missing_device_is_not_found_and_not_created(tmp_path: Path) -> None:
    device = tmp_path / "usb" / "lp0"
    with pytest.raises(PrinterError) as caught:
        send_raw(str(device), b"x")
    assert caught.value.reason is PrinterProblem.NOT_FOUND
    assert not device.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_device_that_stops_taking_data_times_out(tmp_path: Path) -> None:
    # A printer out of paper: the device is open but its buffer never drains.
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(PrinterError) as caught:
            send_raw(str(fifo), b"x" * (4 * 1024 * 1024), timeout=0.3)
    finally:
        os.close(reader)
    assert caught.value.reason is PrinterProblem.TIMEOUT


# --- lp --------------------------------------------------------------------------------


def fake_lp(bin_dir: Path, *, exit_code: int = 0, message: str = "") -> Path:
    """An `lp` that records its arguments and a copy of the file it was asked to print."""
    bin_dir.mkdir(exist_ok=True)
    record = bin_dir / "lp-call.json"
    script = bin_dir / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "data = open(args[-1], 'rb').read().decode('latin-1')\n"
        f"json.dump({{'args': args, 'data': data}}, open({str(record)!r}, 'w'))\n"
        f"if {exit_code}:\n"
        f"    sys.stderr.write({message!r})\n"
        f"    sys.exit({exit_code})\n"
        "print('request id is Counter-17 (1 file(s))')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return record


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "-receipt.pdf"  # a leading dash must not read as an option
    path.write_bytes(PDF)
    return path


def test_a_pdf_is_handed_to_lp_with_printer_copies_and_title(
    tmp_path: Path, pdf_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    job = print_pdf_file(pdf_file, printer="Office_A4", copies=2, title="發票 AB-00001234")
    call = json.loads(record.read_text(encoding="utf-8"))
    assert call["args"] == [
        "-n", "2", "-t", "發票 AB-00001234", "-d", "Office_A4", "--", str(pdf_file),
    ]  # fmt: skip
    assert call["data"].encode("latin-1") == PDF
    assert job == "Counter-17"


def test_without_a_printer_lp_uses_the_system_default(
    tmp_path: Path, pdf_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    print_pdf_file(pdf_file, printer=None, copies=1, title="")
    assert "-d" not in json.loads(record.read_text(encoding="utf-8"))["args"]


def test_no_lp_on_path_is_no_spooler(
    tmp_path: Path, pdf_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(PrinterError) as caught:
        print_pdf_file(pdf_file, printer="Office_A4", copies=1, title="x")
    assert caught.value.reason is PrinterProblem.NO_SPOOLER


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("lp: The printer or class does not exist.\n", PrinterProblem.NOT_FOUND),
        ('lp: Destination "Office_A4" is not accepting jobs.\n', PrinterProblem.REFUSED),
        ("lp: Unable to connect to server: Connection refused\n", PrinterProblem.NO_SPOOLER),
    ],
)
def test_lp_refusals_keep_cups_own_words(
    tmp_path: Path,
    pdf_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    message: str,
    reason: PrinterProblem,
) -> None:
    fake_lp(tmp_path / "bin", exit_code=1, message=message)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(PrinterError) as caught:
        print_pdf_file(pdf_file, printer="Office_A4", copies=1, title="x")
    assert caught.value.reason is reason
    assert caught.value.detail == message.strip()
    assert caught.value.target == "Office_A4"
