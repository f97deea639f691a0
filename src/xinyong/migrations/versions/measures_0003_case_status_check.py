"""measures: the database refuses a punishment case status not in measures.rules.CaseStatus

The values are frozen here as they were when the constraint was added (a later value needs its own
migration that replaces the constraint). SQLite cannot add a CHECK to an existing table, so the
table is rebuilt (batch mode, foreign keys are not enforced while migrating); the naming convention
of xinyong.core.db gives the name ck_<table>_<name>.

Revision ID: measures_0003
Revises: measures_0002
"""
from collections.abc import Sequence

from alembic import op

revision: str = "measures_0003"
down_revision: str | Sequence[str] | None = "measures_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, constraint name, column, allowed values)
CHECKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("punishment_cases", "ck_punishment_cases_status", "status", (
        "initiated", "responded", "feedback", "closed",
    )),
)


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    for table in dict.fromkeys(t for t, *_ in CHECKS):
        with op.batch_alter_table(table, recreate="auto") as batch_op:
            for t, name, column, values in CHECKS:
                if t == table:
                    batch_op.create_check_constraint(op.f(name), _condition(column, values))


def downgrade() -> None:
    for table in dict.fromkeys(t for t, *_ in CHECKS):
        with op.batch_alter_table(table, recreate="auto") as batch_op:
            for t, name, _column, _values in CHECKS:
                if t == table:
                    batch_op.drop_constraint(op.f(name), type_="check")
