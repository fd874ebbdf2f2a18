"""Sync with the central server: acknowledgement positions, rejected-op codes,
product versions for catalog edits, coupon uses counted by the server, the points ledger and the sync log.

New columns use plain ``ALTER TABLE ... ADD COLUMN`` (see 0005 on why never
batch mode).

Revision ID: 0007_sync
Revises: 0006_credit_notes
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sync"
down_revision: str | None = "0006_credit_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN server_seq INTEGER")
    op.execute("ALTER TABLE outbox ADD COLUMN reject_code VARCHAR(48) DEFAULT '' NOT NULL")
    op.execute("ALTER TABLE stock_movements ADD COLUMN ack_seq INTEGER")
    op.execute("ALTER TABLE products ADD COLUMN version INTEGER DEFAULT 0 NOT NULL")
    op.execute("ALTER TABLE coupons ADD COLUMN uses INTEGER DEFAULT 0 NOT NULL")
    # Nothing was ever sent before this revision, so no redemption is confirmed yet.
    op.execute("ALTER TABLE coupon_redemptions ADD COLUMN confirmed BOOLEAN DEFAULT 0 NOT NULL")
    op.create_index(
        op.f("ix_coupon_redemptions_confirmed"), "coupon_redemptions", ["confirmed"], unique=False
    )

    op.create_table(
        "points_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_points_entries_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_points_entries_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_entries")),
        sa.UniqueConstraint("order_id", "reason", name=op.f("uq_points_entries_order_id_reason")),
    )
    op.create_index(
        op.f("ix_points_entries_member_id"), "points_entries", ["member_id"], unique=False
    )

    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log")),
    )
    op.create_index(op.f("ix_sync_log_at"), "sync_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_log_at"), table_name="sync_log")
    op.drop_table("sync_log")
    op.drop_index(op.f("ix_points_entries_member_id"), table_name="points_entries")
    op.drop_table("points_entries")
    op.drop_index(op.f("ix_coupon_redemptions_confirmed"), table_name="coupon_redemptions")
    op.execute("ALTER TABLE coupon_redemptions DROP COLUMN confirmed")
    op.execute("ALTER TABLE coupons DROP COLUMN uses")
    op.execute("ALTER TABLE products DROP COLUMN version")
    op.execute("ALTER TABLE stock_movements DROP COLUMN ack_seq")
    op.execute("ALTER TABLE outbox DROP COLUMN reject_code")
    op.execute("ALTER TABLE outbox DROP COLUMN server_seq")
