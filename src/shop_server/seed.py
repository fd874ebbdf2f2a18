"""``shop-server seed-demo``: a realistic catalog, fast enough for a million products.

The same ideas as the workstation's demo shop (``shop_desktop.services.demo``,
not imported: the server stays apart from the client): categories, brands,
tax classes, products with Chinese and English names and EAN-13 barcodes,
promotions, coupons (some single-use), members, staff with argon2 hashes,
delivery rules and stock per branch. Rows are streamed with ``COPY`` on
PostgreSQL and ``executemany`` on SQLite, in chunks, so memory stays flat.
Seeding writes no change-log rows; it raises the cursor floor instead, so
every enrolled device bootstraps again and misses nothing.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, func, select

from shop_server import auth, changes
from shop_server import schema as s
from shop_server.db import Database

CHUNK = 20_000
#: The demo staff's password (shown in the README of a demo, never used in a real shop).
DEMO_PASSWORD = "demo1234"  # noqa: S105 - a demo, documented

_ZH_ADJ = (
    "香脆",
    "濃醇",
    "清爽",
    "經典",
    "特級",
    "有機",
    "手工",
    "鮮採",
    "低糖",
    "原味",
    "辣味",
    "黑糖",
)
_EN_ADJ = ("Crispy", "Rich", "Fresh", "Classic", "Premium", "Organic", "Handmade", "Farm",
           "Low-sugar", "Original", "Spicy", "Brown-sugar")  # fmt: skip
_ZH_NOUN = ("烏龍茶", "牛奶", "餅乾", "泡麵", "米果", "咖啡", "豆漿", "麵包", "果汁", "洋芋片",
            "醬油", "白米", "衛生紙", "洗髮精", "牙膏", "礦泉水")  # fmt: skip
_EN_NOUN = ("Oolong Tea", "Milk", "Biscuits", "Instant Noodles", "Rice Crackers", "Coffee",
            "Soy Milk", "Bread", "Juice", "Potato Chips", "Soy Sauce", "Rice", "Tissues",
            "Shampoo", "Toothpaste", "Mineral Water")  # fmt: skip
_SIZES = ("200ml", "330ml", "600ml", "1L", "100g", "250g", "500g", "1kg", "6入", "12入")
_CATEGORIES = (
    ("C01", "零食", "Snacks"), ("C02", "飲料", "Drinks"), ("C03", "乳品", "Dairy"),
    ("C04", "生鮮", "Fresh"), ("C05", "調味", "Condiments"), ("C06", "米麵", "Rice & Noodles"),
    ("C07", "日用品", "Household"), ("C08", "個人清潔", "Personal Care"),
    ("C09", "冷凍", "Frozen"), ("C10", "烘焙", "Bakery"),
)  # fmt: skip
_SURNAMES = ("陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊")
_GIVEN = ("志明", "淑芬", "家豪", "雅婷", "俊傑", "怡君", "建宏", "美玲", "冠宇", "佳穎")


class CatalogNotEmpty(Exception):
    """seed-demo only fills an empty catalog (it never mixes demo rows into real ones)."""


def _ids(rng: random.Random, n: int) -> list[str]:
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]


def ean13(n: int) -> str:
    """A valid EAN-13 with the Taiwanese prefix 471, unique per ``n``."""
    body = f"471{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _bulk(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Stream rows into a table: COPY on PostgreSQL, executemany on SQLite. The count."""
    count = 0
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    iterator: Iterator[tuple[Any, ...]] = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        conn.exec_driver_sql(sql, chunk)
        count += len(chunk)
    return count


def _json(conn: Connection, value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False)


def _branches(conn: Connection, rng: random.Random, wanted: int) -> list[str]:
    """The first ``wanted`` branches, creating demo ones that are missing; all neighbours."""
    have = list(conn.execute(select(s.branches.c.id).order_by(s.branches.c.code)).scalars())
    for i in range(len(have), wanted):
        branch_id = _ids(rng, 1)[0]
        conn.execute(
            s.branches.insert().values(
                id=branch_id, code=f"DEMO{i + 1}", name_zh=f"示範{i + 1}號店",
                name_en=f"Demo store {i + 1}", address=f"台北市信義路{i + 1}號",
                phone=f"02-2700-{i + 1:04d}", tax_id="", active=True,
            )
        )  # fmt: skip
        have.append(branch_id)
    chosen = have[:wanted]
    known = {(r.branch_id, r.neighbour_id) for r in conn.execute(select(s.branch_neighbours))}
    pairs = [
        {"branch_id": a, "neighbour_id": b}
        for a in chosen
        for b in chosen
        if a != b and (a, b) not in known
    ]
    if pairs:
        conn.execute(s.branch_neighbours.insert(), pairs)
    return chosen


def seed_demo(
    db: Database,
    *,
    products: int,
    branches: int = 2,
    members: int | None = None,
    seed: int = 7,
) -> dict[str, int]:
    """Fill an empty catalog; how many rows of each kind were written."""
    rng = random.Random(seed)
    members = min(max(products // 10, 20), 50_000) if members is None else members
    counts: dict[str, int] = {}
    with db.writer.begin() as conn:
        if conn.execute(select(func.count()).select_from(s.products)).scalar_one():
            raise CatalogNotEmpty("The catalog already has products; seed-demo fills empty ones.")
        branch_ids = _branches(conn, rng, max(1, branches))
        counts["branches"] = len(branch_ids)
        tax = _ids(rng, 2)
        _bulk(conn, "tax_classes", ("id", "code", "name_zh", "name_en", "rate_bp", "inclusive"),
              [(tax[0], "TX5", "應稅5%", "Taxable 5%", 500, True),
               (tax[1], "TX0", "免稅", "Tax free", 0, True)])  # fmt: skip
        top = _ids(rng, len(_CATEGORIES))
        subs = _ids(rng, len(_CATEGORIES) * 4)
        cat_rows: list[tuple[Any, ...]] = [
            (cid, None, code, zh, en, 0, i)
            for i, (cid, (code, zh, en)) in enumerate(zip(top, _CATEGORIES, strict=True))
        ]
        cat_rows += [
            (subs[i * 4 + j], top[i], f"{code}-{j + 1}", f"{zh}{j + 1}", f"{en} {j + 1}", 1, j)
            for i, (code, zh, en) in enumerate(_CATEGORIES)
            for j in range(4)
        ]
        counts["categories"] = _bulk(
            conn, "categories",
            ("id", "parent_id", "code", "name_zh", "name_en", "depth", "sort_order"), cat_rows,
        )  # fmt: skip
        brand_ids = _ids(rng, 60)
        counts["brands"] = _bulk(
            conn, "brands", ("id", "name_zh", "name_en"),
            [(bid, f"品牌{i + 1}", f"Brand {i + 1}") for i, bid in enumerate(brand_ids)],
        )  # fmt: skip
        product_ids = _ids(rng, products)

        def product_rows() -> Iterator[tuple[Any, ...]]:
            for i, pid in enumerate(product_ids):
                a, n, size = rng.randrange(12), rng.randrange(16), rng.choice(_SIZES)
                price = rng.randrange(15, 1500)
                yield (
                    pid, f"SKU{i + 1:07d}", f"{_ZH_ADJ[a]}{_ZH_NOUN[n]} {size}",
                    f"{_EN_ADJ[a]} {_EN_NOUN[n]} {size}", rng.choice(subs), rng.choice(brand_ids),
                    tax[0] if n != 12 else tax[1], price,
                    price * 95 // 100 if i % 5 == 0 else None, "pc", False, "", "{}",
                    True, rng.randrange(1000), f"A{rng.randrange(1, 40):02d}", 0,
                )  # fmt: skip

        counts["products"] = _bulk(
            conn, "products",
            ("id", "sku", "name_zh", "name_en", "category_id", "brand_id", "tax_class_id",
             "price_minor", "member_price_minor", "unit", "weighed", "description", "specs",
             "active", "popularity", "location", "version"),
            product_rows(),
        )  # fmt: skip
        counts["barcodes"] = _bulk(
            conn, "product_barcodes", ("code", "product_id", "kind"),
            ((ean13(i + 1), pid, "ean13") for i, pid in enumerate(product_ids)),
        )  # fmt: skip
        member_ids = _ids(rng, members)
        counts["members"] = _bulk(
            conn, "members",
            ("id", "code", "name", "phone", "email", "level", "birthday", "home_branch_id",
             "points", "marketing_opt_in", "active"),
            ((mid, f"M{i + 1:07d}", rng.choice(_SURNAMES) + rng.choice(_GIVEN),
              f"09{rng.randrange(10**8):08d}", "", rng.choice(("regular", "silver", "gold", "vip")),
              None, rng.choice(branch_ids), 0, rng.random() < 0.5, True)
             for i, mid in enumerate(member_ids)),
        )  # fmt: skip
        hashed = auth.hash_password(DEMO_PASSWORD)
        staff: list[tuple[Any, ...]] = [("admin", "店長", "admin", None, 10000)]
        for b, _branch in enumerate(branch_ids):
            staff += [(f"manager{b + 1}", f"經理{b + 1}", "manager", _branch, 3000),
                      (f"cashier{b + 1}a", f"收銀員{b + 1}A", "cashier", _branch, 0),
                      (f"cashier{b + 1}b", f"收銀員{b + 1}B", "cashier", _branch, 0)]  # fmt: skip
        counts["staff_users"] = _bulk(
            conn, "staff_users",
            ("id", "username", "display_name", "password_hash", "role", "branch_id",
             "max_discount_bp", "locale", "active"),
            [(sid, u, d, hashed, r, b, m, "zh_TW", True)
             for sid, (u, d, r, b, m) in zip(_ids(rng, len(staff)), staff, strict=True)],
        )  # fmt: skip
        counts.update(_promotions(conn, rng, products))
        delivery = [
            (rid, code, zh, en, _json(conn, rule), True, k)
            for k, (rid, (code, zh, en, rule)) in enumerate(
                zip(_ids(rng, 3), _DELIVERY, strict=True)
            )
        ]
        counts["delivery_rules"] = _bulk(
            conn,
            "delivery_rules",
            ("id", "code", "name_zh", "name_en", "rule", "active", "position"),
            delivery,
        )
        stock = (
            (b, pid, rng.randrange(0, 200) * 1000, 5000) for b in branch_ids for pid in product_ids
        )
        counts["stock_levels"] = _bulk(
            conn,
            "stock_levels",
            ("branch_id", "product_id", "on_hand_milli", "low_stock_milli"),
            stock,
        )
        changes.bump_floor(conn)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")  # fresh statistics: the planner picks the indexes
    return counts


_DELIVERY = (
    ("FLAT100", "宅配運費100元", "Home delivery NT$100",
     {"kind": "flat", "fee_minor": 100, "threshold_minor": 0, "per_kg_minor": 0,
      "zone_fees": [], "tax_rate_bp": 500}),
    ("FREE1500", "滿1500免運費", "Free delivery from NT$1,500",
     {"kind": "free_above", "fee_minor": 100, "threshold_minor": 1500, "per_kg_minor": 0,
      "zone_fees": [], "tax_rate_bp": 500}),
    ("ZONE", "依地區運費", "Delivery by zone",
     {"kind": "by_zone", "fee_minor": 0, "threshold_minor": 0, "per_kg_minor": 0,
      "zone_fees": [["TPE", 80], ["TXG", 120], ["KNH", 300]], "tax_rate_bp": 500}),
)  # fmt: skip


def _rule(pid: str, code: str, zh: str, en: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A promotion rule in the shape the workstation's pricing engine reads."""
    data: dict[str, Any] = {
        "id": pid, "code": code, "name_zh": zh, "name_en": en, "kind": kind,
        "target": {"product_ids": [], "category_ids": [], "brand_ids": []},
        "schedule": {"starts_at": None, "ends_at": None, "weekdays": [], "from_time": None,
                     "until_time": None},
        "percent_bp": 0, "amount_minor": 0, "tiers": [], "repeat": False, "buy_qty": 0,
        "get_qty": 0, "bundle": [], "bundle_price_minor": 0, "member_levels": [],
        "priority": 0, "stackable": True, "coupon_only": False,
    }  # fmt: skip
    data.update(fields)
    return data


def _promotions(conn: Connection, rng: random.Random, products: int) -> dict[str, int]:
    ids = _ids(rng, 4)
    promos = [
        _rule(ids[0], "SPEND1000", "滿千折百", "NT$100 off NT$1,000 or more", "spend_save",
              tiers=[{"threshold_minor": 1000, "save_minor": 100}], priority=10),
        _rule(ids[1], "GOLD95", "金卡與VIP會員95折", "Gold and VIP members 5% off",
              "member_price", percent_bp=500, member_levels=["gold", "vip"], priority=20),
        _rule(ids[2], "C-WELCOME100", "新會員折100元", "NT$100 off for new members",
              "amount_off", amount_minor=100, coupon_only=True),
        _rule(ids[3], "C-ONCE50", "單次折50元", "NT$50 off, once", "amount_off",
              amount_minor=50, coupon_only=True),
    ]  # fmt: skip
    n_promos = _bulk(
        conn, "promotions", ("id", "code", "kind", "rule", "active", "priority"),
        [(p["id"], p["code"], p["kind"], _json(conn, p), True, p["priority"]) for p in promos],
    )  # fmt: skip
    single = max(5, min(products // 100, 10_000))
    coupon_rows = [(_ids(rng, 1)[0], "WELCOME100", ids[2], None, None, False, None, None, True, 0)]
    coupon_rows += [
        (cid, f"ONCE{i + 1:05d}", ids[3], None, None, True, None, None, True, 0)
        for i, cid in enumerate(_ids(rng, single))
    ]
    n_coupons = _bulk(
        conn, "coupons",
        ("id", "code", "promotion_id", "valid_from", "valid_until", "single_use", "max_uses",
         "member_id", "active", "uses"),
        coupon_rows,
    )  # fmt: skip
    return {"promotions": n_promos, "coupons": n_coupons}
