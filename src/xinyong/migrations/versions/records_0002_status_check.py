"""records: the database refuses a record status outside records.rules.RecordStatus

The values are frozen here as they were when the constraint was added (a later value needs its own
migration that replaces the constraint). SQLite cannot add a CHECK to an existing table, so the
table is rebuilt (batch mode, foreign keys are not enforced while migrating); the naming convention
of xinyong.core.db gives the name ck_<table>_<name>.

Revision ID: records_0002
Revises: records_0001
"""
from collections.abc import Sequence

from xinyong.migrations.checks import Check, add_checks, drop_checks

revision: str = "records_0002"
down_revision: str | Sequence[str] | None = "records_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, constraint name, column, allowed values)
CHECKS: tuple[Check, ...] = (
    ("records", "ck_records_status", "status", (
        "active", "repaired_marked", "repaired_shielded", "repaired_deleted", "disclosure_ended",
        "revoked", "annulled",
    )),
)


def upgrade() -> None:
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)
