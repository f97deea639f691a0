"""ledger: the database refuses a disposition outside ledger.disposition.Disposition

处置方式 (大高信办字〔2021〕1号 附件 注3: 保留、修订、立法、废止, and 相关内容删除 as the attachment's sample
rows use it), proposed and decided, on documents and on clauses. The values are frozen here as they were
when the constraints were added (a later value needs its own migration that replaces the constraint).

Revision ID: ledger_0004
Revises: ledger_0003
"""
from collections.abc import Sequence

from xinyong.migrations.checks import Check, add_checks, drop_checks

revision: str = "ledger_0004"
down_revision: str | Sequence[str] | None = "ledger_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISPOSITIONS = ("保留", "修订", "立法", "废止", "相关内容删除")

#: (table, constraint name, column, allowed values)
CHECKS: tuple[Check, ...] = (
    ("ledger_documents", "ck_ledger_documents_proposed_disposition", "proposed_disposition", DISPOSITIONS),
    ("ledger_documents", "ck_ledger_documents_decided_disposition", "decided_disposition", DISPOSITIONS),
    ("ledger_clauses", "ck_ledger_clauses_proposed_disposition", "proposed_disposition", DISPOSITIONS),
    ("ledger_clauses", "ck_ledger_clauses_decided_disposition", "decided_disposition", DISPOSITIONS),
)


def upgrade() -> None:
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)
