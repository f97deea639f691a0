"""measures: the name index keeps each organisation's whole normalised name (exact matches are all
returned) and is rebuilt with the new normalisation (traditional → simplified, 字号 + 行业 core)

Revision ID: measures_0010
Revises: measures_0021

The rows are deleted, not converted: the next screening by name (or ``xinyong measures reindex``)
syncs them again from subjects.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0010"
down_revision: str | Sequence[str] | None = "measures_0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM measure_names")
    with op.batch_alter_table("measure_names", schema=None) as batch_op:
        batch_op.add_column(sa.Column("norm", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM measure_names")
    with op.batch_alter_table("measure_names", schema=None) as batch_op:
        batch_op.drop_column("norm")
