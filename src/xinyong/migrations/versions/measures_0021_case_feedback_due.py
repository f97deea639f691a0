"""measures: a joint-punishment case keeps its 反馈 deadline (working days, set at the response)

Revision ID: measures_0021
Revises: measures_0020
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0021"
down_revision: str | Sequence[str] | None = "measures_0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("punishment_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("feedback_due_provisional", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("punishment_cases", schema=None) as batch_op:
        batch_op.drop_column("feedback_due_provisional")
        batch_op.drop_column("feedback_due")
