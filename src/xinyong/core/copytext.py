"""Rows as PostgreSQL ``COPY … FROM STDIN`` text, built away from the connection that sends them.

The bulk imports validate rows in worker processes; formatting the rows there (rather than shipping
Python tuples back for the writer to format with psycopg's ``Copy.write_row``) leaves the writer
little more than streaming bytes. The lines are made by psycopg's own row formatter with the default
adapters, so they are the bytes ``write_row`` sends for the same values (:func:`copy_lines`); the
writer only puts the new rows' ids in front (:func:`with_ids`) and, for a connection whose client
encoding is not UTF-8, re-encodes the payload (:func:`for_connection`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any


@functools.cache
def _formatter() -> tuple[Any, Any]:
    """psycopg's text-COPY row formatter (its C version with psycopg-binary) and a transformer over the
    global adapters (no connection): str, int, bool, date, datetime and Decimal dump the same with
    or without one. ``_copy_base`` is not psycopg's public interface: tests/integration/records/
    test_copy_text.py compares these lines with what ``write_row`` sends, so an upgrade that changes it
    fails there rather than writing different rows."""
    from psycopg import _copy_base
    from psycopg.adapt import Transformer

    return _copy_base.format_row_text, Transformer()


def copy_lines(rows: Iterable[Sequence[Any]]) -> list[bytes]:
    """Each row as one line of COPY text without its newline: the fields dumped and escaped as psycopg's
    ``Copy.write_row`` does (``\\N`` for None, ``\\t``/``\\n``/``\\\\`` … escaped inside a value)."""
    format_row, tx = _formatter()
    buffer = bytearray()
    for row in rows:
        format_row(row, tx, buffer)
    if not buffer:
        return []
    # an escaped value holds no raw newline, so every newline ends a row
    return bytes(buffer[:-1]).split(b"\n")


def copy_line(row: Sequence[Any]) -> bytes:
    """One row as :func:`copy_lines` gives it."""
    return copy_lines((row,))[0]


def with_ids(ids: Sequence[int], lines: Sequence[bytes]) -> bytes:
    """The COPY payload of ``lines`` with each row's id as its first field (``COPY t (id, …)``)."""
    return b"".join([b"%d\t%b\n" % pair for pair in zip(ids, lines, strict=True)])


def joined(lines: Sequence[bytes]) -> bytes:
    """The COPY payload of ``lines``."""
    return b"".join([line + b"\n" for line in lines])


def for_connection(payload: bytes, encoding: str) -> bytes:
    """The payload in the connection's client encoding (Python's name for it, ``conn.info.encoding``):
    the lines are UTF-8, and COPY's escapes are ASCII, so re-encoding the whole payload is what dumping
    each value in that encoding gives."""
    if encoding in ("utf-8", "utf8") or payload.isascii():
        return payload
    return payload.decode("utf-8").encode(encoding)


def copy_straight(cursor: Any, table: str, cols: str, payload: bytes) -> bool:
    """COPY ``payload`` (rows of ``cols``, comma-separated) straight into ``table`` under a savepoint:
    True when it went in; False, undone to the savepoint, when the batch meets a stored row (a rerun),
    for the caller to merge through :func:`copy_to_temporary` instead. ``cursor``: a psycopg cursor."""
    import psycopg

    cursor.execute("SAVEPOINT copy_straight")
    try:
        with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            copy.write(payload)
    except psycopg.errors.UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT copy_straight")
        return False
    cursor.execute("RELEASE SAVEPOINT copy_straight")
    return True


def copy_to_temporary(cursor: Any, table: str, cols: str, payload: bytes) -> str:
    """COPY ``payload`` into this transaction's temporary copy of ``table`` (made the first time, emptied
    first and at commit); its name, for the caller's ``INSERT … SELECT … ON CONFLICT DO NOTHING``."""
    temp = f"imp_{table}"
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
    cursor.execute(f"TRUNCATE {temp}")
    with cursor.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
        copy.write(payload)
    return temp
