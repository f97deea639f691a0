"""listing: at most one open case per subject and list type, decided by the database

Two departments' officers proposing the same subject under the same list at the same moment both passed
the check-then-insert; a partial unique index over the open states makes the second insert fail (409).

Revision ID: listing_0006
Revises: listing_0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "listing_0006"
down_revision: str | Sequence[str] | None = "listing_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the states that end a case, frozen as they were when the index was made
CLOSED = "state NOT IN ('removed', 'withdrawn')"


def upgrade() -> None:
    op.create_index("uq_listing_cases_one_open", "listing_cases", ["subject_key", "list_type_id"], unique=True,
                    sqlite_where=sa.text(CLOSED), postgresql_where=sa.text(CLOSED))


def downgrade() -> None:
    op.drop_index("uq_listing_cases_one_open", table_name="listing_cases")
