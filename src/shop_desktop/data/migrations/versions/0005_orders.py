"""Orders that are not take-away: their history, delivery details and refunds;
a shelf location on products for picking lists.

``order_events``, ``order_deliveries`` and ``refunds`` are new tables, so
``orders`` itself is not touched. ``products.location`` is added with a plain
``ALTER TABLE ... ADD COLUMN`` (dropped with ``DROP COLUMN``), never by batch
mode's copy of the table: with foreign keys enforced, dropping the old
``products`` table would cascade to its barcodes, images and stock levels.

Revision ID: 0005_orders
Revises: 0004_checkout
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_orders"
down_revision: str | None = "0004_checkout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = (
    "open",
    "awaiting_payment",
    "awaiting_fulfilment",
    "picking",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
)
_METHODS = ("cash", "card", "alipay", "wechat", "store_credit")


def _enum(name: str, values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "order_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", _enum("order_event_from_status", _STATUSES), nullable=True),
        sa.Column("to_status", _enum("order_event_to_status", _STATUSES), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_events_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_order_events_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index(
        op.f("ix_order_events_order_id_at"), "order_events", ["order_id", "at"], unique=False
    )
    op.create_index(op.f("ix_order_events_staff_id"), "order_events", ["staff_id"], unique=False)

    op.create_table(
        "order_deliveries",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("carrier", sa.String(length=60), nullable=False),
        sa.Column("tracking_no", sa.String(length=60), nullable=False),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_deliveries_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_deliveries")),
    )
    op.create_index(
        op.f("ix_order_deliveries_recipient_name"),
        "order_deliveries",
        ["recipient_name"],
        unique=False,
    )
    op.create_index(
        op.f("ix_order_deliveries_tracking_no"), "order_deliveries", ["tracking_no"], unique=False
    )

    op.create_table(
        "refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("method", _enum("refund_method", _METHODS), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("status", _enum("refund_status", ("done", "owed")), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_refunds_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_refunds_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    op.create_index(op.f("ix_refunds_order_id"), "refunds", ["order_id"], unique=False)
    op.create_index(op.f("ix_refunds_payment_id"), "refunds", ["payment_id"], unique=False)

    # Existing products have no known shelf yet: "".
    op.execute("ALTER TABLE products ADD COLUMN location VARCHAR(32) DEFAULT '' NOT NULL")


def downgrade() -> None:
    op.execute("ALTER TABLE products DROP COLUMN location")

    op.drop_index(op.f("ix_refunds_payment_id"), table_name="refunds")
    op.drop_index(op.f("ix_refunds_order_id"), table_name="refunds")
    op.drop_table("refunds")

    op.drop_index(op.f("ix_order_deliveries_tracking_no"), table_name="order_deliveries")
    op.drop_index(op.f("ix_order_deliveries_recipient_name"), table_name="order_deliveries")
    op.drop_table("order_deliveries")

    op.drop_index(op.f("ix_order_events_staff_id"), table_name="order_events")
    op.drop_index(op.f("ix_order_events_order_id_at"), table_name="order_events")
    op.drop_table("order_events")
