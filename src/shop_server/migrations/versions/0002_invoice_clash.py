"""a cloned till's reused invoice number is kept and flagged, not refused

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIRST_HOLDER = sa.text("invoice_clash_of IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice_clash_of", sa.String(length=36), nullable=True))
        batch_op.drop_constraint("uq_orders_invoice_no", type_="unique")
        batch_op.create_index(
            "uq_orders_invoice_no",
            ["invoice_no"],
            unique=True,
            postgresql_where=_FIRST_HOLDER,
            sqlite_where=_FIRST_HOLDER,
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("uq_orders_invoice_no")
        batch_op.create_unique_constraint("uq_orders_invoice_no", ["invoice_no"])
        batch_op.drop_column("invoice_clash_of")
