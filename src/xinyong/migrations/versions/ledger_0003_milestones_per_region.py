"""ledger: milestones per region — the table keeps a credit office's adjusted dates per region

The plans and their dates are now rule data per region (rules/local/<region>/ledger/milestones.yaml:
大高信办字〔2021〕1号 二（一）—（三） for 大连, 淮政办发〔2021〕13号 一（二）1 for 淮安). The three rows that
ledger_0001 seeded with 大连高新区's dates are removed where still unchanged, so that no other region
shows them; a date a credit office had moved is kept as an adjustment of that step (region unknown:
region_code NULL).

Revision ID: ledger_0003
Revises: ledger_0002
"""
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ledger_0003"
down_revision: str | Sequence[str] | None = "ledger_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: what ledger_0001 seeded (大高信办字〔2021〕1号 二（一）—（三）)
SEEDED = (
    ("self_review", "梳理自查", dt.date(2021, 1, 29), 1,
     "全面开展梳理和自查自纠工作，建立本单位失信约束措施台账，于2021年1月29日中午前报送至区信用办",
     "大高信办字〔2021〕1号 二（一）"),
    ("rectification_plan", "整改方案", dt.date(2021, 3, 18), 2,
     "对台账中不符合《指导意见》要求，但仍需要保留的措施，研究制定整改方案，明确整改工作进度、完成时限，"
     "于2021年3月18日前报送至区信用办", "大高信办字〔2021〕1号 二（二）"),
    ("completion", "全面完成", dt.date(2021, 10, 18), 3,
     "按照整改工作进度，全面完成相关措施的清理规范工作，于2021年10月18日前将清理规范工作总结报送至区信用办",
     "大高信办字〔2021〕1号 二（三）"),
)

_TABLE = sa.table(
    "ledger_milestones", sa.column("code", sa.String), sa.column("name", sa.String), sa.column("due_date", sa.Date),
    sa.column("position", sa.Integer), sa.column("description", sa.Text), sa.column("source", sa.String),
    sa.column("region_code", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=6), nullable=True))
        batch_op.drop_constraint("uq_ledger_milestones_code", type_="unique")
        batch_op.create_unique_constraint("uq_ledger_milestones_region_code", ["region_code", "code"])
    for code, _, due, *_rest in SEEDED:
        op.execute(_TABLE.delete().where(_TABLE.c.code == code, _TABLE.c.due_date == due,
                                         _TABLE.c.region_code.is_(None)))


def downgrade() -> None:
    op.execute(_TABLE.delete().where(_TABLE.c.region_code.is_not(None)))
    with op.batch_alter_table("ledger_milestones", schema=None) as batch_op:
        batch_op.drop_constraint("uq_ledger_milestones_region_code", type_="unique")
        batch_op.drop_column("region_code")
        batch_op.create_unique_constraint("uq_ledger_milestones_code", ["code"])
    conn = op.get_bind()
    present = {row[0] for row in conn.execute(sa.text("SELECT code FROM ledger_milestones"))}
    op.bulk_insert(_TABLE, [
        {"code": code, "name": name, "due_date": due, "position": pos, "description": desc, "source": src}
        for code, name, due, pos, desc, src in SEEDED if code not in present
    ])
