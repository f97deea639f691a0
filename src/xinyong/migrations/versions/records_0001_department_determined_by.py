"""records: the determining department and the principal who recorded each record

A record is the determining department's own act (谁认定、谁负责, 淮政办发〔2021〕13号 §三(一)): it stores
the acting principal's department (``department``) and id (``determined_by``). Existing rows were
written before that was known: their department is the issuing authority, determined_by stays null.
The column stays nullable at the database level (a SQLite batch rebuild of ``records`` would also have
to rebuild every table that references it); the application always fills it.

Revision ID: records_0001
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "records_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("records",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("records", sa.Column("department", sa.String(length=200), nullable=True))
    op.add_column("records", sa.Column("determined_by", sa.Integer(), nullable=True))
    op.execute("UPDATE records SET department = issuing_authority WHERE department IS NULL")
    op.create_index("ix_records_department", "records", ["department"])


def downgrade() -> None:
    op.drop_index("ix_records_department", table_name="records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("determined_by")
        batch.drop_column("department")
