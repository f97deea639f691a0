"""repair: the database refuses a repair part status outside repair.rules.PartStatus

The values are frozen here as they were when the constraint was added (a later value needs its own
migration that replaces the constraint). SQLite cannot add a CHECK to an existing table, so the
table is rebuilt (batch mode, foreign keys are not enforced while migrating); the naming convention
of xinyong.core.db gives the name ck_<table>_<name>.

Revision ID: repair_0003
Revises: repair_0002
"""
from collections.abc import Sequence

from xinyong.migrations.checks import Check, add_checks, drop_checks

revision: str = "repair_0003"
down_revision: str | Sequence[str] | None = "repair_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, constraint name, column, allowed values)
CHECKS: tuple[Check, ...] = (
    ("repair_parts", "ck_repair_parts_status", "status", ("pending", "granted", "refused")),
)


def upgrade() -> None:
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)
