"""The PostgreSQL write path of the bulk imports (records and licences): COPY first, merge on conflict."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def copy_rows(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]],
               constraint: str) -> list[int]:
    """PostgreSQL: COPY the rows straight into ``table`` with ids drawn from its sequence; when the batch
    meets a stored row (a rerun) the COPY is undone to a savepoint and the batch goes through a temporary
    table and ``INSERT … ON CONFLICT DO NOTHING``. Returns the ids of the new rows."""
    import psycopg

    conn = session.connection().connection.driver_connection
    assert conn is not None
    with conn.cursor() as cur:
        cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                    (len(rows),))
        ids = [r[0] for r in cur.fetchall()]
        cols = ", ".join(("id", *columns))
        cur.execute("SAVEPOINT bulk_copy")
        try:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for i, r in zip(ids, rows, strict=True):
                    copy.write_row((i, *r))
            cur.execute("RELEASE SAVEPOINT bulk_copy")
            return ids
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT bulk_copy")
        temp = f"imp_{table}"
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        cur.execute(f"TRUNCATE {temp}")
        with cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
            for i, r in zip(ids, rows, strict=True):
                copy.write_row((i, *r))
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp} ORDER BY id "
                    f"ON CONFLICT ON CONSTRAINT {constraint} DO NOTHING RETURNING id")
        return sorted(r[0] for r in cur.fetchall())

