"""The till receipt as ESC/POS bytes, for the thermal printer at the counter.

A thermal receipt printer does not take PDF: it takes a stream of text and
commands (Epson's ESC/POS, which the Taiwanese and Chinese models speak too).
This module only builds those bytes -- no sockets, no files -- so what a
printer will be sent can be read back and checked; ``printers.py`` carries
them to the printer.

Chinese text goes in Big5 with the printer switched into its Chinese mode
(``FS &``), as the printers sold in Taiwan expect. A character Big5 has no
code for is printed as ``?`` rather than failing the receipt. In Chinese
mode a Big5 character takes two columns and an ASCII one takes one, so the
width of a line is simply the number of its bytes.

:func:`receipt_escpos` lays out the same content as the PDF receipt
(``documents.render.render_receipt``), with the same words and figures.
"""

from __future__ import annotations

from enum import IntEnum

from shop_desktop.domain.money import Currency, Money, currency
from shop_desktop.services.documents.model import (
    MILLI,
    DocumentKind,
    SaleDocument,
    TaxRow,
    payment_label,
)

__all__ = [
    "BOLD_OFF",
    "BOLD_ON",
    "CHINESE_MODE",
    "CUT",
    "DRAWER_KICK",
    "INITIALISE",
    "TEXT_ENCODING",
    "Align",
    "Ticket",
    "encode_text",
    "receipt_escpos",
    "text_width",
]

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"

#: ``ESC @``: forget any style left over from the last job.
INITIALISE = ESC + b"@"
#: ``FS &``: read two-byte characters as Chinese (Big5 on Taiwanese printers).
CHINESE_MODE = FS + b"&"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
#: ``GS V 66 n``: feed to the cutter (plus ``n`` dots) and cut, leaving a hinge.
CUT = GS + b"VB\x00"
#: ``ESC p 0 25 250``: pulse pin 2 for 50 ms, then wait 500 ms -- opens the cash drawer.
DRAWER_KICK = ESC + b"p\x00\x19\xfa"

TEXT_ENCODING = "big5"

#: The widths of an 80 mm roll, in ASCII columns: 48 in the printer's standard
#: font A (12 x 24 dots on 576 dots), 42 on printers with a wider font or head.
RECEIPT_WIDTHS = (42, 48)

_COPY = "副本 COPY"


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


def encode_text(text: str) -> bytes:
    """Text as the printer reads it in Chinese mode; ``?`` for what Big5 cannot say."""
    # Control characters in a product name or note must not become commands.
    clean = "".join(ch if ch >= " " else " " for ch in text)
    return clean.encode(TEXT_ENCODING, errors="replace")


def text_width(text: str) -> int:
    """How many columns ``text`` takes on the printer (a Chinese character takes two)."""
    return len(encode_text(text))


def _fit(text: str, width: int) -> list[str]:
    """``text`` broken into pieces of at most ``width`` columns (never inside a character)."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if current and text_width(current + ch) > width:
            pieces.append(current.rstrip())
            current = ch.lstrip()
        else:
            current += ch
    if current or not pieces:
        pieces.append(current)
    return pieces


class Ticket:
    """ESC/POS commands gathered in order; :meth:`to_bytes` is what goes to the printer.

    Each method appends one command and returns the ticket, so a receipt reads
    top to bottom::

        Ticket(48).align(Align.CENTER).bold().text("收據").bold(False).cut()
    """

    def __init__(self, width_chars: int = 48) -> None:
        self.width = width_chars
        self._out = bytearray(INITIALISE + CHINESE_MODE)
        self._double = False

    def to_bytes(self) -> bytes:
        return bytes(self._out)

    def raw(self, data: bytes) -> Ticket:
        self._out += data
        return self

    def align(self, how: Align) -> Ticket:
        return self.raw(ESC + b"a" + bytes([how]))

    def bold(self, on: bool = True) -> Ticket:
        return self.raw(BOLD_ON if on else BOLD_OFF)

    def double(self, on: bool = True) -> Ticket:
        """Double width and height (``GS ! 0x11``): the total and the COPY mark."""
        self._double = on
        return self.raw(GS + b"!" + (b"\x11" if on else b"\x00"))

    @property
    def columns(self) -> int:
        """Columns of the current size: half as many in double size."""
        return self.width // 2 if self._double else self.width

    def text(self, text: str) -> Ticket:
        """One or more printed lines; a line too wide for the roll wraps."""
        for piece in _fit(text, self.columns):
            self.raw(encode_text(piece) + b"\n")
        return self

    def pair(self, left: str, right: str, *, indent: int = 0) -> Ticket:
        """A label on the left and its figure on the right of the same line."""
        width = self.columns
        lead = " " * indent
        room = width - indent - text_width(right) - 1
        if right and text_width(left) <= room:
            gap = width - indent - text_width(left) - text_width(right)
            return self.raw(encode_text(lead + left + " " * gap + right) + b"\n")
        for piece in _fit(left, width - indent):
            self.raw(encode_text(lead + piece) + b"\n")
        if right:
            self.raw(encode_text(" " * max(0, width - text_width(right)) + right) + b"\n")
        return self

    def rule(self, char: str = "-") -> Ticket:
        return self.raw(encode_text(char * self.columns) + b"\n")

    def feed(self, lines: int = 1) -> Ticket:
        """``ESC d n``: feed ``n`` lines."""
        if not 0 <= lines <= 255:
            raise ValueError("feed takes 0 to 255 lines")
        return self.raw(ESC + b"d" + bytes([lines]))

    def cut(self) -> Ticket:
        return self.raw(CUT)

    def open_drawer(self) -> Ticket:
        return self.raw(DRAWER_KICK)

    def qr(self, data: str, *, module_size: int = 6) -> Ticket:
        """A QR code (``GS ( k``): model 2, error correction M, printed where it stands."""
        payload = data.encode("utf-8")
        if not 1 <= module_size <= 16:
            raise ValueError("a QR module is 1 to 16 dots")
        if len(payload) > 7089:
            raise ValueError("too much data for a QR code")

        def function(body: bytes) -> bytes:
            size = len(body)
            return GS + b"(k" + bytes([size % 256, size // 256]) + body

        return (
            self.raw(function(b"1A2\x00"))  # fn 165: model 2
            .raw(function(b"1C" + bytes([module_size])))  # fn 167: module size
            .raw(function(b"1E1"))  # fn 169: error correction M (15 %)
            .raw(function(b"1P0" + payload))  # fn 180: store the data
            .raw(function(b"1Q0"))  # fn 181: print it
        )

    def code128(self, data: str, *, height: int = 80, module_width: int = 2) -> Ticket:
        """A Code 128 barcode (``GS k 73``) in code set B, its text printed below it."""
        if not data or any(not " " <= ch <= "~" for ch in data):
            raise ValueError("Code 128 set B takes printable ASCII only")
        # "{" starts a code-set switch in the printer's data, so a literal one is doubled.
        body = b"{B" + data.replace("{", "{{").encode("ascii")
        if len(body) > 255:
            raise ValueError("too long for a barcode")
        return (
            self.raw(GS + b"h" + bytes([height]))
            .raw(GS + b"w" + bytes([module_width]))
            .raw(GS + b"H\x02")  # the human-readable text below the bars
            .raw(GS + b"k\x49" + bytes([len(body)]) + body)
        )


# --- the receipt: the same words as the PDF receipt -------------------------------------


def _money(minor: int, cur: Currency) -> str:
    return Money(minor, cur).format()


def _percent(rate_bp: int) -> str:
    whole, part = divmod(rate_bp, 100)
    return f"{whole}%" if part == 0 else f"{whole}.{part:02d}".rstrip("0") + "%"


def _qty(qty_milli: int, unit: str) -> str:
    whole, part = divmod(qty_milli, MILLI)
    number = f"{whole:,}" if part == 0 else f"{whole:,}.{part:03d}"
    return number if unit in ("", "pc") else f"{number} {unit}"


def _tax_label(row: TaxRow) -> str:
    how = "內含 incl." if row.inclusive else "外加 added"
    return f"營業稅 VAT {_percent(row.rate_bp)} ({how})"


def _payment_text(method: str, card_last4: str) -> str:
    zh, en = payment_label(method)
    text = f"{zh} {en}" if zh != en else zh
    return f"{text} ****{card_last4}" if card_last4 else text


def _discount_text(zh: str, en: str) -> str:
    return f"{zh} {en}" if zh and en and zh != en else zh or en


_TITLES = {
    DocumentKind.RECEIPT: "收據 RECEIPT",
    DocumentKind.INVOICE: "發票 INVOICE",
    DocumentKind.CREDIT_NOTE: "折讓單／作廢 CREDIT NOTE",
}


def receipt_escpos(doc: SaleDocument, *, width_chars: int = 48, open_drawer: bool = False) -> bytes:
    """The receipt of ``doc`` for a thermal printer ``width_chars`` columns wide.

    With ``open_drawer`` the cash drawer is kicked first, so it opens while
    the receipt prints. The roll is cut at the end.
    """
    if width_chars not in RECEIPT_WIDTHS:
        raise ValueError(f"a receipt is {RECEIPT_WIDTHS} columns wide, not {width_chars}")
    t = Ticket(width_chars)
    if open_drawer:
        t.open_drawer()
    cur = currency(doc.currency_code)
    _head(t, doc)
    _lines(t, doc, cur)
    _totals(t, doc, cur)
    _payments(t, doc, cur)
    _codes(t, doc)
    return t.feed(3).cut().to_bytes()


def _copy_mark(t: Ticket) -> None:
    t.align(Align.CENTER).bold().double().text(f"*** {_COPY} ***").double(False).bold(False)


def _head(t: Ticket, doc: SaleDocument) -> None:
    shop = doc.shop
    t.align(Align.CENTER).bold().double().text(shop.name_zh).double(False).bold(False)
    for extra in (
        shop.name_en,
        shop.address,
        f"電話 Tel {shop.phone}" if shop.phone else "",
        f"統一編號 Tax ID {shop.tax_id}" if shop.tax_id else "",
    ):
        if extra:
            t.text(extra)
    t.align(Align.LEFT).rule()
    t.align(Align.CENTER).bold().text(_TITLES[doc.kind]).bold(False)
    if doc.copy:
        _copy_mark(t)
        t.text("重印本 非正本 Reprint, not the original")
    t.align(Align.LEFT)
    t.pair("單號 No." if doc.kind is DocumentKind.RECEIPT else "號碼 No.", doc.number)
    if doc.order_number != doc.number:
        t.pair("訂單 Order", doc.order_number)
    if doc.original_invoice_no:
        t.pair("原發票 Original invoice", doc.original_invoice_no)
    t.pair("日期 Date", doc.issued_at.strftime("%Y-%m-%d %H:%M:%S"))
    till = " / ".join(x for x in (shop.branch_code, shop.workstation_code) if x)
    if till:
        t.pair("機台 Till", till)
    if doc.cashier:
        t.pair("收銀員 Cashier", doc.cashier)
    if doc.buyer_tax_id:
        t.bold().pair("買方統編 Buyer tax ID", doc.buyer_tax_id).bold(False)
    if doc.buyer_name:
        t.pair("買方 Buyer", doc.buyer_name)
    t.rule()


def _lines(t: Ticket, doc: SaleDocument, cur: Currency) -> None:
    t.pair("品名 Item", "金額 Amount")
    for line in doc.lines:
        t.text(line.name_zh)
        if line.name_en and line.name_en != line.name_zh:
            t.text(line.name_en)
        per = f"/{line.unit}" if line.unit not in ("", "pc") else ""
        price = _money(line.unit_price_minor, cur)
        t.pair(
            f"{_qty(line.qty_milli, line.unit)} x {price}{per}",
            _money(line.gross_minor, cur),
            indent=2,
        )
        for d in line.discounts:
            t.pair(_discount_text(d.reason_zh, d.reason_en), _money(-d.amount_minor, cur), indent=2)
        if not line.discounts and line.discount_minor:
            t.pair("折扣 Discount", _money(-line.discount_minor, cur), indent=2)
    t.rule()
    count = len(doc.lines)
    t.text(f"共 {count} 項 {count} item(s)")


def _totals(t: Ticket, doc: SaleDocument, cur: Currency) -> None:
    t.pair("小計 Subtotal", _money(doc.subtotal_minor, cur))
    if doc.discount_minor:
        t.pair("折扣 Discount", _money(-doc.discount_minor, cur))
    if doc.added_tax_minor:
        t.pair("外加稅 Tax added", _money(doc.added_tax_minor, cur))
    if doc.delivery_fee_minor:
        t.pair("運費 Delivery", _money(doc.delivery_fee_minor, cur))
    if doc.rounding_minor:
        t.pair("尾數調整 Rounding", _money(doc.rounding_minor, cur))
    t.rule("=")
    label = "退回金額 CREDITED" if doc.kind is DocumentKind.CREDIT_NOTE else "總計 TOTAL"
    t.bold().double().pair(label, _money(doc.total_minor, cur)).double(False).bold(False)
    t.rule("=")
    for row in doc.taxes:
        t.pair(_tax_label(row), _money(row.tax_minor, cur))
    if doc.taxes:
        t.rule()


def _payments(t: Ticket, doc: SaleDocument, cur: Currency) -> None:
    if not doc.payments:
        return
    for p in doc.payments:
        t.pair(_payment_text(p.method, p.card_last4), _money(p.amount_minor, cur))
        if p.tendered_minor is not None and p.tendered_minor != p.amount_minor:
            t.pair("收現 Tendered", _money(p.tendered_minor, cur), indent=2)
        if p.reference:
            label = "授權碼 Approval" if p.method == "card" else "交易序號 Ref."
            t.pair(label, p.reference, indent=2)
    t.bold().pair("找零 Change", _money(doc.change_minor, cur)).bold(False)
    t.rule()


def _codes(t: Ticket, doc: SaleDocument) -> None:
    t.align(Align.CENTER)
    if doc.order_number.isascii() and doc.order_number.isprintable():
        t.code128(doc.order_number)
    t.feed(1).qr(doc.order_number).feed(1)
    if doc.note:
        t.text(doc.note)
    t.text("謝謝光臨 Thank you!")
    if doc.copy:
        _copy_mark(t)
    t.align(Align.LEFT)
