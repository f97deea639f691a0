"""subjects: former names (曾用名) of a subject, matched by screening by name

Revision ID: screening_0001
Revises: 0001_foundation (where the subjects table is created)
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "screening_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("subject_names",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_former_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_subject_former_names_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_former_names")),
    )
    op.create_index("ix_subject_former_names_subject", "subject_former_names", ["subject_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subject_former_names_subject", table_name="subject_former_names")
    op.drop_table("subject_former_names")
