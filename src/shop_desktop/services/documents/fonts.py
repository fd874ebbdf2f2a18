"""A Chinese font for printed documents, embedded in the PDF.

A receipt or invoice must print the same on any printer and open the same
on the accountant's computer, so the font travels inside the PDF. ReportLab
can only embed TrueType outlines (``glyf``), not CFF/OpenType ones, which
rules out Noto CJK (what the screens use). The search, first usable wins:

1. ``resources/fonts/*.ttf|*.ttc`` shipped with the app: WenQuanYi Micro Hei
   (Apache-2.0, see ``resources/fonts/README.md``), so every till prints the
   same glyphs whatever fonts its system has; a shop may add its own;
2. should that folder be emptied, TrueType CJK fonts a system commonly has:
   WenQuanYi Micro Hei (Debian's ``fonts-wqy-microhei``), WenQuanYi Zen Hei, AR PL
   UMing/UKai, Droid Sans Fallback, Windows' Microsoft JhengHei and MingLiU.
   (macOS's PingFang is CFF, so it is not tried.)
3. ReportLab's built-in ``MSung-Light`` (Traditional Chinese) as a CID font:
   not embedded, so the reader's viewer supplies the glyphs. A warning is
   logged, since the result then depends on the machine that opens it.

A candidate must also hold the characters every document prints (發票, 鮮乳...);
a Latin-only TrueType file in ``resources/fonts`` is skipped.

Registering a big CJK font costs some 100 ms, so it happens once per process.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from shop_desktop.resources import resource_path

__all__ = [
    "CID_FALLBACK",
    "SYSTEM_FONTS",
    "DocumentFonts",
    "document_fonts",
    "find_document_fonts",
    "project_fonts",
]

log = logging.getLogger(__name__)

#: The built-in Traditional Chinese font used when no TrueType font is found.
CID_FALLBACK = "MSung-Light"

#: Known TrueType CJK fonts, in order of preference.
SYSTEM_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallback.ttf"),
    Path("C:/Windows/Fonts/msjh.ttc"),
    Path("C:/Windows/Fonts/mingliu.ttc"),
)

#: Characters a document font must have: titles, labels, a typical product.
_MUST_HAVE = "發票收據折讓單小計總計找零統一編號光泉鮮乳副本"


@dataclass(frozen=True, slots=True)
class DocumentFonts:
    """The registered font names to draw with.

    ``bold`` may be the same face as ``regular`` (CJK fonts rarely ship a
    bold); the renderer then thickens the strokes itself.
    """

    regular: str
    bold: str
    #: True when the glyphs travel inside the PDF.
    embedded: bool
    #: The file used, or the CID font's name.
    source: str


def project_fonts() -> list[Path]:
    """TrueType fonts shipped in ``resources/fonts``, in name order."""
    folder = resource_path("fonts")
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".ttf", ".ttc"}
    )


def _covers(font: TTFont, text: str) -> bool:
    glyphs = font.face.charToGlyph
    return all(ord(ch) in glyphs for ch in text)


def _load(path: Path, name: str) -> TTFont | None:
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except Exception as exc:
        log.debug("document font %s not usable: %s", path, exc)
        return None
    if not _covers(font, _MUST_HAVE):
        log.debug("document font %s lacks Chinese characters", path)
        return None
    return font


def _family(path: Path) -> str:
    stem = path.stem.lower()
    for word in ("regular", "bold", "-", "_", " "):
        stem = stem.replace(word, "")
    return stem


def _is_bold(path: Path) -> bool:
    return "bold" in path.stem.lower()


def _bold_partner(path: Path, candidates: Sequence[Path]) -> Path | None:
    """A bold face shipped beside a regular one ("Foo-Regular.ttf" and "Foo-Bold.ttf")."""
    family = _family(path)
    for other in candidates:
        if other != path and _is_bold(other) and _family(other) == family:
            return other
    return None


def find_document_fonts(candidates: Iterable[Path]) -> DocumentFonts:
    """Register the first usable TrueType font of candidates, else the CID fallback.

    Not cached: :func:`document_fonts` is what documents use.
    """
    paths = [p for p in candidates if p.is_file()]
    # A bold face is only ever a partner; stable sort keeps the order of preference.
    for path in sorted(paths, key=_is_bold):
        # Named after the whole path: another file of the same name never replaces it.
        name = f"ShopDoc-{zlib.crc32(str(path).encode()):08x}-{path.stem}"
        font = _load(path, name)
        if font is None:
            continue
        pdfmetrics.registerFont(font)
        bold_name = name
        partner = _bold_partner(path, paths)
        if partner is not None:
            bold = _load(partner, f"{name}-Bold")
            if bold is not None:
                pdfmetrics.registerFont(bold)
                bold_name = bold.fontName
        return DocumentFonts(regular=name, bold=bold_name, embedded=True, source=str(path))
    log.warning(
        "No TrueType Chinese font found (the app ships one in resources/fonts: put "
        "wqy-microhei.ttc or another .ttf back there); documents use %s, which is not embedded.",
        CID_FALLBACK,
    )
    font = UnicodeCIDFont(CID_FALLBACK)
    # ReportLab's table gives MSung-Light the Simplified Chinese CMap
    # (UniGB-UCS2-H), which is not of its Adobe-CNS1 collection: viewers such
    # as poppler then show no text at all. The codes are UCS-2 either way, so
    # only the name written into the PDF needs putting right.
    font.encodingName = "UniCNS-UCS2-H"
    pdfmetrics.registerFont(font)
    return DocumentFonts(
        regular=CID_FALLBACK, bold=CID_FALLBACK, embedded=False, source=CID_FALLBACK
    )


_lock = threading.Lock()
_found: DocumentFonts | None = None


def document_fonts() -> DocumentFonts:
    """The fonts every document uses, found and registered once per process."""
    global _found  # noqa: PLW0603 - the per-process cache of a registration
    with _lock:
        if _found is None:
            _found = find_document_fonts([*project_fonts(), *SYSTEM_FONTS])
        return _found
