"""staff rows (and their password hashes) go only to the tills of their own branch

Rows logged before this went to every till; they are re-scoped to the person's
branch (private: not to neighbours), so a device pulling from an old cursor gets
the hash only where the person may work.

Revision ID: 0003_park_staff_scope
Revises: 0002
Create Date: 2026-12-08 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_park_staff_scope"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_log = sa.table(
    "change_log",
    sa.column("seq", sa.BigInteger()),
    sa.column("entity", sa.String()),
    sa.column("branch_id", sa.String()),
    sa.column("private", sa.Boolean()),
    sa.column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_log.c.seq, _log.c.data).where(_log.c.entity == "staff_user")
    ).all()
    for seq, data in rows:
        branch = data.get("branch_id") if isinstance(data, dict) else None
        if branch:
            conn.execute(
                sa.update(_log).where(_log.c.seq == seq).values(branch_id=branch, private=True)
            )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.update(_log).where(_log.c.entity == "staff_user").values(branch_id=None, private=False)
    )
