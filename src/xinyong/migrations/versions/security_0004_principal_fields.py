"""security: the competent fields (职能领域) of a principal

Revision ID: security_0004
Revises: security_0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "security_0004"
down_revision: str | Sequence[str] | None = "security_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.drop_column("fields")
