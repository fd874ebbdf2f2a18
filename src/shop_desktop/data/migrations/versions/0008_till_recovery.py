"""What a till needs to pick up after a crash: wallet charges written before they are
sent (settled by a trigger when the sale's payment is written), and the carts open in
its tabs.

Revision ID: 0008
Revises: 0007_sync
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_till_recovery"
down_revision: str | None = "0007_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_METHODS = "'cash', 'card', 'alipay', 'wechat', 'store_credit'"
_STATES = "'sending', 'paid', 'sold', 'reversed', 'declined'"

# The sale's payment row and the charge's settlement are one transaction: a
# crash leaves both or neither. Matched on the gateway's transaction id (what
# the checkout keeps as the payment's reference) or on our trade number.
_SETTLE_ON_PAYMENT = """
CREATE TRIGGER wallet_charges_sold AFTER INSERT ON payments
WHEN NEW.method IN ('alipay', 'wechat') AND NEW.reference != ''
BEGIN
    UPDATE wallet_charges
    SET state = 'sold', order_id = NEW.order_id,
        settled_at = NEW.created_at, updated_at = NEW.created_at
    WHERE provider = NEW.method
      AND state IN ('sending', 'paid')
      AND (transaction_id = NEW.reference OR out_trade_no = NEW.reference);
END
"""


def upgrade() -> None:
    op.create_table(
        "open_carts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_open_carts_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_open_carts_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_carts")),
    )
    op.create_index(
        op.f("ix_open_carts_workstation_id_staff_id"),
        "open_carts",
        ["workstation_id", "staff_id"],
        unique=False,
    )

    op.create_table(
        "wallet_charges",
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("problem", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            f"provider IN ({_METHODS})", name=op.f("ck_wallet_charges_wallet_provider")
        ),
        sa.CheckConstraint(
            f"state IN ({_STATES})", name=op.f("ck_wallet_charges_wallet_charge_state")
        ),
        sa.PrimaryKeyConstraint("out_trade_no", name=op.f("pk_wallet_charges")),
    )
    op.create_index(op.f("ix_wallet_charges_state"), "wallet_charges", ["state"], unique=False)
    op.create_index(
        op.f("ix_wallet_charges_transaction_id"), "wallet_charges", ["transaction_id"], unique=False
    )
    op.execute(_SETTLE_ON_PAYMENT)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS wallet_charges_sold")
    op.drop_index(op.f("ix_wallet_charges_transaction_id"), table_name="wallet_charges")
    op.drop_index(op.f("ix_wallet_charges_state"), table_name="wallet_charges")
    op.drop_table("wallet_charges")
    op.drop_index(op.f("ix_open_carts_workstation_id_staff_id"), table_name="open_carts")
    op.drop_table("open_carts")
