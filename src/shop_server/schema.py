"""The server's tables, as SQLAlchemy Core.

Core tables rather than ORM classes: the hot paths (push, pull, bootstrap,
seeding) are bulk statements, and rows go out as JSON, so objects per row
would only cost time. Ids are UUID text (36 characters) on both databases,
exactly as they travel on the wire. Device-made times (business time) are
kept as the ISO text the device sent; server times are real timestamps.
Sales data deliberately has no foreign keys to master data: a sale of a
product the server no longer knows is still a sale (SYNC.md: a sale is
never dropped).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import postgresql

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: JSON documents: JSONB on PostgreSQL (smaller, faster to read), JSON text on SQLite.
Json = JSON().with_variant(postgresql.JSONB(), "postgresql")
#: 64-bit counters; SQLite's INTEGER already is, and only INTEGER PRIMARY KEY autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Stamp = DateTime(timezone=True)


def _id(name: str = "id", **kw: object) -> Column[str]:
    return Column(name, String(36), primary_key=True, **kw)  # type: ignore[arg-type]


def _ref(name: str, *, nullable: bool = False, index: bool = False) -> Column[str]:
    return Column(name, String(36), nullable=nullable, index=index)


# --- the server's own state ---------------------------------------------------------

#: One row: the change-log head (last seq handed out) and floor (oldest cursor still served).
server_state = Table(
    "server_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False, default=0),
    Column("floor", BigInteger, nullable=False, default=0),
)

admins = Table(
    "admins",
    metadata,
    _id(),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", Stamp, nullable=False),
)

branches = Table(
    "branches",
    metadata,
    _id(),
    Column("code", String(16), nullable=False, unique=True),
    Column("name_zh", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("address", String(240), nullable=False, default=""),
    Column("phone", String(40), nullable=False, default=""),
    Column("tax_id", String(20), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
)

branch_neighbours = Table(
    "branch_neighbours",
    metadata,
    Column("branch_id", String(36), ForeignKey("branches.id"), primary_key=True),
    Column("neighbour_id", String(36), ForeignKey("branches.id"), primary_key=True),
)

workstations = Table(
    "workstations",
    metadata,
    _id(),
    Column("branch_id", String(36), ForeignKey("branches.id"), nullable=False, index=True),
    Column("code", String(16), nullable=False),
    Column("name", String(120), nullable=False),
    Column("invoice_prefix", String(24), nullable=False, unique=True),
    Column("active", Boolean, nullable=False, default=True),
    #: How many devices have enrolled on it: the suffix of each new invoice series.
    Column("enrolments", Integer, nullable=False, default=0),
    UniqueConstraint("branch_id", "code"),
)

devices = Table(
    "devices",
    metadata,
    _id(),
    Column("workstation_id", String(36), ForeignKey("workstations.id"), nullable=False),
    Column("branch_id", String(36), ForeignKey("branches.id"), nullable=False),
    Column("name", String(120), nullable=False, default=""),
    Column("client_version", String(40), nullable=False, default=""),
    #: sha256 hex of the bearer token; the token itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    #: "active", "revoked" or "cloned".
    Column("state", String(16), nullable=False, default="active"),
    Column("invoice_prefix", String(32), nullable=False, unique=True),
    Column("enrolled_at", Stamp, nullable=False),
    Column("last_seen", Stamp),
)

enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    #: sha256 hex of the normalised code.
    Column("code_hash", String(64), primary_key=True),
    Column("workstation_id", String(36), ForeignKey("workstations.id"), nullable=False),
    Column("expires_at", Stamp, nullable=False),
    Column("used_at", Stamp),
    Column("device_id", String(36)),
    Column("created_at", Stamp, nullable=False),
)

# --- master data (mirrors the client's tables, by column name) ------------------------

tax_classes = Table(
    "tax_classes",
    metadata,
    _id(),
    Column("code", String(16), nullable=False, unique=True),
    Column("name_zh", String(60), nullable=False),
    Column("name_en", String(60), nullable=False),
    Column("rate_bp", Integer, nullable=False),
    Column("inclusive", Boolean, nullable=False, default=True),
)

categories = Table(
    "categories",
    metadata,
    _id(),
    _ref("parent_id", nullable=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name_zh", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("depth", Integer, nullable=False, default=0),
    Column("sort_order", Integer, nullable=False, default=0),
)

brands = Table(
    "brands",
    metadata,
    _id(),
    Column("name_zh", String(120), nullable=False),
    Column("name_en", String(120), nullable=False, unique=True),
)

products = Table(
    "products",
    metadata,
    _id(),
    Column("sku", String(32), nullable=False, unique=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    _ref("category_id", nullable=True),
    _ref("brand_id", nullable=True),
    _ref("tax_class_id"),
    Column("price_minor", BigInteger, nullable=False),
    Column("member_price_minor", BigInteger),
    Column("unit", String(8), nullable=False, default="pc"),
    Column("weighed", Boolean, nullable=False, default=False),
    Column("description", Text, nullable=False, default=""),
    Column("specs", Json, nullable=False, default=dict),
    Column("active", Boolean, nullable=False, default=True),
    Column("popularity", Integer, nullable=False, default=0),
    Column("location", String(32), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=0),
)

product_barcodes = Table(
    "product_barcodes",
    metadata,
    Column("code", String(32), primary_key=True),
    _ref("product_id", index=True),
    Column("kind", String(8), nullable=False, default="ean13"),
)

promotions = Table(
    "promotions",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("kind", String(24), nullable=False),
    Column("rule", Json, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("priority", Integer, nullable=False, default=0),
)

coupons = Table(
    "coupons",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    _ref("promotion_id"),
    Column("valid_from", String(40)),
    Column("valid_until", String(40)),
    Column("single_use", Boolean, nullable=False, default=True),
    Column("max_uses", Integer),
    _ref("member_id", nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    #: Redemptions the server has accepted or flagged, in arrival order.
    Column("uses", Integer, nullable=False, default=0),
)

delivery_rules = Table(
    "delivery_rules",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name_zh", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("rule", Json, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("position", Integer, nullable=False, default=0),
)

members = Table(
    "members",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(120), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default=""),
    Column("email", String(200), nullable=False, default=""),
    Column("level", String(16), nullable=False, default="regular"),
    Column("birthday", String(10)),
    _ref("home_branch_id", nullable=True),
    #: The balance: the sum of the member's points ledger.
    Column("points", BigInteger, nullable=False, default=0),
    Column("marketing_opt_in", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
)

staff_users = Table(
    "staff_users",
    metadata,
    _id(),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    _ref("branch_id", nullable=True),
    Column("max_discount_bp", Integer, nullable=False, default=0),
    #: The person's own limits (``shop_shared.permissions.Limits``); NULL: the role's.
    Column("max_price_override_bp", BigInteger),
    Column("max_refund_minor", BigInteger),
    Column("max_cash_out_minor", BigInteger),
    Column("locale", String(8), nullable=False, default="zh_TW"),
    Column("active", Boolean, nullable=False, default=True),
)

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("branch_id", String(36), primary_key=True),
    Column("product_id", String(36), primary_key=True),
    Column("on_hand_milli", BigInteger, nullable=False, default=0),
    Column("low_stock_milli", BigInteger, nullable=False, default=0),
)

# --- sales data (owned by the workstations) -------------------------------------------

orders = Table(
    "orders",
    metadata,
    #: Arrival order at the server: ``/branches/{id}/orders?after=`` pages by it.
    Column("received_seq", BigId, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    _ref("branch_id"),
    _ref("workstation_id"),
    _ref("device_id"),
    Column("number", String(40), nullable=False),
    Column("invoice_no", String(32)),
    #: The order that held this invoice number first, when a cloned till issued it again:
    #: the sale is kept (SYNC.md) and flagged; only the first holder is unique.
    _ref("invoice_clash_of", nullable=True),
    Column("status", String(24), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    _ref("member_id", nullable=True, index=True),
    Column("created_at", String(40), nullable=False),
    Column("received_at", Stamp, nullable=False),
    Column("payload", Json, nullable=False),
    Index("ix_orders_branch_seq", "branch_id", "received_seq"),
    Index(
        "uq_orders_invoice_no",
        "invoice_no",
        unique=True,
        postgresql_where=text("invoice_clash_of IS NULL"),
        sqlite_where=text("invoice_clash_of IS NULL"),
    ),
)

order_lines = Table(
    "order_lines",
    metadata,
    _id(),
    _ref("order_id", index=True),
    Column("line_no", Integer, nullable=False),
    _ref("product_id", nullable=True),
    Column("sku", String(32), nullable=False, default=""),
    Column("qty_milli", BigInteger, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("discount_minor", BigInteger, nullable=False, default=0),
    Column("tax_minor", BigInteger, nullable=False, default=0),
    Column("line_total_minor", BigInteger, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    _id(),
    _ref("order_id", index=True),
    Column("method", String(24), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("reference", String(64), nullable=False, default=""),
)

refunds = Table(
    "refunds",
    metadata,
    _id(),
    _ref("order_id", index=True),
    _ref("payment_id", nullable=True),
    Column("method", String(24), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("status", String(24), nullable=False),
)

order_events = Table(
    "order_events",
    metadata,
    _id(),
    _ref("order_id", index=True),
    Column("from_status", String(24)),
    Column("to_status", String(24), nullable=False),
    Column("action", String(24), nullable=False),
    Column("at", String(40), nullable=False),
    Column("data", Json, nullable=False),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    _id(),
    _ref("branch_id"),
    _ref("product_id"),
    Column("qty_delta_milli", BigInteger, nullable=False),
    Column("reason", String(24), nullable=False),
    _ref("order_id", nullable=True, index=True),
    Column("received_at", Stamp, nullable=False),
)

coupon_redemptions = Table(
    "coupon_redemptions",
    metadata,
    _id(),
    _ref("coupon_id", index=True),
    _ref("order_id", index=True),
    _ref("workstation_id"),
    _ref("device_id"),
    #: "accepted", or "flagged" for a use beyond what the coupon allows (kept: it was a sale).
    Column("status", String(16), nullable=False),
    Column("received_at", Stamp, nullable=False),
)

store_credit_entries = Table(
    "store_credit_entries",
    metadata,
    _id(),
    _ref("member_id", index=True),
    Column("amount_minor", BigInteger, nullable=False),
    _ref("order_id", nullable=True),
    Column("reason", String(24), nullable=False),
)

points_entries = Table(
    "points_entries",
    metadata,
    _id(),
    _ref("member_id", index=True),
    _ref("order_id", nullable=True),
    Column("delta", BigInteger, nullable=False),
    Column("reason", String(24), nullable=False),
    Column("received_at", Stamp, nullable=False),
    #: The second line against double counting (OCA/pos#185).
    UniqueConstraint("order_id", "reason"),
)

parked_carts = Table(
    "parked_carts",
    metadata,
    _id(),
    _ref("branch_id", index=True),
    _ref("workstation_id"),
    _ref("staff_id", nullable=True),
    Column("label", String(120), nullable=False, default=""),
    Column("payload", Json, nullable=False),
    Column("total_minor", BigInteger, nullable=False, default=0),
    Column("parked_at", String(40), nullable=False),
    Column("recalled_at", String(40)),
    _ref("recalled_by", nullable=True),
    _ref("recalled_workstation_id", nullable=True),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    _ref("order_id", index=True),
    Column("invoice_no", String(32), nullable=False, default=""),
    Column("total_minor", BigInteger, nullable=False, default=0),
    Column("data", Json, nullable=False),
)

#: A till's shifts: opened with a float, closed with the whole Z report the till made.
#: The branch's day report adds the Z reports of every till (``shop_server.shifts``).
shifts = Table(
    "shifts",
    metadata,
    _id(),
    _ref("branch_id"),
    _ref("workstation_id"),
    _ref("device_id"),
    Column("number", Integer, nullable=False),
    #: The shop's local date the shift opened on (YYYY-MM-DD), as the till decided it.
    Column("business_day", String(10), nullable=False),
    Column("currency_code", String(3), nullable=False, default="TWD"),
    _ref("opened_by", nullable=True),
    Column("opened_at", String(40), nullable=False),
    Column("float_minor", BigInteger, nullable=False, default=0),
    _ref("closed_by", nullable=True),
    Column("closed_at", String(40)),
    Column("report", Json),
    Column("received_at", Stamp, nullable=False),
    Index("ix_shifts_branch_day", "branch_id", "business_day"),
)

# --- sync bookkeeping -----------------------------------------------------------------

applied_ops = Table(
    "applied_ops",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("device_seq", BigInteger, primary_key=True),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("op_type", String(48), nullable=False),
    Column("status", String(16), nullable=False),
    Column("code", String(48), nullable=False, default=""),
    Column("message", Text, nullable=False, default=""),
    Column("result", Json, nullable=False),
    Column("received_at", Stamp, nullable=False),
    Column("server_seq", BigInteger, nullable=False),
)

change_log = Table(
    "change_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", String(24), nullable=False),
    Column("entity_id", String(80), nullable=False),
    #: NULL: everyone sees it; else the branch (and, unless private, its neighbours).
    Column("branch_id", String(36)),
    Column("private", Boolean, nullable=False, default=False),
    Column("op", String(8), nullable=False),
    Column("data", Json, nullable=False),
    Column("at", Stamp, nullable=False),
    Index("ix_change_log_branch_seq", "branch_id", "seq"),
    Index("ix_change_log_entity", "entity", "entity_id"),
)

#: Each device's audit chain as the till sent it (``shop_shared.audit_chain``): the
#: hashed fields as the exact text they were hashed over, so the server checks a chain
#: with the till's own rule. Kept even past a break (the evidence), which is flagged.
audit_entries = Table(
    "audit_entries",
    metadata,
    #: The chain's device: 32 hex digits, as the till keeps it.
    Column("chain_device_id", String(32), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("at", Text, nullable=False),
    Column("staff_id", String(32)),
    Column("workstation_id", String(32)),
    Column("action", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("details", Text, nullable=False),
    #: The enrolled device that pushed it (a re-enrolled till sends its old chain's rest).
    _ref("pushed_by"),
    Column("received_at", Stamp, nullable=False),
)

flags = Table(
    "flags",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    #: "coupon_reused", "negative_stock", "device_cloned", "duplicate_invoice_no",
    #: "audit_break".
    Column("kind", String(32), nullable=False),
    _ref("branch_id", nullable=True),
    _ref("device_id", nullable=True),
    Column("entity", String(24), nullable=False, default=""),
    Column("entity_id", String(80), nullable=False, default=""),
    Column("message", Text, nullable=False),
    Column("data", Json, nullable=False),
    Column("at", Stamp, nullable=False),
)
