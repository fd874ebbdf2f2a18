"""Turning product text and typed queries into search tokens.

SQLite's FTS5 has no tokenizer for Chinese, so we make the tokens ourselves
and let FTS5's ``unicode61`` tokenizer split them on spaces:

* Chinese text gives every character and every pair of neighbours
  (``牛奶粉`` → 牛 奶 粉 牛奶 奶粉), so one- and two-character fragments
  match, and longer ones match as all their pairs.
* Chinese text also gives pinyin: each syllable and each pair of
  neighbouring syllables joined (``niu nai fen niunai naifen``), and the
  initials of each word with its runs of two to four letters (``nnf nn nf``),
  so ``niunai``, ``niuna`` and ``nn`` all find 牛奶.
* Latin text gives lower-case words, matched by prefix.

Queries are built from the same pieces and every piece is quoted, so FTS5
operators typed by a user (``NEAR``, ``OR``, ``*``, quotes) are plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

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


@lru_cache(maxsize=65536)
def syllables_of(run: str) -> tuple[str, ...]:
    """Toneless pinyin of a run of ideographs, ü as u; cached, names repeat words."""
    return tuple(s.replace("v", "u") for s in lazy_pinyin(run))


def _chinese_tokens(run: str) -> list[str]:
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def _pinyin_tokens(run: str) -> tuple[list[str], list[str]]:
    syllables = syllables_of(run)
    joined = [syllables[i] + syllables[i + 1] for i in range(len(syllables) - 1)]
    initials = "".join(s[0] for s in syllables)
    runs = [
        initials[i : i + n]
        for n in range(2, min(4, len(initials)) + 1)
        for i in range(len(initials) - n + 1)
    ]
    return list(syllables) + joined, runs


@dataclass(frozen=True)
class SearchDocument:
    """The token text of one product, one string per FTS5 column."""

    lead: str
    words: str
    pinyin: str
    initials: str


def _lead_tokens(text: str) -> list[str]:
    found = pieces(text)
    if not found:
        return []
    first, chinese = found[0]
    if chinese:
        # The first character and the first pair: "starts with", not "contains".
        return [first[0], first[:2]] if len(first) > 1 else [first]
    return [first]


def product_document(
    *,
    name_zh: str,
    name_en: str,
    sku: str,
    brand_zh: str = "",
    brand_en: str = "",
    barcodes: tuple[str, ...] = (),
    specs: tuple[str, ...] = (),
) -> SearchDocument:
    """Tokens for a product: names, SKU, barcodes, brand and specification values."""
    words: list[str] = []
    pinyin: list[str] = []
    initials: list[str] = []
    for text in (name_zh, name_en, brand_zh, brand_en, *specs):
        for piece, chinese in pieces(text):
            if chinese:
                words.extend(_chinese_tokens(piece))
            else:
                words.append(piece)
    for text in (name_zh, brand_zh):
        for piece, chinese in pieces(text):
            if chinese:
                syllables, runs = _pinyin_tokens(piece)
                pinyin.extend(syllables)
                initials.extend(runs)
    words.extend(p for p, _ in pieces(sku))
    words.extend(barcodes)
    lead = _lead_tokens(name_zh) + _lead_tokens(name_en)
    return SearchDocument(
        lead=" ".join(dict.fromkeys(lead)),
        words=" ".join(dict.fromkeys(words)),
        pinyin=" ".join(dict.fromkeys(pinyin)),
        initials=" ".join(dict.fromkeys(initials)),
    )


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


def _pinyin_expression(letters: str) -> str | None:
    syllables = segment_pinyin(letters)
    if not syllables:
        return None
    if len(syllables) == 1:
        return f"pinyin : {_quote(syllables[0])}*"
    pairs = [syllables[i] + syllables[i + 1] for i in range(len(syllables) - 1)]
    parts = [_quote(p) for p in pairs[:-1]] + [_quote(pairs[-1]) + "*"]
    return "pinyin : (" + " AND ".join(parts) + ")"


def _term_expression(piece: str, chinese: bool, column: str) -> str:
    if chinese:
        grams = [piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)]
        return f"{column} : (" + " AND ".join(_quote(g) for g in dict.fromkeys(grams)) + ")"
    choices = [f"{column} : {_quote(piece)}*"]
    if column == "words" and piece.isalpha():
        pinyin = _pinyin_expression(piece)
        if pinyin:
            choices.append(pinyin)
        if 2 <= len(piece) <= 4:
            choices.append(f"initials : {_quote(piece)}")
    return "(" + " OR ".join(choices) + ")" if len(choices) > 1 else choices[0]


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


def build_query(typed: str) -> SearchQuery | None:
    """Safe FTS5 expressions for whatever was typed, or None if nothing searchable."""
    text = normalize(typed[: MAX_QUERY_CHARS * 4]).strip()[:MAX_QUERY_CHARS]
    found = pieces(text)[:MAX_QUERY_TERMS]
    if not found:
        return None
    anywhere = " AND ".join(_term_expression(p, c, "words") for p, c in found)
    first, chinese = found[0]
    lead = _term_expression(first[:2] if chinese else first, chinese, "lead")
    if len(found) > 1:
        lead = f"{lead} AND {anywhere}"
    return SearchQuery(text=text, lead=lead, anywhere=anywhere)
