"""Barcode validation as a scanner at the counter meets it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain.barcodes import (
    BarcodeKind,
    EmbeddedLayout,
    EmbeddedValueKind,
    InvalidBarcode,
    gtin_check_digit,
    looks_like_barcode,
    make_embedded,
    parse_barcode,
    parse_embedded,
    with_check_digit,
)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("4710088410283", BarcodeKind.EAN13),  # a Taiwanese product code
        ("4006381333931", BarcodeKind.EAN13),  # GS1's textbook example
        ("96385074", BarcodeKind.EAN8),
        ("036000291452", BarcodeKind.UPCA),
    ],
)
def test_valid_codes_are_recognised(code: str, kind: BarcodeKind) -> None:
    barcode = parse_barcode(code)
    assert barcode.kind is kind
    assert barcode.digits == code


def test_upca_is_also_looked_up_as_ean13() -> None:
    barcode = parse_barcode("036000291452")
    assert barcode.gtin13 == "0036000291452"
    assert barcode.lookup_keys == ("036000291452", "0036000291452")
    assert parse_barcode("0036000291452").lookup_keys == ("0036000291452", "036000291452")


def test_scanner_noise_is_ignored() -> None:
    assert parse_barcode(" 4006381333931\r\n").digits == "4006381333931"
    assert parse_barcode("4006-3813-33931").digits == "4006381333931"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("4006381333932", "check_digit"),
        ("96385075", "check_digit"),
        ("036000291453", "check_digit"),
        ("12345", "length"),
        ("40063813339310", "length"),
        ("40063813339a1", "characters"),
        ("４００６３８１３３３９３１", "characters"),  # full-width digits are not ASCII
        ("'; DROP TABLE products; --", "characters"),
    ],
)
def test_bad_codes_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidBarcode) as info:
        parse_barcode(text)
    assert info.value.reason == reason


def test_looks_like_barcode() -> None:
    assert looks_like_barcode("4006381333931")
    assert looks_like_barcode("96385074")
    assert not looks_like_barcode("milk")
    assert not looks_like_barcode("12345")
    assert not looks_like_barcode("牛奶")


@given(
    st.text(alphabet="0123456789", min_size=7, max_size=12).filter(lambda s: len(s) in (7, 11, 12))
)
def test_check_digit_round_trip(body: str) -> None:
    code = with_check_digit(body)
    assert parse_barcode(code).digits == code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidBarcode):
        parse_barcode(wrong)


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_error_is_caught(body: str, position: int, shift: int) -> None:
    code = with_check_digit(body)
    digit = (int(code[position]) + shift) % 10
    damaged = code[:position] + str(digit) + code[position + 1 :]
    with pytest.raises(InvalidBarcode):
        parse_barcode(damaged)


def test_check_digit_rejects_non_digits() -> None:
    with pytest.raises(InvalidBarcode):
        gtin_check_digit("12a")


def test_price_embedded_code() -> None:
    barcode = parse_barcode(with_check_digit("211234501995"))
    embedded = parse_embedded(barcode)
    assert embedded is not None
    assert embedded.item_key == "2112345"
    assert embedded.value_kind is EmbeddedValueKind.PRICE
    assert embedded.price_minor == 1995
    assert embedded.weight_milli is None


def test_weight_embedded_code() -> None:
    barcode = parse_barcode(with_check_digit("250004201250"))
    embedded = parse_embedded(barcode)
    assert embedded is not None
    assert embedded.item_key == "2500042"
    assert embedded.weight_milli == 1250  # 1.250 kg
    assert embedded.price_minor is None


def test_normal_codes_are_not_embedded() -> None:
    assert parse_embedded(parse_barcode("4710088410283")) is None
    assert parse_embedded(parse_barcode("96385074")) is None


def test_custom_layout() -> None:
    layout = EmbeddedLayout(
        kinds=(("28", EmbeddedValueKind.WEIGHT),), item_digits=4, value_digits=6
    )
    code = make_embedded("281234", 2500, layout)
    embedded = parse_embedded(code, layout)
    assert embedded is not None
    assert embedded.item_key == "281234"
    assert embedded.weight_milli == 2500
    # Under this layout prefix 21 is an ordinary code.
    assert parse_embedded(parse_barcode(with_check_digit("211234501995")), layout) is None


@given(st.integers(min_value=0, max_value=99999), st.sampled_from(["2012345", "2699999"]))
def test_make_and_parse_embedded_round_trip(value: int, item_key: str) -> None:
    embedded = parse_embedded(make_embedded(item_key, value))
    assert embedded is not None
    assert (embedded.item_key, embedded.value) == (item_key, value)


def test_layout_must_add_up() -> None:
    with pytest.raises(ValueError, match="12"):
        EmbeddedLayout(item_digits=5, value_digits=4)
    with pytest.raises(ValueError, match="20-29"):
        EmbeddedLayout(kinds=(("47", EmbeddedValueKind.PRICE),))
    with pytest.raises(ValueError, match="fit"):
        make_embedded("2012345", 100000)
