"""Reading PDFs back as a person would, through PDFium (``pypdfium2``, pinned in the lock).

No system binary: what poppler's ``pdftotext -layout``, ``pdfinfo`` and ``pdffonts`` told
the tests before comes from PDFium's own text and object model here.

``pdf_text`` lays each page out as lines: glyphs sharing a baseline form one line, read
left to right; a written space stays one space and a gap between glyphs becomes spaces
(a wide gap, several), so a label and its amount on one printed line read
``小計 Subtotal   NT$336``.
With ``raw=True`` it gives the characters in the order they were written instead.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["pdf_fonts", "pdf_page_count", "pdf_page_size", "pdf_png", "pdf_text"]

#: Points per inch: PDF user space.
_POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class _Glyph:
    text: str
    left: float
    right: float
    baseline: float
    size: float


def _glyphs(textpage: pdfium.PdfTextPage) -> list[_Glyph]:
    out = []
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
            continue
        text = textpage.get_text_range(index, 1)
        if not text or text in "\r\n":
            continue
        # The loose box spans the glyph's advance, not its ink: "i" and "l" touch
        # their neighbours as they do on paper.
        box = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, ctypes.byref(box))
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(
            textpage.raw, index, ctypes.byref(origin_x), ctypes.byref(origin_y)
        )
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) or (top - bottom) or 1.0
        if text.isspace():
            # A written space: its box may be empty; it stands where its origin is.
            text, left, right = " ", origin_x.value, origin_x.value
        out.append(_Glyph(text, left, right, origin_y.value, size))
    return out


def _lines(glyphs: list[_Glyph]) -> list[str]:
    rows: list[list[_Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (-g.baseline, g.left)):
        if rows and abs(rows[-1][0].baseline - glyph.baseline) <= rows[-1][0].size * 0.3:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    lines = []
    for row in rows:
        row.sort(key=lambda g: g.left)
        parts: list[str] = []
        previous: _Glyph | None = None
        for glyph in row:
            if glyph.text == " ":
                if parts and not parts[-1].endswith(" "):
                    parts.append(" ")
                continue
            if previous is not None:
                gap = glyph.left - previous.right
                size = max(glyph.size, previous.size)
                if gap > size * 0.6:
                    parts.append(" " * max(2, round(gap / (size * 0.5))))
                elif gap > size * 0.15 and not parts[-1].endswith(" "):
                    parts.append(" ")
            parts.append(glyph.text)
            previous = glyph
        lines.append("".join(parts).rstrip())
    return lines


def _open(pdf: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf)


def pdf_text(pdf: bytes, page: int | None = None, *, raw: bool = False) -> str:
    """The words as laid out on the pages (or one page, counted from 1), or as written."""
    document = _open(pdf)
    try:
        numbers = [page - 1] if page else range(len(document))
        chunks = []
        for number in numbers:
            textpage = document[number].get_textpage()
            if raw:
                chunks.append(textpage.get_text_range())
            else:
                chunks.append("\n".join(_lines(_glyphs(textpage))))
        return "\n\f".join(chunks) + "\n"
    finally:
        document.close()


def pdf_page_count(pdf: bytes) -> int:
    document = _open(pdf)
    try:
        return len(document)
    finally:
        document.close()


def pdf_page_size(pdf: bytes, page: int = 1) -> tuple[float, float]:
    """Width and height of a page in points."""
    document = _open(pdf)
    try:
        width, height = document[page - 1].get_size()
        return float(width), float(height)
    finally:
        document.close()


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(base font name without a subset tag, embedded) for each font the text uses."""
    document = _open(pdf)
    seen: dict[str, bool] = {}
    try:
        for page in document:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
                font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
                name = buffer.value.decode("utf-8", "replace")
                _, _, name = name.rpartition("+")
                seen.setdefault(name, pdfium_c.FPDFFont_GetIsEmbedded(font) == 1)
    finally:
        document.close()
    return sorted(seen.items())


def pdf_png(pdf: bytes, page: int = 1, dpi: int = 72) -> bytes:
    """One page rendered as a PNG picture."""
    import io

    document = _open(pdf)
    try:
        bitmap = document[page - 1].render(scale=dpi / _POINTS_PER_INCH)
        picture = bitmap.to_pil()
        out = io.BytesIO()
        picture.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()
