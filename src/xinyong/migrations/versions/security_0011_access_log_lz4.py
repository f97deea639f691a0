"""security: the access log's detail is compressed with LZ4 rather than PostgreSQL's default pglz
(PostgreSQL built with LZ4; elsewhere nothing changes)

Revision ID: security_0011
Revises: security_0010

A batch screening's entry lists the keys of up to 125,000 subjects (about 1.5 MB of JSON): stored
with pglz, the eight entries of a million-row file took about a third of a second of its commit,
with LZ4 under a tenth, for the same size on disk (hexadecimal keys hardly compress). The setting
holds for values written from now on; stored values stay as they are. New monthly partitions take
it from the partitioned table; the existing ones are set here one by one.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "security_0011"
down_revision: str | Sequence[str] | None = "security_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _compress_with(method: str) -> str:
    return f"""
DO $$
DECLARE part regclass;
BEGIN
    ALTER TABLE access_log ALTER COLUMN detail SET COMPRESSION {method};
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'access_log'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN detail SET COMPRESSION {method}', part);
    END LOOP;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'this PostgreSQL was built without {method}: the access log keeps its compression';
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_compress_with("lz4"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_compress_with("pglz"))
