"""Search tokens: Chinese fragments, pinyin, initials, Latin prefixes, hostile input."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.data.search_text import (
    MAX_QUERY_TERMS,
    build_query,
    product_document,
    segment_pinyin,
    syllables_of,
)

MILK = product_document(
    name_zh="光泉 鮮乳 全脂 936ml",
    name_en="Kuang Chuan Fresh Milk Whole 936ml",
    sku="P0000001",
    brand_zh="光泉",
    brand_en="Kuang Chuan",
    barcodes=("4710088410283",),
    specs=("台灣", "936ml"),
)


def test_chinese_gives_characters_and_pairs() -> None:
    words = MILK.words.split()
    for token in ("鮮", "乳", "鮮乳", "全脂", "台灣"):
        assert token in words
    assert "鮮乳全" not in words


def test_pinyin_gives_syllables_pairs_and_initials() -> None:
    assert syllables_of("牛奶") == ("niu", "nai")
    assert syllables_of("綠茶") == ("lu", "cha")  # ü written u, as cashiers type it
    assert {"xian", "ru", "xianru", "guangquan"} <= set(MILK.pinyin.split())
    assert {"gq", "xr", "qz"} <= set(MILK.initials.split())


def test_lead_is_the_start_of_each_name() -> None:
    assert MILK.lead.split() == ["光", "光泉", "kuang"]


def test_latin_words_sku_and_barcodes_are_lower_case_tokens() -> None:
    words = MILK.words.split()
    for token in ("kuang", "milk", "936ml", "p0000001", "4710088410283"):
        assert token in words


def test_full_width_text_is_folded() -> None:
    doc = product_document(name_zh="ＡＢＣ 牛奶", name_en="", sku="Ｐ１")
    assert "abc" in doc.words.split()
    assert "p1" in doc.words.split()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("niunai", ["niu", "nai"]),
        ("niuna", ["niu", "na"]),  # still typing: the last syllable may be unfinished
        ("xian", ["xian"]),  # fewest syllables
        ("lvcha", ["lu", "cha"]),
        ("zhongguo", ["zhong", "guo"]),
        ("nn", None),
        ("milk", None),
    ],
)
def test_segment_pinyin(typed: str, expected: list[str] | None) -> None:
    assert segment_pinyin(typed) == expected


def test_query_for_chinese_fragment() -> None:
    query = build_query("牛奶粉")
    assert query is not None
    assert query.anywhere == 'words : ("牛奶" AND "奶粉")'


def test_query_offers_pinyin_and_initials_for_letters() -> None:
    query = build_query("nn")
    assert query is not None
    assert 'initials : "nn"' in query.anywhere
    query = build_query("niunai")
    assert query is not None
    assert 'pinyin : ("niunai"*)' in query.anywhere


def test_nothing_searchable_gives_none() -> None:
    assert build_query("") is None
    assert build_query("   ") is None
    assert build_query("😀🎉") is None
    assert build_query("!!!***") is None


def test_long_input_is_bounded() -> None:
    query = build_query("牛奶 " * 5000)
    assert query is not None
    assert query.anywhere.count("AND") < 2 * MAX_QUERY_TERMS


HOSTILE = [
    '"',
    '""',
    "*",
    "NEAR(a b)",
    "a OR b",
    "a NOT b",
    "col : x",
    "^abc",
    "'; DROP TABLE products; --",
    "{lead words}: x",
    "a" * 10_000,
    "💥" * 100 + "茶",
    "\x00\x01\x02",
    "牛奶\u200b\ufeff",
]


@pytest.fixture
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(lead, words, pinyin, initials, "
        "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3', detail='column')"
    )
    conn.execute(
        "INSERT INTO t VALUES (?, ?, ?, ?)", (MILK.lead, MILK.words, MILK.pinyin, MILK.initials)
    )
    return conn


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_input_is_valid_fts5(fts: sqlite3.Connection, typed: str) -> None:
    query = build_query(typed)
    if query is None:
        return
    for expression in (query.lead, query.anywhere):
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


@given(st.text(max_size=200))
def test_any_text_gives_valid_fts5(typed: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(lead, words, pinyin, initials)")
        query = build_query(typed)
        if query is not None:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.anywhere,)).fetchall()
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.lead,)).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "typed",
    [
        "鮮乳",
        "乳",
        "光泉鮮",
        "xianru",
        "xianr",
        "xr",
        "gq",
        "kuang",
        "mil",
        "fresh milk",
        "p00000",
        "4710088",
        "台灣",
        "936",
    ],
)
def test_every_form_finds_the_product(fts: sqlite3.Connection, typed: str) -> None:
    query = build_query(typed)
    assert query is not None
    rows = fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.anywhere,)).fetchall()
    assert rows == [(1,)], query.anywhere


@pytest.mark.parametrize("typed", ["牛奶", "綠茶", "lvcha", "zz", "juice"])
def test_unrelated_queries_do_not_find_it(fts: sqlite3.Connection, typed: str) -> None:
    query = build_query(typed)
    assert query is not None
    assert fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.anywhere,)).fetchall() == []


def test_tokens_are_plain() -> None:
    # Tokens never carry FTS5 syntax: only ideographs, a-z and 0-9.
    for column in (MILK.lead, MILK.words, MILK.pinyin, MILK.initials):
        for token in column.split():
            assert re.fullmatch(r"[0-9a-z\u3400-\u9fff]+", token), token
