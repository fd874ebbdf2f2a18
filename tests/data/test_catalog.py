"""Catalog reading on a real migrated SQLite file: search, browse, scan, detail.

A small shop is written through the ORM, so the search index is kept by the
data layer's own hooks, exactly as in the app.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from shop_desktop.data import catalog, search_index
from shop_desktop.data.catalog import CatalogFilter, MatchKind, SortOrder
from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import (
    Branch,
    Brand,
    Category,
    Product,
    ProductBarcode,
    StockLevel,
    StockMovement,
    StockReason,
    TaxClass,
)
from shop_desktop.domain.barcodes import InvalidBarcode, make_embedded, with_check_digit


@dataclass
class Shop:
    db: Database
    branch: uuid.UUID
    other_branch: uuid.UUID
    drinks: uuid.UUID
    tea: uuid.UUID
    dairy: uuid.UUID
    kuang: uuid.UUID
    ids: dict[str, uuid.UUID]


#: sku: (name_zh, name_en, brand?, category, price, popularity, barcode)
PRODUCTS = {
    "MILK1": ("光泉 鮮乳 全脂 936ml", "Kuang Chuan Fresh Milk Whole 936ml", True, "dairy", 95, 50),
    "MILK2": ("牛奶糖 經典", "Milk Candy Classic", False, "dairy", 35, 5),
    "MILK3": ("鮮奶茶 無糖", "Fresh Milk Tea Unsweetened", False, "tea", 45, 80),
    "TEA1": ("綠茶 無糖 600ml", "Green Tea Unsweetened 600ml", False, "tea", 25, 90),
    "TEA2": ("烏龍茶 600ml", "Oolong Tea 600ml", False, "tea", 29, 10),
    "TEA3": ("紅茶 拿鐵", "Black Tea Latte", False, "tea", 39, 30),
    "COW1": ("牛肉乾 原味", "Beef Jerky Original", False, "drinks", 120, 1),
}


@pytest.fixture
def shop(migrated_db_path: Path) -> Iterator[Shop]:
    db = open_database(migrated_db_path)
    ids: dict[str, uuid.UUID] = {}
    with db.session() as s:
        here = Branch(code="B01", name_zh="台北店", name_en="Taipei")
        there = Branch(code="B02", name_zh="台中店", name_en="Taichung")
        tax = TaxClass(code="TX5", name_zh="應稅", name_en="Taxable", rate_bp=500, inclusive=True)
        drinks = Category(code="C1", name_zh="飲料", name_en="Drinks", depth=0)
        tea = Category(code="C1-1", name_zh="茶飲", name_en="Tea", depth=1, parent=drinks)
        dairy = Category(code="C1-2", name_zh="乳品", name_en="Dairy", depth=1, parent=drinks)
        kuang = Brand(name_zh="光泉", name_en="Kuang Chuan")
        s.add_all([here, there, tax, drinks, tea, dairy, kuang])
        s.flush()
        cats = {"drinks": drinks, "tea": tea, "dairy": dairy}
        base = datetime(2026, 1, 1, tzinfo=UTC)
        for n, (sku, (zh, en, branded, cat, price, pop)) in enumerate(PRODUCTS.items()):
            product = Product(
                sku=sku,
                name_zh=zh,
                name_en=en,
                category_id=cats[cat].id,
                brand_id=kuang.id if branded else None,
                tax_class_id=tax.id,
                price_minor=price,
                popularity=pop,
                specs={"產地": "台灣"},
                created_at=base + timedelta(days=n),
            )
            product.barcodes.append(ProductBarcode(code=with_check_digit(f"471000000{n:03d}")))
            s.add(product)
            s.flush()
            ids[sku] = product.id
            s.add(StockLevel(branch_id=here.id, product_id=product.id, on_hand_milli=n * 1000))
        # A weighed item is stored by its in-store item key.
        s.add(ProductBarcode(code="2500042", product_id=ids["COW1"], kind="internal"))
        result = Shop(db, here.id, there.id, drinks.id, tea.id, dairy.id, kuang.id, ids)
    yield result
    db.dispose()


def names(shop: Shop, found: tuple[uuid.UUID, ...]) -> list[str]:
    by_id = {v: k for k, v in shop.ids.items()}
    return [by_id[i] for i in found]


def search(shop: Shop, typed: str, filter_: CatalogFilter | None = None) -> list[str]:
    with shop.db.session() as s:
        return names(shop, catalog.search(s, typed, filter_).ids)


def rebuild(shop: Shop) -> None:
    conn = sqlite3.connect(shop.db.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        search_index.rebuild(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("牛奶", ["MILK2"]),  # a two-character fragment
        ("茶", ["TEA1", "TEA2", "TEA3", "MILK3"]),  # one character
        ("鮮乳", ["MILK1"]),
        ("niunai", ["MILK2"]),  # pinyin
        ("niuna", ["MILK2"]),  # pinyin, still typing
        ("nn", ["MILK2"]),  # initials
        ("lvcha", ["TEA1"]),  # ü typed as v
        ("lucha", ["TEA1"]),
        ("milk", ["MILK1", "MILK2", "MILK3"]),  # English word prefix
        ("mil", ["MILK1", "MILK2", "MILK3"]),
        ("oolong", ["TEA2"]),
        ("kuang", ["MILK1"]),  # brand
        ("台灣", list(PRODUCTS)),  # specification value
        ("tea1", ["TEA1"]),  # SKU
        ("milk tea", ["MILK3"]),  # every term must match
        ("green 600", ["TEA1"]),
    ],
)
def test_every_search_form(shop: Shop, typed: str, expected: list[str]) -> None:
    assert sorted(search(shop, typed)) == sorted(expected)


def test_ranking_exact_codes_then_name_start_then_popularity(shop: Shop) -> None:
    rebuild(shop)  # search keys in popularity order
    # Names starting with 牛 first (牛奶糖, 牛肉乾 by popularity), then the rest.
    assert search(shop, "牛") == ["MILK2", "COW1"]
    assert search(shop, "茶") == ["TEA1", "MILK3", "TEA3", "TEA2"]
    assert search(shop, "milk") == ["MILK2", "MILK3", "MILK1"]  # "Milk Candy" starts with it
    with shop.db.session() as s:
        page = catalog.search(s, "TEA2")
        assert page.kinds[0] is MatchKind.SKU
        assert names(shop, page.ids)[0] == "TEA2"
        code = with_check_digit("471000000004")
        page = catalog.search(s, code)
        assert page.kinds[0] is MatchKind.BARCODE
        assert names(shop, page.ids) == ["TEA2"]


def test_partial_codes_are_found_by_range(shop: Shop) -> None:
    with shop.db.session() as s:
        page = catalog.search(s, "4710000000")  # a barcode being typed
        assert sorted(names(shop, page.ids)) == sorted(PRODUCTS)
        assert set(page.kinds) == {MatchKind.CODE_START}
        page = catalog.search(s, "milk")  # letters only: a word, not a code
        assert MatchKind.CODE_START not in page.kinds
        page = catalog.search(s, "tea2")
        assert names(shop, page.ids)[0] == "TEA2"
        assert page.kinds[0] is MatchKind.SKU


def test_search_pages_continue_without_repeats(shop: Shop) -> None:
    seen: list[uuid.UUID] = []
    with shop.db.session() as s:
        page = catalog.search(s, "台灣", limit=3)
        seen.extend(page.ids)
        while page.next_key is not None:
            page = catalog.search(s, "台灣", after_key=page.next_key, limit=3)
            seen.extend(i for i in page.ids if i not in seen)
    assert sorted(names(shop, tuple(seen))) == sorted(PRODUCTS)


def test_search_respects_filters(shop: Shop) -> None:
    assert sorted(search(shop, "milk", CatalogFilter(category_id=shop.tea))) == ["MILK3"]
    assert search(shop, "milk", CatalogFilter(brand_id=shop.kuang)) == ["MILK1"]
    assert sorted(search(shop, "茶", CatalogFilter(max_price_minor=30))) == ["TEA1", "TEA2"]


@pytest.mark.parametrize(
    "typed",
    ['"', "*", "NEAR(a b)", "a OR b", "'; DROP TABLE products; --", "😀", "x" * 10_000, ""],
)
def test_hostile_input_gives_results_or_nothing_never_an_error(shop: Shop, typed: str) -> None:
    search(shop, typed)
    with shop.db.session() as s:
        assert s.scalar(select(Product).limit(1)) is not None  # the table is still there


def test_index_follows_edits_renames_and_deletes(shop: Shop) -> None:
    with shop.db.session() as s:
        product = s.get(Product, shop.ids["TEA2"])
        assert product is not None
        product.name_zh = "凍頂烏龍 600ml"
        product.name_en = "Dongding Oolong 600ml"
    assert search(shop, "凍頂") == ["TEA2"]
    assert search(shop, "dongding") == ["TEA2"]
    assert search(shop, "烏龍茶") == []  # the old name is gone from the index

    with shop.db.session() as s:
        brand = s.get(Brand, shop.kuang)
        assert brand is not None
        brand.name_en = "KC Dairy"
    assert search(shop, "kc dairy") == ["MILK1"]

    with shop.db.session() as s:
        s.add(ProductBarcode(code="12345678", product_id=shop.ids["TEA1"], kind="internal"))
    assert search(shop, "12345678") == ["TEA1"]

    with shop.db.session() as s:
        s.execute(delete(StockLevel).where(StockLevel.product_id == shop.ids["TEA3"]))
        s.execute(delete(ProductBarcode).where(ProductBarcode.product_id == shop.ids["TEA3"]))
        doomed = s.get(Product, shop.ids["TEA3"])
        s.delete(doomed)
    assert "TEA3" not in search(shop, "茶")


def test_failed_write_leaves_the_index_as_it_was(shop: Shop) -> None:
    def rename_then_fail() -> None:
        with shop.db.session() as s:
            product = s.get(Product, shop.ids["TEA2"])
            assert product is not None
            product.name_zh = "改名了"
            s.flush()  # the index is updated here, inside the transaction
            raise RuntimeError("cashier pulled the plug")

    with pytest.raises(RuntimeError):
        rename_then_fail()
    assert search(shop, "改名") == []
    assert search(shop, "烏龍") == ["TEA2"]


def test_rebuild_matches_incremental_index(shop: Shop) -> None:
    before = {typed: sorted(search(shop, typed)) for typed in ("茶", "milk", "nn", "台灣")}
    rebuild(shop)
    after = {typed: sorted(search(shop, typed)) for typed in before}
    assert after == before
    conn = sqlite3.connect(shop.db.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO product_search(product_search) VALUES ('integrity-check')")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (SortOrder.PRICE_LOW, ["TEA1", "TEA2", "MILK2", "TEA3", "MILK3", "MILK1", "COW1"]),
        (SortOrder.PRICE_HIGH, ["COW1", "MILK1", "MILK3", "TEA3", "MILK2", "TEA2", "TEA1"]),
        (SortOrder.BEST_SELLING, ["TEA1", "MILK3", "MILK1", "TEA3", "TEA2", "MILK2", "COW1"]),
        (SortOrder.NEWEST, ["COW1", "TEA3", "TEA2", "TEA1", "MILK3", "MILK2", "MILK1"]),
    ],
)
def test_browse_sorts_in_sql_across_pages(
    shop: Shop, order: SortOrder, expected: list[str]
) -> None:
    found: list[uuid.UUID] = []
    with shop.db.session() as s:
        page = catalog.browse(s, CatalogFilter(), order, limit=2)
        found.extend(page.ids)
        while page.next is not None:
            page = catalog.browse(s, CatalogFilter(), order, after=page.next, limit=2)
            found.extend(page.ids)
    assert names(shop, tuple(found)) == expected


def test_browse_by_name_in_either_language(shop: Shop) -> None:
    with shop.db.session() as s:
        english = catalog.browse(s, CatalogFilter(), SortOrder.NAME, name_column="name_en")
    assert names(shop, english.ids)[:2] == ["COW1", "TEA3"]  # Beef..., Black...


def test_browse_filters(shop: Shop) -> None:
    with shop.db.session() as s:
        # A department includes its sub-categories.
        assert catalog.count(s, CatalogFilter(category_id=shop.drinks)) == len(PRODUCTS)
        assert catalog.count(s, CatalogFilter(category_id=shop.tea)) == 4
        assert catalog.count(s, CatalogFilter(min_price_minor=30, max_price_minor=100)) == 4
        # Stock: n pieces of the n-th product; MILK1 has none.
        in_stock = catalog.browse(s, CatalogFilter(in_stock_at=shop.branch), SortOrder.NEWEST)
        assert "MILK1" not in names(shop, in_stock.ids)
        assert catalog.count(s, CatalogFilter(in_stock_at=shop.other_branch)) == 0


def test_unsynced_movements_count_towards_stock(shop: Shop) -> None:
    with shop.db.session() as s:
        s.add(
            StockMovement(
                branch_id=shop.branch,
                product_id=shop.ids["MILK2"],
                qty_delta_milli=-1000,
                reason=StockReason.SALE,
            )
        )
    with shop.db.session() as s:
        rows = catalog.product_rows(s, [shop.ids["MILK2"]], shop.branch)
    assert rows[shop.ids["MILK2"]].on_hand_milli == 0  # 1 piece on the snapshot, 1 sold here


def test_scan_each_kind(shop: Shop) -> None:
    with shop.db.session() as s:
        hit = catalog.lookup_barcode(s, with_check_digit("471000000003"))
        assert hit.product_id == shop.ids["TEA1"]
        weighed = catalog.lookup_barcode(s, make_embedded("2500042", 1250).digits)
        assert weighed.product_id == shop.ids["COW1"]
        assert weighed.embedded is not None
        assert weighed.embedded.weight_milli == 1250
        with pytest.raises(catalog.UnknownBarcode):
            catalog.lookup_barcode(s, with_check_digit("471999999999"))
        with pytest.raises(InvalidBarcode):
            catalog.lookup_barcode(s, "4710000000030")


def test_detail(shop: Shop) -> None:
    with shop.db.session() as s:
        detail = catalog.product_detail(s, shop.ids["TEA2"], shop.branch)
    assert detail is not None
    assert detail.row.name_zh == "烏龍茶 600ml"
    assert detail.category_path_en == ("Drinks", "Tea")
    assert detail.specs == (("產地", "台灣"),)
    assert detail.tax_rate_bp == 500
    assert [b.branch_code for b in detail.stock] == ["B01", "B02"]  # here first
    assert detail.stock[0].on_hand_milli == 4000


def test_category_tree_and_completion(shop: Shop) -> None:
    with shop.db.session() as s:
        tree = catalog.category_tree(s)
        assert [c.name_en for c in tree] == ["Drinks", "Tea", "Dairy"]
        assert catalog.complete_names(s, "kuang", english=True)[0] == "Kuang Chuan"
        assert "牛奶糖 經典" in catalog.complete_names(s, "niunai", english=False)


def vocabulary(shop: Shop) -> set[str]:
    conn = sqlite3.connect(shop.db.path)
    try:
        return {str(r[0]) for r in conn.execute("SELECT word FROM product_search_words")}
    finally:
        conn.close()


def test_prefixes_are_searched_as_the_words_they_stand_for(shop: Shop) -> None:
    # The ORM's hooks keep the vocabulary as they keep the index.
    assert {"milk", "oolong", "_milk", "niunai", "kuang"} <= vocabulary(shop)
    with shop.db.session() as s:
        product = s.get(Product, shop.ids["TEA2"])
        assert product is not None
        product.name_en = "Oolongcha Tea 600ml"
    assert "oolongcha" in vocabulary(shop)
    assert search(shop, "oolongc") == ["TEA2"]
    assert sorted(search(shop, "mil")) == ["MILK1", "MILK2", "MILK3"]
    assert search(shop, "milkshake") == []  # no word starts with it
    # A rebuild reads the same vocabulary back from the index.
    before = vocabulary(shop)
    rebuild(shop)
    assert vocabulary(shop) == before - {"oolong", "_oolong"}
    assert search(shop, "oolongc") == ["TEA2"]


def test_a_catalog_without_vocabulary_is_still_searched_and_gets_rebuilt(shop: Shop) -> None:
    conn = sqlite3.connect(shop.db.path, isolation_level=None)
    try:
        conn.execute("DROP TABLE product_search_words")  # as an older version kept it
        assert search_index.needs_rebuild(conn)
    finally:
        conn.close()
    assert sorted(search(shop, "mil")) == ["MILK1", "MILK2", "MILK3"]
    assert search_index.ensure_index(shop.db.path) == len(PRODUCTS)
    assert "milk" in vocabulary(shop)


def test_parallel_rebuild_gives_the_same_index(shop: Shop) -> None:
    # The second process is used for big catalogs only; force it here.
    conn = sqlite3.connect(shop.db.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        search_index.rebuild(conn, batch=2, parallel_from=0)
        conn.execute("COMMIT")
        assert not search_index.needs_rebuild(conn)
    finally:
        conn.close()
    assert sorted(search(shop, "茶")) == ["MILK3", "TEA1", "TEA2", "TEA3"]
    assert search(shop, "nn") == ["MILK2"]


def test_ensure_index_builds_once_and_a_cancel_changes_nothing(demo_db_path: Path) -> None:
    from shop_desktop.services.tasks import Cancelled, TaskState

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(demo_db_path)

    state = TaskState(on_progress=lambda _fraction, _status: state.request_cancel())
    with pytest.raises(Cancelled):
        search_index.ensure_index(demo_db_path, state, force=True)
    conn = connect()
    try:
        assert search_index.needs_rebuild(conn)  # rolled back: still missing
        assert conn.execute("SELECT count(*) FROM product_search_keys").fetchone() == (0,)
    finally:
        conn.close()

    assert search_index.ensure_index(demo_db_path) == 400
    assert search_index.ensure_index(demo_db_path) is None  # current now
    conn = connect()
    try:
        assert not search_index.needs_rebuild(conn)
    finally:
        conn.close()


# --- search while the index is missing, outdated or being built (issue 12 item 9) ------


def set_index_state(shop: Shop, state: dict[str, object] | None) -> None:
    conn = sqlite3.connect(shop.db.path, isolation_level=None)
    try:
        if state is None:
            conn.execute("DELETE FROM local_state WHERE key = 'search_index'")
        else:
            conn.execute(
                "INSERT OR REPLACE INTO local_state (key, value) VALUES ('search_index', ?)",
                (json.dumps(state),),
            )
    finally:
        conn.close()


def index_ready(shop: Shop) -> bool:
    with shop.db.session() as s:
        return search_index.index_ready(s.connection())


def search_page(shop: Shop, typed: str, **kwargs: object) -> catalog.SearchPage:
    with shop.db.session() as s:
        return catalog.search(s, typed, **kwargs)  # type: ignore[arg-type]


def test_an_outdated_index_is_not_trusted_and_search_takes_the_slower_path(shop: Shop) -> None:
    rebuild(shop)
    assert index_ready(shop)
    assert search_page(shop, "niunai").complete
    set_index_state(shop, {"tokenizer": search_index.TOKENIZER_VERSION - 1, "products": 7})
    assert not index_ready(shop)

    # Names in either language, brands and SKUs, every typed piece; codes as always.
    page = search_page(shop, "milk")
    assert not page.complete
    assert sorted(names(shop, page.ids)) == ["MILK1", "MILK2", "MILK3"]
    assert names(shop, page.ids) == ["MILK3", "MILK1", "MILK2"]  # best sellers first
    assert search(shop, "鮮乳") == ["MILK1"]
    assert search(shop, "kuang") == ["MILK1"]
    assert search(shop, "milk tea") == ["MILK3"]
    assert search(shop, "tea2") == ["TEA2"]
    assert search(shop, "茶", CatalogFilter(max_price_minor=30)) == ["TEA1", "TEA2"]
    code = with_check_digit("471000000004")
    page = search_page(shop, code)
    assert names(shop, page.ids) == ["TEA2"]
    assert page.kinds == (MatchKind.BARCODE,)
    # Only the index knows pinyin; LIKE's own wildcards typed by a cashier match nothing.
    assert search(shop, "niunai") == []
    assert search(shop, "%") == []

    assert search_index.build_in_steps_if_needed(shop.db.path) == len(PRODUCTS)
    assert index_ready(shop)
    page = search_page(shop, "niunai")
    assert page.complete
    assert names(shop, page.ids) == ["MILK2"]


def test_a_dropped_index_is_searched_by_the_slower_path_until_built(shop: Shop) -> None:
    conn = sqlite3.connect(shop.db.path, isolation_level=None)
    try:
        conn.execute(
            f"INSERT INTO {search_index.FTS_TABLE}({search_index.FTS_TABLE}) VALUES ('delete-all')"
        )
        conn.execute("DELETE FROM product_search_keys")
        conn.execute("DROP TABLE product_search_words")
    finally:
        conn.close()
    assert not index_ready(shop)
    page = search_page(shop, "oolong")
    assert not page.complete
    assert names(shop, page.ids) == ["TEA2"]

    assert search_index.build_in_steps_if_needed(shop.db.path) == len(PRODUCTS)
    assert search_page(shop, "oolong").complete


def test_the_slower_path_pages_without_repeats_and_stops_at_its_limit(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_index_state(shop, {"building": True, "reserved": 7, "build_id": "x"})
    seen: list[uuid.UUID] = []
    page = search_page(shop, "茶", limit=2)
    assert page.next_key is not None
    assert page.next_key < 0  # the slower path's own cursor
    seen.extend(page.ids)
    while page.next_key is not None:
        page = search_page(shop, "茶", after_key=page.next_key, limit=2)
        assert not page.complete
        assert not set(page.ids) & set(seen)
        seen.extend(page.ids)
    assert names(shop, tuple(seen)) == ["TEA1", "MILK3", "TEA3", "TEA2"]  # by popularity

    # At most FALLBACK_LIMIT matches: the stopgap never reads the catalog page after page.
    monkeypatch.setattr(catalog, "FALLBACK_LIMIT", 3)
    page = search_page(shop, "茶", limit=2)
    page = search_page(shop, "茶", after_key=page.next_key, limit=2)
    assert names(shop, page.ids) == ["TEA3"]
    assert page.next_key is None


def test_a_complete_index_never_rebuilt_gets_its_state_recorded(shop: Shop) -> None:
    # Kept by the ORM hooks since the catalog was empty: complete, no record yet.
    set_index_state(shop, None)
    assert index_ready(shop)  # the vocabulary says the hooks kept it
    assert search_index.build_in_steps_if_needed(shop.db.path) is None
    conn = sqlite3.connect(shop.db.path)
    try:
        assert search_index.index_state(conn) == {
            "tokenizer": search_index.TOKENIZER_VERSION,
            "products": len(PRODUCTS),
        }
    finally:
        conn.close()
    assert index_ready(shop)
