"""statistics: typical cases (典型案例) marked by officers and published by the credit office

Revision ID: statistics_0001_typical_cases
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "statistics_0001_typical_cases"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("statistics",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statistics_typical_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=24), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=300), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("marked_by", sa.String(length=200), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('marked', 'published', 'withdrawn')",
                           name=op.f("ck_statistics_typical_cases_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_typical_cases")),
        sa.UniqueConstraint("source_kind", "source_id", name="uq_statistics_typical_cases_source"),
    )


def downgrade() -> None:
    op.drop_table("statistics_typical_cases")
