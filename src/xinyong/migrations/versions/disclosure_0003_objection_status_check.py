"""disclosure: the database refuses an objection status or outcome not in disclosure.rules' enums

The values are frozen here as they were when the constraint was added (a later value needs its own
migration that replaces the constraint). SQLite cannot add a CHECK to an existing table, so the
table is rebuilt (batch mode, foreign keys are not enforced while migrating); the naming convention
of xinyong.core.db gives the name ck_<table>_<name>.

Revision ID: disclosure_0003
Revises: disclosure_0002
"""
from collections.abc import Sequence

from xinyong.migrations.checks import Check, add_checks, drop_checks

revision: str = "disclosure_0003"
down_revision: str | Sequence[str] | None = "disclosure_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, constraint name, column, allowed values)
CHECKS: tuple[Check, ...] = (
    ("disclosure_objections", "ck_disclosure_objections_status", "status", ("open", "answered")),
    ("disclosure_objections", "ck_disclosure_objections_outcome", "outcome", ("upheld", "rejected")),
)


def upgrade() -> None:
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)
