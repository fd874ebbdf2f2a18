"""The receipt as the thermal printer receives it: commands and Big5 text, byte for byte.

Expected command bytes are written out here from the ESC/POS reference
(Epson's "ESC/POS Application Programming Guide"), not taken from the module.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.services.documents import (
    DocDiscount,
    DocLine,
    DocPayment,
    DocumentKind,
    SaleDocument,
    ShopInfo,
    TaxRow,
)
from shop_desktop.services.escpos import Align, Ticket, encode_text, receipt_escpos

TAIPEI = timezone(timedelta(hours=8))

INIT_AND_CHINESE = b"\x1b\x40\x1c\x26"  # ESC @, FS &
DRAWER = b"\x1b\x70\x00\x19\xfa"  # ESC p 0 25 250
CUT = b"\x1d\x56\x42\x00"  # GS V 66 0
BOLD_ON = b"\x1b\x45\x01"
DOUBLE_ON = b"\x1d\x21\x11"


def sale(**changes: object) -> SaleDocument:
    doc = SaleDocument(
        kind=DocumentKind.RECEIPT,
        number="AB-00001234",
        order_number="B01-P1-000042",
        issued_at=datetime(2026, 11, 20, 14, 35, 12, tzinfo=TAIPEI),
        shop=ShopInfo(
            name_zh="好日子超市",
            name_en="Good Day Market",
            phone="02-2720-1000",
            tax_id="24536806",
            branch_code="B01",
            workstation_code="P1",
        ),
        cashier="王小明",
        lines=(
            DocLine(
                sku="1001",
                name_zh="烏龍茶",
                name_en="Oolong tea",
                qty_milli=2000,
                unit_price_minor=35,
                unit="pc",
                discount_minor=10,
                discounts=(DocDiscount("會員折扣", "Member", 10),),
                line_total_minor=60,
                tax_rate_bp=500,
                tax_minor=3,
            ),
        ),
        subtotal_minor=70,
        discounts=(DocDiscount("會員折扣", "Member", 10),),
        discount_minor=10,
        taxes=(TaxRow(500, True, 57, 3),),
        tax_minor=3,
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=60,
        payments=(DocPayment("cash", 60, tendered_minor=100, change_minor=40),),
        change_minor=40,
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def test_a_receipt_starts_clean_in_chinese_mode_and_ends_cut() -> None:
    data = receipt_escpos(sale(), width_chars=48, open_drawer=False)
    assert data.startswith(INIT_AND_CHINESE)
    assert data.endswith(b"\x1b\x64\x03" + CUT)  # ESC d 3: feed past the cutter, then cut
    assert DRAWER not in data


def test_the_drawer_opens_first_when_asked() -> None:
    data = receipt_escpos(sale(), width_chars=48, open_drawer=True)
    assert data.startswith(INIT_AND_CHINESE + DRAWER)
    assert data.count(DRAWER) == 1


def test_chinese_and_figures_are_in_big5() -> None:
    data = receipt_escpos(sale(), width_chars=42, open_drawer=False)
    for words in ("好日子超市", "烏龍茶", "會員折扣 Member", "總計 TOTAL", "王小明", "謝謝光臨"):
        assert words.encode("big5") in data, words
    assert "找零 Change".encode("big5") in data
    assert b"NT$40" in data  # the change
    assert b"NT$60" in data  # the total
    assert "營業稅 VAT 5% (內含 incl.)".encode("big5") in data
    assert "收現 Tendered".encode("big5") in data
    assert b"NT$100" in data
    # Never UTF-8 on the wire: the printer would print it as garbage.
    assert "烏龍茶".encode() not in data


def test_a_character_big5_cannot_say_becomes_a_question_mark() -> None:
    assert encode_text("茶😀") == "茶".encode("big5") + b"?"
    data = receipt_escpos(sale(cashier="陈😀"), width_chars=48, open_drawer=False)
    # 陈 is Simplified Chinese, outside Big5.
    assert b"??\n" in data


def test_the_order_number_is_a_qr_code_and_a_code128_barcode() -> None:
    data = receipt_escpos(sale(), width_chars=48, open_drawer=False)
    number = b"B01-P1-000042"
    # GS ( k, pL pH, cn=49 fn=80 m=48, then the data: stored ...
    store = b"\x1d\x28\x6b" + bytes([len(number) + 3, 0]) + b"\x31\x50\x30" + number
    # ... then printed (fn 81).
    show = b"\x1d\x28\x6b\x03\x00\x31\x51\x30"
    assert store in data
    assert data.index(show) > data.index(store)
    assert b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00" in data  # model 2
    # GS k 73 n, code set B.
    assert b"\x1d\x6b\x49" + bytes([len(number) + 2]) + b"{B" + number in data


def test_a_reprint_says_copy_twice_in_double_size_and_the_original_never() -> None:
    copy_mark = DOUBLE_ON + "*** 副本 COPY ***\n".encode("big5")
    assert receipt_escpos(sale(copy=True), open_drawer=False).count(copy_mark) == 2
    assert "副本".encode("big5") not in receipt_escpos(sale(), open_drawer=False)


def test_only_the_two_roll_widths_are_accepted() -> None:
    with pytest.raises(ValueError, match="columns wide"):
        receipt_escpos(sale(), width_chars=40, open_drawer=False)


def test_commands_of_the_ticket() -> None:
    data = (
        Ticket(42)
        .align(Align.CENTER)
        .bold()
        .double()
        .text("總計")
        .double(False)
        .bold(False)
        .feed(2)
        .cut()
        .to_bytes()
    )
    assert data == (
        INIT_AND_CHINESE
        + b"\x1b\x61\x01"
        + BOLD_ON
        + DOUBLE_ON
        + "總計".encode("big5")
        + b"\n\x1d\x21\x00\x1b\x45\x00\x1b\x64\x02"
        + CUT
    )


def test_a_label_and_its_amount_fill_the_line_exactly() -> None:
    data = Ticket(42).pair("小計 Subtotal", "NT$1,234").to_bytes()[len(INIT_AND_CHINESE) :]
    line = data.rstrip(b"\n")
    assert len(line) == 42
    assert line.startswith("小計 Subtotal".encode("big5"))
    assert line.endswith(b" NT$1,234")


def test_a_label_too_long_for_its_amount_goes_above_it() -> None:
    body = Ticket(42).pair("長" * 25, "NT$5").to_bytes()[len(INIT_AND_CHINESE) :]
    lines = body.split(b"\n")[:-1]
    assert [len(x) for x in lines] == [42, 8, 42]
    assert lines[-1].endswith(b"NT$5")


@given(st.text(max_size=120), st.sampled_from([42, 48]), st.booleans())
def test_every_printed_line_fits_the_roll_and_is_whole_big5(
    text: str, width: int, double: bool
) -> None:
    ticket = Ticket(width)
    if double:
        ticket.double()
    prefix = len(ticket.to_bytes())
    body = ticket.text(text).to_bytes()[prefix:]
    assert body.endswith(b"\n")
    for line in body[:-1].split(b"\n"):
        assert len(line) <= (width // 2 if double else width)
        line.decode("big5")  # never half a character
        assert all(b >= 0x20 for b in line)  # nothing in a name becomes a command
