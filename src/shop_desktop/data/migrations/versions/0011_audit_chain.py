"""The audit log becomes a hash chain: each entry carries its device, sequence number,
the previous entry's hash and its own, and one head row marks where the chain ends.

Entries already in the file are chained here, in the order they were written, under
the device this file belongs to (or none, before it had one): they are this till's
history, and leaving them outside the chain would leave them editable without a trace.
Their hash is taken over the text as it is stored (``shop_shared.audit_chain``), so
nothing of them is rewritten; what the chain proves for them starts with this upgrade.

Revision ID: 0011_audit_chain
Revises: 0010_shifts_cash
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop_shared.audit_chain import GENESIS, entry_hash

revision: str = "0011_audit_chain"
down_revision: str | None = "0010_shifts_cash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("device_id", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("prev_hash", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("hash", sa.String(length=64), server_default="", nullable=False)
        )
    op.create_table(
        "audit_head",
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("queued_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("singleton = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("singleton", name=op.f("pk_audit_head")),
    )
    conn = op.get_bind()
    device = conn.execute(sa.text("SELECT device_id FROM device_identity")).scalar() or ""
    rows = conn.execute(
        sa.text(
            "SELECT id, at, staff_id, workstation_id, action, entity, entity_id, details"
            " FROM audit_log ORDER BY id"
        )
    ).all()
    prev, seq, chained = GENESIS, 0, []
    for row in rows:
        seq += 1
        digest = entry_hash(device, seq, prev, tuple(row[1:]))
        chained.append(
            {"id": row[0], "device_id": device, "seq": seq, "prev": prev, "hash": digest}
        )
        prev = digest
    if chained:
        conn.execute(
            sa.text(
                "UPDATE audit_log SET device_id = :device_id, seq = :seq, prev_hash = :prev,"
                " hash = :hash WHERE id = :id"
            ),
            chained,
        )
    conn.execute(
        sa.text(
            "INSERT INTO audit_head (singleton, device_id, seq, hash, queued_id)"
            " VALUES (1, :device, :seq, :hash, 0)"
        ),
        {"device": device if chained else "", "seq": seq, "hash": prev},
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
        batch_op.drop_column("device_id")
