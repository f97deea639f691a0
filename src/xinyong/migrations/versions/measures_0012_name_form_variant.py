"""measures: the name index reads 股份有限责任公司 as a form (股份有限公司), so the stored core of each
name that holds it is computed again

Revision ID: measures_0012
Revises: measures_0011

Only names holding 股份有限责任公司 parse differently (its 股份 stayed in the 字号); their ``core`` is
recomputed in place, by the name rules of this release. Processes that loaded the index before the
upgrade load it again when they restart.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0012"
down_revision: str | Sequence[str] | None = "measures_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VARIANT = "股份有限责任公司"


def upgrade() -> None:
    from xinyong.measures.name_match import split_name

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT subject_key, norm FROM measure_names WHERE norm LIKE :p"),
                        {"p": f"%{VARIANT}%"}).all()
    if rows:
        conn.execute(sa.text("UPDATE measure_names SET core = :core WHERE subject_key = :key"),
                     [{"key": key, "core": split_name(norm).core[:200]} for key, norm in rows])


def downgrade() -> None:
    """The former core is not kept: these few names keep the core of the newer rules (a name screening
    still finds them by their exact name, and by a near one typed with 股份有限公司)."""
