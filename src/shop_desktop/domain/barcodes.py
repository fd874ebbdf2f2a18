"""Retail barcodes: EAN-13, EAN-8, UPC-A, and price/weight-embedded EAN-13.

A keyboard-wedge scanner types digits and Enter; this module decides what
those digits are. Check digits follow GS1's mod-10 rule. In-store codes for
weighed goods (prefix 20–29) carry an item code and a price or weight; their
layout differs between shops and scales, so it is configurable.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class BarcodeKind(enum.Enum):
    EAN13 = "ean13"
    EAN8 = "ean8"
    UPCA = "upca"


class InvalidBarcode(ValueError):
    """The digits cannot be a barcode; ``reason`` says why, for the cashier."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid barcode {text!r}: {reason}")
        self.text = text
        #: "empty", "characters", "length" or "check_digit".
        self.reason = reason


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (all digits but the last).

    Weights 3 and 1 alternate from the rightmost digit of the body, which
    makes one function serve EAN-8, UPC-A (12) and EAN-13.
    """
    if not body.isascii() or not body.isdigit():
        raise InvalidBarcode(body, "characters")
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


_KIND_BY_LENGTH = {13: BarcodeKind.EAN13, 8: BarcodeKind.EAN8, 12: BarcodeKind.UPCA}


@dataclass(frozen=True)
class Barcode:
    """A barcode whose check digit is right."""

    digits: str
    kind: BarcodeKind

    @property
    def gtin13(self) -> str:
        """The code as 13 digits: UPC-A is EAN-13 with a leading zero."""
        return "0" + self.digits if self.kind is BarcodeKind.UPCA else self.digits

    @property
    def lookup_keys(self) -> tuple[str, ...]:
        """Every form the same code may be stored under in the catalog."""
        if self.kind is BarcodeKind.UPCA:
            return (self.digits, self.gtin13)
        if self.kind is BarcodeKind.EAN13 and self.digits.startswith("0"):
            return (self.digits, self.digits[1:])
        return (self.digits,)


def clean_scan(text: str) -> str:
    """Strip what scanners and people add around the digits."""
    return text.strip().replace(" ", "").replace("-", "")


def looks_like_barcode(text: str) -> bool:
    """Whether input is meant as a barcode rather than a search term."""
    digits = clean_scan(text)
    return digits.isascii() and digits.isdigit() and len(digits) in _KIND_BY_LENGTH


def parse_barcode(text: str) -> Barcode:
    """Validate scanned or typed digits as EAN-13, EAN-8 or UPC-A."""
    digits = clean_scan(text)
    if not digits:
        raise InvalidBarcode(text, "empty")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidBarcode(text, "characters")
    kind = _KIND_BY_LENGTH.get(len(digits))
    if kind is None:
        raise InvalidBarcode(text, "length")
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidBarcode(text, "check_digit")
    return Barcode(digits, kind)


class EmbeddedValueKind(enum.Enum):
    PRICE = "price"
    WEIGHT = "weight"


@dataclass(frozen=True)
class EmbeddedLayout:
    """Where an in-store EAN-13 keeps its item code and value.

    The default is the common ``2P IIIII VVVVV C``: two-digit prefix, five
    digits of item code, five of value, check digit. ``kinds`` says, per
    prefix, whether the value is a price (in minor units) or a weight (in
    grams, i.e. thousandths of a kilogram).
    """

    kinds: tuple[tuple[str, EmbeddedValueKind], ...] = (
        ("20", EmbeddedValueKind.PRICE),
        ("21", EmbeddedValueKind.PRICE),
        ("22", EmbeddedValueKind.PRICE),
        ("23", EmbeddedValueKind.PRICE),
        ("24", EmbeddedValueKind.PRICE),
        ("25", EmbeddedValueKind.WEIGHT),
        ("26", EmbeddedValueKind.WEIGHT),
        ("27", EmbeddedValueKind.WEIGHT),
        ("28", EmbeddedValueKind.WEIGHT),
        ("29", EmbeddedValueKind.WEIGHT),
    )
    item_digits: int = 5
    value_digits: int = 5

    def __post_init__(self) -> None:
        if 2 + self.item_digits + self.value_digits != 12:
            raise ValueError("prefix (2) + item + value digits must be 12")
        for prefix, _kind in self.kinds:
            if len(prefix) != 2 or not prefix.isdigit() or not prefix.startswith("2"):
                raise ValueError(f"in-store prefixes are 20-29, not {prefix!r}")

    def kind_for(self, prefix: str) -> EmbeddedValueKind | None:
        return dict(self.kinds).get(prefix)


@dataclass(frozen=True)
class EmbeddedCode:
    """An in-store code taken apart: which item, and its price or weight."""

    barcode: Barcode
    #: Prefix and item code, the key the catalog stores for the product.
    item_key: str
    value_kind: EmbeddedValueKind
    #: Price in minor units, or weight in grams (thousandths of a kilogram).
    value: int

    @property
    def price_minor(self) -> int | None:
        return self.value if self.value_kind is EmbeddedValueKind.PRICE else None

    @property
    def weight_milli(self) -> int | None:
        return self.value if self.value_kind is EmbeddedValueKind.WEIGHT else None


def parse_embedded(barcode: Barcode, layout: EmbeddedLayout | None = None) -> EmbeddedCode | None:
    """Take an in-store EAN-13 apart, or return None if it is a normal code."""
    layout = layout or EmbeddedLayout()
    if barcode.kind is not BarcodeKind.EAN13:
        return None
    prefix = barcode.digits[:2]
    kind = layout.kind_for(prefix)
    if kind is None:
        return None
    item_end = 2 + layout.item_digits
    return EmbeddedCode(
        barcode=barcode,
        item_key=barcode.digits[:item_end],
        value_kind=kind,
        value=int(barcode.digits[item_end:12]),
    )


def make_embedded(item_key: str, value: int, layout: EmbeddedLayout | None = None) -> Barcode:
    """Print-side inverse of :func:`parse_embedded` (as a label scale does)."""
    layout = layout or EmbeddedLayout()
    if len(item_key) != 2 + layout.item_digits or layout.kind_for(item_key[:2]) is None:
        raise ValueError(f"{item_key!r} is not an in-store item key for this layout")
    if not 0 <= value < 10**layout.value_digits:
        raise ValueError(f"{value} does not fit in {layout.value_digits} digits")
    return parse_barcode(with_check_digit(f"{item_key}{value:0{layout.value_digits}d}"))
