"""The X and Z reports of a shift on paper: A4 PDF and the thermal printer's ESC/POS.

Both are made from one list of rows (:func:`report_rows`), so the PDF and the
roll always say the same figures in the same words (Chinese first, as every
document of the shop). The PDF is drawn with the same blocks, fonts and
styles as the invoices (``render.py``); the roll with the same ``Ticket`` as
the receipt (``escpos.py``).

An X report (the shift so far) leaves out what the drawer should hold: the
cashier counts blind at the close, and a mid-shift report must not tell them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shop_desktop.domain.money import Currency, Money, currency
from shop_desktop.domain.shift import CASH
from shop_desktop.services.documents.fonts import DocumentFonts, document_fonts
from shop_desktop.services.documents.model import payment_label
from shop_desktop.services.documents.render import (
    _A4,
    _A_BODY,
    _A_BOLD,
    _A_SMALL,
    _A_TITLE,
    _A_TITLE_EN,
    _A_TOTAL,
    _percent,
    _section_title,
    _Type,
    _when,
    mm,
)
from shop_desktop.services.escpos import RECEIPT_WIDTHS, Align, Ticket
from shop_desktop.services.shifts import ShiftReport

__all__ = ["ReportRow", "report_rows", "shift_report_escpos", "shift_report_pdf"]


@dataclass(frozen=True)
class ReportRow:
    """One row of the report: a section title, a label with its figure, or plain text."""

    kind: Literal["section", "pair", "total", "text"]
    label: str
    figure: str = ""


def _money(minor: int | None, cur: Currency) -> str:
    return "" if minor is None else Money(minor, cur).format()


def title(report: ShiftReport) -> tuple[str, str]:
    return ("Z 帳 結班報表", "Z REPORT") if report.closed else ("X 帳 班中報表", "X REPORT")


class _Rows(list[ReportRow]):
    def __init__(self, cur: Currency) -> None:
        super().__init__()
        self.cur = cur

    def section(self, text: str) -> None:
        self.append(ReportRow("section", text))

    def pair(self, label: str, figure: str) -> None:
        self.append(ReportRow("pair", label, figure))

    def money(self, label: str, minor: int | None) -> None:
        self.pair(label, _money(minor, self.cur))

    def total(self, label: str, minor: int | None) -> None:
        self.append(ReportRow("total", label, _money(minor, self.cur)))


def report_rows(report: ShiftReport) -> list[ReportRow]:
    """Everything the report says, top to bottom."""
    rows = _Rows(currency(report.currency_code))
    _head(rows, report)
    _sales(rows, report)
    _tenders(rows, report)
    _cash(rows, report)
    if report.closed:
        _close(rows, report)
    return list(rows)


def _head(rows: _Rows, report: ShiftReport) -> None:
    rows.pair("班別 Shift", f"#{report.number}")
    rows.pair("門市 Branch", report.branch_name)
    rows.pair("收銀機 Till", report.workstation_code)
    rows.pair("營業日 Business day", report.business_day.isoformat())
    rows.pair("開班 Opened", _when(report.opened_at.astimezone()))
    rows.pair("開班人員 Opened by", report.opened_by_name)
    if report.closed_at is not None:
        rows.pair("結班 Closed", _when(report.closed_at.astimezone()))
        rows.pair("結班人員 Closed by", report.closed_by_name)


def _sales(rows: _Rows, report: ShiftReport) -> None:
    t = report.totals
    rows.section("銷售 Sales")
    rows.pair("交易筆數 Number of sales", str(t.sales_count))
    rows.money("銷售總額 Sales", t.sales_minor)
    rows.money("折扣 Discounts", t.discount_minor)
    rows.pair("作廢筆數 Voids", str(t.void_count))
    rows.money("作廢金額 Voided", t.void_minor)
    rows.money("退款 Refunds", t.refund_minor)
    rows.total("淨銷售額 Net sales", t.net_sales_minor)
    rows.section("稅額 Tax")
    for rate, tax in t.taxes.items():
        rows.money(f"營業稅 VAT {_percent(rate)}", tax)
    rows.money("稅額合計 Tax total", t.tax_minor)
    rows.section("收銀員 Staff")
    for key, (amount, count) in t.staff.items():
        rows.money(f"{report.staff_names.get(key, key[:8])} ({count})", amount)


def _tenders(rows: _Rows, report: ShiftReport) -> None:
    t = report.totals
    rows.section("付款方式 Tenders")
    for method in sorted(set(t.tenders) | set(t.refunds)):
        zh, en = payment_label(method)
        amount, count = t.tenders.get(method, (0, 0))
        rows.money(f"{zh} {en} ({count})", amount)
        if method in t.refunds:
            refunded, times = t.refunds[method]
            rows.money(f"  退款 Refunds {zh} {en} ({times})", -refunded)
        rows.money(f"  淨額 Net {zh} {en}", t.net_tender(method))


def _cash(rows: _Rows, report: ShiftReport) -> None:
    t = report.totals
    rows.section("現金 Cash")
    rows.money("開班零用金 Float", report.float_minor)
    rows.money("現金銷售 Cash sales", t.tenders.get(CASH, (0, 0))[0])
    rows.money("現金退款 Cash refunds", -t.refunds.get(CASH, (0, 0))[0])
    rows.money(f"存入 Cash in ({t.cash_in_count})", t.cash_in_minor)
    rows.money(f"取出 Cash out ({t.cash_out_count})", -t.cash_out_minor)
    for m in report.cash_movements:
        sign = 1 if m.into_drawer else -1
        who = m.staff_name + (f" / {m.approved_by_name}" if m.approved_by_name else "")
        when = _when(m.at.astimezone())[11:16]
        rows.money(f"  {when} {m.reason} ({who})", sign * m.amount_minor)


def _close(rows: _Rows, report: ShiftReport) -> None:
    """What only the close has: the blind count against what was expected, and what is open."""
    rows.total("應有現金 Expected cash", report.expected_cash_minor)
    rows.total("實點現金 Counted cash", report.counted_minor)
    rows.total("差額 Variance", report.variance_minor)
    if report.variance_note:
        rows.pair("差額說明 Note", report.variance_note)
    if report.variance_approved_by_name:
        rows.pair("主管核可 Approved by", report.variance_approved_by_name)
    rows.section("點鈔 Count")
    for value, pieces in sorted(report.counts.items(), reverse=True):
        if pieces:
            rows.money(f"{_money(value, rows.cur)} × {pieces}", value * pieces)
    rows.section("結班時未結 Open at close")
    if not report.open_orders:
        rows.append(ReportRow("text", "無 None"))
    for order in report.open_orders:
        kind = "掛單 Parked" if order.kind == "parked_cart" else "未付款 Unpaid"
        rows.money(f"{kind} {order.reference}", order.total_minor)


def shift_report_pdf(report: ShiftReport, *, fonts: DocumentFonts | None = None) -> bytes:
    """The report on A4, paginated with its title and page numbers on every page."""
    fonts = fonts or document_fonts()
    t = _Type(fonts)
    zh, en = title(report)
    page = _A4(t, fonts, f"{zh} {en}", f"#{report.number}", report.branch_name)
    flow = page.flow()
    flow.text(zh, _A_TITLE)
    flow.text(en, _A_TITLE_EN)
    flow.rule(weight=1.0)
    for row in report_rows(report):
        if row.kind == "section":
            flow.space(2 * mm)
            _section_title(flow, row.label)
        elif row.kind == "total":
            flow.pair(row.label, row.figure, _A_BOLD, right_style=_A_TOTAL)
        elif row.kind == "text":
            flow.text(row.label, _A_SMALL)
        else:
            flow.pair(row.label, row.figure, _A_BODY)
    return page.render()


def shift_report_escpos(report: ShiftReport, *, width_chars: int = 48) -> bytes:
    """The report for the thermal printer, cut at the end."""
    if width_chars not in RECEIPT_WIDTHS:
        raise ValueError(f"a receipt is {RECEIPT_WIDTHS} columns wide, not {width_chars}")
    zh, en = title(report)
    ticket = Ticket(width_chars)
    ticket.align(Align.CENTER).bold().double().text(zh).double(False).text(en).bold(False)
    ticket.align(Align.LEFT).rule("=")
    for row in report_rows(report):
        if row.kind == "section":
            ticket.rule().bold().text(row.label).bold(False)
        elif row.kind == "total":
            ticket.bold().pair(row.label, row.figure).bold(False)
        elif row.kind == "text":
            ticket.text(row.label)
        else:
            ticket.pair(row.label, row.figure)
    return ticket.rule("=").feed(3).cut().to_bytes()
