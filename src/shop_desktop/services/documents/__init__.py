"""Printed documents of the shop: receipts, invoices, credit notes, picking lists, delivery notes.

``model`` holds what is printed, ``load`` builds a sale's document from the
database, ``render`` turns a document into PDF bytes, ``fonts`` finds the
Chinese font that goes inside the PDF.
"""

from __future__ import annotations

from shop_desktop.services.documents.fonts import DocumentFonts, document_fonts
from shop_desktop.services.documents.load import UnknownOrder, sale_document
from shop_desktop.services.documents.model import (
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
    render_sale_document,
)

__all__ = [
    "DeliveryLine",
    "DeliveryNote",
    "DocDiscount",
    "DocLine",
    "DocPayment",
    "DocumentFonts",
    "DocumentKind",
    "PickItem",
    "PickingList",
    "SaleDocument",
    "ShopInfo",
    "TaxRow",
    "UnknownOrder",
    "document_fonts",
    "render_credit_note",
    "render_delivery_note",
    "render_invoice",
    "render_picking_list",
    "render_receipt",
    "render_sale_document",
    "sale_document",
]
