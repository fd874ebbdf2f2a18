"""Turning product text and typed queries into search tokens.

SQLite's FTS5 has no tokenizer for Chinese, so we make the tokens ourselves
and let FTS5's ``unicode61`` tokenizer split them on spaces:

* Chinese text gives every character and every pair of neighbours
  (``牛奶粉`` → 牛 奶 粉 牛奶 奶粉), so one- and two-character fragments
  match, and longer ones match as all their pairs.
* Chinese text also gives pinyin: each syllable and each pair of
  neighbouring syllables joined (``niu nai fen niunai naifen``), and the
  runs of two and three initials (``nn nf nnf``), so ``niunai``, ``niuna``
  and ``nn`` all find 牛奶. Traditional characters are turned into
  Simplified (OpenCC) first: pypinyin's phrase readings are keyed by
  Simplified words, so only then is 音樂 ``yinyue`` and not ``yinle``.
* Latin text gives lower-case words, matched by prefix.
* The start of each name is also given with a ``_`` mark (``_牛奶``,
  ``_milk``), so "names starting with" is a single lookup.

Everything goes into one FTS5 column with ``detail=none``: the smallest and
fastest index FTS5 builds, which is what a million products need.

Queries are built from the same pieces and every piece is quoted, so FTS5
operators typed by a user (``NEAR``, ``OR``, ``*``, quotes) are plain text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

#: Every toneless Mandarin syllable, with ü written u (lv → lu), as pypinyin spells them.
SYLLABLES = frozenset(
    """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu
    ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou
    chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e ei en
    eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou
    gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai
    kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
    le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo ma
    mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao
    ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo o ou pa
    pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie
    qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run
    ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu
    shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te
    tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo
    wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi
    yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
    zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong
    zou zu zuan zui zun zuo
    """.split()  # noqa: SIM905 - a table of words reads better as text
)
_SYLLABLE_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))

# CJK Unified Ideographs with extension A, compatibility ideographs and the
# supplementary planes' extensions B onwards.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_PIECES = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")
# Chinese is written without spaces; one typed between words ("光泉 鮮乳")
# must not stop "光泉鮮乳" from matching.
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")

#: Bounds on what one query may cost, whatever is pasted into the box.
MAX_QUERY_CHARS = 64
MAX_QUERY_TERMS = 6


def normalize(text: str) -> str:
    """Full-width to ASCII, compatibility forms folded, lower case."""
    return _SPACE_BETWEEN_CJK.sub("", unicodedata.normalize("NFKC", text).lower())


def pieces(text: str) -> list[tuple[str, bool]]:
    """Split into (piece, is_chinese): runs of ideographs and Latin/digit words."""
    return [
        (cjk or word, bool(cjk)) for cjk, word in _PIECES.findall(normalize(text)) if cjk or word
    ]


@cache
def _pinyin_of() -> Callable[[str], list[str]]:
    """pypinyin behind OpenCC's Traditional-to-Simplified, loaded on first use.

    Only indexing needs them (queries are segmented by :func:`segment_pinyin`),
    and pypinyin's phrase tables take a quarter of a second to import: the
    till's first screen must not wait for them.
    """
    import opencc
    from pypinyin import lazy_pinyin

    to_simplified = opencc.OpenCC("t2s").convert
    return lambda run: lazy_pinyin(to_simplified(run))


@lru_cache(maxsize=262144)
def syllables_of(run: str) -> tuple[str, ...]:
    """Toneless pinyin of a run of ideographs, ü as u; cached, names repeat words."""
    return tuple(
        syllable.replace("v", "u")
        for syllable in _pinyin_of()(run)
        if syllable.isascii() and syllable.isalpha()
    )


def _runs(text: str) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """Chinese runs with their pinyin, and Latin/digit words, of one text.

    Whitespace between ideographs does not end a run (see :func:`normalize`),
    but pinyin is looked up word by word so the cache serves repeated words.
    """
    runs: list[tuple[str, tuple[str, ...]]] = []
    latin: list[str] = []
    chars = ""
    syllables: tuple[str, ...] = ()
    for word in unicodedata.normalize("NFKC", text).lower().split():
        for cjk, other in _PIECES.findall(word):
            if cjk:
                chars += cjk
                syllables += syllables_of(cjk)
            elif other:
                if chars:
                    runs.append((chars, syllables))
                    chars, syllables = "", ()
                latin.append(other)
    if chars:
        runs.append((chars, syllables))
    return runs, latin


def _grams(sequence: str, n: int) -> list[str]:
    return [sequence[i : i + n] for i in range(len(sequence) - n + 1)]


#: Marks tokens that are the start of a name, so "starts with" is one lookup.
LEAD = "_"


@dataclass(frozen=True)
class SearchDocument:
    """The token text of one product for the FTS5 index (space separated)."""

    tokens: str


def product_document(
    *,
    name_zh: str,
    name_en: str,
    brand_zh: str = "",
    brand_en: str = "",
    specs: tuple[str, ...] = (),
) -> SearchDocument:
    """Tokens for a product: names, brand and specification values.

    SKUs and barcodes are not tokens: each is unique, so in FTS5 they would
    add a million one-product terms, and a typed prefix ("P00") would have
    to merge all of them. They are found by range on their own indexes.
    """
    tokens = [
        *_text_tokens(name_zh, pinyin=True, lead=True),
        *_cached_text_tokens(brand_zh, pinyin=True, lead=False),
        *_text_tokens(name_en, pinyin=False, lead=True),
        *_cached_text_tokens(brand_en, pinyin=False, lead=False),
    ]
    for spec in specs:
        tokens.extend(_cached_text_tokens(spec, pinyin=False, lead=False))
    return SearchDocument(" ".join(dict.fromkeys(tokens)))


def _text_tokens(text: str, *, pinyin: bool, lead: bool) -> tuple[str, ...]:
    runs, latin = _runs(text)
    tokens: list[str] = []
    for chars, syllables in runs:
        tokens.extend(chars)
        tokens.extend(_grams(chars, 2))
        if pinyin:
            tokens.extend(syllables)
            tokens.extend(a + b for a, b in itertools.pairwise(syllables))
            initials = "".join(s[0] for s in syllables)
            tokens.extend(_grams(initials, 2))
            tokens.extend(_grams(initials, 3))
    tokens.extend(latin)
    if lead:
        tokens.extend(_lead_tokens(runs, latin, text))
    return tuple(tokens)


def _lead_tokens(runs: list[tuple[str, tuple[str, ...]]], latin: list[str], text: str) -> list[str]:
    first = pieces(text)[:1]
    if not first:
        return []
    piece, chinese = first[0]
    if chinese:
        # The first character and the first pair: "starts with", not "contains".
        return [LEAD + piece[0]] + ([LEAD + piece[:2]] if len(piece) > 1 else [])
    return [LEAD + piece]


# Brands and specification values repeat across thousands of products.
_cached_text_tokens = lru_cache(maxsize=65536)(_text_tokens)


def segment_pinyin(text: str) -> list[str] | None:
    """Split typed Latin letters into pinyin syllables, the last possibly unfinished.

    Prefers the fewest syllables (``xian`` is 先, not 西安). Returns None
    when the letters cannot be pinyin.
    """
    text = text.replace("v", "u")
    n = len(text)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for start in range(n):
        done = best[start]
        if done is None:
            continue
        for end in range(start + 1, min(n, start + _LONGEST_SYLLABLE) + 1):
            part = text[start:end]
            whole = part in SYLLABLES
            unfinished = end == n and part in _SYLLABLE_PREFIXES
            if not (whole or unfinished):
                continue
            candidate = [*done, part]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[n]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


#: FTS5 keeps an index of two-character prefixes (``prefix='2'`` in the table).
INDEXED_PREFIX_CHARS = 2
#: A longer typed prefix is written out as the words it stands for, up to this
#: many: ``jia`` (148 words in the million-product demo) reads its first page in
#: about 1 ms so, and in 450 ms as FTS5's own prefix search.
MAX_PREFIX_WORDS = 256

#: The index's words that start with a prefix, or None when unknown (then
#: FTS5 expands the prefix itself).
WordsStartingWith = Callable[[str], Sequence[str] | None]

# Renders a prefix token as an FTS5 expression.
_Prefix = Callable[[str], str]


def _native_prefix(token: str) -> str:
    return _quote(token) + "*"


def _prefix_from_words(words_starting_with: WordsStartingWith) -> _Prefix:
    """Write ``cho*`` as ``(chocolate OR chou OR chong …)`` when the words are few.

    FTS5 answers a prefix it has no prefix index for by merging the whole
    posting lists of every word that starts with it before it returns the
    first row: 111,000 rows for ``cho`` in a million products, however small
    the page. An OR of whole words is read lazily in rowid (popularity)
    order, so the first page stops after the first matches.
    """

    def prefix(token: str) -> str:
        if len(token) <= INDEXED_PREFIX_CHARS:
            return _native_prefix(token)
        words = words_starting_with(token)
        if words is None or len(words) > MAX_PREFIX_WORDS:
            return _native_prefix(token)
        if not words:
            return _quote(token)  # no word starts with it: matches nothing, at once
        quoted = [_quote(w) for w in words]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"

    return prefix


def _all_of(tokens: list[str], prefix: _Prefix | None = None) -> str:
    """All of the tokens; with ``prefix``, the last one is a prefix rendered by it."""
    unique = list(dict.fromkeys(tokens))
    parts = [_quote(t) for t in unique]
    if prefix is not None:
        parts[-1] = prefix(unique[-1])
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _pinyin_expression(letters: str, prefix: _Prefix) -> str | None:
    syllables = segment_pinyin(letters)
    if not syllables:
        return None
    if len(syllables) == 1:
        return prefix(syllables[0])
    pairs = [a + b for a, b in itertools.pairwise(syllables)]
    return _all_of(pairs, prefix)


def _term_expression(piece: str, chinese: bool, prefix: _Prefix) -> str:
    if chinese:
        return _all_of([piece] if len(piece) == 1 else _grams(piece, 2))
    # The prefix already finds words, pinyin syllables and initials that
    # start with the letters; pinyin typed as a run of syllables and four
    # initials need their own shapes.
    choices = [prefix(piece)]
    if piece.isalpha():
        pinyin = _pinyin_expression(piece, prefix)
        if pinyin:
            choices.append(pinyin)
        if len(piece) == 4:
            choices.append(_all_of(_grams(piece, 3)))
    choices = list(dict.fromkeys(choices))
    return choices[0] if len(choices) == 1 else "(" + " OR ".join(choices) + ")"


@dataclass(frozen=True)
class SearchQuery:
    """FTS5 MATCH expressions for a typed query.

    ``lead`` finds names that start with the first term; ``anywhere`` finds
    the query anywhere. ``text`` is the cleaned query for exact SKU and
    barcode look-ups.
    """

    text: str
    lead: str
    anywhere: str


def build_query(
    typed: str, words_starting_with: WordsStartingWith | None = None
) -> SearchQuery | None:
    """Safe FTS5 expressions for whatever was typed, or None if nothing searchable.

    A single Latin letter or digit is not searched: it would match most of
    the catalog and tell the cashier nothing. ``words_starting_with`` (the
    index's vocabulary) lets prefixes longer than FTS5's prefix index be
    written as the words they stand for, which is much faster to read.
    """
    prefix = (
        _native_prefix if words_starting_with is None else _prefix_from_words(words_starting_with)
    )
    text = normalize(typed[: MAX_QUERY_CHARS * 4]).strip()[:MAX_QUERY_CHARS]
    found = [(p, c) for p, c in pieces(text) if c or len(p) > 1][:MAX_QUERY_TERMS]
    if not found:
        return None
    anywhere = " AND ".join(_term_expression(p, c, prefix) for p, c in found)
    first, chinese = found[0]
    lead = _quote(LEAD + first[:2]) if chinese else prefix(LEAD + first)
    if len(found) > 1 or (chinese and len(first) > 2):
        lead = f"{lead} AND {anywhere}"
    return SearchQuery(text=text, lead=lead, anywhere=anywhere)
