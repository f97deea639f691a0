"""disclosure: widen records.status so that every repair outcome fits ("repaired_shielded" is 17 chars)

The foundation created ``records.status`` as VARCHAR(16); PostgreSQL refuses the status
``repaired_shielded`` (49号 §（十一） 屏蔽) that the disclosure rules and the repair outcomes use.
SQLite does not enforce VARCHAR lengths, so only PostgreSQL is altered (a SQLite batch rebuild of
``records`` would also have to rebuild every table that references it).

Revision ID: disclosure_0002
Revises: disclosure_0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "disclosure_0002"
down_revision: str | Sequence[str] | None = "disclosure_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("records", "status", type_=sa.String(length=32), existing_type=sa.String(length=16),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("records", "status", type_=sa.String(length=16), existing_type=sa.String(length=32),
                        existing_nullable=False)
