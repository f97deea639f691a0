"""Which statements a block sends inside a transaction: the reading use cases run without one on
PostgreSQL (autocommit, each statement its own), and the tests that say so watch them here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from xinyong.core.db import get_engine


@contextmanager
def transactions() -> Iterator[list[bool]]:
    """For each statement sent while the block runs: whether it ran inside a transaction."""
    seen: list[bool] = []

    def note(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if conn.dialect.name == "postgresql":
            seen.append(not dbapi.autocommit)
        else:
            seen.append(bool(dbapi.in_transaction))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
