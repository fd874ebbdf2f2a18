"""Each person's own limits beyond the discount one (price override depth, refund and
cash-out amounts); empty means their role's (shop_shared.permissions.ROLE_LIMITS).

Revision ID: 0012_rights_staff_limits
Revises: 0011_audit_chain
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_rights_staff_limits"
down_revision: str | None = "0011_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("max_price_override_bp", "max_refund_minor", "max_cash_out_minor")


# Plain ALTER TABLE, not a batch copy: orders, audit and parked carts point at
# staff_users, and SQLite refuses to drop a table others refer to.
def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("staff_users", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.drop_column("staff_users", name)
