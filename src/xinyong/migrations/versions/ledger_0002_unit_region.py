"""ledger: the region of the unit that keeps each document and submission

A credit office oversees the ledgers of the units in its region and below (淮政办发〔2021〕13号
六（二）: 各级信用管理部门……对本区域内社会信用体系建设工作加强规范指导); the region is the
registered region of the unit's principal, copied when the document or submission is made. Existing
rows take it from a principal registered under the same department name, where there is one.

Revision ID: ledger_0002
Revises: ledger_0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ledger_0002"
down_revision: str | Sequence[str] | None = "ledger_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("ledger_documents", "ledger_submissions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("region_code", sa.String(length=6), nullable=True))
        op.execute(sa.text(
            f"UPDATE {table} SET region_code = (SELECT p.region_code FROM principals p "
            f"WHERE p.department = {table}.unit_name AND p.region_code IS NOT NULL "
            "AND p.role NOT IN ('admin', 'subject', 'public') ORDER BY p.id LIMIT 1) "
            "WHERE region_code IS NULL"
        ))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("region_code")
