"""Printed documents, read back as a customer, the tax office or a picker would.

Every PDF here is real: rendered with ReportLab and read back with PDFium
(``tests/pdf_reading.py``: the words as laid out, the fonts and whether they
travel inside, the pages). Expected figures are worked out by hand in each test, not taken
from the code under test. The loader is tested on sales really committed to
the demo shop's database.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select
from tests.pdf_reading import pdf_fonts, pdf_page_count, pdf_page_size, pdf_text
from tests.shop_rows import half_up

from shop_desktop.bench.documents import render_samples, sample_sale
from shop_desktop.data.db import Database
from shop_desktop.data.models import Order, PaymentMethod, Product, StaffUser, TaxClass
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.money import TWD
from shop_desktop.domain.pricing import (
    PricingContext,
    Promotion,
    PromotionKind,
    Target,
    price_cart,
)
from shop_desktop.resources import resource_path
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.documents import (
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
    UnknownOrder,
    document_fonts,
    render_credit_note,
    render_delivery_note,
    render_invoice,
    render_picking_list,
    render_receipt,
    render_sale_document,
    sale_document,
)
from shop_desktop.services.documents.fonts import CID_FALLBACK, find_document_fonts
from shop_desktop.services.documents.load import DocumentProblem
from shop_desktop.services.orders import void_invoice
from shop_desktop.services.sale import cart_product, sale_draft

TAIPEI = timezone(timedelta(hours=8))
ISSUED = datetime(2026, 11, 20, 14, 35, 12, tzinfo=TAIPEI)
SHOP = ShopInfo(
    name_zh="好日子超市 台北信義店",
    name_en="Good Day Market, Taipei Xinyi",
    address="台北市信義區松仁路100號",
    phone="02-2720-1000",
    tax_id="24536806",
    branch_code="B01",
    workstation_code="POS1",
)
#: The TrueType Chinese font the app ships for its documents.
WQY = resource_path("fonts", "wqy-microhei.ttc")


# --- reading PDFs back --------------------------------------------------------------


def text_of(pdf: bytes, page: int | None = None, *, raw: bool = False) -> str:
    """The words as laid out on the page, or (raw) in the order they were written."""
    return pdf_text(pdf, page, raw=raw)


def page_count(pdf: bytes) -> int:
    return pdf_page_count(pdf)


def page_size(pdf: bytes) -> tuple[float, float]:
    return pdf_page_size(pdf)


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) for each font the PDF uses."""
    return pdf_fonts(pdf)


def amount_after(label: str, text: str) -> str:
    """The amount printed on the same line, right of a label."""
    found = re.search(re.escape(label) + r"\s+(-?NT\$[\d,]+)", text)
    assert found is not None, f"{label!r} with an amount not found in:\n{text}"
    return found.group(1)


# --- documents built by hand ------------------------------------------------------------


def line(
    sku: str,
    zh: str,
    en: str,
    qty_milli: int,
    price: int,
    *,
    rate: int = 500,
    unit: str = "pc",
    off: tuple[DocDiscount, ...] = (),
) -> DocLine:
    gross = half_up(qty_milli * price, 1000)
    net = gross - sum(d.amount_minor for d in off)
    return DocLine(
        sku=sku,
        name_zh=zh,
        name_en=en,
        qty_milli=qty_milli,
        unit=unit,
        unit_price_minor=price,
        discount_minor=gross - net,
        discounts=off,
        line_total_minor=net,
        tax_rate_bp=rate,
        tax_minor=half_up(net * rate, 10_000 + rate),
    )


MEMBER = DocDiscount("會員九折", "Members 10% off", 19)
# 2 x 95 = 190, less 19 -> 171 (tax 8); 6 x 15 = 90 (tax 4); 1.250 kg x 60 = 75 (exempt).
LINES = (
    line(
        "4710088410129", "光泉 鮮乳 936ml", "Kuang Chuan Fresh Milk 936ml", 2000, 95, off=(MEMBER,)
    ),
    line("4710018000123", "統一 麥香紅茶 300ml", "Uni-President Black Tea 300ml", 6000, 15),
    line("2100001000017", "屏東 香蕉", "Pingtung Bananas", 1250, 60, rate=0, unit="kg"),
)


def a_sale(kind: DocumentKind = DocumentKind.RECEIPT, **changes: Any) -> SaleDocument:
    fields: dict[str, Any] = {
        "kind": kind,
        "number": "B01-POS1-00000042",
        "order_number": "B01-POS1-00000042",
        "issued_at": ISSUED,
        "shop": SHOP,
        "cashier": "王小明",
        "lines": LINES,
        "subtotal_minor": 190 + 90 + 75,
        "discounts": (MEMBER,),
        "discount_minor": 19,
        "taxes": (TaxRow(0, True, 75, 0), TaxRow(500, True, 171 + 90 - 12, 12)),
        "tax_minor": 12,
        "delivery_fee_minor": 0,
        "rounding_minor": 0,
        "total_minor": 336,
        "payments": (DocPayment("cash", 336, tendered_minor=500, change_minor=164),),
        "change_minor": 164,
    }
    return SaleDocument(**{**fields, **changes})


def test_the_hand_made_sale_adds_up() -> None:
    doc = a_sale()
    assert [x.line_total_minor for x in doc.lines] == [171, 90, 75]
    assert [x.tax_minor for x in doc.lines] == [8, 4, 0]
    assert sum(x.line_total_minor for x in doc.lines) == doc.total_minor


# --- the receipt -----------------------------------------------------------------------


def test_receipt_shows_what_was_bought_the_totals_and_the_change(tmp_path: Path) -> None:
    pdf = render_receipt(a_sale())
    text = text_of(pdf)

    assert page_count(pdf) == 1
    width, _ = page_size(pdf)
    assert width == pytest.approx(80 / 25.4 * 72, abs=0.5)
    for name in ("光泉 鮮乳 936ml", "統一 麥香紅茶 300ml", "屏東 香蕉", "Pingtung Bananas"):
        assert name in text
    assert "好日子超市 台北信義店" in text
    assert "統一編號 Tax ID 24536806" in text
    assert amount_after("2 x NT$95", text) == "NT$190"
    assert amount_after("會員九折 Members 10% off", text) == "-NT$19"
    assert "1.250 kg x NT$60/kg" in text
    assert amount_after("小計 Subtotal", text) == "NT$355"
    assert amount_after("折扣 Discount", text) == "-NT$19"
    assert amount_after("總計 TOTAL", text) == "NT$336"
    assert amount_after("營業稅 VAT 5% (內含 incl.)", text) == "NT$12"
    assert amount_after("現金 Cash", text) == "NT$336"
    assert amount_after("收現 Tendered", text) == "NT$500"
    assert amount_after("找零 Change", text) == "NT$164"
    assert "B01-POS1-00000042" in text
    assert "2026-11-20 14:35:12" in text
    assert "王小明" in text
    assert "副本" not in text
    assert "COPY" not in text


def test_receipt_grows_with_the_sale_but_stays_one_page(tmp_path: Path) -> None:
    short = render_receipt(sample_sale(lines=3))
    long = render_receipt(sample_sale(lines=60))
    assert page_count(long) == 1
    assert page_size(long)[1] > page_size(short)[1] * 3


def test_receipt_shows_card_and_buyer_tax_id(tmp_path: Path) -> None:
    doc = a_sale(
        buyer_tax_id="12345675",
        payments=(
            DocPayment("card", 300, reference="A81234", card_last4="4321"),
            DocPayment("alipay", 36, reference="2026112022001400"),
        ),
        change_minor=0,
    )
    text = text_of(render_receipt(doc))
    assert re.search(r"買方統編 Buyer tax ID\s+12345675", text)
    assert amount_after("信用卡 Card ****4321", text) == "NT$300"
    assert re.search(r"授權碼 Approval\s+A81234", text)
    assert amount_after("支付寶 Alipay", text) == "NT$36"
    assert amount_after("找零 Change", text) == "NT$0"


# --- invoice and credit note ---------------------------------------------------------


def test_invoice_has_buyer_lines_tax_per_rate_payments_and_totals(tmp_path: Path) -> None:
    doc = a_sale(DocumentKind.INVOICE, buyer_name="大同資訊股份有限公司", buyer_tax_id="12345675")
    pdf = render_invoice(doc)
    text = text_of(pdf)

    assert width_is_a4(pdf)
    assert "發票" in text
    assert "INVOICE" in text
    assert re.search(r"發票號碼 Invoice no\.\s+B01-POS1-00000042", text)
    assert "大同資訊股份有限公司" in text
    assert re.search(r"統一編號 Tax ID\s+12345675", text)
    assert "光泉 鮮乳 936ml" in text
    assert "Kuang Chuan Fresh Milk 936ml" in text
    # The line's own discount, then what the customer pays for it.
    assert re.search(r"光泉 鮮乳 936ml\s+2\s+NT\$95\s+-NT\$19\s+5%\s+NT\$171", text)
    assert re.search(r"屏東 香蕉\s+1\.250 kg\s+NT\$60\s+0%\s+NT\$75", text)
    # Tax per rate: before tax, tax, both.
    assert re.search(r"5% 內含 incl\.\s+NT\$249\s+NT\$12\s+NT\$261", text)
    assert re.search(r"0% 內含 incl\.\s+NT\$75\s+NT\$0\s+NT\$75", text)
    assert amount_after("會員九折 Members 10% off", text) == "-NT$19"
    assert amount_after("小計 Subtotal", text) == "NT$355"
    assert amount_after("總計 Total", text) == "NT$336"
    assert amount_after("內含稅額 Tax included", text) == "NT$12"
    assert amount_after("現金 Cash", text) == "NT$336"
    assert amount_after("找零 Change", text) == "NT$164"
    assert "第 1 / 1 頁" in text
    assert "副本" not in text
    assert "COPY" not in text


def width_is_a4(pdf: bytes) -> bool:
    width, height = page_size(pdf)
    return abs(width - 595.28) < 1 and abs(height - 841.89) < 1


def test_invoice_without_buyer_tax_id_is_for_a_consumer(tmp_path: Path) -> None:
    text = text_of(render_invoice(a_sale(DocumentKind.INVOICE)))
    assert "一般消費者 Consumer" in text
    assert "12345675" not in text


def test_credit_note_names_the_invoice_it_corrects(tmp_path: Path) -> None:
    doc = a_sale(
        DocumentKind.CREDIT_NOTE,
        number="CN-B01-POS1-00000042",
        original_invoice_no="B01-POS1-00000042",
        buyer_tax_id="12345675",
        void_reason="商品瑕疵 Damaged goods",
    )
    pdf = render_credit_note(doc)
    text = text_of(pdf)
    assert width_is_a4(pdf)
    assert "折讓單／作廢" in text
    assert "CREDIT NOTE" in text
    assert re.search(r"折讓單號 Credit note\s+CN-B01-POS1-00000042", text)
    assert re.search(r"原發票 Original inv\.\s+B01-POS1-00000042", text)
    assert "商品瑕疵 Damaged goods" in " ".join(text.split())
    assert re.search(r"統一編號 Tax ID\s+12345675", text)
    assert amount_after("退回金額 Credited", text) == "NT$336"
    assert "買受人簽章" in text
    assert "找零" not in text
    assert "副本" not in text


def test_credit_note_without_an_invoice_number_is_refused() -> None:
    with pytest.raises(ValueError, match="invoice"):
        a_sale(DocumentKind.CREDIT_NOTE)
    with pytest.raises(ValueError, match="credit note"):
        render_credit_note(a_sale(DocumentKind.INVOICE))


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_only_a_reprint_says_copy(kind: DocumentKind, tmp_path: Path) -> None:
    extra = {"original_invoice_no": "B01-POS1-00000041"} if kind is DocumentKind.CREDIT_NOTE else {}
    original = text_of(render_sale_document(a_sale(kind, **extra)))
    reprint = text_of(render_sale_document(a_sale(kind, copy=True, **extra)))
    assert "副本" not in original
    assert "COPY" not in original
    assert "副本" in reprint
    assert "COPY" in reprint


def test_the_same_document_gives_the_same_bytes() -> None:
    for render, doc in (
        (render_receipt, a_sale()),
        (render_invoice, a_sale(DocumentKind.INVOICE)),
    ):
        assert render(doc) == render(dataclasses.replace(doc))
        assert render(doc) != render(dataclasses.replace(doc, copy=True))


def test_a_long_invoice_repeats_the_table_header_on_every_page(tmp_path: Path) -> None:
    doc = sample_sale(DocumentKind.INVOICE, lines=120, buyer_tax_id="12345675")
    pdf = render_invoice(doc)
    pages = page_count(pdf)
    assert pages >= 3
    texts = [text_of(pdf, page=n) for n in range(1, pages + 1)]
    for n, text in enumerate(texts, start=1):
        assert "品名" in text
        assert "Description" in text
        assert "Unit price" in text
        assert f"第 {n} / {pages} 頁" in text
        assert "B01-POS1-00001234" in text
    assert "(續 continued)" not in texts[0]
    assert all("(續 continued)" in text for text in texts[1:])
    # Every line is printed once, in order, and the totals come after the last one.
    numbers = [
        int(m.group(1))
        for text in texts
        for m in re.finditer(r"^\s*(\d{1,3})\s+\d{13}\b", text, re.MULTILINE)
    ]
    assert numbers == list(range(1, 121))
    assert "總計 Total" not in "".join(texts[:-1])
    total = f"NT${doc.total_minor:,}"
    assert amount_after("總計 Total", texts[-1]) == total


# --- warehouse papers ------------------------------------------------------------------


def test_picking_list_is_walked_shelf_by_shelf(tmp_path: Path) -> None:
    picking = PickingList(
        batch_id="PK-20261120-03",
        created_at=ISSUED,
        items=(
            PickItem(
                "B-02-1",
                "4710018000123",
                "統一 麥香紅茶 300ml",
                "Black Tea 300ml",
                12000,
                order_numbers=("W-0002", "W-0005"),
            ),
            PickItem(
                "A-01-2",
                "2100001000017",
                "屏東 香蕉",
                "Pingtung Bananas",
                2500,
                "kg",
                order_numbers=("W-0003",),
            ),
            PickItem(
                "B-02-1",
                "4710110220012",
                "泰山 純水 1500ml",
                "Pure Water 1500ml",
                6000,
                order_numbers=("W-0002",),
            ),
        ),
        shop=SHOP,
        picker="陳美玲",
    )
    text = text_of(render_picking_list(picking))
    assert "揀貨單" in text
    assert "PICKING LIST" in text
    assert re.search(r"批次 Batch\s+PK-20261120-03", text)
    assert re.search(r"訂單數 Orders\s+3", text)
    assert "陳美玲" in text
    shelf_a = text.index("儲位 Location A-01-2")
    shelf_b = text.index("儲位 Location B-02-1")
    assert shelf_a < text.index("屏東 香蕉") < shelf_b
    assert shelf_b < text.index("統一 麥香紅茶 300ml") < text.index("泰山 純水 1500ml")
    assert re.search(r"屏東 香蕉\s+2\.500 kg\s+W-0003", text)
    assert re.search(r"統一 麥香紅茶 300ml\s+12\s+W-0002, W-0005", text)
    assert "揀貨人 Picked by" in text


def test_delivery_note_carries_the_recipient_and_a_signature_line(tmp_path: Path) -> None:
    note = DeliveryNote(
        order_number="W-20261120-0005",
        issued_at=ISSUED,
        shop=SHOP,
        customer_name="林志豪",
        phone="0912-345-678",
        address="台北市大安區忠孝東路四段216巷27弄5號3樓",
        lines=(
            DeliveryLine("4710088410129", "光泉 鮮乳 936ml", "Kuang Chuan Fresh Milk 936ml", 2000),
            DeliveryLine("2100001000017", "屏東 香蕉", "Pingtung Bananas", 1250, "kg"),
        ),
        requested_date=date(2026, 11, 21),
        carrier="黑貓宅急便 T-Cat",
        tracking_number="9050-1234-5678",
    )
    pdf = render_delivery_note(note)
    text = text_of(pdf)
    assert "出貨單" in text
    assert "DELIVERY NOTE" in text
    assert re.search(r"姓名 Name\s+林志豪", text)
    assert re.search(r"電話 Phone\s+0912-345-678", text)
    # The address may wrap in its box; all of it is there, in order.
    assert "台北市大安區忠孝東路四段216巷27弄5號3樓" in "".join(text_of(pdf, raw=True).split())
    assert re.search(r"指定到貨 Deliver on\s+2026-11-21", text)
    assert "黑貓宅急便 T-Cat" in text
    assert "9050-1234-5678" in text
    assert re.search(r"光泉 鮮乳 936ml\s+2\b", text)
    assert re.search(r"屏東 香蕉\s+1\.250 kg", text)
    assert "簽收人 Received by" in text
    assert "NT$" not in text


# --- fonts -------------------------------------------------------------------------------


def test_chinese_font_travels_inside_every_document(tmp_path: Path) -> None:
    fonts = document_fonts()
    assert fonts.embedded
    assert fonts.source == str(WQY)
    for pdf in (
        render_receipt(a_sale()),
        render_invoice(a_sale(DocumentKind.INVOICE)),
        render_picking_list(
            PickingList("PK-1", ISSUED, (PickItem("A", "1", "香蕉", "Banana", 1000),))
        ),
    ):
        used = fonts_of(pdf)
        assert used, "a document without fonts"
        assert all(embedded for _, embedded in used), used


def test_without_a_truetype_font_documents_fall_back_to_msung(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all" * 100)
    # Noto CJK is CFF-outlined: ReportLab cannot embed it, so it is skipped too.
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    with caplog.at_level(logging.WARNING, logger="shop_desktop.services.documents.fonts"):
        fonts = find_document_fonts([tmp_path / "missing.ttf", broken, noto])
    assert fonts.embedded is False
    assert fonts.regular == fonts.bold == fonts.source == CID_FALLBACK
    assert "not embedded" in caplog.text
    pdf = render_receipt(a_sale(), fonts=fonts)
    # The font is named, not carried: Traditional Chinese codes, no font file inside.
    assert b"/BaseFont /MSung-Light" in pdf
    assert b"/Encoding /UniCNS-UCS2-H" in pdf
    assert b"/FontFile" not in pdf
    # A reader with the Adobe-CNS1 CMaps (PDFium has them built in) reads the codes.
    assert fonts_of(pdf) == [(CID_FALLBACK, False)]
    assert amount_after("總計 TOTAL", text_of(pdf)) == "NT$336"


def test_a_font_shipped_with_the_app_wins(tmp_path: Path) -> None:
    shipped = tmp_path / "ShopFont-Regular.ttc"
    shipped.write_bytes(WQY.read_bytes())
    fonts = find_document_fonts([shipped, Path("/nonexistent/wqy-zenhei.ttc")])
    assert fonts.embedded
    assert fonts.source == str(shipped)


# --- line breaking -------------------------------------------------------------------------


@given(
    st.text(
        alphabet=st.sampled_from(list("光泉鮮乳統一麥香紅茶，。 abcXYZ0123456789-")),
        max_size=80,
    ),
    st.integers(min_value=30, max_value=300),
)
# A word wider than the column that starts a new line is broken too (hypothesis found it).
@example("光" + "0" * 20, 30)
def test_wrapped_lines_fit_and_lose_nothing(text: str, width: int) -> None:
    from shop_desktop.services.documents.render import _Style, _Type, _width

    t = _Type(document_fonts())
    style = _Style(9)
    lines = t.wrap(text, style, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for wrapped in lines:
        # Only a lone character (or one that may not start a line) may overflow.
        if _width(wrapped, t.regular, 9) > width:
            assert len(wrapped.rstrip("，。")) <= 1 or wrapped[-1] in "，。"


# --- a sale committed to the real database ---------------------------------------------------

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


def _commit_milk_sale(db: Database) -> tuple[uuid.UUID, int]:
    """Three products, one with a 10 % promotion, paid in cash; returns (order id, change)."""
    with db.session() as session:
        ids = session.scalars(
            select(Product.id)
            .join(TaxClass, TaxClass.id == Product.tax_class_id)
            .where(~Product.weighed, Product.price_minor > 30, TaxClass.rate_bp == 500)
            .order_by(Product.sku)
            .limit(3)
        ).all()
        cashier = session.scalars(select(StaffUser.id).where(StaffUser.username == "cashier")).one()
        cart = Cart()
        for n, pid in enumerate(ids):
            cart.add(cart_product(session, pid), 1000 * (n + 1))
    promotion = Promotion(
        id="P-DOC-TEST",
        code="FIRST10",
        name_zh="首件九折",
        name_en="First item 10% off",
        kind=PromotionKind.PERCENT_OFF,
        target=Target(product_ids=frozenset({str(ids[0])})),
        percent_bp=1000,
    )
    bill = price_cart(
        cart.pricing_lines(),
        # The engine works in the shop's wall time.
        PricingContext(
            currency=TWD, at=NOW.astimezone(TAIPEI).replace(tzinfo=None), promotions=(promotion,)
        ),
    )
    assert bill.discount_minor > 0
    tendered = -(-bill.total_minor // 1000) * 1000
    draft = sale_draft(
        cart,
        bill,
        [DraftPayment(PaymentMethod.CASH, bill.total_minor, tendered)],
        staff_id=cashier,
        buyer_tax_id="12345675",
    )
    with db.session() as session:
        sale = commit_sale(session, draft, now=NOW)
    return sale.order_id, tendered - bill.total_minor


def test_a_committed_sale_prints_as_it_was_sold(demo_db: Database, tmp_path: Path) -> None:
    order_id, change = _commit_milk_sale(demo_db)
    with demo_db.session() as session:
        order = session.get_one(Order, order_id)
        doc = sale_document(session, order_id, kind=DocumentKind.INVOICE, tz=TAIPEI)
        assert doc.number == order.invoice_no
        assert doc.order_number == order.number
        assert doc.issued_at == NOW
        assert doc.issued_at.utcoffset() == timedelta(hours=8)
        assert (doc.subtotal_minor, doc.discount_minor, doc.tax_minor, doc.total_minor) == (
            order.subtotal_minor,
            order.discount_minor,
            order.tax_minor,
            order.total_minor,
        )
        assert [(x.sku, x.name_zh, x.qty_milli, x.line_total_minor) for x in doc.lines] == [
            (x.sku, x.name_zh, x.qty_milli, x.line_total_minor) for x in order.lines
        ]
        staff = session.get_one(StaffUser, order.staff_id)
        assert doc.cashier == staff.display_name
    first = doc.lines[0]
    assert first.discounts == (DocDiscount("首件九折", "First item 10% off", first.discount_minor),)
    assert doc.discounts == (DocDiscount("首件九折", "First item 10% off", doc.discount_minor),)
    assert sum(t.tax_minor for t in doc.taxes) == doc.tax_minor
    assert doc.buyer_tax_id == "12345675"
    assert doc.shop.name_zh == "台北信義店"
    assert doc.shop.tax_id
    assert doc.payments == (DocPayment("cash", doc.total_minor, doc.total_minor + change, change),)
    assert doc.change_minor == change

    text = text_of(render_invoice(doc))
    for printed in doc.lines:
        assert printed.name_zh in text
    assert amount_after("總計 Total", text) == f"NT${doc.total_minor:,}"
    assert amount_after("找零 Change", text) == f"NT${change:,}"
    assert amount_after("首件九折 First item 10% off", text) == f"-NT${doc.discount_minor:,}"
    assert re.search(r"統一編號 Tax ID\s+12345675", text)
    assert "台北信義店" in text
    assert doc.number in text

    with demo_db.session() as session:
        receipt = sale_document(session, order_id, kind=DocumentKind.RECEIPT, copy=True, tz=TAIPEI)
        credit = sale_document(
            session, order_id, kind=DocumentKind.CREDIT_NOTE, void_reason="客訴 Complaint"
        )
    receipt_text = text_of(render_receipt(receipt))
    assert amount_after("總計 TOTAL", receipt_text) == f"NT${doc.total_minor:,}"
    assert "副本" in receipt_text
    assert credit.original_invoice_no == doc.number
    assert credit.number == f"CN-{doc.number}"
    credit_text = text_of(render_credit_note(credit))
    assert doc.number in credit_text
    assert "客訴 Complaint" in credit_text


def test_a_voided_sale_prints_its_credit_note_with_the_stored_number(
    demo_db: Database, tmp_path: Path
) -> None:
    order_id, _ = _commit_milk_sale(demo_db)
    voided_at = NOW + timedelta(hours=2)
    with demo_db.session() as session:
        cashier = session.scalars(select(StaffUser.id).where(StaffUser.username == "cashier")).one()
        manager = session.scalars(select(StaffUser.id).where(StaffUser.username == "manager")).one()
        voided = void_invoice(
            session,
            order_id,
            "客人退貨 Customer returned it",
            staff_id=cashier,
            approved_by=manager,
            now=voided_at,
        )
    with demo_db.session() as session:
        order = session.get_one(Order, order_id)
        names = [line.name_zh for line in order.lines]
        total, tax, invoice = order.total_minor, order.tax_minor, order.invoice_no
        credit = sale_document(session, order_id, kind=DocumentKind.CREDIT_NOTE, tz=TAIPEI)
    assert credit.number == voided.credit_note_no
    assert credit.number.endswith("-CN-000001")
    assert credit.issued_at == voided_at
    assert credit.original_invoice_no == invoice
    text = text_of(render_credit_note(credit))
    assert re.search(rf"折讓單號 Credit note\s+{re.escape(voided.credit_note_no)}", text)
    assert re.search(rf"原發票 Original inv\.\s+{re.escape(invoice or '')}", text)
    assert amount_after("退回金額 Credited", text) == f"NT${total:,}"
    assert amount_after("內含稅額 Tax included", text) == f"NT${tax:,}"
    assert "客人退貨 Customer returned it" in " ".join(text.split())
    for name in names:
        assert name in text


def test_demo_history_orders_print_with_their_discount_reasons(demo_db: Database) -> None:
    """Orders written by the demo keep reasons on their lines only; the loader sums them."""
    with demo_db.session() as session:
        order_id = session.scalars(
            select(Order.id).where(Order.discount_minor > 0).order_by(Order.number).limit(1)
        ).one()
        order = session.get_one(Order, order_id)
        doc = sale_document(session, order_id, kind=DocumentKind.RECEIPT)
        assert sum(d.amount_minor for d in doc.discounts) == order.discount_minor
        assert all(d.reason_zh and d.reason_en for d in doc.discounts)
        assert sum(t.tax_minor for t in doc.taxes) == order.tax_minor
        assert sum(p.amount_minor for p in doc.payments) == order.total_minor
    assert render_receipt(doc).startswith(b"%PDF-")


def test_an_unknown_order_is_a_lookup_error_with_a_reason(demo_db: Database) -> None:
    missing = uuid.uuid4()
    with demo_db.session() as session, pytest.raises(UnknownOrder) as caught:
        sale_document(session, missing, kind=DocumentKind.RECEIPT)
    assert isinstance(caught.value, LookupError)
    assert caught.value.reason is DocumentProblem.UNKNOWN_ORDER
    assert caught.value.order_id == missing


# --- the bench command and the samples -----------------------------------------------------


def test_bench_invoice_command_reports_figures() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shop_desktop.admin", "bench", "invoice", "--rounds", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["receipt"]["n"] == figures["invoice"]["n"] == 3
    assert figures["receipt"]["lines"] == 10
    assert figures["invoice"]["lines"] == 30
    assert figures["invoice"]["p95_ms"] >= figures["invoice"]["p50_ms"] > 0
    assert figures["receipt"]["bytes"] > 0
    assert figures["font"]["source"]
    assert figures["font"]["embedded"] is document_fonts().embedded


def test_samples_render_as_pictures(tmp_path: Path) -> None:
    written = render_samples(tmp_path, dpi=30)
    assert {p.name for p in written} >= {
        "receipt.png",
        "invoice.png",
        "credit_note.png",
        "picking_list.png",
        "delivery_note.png",
    }
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    # Rendered by pypdfium2, not a system tool: an A4 page at 30 dpi is 8.27 x 11.69 inches.
    with Image.open(tmp_path / "invoice.png") as page:
        width, height = page.size
    assert abs(width - 248) <= 1
    assert abs(height - 351) <= 1
