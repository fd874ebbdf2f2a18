"""Catalog search: FTS5 index with its key table, popularity, co-purchases, local state.

The FTS5 table is written out here rather than imported from the data layer,
so this revision stays as it was when later code changes.

Revision ID: 0003_catalog_search
Revises: 0002_sales_sync
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_catalog_search"
down_revision: str | None = "0002_sales_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "local_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_local_state")),
    )
    op.create_table(
        "co_purchases",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["products.id"],
            name=op.f("fk_co_purchases_other_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_co_purchases_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "other_id", name=op.f("pk_co_purchases")),
    )
    op.create_table(
        "product_search_keys",
        sa.Column("search_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_search_keys_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("search_key", name=op.f("pk_product_search_keys")),
        sa.UniqueConstraint("product_id", name=op.f("uq_product_search_keys_product_id")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("popularity", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_products_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_name_en"), ["name_en"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_name_zh"), ["name_zh"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_popularity"), ["popularity"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_price_minor"), ["price_minor"], unique=False)

    op.execute(
        """
        CREATE VIRTUAL TABLE product_search USING fts5(
            tokens,
            content='',
            detail='none',
            prefix='2',
            tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS product_search")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_price_minor"))
        batch_op.drop_index(batch_op.f("ix_products_popularity"))
        batch_op.drop_index(batch_op.f("ix_products_name_zh"))
        batch_op.drop_index(batch_op.f("ix_products_name_en"))
        batch_op.drop_index(batch_op.f("ix_products_created_at"))
        batch_op.drop_column("popularity")

    op.drop_table("product_search_keys")
    op.drop_table("co_purchases")
    op.drop_table("local_state")
