"""Voiding an invoice: credit notes and their own gapless series per workstation.

``credit_notes`` is a new table; ``device_identity.next_credit_note_no`` is
added with a plain ``ALTER TABLE ... ADD COLUMN`` (see 0005 on why never
batch mode).

Revision ID: 0006_credit_notes
Revises: 0005_orders
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_credit_notes"
down_revision: str | None = "0005_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE device_identity ADD COLUMN next_credit_note_no INTEGER DEFAULT 1 NOT NULL"
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_no", sa.String(length=32), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("tax_minor", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_credit_notes_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_credit_notes_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff_users.id"],
            name=op.f("fk_credit_notes_approved_by_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
        sa.UniqueConstraint("order_id", name=op.f("uq_credit_notes_order_id")),
    )


def downgrade() -> None:
    op.drop_table("credit_notes")
    op.execute("ALTER TABLE device_identity DROP COLUMN next_credit_note_no")
