"""The workstation's local schema (SQLAlchemy 2, typed).

Everything that syncs has a client-made UUID key, so a row can be created
offline on any workstation and never collide. Purely local bookkeeping
(the outbox, the audit log) uses integer keys.

Money columns end in ``_minor`` and hold integer minor units of the shop's
currency; quantities end in ``_milli`` and hold thousandths of a unit, so
weighed goods (1.250 kg) stay exact without floats.

Schema changes go through a new Alembic revision in ``data/migrations``; a
test compares these models with the migrated database.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shop_desktop.data.types import UTCDateTime, new_id, utcnow

# The order kinds and statuses belong to the order state machine (domain);
# re-exported here, where the rest of the code has always found them.
from shop_desktop.domain.orders import OrderKind as OrderKind  # noqa: PLC0414
from shop_desktop.domain.orders import OrderStatus as OrderStatus  # noqa: PLC0414

# How a customer pays belongs to the tender rules (domain), likewise.
from shop_desktop.domain.tender import PaymentMethod as PaymentMethod  # noqa: PLC0414

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
        dict[str, str]: JSON(),
        list[Any]: JSON(),
    }


def table_of(model: type[Base]) -> Table:
    """The Core table of ``model``, for services that write with SQLAlchemy Core."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as the value text with a CHECK, so SQLite files stay readable
    # and a new member is an ordinary migration.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- organisation -----------------------------------------------------------


class Branch(Timestamps, Base):
    __tablename__ = "branches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(240), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    tax_id: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    workstations: Mapped[list[Workstation]] = relationship(back_populates="branch")


class Workstation(Timestamps, Base):
    """A till. Its ``invoice_prefix`` series is unique to this enrolment."""

    __tablename__ = "workstations"
    __table_args__ = (UniqueConstraint("branch_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    invoice_prefix: Mapped[str] = mapped_column(String(24), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    branch: Mapped[Branch] = relationship(back_populates="workstations")


class DeviceIdentity(Base):
    """Which workstation this database file belongs to (exactly one row).

    ``next_device_seq`` and ``next_invoice_no`` are bumped in the same
    transaction as the sale that uses them, so they never repeat or skip.
    """

    __tablename__ = "device_identity"
    __table_args__ = (CheckConstraint("singleton = 1", name="single_row"),)

    singleton: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_id)
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    next_device_seq: Mapped[int] = mapped_column(Integer, default=1)
    next_invoice_no: Mapped[int] = mapped_column(Integer, default=1)
    #: The credit-note series, bumped like ``next_invoice_no`` when an invoice is voided.
    next_credit_note_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    currency_code: Mapped[str] = mapped_column(String(3), default="TWD")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class Role(enum.Enum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class StaffUser(Timestamps, Base):
    __tablename__ = "staff_users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "staff_role"))
    #: ``None`` means the user may work at every branch.
    branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"), index=True)
    #: Largest discount the user may give without a manager, in basis points.
    max_discount_bp: Mapped[int] = mapped_column(Integer, default=0)
    #: The person's own limits (``shop_shared.permissions.Limits``); ``None``: the role's.
    max_price_override_bp: Mapped[int | None] = mapped_column(Integer)
    max_refund_minor: Mapped[int | None] = mapped_column(Integer)
    max_cash_out_minor: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(8), default="zh_TW")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column()


# --- catalog ----------------------------------------------------------------


class Category(Timestamps, Base):
    """A node of the category tree; ``depth`` 0 is a department."""

    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent")


class Brand(Timestamps, Base):
    __tablename__ = "brands"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), unique=True)


class TaxClass(Base):
    """A tax rate; ``inclusive`` prices already contain the tax (Taiwan VAT)."""

    __tablename__ = "tax_classes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    #: Rate in basis points: 500 is 5 %.
    rate_bp: Mapped[int] = mapped_column(Integer)
    inclusive: Mapped[bool] = mapped_column(Boolean, default=True)


class Product(Timestamps, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        # Browsing sorts a million rows in SQL; each sort order has its index.
        Index(None, "price_minor"),
        Index(None, "created_at"),
        Index(None, "name_zh"),
        Index(None, "name_en"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id"), index=True)
    brand_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("brands.id"), index=True)
    tax_class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tax_classes.id"))
    price_minor: Mapped[int] = mapped_column(Integer)
    member_price_minor: Mapped[int | None] = mapped_column(Integer)
    #: Unit of sale: "pc", "kg", "pack", ... Weighed units allow fractional quantities.
    unit: Mapped[str] = mapped_column(String(8), default="pc")
    weighed: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Specifications as ordered key/value text, e.g. {"容量": "936ml"}.
    specs: Mapped[dict[str, str]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Units sold recently, computed here from order history (never synced):
    #: orders "best-selling" and the search index.
    popularity: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)
    #: Shelf/bin code ("A-03-2") the picking list is sorted and grouped by; "" unknown.
    location: Mapped[str] = mapped_column(String(32), default="", server_default="")
    #: The server's version of this product (bumped by each accepted edit);
    #: a catalog edit names the version it started from, so a stale edit is refused.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    barcodes: Mapped[list[ProductBarcode]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )


class ProductBarcode(Base):
    """One of possibly several barcodes of a product (case, unit, old label)."""

    __tablename__ = "product_barcodes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    #: "ean13", "ean8", "upca", "internal".
    kind: Mapped[str] = mapped_column(String(8), default="ean13")

    product: Mapped[Product] = relationship(back_populates="barcodes")


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    #: Relative to the workstation's image directory.
    path: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class ProductSearchKey(Base):
    """A product's FTS5 rowid in the search index (see ``data/search_index.py``).

    ``search_key`` order is popularity order as of the last rebuild.
    """

    __tablename__ = "product_search_keys"

    search_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), unique=True
    )


class CoPurchase(Base):
    """How many orders contained both products: "often bought together"."""

    __tablename__ = "co_purchases"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    orders: Mapped[int] = mapped_column(Integer, default=0)


class LocalState(Base):
    """Small facts this workstation keeps for itself (cursors of background jobs)."""

    __tablename__ = "local_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- stock ------------------------------------------------------------------


class StockLevel(Base):
    """Server-confirmed on-hand per branch (the snapshot).

    On-hand shown at the counter is this plus the unsynced local
    :class:`StockMovement` rows.
    """

    __tablename__ = "stock_levels"

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    on_hand_milli: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_milli: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[datetime] = mapped_column(default=utcnow)


class StockReason(enum.Enum):
    OPENING = "opening"
    SALE = "sale"
    RETURN = "return"
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"


class StockMovement(Base):
    """An append-only change of stock (+ in, - out), synced as a delta."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index(None, "branch_id", "product_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    qty_delta_milli: Mapped[int] = mapped_column(Integer)
    reason: Mapped[StockReason] = mapped_column(_enum(StockReason, "stock_reason"))
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"), index=True)
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str] = mapped_column(String(240), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set once a pulled stock snapshot includes the movement (``ack_seq``
    #: at or below the pull cursor); until then on-hand adds it locally.
    synced: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The server change-log position at which the server applied the
    #: movement's operation (from the push acknowledgement); ``None`` unsent.
    ack_seq: Mapped[int | None] = mapped_column(Integer)


# --- members ----------------------------------------------------------------


class MemberLevel(enum.Enum):
    REGULAR = "regular"
    SILVER = "silver"
    GOLD = "gold"
    VIP = "vip"


class Member(Timestamps, Base):
    __tablename__ = "members"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[MemberLevel] = mapped_column(
        _enum(MemberLevel, "member_level"), default=MemberLevel.REGULAR
    )
    birthday: Mapped[date | None] = mapped_column(Date)
    home_branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"))
    #: Cached balance; the points ledger (sync issue) is the truth.
    points: Mapped[int] = mapped_column(Integer, default=0)
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# --- sales ------------------------------------------------------------------


class Order(Base):
    """A sale. Owned by the workstation that took it; once completed it is
    never edited, only corrected by new documents (returns, credit notes)."""

    __tablename__ = "orders"
    __table_args__ = (
        Index(None, "branch_id", "created_at"),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[OrderKind] = mapped_column(_enum(OrderKind, "order_kind"))
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status"), index=True)
    currency_code: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(Integer)
    discount_minor: Mapped[int] = mapped_column(Integer, default=0)
    tax_minor: Mapped[int] = mapped_column(Integer, default=0)
    delivery_fee_minor: Mapped[int] = mapped_column(Integer, default=0)
    rounding_minor: Mapped[int] = mapped_column(Integer, default=0)
    total_minor: Mapped[int] = mapped_column(Integer)
    #: Invoice number from this workstation's series; unique, never reused.
    invoice_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    buyer_tax_id: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: Business time on the device clock (see SYNC.md: never used to order history).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()
    device_seq: Mapped[int | None] = mapped_column(Integer)
    #: The bill as priced at the counter (discounts with their reasons, taxes,
    #: coupons): the order keeps the prices it was sold at, never re-priced.
    pricing: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: The supervisor or manager who approved an override on this sale.
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="order", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """A line as sold: name and prices are copied so later edits never re-price it."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    qty_milli: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    discount_minor: Mapped[int] = mapped_column(Integer, default=0)
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0)
    tax_minor: Mapped[int] = mapped_column(Integer, default=0)
    line_total_minor: Mapped[int] = mapped_column(Integer)
    #: The promotions applied to this line, as used at the time of sale.
    promotions: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(String(240), default="")

    order: Mapped[Order] = relationship(back_populates="lines")


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "payment_method"))
    amount_minor: Mapped[int] = mapped_column(Integer)
    tendered_minor: Mapped[int | None] = mapped_column(Integer)
    change_minor: Mapped[int] = mapped_column(Integer, default=0)
    #: Provider transaction id, or a card terminal's approval code.
    reference: Mapped[str] = mapped_column(String(64), default="")
    #: Last four digits only; a full card number is never stored.
    card_last4: Mapped[str] = mapped_column(String(4), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="payments")


class OrderEvent(Base):
    """A step of an order's life: who moved it from what to what, when and why.

    Written in the same transaction as the step (and its outbox entry), so
    the history never misses a step. ``from_status`` is ``None`` for the
    order being taken. A payment is an event too (``from_status`` may equal
    ``to_status`` when the order was already moving); its id is the payment
    batch id, which makes paying the same batch twice a no-op.
    """

    __tablename__ = "order_events"
    __table_args__ = (Index(None, "order_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    from_status: Mapped[OrderStatus | None] = mapped_column(
        _enum(OrderStatus, "order_event_from_status")
    )
    to_status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_event_to_status"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What the step was: "taken", "paid", "advanced", "shipped", "cancelled".
    action: Mapped[str] = mapped_column(String(24))
    #: Why, in the staff's words (required for a cancel).
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Carrier and tracking number, payment batch, refunds: what the step carried.
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OrderDelivery(Base):
    """Where and how a delivery (or pick-up) order reaches the customer.

    A table of its own rather than columns on ``orders``: most orders are
    take-away and have none, and adding it needs no change to ``orders``.
    """

    __tablename__ = "order_deliveries"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_name: Mapped[str] = mapped_column(String(120), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    #: The day the customer asked for; ``None``: as soon as possible.
    requested_date: Mapped[date | None] = mapped_column(Date)
    carrier: Mapped[str] = mapped_column(String(60), default="")
    tracking_no: Mapped[str] = mapped_column(String(60), default="", index=True)
    shipped_at: Mapped[datetime | None] = mapped_column()
    #: Delivered, or for a pick-up collected at the counter.
    delivered_at: Mapped[datetime | None] = mapped_column()


class RefundStatus(enum.Enum):
    #: Given back at once: cash from the drawer, store credit re-credited.
    DONE = "done"
    #: Owed to the customer: a card or wallet refund still to be made at the
    #: terminal or through the provider (not done by this module).
    OWED = "owed"


class Refund(Base):
    """Money going back to a customer for a payment of an order.

    A table of its own, not a negative ``payments`` row: payments of an
    order add up to its total (checkout checks it, reports count takings
    from it), and a refund has a life of its own (owed until the provider
    has paid it back).
    """

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    #: The payment refunded.
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "refund_method"))
    amount_minor: Mapped[int] = mapped_column(Integer)
    status: Mapped[RefundStatus] = mapped_column(_enum(RefundStatus, "refund_status"))
    reason: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When an owed refund was confirmed paid back.
    settled_at: Mapped[datetime | None] = mapped_column()


# --- promotions, coupons, store credit ---------------------------------------


class Promotion(Base):
    """A promotion as the server defines it (the server wins on promotions).

    ``rule`` is the whole promotion as the pricing engine writes it
    (``domain.pricing.promotion_to_json``): target, schedule, tiers and all.
    Only what the counter filters or sorts on is a column of its own, so a
    new kind of promotion needs no migration.
    """

    __tablename__ = "promotions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    rule: Mapped[dict[str, Any]] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Coupon(Base):
    """A code a customer hands over, giving one promotion.

    ``code`` is stored upper-cased: what the cashier types is upper-cased
    before the lookup, so "welcome100" finds "WELCOME100". The validity
    window is the shop's wall-clock time (naive), like promotion schedules:
    "valid until 1 January" means the shop's midnight.
    """

    __tablename__ = "coupons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    promotion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("promotions.id"), index=True)
    #: Inclusive.
    valid_from: Mapped[datetime | None] = mapped_column(DateTime())
    #: Exclusive.
    valid_until: Mapped[datetime | None] = mapped_column(DateTime())
    single_use: Mapped[bool] = mapped_column(Boolean, default=True)
    #: For a multi-use code, how many sales it may be used on (``None``: no limit).
    max_uses: Mapped[int | None] = mapped_column(Integer)
    #: A coupon issued to one member only.
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Sales on every till the server has counted (pulled); a single-use coupon
    #: used at another till is refused here once this comes down.
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CouponRedemption(Base):
    """A coupon used on a sale, written with the sale: the local "already used" check."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (UniqueConstraint("coupon_id", "order_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    coupon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coupons.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the server has acknowledged the sale: until then a single-use
    #: coupon counts against this till's offline allowance.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", index=True)


class DeliveryRule(Base):
    """How a delivery fee is charged; ``rule`` as ``domain.pricing.delivery_rule_to_json``."""

    __tablename__ = "delivery_rules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    rule: Mapped[dict[str, Any]] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Order in which the counter offers the rules.
    position: Mapped[int] = mapped_column(Integer, default=0)


class StoreCreditEntry(Base):
    """A change of a member's store credit: + credit given, - credit spent.

    Append-only, like stock: the balance is the sum, and entries sync as
    deltas, so two tills spending offline never overwrite each other.
    """

    __tablename__ = "store_credit_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    #: The sale that spent it (or, later, the return that gave it).
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"), index=True)
    #: "sale", "top_up", "refund", ... the UI words it.
    reason: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointsEntry(Base):
    """A change of a member's points: + earned on a sale, - reversed or spent.

    A ledger keyed on the order (one ``earn`` and at most one ``reverse``
    per order), so a retried push never counts points twice; the member's
    ``points`` column is the cached sum.
    """

    __tablename__ = "points_entries"
    __table_args__ = (UniqueConstraint("order_id", "reason"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    delta: Mapped[int] = mapped_column(Integer)
    #: "earn", "reverse", "adjust".
    reason: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditNote(Base):
    """The document that voids an invoice: the invoice keeps its number,
    the credit note takes the next number of the workstation's own
    credit-note series (gapless, bumped in the void's transaction)."""

    __tablename__ = "credit_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), unique=True)
    #: The voided invoice's number, kept as it was.
    invoice_no: Mapped[str] = mapped_column(String(32))
    total_minor: Mapped[int] = mapped_column(Integer)
    tax_minor: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- parked carts -----------------------------------------------------------


class ParkedCart(Base):
    """A cart put aside at the counter, to be recalled at any till of the branch.

    ``payload`` is the cart as the sell screen saves it (lines, member,
    coupon codes); nothing here reads inside it. Recalled carts stay, marked,
    so a second recall is told who took it.
    """

    __tablename__ = "parked_carts"
    __table_args__ = (Index(None, "branch_id", "parked_at"),)

    #: Client-made: parking the same cart again updates it.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    label: Mapped[str] = mapped_column(String(120), default="")
    payload: Mapped[dict[str, Any]] = mapped_column()
    total_minor: Mapped[int] = mapped_column(Integer, default=0)
    parked_at: Mapped[datetime] = mapped_column(default=utcnow)
    recalled_at: Mapped[datetime | None] = mapped_column()
    recalled_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    recalled_workstation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("workstations.id"))


class OpenCart(Base):
    """A cart open in a tab at this till, saved as it changes so a crash or a log-out loses nothing.

    Local to the till and to the cashier who had it open (never synced); the
    next log-in of that cashier on this till opens the tabs again. ``payload``
    is ``Cart.to_json()`` as for a parked cart; ``position`` is the tab's place.
    """

    __tablename__ = "open_carts"
    __table_args__ = (Index(None, "workstation_id", "staff_id"),)

    #: The cart's client-made id (the order's id once it is paid).
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffPin(Base):
    """A staff member's quick-switch PIN at this till (argon2id, like the password).

    Set by its owner after a password log-in; local to the till, never synced.
    """

    __tablename__ = "staff_pins"

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInGuard(Base):
    """Failed sign-ins of one person at this till, and how long the account is locked.

    Kept in the database (not in memory) so a lock-out holds offline and
    across restarts; a successful sign-in clears ``failures``.
    """

    __tablename__ = "sign_in_guards"

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    #: Failures since the last success or lock-out.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: Lock-outs since the last success: each one lasts twice as long as the one before.
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()


# --- mobile wallets ------------------------------------------------------------


class WalletChargeState(enum.Enum):
    #: Written before the request leaves the till: what the gateway did is not known yet.
    SENDING = "sending"
    #: The gateway said paid; the sale that takes it has not committed yet.
    PAID = "paid"
    #: Settled: a committed sale holds the payment.
    SOLD = "sold"
    #: Settled: cancelled or refunded at the gateway, or it never got there.
    REVERSED = "reversed"
    #: Settled: the customer's wallet refused it, nothing was charged.
    DECLINED = "declined"


#: States that still need an answer: at the next start these are asked about.
UNSETTLED_WALLET_STATES = (WalletChargeState.SENDING, WalletChargeState.PAID)


class WalletCharge(Base):
    """One Alipay or WeChat Pay charge, written before it is sent and settled after.

    The record is durable before the gateway hears of the trade, so a till
    that dies mid-charge finds it at the next start and asks the gateway:
    paid without a sale is reversed, not paid is closed (``services.wallets.journal``).

    A trigger made by the migration (``wallet_charges_sold``) settles the
    record as SOLD in the same transaction as the sale's payment row: a
    ``payments`` row of the same wallet whose ``reference`` is the
    gateway's transaction id or our ``out_trade_no``.
    """

    __tablename__ = "wallet_charges"

    #: Our trade number at the gateway (letters, digits and "_", at most 32).
    out_trade_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    provider: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "wallet_provider"))
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency_code: Mapped[str] = mapped_column(String(3))
    #: The cart (and so the order) it pays for, when the till said.
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    #: The gateway's own number for the trade, once it gave one.
    transaction_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    state: Mapped[WalletChargeState] = mapped_column(
        _enum(WalletChargeState, "wallet_charge_state"), index=True
    )
    #: Which run of the app sent it: recovery leaves the running till's own charges alone.
    run_id: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()
    #: How often recovery asked the gateway, and what stood in the way last time.
    checks: Mapped[int] = mapped_column(Integer, default=0)
    problem: Mapped[str] = mapped_column(String(200), default="")


# --- shifts (issue 13) ---------------------------------------------------------


class Shift(Base):
    """One cashier session at a till, from its counted float to its Z report.

    At most one shift per workstation is open (``closed_at`` NULL). What it
    took is in :class:`ShiftTotal` (running totals, ``domain.shift``); at the
    close the blind count, the variance and the whole Z report are kept here.
    """

    __tablename__ = "shifts"
    __table_args__ = (
        Index(
            "uq_shifts_open_per_workstation",
            "workstation_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    #: The workstation's own shift series (Z 1, 2, ...), printed on the report.
    number: Mapped[int] = mapped_column(Integer)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    workstation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workstations.id"))
    #: The shop's local date the shift opened on, which the branch's day report groups by.
    business_day: Mapped[date] = mapped_column(Date)
    currency_code: Mapped[str] = mapped_column(String(3))
    opened_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    opened_at: Mapped[datetime] = mapped_column()
    float_minor: Mapped[int] = mapped_column(Integer)
    #: The float's count by denomination ({"2000": 1, ...}).
    float_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    closed_at: Mapped[datetime | None] = mapped_column()
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counted_minor: Mapped[int | None] = mapped_column(Integer)
    expected_minor: Mapped[int | None] = mapped_column(Integer)
    variance_minor: Mapped[int | None] = mapped_column(Integer)
    #: The manager who saw the expected cash of a variance beyond the threshold.
    variance_approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    variance_note: Mapped[str] = mapped_column(Text, default="")
    #: The Z report as closed (``services.shifts.ShiftReport.to_json``).
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ShiftTotal(Base):
    """One running total of a shift (``domain.shift.Bucket``), bumped in each sale's transaction."""

    __tablename__ = "shift_totals"
    # Keyed by its primary key alone (no rowid, no second index): a sale's bump dirties
    # one page, not two, of what its commit writes.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy reads it

    shift_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shifts.id", ondelete="CASCADE"), primary_key=True
    )
    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)


class CashMovement(Base):
    """Cash put into or taken out of the drawer during a shift, with why."""

    __tablename__ = "cash_movements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), index=True)
    #: True: cash in; False: cash out.
    into_drawer: Mapped[bool] = mapped_column(Boolean)
    amount_minor: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(240))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- sync and audit ---------------------------------------------------------


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    ACKED = "acked"
    REJECTED = "rejected"


class OutboxEntry(Base):
    """An operation waiting to reach the server, written in the same
    transaction as the change it describes."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("device_id", "device_seq"),
        Index(None, "status", "device_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_seq: Mapped[int] = mapped_column(Integer)
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_id)
    op_type: Mapped[str] = mapped_column(String(48))
    payload_version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acked_at: Mapped[datetime | None] = mapped_column()
    #: The server change-log position of the transaction that applied it.
    server_seq: Mapped[int | None] = mapped_column(Integer)
    #: Why the server refused it for good ("stale_edit", "invalid", ...); "" otherwise.
    reject_code: Mapped[str] = mapped_column(String(48), default="", server_default="")


class SyncLogEntry(Base):
    """What the sync worker did or met, for a manager to read (newest first)."""

    __tablename__ = "sync_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: "push", "pull", "bootstrap", "enrol", "hello", "error", ...
    kind: Mapped[str] = mapped_column(String(24))
    #: "info", "warning" or "error".
    level: Mapped[str] = mapped_column(String(8), default="info")
    message: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditEntry(Base):
    """Who did what, when: sign-ins, approvals, overrides, voids, settings and price changes.

    Append-only and hash-chained per device (``shop_shared.audit_chain``): written
    only by ``services.audit.record_audit``, which stores every hashed field in
    its wire form (the text the hash is taken over) and moves :class:`AuditHead`
    in the same transaction.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    workstation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("workstations.id"))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(48), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The chain's device (32 hex digits; "" before the file had a device identity).
    device_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    #: 1, 2, 3... within the device's chain.
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: SHA-256 (hex) of the entry before it; ``GENESIS`` for the first of the file.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: SHA-256 (hex) of this entry's fields in wire form.
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditHead(Base):
    """The end of the audit chain (exactly one row), moved with every entry.

    Appending reads it instead of searching the log, so it costs the same at
    the millionth entry; ``shop-admin audit verify`` checks the log ends here,
    which catches the newest entries being deleted. ``queued_id`` is the last
    ``audit_log.id`` put into the outbox for the server.
    """

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("singleton = 1", name="single_row"),)

    singleton: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    device_id: Mapped[str] = mapped_column(String(32), default="")
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    queued_id: Mapped[int] = mapped_column(Integer, default=0)
