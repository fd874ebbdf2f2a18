"""shifts: each till's shifts and their Z reports, for the branch's day report

Revision ID: 0004_shifts
Revises: 0003_park_staff_scope
Create Date: 2026-12-08 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_shifts"
down_revision: str | None = "0003_park_staff_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("workstation_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("opened_by", sa.String(length=36), nullable=True),
        sa.Column("opened_at", sa.String(length=40), nullable=False),
        sa.Column("float_minor", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("closed_at", sa.String(length=40), nullable=True),
        sa.Column("report", _JSON, nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_index("ix_shifts_branch_day", "shifts", ["branch_id", "business_day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_shifts_branch_day", table_name="shifts")
    op.drop_table("shifts")
