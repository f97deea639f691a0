"""security: console accounts' contact phone, encrypted, with a keyed hash for lookup

Revision ID: security_0003
Revises: security_0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "security_0003"
down_revision: str | Sequence[str] | None = "security_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("console_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("phone_key", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_console_accounts_phone_key"), ["phone_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("console_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_accounts_phone_key"))
        batch_op.drop_column("phone_key")
        batch_op.drop_column("phone_enc")
