"""records: former codes of organisations (行政相对人代码_2…_6) as aliases of the subject

Revision ID: records_0004
Revises: records_0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "records_0004"
down_revision: str | Sequence[str] | None = "records_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_subject_aliases_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_aliases")),
        sa.UniqueConstraint("kind", "code", name="uq_subject_aliases_kind_code"),
    )
    op.create_index("ix_subject_aliases_subject", "subject_aliases", ["subject_key"])


def downgrade() -> None:
    op.drop_index("ix_subject_aliases_subject", table_name="subject_aliases")
    op.drop_table("subject_aliases")
