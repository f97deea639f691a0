"""security: the access log becomes a queue integrated by a sequencer (keyed MACs, no head lock per
request), chain heads carry their HMAC, checkpoints sign the first keyed entry; on PostgreSQL the
access log is partitioned by month

Revision ID: security_0006
Revises: security_0005

Existing entries keep their unkeyed SHA-256 chain and their checkpoints (they stay verifiable);
entries from ``keyed_from`` = last seq + 1 on are keyed (xinyong.core.audit.chain).
"""
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from xinyong.core import clock
from xinyong.core.audit.chain import append_only_ddl, drop_append_only_ddl
from xinyong.core.audit.partitions import create_partition_sql, month_start, next_month

revision: str = "security_0006"
down_revision: str | Sequence[str] | None = "security_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_access_log_principal_at", ["principal_id", "at"]),
    ("ix_access_log_entry_hash", ["entry_hash"]),
    ("ix_access_log_at", ["at"]),
    ("ix_access_log_action", ["action"]),
    ("ix_access_log_subject_key", ["subject_key"]),
)


def _partition(bind: sa.engine.Connection) -> None:
    """Rebuild access_log as a table partitioned by month of ``at`` (PostgreSQL), rows copied as they are."""
    for sql in drop_append_only_ddl("access_log", "postgresql"):
        op.execute(sql)
    for name, _ in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_access_log_seq")
    op.execute("ALTER TABLE access_log RENAME TO access_log_unpartitioned")
    op.execute("ALTER TABLE access_log_unpartitioned RENAME CONSTRAINT pk_access_log TO pk_access_log_unpartitioned")
    op.execute("CREATE TABLE access_log (LIKE access_log_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (at)")
    op.execute("ALTER TABLE access_log ALTER COLUMN id TYPE bigint, ALTER COLUMN seq TYPE bigint")
    op.execute("ALTER TABLE access_log ADD CONSTRAINT pk_access_log PRIMARY KEY (id, at)")
    op.execute("ALTER SEQUENCE access_log_id_seq OWNED BY access_log.id")
    op.execute("CREATE TABLE access_log_default PARTITION OF access_log DEFAULT")
    months = {month_start(r[0].astimezone(dt.UTC).date()) for r in bind.execute(sa.text(
        "SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' "
        "FROM access_log_unpartitioned"))}
    today = month_start(clock.now().astimezone(dt.UTC).date())
    months |= {today, next_month(today), next_month(next_month(today))}
    op.execute("CREATE OR REPLACE FUNCTION xinyong_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (只允许追加，不得修改或删除)', "
               "ERRCODE = 'insufficient_privilege'; END $$")
    for first in sorted(months):
        for sql in create_partition_sql(first):
            op.execute(sql)
    op.execute("INSERT INTO access_log SELECT * FROM access_log_unpartitioned")
    op.execute("DROP TABLE access_log_unpartitioned")
    for name, columns in INDEXES:
        op.create_index(name, "access_log", columns)
    op.create_index("ix_access_log_seq", "access_log", ["seq"])
    op.execute("ALTER TABLE audit_checkpoints ALTER COLUMN tree_size TYPE bigint")
    op.execute("ALTER TABLE audit_chain_heads ALTER COLUMN last_seq TYPE bigint")


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
    for sql in drop_append_only_ddl("access_log", dialect):
        op.execute(sql)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_chain_heads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keyed_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    op.execute("UPDATE audit_chain_heads SET keyed_from = last_seq + 1 WHERE chain = 'access_log'")
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keyed_from", sa.Integer(), nullable=True))
    if dialect == "postgresql":
        _partition(bind)
        op.execute("ALTER TABLE audit_checkpoints ENABLE TRIGGER USER")
    op.create_index("ix_access_log_queue", "access_log", ["id"],
                    sqlite_where=sa.text("seq IS NULL"), postgresql_where=sa.text("seq IS NULL"))
    for sql in append_only_ddl("access_log", dialect, queued=True):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for sql in drop_append_only_ddl("access_log", dialect):
        op.execute(sql)
    op.drop_index("ix_access_log_queue", "access_log")
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_access_log_seq")
        for name, _ in INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute("ALTER TABLE access_log RENAME TO access_log_partitioned")
        op.execute("ALTER TABLE access_log_partitioned RENAME CONSTRAINT pk_access_log TO pk_access_log_partitioned")
        op.execute("CREATE TABLE access_log (LIKE access_log_partitioned INCLUDING DEFAULTS)")
        op.execute("ALTER TABLE access_log ALTER COLUMN id TYPE integer, ALTER COLUMN seq TYPE integer")
        op.execute("ALTER TABLE access_log ADD CONSTRAINT pk_access_log PRIMARY KEY (id)")
        op.execute("ALTER SEQUENCE access_log_id_seq OWNED BY access_log.id")
        op.execute("INSERT INTO access_log SELECT * FROM access_log_partitioned")
        op.execute("DROP TABLE access_log_partitioned CASCADE")
        for name, columns in INDEXES:
            op.create_index(name, "access_log", columns)
        op.create_index("ix_access_log_seq", "access_log", ["seq"], unique=True)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_column("mac")
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_column("keyed_from")
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_checkpoints ENABLE TRIGGER USER")
    with op.batch_alter_table("audit_chain_heads", schema=None) as batch_op:
        batch_op.drop_column("mac")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("keyed_from")
    for sql in append_only_ddl("access_log", dialect):
        op.execute(sql)
