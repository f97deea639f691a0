"""measures: batch screening files uploaded on the console, kept for the unit to download

Revision ID: measures_0011
Revises: measures_0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0011"
down_revision: str | Sequence[str] | None = "measures_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: frozen as they were when the table was made (a later value needs its own migration)
STATES = ("running", "done", "failed")


def upgrade() -> None:
    op.create_table(
        "screening_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("fmt", sa.String(length=8), nullable=False),
        sa.Column("matter", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name=op.f("ck_screening_batches_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_batches")),
    )
    op.create_index("ix_screening_batches_department", "screening_batches", ["department"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_screening_batches_department", table_name="screening_batches")
    op.drop_table("screening_batches")
