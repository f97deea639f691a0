"""listing: a case's approvals (四眼审核, 上一级同意) and the non-conformity marks of list types
(国办发〔2020〕49号 过渡期清理)

Revision ID: listing_0005
Revises: listing_0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "listing_0005"
down_revision: str | Sequence[str] | None = "listing_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("listing_cases") as batch:
        batch.add_column(sa.Column("approvals", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("proposed_by", sa.String(length=200), nullable=True))
    op.create_table(
        "listing_type_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_type_id", sa.String(length=80), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("marked_by", sa.String(length=200), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("voided", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_type_reviews")),
        sa.UniqueConstraint("list_type_id", "region_code", name="uq_listing_type_reviews_type_region"),
    )


def downgrade() -> None:
    op.drop_table("listing_type_reviews")
    with op.batch_alter_table("listing_cases") as batch:
        batch.drop_column("proposed_by")
        batch.drop_column("approvals")
