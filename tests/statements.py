"""What a block sends to the database: the SQL of each statement, or whether each ran inside a
transaction (the reading use cases run without one on PostgreSQL: autocommit, each statement its own)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import event

from xinyong.core.db import get_engine

T = TypeVar("T")


@contextmanager
def _watched(read: Callable[[Any, str], T]) -> Iterator[list[T]]:
    """``read(connection, statement)`` of each statement sent while the block runs."""
    seen: list[T] = []

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(read(conn, statement))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _in_transaction(conn: Any, _statement: str) -> bool:
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        return not dbapi.autocommit
    return bool(dbapi.in_transaction)


def statements() -> AbstractContextManager[list[str]]:
    """The SQL statements sent while the block runs."""
    return _watched(lambda _conn, statement: statement)


def transactions() -> AbstractContextManager[list[bool]]:
    """For each statement sent while the block runs: whether it ran inside a transaction."""
    return _watched(_in_transaction)
