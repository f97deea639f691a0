"""The PostgreSQL write path of the bulk imports (records, licences, former codes): COPY first, merge on
conflict. The rows arrive as COPY text lines (:mod:`xinyong.core.copytext`), made by the workers that
validated them; the writer puts the ids in front and streams the bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core.copytext import copy_lines, copy_straight, copy_to_temporary, for_connection, with_ids
from xinyong.subjects.public import subject_copy_lines


@dataclass
class Validated:
    """Rows a worker validated for the writer: the rows as tuples (their subject key first) and the new
    subjects as :func:`xinyong.subjects.service.subject_row` values — or, for PostgreSQL, both as COPY
    text made in the worker (:meth:`to_copy_text`)."""

    subjects: list[dict[str, Any]] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    #: ``rows`` as COPY text lines (then ``rows`` is empty), the new subjects as (key, line), and the
    #: rows' subject keys, sorted
    lines: list[bytes] | None = None
    subject_lines: list[tuple[str, bytes]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many rows there are to write."""
        return len(self.rows) if self.lines is None else len(self.lines)

    def to_copy_text(self) -> Validated:
        """The rows and new subjects as COPY text (:mod:`xinyong.core.copytext`), made where they were
        validated: the writer then only streams bytes, and bytes are what crosses between the processes.
        A subject key's last row is kept at its first place, as the writers' merge of a batch's subjects
        does."""
        subjects = {s["subject_key"]: s for s in self.subjects}
        self.subject_lines = list(zip(subjects, subject_copy_lines(list(subjects.values())), strict=True))
        self.keys = sorted({r[0] for r in self.rows})
        self.lines = copy_lines(self.rows)
        self.rows, self.subjects = [], []
        return self

    def subject_keys(self) -> list[str]:
        """The rows' subject keys, sorted."""
        return self.keys if self.lines is not None else sorted({r[0] for r in self.rows})


def copy_rows(session: Session, table: str, columns: tuple[str, ...], lines: Sequence[bytes],
              constraint: str | None) -> list[int]:
    """PostgreSQL: COPY the rows (``lines``, COPY text of ``columns`` without the id) straight into
    ``table`` with ids drawn from its sequence; when the batch meets a stored row (a rerun) the COPY is
    undone to a savepoint and the batch goes through a temporary table and ``INSERT … ON CONFLICT DO
    NOTHING`` (on ``constraint``; None: on any unique constraint). Returns the ids of the new rows."""
    conn = session.connection().connection.driver_connection
    assert conn is not None
    with conn.cursor() as cur:
        cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                    (len(lines),))
        ids = [r[0] for r in cur.fetchall()]
        payload = for_connection(with_ids(ids, lines), conn.info.encoding)
        cols = ", ".join(("id", *columns))
        if copy_straight(cur, table, cols, payload):
            return ids
        temp = copy_to_temporary(cur, table, cols, payload)
        target = f"ON CONSTRAINT {constraint} " if constraint else ""
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp} ORDER BY id "
                    f"ON CONFLICT {target}DO NOTHING RETURNING id")
        return sorted(r[0] for r in cur.fetchall())
