"""Checkout: promotions, coupons and their redemptions, delivery rules, store credit,
parked carts; orders keep their pricing and who approved an override.

The two new ``orders`` columns are added with plain ``ALTER TABLE ... ADD
COLUMN`` (and dropped with ``DROP COLUMN``), never by batch mode's copy of
the table: with foreign keys enforced, dropping the old ``orders`` table
would cascade to every order's lines and payments. Written out as SQL
because SQLAlchemy leaves a column's REFERENCES out of ADD COLUMN.

Revision ID: 0004_checkout
Revises: 0003_catalog_search
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_checkout"
down_revision: str | None = "0003_catalog_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
        sa.UniqueConstraint("code", name=op.f("uq_promotions_code")),
    )
    op.create_table(
        "delivery_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_rules")),
        sa.UniqueConstraint("code", name=op.f("uq_delivery_rules_code")),
    )
    op.create_table(
        "coupons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("promotion_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=True),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_coupons_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id"], ["promotions.id"], name=op.f("fk_coupons_promotion_id_promotions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("code", name=op.f("uq_coupons_code")),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupons_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupons_promotion_id"), ["promotion_id"], unique=False)

    op.create_table(
        "coupon_redemptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("coupon_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name=op.f("fk_coupon_redemptions_coupon_id_coupons")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_coupon_redemptions_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_coupon_redemptions_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_redemptions")),
        sa.UniqueConstraint(
            "coupon_id", "order_id", name=op.f("uq_coupon_redemptions_coupon_id_order_id")
        ),
    )
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupon_redemptions_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "store_credit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_store_credit_entries_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_store_credit_entries_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_credit_entries")),
    )
    with op.batch_alter_table("store_credit_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_store_credit_entries_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_store_credit_entries_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "parked_carts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("parked_at", sa.DateTime(), nullable=False),
        sa.Column("recalled_at", sa.DateTime(), nullable=True),
        sa.Column("recalled_by", sa.Uuid(), nullable=True),
        sa.Column("recalled_workstation_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_parked_carts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["recalled_by"],
            ["staff_users.id"],
            name=op.f("fk_parked_carts_recalled_by_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["recalled_workstation_id"],
            ["workstations.id"],
            name=op.f("fk_parked_carts_recalled_workstation_id_workstations"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_parked_carts_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_parked_carts_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_carts")),
    )
    with op.batch_alter_table("parked_carts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parked_carts_branch_id_parked_at"),
            ["branch_id", "parked_at"],
            unique=False,
        )

    # Existing orders were priced before the bill was stored: an empty bill.
    op.execute("ALTER TABLE orders ADD COLUMN pricing JSON DEFAULT '{}' NOT NULL")
    op.execute(
        "ALTER TABLE orders ADD COLUMN approved_by CHAR(32)"
        " CONSTRAINT fk_orders_approved_by_staff_users REFERENCES staff_users (id)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE orders DROP COLUMN approved_by")
    op.execute("ALTER TABLE orders DROP COLUMN pricing")

    with op.batch_alter_table("parked_carts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parked_carts_branch_id_parked_at"))
    op.drop_table("parked_carts")

    with op.batch_alter_table("store_credit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_store_credit_entries_order_id"))
        batch_op.drop_index(batch_op.f("ix_store_credit_entries_member_id"))
    op.drop_table("store_credit_entries")

    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_redemptions_order_id"))
    op.drop_table("coupon_redemptions")

    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_promotion_id"))
        batch_op.drop_index(batch_op.f("ix_coupons_member_id"))
    op.drop_table("coupons")

    op.drop_table("delivery_rules")
    op.drop_table("promotions")
