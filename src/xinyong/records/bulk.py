"""The PostgreSQL write path of the bulk imports (records, licences, former codes): COPY first, merge on
conflict. The rows arrive as COPY text lines (:mod:`xinyong.core.copytext`), made by the workers that
validated them; the writer puts the ids in front and streams the bytes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from xinyong.core.copytext import for_connection, with_ids


def copy_rows(session: Session, table: str, columns: tuple[str, ...], lines: Sequence[bytes],
              constraint: str | None) -> list[int]:
    """PostgreSQL: COPY the rows (``lines``, COPY text of ``columns`` without the id) straight into
    ``table`` with ids drawn from its sequence; when the batch meets a stored row (a rerun) the COPY is
    undone to a savepoint and the batch goes through a temporary table and ``INSERT … ON CONFLICT DO
    NOTHING`` (on ``constraint``; None: on any unique constraint). Returns the ids of the new rows."""
    import psycopg

    conn = session.connection().connection.driver_connection
    assert conn is not None
    with conn.cursor() as cur:
        cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                    (len(lines),))
        ids = [r[0] for r in cur.fetchall()]
        payload = for_connection(with_ids(ids, lines), conn.info.encoding)
        cols = ", ".join(("id", *columns))
        cur.execute("SAVEPOINT bulk_copy")
        try:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                copy.write(payload)
            cur.execute("RELEASE SAVEPOINT bulk_copy")
            return ids
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT bulk_copy")
        temp = f"imp_{table}"
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        cur.execute(f"TRUNCATE {temp}")
        with cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
            copy.write(payload)
        target = f"ON CONSTRAINT {constraint} " if constraint else ""
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp} ORDER BY id "
                    f"ON CONFLICT {target}DO NOTHING RETURNING id")
        return sorted(r[0] for r in cur.fetchall())
