"""The demo shop: consistent to the dollar, deterministic, and a database the app can use."""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from tests.shop_rows import half_up

from shop_desktop.data.db import head_revision, open_database
from shop_desktop.data.models import (
    Branch,
    Brand,
    Category,
    DeviceIdentity,
    Member,
    MemberLevel,
    Order,
    OrderKind,
    OrderStatus,
    PaymentMethod,
    Product,
    ProductBarcode,
    Role,
    StaffUser,
    StockLevel,
    StockMovement,
    StockReason,
    TaxClass,
    Workstation,
)
from shop_desktop.domain.barcodes import gtin_check_digit
from shop_desktop.services.auth import LoginFailed, log_in
from shop_desktop.services.demo import (
    DEMO_USERS,
    EXTRA_CASHIERS,
    DemoSummary,
    _uuid_hex,
    build_demo,
)
from shop_desktop.services.tasks import Cancelled, TaskState

END = date(2026, 11, 20)
TAIPEI = timezone(timedelta(hours=8))
CJK = r"[\u4e00-\u9fff]"
#: One seed for (nearly) every build here: argon2 hashes are remembered per seed.
SEED = 11
SMALL: dict[str, Any] = {"products": 300, "members": 50, "days": 3, "end_date": END, "seed": SEED}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    """One small shop shared by the read-only tests of this module."""
    path = tmp_path_factory.mktemp("demo") / "shop.db"
    return path, build_demo(path, **SMALL)


@pytest.fixture
def conn(shop: tuple[Path, DemoSummary]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(shop[0])
    yield connection
    connection.close()


def rows(conn: sqlite3.Connection, sql: str, *args: object) -> list[tuple[Any, ...]]:
    return conn.execute(sql, args).fetchall()


def scalar(conn: sqlite3.Connection, sql: str, *args: object) -> Any:
    return conn.execute(sql, args).fetchone()[0]


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in storage order: what "the same database" means here."""
    connection = sqlite3.connect(path)
    try:
        tables = rows(
            connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
        out = {}
        for name, sql in tables:
            if sql and sql.upper().startswith("CREATE VIRTUAL"):
                continue
            if sql and "WITHOUT ROWID" in sql.upper():
                out[name] = sorted(rows(connection, f'SELECT * FROM "{name}"'), key=repr)
            else:
                out[name] = rows(connection, f'SELECT * FROM "{name}" ORDER BY rowid')
        return out
    finally:
        connection.close()


# --- the file ---------------------------------------------------------------


def test_summary_counts_and_integrity(
    shop: tuple[Path, DemoSummary], conn: sqlite3.Connection
) -> None:
    path, summary = shop
    assert summary.path == path.resolve()
    assert (summary.products, summary.members) == (300, 50)
    assert summary.orders == scalar(conn, "SELECT count(*) FROM orders") > 0
    assert summary.seconds > 0
    assert scalar(conn, "PRAGMA integrity_check") == "ok"
    assert rows(conn, "PRAGMA foreign_key_check") == []
    assert scalar(conn, "PRAGMA journal_mode") == "wal"
    assert scalar(conn, "SELECT version_num FROM alembic_version") == head_revision()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    counts = {
        table: scalar(conn, f"SELECT count(*) FROM {table}")
        for table in (
            "branches", "workstations", "tax_classes", "staff_users", "device_identity",
            "products", "members", "outbox", "stock_levels", "brands",
        )
    }  # fmt: skip
    assert counts == {
        "branches": 3,
        "workstations": 6,
        "tax_classes": 3,
        "staff_users": len(DEMO_USERS) + len(EXTRA_CASHIERS),
        "device_identity": 1,
        "products": 300,
        "members": 50,
        "outbox": 0,
        "stock_levels": counts["stock_levels"],
        "brands": counts["brands"],
    }
    assert 150 <= counts["brands"] <= 300
    # Each branch carries most of the catalog.
    for (carried,) in rows(conn, "SELECT count(*) FROM stock_levels GROUP BY branch_id"):
        assert 0.6 * 300 < carried <= 300


def test_branches_workstations_and_device(conn: sqlite3.Connection) -> None:
    assert rows(conn, "SELECT code, name_zh, name_en FROM branches ORDER BY code") == [
        ("B01", "台北信義店", "Taipei Xinyi"),
        ("B02", "台中公益店", "Taichung Gongyi"),
        ("B03", "高雄巨蛋店", "Kaohsiung Arena"),
    ]
    stations = rows(
        conn,
        "SELECT b.code, w.code, w.invoice_prefix FROM workstations w"
        " JOIN branches b ON b.id = w.branch_id ORDER BY 3",
    )
    assert stations == [(b, r, f"{b}{r}") for b in ("B01", "B02", "B03") for r in ("R1", "R2")]
    device = rows(
        conn,
        "SELECT w.invoice_prefix, d.next_invoice_no, d.next_device_seq, d.currency_code,"
        " d.device_id FROM device_identity d JOIN workstations w ON w.id = d.workstation_id",
    )
    [(prefix, next_invoice, next_seq, currency, device_id)] = device
    assert (prefix, currency) == ("B01R1", "TWD")
    last_no, last_seq = rows(
        conn,
        "SELECT max(invoice_no), max(device_seq) FROM orders WHERE invoice_no LIKE 'B01R1-%'",
    )[0]
    assert next_invoice == int(last_no.split("-")[1]) + 1
    assert next_seq == last_seq + 1
    assert re.fullmatch(r"[0-9a-f]{32}", device_id)


def test_staff_accounts(conn: sqlite3.Connection) -> None:
    users = {
        r[0]: r[1:]
        for r in rows(
            conn,
            "SELECT u.username, u.role, u.max_discount_bp, b.code, u.password_hash"
            " FROM staff_users u LEFT JOIN branches b ON b.id = u.branch_id",
        )
    }
    for user in DEMO_USERS:
        role, discount, branch, password_hash = users[user.username]
        assert (role, discount, branch) == (user.role.value, user.max_discount_bp, user.branch_code)
        assert password_hash.startswith("$argon2id$")
    assert {u.username for u in DEMO_USERS} >= {
        "cashier", "cashier2", "supervisor", "manager", "admin"
    }  # fmt: skip
    by_name = {u.username: u for u in DEMO_USERS}
    assert (by_name["cashier"].role, by_name["cashier"].branch_code) == (Role.CASHIER, "B01")
    assert by_name["cashier2"].branch_code == "B02"
    assert by_name["supervisor"].max_discount_bp == 1000
    assert (by_name["manager"].max_discount_bp, by_name["manager"].branch_code) == (3000, None)
    assert by_name["admin"].role is Role.ADMIN
    assert all(re.search(CJK, u.display_name) for u in DEMO_USERS)
    # Every branch has at least two cashiers to fill the shifts.
    per_branch = Counter(
        u.branch_code for u in DEMO_USERS + EXTRA_CASHIERS if u.role is Role.CASHIER
    )
    assert all(per_branch[code] >= 2 for code in ("B01", "B02", "B03"))


# --- the catalog ------------------------------------------------------------


def test_every_barcode_is_valid(conn: sqlite3.Connection) -> None:
    codes = rows(conn, "SELECT code, kind, product_id FROM product_barcodes")
    per_product = Counter(product_id for _, _, product_id in codes)
    assert set(per_product) == {r[0] for r in rows(conn, "SELECT id FROM products")}
    assert set(per_product.values()) <= {1, 2}
    assert sum(n == 2 for n in per_product.values()) > 0
    primary = Counter[str]()
    for code, kind, product_id in codes:
        if kind == "ean13":
            assert re.fullmatch(r"\d{13}", code)
            assert int(code[-1]) == gtin_check_digit(code[:-1])
            if code.startswith("471") and int(code[3:7]) < 9000:
                primary[product_id] += 1
        else:
            assert kind == "ean8"
            assert re.fullmatch(r"2\d{7}", code)
            assert int(code[-1]) == gtin_check_digit(code[:-1])
    assert set(primary.values()) == {1}
    assert len(primary) == 300


def test_category_tree_has_three_levels(conn: sqlite3.Connection) -> None:
    nodes = {
        r[0]: r[1:]
        for r in rows(conn, "SELECT id, parent_id, code, depth, name_zh, name_en FROM categories")
    }
    children: dict[str | None, list[str]] = defaultdict(list)
    for node_id, (parent, code, depth, name_zh, name_en) in nodes.items():
        children[parent].append(node_id)
        assert name_zh
        assert name_en
        if depth == 0:
            assert parent is None
            assert re.fullmatch(r"C\d\d", code)
        else:
            parent_code, parent_depth = nodes[parent][1], nodes[parent][2]
            assert parent_depth == depth - 1
            assert re.fullmatch(rf"{parent_code}-\d\d", code)
    departments = children[None]
    assert 7 <= len(departments) <= 10
    for dept in departments:
        assert 4 <= len(children[dept]) <= 6
        for sub in children[dept]:
            assert 3 <= len(children[sub]) <= 6
    leaf_ids = {node_id for node_id, n in nodes.items() if n[2] == 2}
    product_categories = {r[0] for r in rows(conn, "SELECT DISTINCT category_id FROM products")}
    assert product_categories <= leaf_ids


def test_products_look_real(conn: sqlite3.Connection) -> None:
    products = rows(
        conn,
        "SELECT p.sku, p.name_zh, p.name_en, p.price_minor, p.member_price_minor, p.unit,"
        " p.weighed, p.specs, b.name_zh, b.name_en, p.description, t.code"
        " FROM products p JOIN brands b ON b.id = p.brand_id"
        " JOIN tax_classes t ON t.id = p.tax_class_id ORDER BY p.sku",
    )
    assert [p[0] for p in products] == [f"P{i:07d}" for i in range(1, 301)]
    for _sku, zh, en, price, member, unit, weighed, specs, b_zh, b_en, desc, tax in products:
        assert zh.startswith(f"{b_zh} ")
        assert en.startswith(f"{b_en} ")
        assert re.search(CJK, zh)
        assert not re.search(CJK, en)
        assert 10 <= price <= 3999
        assert member is None or 0 < member < price
        assert (unit, bool(weighed)) in {("pc", False), ("kg", True)}
        assert json.loads(specs)["產地"]
        assert desc.startswith(b_zh)
        assert tax in {"TX5", "TX0"}
    prices = [p[3] for p in products]
    assert sum(p % 10 in (0, 5, 9) for p in prices) > 0.8 * len(prices)
    assert 0 < sum(p[4] is not None for p in products) < 0.3 * len(products)


# --- the sales history ------------------------------------------------------


def test_orders_add_up_to_the_dollar(conn: sqlite3.Connection) -> None:
    orders = {
        r[0]: r[1:]
        for r in rows(
            conn,
            "SELECT id, subtotal_minor, discount_minor, tax_minor, delivery_fee_minor,"
            " rounding_minor, total_minor, status, kind, currency_code FROM orders",
        )
    }
    lines: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for line in rows(
        conn,
        "SELECT order_id, line_no, qty_milli, unit_price_minor, discount_minor, tax_rate_bp,"
        " tax_minor, line_total_minor FROM order_lines ORDER BY order_id, line_no",
    ):
        lines[line[0]].append(line[1:])
    payments: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for payment in rows(
        conn,
        "SELECT order_id, method, amount_minor, tendered_minor, change_minor FROM payments",
    ):
        payments[payment[0]].append(payment[1:])
    assert set(lines) == set(orders) == set(payments)
    for order_id, (
        subtotal,
        discount,
        tax,
        fee,
        rounding,
        total,
        status,
        kind,
        cur,
    ) in orders.items():
        assert (status, kind, cur, fee, rounding) == ("completed", "take_away", "TWD", 0, 0)
        its = lines[order_id]
        assert [line[0] for line in its] == list(range(1, len(its) + 1))
        assert 1 <= len(its) <= 8
        gross_sum = off_sum = tax_sum = 0
        for _no, qty, price, off, rate, line_tax, line_total in its:
            gross = half_up(qty * price, 1000)
            assert line_total == gross - off >= 0
            assert line_tax == half_up(line_total * rate, 10000 + rate)
            gross_sum += gross
            off_sum += off
            tax_sum += line_tax
        assert (subtotal, discount, tax) == (gross_sum, off_sum, tax_sum)
        assert total == subtotal - discount + fee + rounding > 0
        paid = payments[order_id]
        assert sum(p[1] for p in paid) == total
        for method, amount, tendered, change in paid:
            assert amount > 0 or len(paid) == 1
            if method == "cash":
                assert tendered - amount == change >= 0
            else:
                assert (tendered, change) == (None, 0)


def test_invoice_series_are_gapless_per_workstation(conn: sqlite3.Connection) -> None:
    series = defaultdict(list)
    for prefix, number, invoice, seq, created, done in rows(
        conn,
        "SELECT w.invoice_prefix, o.number, o.invoice_no, o.device_seq, o.created_at,"
        " o.completed_at FROM orders o JOIN workstations w ON w.id = o.workstation_id"
        " ORDER BY o.created_at",
    ):
        assert number == invoice
        assert created < done
        series[prefix].append((invoice, seq))
    assert set(series) == {f"B0{b}R{r}" for b in (1, 2, 3) for r in (1, 2)}
    for prefix, numbers in series.items():
        expected = [(f"{prefix}-{k:08d}", k) for k in range(1, len(numbers) + 1)]
        assert numbers == expected


def test_orders_happen_in_opening_hours(conn: sqlite3.Connection) -> None:
    first = datetime(2026, 11, 18, tzinfo=TAIPEI)
    for (created,) in rows(conn, "SELECT created_at FROM orders"):
        local = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(TAIPEI)
        assert 9 <= local.hour < 22
        assert first <= local < first + timedelta(days=3)


def test_one_stock_movement_per_line(conn: sqlite3.Connection) -> None:
    lines = rows(
        conn,
        "SELECT l.order_id, l.product_id, -l.qty_milli, o.branch_id, o.staff_id, o.completed_at"
        " FROM order_lines l JOIN orders o ON o.id = l.order_id",
    )
    moves = rows(
        conn,
        "SELECT order_id, product_id, qty_delta_milli, branch_id, staff_id, created_at"
        " FROM stock_movements WHERE reason = 'sale' AND synced = 1",
    )
    assert sorted(lines) == sorted(moves)
    assert scalar(conn, "SELECT count(*) FROM stock_movements") == len(lines)


def test_lines_copy_the_products_they_sold(conn: sqlite3.Connection) -> None:
    mismatched = rows(
        conn,
        "SELECT l.sku FROM order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE l.sku != p.sku OR l.name_zh != p.name_zh OR l.name_en != p.name_en"
        " OR l.unit_price_minor NOT IN (p.price_minor, coalesce(p.member_price_minor, -1))",
    )
    assert mismatched == []
    popularity = dict(rows(conn, "SELECT id, popularity FROM products WHERE popularity > 0"))
    sold = {r[0] for r in rows(conn, "SELECT DISTINCT product_id FROM order_lines")}
    assert set(popularity) == sold


def test_the_orm_reads_everything_back(shop: tuple[Path, DemoSummary]) -> None:
    database = open_database(shop[0])
    try:
        with database.session() as session:
            products = session.scalars(
                select(Product).options(selectinload(Product.barcodes))
            ).all()
            assert len(products) == 300
            for product in products:
                assert product.created_at.tzinfo is UTC
                assert product.specs["產地"]
                assert product.id.version == 4
                assert product.barcodes
            orders = session.scalars(
                select(Order).options(selectinload(Order.lines), selectinload(Order.payments))
            ).all()
            assert orders
            for order in orders:
                assert order.status is OrderStatus.COMPLETED
                assert order.kind is OrderKind.TAKE_AWAY
                assert order.created_at.tzinfo is UTC
                assert order.completed_at is not None
                assert sum(line.line_total_minor for line in order.lines) == order.total_minor
                assert {p.method for p in order.payments} <= set(PaymentMethod)
                assert all(isinstance(line.promotions, list) for line in order.lines)
            members = session.scalars(select(Member)).all()
            assert {m.level for m in members} <= set(MemberLevel)
            assert all(m.phone.startswith("09") and len(m.phone) == 10 for m in members)
            assert all(isinstance(m.birthday, date | None) for m in members)
            for movement in session.scalars(select(StockMovement)):
                assert movement.reason is StockReason.SALE
                assert movement.synced
            for level in session.scalars(select(StockLevel).limit(50)):
                assert level.as_of.tzinfo is UTC
                assert level.on_hand_milli >= 0
            staff = session.scalars(select(StaffUser)).all()
            assert {s.role for s in staff} == set(Role)
            identity = session.scalars(select(DeviceIdentity)).one()
            assert identity.enrolled_at.tzinfo is UTC
            for model in (Branch, Workstation, Category, Brand, TaxClass, ProductBarcode):
                assert session.scalars(select(model)).first() is not None
    finally:
        database.dispose()


# --- using it ---------------------------------------------------------------


def test_cashier_can_log_in(shop: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    shutil.copyfile(shop[0], path)
    database = open_database(path)
    try:
        with database.session() as session:
            staff = log_in(session, "cashier", "cashier")
            assert (staff.display_name, staff.branch_code, staff.workstation_code) == (
                "陳小明",
                "B01",
                "R1",
            )
            assert staff.currency_code == "TWD"
        with database.session() as session:
            assert log_in(session, "manager", "manager").role is Role.MANAGER
        with pytest.raises(LoginFailed) as wrong, database.session() as session:
            log_in(session, "cashier", "not the password")
        assert wrong.value.reason == "credentials"
        with pytest.raises(LoginFailed) as elsewhere, database.session() as session:
            log_in(session, "cashier2", "cashier2")
        assert elsewhere.value.reason == "branch"
    finally:
        database.dispose()


# --- determinism ------------------------------------------------------------


def test_same_arguments_same_contents(shop: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_demo(again, **SMALL)
    first, second = dump(shop[0]), dump(again)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table


def test_another_seed_gives_another_shop(shop: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    build_demo(other, **{**SMALL, "seed": SEED + 1})
    first, second = dump(shop[0]), dump(other)
    for table in ("products", "members", "orders", "staff_users", "branches"):
        assert first[table] != second[table], table


def test_uuids_are_version_4() -> None:
    rng = random.Random(3)
    for _ in range(200):
        bits = rng.getrandbits(128)
        assert _uuid_hex(bits) == uuid.UUID(int=bits, version=4).hex


def test_history_ends_today_by_default(tmp_path: Path) -> None:
    before = datetime.now(UTC).astimezone().date()
    summary = build_demo(tmp_path / "today.db", products=20, members=0, days=1, seed=SEED)
    after = datetime.now(UTC).astimezone().date()
    connection = sqlite3.connect(summary.path)
    try:
        stamps = rows(connection, "SELECT created_at FROM orders")
        assert rows(connection, "SELECT count(*) FROM orders WHERE member_id IS NOT NULL") == [(0,)]
    finally:
        connection.close()
    assert stamps
    days = {
        datetime.fromisoformat(s).replace(tzinfo=UTC).astimezone(TAIPEI).date() for (s,) in stamps
    }
    assert days <= {before, after}


@pytest.mark.slow
def test_a_bigger_shop_has_believable_patterns(tmp_path: Path) -> None:
    summary = build_demo(
        tmp_path / "week.db", products=3000, members=400, days=14, end_date=END, seed=SEED
    )
    connection = sqlite3.connect(summary.path)
    try:
        per_day = Counter[int]()
        for (created,) in rows(connection, "SELECT created_at FROM orders"):
            local = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(TAIPEI)
            per_day[local.weekday()] += 1
        weekend = (per_day[5] + per_day[6]) / 2
        midweek = (per_day[1] + per_day[2]) / 2
        assert weekend > 1.2 * midweek
        orders = summary.orders
        with_member = scalar(connection, "SELECT count(*) FROM orders WHERE member_id IS NOT NULL")
        assert 0.2 < with_member / orders < 0.4
        methods = Counter(
            dict(rows(connection, "SELECT method, count(*) FROM payments GROUP BY method"))
        )
        assert methods.most_common(1)[0][0] == "cash"
        assert set(methods) == {"cash", "card", "alipay", "wechat"}
        split = scalar(
            connection,
            "SELECT count(*) FROM (SELECT order_id FROM payments GROUP BY order_id"
            " HAVING count(*) > 1)",
        )
        assert split > 0
        # A few best sellers: the top 1% of products take a large share of lines.
        sold = [n for (n,) in rows(connection, "SELECT popularity FROM products ORDER BY 1 DESC")]
        assert sum(sold[:30]) > 0.2 * sum(sold)
        weighed = scalar(connection, "SELECT avg(weighed) FROM products")
        assert 0.01 < weighed < 0.06
        assert scalar(connection, "SELECT count(*) FROM product_barcodes WHERE kind = 'ean8'") > 0
    finally:
        connection.close()


# --- refusing, replacing, cancelling ----------------------------------------


def test_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        build_demo(path, **SMALL)
    assert path.read_bytes() == b"precious"


def test_replace_removes_the_old_file_and_its_journal(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"old")
    Path(f"{path}-wal").write_bytes(b"stale wal")
    Path(f"{path}-shm").write_bytes(b"stale shm")
    build_demo(path, replace=True, products=30, members=5, days=1, end_date=END, seed=SEED)
    connection = sqlite3.connect(path)
    try:
        assert scalar(connection, "PRAGMA integrity_check") == "ok"
        assert scalar(connection, "SELECT count(*) FROM products") == 30
    finally:
        connection.close()


def test_rejects_nonsense_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="products"):
        build_demo(tmp_path / "x.db", products=0)
    assert not (tmp_path / "x.db").exists()


def test_reports_progress_in_order(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    build_demo(
        tmp_path / "p.db",
        products=60,
        members=10,
        days=2,
        end_date=END,
        seed=SEED,
        state=TaskState(lambda f, s: seen.append((f, s))),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert (fractions[0], fractions[-1]) == (0.0, 1.0)
    statuses = [s for _, s in seen]
    assert "products 60/60" in statuses
    assert any(s.startswith("members") for s in statuses)
    assert any(s.startswith("orders") for s in statuses)
    assert all(s.isascii() for s in statuses)


@pytest.mark.parametrize("when", ["creating schema", "products", "orders", "index"])
def test_cancel_leaves_nothing_behind(tmp_path: Path, when: str) -> None:
    path = tmp_path / "shop.db"
    state = TaskState()

    def progress(_fraction: float, status: str) -> None:
        if status.startswith(when):
            state.request_cancel()

    state = TaskState(progress)
    with pytest.raises(Cancelled):
        build_demo(path, state=state, **SMALL)
    assert sorted(tmp_path.iterdir()) == []
