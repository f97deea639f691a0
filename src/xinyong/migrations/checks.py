"""Adding and dropping the CHECK constraints of state vocabularies in a migration.

Each migration freezes its own values (a later value needs its own migration that replaces the
constraint). SQLite cannot add a CHECK to an existing table, so the table is rebuilt (batch mode,
foreign keys are not enforced while migrating); the naming convention of xinyong.core.db gives the
name ck_<table>_<name>.
"""

from __future__ import annotations

from alembic import op

#: (table, constraint name, column, allowed values)
Check = tuple[str, str, str, tuple[str, ...]]


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def add_checks(checks: tuple[Check, ...]) -> None:
    for table in dict.fromkeys(t for t, *_ in checks):
        with op.batch_alter_table(table, recreate="auto") as batch_op:
            for t, name, column, values in checks:
                if t == table:
                    batch_op.create_check_constraint(op.f(name), _condition(column, values))


def drop_checks(checks: tuple[Check, ...]) -> None:
    for table in dict.fromkeys(t for t, *_ in checks):
        with op.batch_alter_table(table, recreate="auto") as batch_op:
            for t, name, _column, _values in checks:
                if t == table:
                    batch_op.drop_constraint(op.f(name), type_="check")
