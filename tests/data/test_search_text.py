"""Search tokens: Chinese fragments, pinyin, initials, Latin prefixes, hostile input."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.data.search_index import CREATE_FTS
from shop_desktop.data.search_text import (
    MAX_PREFIX_WORDS,
    MAX_QUERY_TERMS,
    build_query,
    product_document,
    segment_pinyin,
    syllables_of,
)

MILK = product_document(
    name_zh="光泉 鮮乳 全脂 936ml",
    name_en="Kuang Chuan Fresh Milk Whole 936ml",
    brand_zh="光泉",
    brand_en="Kuang Chuan",
    specs=("台灣", "936ml"),
)


TOKENS = set(MILK.tokens.split())


def test_chinese_gives_characters_and_pairs() -> None:
    for token in ("鮮", "乳", "鮮乳", "全脂", "台灣"):
        assert token in TOKENS
    assert "泉鮮" in TOKENS  # the space between words does not break a pair
    assert "鮮乳全" not in TOKENS


def test_pinyin_gives_syllables_pairs_and_initials() -> None:
    assert syllables_of("牛奶") == ("niu", "nai")
    assert syllables_of("綠茶") == ("lu", "cha")  # ü written u, as cashiers type it
    assert {"xian", "ru", "xianru", "guangquan"} <= TOKENS
    assert {"gq", "xr", "qz", "gqx", "xrq"} <= TOKENS


def test_traditional_names_get_the_pinyin_of_their_words() -> None:
    # pypinyin knows its phrases in Simplified: read alone, 樂 is "le".
    assert syllables_of("音樂") == ("yin", "yue")
    assert syllables_of("長大") == ("zhang", "da")
    assert syllables_of("長度") == ("chang", "du")
    assert syllables_of("銀行") == ("yin", "hang")
    tokens = set(
        product_document(name_zh="古典音樂 CD", name_en="Classical Music CD").tokens.split()
    )
    assert {"yinyue", "yue"} <= tokens
    assert "yinle" not in tokens


def test_lead_marks_the_start_of_each_name() -> None:
    assert {t for t in TOKENS if t.startswith("_")} == {"_光", "_光泉", "_kuang"}


def test_latin_words_are_lower_case_tokens() -> None:
    for token in ("kuang", "milk", "936ml"):
        assert token in TOKENS
    # Codes are found by range on their own indexes, not through FTS5.
    assert not any(t.isdigit() and len(t) > 8 for t in TOKENS)


def test_full_width_text_is_folded() -> None:
    doc = product_document(name_zh="ＡＢＣ 牛奶", name_en="Ｍｉｌｋ")
    assert {"abc", "milk"} <= set(doc.tokens.split())


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
    assert query.anywhere == '("牛奶" AND "奶粉")'


def test_query_offers_pinyin_and_initials_for_letters() -> None:
    query = build_query("nnf")
    assert query is not None
    assert query.anywhere == '"nnf"*'
    query = build_query("niunaif")
    assert query is not None
    assert '("niunai" AND "naif"*)' in query.anywhere
    query = build_query("gqxr")
    assert query is not None
    assert '("gqx" AND "qxr")' in query.anywhere


def test_long_prefixes_are_written_as_the_words_they_stand_for() -> None:
    vocabulary = ["chocolate", "chong", "chou", "milk", "milkfish", "niunai", "_chocolate"]

    def words_starting_with(prefix: str) -> list[str]:
        return [w for w in vocabulary if w.startswith(prefix)]

    query = build_query("cho", words_starting_with)
    assert query is not None
    assert query.anywhere == '("chocolate" OR "chong" OR "chou")'
    assert query.lead == '"_chocolate"'
    query = build_query("niuna", words_starting_with)
    assert query is not None
    assert query.anywhere == '"niunai"'
    # Two characters are FTS5's own prefix index; an unknown prefix matches nothing.
    query = build_query("mi xyz", words_starting_with)
    assert query is not None
    assert query.anywhere == '"mi"* AND "xyz"'
    # Too many words, or no vocabulary: FTS5 expands the prefix itself.
    many = [f"cho{n:03d}" for n in range(MAX_PREFIX_WORDS + 1)]
    query = build_query("cho", lambda prefix: many)
    assert query is not None
    assert query.anywhere == '"cho"*'
    query = build_query("cho", lambda prefix: None)
    assert query is not None
    assert query.anywhere == '"cho"*'


def test_single_letters_are_not_searched() -> None:
    assert build_query("m") is None
    assert build_query("7") is None
    query = build_query("m 牛")
    assert query is not None
    assert query.anywhere == '"牛"'


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
    "{tokens}: x",
    "_牛奶",
    "tokens : x",
    "a" * 10_000,
    "💥" * 100 + "茶",
    "\x00\x01\x02",
    "牛奶\u200b\ufeff",
]


@pytest.fixture
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(CREATE_FTS.replace("product_search", "t"))
    conn.execute("INSERT INTO t(rowid, tokens) VALUES (1, ?)", (MILK.tokens,))
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
        conn.execute(CREATE_FTS.replace("product_search", "t"))
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
    # Tokens never carry FTS5 syntax: only ideographs, a-z, 0-9 and the lead mark.
    for token in TOKENS:
        assert re.fullmatch(r"_?[0-9a-z\u3400-\u9fff]+", token), token
