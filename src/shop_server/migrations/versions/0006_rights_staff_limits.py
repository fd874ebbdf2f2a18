"""Each person's own limits beyond the discount one; empty means their role's.

Revision ID: 0006_rights_staff_limits
Revises: 0005_audit_chain
Create Date: 2026-12-08 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_rights_staff_limits"
down_revision: str | None = "0005_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("max_price_override_bp", "max_refund_minor", "max_cash_out_minor")


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
