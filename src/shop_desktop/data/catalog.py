"""Reading the catalog: search, browse pages, barcode look-up, rows for views.

Everything here is built for a catalog of a million products: nothing loads
the catalog, sorting and filtering happen in SQL, pages are read by keyset
(never by a growing OFFSET), and search reads the FTS5 index in popularity
order so the first page costs the same whether 50 or 50,000 products match.

Functions take a ``Session`` and return plain frozen dataclasses, so views
and models never hold ORM objects across threads.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from shop_desktop.data import search_index
from shop_desktop.data.search_text import (
    MAX_PREFIX_WORDS,
    MAX_QUERY_TERMS,
    WordsStartingWith,
    build_query,
    pieces,
)
from shop_desktop.domain.barcodes import (
    EmbeddedCode,
    EmbeddedLayout,
    InvalidBarcode,
    looks_like_barcode,
    parse_barcode,
    parse_embedded,
)


class SortOrder(enum.Enum):
    NAME = "name"
    PRICE_LOW = "price_low"
    PRICE_HIGH = "price_high"
    BEST_SELLING = "best_selling"
    NEWEST = "newest"


@dataclass(frozen=True)
class CatalogFilter:
    """What the shelf is narrowed to. Empty means the whole active catalog."""

    category_id: uuid.UUID | None = None
    brand_id: uuid.UUID | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    #: Only products with stock at this branch.
    in_stock_at: uuid.UUID | None = None

    def where(self, params: dict[str, Any]) -> str:
        """SQL conditions on ``p`` (products) for this filter; fills ``params``."""
        clauses = ["p.active = 1"]
        if self.category_id is not None:
            clauses.append(
                "p.category_id IN (WITH RECURSIVE sub(id) AS ("
                " SELECT :category UNION ALL"
                " SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)"
                " SELECT id FROM sub)"
            )
            params["category"] = self.category_id.hex
        if self.brand_id is not None:
            clauses.append("p.brand_id = :brand")
            params["brand"] = self.brand_id.hex
        if self.min_price_minor is not None:
            clauses.append("p.price_minor >= :min_price")
            params["min_price"] = self.min_price_minor
        if self.max_price_minor is not None:
            clauses.append("p.price_minor <= :max_price")
            params["max_price"] = self.max_price_minor
        if self.in_stock_at is not None:
            clauses.append(f"({ON_HAND_SQL}) > 0")
            params["branch"] = self.in_stock_at.hex
        return " AND ".join(clauses)


#: On-hand at branch :branch for product ``p``: the server's snapshot plus the
#: movements made here that the server has not confirmed yet (SYNC.md).
ON_HAND_SQL = (
    "coalesce((SELECT s.on_hand_milli FROM stock_levels s"
    " WHERE s.branch_id = :branch AND s.product_id = p.id), 0)"
    " + coalesce((SELECT sum(m.qty_delta_milli) FROM stock_movements m"
    " WHERE m.branch_id = :branch AND m.product_id = p.id AND m.synced = 0), 0)"
)

# Sort column, direction, and the SQL expression for the keyset comparison.
_SORTS: dict[SortOrder, tuple[str, str]] = {
    SortOrder.NAME: ("p.name_zh", "ASC"),
    SortOrder.PRICE_LOW: ("p.price_minor", "ASC"),
    SortOrder.PRICE_HIGH: ("p.price_minor", "DESC"),
    SortOrder.BEST_SELLING: ("p.popularity", "DESC"),
    SortOrder.NEWEST: ("p.created_at", "DESC"),
}


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: the last row's sort value and rowid."""

    value: Any
    rowid: int


@dataclass(frozen=True)
class Page:
    ids: tuple[uuid.UUID, ...]
    #: None when this was the last page.
    next: PageCursor | None


def browse(
    session: Session,
    filter_: CatalogFilter,
    order: SortOrder = SortOrder.NAME,
    *,
    after: PageCursor | None = None,
    limit: int = 100,
    name_column: str = "name_zh",
) -> Page:
    """One page of product ids in ``order``, starting after ``after``."""
    column, direction = _SORTS[order]
    if order is SortOrder.NAME:
        column = "p.name_en" if name_column == "name_en" else "p.name_zh"
    params: dict[str, Any] = {"limit": limit}
    where = filter_.where(params)
    if after is not None:
        op = ">" if direction == "ASC" else "<"
        # Ties on the sort value are broken by rowid, in the same direction,
        # so the pair is unique and the index serves both.
        where += f" AND ({column}, p.rowid) {op} (:after_value, :after_rowid)"
        params["after_value"] = after.value
        params["after_rowid"] = after.rowid
    sql = (
        f"SELECT p.id, {column}, p.rowid FROM products p WHERE {where}"
        f" ORDER BY {column} {direction}, p.rowid {direction} LIMIT :limit"
    )
    rows = session.execute(text(sql), params).all()
    ids = tuple(uuid.UUID(hex=str(r[0])) for r in rows)
    cursor = PageCursor(rows[-1][1], int(rows[-1][2])) if len(rows) == limit else None
    return Page(ids, cursor)


def count(session: Session, filter_: CatalogFilter) -> int:
    params: dict[str, Any] = {}
    sql = f"SELECT count(*) FROM products p WHERE {filter_.where(params)}"
    return int(session.execute(text(sql), params).scalar_one())


# --- search -----------------------------------------------------------------


class MatchKind(enum.IntEnum):
    """Why a product is in the results; lower ranks first."""

    BARCODE = 0
    SKU = 1
    CODE_START = 2
    NAME_START = 3
    ELSEWHERE = 4


@dataclass(frozen=True)
class SearchPage:
    ids: tuple[uuid.UUID, ...]
    kinds: tuple[MatchKind, ...]
    #: Where the next page starts, or None when there is nothing more: an FTS
    #: rowid to continue after, or (negative) how many matches the slower path
    #: already gave, while the index is being built.
    next_key: int | None
    #: False when the index is being built (or is missing or outdated) and the
    #: slower path answered: it knows no pinyin and stops at FALLBACK_LIMIT.
    complete: bool = True


#: Matches the slower path gives at most, while the index is being built.
FALLBACK_LIMIT = 500


def _fts_ids(
    session: Session,
    expression: str,
    filter_: CatalogFilter,
    *,
    after_key: int,
    limit: int,
) -> list[tuple[uuid.UUID, int]]:
    params: dict[str, Any] = {"match": expression, "after": after_key, "limit": limit}
    where = filter_.where(params)
    sql = (
        "SELECT k.product_id, s.rowid FROM product_search s"
        " JOIN product_search_keys k ON k.search_key = s.rowid"
        " JOIN products p ON p.id = k.product_id"
        f" WHERE product_search MATCH :match AND s.rowid > :after AND {where}"
        " ORDER BY s.rowid LIMIT :limit"
    )
    return [(uuid.UUID(hex=str(r[0])), int(r[1])) for r in session.execute(text(sql), params).all()]


def search(
    session: Session,
    typed: str,
    filter_: CatalogFilter | None = None,
    *,
    after_key: int | None = None,
    limit: int = 50,
) -> SearchPage:
    """Products matching what was typed, best first.

    The first page puts an exact barcode, then an exact SKU, then names
    starting with the query, then every other match by popularity. Later
    pages (``after_key`` from the previous page) continue the last group.
    """
    filter_ = filter_ or CatalogFilter()
    if (after_key is not None and after_key < 0) or not search_index.index_ready(
        session.connection()
    ):
        return _search_without_index(session, typed, filter_, offset=-(after_key or 0), limit=limit)
    query = build_query(typed, _vocabulary(session))
    if query is None:
        return SearchPage((), (), None)
    seen: dict[uuid.UUID, MatchKind] = {}
    if after_key is None:
        for pid in _exact_codes(session, query.text):
            seen.setdefault(pid, MatchKind.BARCODE)
        sku = session.execute(
            text("SELECT id FROM products p WHERE p.sku = :sku AND p.active = 1"),
            {"sku": query.text.upper()},
        ).scalar()
        if sku is not None:
            seen.setdefault(uuid.UUID(hex=str(sku)), MatchKind.SKU)
        for pid in _code_prefix(session, query.text, filter_, limit):
            seen.setdefault(pid, MatchKind.CODE_START)
        for pid, _key in _fts_ids(session, query.lead, filter_, after_key=0, limit=limit):
            seen.setdefault(pid, MatchKind.NAME_START)
    rest = _fts_ids(session, query.anywhere, filter_, after_key=after_key or 0, limit=limit)
    for pid, _key in rest:
        seen.setdefault(pid, MatchKind.ELSEWHERE)
    next_key = rest[-1][1] if len(rest) == limit else None
    ordered = sorted(seen.items(), key=lambda item: item[1])
    return SearchPage(
        tuple(pid for pid, _ in ordered), tuple(kind for _, kind in ordered), next_key
    )


def search_complete(session: Session) -> bool:
    """Whether :func:`search` reads the index now, or still takes the slower path."""
    return search_index.index_ready(session.connection())


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_without_index(
    session: Session, typed: str, filter_: CatalogFilter, *, offset: int, limit: int
) -> SearchPage:
    """Search while the index is being built: codes as usual, names by ``LIKE``.

    Every typed piece must appear in the name (either language), the brand or
    the SKU. Read best sellers first along the popularity index, so a common
    word stops after a page; a rare one reads the whole catalog, which is
    why this is only the stopgap. No pinyin or initials (those live only in
    the index), and no more than :data:`FALLBACK_LIMIT` matches.
    """
    terms = [p for p, chinese in pieces(typed) if chinese or len(p) > 1][:MAX_QUERY_TERMS]
    if not terms or offset >= FALLBACK_LIMIT:
        return SearchPage((), (), None, complete=False)
    seen: dict[uuid.UUID, MatchKind] = {}
    text_typed = " ".join(terms)
    if offset == 0:
        for pid in _exact_codes(session, typed.strip()):
            seen.setdefault(pid, MatchKind.BARCODE)
        for pid in _code_prefix(session, text_typed, filter_, limit):
            seen.setdefault(pid, MatchKind.CODE_START)
    params: dict[str, Any] = {"limit": min(limit, FALLBACK_LIMIT - offset), "offset": offset}
    where = [filter_.where(params)]
    expanding: list[str] = []
    for n, term in enumerate(terms):
        params[f"t{n}"] = pattern = _like(term)
        either = [
            f"{column} LIKE :t{n} ESCAPE '\\'" for column in ("p.name_zh", "p.name_en", "p.sku")
        ]
        # Brands are few: matched once here rather than joined to every product.
        brand_ids = [
            str(r[0])
            for r in session.execute(
                text(
                    "SELECT id FROM brands WHERE name_zh LIKE :p ESCAPE '\\'"
                    " OR name_en LIKE :p ESCAPE '\\'"
                ),
                {"p": pattern},
            )
        ]
        if brand_ids:
            params[f"b{n}"] = brand_ids
            expanding.append(f"b{n}")
            either.append(f"p.brand_id IN :b{n}")
        where.append("(" + " OR ".join(either) + ")")
    # DESC on both, as the popularity index is ordered: read in index order, no sort.
    sql = text(
        f"SELECT p.id FROM products p WHERE {' AND '.join(where)}"
        " ORDER BY p.popularity DESC, p.rowid DESC LIMIT :limit OFFSET :offset"
    ).bindparams(*(bindparam(name, expanding=True) for name in expanding))
    rows = session.execute(sql, params).all()
    for r in rows:
        seen.setdefault(uuid.UUID(hex=str(r[0])), MatchKind.ELSEWHERE)
    given = offset + len(rows)
    more = len(rows) == params["limit"] and given < FALLBACK_LIMIT
    ordered = sorted(seen.items(), key=lambda item: item[1])
    return SearchPage(
        tuple(pid for pid, _ in ordered),
        tuple(kind for _, kind in ordered),
        -given if more else None,
        complete=False,
    )


def _vocabulary(session: Session) -> WordsStartingWith:
    """The index's words by prefix, each prefix read once per search."""
    found: dict[str, list[str] | None] = {}

    def words_starting_with(prefix: str) -> list[str] | None:
        if prefix not in found:
            found[prefix] = search_index.words_starting_with(
                session.connection(), prefix, MAX_PREFIX_WORDS
            )
        return found[prefix]

    return words_starting_with


_CODE = re.compile(r"[0-9a-z]*[0-9][0-9a-z]*")


def _code_prefix(
    session: Session, typed: str, filter_: CatalogFilter, limit: int
) -> list[uuid.UUID]:
    """SKUs, and barcodes of four digits or more, that start with what was typed.

    A range on the unique indexes: as fast for "P0" as for a whole code.
    """
    if not _CODE.fullmatch(typed) or len(typed) < 2:
        return []
    params: dict[str, Any] = {"lo": typed.upper(), "hi": typed.upper() + "\uffff", "n": limit}
    where = filter_.where(params)
    found = [
        uuid.UUID(hex=str(r[0]))
        for r in session.execute(
            text(
                f"SELECT p.id FROM products p WHERE p.sku >= :lo AND p.sku < :hi AND {where}"
                " ORDER BY p.sku LIMIT :n"
            ),
            params,
        )
    ]
    if typed.isdigit() and len(typed) >= 4:
        found += [
            uuid.UUID(hex=str(r[0]))
            for r in session.execute(
                text(
                    "SELECT p.id FROM product_barcodes pb JOIN products p ON p.id = pb.product_id"
                    f" WHERE pb.code >= :lo AND pb.code < :hi AND {where}"
                    " ORDER BY pb.code LIMIT :n"
                ),
                params,
            )
        ]
    return found


def _exact_codes(session: Session, typed: str) -> list[uuid.UUID]:
    if not looks_like_barcode(typed):
        return []
    try:
        barcode = parse_barcode(typed)
    except InvalidBarcode:
        return []
    rows = session.execute(
        text("SELECT product_id FROM product_barcodes WHERE code IN :codes").bindparams(
            bindparam("codes", expanding=True)
        ),
        {"codes": list(barcode.lookup_keys)},
    ).all()
    return [uuid.UUID(hex=str(r[0])) for r in rows]


# --- scanning ---------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    """A scanned code resolved to a product, with what the label carried."""

    product_id: uuid.UUID
    code: str
    embedded: EmbeddedCode | None = None


class UnknownBarcode(LookupError):
    """A valid code that no product in this catalog carries."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def lookup_barcode(
    session: Session, scanned: str, layout: EmbeddedLayout | None = None
) -> ScanResult:
    """Resolve a scan. Raises :class:`InvalidBarcode` or :class:`UnknownBarcode`."""
    barcode = parse_barcode(scanned)
    embedded = parse_embedded(barcode, layout)
    # In-store codes are stored by their item key; the rest as printed.
    keys = [embedded.item_key] if embedded is not None else list(barcode.lookup_keys)
    row = session.execute(
        text(
            "SELECT pb.product_id FROM product_barcodes pb JOIN products p ON p.id = pb.product_id"
            " WHERE pb.code IN :codes AND p.active = 1 LIMIT 1"
        ).bindparams(bindparam("codes", expanding=True)),
        {"codes": keys},
    ).first()
    if row is None:
        raise UnknownBarcode(barcode.digits)
    return ScanResult(uuid.UUID(hex=str(row[0])), barcode.digits, embedded)


# --- rows for views ---------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    """What a list or grid shows for one product."""

    id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    brand_zh: str
    brand_en: str
    price_minor: int
    member_price_minor: int | None
    unit: str
    on_hand_milli: int
    thumbnail: str | None


def product_rows(
    session: Session, ids: Sequence[uuid.UUID], branch_id: uuid.UUID
) -> dict[uuid.UUID, ProductRow]:
    """Display rows for these products, with stock at ``branch_id``."""
    if not ids:
        return {}
    sql = text(
        "SELECT p.id, p.sku, p.name_zh, p.name_en, coalesce(b.name_zh, ''),"
        " coalesce(b.name_en, ''), p.price_minor, p.member_price_minor, p.unit,"
        f" {ON_HAND_SQL},"
        " (SELECT i.path FROM product_images i WHERE i.product_id = p.id"
        "  ORDER BY i.position LIMIT 1)"
        " FROM products p LEFT JOIN brands b ON b.id = p.brand_id WHERE p.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(sql, {"ids": [i.hex for i in ids], "branch": branch_id.hex}).all()
    result: dict[uuid.UUID, ProductRow] = {}
    for r in rows:
        pid = uuid.UUID(hex=str(r[0]))
        result[pid] = ProductRow(
            id=pid,
            sku=r[1],
            name_zh=r[2],
            name_en=r[3],
            brand_zh=r[4],
            brand_en=r[5],
            price_minor=r[6],
            member_price_minor=r[7],
            unit=r[8],
            on_hand_milli=int(r[9]),
            thumbnail=r[10],
        )
    return result


@dataclass(frozen=True)
class BranchStock:
    branch_id: uuid.UUID
    branch_code: str
    name_zh: str
    name_en: str
    on_hand_milli: int
    low_stock_milli: int
    as_of: datetime | None


@dataclass(frozen=True)
class ProductDetail:
    row: ProductRow
    description: str
    specs: tuple[tuple[str, str], ...]
    category_path_zh: tuple[str, ...]
    category_path_en: tuple[str, ...]
    barcodes: tuple[str, ...]
    images: tuple[str, ...]
    tax_rate_bp: int
    weighed: bool
    stock: tuple[BranchStock, ...] = field(default_factory=tuple)


def product_detail(
    session: Session, product_id: uuid.UUID, branch_id: uuid.UUID
) -> ProductDetail | None:
    """Everything the detail pane shows, or None if the product is gone."""
    rows = product_rows(session, [product_id], branch_id)
    row = rows.get(product_id)
    if row is None:
        return None
    info = session.execute(
        text(
            "SELECT p.description, p.specs, p.category_id, t.rate_bp, p.weighed"
            " FROM products p JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.id = :id"
        ),
        {"id": product_id.hex},
    ).one()
    specs_value = info[1]
    if isinstance(specs_value, str):
        specs_value = json.loads(specs_value)
    specs = tuple((str(k), str(v)) for k, v in dict(specs_value or {}).items())
    path = session.execute(
        text(
            "WITH RECURSIVE up(id, parent_id, name_zh, name_en, depth) AS ("
            " SELECT id, parent_id, name_zh, name_en, depth FROM categories WHERE id = :id"
            " UNION ALL SELECT c.id, c.parent_id, c.name_zh, c.name_en, c.depth"
            " FROM categories c JOIN up ON c.id = up.parent_id)"
            " SELECT name_zh, name_en FROM up ORDER BY depth"
        ),
        {"id": info[2].hex if isinstance(info[2], uuid.UUID) else info[2]},
    ).all()
    barcodes = tuple(
        str(r[0])
        for r in session.execute(
            text("SELECT code FROM product_barcodes WHERE product_id = :id ORDER BY code"),
            {"id": product_id.hex},
        )
    )
    images = tuple(
        str(r[0])
        for r in session.execute(
            text("SELECT path FROM product_images WHERE product_id = :id ORDER BY position"),
            {"id": product_id.hex},
        )
    )
    stock = tuple(
        BranchStock(
            branch_id=uuid.UUID(hex=str(r[0])),
            branch_code=r[1],
            name_zh=r[2],
            name_en=r[3],
            on_hand_milli=int(r[4]),
            low_stock_milli=int(r[5] or 0),
            as_of=r[6] if isinstance(r[6], datetime) else None,
        )
        for r in session.execute(
            text(
                "SELECT b.id, b.code, b.name_zh, b.name_en,"
                " coalesce(s.on_hand_milli, 0) + coalesce((SELECT sum(m.qty_delta_milli)"
                "  FROM stock_movements m WHERE m.branch_id = b.id AND m.product_id = :id"
                "  AND m.synced = 0), 0),"
                " s.low_stock_milli, s.as_of"
                " FROM branches b LEFT JOIN stock_levels s"
                "  ON s.branch_id = b.id AND s.product_id = :id"
                " WHERE b.active = 1 ORDER BY b.id = :here DESC, b.code"
            ),
            {"id": product_id.hex, "here": branch_id.hex},
        )
    )
    return ProductDetail(
        row=row,
        description=str(info[0]),
        specs=specs,
        category_path_zh=tuple(str(p[0]) for p in path),
        category_path_en=tuple(str(p[1]) for p in path),
        barcodes=barcodes,
        images=images,
        tax_rate_bp=int(info[3]),
        weighed=bool(info[4]),
        stock=stock,
    )


@dataclass(frozen=True)
class CategoryNode:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name_zh: str
    name_en: str
    depth: int


def category_tree(session: Session) -> list[CategoryNode]:
    """All categories, parents before children, siblings in shelf order."""
    rows = session.execute(
        text(
            "SELECT id, parent_id, name_zh, name_en, depth FROM categories"
            " ORDER BY depth, sort_order, code"
        )
    ).all()
    return [
        CategoryNode(
            id=uuid.UUID(hex=str(r[0])),
            parent_id=uuid.UUID(hex=str(r[1])) if r[1] else None,
            name_zh=r[2],
            name_en=r[3],
            depth=int(r[4]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class BrandOption:
    id: uuid.UUID
    name_zh: str
    name_en: str


def brands(session: Session) -> list[BrandOption]:
    rows = session.execute(text("SELECT id, name_zh, name_en FROM brands ORDER BY name_en")).all()
    return [BrandOption(uuid.UUID(hex=str(r[0])), r[1], r[2]) for r in rows]


def complete_names(session: Session, typed: str, *, english: bool, limit: int = 10) -> list[str]:
    """Autocomplete: brand names, then the names of the best search hits.

    Built on :func:`search`, so it accepts every form search does (pinyin,
    initials, fragments) and costs one search.
    """
    typed = typed.strip()
    if not typed:
        return []
    column = "name_en" if english else "name_zh"
    names: list[str] = []
    needle = typed.casefold()
    for brand in brands_matching(session, needle, limit=3):
        names.append(brand.name_en if english else brand.name_zh)
    page = search(session, typed, limit=limit)
    if page.ids:
        rows = session.execute(
            text(f"SELECT id, {column} FROM products WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": [i.hex for i in page.ids]},
        ).all()
        by_id = {uuid.UUID(hex=str(r[0])): str(r[1]) for r in rows}
        names.extend(by_id[i] for i in page.ids if i in by_id)
    return list(dict.fromkeys(names))[:limit]


def brands_matching(session: Session, needle: str, *, limit: int = 10) -> list[BrandOption]:
    """Brands whose Chinese or English name starts with ``needle`` (case-insensitive)."""
    pattern = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        text(
            "SELECT id, name_zh, name_en FROM brands"
            " WHERE name_zh LIKE :p ESCAPE '\\' OR name_en LIKE :p ESCAPE '\\'"
            " ORDER BY name_en LIMIT :limit"
        ),
        {"p": pattern, "limit": limit},
    ).all()
    return [BrandOption(uuid.UUID(hex=str(r[0])), r[1], r[2]) for r in rows]
