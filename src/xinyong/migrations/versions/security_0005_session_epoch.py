"""security: sessions end on a password change (account epoch) and on a change of the principal's powers

Revision ID: security_0005
Revises: security_0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "security_0005"
down_revision: str | Sequence[str] | None = "security_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("console_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("grants", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_column("grants")
        batch_op.drop_column("epoch")
    with op.batch_alter_table("console_accounts", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
