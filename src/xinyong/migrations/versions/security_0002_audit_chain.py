"""security: hash-chained append-only access log and decision history, chain heads, signed checkpoints

Revision ID: security_0002
Revises: security_0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from xinyong.core.audit.chain import (
    GENESIS,
    append_only_ddl,
    chain_columns,
    chained,
    drop_append_only_ddl,
    head_row_sql,
)

revision: str = "security_0002"
down_revision: str | Sequence[str] | None = "security_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCESS_LOG_FIELDS = (
    "at", "principal_id", "principal_name", "role", "department", "action", "purpose",
    "subject_key", "allowed", "result_count", "detail", "reason",
)
APPEND_ONLY = ("access_log", "decision_history", "audit_checkpoints")


def _backfill_access_log(bind: sa.engine.Connection) -> tuple[int, str]:
    """Chain the entries written before this revision, in id order."""
    t = sa.table(
        "access_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
        sa.column("principal_id", sa.Integer), sa.column("principal_name", sa.String),
        sa.column("role", sa.String), sa.column("department", sa.String), sa.column("action", sa.String),
        sa.column("purpose", sa.String), sa.column("subject_key", sa.String),
        sa.column("allowed", sa.Boolean), sa.column("result_count", sa.Integer),
        sa.column("detail", sa.JSON), sa.column("reason", sa.Text), sa.column("seq", sa.Integer),
        sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String),
    )
    prev, seq = GENESIS, 0
    for row in bind.execute(sa.select(t).order_by(t.c.id)).all():
        m = row._mapping
        seq += 1
        digest = chained("access_log", prev, {k: m[k] for k in ACCESS_LOG_FIELDS})
        bind.execute(t.update().where(t.c.id == m["id"]).values(seq=seq, prev_hash=prev, entry_hash=digest))
        prev = digest
    return seq, prev


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        for column in chain_columns():
            batch_op.add_column(column)
    op.create_table(
        "audit_chain_heads",
        sa.Column("chain", sa.String(length=80), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_chain_heads")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=80), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("last_entry_hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("peaks", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    op.create_index("ix_audit_checkpoints_chain_size", "audit_checkpoints", ["chain", "tree_size"], unique=True)
    op.create_table(
        "decision_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capability", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        *chain_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_history")),
    )
    op.create_index("ix_decision_history_seq", "decision_history", ["seq"], unique=True)
    op.create_index("ix_decision_history_entry_hash", "decision_history", ["entry_hash"])
    op.create_index("ix_decision_history_ref", "decision_history", ["ref"])
    op.create_index(op.f("ix_decision_history_subject_key"), "decision_history", ["subject_key"])
    last_seq, last_hash = _backfill_access_log(bind)
    op.create_index("ix_access_log_seq", "access_log", ["seq"], unique=True)
    op.create_index("ix_access_log_entry_hash", "access_log", ["entry_hash"])
    op.execute(sa.text("INSERT INTO audit_chain_heads (chain, last_seq, last_hash) VALUES ('access_log', :s, :h)")
               .bindparams(s=last_seq, h=last_hash))
    op.execute(head_row_sql("decision_history"))
    for table in APPEND_ONLY:
        for sql in append_only_ddl(table, dialect):
            op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for sql in drop_append_only_ddl(table, dialect):
            op.execute(sql)
    op.drop_index("ix_access_log_entry_hash", "access_log")
    op.drop_index("ix_access_log_seq", "access_log")
    op.drop_table("decision_history")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_heads")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        for name in ("entry_hash", "prev_hash", "seq"):
            batch_op.drop_column(name)
