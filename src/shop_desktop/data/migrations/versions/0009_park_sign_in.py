"""Quick sign-in at a shared till: each person's PIN, and the failed-attempt guard.

Both are local to the till and never synced: a PIN is set by its owner at this
till after a password log-in, and the guard (failures, lock-outs, locked until)
must hold with no network and across restarts.

Revision ID: 0009_park_sign_in
Revises: 0008_till_recovery
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_park_sign_in"
down_revision: str | None = "0008_till_recovery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_pins",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_staff_pins_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_pins")),
    )
    op.create_table(
        "sign_in_guards",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_sign_in_guards_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_sign_in_guards")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_guards")
    op.drop_table("staff_pins")
