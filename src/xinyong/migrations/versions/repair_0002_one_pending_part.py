"""repair: at most one pending part per record or listing (a second application waits for the first)

Revision ID: repair_0002
Revises: repair_0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "repair_0002"
down_revision: str | Sequence[str] | None = "repair_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_repair_parts_pending_target", "repair_parts", ["target_kind", "target_id"], unique=True,
        sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_repair_parts_pending_target", table_name="repair_parts")
