"""Printed documents of the shop: receipts, invoices, credit notes, picking lists, delivery notes.

``model`` holds what is printed, ``load`` builds a sale's document from the
database, ``render`` turns a document into PDF bytes, ``fonts`` finds the
Chinese font that goes inside the PDF.

``fonts`` and ``render`` load ReportLab, which a screen that merely offers a
Print button must not pay for at start-up: their names are imported on
first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from shop_desktop.services.documents.fonts import DocumentFonts, document_fonts
    from shop_desktop.services.documents.render import (
        render_credit_note,
        render_delivery_note,
        render_invoice,
        render_picking_list,
        render_receipt,
        render_sale_document,
    )
else:

    def _render_on_call(name: str) -> Callable[..., bytes]:
        """``render.<name>``, imported when a document is first rendered."""

        def render(*args: Any, **kwargs: Any) -> bytes:
            function = getattr(importlib.import_module(f"{__name__}.render"), name)
            return function(*args, **kwargs)

        render.__name__ = render.__qualname__ = name
        return render

    render_credit_note = _render_on_call("render_credit_note")
    render_delivery_note = _render_on_call("render_delivery_note")
    render_invoice = _render_on_call("render_invoice")
    render_picking_list = _render_on_call("render_picking_list")
    render_receipt = _render_on_call("render_receipt")
    render_sale_document = _render_on_call("render_sale_document")

    def __getattr__(name: str) -> Any:
        if name not in ("DocumentFonts", "document_fonts"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{__name__}.fonts"), name)


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
