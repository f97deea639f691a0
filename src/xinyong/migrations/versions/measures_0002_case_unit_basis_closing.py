"""measures: a joint-punishment case names its unit by principal id, rests on a listing or record
(basis_kind / basis_id, filled from the stored trigger of existing rows) and can be closed

Revision ID: measures_0002
Revises: measures_0001

Existing rows keep the unit's name (``unit``) and get no principal id: 发改办财金〔2018〕893号 §六
发起—响应—反馈 between registered units applies to cases opened from now on.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0002"
down_revision: str | Sequence[str] | None = "measures_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("punishment_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_principal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("initiated_by_principal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("basis_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("basis_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.Text(), nullable=True))
        batch_op.create_index("ix_punishment_cases_unit_principal", ["unit_principal_id"], unique=False)
        batch_op.create_index("ix_punishment_cases_basis", ["basis_kind", "basis_id"], unique=False)

    # what existing cases rest on: their trigger ({"kind": "listing"|"record", "id": …})
    cases = sa.table("punishment_cases", sa.column("id", sa.Integer), sa.column("trigger", sa.JSON),
                     sa.column("basis_kind", sa.String), sa.column("basis_id", sa.Integer))
    conn = op.get_bind()
    for case_id, trigger in conn.execute(sa.select(cases.c.id, cases.c.trigger)).all():
        if isinstance(trigger, dict) and trigger.get("kind") in ("listing", "record") and trigger.get("id"):
            conn.execute(cases.update().where(cases.c.id == case_id).values(
                basis_kind=str(trigger["kind"]), basis_id=int(trigger["id"])))


def downgrade() -> None:
    with op.batch_alter_table("punishment_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_punishment_cases_basis")
        batch_op.drop_index("ix_punishment_cases_unit_principal")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("basis_id")
        batch_op.drop_column("basis_kind")
        batch_op.drop_column("initiated_by_principal_id")
        batch_op.drop_column("unit_principal_id")
