"""Shifts: a counted float, running totals bumped in each sale's transaction, cash
movements, and the blind count and Z report at the close.

Revision ID: 0010_shifts_cash
Revises: 0009_park_sign_in
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_shifts_cash"
down_revision: str | None = "0009_park_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("float_minor", sa.Integer(), nullable=False),
        sa.Column("float_counts", sa.JSON(), nullable=False),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("counted_minor", sa.Integer(), nullable=True),
        sa.Column("expected_minor", sa.Integer(), nullable=True),
        sa.Column("variance_minor", sa.Integer(), nullable=True),
        sa.Column("variance_approved_by", sa.Uuid(), nullable=True),
        sa.Column("variance_note", sa.Text(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_shifts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["staff_users.id"], name=op.f("fk_shifts_closed_by_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["staff_users.id"], name=op.f("fk_shifts_opened_by_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["variance_approved_by"],
            ["staff_users.id"],
            name=op.f("fk_shifts_variance_approved_by_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_shifts_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    # One open shift per till, kept by the database itself.
    op.create_index(
        "uq_shifts_open_per_workstation",
        "shifts",
        ["workstation_id"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("into_drawer", sa.Boolean(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=240), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff_users.id"],
            name=op.f("fk_cash_movements_approved_by_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_cash_movements_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_cash_movements_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
    )
    op.create_index(
        op.f("ix_cash_movements_shift_id"), "cash_movements", ["shift_id"], unique=False
    )
    op.create_table(
        "shift_totals",
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_shift_totals_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shift_id", "bucket", "key", name=op.f("pk_shift_totals")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("shift_totals")
    op.drop_index(op.f("ix_cash_movements_shift_id"), table_name="cash_movements")
    op.drop_table("cash_movements")
    op.drop_index("uq_shifts_open_per_workstation", table_name="shifts")
    op.drop_table("shifts")
