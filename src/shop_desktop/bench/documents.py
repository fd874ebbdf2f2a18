"""How fast the till prints, and what the printed documents look like.

``bench_invoice`` times a realistic 10-line receipt and a 30-line A4 invoice
(``shop-admin bench invoice``): the receipt is printed while the customer
waits, so it must stay well under what a thermal printer takes to start
(targets: receipt p95 <= 30 ms, invoice p95 <= 60 ms). No database is
needed: the documents are built here from sample goods with Chinese names.

``render_samples`` writes every kind of document as a PNG of its first page
(``docs/documents``), so a layout change can be looked at before it reaches
a shop. It renders with ``pypdfium2`` (a development dependency), no system tool.

Command line (JSON on the last line, like ``shop-admin bench``)::

    python -m shop_desktop.bench.documents bench [--rounds N]
    python -m shop_desktop.bench.documents samples [FOLDER]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

from shop_desktop.bench.stats import summary
from shop_desktop.domain.money import half_up, line_gross_minor, tax_in_gross_bp
from shop_desktop.services.documents.fonts import document_fonts
from shop_desktop.services.documents.model import (
    MILLI,
    DeliveryLine,
    DeliveryNote,
    DocDiscount,
    DocLine,
    DocPayment,
    DocumentKind,
    PickingList,
    PickItem,
    SaleDocument,
    ShopInfo,
    TaxRow,
)
from shop_desktop.services.documents.render import (
    render_credit_note,
    render_delivery_note,
    render_invoice,
    render_picking_list,
    render_receipt,
)

__all__ = [
    "INVOICE_P95_TARGET_MS",
    "RECEIPT_P95_TARGET_MS",
    "SAMPLE_SHOP",
    "TAIPEI",
    "bench_invoice",
    "render_samples",
    "sample_delivery_note",
    "sample_picking_list",
    "sample_sale",
]

RECEIPT_P95_TARGET_MS = 30.0
INVOICE_P95_TARGET_MS = 60.0
TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")
#: A fixed moment, so the samples (and their bytes) never change by themselves.
SAMPLE_AT = datetime(2026, 11, 20, 14, 35, 12, tzinfo=TAIPEI)

SAMPLE_SHOP = ShopInfo(
    name_zh="好日子超市 台北信義店",
    name_en="Good Day Market, Taipei Xinyi",
    address="台北市信義區松仁路100號",
    phone="02-2720-1000",
    tax_id="24536806",
    branch_code="B01",
    workstation_code="POS1",
)


class _Goods(NamedTuple):
    sku: str
    name_zh: str
    name_en: str
    price_minor: int
    unit: str
    tax_rate_bp: int
    #: Quantity sold on a sample line, in thousandths.
    qty_milli: int


# Packaged goods carry 5 % VAT inside the price; unprocessed farm and fish
# produce is exempt (0 %), which gives the invoice two tax rates.
#: sku | name zh | name en | price | unit | tax rate (bp) | quantity on a sample line (milli)
_GOODS_TABLE = """
4710088410129 | 光泉 鮮乳 936ml | Kuang Chuan Fresh Milk 936ml | 95 | pc | 500 | 2000
4710018000123 | 統一 麥香紅茶 300ml | Uni-President Black Tea 300ml | 15 | pc | 500 | 6000
2100001000017 | 屏東 香蕉 | Pingtung Bananas | 60 | kg | 0 | 1250
4710105030118 | 義美 小泡芙 巧克力 57g | I-Mei Puff Chocolate 57g | 35 | pc | 500 | 3000
4710063031513 | 金車 伯朗咖啡 240ml | King Car Mr. Brown Coffee 240ml | 25 | pc | 500 | 4000
4710126041008 | 黑松 沙士 600ml | Hey Song Sarsaparilla 600ml | 29 | pc | 500 | 2000
4710199010119 | 味全 林鳳營 鮮乳 936ml | Wei Chuan Fresh Milk 936ml | 99 | pc | 500 | 1000
4710008211020 | 桂格 大燕麥片 1100g | Quaker Instant Oats 1100g | 169 | pc | 500 | 1000
2100002000014 | 梨山 高麗菜 | Lishan Cabbage | 45 | kg | 0 | 1820
4710043001010 | 台糖 安心豚 梅花肉片 300g | Taisugar Pork Collar Slices 300g | 159 | pc | 500 | 1000
4710088620122 | 愛之味 牛奶花生 340g | Agv Peanuts in Milk 340g | 32 | pc | 500 | 3000
4719859300011 | 五木 拉麵 480g | Wu Mu Ramen Noodles 480g | 55 | pc | 500 | 2000
4710174010059 | 維力 炸醬麵 (5入) | Weili Fried Sauce Noodles, 5-pack | 89 | pack | 500 | 1000
4710110220012 | 泰山 純水 1500ml | Taisun Pure Water 1500ml | 22 | pc | 500 | 6000
4713507000016 | 舒潔 衛生紙 100抽x12包 | Kleenex Tissue 100 sheets x 12 | 229 | pack | 500 | 1000
4710032501010 | 白蘭 洗衣精 2.7kg | Bailan Laundry Detergent 2.7 kg | 199 | pc | 500 | 1000
2100003000011 | 台灣 鯛魚片 | Taiwan Tilapia Fillet | 320 | kg | 0 | 640
4710015103148 | 統一 肉燥麵 (5入) | Uni-President Pork Noodles, 5-pack | 79 | pack | 500 | 1000
4710421051017 | 可口可樂 1250ml | Coca-Cola 1250ml | 45 | pc | 500 | 2000
4710094106138 | 義美 豆漿 450ml | I-Mei Soy Milk 450ml | 25 | pc | 500 | 4000
4711162821017 | 珍珠 香米 3kg | Pearl Fragrant Rice 3 kg | 239 | pc | 500 | 1000
4710046011412 | 金蘭 醬油 1000ml | Kimlan Soy Sauce 1000ml | 89 | pc | 500 | 1000
4711402150111 | 乖乖 玉米脆條 奶油椰子 52g | Kuai Kuai Corn Puffs Coconut 52g | 20 | pc | 500 | 5000
4710755050014 | 台灣啤酒 經典 330ml (6入) | Taiwan Beer 330ml, 6-pack | 198 | pack | 500 | 1000
"""


def _goods(table: str) -> tuple[_Goods, ...]:
    rows = (line.split(" | ") for line in table.strip().splitlines())
    return tuple(
        _Goods(sku, zh, en, int(price), unit, int(rate), int(qty))
        for sku, zh, en, price, unit, rate, qty in rows
    )


_GOODS = _goods(_GOODS_TABLE)

_MEMBER = ("會員九折", "Members 10% off", 10)
_CLEARANCE = ("即期品八折", "Clearance 20% off", 20)
_STAFF = ("店員折扣", "Staff discount", 5)


def _sample_lines(count: int) -> list[DocLine]:
    """count lines cycling through the goods; some with one or two discounts."""
    lines: list[DocLine] = []
    for n in range(count):
        goods = _GOODS[n % len(_GOODS)]
        qty = goods.qty_milli + (n // len(_GOODS)) * (MILLI if goods.unit != "kg" else 115)
        gross = line_gross_minor(qty, goods.price_minor)
        reasons = []
        if n % 4 == 1:
            reasons.append(_MEMBER)
        if n % 9 == 5:
            reasons.append(_CLEARANCE)
        if n % 13 == 7:
            reasons.append(_STAFF)
        discounts: list[DocDiscount] = []
        left = gross
        for zh, en, percent in reasons:
            off = half_up(left * percent, 100)
            discounts.append(DocDiscount(zh, en, off))
            left -= off
        net = left
        rate = goods.tax_rate_bp
        tax = tax_in_gross_bp(net, rate)
        lines.append(
            DocLine(
                sku=goods.sku,
                name_zh=goods.name_zh,
                name_en=goods.name_en,
                qty_milli=qty,
                unit=goods.unit,
                unit_price_minor=goods.price_minor,
                discount_minor=gross - net,
                discounts=tuple(discounts),
                line_total_minor=net,
                tax_rate_bp=rate,
                tax_minor=tax,
            )
        )
    return lines


def _credit_note_number(invoice_no: str, serial: int = 1) -> str:
    """The number the till would give a credit note for ``invoice_no``.

    Credit notes have their own gapless series per workstation,
    ``<invoice prefix>-CN-<6 digits>`` (see ``services.orders``), so the sample
    shows what a shop will really print rather than a number derived from the
    invoice's.
    """
    prefix, _, _serial = invoice_no.rpartition("-")
    return f"{prefix or invoice_no}-CN-{serial:06d}"


def sample_sale(
    kind: DocumentKind = DocumentKind.RECEIPT,
    *,
    lines: int = 10,
    copy: bool = False,
    buyer_name: str = "",
    buyer_tax_id: str = "",
    pay_by_card: bool = False,
    number: str = "B01-POS1-00001234",
) -> SaleDocument:
    """A sale of ``lines`` lines with figures that add up as the till's would.

    Prices include 5 % VAT (0 % for farm produce); every fourth line has a
    member discount, some a clearance or staff discount on top. Paid in cash
    (change from the next hundred), or by card with the odd amount in cash.
    """
    doc_lines = _sample_lines(lines)
    subtotal = sum(line.gross_minor for line in doc_lines)
    discount = sum(line.discount_minor for line in doc_lines)
    total = sum(line.line_total_minor for line in doc_lines)
    by_reason: dict[tuple[str, str], int] = {}
    for line in doc_lines:
        for d in line.discounts:
            key = (d.reason_zh, d.reason_en)
            by_reason[key] = by_reason.get(key, 0) + d.amount_minor
    groups: dict[int, list[int]] = {}
    for line in doc_lines:
        group = groups.setdefault(line.tax_rate_bp, [0, 0])
        group[0] += line.line_total_minor - line.tax_minor
        group[1] += line.tax_minor
    taxes = tuple(TaxRow(rate, True, net, tax) for rate, (net, tax) in sorted(groups.items()))
    if pay_by_card:
        cash = total % 100
        payments: tuple[DocPayment, ...] = (
            DocPayment("card", total - cash, reference="A81234", card_last4="4321"),
        )
        if cash:
            payments += (DocPayment("cash", cash, tendered_minor=100, change_minor=100 - cash),)
    else:
        tendered = -(-total // 100) * 100
        if tendered == total:
            tendered += 100
        change = tendered - total
        payments = (DocPayment("cash", total, tendered_minor=tendered, change_minor=change),)
    credit = kind is DocumentKind.CREDIT_NOTE
    return SaleDocument(
        kind=kind,
        number=_credit_note_number(number) if credit else number,
        order_number=number,
        issued_at=SAMPLE_AT,
        shop=SAMPLE_SHOP,
        cashier="王小明",
        lines=tuple(doc_lines),
        subtotal_minor=subtotal,
        discounts=tuple(DocDiscount(zh, en, amount) for (zh, en), amount in by_reason.items()),
        discount_minor=discount,
        taxes=taxes,
        tax_minor=sum(t.tax_minor for t in taxes),
        delivery_fee_minor=0,
        rounding_minor=0,
        total_minor=total,
        payments=payments,
        change_minor=sum(p.change_minor for p in payments),
        buyer_name=buyer_name,
        buyer_tax_id=buyer_tax_id,
        original_invoice_no=number if credit else "",
        copy=copy,
        void_reason="商品瑕疵退貨 Returned: damaged goods" if credit else "",
    )


def sample_picking_list(orders: int = 6) -> PickingList:
    """A picking batch of several web orders, spread over a few aisles."""
    items: list[PickItem] = []
    for n, goods in enumerate(_GOODS[:18]):
        aisle = "A" if goods.tax_rate_bp == 0 else ("B" if goods.price_minor < 60 else "C")
        location = f"{aisle}-{(n % 4) + 1:02d}-{(n % 3) + 1}"
        numbers = tuple(f"W-20261120-{(n * 7 + k * 3) % orders + 1:04d}" for k in range(1 + n % 3))
        items.append(
            PickItem(
                location=location,
                sku=goods.sku,
                name_zh=goods.name_zh,
                name_en=goods.name_en,
                qty_milli=goods.qty_milli * len(set(numbers)),
                unit=goods.unit,
                order_numbers=tuple(sorted(set(numbers))),
            )
        )
    return PickingList(
        batch_id="PK-20261120-03",
        created_at=SAMPLE_AT,
        items=tuple(items),
        shop=SAMPLE_SHOP,
        picker="陳美玲",
    )


def sample_delivery_note() -> DeliveryNote:
    """A home delivery of a weekly shop."""
    return DeliveryNote(
        order_number="W-20261120-0005",
        issued_at=SAMPLE_AT,
        shop=SAMPLE_SHOP,
        customer_name="林志豪",
        phone="0912-345-678",
        address="台北市大安區忠孝東路四段216巷27弄5號3樓",
        lines=tuple(
            DeliveryLine(g.sku, g.name_zh, g.name_en, g.qty_milli, g.unit) for g in _GOODS[:9]
        ),
        requested_date=date(2026, 11, 21),
        carrier="黑貓宅急便 T-Cat",
        tracking_number="9050-1234-5678",
        note="請放管理室 Please leave at the front desk.",
    )


# --- benchmark --------------------------------------------------------------------------


def _time(
    render: Callable[[SaleDocument], bytes], doc: SaleDocument, rounds: int
) -> tuple[list[float], int]:
    """Each round prints a sale of its own number: nothing cached for one order
    (its QR code) makes the next look faster than a new sale would be."""
    size = 0
    for _ in range(3):  # warm-up: imports, the font's tables, text widths
        size = len(render(doc))
    docs = [
        dataclasses.replace(doc, number=f"{doc.number}-{n}", order_number=f"{doc.number}-{n}")
        for n in range(rounds)
    ]
    times: list[float] = []
    for each in docs:
        started = time.perf_counter()
        render(each)
        times.append(time.perf_counter() - started)
    return times, size


def bench_invoice(rounds: int = 200) -> dict[str, Any]:
    """Render a 10-line receipt and a 30-line A4 invoice ``rounds`` times each."""
    rounds = max(rounds, 1)
    started = time.perf_counter()
    fonts = document_fonts()
    font_ms = round((time.perf_counter() - started) * 1000, 3)
    receipt = sample_sale(DocumentKind.RECEIPT, lines=10)
    invoice = sample_sale(
        DocumentKind.INVOICE,
        lines=30,
        buyer_name="大同資訊股份有限公司",
        buyer_tax_id="12345675",
        pay_by_card=True,
    )
    receipt_times, receipt_bytes = _time(render_receipt, receipt, rounds)
    invoice_times, invoice_bytes = _time(render_invoice, invoice, rounds)
    receipt_figures = {**summary(receipt_times), "lines": 10, "bytes": receipt_bytes}
    invoice_figures = {**summary(invoice_times), "lines": 30, "bytes": invoice_bytes}
    return {
        "receipt": receipt_figures,
        "invoice": invoice_figures,
        "font": {
            "source": fonts.source,
            "embedded": fonts.embedded,
            "first_use_ms": font_ms,
        },
        "targets": {
            "receipt_p95_ms": RECEIPT_P95_TARGET_MS,
            "invoice_p95_ms": INVOICE_P95_TARGET_MS,
        },
        "within_targets": receipt_figures["p95_ms"] <= RECEIPT_P95_TARGET_MS
        and invoice_figures["p95_ms"] <= INVOICE_P95_TARGET_MS,
    }


# --- samples ----------------------------------------------------------------------------


def _sample_pdfs() -> dict[str, bytes]:
    return {
        "receipt": render_receipt(sample_sale(DocumentKind.RECEIPT, lines=10)),
        "receipt_copy": render_receipt(
            sample_sale(
                DocumentKind.RECEIPT, lines=4, copy=True, pay_by_card=True, buyer_tax_id="12345675"
            )
        ),
        "invoice": render_invoice(
            sample_sale(
                DocumentKind.INVOICE,
                lines=30,
                buyer_name="大同資訊股份有限公司",
                buyer_tax_id="12345675",
                pay_by_card=True,
            )
        ),
        "invoice_copy": render_invoice(sample_sale(DocumentKind.INVOICE, lines=8, copy=True)),
        "credit_note": render_credit_note(
            sample_sale(
                DocumentKind.CREDIT_NOTE,
                lines=5,
                buyer_name="大同資訊股份有限公司",
                buyer_tax_id="12345675",
            )
        ),
        "picking_list": render_picking_list(sample_picking_list()),
        "delivery_note": render_delivery_note(sample_delivery_note()),
    }


def render_samples(folder: Path, *, dpi: int = 100) -> list[Path]:
    """Write each sample document's first page as ``folder/<name>.png``; returns the files."""
    import pypdfium2  # type: ignore[import-untyped,unused-ignore]

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, pdf in _sample_pdfs().items():
        document = pypdfium2.PdfDocument(pdf)
        try:
            picture = document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
        target = folder / f"{name}.png"
        picture.save(target, format="PNG")
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_desktop.bench.documents")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("bench", help="time a receipt and a 30-line invoice")
    bench.add_argument("--rounds", type=int, default=200)
    samples = commands.add_parser("samples", help="render every document's first page as PNG")
    samples.add_argument("folder", type=Path, nargs="?", default=Path("docs/documents"))
    args = parser.parse_args(argv)
    if args.command == "bench":
        print(json.dumps(bench_invoice(args.rounds), ensure_ascii=False))
    else:
        for path in render_samples(args.folder):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
