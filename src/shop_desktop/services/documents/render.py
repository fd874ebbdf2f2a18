"""Documents as PDF: the till receipt, A4 invoices and credit notes, warehouse papers.

Every function takes a document from ``model.py`` and returns the PDF bytes;
``fonts`` defaults to :func:`fonts.document_fonts` (tests pass the fallback).
The same document always gives the same bytes (ReportLab's ``invariant``
mode), so a reprint can be compared with the original and tests can diff.

How a page is built
===================
Each document is first cut into *blocks*: a block knows its height and how
to draw itself with its top at a given ``y``. Heights are known before any
drawing, which gives the two things a shop's paper needs:

* the thermal receipt is ONE page exactly as long as its content (the
  printer cuts the roll after it), and
* A4 documents are split into pages before drawing, so every page can say
  "第 2 / 3 頁 Page 2 of 3", and a long line table repeats its header at
  the top of each page it continues on.

Drawing goes straight to ReportLab's canvas (no platypus), with each page's
text gathered into one text object (``_Pen``): a 30-line invoice is a few
hundred strings, and a receipt must be ready while the drawer opens. The font
is found and registered once per process (``fonts.py``); QR codes are cached
per order, so a receipt and then an invoice or a reprint compute it once.

Labels are printed in both languages, Chinese first ("小計 Subtotal"), as
customers and the tax office read Chinese and some customers English.
Amounts come from ``Money.format()``.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.graphics.barcode import qrencoder  # type: ignore[import-untyped]
from reportlab.graphics.barcode.code128 import Code128  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from shop_desktop.domain.money import Currency, Money, currency
from shop_desktop.services.documents.fonts import DocumentFonts, document_fonts
from shop_desktop.services.documents.model import (
    MILLI,
    DeliveryNote,
    DocLine,
    DocumentKind,
    PickingList,
    SaleDocument,
    ShopInfo,
    TaxRow,
    payment_label,
)

__all__ = [
    "A4_MARGIN",
    "RECEIPT_MARGIN",
    "RECEIPT_WIDTH",
    "render_credit_note",
    "render_delivery_note",
    "render_invoice",
    "render_picking_list",
    "render_receipt",
    "render_sale_document",
]

# Streams are written as compressed binary, not also ASCII85-encoded: that
# pure-Python encoding was about a tenth of a receipt's time, for a
# 7-bit-clean file nobody here needs. (A process-wide ReportLab setting; only
# documents use ReportLab.)
rl_config.useA85 = 0

#: Points in a millimetre (PDF measures in points, 1/72 inch).
mm = 72 / 25.4
#: An 80 mm thermal roll; the printer's head covers about 72 mm of it.
RECEIPT_WIDTH: float = 80 * mm
RECEIPT_MARGIN: float = 4 * mm
A4_MARGIN: float = 18 * mm

_COPY = "副本 COPY"
_BLACK = 0.0
_MUTED = 0.35
_RULE = 0.55
_SHADE = 0.92
_WATERMARK = 0.88


# --- type -----------------------------------------------------------------------


def _is_wide(ch: str) -> bool:
    """A character that takes a full em and may break a line on either side (CJK)."""
    return ord(ch) >= 0x2E80


#: Punctuation that must not start a line (Chinese typesetting's 避頭點).
_NO_LINE_START = frozenset("，。、；：！？）」』】〉》,.;:!?)%")


def _pieces(text: str) -> list[str]:
    """Words of Latin text and single CJK characters: where a line may break."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or _is_wide(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


@dataclass(frozen=True)
class _Style:
    size: float
    bold: bool = False
    gray: float = _BLACK

    @property
    def leading(self) -> float:
        return self.size * 1.28


class _Type:
    """Measuring and wrapping text in the document font."""

    def __init__(self, fonts: DocumentFonts) -> None:
        self.fonts = fonts
        self.regular: str = fonts.regular
        self.bold: str = fonts.bold
        #: No bold face: strokes are thickened instead.
        self.fake_bold = fonts.bold == fonts.regular

    def font(self, style: _Style) -> str:
        return self.bold if style.bold else self.regular

    def width(self, text: str, style: _Style) -> float:
        return _width(text, self.font(style), style.size)

    def wrap(self, text: str, style: _Style, width: float) -> list[str]:
        """Greedy line breaking; CJK breaks between any two characters."""
        if not text:
            return [""]
        font, size = self.font(style), style.size
        lines: list[str] = []
        line, used = "", 0.0
        for piece in _pieces(text):
            w = _width(piece, font, size)
            fits = used + w <= width or piece in _NO_LINE_START or piece == " "
            if line and not fits:
                lines.append(line.rstrip())
                line, used = "", 0.0
            if not line and piece == " ":
                continue
            if not line and w > width:
                # A word longer than the column (a long SKU), at the start of a line
                # or moved to a new one: break it anywhere.
                for ch in piece:
                    cw = _width(ch, font, size)
                    if line and used + cw > width:
                        lines.append(line)
                        line, used = "", 0.0
                    line += ch
                    used += cw
                continue
            line += piece
            used += w
        lines.append(line.rstrip())
        return lines


#: Bold text at or above this size is drawn on its own, with strokes to match its size.
_BIG_BOLD = 11.0
#: Stroke width that thickens smaller fake-bold text (set once per page).
_BOLD_STROKE = 0.32


class _Pen:
    """Draws one page. Graphics go straight to the canvas; text is gathered into
    one PDF text object per page, drawn over the graphics when the page is
    finished, and font, size and colour are only set when they change. Text
    is most of what a document costs, and a text object per string (BT, font,
    colour, ET) doubles it."""

    def __init__(self, c: Canvas, t: _Type) -> None:
        self.c = c
        self.t = t
        self._batch = c.beginText()
        self._font = ""
        self._size = 0.0
        self._gray = -1.0
        self._mode = 0

    def text(self, x: float, y: float, text: str, style: _Style, align: str = "left") -> None:
        """One line with its baseline at y; align "left", "right" or "center" on x."""
        if not text:
            return
        t = self.t
        font = t.font(style)
        if align != "left":
            w = _width(text, font, style.size)
            x -= w if align == "right" else w / 2
        fake_bold = style.bold and t.fake_bold
        if fake_bold and style.size >= _BIG_BOLD:
            self._draw_big_bold(x, y, text, font, style)
            return
        batch = self._batch
        if font != self._font or style.size != self._size:
            batch.setFont(font, style.size)
            self._font, self._size = font, style.size
        if style.gray != self._gray:
            batch.setFillGray(style.gray)
            batch.setStrokeGray(style.gray)
            self._gray = style.gray
        # Fill and stroke (mode 2) is how a face without a bold is made heavier.
        mode = 2 if fake_bold else 0
        if mode != self._mode:
            batch.setTextRenderMode(mode)
            self._mode = mode
        batch.setTextOrigin(x, y)
        batch.textOut(text)

    def _draw_big_bold(self, x: float, y: float, text: str, font: str, style: _Style) -> None:
        c = self.c
        c.saveState()
        c.setFillGray(style.gray)
        c.setStrokeGray(style.gray)
        c.setLineWidth(style.size * 0.04)
        t = c.beginText(x, y)
        t.setFont(font, style.size)
        t.setTextRenderMode(2)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()

    def finish(self) -> None:
        """Draw the page's text, over everything else on it."""
        c = self.c
        c.saveState()
        c.setLineWidth(_BOLD_STROKE)
        c.drawText(self._batch)
        c.restoreState()


@lru_cache(maxsize=8192)
def _width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))


# --- blocks and pages --------------------------------------------------------------

Draw = Callable[["_Pen", float], None]


@dataclass
class _Block:
    """Something of known height, drawn with its top at y."""

    height: float
    draw: Draw
    #: A table header to repeat above this block when it starts a page.
    header: _Block | None = None
    #: Never leave this block last on a page (a section title, a table header).
    keep_with_next: bool = False


def _space(height: float) -> _Block:
    return _Block(height, lambda c, y: None)


@dataclass
class _Flow:
    """Blocks of one column, from x0 over width."""

    t: _Type
    x0: float
    width: float
    blocks: list[_Block] = field(default_factory=list)

    @property
    def x1(self) -> float:
        return self.x0 + self.width

    def add(self, block: _Block) -> None:
        self.blocks.append(block)

    def space(self, height: float) -> None:
        self.blocks.append(_space(height))

    def text(self, text: str, style: _Style, align: str = "left", indent: float = 0.0) -> None:
        """A paragraph, wrapped to the column."""
        x = {"left": self.x0 + indent, "center": (self.x0 + self.x1) / 2, "right": self.x1}[align]
        lines = self.t.wrap(text, style, self.width - indent)

        def draw(p: _Pen, y: float) -> None:
            for n, line in enumerate(lines):
                p.text(x, y - style.size - n * style.leading, line, style, align)

        self.blocks.append(_Block(len(lines) * style.leading, draw))

    def pair(
        self,
        left: str,
        right: str,
        style: _Style,
        *,
        indent: float = 0.0,
        right_style: _Style | None = None,
    ) -> None:
        """A label wrapped on the left, an amount on the right of its first line."""
        rstyle = right_style or style
        room = self.width - indent - self.t.width(right, rstyle) - 3 * mm
        lines = self.t.wrap(left, style, max(room, self.width / 3))
        x0, x1, _t = self.x0 + indent, self.x1, self.t
        leading = max(style.leading, rstyle.leading)

        def draw(p: _Pen, y: float) -> None:
            base = y - max(style.size, rstyle.size)
            for n, line in enumerate(lines):
                p.text(x0, base - n * style.leading, line, style)
            p.text(x1, base, right, rstyle, "right")

        self.blocks.append(_Block(leading + (len(lines) - 1) * style.leading, draw))

    def rule(self, *, dashed: bool = False, weight: float = 0.6, gap: float = 2.2 * mm) -> None:
        x0, x1 = self.x0, self.x1

        def draw(p: _Pen, y: float) -> None:
            c = p.c
            c.saveState()
            c.setStrokeGray(_BLACK if dashed else _RULE)
            c.setLineWidth(weight)
            if dashed:
                c.setDash(2, 1.5)
            c.line(x0, y - gap / 2, x1, y - gap / 2)
            c.restoreState()

        self.blocks.append(_Block(gap, draw))


def _paginate(
    blocks: Sequence[_Block], *, top: float, continued_top: float, bottom: float
) -> list[list[tuple[float, _Block]]]:
    """Place blocks on pages: (top y, block) per page, repeating table headers."""
    pages: list[list[tuple[float, _Block]]] = [[]]
    y = top
    i = 0
    while i < len(blocks):
        block = blocks[i]
        need = block.height
        if block.keep_with_next and i + 1 < len(blocks):
            need += blocks[i + 1].height
        fresh = not pages[-1] or y == continued_top
        if y - need < bottom and not fresh:
            pages.append([])
            y = continued_top
            header = block.header
            if header is not None and header is not block:
                pages[-1].append((y, header))
                y -= header.height
        pages[-1].append((y, block))
        y -= block.height
        i += 1
    return pages


# --- shared pieces -------------------------------------------------------------------


def _new_canvas(
    buffer: io.BytesIO, size: tuple[float, float], fonts: DocumentFonts, title: str, author: str
) -> Canvas:
    # invariant=1: no time stamps or random ids, so the same document gives the same bytes.
    c = Canvas(
        buffer,
        pagesize=size,
        invariant=1,
        initialFontName=fonts.regular,
        initialFontSize=9,
        pageCompression=1,
    )
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("Shop Desktop")
    c.setSubject(title)
    return c


_RUN = re.compile(r"0{5,}|1{5,}")
_DARK_RUN = re.compile(r"1+")
#: Dark-light-dark x3-light-dark with four light modules on one side (ISO 18004 N3).
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


def _mask_penalty(rows: Sequence[str]) -> int:
    """The standard's penalty of a masked symbol (rules N1 to N4); lower scans better.

    ReportLab's own scoring walks the modules one by one in Python and is
    most of what a receipt's QR code costs; rows as text and bits do it at
    C speed."""
    n = len(rows)
    columns = ["".join(col) for col in zip(*rows, strict=True)]
    lines = (*rows, *columns)
    score = sum(len(run) - 2 for line in lines for run in _RUN.findall(line))
    score += 40 * sum(len(_FINDER_LIKE.findall(line)) for line in lines)
    bits = [int(row, 2) for row in rows]
    inner = (1 << (n - 1)) - 1
    for upper, lower in itertools.pairwise(bits):
        # A 2x2 block of one colour: equal across, equal below, and so on the right.
        same = ~(upper ^ lower) & ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & inner
        score += 3 * same.bit_count()
    dark = sum(row.count("1") for row in rows)
    score += 10 * (abs(100 * dark // (n * n) - 50) // 5)
    return score


@lru_cache(maxsize=256)
def _qr_modules(value: str) -> tuple[str, ...]:
    """The QR code of value as rows of "0"/"1" (1 = dark), masked as the standard asks:
    the mask with the lowest penalty. Cached, as an order is often printed twice
    (receipt, then invoice or a reprint)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.version = code.calculate_version()
    best: tuple[int, tuple[str, ...]] | None = None
    for mask in range(8):
        code.makeImpl(False, mask)
        rows = tuple("".join("1" if m else "0" for m in row) for row in code.modules)
        penalty = _mask_penalty(rows)
        if best is None or penalty < best[0]:
            best = (penalty, rows)
    assert best is not None
    return best[1]


def _draw_qr(c: Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code of value with its lower left corner at (x, y); each run of dark
    modules is one rectangle, much cheaper than ReportLab's widget."""
    rows = _qr_modules(value)
    unit = size / len(rows)
    path = c.beginPath()
    for r, row in enumerate(rows):
        bottom = y + size - (r + 1) * unit
        for run in _DARK_RUN.finditer(row):
            path.rect(x + run.start() * unit, bottom, (run.end() - run.start()) * unit, unit)
    c.saveState()
    c.setFillGray(_BLACK)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _draw_code128(c: Canvas, value: str, x_center: float, y: float, *, height: float,
                  max_width: float) -> None:  # fmt: skip
    """A Code128 barcode centred on x_center, at most max_width wide, bars of at most 1 pt."""
    code = Code128(value, barWidth=1.0, barHeight=height, humanReadable=False, quiet=False)
    scale = min(1.0, max_width / code.width)
    width = code.width * scale
    c.saveState()
    c.translate(x_center - width / 2, y)
    c.scale(scale, 1)
    c.setFillGray(_BLACK)
    code.drawOn(c, 0, 0)
    c.restoreState()


def _money(minor: int, cur: Currency) -> str:
    return Money(minor, cur).format()


def _percent(rate_bp: int) -> str:
    whole, part = divmod(rate_bp, 100)
    return f"{whole}%" if part == 0 else f"{whole}.{part:02d}".rstrip("0") + "%"


def _qty(qty_milli: int, unit: str) -> str:
    """2000 pc -> "2"; 1250 kg -> "1.250 kg"; 3000 pack -> "3 pack"."""
    whole, part = divmod(qty_milli, MILLI)
    number = f"{whole:,}" if part == 0 else f"{whole:,}.{part:03d}"
    return number if unit in ("", "pc") else f"{number} {unit}"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _tax_label(row: TaxRow) -> str:
    how = "內含 incl." if row.inclusive else "外加 added"
    return f"營業稅 VAT {_percent(row.rate_bp)} ({how})"


def _payment_text(method: str, card_last4: str) -> str:
    zh, en = payment_label(method)
    text = f"{zh} {en}" if zh != en else zh
    if card_last4:
        text += f" ****{card_last4}"
    return text


def _reference_label(method: str) -> str:
    return "授權碼 Approval" if method == "card" else "交易序號 Ref."


def _discount_text(zh: str, en: str) -> str:
    if zh and en and zh != en:
        return f"{zh} {en}"
    return zh or en


def _doc_title(kind: DocumentKind) -> tuple[str, str]:
    return {
        DocumentKind.RECEIPT: ("收據", "RECEIPT"),
        DocumentKind.INVOICE: ("發票", "INVOICE"),
        DocumentKind.CREDIT_NOTE: ("折讓單／作廢", "CREDIT NOTE"),
    }[kind]


# --- the receipt ----------------------------------------------------------------------

_R_SHOP = _Style(12.5, bold=True)
_R_TITLE = _Style(11, bold=True)
_R_COPY = _Style(12, bold=True)
_R_BODY = _Style(8.5)
_R_BOLD = _Style(8.5, bold=True)
_R_SMALL = _Style(7)
_R_TOTAL = _Style(12, bold=True)


def render_receipt(doc: SaleDocument, *, fonts: DocumentFonts | None = None) -> bytes:
    """The till receipt on an 80 mm roll: one page as long as the sale."""
    fonts = fonts or document_fonts()
    t = _Type(fonts)
    cur = currency(doc.currency_code)
    flow = _Flow(t, RECEIPT_MARGIN, RECEIPT_WIDTH - 2 * RECEIPT_MARGIN)
    _receipt_head(flow, doc)
    _receipt_lines(flow, doc, cur)
    _receipt_totals(flow, doc, cur)
    _receipt_payments(flow, doc, cur)
    _receipt_codes(flow, doc)

    top_margin = bottom_margin = 5 * mm
    height = top_margin + sum(b.height for b in flow.blocks) + bottom_margin
    buffer = io.BytesIO()
    zh, en = _doc_title(doc.kind)
    c = _new_canvas(
        buffer, (RECEIPT_WIDTH, height), fonts, f"{zh} {en} {doc.number}", doc.shop.name_zh
    )
    pen = _Pen(c, t)
    y = height - top_margin
    for block in flow.blocks:
        block.draw(pen, y)
        y -= block.height
    pen.finish()
    c.showPage()
    c.save()
    return buffer.getvalue()


def _receipt_head(flow: _Flow, doc: SaleDocument) -> None:
    shop = doc.shop
    flow.text(shop.name_zh, _R_SHOP, "center")
    if shop.name_en:
        flow.text(shop.name_en, _R_SMALL, "center")
    if shop.address:
        flow.text(shop.address, _R_SMALL, "center")
    if shop.phone:
        flow.text(f"電話 Tel {shop.phone}", _R_SMALL, "center")
    if shop.tax_id:
        flow.text(f"統一編號 Tax ID {shop.tax_id}", _R_SMALL, "center")
    flow.rule(dashed=True)
    zh, en = _doc_title(doc.kind)
    flow.text(f"{zh} {en}", _R_TITLE, "center")
    if doc.copy:
        flow.space(1 * mm)
        flow.text(f"*** {_COPY} ***", _R_COPY, "center")
        flow.text("重印本 非正本 Reprint, not the original", _R_SMALL, "center")
    flow.space(1.5 * mm)
    number_label = "單號 No." if doc.kind is DocumentKind.RECEIPT else "號碼 No."
    flow.pair(number_label, doc.number, _R_BODY)
    if doc.order_number != doc.number:
        flow.pair("訂單 Order", doc.order_number, _R_BODY)
    if doc.original_invoice_no:
        flow.pair("原發票 Original invoice", doc.original_invoice_no, _R_BODY)
    flow.pair("日期 Date", _when(doc.issued_at), _R_BODY)
    till = " / ".join(x for x in (doc.shop.branch_code, doc.shop.workstation_code) if x)
    if till:
        flow.pair("機台 Till", till, _R_BODY)
    if doc.cashier:
        flow.pair("收銀員 Cashier", doc.cashier, _R_BODY)
    if doc.buyer_tax_id:
        flow.pair("買方統編 Buyer tax ID", doc.buyer_tax_id, _R_BOLD)
    if doc.buyer_name:
        flow.pair("買方 Buyer", doc.buyer_name, _R_BODY)
    flow.rule(dashed=True)


def _receipt_lines(flow: _Flow, doc: SaleDocument, cur: Currency) -> None:
    flow.pair("品名 Item", "金額 Amount", _R_SMALL)
    flow.space(0.5 * mm)
    indent = 3 * mm
    for line in doc.lines:
        flow.text(line.name_zh, _R_BODY)
        if line.name_en and line.name_en != line.name_zh:
            flow.text(line.name_en, _R_SMALL)
        unit_price = _money(line.unit_price_minor, cur)
        per = f"/{line.unit}" if line.unit not in ("", "pc") else ""
        flow.pair(
            f"{_qty(line.qty_milli, line.unit)} x {unit_price}{per}",
            _money(line.gross_minor, cur),
            _R_BODY,
            indent=indent,
        )
        for d in line.discounts:
            flow.pair(
                _discount_text(d.reason_zh, d.reason_en),
                _money(-d.amount_minor, cur),
                _R_SMALL,
                indent=indent,
            )
        if not line.discounts and line.discount_minor:
            flow.pair("折扣 Discount", _money(-line.discount_minor, cur), _R_SMALL, indent=indent)
        flow.space(0.8 * mm)
    flow.rule(dashed=True)
    count = len(doc.lines)
    flow.pair(f"共 {count} 項 {count} item(s)", "", _R_SMALL)


def _receipt_totals(flow: _Flow, doc: SaleDocument, cur: Currency) -> None:
    flow.pair("小計 Subtotal", _money(doc.subtotal_minor, cur), _R_BODY)
    if doc.discount_minor:
        flow.pair("折扣 Discount", _money(-doc.discount_minor, cur), _R_BODY)
    if doc.added_tax_minor:
        flow.pair("外加稅 Tax added", _money(doc.added_tax_minor, cur), _R_BODY)
    if doc.delivery_fee_minor:
        flow.pair("運費 Delivery", _money(doc.delivery_fee_minor, cur), _R_BODY)
    if doc.rounding_minor:
        flow.pair("尾數調整 Rounding", _money(doc.rounding_minor, cur), _R_BODY)
    flow.rule(weight=1.2, gap=2.5 * mm)
    label = "退回金額 CREDITED" if doc.kind is DocumentKind.CREDIT_NOTE else "總計 TOTAL"
    flow.pair(label, _money(doc.total_minor, cur), _R_TOTAL)
    flow.rule(weight=1.2, gap=2.5 * mm)
    for row in doc.taxes:
        flow.pair(_tax_label(row), _money(row.tax_minor, cur), _R_SMALL)
    if doc.taxes:
        flow.rule(dashed=True)


def _receipt_payments(flow: _Flow, doc: SaleDocument, cur: Currency) -> None:
    if not doc.payments:
        return
    indent = 3 * mm
    for p in doc.payments:
        flow.pair(_payment_text(p.method, p.card_last4), _money(p.amount_minor, cur), _R_BODY)
        if p.tendered_minor is not None and p.tendered_minor != p.amount_minor:
            flow.pair("收現 Tendered", _money(p.tendered_minor, cur), _R_SMALL, indent=indent)
        if p.reference:
            flow.pair(_reference_label(p.method), p.reference, _R_SMALL, indent=indent)
    flow.pair("找零 Change", _money(doc.change_minor, cur), _R_BOLD)
    flow.rule(dashed=True)


def _receipt_codes(flow: _Flow, doc: SaleDocument) -> None:
    x_mid = (flow.x0 + flow.x1) / 2
    bar_height = 11 * mm
    width = flow.width

    def barcode(p: _Pen, y: float) -> None:
        _draw_code128(p.c, doc.order_number, x_mid, y - bar_height, height=bar_height,
                      max_width=width)  # fmt: skip

    flow.space(1 * mm)
    flow.add(_Block(bar_height, barcode))
    flow.text(doc.order_number, _R_SMALL, "center")
    flow.space(1.5 * mm)
    qr = 24 * mm

    def qr_code(p: _Pen, y: float) -> None:
        _draw_qr(p.c, doc.order_number, x_mid - qr / 2, y - qr, qr)

    flow.add(_Block(qr, qr_code))
    flow.space(2 * mm)
    if doc.note:
        flow.text(doc.note, _R_SMALL, "center")
    flow.text("謝謝光臨 Thank you!", _R_BODY, "center")
    if doc.copy:
        flow.text(f"*** {_COPY} ***", _R_BOLD, "center")


# --- A4 pages --------------------------------------------------------------------------

_PAGE_W, _PAGE_H = float(A4[0]), float(A4[1])
_X0 = A4_MARGIN
_X1 = _PAGE_W - A4_MARGIN
_CONTENT_W = _X1 - _X0
_TOP = _PAGE_H - 15 * mm
_BOTTOM = 18 * mm

_A_SHOP = _Style(15, bold=True)
_A_TITLE = _Style(20, bold=True)
_A_TITLE_EN = _Style(10.5, gray=_MUTED)
_A_BODY = _Style(8.5)
_A_BOLD = _Style(8.5, bold=True)
_A_SMALL = _Style(7, gray=_MUTED)
_A_HEAD = _Style(8.5, bold=True)
_A_HEAD_EN = _Style(6.5, gray=_MUTED)
_A_SECTION = _Style(10, bold=True)
_A_TOTAL = _Style(12, bold=True)
_A_COPY = _Style(11, bold=True)
_CELL_PAD = 1.2 * mm


@dataclass(frozen=True)
class _Column:
    zh: str
    en: str
    #: Points; 0 takes what the other columns leave.
    width: float
    align: str = "left"


@dataclass(frozen=True)
class _Cell:
    """Runs of text stacked in a table cell (a name, its English, its discount reasons)."""

    runs: tuple[tuple[str, _Style], ...]


def _cell(text: str, style: _Style = _A_BODY) -> _Cell:
    return _Cell(((text, style),))


class _Table:
    """A table of the A4 layout: column widths, a two-line bilingual header, rows."""

    def __init__(self, t: _Type, columns: Sequence[_Column]) -> None:
        fixed = sum(col.width for col in columns)
        flexible = [col for col in columns if col.width == 0]
        share = (_CONTENT_W - fixed) / max(len(flexible), 1)
        self.t = t
        self.columns = list(columns)
        self.widths = [col.width or share for col in columns]
        self.lefts: list[float] = []
        x = _X0
        for w in self.widths:
            self.lefts.append(x)
            x += w
        self.header = self._header()

    def _header(self) -> _Block:
        _t, columns, lefts, widths = self.t, self.columns, self.lefts, self.widths
        height = _A_HEAD.leading + _A_HEAD_EN.leading + 2 * _CELL_PAD

        def draw(p: _Pen, y: float) -> None:
            c = p.c
            c.setFillGray(_SHADE)
            c.rect(_X0, y - height, _CONTENT_W, height, stroke=0, fill=1)
            for col, left, w in zip(columns, lefts, widths, strict=True):
                x = _aligned_x(col.align, left, w)
                base = y - _CELL_PAD - _A_HEAD.size
                p.text(x, base, col.zh, _A_HEAD, col.align)
                p.text(x, base - _A_HEAD.leading, col.en, _A_HEAD_EN, col.align)

        return _Block(height, draw, keep_with_next=True)

    def row(self, cells: Sequence[_Cell], *, checkbox_column: int | None = None) -> _Block:
        t = self.t
        placed: list[list[tuple[str, _Style]]] = []
        height = 0.0
        for cell, w in zip(cells, self.widths, strict=True):
            lines = [
                (line, style)
                for text, style in cell.runs
                for line in t.wrap(text, style, w - 2 * _CELL_PAD)
            ]
            placed.append(lines)
            height = max(height, sum(style.leading for _, style in lines))
        height += 2 * _CELL_PAD
        columns, lefts, widths = self.columns, self.lefts, self.widths

        def draw(p: _Pen, y: float) -> None:
            c = p.c
            for col, left, w, lines in zip(columns, lefts, widths, placed, strict=True):
                x = _aligned_x(col.align, left, w)
                base = y - _CELL_PAD
                for line, style in lines:
                    p.text(x, base - style.size, line, style, col.align)
                    base -= style.leading
            if checkbox_column is not None:
                box = 3.6 * mm
                left, w = lefts[checkbox_column], widths[checkbox_column]
                c.setStrokeGray(_BLACK)
                c.setLineWidth(0.7)
                c.rect(left + (w - box) / 2, y - _CELL_PAD - box - 0.3 * mm, box, box)
            c.setStrokeGray(0.8)
            c.setLineWidth(0.4)
            c.line(_X0, y - height, _X1, y - height)

        return _Block(height, draw, header=self.header)


def _aligned_x(align: str, left: float, width: float) -> float:
    if align == "right":
        return left + width - _CELL_PAD
    if align == "center":
        return left + width / 2
    return left + _CELL_PAD


@dataclass
class _A4:
    """An A4 document being laid out: its blocks, and what every page repeats."""

    t: _Type
    fonts: DocumentFonts
    title: str
    number: str
    author: str
    copy: bool = False
    blocks: list[_Block] = field(default_factory=list)

    def flow(self, x0: float = _X0, width: float = _CONTENT_W) -> _Flow:
        return _Flow(self.t, x0, width, self.blocks)

    def render(self) -> bytes:
        continued = self._continued_banner()
        pages = _paginate(
            self.blocks,
            top=_TOP,
            continued_top=_TOP - continued.height,
            bottom=_BOTTOM,
        )
        buffer = io.BytesIO()
        c = _new_canvas(buffer, A4, self.fonts, f"{self.title} {self.number}", self.author)
        for n, placed in enumerate(pages, start=1):
            pen = _Pen(c, self.t)
            if self.copy:
                self._watermark(pen)
            if n > 1:
                continued.draw(pen, _TOP)
            for y, block in placed:
                block.draw(pen, y)
            self._footer(pen, n, len(pages))
            pen.finish()
            c.showPage()
        c.save()
        return buffer.getvalue()

    def _continued_banner(self) -> _Block:
        _t, title, number = self.t, self.title, self.number
        height = _A_BOLD.leading + 3 * mm

        def draw(p: _Pen, y: float) -> None:
            c = p.c
            p.text(_X0, y - _A_BOLD.size, f"{title}  {number}", _A_BOLD)
            p.text(_X1, y - _A_BOLD.size, "(續 continued)", _A_SMALL, "right")
            c.setStrokeGray(_RULE)
            c.setLineWidth(0.6)
            c.line(_X0, y - height + 1.5 * mm, _X1, y - height + 1.5 * mm)

        return _Block(height, draw)

    def _watermark(self, p: _Pen) -> None:
        """A reprint says so across the whole page, under the content."""
        c = p.c
        c.saveState()
        c.translate(_PAGE_W / 2, _PAGE_H / 2)
        c.rotate(35)
        style = _Style(96, bold=True, gray=_WATERMARK)
        p.text(0, -30, _COPY, style, "center")
        c.restoreState()

    def _footer(self, p: _Pen, page: int, pages: int) -> None:
        c = p.c
        y = _BOTTOM - 9 * mm
        c.setStrokeGray(_RULE)
        c.setLineWidth(0.5)
        c.line(_X0, y + 3.5 * mm, _X1, y + 3.5 * mm)
        p.text(_X0, y, f"{self.title}  {self.number}", _A_SMALL)
        if self.copy:
            p.text(_PAGE_W / 2, y, _COPY, _Style(7.5, bold=True), "center")
        p.text(_X1, y, f"第 {page} / {pages} 頁  Page {page} of {pages}", _A_SMALL,
                    "right")  # fmt: skip


def _shop_block(t: _Type, shop: ShopInfo, width: float) -> tuple[float, Draw]:
    """The seller: name in both languages, address, phone, tax ID (left of the page)."""
    rows: list[tuple[str, _Style]] = [(shop.name_zh, _A_SHOP)]
    if shop.name_en:
        rows.append((shop.name_en, _A_SMALL))
    if shop.address:
        rows.extend((line, _A_BODY) for line in t.wrap(shop.address, _A_BODY, width))
    if shop.phone:
        rows.append((f"電話 Tel  {shop.phone}", _A_BODY))
    if shop.tax_id:
        rows.append((f"統一編號 Tax ID  {shop.tax_id}", _A_BODY))
    height = sum(style.leading for _, style in rows)

    def draw(p: _Pen, y: float) -> None:
        for text, style in rows:
            p.text(_X0, y - style.size, text, style)
            y -= style.leading

    return height, draw


def _title_block(t: _Type, zh: str, en: str, copy: bool) -> tuple[float, Draw]:
    """The document's name, top right; a reprint carries a framed 副本 COPY under it."""
    height = _A_TITLE.leading + _A_TITLE_EN.leading + (8 * mm if copy else 0)

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        p.text(_X1, y - _A_TITLE.size, zh, _A_TITLE, "right")
        y -= _A_TITLE.leading
        p.text(_X1, y - _A_TITLE_EN.size, en, _A_TITLE_EN, "right")
        y -= _A_TITLE_EN.leading
        if copy:
            w = t.width(_COPY, _A_COPY) + 4 * mm
            c.setStrokeGray(_BLACK)
            c.setLineWidth(1.2)
            c.rect(_X1 - w, y - 7 * mm, w, 6 * mm)
            p.text(_X1 - w / 2, y - 5.2 * mm, _COPY, _A_COPY, "center")

    return height, draw


def _head_block(t: _Type, shop: ShopInfo, zh: str, en: str, copy: bool) -> _Block:
    """Seller on the left, document title on the right, a rule under both."""
    shop_h, shop_draw = _shop_block(t, shop, _CONTENT_W * 0.58)
    title_h, title_draw = _title_block(t, zh, en, copy)
    height = max(shop_h, title_h) + 3 * mm

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        shop_draw(p, y)
        title_draw(p, y)
        c.setStrokeGray(_BLACK)
        c.setLineWidth(1.0)
        c.line(_X0, y - height + 1 * mm, _X1, y - height + 1 * mm)

    return _Block(height, draw)


#: A label, its value wrapped to lines, and the value's style.
_Fact = tuple[str, list[str], _Style]


def _facts_block(
    t: _Type,
    left_title: str,
    left: Sequence[tuple[str, str]],
    right: Sequence[tuple[str, str]],
    qr_value: str | None,
    *,
    emphasis: frozenset[str] = frozenset(),
) -> _Block:
    """Two framed boxes: who (buyer, recipient) on the left; numbers and dates on the right,
    with the QR code of the order at the box's right edge. Values of the labels in
    ``emphasis`` are printed bold."""
    gap = 4 * mm
    left_w = _CONTENT_W * 0.42
    right_x = _X0 + left_w + gap
    right_w = _X1 - right_x
    qr = 22 * mm if qr_value else 0.0
    label_w = 28 * mm
    value_w_left = left_w - label_w - 2 * _CELL_PAD
    value_w_right = right_w - label_w - qr - 5 * _CELL_PAD

    def rows_of(pairs: Sequence[tuple[str, str]], value_w: float, beside: float) -> list[_Fact]:
        """Values wrap short of the QR code, and use the full box once below it."""
        facts: list[_Fact] = []
        below = 0.0
        for label, value in pairs:
            style = _A_BOLD if label in emphasis else _A_BODY
            room = value_w if below < beside else value_w + beside + _CELL_PAD
            lines = t.wrap(value, style, room)
            facts.append((label, lines, style))
            below += len(lines) * _A_BODY.leading
        return facts

    left_rows = rows_of(left, value_w_left, 0.0)
    right_rows = rows_of(right, value_w_right, qr)

    def rows_height(rows: Sequence[_Fact]) -> float:
        return sum(len(lines) * _A_BODY.leading for _, lines, _ in rows)

    inner = max(
        _A_SECTION.leading + rows_height(left_rows),
        rows_height(right_rows),
        qr,
    )
    box_h = inner + 2 * _CELL_PAD + 1 * mm
    height = box_h + 4 * mm

    def draw_rows(p: _Pen, x: float, y: float, rows: Sequence[_Fact]) -> None:
        for label, lines, style in rows:
            p.text(x, y - _A_BODY.size, label, _A_SMALL)
            for line in lines:
                p.text(x + label_w, y - _A_BODY.size, line, style)
                y -= _A_BODY.leading

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        top = y - 1.5 * mm
        c.setStrokeGray(_RULE)
        c.setLineWidth(0.6)
        c.rect(_X0, top - box_h, left_w, box_h)
        c.rect(right_x, top - box_h, right_w, box_h)
        inner_top = top - _CELL_PAD
        p.text(_X0 + _CELL_PAD, inner_top - _A_SECTION.size, left_title, _A_SECTION)
        draw_rows(p, _X0 + _CELL_PAD, inner_top - _A_SECTION.leading, left_rows)
        draw_rows(p, right_x + _CELL_PAD, inner_top, right_rows)
        if qr_value:
            _draw_qr(c, qr_value, right_x + right_w - _CELL_PAD - qr, inner_top - qr, qr)

    return _Block(height, draw)


def _section_title(flow: _Flow, zh_en: str) -> None:
    x0 = flow.x0

    def draw(p: _Pen, y: float) -> None:
        p.text(x0, y - 2 * mm - _A_SECTION.size, zh_en, _A_SECTION)

    flow.add(_Block(_A_SECTION.leading + 3 * mm, draw, keep_with_next=True))


def _signatures(flow: _Flow, labels: Sequence[str]) -> None:
    """Lines to sign on, side by side."""
    n = len(labels)
    gap = 10 * mm
    width = (flow.width - gap * (n - 1)) / n
    x0 = flow.x0
    height = 16 * mm

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        base = y - height + 4 * mm
        c.setStrokeGray(_BLACK)
        c.setLineWidth(0.7)
        for i, label in enumerate(labels):
            left = x0 + i * (width + gap)
            c.line(left, base, left + width, base)
            p.text(left, base - 3.5 * mm, label, _A_SMALL)

    flow.add(_Block(height, draw))


# --- invoice and credit note --------------------------------------------------------------

_LINE_COLUMNS = (
    _Column("#", "", 7 * mm, "right"),
    _Column("品號", "SKU", 26 * mm),
    _Column("品名", "Description", 0),
    _Column("數量", "Qty", 16 * mm, "right"),
    _Column("單價", "Unit price", 21 * mm, "right"),
    _Column("折扣", "Discount", 19 * mm, "right"),
    _Column("稅率", "Tax", 12 * mm, "right"),
    _Column("金額", "Amount", 23 * mm, "right"),
)


def render_invoice(doc: SaleDocument, *, fonts: DocumentFonts | None = None) -> bytes:
    """An A4 invoice: seller, buyer, every line, discounts, tax per rate, payments, totals."""
    return _render_sale_a4(doc, fonts=fonts)


def render_credit_note(doc: SaleDocument, *, fonts: DocumentFonts | None = None) -> bytes:
    """An A4 credit note (折讓單／作廢) naming the invoice it corrects."""
    if doc.kind is not DocumentKind.CREDIT_NOTE:
        raise ValueError(f"render_credit_note needs a credit note, got {doc.kind.value}")
    return _render_sale_a4(doc, fonts=fonts)


def render_sale_document(doc: SaleDocument, *, fonts: DocumentFonts | None = None) -> bytes:
    """The right paper for the document's kind: roll for a receipt, A4 otherwise."""
    if doc.kind is DocumentKind.RECEIPT:
        return render_receipt(doc, fonts=fonts)
    return _render_sale_a4(doc, fonts=fonts)


def _render_sale_a4(doc: SaleDocument, *, fonts: DocumentFonts | None = None) -> bytes:
    fonts = fonts or document_fonts()
    t = _Type(fonts)
    cur = currency(doc.currency_code)
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    zh, en = _doc_title(doc.kind)
    page = _A4(t, fonts, f"{zh} {en}", doc.number, doc.shop.name_zh, copy=doc.copy)
    page.blocks.append(_head_block(t, doc.shop, zh, en, doc.copy))
    page.blocks.append(_sale_facts(t, doc, credit))
    _sale_lines(page, doc, cur)
    page.blocks.append(_sale_summary(t, doc, cur))
    flow = page.flow()
    if doc.note:
        flow.text(f"備註 Note: {doc.note}", _A_BODY)
    if credit:
        flow.space(6 * mm)
        _signatures(flow, ["買受人簽章 Buyer's signature / stamp", "經手人 Issued by"])
    else:
        flow.space(3 * mm)
        flow.text("謝謝惠顧 Thank you for your business.", _A_SMALL, "center")
    return page.render()


def _sale_facts(t: _Type, doc: SaleDocument, credit: bool) -> _Block:
    buyer: list[tuple[str, str]] = []
    if doc.buyer_name:
        buyer.append(("名稱 Name", doc.buyer_name))
    if doc.buyer_tax_id:
        buyer.append(("統一編號 Tax ID", doc.buyer_tax_id))
    if not buyer:
        buyer.append(("名稱 Name", "一般消費者 Consumer"))
    number_label = "折讓單號 Credit note" if credit else "發票號碼 Invoice no."
    facts: list[tuple[str, str]] = [(number_label, doc.number)]
    if credit:
        facts.append(("原發票 Original inv.", doc.original_invoice_no))
    facts.append(("訂單編號 Order no.", doc.order_number))
    facts.append(("日期 Date", _when(doc.issued_at)))
    if doc.cashier:
        facts.append(("收銀員 Cashier", doc.cashier))
    till = " / ".join(x for x in (doc.shop.branch_code, doc.shop.workstation_code) if x)
    if till:
        facts.append(("機台 Till", till))
    if credit and doc.void_reason:
        facts.append(("原因 Reason", doc.void_reason))
    emphasis = frozenset({number_label, "原發票 Original inv."})
    return _facts_block(t, "買受人 Buyer", buyer, facts, doc.order_number, emphasis=emphasis)


def _sale_lines(page: _A4, doc: SaleDocument, cur: Currency) -> None:
    table = _Table(page.t, _LINE_COLUMNS)
    page.blocks.append(_space(2 * mm))
    page.blocks.append(table.header)
    for n, line in enumerate(doc.lines, start=1):
        page.blocks.append(table.row(_line_cells(n, line, cur)))


def _line_cells(n: int, line: DocLine, cur: Currency) -> list[_Cell]:
    name: list[tuple[str, _Style]] = [(line.name_zh, _A_BODY)]
    if line.name_en and line.name_en != line.name_zh:
        name.append((line.name_en, _A_SMALL))
    name.extend(
        (f"{_discount_text(d.reason_zh, d.reason_en)}  {_money(-d.amount_minor, cur)}", _A_SMALL)
        for d in line.discounts
    )
    discount = _money(-line.discount_minor, cur) if line.discount_minor else ""
    return [
        _cell(str(n), _A_SMALL),
        _cell(line.sku, _A_SMALL),
        _Cell(tuple(name)),
        _cell(_qty(line.qty_milli, line.unit)),
        _cell(_money(line.unit_price_minor, cur)),
        _cell(discount),
        _cell(_percent(line.tax_rate_bp), _A_SMALL),
        _cell(_money(line.line_total_minor, cur), _A_BOLD),
    ]


def _sale_summary(t: _Type, doc: SaleDocument, cur: Currency) -> _Block:
    """Discounts, taxes and payments on the left; the totals on the right. Kept whole."""
    gap = 8 * mm
    right_w = 70 * mm
    left = _Flow(t, _X0, _CONTENT_W - right_w - gap)
    right = _Flow(t, _X1 - right_w, right_w)
    _breakdowns(left, doc, cur)
    _totals(right, doc, cur)
    height = max(sum(b.height for b in f.blocks) for f in (left, right)) + 4 * mm

    def draw(p: _Pen, y: float) -> None:
        for flow in (left, right):
            top = y - 2 * mm
            for block in flow.blocks:
                block.draw(p, top)
                top -= block.height

    return _Block(height, draw)


def _breakdowns(flow: _Flow, doc: SaleDocument, cur: Currency) -> None:
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    if doc.discounts:
        _section_title(flow, "折扣明細 Discounts")
        for d in doc.discounts:
            flow.pair(_discount_text(d.reason_zh, d.reason_en), _money(-d.amount_minor, cur),
                      _A_BODY)  # fmt: skip
    if doc.taxes:
        _section_title(flow, "稅額明細 Tax breakdown")
        flow.add(_tax_table(flow.t, doc.taxes, cur, flow.width))
    if not doc.payments:
        return
    # A credit note is refunded the way the sale was paid; change is not its business.
    _section_title(flow, "原付款方式 Original payment" if credit else "付款 Payments")
    for p in doc.payments:
        flow.pair(_payment_text(p.method, p.card_last4), _money(p.amount_minor, cur), _A_BODY)
        if p.tendered_minor is not None and p.tendered_minor != p.amount_minor:
            flow.pair("收現 Tendered", _money(p.tendered_minor, cur), _A_SMALL, indent=4 * mm)
        if p.reference:
            flow.pair(_reference_label(p.method), p.reference, _A_SMALL, indent=4 * mm)
    if not credit:
        flow.pair("找零 Change", _money(doc.change_minor, cur), _A_BOLD)


def _totals(flow: _Flow, doc: SaleDocument, cur: Currency) -> None:
    flow.space(3 * mm)
    flow.pair("小計 Subtotal", _money(doc.subtotal_minor, cur), _A_BODY)
    if doc.discount_minor:
        flow.pair("折扣 Discounts", _money(-doc.discount_minor, cur), _A_BODY)
    if doc.added_tax_minor:
        flow.pair("外加稅 Tax added", _money(doc.added_tax_minor, cur), _A_BODY)
    if doc.delivery_fee_minor:
        flow.pair("運費 Delivery", _money(doc.delivery_fee_minor, cur), _A_BODY)
    if doc.rounding_minor:
        flow.pair("尾數調整 Rounding", _money(doc.rounding_minor, cur), _A_BODY)
    flow.rule(weight=1.2, gap=3 * mm)
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    label = "退回金額 Credited" if credit else "總計 Total"
    flow.pair(label, _money(doc.total_minor, cur), _A_TOTAL)
    flow.rule(weight=1.2, gap=3 * mm)
    included = doc.tax_minor - doc.added_tax_minor
    if included:
        flow.pair("內含稅額 Tax included", _money(included, cur), _A_SMALL)


def _tax_table(t: _Type, taxes: Sequence[TaxRow], cur: Currency, width: float) -> _Block:
    """Per rate: the amount before tax (銷售額), the tax (稅額) and both together."""
    head = ("稅率 Rate", "銷售額 Net", "稅額 Tax", "合計 Gross")
    rows = [
        (
            f"{_percent(r.rate_bp)} {'內含 incl.' if r.inclusive else '外加 added'}",
            _money(r.net_minor, cur),
            _money(r.tax_minor, cur),
            _money(r.net_minor + r.tax_minor, cur),
        )
        for r in taxes
    ]
    first = width * 0.34
    rest = (width - first) / 3
    rights = [first + rest * (i + 1) for i in range(3)]
    height = (len(rows) + 1) * _A_BODY.leading + 1.5 * mm

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        x0 = _X0
        base = y - _A_BODY.size
        p.text(x0, base, head[0], _A_SMALL)
        for label, right in zip(head[1:], rights, strict=True):
            p.text(x0 + right, base, label, _A_SMALL, "right")
        c.setStrokeGray(0.8)
        c.setLineWidth(0.4)
        c.line(x0, base - 1.2 * mm, x0 + width, base - 1.2 * mm)
        for row in rows:
            base -= _A_BODY.leading
            p.text(x0, base - 0.8 * mm, row[0], _A_BODY)
            for value, right in zip(row[1:], rights, strict=True):
                p.text(x0 + right, base - 0.8 * mm, value, _A_BODY, "right")

    return _Block(height, draw)


# --- picking list ------------------------------------------------------------------------

_PICK_COLUMNS = (
    _Column("揀", "Pick", 11 * mm, "center"),
    _Column("品號", "SKU", 26 * mm),
    _Column("品名", "Item", 0),
    _Column("數量", "Qty", 20 * mm, "right"),
    _Column("訂單", "Orders", 48 * mm),
)


def render_picking_list(picking: PickingList, *, fonts: DocumentFonts | None = None) -> bytes:
    """A4, shelf by shelf: what to take, how many, for which orders, with a box to tick."""
    fonts = fonts or document_fonts()
    t = _Type(fonts)
    author = picking.shop.name_zh if picking.shop else ""
    page = _A4(t, fonts, "揀貨單 PICKING LIST", picking.batch_id, author)
    if picking.shop is not None:
        page.blocks.append(_head_block(t, picking.shop, "揀貨單", "PICKING LIST", False))
    else:
        flow = page.flow()
        flow.text("揀貨單 PICKING LIST", _A_TITLE)
    orders = picking.order_numbers
    facts = [
        ("批次 Batch", picking.batch_id),
        ("建立時間 Created", _when(picking.created_at)),
        ("訂單數 Orders", str(len(orders))),
        ("品項數 Lines", str(len(picking.items))),
    ]
    who = [("揀貨人 Picker", picking.picker or "")]
    page.blocks.append(_facts_block(t, "揀貨 Picking", who, facts, picking.batch_id))
    table = _Table(t, _PICK_COLUMNS)
    page.blocks.append(_space(2 * mm))
    page.blocks.append(table.header)
    for location, items in picking.by_location():
        page.blocks.append(_location_row(t, location, len(items), table.header))
        for item in items:
            name: list[tuple[str, _Style]] = [(item.name_zh, _A_BODY)]
            if item.name_en and item.name_en != item.name_zh:
                name.append((item.name_en, _A_SMALL))
            cells = [
                _cell(""),
                _cell(item.sku, _A_SMALL),
                _Cell(tuple(name)),
                _cell(_qty(item.qty_milli, item.unit), _A_BOLD),
                _cell(", ".join(item.order_numbers), _A_SMALL),
            ]
            page.blocks.append(table.row(cells, checkbox_column=0))
    flow = page.flow()
    flow.space(8 * mm)
    _signatures(flow, ["揀貨人 Picked by", "覆核 Checked by", "時間 Time"])
    return page.render()


def _location_row(t: _Type, location: str, count: int, header: _Block) -> _Block:
    style = _Style(9.5, bold=True)
    height = style.leading + 2 * _CELL_PAD

    def draw(p: _Pen, y: float) -> None:
        c = p.c
        c.setFillGray(0.96)
        c.rect(_X0, y - height, _CONTENT_W, height, stroke=0, fill=1)
        p.text(_X0 + _CELL_PAD, y - _CELL_PAD - style.size, f"儲位 Location  {location}",
               style)  # fmt: skip
        p.text(_X1 - _CELL_PAD, y - _CELL_PAD - style.size, f"{count} 項 item(s)",
               _A_SMALL, "right")  # fmt: skip

    return _Block(height, draw, header=header, keep_with_next=True)


# --- delivery note -------------------------------------------------------------------------

_DELIVERY_COLUMNS = (
    _Column("#", "", 8 * mm, "right"),
    _Column("品號", "SKU", 28 * mm),
    _Column("品名", "Item", 0),
    _Column("數量", "Qty", 24 * mm, "right"),
    _Column("點收", "Checked", 16 * mm, "center"),
)


def render_delivery_note(note: DeliveryNote, *, fonts: DocumentFonts | None = None) -> bytes:
    """A4 note that travels with the goods: recipient, what is in the parcel, a signature."""
    fonts = fonts or document_fonts()
    t = _Type(fonts)
    page = _A4(t, fonts, "出貨單 DELIVERY NOTE", note.order_number, note.shop.name_zh)
    page.blocks.append(_head_block(t, note.shop, "出貨單", "DELIVERY NOTE", False))
    customer = [
        ("姓名 Name", note.customer_name),
        ("電話 Phone", note.phone),
        ("地址 Address", note.address),
    ]
    facts = [
        ("訂單編號 Order no.", note.order_number),
        ("出貨日期 Shipped", _when(note.issued_at)),
    ]
    if note.requested_date is not None:
        facts.append(("指定到貨 Deliver on", note.requested_date.isoformat()))
    if note.carrier:
        facts.append(("物流 Carrier", note.carrier))
    if note.tracking_number:
        facts.append(("追蹤號碼 Tracking", note.tracking_number))
    page.blocks.append(_facts_block(t, "收件人 Recipient", customer, facts, note.order_number))
    table = _Table(t, _DELIVERY_COLUMNS)
    page.blocks.append(_space(2 * mm))
    page.blocks.append(table.header)
    for n, line in enumerate(note.lines, start=1):
        name: list[tuple[str, _Style]] = [(line.name_zh, _A_BODY)]
        if line.name_en and line.name_en != line.name_zh:
            name.append((line.name_en, _A_SMALL))
        cells = [
            _cell(str(n), _A_SMALL),
            _cell(line.sku, _A_SMALL),
            _Cell(tuple(name)),
            _cell(_qty(line.qty_milli, line.unit), _A_BOLD),
            _cell(""),
        ]
        page.blocks.append(table.row(cells, checkbox_column=4))
    flow = page.flow()
    flow.space(2 * mm)
    flow.text(f"共 {len(note.lines)} 項 {len(note.lines)} line(s)", _A_BODY)
    if note.note:
        flow.space(2 * mm)
        flow.text(f"備註 Note: {note.note}", _A_BODY)
    flow.space(6 * mm)
    flow.text("商品已點收無誤 Goods received complete and in good condition.", _A_SMALL)
    flow.space(4 * mm)
    _signatures(flow, ["簽收人 Received by", "日期 Date", "配送員 Driver"])
    return page.render()
